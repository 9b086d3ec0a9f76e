"""The network written for the tools analysts use: GEXF 1.3 (Gephi), GraphML
and a CSV edge list.

Each export writes a lens — or the part of it an answer holds — as it is:
every organisation the lens shows, every tie kept separate (two organisations
with a membership and a seat between them have two edges, each with its own
id, `e` followed by the tie's number in the base, as on the map), each tie
with its type, its dates, the sentence that explains it and the record it
comes from (collection and id), so an analyst can go back to the source.

The writers stream: rows are written in batches to a file object, never built
into one document in memory, so a million ties take a few seconds and little
memory. Names and labels are user text: they are escaped for XML, stripped of
the characters XML 1.0 forbids (control characters, null bytes), and in the
CSV a cell that a spreadsheet would run as a formula is neutralised.

Each tie's sentence is written when there are at most `SENTENCE_LIMIT`
(100,000) ties, or when asked (`sentences=True`): sentences cost about 20 µs
each in Python, more than the rest of the row, so a million-tie export would
take several times longer with them. They are read in chunks of
`SENTENCE_CHUNK` ties, one query each for the names of the events and
agreements behind them (a single query for a million would pass the
databases' limits on parameters).

GEXF is written in dynamic mode with `timeformat="date"`: a tie's `start` and
`end` are the first and the last day its partial dates may stand for (`2009`
starts on 2009-01-01, an end `2015-06` holds to 2015-06-30), so Gephi's
timeline plays the network's history; the partial dates as the source gave
them are kept in the attributes `start_date` and `end_date` (GEXF reserves
`start` and `end`). Organisations carry their founding and dissolution the
same way. Each edge's `kind` is its type, so Gephi keeps ties of different
types between the same two organisations apart (ties of the same type may
still be merged by Gephi's import, following the merge strategy chosen there).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from xarxa.core import dates
from xarxa.core.text import spreadsheet_cell
from xarxa.graph import base as b
from xarxa.graph import explain
from xarxa.graph.store import Lens

FORMATS = ("gexf", "graphml", "csv")
CONTENT_TYPES = {
    "gexf": "application/gexf+xml; charset=utf-8",
    "graphml": "application/graphml+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
SENTENCE_CHUNK = 10_000
SENTENCE_LIMIT = 100_000
BATCH = 5_000  # lines written at once
PIECE = 1 << 20  # or this many characters

CSV_COLUMNS = ("source", "source_name", "target", "target_name", "type", "start", "end", "label",
               "collection", "record")

# What XML 1.0 allows: tab, newline, carriage return and the printable planes.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: object) -> str:
    """User text that XML 1.0 can carry: forbidden characters removed."""
    return NOT_XML.sub("", "" if text is None else str(text))


def attr(text: object) -> str:
    """An XML attribute value, quoted and escaped (newlines and tabs as
    character references, so they survive attribute normalisation)."""
    return '"' + element_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\r", "&#13;").replace("\t", "&#9;") + '"'


def element_text(text: object) -> str:
    # str.replace runs in C: three times faster than saxutils.escape here.
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text and never runs as a formula."""
    return str(spreadsheet_cell(clean(value)))


class Dates:
    """Partial dates and the days they stand for, by key: a million ties
    share a few thousand dates."""

    def __init__(self) -> None:
        self.starts: dict[int, tuple[str | None, str | None]] = {}
        self.ends: dict[int, tuple[str | None, str | None]] = {}

    def start(self, key: int) -> tuple[str | None, str | None]:
        """(the partial date, its first day)."""
        found = self.starts.get(key)
        if found is None:
            text = b.key_text(key)
            found = self.starts[key] = (text, dates.span(text).first.isoformat() if text else None)
        return found

    def end(self, key: int) -> tuple[str | None, str | None]:
        """(the partial date, its last day)."""
        found = self.ends.get(key)
        if found is None:
            text = b.key_text(key, is_end=True)
            found = self.ends[key] = (text, dates.span(text).last.isoformat() if text else None)
        return found


