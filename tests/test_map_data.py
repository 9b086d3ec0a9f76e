"""The map data: GeoJSON of an organisation's territorial community and of
an area, filtered by the viewer like every page; names travel as data and
the script writes them as text; no request leaves the site."""

import json
from pathlib import Path

import pytest

from xarxa.activity.models import Event, Participation
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization
from xarxa.territory.models import Area

MAP_JS = Path(__file__).resolve().parent.parent / "xarxa" / "static" / "xarxa" / "map.js"


def features(response) -> dict[str, dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    return {f["properties"]["id"]: f for f in data["features"]}


def test_isom_s_map_holds_its_barri_as_its_seat(visitor, demo):
    found = features(visitor.get("/organisations/isom/map.json"))
    seat = found["barcelona-neighbourhood-62"]
    assert seat["properties"] == {"id": "barcelona-neighbourhood-62", "name": "el Congrés i els Indians",
                                  "role": "seat", "url": "/areas/barcelona-neighbourhood-62/"}
    assert seat["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert found["barcelona-district-09"]["properties"]["role"] == "within"
    assert "barcelona" not in found  # the city would hide the barri


@pytest.fixture
def event_elsewhere(demo):
    """ISOM takes part in an activity in another barri (el Raval, 01 of Ciutat Vella)."""
    raval = Area.objects.get(identifier="01", classification="neighbourhood")
    Event.objects.create(id="activitat-raval", name="Activitat al Raval", start_date="2025-03-03",
                         area=raval, owner_id="isom")
    Participation.objects.create(id="p-raval", event_id="activitat-raval", organization_id="isom",
                                 owner_id="isom")
    return raval


def test_the_areas_where_it_takes_part_are_its_service_areas(visitor, event_elsewhere):
    found = features(visitor.get("/organisations/isom/map.json"))
    assert found[event_elsewhere.pk]["properties"]["role"] == "service"
    page = visitor.get("/organisations/isom/").content.decode()
    assert f'href="/areas/{event_elsewhere.pk}/">{event_elsewhere.name}</a>' in page


@pytest.mark.parametrize("who, sees", [
    ("visitor", False), ("other_editor", False), ("isom_viewer", True), ("site_admin", True)])
def test_a_private_participation_draws_no_area_for_those_who_may_not_see_it(
        who, sees, event_elsewhere, request):
    Participation.objects.filter(pk="p-raval").update(visibility=Visibility.PRIVATE)
    found = features(request.getfixturevalue(who).get("/organisations/isom/map.json"))
    assert (event_elsewhere.pk in found) is sees


@pytest.mark.parametrize("who, status", [("visitor", 404), ("other_editor", 404), ("isom_viewer", 200)])
def test_a_private_organisation_s_map_does_not_exist_for_others(who, status, demo, request):
    Organization.objects.create(id="secreta", name="Entitat Secreta", owner_id="isom",
                                area_id="barcelona-neighbourhood-62", visibility=Visibility.PRIVATE)
    assert request.getfixturevalue(who).get("/organisations/secreta/map.json").status_code == status


def test_an_area_s_map_holds_it_and_the_areas_within_it(visitor, demo):
    found = features(visitor.get("/areas/barcelona-district-09/map.json"))
    assert found["barcelona-district-09"]["properties"]["role"] == "area"
    assert found["barcelona-neighbourhood-62"]["properties"]["role"] == "sub-area"
    barris = [f for f in found.values() if f["properties"]["role"] == "sub-area"]
    assert len(barris) == Area.objects.filter(parent_id="barcelona-district-09").count()


def test_an_area_without_a_boundary_gives_an_empty_map(visitor, db):
    Area.objects.create(id="enlloc", name="Enlloc")
    assert features(visitor.get("/areas/enlloc/map.json")) == {}


def test_a_name_is_data_never_markup(visitor, db):
    square = {"type": "Polygon", "coordinates": [[[2.1, 41.3], [2.2, 41.3], [2.2, 41.4], [2.1, 41.3]]]}
    name = '<img src=x onerror="alert(1)">'
    Area.objects.create(id="a", name=name, geometry=square)
    response = visitor.get("/areas/a/map.json")
    assert features(response)["a"]["properties"]["name"] == name
    assert b"<img" not in response.content  # the serializer escapes < and >
    page = visitor.get("/areas/a/").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_the_script_writes_names_as_text_and_fetches_no_tiles():
    script = MAP_JS.read_text()
    assert "textContent" in script
    assert "innerHTML" not in script and "tileLayer" not in script
    assert "attributionControl: false" in script  # Leaflet writes its attribution as HTML


def test_the_map_data_makes_its_baseline_of_queries(visitor, event_elsewhere, query_baseline):
    with query_baseline("GET /organisations/isom/map.json (visitor)"):
        visitor.get("/organisations/isom/map.json")
    with query_baseline("GET /areas/barcelona-district-09/map.json (visitor)"):
        visitor.get("/areas/barcelona-district-09/map.json")
