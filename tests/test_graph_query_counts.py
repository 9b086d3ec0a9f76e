"""The network's pages make the number of queries their baseline says
(tests/query_counts.json), once the network is in memory: reading it again
is one query for the history's newest id, whatever the network's size."""

import pytest
from django.test import Client

from xarxa.core import writes
from xarxa.directory.models import Organization
from xarxa.network.models import Membership

URLS = ["/graph/data.json?focus=isom", "/graph/data.json?focus=isom&radius=3&as_of=2020",
        "/graph/path.json?from=isom&to=taula-tercer-sector", "/graph/table/?focus=isom",
        "/graph/ego.json?focus=isom&radius=2",
        "/graph/path/?from=isom&to=taula-tercer-sector", "/graph/representations/?org=isom",
        "/graph/analysis/", "/graph/data.json?area=barcelona-neighbourhood-62"]


@pytest.fixture
def more_ties(demo):
    actor = writes.Actor("test")
    for n in range(20):
        writes.create(Organization, {"id": f"entitat-{n}", "name": f"Entitat {n}"}, actor=actor)
        writes.create(Membership, {"member_organization_id": f"entitat-{n}", "organization_id": "fedaia",
                                   "start_date": "2020"}, actor=actor)


@pytest.mark.parametrize("url", URLS)
def test_a_network_page_makes_its_baseline_of_queries(url, demo, query_baseline):
    client = Client()
    assert client.get(url).status_code == 200  # reads the network in
    with query_baseline(f"GET {url} (network in memory)"):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_it_does_not_grow_with_the_number_of_ties(url, more_ties, query_baseline):
    client = Client()
    assert client.get(url).status_code == 200
    with query_baseline(f"GET {url} (network in memory)"):
        assert client.get(url).status_code == 200
