"""The whole network as arrays: every node and every typed, dated tie, read
from the database in a few queries and kept in memory (`store` caches it and
rebuilds it when the history moves on).

Nodes are organisations (bodies included) and people. Edges are derived from
the records, each keeping where it came from:

- a membership of a member M in an organisation or body X is a `membership`
  tie M–X, or a `seat` when X is a body (or the membership names a post);
- held on behalf of B, it is two ties: B holds the seat (`seat` B–X, "held
  by M") and M speaks for B (`representation` M–B, "in X"). So ISOM, sitting
  in the Taula's working group on behalf of FEDAIA, reaches the Taula through
  FEDAIA: the seat is FEDAIA's, ISOM fills it;
- organisations taking part in the same event are tied by
  `co-participation` for a year from the event; an event with more than
  `CROWD` organisations ties each to the event's organiser instead (a festa
  major with 300 entities would otherwise make 45,000 ties);
- the parties of an agreement are tied by `agreement` while it is in force;
- a body is `part-of` its network (shown only when bodies are unfolded).

Dates become integer keys so that "current on a day" is a vector comparison
with exactly the rule of `core.dates.is_current`: a start `2015` or
`2015-06` starts on its first day, an end `2015` or `2015-06` holds to its
last one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xarxa.core import dates

# Edge types, in the order of their codes.
MEMBERSHIP, SEAT, REPRESENTATION, CO_PARTICIPATION, AGREEMENT, PART_OF = range(6)
EDGE_TYPES = ("membership", "seat", "representation", "co-participation", "agreement", "part-of")
TYPE_CODE = {name: code for code, name in enumerate(EDGE_TYPES)}

# Node kinds.
ORGANIZATION, BODY, PERSON = range(3)
NODE_KINDS = ("organization", "body", "person")

# Visibility codes: what an audience must be to see a node or an edge.
PUBLIC, MEMBERS, PRIVATE, NOBODY = range(4)
VISIBILITY_CODE = {"public": PUBLIC, "members": MEMBERS, "private": PRIVATE}

# Where an edge comes from (its record's collection).
COLLECTIONS = ("memberships", "participations", "agreements", "organizations")

# An event with more organisations than this ties each to its organiser.
CROWD = 40
# A co-participation holds for this long after the event.
CO_PARTICIPATION_DAYS = 365

NO_START = 0
NO_END = 99_999_999
NO_NODE = -1


def start_key(value: str | None) -> int:
    """`2015` → 20150000, `2015-06` → 20150600, `2015-06-07` → 20150607: not
    after any day the partial date may stand for."""
    if not value:
        return NO_START
    parts = value[:10].split("-")
    key = int(parts[0]) * 10_000
    if len(parts) > 1:
        key += int(parts[1]) * 100
    if len(parts) > 2:
        key += int(parts[2])
    return key


def end_key(value: str | None) -> int:
    """`2015` → 20159999, `2015-06` → 20150699: not before any day it may be."""
    if not value:
        return NO_END
    parts = value[:10].split("-")
    key = int(parts[0]) * 10_000
    key += int(parts[1]) * 100 if len(parts) > 1 else 9_900
    key += int(parts[2]) if len(parts) > 2 else 99
    return key


def day_key(as_of: dt.date | str | None) -> int:
    """The day `as_of` stands for (its first day, as `dates.as_of_text`)."""
    return start_key(dates.as_of_text(as_of))


def key_text(key: int, is_end: bool = False) -> str | None:
    """Back from a key to the partial date it was made from."""
    if key in (NO_START, NO_END):
        return None
    year, rest = divmod(key, 10_000)
    month, day = divmod(rest, 100)
    if (not is_end and month == 0) or (is_end and month == 99):
        return f"{year:04d}"
    if (not is_end and day == 0) or (is_end and day == 99):
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def year_of(key: int) -> int | None:
    if key in (NO_START, NO_END):
        return None
    return key // 10_000


@dataclass
class Base:
    """Nodes and edges of the whole installation, as parallel arrays."""

    # -- nodes --------------------------------------------------------------
    ids: list[str]
    names: list[str]
    kinds: np.ndarray  # int8: ORGANIZATION, BODY, PERSON
    classifications: list[str]
    areas: list[str | None]
    node_vis: np.ndarray  # int8 visibility code
    node_keeper: np.ndarray  # int32: node index of the organisation keeping it, or -1
    node_start: np.ndarray  # int32 start keys (founding)
    node_end: np.ndarray  # int32 end keys (dissolution)
    rep: np.ndarray  # int32: the network a body folds into (itself otherwise)
    # -- edges --------------------------------------------------------------
    src: np.ndarray  # int32 node index
    dst: np.ndarray  # int32 node index
    etype: np.ndarray  # int8 edge type
    start: np.ndarray  # int32 start key
    end: np.ndarray  # int32 end key
    vis: np.ndarray  # int8 visibility code
    keeper: np.ndarray  # int32 node index of the organisation keeping a private edge
    via: np.ndarray  # int32: the body a seat or representation is in, or -1
    other: np.ndarray  # int32: who fills a seat held on behalf / for whom one speaks, or -1
    collection: np.ndarray  # int8 index into COLLECTIONS
    record: np.ndarray  # the record's id (bytes)
    generation: int = 0
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {node_id: i for i, node_id in enumerate(self.ids)}

    @property
    def n_nodes(self) -> int:
        return len(self.ids)

    @property
    def n_edges(self) -> int:
        return int(self.src.shape[0])

    def node(self, node_id: str) -> int | None:
        return self.index.get(node_id)

    def record_id(self, edge: int) -> str:
        return bytes(self.record[edge]).decode()

    @property
    def memory_bytes(self) -> int:
        arrays = [self.kinds, self.node_vis, self.node_keeper, self.node_start, self.node_end,
                  self.rep, self.src, self.dst, self.etype, self.start, self.end, self.vis,
                  self.keeper, self.via, self.other, self.collection, self.record]
        return sum(a.nbytes for a in arrays)


class EdgeBuffer:
    """Edges as they are derived, column by column."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {name: [] for name in (
            "src", "dst", "etype", "start", "end", "vis", "keeper", "via", "other",
            "collection", "record")}

    def add(self, src: int, dst: int, etype: int, start: int, end: int, vis: int, keeper: int,
            via: int, other: int, collection: int, record: str) -> None:
        c = self.cols
        c["src"].append(src)
        c["dst"].append(dst)
        c["etype"].append(etype)
        c["start"].append(start)
        c["end"].append(end)
        c["vis"].append(vis)
        c["keeper"].append(keeper)
        c["via"].append(via)
        c["other"].append(other)
        c["collection"].append(collection)
        c["record"].append(record.encode())

    def arrays(self) -> dict[str, Any]:
        c = self.cols
        out: dict[str, Any] = {
            name: np.array(c[name], dtype=np.int32)
            for name in ("src", "dst", "start", "end", "keeper", "via", "other")
        }
        for name in ("etype", "vis", "collection"):
            out[name] = np.array(c[name], dtype=np.int8)
        out["record"] = np.array(c["record"], dtype=bytes) if c["record"] else np.array([], dtype="S1")
        return out


