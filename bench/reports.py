#!/usr/bin/env python3
"""Benchmark: the "Treball en xarxa" page, the annual report and its PDF (issue 6).

    .venv/bin/python bench/reports.py [--pg] [--runs 15] [--seed 1] [--rebuild] [--drop]
        [--profile] [--only NAME] [--variants]

Targets (issue 6), for an organisation with 50 networks, 2,000 events and
10,000 participations in a year: the page in < 200 ms, the HTML report in
< 1 s, the PDF in < 3 s, peak memory < 500 MiB.

**The data** (built once, reused while its key matches; `--rebuild` builds
it again): one organisation, `bench-org`, a member since various years of 50
networks (federations and platforms of 2–3 bodies each: a board, a
commission, sometimes a working group), with seats in their bodies (some on
behalf of another organisation), people sitting on its behalf and other
organisations sitting for it; in 2025, 2,000 events it took part in
(meetings of those bodies; festivals of the networks with their activities
— yearly, first edition in 2024 — and standalone community activities;
awareness actions of its 3 campaigns; training) and 10,000 participations
of it or of its people on its behalf (role, hours, people reached,
objectives); 4 agreements with 3 universities and 12 placements it hosts.
Around it: 5,000 other organisations, 4,000 people, 30,000 other
memberships (in the same networks and bodies and in 200 others), 5,000
other events and 30,000 other participations; 5% of the records for
signed-in users or private, so the visitor's view differs from the
operator's. The database is `bench/out/reports-<key>.sqlite3`, or with
`--pg` the PostgreSQL database `test_bench_reports` (on DATABASE_URL's
server when it names one, else postgres@127.0.0.1:5432).

**The measures**, each in a child process of its own (so its peak resident
set size, ru_maxrss, is its own: Django, the data and the measure), `--runs`
times after one warm-up, in Catalan (`translation.override("ca")`):

- *page*: `facts.gather(org, viewer, Period.day(None))` + `page.build` +
  `render_to_string("reports/page_standalone.html")`, for a visitor
  (`Viewer(None)`) and the operator (`command_viewer()`);
- *HTML report*: `annual.build(org, viewer, 2025)` + `annual.render_html`;
- *PDF*: `annual.build` + `annual.render_pdf`, and its parts timed apart
  (building, the HTML, WeasyPrint);
- the number of SQL queries of each (CaptureQueriesContext).

**Baselines**, measured in the same run: (a) the floor of reading the same
rows, one raw SQL query through Django's connection (the org's
participations of the year joined with their events, every row fetched),
which the page and the report cannot beat; (b) WeasyPrint alone on the
report's own HTML saved to a file (a static document of the same size):
what the PDF costs however the report is built. Ratios: ours ÷ baseline
(medians). `--profile` adds cProfile's top functions of the slowest
measure.

The last lines read, one per figure:
NAME: p50 A ms, p95 B ms, Q queries, peak M MiB, baseline D ms (×R), target < T ms: holds|MISSED
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import (  # noqa: E402
    commit,
    drop_database,
    ensure_database,
    mark_built,
    peak_rss_mib,
    percentile,
)
from common import django_env as common_env  # noqa: E402

# Bump when the generator changes: a reused database must hold what it says.
GENERATOR_VERSION = 1
OUT = ROOT / "bench" / "out"
WORK = OUT / "reports"
OWN = "bench_reports"  # part of the database's name, always
PG_NAME = "test_bench_reports"
ORG = "bench-org"
YEAR = 2025
TARGETS_MS = {"page": 200, "html": 1000, "pdf": 3000}
TARGET_MIB = 500
CAPPED_ROWS = 40

N_NETWORKS = 50
N_EVENTS = 2_000
N_PARTICIPATIONS = 10_000
N_OTHER_ORGS = 5_000
N_PEOPLE = 4_000
N_OTHER_MEMBERSHIPS = 30_000
N_OTHER_EVENTS = 5_000
N_OTHER_PARTICIPATIONS = 30_000


# -- the database -------------------------------------------------------------

def database_url(pg: bool) -> str:
    if not pg:
        return f"sqlite:///{OUT / f'{OWN}-v{GENERATOR_VERSION}.sqlite3'}"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    return urlunsplit(urlsplit(url)._replace(path=f"/{PG_NAME}"))


def database_key(seed: int) -> str:
    return f"reports-v{GENERATOR_VERSION}-seed{seed}"


def django_env(url: str) -> dict[str, str]:
    return common_env(url, WORK)


def django_setup() -> None:
    import django
    from django.conf import settings

    django.setup()
    # As the tests and bench/pages.py do: static files without the manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def generate(seed: int) -> dict[str, int]:
    """Write the data. A benchmark's set-up: straight `bulk_create`, bypassing
    the write path (`core.writes`: no history, no validation, no search text
    but the organisations'); what is measured only reads."""
    from django.db import transaction

    from xarxa.activity.models import Campaign, Event, Participation, Theme
    from xarxa.directory.models import Organization, Person, organization_search_text
    from xarxa.network.models import Membership, Post
    from xarxa.territory.models import Area
    from xarxa.training.models import Agreement, Placement, Programme

    rng = random.Random(seed)

    def vis(share: float = 0.05) -> str:
        r = rng.random()
        return "private" if r < share / 2 else "members" if r < share else "public"

    def org(oid: str, name: str, kind: str, parent: str | None = None, area: str | None = None,
            visibility: str = "public", founded: str | None = None) -> Organization:
        o = Organization(id=oid, name=name, classification=kind, parent_id=parent, area_id=area,
                         visibility=visibility, owner_id=parent,
                         **({"founding_date": founded} if founded else {}),
                         sources=[{"url": f"https://example.org/{oid}", "note": ""}])
        o.search_text = organization_search_text({"name": name, "id": oid, "other_names": []})
        return o

    areas = [Area(id="bench-district", name="Districte de Prova", classification="district")]
    areas += [Area(id=f"bench-barri-{i}", name=f"Barri {i}", classification="neighbourhood",
                   parent_id="bench-district") for i in range(12)]
    barris = [a.id for a in areas[1:]]

    orgs = [org(ORG, "Associació Xarxa de Prova", "association", area=barris[0], founded="1990")]
    networks: list[str] = []
    bodies: dict[str, list[str]] = {}
    for n in range(N_NETWORKS):
        nid = f"bench-net-{n:02d}"
        kind = "federation" if n % 2 == 0 else "platform"
        prefix = "Federació d'Entitats" if kind == "federation" else "Plataforma"
        orgs.append(org(nid, f"{prefix} {n:02d}", kind, area=rng.choice(barris)))
        networks.append(nid)
        bodies[nid] = []
        for b, (label, bkind) in enumerate([("Junta Directiva", "board"), ("Comissió", "commission"),
                                            ("Grup de Treball", "working group")]):
            if b == 2 and rng.random() < 0.5:
                continue
            bid = f"{nid}-{bkind.replace(' ', '-')}"
            orgs.append(org(bid, f"{label} · {prefix} {n:02d}", bkind, parent=nid))
            bodies[nid].append(bid)
    other_networks = [f"bench-othernet-{n:03d}" for n in range(200)]
    orgs += [org(oid, f"Xarxa {i:03d}", "network") for i, oid in enumerate(other_networks)]
    universities = [f"bench-uni-{i}" for i in range(3)]
    orgs += [org(u, f"Universitat {i}", "university") for i, u in enumerate(universities)]
    others = [f"bench-entitat-{i:04d}" for i in range(N_OTHER_ORGS)]
    orgs += [org(oid, f"Entitat {i:04d}", rng.choice(["association", "cooperative", "foundation"]),
                 area=rng.choice(barris), visibility=vis()) for i, oid in enumerate(others)]

    people = [Person(id=f"bench-person-{i:04d}", name=f"Persona {i:04d}", given_name="Persona",
                     family_name=f"{i:04d}", visibility="public" if i % 10 == 0 else "private")
              for i in range(N_PEOPLE)]
    ours = [p.id for p in people[:200]]  # the org's people
    students = [p.id for p in people[200:230]]

    posts = []
    post_of: dict[str, list[str]] = {}
    for nid in networks:
        for bid in bodies[nid]:
            post_of[bid] = []
            for label in ("Presidència", "Secretaria", "Vocalia"):
                pid = f"{bid}-{label[:4].lower()}"
                posts.append(Post(id=pid, label=label, organization_id=bid, role=label.lower()))
                post_of[bid].append(pid)

    m_count = 0

    def membership(**kw: Any) -> Membership:
        nonlocal m_count
        m_count += 1
        kw.setdefault("visibility", "public")
        return Membership(id=f"bench-m-{m_count:06d}", **kw,
                          sources=[{"url": f"https://example.org/m/{m_count % 97}", "note": ""}])

    members = []
    for i, nid in enumerate(networks):
        since = str(1995 + rng.randrange(30))
        if i % 3 == 0:
            since += f"-{1 + rng.randrange(12):02d}"
        members.append(membership(member_organization_id=ORG, organization_id=nid, role="member",
                                  start_date=since))
        for bid in bodies[nid]:
            r = rng.random()
            start = str(2015 + rng.randrange(10))
            if r < 0.5:  # the org itself in a seat, one in four on behalf of another org
                members.append(membership(
                    member_organization_id=ORG, organization_id=bid, post_id=rng.choice(post_of[bid]),
                    role="member", start_date=start,
                    on_behalf_of_id=rng.choice(others) if rng.random() < 0.25 else None))
            elif r < 0.85:  # a person of the org sits for it
                members.append(membership(
                    person_id=rng.choice(ours), organization_id=bid, post_id=rng.choice(post_of[bid]),
                    on_behalf_of_id=ORG, role="member", start_date=start,
                    visibility=vis(0.1)))
            else:  # another organisation sits for it
                members.append(membership(
                    member_organization_id=rng.choice(others), organization_id=bid,
                    on_behalf_of_id=ORG, role="member", start_date=start))
        if i % 10 == 0:  # a seat that ended before the year
            members.append(membership(member_organization_id=ORG, organization_id=bodies[nid][0],
                                      role="member", start_date="2010", end_date="2019"))
    for i in range(5):  # networks it left
        members.append(membership(member_organization_id=ORG, organization_id=other_networks[i],
                                  role="member", start_date="2001", end_date=str(2015 + i)))
    all_bodies = [b for bs in bodies.values() for b in bs]
    for __ in range(N_OTHER_MEMBERSHIPS):
        r = rng.random()
        start = str(1990 + rng.randrange(35))
        end = str(int(start) + 1 + rng.randrange(10)) if rng.random() < 0.3 else None
        if r < 0.4:
            where = rng.choice(networks + other_networks)
            members.append(membership(member_organization_id=rng.choice(others), organization_id=where,
                                      role="member", start_date=start, end_date=end, visibility=vis()))
        elif r < 0.7:
            members.append(membership(member_organization_id=rng.choice(others),
                                      organization_id=rng.choice(all_bodies), role="member",
                                      start_date=start, end_date=end, visibility=vis()))
        else:
            members.append(membership(person_id=rng.choice(people[230:]).id,
                                      organization_id=rng.choice(all_bodies),
                                      on_behalf_of_id=rng.choice(others), role="member",
                                      start_date=start, end_date=end, visibility=vis()))

    themes = [Theme(id=f"bench-theme-{i}", name=f"Tema {i}") for i in range(4)]
    campaigns = [Campaign(id=f"bench-campaign-{i}", name=f"Campanya {i}", organization_id=ORG,
                          start_date=f"{YEAR}-0{1 + i * 3}", end_date=f"{YEAR}-12",
                          values=rng.sample(["democracy", "equality", "solidarity", "equity"], 2),
                          themes=[themes[i].id], owner_id=ORG) for i in range(3)]

    events: list[Event] = []

    def event(eid: str, name: str, kind: str, day: str, **kw: Any) -> Event:
        e = Event(id=eid, name=name, classification=kind, start_date=day, status="held",
                  visibility=kw.pop("visibility", "public"), **kw)
        events.append(e)
        return e

    def day_of_year(hour: bool = False) -> str:
        d = f"{YEAR}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
        return f"{d}T{9 + rng.randrange(10):02d}:00" if hour else d

    ours_events: list[Event] = []
    # Meetings of the bodies: 1,000.
    for k in range(1_000):
        bid = all_bodies[k % len(all_bodies)]
        ours_events.append(event(f"bench-ev-meet-{k:04d}", f"Reunió {k}", "meeting",
                                 day_of_year(True), organization_id=bid, owner_id=bid,
                                 visibility=vis()))
    # Festivals of the networks (yearly; first editions in the year before)
    # with 15 activities each: 20 × 16 = 320.
    for f in range(20):
        nid = networks[f]
        first = event(f"bench-ev-fest-{f:02d}-{YEAR - 1}", f"Festa {f}", "festival",
                      f"{YEAR - 1}-06-{1 + f:02d}", organization_id=nid, yearly=True, owner_id=nid)
        fest = event(f"bench-ev-fest-{f:02d}", f"Festa {f}", "festival", f"{YEAR}-06-{1 + f:02d}",
                     organization_id=nid, yearly=True, repeat_of_id=first.id, owner_id=nid,
                     area_id=rng.choice(barris))
        ours_events.append(fest)
        for a in range(15):
            ours_events.append(event(f"bench-ev-fest-{f:02d}-{a:02d}", f"Activitat {a} de la Festa {f}",
                                     "community activity", f"{YEAR}-06-{1 + f:02d}T{10 + a % 10}:00",
                                     organization_id=nid, parent_id=fest.id, owner_id=nid,
                                     area_id=rng.choice(barris)))
    # Awareness actions of its 3 campaigns: 300.
    for k in range(300):
        c = campaigns[k % 3]
        ours_events.append(event(f"bench-ev-action-{k:03d}", f"Acció {k}", "awareness action",
                                 day_of_year(), campaign_id=c.id, owner_id=ORG,
                                 area_id=rng.choice(barris), visibility=vis()))
    # Training: 80.
    for k in range(80):
        ours_events.append(event(f"bench-ev-training-{k:02d}", f"Formació {k}", "training",
                                 day_of_year(True), owner_id=ORG))
    # Community activities of the networks or of nobody: the rest.
    k = 0
    while len(ours_events) < N_EVENTS:
        by: str | None = rng.choice(networks) if rng.random() < 0.7 else None
        ours_events.append(event(f"bench-ev-act-{k:04d}", f"Activitat comunitària {k}",
                                 "community activity", day_of_year(), organization_id=by,
                                 owner_id=by or ORG, area_id=rng.choice(barris), visibility=vis()))
        k += 1
    for k in range(N_OTHER_EVENTS):
        where = rng.choice(all_bodies + other_networks)
        year = 2020 + rng.randrange(7)
        event(f"bench-ev-other-{k:04d}", f"Esdeveniment {k}",
              rng.choice(["meeting", "community activity", "festival", "training"]),
              f"{year}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}",
              organization_id=where, owner_id=where, visibility=vis())

    objectives = ["mission", "values", "social rights", "awareness", "networking", "training"]
    roles = ["participant"] * 6 + ["organiser", "co-organiser", "speaker", "volunteer"]
    parts: list[Participation] = []

    def participation(ev: Event, **kw: Any) -> None:
        n = len(parts)
        kind = ev.classification
        reached = rng.randrange(10, 300) if kind in ("festival", "community activity",
                                                       "awareness action") else None
        parts.append(Participation(
            id=f"bench-p-{n:06d}", event_id=ev.id, role=rng.choice(roles),
            hours=Decimal(rng.randrange(1, 9)) / 2 if rng.random() < 0.9 else None,
            people_reached=reached, objectives=rng.sample(objectives, rng.randrange(0, 3)),
            visibility=kw.pop("visibility", "public"), **kw))

    for ev in ours_events:  # the org itself in each: 2,000
        participation(ev, organization_id=ORG, owner_id=ORG)
    while len(parts) < N_PARTICIPATIONS:  # its people on its behalf: 8,000
        participation(rng.choice(ours_events), person_id=rng.choice(ours), on_behalf_of_id=ORG,
                      owner_id=ORG, visibility=vis())
    for __ in range(N_OTHER_PARTICIPATIONS):
        participation(rng.choice(events), organization_id=rng.choice(others), visibility=vis())

    programmes = [Programme(id=f"bench-prog-{i}", name=f"Grau {i}", university_id=universities[i % 3])
                  for i in range(3)]
    agreements = [Agreement(
        id=f"bench-agreement-{i}", name=f"Conveni {i}", kind="placements",
        parties=[{"organization_id": ORG, "role": "host"},
                 {"organization_id": universities[i % 3], "role": "university"}],
        programmes=[programmes[i % 3].id], start_date=f"{YEAR - 1}-09-01",
        end_date=f"{YEAR + 1}-08-31", owner_id=ORG) for i in range(4)]
    placements = [Placement(
        id=f"bench-placement-{i:02d}", agreement_id=agreements[i % 4].id, host_id=ORG,
        student_id=students[i], programme_id=programmes[i % 3].id, kind="curricular",
        start_date=f"{YEAR}-{1 + i % 9:02d}-01", end_date=f"{YEAR}-{3 + i % 9:02d}-30",
        total_hours=150 + 10 * i, entity_tutor_id=ours[i], owner_id=ORG) for i in range(12)]

    # Parents and first editions before the events that name them.
    events.sort(key=lambda e: (e.parent_id is not None or e.repeat_of_id is not None))
    counts: dict[str, int] = {}
    tables: list[tuple[Any, list[Any]]] = [
        (Area, areas), (Organization, orgs), (Person, people), (Post, posts),
        (Membership, members), (Theme, themes), (Campaign, campaigns), (Event, events),
        (Participation, parts), (Programme, programmes), (Agreement, agreements),
        (Placement, placements)]
    with transaction.atomic():
        for model, rows in tables:
            model.objects.bulk_create(rows, batch_size=2_000)
            counts[str(model._meta.verbose_name_plural)] = len(rows)
    counts["events of bench-org in the year"] = len(ours_events)
    counts["participations of bench-org"] = N_PARTICIPATIONS
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {str(k): v for k, v in counts.items()}


# -- the measures (in child processes) -------------------------------------------

def floor_sql() -> tuple[str, list[str]]:
    """(a): the org's participations of the year joined with their events."""
    from xarxa.activity.models import Event, Participation

    p, e = Participation._meta.db_table, Event._meta.db_table
    sql = (f'SELECT p.id, p.role, p.hours, p.people_reached, p.objectives, p.visibility, '
           f'e.id, e.name, e.classification, e.start_date, e.end_date, e.organization_id, '
           f'e.parent_id, e.repeat_of_id, e.area_id, e.status, e.visibility '
           f'FROM {p} p JOIN {e} e ON e.id = p.event_id '
           f'WHERE (p.organization_id = %s OR p.on_behalf_of_id = %s) '
           f'AND e.start_date >= %s AND e.start_date < %s')
    return sql, [ORG, ORG, f"{YEAR:04d}", f"{YEAR + 1:04d}"]


def cap_tables(html: str, keep: int) -> str:
    """The document with each table cut to its first `keep` rows: what
    WeasyPrint costs for a report that lists less (`--variants`)."""
    import re

    def cut(m: re.Match[str]) -> str:
        table = m.group(0)
        spans = [r.span() for r in re.finditer(r"<tr.*?</tr>", table, re.S)]
        if len(spans) <= keep:
            return table
        return table[:spans[keep - 1][1]] + table[spans[-1][1]:]

    return re.sub(r"<table.*?</table>", cut, html, flags=re.S)


def measures() -> dict[str, Callable[[], Any]]:
    """What each child can measure: a function doing it once."""
    from django.db import connection
    from django.template.loader import render_to_string

    from xarxa.accounts.rules import Viewer, command_viewer
    from xarxa.directory.models import Organization
    from xarxa.reports import annual, facts, page

    found: dict[str, Callable[[], Any]] = {}

    def floor() -> int:
        sql, params = floor_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    found["floor"] = floor
    for who, viewer in (("visitor", Viewer(None)), ("operator", command_viewer())):
        def the_page(v: Any = viewer) -> str:
            org = Organization.objects.get(pk=ORG)
            doc = page.build(facts.gather(org, v, facts.Period.day(None)))
            return render_to_string("reports/page_standalone.html", {"doc": doc})

        found[f"page ({who})"] = the_page
        if hasattr(annual, "build") and hasattr(annual, "render_html"):
            def html(v: Any = viewer) -> str:
                org = Organization.objects.get(pk=ORG)
                return str(annual.render_html(annual.build(org, v, YEAR), standalone=True))

            found[f"HTML report ({who})"] = html
        if hasattr(annual, "build") and hasattr(annual, "render_pdf"):
            def pdf(v: Any = viewer) -> bytes:
                org = Organization.objects.get(pk=ORG)
                return bytes(annual.render_pdf(annual.build(org, v, YEAR)))

            found[f"PDF ({who})"] = pdf

            def kept(v: Any = viewer) -> bytes:
                # What the download does again while nothing is written: the
                # PDF kept per state of the records (xarxa.reports.pdf).
                from xarxa.reports.pdf import audience, kept_pdf

                org = Organization.objects.get(pk=ORG)
                return kept_pdf(("annual", ORG, YEAR, "ca", audience(v)),
                                lambda: annual.render_pdf(annual.build(org, v, YEAR)))

            found[f"PDF kept, downloaded again ({who})"] = kept
    if hasattr(annual, "build") and hasattr(annual, "render_pdf"):
        from xarxa.reports.pdf import html_to_pdf

        saved = WORK / "annual-operator.html"

        def weasy() -> bytes:
            return html_to_pdf(saved.read_text())

        found["WeasyPrint alone"] = weasy

        def weasy_capped() -> bytes:
            return html_to_pdf(cap_tables(saved.read_text(), CAPPED_ROWS))

        found[f"WeasyPrint, tables cut to {CAPPED_ROWS} rows"] = weasy_capped
    return found


def child(args: argparse.Namespace) -> dict[str, Any]:
    """Run one measure `--runs` times after a warm-up; its times, queries and
    this process's peak memory."""
    django_setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    out: dict[str, Any] = {"name": args.measure}
    with translation.override("ca"):
        fn = measures()[args.measure]
        out["rss_setup_mib"] = peak_rss_mib()
        with CaptureQueriesContext(connection) as seen:
            result = fn()  # the warm-up
        out["queries"] = len(seen.captured_queries)
        out["size"] = len(result) if isinstance(result, (str, bytes)) else result
        if args.measure.startswith("HTML report (operator)"):
            (WORK / "annual-operator.html").write_text(str(result))
        if args.measure.startswith("PDF (operator)"):
            (WORK / "annual-operator.pdf").write_bytes(result)
        times, parts = [], []
        for __ in range(args.runs):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
            reset_queries()
        if args.measure.startswith("PDF ("):
            # The parts, timed apart: building the report, its HTML, WeasyPrint.
            from xarxa.accounts.rules import Viewer, command_viewer
            from xarxa.directory.models import Organization
            from xarxa.reports import annual
            from xarxa.reports.pdf import html_to_pdf

            v = command_viewer() if "operator" in args.measure else Viewer(None)
            for __ in range(max(3, args.runs // 3)):
                t0 = time.perf_counter()
                a = annual.build(Organization.objects.get(pk=ORG), v, YEAR)
                t1 = time.perf_counter()
                html = annual.render_html(a, standalone=True)
                t2 = time.perf_counter()
                html_to_pdf(html)
                t3 = time.perf_counter()
                parts.append([(t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000])
        if args.profile:
            import cProfile
            import io
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            fn()
            prof.disable()
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(40)
            (WORK / f"profile-{slug(args.measure)}-{args.db}.txt").write_text(text.getvalue())
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(25)
            (WORK / f"profile-{slug(args.measure)}-{args.db}-tottime.txt").write_text(text.getvalue())
    out["times"] = times
    if parts:
        out["parts"] = [statistics.median(p[i] for p in parts) for i in range(3)]
    out["rss_mib"] = peak_rss_mib()
    return out


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-").replace("--", "-")


def child_prepare(args: argparse.Namespace) -> dict[str, Any]:
    url = os.environ["DATABASE_URL"]
    key = database_key(args.seed)
    reusable = ensure_database(url, key, args.rebuild, OWN)
    django_setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    out: dict[str, Any] = {"reused": reusable}
    if not reusable:
        t0 = time.perf_counter()
        out["counts"] = generate(args.seed)
        mark_built(key)
        out["load_s"] = time.perf_counter() - t0
    from xarxa.reports import annual

    out["annual"] = [f for f in ("build", "render_html", "render_pdf") if hasattr(annual, f)]
    return out


def run_child(args: argparse.Namespace, env: dict[str, str], *extra: str) -> dict[str, Any]:
    result = WORK / f"result-{os.getpid()}.json"
    result.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--result", str(result), "--runs", str(args.runs),
           "--seed", str(args.seed), "--db", "postgresql" if args.pg else "sqlite", *extra]
    if args.rebuild:
        cmd.append("--rebuild")
    if args.profile:
        cmd.append("--profile")
    proc = subprocess.run(cmd, env=env, check=False)
    if proc.returncode != 0 or not result.exists():
        raise SystemExit(f"{' '.join(extra)}: failed (exit {proc.returncode})")
    out = json.loads(result.read_text())
    result.unlink()
    return out


# -- the report -------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pg", action="store_true", help=f"PostgreSQL (database {PG_NAME})")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rebuild", action="store_true", help="build the database again")
    ap.add_argument("--drop", action="store_true", help="remove the database at the end")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile each measure once; bench/out/reports/profile-*.txt")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="measure only the figures whose name contains NAME (repeatable)")
    ap.add_argument("--variants", action="store_true",
                    help=f"also WeasyPrint on the report's HTML with its tables cut to {CAPPED_ROWS} rows")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.child:
        out = child_prepare(args) if args.child == "prepare" else child(args)
        Path(args.result).write_text(json.dumps(out, default=str))
        return

    db = "PostgreSQL" if args.pg else "SQLite"
    url = database_url(args.pg)
    env = django_env(url)
    prep = run_child(args, env, "--child", "prepare")
    where = url.rsplit("/", 1)[-1]
    if prep["reused"]:
        print(f"reusing {db} {where}", file=sys.stderr)
    else:
        print(f"loaded {db} {where} in {prep['load_s']:.0f} s: "
              + ", ".join(f"{n:,} {what}" for what, n in prep["counts"].items()), file=sys.stderr)
    names = ["floor", "page (visitor)", "page (operator)"]
    built = all(f in prep["annual"] for f in ("build", "render_html", "render_pdf"))
    if built:
        names += ["HTML report (visitor)", "HTML report (operator)", "PDF (visitor)",
                  "PDF (operator)", "PDF kept, downloaded again (visitor)", "WeasyPrint alone"]
        if args.variants:
            names.append(f"WeasyPrint, tables cut to {CAPPED_ROWS} rows")
    if args.only:
        names = [n for n in names if n == "floor" or any(o in n for o in args.only)]
    res: dict[str, Any] = {}
    for name in names:
        print(f"  {name}…", file=sys.stderr, flush=True)
        res[name] = run_child(args, env, "--child", "measure", "--measure", name)
        r = res[name]
        print(f"  {name}: median {statistics.median(r['times']):.1f} ms, {r['queries']} queries, "
              f"peak {r['rss_mib']:.0f} MiB", file=sys.stderr, flush=True)
    saved = {"database": db, "runs": args.runs, "commit": commit(),
             "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "load": os.getloadavg()[0], "results": res}
    if not args.only:  # the figures of a whole run, for docs/performance.md
        (OUT / f"reports-{db.lower()}.json").write_text(json.dumps(saved, indent=1))
    if args.drop:
        drop_database(url, OWN)

    floor = statistics.median(res["floor"]["times"])
    print(f"database: {db} ({where}), commit {saved['commit']}; {args.runs} runs after 1 warm-up, "
          f"each measure in a process of its own; load {saved['load']:.1f}")
    print(f"floor (one raw SQL query, {res['floor']['size']:,} rows of participations and events): "
          f"p50 {floor:.1f} ms, p95 {percentile(res['floor']['times'], 0.95):.1f} ms, "
          f"peak {res['floor']['rss_mib']:.0f} MiB (Django and the driver alone)")
    if not built:
        print("annual report: not built yet")
    weasy = res.get("WeasyPrint alone")
    if weasy:
        html_kib = (WORK / "annual-operator.html").stat().st_size // 1024
        pdf_kib = (WORK / "annual-operator.pdf").stat().st_size // 1024
        print(f"WeasyPrint alone on the report's HTML ({html_kib} KiB, {pdf_kib} KiB of PDF): "
              f"p50 {statistics.median(weasy['times']):.0f} ms, "
              f"p95 {percentile(weasy['times'], 0.95):.0f} ms, peak {weasy['rss_mib']:.0f} MiB")
    capped = res.get(f"WeasyPrint, tables cut to {CAPPED_ROWS} rows")
    if capped and weasy:
        p50 = statistics.median(capped["times"])
        print(f"WeasyPrint, the report's tables cut to {CAPPED_ROWS} rows: p50 {p50:.0f} ms, "
              f"p95 {percentile(capped['times'], 0.95):.0f} ms, "
              f"×{p50 / statistics.median(weasy['times']):.2f} of the whole report's")
    for name in names:
        if name.startswith("PDF") and "parts" in res[name]:
            b, h, w = res[name]["parts"]
            print(f"{name}, its parts (medians): building {b:.0f} ms, HTML {h:.0f} ms, "
                  f"WeasyPrint {w:.0f} ms ({w / (b + h + w):.0%})")
    for name in names:
        if name == "floor" or name.startswith("WeasyPrint"):
            continue
        r = res[name]
        p50, p95 = statistics.median(r["times"]), percentile(r["times"], 0.95)
        kind = "page" if name.startswith("page") else "html" if name.startswith("HTML") else "pdf"
        target = TARGETS_MS[kind]
        base = f"floor ×{p50 / floor:.0f}"
        if kind == "pdf" and weasy:
            base += f", WeasyPrint alone ×{p50 / statistics.median(weasy['times']):.2f}"
        holds = p95 < target and r["rss_mib"] < TARGET_MIB
        print(f"{name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {r['queries']} queries, "
              f"peak {r['rss_mib']:.0f} MiB, {base}; target < {target} ms and < {TARGET_MIB} MiB: "
              f"{'holds' if holds else 'MISSED'}")


if __name__ == "__main__":
    main()
