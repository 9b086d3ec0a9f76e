"""The questions people ask of the network, each answered with an
explanation in plain words.

Every answer is bounded: past `limit` nodes (2,000 by default) it keeps the
nodes nearest to what was asked and, among equally near ones, the best
connected, and says how many it left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xarxa.graph import base as b
from xarxa.graph import explain
from xarxa.graph.store import Lens

LIMIT = 2_000
MAX_LIMIT = 20_000
MAX_RADIUS = 3


@dataclass
class Answer:
    lens: Lens
    nodes: list[int]  # vertices, most relevant first
    edges: list[int]  # lens edges among them
    distance: dict[int, int] = field(default_factory=dict)
    focus: list[int] = field(default_factory=list)
    total_nodes: int = 0
    left_out_nodes: int = 0
    left_out_edges: int = 0
    explanation: str = ""
    limit: int = LIMIT

    @property
    def base_edges(self) -> np.ndarray:
        return self.lens.edge_ids[np.array(self.edges, dtype=np.int64)] if self.edges else \
            np.array([], dtype=np.int32)


# -- choosing the nodes ------------------------------------------------------

def around(lens: Lens, seeds: Sequence[int], radius: int, limit: int) -> Answer:
    """The nodes within `radius` of `seeds`, nearest first, at most `limit`."""
    graph = lens.graph
    limit = max(1, min(limit, MAX_LIMIT))
    radius = max(0, min(radius, MAX_RADIUS))
    distance: dict[int, int] = {s: 0 for s in seeds}
    layers: list[list[int]] = [list(dict.fromkeys(seeds))]
    total = len(layers[0])
    frontier = layers[0]
    for step in range(1, radius + 1):
        if not frontier:
            break
        if len(layers[0]) == 1:
            # One seed: igraph walks the layer in C.
            layer = graph.neighborhood(layers[0][0], order=step, mindist=step)
        else:
            found: set[int] = set()
            for v in frontier:
                found.update(graph.neighbors(v))
            layer = [v for v in found if v not in distance]
        for v in layer:
            distance[v] = step
        layers.append(layer)
        total += len(layer)
        frontier = layer
    kept: list[int] = []
    for layer in layers:
        room = limit - len(kept)
        if room <= 0:
            break
        if len(layer) > room:
            degrees = graph.degree(layer)
            order = np.argsort(-np.array(degrees, dtype=np.int64), kind="stable")[:room]
            layer = [layer[i] for i in order]
        else:
            layer = sorted(layer, key=lambda v: lens.base.names[v].casefold())
        kept.extend(layer)
    edges, cut = among(lens, kept)
    return Answer(lens=lens, nodes=kept, edges=edges, distance={v: distance[v] for v in kept},
                  focus=list(seeds), total_nodes=total, left_out_nodes=total - len(kept),
                  left_out_edges=cut, limit=limit)


def incidence(lens: Lens) -> tuple[np.ndarray, np.ndarray]:
    """Each node's ties as offsets into one array of lens edges (CSR), made
    once per lens: the ties of 2,000 nodes are then gathered by numpy in one
    pass instead of 2,000 calls into igraph."""
    if "incidence" not in lens.kept:
        n, m = lens.base.n_nodes, lens.n_edges
        ends = np.concatenate([lens.src, lens.dst]).astype(np.int64)
        order = np.argsort(ends, kind="stable")
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=n), out=offsets[1:])
        lens.kept["incidence"] = (offsets, (order % max(m, 1)).astype(np.int64))
    return lens.kept["incidence"]  # type: ignore[no-any-return]


def among(lens: Lens, nodes: Iterable[int]) -> tuple[list[int], int]:
    """The lens edges between `nodes`, and how many go from them to others."""
    offsets, edge_of = incidence(lens)
    chosen = np.fromiter(nodes, dtype=np.int64)
    if not len(chosen) or not lens.n_edges:
        return [], 0
    inside = np.zeros(lens.base.n_nodes, dtype=bool)
    inside[chosen] = True
    starts = offsets[chosen]
    lengths = offsets[chosen + 1] - starts
    total = int(lengths.sum())
    if not total:
        return [], 0
    at = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
    incident = edge_of[at]
    both = inside[lens.src[incident]] & inside[lens.dst[incident]]
    # An edge between two kept nodes is listed from both ends (a loop: twice from one).
    return np.unique(incident[both]).tolist(), int(total - both.sum())


def ego(lens: Lens, node_id: str, radius: int = 1, limit: int = LIMIT) -> Answer:
    v = lens.vertex(node_id)
    if v is None:
        answer = Answer(lens=lens, nodes=[], edges=[])
        answer.explanation = _("%(id)s is not in this network.") % {"id": node_id}
        return answer
    answer = around(lens, [v], radius, limit)
    names = {"name": lens.base.names[v], "radius": radius, "when": explain.as_of_phrase(lens.as_of)}
    answer.explanation = (
        ngettext("The network of %(name)s at radius %(radius)d, %(when)s: ",
                 "The network of %(name)s at radius %(radius)d, %(when)s: ", radius) % names
        + explain.count_phrase(len(answer.nodes), len(answer.edges)) + "."
        + explain.left_out_phrase(answer.left_out_nodes, answer.limit))
    return answer


def whole(lens: Lens, limit: int = LIMIT, seeds: Sequence[int] | None = None, radius: int = 0,
          what: str = "") -> Answer:
    """The whole network (or what grows from `seeds`), its best connected
    part first when it is larger than `limit`."""
    if seeds is None:
        shown = np.nonzero(lens.shown)[0]
        degrees = np.array(lens.graph.degree(shown.tolist()), dtype=np.int64) if len(shown) else \
            np.array([], dtype=np.int64)
        order = np.argsort(-degrees, kind="stable")
        chosen = shown[order].tolist()
        answer = around(lens, chosen[:limit], 0, limit)
        answer.total_nodes = len(chosen)
        answer.left_out_nodes = max(0, len(chosen) - limit)
        answer.focus = []
    else:
        answer = around(lens, list(seeds), radius, limit)
        answer.focus = list(seeds)
    answer.explanation = (what or _("The network %(when)s: ") % {
        "when": explain.as_of_phrase(lens.as_of)}) + explain.count_phrase(
        len(answer.nodes), len(answer.edges)) + "." + explain.left_out_phrase(
        answer.left_out_nodes, answer.limit)
    return answer


def network_members(lens: Lens, network_id: str, limit: int = LIMIT) -> Answer:
    answer = ego(lens, network_id, 1, limit)
    v = lens.vertex(network_id)
    if v is not None:
        answer.explanation = _("%(name)s and its members, %(when)s: ") % {
            "name": lens.base.names[v], "when": explain.as_of_phrase(lens.as_of)} + \
            explain.count_phrase(len(answer.nodes), len(answer.edges)) + "." + \
            explain.left_out_phrase(answer.left_out_nodes, answer.limit)
    return answer


def in_area(lens: Lens, area_ids: Iterable[str], area_name: str, limit: int = LIMIT) -> Answer:
    """The organisations seated in an area and who they work with."""
    wanted = set(area_ids)
    seeds = [i for i, area in enumerate(lens.base.areas) if area in wanted and lens.shown[i]]
    what = _("Who works with whom in %(area)s, %(when)s: ") % {
        "area": area_name, "when": explain.as_of_phrase(lens.as_of)}
    return whole(lens, limit, seeds=seeds, radius=1, what=what)


# -- paths ---------------------------------------------------------------------

@dataclass
class Path:
    found: bool
    nodes: list[int]
    steps: list[tuple[int, int, list[int]]]  # (from, to, lens edges between them)
    explanation: str
    sentences: dict[int, str] = field(default_factory=dict)  # lens edge → sentence


def shortest(graph: ig.Graph, a: int, z: int) -> list[int]:
    """One shortest path by a bidirectional breadth-first search, expanding
    the smaller side: it looks at a few thousand nodes where a search from
    one end would sweep the whole graph."""
    if a == z:
        return [a]
    parents_a: dict[int, int] = {a: -1}
    parents_z: dict[int, int] = {z: -1}
    front_a, front_z = [a], [z]
    while front_a and front_z:
        forward = len(front_a) <= len(front_z)
        front, mine, theirs = (front_a, parents_a, parents_z) if forward else \
            (front_z, parents_z, parents_a)
        following: list[int] = []
        meet = -1
        for v in front:
            for w in graph.neighbors(v):
                if w in mine:
                    continue
                mine[w] = v
                if w in theirs:
                    meet = w
                    break
                following.append(w)
            if meet >= 0:
                break
        if meet >= 0:
            left: list[int] = []
            node = meet
            while node != -1:
                left.append(node)
                node = parents_a[node]
            right: list[int] = []
            node = parents_z[meet]
            while node != -1:
                right.append(node)
                node = parents_z[node]
            return left[::-1] + right
        if forward:
            front_a = following
        else:
            front_z = following
    return []


def path(lens: Lens, from_id: str, to_id: str) -> Path:
    base = lens.base
    a, z = lens.vertex(from_id), lens.vertex(to_id)
    missing = [i for i, v in ((from_id, a), (to_id, z)) if v is None]
    if missing:
        return Path(False, [], [], _("%(id)s is not in this network.") % {"id": missing[0]})
    assert a is not None and z is not None
    nodes = shortest(lens.graph, a, z)
    names = {"a": base.names[a], "z": base.names[z], "when": explain.as_of_phrase(lens.as_of)}
    if not nodes:
        return Path(False, [], [], _("%(a)s and %(z)s are not connected, %(when)s.") % names)
    if len(nodes) == 1:
        return Path(True, nodes, [], _("%(a)s and %(z)s are the same organisation.") % names)
    steps = []
    for u, w in zip(nodes, nodes[1:], strict=False):
        between = [e for e in lens.graph.incident(u)
                   if {int(lens.src[e]), int(lens.dst[e])} == {u, w}]
        steps.append((u, w, sorted(between, key=lambda e: int(lens.base.etype[lens.edge_ids[e]]))))
    all_edges = [e for __, __, es in steps for e in es]
    said = explain.sentences(lens, lens.edge_ids[all_edges].tolist())
    by_lens = {e: said[int(lens.edge_ids[e])] for e in all_edges}
    hops = len(nodes) - 1
    text = ngettext("%(a)s reaches %(z)s in %(n)d step, %(when)s",
                    "%(a)s reaches %(z)s in %(n)d steps, %(when)s", hops) % {**names, "n": hops}
    words = explain.Words(lens, [])
    text += ": " + " ".join(
        f"{words.name(u)} → {words.name(w)}: " + "; ".join(explain.step_sentences(
            lens, [int(lens.edge_ids[e]) for e in es], said)) + "."
        for u, w, es in steps)
    return Path(True, nodes, steps, text, by_lens)


# -- representation ----------------------------------------------------------

@dataclass
class Chain:
    speaker: int
    links: list[int]  # base edges: speaker represents X on body; X represents Y on …
    sentences: list[str]


def representations(lens: Lens, node_id: str) -> tuple[list[Chain], str]:
    """Who speaks for whom, where: every representation the organisation
    takes part in (speaking for another, or spoken for), followed up the
    chain (it speaks for B, and B for C…)."""
    base = lens.base
    v = lens.vertex(node_id)
    if v is None:
        return [], _("%(id)s is not in this network.") % {"id": node_id}
    kinds = base.etype[lens.edge_ids]
    reps = np.nonzero(kinds == b.REPRESENTATION)[0]
    by_speaker: dict[int, list[int]] = defaultdict(list)
    for e in reps.tolist():
        by_speaker[int(lens.src[e])].append(int(lens.edge_ids[e]))
    involved = [int(lens.edge_ids[e]) for e in reps.tolist()
                if int(lens.dst[e]) == v or int(lens.src[e]) == v]
    chains: list[Chain] = []
    for first in involved:
        links = [first]
        seen = {int(base.src[first])}
        node = int(base.dst[first])
        while node not in seen and len(links) < 6 and by_speaker.get(node):
            seen.add(node)
            links.append(by_speaker[node][0])
            node = int(base.dst[by_speaker[node][0]])
        said = explain.sentences(lens, links)
        chains.append(Chain(int(base.src[first]), links, [said[e] for e in links]))
    name = base.names[v]
    if not chains:
        return [], _("%(name)s neither speaks for another organisation nor is spoken for, "
                     "%(when)s.") % {"name": name, "when": explain.as_of_phrase(lens.as_of)}
    return chains, ngettext(
        "%(name)s takes part in %(n)d representation, %(when)s.",
        "%(name)s takes part in %(n)d representations, %(when)s.", len(chains)) % {
        "name": name, "n": len(chains), "when": explain.as_of_phrase(lens.as_of)}


# -- measures ----------------------------------------------------------------

EXACT_BETWEENNESS_NODES = 5_000
SAMPLE_SOURCES = 100
SAMPLE_BATCHES = 10


@dataclass
class Centrality:
    nodes: np.ndarray  # shown vertices
    degree: np.ndarray
    pagerank: np.ndarray
    betweenness: np.ndarray
    sampled: int = 0  # sources, when betweenness was sampled
    error: float = 0.0  # relative standard error of the top nodes' betweenness
    simple: ig.Graph | None = None


def pagerank(lens: Lens) -> np.ndarray:
    """PageRank of the shown nodes (in the order of `np.nonzero(lens.shown)`),
    on the lens's own graph: several ties between two organisations weigh
    more than one."""
    if not lens.n_nodes:
        return np.array([])
    values = np.array(lens.graph.pagerank(directed=False), dtype=float)[lens.shown]
    total = values.sum()
    return values / total if total else values


def component_sizes(lens: Lens) -> np.ndarray:
    """The sizes of the connected groups of shown nodes, largest first."""
    if not lens.n_nodes:
        return np.array([], dtype=np.int64)
    membership = np.array(lens.graph.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(membership[lens.shown])
    return np.sort(sizes[sizes > 0])[::-1]


def simple_graph(lens: Lens) -> tuple[ig.Graph, np.ndarray]:
    """The lens's shown nodes with one tie per pair (multiple ties between two
    organisations weigh as one in betweenness and communities), made once
    per lens."""
    if "simple" not in lens.kept:
        lens.kept["simple"] = _simple_graph(lens)
    return lens.kept["simple"]  # type: ignore[no-any-return]


def _simple_graph(lens: Lens) -> tuple[ig.Graph, np.ndarray]:
    shown = np.nonzero(lens.shown)[0]
    where = np.full(lens.base.n_nodes, -1, dtype=np.int64)
    where[shown] = np.arange(len(shown))
    graph = ig.Graph(n=len(shown))
    if lens.n_edges:
        graph.add_edges(np.column_stack((where[lens.src], where[lens.dst])))
    graph.simplify(multiple=True, loops=True)
    return graph, shown


def centrality(lens: Lens, sources: int | None = None, seed: int = 1) -> Centrality:
    graph, shown = simple_graph(lens)
    n = graph.vcount()
    degree = np.array(graph.degree(), dtype=np.int64)
    ranks = pagerank(lens)
    sampled, error = 0, 0.0
    if n <= EXACT_BETWEENNESS_NODES and not sources:
        betweenness = np.array(graph.betweenness(directed=False), dtype=float) if n else np.array([])
    else:
        k = min(sources or SAMPLE_SOURCES, n)
        rng = np.random.default_rng(seed)
        chosen = rng.choice(n, size=k, replace=False)
        batches = np.array_split(chosen, min(SAMPLE_BATCHES, k))
        estimates = []
        for batch in batches:
            part = np.array(graph.betweenness(directed=False, sources=batch.tolist()), dtype=float)
            # The paths from a sample of sources, scaled to all of them.
            estimates.append(part * (n / len(batch)))
        stack = np.vstack(estimates)
        weights = np.array([len(x) for x in batches], dtype=float)
        betweenness = (stack * weights[:, None]).sum(axis=0) / weights.sum()
        top = np.argsort(-betweenness)[:20]
        spread = stack[:, top].std(axis=0, ddof=1) / np.sqrt(len(batches)) if len(batches) > 1 else \
            np.zeros(len(top))
        mean = betweenness[top]
        error = float(np.median(spread[mean > 0] / mean[mean > 0])) if (mean > 0).any() else 0.0
        sampled = k
    return Centrality(shown, degree, ranks, betweenness, sampled, error, graph)


def networks_of(lens: Lens) -> dict[int, set[int]]:
    """Organisation → the networks it belongs to or sits in (memberships,
    seats, representations' bodies)."""
    base = lens.base
    out: dict[int, set[int]] = defaultdict(set)
    kinds = base.etype[lens.edge_ids]
    for code in (b.MEMBERSHIP, b.SEAT):
        for e in np.nonzero(kinds == code)[0].tolist():
            out[int(lens.src[e])].add(int(lens.dst[e]))
    return out


def brokers(lens: Lens, measures: Centrality, top: int = 20,
            network_id: str | None = None) -> list[tuple[int, int, float]]:
    """Organisations tied to two networks or more — the bridges between them —
    most networks first, then the highest betweenness. With `network_id`, its
    own members that bridge to other networks."""
    belongs = networks_of(lens)
    position = {int(v): i for i, v in enumerate(measures.nodes.tolist())}
    net = lens.vertex(network_id) if network_id else None
    rows = []
    for org, nets in belongs.items():
        if net is not None:
            if net not in nets:
                continue
            count = len(nets - {net})
        else:
            count = len(nets)
        if count >= (1 if net is not None else 2):
            rows.append((org, count, float(measures.betweenness[position[org]])
                         if org in position else 0.0))
    rows.sort(key=lambda r: (-r[1], -r[2], lens.base.names[r[0]]))
    return rows[:top]


@dataclass
class Communities:
    groups: list[list[int]]  # vertices, largest group first
    modularity: float
    method: str


def communities(lens: Lens, seed: int = 1) -> Communities:
    graph, shown = simple_graph(lens)
    if graph.vcount() == 0:
        return Communities([], 0.0, "leiden")
    import random

    random.seed(seed)
    ig.set_random_number_generator(random)
    found = graph.community_leiden(objective_function="modularity", n_iterations=2)
    groups = [shown[np.array(g, dtype=np.int64)].tolist() for g in found if len(g) > 1]
    groups.sort(key=len, reverse=True)
    return Communities(groups, float(graph.modularity(found.membership)), "leiden")


def overlaps(lens: Lens, top: int = 20, min_shared: int = 1) -> list[tuple[int, int, int, float]]:
    """Pairs of networks with members in common: (a, b, shared, Jaccard)."""
    belongs = networks_of(lens)
    size: Counter[int] = Counter()
    shared: Counter[tuple[int, int]] = Counter()
    for nets in belongs.values():
        ordered = sorted(nets)
        size.update(ordered)
        if len(ordered) > 50:
            continue  # a member of fifty networks says little about any two of them
        for i, x in enumerate(ordered):
            for y in ordered[i + 1:]:
                shared[(x, y)] += 1
    rows = [(x, y, n, n / (size[x] + size[y] - n)) for (x, y), n in shared.items() if n >= min_shared]
    rows.sort(key=lambda r: (-r[3], -r[2]))
    return rows[:top]


def evolution(lens: Lens, network_id: str) -> tuple[list[tuple[int, int, int, int]], str]:
    """Per year: organisations that joined the network, left it, and its
    members at the end of the year. `lens` should hold every date."""
    base = lens.base
    v = lens.vertex(network_id)
    if v is None:
        return [], _("%(id)s is not in this network.") % {"id": network_id}
    kinds = base.etype[lens.edge_ids]
    mine = np.nonzero((kinds == b.MEMBERSHIP) & (lens.dst == v))[0]
    starts = [b.year_of(int(base.start[lens.edge_ids[e]])) for e in mine.tolist()]
    ends = [b.year_of(int(base.end[lens.edge_ids[e]])) for e in mine.tolist()]
    joined = Counter(y for y in starts if y)
    left = Counter(y for y in ends if y)
    undated = sum(1 for y in starts if not y)
    years = sorted(set(joined) | set(left))
    rows = []
    members = undated
    for year in range(years[0], years[-1] + 1) if years else []:
        members += joined[year] - left[year]
        rows.append((year, joined[year], left[year], members))
    text = _("Organisations joining and leaving %(name)s each year, from the dates of their "
             "memberships") % {"name": base.names[v]}
    if undated:
        text += " " + ngettext("(%(n)d membership has no start date and counts from the first year)",
                               "(%(n)d memberships have no start date and count from the first year)",
                               undated) % {"n": undated}
    return rows, text + "."


def stats(lens: Lens) -> dict[str, Any]:
    sizes = component_sizes(lens).tolist()
    counts = np.bincount(lens.base.etype[lens.edge_ids], minlength=len(b.EDGE_TYPES))
    kinds = {name: int(counts[code]) for code, name in enumerate(b.EDGE_TYPES) if counts[code]}
    return {"nodes": lens.n_nodes, "ties": lens.n_edges, "pairs": simple_graph(lens)[0].ecount(),
            "components": len(sizes), "largest_component": sizes[0] if sizes else 0,
            "isolated": sum(1 for s in sizes if s == 1), "by_type": kinds}
