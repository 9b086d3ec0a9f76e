"""The network kept in memory, and the lenses through which people see it.

The base (`base.build`) is read once per process and read again when the
history has moved on: every write goes through `core.writes`, which records
a history row, so the newest history id is the network's generation. A lens
is the base as one audience may see it, on one day, with some kinds of ties:
an igraph graph cut from the whole one with `subgraph_edges` (C speed), kept
in a small cache.

Vertex i of every lens is node i of the base, so an answer can name nodes
without translating indexes; nodes a lens leaves out are isolated and marked
in `lens.shown`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np

from xarxa.core import dates
from xarxa.graph import base as b

LENS_CACHE_SIZE = 8


class Operator:
    """Who runs the command line: the installation's operator sees everything."""

    site_admin = True
    authenticated = True
    orgs: frozenset[str] = frozenset()


OPERATOR = Operator()


class Public:
    """The public: what a visitor sees (the CLI's `--public`)."""

    site_admin = False
    authenticated = False
    orgs: frozenset[str] = frozenset()


PUBLIC = Public()


@dataclass
class Lens:
    base: b.Base
    graph: ig.Graph
    edge_ids: np.ndarray  # lens edge j is base edge edge_ids[j]
    shown: np.ndarray  # bool per node
    src: np.ndarray  # per lens edge: endpoints after folding
    dst: np.ndarray
    as_of: str | None
    types: frozenset[str]
    people: bool
    unfold: bool
    audience: Any
    # What is computed once per lens: its simple graph (graph.questions).
    kept: dict[str, Any] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return int(self.shown.sum())

    @property
    def n_edges(self) -> int:
        return int(self.edge_ids.shape[0])

    def vertex(self, node_id: str) -> int | None:
        """The vertex of `node_id`, if this lens shows it (a body folds into
        its network)."""
        i = self.base.node(node_id)
        if i is None:
            return None
        if not self.unfold:
            i = int(self.base.rep[i])
        return i if self.shown[i] else None


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base: b.Base | None = None
        self.full: dict[bool, tuple[ig.Graph, np.ndarray, np.ndarray]] = {}
        self.lenses: OrderedDict[tuple[Any, ...], Lens] = OrderedDict()
        self.private_keepers: frozenset[int] = frozenset()
        self.pinned = False

    def forget(self) -> None:
        """Drop everything kept (the tests' databases roll back between tests,
        so a history id may come back with other data)."""
        with self.lock:
            self.base = None
            self.pinned = False
            self.full = {}
            self.lenses.clear()

    # -- the base --------------------------------------------------------
    def current(self, using: str = "default") -> b.Base:
        """The base, read again if anything was written since."""
        if self.pinned and self.base is not None:
            return self.base
        generation = b.generation_of(using)
        with self.lock:
            if self.base is None or generation < self.base.generation:
                self.load(b.build(using))
            elif self.base.generation != generation:
                mended = b.patch(self.base, using)
                if mended is None:
                    self.load(b.build(using))
                else:
                    self.mend(mended)
            assert self.base is not None
            return self.base

    def mend(self, mended: b.Patch) -> None:
        """Bring the kept graphs up to date with a patched base: the edges
        taken out are deleted, the new ones appended, in the base's order."""
        with self.lock:
            for unfold, (graph, __, __) in list(self.full.items()):
                if len(mended.removed):
                    graph.delete_edges(mended.removed.tolist())
                if mended.new_nodes:
                    graph.add_vertices(mended.new_nodes)
                base = mended.base
                if mended.added:
                    tail = slice(base.n_edges - mended.added, base.n_edges)
                    src, dst = base.src[tail], base.dst[tail]
                    if not unfold:
                        src, dst = base.rep[src], base.rep[dst]
                    graph.add_edges(np.column_stack((src, dst)))
                full_src, full_dst = (base.src, base.dst) if unfold else \
                    (base.rep[base.src], base.rep[base.dst])
                self.full[unfold] = (graph, full_src, full_dst)
            self.base = mended.base
            self.lenses.clear()
            self.private_keepers = keepers_of(mended.base)

    def load(self, base: b.Base, pin: bool = False) -> None:
        """Use `base`; pinned (the benchmark's bare edges), the database is
        not asked whether it moved on."""
        with self.lock:
            self.pinned = pin
            self.base = base
            self.full = {}
            self.lenses.clear()
            self.private_keepers = keepers_of(base)

    def whole(self, unfold: bool) -> tuple[ig.Graph, np.ndarray, np.ndarray]:
        """Every edge of the base as one graph (bodies folded or not), in the
        base's edge order."""
        base = self.base
        assert base is not None
        if unfold not in self.full:
            src, dst = (base.src, base.dst) if unfold else (base.rep[base.src], base.rep[base.dst])
            graph = ig.Graph(n=base.n_nodes)
            graph.add_edges(np.column_stack((src, dst)))
            self.full[unfold] = (graph, src, dst)
        return self.full[unfold]

    # -- lenses ----------------------------------------------------------
    def audience(self, viewer: Any) -> Any:
        if viewer.site_admin:
            return "all"
        if not viewer.authenticated:
            return "public"
        base = self.base
        assert base is not None
        mine = {base.index[o] for o in viewer.orgs if o in base.index} & self.private_keepers
        return ("members", frozenset(mine))

    def lens(self, viewer: Any, as_of: str | None = None, types: Any = None, people: bool = False,
             unfold: bool = False, using: str = "default") -> Lens:
        base = self.current(using)
        day = dates.as_of_text(as_of) if as_of else None
        wanted = frozenset(types) if types else frozenset(b.EDGE_TYPES)
        with self.lock:
            audience = self.audience(viewer)
            key = (base.generation, day, wanted, people, unfold, audience)
            lens = self.lenses.get(key)
            if lens is None:
                lens = self.cut(base, audience, day, wanted, people, unfold)
                self.lenses[key] = lens
                while len(self.lenses) > LENS_CACHE_SIZE:
                    self.lenses.popitem(last=False)
            else:
                self.lenses.move_to_end(key)
            return lens

    def cut(self, base: b.Base, audience: Any, day: str | None, wanted: frozenset[str],
            people: bool, unfold: bool) -> Lens:
        # Nodes.
        shown = seen_by(audience, base.node_vis, base.node_keeper)
        if audience not in ("all", "public"):
            mine = np.zeros(base.n_nodes, dtype=bool)
            mine[list(audience[1])] = True
            shown |= mine & (base.node_vis == b.PRIVATE)
        if not people:
            shown &= base.kinds != b.PERSON
        if not unfold:
            shown &= base.kinds != b.BODY
        if day:
            key = b.start_key(day)
            shown &= (base.node_start <= key) & (base.node_end >= key)
        # Edges.
        graph, src, dst = self.whole(unfold)
        keep = seen_by(audience, base.vis, base.keeper)
        codes = [b.TYPE_CODE[t] for t in wanted if t in b.TYPE_CODE]
        if not unfold:
            codes = [c for c in codes if c != b.PART_OF]
        keep &= np.isin(base.etype, codes)
        if day:
            key = b.start_key(day)
            keep &= (base.start <= key) & (base.end >= key)
        # Both ends shown, no loop (a member of a network's own body), and the
        # organisations a tie goes through shown too.
        keep &= shown[src] & shown[dst] & (src != dst)
        edge_ids = np.nonzero(keep)[0].astype(np.int32)
        # Every edge kept (the operator's lens at any time): the whole graph
        # serves as it is, instead of a copy of it (seconds at 10M ties). The
        # store mends it in place only after dropping every lens.
        lens_graph = graph if len(edge_ids) == graph.ecount() else \
            graph.subgraph_edges(edge_ids, delete_vertices=False)
        return Lens(base=base, graph=lens_graph, edge_ids=edge_ids, shown=shown,
                    src=src[edge_ids], dst=dst[edge_ids], as_of=day, types=wanted,
                    people=people, unfold=unfold, audience=audience)


def keepers_of(base: b.Base) -> frozenset[int]:
    """The organisations keeping something private: only their people's
    lenses differ from every signed-in user's."""
    keepers = set(base.keeper[base.vis == b.PRIVATE].tolist())
    keepers |= set(base.node_keeper[base.node_vis == b.PRIVATE].tolist())
    keepers |= set(np.nonzero(base.node_vis == b.PRIVATE)[0].tolist())
    return frozenset(keepers - {b.NO_NODE})


def seen_by(audience: Any, vis: np.ndarray, keeper: np.ndarray) -> np.ndarray:
    if audience == "all":
        return np.ones(vis.shape[0], dtype=bool)
    if audience == "public":
        return vis == b.PUBLIC
    ok = vis <= b.MEMBERS
    mine = audience[1]
    if mine:
        ok |= (vis == b.PRIVATE) & np.isin(keeper, list(mine))
    return ok


STORE = Store()


def current(using: str = "default") -> b.Base:
    return STORE.current(using)


def lens(viewer: Any, as_of: str | None = None, types: Any = None, people: bool = False,
         unfold: bool = False, using: str = "default") -> Lens:
    return STORE.lens(viewer, as_of=as_of, types=types, people=people, unfold=unfold, using=using)
