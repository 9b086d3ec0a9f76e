"""Charts drawn on the server as SVG, so a report looks the same in the
browser (the SVG inline in the page) and in its PDF (WeasyPrint draws the
same page).

Every chart is one `<svg>` element, whole and well-formed: a `<title>` (the
chart's title) and a `<desc>` that says the data in words, for whoever cannot
see the drawing, both named by `aria-labelledby`/`aria-describedby`. Their
ids start with `id_prefix`; without one, a prefix is made from the chart's
kind, title and data, so two different charts on one page never share ids
and the same chart is written the same way every time.

Only what WeasyPrint's SVG renderer draws is used: `rect`, `path`, `line`,
`polyline`, `circle`, `text` and `g`, styled by attributes (no CSS, no
scripts, no references to anything outside the element).

Labels, names, titles and units are users' text: stripped of the characters
XML 1.0 forbids and escaped, so a name such as `<script>` is shown as text.
Numbers are written in the current language's format (`12,5` in Catalan).
Empty data is not an error: the chart says "No data".
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xarxa.graph.exports import clean

if TYPE_CHECKING:
    from xarxa.directory.models import Organization

Number = float | int | Decimal

WIDTH = 640
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
CHAR = 0.6  # a character's width in ems, roughly (for the room labels need)
INK = "#222222"
MUTED = "#666666"
GRID = "#dddddd"
BAR = "#0b4f9c"
MAX_BARS = 20  # past this, the smallest rows become one "others" bar
LABEL_CHARS = 28  # a bar's label is shortened past this
EGO_LIMIT = 60  # nodes in an ego graph
LABELLED_NODES = 30  # past this, only the best connected nodes are named on the drawing
LISTED_TIES = 200  # pairs of nodes whose ties a network's description says

# Each kind of area drawn as on the organisation's page (static/xarxa/map.js).
AREA_STYLES = {
    "seat": {"fill": "#9b2335", "fill-opacity": "0.35", "stroke": "#9b2335", "stroke-width": "2"},
    "service": {"fill": "#0b4f9c", "fill-opacity": "0.2", "stroke": "#0b4f9c", "stroke-width": "1.5"},
    "within": {"fill": "none", "stroke": "#555555", "stroke-width": "1", "stroke-dasharray": "4 4"},
}
AREA_ORDER = {"within": 0, "service": 1, "seat": 2}  # drawn in this order: the seat on top
LEGEND_ORDER = ("seat", "service", "within")

# Each kind of tie drawn its own way.
TIE_STYLES = {
    "membership": {"stroke": "#333333", "stroke-width": "1.4"},
    "seat": {"stroke": "#9b2335", "stroke-width": "1.4", "stroke-dasharray": "6 3"},
    "representation": {"stroke": "#0b4f9c", "stroke-width": "1.4", "stroke-dasharray": "1.5 2.5"},
    "co-participation": {"stroke": "#aaaaaa", "stroke-width": "0.7"},
    "agreement": {"stroke": "#2e7d32", "stroke-width": "1.4", "stroke-dasharray": "8 3 2 3"},
    "part-of": {"stroke": "#777777", "stroke-width": "1", "stroke-dasharray": "10 4"},
}
OTHER_TIE = {"stroke": "#999999", "stroke-width": "1"}
PALETTE = ("#9b2335", "#0b4f9c", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#5d4037", "#c2185b")
OTHER_COLOUR = "#9e9e9e"


# -- text, numbers and ids ---------------------------------------------------

def text(value: object) -> str:
    """User text for an element's content or a double-quoted attribute."""
    return str(escape(clean(value)))


def shorten(value: object, chars: int) -> str:
    words = " ".join(clean(value).split())
    if len(words) <= chars:
        return words
    return words[:max(1, chars - 1)].rstrip() + "…"


def finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def number(value: Number) -> str:
    """A value in the current language's format, to two decimals at most."""
    rounded = round(finite(value), 2)
    if rounded.is_integer():
        return number_format(int(rounded))
    return number_format(rounded)


def with_unit(value: Number, unit: str) -> str:
    return f"{number(value)} {clean(unit)}" if unit else number(value)


def prefix_for(id_prefix: str | None, kind: str, key: object) -> str:
    if id_prefix is None:
        digest = hashlib.blake2b(repr((kind, key)).encode("utf-8", "replace"), digest_size=4)
        id_prefix = f"{kind}-{digest.hexdigest()}"
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix)[:60]
    return safe if safe[:1].isalpha() else f"c-{safe}"


