#!/usr/bin/env python3
"""Benchmark: the network graph, against igraph and networkx on the same edges.

    .venv/bin/python bench/graph.py [--sizes A[,B]] [--scale-b] [--databases sqlite,postgresql]
        [--runs 3] [--samples 100] [--sources 100] [--requests 300] [--clients 4]
        [--seed 1] [--cap 900] [--skip LIB|http ...] [--rebuild] [--drop]

Sizes: **A** is the registry of bench/pages.py (its generator, imported): the
ISOM demo, 100,000 organisations (2,000 networks with four bodies each,
88,000 entities), 20,000 people and 1,000,000 memberships; **B** is the same
generator at ten times the size (1,000,000 organisations, 200,000 people,
10,000,000 memberships; about 6 GiB for networkx and an hour in all, so it
runs only when asked: `--scale-b` or `--sizes A,B`). A number is a scale of
A (`--sizes 0.01` for a quick check). The rows are written straight into the
tables (core.writes.insert_rows: COPY on PostgreSQL), once: the database is
`bench/out/graph-<key>.sqlite3`, or, when DATABASE_URL names a PostgreSQL
server, `<name>_bench_graph` (B: `<name>_bench_graph_b`) on it, reused while
its key (generator version, scale, seed) matches. A runs on SQLite and, when
DATABASE_URL names a server, PostgreSQL; B on PostgreSQL only.

**The edges.** The graph the engine analyses for the operator — the whole
installation, all times, bodies folded into their network, no people —
read from the database once, as plain vertex pairs (an undirected simple
graph: duplicates and loops dropped), saved to `bench/out/graph/`. Every
library then runs in a child process of its own, on those same pairs, so its
peak resident set size (ru_maxrss) is its own:

- **igraph**, called directly: `Graph(n, edges)`, `pagerank()`,
  `connected_components()`, ego = `induced_subgraph(neighborhood(v, 2))`,
  `get_shortest_path(a, b)`, `betweenness(sources=100 vertices)`,
  `community_multilevel()` (Louvain), `community_leiden("modularity")`;
- **networkx**, what an analyst would do: `Graph()` + `add_edges_from`,
  `pagerank` (pure Python when SciPy is absent), `connected_components`,
  `ego_graph(G, v, 2)`, `bidirectional_shortest_path`,
  `betweenness_centrality(k=100)` (at B on 10 sources, times 10),
  `louvain_communities`; an operation longer than `--cap` seconds is stopped;
- **ours** on the same pairs (`xarxa.graph.base.from_edges`, then the
  engine's lens and its functions), and **ours from the database**: the
  engine's build (`store`), timed and measured from a fresh process.

Ego networks and paths: the median over `--samples` public organisations
(pairs), the same for every library. Each other operation: the median of
`--runs` runs (one when a run takes over a minute). Ratio: ours ÷ the best
of igraph and networkx; target ≤ 1.5.

**HTTP**: gunicorn as `make run` starts it (2 workers, the access log on), on
loopback, against each database; after warm-up (each worker builds its
graph), `--clients` threads ask `--requests` times each of
/graph/data.json?focus=X&radius=2 (the map's answer: layout and sentences),
/graph/ego.json?focus=X&radius=2 (the same nodes and ties as data) and
/graph/path.json?from=A&to=B, each on a new connection; p50, p95, p99
(targets: p95 < 50 ms at A, < 150 ms at B). When gunicorn's 30 s timeout
kills the workers while they build their graph, the benchmark says so and
measures again with `--timeout 1800`.

`--skip igraph --skip networkx` keeps their figures from the size's last run
(bench/out/graph-SIZE.json): they do not change with our code.

The last lines read, one per operation and size, then one per endpoint:
SIZE OP: ours A s, igraph B s, networkx C s, ratio R [target ≤ 1.5: holds|MISSED]
SIZE DB ENDPOINT: p50 A ms, p95 B ms, p99 C ms [target: p95 < T ms: holds|MISSED]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import common  # noqa: E402 (bench/ is on the path from here on)
from common import commit, percentile  # noqa: E402

OUT = ROOT / "bench" / "out"
WORK = OUT / "graph"
PYTHON = sys.executable
SIZES = {"A": 1.0, "B": 10.0}
# Bump when what the edges are changes.
EDGES_VERSION = 1
RATIO_TARGET = 1.5
HTTP_TARGET_MS = {"A": 50, "B": 150}
BUILD_TARGET_S, BUILD_TARGET_GIB = 15, 4


def scale_of(size: str) -> float:
    return SIZES[size] if size in SIZES else float(size)


def rss_mib() -> float:
    """Peak resident set size of this process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- databases ------------------------------------------------------------------

