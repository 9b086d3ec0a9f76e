"""A coordinator explores ISOM's network on the map: it is drawn, follows
the time slider back before ISOM joined FEDAIA, finds the path to the Taula
through FEDAIA, lists the same organisations as a table, finds and focuses an
organisation, opens its side panel, and keeps a hostile name as text in the
panel, the legend, the filters and the SVG picture."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot

HOSTILE = "<img src=x onerror=alert(1)>"
EXPLORER = "/graph/?focus=isom"
SVG = "{http://www.w3.org/2000/svg}"


def open_map(page, url: str = EXPLORER):
    """The page, once its map has drawn its first frame."""
    page.goto(url)
    graph = page.locator(".xarxa-graph").first
    expect(graph).to_have_attribute("data-state", "ready", timeout=30_000)
    return graph


def ties_of_isom_shown(page) -> list[str]:
    """The sentences of ISOM's side panel: its ties drawn now."""
    page.get_by_role("combobox", name="Find on the map").fill("ISOM")
    page.get_by_role("button", name="Find", exact=True).click()
    panel = page.locator(".graph-panel")
    expect(panel.get_by_role("heading", level=3)).to_have_text("ISOM")
    return panel.locator(".graph-panel-ties ul li").all_text_contents()


def node_on_screen(page, node: str) -> tuple[float, float]:
    """Where the map draws a node, in the page's pixels."""
    box = page.locator(".graph-stage").bounding_box()
    where = page.evaluate(
        """(node) => { const map = document.querySelector('.xarxa-graph').xarxaGraph;
                       const at = map.sigma.graphToViewport(map.graph.getNodeAttributes(node));
                       return [at.x, at.y]; }""", node)
    return box["x"] + where[0], box["y"] + where[1]


def test_the_explorer_draws_isom_s_network_and_is_accessible(page, live_demo):
    graph = open_map(page)
    expect(graph.locator(".graph-stage canvas").first).to_be_attached()
    expect(graph.locator(".graph-status")).to_have_text(
        re.compile(r"^4 organisations and \d+ ties shown\."))
    legend = graph.locator(".graph-legend")
    expect(legend).to_contain_text("federation")
    expect(legend.get_by_role("checkbox", name=re.compile("^membership"))).to_be_checked()
    shot = screenshot(page, "graph-explorer-isom")
    assert shot.stat().st_size > 10_000
    check_accessibility(page, "the network explorer")


def test_the_time_slider_at_2008_hides_isom_s_membership_of_fedaia(page, live_demo):
    open_map(page)
    membership = "ISOM is a member of FEDAIA since 2009"
    assert membership in ties_of_isom_shown(page)

    page.get_by_role("slider", name="Ties current in").fill("2008")
    expect(page.locator(".graph-year-value")).to_have_text("2008")
    ties = page.locator(".graph-panel .graph-panel-ties")
    expect(ties).not_to_contain_text(membership)
    expect(ties).to_contain_text("ISOM sits on Junta Directiva of FEDAIA")  # undated: always shown
    assert page.evaluate("""() => { const map = document.querySelector('.xarxa-graph').xarxaGraph;
        return map.edges.filter(e => e.kind === 'membership' && e.from === 2009)
                        .map(e => map.isTieShown(e.key)); }""") == [False, False]
    screenshot(page, "graph-explorer-2008")

    page.get_by_role("button", name="All times").click()
    expect(page.locator(".graph-year-value")).to_have_text("All times")
    expect(ties).to_contain_text(membership)


def test_the_path_finder_goes_from_isom_to_the_taula_through_fedaia(page, live_demo):
    open_map(page)
    finder = page.locator(".graph-path")
    finder.get_by_label("From").fill("isom")
    finder.get_by_label("To").fill("taula-tercer-sector")
    finder.get_by_role("button", name="Find the path").click()
    steps = finder.locator(".graph-path-steps li")
    expect(steps).to_have_text(["ISOM", "FEDAIA", "Taula del Tercer Sector"])
    expect(finder.locator(".graph-path-explanation")).to_contain_text(
        "ISOM reaches Taula del Tercer Sector in 2 steps")
    expect(page.locator(".xarxa-graph")).to_have_attribute(
        "data-path", "isom fedaia taula-tercer-sector")
    # The Taula, outside ISOM's radius-1 map, is added to it with the path.
    assert page.evaluate("document.querySelector('.xarxa-graph').xarxaGraph.graph"
                         ".hasNode('taula-tercer-sector')")
    screenshot(page, "graph-explorer-path")


