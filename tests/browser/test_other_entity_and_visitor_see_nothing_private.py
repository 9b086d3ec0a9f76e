"""Two doors that must stay shut, tried in the browser:
- an editor of another entity (the neighbourhood coordinadora) is refused
  every page that edits ISOM's records, and is offered no way to record
  anything for ISOM;
- once ISOM makes a membership and an event private, a visitor finds them
  nowhere: not in the directory, on ISOM's page, on the network's page, in
  the map data, the calendar, the iCalendar feeds, the history or the event's
  own page — while ISOM's editor still does.
(Invitations and role changes are POST-only actions: tests/test_*roles* and
the accounts tests cover them.)"""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error, expect

from tests.browser.conftest import sign_in

# The pages that create or change records (and people and roles).
FORMS = {
    "membership-new", "membership-edit", "membership-end", "post-new", "post-edit",
    "event-new", "event-edit", "participation-new", "participation-edit",
    "log-hours", "campaign-new", "campaign-edit", "agreement-new", "agreement-edit",
    "agreement-document-new", "placement-new", "placement-edit", "organization-people",
}
# Pages that start a new record: the other entity may use them for its own
# records (its hours at ISOM's event too), so they may open, but must not
# offer ISOM as the owner.
NEW = {"membership-new", "post-new", "event-new", "campaign-new", "agreement-new",
       "participation-new", "log-hours"}
# ISOM's pages where its editor finds the edit links.
ISOM_PAGES = ("/organisations/isom/", "/events/isom-es-forma/",
              "/agreements/conveni-isom-universitat-a-2022/", "/campaigns/isom-sensibilitza/")
# ISOM's forms by name, whether or not a page links to them.
NAMED = (
    ("membership-edit", "isom-fedaia"), ("membership-end", "isom-fedaia"),
    ("event-edit", "isom-es-forma"),
    ("participation-new", "isom-es-forma"), ("participation-edit", "demo-participacio-01"),
    ("campaign-edit", "isom-sensibilitza"),
    ("agreement-edit", "conveni-isom-universitat-a-2022"),
    ("agreement-document-new", "conveni-isom-universitat-a-2022"),
    ("placement-new", "conveni-isom-universitat-a-2022"),
    ("placement-edit", "demo-practiques-01"),
    ("organization-people", "isom"),
)
# The coordinadora keeps, with ISOM, the tie of ISOM in the coordinadora (a
# network keeps the memberships in it): editing that one is its right.
SHARED_WITH_THE_OTHER_ENTITY = ("/memberships/isom-coordinadora-congres-indians/",)


def form_name(href: str) -> str | None:
    try:
        return resolve(urlsplit(href).path).url_name
    except Resolver404:
        return None


def isom_edit_urls(page) -> set[str]:
    """The edit links ISOM's editor is offered on ISOM's pages, and ISOM's
    forms by name."""
    urls = set()
    for address in ISOM_PAGES:
        page.goto(address)
        for href in page.get_by_role("main").locator("a[href]").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"):
            if form_name(href) in FORMS and not href.startswith(SHARED_WITH_THE_OTHER_ENTITY):
                urls.add(href)
    for name, pk in NAMED:
        urls.add(reverse(name, args=[pk]))
    urls.add(reverse("log-hours") + "?organization=isom")
    return urls


def visit(page, url: str) -> int:
    """Open `url` in the tab; its status. (Chromium shows an error page of
    its own, and Playwright raises, for an error answer with no body.)"""
    try:
        response = page.goto(url)
    except Error as exc:
        if "ERR_HTTP_RESPONSE_CODE_FAILURE" not in str(exc):
            raise
        return page.request.get(url, max_redirects=0).status
    assert response is not None
    return response.status


def offers_isom_as_owner(page) -> bool:
    owner = page.get_by_role("main").get_by_label(re.compile(r"^Owner"))
    if not owner.count():
        return True  # a record page without an owner to choose: not a new record of its own
    options = owner.locator("option").filter(has_text=re.compile(r"^ISOM$"))
    return bool(options.count()) or owner.input_value() == "isom"


def test_an_editor_of_another_entity_is_refused_every_isom_edit_page(
        open_context, isom_editor_user, other_editor_user):
    isom = open_context()
    other = open_context()
    isom_page = isom.new_page()
    sign_in(isom_page, isom_editor_user)
    urls = isom_edit_urls(isom_page)
    # The links were really there: the editor's page offers them.
    assert {form_name(u) for u in urls} >= {"membership-edit", "membership-end", "log-hours",
                                           "event-edit", "agreement-edit"}, urls

    page = other.new_page()
    sign_in(page, other_editor_user)
    # ISOM's page offers them no edit link (but for the tie they share).
    page.goto("/organisations/isom/")
    offered = [h for h in page.get_by_role("main").locator("a[href]").evaluate_all(
                   "links => links.map(a => a.getAttribute('href'))")
               if form_name(h) in FORMS and not h.startswith(SHARED_WITH_THE_OTHER_ENTITY)]
    assert not offered, f"ISOM's page offers the other entity's editor: {offered}"

    # Typed in, every one is refused; sent, every change is refused.
    token = next(c["value"] for c in other.cookies() if c["name"] == "csrftoken")
    opened = []
    for url in sorted(urls):
        status = visit(page, url)
        if status in (403, 404, 405) or "/accounts/login/" in page.url:
            sent = page.request.post(url, form={"csrfmiddlewaretoken": token},
                                     max_redirects=0)
            if form_name(url) not in NEW and sent.status not in (403, 404, 405):
                opened.append(f"{url} (sent: {sent.status})")
            continue
        if form_name(url) in NEW and not offers_isom_as_owner(page):
            continue  # a page for the other entity's own records
        opened.append(f"{url} ({status})")
    assert not opened, "the other entity's editor opened ISOM's forms:\n" + "\n".join(opened)


