"""`xarxa indicators ORG --year Y --format csv|xlsx|json -o FILE` writes the
indicators from a shell; bad input gets one line and status 2."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook


def indicators(*args: str) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_to_standard_output(demo):
    data = json.loads(indicators("isom", "--year", "2025", "--format", "json"))

    assert data["organization"] == {"id": "isom", "name": "ISOM"}
    found = {i["key"]: i for i in data["indicators"]}
    assert (found["hours_total"]["value"], found["hours_total"]["previous"]) == (72.0, 0.0)
    assert found["agreements_in_force"]["value"] == 2  # the operator sees everything
    assert any(key.startswith("hours_person:") for key in found)


def test_csv_is_the_default(demo):
    header, *rows = csv.reader(io.StringIO(indicators("isom", "--year", "2025").lstrip("\ufeff")))

    assert header[:5] == ["Group", "Indicator", "2025", "2024", "Change"]
    assert ["Events co-organised", "4", "0", "4"] in [row[1:5] for row in rows]


def test_xlsx_and_csv_to_a_file(demo, tmp_path):
    target = tmp_path / "isom.xlsx"
    assert indicators("isom", "--year", "2025", "--format", "xlsx", "-o", str(target)) == ""
    sheet = load_workbook(target).active
    assert sheet["C1"].value == "2025"
    assert sheet.max_row > 20

    target = tmp_path / "isom.csv"
    indicators("isom", "--year", "2025", "-o", str(target))
    assert target.read_bytes().startswith("\ufeffGroup,Indicator".encode())


def test_the_language_asked_for(demo):
    data = json.loads(indicators("isom", "--year", "2025", "--format", "json", "--lang", "ca"))
    # The codes stay; the labels follow the language (the catalogue may not have them yet).
    assert data["indicators"][0]["key"] == "networks"


def test_public_counts_what_a_visitor_sees(demo):
    found = {i["key"]: i for i in json.loads(
        indicators("isom", "--year", "2025", "--format", "json", "--public"))["indicators"]}

    assert found["agreements_in_force"]["value"] == 0
    assert not any(key.startswith("hours_person:") for key in found)
    assert found["hours_people_total"]["value"] == 40.5


@pytest.mark.parametrize(("args", "message"), [
    (("no-such-org", "--year", "2025"), 'No organisation has the id "no-such-org".'),
    (("isom", "--year", "20x5"), "--year: '20x5' is not a year (four digits, such as 2025)"),
    (("isom", "--year", "0999"), "--year: 999 is not a year from 1000 to 9998."),
    (("isom", "--year", "2025", "--format", "pdf"), "--format: pdf is not one of csv, xlsx, json."),
    (("isom", "--year", "2025", "--format", "xlsx"),
     "An XLSX file is not written to the terminal: name it with -o FILE."),
    (("isom", "--year", "2025", "--lang", "fr"), "--lang: fr is not one of ca, es, en."),
])
def test_bad_input_gets_one_line_and_status_2(demo, args, message):
    with pytest.raises(CommandError) as refused:
        indicators(*args)

    assert refused.value.returncode == 2
    assert str(refused.value) == message
