"""The report's drawing of an organisation's network is the graph's own
answer, as the reader may see it: ISOM's federation is in it for anyone, a
private organisation only for those who keep it."""

import xml.etree.ElementTree as ET

import pytest

from xarxa.accounts.rules import Viewer
from xarxa.core import writes
from xarxa.core.models import Visibility
from xarxa.directory.models import Organization
from xarxa.graph import store
from xarxa.network.models import Membership
from xarxa.reports import charts

ACTOR = writes.Actor("test")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def secret(demo):
    """A private association, member of ISOM through a private membership."""
    writes.create(Organization, {"id": "entitat-secreta", "name": "Entitat Secreta",
                                 "classification": "association", "visibility": Visibility.PRIVATE,
                                 "owner_id": "isom"}, actor=ACTOR)
    writes.create(Membership, {"member_organization_id": "entitat-secreta",
                               "organization_id": "isom", "visibility": Visibility.PRIVATE,
                               "owner_id": "isom", "start_date": "2020"}, actor=ACTOR)


def names(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {c.find(f"{SVG}title").text for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title")
            is not None}


def test_a_visitor_sees_fedaia_and_not_a_private_organisation(secret):
    svg = charts.ego_graph_svg("isom", Viewer(None), title="ISOM's network")
    assert "FEDAIA" in names(svg)
    assert "Entitat Secreta" not in svg and "entitat-secreta" not in svg
    assert "Entitat Secreta" in names(charts.ego_graph_svg("isom", store.OPERATOR, title="ISOM"))


def test_a_large_network_says_how_many_it_left_out(demo):
    svg = charts.ego_graph_svg("isom", store.OPERATOR, title="ISOM", radius=2, limit=5)
    root = ET.fromstring(svg)
    assert len(names(svg)) == 5
    assert "left out" in root.find(f"{SVG}desc").text


def test_an_organisation_not_in_the_network_is_no_data(demo):
    root = ET.fromstring(charts.ego_graph_svg("nobody", Viewer(None), title="Nobody"))
    assert root.find(f"{SVG}desc").text == "No data"