def fmt(value: float) -> str:
    """A coordinate, to one decimal."""
    out = f"{value:.1f}"
    return out[:-2] if out.endswith(".0") else out


def attrs(values: Mapping[str, object]) -> str:
    return "".join(f' {k}="{text(v)}"' for k, v in values.items())


def label(x: float, y: float, words: str, *, size: float = 12, anchor: str = "start",
          fill: str = INK, bold: bool = False, extra: Mapping[str, object] | None = None) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{fmt(x)}" y="{fmt(y)}" font-family="{FONT}" font-size="{fmt(size)}" '
            f'fill="{fill}" text-anchor="{anchor}"{weight}{attrs(extra or {})}>{text(words)}</text>')


def heading(title: str) -> str:
    return label(0, 16, shorten(title, int(WIDTH / (14 * CHAR))), size=14, bold=True)


def svg(width: float, height: float, prefix: str, title: str, desc: str, body: Iterable[str]) -> str:
    width, height = math.ceil(width), math.ceil(height)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="{prefix}-title" '
            f'aria-describedby="{prefix}-desc">'
            f'<title id="{prefix}-title">{text(title)}</title>'
            f'<desc id="{prefix}-desc">{text(desc)}</desc>' + "".join(body) + "</svg>")


def no_data(prefix: str, title: str, show_title: bool) -> str:
    words = _("No data")
    top = 24 if show_title else 0
    body = [heading(title)] if show_title else []
    body.append(label(0, top + 20, words, fill=MUTED))
    return svg(WIDTH if show_title else 320, top + 32, prefix, title, words, body)


def width_of(words: str, size: float) -> float:
    return len(words) * size * CHAR


# -- bars, columns and lines -------------------------------------------------

def summarised(rows: list[tuple[str, float]], most: int) -> list[tuple[str, float]]:
    """At most `most` rows: the largest `most - 1` in their order, and the
    rest added up in one."""
    if len(rows) <= most:
        return rows
    by_size = sorted(range(len(rows)), key=lambda i: -rows[i][1])
    kept = sorted(by_size[:most - 1])
    rest = by_size[most - 1:]
    others = ngettext("%(count)s other", "%(count)s others", len(rest)) % {"count": number(len(rest))}
    return [rows[i] for i in kept] + [(others, sum(rows[i][1] for i in rest))]


def said(rows: Sequence[tuple[str, float]], unit: str) -> str:
    return "; ".join(f"{clean(name)}: {with_unit(value, unit)}" for name, value in rows)


def bar_chart(rows: Sequence[tuple[str, Number]], *, title: str, unit: str = "",
              id_prefix: str | None = None, show_title: bool = True) -> str:
    """Horizontal bars, one per row, the label on the left and the value at
    the bar's end: hours per network. Past `MAX_BARS` rows the smallest are
    added up in one bar. Negative values are drawn as no bar."""
    data = [(str(name), finite(value)) for name, value in rows]
    prefix = prefix_for(id_prefix, "bars", (title, unit, data))
    if not data:
        return no_data(prefix, title, show_title)
    data = summarised(data, MAX_BARS)
    names = [shorten(name, LABEL_CHARS) for name, __ in data]
    values = [with_unit(value, unit) for __, value in data]
    label_room = max(width_of(n, 12) for n in names) + 8
    value_room = max(width_of(v, 12) for v in values) + 8
    bar_room = max(120.0, WIDTH - label_room - value_room)
    width = label_room + bar_room + value_room
    top = max((value for __, value in data), default=0.0)
    row, bar = 24, 16
    y0 = 28 if show_title else 4
    body = [heading(title)] if show_title else []
    for i, ((__, value), name, value_text) in enumerate(zip(data, names, values, strict=True)):
        y = y0 + i * row
        length = bar_room * value / top if top > 0 and value > 0 else 0.0
        body.append(label(label_room - 8, y + 12, name, anchor="end"))
        body.append(f'<rect x="{fmt(label_room)}" y="{y}" width="{fmt(length)}" height="{bar}" '
                    f'fill="{BAR}"/>')
        body.append(label(label_room + length + 4, y + 12, value_text))
    return svg(width, y0 + len(data) * row, prefix, title, said(data, unit), body)


