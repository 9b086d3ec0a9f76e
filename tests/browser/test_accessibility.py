"""axe-core on every main page and every form, as the people who use them
see them: no serious or critical violation. Each page is photographed
(var/test-artifacts/screenshots/), and every failing page is listed at once.
"""

import pytest

from tests.browser.conftest import accessibility_violations, screenshot, sign_in

VISITOR_PAGES = (
    ("directory", "/"),
    ("directory-search", "/?q=congres+indians"),
    ("organisation", "/organisations/isom/"),
    ("organisation-history", "/organisations/isom/history/"),
    ("body", "/organisations/fedaia-junta-directiva/"),
    ("network", "/networks/fedaia/"),
    ("area", "/areas/barcelona-neighbourhood-62/"),
    ("calendar-month", "/events/?month=2025-10"),
    ("calendar-list", "/events/?view=list"),
    ("event", "/events/festa-major-congres-2025/"),
    ("campaign", "/campaigns/isom-sensibilitza/"),
    ("treball-en-xarxa", "/reports/isom/page/?as_of=2019-12-31"),
    ("annual-report", "/reports/isom/2025/"),
    ("indicators", "/reports/isom/indicators/2025/"),
    ("federation-report", "/reports/fedaia/federation/2025/"),
    ("sign-in", "/accounts/login/"),
    ("password-reset", "/accounts/password_reset/"),
)
EDITOR_PAGES = (
    ("editor-home", "/accounts/"),
    ("editor-organisation", "/organisations/isom/"),
    ("person", "/people/demo-persona-06/"),
    ("agreements", "/agreements/"),
    ("agreement", "/agreements/conveni-isom-universitat-a-2022/"),
    ("placement", "/placements/demo-practiques-01/"),
    ("calendar-month-editor", "/events/?month=2025-10&org=isom"),
    ("event-editor", "/events/isom-es-forma/"),
    ("password-change", "/accounts/password_change/"),
    # The forms.
    ("form-membership-new", "/memberships/new/?member=isom"),
    ("form-membership-edit", "/memberships/isom-fedaia/edit/"),
    ("form-membership-end", "/memberships/isom-fedaia/end/"),
    ("form-post-new", "/posts/new/"),
    ("form-event-new", "/events/new/?organization=isom"),
    ("form-event-edit", "/events/isom-es-forma/edit/"),
    ("form-participation-new", "/events/isom-es-forma/participations/new/"),
    ("form-participation-edit", "/participations/demo-participacio-01/edit/"),
    ("form-log-hours", "/hours/log/?organization=isom"),
    ("form-campaign-new", "/campaigns/new/"),
    ("form-campaign-edit", "/campaigns/isom-sensibilitza/edit/"),
    ("form-agreement-new", "/agreements/new/?organization=isom"),
    ("form-agreement-edit", "/agreements/conveni-isom-universitat-a-2022/edit/"),
    ("form-agreement-document-new", "/agreements/conveni-isom-universitat-a-2022/documents/new/"),
    ("form-placement-new", "/agreements/conveni-isom-universitat-a-2022/placements/new/"),
    ("form-placement-edit", "/placements/demo-practiques-01/edit/"),
)
# Forms sent empty: the errors next to their fields must be accessible too.
SENT_EMPTY = (
    ("form-membership-new-errors", "/memberships/new/"),
    ("form-log-hours-errors", "/hours/log/?organization=isom"),
    ("form-event-new-errors", "/events/new/?organization=isom"),
)
ADMIN_PAGES = (
    ("people-and-roles", "/accounts/organisations/isom/people/"),
)


def settled(page) -> None:
    """The page as a person sees it once it is drawn: a map has drawn its
    areas (the map data is fetched after the page loads)."""
    if page.locator("[data-map-url]").count():
        page.locator(".leaflet-overlay-pane path").first.wait_for(state="attached")


def check_pages(page, pages) -> list[str]:
    problems = []
    for name, url in pages:
        response = page.goto(url)
        settled(page)
        if response is None or not response.ok:
            problems.append(f"{name} ({url}): answered {response and response.status}")
            continue
        screenshot(page, name)
        found = accessibility_violations(page)
        if found:
            problems.append(f"{name} ({url}):\n  " + "\n  ".join(found))
    return problems


def check_sent_empty(page, pages) -> list[str]:
    problems = []
    for name, url in pages:
        page.goto(url)
        form = page.get_by_role("main").locator("form.record")
        for box in form.locator("input[type=text], input:not([type]), textarea").all():
            if box.is_visible() and box.is_editable():
                box.fill("")
        form.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        settled(page)
        if not page.locator(".errorlist").count():
            problems.append(f"{name} ({url}): sent empty, it showed no error")
        screenshot(page, name)
        found = accessibility_violations(page)
        if found:
            problems.append(f"{name} ({url}):\n  " + "\n  ".join(found))
    return problems


def as_person(open_context, user, check):
    page = open_context().new_page()
    if user is not None:
        sign_in(page, user)
    return check(page)


def test_the_pages_a_visitor_sees_are_accessible(open_context, live_demo):
    problems = as_person(open_context, None, lambda page: check_pages(page, VISITOR_PAGES))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_pages_and_forms_of_an_isom_editor_are_accessible(open_context, isom_editor_user):
    problems = as_person(open_context, isom_editor_user, lambda page: [
        *check_pages(page, EDITOR_PAGES), *check_sent_empty(page, SENT_EMPTY)])
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_the_pages_of_an_isom_administrator_are_accessible(open_context, live_demo):
    from tests.conftest import ISOM, make_user

    admin = make_user("isom-admin", org=ISOM, level="administrator")
    problems = as_person(open_context, admin, lambda page: check_pages(page, ADMIN_PAGES))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