def strictest(*pairs: tuple[int, int]) -> tuple[int, int]:
    """The visibility of a tie made of several records: the strictest one; two
    private records kept by different organisations make it visible to
    nobody but the site's administrators."""
    vis, keeper = PUBLIC, NO_NODE
    for v, k in pairs:
        if v == PRIVATE and vis == PRIVATE and k != keeper:
            return NOBODY, NO_NODE
        if v > vis:
            vis, keeper = v, k
    return vis, keeper


def generation_of(using: str = "default") -> int:
    """The newest history id: every write moves it on."""
    from xarxa.history.models import newest_change_id

    return newest_change_id(using)


ORG_COLUMNS = ("id", "name", "classification", "parent_id", "area_id", "visibility", "owner_id",
               "founding_date", "dissolution_date")
PERSON_COLUMNS = ("id", "name", "visibility", "owner_id")


def org_node(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """(name, kind, classification, area, visibility, keeper id, start, end, parent)."""
    oid, name, classification, parent, area, vis, owner, founded, dissolved = row
    # An organisation's private record is kept by its owner, or itself.
    return (name, BODY if parent else ORGANIZATION, classification, area,
            VISIBILITY_CODE.get(vis, NOBODY), owner or oid, start_key(founded), end_key(dissolved),
            parent)


def person_node(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pid, name, vis, owner = row
    return (name, PERSON, "", None, VISIBILITY_CODE.get(vis, NOBODY), owner, NO_START, NO_END, None)


class Deriver:
    """Turns records into edges, given where each node is."""

    def __init__(self, index: dict[str, int], kinds: Any, using: str) -> None:
        self.index = index
        self.kinds = kinds
        self.using = using
        self.edges = EdgeBuffer()

    def at(self, node_id: str | None) -> int:
        return self.index.get(node_id, NO_NODE) if node_id else NO_NODE

    def part_of(self, pairs: Iterable[tuple[str, str | None]]) -> None:
        for body, parent in pairs:
            if parent and self.at(parent) != NO_NODE and self.at(body) != NO_NODE:
                self.edges.add(self.at(body), self.at(parent), PART_OF, NO_START, NO_END, PUBLIC,
                               NO_NODE, NO_NODE, NO_NODE, 3, body)

    def memberships(self, ids: Iterable[str] | None = None) -> None:
        from xarxa.network.models import Membership, Post

        at, edges = self.at, self.edges
        rows = Membership.objects.using(self.using).order_by()
        posts = Post.objects.using(self.using).order_by()
        if ids is not None:
            rows = rows.filter(pk__in=sorted(ids))
            posts = posts.filter(pk__in=rows.values("post_id"))
        post_org = dict(posts.values_list("id", "organization_id").iterator(chunk_size=20_000))
        for (mid, person, member_org, org, post, behalf, vis, owner, start, end) in (
            rows.values_list(
                "id", "person_id", "member_organization_id", "organization_id", "post_id",
                "on_behalf_of_id", "visibility", "owner_id", "start_date", "end_date",
            ).iterator(chunk_size=50_000)
        ):
            where = at(org or post_org.get(post))
            if where == NO_NODE:
                continue
            member = at(member_org or person)
            tie = SEAT if (post or self.kinds[where] == BODY) else MEMBERSHIP
            s, e = start_key(start), end_key(end)
            v, k = VISIBILITY_CODE.get(vis, NOBODY), at(owner)
            if behalf:
                b = at(behalf)
                if b == NO_NODE:
                    continue
                if b != where:
                    edges.add(b, where, tie, s, e, v, k, where, member, 0, mid)
                if member != NO_NODE and member != b:
                    edges.add(member, b, REPRESENTATION, s, e, v, k, where, NO_NODE, 0, mid)
            elif member != NO_NODE:
                edges.add(member, where, tie, s, e, v, k, NO_NODE, NO_NODE, 0, mid)

    def events(self, ids: Iterable[str] | None = None) -> None:
        """Co-participation: the organisations taking part in the same event."""
        from xarxa.activity.models import Event, Participation

        at = self.at
        rows = Event.objects.using(self.using).order_by()
        parts = Participation.objects.using(self.using).order_by()
        if ids is not None:
            rows = rows.filter(pk__in=sorted(ids))
            parts = parts.filter(event_id__in=sorted(ids))
        events: dict[str, tuple[str, int, int, int]] = {}
        for eid, start, org, vis, owner in rows.values_list(
                "id", "start_date", "organization_id", "visibility", "owner_id").iterator(chunk_size=50_000):
            if start:
                events[eid] = (start[:10], at(org), VISIBILITY_CODE.get(vis, NOBODY), at(owner))
        taking_part: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
        for eid, org, behalf, vis, owner in parts.values_list(
                "event_id", "organization_id", "on_behalf_of_id", "visibility", "owner_id"
        ).iterator(chunk_size=50_000):
            who = at(behalf or org)
            if who == NO_NODE or eid not in events:
                continue
            mine = (VISIBILITY_CODE.get(vis, NOBODY), at(owner))
            seen = taking_part[eid].get(who)
            # Several participations of one organisation: the least strict counts.
            if seen is None or mine[0] < seen[0]:
                taking_part[eid][who] = mine
        for eid, orgs in taking_part.items():
            self.co_participation(eid, events[eid], orgs)

    def co_participation(self, eid: str, event: tuple[str, int, int, int],
                         orgs: dict[int, tuple[int, int]]) -> None:
        day, organiser, evis, ekeeper = event
        s = start_key(day)
        if len(day) == 10:
            until = dt.date.fromisoformat(day) + dt.timedelta(days=CO_PARTICIPATION_DAYS)
            e = start_key(until.isoformat())
        else:
            e = end_key(str(int(day[:4]) + 1))
        members = sorted(orgs)
        if len(members) > CROWD and organiser != NO_NODE:
            pairs: Iterable[tuple[int, int]] = ((m, organiser) for m in members if m != organiser)
        else:
            if organiser != NO_NODE and organiser not in orgs:
                members.append(organiser)
            pairs = ((a, b) for i, a in enumerate(members) for b in members[i + 1:])
        for a, b in pairs:
            v, k = strictest((evis, ekeeper), *[orgs[x] for x in (a, b) if x in orgs])
            self.edges.add(a, b, CO_PARTICIPATION, s, e, v, k, organiser, NO_NODE, 1, eid)

    def agreements(self, ids: Iterable[str] | None = None) -> None:
        """Agreements: their parties, while in force."""
        from xarxa.training.models import Agreement

        rows = Agreement.objects.using(self.using).order_by()
        if ids is not None:
            rows = rows.filter(pk__in=sorted(ids))
        for aid, parties, start, end, extended, vis, owner in rows.values_list(
                "id", "parties", "start_date", "end_date", "extended_until", "visibility", "owner_id",
        ).iterator(chunk_size=20_000):
            party_nodes = sorted({self.at(p.get("organization_id")) for p in parties or []
                                  if isinstance(p, dict)} - {NO_NODE})
            s, e = start_key(start), end_key(extended or end)
            v, k = VISIBILITY_CODE.get(vis, NOBODY), self.at(owner)
            for i, a in enumerate(party_nodes):
                for b in party_nodes[i + 1:]:
                    self.edges.add(a, b, AGREEMENT, s, e, v, k, NO_NODE, NO_NODE, 2, aid)


def build(using: str = "default") -> Base:
    """Read the whole network from the database."""
    from xarxa.directory.models import Organization, Person

    generation = generation_of(using)
    ids: list[str] = []
    rows: list[tuple[Any, ...]] = []
    for row in Organization.objects.using(using).order_by().values_list(*ORG_COLUMNS).iterator(
            chunk_size=20_000):
        ids.append(row[0])
        rows.append(org_node(row))
    n_orgs = len(ids)
    for row in Person.objects.using(using).order_by().values_list(*PERSON_COLUMNS).iterator(
            chunk_size=20_000):
        ids.append(row[0])
        rows.append(person_node(row))
    index = {node_id: i for i, node_id in enumerate(ids)}
    names, kinds, classifications, areas, vis, keepers, starts, ends, parents = (
        list(col) for col in zip(*rows, strict=True)) if rows else ([] for __ in range(9))
    kinds_arr = np.array(kinds, dtype=np.int8)
    derive = Deriver(index, kinds_arr, using)
    parent_nodes = [derive.at(p) for p in parents[:n_orgs]]
    derive.part_of((ids[i], parents[i]) for i in range(n_orgs))
    derive.memberships()
    derive.events()
    derive.agreements()
    cols = derive.edges.arrays()
    return Base(
        ids=ids, names=names, kinds=kinds_arr, classifications=classifications, areas=areas,
        node_vis=np.array(vis, dtype=np.int8),
        node_keeper=np.array([derive.at(k) for k in keepers], dtype=np.int32),
        node_start=np.array(starts, dtype=np.int32), node_end=np.array(ends, dtype=np.int32),
        rep=fold_bodies(parent_nodes, len(ids)), generation=generation, index=index, **cols,
    )


@dataclass
class Patch:
    """What `patch` changed: the caller mends its igraph graphs alike."""

    base: Base
    removed: np.ndarray  # old edge indexes taken out
    added: int  # edges appended at the end
    new_nodes: int  # nodes appended at the end


# Above this many changes since the base was read, reading it all again is
# as quick as mending it.
PATCH_LIMIT = 5_000


def patch(old: Base, using: str = "default") -> Patch | None:
    """The base brought up to date from the history written since it was
    read, or None when only reading it all again will do (a body moved to
    another network, a record deleted that others hang from, a large import).

    Re-derives the edges of the changed memberships, events (with their
    participations) and agreements; appends new organisations and people and
    updates the names, kinds of organisation and visibility of changed ones."""
    from xarxa.directory.models import Organization, Person
    from xarxa.history.models import Change

    changes = list(Change.objects.using(using).filter(id__gt=old.generation).order_by("id")
                   .values_list("id", "model", "object_id", "action", "before")[:PATCH_LIMIT + 1])
    if not changes or len(changes) > PATCH_LIMIT:
        return None
    generation = changes[-1][0]
    touched: dict[str, set[str]] = defaultdict(set)
    for __, model, object_id, action, before in changes:
        touched[model].add(object_id)
        if model in ("directory.organization", "directory.person", "network.post") and action == "delete":
            return None
        if model == "network.post" and action == "update":
            return None
        if model == "activity.participation" and isinstance(before, dict) and before.get("event_id"):
            touched["activity.event"].add(str(before["event_id"]))
    # Nodes.
    ids, names, kinds = list(old.ids), list(old.names), old.kinds.copy()
    classifications, areas = list(old.classifications), list(old.areas)
    node_vis, node_keeper = old.node_vis.copy(), old.node_keeper.copy()
    node_start, node_end, rep = old.node_start.copy(), old.node_end.copy(), old.rep.copy()
    index = dict(old.index)
    fresh: list[tuple[str, tuple[Any, ...]]] = []
    if touched["directory.organization"]:
        fresh += [(row[0], org_node(row)) for row in Organization.objects.using(using).filter(
            pk__in=sorted(touched["directory.organization"])).values_list(*ORG_COLUMNS)]
    if touched["directory.person"]:
        fresh += [(row[0], person_node(row)) for row in Person.objects.using(using).filter(
            pk__in=sorted(touched["directory.person"])).values_list(*PERSON_COLUMNS)]
    appended = [node_id for node_id, __ in fresh if node_id not in index]
    for node_id in appended:
        index[node_id] = len(ids)
        ids.append(node_id)
    grow = len(ids) - len(old.ids)
    if grow:
        kinds = np.concatenate((kinds, np.zeros(grow, dtype=np.int8)))
        node_vis = np.concatenate((node_vis, np.zeros(grow, dtype=np.int8)))
        node_keeper = np.concatenate((node_keeper, np.full(grow, NO_NODE, dtype=np.int32)))
        node_start = np.concatenate((node_start, np.zeros(grow, dtype=np.int32)))
        node_end = np.concatenate((node_end, np.zeros(grow, dtype=np.int32)))
        rep = np.concatenate((rep, np.arange(len(old.ids), len(ids), dtype=np.int32)))
        names += [""] * grow
        classifications += [""] * grow
        areas += [None] * grow
    new_bodies: list[tuple[str, str | None]] = []
    for node_id, (name, kind, classification, area, vis, keeper, start, end, parent) in fresh:
        i = index[node_id]
        parent_node = index.get(parent, NO_NODE) if parent else NO_NODE
        if parent and parent_node == NO_NODE:
            return None
        was_body = i < len(old.ids) and old.kinds[i] == BODY
        if i < len(old.ids) and (was_body or kind == BODY) and (
                not was_body or kind != BODY or old.rep[i] != rep[parent_node]):
            return None  # a body moved, or an organisation became one: the folding changes
        if kind == BODY and i >= len(old.ids):
            rep[i] = rep[parent_node]
            new_bodies.append((node_id, parent))
        names[i], kinds[i], classifications[i], areas[i] = name, kind, classification, area
        node_vis[i], node_keeper[i] = vis, index.get(keeper, NO_NODE) if keeper else NO_NODE
        node_start[i], node_end[i] = start, end
    # Edges: take out those of the changed records, derive them again.
    memberships = touched["network.membership"]
    events = touched["activity.event"] | {
        str(e) for e in _events_of(touched["activity.participation"], using)}
    agreements = touched["training.agreement"]
    gone = np.zeros(old.n_edges, dtype=bool)
    for code, records in ((0, memberships), (1, events), (2, agreements)):
        if records:
            gone |= (old.collection == code) & np.isin(old.record, [r.encode() for r in records])
    derive = Deriver(index, kinds, using)
    derive.part_of(new_bodies)
    if memberships:
        derive.memberships(memberships)
    if events:
        derive.events(events)
    if agreements:
        derive.agreements(agreements)
    added = derive.edges.arrays()
    keep = ~gone
    columns: dict[str, Any] = {}
    for name in ("src", "dst", "etype", "start", "end", "vis", "keeper", "via", "other", "collection"):
        columns[name] = np.concatenate((getattr(old, name)[keep], added[name]))
    record = old.record[keep]
    if len(added["record"]):
        width = max(record.dtype.itemsize, added["record"].dtype.itemsize)
        record = np.concatenate((record.astype(f"S{width}"), added["record"].astype(f"S{width}")))
    columns["record"] = record
    new = Base(ids=ids, names=names, kinds=kinds, classifications=classifications, areas=areas,
               node_vis=node_vis, node_keeper=node_keeper, node_start=node_start, node_end=node_end,
               rep=rep, generation=generation, index=index, **columns)
    return Patch(new, np.nonzero(gone)[0], len(added["src"]), grow)


def _events_of(participations: set[str], using: str) -> list[str]:
    if not participations:
        return []
    from xarxa.activity.models import Participation

    return list(Participation.objects.using(using).filter(pk__in=sorted(participations))
                .values_list("event_id", flat=True))


def fold_bodies(parents: Sequence[int], n_nodes: int) -> np.ndarray:
    """For each node, the network it folds into: a body's topmost parent."""
    rep = np.arange(n_nodes, dtype=np.int32)
    for i, parent in enumerate(parents):
        node, hops = parent, 0
        top = i
        while node != NO_NODE and hops < 50:
            top = node
            node = parents[node] if node < len(parents) else NO_NODE
            hops += 1
        rep[i] = top
    return rep


def from_edges(n_nodes: int, pairs: np.ndarray, *, names: Sequence[str] | None = None,
               etype: np.ndarray | None = None, start: np.ndarray | None = None,
               end: np.ndarray | None = None) -> Base:
    """A Base from bare edges (organisations 0…n-1, all public): what the
    benchmark compares with igraph and networkx on the same edges."""
    m = int(pairs.shape[0])
    ids = [f"o{i}" for i in range(n_nodes)]
    return Base(
        ids=ids, names=list(names) if names is not None else ids,
        kinds=np.zeros(n_nodes, dtype=np.int8), classifications=[""] * n_nodes,
        areas=[None] * n_nodes, node_vis=np.zeros(n_nodes, dtype=np.int8),
        node_keeper=np.full(n_nodes, NO_NODE, dtype=np.int32),
        node_start=np.full(n_nodes, NO_START, dtype=np.int32),
        node_end=np.full(n_nodes, NO_END, dtype=np.int32),
        rep=np.arange(n_nodes, dtype=np.int32),
        src=np.ascontiguousarray(pairs[:, 0], dtype=np.int32),
        dst=np.ascontiguousarray(pairs[:, 1], dtype=np.int32),
        etype=etype if etype is not None else np.zeros(m, dtype=np.int8),
        start=start if start is not None else np.full(m, NO_START, dtype=np.int32),
        end=end if end is not None else np.full(m, NO_END, dtype=np.int32),
        vis=np.zeros(m, dtype=np.int8), keeper=np.full(m, NO_NODE, dtype=np.int32),
        via=np.full(m, NO_NODE, dtype=np.int32), other=np.full(m, NO_NODE, dtype=np.int32),
        collection=np.zeros(m, dtype=np.int8), record=np.zeros(m, dtype="S1"),
    )
