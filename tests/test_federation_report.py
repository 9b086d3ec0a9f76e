"""A federation's report for a year: its members, their seats in its bodies,
the meetings they went to, the hours they gave it, and who represents it in
other networks' bodies — read in the same few queries however many members
it has."""

from decimal import Decimal

import pytest

from xarxa.accounts.rules import command_viewer
from xarxa.activity.hours import hours_for_federation
from xarxa.activity.models import Event, Participation
from xarxa.core.writes import Actor, create
from xarxa.directory.models import Organization
from xarxa.network.models import Membership
from xarxa.reports import federation

ACTOR = Actor("test:federation")


def report_of(pk: str, year: int = 2025, public: bool = False) -> federation.FederationReport:
    return federation.build(Organization.objects.get(pk=pk), command_viewer(public), year)


def member(report: federation.FederationReport, name: str) -> federation.MemberRow:
    return next(m for m in report.members if m.name == name)


def test_fedaia_lists_isom_with_its_seats_meetings_and_hours(demo):
    report = report_of("fedaia")
    isom = member(report, "ISOM")

    assert isom.since == "2009"
    assert [s.body for s in isom.seats] == [
        "Comissions tècniques", "Junta Directiva", "Junta Permanent"]
    # Seven meetings of its bodies and FEDAIA's own training day: ISOM went to all.
    assert (isom.meetings, isom.attended) == (8, 8)
    assert isom.rate_text == "100%"


def test_isom_s_hours_are_those_of_xarxa_hours_for_fedaia(demo):
    isom = member(report_of("fedaia"), "ISOM")
    hours = next(m for m in hours_for_federation("fedaia", 2025).members if m.organization_id == "isom")
    line = next(n for n in hours.networks if n.id == "fedaia")

    assert isom.hours == line.figures.hours == Decimal("25.5")
    assert isom.hours_total == hours.totals.hours


def test_the_bodies_come_nested_under_the_network_with_their_meetings(demo):
    create(Organization, {"id": "fedaia-comissio-infancia", "name": "Comissió d'infància",
                          "classification": "commission", "parent_id": "fedaia-comissions-tecniques"},
           actor=ACTOR)
    create(Event, {"id": "fedaia-comissio-infancia-2025", "name": "Reunió",
                   "classification": "meeting", "start_date": "2025-09-10",
                   "organization_id": "fedaia-comissio-infancia"}, actor=ACTOR)
    create(Event, {"id": "fedaia-junta-cancelled", "name": "Reunió anul·lada",
                   "classification": "meeting", "start_date": "2025-12-10", "status": "cancelled",
                   "organization_id": "fedaia-junta-directiva"}, actor=ACTOR)

    bodies = [(b.name, b.depth, b.meetings) for b in report_of("fedaia").bodies]

    assert bodies == [("FEDAIA", 0, 1), ("Comissions tècniques", 1, 2),
                      ("Comissió d'infància", 2, 1), ("Junta Directiva", 1, 3),
                      ("Junta Permanent", 1, 2)]


def test_the_summary_says_members_bodies_meetings_and_hours(demo):
    summary = " ".join(report_of("fedaia").summary)

    assert "In 2025, FEDAIA had one member." in summary
    assert "Its 3 bodies met 7 times" in summary
    assert "Its members gave 25.5 hours" in summary


def test_who_represents_fedaia_where_lists_isom_in_the_taula_s_working_group(demo):
    [seat] = report_of("fedaia").representations

    assert (seat.sitter, seat.body, seat.network) == (
        "ISOM", "Grup de treball d'innovació i qualitat", "Taula del Tercer Sector")


def test_the_taula_s_report_says_fedaia_is_represented_in_its_working_group(demo):
    report = report_of("taula-tercer-sector")
    group = next(b for b in report.bodies if b.name == "Grup de treball d'innovació i qualitat")

    assert [(s.sitter, s.on_behalf_of) for s in group.seats] == [("ISOM", "FEDAIA")]
    assert [(s.sitter, s.on_behalf_of) for s in report.other_seats] == [("ISOM", "FEDAIA")]
    # FEDAIA, through ISOM, was at both of the group's meetings.
    assert (group.meetings, group.rate_text) == (2, "100%")
    assert report.members == []


def test_a_member_that_left_during_the_year_is_listed_with_its_hours(demo):
    create(Organization, {"id": "antiga", "name": "Entitat antiga", "classification": "association"},
           actor=ACTOR)
    create(Membership, {"member_organization_id": "antiga", "organization_id": "fedaia",
                        "start_date": "2012", "end_date": "2025-06"}, actor=ACTOR)
    create(Participation, {"event_id": "fedaia-junta-directiva-2025-03-12",
                           "organization_id": "antiga", "hours": "2"}, actor=ACTOR)

    gone = member(report_of("fedaia"), "Entitat antiga")

    assert "antiga" not in {m.organization_id for m in hours_for_federation("fedaia", 2025).members}
    assert (gone.since, gone.until, gone.hours, gone.attended) == ("2012", "2025-06", Decimal("2"), 1)
    assert member(report_of("fedaia", 2026), "ISOM")
    assert "Entitat antiga" not in {m.name for m in report_of("fedaia", 2026).members}


def test_members_over_the_years_count_those_at_each_year_s_end(demo):
    create(Organization, {"id": "nova", "name": "Entitat nova", "classification": "association"},
           actor=ACTOR)
    create(Membership, {"member_organization_id": "nova", "organization_id": "fedaia",
                        "start_date": "2023-03", "end_date": "2024-05"}, actor=ACTOR)
    ties = Membership.objects.filter(organization_id="fedaia", post__isnull=True)

    points = dict(federation.members_over_years(ties, 2025))

    assert min(points) == "2009"
    assert (points["2022"], points["2023"], points["2024"], points["2025"]) == (1, 2, 1, 1)


@pytest.mark.parametrize("extra", [0, 25])
def test_the_report_takes_the_same_queries_however_many_members(demo, extra,
                                                                django_assert_num_queries):
    for i in range(extra):
        create(Organization, {"id": f"entitat-{i}", "name": f"Entitat {i}",
                              "classification": "association"}, actor=ACTOR)
        create(Membership, {"member_organization_id": f"entitat-{i}", "organization_id": "fedaia",
                            "start_date": "2020"}, actor=ACTOR)
        create(Membership, {"member_organization_id": f"entitat-{i}",
                            "organization_id": "fedaia-junta-permanent"}, actor=ACTOR)
        create(Participation, {"event_id": "fedaia-junta-permanent-2025-02-05",
                               "organization_id": f"entitat-{i}", "hours": "1.5"}, actor=ACTOR)
    network = Organization.objects.get(pk="fedaia")

    with django_assert_num_queries(11):
        report = federation.build(network, command_viewer(), 2025)

    assert len(report.members) == 1 + extra
    assert report.totals.hours == Decimal("25.5") + Decimal("1.5") * extra
