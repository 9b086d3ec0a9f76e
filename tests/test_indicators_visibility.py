"""The indicators count what the organisation's page shows the viewer: a
private membership or participation of ISOM counts for ISOM's people only,
and no person is named to whom may not see them."""

import json

import pytest
from django.urls import reverse

from xarxa.accounts.rules import Viewer
from xarxa.activity.hours import hours_for
from xarxa.activity.models import Participation
from xarxa.core.writes import Actor, create, update
from xarxa.directory.models import Organization
from xarxa.network.models import Membership
from xarxa.reports.indicators import indicators_for

ACTOR = Actor("test:indicators")


@pytest.fixture
def private_records(demo):
    create(Membership, {"member_organization_id": "isom", "organization_id": "taula-tercer-sector",
                        "start_date": "2025-05", "visibility": "private"}, actor=ACTOR)
    create(Participation, {"event_id": "fedaia-junta-directiva-2025-03-12",
                           "organization_id": "isom", "role": "organiser", "hours": "10",
                           "people_reached": 1000, "visibility": "private"}, actor=ACTOR)


def counted(client):
    rows = indicators_for("isom", 2025, Viewer(client.user)).rows
    return {row.key: row for row in rows}


@pytest.mark.parametrize(("persona", "sees"), [
    ("visitor", False), ("other_editor", False), ("isom_viewer", True), ("site_admin", True)])
def test_private_records_of_isom_count_for_its_people_only(request, private_records, persona, sees):
    found = counted(request.getfixturevalue(persona))

    assert found["networks_joined"].value == (1 if sees else 0)
    assert found["networks"].value == (4 if sees else 3)
    assert found["people_reached"].value == 395 + (1000 if sees else 0)
    assert found["events_organised"].value == (3 if sees else 2)
    assert found["hours_network:fedaia"].value == 25.5 + (10 if sees else 0)


def test_the_hours_of_xarxa_hours_follow_the_viewer_too(private_records, visitor, isom_viewer):
    everything = hours_for("isom", 2025)

    assert hours_for("isom", 2025, viewer=Viewer(None)).totals.hours == everything.totals.hours - 10
    assert hours_for("isom", 2025, viewer=Viewer(isom_viewer.user)).totals.hours == \
        everything.totals.hours


def test_people_are_not_named_to_a_visitor_only_their_hours_in_total(demo, visitor, isom_viewer):
    public = counted(visitor)
    inside = counted(isom_viewer)

    assert not [key for key in public if key.startswith("hours_person:")]
    assert public["hours_people_total"].value == inside["hours_people_total"].value > 0
    named = [row.label for key, row in inside.items() if key.startswith("hours_person:")]
    assert "Gina Exemple Demo" in named
    download = visitor.get(reverse("reports:indicators_file", args=["isom", 2025, "json"]))
    assert "Gina Exemple Demo" not in download.content.decode()
    assert "Gina Exemple Demo" not in visitor.get(
        reverse("reports:indicators", args=["isom", 2025])).content.decode()


def test_agreements_and_placements_count_for_whom_may_see_them(demo, visitor, isom_viewer):
    # Agreements are for signed-in users, placements for ISOM's people.
    assert counted(visitor)["agreements_in_force"].value == 0
    assert counted(visitor)["placements_hosted"].value == 0
    assert counted(isom_viewer)["agreements_in_force"].value == 2
    assert counted(isom_viewer)["placements_hosted"].value == 1


@pytest.mark.parametrize("address", [
    ("reports:indicators", ["isom", 2025]),
    ("reports:indicators_file", ["isom", 2025, "csv"]),
])
def test_a_private_organisation_looks_like_none(demo, visitor, isom_viewer, address):
    update(Organization.objects.get(pk="isom"), {"visibility": "private"}, actor=ACTOR)
    name, args = address

    assert visitor.get(reverse(name, args=args)).status_code == 404
    assert isom_viewer.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("args", [
    ["isom", 2025, "pdf"], ["no-such-org", 2025, "csv"], ["isom", 999, "csv"], ["isom", 9999, "json"]])
def test_an_unknown_format_organisation_or_year_is_not_a_file(demo, visitor, args):
    assert visitor.get(reverse("reports:indicators_file", args=args)).status_code == 404


@pytest.mark.parametrize("args", [["no-such-org", 2025], ["isom", 999], ["isom", 9999]])
def test_an_unknown_organisation_or_year_is_not_a_page(demo, visitor, args):
    assert visitor.get(reverse("reports:indicators", args=args)).status_code == 404


def test_the_json_download_counts_as_the_page(private_records, visitor, isom_viewer):
    def people_reached(client):
        reply = client.get(reverse("reports:indicators_file", args=["isom", 2025, "json"]))
        return next(i["value"] for i in json.loads(reply.content)["indicators"]
                    if i["key"] == "people_reached")

    assert people_reached(visitor) == 395
    assert people_reached(isom_viewer) == 1395
