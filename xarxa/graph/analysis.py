"""The slow measures — betweenness, communities, overlaps over the whole
network — computed once per lens and kept.

On a small network (up to `INLINE_EDGES` ties) they are computed while the
page waits: milliseconds. On a large one they never run inside a request: the
first request starts a background thread and is told they are being
computed; the next ones get the kept result. `xarxa graph metrics` computes
them directly for the command line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xarxa.graph import questions
from xarxa.graph.store import Lens

INLINE_EDGES = 200_000
KEPT = 16
TOP = 20

log = logging.getLogger(__name__)


@dataclass
class Result:
    top_degree: list[tuple[int, float]] = field(default_factory=list)
    top_pagerank: list[tuple[int, float]] = field(default_factory=list)
    top_betweenness: list[tuple[int, float]] = field(default_factory=list)
    sampled: int = 0
    error: float = 0.0
    brokers: list[tuple[int, int, float]] = field(default_factory=list)
    communities: list[list[int]] = field(default_factory=list)
    community_count: int = 0
    modularity: float = 0.0
    overlaps: list[tuple[int, int, int, float]] = field(default_factory=list)
    seconds: float = 0.0
    pending: bool = False
    failed: bool = False


_kept: OrderedDict[tuple[Any, ...], Result] = OrderedDict()
_running: set[tuple[Any, ...]] = set()
_lock = threading.Lock()


def key_of(lens: Lens, network_id: str | None) -> tuple[Any, ...]:
    return (lens.base.generation, id(lens.base), lens.as_of, lens.types, lens.people, lens.unfold,
            lens.audience, network_id)


def top(values: np.ndarray, nodes: np.ndarray, k: int = TOP) -> list[tuple[int, float]]:
    if len(values) == 0:
        return []
    order = np.argsort(-values, kind="stable")[:k]
    return [(int(nodes[i]), float(values[i])) for i in order]


def compute(lens: Lens, network_id: str | None = None, sources: int | None = None) -> Result:
    began = time.perf_counter()
    measures = questions.centrality(lens, sources=sources)
    found = questions.communities(lens)
    result = Result(
        top_degree=top(measures.degree.astype(float), measures.nodes),
        top_pagerank=top(measures.pagerank, measures.nodes),
        top_betweenness=top(measures.betweenness, measures.nodes),
        sampled=measures.sampled, error=measures.error,
        brokers=questions.brokers(lens, measures, TOP, network_id),
        communities=[group[:12] for group in found.groups[:TOP]],
        community_count=len(found.groups), modularity=found.modularity,
        overlaps=questions.overlaps(lens, TOP),
    )
    result.seconds = time.perf_counter() - began
    return result


def result(lens: Lens, network_id: str | None = None) -> Result:
    key = key_of(lens, network_id)
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
            return kept
    if lens.n_edges <= INLINE_EDGES:
        return keep(key, compute(lens, network_id))
    with _lock:
        if key not in _running:
            _running.add(key)
            threading.Thread(target=_background, args=(key, lens, network_id), daemon=True,
                             name="xarxa-graph-analysis").start()
    return Result(pending=True)


def keep(key: tuple[Any, ...], value: Result) -> Result:
    with _lock:
        _kept[key] = value
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def _background(key: tuple[Any, ...], lens: Lens, network_id: str | None) -> None:
    try:
        keep(key, compute(lens, network_id))
    except Exception:  # a failed measure must not stay "being computed" forever
        log.exception("graph analysis failed")
        keep(key, Result(failed=True))
    finally:
        with _lock:
            _running.discard(key)


def forget() -> None:
    with _lock:
        _kept.clear()
