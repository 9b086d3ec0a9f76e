"""`xarxa hours ORG --year Y` adds up the hours an organisation gives each
network: a meeting belongs to a body, a body to its network.

ISOM sits on FEDAIA's board and in its Acció Social commission, goes to its
assembly, volunteers at the Coordinadora's festa major and sends Marta, on its
behalf, to the board, the commission and a training course. Another entity
(Altra) gives hours to the same bodies, which are not ISOM's.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xarxa.activity.hours import hours_for, hours_for_federation
from xarxa.core.writes import Actor
from xarxa.interop.popolo_import import import_document

pytestmark = pytest.mark.django_db

ISOM = {"@type": "Organization", "id": "isom"}
ALTRA = {"@type": "Organization", "id": "altra"}


def part(id_: str, event: str, hours: float | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": id_, "event_id": event, **more}
    if hours is not None:
        out["hours"] = hours
    if "person_id" not in out and "organization_id" not in out:
        out["organization_id"] = "isom"
    return out


DOC: dict[str, list[dict[str, Any]]] = {
    "organizations": [
        {"id": "fedaia", "name": "FEDAIA", "classification": "federation"},
        {"id": "fedaia-junta", "name": "Junta Directiva", "classification": "board",
         "parent_id": "fedaia"},
        {"id": "fedaia-accio-social", "name": "Comissió d'Acció Social",
         "classification": "commission", "parent_id": "fedaia"},
        {"id": "coordinadora", "name": "Coordinadora d'Entitats del Congrés",
         "classification": "coordinadora"},
        {"id": "isom", "name": "ISOM", "classification": "cooperative"},
        {"id": "altra", "name": "Altra Entitat", "classification": "association"},
        {"id": "antiga", "name": "Antiga Associada", "classification": "association"},
    ],
    "persons": [{"id": "marta", "name": "Marta Exemple"}, {"id": "joan", "name": "Joan Exemple"}],
    "memberships": [
        {"id": "isom-fedaia", "member": ISOM, "organization_id": "fedaia", "start_date": "2015"},
        {"id": "altra-fedaia", "member": ALTRA, "organization_id": "fedaia", "start_date": "2018"},
        {"id": "antiga-fedaia", "member": {"@type": "Organization", "id": "antiga"},
         "organization_id": "fedaia", "start_date": "2010", "end_date": "2020"},
        {"id": "marta-fedaia", "person_id": "marta", "organization_id": "fedaia"},
        {"id": "isom-coordinadora", "member": ISOM, "organization_id": "coordinadora"},
    ],
    "events": [
        {"id": "junta-gener", "name": "Junta de gener", "classification": "meeting",
         "organization_id": "fedaia-junta", "start_date": "2025-01-15T18:00",
         "end_date": "2025-01-15T20:00"},
        {"id": "junta-marc", "name": "Junta de març", "classification": "meeting",
         "organization_id": "fedaia-junta", "start_date": "2025-03-10"},
        {"id": "junta-desembre", "name": "Junta de desembre", "classification": "meeting",
         "organization_id": "fedaia-junta", "start_date": "2025-12-31T23:00"},
        {"id": "junta-cancel", "name": "Junta anul·lada", "classification": "meeting",
         "organization_id": "fedaia-junta", "start_date": "2025-02-10", "status": "cancelled"},
        {"id": "junta-2024", "name": "Junta de cap d'any", "classification": "meeting",
         "organization_id": "fedaia-junta", "start_date": "2024-12-31T23:59"},
        {"id": "junta-2026", "name": "Junta de gener 2026", "classification": "meeting",
         "organization_id": "fedaia-junta", "start_date": "2026-01-01"},
        {"id": "accio-social-abril", "name": "Comissió d'abril", "classification": "meeting",
         "organization_id": "fedaia-accio-social", "start_date": "2025-04-02T10:00",
         "end_date": "2025-04-02T13:30"},
        {"id": "assemblea", "name": "Assemblea general", "classification": "assembly",
         "organization_id": "fedaia", "start_date": "2025-06"},
        {"id": "festa-major", "name": "Festa Major del Congrés", "classification": "festival",
         "organization_id": "coordinadora", "start_date": "2025-10-04"},
        {"id": "curs", "name": "Curs de mediació", "classification": "training",
         "start_date": "2025-05-12T09:00", "end_date": "2025-05-12T14:00"},
    ],
    "participations": [
        part("p-junta-gener", "junta-gener", 2),
        part("p-marta-junta-gener", "junta-gener", person_id="marta", on_behalf_of_id="isom"),
        part("p-junta-marc", "junta-marc"),  # no hours, no times: not recorded
        part("p-junta-desembre", "junta-desembre", 1),
        part("p-junta-cancel", "junta-cancel", 3),
        part("p-junta-2024", "junta-2024", 4),
        part("p-junta-2026", "junta-2026", 4),
        part("p-marta-accio", "accio-social-abril", person_id="marta", on_behalf_of_id="isom"),
        part("p-assemblea", "assemblea", 1.5),
        part("p-festa", "festa-major", 12.5, role="volunteer"),
        part("p-marta-curs", "curs", person_id="marta", on_behalf_of_id="isom"),
        part("p-altra-junta", "junta-gener", 7, organization_id="altra"),
        part("p-joan-festa", "festa-major", 6, person_id="joan", on_behalf_of_id="altra"),
    ],
}


def load(doc: dict[str, list[dict[str, Any]]]) -> None:
    import_document(copy.deepcopy(doc), actor=Actor("test"), xarxa=True)


@pytest.fixture(autouse=True)
def _data() -> None:
    load(DOC)


def run(*args: str) -> str:
    out = StringIO()
    call_command("hours", *args, stdout=out)
    return out.getvalue()


def flat(report) -> dict[str | None, dict[str | None, tuple]]:
    return {net.id: {line.id or line.classification: (
        line.figures.hours, line.figures.events, line.figures.people,
        line.figures.organization_participations, line.figures.hours_not_recorded)
        for line in net.lines} for net in report.networks}


def test_isoms_hours_add_up_per_network_and_per_body():
    report = hours_for("isom", 2025)

    assert [net.name for net in report.networks] == [
        "Coordinadora d'Entitats del Congrés", "FEDAIA", "Outside networks"]
    assert flat(report) == {
        "fedaia": {
            # 2 given + Marta's 2 from the meeting's times + 1 in December; March unrecorded
            "fedaia-junta": (Decimal("5.00"), 3, 1, 3, 1),
            "fedaia-accio-social": (Decimal("3.50"), 1, 1, 0, 0),  # 10:00–13:30
            "fedaia": (Decimal("1.50"), 1, 0, 1, 0),  # the network's own assembly
        },
        "coordinadora": {"coordinadora": (Decimal("12.50"), 1, 0, 1, 0)},
        None: {"training": (Decimal("5.00"), 1, 1, 0, 0)},  # "es forma": training received
    }
    fedaia = report.networks[1].figures
    assert (fedaia.hours, fedaia.events, fedaia.people, fedaia.participations) == (
        Decimal("10.00"), 5, 1, 6)
    totals = report.totals
    assert (totals.hours, totals.events, totals.people, totals.organization_participations,
            totals.participations, totals.hours_not_recorded) == (
        Decimal("27.50"), 7, 1, 5, 8, 1)


def test_cancelled_events_and_other_years_do_not_count():
    junta = flat(hours_for("isom", 2025))["fedaia"]["fedaia-junta"]
    assert junta[:2] == (Decimal("5.00"), 3)  # not the 3 hours of the cancelled meeting
    assert hours_for("isom", 2024).totals.hours == Decimal("4.00")  # 2024-12-31T23:59
    assert hours_for("isom", 2026).totals.hours == Decimal("4.00")  # 2026-01-01
    assert hours_for("isom", 2023).networks == ()


def test_another_entitys_hours_are_its_own():
    altra = hours_for("altra", 2025)

    assert flat(altra) == {"fedaia": {"fedaia-junta": (Decimal("7.00"), 1, 0, 1, 0)},
                           "coordinadora": {"coordinadora": (Decimal("6.00"), 1, 1, 0, 0)}}


def test_the_text_table_is_aligned_and_counts_people_without_naming_them():
    said = run("isom", "--year", "2025")
    lines = said.splitlines()

    assert lines[0] == "Hours of ISOM (isom) in 2025"
    table = [line for line in lines[2:] if line and not line.startswith(("-", "1 "))]
    assert table[0].split() == ["Network", "/", "body", "Hours", "Events", "People", "As",
                                "organisation", "Without", "hours"]
    widths = {len(line) for line in table}
    assert len(widths) == 1, table
    body = next(line for line in table if line.startswith("  Junta Directiva"))
    assert body.split()[-5:] == ["5.00", "3", "1", "3", "1"]
    assert table[-1].startswith("Total") and table[-1].split()[1:] == ["27.50", "7", "1", "5", "1"]
    assert "  Outside networks" not in said and "\nOutside networks" in said
    assert "  training" in said
    assert "1 participation has no hours recorded" in said
    assert "Marta" not in said


def test_people_are_named_only_when_asked():
    assert "Marta Exemple" in run("isom", "--year", "2025", "--people")
    data = json.loads(run("isom", "--year", "2025", "--format", "json", "--people"))
    assert data["totals"]["people_names"] == ["Marta Exemple"]
    plain = json.loads(run("isom", "--year", "2025", "--format", "json"))
    assert "people_names" not in plain["totals"]
    assert "Marta" not in run("isom", "--year", "2025", "--format", "csv")


def test_json_has_stable_keys():
    data = json.loads(run("isom", "--year", "2025", "--format", "json"))

    assert data["organization"] == {"id": "isom", "name": "ISOM"}
    assert data["year"] == 2025
    figures = {"hours", "events", "people", "organization_participations", "participations",
               "hours_not_recorded"}
    assert set(data["totals"]) == figures
    assert data["totals"]["hours"] == 27.5
    fedaia = next(net for net in data["networks"] if net["id"] == "fedaia")
    assert set(fedaia) == figures | {"id", "name", "bodies"}
    junta = next(b for b in fedaia["bodies"] if b["id"] == "fedaia-junta")
    assert junta == {"id": "fedaia-junta", "name": "Junta Directiva", "classification": "board",
                     "hours": 5.0, "events": 3, "people": 1, "organization_participations": 3,
                     "participations": 4, "hours_not_recorded": 1}
    outside = data["networks"][-1]
    assert outside["id"] is None
    assert outside["bodies"][0]["classification"] == "training"


def test_csv_has_a_header_and_a_row_per_body_network_and_total():
    rows = list(csv.DictReader(io.StringIO(run("isom", "--year", "2025", "--format", "csv"))))

    assert list(rows[0]) == ["level", "network_id", "network", "body_id", "body", "classification",
                             "hours", "events", "people", "organization_participations",
                             "participations", "hours_not_recorded"]
    junta = next(r for r in rows if r["body_id"] == "fedaia-junta")
    assert (junta["level"], junta["network_id"], junta["hours"], junta["events"]) == (
        "body", "fedaia", "5.00", "3")
    assert [r["level"] for r in rows].count("network") == 3
    assert rows[-1]["level"] == "total" and rows[-1]["hours"] == "27.50"


def test_csv_cells_never_run_as_formulas():
    load({
        "organizations": [
            {"id": "=evil", "name": "=HYPERLINK(\"http://x\")", "classification": "+board",
             "parent_id": "fedaia"},
            {"id": "tabbed", "name": "\t-1+1", "classification": "@SUM(A1)",
             "parent_id": "fedaia"},
        ],
        "events": [
            {"id": "e1", "name": "x", "organization_id": "=evil", "start_date": "2025-03-01"},
            {"id": "e2", "name": "y", "organization_id": "tabbed", "start_date": "2025-03-02"},
            {"id": "e3", "name": "z", "classification": "-2+3", "start_date": "2025-03-03"},
        ],
        "participations": [part("p-e1", "e1", 1), part("p-e2", "e2", 1),
                           part("p-e3", "e3", 1)],
    })

    said = run("isom", "--year", "2025", "--format", "csv")
    rows = list(csv.reader(io.StringIO(said)))
    cells = [c for row in rows for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'=evil" in cells and "'+board" in cells
    assert "'\t-1+1" in cells and "'@SUM(A1)" in cells and "'-2+3" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_a_federation_gets_a_row_per_member_and_network_in_a_handful_of_queries():
    report = hours_for_federation("fedaia", 2025)

    # Antiga left in 2020 and Marta is a person: only current member organisations.
    assert [m.organization_id for m in report.members] == ["altra", "isom"]
    assert [m.totals.hours for m in report.members] == [Decimal("13.00"), Decimal("27.50")]
    assert report.totals.hours == Decimal("40.50")

    rows = list(csv.DictReader(io.StringIO(run("--federation", "fedaia", "--year", "2025",
                                               "--format", "csv"))))
    assert [(r["level"], r["member_id"], r["network_id"], r["hours"]) for r in rows] == [
        ("network", "altra", "fedaia", "7.00"),
        ("network", "altra", "coordinadora", "6.00"),
        ("member", "altra", "", "13.00"),
        ("network", "isom", "coordinadora", "12.50"),
        ("network", "isom", "fedaia", "10.00"),
        ("network", "isom", "", "5.00"),
        ("member", "isom", "", "27.50"),
        ("total", "", "", "40.50"),
    ]
    data = json.loads(run("--federation", "fedaia", "--year", "2025", "--format", "json"))
    assert data["federation"] == {"id": "fedaia", "name": "FEDAIA"}
    assert [m["organization"]["id"] for m in data["members"]] == ["altra", "isom"]
    text = run("--federation", "fedaia", "--year", "2025")
    assert text.splitlines()[0] == "Hours of the members of FEDAIA (fedaia) in 2025"
    assert "ISOM (isom)" in text

    with CaptureQueriesContext(connection) as few:
        hours_for_federation("fedaia", 2025, people=True)
    load({"organizations": [{"id": f"entitat-{n}", "name": f"Entitat {n}"} for n in range(30)],
          "memberships": [{"id": f"m-{n}", "member": {"@type": "Organization", "id": f"entitat-{n}"},
                           "organization_id": "fedaia"} for n in range(30)],
          "participations": [part(f"pe-{n}", "junta-gener", 1, organization_id=f"entitat-{n}")
                             for n in range(30)]})
    with CaptureQueriesContext(connection) as many:
        big = hours_for_federation("fedaia", 2025, people=True)
    assert len(big.members) == 32
    assert len(many.captured_queries) == len(few.captured_queries) <= 6


def test_hours_given_on_behalf_of_a_member_count_once_in_the_federations_total():
    load({"participations": [part("p-altra-per-isom", "festa-major", 2, organization_id="altra",
                                  on_behalf_of_id="isom")]})

    report = hours_for_federation("fedaia", 2025)

    assert [m.totals.hours for m in report.members] == [Decimal("15.00"), Decimal("29.50")]
    assert report.totals.hours == Decimal("42.50")


def test_an_unknown_organisation_is_refused():
    for args in (["nobody"], ["--federation", "nobody"]):
        with pytest.raises(CommandError) as refusal:
            run(*args, "--year", "2025")
        assert refusal.value.returncode == 2
        assert str(refusal.value) == 'No organisation has the id "nobody".'


@pytest.mark.parametrize("year", ["25", "2025a", "20255", "year", "0000", " "])
def test_a_malformed_year_is_refused(year):
    err = StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("hours", "isom", "--year", year, stdout=StringIO(), stderr=err)
    assert refusal.value.returncode == 2
    assert "--year: " in err.getvalue() and "is not a year" in err.getvalue()


def test_an_organisation_or_a_federation_must_be_named():
    for args in ([], ["isom", "--federation", "fedaia"]):
        with pytest.raises(CommandError) as refusal:
            run(*args, "--year", "2025")
        assert refusal.value.returncode == 2


def test_a_group_inside_a_commission_counts_for_the_network():
    load({"organizations": [{"id": "grup-infancia", "name": "Grup d'infància",
                             "classification": "working group",
                             "parent_id": "fedaia-accio-social"}],
          "events": [{"id": "grup-maig", "name": "Grup de maig", "organization_id": "grup-infancia",
                      "start_date": "2025-05-20T17:00", "end_date": "2025-05-20T18:30"}],
          "participations": [part("p-grup", "grup-maig")]})

    fedaia = next(net for net in hours_for("isom", 2025).networks if net.id == "fedaia")

    assert fedaia.figures.hours == Decimal("11.50")
    assert [(line.id, line.figures.hours) for line in fedaia.lines][-1] == (
        "grup-infancia", Decimal("1.50"))