def database_url(size: str, database: str) -> str:
    """The benchmark's own database for `size` on `database`."""
    if database == "sqlite":
        from pages import cache_key

        return f"sqlite:///{OUT / f'graph-{cache_key(scale_of(size))}.sqlite3'}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    base = parts.path.lstrip("/") or "xarxa"
    suffix = "_bench_graph" if size == "A" else f"_bench_graph_{size.lower().replace('.', '_')}"
    name = base if base.endswith(suffix) else f"{base}{suffix}"
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_key(size: str, seed: int) -> str:
    from pages import cache_key

    return f"graph-{cache_key(scale_of(size))}-seed{seed}"


def ensure_database(url: str, key: str, rebuild: bool) -> bool:
    """Create the database when it does not hold `key`; True when it does."""
    return common.ensure_database(url, key, rebuild, own="graph")


def drop_database(url: str) -> None:
    common.drop_database(url, own="graph")


def django_env(url: str) -> dict[str, str]:
    return common.django_env(url, WORK)


def django_setup() -> None:
    import django

    django.setup()


# -- children -------------------------------------------------------------------
# Each runs in a process of its own and writes its figures as JSON to --result.

def child_prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Load the registry when the database does not hold it yet; save the
    operator's edges and the samples once per size."""
    url = os.environ["DATABASE_URL"]
    key = database_key(args.size, args.seed)
    reusable = ensure_database(url, key, args.rebuild)
    django_setup()
    import pages
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    out: dict[str, Any] = {"reused": reusable}
    if not reusable:
        t0 = time.perf_counter()
        counts = pages.generate_and_load(scale_of(args.size), args.seed)
        pages.mark_built(key)
        out["load_s"] = time.perf_counter() - t0
        out["counts"] = counts
        print(f"loaded {url.rsplit('/', 1)[-1]} in {out['load_s']:.0f} s: {counts}", flush=True)
    edges = WORK / f"edges-{key}-e{EDGES_VERSION}.npz"
    if not edges.exists() or not reusable or args.rebuild:
        export_edges(edges, args.samples, args.seed)
    out["edges"] = str(edges)
    return out


