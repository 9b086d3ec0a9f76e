"""Who sits for ISOM in a seat of its networks' bodies shows on its page
under the network, named only to whom may see the person (people are
private by default)."""

import pytest

from tests.report_text import text_of
from xarxa.core.writes import Actor, create
from xarxa.directory.models import Person
from xarxa.network.models import Membership, Post

SETUP = Actor("test:setup")


@pytest.fixture
def seat(demo):
    create(Person, {"id": "vocal-isom", "name": "Núria Vocal Exemple", "owner_id": "isom"},
           actor=SETUP)
    create(Post, {"id": "fedaia-vocalia-3", "label": "Vocalia tercera",
                  "organization_id": "fedaia-junta-directiva", "owner_id": "isom"}, actor=SETUP)
    # A seat named by its post alone: the body is the post's.
    create(Membership, {"person_id": "vocal-isom", "post_id": "fedaia-vocalia-3",
                        "on_behalf_of_id": "isom", "start_date": "2024-03"}, actor=SETUP)


def page_of(client) -> str:
    response = client.get("/reports/isom/page/?lang=en")
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_isom_s_people_see_who_sits_for_it(seat, isom_viewer):
    text = page_of(isom_viewer)
    assert "Junta Directiva, in the post of Vocalia tercera, through Núria Vocal Exemple, " \
           "since March 2024" in text


@pytest.mark.parametrize("persona", ["visitor", "other_editor"])
def test_others_see_the_seat_but_not_the_person(seat, persona, request):
    text = page_of(request.getfixturevalue(persona))
    assert "Núria" not in text
    assert "in the post of Vocalia tercera, through a person of the organisation" in text
