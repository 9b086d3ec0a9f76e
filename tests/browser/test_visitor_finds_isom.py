"""A visitor, not signed in, looks for the entities of their barri and finds
ISOM: its networks, the seat it holds on FEDAIA's behalf, and its barri on
the map."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot

# ISOM's networks, as xarxa/interop/demo/isom.popolo.json names them; ISOM
# sits in the Taula through its working group, on FEDAIA's behalf.
NETWORKS = (
    "FEDAIA",
    "Federació de Cooperatives de Treball de Catalunya",
    "Taula del Tercer Sector",
    "Coordinadora d'Entitats Congrés-Indians",
)
WORKING_GROUP = "Grup de treball d'innovació i qualitat"
BARRI = "el Congrés i els Indians"


def test_a_visitor_finds_isom_by_its_barri_and_sees_its_networks_seat_and_map(page, live_demo):
    page.goto("/")
    page.get_by_role("searchbox", name="Search").or_(
        page.get_by_role("textbox", name="Search")).first.fill("congres indians")
    page.get_by_role("main").get_by_role("button", name="Search").click()

    results = page.get_by_role("region", name=re.compile(r"\borganisations?$"))
    expect(results).not_to_contain_text("FEDAIA")  # found by its barri, not listed with all
    results.get_by_role("link", name="ISOM", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ISOM")
    main = page.get_by_role("main")
    for network in NETWORKS:
        expect(main.get_by_text(network, exact=True).first).to_be_visible()

    # The seat in the Taula's working group, held on FEDAIA's behalf.
    seat = main.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=WORKING_GROUP, exact=True))
    expect(seat.first).to_contain_text("on behalf of FEDAIA")

    # The barri, drawn on the map (Leaflet draws its boundary as a path) and
    # named in the list that stands in for the map.
    territorial = page.get_by_role("region", name=re.compile(r"^Territorial"))
    expect(territorial.locator(".leaflet-container")).to_be_visible()
    expect(territorial.locator(".leaflet-overlay-pane path").first).to_have_attribute(
        "d", re.compile(r"\d"))
    expect(territorial.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=BARRI, exact=True)).first).to_contain_text("seat")
    screenshot(page, "visitor-isom")
