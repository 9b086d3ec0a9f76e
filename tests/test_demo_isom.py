"""The ISOM demo network holds every fact of ISOM's page «Treball en xarxa».

Each test loads the demo through `xarxa demo` and asks the database, not the
JSON file, so what is checked is what the importers actually recorded. The
page is undated; the demo reads it with 2019 as its reference year.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
import referencing
from django.apps import apps
from django.core.management import call_command
from django.utils import translation
from referencing.jsonschema import DRAFT3

from xarxa.core import writes
from xarxa.core.dates import years_between
from xarxa.core.models import PopoloModel
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.interop.demo_loader import NETWORK_FILE
from xarxa.network.models import Membership, Post
from xarxa.territory.models import Area

SOURCE_URL = "http://isom.cat/treball-en-xarxa/"
REFERENCE_YEAR = "2019"
SCHEMAS = Path(__file__).parent / "data" / "popolo-schemas"

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return run_demo()


def isom_in(organization_id: str) -> Membership:
    return Membership.objects.get(member_organization_id="isom", organization_id=organization_id)


def test_isom_is_a_cooperative_seated_in_el_congres_i_els_indians(demo):
    isom = Organization.objects.get(pk="isom")
    assert isom.name == "ISOM"
    assert isom.classification == "cooperative"
    assert "persones per davant del capital" in isom.description

    barri = isom.area
    assert (barri.name, barri.classification, barri.identifier) == (
        "el Congrés i els Indians", "neighbourhood", "62")
    district = barri.parent
    assert (district.name, district.classification, district.identifier) == (
        "Sant Andreu", "district", "09")
    city = district.parent
    assert (city.pk, city.name, city.classification) == ("barcelona", "Barcelona", "city")
    assert city.parent is None


def test_isom_has_been_federated_in_fedaia_since_2009_ten_years_as_of_2019(demo):
    fedaia = Organization.objects.get(pk="fedaia")
    assert fedaia.classification == "federation"
    assert "infància, joves i famílies" in fedaia.description

    federated = isom_in("fedaia")
    assert (federated.role, federated.label, federated.start_date, federated.end_date) == (
        "member", "federada", "2009", None)
    assert years_between(federated.start_date, REFERENCE_YEAR) == 10
    assert Membership.objects.current(REFERENCE_YEAR).filter(pk=federated.pk).exists()


def test_isom_sits_on_fedaias_junta_directiva_and_junta_permanent(demo):
    board = Organization.objects.get(pk="fedaia-junta-directiva")
    standing = Organization.objects.get(pk="fedaia-junta-permanent")
    assert (board.name, board.classification, board.parent_id) == (
        "Junta Directiva", "board", "fedaia")
    assert (standing.name, standing.classification, standing.parent_id) == (
        "Junta Permanent", "standing committee", "fedaia")
    assert board.network().pk == standing.network().pk == "fedaia"
    assert isom_in("fedaia-junta-directiva").role == "member"
    assert isom_in("fedaia-junta-permanent").role == "member"


def test_isom_takes_part_in_fedaias_technical_commissions(demo):
    commissions = Organization.objects.get(pk="fedaia-comissions-tecniques")
    assert (commissions.name, commissions.classification, commissions.parent_id) == (
        "Comissions tècniques", "commission", "fedaia")
    assert isom_in("fedaia-comissions-tecniques").role == "member"


def test_isom_belongs_to_the_federacio_de_cooperatives_de_treball_since_2009(demo):
    federation = Organization.objects.get(pk="federacio-cooperatives-treball")
    assert federation.name == "Federació de Cooperatives de Treball de Catalunya"
    assert federation.classification == "federation"
    assert "més de 3.000" in federation.description
    assert {"name": "Federació de Cooperatives de Catalunya",
            "note": "as the page's heading names it", "lang": "ca"} in federation.other_names

    member = isom_in("federacio-cooperatives-treball")
    assert (member.role, member.start_date, member.end_date) == ("member", "2009", None)
    assert Membership.objects.current(REFERENCE_YEAR).filter(pk=member.pk).exists()


def test_isom_takes_part_in_the_federacios_accio_social_commission(demo):
    commission = Organization.objects.get(pk="federacio-cooperatives-treball-accio-social")
    assert (commission.name, commission.classification, commission.parent_id) == (
        "Comissió d'Acció Social", "commission", "federacio-cooperatives-treball")
    assert isom_in("federacio-cooperatives-treball-accio-social").role == "member"


def test_isom_sits_in_the_taulas_working_group_on_behalf_of_fedaia(demo):
    taula = Organization.objects.get(pk="taula-tercer-sector")
    assert (taula.name, taula.classification) == ("Taula del Tercer Sector", "platform")
    assert "entitats socials catalanes" in taula.description
    group = Organization.objects.get(pk="taula-tercer-sector-innovacio-qualitat")
    assert (group.name, group.classification, group.parent_id) == (
        "Grup de treball d'innovació i qualitat", "working group", "taula-tercer-sector")

    seat = isom_in("taula-tercer-sector-innovacio-qualitat")
    assert seat.on_behalf_of_id == "fedaia"
    # ISOM sits in the Taula only through FEDAIA, so it is not a member of the Taula itself.
    assert not Membership.objects.filter(
        member_organization_id="isom", organization_id="taula-tercer-sector").exists()


def test_isom_is_a_member_of_the_coordinadora_congres_indians(demo):
    coordinadora = Organization.objects.get(pk="coordinadora-congres-indians")
    assert coordinadora.name == "Coordinadora d'Entitats Congrés-Indians"
    assert coordinadora.classification == "coordinadora"
    assert coordinadora.area_id == "barcelona-neighbourhood-62"
    assert coordinadora.name_in("ca") == "Coordinadora d'Entitats del Barri del Congrés"
    assert isom_in("coordinadora-congres-indians").role == "member"


def test_no_person_was_invented_for_a_fact_of_the_page(demo):
    # The page names no one for any seat: an unknown holder stays unknown. The
    # people of the demo's illustrative activity are flagged as made up.
    assert not Person.objects.filter(illustrative=False).exists()
    assert Post.objects.count() == 0
    assert Membership.objects.count() == 8
    assert not Membership.objects.filter(person__isnull=False).exists()
    assert set(Membership.objects.values_list("member_organization_id", flat=True)) == {"isom"}


def test_every_organisation_and_membership_cites_the_source_page(demo):
    records = [*Organization.objects.filter(illustrative=False), *Membership.objects.all()]
    assert len(records) == 10 + 8
    for record in records:
        assert [s["url"] for s in record.sources] == [SOURCE_URL], record.pk
        assert "2019" in record.sources[0]["note"], record.pk
    # The page names no university: those the demo needs are made up, and say so.
    for university in Organization.objects.filter(illustrative=True):
        assert university.classification == "university"
        assert [s["url"] for s in university.sources] == [SOURCE_URL]
        assert university.sources[0]["note"].startswith("Illustrative:"), university.pk


def test_barcelona_has_10_districts_and_73_barris(demo):
    districts = Area.objects.filter(classification="district", parent_id="barcelona")
    barris = Area.objects.filter(classification="neighbourhood")
    assert districts.count() == 10
    assert barris.count() == 73
    assert not barris.exclude(parent__in=districts).exists()
    for area in [*districts, *barris]:
        assert area.sources[0]["note"] == "Ajuntament de Barcelona / CartoBCN, CC BY", area.pk
    assert "10 districts and 73 barris" in demo


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = record_counts()
    history = Change.objects.count()
    assert history >= sum(counts.values())
    assert set(Change.objects.values_list("actor_label", flat=True)) == {
        writes.Actor.cli("demo").label}

    second = run_demo()

    assert record_counts() == counts
    assert Change.objects.count() == history
    assert "Nothing changed" in second


def record_counts() -> dict[str, int]:
    """How many records of each kind the database holds, history aside."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if issubclass(model, PopoloModel)}


