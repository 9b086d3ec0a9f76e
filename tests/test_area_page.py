"""An area's page: the organisations whose seat is in it or in an area within
it, the events held there, the areas within it and those it lies in, and
its boundary on the map."""

import pytest

from tests.page_text import text_of
from xarxa.activity.models import Event
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization

BARRI = "/areas/barcelona-neighbourhood-62/"
DISTRICT = "/areas/barcelona-district-09/"


def test_a_barri_lists_its_organisations_and_events(visitor, demo):
    text = text_of(visitor.get(BARRI))
    assert "el Congrés i els Indians" in text and "official code 62" in text
    assert "2 organisations with their seat here" in text
    assert "ISOM" in text and "Coordinadora d'Entitats Congrés-Indians" in text
    assert "Festa Major del Congrés" in text
    assert "FEDAIA" not in text.split("Events")[0]


def test_a_barri_names_the_areas_it_lies_in(visitor, demo):
    page = visitor.get(BARRI).content.decode()
    assert 'href="/areas/barcelona/">Barcelona</a>' in page
    assert 'href="/areas/barcelona-district-09/">Sant Andreu</a>' in page
    assert text_of(page).index("Barcelona") < text_of(page).index("Sant Andreu")


def test_a_district_includes_the_organisations_and_events_of_its_barris(visitor, demo):
    text = text_of(visitor.get(DISTRICT))
    assert "ISOM" in text and "Festa Major del Congrés" in text
    assert "el Congrés i els Indians (62)" in text  # among the areas within it
    assert "ISOM" in text_of(visitor.get("/areas/barcelona/"))


def test_the_page_draws_its_boundary_from_the_map_data(visitor, demo):
    page = visitor.get(BARRI).content.decode()
    assert f'data-map-url="{BARRI}map.json"' in page
    assert "xarxa/map.js" in page and "leaflet.js" in page
    assert "Ajuntament de Barcelona / CartoBCN, CC BY" in page  # the boundaries' credit


@pytest.mark.parametrize("who, sees", [
    ("visitor", False), ("other_editor", False), ("isom_viewer", True), ("site_admin", True)])
def test_private_organisations_and_events_are_listed_only_to_those_who_may_see_them(
        who, sees, demo, request):
    Organization.objects.create(id="secreta", name="Entitat Secreta", owner_id="isom",
                                area_id="barcelona-neighbourhood-62", visibility=Visibility.PRIVATE)
    Event.objects.create(id="reunio-secreta", name="Reunió Secreta", start_date="2025-05-05",
                         area_id="barcelona-neighbourhood-62", owner_id="isom",
                         visibility=Visibility.PRIVATE)
    text = text_of(request.getfixturevalue(who).get(DISTRICT))
    assert ("Entitat Secreta" in text) is sees
    assert ("Reunió Secreta" in text) is sees


def test_an_unknown_or_private_area_is_not_found(visitor, isom_viewer, demo):
    from xarxa.territory.models import Area

    assert visitor.get("/areas/nowhere/").status_code == 404
    Area.objects.create(id="zona-interna", name="Zona interna", owner_id="isom",
                        visibility=Visibility.PRIVATE)
    assert visitor.get("/areas/zona-interna/").status_code == 404
    assert visitor.get("/areas/zona-interna/map.json").status_code == 404
    assert isom_viewer.get("/areas/zona-interna/").status_code == 200


def test_the_organisations_are_paginated(visitor, demo):
    Organization.objects.bulk_create(
        Organization(id=f"e-{n:02}", name=f"Entitat {n:02}", area_id="barcelona-neighbourhood-62")
        for n in range(60))
    text = text_of(visitor.get(BARRI))
    assert "62 organisations with their seat here" in text and "page 1 of 2" in text


@pytest.mark.parametrize("url", [BARRI, DISTRICT, "/areas/barcelona/"])
def test_the_area_page_makes_its_baseline_of_queries(url, visitor, demo, query_baseline):
    with query_baseline(f"GET {url} (visitor)"):
        assert visitor.get(url).status_code == 200
    Organization.objects.bulk_create(
        Organization(id=f"e-{n:02}", name=f"Entitat {n:02}", area_id="barcelona-neighbourhood-62")
        for n in range(60))
    with query_baseline(f"GET {url} (visitor)"):
        assert visitor.get(url).status_code == 200
