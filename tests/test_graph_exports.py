"""The network exported for the tools analysts use reads back in networkx
with every organisation, every tie and every attribute; names stay data in
XML and never become formulas in a spreadsheet."""

import csv
import io
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

from xarxa.core import dates
from xarxa.directory.models import Organization
from xarxa.graph import base as b
from xarxa.graph import explain, exports, questions, store


@pytest.fixture(autouse=True)
def fresh_network(monkeypatch):
    # Rows written straight to the database leave no history, so the cached
    # network would not know of them: each test reads its own.
    monkeypatch.setattr(store, "STORE", store.Store())


@pytest.fixture
def lens(demo):
    return store.lens(store.OPERATOR)


def exported(fmt, lens, answer=None):
    out = io.StringIO()
    exports.write(fmt, out, lens, answer)
    return out.getvalue()


def first_day(text):
    return dates.span(text).first.isoformat() if text else None


def last_day(text):
    return dates.span(text).last.isoformat() if text else None


def expected_nodes(lens):
    base = lens.base
    shown = np.nonzero(lens.shown)[0].tolist()
    return {base.ids[v]: {"label": base.names[v], "kind": b.NODE_KINDS[base.kinds[v]],
                          "classification": base.classifications[v] or None,
                          "area": base.areas[v], "degree": lens.graph.degree(v)} for v in shown}


def expected_edges(lens):
    base = lens.base
    said = explain.sentences(lens, lens.edge_ids.tolist())
    out = {}
    for j, e in enumerate(lens.edge_ids.tolist()):
        out[f"e{e}"] = {
            "ends": frozenset((base.ids[lens.src[j]], base.ids[lens.dst[j]])),
            "type": b.EDGE_TYPES[base.etype[e]], "label": said[e],
            "start": b.key_text(int(base.start[e])), "end": b.key_text(int(base.end[e]), is_end=True),
            "collection": b.COLLECTIONS[base.collection[e]], "record": base.record_id(e)}
    return out


def test_gexf_reads_back_with_every_node_tie_and_attribute(lens):
    graph = nx.read_gexf(io.BytesIO(exported("gexf", lens).encode()))

    assert graph.graph["mode"] == "dynamic"
    nodes = expected_nodes(lens)
    assert len(nodes) == lens.n_nodes == 7
    assert set(graph.nodes) == set(nodes)
    for node_id, data in graph.nodes(data=True):
        want = nodes[node_id]
        assert (data["label"], data["kind"], data.get("classification"), data.get("area"),
                data["degree"]) == (want["label"], want["kind"], want["classification"], want["area"],
                                    want["degree"])
    edges = expected_edges(lens)
    assert graph.number_of_edges() == len(edges) == lens.n_edges == 33
    for u, v, key, data in graph.edges(keys=True, data=True):
        want = edges[key]
        assert frozenset((u, v)) == want["ends"]
        assert data["label"] == want["label"]
        assert (data["type"], data["collection"], data["record"]) == (
            want["type"], want["collection"], want["record"])
        # The partial dates as given, and the days Gephi's timeline uses.
        assert (data.get("start_date"), data.get("end_date")) == (want["start"], want["end"])
        assert (data.get("start"), data.get("end")) == (first_day(want["start"]), last_day(want["end"]))


def test_gexf_keeps_each_tie_between_two_organisations_apart(lens):
    graph = nx.read_gexf(io.BytesIO(exported("gexf", lens).encode()))

    between = graph.get_edge_data("isom", "fedaia")
    types = sorted(d["type"] for d in between.values())
    assert types.count("membership") == 1
    assert types.count("seat") == 3  # the board, the standing committee, the commissions
    assert "representation" in types
    membership = next(d for d in between.values() if d["type"] == "membership")
    assert membership["label"] == "ISOM is a member of FEDAIA since 2009"
    assert membership["start"] == "2009-01-01" and "end" not in membership
    assert membership["record"] == "isom-fedaia" and membership["collection"] == "memberships"


def test_graphml_reads_back_with_every_node_tie_and_attribute(lens):
    graph = nx.read_graphml(io.BytesIO(exported("graphml", lens).encode()))

    assert isinstance(graph, nx.MultiGraph) and not graph.is_directed()
    nodes = expected_nodes(lens)
    assert set(graph.nodes) == set(nodes)
    for node_id, data in graph.nodes(data=True):
        want = nodes[node_id]
        assert (data["label"], data["kind"], data.get("classification"), data.get("area"),
                data["degree"]) == (want["label"], want["kind"], want["classification"], want["area"],
                                    want["degree"])
    edges = expected_edges(lens)
    assert graph.number_of_edges() == len(edges)
    for u, v, key, data in graph.edges(keys=True, data=True):
        want = edges[key]
        assert frozenset((u, v)) == want["ends"]
        assert {k: data.get(k) for k in ("type", "label", "start", "end", "collection", "record")} == \
            {k: want[k] for k in ("type", "label", "start", "end", "collection", "record")}


