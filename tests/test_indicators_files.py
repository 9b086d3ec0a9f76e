"""The indicators as CSV, XLSX and JSON say the same thing, and no name
becomes a spreadsheet formula or a script on the page."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xarxa.core.writes import Actor, update
from xarxa.directory.models import Organization, Person
from xarxa.reports.indicator_files import as_csv, as_json, as_xlsx
from xarxa.reports.indicators import indicators_for

ACTOR = Actor("test:indicators")
HOSTILE = {
    "fedaia": '=HYPERLINK("http://example.com/x","click")',
    "coordinadora-congres-indians": "+34 600 000 000",
    "federacio-cooperatives-treball": "-1+1",
    "taula-tercer-sector": "@SUM(1,1)",
}


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads the accents
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_parses_into_one_row_per_indicator(demo):
    ind = indicators_for("isom", 2025, None)

    header, *rows = csv_rows(as_csv(ind))

    assert header == ["Group", "Indicator", "2025", "2024", "Change", "Unit", "Notes"]
    assert len(rows) == len(ind.rows)
    by_label = {row[1]: row for row in rows}
    assert by_label["Hours in total"][2:6] == ["72.00", "0.00", "72.00", "hours"]
    assert by_label["Events co-organised"][2:5] == ["4", "0", "4"]
    assert by_label["Agreements in force"][0] == "Agreements and placements"


def test_the_xlsx_read_back_holds_the_values_of_the_json(demo):
    ind = indicators_for("isom", 2025, None)
    data = as_json(ind)

    book = load_workbook(io.BytesIO(as_xlsx(ind)))
    sheet = book.active
    assert sheet.title == "Indicators 2025"
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == ("Group", "Indicator", "2025", "2024", "Change", "Unit", "Notes")
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width > 20
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        (i["label"], i["value"], i["previous"], i["change"]) for i in data["indicators"]]
    hours = next(r for r in rows if r[1] == "Hours in total")
    assert isinstance(hours[2], int | float) and hours[2] == 72.0
    assert data["organization"] == {"id": "isom", "name": "ISOM"}
    assert (data["year"], data["previous_year"]) == (2025, 2024)


@pytest.fixture
def hostile_names(demo):
    for pk, name in HOSTILE.items():
        update(Organization.objects.get(pk=pk), {"name": name}, actor=ACTOR)
    update(Person.objects.get(pk="demo-persona-06"), {"name": "=1+2"}, actor=ACTOR)


def test_names_that_look_like_formulas_stay_text_in_the_csv(hostile_names):
    rows = csv_rows(as_csv(indicators_for("isom", 2025, None)))

    labels = [row[1] for row in rows]
    for name in (*HOSTILE.values(), "=1+2"):
        assert "'" + name in labels
        assert name not in labels
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row
               if not cell.lstrip("-").replace(".", "").isdigit())


def test_names_that_look_like_formulas_stay_text_in_the_xlsx(hostile_names):
    sheet = load_workbook(io.BytesIO(as_xlsx(indicators_for("isom", 2025, None)))).active

    labels = {cell.value: cell for cell in sheet["B"]}
    for name in (*HOSTILE.values(), "=1+2"):
        assert labels["'" + name].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_a_script_in_a_name_is_text_on_the_page(client, hostile_names):
    update(Organization.objects.get(pk="isom"), {"name": "<script>alert(1)</script>"}, actor=ACTOR)

    page = client.get(reverse("reports:indicators", args=["isom", 2025]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&quot;http://example.com/x&quot;,&quot;click&quot;)" in html


def test_the_page_shows_the_change_with_its_sign_and_links_to_the_files(client, demo):
    page = client.get(reverse("reports:indicators", args=["isom", 2025]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "+4" in html  # events co-organised, 0 in 2024
    for fmt in ("csv", "xlsx", "json"):
        assert reverse("reports:indicators_file", args=["isom", 2025, fmt]) in html
    assert reverse("reports:indicators", args=["isom", 2024]) in html
    assert reverse("reports:indicators", args=["isom", 2026]) in html


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("csv", "text/csv; charset=utf-8"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("json", "application/json"),
])
def test_each_file_is_a_download(client, demo, fmt, content_type):
    reply = client.get(reverse("reports:indicators_file", args=["isom", 2025, fmt]))

    assert reply.status_code == 200
    assert reply["Content-Type"] == content_type
    assert reply["Content-Disposition"] == f'attachment; filename="indicators-isom-2025.{fmt}"'
    if fmt == "json":
        assert json.loads(reply.content)["organization"]["id"] == "isom"
