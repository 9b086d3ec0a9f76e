"""The reports make the number of queries their baseline says
(tests/query_counts.json), and no more when the organisation has more
networks, seats and events: no query per network, body or event."""

import pytest

from xarxa.activity.models import Event, Participation
from xarxa.directory.models import Organization
from xarxa.network.models import Membership

PAGES = ["/reports/isom/page/", "/reports/isom/page.md", "/reports/isom/2025/",
         "/reports/isom/2025.md", "/reports/isom/indicators/2025/",
         "/reports/isom/indicators/2025.csv", "/reports/fedaia/federation/2025/"]


def more_of_everything():
    """Twenty more networks for ISOM, each with a body it sits in and an
    activity it co-organises in 2025; twenty more members of FEDAIA."""
    for n in range(20):
        Organization.objects.create(id=f"xarxa-{n}", name=f"Xarxa {n}", classification="network")
        Organization.objects.create(id=f"xarxa-{n}-junta", name=f"Junta {n}", classification="board",
                                    parent_id=f"xarxa-{n}")
        Membership.objects.create(id=f"isom-xarxa-{n}", member_organization_id="isom",
                                  organization_id=f"xarxa-{n}", start_date=f"{2000 + n}")
        Membership.objects.create(id=f"isom-xarxa-{n}-junta", member_organization_id="isom",
                                  organization_id=f"xarxa-{n}-junta")
        Event.objects.create(id=f"activitat-{n}", name=f"Activitat {n}", classification="festival",
                             start_date=f"2025-0{n % 9 + 1}-10", organization_id=f"xarxa-{n}")
        Participation.objects.create(id=f"isom-activitat-{n}", event_id=f"activitat-{n}",
                                     organization_id="isom", role="co-organiser", people_reached=10)
        Organization.objects.create(id=f"entitat-{n}", name=f"Entitat {n}")
        Membership.objects.create(id=f"entitat-{n}-fedaia", member_organization_id=f"entitat-{n}",
                                  organization_id="fedaia", start_date="2020")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("size", ["demo", "bigger"])
def test_a_report_makes_its_baseline_of_queries(demo, visitor, url, size, query_baseline):
    if size == "bigger":
        more_of_everything()
    visitor.get(url)  # the network graph is read once per process, not per request
    with query_baseline(f"GET {url} (visitor)"):
        assert visitor.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/reports/isom/page/", "/reports/isom/2025/"])
def test_a_signed_in_reader_makes_its_baseline_too(isom_viewer, url, query_baseline):
    isom_viewer.get(url)
    with query_baseline(f"GET {url} (isom_viewer)"):
        assert isom_viewer.get(url).status_code == 200
