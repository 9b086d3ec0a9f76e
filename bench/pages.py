#!/usr/bin/env python3
"""Benchmark: the pages people work in, on a large registry.

    .venv/bin/python bench/pages.py [--scale 1.0] [--requests 200] [--seed 1]
        [--rebuild] [--drop] [--explain] [--only NAME] [--load-only]

Builds (once; later runs reuse it) a synthetic registry of 100,000
organisations and 1,000,000 memberships on top of the ISOM demo, then asks for
each page `--requests` times with Django's test `Client` (middleware, session,
views, templates: the whole request and response, in process) and reports the
50th, 95th and 99th percentiles, and the number of SQL queries of each page.

The registry (`--scale` multiplies it; 0.01 for a quick check):

- the ISOM demo (`load_demo`: Barcelona's districts and 73 barris, ISOM and
  its networks, through the importers);
- 2,000 networks (federations, platforms, coordinadoras, networks), each with
  four bodies (Junta Directiva, Junta Permanent, two commissions) and seven
  seats on its board; 88,000 entities with Catalan names (associations,
  cooperatives, foundations, casals…) seated in the barris; 20,000 people;
- one federation of 10,000 member entities (`bench-federacio-gran`) and one
  small network of 12 (`bench-xarxa-petita`), built alike (the same bodies
  and seats), so their pages must make the same number of queries;
- 1,000,000 memberships: entities in networks (55%), entities in bodies
  (25%, a tenth of them on behalf of a network), people in seats on behalf of
  an entity (20%); 30% ended, dates of every precision;
- visibility: 5% of organisations for signed-in users and 2% private; 6% of
  memberships for signed-in users and 4% private; people private but 10%.

Rows are written straight into the tables (`core.writes.insert_rows`, as
bench/activity.py does: COPY on PostgreSQL, executemany on SQLite, indexes
built after, then ANALYZE); the loading is not what is measured. The database
is `bench/out/pages-<key>.sqlite3`, or, when DATABASE_URL names a PostgreSQL
server, a database `<name>_bench_pages` on it; either is reused while its key
(generator version, scale, seed) matches, migrated first; `--rebuild` builds
it again, `--drop` removes it at the end.

Each page is asked `--requests` times after three warm-up requests, cycling
through its addresses (20 searches, 20 entities…); as the WSGI handler does,
the database connection is closed after each request when CONN_MAX_AGE says
so (SQLite: every request opens its connection). The **baseline** runs the
very SQL statements the page ran (captured once per address) through a plain
driver connection (sqlite3 / psycopg) and fetches every row: the ratio
page ÷ baseline (medians) is what Django, the views and the templates add.
The query count of each page is the largest over its addresses; a network's
page must make as many queries for 12 members as for 10,000.

The last lines read, one per page:
NAME: p50 A ms, p95 B ms, p99 C ms, Q queries, baseline D ms (×R) [target: p95 < 100 ms]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from activity import Table, load  # noqa: E402  (bench/activity.py: rows at their defaults)
from common import percentile  # noqa: E402

# Bump when the generator changes: a reused database must hold what it says.
GENERATOR_VERSION = 1
OUT = ROOT / "bench" / "out"
TARGET_MS = 100

BIG = "bench-federacio-gran"
SMALL = "bench-xarxa-petita"
BIG_MEMBERS = 10_000
SMALL_MEMBERS = 12
ISOM = "isom"
EDITOR = "bench-isom-editor"  # an editor of ISOM
FED_EDITOR = "bench-federacio-editor"  # an editor of the big federation

# What people type: accent-less, lower case, one to three words.
SEARCHES = [
    "associacio veins sants", "cooperativa sagrera", "casal joves clot", "fundacio accio social",
    "esplai raval", "ateneu cultura popular", "gent gran gracia", "economia social",
    "congres indians", "federacio", "plataforma salut mental", "coordinadora entitats",
    "dones poblenou", "habitatge", "teixidora", "isom", "fedaia", "migracio acollida",
    "sant andreu", "infancia families",
]

ENTITY_KINDS = [
    ("Associació", "association"), ("Associació de Veïns i Veïnes", "association"),
    ("Cooperativa", "cooperative"), ("Cooperativa de Treball", "cooperative"),
    ("Fundació", "foundation"), ("Casal", "association"), ("Esplai", "association"),
    ("Ateneu", "association"),
]
TOPICS = [
    "Acció Social", "Gent Gran", "Joves", "Dones", "Famílies", "Infància", "Educació",
    "Cultura Popular", "Salut Mental", "Habitatge Digne", "Inclusió", "Lleure Educatiu",
    "Música", "Teatre", "Esports", "Medi Ambient", "Economia Social", "Migració i Acollida",
    "Diversitat Funcional", "Cooperació", "Feminismes", "Comerç de Proximitat",
    "Memòria Històrica", "Alimentació", "Ocupació",
]
PROPER = [
    "La Teixidora", "Arrels", "Sembra", "La Bòbila", "Sàlvia", "Nou Horitzó", "L'Esquitx",
    "El Pont", "Sargantana", "La Fornal", "Trèvol", "Xiprer", "L'Olivera", "Garbí", "Mestral",
    "La Lleona", "Àgora", "Rosa dels Vents", "Can Ricart", "La Violeta", "Ginesta", "Farigola",
    "El Rusc", "La Traca", "Tramuntana", "L'Heura", "Aixopluc", "La Xamfrà", "Sotavent",
    "Vela Llatina",
]
NETWORK_KINDS = [
    ("Federació d'Entitats", "federation"), ("Plataforma", "platform"),
    ("Coordinadora d'Entitats", "coordinadora"), ("Xarxa", "network"),
]
BODIES = [("Junta Directiva", "board"), ("Junta Permanent", "standing committee"),
          ("Comissió", "commission"), ("Comissió", "commission")]
SEATS = [("Presidència", "chair"), ("Vicepresidència", "vice-chair"), ("Secretaria", "secretary"),
         ("Tresoreria", "treasurer"), ("Vocalia 1", "member"), ("Vocalia 2", "member"),
         ("Vocalia 3", "member")]
GIVEN = ["Montserrat", "Jordi", "Núria", "Pau", "Mercè", "Òscar", "Laia", "Àlex", "Joan", "Maria",
         "Roser", "Martí", "Aina", "Guillem", "Berta", "Ferran", "Clàudia", "Xavier", "Júlia",
         "Quim", "Fàtima", "Iñaki", "Assumpta", "Çelik"]
SURNAMES = ["Puig", "Garcia", "Martínez", "Ferrer", "Soler", "Vidal", "Roca", "Pons", "Serra",
            "Font", "Sala", "Riera", "Camps", "Bosch", "Casals", "López", "Fernández", "Rovira",
            "Mas", "Vilà", "Ibáñez", "Comas", "Llorenç", "Muñoz"]


def de(words: str) -> str:
    """Catalan "de" before a name: del Clot, dels Indians, d'Horta, de la Sagrera."""
    if words.startswith("el "):
        return "del " + words[3:]
    if words.startswith("els "):
        return "dels " + words[4:]
    if words[:1].lower() in "aeiouàèéíòóúh" and not words.lower().startswith(("hu", "ia", "ie")):
        return "d'" + words
    return "de " + words


