"""The charts are drawn the same way in the report's PDF: WeasyPrint renders
a page holding all five of them, inline, as the HTML report does."""

import weasyprint

from xarxa.accounts.rules import Viewer
from xarxa.directory.models import Organization
from xarxa.reports import charts


def test_a_page_with_every_chart_becomes_a_pdf(demo):
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    figures = [
        charts.bar_chart([("FEDAIA", 12.5), ("Taula", 3), ("<script>", 1)], title="Hours", unit="h"),
        charts.column_chart([(m, i % 5) for i, m in enumerate(months)], title="Activity per month"),
        charts.line_chart([("2015", 3), ("2016", 4), ("2019", 6)], title="Networks", step=True),
        charts.area_map(charts.areas_of(Organization.objects.get(pk="isom"), Viewer(None)),
                        title="Areas"),
        charts.ego_graph_svg("isom", Viewer(None), title="Network"),
    ]
    html = "<!doctype html><html lang='en'><body>" + "".join(
        f"<figure>{svg}</figure>" for svg in figures) + "</body></html>"
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000