def nice_ticks(top: float, integral: bool) -> list[float]:
    """Round values from 0 to at least `top`, four or five of them."""
    if top <= 0:
        return [0.0, 1.0]
    rough = top / 4
    power = 10.0 ** math.floor(math.log10(rough))
    step = 10 * power
    for m in (1, 2, 2.5, 5, 10):
        candidate = m * power
        if integral and not float(candidate).is_integer():
            continue
        if candidate >= rough:
            step = candidate
            break
    if integral:
        step = max(1.0, step)
    count = math.ceil(top / step - 1e-9)
    return [round(step * i, 10) for i in range(count + 1)]


@dataclass
class Axes:
    """A plot's frame: where values and slots go."""

    left: float
    right: float
    top: float
    bottom: float
    ticks: list[float]
    slots: int

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * max(0.0, value) / self.ticks[-1]

    @property
    def slot(self) -> float:
        return (self.right - self.left) / max(1, self.slots)

    def x(self, i: int) -> float:
        return self.left + self.slot * (i + 0.5)


def axes(values: list[float], labels: list[str], unit: str, y0: float, plot_height: float
         ) -> tuple[Axes, list[str]]:
    integral = all(float(v).is_integer() for v in values)
    ticks = nice_ticks(max(values), integral)
    tick_texts = [number(t) for t in ticks]
    left = max(width_of(t, 11) for t in tick_texts) + 10
    unit_room = 14 if unit else 0
    frame = Axes(left=left, right=WIDTH - 8, top=y0 + unit_room + 14,
                 bottom=y0 + unit_room + 14 + plot_height, ticks=ticks, slots=len(values))
    body = []
    if unit:
        body.append(label(0, y0 + 10, unit, size=10, fill=MUTED))
    for tick, words in zip(ticks, tick_texts, strict=True):
        y = frame.y(tick)
        body.append(f'<line x1="{fmt(frame.left)}" y1="{fmt(y)}" x2="{fmt(frame.right)}" '
                    f'y2="{fmt(y)}" stroke="{GRID}" stroke-width="1"/>')
        body.append(label(frame.left - 6, y + 4, words, size=11, anchor="end", fill=MUTED))
    body.append(f'<line x1="{fmt(frame.left)}" y1="{fmt(frame.bottom)}" x2="{fmt(frame.right)}" '
                f'y2="{fmt(frame.bottom)}" stroke="{MUTED}" stroke-width="1"/>')
    # As many of the slots' labels as fit side by side.
    chars = max(1, int(frame.slot / (11 * CHAR)) - 1)
    names = [shorten(n, max(chars, 3)) for n in labels]
    every = max(1, math.ceil(max(width_of(n, 11) + 6 for n in names) / frame.slot))
    for i, name in enumerate(names):
        if i % every == 0:
            body.append(label(frame.x(i), frame.bottom + 15, name, size=11, anchor="middle"))
    return frame, body


def column_chart(columns: Sequence[tuple[str, Number]], *, title: str, unit: str = "",
                 id_prefix: str | None = None, show_title: bool = True) -> str:
    """Vertical columns over a y axis with round ticks: activity per month
    (the caller names the months in the user's language)."""
    data = [(str(name), finite(value)) for name, value in columns]
    prefix = prefix_for(id_prefix, "columns", (title, unit, data))
    if not data:
        return no_data(prefix, title, show_title)
    y0 = 28 if show_title else 4
    frame, body = axes([v for __, v in data], [n for n, __ in data], unit, y0, 180)
    body = ([heading(title)] if show_title else []) + body
    width = frame.slot * 0.7
    for i, (__, value) in enumerate(data):
        y = frame.y(value)
        x = frame.x(i) - width / 2
        body.append(f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(width)}" '
                    f'height="{fmt(frame.bottom - y)}" fill="{BAR}"/>')
        if value > 0 and frame.slot >= 18:
            body.append(label(frame.x(i), y - 3, number(value), size=10, anchor="middle", fill=MUTED))
    return svg(WIDTH, frame.bottom + 22, prefix, title, said(data, unit), body)


