"""A name that holds HTML, SVG or a spreadsheet formula comes out of every
report as text: the page (HTML, fragment, Markdown), the annual report
(HTML, Markdown, PDF, its SVG charts) and the indicators (CSV, XLSX)."""

import csv
import io
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from xarxa.activity.models import Event, Participation
from xarxa.core.writes import Actor, create
from xarxa.directory.models import Organization
from xarxa.network.models import Membership

SETUP = Actor("test:setup")
NETWORK = '=HYPERLINK("http://example.com/x")<script>alert(1)</script>'
BODY = '"><svg onload=alert(2)><img src=x onerror=alert(3)>'
ACTIVITY = "@SUM(1,1) <iframe src=javascript:alert(4)>"
RAW = ("<script>", "<svg onload", "<img src=x", "<iframe")


@pytest.fixture
def hostile(demo):
    create(Organization, {"id": "hostile-net", "name": NETWORK, "classification": "federation",
                          "description": "-2+3 <b>bold</b> [link](javascript:alert(5))"}, actor=SETUP)
    create(Organization, {"id": "hostile-body", "name": BODY, "classification": "board",
                          "parent_id": "hostile-net"}, actor=SETUP)
    create(Membership, {"member_organization_id": "isom", "organization_id": "hostile-net",
                        "start_date": "2020"}, actor=SETUP)
    create(Membership, {"member_organization_id": "isom", "organization_id": "hostile-body",
                        "start_date": "2021"}, actor=SETUP)
    create(Event, {"id": "hostile-event", "name": ACTIVITY, "classification": "community activity",
                   "organization_id": "hostile-net", "start_date": "2025-05-01T10:00",
                   "end_date": "2025-05-01T12:00"}, actor=SETUP)
    create(Participation, {"event_id": "hostile-event", "organization_id": "isom",
                           "role": "co-organiser", "people_reached": 7}, actor=SETUP)


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def assert_inert_html(text: str) -> None:
    for raw in RAW:
        assert raw not in text, raw
    assert "&lt;script&gt;" in text


@pytest.mark.parametrize("fmt", ["html", "fragment"])
def test_the_page_in_html_escapes_them(hostile, fmt):
    text = command("page", "isom", "--lang", "en", "--format", fmt)
    assert_inert_html(text)
    assert "&lt;iframe src=javascript:alert(4)&gt;" in text


def test_the_page_in_markdown_escapes_them(hostile):
    text = command("page", "isom", "--lang", "en", "--format", "md")
    for raw in RAW:
        assert raw not in text
    assert "\\[link\\](javascript:alert(5))" in text  # no link is made
    assert "&lt;b&gt;bold&lt;/b&gt;" in text


def test_the_annual_report_in_html_and_its_charts_escape_them(hostile):
    text = command("report", "isom", "--year", "2025", "--lang", "en", "--format", "html")
    assert_inert_html(text)
    # Every chart is still well-formed XML with the names as text.
    for svg in text.split("<svg")[1:]:
        ET.fromstring("<svg" + svg.split("</svg>")[0] + "</svg>")


def test_the_annual_report_in_markdown_escapes_them(hostile):
    text = command("report", "isom", "--year", "2025", "--lang", "en", "--format", "md")
    for raw in RAW:
        assert raw not in text


def test_the_pdf_shows_them_as_text(hostile, tmp_path):
    out = tmp_path / "r.pdf"
    call_command("report", "isom", "--year", "2025", "--lang", "en", "--format", "pdf", "-o", str(out))
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "<script>alert(1)</script>" in " ".join(text.split())


def test_the_indicators_in_csv_and_xlsx_neutralise_the_formulas(hostile, tmp_path):
    text = command("indicators", "isom", "--year", "2025", "--format", "csv", "--lang", "en")
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    assert any(NETWORK in cell for cell in cells)
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    out = tmp_path / "i.xlsx"
    call_command("indicators", "isom", "--year", "2025", "--format", "xlsx", "-o", str(out),
                 stdout=io.StringIO())
    sheet = load_workbook(out).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(NETWORK in v for v in values)
    assert not any(v.startswith(("=", "+", "@")) for v in values)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
