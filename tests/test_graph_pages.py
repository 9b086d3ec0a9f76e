"""The network's pages and the map's data: the JSON the map draws, the table
that says the same to a screen reader, the questions answered in words, and
clear refusals of bad questions."""

import json

import pytest

from tests.page_text import text_of
from xarxa.core import writes
from xarxa.directory.models import Organization
from xarxa.network.models import Membership

ACTOR = writes.Actor("test")
HOSTILE = '<img src=x onerror=alert(1)>'


def data_of(client, query):
    response = client.get(f"/graph/data.json?{query}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_map_data_follows_the_contract(visitor, demo):
    data = data_of(visitor, "focus=isom&radius=1")
    assert data["focus"] == "isom"
    ids = {n["id"] for n in data["nodes"]}
    assert {"isom", "fedaia", "federacio-cooperatives-treball", "coordinadora-congres-indians"} <= ids
    node = next(n for n in data["nodes"] if n["id"] == "isom")
    assert node["label"] == "ISOM" and node["classification"] == "cooperative"
    assert node["area"] == "barcelona-neighbourhood-62" and node["area_label"]
    assert node["url"] == "/organisations/isom/" and node["distance"] == 0
    assert all(-1.0 <= n["x"] <= 1.0 and -1.0 <= n["y"] <= 1.0 for n in data["nodes"])
    membership = next(e for e in data["edges"] if e["type"] == "membership" and e["target"] == "fedaia")
    assert membership["start"] == "2009" and membership["start_year"] == 2009
    assert membership["label"] == "ISOM is a member of FEDAIA since 2009"
    assert {e["source"] for e in data["edges"]} | {e["target"] for e in data["edges"]} <= ids
    assert {t["value"] for t in data["legend"]["edge_types"]} >= {"membership", "seat", "representation"}
    assert data["years"][0] == 2009
    assert data["explanation"].startswith("The network of ISOM at radius 1")


def test_the_network_as_of_a_year_leaves_out_later_ties(visitor, demo):
    data = data_of(visitor, "focus=isom&as_of=2008&types=membership")
    assert {n["id"] for n in data["nodes"]} == {"isom", "coordinadora-congres-indians"}
    assert data["as_of"] == "2008-01-01"


def test_a_network_s_map_shows_its_members_and_an_area_s_its_organisations(visitor, demo):
    assert "isom" in {n["id"] for n in data_of(visitor, "network=fedaia")["nodes"]}
    area = data_of(visitor, "area=barcelona-neighbourhood-62")
    assert "isom" in {n["id"] for n in area["nodes"]}
    assert area["explanation"].startswith("Who works with whom in el Congrés i els Indians")


@pytest.mark.parametrize(("query", "field"), [
    ("as_of=2019-13", "as_of"), ("radius=9&focus=isom", "radius"), ("types=friendship", "types"),
    ("limit=0", "limit"),
])
def test_a_bad_question_is_refused_with_the_field_and_the_reason(visitor, demo, query, field):
    response = visitor.get(f"/graph/data.json?{query}")
    assert response.status_code == 400
    errors = json.loads(response.content)["errors"]
    assert list(errors) == [field] and errors[field][0]


def test_the_path_is_given_step_by_step(visitor, demo):
    response = visitor.get("/graph/path.json?from=isom&to=taula-tercer-sector")
    data = json.loads(response.content)
    assert data["found"] and data["nodes"] == ["isom", "fedaia", "taula-tercer-sector"]
    assert data["length"] == 2
    assert "FEDAIA holds a seat on Grup de treball d'innovació i qualitat of Taula del Tercer Sector, " \
        "filled by ISOM" in data["steps"][1]["sentences"]
    text = text_of(visitor.get("/graph/path/?from=isom&to=taula-tercer-sector"))
    assert "2 steps" in text and "ISOM represents FEDAIA" in text
    missing = json.loads(visitor.get("/graph/path.json?from=isom&to=nobody").content)
    assert missing == {"found": False, "explanation": "nobody is not in this network."}


def test_the_table_says_what_the_map_shows(visitor, demo):
    data = data_of(visitor, "focus=isom")
    page = text_of(visitor.get("/graph/table/?focus=isom"))
    for node in data["nodes"]:
        assert node["label"] in page
    fragment = visitor.get("/graph/table/?focus=isom", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "<table>" in fragment


def test_the_question_pages_answer_in_words(visitor, demo):
    assert "ISOM takes part in 1 representation" in text_of(
        visitor.get("/graph/representations/?org=isom"))
    analysis = text_of(visitor.get("/graph/analysis/"))
    assert "Brokers between networks" in analysis and "ISOM" in analysis
    assert "2009" in text_of(visitor.get("/graph/evolution/fedaia/"))


def test_a_hostile_name_stays_text_everywhere(visitor, demo):
    writes.create(Organization, {"id": "hostil", "name": HOSTILE}, actor=ACTOR)
    writes.create(Membership, {"member_organization_id": "hostil", "organization_id": "fedaia"},
                  actor=ACTOR)
    data = data_of(visitor, "focus=fedaia")
    assert HOSTILE in {n["label"] for n in data["nodes"]}  # plain text; the map sets textContent
    for url in ("/graph/table/?focus=fedaia", "/graph/path/?from=hostil&to=isom",
                "/graph/analysis/"):
        body = visitor.get(url).content.decode()
        assert HOSTILE not in body
        assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_ego_network_as_data_for_other_software(visitor, demo):
    data = json.loads(visitor.get("/graph/ego.json?focus=isom&radius=2").content)
    assert {n["id"]: n["distance"] for n in data["nodes"]}["taula-tercer-sector"] == 2
    assert {"source": "isom", "target": "fedaia", "type": "membership", "start": "2009", "end": None} in [
        {k: e[k] for k in ("source", "target", "type", "start", "end")} for e in data["edges"]]
    assert visitor.get("/graph/ego.json").status_code == 400


def test_a_federation_sees_which_of_its_members_bridge_to_other_networks(visitor, demo):
    text = text_of(visitor.get("/graph/analysis/?network=fedaia"))
    assert "Members of FEDAIA that bridge to other networks" in text
    assert "ISOM 2" in text  # two other networks: the Federació and the Coordinadora