def operator_pairs() -> tuple[int, Any, list[str], Any]:
    """(vertex count, pairs, ids, public organisations) of the graph the
    engine analyses for the operator: the whole installation at all times,
    bodies folded into their network, no people; its shown nodes numbered
    0…n-1, one pair per tie (a simple graph)."""
    import numpy as np

    from xarxa.graph import base as gbase
    from xarxa.graph import store

    lens = store.lens(store.OPERATOR)
    b = lens.base
    shown = np.flatnonzero(lens.shown)
    where = np.full(b.n_nodes, -1, dtype=np.int64)
    where[shown] = np.arange(len(shown))
    n = len(shown)
    pairs = np.stack([where[lens.src], where[lens.dst]], axis=1)
    assert (pairs >= 0).all()
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    pairs.sort(axis=1)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    pairs = np.stack([codes // n, codes % n], axis=1).astype(np.int32)
    public = np.flatnonzero((b.kinds[shown] == gbase.ORGANIZATION) & (b.node_vis[shown] == gbase.PUBLIC))
    return n, pairs, [b.ids[i] for i in shown], public


def export_edges(path: Path, samples: int, seed: int) -> None:
    import numpy as np

    t0 = time.perf_counter()
    n, pairs, ids, public = operator_pairs()
    degree = np.bincount(pairs.ravel(), minlength=n)
    tied = public[degree[public] > 0]
    rng = random.Random(seed)
    ego = rng.sample(list(tied), samples)
    ends = rng.sample(list(tied), 2 * samples)
    WORK.mkdir(parents=True, exist_ok=True)
    np.savez(path, n=np.array([n]), pairs=pairs, ego=np.array(ego, dtype=np.int32),
             ends=np.array(ends, dtype=np.int32),
             ego_ids=np.array([ids[i] for i in ego]), end_ids=np.array([ids[i] for i in ends]))
    print(f"edges: {n:,} vertices, {len(pairs):,} pairs, saved in {time.perf_counter() - t0:.0f} s",
          flush=True)


class Stopped(Exception):
    pass


def timed(fn: Callable[[], Any], runs: int, cap: float = 0) -> dict[str, Any]:
    """Median of `runs` runs of fn (one when a run takes over a minute);
    stopped after `cap` seconds (pure-Python code only)."""
    times: list[float] = []
    result: Any = None
    for __ in range(runs):
        if cap:
            signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(Stopped()))
            signal.alarm(int(cap))
        t0 = time.perf_counter()
        try:
            result = fn()
        except Stopped:
            return {"stopped": cap}
        finally:
            if cap:
                signal.alarm(0)
        times.append(time.perf_counter() - t0)
        if times[-1] > 60:
            break
    return {"s": statistics.median(times), "runs": [round(t, 4) for t in times],
            "result": summary(result)}


def per_item(fn: Callable[[Any], Any], items: list[Any], cap: float = 0) -> dict[str, Any]:
    """Each item once (after one warm-up call): median, p95, and the median size."""
    fn(items[0])
    times, sizes = [], []
    deadline = time.perf_counter() + cap if cap else None
    for item in items:
        t0 = time.perf_counter()
        out = fn(item)
        times.append(time.perf_counter() - t0)
        sizes.append(out if isinstance(out, int) else 0)
        if deadline and time.perf_counter() > deadline:
            break
    return {"s": statistics.median(times), "p95": percentile(times, 0.95), "count": len(times),
            "size": statistics.median(sizes)}


def summary(result: Any) -> Any:
    if isinstance(result, (int, float, str)) or result is None:
        return result
    try:
        return len(result)
    except TypeError:
        return type(result).__name__


def load_edges(path: str) -> tuple[int, Any, Any, Any]:
    import numpy as np

    data = np.load(path)
    return int(data["n"][0]), data["pairs"], data["ego"].tolist(), data["ends"].tolist()


def child_igraph(args: argparse.Namespace) -> dict[str, Any]:
    import igraph as ig

    n, pairs, ego, ends = load_edges(args.edges)
    before = rss_mib()
    out: dict[str, Any] = {"version": ig.__version__, "rss_before": before}
    g: Any = None

    def build() -> Any:
        nonlocal g
        g = ig.Graph(n=n, edges=pairs)
        return g.ecount()

    out["build"] = timed(build, 1)
    out["rss_built"] = rss_mib()
    sources = ego[: args.sources]
    out["pagerank"] = timed(lambda: g.pagerank(), args.runs)
    out["components"] = timed(lambda: len(g.connected_components()), args.runs)
    out["ego"] = per_item(lambda v: g.induced_subgraph(g.neighborhood(v, order=2)).vcount(), ego)
    pairs_ = list(zip(ends[0::2], ends[1::2], strict=True))
    out["path"] = per_item(lambda p: len(g.get_shortest_path(p[0], p[1])), pairs_)
    out["betweenness"] = timed(lambda: g.betweenness(sources=sources), 1)
    out["louvain"] = timed(lambda: len(g.community_multilevel()), args.runs)
    out["leiden"] = timed(lambda: len(g.community_leiden(objective_function="modularity")),
                          args.runs)
    out["rss_peak"] = rss_mib()
    return out


def child_networkx(args: argparse.Namespace) -> dict[str, Any]:
    import networkx as nx

    n, pairs, ego, ends = load_edges(args.edges)
    before = rss_mib()
    out: dict[str, Any] = {"version": nx.__version__, "rss_before": before}
    cap = args.cap
    G: Any = None

    def build() -> Any:
        nonlocal G
        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from(pairs.tolist())
        return G.number_of_edges()

    out["build"] = timed(build, 1)
    out["rss_built"] = rss_mib()
    try:
        import scipy  # noqa: F401

        pagerank = nx.pagerank
        out["pagerank_how"] = "scipy"
    except ImportError:  # nx.pagerank needs SciPy; its pure-Python twin does not
        from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python as pagerank

        out["pagerank_how"] = "pure Python (no SciPy)"
    out["pagerank"] = timed(lambda: pagerank(G), args.runs, cap)
    out["components"] = timed(lambda: len(list(nx.connected_components(G))), args.runs, cap)
    out["ego"] = per_item(lambda v: nx.ego_graph(G, v, radius=2).number_of_nodes(), ego, cap)

    def path(p: tuple[int, int]) -> int:
        try:
            return len(nx.bidirectional_shortest_path(G, p[0], p[1]))
        except nx.NetworkXNoPath:
            return 0

    out["path"] = per_item(path, list(zip(ends[0::2], ends[1::2], strict=True)), cap)
    k = args.nx_sources or args.sources
    bet = timed(lambda: nx.betweenness_centrality(G, k=k, seed=args.seed), 1, cap)
    if "s" in bet and k != args.sources:
        bet["measured_sources"] = k
        bet["s"] *= args.sources / k
    out["betweenness"] = bet
    out["louvain"] = timed(lambda: len(nx.community.louvain_communities(G, seed=args.seed)), 1, cap)
    out["rss_peak"] = rss_mib()
    return out


def child_ours(args: argparse.Namespace) -> dict[str, Any]:
    """Our engine on the same pairs: `base.from_edges`, the store's lens for
    the operator, then the engine's own functions."""
    n, pairs, ego, ends = load_edges(args.edges)
    # An empty migrated database: the store asks it for the history's generation.
    empty = WORK / "empty.sqlite3"
    os.environ.update(django_env(f"sqlite:///{empty}"))
    django_setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from xarxa.graph import base as gbase
    from xarxa.graph import questions, store

    out: dict[str, Any] = {"rss_before": rss_mib()}
    lens: Any = None

    def build() -> int:
        nonlocal lens
        store.STORE.load(gbase.from_edges(n, pairs))
        lens = store.lens(store.OPERATOR)
        return int(lens.graph.ecount())

    out["build"] = timed(build, 1)
    out["rss_built"] = rss_mib()
    ids = lens.base.ids

    def pagerank() -> int:
        if hasattr(questions, "pagerank"):
            return len(questions.pagerank(lens))
        graph, __ = questions.simple_graph(lens)  # before 8087b94
        return len(graph.pagerank())

    def components() -> int:
        if hasattr(questions, "component_sizes"):
            return len(questions.component_sizes(lens))
        return int(questions.stats(lens)["components"])

    out["pagerank"] = timed(pagerank, args.runs)
    out["components"] = timed(components, args.runs)
    out["ego"] = per_item(lambda v: len(questions.ego(lens, ids[v], radius=2).nodes), ego)
    out["path"] = per_item(lambda p: len(questions.path(lens, ids[p[0]], ids[p[1]]).nodes),
                           list(zip(ends[0::2], ends[1::2], strict=True)))
    out["centrality"] = timed(lambda: len(questions.centrality(lens, sources=args.sources).nodes), 1)
    if "s" in out["centrality"] and "s" in out["pagerank"]:
        out["betweenness"] = {"s": out["centrality"]["s"] - out["pagerank"]["s"], "derived": True}
    out["leiden"] = timed(lambda: len(questions.communities(lens, seed=args.seed).groups), args.runs)
    out["rss_peak"] = rss_mib()
    return out


def child_db(args: argparse.Namespace) -> dict[str, Any]:
    """Our engine's build from the database, in a fresh process: the store
    reads the base (`base.build`), then cuts the operator's lens from it."""
    django_setup()
    before = rss_mib()
    from xarxa.graph import store

    out: dict[str, Any] = {"rss_before": before}
    t0 = time.perf_counter()
    b = store.current()
    out["base_s"] = time.perf_counter() - t0
    out["rss_base"] = rss_mib()
    out["nodes"], out["edges"] = b.n_nodes, b.n_edges
    out["base_mib"] = b.memory_bytes / 2**20
    t0 = time.perf_counter()
    lens = store.lens(store.OPERATOR)
    out["lens_s"] = time.perf_counter() - t0
    out["lens_edges"] = lens.graph.ecount()
    out["rss_peak"] = rss_mib()
    return out


CHILDREN = {"prepare": child_prepare, "igraph": child_igraph, "networkx": child_networkx,
            "ours": child_ours, "db": child_db}


def run_child(name: str, args: argparse.Namespace, env: dict[str, str] | None = None,
              **extra: Any) -> dict[str, Any]:
    result = WORK / f"result-{name}-{os.getpid()}.json"
    result.unlink(missing_ok=True)
    cmd = [PYTHON, __file__, "--child", name, "--result", str(result), "--seed", str(args.seed),
           "--runs", str(args.runs), "--samples", str(args.samples), "--sources", str(args.sources),
           "--cap", str(args.cap)]
    for k, v in extra.items():
        if v is True:
            cmd.append(f"--{k.replace('_', '-')}")
        elif v not in (None, False):
            cmd += [f"--{k.replace('_', '-')}", str(v)]
    env = dict(env or os.environ)
    # igraph's PageRank runs on OpenMP threads that spin while they wait: on
    # two shared cores a small PageRank then takes a second instead of 10 ms.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, check=False)
    took = time.perf_counter() - t0
    if proc.returncode != 0 or not result.exists():
        print(f"  {name}: failed (exit {proc.returncode}) after {took:.0f} s", file=sys.stderr)
        return {"failed": proc.returncode}
    out = json.loads(result.read_text())
    result.unlink()
    out["wall_s"] = took
    return out


# -- HTTP -------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, timeout: float) -> tuple[int, float, int]:
    import http.client

    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Language": "en"})
        response = conn.getresponse()
        body = response.read()
        return response.status, (time.perf_counter() - t0) * 1000, len(body)
    except (OSError, http.client.HTTPException):  # a worker killed mid-request
        return 0, (time.perf_counter() - t0) * 1000, 0
    finally:
        conn.close()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def load_test(port: int, urls: list[str], requests: int, clients: int) -> dict[str, Any]:
    """`requests` requests of `urls` in turn, from `clients` threads."""
    times: list[float] = []
    statuses: dict[int, int] = {}
    sizes: list[int] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        for i in counter:
            status, ms, size = get(port, urls[i % len(urls)], 120)
            with lock:
                times.append(ms)
                statuses[status] = statuses.get(status, 0) + 1
                sizes.append(size)

    threads = [threading.Thread(target=client) for __ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"p50": statistics.median(times), "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99), "count": len(times), "status": statuses,
            "bytes": statistics.median(sizes), "per_s": len(times) / wall}


def start_gunicorn(url: str, port: int, log: Path, timeout: int | None) -> subprocess.Popen[bytes]:
    """gunicorn as `make serve` starts it (2 workers, the access log on)."""
    env = django_env(url)
    env.pop("XARXA_COMMAND_LANGUAGE", None)
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "xarxa.wsgi:application",
           "--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "-",
           "--forwarded-allow-ips=127.0.0.1"]
    if timeout:
        cmd += ["--timeout", str(timeout)]
    with log.open("a") as sink:
        server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=sink, stderr=sink)
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                stop(server)
                raise SystemExit(f"gunicorn did not start; see {log}") from None
            time.sleep(0.3)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def http_bench(url: str, edges: str, args: argparse.Namespace, log: Path) -> dict[str, Any]:
    """gunicorn as `make run` starts it, asked by --clients threads."""
    import numpy as np

    data = np.load(edges)
    foci = [str(x) for x in data["ego_ids"]]
    ends = [str(x) for x in data["end_ids"]]
    paths = {
        "data.json": [f"/graph/data.json?focus={quote(f)}&radius=2" for f in foci],
        "ego.json": [f"/graph/ego.json?focus={quote(f)}&radius=2" for f in foci],
        "path.json": [f"/graph/path.json?from={quote(a)}&to={quote(b)}"
                      for a, b in zip(ends[0::2], ends[1::2], strict=True)],
    }
    out: dict[str, Any] = {}
    timeout = None
    while True:
        port = free_port()
        server = start_gunicorn(url, port, log, timeout)
        # Warm-up: every worker answers (and builds its graph) before timing.
        t0 = time.perf_counter()
        warm = warm_up(port, paths["data.json"], 2 * args.clients)
        key = "warmup" if timeout is None else f"warmup_timeout_{timeout}"
        out[f"{key}_s"] = time.perf_counter() - t0
        out[f"{key}_status"] = sorted({w[0] for w in warm})
        out[f"{key}_max_ms"] = max(w[1] for w in warm)
        if all(w[0] == 200 for w in warm) or timeout is not None:
            break
        # gunicorn's default timeout (30 s) killed a worker still building
        # its graph: say so, and measure the requests with a longer one.
        print(f"  warm-up answered {out[f'{key}_status']}: again with --timeout 1800",
              file=sys.stderr, flush=True)
        stop(server)
        timeout = 1800
    out["gunicorn_timeout"] = timeout
    try:
        for name, urls in paths.items():
            out[name] = load_test(port, urls, args.requests, args.clients)
            print(f"  {name}: p50 {out[name]['p50']:.1f} ms, p95 {out[name]['p95']:.1f} ms, "
                  f"statuses {out[name]['status']}", file=sys.stderr, flush=True)
        out["worker_rss_mib"] = [current_rss_mib(p) for p in worker_pids(server.pid)]
    finally:
        stop(server)
    return out


