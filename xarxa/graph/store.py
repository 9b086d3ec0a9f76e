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
from dataclasses import dataclass
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

    def forget(self) -> None:
        """Drop everything kept (the tests' databases roll back between tests,
        so a history id may come back with other data)."""
        with self.lock:
            self.base = None
            self.full = {}
            self.lenses.clear()

    # -- the base --------------------------------------------------------
    def current(self, using: str = "default") -> b.Base:
        """The base, read again if anything was written since."""
        from xarxa.history.models import Change

        generation = Change.objects.using(using).order_by("-id").values_list("id", flat=True).first() or 0
        with self.lock:
            if self.base is None or self.base.generation != generation:
                self.load(b.build(using))
            assert self.base is not None
            return self.base

    def load(self, base: b.Base) -> None:
        """Use `base` (the benchmark gives one made of bare edges)."""
        with self.lock:
            self.base = base
            self.full = {}
            self.lenses.clear()
            keepers = set(base.keeper[base.vis == b.PRIVATE].tolist())
            keepers |= set(base.node_keeper[base.node_vis == b.PRIVATE].tolist())
            keepers |= set(np.nonzero(base.node_vis == b.PRIVATE)[0].tolist())
            self.private_keepers = frozenset(keepers - {b.NO_NODE})

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
        lens_graph = graph.subgraph_edges(edge_ids, delete_vertices=False)
        return Lens(base=base, graph=lens_graph, edge_ids=edge_ids, shown=shown,
                    src=src[edge_ids], dst=dst[edge_ids], as_of=day, types=wanted,
                    people=people, unfold=unfold, audience=audience)


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