def test_graphml_declares_a_key_for_every_attribute(lens):
    root = ET.fromstring(exported("graphml", lens))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    declared = {(k.get("for"), k.get("attr.name")) for k in root.findall("g:key", ns)}

    assert {("node", n) for n in ("label", "kind", "classification", "area")} <= declared
    assert {("edge", n) for n in ("type", "label", "start", "end", "collection", "record")} <= declared
    used = {d.get("key") for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")}
    assert used <= {k.get("id") for k in root.findall("g:key", ns)}
    assert root.find("g:graph", ns).get("edgedefault") == "undirected"


def test_the_csv_edge_list_has_a_row_per_tie(lens):
    rows = list(csv.DictReader(io.StringIO(exported("csv", lens))))

    assert len(rows) == lens.n_edges
    assert list(rows[0]) == ["source", "source_name", "target", "target_name", "type", "start", "end",
                             "label", "collection", "record"]
    edges = expected_edges(lens)
    as_rows = sorted((frozenset((r["source"], r["target"])), r["type"], r["start"] or None,
                      r["end"] or None, r["label"], r["collection"], r["record"]) for r in rows)
    assert as_rows == sorted((e["ends"], e["type"], e["start"], e["end"], e["label"], e["collection"],
                              e["record"]) for e in edges.values())
    assert {"source": "isom", "source_name": "ISOM", "target": "fedaia", "target_name": "FEDAIA",
            "type": "membership", "start": "2009", "end": "",
            "label": "ISOM is a member of FEDAIA since 2009", "collection": "memberships",
            "record": "isom-fedaia"} in rows


def test_a_name_never_becomes_a_formula_in_the_csv(demo):
    Organization.objects.filter(pk="isom").update(name='=HYPERLINK("x")')
    lens = store.lens(store.OPERATOR)

    rows = list(csv.DictReader(io.StringIO(exported("csv", lens))))

    mine = [r for r in rows if r["source"] == "isom"]
    assert mine and {r["source_name"] for r in mine} == {"'=HYPERLINK(\"x\")"}
    # The sentence starts with the name too.
    assert all(r["label"].startswith("'=HYPERLINK") for r in mine
               if r["label"].startswith(("'=", "=")))
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


HOSTILE = '<script>alert("x")</script> & \x07\x1b[31m'


def test_a_hostile_name_stays_data_in_well_formed_xml(demo):
    Organization.objects.filter(pk="isom").update(name=HOSTILE)
    lens = store.lens(store.OPERATOR)

    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        text = exported(fmt, lens)
        assert "<script>" not in text
        ET.fromstring(text)  # well-formed
        graph = read(io.BytesIO(text.encode()))
        # The markup is kept as text; the control characters XML forbids are gone.
        assert graph.nodes["isom"]["label"] == '<script>alert("x")</script> & [31m'


def test_a_null_byte_and_control_characters_are_left_out_of_the_xml(settings):
    # A generated network: PostgreSQL itself refuses null bytes in text.
    base = b.from_edges(3, np.array([[0, 1], [1, 2], [0, 1]]),
                        names=["A\x00\x01\x0b\x0c\ufffe\r\nB", '"quoted" <b>', "line\tbreak"])
    own = store.Store()
    own.load(base)
    lens = own.cut(base, "all", None, frozenset(b.EDGE_TYPES), False, False)

    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        text = exported(fmt, lens)
        ET.fromstring(text)
        graph = read(io.BytesIO(text.encode()))
        assert graph.number_of_nodes() == 3 and graph.number_of_edges() == 3
        label = graph.nodes["o0"]["label"]
        assert label.startswith("A") and label.endswith("B") and "\x00" not in label
        assert graph.nodes["o1"]["label"] == '"quoted" <b>'


def test_an_answer_exports_only_its_own_part(lens):
    answer = questions.ego(lens, "taula-tercer-sector", 1)

    graph = nx.read_gexf(io.BytesIO(exported("gexf", lens, answer).encode()))

    assert set(graph.nodes) == {"taula-tercer-sector", "fedaia"}
    assert graph.number_of_edges() == len(answer.edges) == 3
    assert all(d["label"] for __, __, d in graph.edges(data=True))


def test_the_download_streams_what_the_writer_writes(lens):
    reply = exports.response("graphml", lens)

    assert reply["Content-Type"] == "application/graphml+xml; charset=utf-8"
    assert reply["Content-Disposition"].startswith("attachment; filename=")
    assert b"".join(reply.streaming_content).decode() == exported("graphml", lens)


def test_past_the_limit_ties_are_written_without_sentences(lens, monkeypatch):
    monkeypatch.setattr(exports, "SENTENCE_LIMIT", 10)

    rows = list(csv.DictReader(io.StringIO(exported("csv", lens))))

    assert len(rows) == lens.n_edges and not any(r["label"] for r in rows)
    out = io.StringIO()
    exports.write("csv", out, lens, sentences=True)
    assert all(r["label"] for r in csv.DictReader(io.StringIO(out.getvalue())))