def warm_up(port: int, urls: list[str], count: int) -> list[tuple[int, float, int]]:
    warm: list[tuple[int, float, int]] = []

    def one(i: int) -> None:
        warm.append(get(port, urls[i % len(urls)], 1800))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return warm


# -- the run ---------------------------------------------------------------------------

# (key, label, ours' key, the baselines' keys: their best is compared; "+" sums)
OPS = [
    ("build", "build (from the in-memory pairs)", "build", ["build"]),
    ("pagerank", "PageRank", "pagerank", ["pagerank"]),
    ("components", "connected components", "components", ["components"]),
    ("ego", "ego radius 2 (median)", "ego", ["ego"]),
    ("path", "shortest path (median)", "path", ["path"]),
    ("betweenness", "betweenness, 100 sources", "betweenness", ["betweenness"]),
    ("centrality", "PageRank + betweenness", "centrality", ["pagerank+betweenness"]),
    ("louvain", "communities, Louvain", None, ["louvain"]),
    ("leiden", "communities (ours: Leiden)", "leiden", ["leiden", "louvain"]),
]


def seconds(fig: dict[str, Any] | None) -> float | None:
    if not fig or "s" not in fig:
        return None
    return float(fig["s"])


def fmt_s(value: float | None, fig: dict[str, Any] | None = None) -> str:
    if value is None:
        if fig and "stopped" in fig:
            return f"> {fig['stopped']:.0f} s (stopped)"
        return "–"
    if value < 0.1:
        return f"{value * 1000:.2f} ms"
    return f"{value:.2f} s"


