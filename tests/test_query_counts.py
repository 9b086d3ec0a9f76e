"""Pages make the number of queries their baseline says (tests/query_counts.json),
whatever the size of the data: no N+1."""

import pytest
from django.core.management import call_command
from django.test import Client

from xarxa.activity.models import Campaign, Event, Participation, Theme
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.network.models import Membership, Post
from xarxa.territory.models import Area
from xarxa.training.models import Agreement, AgreementDocument, Placement, Programme

PUBLIC_PAGES = ["/", "/?q=fed", "/organisations/isom/", "/organisations/fedaia/",
                "/organisations/fedaia-junta-directiva/"]
ADMIN_LISTS = [m._meta for m in (
    Organization, Person, Area, Post, Membership, Event, Participation, Campaign, Theme,
    Programme, Agreement, AgreementDocument, Placement, Change)]


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)


@pytest.fixture
def more_ties(demo):
    # Twenty more member entities of FEDAIA: the counts must not grow with them.
    for n in range(20):
        Organization.objects.create(id=f"entitat-{n}", name=f"Entitat {n}")
        Membership.objects.create(id=f"m-{n}", member_organization_id=f"entitat-{n}",
                                  organization_id="fedaia", start_date="2020")
        # …and each took part in an event of its own, for lists of events and participations.
        Event.objects.create(id=f"e-{n}", name=f"Activitat {n}", start_date="2025-10-0" + str(n % 9 + 1),
                             organization_id="fedaia")
        Participation.objects.create(id=f"p-{n}", event_id=f"e-{n}", role="organiser",
                                     organization_id=f"entitat-{n}", hours=2)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_public_page_makes_its_baseline_of_queries(url, demo, query_baseline):
    with query_baseline(f"GET {url}"):
        assert Client().get(url).status_code == 200


@pytest.mark.parametrize("url", ["/", "/organisations/fedaia/"])
def test_a_public_page_does_not_grow_with_the_number_of_ties(url, more_ties, query_baseline):
    with query_baseline(f"GET {url}"):
        assert Client().get(url).status_code == 200


@pytest.mark.parametrize("opts", ADMIN_LISTS, ids=lambda o: o.label_lower)
def test_an_admin_list_makes_its_baseline_of_queries(opts, more_ties, admin_client,
                                                    query_baseline):
    url = f"/admin/{opts.app_label}/{opts.model_name}/"
    admin_client.get(url)  # the first request sets the session up
    with query_baseline(f"GET {url} (administrator)"):
        assert admin_client.get(url).status_code == 200