def line_chart(points: Sequence[tuple[str, Number]], *, title: str, unit: str = "",
               id_prefix: str | None = None, step: bool = False, show_title: bool = True) -> str:
    """A line over years with a dot and the value at each point: networks over
    the years. `step=True` holds each value until the next point."""
    data = [(str(name), finite(value)) for name, value in points]
    prefix = prefix_for(id_prefix, "line", (title, unit, data, step))
    if not data:
        return no_data(prefix, title, show_title)
    y0 = 28 if show_title else 4
    frame, body = axes([v for __, v in data], [n for n, __ in data], unit, y0, 180)
    body = ([heading(title)] if show_title else []) + body
    at = [(frame.x(i), frame.y(value)) for i, (__, value) in enumerate(data)]
    corners: list[tuple[float, float]] = []
    for i, (x, y) in enumerate(at):
        if step and i:
            corners.append((x, at[i - 1][1]))
        corners.append((x, y))
    body.append('<polyline points="' + " ".join(f"{fmt(x)},{fmt(y)}" for x, y in corners)
                + f'" fill="none" stroke="{BAR}" stroke-width="2"/>')
    every = max(1, math.ceil(max(width_of(number(v), 10) + 4 for __, v in data) / frame.slot))
    for i, ((x, y), (__, value)) in enumerate(zip(at, data, strict=True)):
        body.append(f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="3.5" fill="{BAR}" stroke="#ffffff" '
                    'stroke-width="1"/>')
        if i % every == 0 or i == len(data) - 1:
            body.append(label(x, y - 7, number(value), size=10, anchor="middle"))
    return svg(WIDTH, frame.bottom + 22, prefix, title, said(data, unit), body)


# -- the map of an organisation's areas -----------------------------------------

@dataclass(frozen=True)
class MapArea:
    """An area to draw: its name, its boundary (GeoJSON Polygon or
    MultiPolygon in longitude and latitude) and what it is to the
    organisation: `seat`, `service` (where it takes part in events) or
    `within` (where its seat lies); other roles are drawn as `service`."""

    name: str
    geometry: Any
    role: str = "service"


Ring = list[tuple[float, float]]


def polygons_of(geometry: Any) -> list[list[Ring]]:
    """The polygons of a GeoJSON geometry (each a list of rings), leaving out
    anything that is not a polygon and points that are not numbers."""
    if not isinstance(geometry, dict):
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Feature":
        return polygons_of(geometry.get("geometry"))
    if kind == "GeometryCollection":
        return [p for g in geometry.get("geometries") or [] for p in polygons_of(g)]
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        polygons = coordinates
    else:
        return []
    found = []
    for polygon in polygons:
        rings = []
        for ring in polygon if isinstance(polygon, list) else []:
            points = []
            for point in ring if isinstance(ring, list) else []:
                try:
                    lon, lat = float(point[0]), float(point[1])
                except (TypeError, ValueError, IndexError, KeyError):
                    continue
                if math.isfinite(lon) and math.isfinite(lat):
                    points.append((lon, lat))
            if len(points) >= 3:
                rings.append(points)
        if rings:
            found.append(rings)
    return found