# -- the database -------------------------------------------------------------

def cache_key(scale: float) -> str:
    return f"v{GENERATOR_VERSION}-s{scale:g}"


def setup_database(key: str, rebuild: bool) -> tuple[bool, str, bool, Callable[[], None]]:
    """Point Django at the benchmark's database; say whether it already holds
    the registry of `key`. Returns (PostgreSQL?, where, reusable, drop)."""
    url = os.environ.get("DATABASE_URL", "")
    pg = url.startswith(("postgres://", "postgresql://"))
    OUT.mkdir(parents=True, exist_ok=True)
    if pg:
        import psycopg

        parts = urlsplit(url)
        base = parts.path.lstrip("/") or "xarxa"
        # Never another database than the benchmark's own.
        name = base if base.endswith("bench_pages") else f"{base}_bench_pages"
        admin = urlunsplit(parts._replace(path="/postgres"))
        own = urlunsplit(parts._replace(path=f"/{name}"))
        reusable = False
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not rebuild:
            with psycopg.connect(own, autocommit=True) as conn:
                row = conn.execute("SELECT to_regclass('bench_pages_key')").fetchone()
                if row and row[0]:
                    held = conn.execute("SELECT key FROM bench_pages_key").fetchone()
                    reusable = bool(held and held[0] == key)
        if not reusable:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = own
        where = f"PostgreSQL database {name}"

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        path = OUT / f"pages-{key}.sqlite3"
        reusable = False
        if path.exists() and not rebuild:
            import sqlite3

            conn = sqlite3.connect(path)
            try:
                held = conn.execute("SELECT key FROM bench_pages_key").fetchone()
                reusable = bool(held and held[0] == key)
            except sqlite3.Error:
                reusable = False
            conn.close()
        if not reusable:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        where = f"SQLite {path.relative_to(ROOT)}"

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    work = OUT / "pages-var"
    work.mkdir(exist_ok=True)
    os.environ["XARXA_VAR_DIR"] = str(work)
    # The test client's host.
    os.environ["XARXA_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xarxa.settings")
    os.environ.setdefault("XARXA_COMMAND_LANGUAGE", "en")
    import django
    from django.conf import settings

    django.setup()
    # As the tests do: static files named without the collected manifest
    # (a dictionary lookup in production; the pages are otherwise the same).
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    return pg, where, reusable, drop


