"""The report's charts are SVG drawn on the server: each one a whole,
well-formed `<svg>` with its title and a description that says the data in
words, in the user's language, whatever the data (none included)."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from xarxa.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SQUARE = {"type": "Polygon", "coordinates": [[[2.17, 41.38], [2.19, 41.38], [2.19, 41.40],
                                               [2.17, 41.40], [2.17, 41.38]]]}


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def every_chart(**data):
    return {
        "bars": charts.bar_chart(data.get("rows", [("FEDAIA", 12.5), ("Taula", 3)]), title="Hours",
                                 unit="h"),
        "columns": charts.column_chart(data.get("columns", list(zip(MONTHS, range(12), strict=True))),
                                       title="Activity"),
        "line": charts.line_chart(data.get("points", [("2015", 3), ("2016", 4), ("2017", 4)]),
                                  title="Networks"),
        "map": charts.area_map(data.get("areas", [charts.MapArea("Centre", SQUARE, "seat")]),
                               title="Areas"),
        "network": charts.network_svg(
            data.get("nodes", [charts.GraphNode("a", "ISOM", 0, 0, "cooperative", True),
                               charts.GraphNode("b", "FEDAIA", 1, 1, "federation")]),
            data.get("edges", [charts.GraphEdge(0, 1, "membership")]), title="Ties"),
    }


@pytest.mark.parametrize("empty", [False, True])
def test_every_chart_is_an_svg_with_its_title_and_description(empty):
    found = every_chart(rows=[], columns=[], points=[], areas=[], nodes=[], edges=[]) if empty \
        else every_chart()
    for kind, svg in found.items():
        root = parsed(svg)
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text, kind
        assert desc is not None and desc.text, kind
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == title.get("id")
        assert root.get("aria-describedby") == desc.get("id")
        assert root.get("viewBox") and root.get("width") and root.get("height")
        if empty:
            assert desc.text == "No data"


def test_the_description_says_the_data_in_words():
    desc = parsed(every_chart()["bars"]).find(f"{SVG}desc")
    assert desc is not None and desc.text == "FEDAIA: 12.5 h; Taula: 3 h"


def test_numbers_are_written_in_the_user_s_language():
    with translation.override("ca"):
        svg = charts.bar_chart([("FEDAIA", 12.5)], title="Hores", unit="h")
    assert "12,5 h" in svg


def test_two_charts_have_different_ids_and_a_given_prefix_is_used():
    one = charts.bar_chart([("A", 1)], title="One")
    two = charts.bar_chart([("A", 2)], title="Two")
    assert parsed(one).get("aria-labelledby") != parsed(two).get("aria-labelledby")
    assert parsed(charts.bar_chart([("A", 1)], title="One", id_prefix="hours")).get(
        "aria-labelledby") == "hours-title"


def test_bar_lengths_are_proportional_to_the_values():
    root = parsed(charts.bar_chart([("A", 10), ("B", 5), ("C", 2.5), ("D", 0)], title="Hours"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert len(widths) == 4
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.1)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.1)
    assert widths[3] == 0


def test_past_twenty_rows_the_smallest_become_one_bar():
    rows = [(f"Network {i}", 100 - i) for i in range(30)]
    root = parsed(charts.bar_chart(rows, title="Hours"))
    assert len(list(root.iter(f"{SVG}rect"))) == 20
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "11 others" in texts
    assert root.find(f"{SVG}desc").text.endswith(f"11 others: {sum(100 - i for i in range(19, 30))}")


def test_long_labels_are_shortened_with_an_ellipsis():
    root = parsed(charts.bar_chart([("A very long network name that goes on and on", 1)], title="H"))
    assert any(t.text and t.text.endswith("…") for t in root.iter(f"{SVG}text"))
    assert "goes on and on" in root.find(f"{SVG}desc").text


def test_a_year_of_months_is_twelve_columns_over_round_ticks():
    root = parsed(charts.column_chart(list(zip(MONTHS, [3, 0, 7, 12, 1, 0, 0, 2, 5, 9, 4, 1],
                                              strict=True)), title="Activity"))
    assert len(list(root.iter(f"{SVG}rect"))) == 12
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert all(m in texts for m in MONTHS)
    assert {"0", "5", "10", "15"} <= set(texts)


def test_a_line_over_the_years_has_a_dot_and_a_value_per_year():
    root = parsed(charts.line_chart([("2015", 3), ("2016", 4), ("2017", 6)], title="Networks"))
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert len(root.find(f"{SVG}polyline").get("points").split()) == 3
    stepped = parsed(charts.line_chart([("2015", 3), ("2016", 4), ("2017", 6)], title="N", step=True))
    assert len(stepped.find(f"{SVG}polyline").get("points").split()) == 5


def test_the_map_draws_each_area_and_a_legend_of_roles():
    holed = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    root = parsed(charts.area_map([charts.MapArea("Centre", holed, "seat"),
                                   charts.MapArea("Nowhere", {"type": "Point"}, "service")],
                                  title="Areas"))
    paths = list(root.iter(f"{SVG}path"))
    assert [p.find(f"{SVG}title").text for p in paths] == ["Centre"]
    assert "seat" in [t.text for t in root.iter(f"{SVG}text")]
    coordinates = paths[0].get("d").replace("M", " ").replace("Z", " ").split()
    assert all(len(c.partition(".")[2]) <= 1 for c in coordinates)
