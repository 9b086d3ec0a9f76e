"""An editor of ISOM records, through the pages, that a new person sits on
FEDAIA's Junta Directiva on ISOM's behalf, and that ISOM gave 3 hours to a
meeting of FEDAIA's technical commission; both show on ISOM's page and in
its history."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

PERSON = "Laia Nova Representant"


def choose(page, box, words: str, option: str | re.Pattern) -> None:
    """Type `words` in a lookup box and pick the suggestion that reads
    `option`, as a person picks from the list the box offers (the box then
    holds the record's id). The page's scripts must have run first: typing
    before htmx is listening asks nothing."""
    page.wait_for_load_state("load")
    box.fill(words)
    suggestions = page.locator(f"datalist#{box.get_attribute('list')} option").filter(has_text=option)
    expect(suggestions.first).to_be_attached(timeout=15_000)
    box.fill(suggestions.first.get_attribute("value"))


def test_an_isom_editor_records_a_seat_on_fedaia_s_board_and_hours_at_its_commission(
        page, isom_editor_user):
    sign_in(page, isom_editor_user)
    page.goto("/organisations/isom/")

    # A new person sits on FEDAIA's Junta Directiva on ISOM's behalf.
    page.get_by_role("link", name="Add a membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New membership")
    form = page.get_by_role("main").locator("form")
    choose(page, form.get_by_role("combobox", name=re.compile(r"^In\b")),
           "fedaia junta directiva", "Junta Directiva")
    form.get_by_role("combobox", name=re.compile(r"^Member organisation")).fill("")
    form.get_by_role("textbox", name=re.compile(r"new person")).fill(PERSON)
    choose(page, form.get_by_role("combobox", name=re.compile(r"^On behalf of")), "isom",
           re.compile(r"^ISOM$"))
    form.get_by_role("textbox", name=re.compile(r"^Role")).fill("vocal")
    form.get_by_role("textbox", name=re.compile(r"^Start")).fill("2024-03-15")
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/organisations/isom/$"))
    expect(page.get_by_role("status").first).to_contain_text("Saved")
    belonging = page.get_by_role("region", name=re.compile(r"^Belonging"))
    seat = belonging.get_by_role("listitem").filter(has_text=PERSON)
    expect(seat.first).to_contain_text("Junta Directiva")
    expect(seat.first).to_contain_text("2024")

    # 3 hours at a meeting of FEDAIA's technical commission.
    page.get_by_role("link", name="Log hours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log hours")
    form = page.get_by_role("main").locator("form")
    # The newest of the commission's meetings among ISOM's recent ones.
    recent = form.get_by_role("combobox", name=re.compile(r"recent meeting"))
    meeting = recent.locator("option").filter(has_text="Comissió tècnica de FEDAIA").first
    recent.select_option(meeting.get_attribute("value"))
    form.get_by_role("textbox", name=re.compile(r"^Hours")).fill("3")
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/organisations/isom/$"))
    meeting = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Comissió tècnica de FEDAIA")).filter(
        has=page.get_by_role("cell", name="3", exact=True))
    expect(meeting.first).to_be_visible()
    screenshot(page, "editor-isom-after-recording")

    # Both are in ISOM's history, newest first.
    page.get_by_role("link", name="History of changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of ISOM")
    changes = page.get_by_role("main").get_by_role("listitem")
    expect(changes.nth(0)).to_contain_text("Comissió tècnica de FEDAIA")
    expect(changes.filter(has_text=PERSON).first).to_contain_text("Junta Directiva")
    screenshot(page, "editor-isom-history")
