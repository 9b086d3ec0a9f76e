"""Names in the report's charts are users' text: whatever they hold, they
come out as text — no element, no attribute, no character XML forbids."""

import xml.etree.ElementTree as ET

from xarxa.reports import charts

HOSTILE = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', "'onmouseover='x",
           "A\x00B\x07C\ud800D & <b>", "</title><script>x</script>"]
SQUARE = {"type": "Polygon", "coordinates": [[[2.17, 41.38], [2.19, 41.38], [2.19, 41.40],
                                               [2.17, 41.40], [2.17, 41.38]]]}


def drawn(name: str) -> list[str]:
    return [
        charts.bar_chart([(name, 1), ("B", 2)], title=name, unit=name),
        charts.column_chart([(name, 1)], title=name, unit=name),
        charts.line_chart([(name, 1), ("2016", 2)], title=name, unit=name),
        charts.area_map([charts.MapArea(name, SQUARE, name)], title=name, role_labels={name: name}),
        charts.network_svg([charts.GraphNode(name, name, 0, 0, name, True),
                            charts.GraphNode("b", "B", 1, 1)],
                           [charts.GraphEdge(0, 1, name)], title=name, id_prefix=name,
                           kind_labels={name: name}, description=name),
    ]


def test_hostile_names_come_out_as_text():
    for name in HOSTILE:
        for svg in drawn(name):
            assert "\x00" not in svg and "\ud800" not in svg
            root = ET.fromstring(svg)  # well-formed
            for element in root.iter():
                assert not element.tag.endswith("script"), svg
                assert not element.tag.endswith("}b"), svg
                assert element.tag.startswith("{http://www.w3.org/2000/svg}")
                assert not any(a.lower().startswith("on") for a in element.attrib), svg
            assert root.find("{http://www.w3.org/2000/svg}title").text == \
                name.replace("\x00", "").replace("\x07", "").replace("\ud800", "")


def test_a_hostile_prefix_makes_plain_ids():
    svg = charts.bar_chart([("A", 1)], title="T", id_prefix='x" onload="alert(1)')
    root = ET.fromstring(svg)
    assert "onload" not in root.attrib
    assert root.get("aria-labelledby").endswith("-title")
    assert " " not in root.get("aria-labelledby")