# -- what is written ---------------------------------------------------------

@dataclass
class Part:
    """The nodes (base indexes) and lens edges an export writes."""

    lens: Lens
    nodes: np.ndarray
    edges: np.ndarray
    explanation: str = ""


def part(lens: Lens, answer: Any = None) -> Part:
    """The whole lens, or the nodes and edges of `answer` (a
    `questions.Answer`, or a `questions.Path`, whose edges are its steps')."""
    if answer is None:
        return Part(lens, np.nonzero(lens.shown)[0], np.arange(lens.n_edges, dtype=np.int64))
    edges = getattr(answer, "edges", None)
    if edges is None:
        edges = [e for __, __, step in getattr(answer, "steps", []) for e in step]
    return Part(lens, np.array(answer.nodes, dtype=np.int64), np.array(sorted(edges), dtype=np.int64),
                getattr(answer, "explanation", ""))


@dataclass
class Tie:
    id: str
    source: int  # node index (after folding)
    target: int
    type: str
    start: str | None  # the partial date
    end: str | None
    first_day: str | None  # the first day `start` may stand for
    last_day: str | None  # the last day `end` may stand for
    label: str
    collection: str
    record: str


def ties(where: Part, sentences: bool = True) -> Iterator[Tie]:
    """Each edge of `where`, with what every format writes about it; the
    columns are read a chunk at a time."""
    lens = where.lens
    base = lens.base
    known = Dates()
    for at in range(0, len(where.edges), SENTENCE_CHUNK):
        chunk = where.edges[at:at + SENTENCE_CHUNK]
        ids = lens.edge_ids[chunk]
        said = explain.sentences(lens, ids.tolist()) if sentences else {}
        for e, s, t, kind, start, end, collection, record in zip(
                ids.tolist(), lens.src[chunk].tolist(), lens.dst[chunk].tolist(),
                base.etype[ids].tolist(), base.start[ids].tolist(), base.end[ids].tolist(),
                base.collection[ids].tolist(), base.record[ids].tolist(), strict=True):
            since, first = known.start(start)
            until, last = known.end(end)
            yield Tie(f"e{e}", s, t, b.EDGE_TYPES[kind], since, until, first, last, said.get(e, ""),
                      b.COLLECTIONS[collection], record.decode())


@dataclass
class Node:
    id: str
    label: str
    kind: str
    classification: str | None
    area: str | None
    degree: int  # ties in the lens
    start: str | None  # founding, dissolution: partial dates
    end: str | None
    first_day: str | None
    last_day: str | None


def nodes(where: Part) -> Iterator[Node]:
    lens = where.lens
    base = lens.base
    known = Dates()
    chosen = where.nodes.tolist()
    degrees = lens.graph.degree(chosen) if chosen else []
    for v, degree in zip(chosen, degrees, strict=True):
        since, first = known.start(int(base.node_start[v]))
        until, last = known.end(int(base.node_end[v]))
        yield Node(base.ids[v], base.names[v], b.NODE_KINDS[int(base.kinds[v])],
                   base.classifications[v] or None, base.areas[v] or None, int(degree),
                   since, until, first, last)


class Quoted(dict[int, str]):
    """A node's id as an XML attribute, quoted once however many ties it has."""

    def __init__(self, ids: Sequence[str]) -> None:
        super().__init__()
        self.ids = ids

    def __missing__(self, node: int) -> str:
        value = self[node] = attr(self.ids[node])
        return value


def describe(where: Part) -> str:
    return where.explanation or "Xarxa: " + explain.as_of_phrase(where.lens.as_of) + ", " + \
        explain.count_phrase(len(where.nodes), len(where.edges))


# -- GEXF ----------------------------------------------------------------------

NODE_ATTRIBUTES = (("kind", "string"), ("classification", "string"), ("area", "string"),
                   ("degree", "integer"), ("start_date", "string"), ("end_date", "string"))
