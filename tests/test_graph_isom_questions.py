"""The questions a coordinator asks of ISOM's network, answered from the demo
and explained in words: how ISOM reaches the Taula (through FEDAIA, whose
seat it fills), who speaks for whom, and the network as of an earlier year."""

import pytest
from django.utils import translation

from xarxa.graph import questions, store


@pytest.fixture
def lens(demo):
    return store.lens(store.OPERATOR)


def names(lens, vertices):
    return [lens.base.names[v] for v in vertices]


def test_isom_reaches_the_taula_through_fedaia(lens):
    found = questions.path(lens, "isom", "taula-tercer-sector")
    assert found.found
    assert names(lens, found.nodes) == ["ISOM", "FEDAIA", "Taula del Tercer Sector"]
    text = found.explanation
    assert text.startswith("ISOM reaches Taula del Tercer Sector in 2 steps")
    # ISOM → FEDAIA: a member since 2009, and its representative at the Taula.
    assert "ISOM is a member of FEDAIA since 2009" in text
    assert "ISOM represents FEDAIA on Grup de treball d'innovació i qualitat of Taula del Tercer Sector" \
        in text
    # FEDAIA → Taula: the seat is FEDAIA's, ISOM fills it.
    assert ("FEDAIA holds a seat on Grup de treball d'innovació i qualitat of Taula del Tercer Sector, "
            "filled by ISOM") in text


def test_the_representation_chain_says_who_speaks_for_whom_where(lens):
    chains, text = questions.representations(lens, "isom")
    assert text == "ISOM takes part in 1 representation, at any time."
    assert [c.sentences for c in chains] == [[
        "ISOM represents FEDAIA on Grup de treball d'innovació i qualitat of Taula del Tercer Sector"]]
    # FEDAIA is spoken for: the same chain, seen from the other end.
    assert [c.sentences for c in questions.representations(lens, "fedaia")[0]] == \
        [c.sentences for c in chains]


def test_as_of_2008_isom_belongs_to_neither_federation(demo):
    # The demo dates ISOM's FEDAIA membership from 2009 (the source page,
    # read in 2019, says "for 10 years"), and the Federació's "since 2009".
    before = store.lens(store.OPERATOR, as_of="2008", types={"membership"})
    answer = questions.ego(before, "isom", 1)
    assert names(before, answer.nodes) == ["ISOM", "Coordinadora d'Entitats Congrés-Indians"]
    after = store.lens(store.OPERATOR, as_of="2010", types={"membership"})
    assert "FEDAIA" in names(after, questions.ego(after, "isom", 1).nodes)


def test_an_undated_seat_holds_at_any_date(demo):
    # ISOM's seats on FEDAIA's bodies carry no date in the source: as the
    # directory does, Xarxa takes an undated tie as holding at any date.
    before = store.lens(store.OPERATOR, as_of="2008", types={"seat"})
    assert "FEDAIA" in names(before, questions.ego(before, "isom", 1).nodes)


def test_the_ego_network_names_its_size_and_what_it_left_out(lens):
    answer = questions.ego(lens, "isom", 1, limit=3)
    assert len(answer.nodes) == 3
    assert answer.nodes[0] == lens.vertex("isom")
    assert answer.left_out_nodes == answer.total_nodes - 3 > 0
    assert "Past the limit of 3" in answer.explanation
    assert "left out" in answer.explanation


def test_isom_is_a_broker_between_its_networks(lens):
    measures = questions.centrality(lens)
    rows = questions.brokers(lens, measures)
    assert rows[0][0] == lens.vertex("isom")
    assert rows[0][1] == 3  # FEDAIA, the Federació, the Coordinadora
    # FEDAIA's members that bridge to other networks: ISOM, to two more.
    assert questions.brokers(lens, measures, network_id="fedaia") == [
        (lens.vertex("isom"), 2, rows[0][2])]


def test_networks_sharing_isom_overlap(lens):
    pairs = {(lens.base.ids[a], lens.base.ids[c]): (shared, jaccard)
             for a, c, shared, jaccard in questions.overlaps(lens)}
    assert pairs[("fedaia", "federacio-cooperatives-treball")] == (1, 1.0)


def test_evolution_counts_joining_per_year(demo):
    lens = store.lens(store.OPERATOR, types={"membership"})
    rows, text = questions.evolution(lens, "fedaia")
    assert rows == [(2009, 1, 0, 1)]
    assert text.startswith("Organisations joining and leaving FEDAIA each year")


@pytest.mark.parametrize(("lang", "words"), [
    ("ca", ["ISOM", "FEDAIA", "2009"]),
    ("es", ["ISOM", "FEDAIA", "2009"]),
    ("en", ["reaches", "represents", "since 2009"]),
])
def test_the_path_is_explained_in_each_language(lens, lang, words):
    with translation.override(lang):
        text = questions.path(lens, "isom", "taula-tercer-sector").explanation
    for word in words:
        assert word in text
    if lang != "en":
        assert "reaches" not in text and "represents" not in text