def test_demo_if_empty_leaves_a_database_with_organisations_alone():
    writes.create(Organization, {"id": "other", "name": "Una altra entitat"},
                  actor=writes.Actor("test"))
    history = Change.objects.count()

    said = run_demo("--if-empty")

    assert "not loaded" in said
    assert Organization.objects.count() == 1
    assert Area.objects.count() == 0
    assert Change.objects.count() == history


def test_demo_if_empty_loads_an_empty_database():
    said = run_demo("--if-empty")
    assert Organization.objects.filter(pk="isom").exists()
    assert "created" in said


def test_the_demo_says_what_it_holds_in_one_line(demo):
    line = demo.strip()
    assert "\n" not in line
    assert line.startswith("Demo: Barcelona with 10 districts and 73 barris, 12 organisations, "
                           "8 memberships, 8 people, ")
    for kind in ("events", "awareness campaigns", "agreements", "placements"):
        assert f" {kind}" in line


def popolo_validator(name: str, registry: referencing.Registry) -> jsonschema.Draft3Validator:
    schema = registry.contents(f"http://www.popoloproject.com/schemas/{name}.json#")
    return jsonschema.Draft3Validator(schema, registry=registry)


def test_the_demo_file_validates_against_popolos_schemas():
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")]
    assert len(schemas) == 16
    registry = referencing.Registry().with_resources(
        (s["id"], DRAFT3.create_resource(s)) for s in schemas)
    doc = json.loads(NETWORK_FILE.read_text(encoding="utf-8"))
    assert doc["persons"] == [] and doc["posts"] == []
    for collection, name in (("organizations", "organization"), ("memberships", "membership")):
        validator = popolo_validator(name, registry)
        for obj in doc[collection]:
            errors = [e.message for e in validator.iter_errors(obj)]
            assert errors == [], (collection, obj["id"], errors)
