"""The directory: a visitor finds organisations by any words of their names
or of their barri, with or without accents, narrows them by kind, area and
network, and never meets one they may not see."""

import pytest

from tests.page_text import text_of
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization
from xarxa.network.models import Membership


def results(response) -> str:
    return text_of(response, "results")


def test_congres_indians_finds_isom_whose_seat_is_in_that_barri(visitor, demo):
    page = results(visitor.get("/", {"q": "congres indians"}))
    assert "ISOM" in page
    assert "Coordinadora d'Entitats Congrés-Indians" in page
    assert "FEDAIA" not in page


def test_the_search_ignores_accents_and_case(visitor, demo):
    for query in ("federació", "FEDERACIO", "Federacio"):
        page = results(visitor.get("/", {"q": query}))
        assert "Federació de Cooperatives de Treball de Catalunya" in page, query
        assert "ISOM" not in page


def test_every_word_must_be_found(visitor, demo):
    assert "ISOM" in results(visitor.get("/", {"q": "isom sant andreu"}))
    assert "No organisation matches." in results(visitor.get("/", {"q": "isom fedaia"}))


def test_it_says_how_many_organisations_it_found(visitor, demo):
    assert "2 organisations" in results(visitor.get("/", {"q": "congres indians"}))


def test_bodies_are_not_listed_but_their_networks_are(visitor, demo):
    page = results(visitor.get("/"))
    assert "FEDAIA" in page
    assert "Junta Directiva" not in page


def test_the_kind_filter_keeps_that_classification(visitor, demo):
    page = results(visitor.get("/", {"classification": "federation"}))
    assert "FEDAIA" in page and "Federació de Cooperatives de Treball de Catalunya" in page
    assert "ISOM" not in page


def test_the_area_filter_includes_the_areas_within_it(visitor, demo):
    page = results(visitor.get("/", {"area": "barcelona-district-09"}))  # Sant Andreu
    assert "ISOM" in page and "Coordinadora d'Entitats Congrés-Indians" in page
    assert "FEDAIA" not in page
    assert "ISOM" not in results(visitor.get("/", {"area": "barcelona-district-01"}))


def test_the_network_filter_keeps_current_members_of_the_network_or_its_bodies(visitor, demo):
    assert "ISOM" in results(visitor.get("/", {"network": "fedaia"}))
    # ISOM sits in the Taula only through its working group.
    assert "ISOM" in results(visitor.get("/", {"network": "taula-tercer-sector"}))
    Organization.objects.create(id="old", name="Entitat Antiga")
    Membership.objects.create(id="m-old", member_organization_id="old", organization_id="fedaia",
                              start_date="2001", end_date="2010")
    assert "Entitat Antiga" not in results(visitor.get("/", {"network": "fedaia"}))


def test_filters_combine_with_the_words(visitor, demo):
    page = results(visitor.get("/", {"q": "congres", "classification": "cooperative"}))
    assert "ISOM" in page
    assert "Coordinadora d'Entitats Congrés-Indians" not in page


def test_the_form_works_without_javascript_and_keeps_the_choices(visitor, demo):
    page = visitor.get("/", {"q": "congres", "classification": "cooperative"}).content.decode()
    assert '<form class="search" method="get" action="/"' in page
    assert 'value="congres"' in page
    assert '<option value="cooperative" selected>' in page


def test_htmx_gets_only_the_results(visitor, demo):
    response = visitor.get("/", {"q": "congres"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="results"')
    assert "<form" not in page and "<html" not in page
    assert "ISOM" in page


def test_results_are_paginated_by_fifty(visitor, db):
    for n in range(60):
        Organization.objects.create(id=f"entitat-{n:02}", name=f"Entitat {n:02}")
    first = results(visitor.get("/"))
    assert "60 organisations" in first and "page 1 of 2" in first
    assert "Entitat 49" in first and "Entitat 50" not in first
    assert "Entitat 50" in results(visitor.get("/", {"page": 2}))


@pytest.fixture
def private_org(demo):
    Organization.objects.create(id="secreta", name="Entitat Secreta del Congrés",
                                area_id="barcelona-neighbourhood-62",
                                visibility=Visibility.PRIVATE, owner_id="isom")
    Membership.objects.create(id="m-secreta", member_organization_id="secreta",
                              organization_id="fedaia", owner_id="isom")


@pytest.mark.parametrize("who, sees", [
    ("visitor", False), ("other_editor", False), ("isom_viewer", True), ("site_admin", True)])
def test_a_private_organisation_is_found_only_by_those_who_may_see_it(who, sees, private_org, request):
    client = request.getfixturevalue(who)
    for params in ({}, {"q": "congres"}, {"network": "fedaia"}, {"area": "barcelona-district-09"}):
        assert ("Entitat Secreta del Congrés" in results(client.get("/", params))) is sees, params


def test_a_private_membership_does_not_place_an_organisation_in_a_network(visitor, isom_viewer, demo):
    Membership.objects.filter(pk="isom-fedaia").update(visibility=Visibility.PRIVATE)
    Membership.objects.filter(organization__parent_id="fedaia").update(visibility=Visibility.PRIVATE)
    assert "ISOM" not in results(visitor.get("/", {"network": "fedaia"}))
    assert "ISOM" in results(isom_viewer.get("/", {"network": "fedaia"}))


def more_organisations(n: int) -> None:
    for i in range(n):
        Organization.objects.create(id=f"more-{i}", name=f"Més {i}", area_id="barcelona-neighbourhood-62")
        Membership.objects.create(id=f"more-m-{i}", member_organization_id=f"more-{i}",
                                  organization_id="fedaia", start_date="2020")


@pytest.mark.parametrize("params", [{}, {"q": "congres indians"}, {"network": "fedaia"}],
                         ids=["all", "words", "network"])
def test_the_directory_makes_its_baseline_of_queries_whatever_the_number_of_organisations(
        params, visitor, demo, query_baseline):
    label = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    with query_baseline(f"GET /{label} (visitor)"):
        assert visitor.get("/", params).status_code == 200
    more_organisations(60)
    with query_baseline(f"GET /{label} (visitor)"):
        assert visitor.get("/", params).status_code == 200


def test_a_signed_in_search_makes_its_baseline_of_queries(isom_editor, query_baseline):
    isom_editor.get("/")  # the session is read once
    with query_baseline("GET /?q=congres indians (ISOM editor)"):
        assert isom_editor.get("/", {"q": "congres indians"}).status_code == 200
