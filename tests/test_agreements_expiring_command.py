"""`xarxa agreements expiring` says what needs action: the signed agreements
whose end falls within the window and that nothing renews, soonest first,
with their parties, the days left and their warnings; `list` and `check`
show the rest. For people (text) and machines (JSON, CSV safe to open in a
spreadsheet)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xarxa.core import writes
from xarxa.directory.models import Organization
from xarxa.training.models import Agreement

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")
DAY = "2026-04-01"


def make(model, **values):
    return writes.create(model, values, actor=SETUP)


@pytest.fixture
def world():
    make(Organization, id="isom", name="ISOM")
    make(Organization, id="uab", name="Universitat Autònoma de Barcelona")
    make(Organization, id="ajuntament", name="Ajuntament de Barcelona")
    parties = [{"organization_id": "isom", "role": "host"},
               {"organization_id": "uab", "role": "university"}]
    make(Agreement, id="uab-isom", name="Conveni UAB–ISOM", kind="educational cooperation",
         parties=parties, signed_on="2022-06-01", start_date="2022-09-01",
         end_date="2026-06-30")
    make(Agreement, id="ajuntament-isom", name="Conveni amb l'Ajuntament", kind="funding",
         parties=[{"organization_id": "ajuntament", "role": "funder"},
                  {"organization_id": "isom", "role": "partner"}],
         public_sector=True, signed_on="2021-04", start_date="2021-05-01", end_date="2026-05")
    old = make(Agreement, id="renewed", name="Conveni renovat", parties=parties,
               signed_on="2022", start_date="2022", end_date="2026-04-30")
    make(Agreement, id="renewal", name="Renovació", parties=parties, signed_on="2026-03",
         start_date="2026-05-01", end_date="2030-04-30", renews=old)
    make(Agreement, id="draft", name="Esborrany", parties=parties, end_date="2026-05-15")
    make(Agreement, id="later", name="Conveni llarg", parties=parties, signed_on="2025",
         end_date="2028")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("agreements", *args, stdout=out)
    return out.getvalue()


def test_expiring_lists_what_needs_action_soonest_first_with_parties_and_warnings(world):
    said = run("expiring", "--as-of", DAY)

    assert said.splitlines() == [
        "2026-05  60 days left  Conveni amb l'Ajuntament [ajuntament-isom]",
        "    kind: funding",
        "    parties: Ajuntament de Barcelona (funder); ISOM (partner)",
        "    warning: its term, from 2021-05-01 to 2026-05, is longer than the four years "
        "Ley 40/2015 (art. 49 h) allows",
        "2026-06-30  90 days left  Conveni UAB–ISOM [uab-isom]",
        "    kind: educational cooperation (placements)",
        "    parties: ISOM (host entity); Universitat Autònoma de Barcelona (university)",
    ]


def test_the_window_is_the_installations_notice_unless_given(world, settings):
    settings.XARXA_AGREEMENT_NOTICE_DAYS = 60

    assert "[uab-isom]" not in run("expiring", "--as-of", DAY)
    assert "[uab-isom]" in run("expiring", "--as-of", DAY, "--within", "90")
    assert run("expiring", "--as-of", DAY, "--within", "0") == (
        "No agreement expires within 0 days of 2026-04-01.\n")


def test_expiring_as_json_for_machines(world):
    said = json.loads(run("expiring", "--as-of", DAY, "--format", "json"))

    assert [a["id"] for a in said] == ["ajuntament-isom", "uab-isom"]
    assert said[1] | {"warnings": None} == {
        "id": "uab-isom", "name": "Conveni UAB–ISOM", "kind": "educational cooperation",
        "status": "expiring", "signed_on": "2022-06-01", "start_date": "2022-09-01",
        "end_date": "2026-06-30", "extended_until": None, "end": "2026-06-30",
        "days_left": 90, "warnings": None,
        "parties": [{"organization_id": "isom", "name": "ISOM", "role": "host"},
                    {"organization_id": "uab", "name": "Universitat Autònoma de Barcelona",
                     "role": "university"}]}
    assert said[1]["warnings"] == []


def test_csv_cells_cannot_run_as_formulas(world):
    writes.update(Agreement.objects.get(pk="uab-isom"),
                  {"name": '=HYPERLINK("http://example.invalid","click")'}, actor=SETUP)

    rows = list(csv.reader(io.StringIO(run("expiring", "--as-of", DAY, "--format", "csv"))))

    assert rows[0] == ["id", "name", "kind", "status", "signed_on", "start_date", "end_date",
                       "extended_until", "days_left", "parties", "warnings"]
    assert rows[2][:4] == ["uab-isom", '\'=HYPERLINK("http://example.invalid","click")',
                           "educational cooperation", "expiring"]
    assert rows[2][8:10] == ["90", "ISOM (host entity); Universitat Autònoma de Barcelona "
                                   "(university)"]


def test_list_shows_each_agreement_with_its_status_and_filters_by_it(world):
    said = run("list", "--as-of", DAY)

    assert "renewed  2022 – 2026-04-30  Conveni renovat [renewed]" in said.splitlines()
    assert "draft  … – 2026-05-15  Esborrany [draft]" in said.splitlines()
    only = run("list", "--as-of", DAY, "--status", "signed", "--status", "in force",
               "--format", "json")
    assert sorted(a["id"] for a in json.loads(only)) == ["later", "renewal"]


def test_check_lists_the_warnings_of_public_bodies_agreements(world):
    assert run("check", "--as-of", DAY).splitlines() == [
        "expiring  2021-05-01 – 2026-05  Conveni amb l'Ajuntament [ajuntament-isom]",
        "    parties: Ajuntament de Barcelona (funder); ISOM (partner)",
        "    warning: its term, from 2021-05-01 to 2026-05, is longer than the four years "
        "Ley 40/2015 (art. 49 h) allows",
    ]


def test_check_says_so_when_there_is_nothing_to_warn_about(db):
    assert run("check") == "No agreement has warnings.\n"


def test_a_malformed_day_is_refused_with_a_clear_message(world):
    with pytest.raises(CommandError) as caught:
        run("expiring", "--as-of", "2026-13-01")

    assert str(caught.value) == '--as-of: "2026-13-01" has no month 13'


def test_a_negative_window_is_refused(world, capsys):
    with pytest.raises(CommandError) as caught:
        run("expiring", "--within", "-5")

    assert "'-5' is not a number of days (a whole number, 0 or more)" in str(caught.value)
