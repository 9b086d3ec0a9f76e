"""Shared test setup."""

import subprocess
from pathlib import Path

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # Pages name their CSS through the static files storage; production uses
    # WhiteNoise's manifest, which exists only after `collectstatic`. Tests
    # don't depend on having run it.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


LOCALE_DIR = Path(__file__).resolve().parent.parent / "xarxa" / "locale"


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    # The .mo files are built, not kept (`make setup` compiles them); a test
    # run compiles any that are missing or older than their catalogue, so the
    # tests never read stale translations.
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


@pytest.fixture(autouse=True)
def english(settings):
    # Xarxa speaks Catalan unless told otherwise; tests read its messages in
    # English unless they ask for another language themselves.
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_graph():
    # The network is kept in memory, keyed by the newest history id; each test's
    # database rolls back, and the next one may reach the same id with other
    # data, so every test starts with nothing kept.
    from xarxa.graph import analysis, store
    from xarxa.reports import pdf

    store.STORE.forget()
    analysis.forget()
    pdf.forget()  # the PDFs kept are keyed by the same id
    yield


# -- Query-count baselines (after NetBox's utilities/testing/query_counts.py) --
# Each page or endpoint's number of SQL queries is kept in query_counts.json
# and must not change unnoticed: an N+1 shows up as a failed test. After a
# deliberate change, regenerate with XARXA_UPDATE_QUERY_BASELINES=1.

QUERY_BASELINES = Path(__file__).resolve().parent / "query_counts.json"


@pytest.fixture(scope="session")
def _query_baselines():
    import json

    baselines = json.loads(QUERY_BASELINES.read_text()) if QUERY_BASELINES.exists() else {}
    updated = dict(baselines)
    yield baselines, updated
    if updated != baselines:
        # Merge into the file as it is now: runs of other test files in the
        # meantime keep their entries.
        current = json.loads(QUERY_BASELINES.read_text()) if QUERY_BASELINES.exists() else {}
        current.update({k: v for k, v in updated.items() if baselines.get(k) != v})
        QUERY_BASELINES.write_text(json.dumps(dict(sorted(current.items())), indent=2) + "\n")


@pytest.fixture
def query_baseline(_query_baselines):
    """`with query_baseline("GET /"):` — the block makes exactly the queries
    its baseline says."""
    import os
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    baselines, updated = _query_baselines
    regenerate = os.environ.get("XARXA_UPDATE_QUERY_BASELINES") == "1"

    @contextmanager
    def check(name: str):
        with CaptureQueriesContext(connection) as captured:
            yield
        count = len(captured.captured_queries)
        if regenerate or name not in baselines:
            updated[name] = count
            if not regenerate:
                pytest.fail(f"no query baseline for {name!r} ({count} queries): run the tests (-n 0) "
                            "with XARXA_UPDATE_QUERY_BASELINES=1 and commit query_counts.json")
            return
        assert count == baselines[name], (
            f"{name}: {count} queries, baseline {baselines[name]}:\n"
            + "\n".join(q["sql"][:200] for q in captured.captured_queries))

    return check


# -- Personas (STYLE.md): the ISOM demo, and the people who use it -----------
# Every permission test is one line per persona. The other entity is the
# neighbourhood coordinadora of the demo, which ISOM works with but whose
# records are its own.

ISOM = "isom"
OTHER_ENTITY = "coordinadora-congres-indians"
PASSWORD = "a-long-test-password-1"  # noqa: S105 (test accounts only)


DEMO_APPS = ("territory", "directory", "network", "activity", "training", "history")


@pytest.fixture(scope="session")
def _demo_records(django_db_setup, django_db_blocker):
    """The demo's records, loaded once per test session through the real
    loader and read back; the transaction is then rolled back."""
    from django.apps import apps
    from django.db import transaction

    from xarxa.core.writes import Actor
    from xarxa.interop.demo_loader import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(actor=Actor("test:demo"))
        records = [(model, list(model._default_manager.all()))
                   for label in DEMO_APPS for model in apps.get_app_config(label).get_models()]
        transaction.set_rollback(True)
    return records


@pytest.fixture
def demo(db, _demo_records):
    """The ISOM demo network (areas, organisations, events, agreements, and
    the history of their loading), as `xarxa demo` loads it. Loading it takes
    two seconds (the barris' boundaries are checked point by point); copying
    the rows loaded once takes a few milliseconds, and the foreign keys are
    checked at the end of each test's transaction."""
    import copy

    from xarxa.history.models import Change

    for model, objects in _demo_records:
        copies = []
        for obj in objects:
            twin = copy.copy(obj)
            twin._state = copy.copy(obj._state)
            twin._state.adding = True
            if model is Change:
                twin.pk = None  # numbered by the database, after the rows tests add
            copies.append(twin)
        model._default_manager.bulk_create(copies)


def make_user(username: str, *, org: str | None = None, level: str | None = None,
              superuser: bool = False):
    from django.contrib.auth.models import User

    from xarxa.accounts.models import Role

    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD,
                                    is_superuser=superuser, is_staff=superuser)
    if org:
        Role.objects.create(user=user, organization_id=org, level=level)
    return user


def signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def visitor(db):
    """Someone who is not signed in."""
    from django.test import Client

    client = Client()
    client.user = None
    return client


@pytest.fixture
def isom_editor(demo):
    return signed_in(make_user("isom-editor", org=ISOM, level="editor"))


@pytest.fixture
def isom_admin(demo):
    return signed_in(make_user("isom-admin", org=ISOM, level="administrator"))


@pytest.fixture
def isom_viewer(demo):
    return signed_in(make_user("isom-viewer", org=ISOM, level="viewer"))


@pytest.fixture
def other_editor(demo):
    """An editor of another entity on the same installation."""
    return signed_in(make_user("other-editor", org=OTHER_ENTITY, level="editor"))


@pytest.fixture
def site_admin(demo):
    return signed_in(make_user("site-admin", superuser=True))


PERSONAS = ("visitor", "isom_viewer", "isom_editor", "other_editor", "site_admin")


@pytest.fixture(params=PERSONAS)
def persona(request, demo):
    """Each persona in turn: `persona.name` and `persona.client`."""
    from types import SimpleNamespace

    return SimpleNamespace(name=request.param, client=request.getfixturevalue(request.param))
