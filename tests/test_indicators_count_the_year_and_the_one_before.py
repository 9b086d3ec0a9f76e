"""ISOM's indicators for 2025 beside 2024: each is counted the same way for
both years, and the hours per network are those of `xarxa hours`."""

from decimal import Decimal

import pytest

from xarxa.activity.hours import UnknownOrganization, hours_for
from xarxa.core.writes import Actor, create
from xarxa.network.models import Membership
from xarxa.reports.indicators import indicators_for

ACTOR = Actor("test:indicators")


def rows(org="isom", year=2025):
    return {row.key: row for row in indicators_for(org, year, None).rows}


def test_the_hours_per_network_are_those_of_xarxa_hours_for_both_years(demo):
    found = rows()

    for year, pick in ((2025, "value"), (2024, "previous")):
        report = hours_for("isom", year)
        assert getattr(found["hours_total"], pick) == report.totals.hours
        for net in report.networks:
            key = f"hours_network:{net.id}" if net.id else "hours_outside_networks"
            assert getattr(found[key], pick) == net.figures.hours
    assert found["hours_total"].value == Decimal("72.00")
    assert found["hours_network:fedaia"].value == Decimal("25.50")
    assert found["hours_network:fedaia"].previous == 0
    assert found["hours_network:fedaia"].change == Decimal("25.50")


def test_the_hours_of_each_person_add_up_to_the_hours_on_its_behalf(demo):
    found = rows()
    people = [row for key, row in found.items() if key.startswith("hours_person:")]

    assert len(people) == 3
    assert sum(row.value for row in people) == found["hours_people_total"].value == Decimal("40.50")


def test_events_it_co_organises_and_the_people_reached(demo):
    found = rows()

    # The spring gymkhana, the youth meeting (a worker on its behalf), the
    # Festa Major and its children's games; it organises the stand and the talk.
    assert (found["events_co_organised"].value, found["events_co_organised"].previous) == (4, 0)
    assert found["events_organised"].value == 2
    assert found["people_reached"].value == 60 + 35 + 120 + 40 + 80 + 25 + 35
    assert found["people_reached"].change == 395
    assert found["participations"].value == hours_for("isom", 2025).totals.participations


def test_agreements_in_force_any_day_of_the_year(demo):
    found = rows()

    # The 2017 agreement, extended to 2027, and the 2022 renewal; the 2019 one
    # ended in 2022.
    assert (found["agreements_in_force"].value, found["agreements_in_force"].previous) == (2, 2)
    assert "Universitat (il·lustrativa) B" in found["agreements_in_force"].detail
    assert rows(year=2022)["agreements_in_force"].value == 3


def test_placements_hosted_and_their_hours_spread_over_the_years(demo):
    found = rows()
    assert (found["placements_hosted"].value, found["placements_hosted"].previous) == (1, 0)
    assert found["hours_tutored"].value == Decimal("200.00")

    # October 2026 to January 2027, 250 hours: most in 2026, the rest in 2027.
    later = rows(year=2027)["hours_tutored"]
    assert later.value + later.previous == Decimal("250.00")
    assert later.previous > later.value > 0


def test_a_network_joined_in_2024_counts_as_joined_the_year_before(demo):
    create(Membership, {"member_organization_id": "isom", "organization_id": "taula-tercer-sector",
                        "start_date": "2024-03", "role": "member"}, actor=ACTOR)

    found = rows()
    assert (found["networks_joined"].value, found["networks_joined"].previous) == (0, 1)
    assert found["networks_joined"].change == -1
    assert (found["networks"].value, found["networks"].previous) == (4, 4)
    assert "Taula del Tercer Sector" in found["networks"].detail
    assert rows(year=2024)["networks_joined"].detail == "Taula del Tercer Sector"
    assert rows(year=2024)["networks"].previous == 3


def test_a_network_left_during_the_year_counts_as_left_and_not_at_its_end(demo):
    create(Membership, {"member_organization_id": "isom", "organization_id": "taula-tercer-sector",
                        "start_date": "2020", "end_date": "2025-06"}, actor=ACTOR)

    found = rows()
    assert (found["networks_left"].value, found["networks_left"].previous) == (1, 0)
    assert (found["networks"].value, found["networks"].previous) == (3, 4)


def test_seats_bodies_and_representation(demo):
    create(Membership, {"person_id": "demo-persona-06", "organization_id": "fedaia-junta-directiva",
                        "on_behalf_of_id": "isom", "start_date": "2025-02"}, actor=ACTOR)

    found = rows()
    # Five bodies (ISOM in each); the Taula's working group on behalf of FEDAIA.
    assert (found["bodies"].value, found["bodies"].previous) == (5, 5)
    assert (found["seats"].value, found["seats"].previous) == (6, 5)
    assert found["represents_others"].value == 1
    assert (found["represented_by"].value, found["represented_by"].previous) == (1, 0)
    # FEDAIA is represented by ISOM there.
    fedaia = rows("fedaia")
    assert fedaia["represented_by"].value == 1
    assert fedaia["bodies"].detail == "Grup de treball d'innovació i qualitat"


def test_an_unknown_organisation_is_refused(demo):
    with pytest.raises(UnknownOrganization):
        indicators_for("no-such-org", 2025, None)