def ring_area_centre(ring: Ring) -> tuple[float, float, float]:
    """A ring's area (shoelace) and centroid; the centre of its box when it
    has no area."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        xs, ys = [x for x, __ in ring], [y for __, y in ring]
        return 0.0, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def role_label(role: str, labels: Mapping[str, str] | None) -> str:
    if labels and role in labels:
        return str(labels[role])
    defaults = {"seat": _("seat"), "service": _("where it takes part in events"),
                "within": _("where its seat lies")}
    return defaults.get(role, role)


def area_map(areas: Sequence[MapArea], *, title: str, id_prefix: str | None = None,
             role_labels: Mapping[str, str] | None = None, show_title: bool = True) -> str:
    """The areas' boundaries, projected on a plane (longitude scaled by the
    cosine of the mean latitude, north up), each named at the centroid of
    its largest ring, with a legend of the roles drawn. Areas without a
    usable boundary are left out."""
    shapes = [(a, polygons) for a in areas if (polygons := polygons_of(a.geometry))]
    prefix = prefix_for(id_prefix, "map", (title, [(a.name, a.role) for a in areas]))
    if not shapes:
        return no_data(prefix, title, show_title)
    shapes.sort(key=lambda item: AREA_ORDER.get(item[0].role, 1))
    points = [p for __, polygons in shapes for polygon in polygons for ring in polygon for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * squeeze, north - south
    margin = 16
    inner = WIDTH - 2 * margin
    if span_x > 0 and span_y > 0:
        inner_height = min(max(inner * span_y / span_x, 200.0), 560.0)
        scale = min(inner / span_x, inner_height / span_y)
    else:
        inner_height, scale = 200.0, inner / max(span_x, span_y, 1e-9)
    y0 = 28 if show_title else 0
    off_x = margin + (inner - span_x * scale) / 2
    off_y = y0 + margin + (inner_height - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (round(off_x + (lon - west) * squeeze * scale, 1),
                round(off_y + (north - lat) * scale, 1))

    body = [heading(title)] if show_title else []
    names = []
    for area, polygons in shapes:
        style = AREA_STYLES.get(area.role, AREA_STYLES["service"])
        d = []
        largest = (-1.0, 0.0, 0.0)
        for polygon in polygons:
            for i, ring in enumerate(polygon):
                projected: Ring = []
                for lon, lat in ring:
                    point = project(lon, lat)
                    if not projected or projected[-1] != point:
                        projected.append(point)
                if len(projected) < 3:
                    continue
                d.append("M" + " ".join(f"{fmt(x)} {fmt(y)}" for x, y in projected) + "Z")
                if i == 0:
                    found = ring_area_centre(projected)
                    if found[0] > largest[0]:
                        largest = found
        if not d:
            continue
        body.append(f'<path d="{" ".join(d)}" fill-rule="evenodd"{attrs(style)}>'
                    f'<title>{text(area.name)}</title></path>')
        names.append((area, largest[1], largest[2]))
    for area, x, y in names:
        name = shorten(area.name, 24)
        # A white outline first, so the name reads over the boundaries.
        size = 11 if area.role != "within" else 10
        body.append(label(x, y + 4, name, size=size, anchor="middle", fill="#ffffff",
                          extra={"stroke": "#ffffff", "stroke-width": "3"}))
        body.append(label(x, y + 4, name, size=size, anchor="middle",
                          fill=INK if area.role != "within" else MUTED, bold=area.role == "seat"))
    # The legend, below the map.
    roles = sorted({a.role for a, __, __ in names},
                   key=lambda r: (LEGEND_ORDER.index(r) if r in LEGEND_ORDER else len(LEGEND_ORDER), r))
    x, y = 0.0, y0 + inner_height + 2 * margin + 4
    said_roles = []
    for role in roles:
        words = role_label(role, role_labels)
        room = 20 + width_of(words, 11) + 16
        if x and x + room > WIDTH:
            x, y = 0.0, y + 18
        style = AREA_STYLES.get(role, AREA_STYLES["service"])
        body.append(f'<rect x="{fmt(x)}" y="{fmt(y)}" width="14" height="10"{attrs(style)}/>')
        body.append(label(x + 20, y + 9, words, size=11))
        x += room
        said_roles.append(f"{words}: " + ", ".join(clean(a.name) for a, __, __ in names if a.role == role))
    return svg(WIDTH, y + 16, prefix, title, "; ".join(said_roles), body)


# What "within" areas a map shows: the seat's own district, not the city
# around it, whose boundary would shrink the barri to a dot.
NARROW = {"district", "neighbourhood"}
WIDE = {"city", "region", "country"}


def areas_of(org: Organization, viewer: Any) -> list[MapArea]:
    """An organisation's areas as its page shows them (`territory_of`, as
    far as `viewer` may see): its seat, the areas of the events it took part
    in, and of the areas its seat lies in, those no larger than a district
    (a district or a neighbourhood; an area classified in another word only
    when it is the seat's own parent, as the page's map does). Areas without
    a boundary are left out."""
    from xarxa.directory.views import territory_of
    from xarxa.territory.models import Area

    kept = []
    first_within = True
    for area, role in territory_of(org, viewer):
        if role == "within":
            narrow = area.classification in NARROW or (
                first_within and area.classification not in WIDE)
            first_within = False
            if not narrow:
                continue
        kept.append((area, role))
    # territory_of leaves the boundaries out; read them for these areas only.
    shapes = dict(Area.objects.filter(pk__in=[a.pk for a, __ in kept], geometry__isnull=False)
                  .values_list("pk", "geometry"))
    return [MapArea(name=area.name, geometry=shapes[area.pk], role=role)
            for area, role in kept if polygons_of(shapes.get(area.pk))]


# -- networks -----------------------------------------------------------------

@dataclass(frozen=True)
class GraphNode:
    """A node to draw at (x, y) (any scale: the drawing fits them), its
    colour chosen by `kind`."""

    id: str
    label: str
    x: float
    y: float
    kind: str = ""
    highlighted: bool = False


@dataclass(frozen=True)
class GraphEdge:
    """A tie between the nodes at two indexes, drawn by its type."""

    source: int
    target: int
    type: str = "membership"


def tie_label(kind: str) -> str:
    from xarxa.graph import explain

    try:
        return explain.type_label(kind)
    except KeyError:
        return kind


def network_svg(nodes: Sequence[GraphNode | tuple[Any, ...]],
                edges: Sequence[GraphEdge | tuple[Any, ...]], *, title: str,
                id_prefix: str | None = None, kind_labels: Mapping[str, str] | None = None,
                description: str = "", show_title: bool = True) -> str:
    """A small network: nodes coloured by kind (the highlighted ones larger,
    with a dark ring), ties styled by type (membership solid, seat dashed,
    representation dotted, co-participation thin and grey, agreement
    dash-dotted, part-of long dashes), and a legend of both. Past
    `LABELLED_NODES` nodes only the highlighted and the best connected are
    named on the drawing; the description names them all, and every tie."""
    points = [n if isinstance(n, GraphNode) else GraphNode(*n) for n in nodes]
    ties = [e if isinstance(e, GraphEdge) else GraphEdge(*e) for e in edges]
    ties = [e for e in ties if 0 <= e.source < len(points) and 0 <= e.target < len(points)
            and e.source != e.target]
    prefix = prefix_for(id_prefix, "network", (title, [(n.id, n.label, n.kind) for n in points],
                                                [(e.source, e.target, e.type) for e in ties]))
    if not points:
        return no_data(prefix, title, show_title)
    y0 = 28 if show_title else 0
    side, plot_height = 140.0, 260.0 if len(points) <= 8 else 400.0
    xs, ys = [finite(n.x) for n in points], [finite(n.y) for n in points]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half_w, half_h = (WIDTH - 2 * side) / 2, (plot_height - 40) / 2
    mid_x, mid_y = WIDTH / 2, y0 + plot_height / 2
    at = [(mid_x + (x - centre_x) / span_x * 2 * half_w if len(points) > 1 else mid_x,
           mid_y + (y - centre_y) / span_y * 2 * half_h if len(points) > 1 else mid_y)
          for x, y in zip(xs, ys, strict=True)]
    body = [heading(title)] if show_title else []
    # Ties first, under the nodes: one line per type between two nodes (ten
    # co-participations are one line), the types side by side.
    pairs: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for tie in ties:
        pairs[(min(tie.source, tie.target), max(tie.source, tie.target))][tie.type] += 1
    degree = [0] * len(points)
    # One path per kind of tie, of many segments: a graph of hundreds of ties
    # is a handful of elements to lay out (the PDF's WeasyPrint and browsers).
    segments: dict[str, list[str]] = defaultdict(list)
    for (a, z), between in pairs.items():
        degree[a] += 1
        degree[z] += 1
        (x1, y1), (x2, y2) = at[a], at[z]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        nx, ny = -(y2 - y1) / length, (x2 - x1) / length
        for k, kind in enumerate(between):
            shift = (k - (len(between) - 1) / 2) * 3
            segments[kind].append(f"M{fmt(x1 + nx * shift)} {fmt(y1 + ny * shift)}"
                                  f"L{fmt(x2 + nx * shift)} {fmt(y2 + ny * shift)}")
    for kind, drawn in segments.items():
        style = TIE_STYLES.get(kind, OTHER_TIE)
        body.append(f'<path d="{"".join(drawn)}" fill="none"{attrs(style)}/>')
    kinds = list(dict.fromkeys(n.kind for n in points))
    colours = {kind: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, kind in enumerate(kinds)}
    if len(points) <= LABELLED_NODES:
        named = set(range(len(points)))
    else:
        best = sorted(range(len(points)), key=lambda i: (not points[i].highlighted, -degree[i]))
        named = set(best[:LABELLED_NODES])
    for node, (x, y) in zip(points, at, strict=True):
        radius = 8 if node.highlighted else 5
        ring = ' stroke="#000000" stroke-width="2"' if node.highlighted else \
            ' stroke="#ffffff" stroke-width="1"'
        body.append(f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{radius}" fill="{colours[node.kind]}"{ring}>'
                    f'<title>{text(node.label)}</title></circle>')
    for i, (node, (x, y)) in enumerate(zip(points, at, strict=True)):
        if i not in named:
            continue
        radius = 8 if node.highlighted else 5
        right = x >= mid_x
        body.append(label(x + (radius + 3 if right else -radius - 3), y + 3.5,
                          shorten(node.label, 20), size=10, anchor="start" if right else "end",
                          bold=node.highlighted))
    # The legend: the kinds of node, then the kinds of tie drawn.
    y = y0 + plot_height + 8
    x = 0.0
    for kind in kinds:
        words = (kind_labels or {}).get(kind, kind) or _("other")
        room = 16 + width_of(words, 11) + 14
        if x and x + room > WIDTH:
            x, y = 0.0, y + 18
        body.append(f'<circle cx="{fmt(x + 5)}" cy="{fmt(y + 5)}" r="5" fill="{colours[kind]}"/>')
        body.append(label(x + 14, y + 9, words, size=11))
        x += room
    x, y = 0.0, y + 20
    types = list(dict.fromkeys(e.type for e in ties))
    for kind in types:
        words = tie_label(kind)
        room = 30 + width_of(words, 11) + 14
        if x and x + room > WIDTH:
            x, y = 0.0, y + 18
        style = TIE_STYLES.get(kind, OTHER_TIE)
        body.append(f'<line x1="{fmt(x)}" y1="{fmt(y + 5)}" x2="{fmt(x + 24)}" y2="{fmt(y + 5)}"'
                    f'{attrs(style)}/>')
        body.append(label(x + 30, y + 9, words, size=11))
        x += room
    desc = [clean(description)] if description else []
    desc.append(", ".join(clean(n.label) for n in points) + ".")
    if pairs:
        listed = [f"{clean(points[a].label)} – {clean(points[z].label)}: " + ", ".join(
            tie_label(kind) + (f" ({number(count)})" if count > 1 else "") for kind, count in between.items())
            for (a, z), between in list(pairs.items())[:LISTED_TIES]]
        more = len(pairs) - len(listed)
        desc.append(_("Ties: %(ties)s.") % {"ties": "; ".join(listed)} + (
            " " + ngettext("And %(n)s more.", "And %(n)s more.", more) % {"n": number(more)}
            if more else ""))
    return svg(WIDTH, y + 16, prefix, title, " ".join(desc), body)


def ego_graph_svg(org_id: str, viewer: Any, *, as_of: str | None = None, radius: int = 1,
                  title: str, id_prefix: str | None = None, limit: int = EGO_LIMIT) -> str:
    """An organisation's network as `viewer` may see it (the graph's lens,
    as on the map), at `radius`, on `as_of` (any time when None): at most
    `limit` organisations, the nearest and best connected (the graph's own
    choice), laid out as the map lays them out. The description says how
    many were left out."""
    from xarxa.core.models import classification_label
    from xarxa.directory.models import Organization
    from xarxa.graph import base as b
    from xarxa.graph import explain, questions
    from xarxa.graph.store import STORE
    from xarxa.graph.views import NODE_KIND_LABELS, layout

    lens = STORE.lens(viewer, as_of=as_of)
    answer = questions.ego(lens, org_id, radius, limit)
    if not answer.nodes:
        return no_data(prefix_for(id_prefix, "ego", (org_id, title)), title, True)
    base = lens.base
    coords = layout(lens, answer)
    words = explain.Words(lens, [])
    where = {v: i for i, v in enumerate(answer.nodes)}
    nodes = []
    kind_labels: dict[str, str] = {}
    for i, v in enumerate(answer.nodes):
        kind = base.classifications[v]
        if kind:
            kind_labels.setdefault(kind, classification_label(Organization, kind))
        else:
            kind = b.NODE_KINDS[int(base.kinds[v])]
            kind_labels.setdefault(kind, str(NODE_KIND_LABELS[kind]))
        nodes.append(GraphNode(id=base.ids[v], label=words.name(v), x=float(coords[i][0]),
                               y=float(coords[i][1]), kind=kind, highlighted=v in answer.focus))
    edges = [GraphEdge(where[int(lens.src[e])], where[int(lens.dst[e])],
                       b.EDGE_TYPES[int(base.etype[int(lens.edge_ids[e])])]) for e in answer.edges]
    return network_svg(nodes, edges, title=title, id_prefix=id_prefix, kind_labels=kind_labels,
                       description=answer.explanation)