def report(size: str, res: dict[str, Any]) -> list[str]:
    lines = []
    libs = res.get("libs", {})
    ours, ig, nx = (libs.get(k, {}) for k in ("ours", "igraph", "networkx"))
    for __, label, mine, theirs in OPS:
        o = seconds(ours.get(mine)) if mine else None
        figures = {}
        for lib, fig in (("igraph", ig), ("networkx", nx)):
            best_of_lib = None
            for k in theirs:
                parts = [seconds(fig.get(p)) for p in k.split("+")]
                value = sum(parts) if parts and None not in parts else None  # type: ignore[arg-type]
                if value is not None and (best_of_lib is None or value < best_of_lib):
                    best_of_lib = value
            figures[lib] = best_of_lib
        i, x = figures["igraph"], figures["networkx"]
        best = min([v for v in (i, x) if v is not None], default=None)
        ratio = f"{o / best:.2f}" if o is not None and best else "–"
        verdict = ""
        if o is not None and best:
            verdict = f" [target ≤ {RATIO_TARGET}: {'holds' if o / best <= RATIO_TARGET else 'MISSED'}]"
        key0 = theirs[0].split("+")[0]
        lines.append(f"{size} {label}: ours {fmt_s(o, ours.get(mine or ''))}, "
                     f"igraph {fmt_s(i, ig.get(key0))}, networkx {fmt_s(x, nx.get(key0))}, "
                     f"ratio {ratio}{verdict}")
    earlier = [k for k, v in libs.items() if v.get("earlier")]
    if earlier:
        lines.append(f"{size} {', '.join(earlier)}: figures of an earlier run (skipped in this one)")
    peaks = ", ".join(f"{k} {v['rss_peak']:,.0f} MiB" for k, v in libs.items() if "rss_peak" in v)
    lines.append(f"{size} peak memory (own process, ru_maxrss): {peaks}")
    for db, fig in res.get("db", {}).items():
        if "base_s" not in fig:
            continue
        total = fig["base_s"] + fig.get("lens_s", 0)
        peak = fig.get("rss_peak", fig["rss_base"])
        verdict = ""
        if db == "postgresql" and size == "B":
            ok = total < BUILD_TARGET_S and peak < BUILD_TARGET_GIB * 1024
            verdict = (f" [target < {BUILD_TARGET_S} s and < {BUILD_TARGET_GIB} GiB: "
                       f"{'holds' if ok else 'MISSED'}]")
        lines.append(f"{size} build from {db}: {total:.1f} s (base {fig['base_s']:.1f} s, lens "
                     f"{fig.get('lens_s', 0):.1f} s), peak {peak:,.0f} MiB, {fig['nodes']:,} nodes, "
                     f"{fig['edges']:,} edges{verdict}")
    target = HTTP_TARGET_MS.get(size, HTTP_TARGET_MS["A"])
    for db, fig in res.get("http", {}).items():
        for name in ("data.json", "ego.json", "path.json"):
            f = fig.get(name)
            if not f:
                continue
            bad = {k: v for k, v in f["status"].items() if str(k) != "200"}
            holds = f["p95"] < target and not bad
            lines.append(f"{size} {db} {name}: p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms, "
                         f"p99 {f['p99']:.1f} ms{f', NOT 200: {bad}' if bad else ''} "
                         f"[target: p95 < {target} ms: {'holds' if holds else 'MISSED'}]")
    return lines


