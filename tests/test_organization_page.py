"""An organisation's page: its profile, and its community in two dimensions
side by side — territorial (its barri on a map) and belonging (its networks,
seats and on whose behalf) — with its events, agreements, placements and
history, each as far as the viewer may see."""

import pytest
from django.urls import reverse

from tests.page_text import text_of
from xarxa.core import dates
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization
from xarxa.network.models import Membership

WORKING_GROUP = "Grup de treball d'innovació i qualitat"
ISOM_NETWORKS = ("FEDAIA", "Federació de Cooperatives de Treball de Catalunya",
                 "Taula del Tercer Sector", "Coordinadora d'Entitats Congrés-Indians")


def belonging(client, org="isom") -> str:
    page = client.get(f"/organisations/{org}/").content.decode()
    start = page.index('id="belonging"')
    return text_of(page[start:page.index("</section>", start)])


def test_it_shows_isom_s_four_networks(visitor, demo):
    text = belonging(visitor)
    for network in ISOM_NETWORKS:
        assert network in text


def test_it_says_since_when_and_for_how_long(visitor, demo):
    years = dates.years_between("2009")
    assert f"FEDAIA · federada · since 2009, for {years} years" in belonging(visitor)


def test_it_shows_the_seat_in_the_taula_held_on_fedaia_s_behalf(visitor, demo):
    text = belonging(visitor)
    assert f"Taula del Tercer Sector {WORKING_GROUP} · on behalf of FEDAIA" in text


def test_the_represented_organisation_shows_who_sits_on_its_behalf(visitor, demo):
    text = belonging(visitor, "fedaia")
    assert f"On behalf of FEDAIA ISOM in {WORKING_GROUP} (Taula del Tercer Sector)" in text


def test_it_shows_the_seat_and_the_areas_of_its_territorial_community(visitor, demo):
    page = visitor.get("/organisations/isom/").content.decode()
    assert 'data-map-url="/organisations/isom/map.json"' in page
    text = text_of(page)
    assert "el Congrés i els Indians (62) · seat" in text
    assert "Sant Andreu (09) · where its seat lies" in text


def test_it_names_the_profile_in_the_user_s_language(demo):
    from django.test import Client

    page = Client(HTTP_ACCEPT_LANGUAGE="ca").get("/organisations/federacio-cooperatives-treball/")
    assert "<h1>Federació de Cooperatives de Catalunya</h1>" in page.content.decode()


def test_a_network_links_to_its_network_page(visitor, demo):
    assert 'href="/networks/fedaia/"' in visitor.get("/organisations/fedaia/").content.decode()
    assert 'href="/networks/isom/"' not in visitor.get("/organisations/isom/").content.decode()


def test_its_events_show_its_role_and_hours(visitor, demo):
    text = text_of(visitor.get("/organisations/isom/"))
    assert "Xerrada: les persones per davant del capital organiser 4" in text
    assert "Jocs i tallers infantils co-organiser 4" in text


def test_people_who_took_part_for_it_are_named_only_to_those_who_may_see_them(
        visitor, other_editor, isom_viewer, demo):
    for client in (visitor, other_editor):
        text = text_of(client.get("/organisations/isom/"))
        assert "Ferran Inventat Mostra" not in text and "a person" in text
    assert "Ferran Inventat Mostra" in text_of(isom_viewer.get("/organisations/isom/"))


def test_agreements_are_for_signed_in_users_and_placements_for_isom(
        visitor, other_editor, isom_viewer, demo):
    assert "Agreements" not in text_of(visitor.get("/organisations/isom/"))
    other = text_of(other_editor.get("/organisations/isom/"))
    assert "Conveni de cooperació educativa ISOM – Universitat (il·lustrativa) A" in other
    assert "Placements" not in other and "Aina Exemple Prova" not in other
    own = text_of(isom_viewer.get("/organisations/isom/"))
    assert "Placements" in own and "Aina Exemple Prova" in own


def test_a_placement_s_student_is_named_only_to_those_who_see_the_student(isom_viewer, demo):
    from xarxa.directory.models import Person

    Person.objects.filter(pk="demo-persona-01").update(owner_id="universitat-illustrativa-a")
    text = text_of(isom_viewer.get("/organisations/isom/"))
    assert "Aina Exemple Prova" not in text and "a student" in text


@pytest.mark.parametrize("who, sees", [
    ("visitor", False), ("other_editor", False), ("isom_viewer", True), ("isom_editor", True),
    ("site_admin", True)])
def test_a_private_membership_is_shown_only_to_those_who_may_see_it(who, sees, demo, request):
    Membership.objects.filter(pk="isom-federacio-cooperatives-treball").update(
        visibility=Visibility.PRIVATE)
    text = belonging(request.getfixturevalue(who))
    assert ("Federació de Cooperatives de Treball de Catalunya · since 2009" in text) is sees