@dataclass
class Registry:
    barris: list[str]
    districts: list[str]
    networks: list[str] = field(default_factory=list)
    bodies: dict[str, list[str]] = field(default_factory=dict)
    posts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    entities: list[str] = field(default_factory=list)


def generate_and_load(scale: float, seed: int) -> dict[str, int]:
    from django.db import connection, transaction
    from django.utils.text import slugify

    from xarxa.core.writes import Actor, _dump, indexes_built_after
    from xarxa.directory.models import Organization, Person, organization_search_text
    from xarxa.interop.demo_loader import load_demo
    from xarxa.network.models import Membership, Post
    from xarxa.territory.models import Area

    load_demo(actor=Actor("bench:pages"))
    rng = random.Random(seed)
    now = "2026-01-01 00:00:00+00:00" if connection.vendor == "postgresql" else "2026-01-01 00:00:00"
    n_orgs = max(2_000, int(100_000 * scale))
    n_people = max(400, int(20_000 * scale))
    n_memberships = max(20_000, int(1_000_000 * scale))
    n_networks = n_orgs // 50
    n_entities = n_orgs - 5 * (n_networks + 2) - Organization.objects.count()
    reg = Registry(
        barris=list(Area.objects.filter(classification="neighbourhood").order_by("id")
                    .values_list("id", flat=True)),
        districts=list(Area.objects.filter(classification="district").order_by("id")
                       .values_list("id", flat=True)),
    )
    barri_names = dict(Area.objects.filter(classification="neighbourhood").values_list("id", "name"))
    district_names = dict(Area.objects.filter(classification="district").values_list("id", "name"))

    orgs, people, posts, members = (Table(m, now) for m in (Organization, Person, Post, Membership))
    taken: dict[str, int] = {o: 1 for o in Organization.objects.values_list("id", flat=True)}

    def new_id(name: str) -> str:
        base = slugify(name)[:60].strip("-")
        n = taken.get(base, 0) + 1
        taken[base] = n
        return base if n == 1 else f"{base}-{n}"

    def org_visibility() -> str:
        r = rng.random()
        return "private" if r < 0.02 else "members" if r < 0.07 else "public"

    def organizations() -> Iterator[tuple[Any, ...]]:
        make = orgs.maker("id", "name", "classification", "parent_id", "area_id", "founding_date",
                          "other_names", "identifiers", "visibility", "owner_id", "search_text")

        def row(oid: str, name: str, kind: str, parent: str | None, area: str | None,
                founded: str, others: list[dict[str, str]] | None = None, idents: str = "[]",
                visibility: str = "public") -> tuple[Any, ...]:
            others = others or []
            text = organization_search_text({"name": name, "id": oid, "other_names": others})
            return make(oid, name, kind, parent, area, founded, _dump(others), idents,
                        visibility, parent, text)

        def network(oid: str, name: str, kind: str, area: str | None) -> Iterator[tuple[Any, ...]]:
            es = name.replace("Federació d'Entitats", "Federación de Entidades")
            others = [{"name": es, "lang": "es"}] if es != name else []
            yield row(oid, name, kind, None, area, f"{1975 + rng.randrange(45)}", others)
            reg.networks.append(oid)
            reg.bodies[oid] = []
            for b, (body, body_kind) in enumerate(BODIES):
                label = f"{body} {de(rng.choice(TOPICS))}" if body_kind == "commission" else body
                bid = f"{oid}-{slugify(body)}-{b}"
                reg.bodies[oid].append(bid)
                # Bodies are public but a commission of one network in ten.
                yield row(bid, f"{label} · {name}", body_kind, oid, None, "",
                          visibility="members" if b == 3 and rng.random() < 0.1 else "public")

        yield from network(BIG, "Federació Gran d'Entitats Socials de Catalunya", "federation", None)
        yield from network(SMALL, "Xarxa Petita del Congrés", "network", reg.barris[0])
        for n in range(n_networks):
            prefix, kind = NETWORK_KINDS[n % len(NETWORK_KINDS)]
            if kind == "coordinadora":
                barri = rng.choice(reg.barris)
                name, area = f"{prefix} {de(barri_names[barri])}", barri
            else:
                district = rng.choice(reg.districts)
                name = f"{prefix} {de(rng.choice(TOPICS))} {de(district_names[district])}"
                area = district if rng.random() < 0.5 else None
            yield from network(new_id(name), name, kind, area)
        for __ in range(n_entities):
            prefix, kind = rng.choice(ENTITY_KINDS)
            barri = rng.choice(reg.barris)
            topic = de(rng.choice(TOPICS))
            proper = f"{rng.choice(PROPER)} " if rng.random() < 0.7 else ""
            name = f"{prefix} {proper}{topic} {de(barri_names[barri])}"
            oid = new_id(name)
            reg.entities.append(oid)
            ident = f'[{{"scheme": "nif", "identifier": "G{rng.randrange(10**8):08d}"}}]'
            yield row(oid, name, kind, None, barri, f"{1950 + rng.randrange(75)}", None, ident,
                      org_visibility())

    def persons() -> Iterator[tuple[Any, ...]]:
        make = people.maker("id", "name", "sort_name", "given_name", "family_name", "visibility")
        for __ in range(n_people):
            given, s1, s2 = rng.choice(GIVEN), rng.choice(SURNAMES), rng.choice(SURNAMES)
            yield make(str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"{given} {s1} {s2}",
                       f"{s1} {s2}, {given}", given, f"{s1} {s2}",
                       "public" if rng.random() < 0.1 else "private")

    person_ids: list[str] = []

    def all_posts() -> Iterator[tuple[Any, ...]]:
        make = posts.maker("id", "label", "role", "organization_id", "owner_id", "visibility")
        for net in reg.networks:
            board = reg.bodies[net][0]
            reg.posts[net] = []
            for s, (label, role) in enumerate(SEATS):
                pid = f"{board}-seat-{s}"
                reg.posts[net].append((pid, board))
                yield make(pid, label, role, board, board, "public")

    def memberships() -> Iterator[tuple[Any, ...]]:
        make = members.maker("id", "person_id", "member_organization_id", "organization_id",
                             "post_id", "on_behalf_of_id", "role", "start_date", "end_date",
                             "visibility", "owner_id")
        count = 0

        def when(current: bool = False) -> tuple[str, str | None]:
            year = 1995 + rng.randrange(31)
            start = rng.choice([f"{year}", f"{year}-{rng.randrange(1, 13):02d}",
                                f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"])
            if current or rng.random() >= 0.3:
                return start, None
            return start, f"{year + 1 + rng.randrange(6)}"

        def vis() -> str:
            r = rng.random()
            return "private" if r < 0.04 else "members" if r < 0.10 else "public"

        def tie(person: str | None, org_member: str | None, where: str, post: str | None = None,
                behalf: str | None = None, role: str = "member",
                current: bool = False) -> tuple[Any, ...]:
            nonlocal count
            count += 1
            start, end = when(current)
            owner = org_member or behalf or where
            return make(str(uuid.UUID(int=rng.getrandbits(128), version=4)), person, org_member,
                        where, post, behalf, role, start, end, vis(), owner)

        def a_network(net: str, n_members: int, per_body: int) -> Iterator[tuple[Any, ...]]:
            chosen = rng.sample(reg.entities, min(n_members, len(reg.entities)))
            for e in chosen:
                yield tie(None, e, net, current=rng.random() < 0.8)
            for body in reg.bodies[net]:
                for e in rng.sample(chosen, min(per_body, len(chosen))):
                    yield tie(None, e, body)
            for post, board in reg.posts[net]:
                for __ in range(3):  # the holder now and two before
                    yield tie(rng.choice(person_ids), None, board, post, rng.choice(chosen),
                              role="seat")

        yield from a_network(BIG, BIG_MEMBERS, 30)
        yield from a_network(SMALL, SMALL_MEMBERS, 3)
        yield tie(None, ISOM, BIG, current=True)
        ordinary = [n for n in reg.networks if n not in (BIG, SMALL)]
        while count < n_memberships:
            r = rng.random()
            if r < 0.55:
                yield tie(None, rng.choice(reg.entities), rng.choice(ordinary))
            elif r < 0.80:
                net = rng.choice(ordinary)
                behalf = rng.choice(ordinary) if rng.random() < 0.1 else None
                yield tie(None, rng.choice(reg.entities), rng.choice(reg.bodies[net]),
                          behalf=behalf)
            else:
                net = rng.choice(ordinary)
                post, board = rng.choice(reg.posts[net])
                yield tie(rng.choice(person_ids), None, board, post, rng.choice(reg.entities),
                          role="seat")

    tables = [orgs, people, posts, members]
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
        person_ids.extend(Person.objects.values_list("id", flat=True))
        counts["posts"] = load(posts, all_posts())
        counts["memberships"] = load(members, memberships())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA cache_size = -65536")
    analyze()
    counts["organisations in all"] = Organization.objects.count()
    counts["memberships in all"] = Membership.objects.count()
    return counts


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def mark_built(key: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_pages_key (key TEXT)")
        cursor.execute("DELETE FROM bench_pages_key")
        cursor.execute("INSERT INTO bench_pages_key (key) VALUES (%s)", [key])


def users() -> dict[str, Any]:
    """The visitor, an editor of ISOM and an editor of the big federation."""
    from django.contrib.auth.models import User
    from django.test import Client

    from xarxa.accounts.models import Role

    clients: dict[str, Any] = {"visitor": Client()}
    for username, org, name in ((EDITOR, ISOM, "editor"), (FED_EDITOR, BIG, "federation editor")):
        user, created = User.objects.get_or_create(username=username,
                                                   defaults={"email": f"{username}@example.org"})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Role.objects.get_or_create(user=user, organization_id=org, defaults={"level": "editor"})
        client = Client()
        client.force_login(user)
        clients[name] = client
    return clients


# -- the pages ------------------------------------------------------------------

@dataclass
class Page:
    name: str
    who: str
    urls: list[str]
    times: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    queries: dict[str, int] = field(default_factory=dict)
    sql: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.who})"


def resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def directory_filters(client: Any) -> list[str]:
    """Query strings of the directory's filters, read from its search form:
    for each choice list but the search box, its first value and its last."""
    from html.parser import HTMLParser

    class Form(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.choices: dict[str, list[str]] = {}
            self.select: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "select" and a.get("name") not in (None, "q", "page"):
                self.select = a["name"]
                self.choices[str(self.select)] = []
            elif tag == "option" and self.select and a.get("value"):
                self.choices[self.select].append(str(a["value"]))

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None

    form = Form()
    form.feed(client.get("/").content.decode())
    found = []
    for name, values in form.choices.items():
        for value in dict.fromkeys(values[:1] + values[-1:]):
            found.append(f"{quote(name)}={quote(value)}")
    return found


def pages(seed: int, visitor: Any) -> list[Page]:
    from xarxa.directory.models import Organization
    from xarxa.network.models import Membership

    rng = random.Random(seed)
    searches = [f"/?q={quote(q)}" for q in SEARCHES]
    out = [
        Page("directory, first page", "visitor", ["/"]),
        Page("directory search", "visitor", searches),
        Page("directory search", "editor", searches),
    ]
    filters = directory_filters(visitor)
    if filters:
        filtered = [f"{s}&{filters[i % len(filters)]}" for i, s in enumerate(searches)]
        filtered += [f"/?{f}" for f in filters]
        out.append(Page("directory search, filtered", "visitor", filtered))
    # Twenty public entities with about as many ties as most (8 to 14).
    candidates = list(Organization.objects.filter(
        parent__isnull=True, visibility="public", classification__in=["association", "cooperative"],
    ).exclude(id=ISOM).order_by("id").values_list("id", flat=True)[:2000])
    entities = []
    for oid in rng.sample(candidates, len(candidates)):
        if 8 <= Membership.objects.filter(member_organization_id=oid).count() <= 14:
            entities.append(f"/organisations/{quote(oid)}/")
        if len(entities) == 20:
            break
    out += [
        Page("organisation, an entity", "visitor", entities),
        Page("organisation, an entity", "editor", entities),
        Page("organisation, ISOM", "visitor", [f"/organisations/{ISOM}/"]),
        Page("organisation, ISOM", "editor", [f"/organisations/{ISOM}/"]),
        Page("organisation, federation of 10,000", "visitor", [f"/organisations/{BIG}/"]),
    ]
    if resolves(f"/networks/{BIG}/"):
        for who in ("visitor", "editor", "federation editor"):
            out.append(Page("network of 10,000", who, [f"/networks/{BIG}/"]))
            out.append(Page("network of 12", who, [f"/networks/{SMALL}/"]))
    return out


def measure(page: Page, client: Any, requests: int) -> None:
    """Each request of the page, then the same SQL through the plain driver,
    in turn: both see the machine as loaded as the other."""
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{page.label}: GET {url} answered {response.status_code}")

    for url in page.urls:  # the queries of each address, once
        with CaptureQueriesContext(connection) as seen:
            get(url)
        close_old_connections()
        page.queries[url] = len(seen.captured_queries)
        page.sql[url] = [(q["sql"], float(q["time"] or 0)) for q in seen.captured_queries]
    raw, run = raw_connection()
    # Reads only: a page's own writes (none expected on a GET) are not replayed.
    statements = {url: [s for s, __ in page.sql[url]
                        if s.lstrip().upper().startswith(("SELECT", "WITH"))]
                  for url in page.urls}

    def baseline(url: str) -> None:
        for sql in statements[url]:
            run(raw, sql)

    for i in range(3):
        get(page.urls[i % len(page.urls)])
        close_old_connections()
        baseline(page.urls[i % len(page.urls)])
    for i in range(requests):
        url = page.urls[i % len(page.urls)]
        t0 = time.perf_counter()
        get(url)
        page.times.append((time.perf_counter() - t0) * 1000)
        # As the WSGI handler does when a request ends (request_finished).
        close_old_connections()
        t0 = time.perf_counter()
        baseline(url)
        page.base.append((time.perf_counter() - t0) * 1000)
    raw.close()


def raw_connection() -> tuple[Any, Callable[[Any, str], None]]:
    """A plain driver connection to the same database, set up as Django's."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        conn = psycopg.connect(dbname=settings["NAME"], user=settings["USER"] or None,
                               password=settings["PASSWORD"] or None,
                               host=settings["HOST"] or None, port=settings["PORT"] or None,
                               autocommit=True)
    else:
        import sqlite3

        conn = sqlite3.connect(settings["NAME"])
        conn.executescript(settings["OPTIONS"].get("init_command", ""))

    def run(c: Any, sql: str) -> None:
        cur = c.cursor()
        cur.execute(sql)
        if cur.description is not None:
            cur.fetchall()
        cur.close()

    return conn, run


def explain(page: Page, top: int = 3) -> None:
    from django.db import connection

    url = max(page.urls, key=lambda u: sum(t for __, t in page.sql[u]))
    slowest = sorted(page.sql[url], key=lambda q: -q[1])[:top]
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    print(f"  {page.label}, {url}: {len(page.sql[url])} queries, "
          f"{sum(t for __, t in page.sql[url]) * 1000:.1f} ms in SQL")
    for sql, took in slowest:
        print(f"    {took * 1000:.1f} ms: {sql[:600]}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("        " + " ".join(str(c) for c in row))


def save(pg: bool, args: argparse.Namespace, measured: list[Page]) -> None:
    """The figures, as JSON, in bench/out/ (for docs/performance.md)."""
    import json

    path = OUT / f"pages-{'postgresql' if pg else 'sqlite'}.json"
    path.write_text(json.dumps({
        "database": "PostgreSQL" if pg else "SQLite", "scale": args.scale,
        "requests": args.requests, "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": os.getloadavg()[0],
        "pages": [{
            "page": p.label, "addresses": len(p.urls),
            "p50": statistics.median(p.times), "p95": percentile(p.times, 0.95),
            "p99": percentile(p.times, 0.99), "queries": sorted(set(p.queries.values())),
            "baseline_p50": statistics.median(p.base),
        } for p in measured],
    }, indent=1))
    print(f"figures written to {path.relative_to(ROOT)}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rebuild", action="store_true", help="build the database again")
    ap.add_argument("--drop", action="store_true", help="remove the database at the end")
    ap.add_argument("--explain", action="store_true",
                    help="print the plans of each page's slowest queries")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="measure only the pages whose name contains NAME (repeatable)")
    ap.add_argument("--load-only", action="store_true",
                    help="build (or check) the database and measure nothing")
    args = ap.parse_args()

    key = cache_key(args.scale) + f"-seed{args.seed}"
    pg, where, reusable, drop = setup_database(key, args.rebuild)
    try:
        if reusable:
            from xarxa.network.models import Membership

            print(f"reusing {where}: {Membership.objects.count():,} memberships")
        else:
            t0 = time.perf_counter()
            counts = generate_and_load(args.scale, args.seed)
            mark_built(key)
            print(f"loaded into {where} in {time.perf_counter() - t0:.0f} s: "
                  + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
        clients = users()
        if args.load_only:
            return
        measured = [p for p in pages(args.seed, clients["visitor"])
                    if not args.only or any(o in p.label for o in args.only)]
        for page in measured:
            measure(page, clients[page.who], args.requests)
            print(f"  {page.label}: median {statistics.median(page.times):.1f} ms, "
                  f"baseline {statistics.median(page.base):.1f} ms", file=sys.stderr)
        if args.explain:
            print("plans of the slowest queries:")
            for page in measured:
                explain(page)

        print(f"database: {'PostgreSQL' if pg else 'SQLite'}, scale {args.scale:g}, "
              f"{args.requests} requests per page after 3 warm-up requests")
        bounded = True
        by_label = {p.label: p for p in measured}
        for who in ("visitor", "editor", "federation editor"):
            big = by_label.get(f"network of 10,000 ({who})")
            small = by_label.get(f"network of 12 ({who})")
            if big and small:
                b, s = max(big.queries.values()), max(small.queries.values())
                bounded &= b == s
                print(f"queries, network of 12 vs of 10,000 ({who}): {s} vs {b}: "
                      f"{'equal' if b == s else 'DIFFERENT'}")
        if not resolves(f"/networks/{BIG}/"):
            print("network page: /networks/<pk>/ does not exist yet; not measured")
        for page in measured:
            counts = sorted(set(page.queries.values()))
            span = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
            print(f"{page.label}: queries per request {span} over {len(page.urls)} address(es)")
        for page in measured:
            p50, base = statistics.median(page.times), statistics.median(page.base)
            p95 = percentile(page.times, 0.95)
            verdict = "holds" if p95 < TARGET_MS else "MISSED"
            print(f"{page.label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
                  f"p99 {percentile(page.times, 0.99):.1f} ms, "
                  f"{max(page.queries.values())} queries, baseline {base:.1f} ms "
                  f"(×{p50 / base:.1f}) [target: p95 < {TARGET_MS} ms: {verdict}]")
        if not args.only:
            save(pg, args, measured)
        if not bounded:
            sys.exit(1)
    finally:
        if args.drop:
            drop()
            print(f"dropped {where}", file=sys.stderr)


if __name__ == "__main__":
    main()
