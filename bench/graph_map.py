#!/usr/bin/env python3
"""Benchmark: the network map in a browser, at 20,000 organisations and
100,000 ties.

    .venv/bin/python bench/graph_map.py [--nodes 20000] [--edges 100000]
        [--runs 5] [--seed 1] [--width 1280] [--height 900] [--fulfil http|playwright] [--keep]

The explorer page (/graph/, its template, xarxa/graph.js, sigma and
graphology as the site serves them) comes from a Django live server on
loopback, on a fresh SQLite database in a temporary directory. Its map data
is not the engine's: Playwright intercepts /graph/data.json (`page.route`)
and answers with a synthetic answer following the contract of docs/graph.md,
generated once: organisations in 200 neighbourhoods of ties laid out around
their centres (positions given, as the server gives them), 85% of the ties
within a neighbourhood, the rest across; every kind of tie, 70% current and
30% ended, starting between 1990 and 2026; 8 classifications, 73 areas. By
default the route hands the request to the live server, which sends the
generated file (an HTTP response, as the site's own would be);
`--fulfil playwright` passes the 28 MB through `route.fulfill` instead, whose
base64 trip over Playwright's pipe adds about ten seconds that no visitor
would wait.

Debian's Chromium runs headless (`--no-sandbox`; on a machine without a GPU
WebGL 2 is SwiftShader, drawing on the CPU). Each of `--runs` runs opens the
page in a fresh browser profile and measures:

- **first frame**: from navigation start to the map's first frame drawn —
  HTML, scripts, the 28 MB of JSON, the graph built, sigma started and its
  first frame finished on the GPU (a one-pixel `readPixels` after it waits
  for the drawing, which `performance.now()` alone would not);
- **filter**: from unticking one kind of tie (co-participation, a quarter of
  the ties) to the next frame sigma renders, finished on the GPU;
- **time step**: from moving the time slider from "all times" to 2015 to the
  next frame, finished likewise.

Each also gives "JS" — the same span up to the end of sigma's render call,
before waiting for the GPU — so that what our code and sigma's CPU side cost
shows apart from the drawing itself; a run's first frame is split into its
milestones (since navigation start: scripts loaded, data parsed, graph
built, sigma's first render returned, frame drawn).

The last three lines give the medians of the runs:
map first frame: median X ms (target < 3000 ms)
map filter: median X ms (JS Y ms) (target < 300 ms)
map time step: median X ms (JS Y ms) (target < 300 ms)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

KINDS = (("membership", "membership", 0.40), ("seat", "seat in a body", 0.20),
         ("representation", "representation (on behalf of)", 0.05),
         ("co-participation", "co-participation in events", 0.25),
         ("agreement", "agreement", 0.10))
CLASSIFICATIONS = ("association", "cooperative", "foundation", "federation", "platform",
                   "coordinadora", "casal", "company")
FIRST_YEAR, LAST_YEAR = 1990, 2026

# Recorded in the page before its scripts run: the first frame, finished.
HOOK = r"""
document.addEventListener("xarxa:graph-drawn", function (event) {
  var gl = event.detail.sigma.getWebGLContext();
  var jsDone = performance.now();
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  var at = function (name) {
    var found = performance.getEntriesByName(name);
    return found.length ? found[0].startTime : null;
  };
  var scripts = performance.getEntriesByType("resource").filter(function (r) {
    return /graph\.js$/.test(r.name); });
  window.__firstFrame = { js: jsDone, drawn: performance.now(), data: at("xarxa-graph:data"),
                          built: at("xarxa-graph:built"), sigma: at("xarxa-graph:sigma"),
                          scripts: scripts.length ? scripts[0].responseEnd : null };
}, true);
"""

# A change made as a person makes it, timed to the next frame finished.
STEP = """
([selector, value]) => new Promise((resolve) => {
  const root = document.querySelector(".xarxa-graph");
  const map = root.xarxaGraph;
  const control = root.querySelector(selector);
  const t0 = performance.now();
  map.sigma.once("afterRender", () => {
    const js = performance.now() - t0;
    const gl = map.sigma.getWebGLContext();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
    resolve({ js: js, drawn: performance.now() - t0, shown: map.shownEdges });
  });
  if (control.type === "checkbox") {
    control.click();
  } else {
    control.value = value;
    control.dispatchEvent(new Event("input", { bubbles: true }));
  }
})
"""

# What draws WebGL 2 here: a GPU's driver, or SwiftShader on the CPU.
RENDERER = """() => {
  const gl = document.createElement("canvas").getContext("webgl2");
  const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
  return gl ? (info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : "WebGL 2") : "no WebGL 2";
}"""


def synthetic_map(nodes: int, edges: int, seed: int) -> dict:
    """A map answer (docs/graph.md) with positions: neighbourhoods of ties."""
    rng = random.Random(seed)
    groups = 200
    centres = []
    for g in range(groups):
        angle = g * 2.399963  # golden angle: centres spread over a disc
        radius = math.sqrt((g + 0.5) / groups)
        centres.append((radius * math.cos(angle), radius * math.sin(angle)))
    group_of = [rng.randrange(groups) for _ in range(nodes)]
    members: list[list[int]] = [[] for _ in range(groups)]
    for v, g in enumerate(group_of):
        members[g].append(v)
    node_rows = []
    for v in range(nodes):
        cx, cy = centres[group_of[v]]
        area = rng.randrange(73)
        node_rows.append({
            "id": f"org-{v}", "label": f"Entitat {v}", "kind": "organization",
            "classification": CLASSIFICATIONS[v % len(CLASSIFICATIONS)],
            "classification_label": CLASSIFICATIONS[v % len(CLASSIFICATIONS)],
            "area": f"barri-{area}", "area_label": f"Barri {area}",
            "x": round(cx + rng.gauss(0, 0.03), 5), "y": round(cy + rng.gauss(0, 0.03), 5),
            "degree": 0, "pagerank": 0.0, "betweenness": 0.0, "distance": 1,
            "url": f"/organisations/org-{v}/",
        })
    degree = [0] * nodes
    edge_rows = []
    weights = [k[2] for k in KINDS]
    for e in range(edges):
        a = rng.randrange(nodes)
        if rng.random() < 0.85 and len(members[group_of[a]]) > 1:
            b = rng.choice(members[group_of[a]])
        else:
            b = rng.randrange(nodes)
        if a == b:
            b = (b + 1) % nodes
        kind, label, _ = rng.choices(KINDS, weights)[0]
        start = rng.randrange(FIRST_YEAR, LAST_YEAR + 1)
        end = None if rng.random() < 0.7 else min(LAST_YEAR, start + rng.randrange(0, 12))
        degree[a] += 1
        degree[b] += 1
        edge_rows.append({
            "id": f"e{e}", "source": f"org-{a}", "target": f"org-{b}", "type": kind,
            "type_label": label, "start": str(start), "end": None if end is None else str(end),
            "start_year": start, "end_year": end,
            "label": f"Entitat {a} and Entitat {b}: {label} since {start}",
        })
    for v, row in enumerate(node_rows):
        row["degree"] = degree[v]
        row["pagerank"] = round(degree[v] / (2 * edges), 6)
        row["betweenness"] = round(degree[v] * rng.random(), 3)
    return {
        "as_of": None, "focus": None, "nodes": node_rows, "edges": edge_rows,
        "total": {"nodes": nodes, "edges": edges}, "left_out": {"nodes": 0, "edges": 0},
        "explanation": f"A synthetic network: {nodes:,} organisations, {edges:,} ties.",
        "legend": {
            "classifications": [{"value": c, "label": c} for c in CLASSIFICATIONS],
            "edge_types": [{"value": k, "label": label} for k, label, _ in KINDS],
            "metrics": [{"value": "degree", "label": "ties"}, {"value": "pagerank", "label": "PageRank"},
                        {"value": "betweenness", "label": "betweenness"}],
        },
        "years": [FIRST_YEAR, LAST_YEAR],
    }


def start_server(work: Path):
    """The site on loopback, on a fresh SQLite database, with its static
    files; the map data in `work` is served as /static/bench-map/map.json."""
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xarxa.settings")
    import django

    django.setup()
    from django.conf import settings

    # The files as they are in the tree (no `collectstatic` manifest), as the tests serve them.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("bench-map", str(work))]
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread

    call_command("migrate", verbosity=0)
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://127.0.0.1:{server.port}"


def one_run(browser, base: str, body: bytes, width: int, height: int,
            data_url: str | None = None) -> dict:
    context = browser.new_context(viewport={"width": width, "height": height})
    allowed = base + "/"

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(base + "/graph/data.json"):
            if data_url:  # the same JSON, sent over HTTP by the live server
                request_route.continue_(url=data_url)
            else:  # through Playwright's pipe, base64-encoded: seconds at 28 MB
                request_route.fulfill(status=200, content_type="application/json", body=body)
        elif url.startswith(allowed):
            request_route.continue_()
        else:  # loopback only
            request_route.abort("blockedbyclient")

    context.route("**/*", route)
    context.add_init_script(HOOK)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(600_000)
    page.goto(base + "/graph/")
    page.wait_for_function("window.__firstFrame !== undefined", polling=100)
    first = page.evaluate("window.__firstFrame")
    page.wait_for_function("document.querySelector('.xarxa-graph').dataset.state === 'ready'")
    time.sleep(0.5)
    box = "input[type=checkbox][value='co-participation']"
    shown_before = page.evaluate("document.querySelector('.xarxa-graph').xarxaGraph.shownEdges")
    filtered = page.evaluate(STEP, [box, None])
    time.sleep(0.5)
    stepped = page.evaluate(STEP, [".graph-year", "2015"])
    if errors:
        raise RuntimeError("; ".join(errors))
    context.close()
    return {"first": first, "filter": filtered, "step": stepped, "shown_before": shown_before}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=20_000)
    ap.add_argument("--edges", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--fulfil", choices=("http", "playwright"), default="http",
                    help="how /graph/data.json is answered: the generated file sent by the live "
                         "server (as the site sends its JSON), or route.fulfill's body through "
                         "Playwright's pipe (base64 over CDP: seconds more at 28 MB)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(executable, os.X_OK):
        sys.exit("Chromium is missing: install Debian's package `chromium` (make browser-deps)")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="xarxa-bench-map-"))
    try:
        t0 = time.perf_counter()
        body = json.dumps(synthetic_map(args.nodes, args.edges, args.seed),
                          ensure_ascii=False, separators=(",", ":")).encode()
        print(f"map data: {args.nodes:,} organisations, {args.edges:,} ties, "
              f"{len(body) / 2**20:.1f} MiB of JSON (generated in {time.perf_counter() - t0:.1f} s)",
              flush=True)
        (work / "map.json").write_bytes(body)
        server, base = start_server(work)
        data_url = base + "/static/bench-map/map.json" if args.fulfil == "http" else None
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            page = browser.new_page()
            page.goto("about:blank")
            renderer = page.evaluate(RENDERER)
            page.close()
            print(f"Chromium {browser.version}, {renderer}, viewport {args.width}×{args.height}, "
                  f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
            runs = []
            for n in range(args.runs):
                r = one_run(browser, base, body, args.width, args.height, data_url)
                runs.append(r)
                f = r["first"]
                print(f"run {n + 1}: first frame {f['drawn']:.0f} ms (scripts {f['scripts']:.0f}, "
                      f"data {f['data']:.0f}, graph {f['built']:.0f}, sigma's first render "
                      f"{f['js']:.0f}, drawn {f['drawn']:.0f}); "
                      f"filter {r['filter']['drawn']:.0f} ms (JS {r['filter']['js']:.0f}), "
                      f"{r['shown_before']:,} → {r['filter']['shown']:,} ties; "
                      f"time step {r['step']['drawn']:.0f} ms (JS {r['step']['js']:.0f}), "
                      f"→ {r['step']['shown']:,} ties", flush=True)
            browser.close()
        server.terminate()
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    def median(key: str, part: str) -> float:
        return statistics.median(r[key][part] for r in runs)

    print(f"map first frame: median {median('first', 'drawn'):.0f} ms (target < 3000 ms)")
    print(f"map filter: median {median('filter', 'drawn'):.0f} ms "
          f"(JS {median('filter', 'js'):.0f} ms) (target < 300 ms)")
    print(f"map time step: median {median('step', 'drawn'):.0f} ms "
          f"(JS {median('step', 'js'):.0f} ms) (target < 300 ms)")


if __name__ == "__main__":
    main()
