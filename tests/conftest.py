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
        QUERY_BASELINES.write_text(json.dumps(dict(sorted(updated.items())), indent=2) + "\n")


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
                pytest.fail(f"no query baseline for {name!r} ({count} queries): run the tests "
                            "with XARXA_UPDATE_QUERY_BASELINES=1 and commit query_counts.json")
            return
        assert count == baselines[name], (
            f"{name}: {count} queries, baseline {baselines[name]}:\n"
            + "\n".join(q["sql"][:200] for q in captured.captured_queries))

    return check