# -- A visitor and ISOM's private records -------------------------------------

# ISOM in FEDAIA ("federada" since 2009), and ISOM in the coordinadora (its
# only tie there: the directory's network filter must then leave ISOM out).
PRIVATE_TIES = ("isom-fedaia", "isom-coordinadora-congres-indians")
COORDINADORA = "Coordinadora d'Entitats Congrés-Indians"
PRIVATE_EVENT = "isom-sensibilitza-2025-xerrada"
EVENT_NAME = "Xerrada: les persones per davant del capital"
# The private event moves to la Sagrera, where ISOM has no other presence: the
# map of its territory must not draw it for a visitor.
ELSEWHERE = "barcelona-neighbourhood-61"


@pytest.fixture
def private_records(live_demo):
    from xarxa.activity.models import Event
    from xarxa.core import writes
    from xarxa.network.models import Membership

    actor = writes.Actor("test:private")
    for tie in PRIVATE_TIES:
        writes.update(Membership.objects.get(pk=tie), {"visibility": "private"}, actor=actor)
    writes.update(Event.objects.get(pk=PRIVATE_EVENT),
                  {"visibility": "private", "area_id": ELSEWHERE}, actor=actor)


def shows_private(page, url: str) -> list[str]:
    """What of the private records the page at `url` shows."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"
    text = page.locator("body").inner_text()
    found = [word for word in (EVENT_NAME, "federada") if word in text]
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    found += [h for h in hrefs if PRIVATE_EVENT in h
              or any(f"/memberships/{tie}/" in h for tie in PRIVATE_TIES)]
    if urlsplit(url).path == "/organisations/isom/":
        belonging = page.get_by_role("region", name=re.compile(r"^Belonging")).inner_text()
        found += [COORDINADORA] if COORDINADORA in belonging else []
    if urlsplit(url).path == "/networks/coordinadora-congres-indians/":
        found += [h for h in hrefs if h == "/organisations/isom/"]
    return found


def fetched(page, url: str) -> str:
    response = page.request.get(url)
    assert response.ok, f"{url}: {response.status}"
    return response.text()


PAGES = (
    "/?q=isom",
    "/?network=coordinadora-congres-indians",
    "/organisations/isom/",
    "/organisations/isom/history/",
    "/organisations/fedaia/",
    "/networks/fedaia/",
    "/networks/coordinadora-congres-indians/",
    f"/areas/{ELSEWHERE}/",
    "/events/?month=2025-11",
    "/events/?view=list",
    "/events/?view=list&org=isom",
)
DATA = (
    "/organisations/isom/map.json",
    "/calendar/organisations/isom.ics",
    f"/calendar/areas/{ELSEWHERE}.ics",
    "/lookup/events/?q=xerrada",
)


def test_a_visitor_finds_isom_s_private_membership_and_event_nowhere(
        open_context, private_records, isom_editor_user):
    visitor = open_context()
    editor = open_context()
    page = visitor.new_page()
    leaks = {url: found for url in PAGES if (found := shows_private(page, url))}
    assert not leaks, f"a visitor sees ISOM's private records: {leaks}"
    for url in DATA:
        body = fetched(page, url)
        assert "Xerrada" not in body and ELSEWHERE not in body, f"{url} shows the private event"
    response = page.goto(f"/events/{PRIVATE_EVENT}/")
    assert response is not None and response.status == 404

    # The directory's network filter, used as a visitor would.
    page.goto("/")
    page.get_by_role("combobox", name=re.compile(r"^Network")).select_option(label=COORDINADORA)
    page.get_by_role("main").get_by_role("button", name="Search").click()
    results = page.get_by_role("region", name=re.compile(r"\borganisations?$"))
    expect(results).to_contain_text("0 organisations")
    expect(results).not_to_contain_text("ISOM")

    # ISOM's editor still sees both: the checks above look in the right places.
    own = editor.new_page()
    sign_in(own, isom_editor_user)
    assert shows_private(own, "/organisations/isom/")
    assert ELSEWHERE in fetched(own, "/organisations/isom/map.json")
    assert "Xerrada" in fetched(own, "/calendar/organisations/isom.ics")
    assert own.goto(f"/events/{PRIVATE_EVENT}/").status == 200
