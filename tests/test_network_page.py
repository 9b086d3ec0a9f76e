"""A network's page: its members (a federation may have thousands: a count,
the first hundred and more on demand), its bodies and who sits in each on
whose behalf, the seats left vacant, its meetings and its past members."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.page_text import text_of
from xarxa.activity.models import Event
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization, Person
from xarxa.network.models import Membership, Post


def test_it_lists_the_members_and_the_bodies(visitor, demo):
    text = text_of(visitor.get("/networks/fedaia/"))
    assert "The network of FEDAIA" in text
    assert "1 current member ISOM · federada · since 2009" in text
    for body in ("Junta Directiva", "Junta Permanent", "Comissions tècniques"):
        assert body in text


@pytest.fixture
def board(demo):
    """A president's seat on FEDAIA's board held by an ISOM worker for ISOM,
    and a treasurer's seat nobody holds."""
    Post.objects.create(id="fedaia-presidencia", label="Presidència",
                        organization_id="fedaia-junta-directiva")
    Post.objects.create(id="fedaia-tresoreria", label="Tresoreria",
                        organization_id="fedaia-junta-directiva")
    Membership.objects.create(id="m-presidencia", person_id="demo-persona-06",
                              organization_id="fedaia-junta-directiva", post_id="fedaia-presidencia",
                              on_behalf_of_id="isom", start_date="2024", owner_id="isom")


def test_it_says_who_sits_in_each_seat_on_whose_behalf(visitor, isom_viewer, board):
    # The person is ISOM's and private: others read "a person".
    assert "a person · Presidència · on behalf of ISOM" in text_of(visitor.get("/networks/fedaia/"))
    assert "Ferran Inventat Mostra · Presidència · on behalf of ISOM" in text_of(
        isom_viewer.get("/networks/fedaia/"))


def test_it_shows_the_vacant_seats(visitor, board):
    text = text_of(visitor.get("/networks/fedaia/"))
    assert "Vacant seats: Tresoreria" in text
    assert "Vacant seats: Presidència" not in text


def test_a_seat_held_privately_is_not_shown_as_vacant(visitor, board):
    Membership.objects.filter(pk="m-presidencia").update(visibility=Visibility.PRIVATE)
    text = text_of(visitor.get("/networks/fedaia/"))
    assert "Presidència" not in text.split("Vacant seats:")[1].split("Junta Permanent")[0]
    assert "Ferran" not in text


def test_its_meetings_come_upcoming_first_then_recent(visitor, demo):
    Event.objects.create(id="fedaia-assemblea-2099", name="Assemblea general 2099",
                         classification="assembly", start_date="2099-06-01",
                         organization_id="fedaia")
    text = text_of(visitor.get("/networks/fedaia/"))
    assert text.index("Upcoming") < text.index("Assemblea general 2099") < text.index("Recent")
    assert text.index("Recent") < text.index("Reunió de la Junta Directiva de FEDAIA")


def test_a_private_meeting_is_not_listed_to_others(visitor, isom_viewer, demo):
    Event.objects.create(id="fedaia-secret", name="Reunió reservada", start_date="2025-01-10",
                         organization_id="fedaia-junta-directiva", owner_id="fedaia",
                         visibility=Visibility.PRIVATE)
    assert "Reunió reservada" not in text_of(visitor.get("/networks/fedaia/"))
    assert "Reunió reservada" not in text_of(isom_viewer.get("/networks/fedaia/"))


def test_it_lists_the_past_members_apart(visitor, demo):
    Organization.objects.create(id="antiga", name="Entitat Antiga")
    Membership.objects.create(id="m-antiga", member_organization_id="antiga",
                              organization_id="fedaia", start_date="2001", end_date="2015")
    text = text_of(visitor.get("/networks/fedaia/"))
    assert "1 current member" in text
    assert "Past members Entitat Antiga · since 2001 · until 2015" in text


def test_a_private_member_is_counted_and_shown_only_to_those_who_may_see_it(
        visitor, isom_viewer, other_editor, demo):
    Membership.objects.filter(pk="isom-fedaia").update(visibility=Visibility.PRIVATE)
    for client in (visitor, other_editor):
        text = text_of(client.get("/networks/fedaia/"))
        assert "0 current members" in text
    assert "1 current member ISOM" in text_of(isom_viewer.get("/networks/fedaia/"))


def add_members(n: int, start: int = 0) -> None:
    Organization.objects.bulk_create(
        Organization(id=f"entitat-{i:04}", name=f"Entitat {i:04}") for i in range(start, start + n))
    Membership.objects.bulk_create(
        Membership(id=f"m-{i:04}", member_organization_id=f"entitat-{i:04}",
                   organization_id="fedaia", start_date="2020") for i in range(start, start + n))


def test_a_federation_s_members_come_a_hundred_at_a_time(visitor, demo):
    add_members(150)
    page = visitor.get("/networks/fedaia/").content.decode()
    text = text_of(page)
    assert "151 current members" in text
    assert "Entitat 0099" in text and "Entitat 0100" not in text
    assert "Show more (of 151)" in text and 'href="/networks/fedaia/?from=100"' in page
    more = visitor.get("/networks/fedaia/", {"from": 100}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in more and more.lstrip().startswith("<li>")
    assert "Entitat 0100" in more and "ISOM" in more and "Show more" not in more


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_members(visitor, board, query_baseline):
    add_members(5)
    with query_baseline("GET /networks/fedaia/ (visitor)"):
        assert visitor.get("/networks/fedaia/").status_code == 200
    add_members(300, start=5)
    Membership.objects.bulk_create(
        Membership(id=f"mj-{i:04}", member_organization_id=f"entitat-{i:04}",
                   organization_id="fedaia-junta-directiva") for i in range(100))
    with query_baseline("GET /networks/fedaia/ (visitor)"):
        assert visitor.get("/networks/fedaia/").status_code == 200
    text = text_of(visitor.get("/networks/fedaia/"))
    # The board: ISOM, the president and a hundred more; the first thirty are shown.
    assert "102 in all" in text


def test_a_signed_in_network_page_makes_its_baseline_of_queries(isom_editor, board, query_baseline):
    isom_editor.get("/networks/fedaia/")
    with query_baseline("GET /networks/fedaia/ (ISOM editor)"):
        assert isom_editor.get("/networks/fedaia/").status_code == 200


def test_an_unknown_network_is_not_found(visitor, demo):
    assert visitor.get("/networks/nobody/").status_code == 404


def test_private_people_never_appear_by_name(visitor, board):
    Person.objects.filter(pk="demo-persona-06").update(visibility=Visibility.MEMBERS)
    assert "Ferran Inventat Mostra" not in text_of(visitor.get("/networks/fedaia/"))
