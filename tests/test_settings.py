"""Configuration comes from the environment, with safe defaults."""

import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from xarxa.settings import database_from_url, secret_key_file


def test_a_postgres_url_becomes_a_postgresql_database():
    db = database_from_url("postgres://ana:s%40cret@db.example.org:5433/xarxa?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "xarxa", "ana", "s@cret", "db.example.org", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_a_sqlite_url_becomes_an_embedded_database_in_wal_mode(tmp_path):
    db = database_from_url(f"sqlite:///{tmp_path}/x.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == f"{tmp_path}/x.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_an_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url("mysql://localhost/x")


def test_without_a_configured_key_each_installation_makes_its_own_private_one(tmp_path):
    path = tmp_path / "var" / "secret_key"
    key = secret_key_file(path)
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key_file(path) == key  # kept, so sessions survive a restart
    assert secret_key_file(tmp_path / "other" / "secret_key") != key


def test_debug_is_off_unless_asked_for(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("XARXA_DEBUG", "DATABASE_URL")}
    env |= {"XARXA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "xarxa.settings"}
    code = "from django.conf import settings; print(settings.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    out = subprocess.run([sys.executable, "-c", code], env=env | {"XARXA_DEBUG": "1"},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
