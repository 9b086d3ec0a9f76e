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
