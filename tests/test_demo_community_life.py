"""The ISOM demo shows community life and training: the festivals, the
Coordinadora's activities, the meetings of the bodies ISOM sits on and their
hours, training received, the awareness campaign, the agreements with
universities and the placements under them.

The page names no dates, people or universities for these: every record that
makes one up is flagged `illustrative` and says so in its source, and
`xarxa demo --without-illustrative` loads only what the page states. Each test
asks the database what `xarxa demo` recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from xarxa.activity.models import Campaign, Event, Participation, Theme
from xarxa.core import times
from xarxa.core.models import PopoloModel
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.interop.demo_loader import ACTIVITY_FILE, NETWORK_FILE, without_illustrative
from xarxa.training.models import Agreement, AgreementDocument, Placement, Programme

SOURCE_URL = "http://isom.cat/treball-en-xarxa/"
# The sentences of ISOM's page «Treball en xarxa» the demo's activity stands on,
# as the page writes them (with straight apostrophes).
PAGE = """
ISOM participa a les festes dels barris.
COORDINADORA D'ENTITATS CONGRÉS-INDIANS: ISOM forma part de la Coordinadora d'Entitats del
Barri del Congrés (on es troba la seu social de l'entitat), participant activament en la
realització d'activitats infantils i juvenils amb l'objectiu de difondre la nostra missió,
valors i drets socials i generar un efecte sensibilitzador en el si de la nostra societat.
ISOM sensibilitza. La nostra cooperativa posa les persones per davant del capital i prioritza la
recerca de la qualitat, la participació i la gestió responsable de recursos. L'interès per la
comunitat ens bolca a preocupar-nos per les situacions socio-econòmiques de les persones, la
protecció de l'entorn, la dinamització dels barris, la creació d'ocupació, etc. ISOM vol apropar
aquest model de treball basat en els valors d'autoajuda, auto responsabilitat, democràcia,
igualtat, equitat i solidaritat.
ISOM forma i es forma. A ISOM mantenim convenis de col·laboració amb diferents Universitats, per
a la formació de futurs professionals en el camp social i educatiu.
"""
SIX_VALUES = ["self-help", "self-responsibility", "democracy", "equality", "equity", "solidarity"]
ILLUSTRATIVE_NOTE = re.compile(
    r"\AIllustrative: the page states that ISOM .+; the dates, names and figures are made up "
    r"for the demo\.\Z")
# The as-of day the demo's agreements are read at: the demo's present.
DEMO_TODAY = dt.date(2026, 12, 1)

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return run_demo()


def popolo_models() -> list[type[PopoloModel]]:
    return [m for m in apps.get_models() if issubclass(m, PopoloModel)]


def activity_and_training_models() -> list[type[PopoloModel]]:
    return [m for m in popolo_models() if m._meta.app_label in ("activity", "training")]


def flat(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


def participations_of(event_id: str) -> list[Participation]:
    return list(Participation.objects.filter(event_id=event_id).order_by("pk"))


# -- every kind of record ---------------------------------------------------------------------

def test_the_demo_shows_every_kind_of_record_of_activity_and_training(demo):
    shown = {m._meta.label: m._default_manager.count() for m in activity_and_training_models()}
    assert all(shown.values()), shown
    kinds = set(Event.objects.values_list("classification", flat=True))
    assert {"festival", "community activity", "meeting", "training", "awareness action",
            "workshop", "talk"} <= kinds


# -- festivals --------------------------------------------------------------------------------

def test_the_festa_major_del_congres_is_a_yearly_october_festival_of_the_barri_with_activities(demo):
    festa = Event.objects.get(pk="festa-major-congres-2025")
    assert (festa.name, festa.classification, festa.yearly) == (
        "Festa Major del Congrés", "festival", True)
    assert festa.start_date.startswith("2025-10") and festa.end_date.startswith("2025-10")
    assert festa.area.name == "el Congrés i els Indians"
    assert festa.organization_id == "coordinadora-congres-indians"
    assert festa.parent_id == "festes-dels-barris"  # one of the page's neighbourhood festivals
    activities = festa.children.all()
    assert activities.count() == 3
    for activity in activities:
        assert activity.start_date.startswith("2025-10") and times.has_time(activity.start_date)
        assert activity.hours() is not None and activity.hours() > 0


def test_the_festa_dels_indians_is_at_the_end_of_september(demo):
    festa = Event.objects.get(pk="festa-indians-2025")
    assert (festa.name, festa.classification, festa.yearly) == ("Festa dels Indians", "festival", True)
    assert "2025-09-20" <= festa.start_date <= festa.end_date <= "2025-09-30"
    assert festa.area_id == "barcelona-neighbourhood-62"


@pytest.mark.parametrize("festival", ["festa-major-congres-2025", "festa-indians-2025"])
def test_isom_takes_part_in_both_festivals_with_roles_hours_reach_and_objectives(demo, festival):
    events = [festival, *Event.objects.filter(parent_id=festival).values_list("pk", flat=True)]
    isoms = Participation.objects.filter(event_id__in=events).exclude(
        organization_id="coordinadora-congres-indians")
    assert isoms.exists()
    for participation in isoms:
        assert "isom" in (participation.organization_id, participation.on_behalf_of_id)
        assert participation.role in ("participant", "co-organiser", "organiser", "volunteer",
                                      "speaker")
        assert set(participation.objectives) <= {"mission", "values", "social rights",
                                                 "awareness"}
        assert participation.objectives
    assert any(p.hours for p in isoms)
    assert any(p.people_reached for p in isoms)


def test_isom_co_organises_childrens_and_youth_activities_with_the_coordinadora(demo):
    programme = Event.objects.get(pk="coordinadora-activitats-infantils-juvenils")
    assert (programme.classification, programme.organization_id, programme.area_id) == (
        "community activity", "coordinadora-congres-indians", "barcelona-neighbourhood-62")
    [isom] = participations_of(programme.pk)
    assert (isom.organization_id, isom.role) == ("isom", "co-organiser")
    assert isom.objectives == ["mission", "values", "social rights", "awareness"]

    activities = programme.children.all()
    assert activities.count() == 2
    for activity in activities:
        roles = {(p.organization_id or p.on_behalf_of_id, p.role)
                 for p in participations_of(activity.pk)}
        assert roles == {("coordinadora-congres-indians", "organiser"), ("isom", "co-organiser")}


# -- meetings and hours ------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "fedaia-junta-directiva", "fedaia-junta-permanent", "fedaia-comissions-tecniques",
    "federacio-cooperatives-treball-accio-social",
])
def test_the_bodies_isom_sits_on_meet_at_given_times_and_isom_gives_them_hours(demo, body):
    meetings = Event.objects.filter(organization_id=body, classification="meeting")
    assert meetings.count() >= 2
    for meeting in meetings:
        assert re.fullmatch(r"2025-\d\d-\d\dT\d\d:\d\d", meeting.start_date), meeting.pk
        assert meeting.hours() > 0
        [isom] = participations_of(meeting.pk)
        assert "isom" in (isom.organization_id, isom.on_behalf_of_id)
    explicit = Participation.objects.filter(event__in=meetings, hours__isnull=False)
    # Some record their hours (preparation included), the others count the meeting's length.
    assert explicit.exists()
    assert explicit.count() < meetings.count()
    for participation in explicit:
        assert participation.hours >= Decimal(str(participation.event.hours()))


def test_isom_sits_in_the_taulas_working_group_meetings_on_behalf_of_fedaia(demo):
    meetings = Event.objects.filter(organization_id="taula-tercer-sector-innovacio-qualitat")
    assert meetings.count() == 2
    for meeting in meetings:
        [seat] = participations_of(meeting.pk)
        assert (seat.organization_id, seat.on_behalf_of_id) == ("isom", "fedaia")


def test_isoms_people_receive_training(demo):
    courses = Event.objects.filter(classification="training", start_date__isnull=False)
    assert courses.count() >= 2
    for course in courses:
        assert course.parent_id == "isom-es-forma"
        people = participations_of(course.pk)
        assert people
        for participation in people:
            assert participation.person_id and participation.on_behalf_of_id == "isom"
            assert participation.objectives == ["training"]


# -- the awareness campaign ---------------------------------------------------------------------

def test_the_awareness_campaign_promotes_the_six_values_and_the_four_themes_of_the_page(demo):
    campaign = Campaign.objects.get(pk="isom-sensibilitza")
    assert (campaign.organization_id, campaign.values) == ("isom", SIX_VALUES)
    themes = Theme.objects.filter(pk__in=campaign.themes)
    assert sorted(t.extra["other_names"][0]["name"] for t in themes) == [
        "Dynamisation of neighbourhoods", "Job creation", "People's socio-economic situations",
        "Protection of the environment"]
    assert {t.name for t in themes} == {
        "Les situacions socioeconòmiques de les persones", "La protecció de l'entorn",
        "La dinamització dels barris", "La creació d'ocupació"}
    assert not campaign.illustrative and not any(t.illustrative for t in themes)


def test_the_campaigns_actions_are_events_that_reach_people(demo):
    actions = Event.objects.filter(campaign_id="isom-sensibilitza")
    assert {a.classification for a in actions} == {"workshop", "awareness action", "talk"}
    reached = sum(p.people_reached or 0 for p in Participation.objects.filter(event__in=actions))
    assert reached == 25 + 120 + 35


# -- agreements and placements ----------------------------------------------------------------

def test_isom_hosts_placements_under_agreements_with_universities(demo):
    for agreement in Agreement.objects.all():
        assert agreement.kind == "educational cooperation"
        assert agreement.party_ids("host") == ["isom"]
        [university] = agreement.party_ids("university")
        assert Organization.objects.get(pk=university).classification == "university"
        assert agreement.programmes
    names = set(Programme.objects.values_list("name", flat=True))
    assert names == {"Grau en Educació Social", "Grau en Treball Social"}


def test_placements_are_curricular_and_extracurricular_with_two_different_tutors(demo):
    placements = Placement.objects.all()
    assert {p.kind for p in placements} == {"curricular", "extracurricular"}
    assert {p.programme.name for p in placements} == {"Grau en Educació Social",
                                                      "Grau en Treball Social"}
    for placement in placements:
        assert placement.host_id == "isom"
        assert placement.academic_tutor_id and placement.entity_tutor_id
        assert placement.academic_tutor_id != placement.entity_tutor_id
        agreement = placement.agreement
        assert placement.programme_id in agreement.programmes
        assert agreement.start_date <= placement.start_date
        assert placement.end_date <= (agreement.extended_until or agreement.end_date)


def test_one_agreement_renews_another(demo):
    renewal = Agreement.objects.get(renews__isnull=False)
    assert renewal.renews.end_date < renewal.start_date
    assert renewal.party_ids() == renewal.renews.party_ids()


def test_as_of_the_demos_present_one_agreement_is_expiring_and_a_public_one_gets_warnings(demo):
    expiring = Agreement.objects.get(pk="conveni-isom-universitat-a-2022")
    long_one = Agreement.objects.get(pk="conveni-isom-universitat-b-2017")
    renewed = Agreement.objects.get(pk="conveni-isom-universitat-a-2019")

    assert expiring.status(DEMO_TODAY) == "expiring"
    assert 0 < expiring.days_left(DEMO_TODAY) <= 90
    assert list(Agreement.objects.with_status("expiring", DEMO_TODAY)) == [expiring]
    assert renewed.status(DEMO_TODAY) == "renewed"
    assert long_one.status(DEMO_TODAY) == "in force"
    # A Spanish public body's agreement: a term over four years and an extension
    # over four more, which Ley 40/2015 does not allow; Xarxa warns of both.
    assert long_one.public_sector
    assert len(long_one.warnings()) == 2
    assert expiring.warnings() == renewed.warnings() == []


def test_the_signed_agreement_is_kept_as_a_pdf(demo):
    [document] = AgreementDocument.objects.all()
    assert document.agreement_id == "conveni-isom-universitat-a-2022"
    assert document.content_type == "application/pdf"
    assert document.size > 0 and len(document.sha256) == 64
    assert document.illustrative


# -- illustrative records ------------------------------------------------------------------------

def test_every_illustrative_record_is_flagged_and_its_source_says_it_is_made_up(demo):
    illustrative = [r for m in popolo_models() for r in m._default_manager.filter(illustrative=True)]
    assert len(illustrative) > 50
    for record in illustrative:
        [source] = record.sources
        assert source["url"] == SOURCE_URL, record.pk
        assert ILLUSTRATIVE_NOTE.match(source["note"]), (record.pk, source["note"])


def test_everything_the_page_does_not_name_is_illustrative(demo):
    # People, universities, programmes, agreements, placements, and any date,
    # time, hour or figure: the page states none of them.
    for model in (Person, Programme, Agreement, Placement, AgreementDocument):
        assert not model.objects.filter(illustrative=False).exists(), model
    assert not Organization.objects.filter(classification="university", illustrative=False).exists()
    assert not Event.objects.filter(illustrative=False, start_date__isnull=False).exists()
    facts = Participation.objects.filter(illustrative=False)
    assert not facts.filter(hours__isnull=False).exists()
    assert not facts.filter(people_reached__isnull=False).exists()
    assert not facts.filter(person__isnull=False).exists()
    assert not Campaign.objects.filter(illustrative=False, start_date__isnull=False).exists()


def test_every_record_not_flagged_quotes_the_sentence_of_the_page_it_stands_on(demo):
    page = flat(PAGE)
    facts = [r for m in activity_and_training_models()
             for r in m._default_manager.filter(illustrative=False)]
    assert len(facts) == 4 + 1 + 3 + 3  # themes, the campaign, three events, ISOM in each
    for record in facts:
        [source] = record.sources
        assert source["url"] == SOURCE_URL, record.pk
        quoted = re.fullmatch(r"ISOM, «Treball en xarxa»: «(.+)»", source["note"])
        assert quoted, (record.pk, source["note"])
        assert flat(quoted.group(1)) in page, record.pk


def test_the_demos_people_are_plainly_made_up(demo):
    for person in Person.objects.all():
        assert person.illustrative
        assert re.search(r"Exemple|Fictici|Fictícia|Inventat|Inventada", person.name), person.name
        assert person.name.split()[0] not in person.pk  # ids say nothing of the person


# -- loading with and without the illustrative records ----------------------------------------

def test_without_illustrative_loads_only_what_the_page_states_and_nothing_dangling():
    said = run_demo("--without-illustrative")

    assert "created" in said
    for model in popolo_models():
        assert not model._default_manager.filter(illustrative=True).exists(), model
    assert page_facts() == loaded()
    assert sorted(Event.objects.values_list("pk", flat=True)) == [
        "coordinadora-activitats-infantils-juvenils", "festes-dels-barris", "isom-es-forma"]
    assert Participation.objects.count() == 3
    assert Person.objects.count() == Agreement.objects.count() == Placement.objects.count() == 0
    # Foreign keys are the database's to check; the ids inside JSON columns are ours.
    for model in popolo_models():
        for record in model._default_manager.all():
            assert record.problems() == [], (model, record.pk)


def test_without_illustrative_after_a_full_load_deletes_and_changes_nothing(demo):
    counts = {m._meta.label: m._default_manager.count() for m in popolo_models()}
    history = Change.objects.count()

    said = run_demo("--without-illustrative")

    assert "Nothing changed" in said
    assert {m._meta.label: m._default_manager.count() for m in popolo_models()} == counts
    assert Change.objects.count() == history


def test_the_full_demo_after_the_facts_adds_the_illustrative_records_and_touches_no_fact():
    run_demo("--without-illustrative")
    facts = Change.objects.count()

    run_demo()

    assert not Change.objects.filter(action="update").exists()
    assert Change.objects.count() - facts == sum(
        m._default_manager.filter(illustrative=True).count() for m in popolo_models())


def page_facts() -> dict[str, set[str]]:
    """The ids of the demo files' objects that are not flagged, per collection."""
    found: dict[str, set[str]] = {}
    for path in (NETWORK_FILE, ACTIVITY_FILE):
        for collection, objects in json.loads(path.read_text(encoding="utf-8")).items():
            found.setdefault(collection, set()).update(
                o["id"] for o in objects if not o.get("illustrative"))
    return {k: v for k, v in found.items() if v}


def loaded() -> dict[str, set[str]]:
    found = {m.POPOLO.collection: set(m._default_manager.values_list("pk", flat=True))
             for m in popolo_models() if m.POPOLO.collection != "areas"}
    return {k: v for k, v in found.items() if v}


def test_leaving_out_the_illustrative_drops_whatever_points_to_them_across_documents():
    popolo = {
        "persons": [{"id": "p1", "name": "Persona Inventada", "illustrative": True}],
        "organizations": [{"id": "o1", "name": "Fet"}],
        "memberships": [
            {"id": "m1", "member": {"@type": "Person", "id": "p1"}, "organization_id": "o1"},
            {"id": "m2", "member": {"@type": "Organization", "id": "o1"},
             "organization_id": "o1"},
        ],
    }
    xarxa = {
        "themes": [{"id": "t1", "name": "Tema inventat", "illustrative": True},
                   {"id": "t2", "name": "Tema"}],
        "campaigns": [{"id": "c1", "name": "C", "themes": ["t1", "t2"]},
                      {"id": "c2", "name": "D", "themes": ["t2"]}],
        "events": [
            {"id": "e1", "name": "Festa", "illustrative": True},
            {"id": "e2", "name": "Activitat", "parent_id": "e1"},
            {"id": "e3", "name": "Taller", "parent_id": "e2"},
            {"id": "e4", "name": "Acció", "campaign_id": "c1"},
            {"id": "e5", "name": "Fet"},
        ],
        "participations": [{"id": "x1", "event_id": "e3", "organization_id": "o1"},
                           {"id": "x2", "event_id": "e5", "person_id": "p1"},
                           {"id": "x3", "event_id": "e5", "organization_id": "o1"}],
        "agreements": [{"id": "a1", "name": "A", "parties": [{"organization_id": "u1"}],
                        "illustrative": False},
                       {"id": "a2", "name": "B", "parties": [{"organization_id": "o1"}]}],
        "organizations": [{"id": "u1", "name": "Universitat", "illustrative": True}],
    }

    without_illustrative([popolo, xarxa])

    assert [o["id"] for o in popolo["organizations"]] == ["o1"]
    assert [o["id"] for o in popolo["memberships"]] == ["m2"]
    assert popolo["persons"] == []
    assert [o["id"] for o in xarxa["themes"]] == ["t2"]
    assert [o["id"] for o in xarxa["campaigns"]] == ["c2"]
    assert [o["id"] for o in xarxa["events"]] == ["e5"]
    assert [o["id"] for o in xarxa["participations"]] == ["x3"]
    assert [o["id"] for o in xarxa["agreements"]] == ["a2"]
    assert xarxa["organizations"] == []


def test_the_activity_file_is_xarxas_json_document_of_its_collections():
    doc = json.loads(ACTIVITY_FILE.read_text(encoding="utf-8"))
    assert list(doc) == ["persons", "organizations", "themes", "campaigns", "events",
                         "participations", "programmes", "agreements", "agreement_documents",
                         "placements"]
    ids = [o["id"] for objects in doc.values() for o in objects]
    assert len(ids) == len(set(ids))