EDGE_ATTRIBUTES = (("type", "string"), ("start_date", "string"), ("end_date", "string"),
                   ("collection", "string"), ("record", "string"))


def gexf_lines(where: Part, sentences: bool) -> Iterator[str]:
    """GEXF 1.3 for Gephi: see the module's docstring."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ('<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n')
    yield (f'  <meta lastmodifieddate="{timezone.localdate().isoformat()}"><creator>Xarxa</creator>'
           f"<description>{element_text(describe(where))}</description></meta>\n")
    yield '  <graph mode="dynamic" defaultedgetype="undirected" timeformat="date">\n'
    for cls, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        yield f'    <attributes class="{cls}" mode="static">\n'
        for name, kind in attributes:
            yield f'      <attribute id="{name}" title="{name}" type="{kind}"/>\n'
        yield "    </attributes>\n"
    yield "    <nodes>\n"
    for node in nodes(where):
        values = attvalues((("kind", node.kind), ("classification", node.classification),
                            ("area", node.area), ("degree", node.degree),
                            ("start_date", node.start), ("end_date", node.end)))
        yield (f"      <node id={attr(node.id)} label={attr(node.label)}"
               f"{spell(node.first_day, node.last_day)}>{values}</node>\n")
    yield "    </nodes>\n"
    yield "    <edges>\n"
    quoted = Quoted(where.lens.base.ids)
    for tie in ties(where, sentences):
        # Type, dates and collection are Xarxa's own words, written as they are.
        values = f'<attvalue for="type" value="{tie.type}"/>'
        if tie.start:
            values += f'<attvalue for="start_date" value="{tie.start}"/>'
        if tie.end:
            values += f'<attvalue for="end_date" value="{tie.end}"/>'
        values += f'<attvalue for="collection" value="{tie.collection}"/>'
        if tie.record:
            values += f'<attvalue for="record" value={attr(tie.record)}/>'
        yield (f'      <edge id="{tie.id}" source={quoted[tie.source]} target={quoted[tie.target]} '
               f'kind="{tie.type}" label={attr(tie.label)}{spell(tie.first_day, tie.last_day)}>'
               f"<attvalues>{values}</attvalues></edge>\n")
    yield "    </edges>\n"
    yield "  </graph>\n"
    yield "</gexf>\n"


def spell(first: str | None, last: str | None) -> str:
    return (f' start="{first}"' if first else "") + (f' end="{last}"' if last else "")


def attvalues(values: Iterable[tuple[str, Any]]) -> str:
    inner = "".join(f'<attvalue for="{k}" value={attr(v)}/>' for k, v in values
                    if v is not None and v != "")
    return f"<attvalues>{inner}</attvalues>" if inner else ""


# -- GraphML -------------------------------------------------------------------

GRAPHML_NODE_KEYS = (("label", "string"), ("kind", "string"), ("classification", "string"),
                     ("area", "string"), ("degree", "int"), ("start", "string"), ("end", "string"))
GRAPHML_EDGE_KEYS = (("type", "string"), ("label", "string"), ("start", "string"),
                     ("end", "string"), ("collection", "string"), ("record", "string"))


def graphml_lines(where: Part, sentences: bool) -> Iterator[str]:
    """GraphML: undirected, every tie its own edge (parallel edges kept), a
    key declared for every attribute; dates are partial ISO dates as the
    source gave them."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    for cls, keys in (("node", GRAPHML_NODE_KEYS), ("edge", GRAPHML_EDGE_KEYS)):
        for name, kind in keys:
            yield f'  <key id="{cls[0]}_{name}" for="{cls}" attr.name="{name}" attr.type="{kind}"/>\n'
    yield '  <graph id="xarxa" edgedefault="undirected">\n'
    yield f"    <desc>{element_text(describe(where))}</desc>\n"
    for node in nodes(where):
        values = data("n", (("label", node.label), ("kind", node.kind),
                            ("classification", node.classification), ("area", node.area),
                            ("degree", node.degree), ("start", node.start), ("end", node.end)))
        yield f"    <node id={attr(node.id)}>{values}</node>\n"
    quoted = Quoted(where.lens.base.ids)
    for tie in ties(where, sentences):
        values = f'<data key="e_type">{tie.type}</data>'
        if tie.label:
            values += f'<data key="e_label">{element_text(tie.label)}</data>'
        if tie.start:
            values += f'<data key="e_start">{tie.start}</data>'
        if tie.end:
            values += f'<data key="e_end">{tie.end}</data>'
        values += f'<data key="e_collection">{tie.collection}</data>'
        if tie.record:
            values += f'<data key="e_record">{element_text(tie.record)}</data>'
        yield (f'    <edge id="{tie.id}" source={quoted[tie.source]} target={quoted[tie.target]}>'
               f"{values}</edge>\n")
    yield "  </graph>\n"
    yield "</graphml>\n"


