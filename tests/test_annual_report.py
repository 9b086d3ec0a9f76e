"""ISOM's annual report (memòria) for 2025: the same facts as the records,
in HTML, PDF and Markdown, with the sources behind them and the charts
drawn on the server."""

import io
import subprocess
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.report_text import text_of
from xarxa.accounts.rules import Viewer, command_viewer
from xarxa.activity.hours import hours_for
from xarxa.directory.models import Organization
from xarxa.reports import annual


@pytest.fixture
def report(demo):
    with translation.override("en"):
        a = annual.build(Organization.objects.get(pk="isom"), Viewer(None), 2025)
        return a, annual.render_html(a, standalone=True)


def test_the_report_lists_its_networks_seats_and_representation(report):
    a, html = report
    page = text_of(html)
    assert [n.name for n in a.networks][:2] == ["FEDAIA", "Federació de Cooperatives de Treball de Catalunya"]
    for words in ("Junta Directiva", "Junta Permanent", "Comissions tècniques", "Comissió d'Acció Social",
                  "Grup de treball d'innovació i qualitat", "representing FEDAIA"):
        assert words in page


def test_the_hours_per_network_are_those_of_the_hours_report(report):
    a, html = report
    expected = hours_for("isom", 2025, viewer=Viewer(None))
    assert a.hours.totals.hours == expected.totals.hours > Decimal(0)
    fedaia = next(n for n in a.networks if n.name == "FEDAIA")
    assert fedaia.hours == next(n.figures.hours for n in expected.networks if n.id == "fedaia")


def test_every_fact_cites_its_source(report):
    a, html = report
    assert a.sources.items, "the demo's records cite ISOM's page"
    assert all(n.refs for n in a.networks)
    assert 'href="#source-1"' in html and 'id="source-1"' in html


def test_the_five_charts_are_drawn_as_svg(report):
    a, html = report
    assert set(a.charts) == {"hours", "months", "years", "map", "graph"}
    assert html.count("<svg") >= 5
    assert len(a.months) == 12 and sum(n for __, n in a.months) > 0


def test_the_pdf_holds_the_facts_and_its_pages_and_charts(demo, tmp_path):
    out = tmp_path / "isom-2025.pdf"
    call_command("report", "isom", "--year", "2025", "--lang", "en", "--format", "pdf", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    for words in ("ISOM: network work in 2025", "FEDAIA", "Junta Directiva", "Hours per network",
                  "Events per month", "Networks over the years", "Sources"):
        assert words in text, words
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    # The charts are drawn in colour, text is not: the first page carries the
    # network graph, the next the bars of the hours per network.
    assert coloured_share(pages[0]) > 0.001
    assert coloured_share(pages[1]) > 0.005


def coloured_share(png) -> float:
    """The share of a page's pixels drawn in colour (not grey: not text)."""
    from PIL import Image

    with Image.open(png) as image:
        data = image.convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    return sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 40) / len(pixels)


def test_the_markdown_has_the_same_tables(demo):
    out = io.StringIO()
    call_command("report", "isom", "--year", "2025", "--lang", "ca", "--format", "md", stdout=out)
    said = out.getvalue()
    assert said.startswith("# ISOM: ")
    assert "| FEDAIA |" in said and "Junta Directiva" in said


def test_a_visitor_downloads_it_from_the_organisation_page(demo, visitor):
    page = visitor.get("/organisations/isom/").content.decode()
    assert "/reports/isom/2025.pdf" in page
    response = visitor.get("/reports/isom/2025.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert visitor.get("/reports/isom/2025/").status_code == 200
    assert visitor.get("/reports/isom/2025.exe").status_code == 404


def test_a_private_organisation_has_no_report_for_a_visitor(demo, visitor):
    from xarxa.core import writes

    writes.create(Organization, {"id": "secret-coop", "name": "Secret", "visibility": "private"},
                  actor=writes.Actor("test:setup"))
    assert visitor.get("/reports/secret-coop/2025/").status_code == 404
    assert visitor.get("/reports/secret-coop/2025.pdf").status_code == 404
    assert command_viewer().sees(Organization.objects.get(pk="secret-coop"))


@pytest.mark.parametrize("args, says", [
    (["isom", "--year", "20x5", "--format", "md"], "--year"),
    (["isom", "--year", "2025", "--format", "pdf"], "-o FILE"),
    (["nobody", "--year", "2025", "--format", "md"], "nobody"),
])
def test_bad_input_gets_one_line_and_status_2(demo, args, says):
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("report", *args, "--lang", "en", stdout=io.StringIO())
    assert caught.value.returncode == 2 and says in str(caught.value)


def test_a_pdf_is_made_once_until_something_changes(demo, visitor, monkeypatch):
    from xarxa.core import writes
    from xarxa.reports import annual as a

    made = []
    render = a.render_pdf
    monkeypatch.setattr(a, "render_pdf", lambda report: made.append(1) or render(report))
    first = visitor.get("/reports/isom/2025.pdf").content
    assert visitor.get("/reports/isom/2025.pdf").content == first and len(made) == 1
    # Another reader, another PDF: a visitor's is not the operator's.
    assert visitor.get("/reports/isom/2025.pdf", HTTP_ACCEPT_LANGUAGE="es").status_code == 200
    assert len(made) == 2
    # Any write anywhere makes the next one anew.
    writes.update(Organization.objects.get(pk="fedaia"), {"name": "FEDAIA (renamed)"},
                  actor=writes.Actor("test:setup"))
    visitor.get("/reports/isom/2025.pdf")
    assert len(made) == 3