def test_a_tie_to_a_private_organisation_is_hidden_with_it(visitor, isom_viewer, demo):
    Organization.objects.filter(pk="coordinadora-congres-indians").update(
        visibility=Visibility.PRIVATE, owner_id="coordinadora-congres-indians")
    assert "Coordinadora d'Entitats Congrés-Indians" not in belonging(visitor)
    assert "Coordinadora d'Entitats Congrés-Indians" not in belonging(isom_viewer)


@pytest.mark.parametrize("who, status", [
    ("visitor", 404), ("other_editor", 404), ("isom_viewer", 200), ("site_admin", 200)])
def test_a_private_organisation_looks_like_one_that_does_not_exist(who, status, demo, request):
    Organization.objects.create(id="secreta", name="Entitat Secreta", owner_id="isom",
                                visibility=Visibility.PRIVATE)
    client = request.getfixturevalue(who)
    for url in ("/organisations/secreta/", "/organisations/secreta/history/",
                "/networks/secreta/", "/organisations/secreta/map.json"):
        assert client.get(url).status_code == status, url


def test_edit_links_are_for_isom_s_editors_only(visitor, other_editor, isom_viewer, isom_editor, demo):
    edit = reverse("membership-edit", args=["isom-fedaia"])
    for client in (visitor, isom_viewer):
        page = client.get("/organisations/isom/").content.decode()
        assert "/memberships/" not in page
    # The coordinadora keeps ISOM's membership in it, and that one only.
    page = other_editor.get("/organisations/isom/").content.decode()
    assert "/memberships/isom-fedaia/" not in page and "?member=isom" not in page
    if edit:  # the membership forms are another package's
        page = isom_editor.get("/organisations/isom/").content.decode()
        assert f'href="{edit}"' in page
        assert f'href="{reverse("membership-new")}?member=isom"' in page


def test_a_profile_link_that_is_not_a_web_address_is_not_a_link(visitor, db):
    Organization.objects.create(id="x", name="X", links=[
        {"url": "javascript:alert(1)", "note": "bad"}, {"url": "https://example.org/x", "note": "web"}])
    page = visitor.get("/organisations/x/").content.decode()
    assert "javascript:" not in page
    assert 'href="https://example.org/x"' in page


def test_the_history_lists_who_changed_what_before_and_after(isom_editor, visitor, demo):
    from xarxa.core.writes import Actor, update

    membership = Membership.objects.get(pk="isom-fedaia")
    update(membership, {"label": "federada de ple dret"},
           actor=Actor.of_user(isom_editor.user, "web"))
    own = text_of(isom_editor.get("/organisations/isom/history/"))
    assert "Changed: membership «ISOM → FEDAIA»" in own
    assert "label federada federada de ple dret" in own
    assert "web:isom-editor" in own
    # Who changed it is for ISOM's people; a visitor reads only the way in.
    public = text_of(visitor.get("/organisations/isom/history/"))
    assert "label federada federada de ple dret" in public
    assert "isom-editor" not in public and "web" in public


def whole_history(client, org="isom") -> str:
    texts, page = [], 1
    while True:
        response = client.get(f"/organisations/{org}/history/", {"page": page})
        texts.append(text_of(response))
        if 'rel="next"' not in response.content.decode():
            return " ".join(texts)
        page += 1


def test_the_history_leaves_out_the_records_a_viewer_may_not_see(visitor, isom_viewer, demo):
    # The demo's people are ISOM's, and private.
    assert "Ferran Inventat Mostra" not in whole_history(visitor)
    assert "Ferran Inventat Mostra" in whole_history(isom_viewer)


@pytest.fixture
def more_ties(demo):
    # Twenty more ties of every kind: the query counts must not grow with them.
    for n in range(20):
        Organization.objects.create(id=f"xarxa-{n}", name=f"Xarxa {n}")
        Membership.objects.create(id=f"mt-{n}", member_organization_id="isom",
                                  organization_id=f"xarxa-{n}", start_date="2020")
        Membership.objects.create(id=f"mb-{n}", member_organization_id=f"xarxa-{n}",
                                  organization_id="isom", start_date="2020")


@pytest.mark.parametrize("who", ["visitor", "isom_viewer"])
def test_the_organisation_page_makes_its_baseline_of_queries(who, more_ties, query_baseline, request):
    client = request.getfixturevalue(who)
    client.get("/organisations/isom/")
    with query_baseline(f"GET /organisations/isom/ ({who})"):
        assert client.get("/organisations/isom/").status_code == 200


def test_the_history_page_makes_its_baseline_of_queries(visitor, more_ties, query_baseline):
    with query_baseline("GET /organisations/isom/history/ (visitor)"):
        assert visitor.get("/organisations/isom/history/").status_code == 200