def test_the_table_lists_the_same_organisations_as_the_map(page, live_demo):
    graph = open_map(page)
    on_the_map = sorted(page.evaluate(
        "document.querySelector('.xarxa-graph').xarxaGraph.nodes.map(n => n.label)"))
    toggle = graph.get_by_role("button", name="Table")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    table = graph.locator(".graph-table-view table").first
    expect(table).to_be_visible()
    assert sorted(table.locator("tbody th[scope=row]").all_text_contents()) == on_the_map
    screenshot(page, "graph-explorer-table")
    toggle.click()
    expect(graph.locator(".graph-table-view")).to_be_hidden()


def test_a_search_focuses_the_organisation_found(page, live_demo):
    open_map(page)
    page.get_by_role("combobox", name="Find on the map").fill("fedai")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.locator(".graph-panel h3")).to_have_text("FEDAIA")
    # The camera moves in on it (an animation of 400 ms).
    page.wait_for_function("document.querySelector('.xarxa-graph').xarxaGraph"
                           ".sigma.getCamera().ratio < 0.5")

    page.get_by_role("combobox", name="Find on the map").fill("nobody by this name")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.locator(".graph-search-note")).to_contain_text("No organisation on this map matches")


def test_clicking_an_organisation_opens_its_side_panel(page, live_demo):
    open_map(page)
    x, y = node_on_screen(page, "fedaia")
    page.mouse.click(x, y)
    panel = page.locator(".graph-panel")
    expect(panel.get_by_role("heading", level=3)).to_have_text("FEDAIA")
    expect(panel.get_by_role("link", name="Its page")).to_have_attribute("href", "/organisations/fedaia/")
    expect(panel.locator(".graph-panel-ties")).to_contain_text("ISOM is a member of FEDAIA since 2009")
    screenshot(page, "graph-explorer-panel")
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()


@pytest.fixture
def hostile_neighbour(live_demo):
    """An organisation ISOM belongs to, whose name, classification and area
    are all markup."""
    from xarxa.core.writes import Actor, create
    from xarxa.directory.models import Organization
    from xarxa.network.models import Membership
    from xarxa.territory.models import Area

    actor = Actor("test:hostile")
    create(Area, {"id": "hostile-area", "name": HOSTILE}, actor=actor)
    create(Organization, {"id": "hostil", "name": HOSTILE, "classification": HOSTILE,
                          "area_id": "hostile-area"}, actor=actor)
    create(Membership, {"member_organization_id": "isom", "organization_id": "hostil"}, actor=actor)


def test_a_hostile_name_stays_text_in_the_panel_legend_and_svg(page, live_demo, hostile_neighbour):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    graph = open_map(page)
    page.get_by_role("combobox", name="Find on the map").fill("<img")
    page.get_by_role("button", name="Find", exact=True).click()
    panel = graph.locator(".graph-panel")
    expect(panel.locator("h3")).to_have_text(HOSTILE)
    expect(panel.locator("dd").first).to_have_text(HOSTILE)
    expect(graph.locator(".graph-legend-classes")).to_contain_text(HOSTILE)
    expect(graph.locator(".graph-area option", has_text=HOSTILE)).to_have_count(1)
    assert graph.locator("img").count() == 0

    with page.expect_download() as download:
        graph.locator("a[data-export=svg]").click()
    svg = ET.parse(download.value.path()).getroot()
    assert svg.tag == f"{SVG}svg"
    assert HOSTILE in [t.text for t in svg.iter(f"{SVG}text")]
    assert not [e for e in svg.iter() if not e.tag.startswith(SVG)]  # no <img>, no HTML

    with page.expect_download() as download:
        graph.locator("a[data-export=png]").click()
    assert download.value.path().read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert dialogs == []


def test_the_organisation_page_embeds_its_map_and_links_to_the_explorer(page, live_demo):
    graph = open_map(page, "/organisations/isom/")
    expect(graph.locator(".graph-status")).to_contain_text("4 organisations")
    graph.scroll_into_view_if_needed()
    screenshot(page, "graph-organisation-page")
    page.get_by_role("link", name="Explore its network on the full map").click()
    expect(page).to_have_url(re.compile(r"/graph/\?focus=isom$"))
