"""The graph follows every change: a write through the one write path moves
the history on, and the next question reads the network again."""

from xarxa.core import writes
from xarxa.graph import questions, store
from xarxa.network.models import Membership

ACTOR = writes.Actor("test")


def test_a_new_membership_is_in_the_next_answer(demo):
    lens = store.lens(store.OPERATOR, types={"membership"})
    direct = [lens.vertex("coordinadora-congres-indians"), lens.vertex("fedaia")]
    assert questions.path(lens, "coordinadora-congres-indians", "fedaia").nodes != direct
    writes.create(Membership, {"member_organization_id": "coordinadora-congres-indians",
                               "organization_id": "fedaia", "start_date": "2024"}, actor=ACTOR)
    lens = store.lens(store.OPERATOR, types={"membership"})
    found = questions.path(lens, "coordinadora-congres-indians", "fedaia")
    assert found.nodes == [lens.vertex("coordinadora-congres-indians"), lens.vertex("fedaia")]
    assert "is a member of FEDAIA since 2024" in found.explanation


def test_an_ended_membership_leaves_today_s_network(demo):
    tie = Membership.objects.get(member_organization_id="isom", organization_id="fedaia")
    writes.update(tie, {"end_date": "2020"}, actor=ACTOR)
    today = store.lens(store.OPERATOR, as_of="2026-01-01", types={"membership"})
    assert "FEDAIA" not in [today.base.names[v] for v in questions.ego(today, "isom", 1).nodes]
    then = store.lens(store.OPERATOR, as_of="2015", types={"membership"})
    assert "FEDAIA" in [then.base.names[v] for v in questions.ego(then, "isom", 1).nodes]
