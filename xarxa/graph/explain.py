"""Ties and answers in plain words, in the reader's language.

Each tie becomes one sentence ("ISOM is a member of FEDAIA since 2009"); the
names it needs beyond the nodes' own (an event's, an agreement's) are read
in one query per answer. Every sentence is plain text: templates escape it,
the map puts it in with textContent, exports write it escaped.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from xarxa.core.templatetags.xarxa import partial_date
from xarxa.graph import base as b
from xarxa.graph.store import Lens, seen_by

TYPE_LABELS = {
    "membership": lambda: _("membership"),
    "seat": lambda: _("seat in a body"),
    "representation": lambda: _("representation (on behalf of)"),
    "co-participation": lambda: _("co-participation in events"),
    "agreement": lambda: _("agreement"),
    "part-of": lambda: _("part of"),
}


def type_label(name: str) -> str:
    return TYPE_LABELS[name]()


def chunked(ids: list[str], size: int = 10_000) -> Iterable[list[str]]:
    """Ids a few thousand at a time: SQLite takes a limited number of
    parameters in one query."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


class Words:
    """What the sentences of one answer need: node names as the audience may
    see them, and the names of the records behind co-participations and
    agreements."""

    def __init__(self, lens: Lens, edges: Iterable[int]) -> None:
        self.lens = lens
        base = lens.base
        edges = list(edges)
        self.node_ok = seen_by(lens.audience, base.node_vis, base.node_keeper)
        if lens.audience not in ("all", "public"):
            mine = list(lens.audience[1])
            self.node_ok[mine] |= base.node_vis[mine] == b.PRIVATE
        self.words: dict[str, str] = {}
        self.dates: dict[str, str] = {}
        self.events: dict[str, tuple[str, str]] = {}
        self.agreements: dict[str, str] = {}
        events = {base.record_id(e) for e in edges if base.etype[e] == b.CO_PARTICIPATION}
        agreements = {base.record_id(e) for e in edges if base.etype[e] == b.AGREEMENT}
        if events:
            from xarxa.activity.models import Event

            for chunk in chunked(sorted(events)):
                self.events.update({i: (n, s or "") for i, n, s in Event.objects.filter(
                    id__in=chunk).values_list("id", "name", "start_date")})
        if agreements:
            from xarxa.training.models import Agreement

            for chunk in chunked(sorted(agreements)):
                self.agreements.update(Agreement.objects.filter(id__in=chunk).values_list("id", "name"))

    # A map's answer holds thousands of ties: each sentence's words are
    # looked up once per answer, not once per tie.
    def t(self, msgid: str) -> str:
        found = self.words.get(msgid)
        if found is None:
            found = self.words[msgid] = _(msgid)
        return found

    def date(self, value: str) -> str:
        found = self.dates.get(value)
        if found is None:
            found = self.dates[value] = partial_date(value)
        return found

    def dated(self, start: str | None, end: str | None) -> str:
        if start and end:
            return " " + self.t(gettext_noop("from %(start)s to %(end)s")) % {
                "start": self.date(start), "end": self.date(end)}
        if start:
            return " " + self.t(gettext_noop("since %(start)s")) % {"start": self.date(start)}
        if end:
            return " " + self.t(gettext_noop("until %(end)s")) % {"end": self.date(end)}
        return ""

    def name(self, node: int) -> str:
        if node == b.NO_NODE:
            return ""
        if not self.node_ok[node]:
            return _("an organisation not shown") if self.lens.base.kinds[node] != b.PERSON \
                else _("a person not shown")
        return self.lens.base.names[node]

    def body(self, node: int, network: int) -> str:
        """A body, with its network when that is not obvious: "the board of FEDAIA"."""
        if node == b.NO_NODE or node == network:
            return self.name(network)
        return self.t(gettext_noop("%(body)s of %(network)s")) % {
            "body": self.name(node), "network": self.name(network)}

    def sentence(self, edge: int) -> str:
        base = self.lens.base
        kind = int(base.etype[edge])
        a, c = int(base.src[edge]), int(base.dst[edge])
        start = b.key_text(int(base.start[edge]))
        end = b.key_text(int(base.end[edge]), is_end=True)
        names = {"a": self.name(a), "b": self.name(c)}
        via, other = int(base.via[edge]), int(base.other[edge])
        if kind == b.MEMBERSHIP:
            if other != b.NO_NODE:
                return self.t(gettext_noop("%(a)s is a member of %(b)s, represented by %(other)s")) % {
                    **names, "other": self.name(other)} + self.dated(start, end)
            return self.t(gettext_noop("%(a)s is a member of %(b)s")) % names + self.dated(start, end)
        if kind == b.SEAT:
            network = int(base.rep[c])
            where = self.body(c, network)
            if other != b.NO_NODE:
                return self.t(gettext_noop("%(a)s holds a seat on %(body)s, filled by %(other)s")) % {
                    "a": names["a"], "body": where, "other": self.name(other)} + self.dated(start, end)
            return self.t(gettext_noop("%(a)s sits on %(body)s")) % {
                "a": names["a"], "body": where} + self.dated(start, end)
        if kind == b.REPRESENTATION:
            network = int(base.rep[via]) if via != b.NO_NODE else b.NO_NODE
            return self.t(gettext_noop("%(a)s represents %(b)s on %(body)s")) % {
                **names, "body": self.body(via, network)} + self.dated(start, end)
        if kind == b.CO_PARTICIPATION:
            name, when = self.events.get(base.record_id(edge), ("", start or ""))
            event = {"event": name, "date": self.date(when[:10])}
            if via in (a, c):
                # One of them held it: "ISOM took part in the meeting of FEDAIA's board".
                guest, host = (a, c) if via == c else (c, a)
                return self.t(gettext_noop("%(a)s took part in %(event)s (%(date)s), held by %(host)s")) % {
                    "a": self.name(guest), "host": self.body(host, int(base.rep[host])), **event}
            return self.t(gettext_noop("%(a)s and %(b)s took part in %(event)s (%(date)s)")) % {
                **names, **event}
        if kind == b.AGREEMENT:
            return self.t(gettext_noop("%(a)s and %(b)s are parties to the agreement %(agreement)s")) % {
                **names, "agreement": self.agreements.get(base.record_id(edge), "")} + self.dated(start, end)
        return self.t(gettext_noop("%(a)s is part of %(b)s")) % names


