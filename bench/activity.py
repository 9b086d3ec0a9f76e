#!/usr/bin/env python3
"""Benchmark: the hours per network and the iCalendar feed on a large registry.

    .venv/bin/python bench/activity.py [--scale 1.0] [--runs 5] [--seed 1] [--explain]
        [--keep] [--reuse FILE] [--without-event-id-start]

Loads a synthetic registry straight into the tables (the loading is not what
is measured): 100,000 organisations (2,000 networks with 4 bodies each, the
rest entities), 20,000 people, 100,000 memberships, 1,000,000 events over ten
years (2016–2025; 70% meetings of a body, 15% a network's own activities, 15%
of no network; half with times, 3% cancelled) and 5,000,000 participations
(20% of a person on behalf of an entity; 30% without hours). `--scale`
multiplies these (0.01 for a quick check); what is measured keeps its size:

- **hours, one organisation**: `xarxa hours ORG --year 2025 --format json`, in
  process, for an entity with 1,000 participations that year (10,000 in all);
  baseline: the bare SQL aggregate the report stands on (hours, events and
  people per event organisation, one query).
- **hours, federation**: `xarxa hours --federation FED --year 2025 --format
  json` for a federation of 100 member entities with 200 participations each
  that year; baseline: the same aggregate for the 100 members at once.
- **iCal**: `calendar_for(organization=ORG).write(…)` (xarxa.activity.ical) for
  an organisation with 5,000 events; baseline: the same events read with
  `.values()` and serialised with orjson.

Each figure is the median of `--runs` runs after one warm-up run; the ratios
are figure ÷ baseline. The database is SQLite in a temporary directory, or,
when DATABASE_URL names a PostgreSQL server, a fresh database on it named
`<name>_bench_activity` (dropped and re-created).

The last line reads:
hours: A ms (×R); federation: B ms (×R); ical: C ms (×R) [targets: < 200 ms, < 2000 ms, < 500 ms]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEARS = list(range(2016, 2026))
YEAR = 2025
CHUNK = 50_000
ORG = "bench-isom"  # the organisation of the single report
FEDERATION = "net-0"
MEMBERS = 100
ICAL_ORG = "bench-ical"
ICAL_EVENTS = 5_000
ORG_PER_YEAR = 1_000
MEMBER_PER_YEAR = 200
# The index of Event.Meta.indexes that lets the join from a participation to
# its event check the year in the index, without reading the event's row
# (SQLite); `--without-event-id-start` drops it to measure what it gives.
COVERING_INDEX = "event_id_start"
TARGETS_MS = {"hours": 200, "federation": 2000, "ical": 500}


def setup_database(work: Path, reuse: str | None) -> tuple[bool, str]:
    url = os.environ.get("DATABASE_URL", "")
    pg = url.startswith(("postgres://", "postgresql://"))
    if pg:
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'xarxa'}_bench_activity"
        admin = urlunsplit(parts._replace(path="/postgres"))
        if not reuse:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        where = f"PostgreSQL database {name}"
    else:
        path = Path(reuse) if reuse else work / "activity.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        where = f"SQLite {path}"
    os.environ["XARXA_VAR_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xarxa.settings")
    os.environ.setdefault("XARXA_COMMAND_LANGUAGE", "en")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    return pg, where


class Table:
    """Rows of a model's table with every column at its default but those given."""

    def __init__(self, model: Any, now: str):
        from django.db import models

        self.table = model._meta.db_table
        self.columns: list[str] = []
        self.defaults: list[Any] = []
        for f in model._meta.concrete_fields:
            self.columns.append(f.column)
            if isinstance(f, models.JSONField):
                value: Any = "{}" if f.default is dict else "[]"
            elif f.name in ("created_at", "updated_at"):
                value = now
            elif f.name == "version":
                value = 1
            elif isinstance(f, models.BooleanField):
                value = False
            elif f.null:
                value = None
            else:
                value = ""
            self.defaults.append(value)
        self.index = {c: i for i, c in enumerate(self.columns)}

    def maker(self, *names: str) -> Callable[..., tuple[Any, ...]]:
        """A function of the values of `names` (columns) that returns a full row."""
        where = [self.index[n] for n in names]
        defaults = self.defaults

        def make(*values: Any) -> tuple[Any, ...]:
            row = list(defaults)
            for i, v in zip(where, values, strict=True):
                row[i] = v
            return tuple(row)

        return make


