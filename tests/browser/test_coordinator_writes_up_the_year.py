"""The coordinator of ISOM writes up the year: from ISOM's page she opens
its "Treball en xarxa" page in Spanish for the entity's website, then the
annual report of 2025 with its charts, and downloads it as a PDF."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot


def test_from_the_organisation_page_to_the_report_and_its_pdf(page, live_demo):
    page.goto("/organisations/isom/")
    page.get_by_role("link", name="Its network work page").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("ISOM: network work")

    main.get_by_role("combobox", name="Language").select_option("es")
    main.get_by_role("textbox", name="As of").fill("2019-12-31")
    main.get_by_role("button", name="Show").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("ISOM: trabajo en red")
    expect(main).to_contain_text("ISOM es miembro de la FEDAIA desde hace 10 años (desde 2009).")
    expect(main).to_contain_text("en representación de la FEDAIA")
    screenshot(page, "treball-en-xarxa-es")

    page.goto("/organisations/isom/")
    page.get_by_role("link", name="Annual report 2025").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("ISOM: network work in 2025")
    # The charts are drawn on the server, with a text alternative each.
    for chart in ("Hours per network", "Events per month", "Networks over the years",
                  "Its barris", "Its network"):
        expect(main.get_by_role("img", name=chart, exact=True)).to_be_visible()
    screenshot(page, "annual-report")

    with page.expect_download() as download:
        main.get_by_role("link", name="Download PDF").click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as data:
        assert data.read(5) == b"%PDF-"
