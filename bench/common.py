"""Helpers shared by the benchmarks: a benchmark's own database, reused while
it holds what the generator would write (its key).

bench/graph.py and bench/reports.py use them from here; bench/pages.py
keeps its own database set-up (it predates this module) and shares the key
table and the percentile.
"""

from __future__ import annotations

import math
import resource
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# The table that names what a benchmark database holds (the same as
# bench/pages.py's, so a database is recognised by either).
KEY_TABLE = "bench_pages_key"


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def ensure_database(url: str, key: str, rebuild: bool, own: str) -> bool:
    """True when the database at `url` holds `key` already; otherwise empty it
    (SQLite: remove the file; PostgreSQL: drop and create the database) and
    return False. `own` must be part of the database's name: a benchmark
    never drops another database than its own."""
    if url.startswith("sqlite"):
        import sqlite3

        path = _sqlite_path(url)
        assert own in path.name, path
        if path.exists() and not rebuild:
            conn = sqlite3.connect(path)
            try:
                held = conn.execute(f"SELECT key FROM {KEY_TABLE}").fetchone()
                if held and held[0] == key:
                    return True
            except sqlite3.Error:
                pass
            finally:
                conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return False
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert own in name, name
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as pg:
        exists = pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists and not rebuild:
        with psycopg.connect(url, autocommit=True) as pg:
            row = pg.execute(f"SELECT to_regclass('{KEY_TABLE}')").fetchone()
            if row and row[0]:
                held = pg.execute(f"SELECT key FROM {KEY_TABLE}").fetchone()
                if held and held[0] == key:
                    return True
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    return False


def mark_built(key: str) -> None:
    """Record in Django's database that it holds `key`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} (key TEXT)")
        cursor.execute(f"DELETE FROM {KEY_TABLE}")
        cursor.execute(f"INSERT INTO {KEY_TABLE} (key) VALUES (%s)", [key])


def drop_database(url: str, own: str) -> None:
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        assert own in path.name, path
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    assert own in name, name
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


ROOT = Path(__file__).resolve().parent.parent


def commit() -> str:
    """The commit measured, and whether the code under xarxa/ differed from it."""
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "xarxa"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return sha + (" + uncommitted changes under xarxa/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def django_env(url: str, work: Path) -> dict[str, str]:
    """The environment of a benchmark's Django process on `url`, its files under `work`."""
    import os

    var = work / "var"
    var.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "DATABASE_URL": url, "XARXA_VAR_DIR": str(var),
            "XARXA_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SETTINGS_MODULE": "xarxa.settings", "XARXA_COMMAND_LANGUAGE": "en"}