def step_sentences(lens: Lens, edges: list[int], said: dict[int, str]) -> list[str]:
    """The sentences for the ties between two organisations, most telling
    first; more than two events in common are summed up in one sentence."""
    base = lens.base
    ties = [e for e in edges if base.etype[e] != b.CO_PARTICIPATION]
    events = [e for e in edges if base.etype[e] == b.CO_PARTICIPATION]
    out = [said[e] for e in ties]
    if len(events) <= 2:
        return out + [said[e] for e in events]
    latest = max(events, key=lambda e: int(base.start[e]))
    return out + [ngettext(
        "they took part in %(n)d event together, the latest: %(last)s",
        "they took part in %(n)d events together, the latest: %(last)s", len(events)) % {
        "n": len(events), "last": said[latest]}]


def count_phrase(nodes: int, edges: int) -> str:
    return ngettext("%(n)d organisation", "%(n)d organisations", nodes) % {"n": nodes} + ", " + \
        ngettext("%(n)d tie", "%(n)d ties", edges) % {"n": edges}


def left_out_phrase(nodes: int, limit: int) -> str:
    if not nodes:
        return ""
    return " " + ngettext(
        "Past the limit of %(limit)d, the %(n)d least connected organisation further away is "
        "left out.",
        "Past the limit of %(limit)d, the %(n)d least connected organisations further away are "
        "left out.", nodes) % {"n": nodes, "limit": limit}


def as_of_phrase(as_of: str | None) -> str:
    if not as_of:
        return _("at any time")
    return _("as of %(date)s") % {"date": partial_date(as_of)}


def sentences(lens: Lens, edges: Iterable[int]) -> dict[int, str]:
    edges = [int(e) for e in edges]
    words = Words(lens, edges)
    return {e: words.sentence(e) for e in edges}