def run_size(size: str, args: argparse.Namespace) -> dict[str, Any]:
    pg = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    dbs = [d for d in args.databases if d == "postgresql" and pg or d == "sqlite" and size != "B"]
    if not dbs:
        raise SystemExit(f"size {size}: no database to run on (B runs on PostgreSQL only)")
    res: dict[str, Any] = {"size": size, "scale": scale_of(size), "databases": dbs,
                           "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                           "commit": commit(), "libs": {}, "db": {}, "http": {}}
    edges = None
    urls = {db: database_url(size, db) for db in dbs}
    for db, url in urls.items():
        print(f"{size}: preparing {db} ({url.rsplit('/', 1)[-1]})", file=sys.stderr, flush=True)
        prep = run_child("prepare", args, env=django_env(url), size=size, rebuild=args.rebuild)
        if "failed" in prep:
            raise SystemExit(f"could not prepare {url}")
        res.setdefault("prepare", {})[db] = prep
        edges = edges or prep["edges"]
    assert edges
    nx_sources = args.nx_sources or (args.sources if scale_of(size) <= 1 else max(1, args.sources // 10))
    earlier = OUT / f"graph-{size}.json"
    kept = json.loads(earlier.read_text()).get("libs", {}) if earlier.exists() else {}
    for lib in ("igraph", "networkx", "ours"):
        if lib in args.skip:
            # An earlier run's figures stand (the baselines do not change with our code).
            if lib in kept and "failed" not in kept[lib]:
                res["libs"][lib] = {**kept[lib], "earlier": True}
            continue
        print(f"{size}: {lib}", file=sys.stderr, flush=True)
        res["libs"][lib] = run_child(lib, args, edges=edges, nx_sources=nx_sources)
        save(size, res)
    for db, url in urls.items():
        if "db" in args.skip:
            continue
        print(f"{size}: build from {db}", file=sys.stderr, flush=True)
        res["db"][db] = run_child("db", args, env=django_env(url))
        save(size, res)
    for db, url in urls.items():
        if "http" in args.skip:
            continue
        print(f"{size}: HTTP on {db}", file=sys.stderr, flush=True)
        res["http"][db] = http_bench(url, edges, args, WORK / f"gunicorn-{size}-{db}.log")
        save(size, res)
    if args.drop:
        for url in urls.values():
            drop_database(url)
    return res


def save(size: str, res: dict[str, Any]) -> None:
    (OUT / f"graph-{size}.json").write_text(json.dumps(res, indent=1, default=str))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="A", help="comma list of A, B or scales of A (0.01)")
    ap.add_argument("--scale-b", action="store_true", help="also size B (1M / 10M; long)")
    ap.add_argument("--databases", default="sqlite,postgresql")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--sources", type=int, default=100, help="betweenness: sampled sources")
    ap.add_argument("--nx-sources", type=int, default=0,
                    help="networkx betweenness on this many sources, scaled (default: 100 at A, 10 above)")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cap", type=float, default=900, help="seconds before networkx is stopped")
    ap.add_argument("--skip", action="append", default=[],
                    help="igraph, networkx, ours, db or http (repeatable)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--drop", action="store_true")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    ap.add_argument("--edges", help=argparse.SUPPRESS)
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.child:
        out = CHILDREN[args.child](args)
        Path(args.result).write_text(json.dumps(out, default=str))
        return
    args.databases = args.databases.split(",")
    sizes = args.sizes.split(",") + (["B"] if args.scale_b and "B" not in args.sizes else [])
    results = {size: run_size(size, args) for size in sizes}
    measured = "; ".join(sorted({r["commit"] for r in results.values()}))
    print(f"commit {measured}; {args.runs} runs (median), {args.samples} ego networks and paths, "
          f"{args.sources} betweenness sources, {args.requests} requests × {args.clients} clients; "
          f"load {os.getloadavg()[0]:.1f}")
    for size, res in results.items():
        for line in report(size, res):
            print(line)


if __name__ == "__main__":
    main()
