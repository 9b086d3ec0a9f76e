#!/usr/bin/env python3
"""Benchmark: import and export a large synthetic Popolo document.

    .venv/bin/python bench/import_popolo.py [--orgs 100000] [--people 20000]
        [--memberships 1000000] [--seed 1]

Generates a document (organisations with bodies, people, memberships, 10% of
them on behalf of another organisation), imports it with `xarxa import popolo`
into a fresh database, exports it with `xarxa export popolo`, and measures, in
the same run, a raw baseline: the same rows inserted with the database
driver's `executemany` into a copy of the same empty schema.

The database is SQLite in a temporary directory, or, when DATABASE_URL names a
PostgreSQL server, two fresh databases on it (`<name>_bench_import` and
`<name>_bench_raw`, dropped and re-created). Import and export run as child
processes, so their peak memory (max RSS) is measured alone.

The last line reads:
import: A memberships/s; raw: B/s; ratio: C; export: D objects/s; peak: E MiB
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
XARXA = [sys.executable, "-m", "xarxa"]


def generate(orgs: int, people: int, memberships: int, seed: int) -> dict:
    rng = random.Random(seed)
    networks = max(1, orgs // 50)  # 2% networks,
    bodies_per = 4  # each with 4 bodies (board, standing committee, 2 commissions)
    entities = orgs - networks * (1 + bodies_per)
    body_kinds = ["board", "standing committee", "commission", "commission"]
    doc: dict[str, list] = {"areas": [], "organizations": [], "persons": [], "posts": [],
                            "memberships": []}
    for d in range(10):
        doc["areas"].append({"id": f"district-{d:02d}", "name": f"District {d:02d}",
                             "classification": "district", "identifier": f"{d:02d}"})
    src = [{"url": "https://example.org/register", "note": "synthetic"}]
    org_ids: list[str] = []
    body_ids: list[str] = []
    for n in range(networks):
        nid = f"net-{n}"
        doc["organizations"].append({"id": nid, "name": f"Federació {n}",
                                     "classification": "federation", "founding_date": "1990",
                                     "sources": src})
        for b in range(bodies_per):
            bid = f"{nid}-body-{b}"
            body_ids.append(bid)
            doc["organizations"].append({"id": bid, "name": f"{body_kinds[b]} {n}",
                                         "classification": body_kinds[b], "parent_id": nid})
        doc["posts"].append({"id": f"{nid}-president", "label": "Presidència", "role": "chair",
                             "organization_id": f"{nid}-body-0"})
    for e in range(entities):
        oid = f"org-{e}"
        org_ids.append(oid)
        doc["organizations"].append({
            "id": oid, "name": f"Entitat {e} {'Cooperativa' if e % 3 else 'Associació'}",
            "classification": "cooperative" if e % 3 else "association",
            "area_id": f"district-{e % 10:02d}", "founding_date": f"{1950 + e % 70}",
            "identifiers": [{"scheme": "nif", "identifier": f"F{e:08d}"}],
        })
    for p in range(people):
        doc["persons"].append({"id": f"person-{p}", "name": f"Persona {p}",
                               "sort_name": f"{p}, Persona"})
    net_ids = [f"net-{n}" for n in range(networks)]
    for m in range(memberships):
        kind = m % 10
        start_year = 1995 + rng.randrange(30)
        item: dict = {"id": f"m-{m}", "role": "member",
                      "start_date": rng.choice([f"{start_year}", f"{start_year}-{1 + m % 12:02d}",
                                                f"{start_year}-{1 + m % 12:02d}-{1 + m % 28:02d}"])}
        if rng.random() < 0.3:
            item["end_date"] = f"{start_year + 1 + rng.randrange(5)}"
        if kind < 5:  # an entity in a network
            item["member"] = {"@type": "Organization", "id": rng.choice(org_ids)}
            item["organization_id"] = rng.choice(net_ids)
        elif kind < 9:  # an entity or a person in a body
            if kind < 7:
                item["member"] = {"@type": "Organization", "id": rng.choice(org_ids)}
            else:
                item["person_id"] = f"person-{rng.randrange(people)}"
            item["organization_id"] = rng.choice(body_ids)
        else:  # 10%: on behalf of another organisation
            item["member"] = {"@type": "Organization", "id": rng.choice(org_ids)}
            item["organization_id"] = rng.choice(body_ids)
            item["on_behalf_of_id"] = rng.choice(net_ids)
        doc["memberships"].append(item)
    return doc


def run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def raw_rows(doc: dict, now: str) -> dict[str, tuple[list[str], list[tuple]]]:
    """The rows the import writes into each table, built outside the clock."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xarxa.settings")
    import django

    django.setup()
    from xarxa.core.writes import _dump, _json_columns
    from xarxa.interop.popolo_import import COLLECTIONS

    out = {}
    for name, model in COLLECTIONS:
        spec = model.POPOLO
        json_cols = _json_columns(model)
        rows = []
        for i, obj in enumerate(doc.get(name, [])):
            row, problems = spec.from_popolo(obj, f"/{name}/{i}")
            assert not problems, problems
            rows.append((*(_dump(row.get(c)) if c in json_cols else row.get(c)
                           for c in spec.columns), now, now, 1))
        out[model._meta.db_table] = ([*spec.columns, "created_at", "updated_at", "version"], rows)
    return out


