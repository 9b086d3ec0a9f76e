"""On generated graphs, the answers agree with networkx: shortest path
lengths, ego networks, components; an answer past its limit keeps the
nearest and best connected nodes and counts the rest."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xarxa.graph import base, questions, store


def load(n, pairs, **columns):
    s = store.Store()
    s.load(base.from_edges(n, np.array(pairs, dtype=np.int32).reshape(-1, 2), **columns))
    return s, s.cut(s.base, "all", None, frozenset(base.EDGE_TYPES), False, False)


def as_networkx(n, pairs):
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((a, c) for a, c in pairs if a != c)
    return g


graphs = st.integers(2, 40).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=120)))


@settings(max_examples=60, deadline=None)
@given(graphs, st.data())
def test_shortest_paths_are_as_short_as_networkx_s(graph, data):
    n, pairs = graph
    __, lens = load(n, pairs)
    reference = as_networkx(n, pairs)
    a, z = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    found = questions.path(lens, f"o{a}", f"o{z}")
    if nx.has_path(reference, a, z):
        assert found.found
        assert len(found.nodes) - 1 == nx.shortest_path_length(reference, a, z)
        for u, w in zip(found.nodes, found.nodes[1:]):
            assert reference.has_edge(u, w)
    else:
        assert not found.found


@settings(max_examples=60, deadline=None)
@given(graphs, st.data())
def test_ego_networks_match_networkx(graph, data):
    n, pairs = graph
    __, lens = load(n, pairs)
    reference = as_networkx(n, pairs)
    v, radius = data.draw(st.integers(0, n - 1)), data.draw(st.integers(1, 3))
    answer = questions.ego(lens, f"o{v}", radius)
    assert set(answer.nodes) == set(nx.ego_graph(reference, v, radius=radius).nodes)
    expected = nx.single_source_shortest_path_length(reference, v, cutoff=radius)
    assert answer.distance == expected


def test_a_hub_s_neighbourhood_is_cut_to_the_limit_nearest_first():
    rng = np.random.default_rng(3)
    hub_ties = [(0, i) for i in range(1, 3001)]
    others = rng.integers(1, 3001, size=(6000, 2)).tolist()
    pairs = hub_ties + others + [(i, i + 3000) for i in range(1, 3000)]
    __, lens = load(6000, pairs)
    answer = questions.ego(lens, "o0", 2, limit=2000)
    assert len(answer.nodes) == 2000
    assert answer.total_nodes == len(nx.ego_graph(as_networkx(6000, pairs), 0, radius=2))
    assert answer.left_out_nodes == answer.total_nodes - 2000
    # The hub, then its neighbours (distance 1) before anyone further.
    assert answer.nodes[0] == 0
    assert all(answer.distance[v] <= 1 for v in answer.nodes)
    assert "Past the limit of 2000" in answer.explanation


def test_components_and_stats_agree_with_networkx():
    rng = np.random.default_rng(5)
    pairs = rng.integers(0, 500, size=(400, 2)).tolist()
    __, lens = load(500, pairs)
    stats = questions.stats(lens)
    reference = as_networkx(500, pairs)
    assert stats["components"] == nx.number_connected_components(reference)
    assert stats["largest_component"] == max(len(c) for c in nx.connected_components(reference))


def test_sampled_betweenness_states_its_error_and_ranks_like_the_exact_one():
    reference = nx.barabasi_albert_graph(800, 3, seed=2)
    pairs = list(reference.edges)
    __, lens = load(800, pairs)
    exact = questions.centrality(lens)
    sampled = questions.centrality(lens, sources=200)
    assert exact.sampled == 0 and sampled.sampled == 200
    assert 0 < sampled.error < 0.5
    top_exact = set(np.argsort(-exact.betweenness)[:10].tolist())
    top_sampled = set(np.argsort(-sampled.betweenness)[:10].tolist())
    assert len(top_exact & top_sampled) >= 6
    ratio = sampled.betweenness[list(top_exact)].sum() / exact.betweenness[list(top_exact)].sum()
    assert ratio == pytest.approx(1, abs=0.25)
    nx_exact = nx.betweenness_centrality(reference, normalized=False)
    assert exact.betweenness[0] == pytest.approx(nx_exact[0])


def test_communities_are_found_in_a_graph_of_cliques():
    pairs = [(a, c) for k in range(4) for a in range(k * 10, k * 10 + 10)
             for c in range(a + 1, k * 10 + 10)] + [(9, 10), (19, 20), (29, 30)]
    __, lens = load(40, pairs)
    found = questions.communities(lens)
    assert sorted(sorted(g) for g in found.groups) == [list(range(k * 10, k * 10 + 10)) for k in range(4)]
    assert found.modularity > 0.6