def load(table: Table, rows: Iterator[tuple[Any, ...]]) -> int:
    from xarxa.core.writes import insert_rows

    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            insert_rows(table.table, table.columns, chunk)
            count += len(chunk)
            chunk = []
    insert_rows(table.table, table.columns, chunk)
    return count + len(chunk)


def event_time(rng: random.Random, i: int) -> tuple[str, str | None]:
    year = YEARS[i % 10]
    month, day = 1 + (i // 10) % 12, 1 + (i // 120) % 28
    kind = rng.random()
    if kind < 0.5:
        hour = 8 + rng.randrange(12)
        length = 1 + rng.randrange(4)
        return (f"{year}-{month:02d}-{day:02d}T{hour:02d}:{15 * rng.randrange(4):02d}",
                f"{year}-{month:02d}-{day:02d}T{hour + length:02d}:00")
    if kind < 0.9:
        return f"{year}-{month:02d}-{day:02d}", None
    return f"{year}-{month:02d}", None


def generate_and_load(scale: float, seed: int) -> dict[str, int]:
    from django.db import connection, transaction

    from xarxa.activity.models import Event, Participation
    from xarxa.core.writes import indexes_built_after
    from xarxa.directory.models import Organization, Person
    from xarxa.network.models import Membership

    rng = random.Random(seed)
    now = "2026-01-01 00:00:00+00:00" if connection.vendor == "postgresql" else "2026-01-01 00:00:00"
    n_orgs = max(1_000, int(100_000 * scale))
    n_people = max(200, int(20_000 * scale))
    n_events = max(20_000, int(1_000_000 * scale))
    n_parts = max(100_000, int(5_000_000 * scale))
    networks = n_orgs // 50
    entities = n_orgs - networks * 5 - 2
    net_ids = [f"net-{n}" for n in range(networks)]
    body_ids = [f"net-{n}-body-{b}" for n in range(networks) for b in range(4)]
    ent_ids = [f"org-{e}" for e in range(entities)]
    member_ids = ent_ids[:MEMBERS]
    classes = ["training", "festival", "community activity", "awareness action", "talk"]

    orgs, people, events = Table(Organization, now), Table(Person, now), Table(Event, now)
    members, parts = Table(Membership, now), Table(Participation, now)

    def organizations() -> Iterator[tuple[Any, ...]]:
        make = orgs.maker("id", "name", "classification", "parent_id")
        for n, nid in enumerate(net_ids):
            yield make(nid, f"Federació {n}", "federation", None)
            for b, kind in enumerate(["board", "standing committee", "commission", "commission"]):
                yield make(f"{nid}-body-{b}", f"{kind} {n}", kind, nid)
        for e, oid in enumerate(ent_ids):
            yield make(oid, f"Entitat {e}", "cooperative" if e % 3 else "association", None)
        yield make(ORG, "ISOM (bench)", "cooperative", None)
        yield make(ICAL_ORG, "Entitat amb calendari", "association", None)

    def persons() -> Iterator[tuple[Any, ...]]:
        make = people.maker("id", "name")
        for p in range(n_people):
            yield make(f"person-{p}", f"Persona {p}")

    def memberships() -> Iterator[tuple[Any, ...]]:
        make = members.maker("id", "member_organization_id", "organization_id", "role",
                             "start_date", "end_date")
        for m, oid in enumerate(member_ids):
            yield make(f"fm-{m}", oid, FEDERATION, "member", "2010", None)
        for m in range(n_orgs):
            yield make(f"m-{m}", rng.choice(ent_ids), rng.choice(net_ids[1:]), "member",
                       f"{1995 + rng.randrange(30)}", rng.choice([None, None, "2020"]))

    def all_events() -> Iterator[tuple[Any, ...]]:
        make = events.maker("id", "name", "classification", "start_date", "end_date",
                            "status", "organization_id")
        for i in range(n_events):
            start, end = event_time(rng, i)
            status = "cancelled" if rng.random() < 0.03 else ""
            where = rng.random()
            if i < ICAL_EVENTS:
                yield make(f"e-{i}", f"Activitat {i}", "community activity", start, end, status,
                           ICAL_ORG)
            elif where < 0.70:
                yield make(f"e-{i}", f"Reunió {i}", "meeting", start, end, status,
                           rng.choice(body_ids))
            elif where < 0.85:
                yield make(f"e-{i}", f"Activitat {i}", "community activity", start, end, status,
                           rng.choice(net_ids))
            else:
                yield make(f"e-{i}", f"Curs {i}", rng.choice(classes), start, end, status, None)

    def event_in(year: int) -> str:
        return f"e-{10 * rng.randrange(ICAL_EVENTS // 10, n_events // 10) + YEARS.index(year)}"

    def participations() -> Iterator[tuple[Any, ...]]:
        make = parts.maker("id", "event_id", "person_id", "organization_id", "on_behalf_of_id",
                           "role", "hours")
        count = 0

        def one(event: str, who: str) -> tuple[Any, ...]:
            nonlocal count
            count += 1
            hours = None if rng.random() < 0.3 else f"{rng.randrange(1, 17) / 2:.2f}"
            if rng.random() < 0.2:
                return make(f"p-{count}", event, f"person-{rng.randrange(n_people)}", None, who,
                            "participant", hours)
            return make(f"p-{count}", event, None, who, None, "participant", hours)

        for year in YEARS:
            for __ in range(ORG_PER_YEAR):
                yield one(event_in(year), ORG)
            for member in member_ids:
                for __ in range(MEMBER_PER_YEAR):
                    yield one(event_in(year), member)
        for i in range(ICAL_EVENTS):
            yield one(f"e-{i}", ICAL_ORG)
        while count < n_parts:
            yield one(f"e-{rng.randrange(n_events)}", rng.choice(ent_ids))

    tables = [orgs, people, members, events, parts]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No foreign-key triggers while loading: the rows are made consistent.
            cursor.execute("SET session_replication_role = replica")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA cache_size = -262144")
    with transaction.atomic(), indexes_built_after([t.table for t in tables]):
        counts["organisations"] = load(orgs, organizations())
        counts["people"] = load(people, persons())
        counts["memberships"] = load(members, memberships())
        counts["events"] = load(events, all_events())
        counts["participations"] = load(parts, participations())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA cache_size = -65536")
            cursor.execute("ANALYZE")
    return counts


def median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    times = []
    for __ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def aggregate_sql(members: list[str]) -> tuple[str, list[Any]]:
    from xarxa.activity.hours import year_bounds
    from xarxa.activity.models import Event, Participation

    low, high = year_bounds(YEAR)
    marks = ", ".join(["%s"] * len(members))
    sql = (
        "SELECT e.organization_id, COUNT(*), SUM(p.hours), COUNT(DISTINCT p.event_id), "
        "COUNT(DISTINCT p.person_id) "
        f"FROM {Participation._meta.db_table} p JOIN {Event._meta.db_table} e "
        "ON e.id = p.event_id "
        f"WHERE (p.organization_id IN ({marks}) OR p.on_behalf_of_id IN ({marks})) "
        "AND e.start_date >= %s AND e.start_date < %s AND e.status <> %s "
        "GROUP BY e.organization_id"
    )
    return sql, [*members, *members, low, high, "cancelled"]


def run_sql(sql: str, params: list[Any]) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def explain(members: list[str]) -> None:
    from django.db import connection

    sql, params = aggregate_sql(members)
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    for row in run_sql(prefix + sql, params):
        print("   ", " ".join(str(c) for c in row))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--explain", action="store_true", help="print the query plans")
    ap.add_argument("--keep", action="store_true", help="keep the temporary files")
    ap.add_argument("--without-event-id-start", action="store_true",
                    help=f"drop, in the benchmark's database only, the index {COVERING_INDEX} "
                         "of Event.Meta.indexes (docs/performance.md)")
    ap.add_argument("--reuse", metavar="SQLITE_FILE_OR_PG",
                    help="measure the database of an earlier run (kept with --keep; on "
                         "PostgreSQL any value) without loading it again")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="xarxa-bench-activity-"))
    try:
        pg, where = setup_database(work, args.reuse)
        from django.core.management import call_command
        from django.db import connection

        if args.reuse:
            from xarxa.activity.models import Participation

            print(f"reusing {where}: {Participation.objects.count():,} participations")
        else:
            t0 = time.perf_counter()
            counts = generate_and_load(args.scale, args.seed)
            print(f"loaded into {where} in {time.perf_counter() - t0:.0f} s: "
                  + ", ".join(f"{n:,} {what}" for what, n in counts.items()))

        if args.without_event_id_start:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {COVERING_INDEX}")
                cursor.execute("ANALYZE")
            print(f"index {COVERING_INDEX} dropped")

        def hours_one() -> None:
            call_command("hours", ORG, "--year", str(YEAR), "--format", "json",
                         stdout=io.StringIO())

        def hours_fed() -> None:
            call_command("hours", "--federation", FEDERATION, "--year", str(YEAR),
                         "--format", "json", stdout=io.StringIO())

        from xarxa.activity.hours import hours_for, hours_for_federation

        one = hours_for(ORG, YEAR)
        fed = hours_for_federation(FEDERATION, YEAR)
        print(f"{ORG} in {YEAR}: {one.totals.participations:,} participations, "
              f"{one.totals.hours} hours, {one.totals.events:,} events, "
              f"{len(one.networks)} networks")
        print(f"{FEDERATION} in {YEAR}: {len(fed.members)} members, "
              f"{fed.totals.participations:,} participations, {fed.totals.hours} hours")
        if args.explain:
            print("plan of the aggregate, one organisation:")
            explain([ORG])
            print("plan of the aggregate, the federation's members:")
            explain([r.organization_id for r in fed.members])

        one_sql = aggregate_sql([ORG])
        fed_sql = aggregate_sql([r.organization_id for r in fed.members])
        figures: dict[str, tuple[float, float]] = {}
        all_runs: dict[str, list[float]] = {}
        for name, fn, base in (
            ("hours", hours_one, lambda: run_sql(*one_sql)),
            ("federation", hours_fed, lambda: run_sql(*fed_sql)),
        ):
            ms, runs = median_ms(fn, args.runs)
            base_ms, __ = median_ms(base, args.runs)
            figures[name] = (ms, base_ms)
            all_runs[name] = runs

        try:
            from xarxa.activity.ical import calendar_for  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            calendar_for = None
        if calendar_for is None:
            print("ical: xarxa.activity.ical.calendar_for is missing; not measured")
        else:
            import orjson

            from xarxa.activity.models import Event

            def ical() -> tuple[int, int]:
                out = io.BytesIO()
                written = int(calendar_for(organization=ICAL_ORG, area=None).write(out))
                return written, len(out.getvalue())

            def ical_base() -> int:
                rows = list(Event.objects.filter(organization_id=ICAL_ORG).values(
                    "id", "name", "description", "start_date", "end_date", "timezone",
                    "location", "status", "classification", "updated_at"))
                return len(orjson.dumps(rows, default=str))

            written, size = ical()
            print(f"ical feed of {ICAL_ORG}: {written:,} events, {size:,} bytes")
            if args.explain:
                from django.test.utils import CaptureQueriesContext

                with CaptureQueriesContext(connection) as seen:
                    ical()
                slowest = max(seen.captured_queries, key=lambda q: float(q["time"]))
                print(f"plan of the slowest query of the feed ({float(slowest['time']) * 1000:.0f} ms):")
                prefix = "EXPLAIN ANALYZE " if pg else "EXPLAIN QUERY PLAN "
                for row in run_sql(prefix + slowest["sql"], []):
                    print("   ", " ".join(str(c) for c in row))
            ms, runs = median_ms(ical, args.runs)
            base_ms, __ = median_ms(ical_base, args.runs)
            figures["ical"] = (ms, base_ms)
            all_runs["ical"] = runs

        print(f"database: {'PostgreSQL' if pg else 'SQLite'}, scale {args.scale:g}, "
              f"{'without' if args.without_event_id_start else 'with'} {COVERING_INDEX}, "
              f"medians of {args.runs} runs after a warm-up")
        for name, runs in all_runs.items():
            print(f"{name} runs (ms): " + ", ".join(f"{r:.1f}" for r in runs))
        for name, (ms, base_ms) in figures.items():
            verdict = "holds" if ms < TARGETS_MS[name] else "MISSED"
            print(f"{name}: {ms:.1f} ms, baseline {base_ms:.1f} ms, ratio {ms / base_ms:.1f}, "
                  f"target < {TARGETS_MS[name]} ms: {verdict}")
        print("; ".join(f"{name}: {ms:.1f} ms (×{ms / base_ms:.1f})"
                        for name, (ms, base_ms) in figures.items())
              + " [targets: < 200 ms, < 2000 ms, < 500 ms]")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
