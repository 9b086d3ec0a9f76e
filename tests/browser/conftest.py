"""Browser tests: Playwright drives Debian's Chromium through the real pages,
served by pytest-django's live server, as a person would use them.

- One browser for the session, a new context (cookies, language) per test.
- The browser reaches only the live server: any other request (map tiles,
  fonts, analytics) is aborted, so the tests run offline and the pages must
  work without them.
- axe-core (from npm, `make setup`) checks each page: no serious or critical
  violation.
- Screenshots are kept under var/test-artifacts/screenshots/, and a page is
  photographed when its test fails.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test's thread; the test code
# and the live server still use Django's ORM synchronously.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_MISSING = ("Chromium is missing: install Debian's package `chromium` "
                    "(make test does: make browser-deps)")
AXE_MISSING = "axe-core is missing: run `make setup` (npm ci installs node_modules/axe-core)"
# The impacts that fail a page; minor and moderate ones are left to review.
FAILING_IMPACTS = ("serious", "critical")


def project_dir() -> Path:
    from django.conf import settings

    return Path(settings.PROJECT_DIR)


def artifacts_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "test-artifacts"


# -- The browser -------------------------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import Error, sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(executable, os.X_OK):
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    # A failure's screenshot is of this run, not of an earlier one.
    for stale in (artifacts_dir() / "screenshots").glob("failed-*.png"):
        stale.unlink(missing_ok=True)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
    except Error as exc:
        playwright.stop()
        pytest.fail(f"{CHROMIUM_MISSING}\n{exc}", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Lets the `page` fixture know, at teardown, whether its test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def only_loopback(server_url: str):
    """A route handler that lets through the live server's requests only."""
    allowed = urlsplit(server_url).netloc

    def handle(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob") or parts.netloc == allowed:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    return handle


def new_context(browser, live_server, *, locale: str = "en-GB"):
    """A fresh browser profile reaching only the live server; `locale` is
    what its Accept-Language asks for. Uncaught JavaScript errors of its pages
    are kept in `context.js_errors`."""
    context = browser.new_context(base_url=live_server.url, locale=locale,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.route("**/*", only_loopback(live_server.url))
    errors: list[str] = []
    context.on("weberror", lambda e: errors.append(f"{e.page.url if e.page else '?'}: {e.error}"))
    context.js_errors = errors
    return context


@pytest.fixture
def open_context(browser, live_server, request) -> Iterator:
    """Opens browser profiles (`open_context(locale="ca-ES")`), one per
    person of the test. At the end, a failing test leaves a screenshot of
    each open tab, and an uncaught JavaScript error fails the test."""
    opened = []

    def open_(locale: str = "en-GB"):
        opened.append(new_context(browser, live_server, locale=locale))
        return opened[-1]

    yield open_
    report = getattr(request.node, "report_call", None)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    errors = []
    for n, context in enumerate(opened):
        if report is not None and report.failed:
            for m, tab in enumerate(context.pages):
                screenshot(tab, f"failed-{name}-{n}{m}")
        errors += context.js_errors
        context.close()
    assert not errors, "uncaught JavaScript errors:\n" + "\n".join(errors)


@pytest.fixture
def page(open_context):
    """A tab in a fresh browser profile."""
    return open_context().new_page()


# -- Data and people ---------------------------------------------------------

@pytest.fixture
def live_demo(transactional_db):
    """The ISOM demo, committed, so the live server's thread sees it."""
    from xarxa.core.writes import Actor
    from xarxa.interop.demo_loader import load_demo

    load_demo(actor=Actor("test:demo"))


@pytest.fixture
def isom_editor_user(live_demo):
    from tests.conftest import ISOM, make_user

    return make_user("isom-editor", org=ISOM, level="editor")


@pytest.fixture
def other_editor_user(live_demo):
    from tests.conftest import OTHER_ENTITY, make_user

    return make_user("other-editor", org=OTHER_ENTITY, level="editor")


def label_of(text: str) -> re.Pattern:
    """A field's label as the page shows it (Django adds a colon)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*:?\s*$")


def sign_in(page, user) -> None:
    """Sign in through the real sign-in form, as the person would: by the
    labels the form shows, in the language the page speaks."""
    from django.utils import translation

    from tests.conftest import PASSWORD
    from xarxa.accounts.forms import SignInForm

    page.goto("/accounts/login/")
    with translation.override(page.locator("html").get_attribute("lang") or "ca"):
        fields = SignInForm().fields
        name, password = str(fields["username"].label), str(fields["password"].label)
        button = translation.gettext("Sign in")
    form = page.get_by_role("main").locator("form")
    form.get_by_label(label_of(name)).fill(user.get_username())
    form.get_by_label(label_of(password)).fill(PASSWORD)
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"signing in as {user} failed: {page.url}"


# -- Checks and artefacts ----------------------------------------------------

def accessibility_violations(page) -> list[str]:
    """Run axe-core on the page as it stands: its serious and critical
    violations, each with its rule, help and the elements at fault."""
    axe = project_dir() / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail(AXE_MISSING, pytrace=False)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for v in results["violations"]:
        if v.get("impact") not in FAILING_IMPACTS:
            continue
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return lines


def check_accessibility(page, name: str) -> None:
    """Fail listing every serious or critical axe-core violation of the page."""
    found = accessibility_violations(page)
    if found:
        pytest.fail(f"{name} ({page.url}): serious or critical accessibility violations:\n"
                    + "\n".join(found), pytrace=False)


def screenshot(page, name: str) -> Path:
    """A full-page PNG kept as a test artefact."""
    path = artifacts_dir() / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
