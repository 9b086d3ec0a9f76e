"""The annual report's map shows an organisation's areas as its page does —
its seat, the district it lies in, where it takes part in events — drawn
from their boundaries, without the city around them."""

import xml.etree.ElementTree as ET

from xarxa.accounts.rules import Viewer
from xarxa.directory.models import Organization
from xarxa.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_isom_s_map_draws_its_barri_and_district_but_not_the_city(demo):
    areas = charts.areas_of(Organization.objects.get(pk="isom"), Viewer(None))
    roles = {a.name: a.role for a in areas}
    assert roles["el Congrés i els Indians"] == "seat"
    assert roles["Sant Andreu"] == "within"
    assert "Barcelona" not in roles
    root = ET.fromstring(charts.area_map(areas, title="ISOM's areas"))
    drawn = {p.find(f"{SVG}title").text: p for p in root.iter(f"{SVG}path")}
    assert drawn["el Congrés i els Indians"].get("d").startswith("M")
    assert "el Congrés i els Indians" in root.find(f"{SVG}desc").text
    assert "el Congrés i els Indians" in [t.text for t in root.iter(f"{SVG}text")]