def data(prefix: str, values: Iterable[tuple[str, Any]]) -> str:
    return "".join(f'<data key="{prefix}_{k}">{element_text(v)}</data>' for k, v in values
                   if v is not None and v != "")


# -- CSV -----------------------------------------------------------------------

class Cells(dict[int, tuple[str, str]]):
    """A node's id and name as CSV cells, made safe once."""

    def __init__(self, ids: Sequence[str], names: Sequence[str]) -> None:
        super().__init__()
        self.ids, self.names = ids, names

    def __missing__(self, node: int) -> tuple[str, str]:
        value = self[node] = (csv_cell(self.ids[node]), csv_cell(self.names[node]))
        return value


def csv_lines(where: Part, sentences: bool) -> Iterator[str]:
    """A CSV edge list, one row per tie, with a header: source, source_name,
    target, target_name, type, start, end (partial dates), label (the
    sentence), collection, record."""
    base = where.lens.base
    cells = Cells(base.ids, base.names)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for i, tie in enumerate(ties(where, sentences)):
        # Types, dates and collections are Xarxa's own words: only user text needs care.
        writer.writerow((*cells[tie.source], *cells[tie.target], tie.type, tie.start, tie.end,
                         csv_cell(tie.label), tie.collection, csv_cell(tie.record)))
        if i % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


LINES: dict[str, Callable[[Part, bool], Iterator[str]]] = {
    "gexf": gexf_lines, "graphml": graphml_lines, "csv": csv_lines}


def chunks(fmt: str, lens: Lens, answer: Any = None, sentences: bool | None = None) -> Iterator[str]:
    """The export as pieces of at most `BATCH` lines or about `PIECE` characters."""
    where = part(lens, answer)
    if sentences is None:
        sentences = len(where.edges) <= SENTENCE_LIMIT
    batch: list[str] = []
    size = 0
    for line in LINES[fmt](where, sentences):
        batch.append(line)
        size += len(line)
        if len(batch) >= BATCH or size >= PIECE:
            yield "".join(batch)
            batch.clear()
            size = 0
    yield "".join(batch)


def write(fmt: str, out: TextIO, lens: Lens, answer: Any = None, *,
          sentences: bool | None = None) -> None:
    """Write `lens` (or `answer`'s part of it) to `out` in `fmt`. Sentences
    are written when asked, and by default when there are at most
    `SENTENCE_LIMIT` ties."""
    for piece in chunks(fmt, lens, answer, sentences):
        out.write(piece)


def response(fmt: str, lens: Lens, answer: Any = None, *,
             sentences: bool | None = None) -> StreamingHttpResponse:
    """The export as a download, streamed: its sentences in the language of
    the request that asked for it."""
    language = translation.get_language()

    def pieces() -> Iterator[str]:
        # The response is written after the view returns: keep its language.
        with translation.override(language):
            yield from chunks(fmt, lens, answer, sentences)

    day = lens.as_of or timezone.localdate().isoformat()
    reply = StreamingHttpResponse(pieces(), content_type=CONTENT_TYPES[fmt])
    reply["Content-Disposition"] = f'attachment; filename="xarxa-{day}.{fmt}"'
    return reply
