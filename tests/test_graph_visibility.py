"""What a person may not see is not in their graph: a private tie or a
private organisation is in the graph of those who keep it (and the site's
administrators), and in nobody else's — nor in its explanations."""

import pytest

from tests.conftest import make_user
from xarxa.accounts.rules import Viewer
from xarxa.core import writes
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization
from xarxa.graph import questions, store
from xarxa.network.models import Membership

ACTOR = writes.Actor("test")


@pytest.fixture
def secret(demo):
    """A private association, member of FEDAIA through a private membership
    kept by ISOM."""
    writes.create(Organization, {"id": "entitat-secreta", "name": "Entitat Secreta",
                                 "classification": "association", "visibility": Visibility.PRIVATE,
                                 "owner_id": "isom"}, actor=ACTOR)
    writes.create(Membership, {"member_organization_id": "entitat-secreta",
                               "organization_id": "fedaia", "visibility": Visibility.PRIVATE,
                               "owner_id": "isom", "start_date": "2020"}, actor=ACTOR)


def viewer_of(username, org=None, level=None, superuser=False):
    return Viewer(make_user(username, org=org, level=level, superuser=superuser))


def ego_names(viewer, org="fedaia"):
    lens = store.lens(viewer)
    return {lens.base.names[v] for v in questions.ego(lens, org, 1).nodes}


def test_a_visitor_does_not_see_a_private_organisation_or_tie(secret):
    assert "Entitat Secreta" not in ego_names(store.PUBLIC)
    lens = store.lens(store.PUBLIC)
    assert lens.vertex("entitat-secreta") is None
    assert questions.path(lens, "entitat-secreta", "isom").explanation == \
        "entitat-secreta is not in this network."


def test_an_editor_of_another_entity_does_not_see_it(secret):
    assert "Entitat Secreta" not in ego_names(viewer_of("other", "coordinadora-congres-indians", "editor"))


def test_whoever_keeps_it_sees_it(secret):
    assert "Entitat Secreta" in ego_names(viewer_of("isom-v", "isom", "viewer"))
    assert "Entitat Secreta" in ego_names(viewer_of("root", superuser=True))
    assert "Entitat Secreta" in ego_names(store.OPERATOR)


def test_people_are_private_unless_they_say_otherwise(demo):
    visitor = store.lens(store.PUBLIC, people=True)
    assert not any(visitor.shown[i] for i, kind in enumerate(visitor.base.kinds) if kind == 2)
    admin = store.lens(store.OPERATOR, people=True)
    assert any(admin.shown[i] for i, kind in enumerate(admin.base.kinds) if kind == 2)


def test_agreements_are_for_signed_in_users(demo):
    visitor = store.lens(store.PUBLIC, types={"agreement"})
    member = store.lens(viewer_of("someone", "coordinadora-congres-indians", "viewer"), types={"agreement"})
    assert visitor.n_edges == 0
    assert member.n_edges > 0


def test_the_map_data_of_a_visitor_holds_no_private_name(visitor, secret):
    body = visitor.get("/graph/data.json?focus=fedaia").content.decode()
    assert "Entitat Secreta" not in body and "entitat-secreta" not in body
    body = visitor.get("/graph/data.json?focus=entitat-secreta").content.decode()
    assert "Entitat Secreta" not in body
