"""Shared test setup."""

import pytest


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # Pages name their CSS through the static files storage; production uses
    # WhiteNoise's manifest, which exists only after `collectstatic`. Tests
    # don't depend on having run it.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