def raw_insert(url: str | None, sqlite_path: Path | None, tables: dict) -> float:
    if sqlite_path is not None:
        import sqlite3

        conn = sqlite3.connect(sqlite_path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        mark = "?"
    else:
        import psycopg

        conn = psycopg.connect(url)
        mark = "%s"
    t0 = time.perf_counter()
    cur = conn.cursor()
    for table, (columns, rows) in tables.items():
        if rows:
            cur.executemany(
                f'INSERT INTO "{table}" ({", ".join(columns)}) '  # noqa: S608
                f"VALUES ({', '.join([mark] * len(columns))})", rows)
    conn.commit()
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def pg_databases(url: str) -> tuple[str, str, str]:
    import psycopg

    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "xarxa"
    names = (f"{base}_bench_import", f"{base}_bench_raw")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{names[0]}"')
    return admin, *(urlunsplit(parts._replace(path=f"/{n}")) for n in names)  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--orgs", type=int, default=100_000)
    ap.add_argument("--people", type=int, default=20_000)
    ap.add_argument("--memberships", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="xarxa-bench-"))
    env = dict(os.environ, XARXA_VAR_DIR=str(work), PYTHONPATH=str(ROOT))
    url = os.environ.get("DATABASE_URL", "")
    pg = url.startswith(("postgres://", "postgresql://"))
    try:
        t0 = time.perf_counter()
        doc = generate(args.orgs, args.people, args.memberships, args.seed)
        doc_path = work / "synthetic.popolo.json"
        with doc_path.open("w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        objects = sum(len(v) for v in doc.values())
        print(f"generated {objects:,} objects ({len(doc['organizations']):,} organisations, "
              f"{len(doc['persons']):,} people, {len(doc['memberships']):,} memberships), "
              f"{doc_path.stat().st_size / 2**20:.0f} MiB, in {time.perf_counter() - t0:.1f} s")

        if pg:
            admin, import_url, raw_url = pg_databases(url)
            env["DATABASE_URL"] = import_url
            sqlite_raw = None
        else:
            env["DATABASE_URL"] = f"sqlite:///{work / 'import.sqlite3'}"
            raw_url, sqlite_raw = None, work / "raw.sqlite3"
        run([*XARXA, "migrate", "--noinput", "-v", "0"], env)
        if pg:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                base = urlsplit(import_url).path.lstrip("/")
                conn.execute(f'CREATE DATABASE "{urlsplit(raw_url).path.lstrip("/")}" '
                             f'TEMPLATE "{base}"')
        else:
            shutil.copy(work / "import.sqlite3", sqlite_raw)  # the same empty schema

        import_s = run([*XARXA, "import", "popolo", str(doc_path)], env)
        out_path = work / "export.popolo.json"
        export_s = run([*XARXA, "export", "popolo", "-o", str(out_path)], env)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        exported = json.loads(out_path.read_bytes())
        exported_objects = sum(len(v) for v in exported.values())
        assert exported_objects == objects, (exported_objects, objects)
        del exported

        now = "2026-01-01 00:00:00"
        tables = raw_rows(doc, now)
        del doc
        raw_s = raw_insert(raw_url, sqlite_raw, tables)

        m = args.memberships
        import_rate = m / import_s
        raw_rate = m / raw_s
        print(f"database: {'PostgreSQL' if pg else 'SQLite'}")
        print(f"import (all {objects:,} objects, with history): {import_s:.1f} s")
        print(f"raw executemany of the same rows (no history): {raw_s:.1f} s")
        print(f"export of {exported_objects:,} objects: {export_s:.1f} s")
        print(f"import: {import_rate:,.0f} memberships/s; raw: {raw_rate:,.0f}/s; "
              f"ratio: {raw_rate / import_rate:.2f}; export: {exported_objects / export_s:,.0f} "
              f"objects/s; peak: {peak_mib:,.0f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
