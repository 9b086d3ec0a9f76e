"""What the records say about an organisation's network work, as of a day or
during a year, as far as a viewer may see: the facts the "Treball en xarxa"
page and the annual report are written from.

Everything here reads, in a fixed handful of queries whatever the size of
the organisation's network (docs/reports.md), and returns plain dataclasses;
the wording is `page.py`'s and the report's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q, Sum, TextField
from django.db.models.functions import Cast

from xarxa.accounts.rules import Viewer
from xarxa.activity.models import Campaign, Event, Participation, Theme
from xarxa.core import dates
from xarxa.directory.models import Organization
from xarxa.directory.views import area_chain, membership_q, participation_q, person_name
from xarxa.network.models import Membership
from xarxa.territory.models import Area
from xarxa.training.models import Agreement, Placement, Programme

# Bodies nest in bodies in networks, this deep at most.
MAX_DEPTH = 6
# Ids per IN (…) list, at most.
CHUNK = 10_000


@dataclass(frozen=True)
class Period:
    """What the facts are read over: one day (`as_of`, the page) or a year
    (`first` to `last`, the report). A tie counts when it holds on some day
    of the period."""

    first: str  # YYYY-MM-DD
    last: str

    @classmethod
    def day(cls, as_of: object = None) -> Period:
        day = dates.as_of_text(as_of)  # type: ignore[arg-type]
        return cls(day, day)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(f"{year:04d}-01-01", f"{year:04d}-12-31")

    def q(self, start: str = "start_date", end: str = "end_date") -> Q:
        """Holds on some day of the period (the rule of `dates.current_q`
        widened from one day to a span)."""
        started = Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": self.last})
        day = self.first
        not_ended = (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
                     | Q(**{end: day[:7]}) | Q(**{end: day[:4]}))
        return started & not_ended

    def holds(self, start: str | None, end: str | None) -> bool:
        started = start is None or start <= self.last
        day = self.first
        not_ended = end is None or end >= day or end == day[:7] or end == day[:4]
        return started and not_ended

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    def has_event(self, start: str | None) -> bool:
        """An event of the period: as of a day, any event started by then
        (an undated one too: the festivals it takes part in); over a year,
        those that start in it."""
        if start is None:
            return self.is_day
        return start[:10] <= self.last and (self.is_day or start[:10] >= self.first)

    def events_q(self, start: str = "start_date") -> Q:
        """`has_event` as a database filter."""
        if self.is_day:
            return Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lt": self.last + "~"})
        return Q(**{f"{start}__gte": self.first, f"{start}__lt": self.last + "~"})


@dataclass
class Seat:
    """A place in a body (or in a network itself) held by the organisation or
    on its behalf: who sits there, and for whom."""

    membership: Membership
    body: Organization
    network: Organization
    sitter: str | None  # a person's name when the viewer may see them; the org's name
    sitter_is_person: bool
    on_behalf_of: Organization | None  # it sits there representing this one
    start: str | None
    end: str | None
    role: str
    post: str

    @property
    def in_network_itself(self) -> bool:
        return self.body.pk == self.network.pk


@dataclass
class NetworkTie:
    """A network the organisation belongs to or sits in."""

    network: Organization
    membership: Membership | None  # its own membership, when it is a member
    seats: list[Seat] = field(default_factory=list)  # in the network's bodies
    activities: list[Activity] = field(default_factory=list)  # with this network

    @property
    def since(self) -> str | None:
        return self.membership.start_date if self.membership else None

    @property
    def until(self) -> str | None:
        return self.membership.end_date if self.membership else None

    @property
    def representations(self) -> list[Seat]:
        return [s for s in self.seats if s.on_behalf_of is not None]


@dataclass(frozen=True)
class SeriesEvent:
    """The first event of a series, as a report shows it: read as a row, not
    a model (an organisation may have a thousand series)."""

    pk: str
    name: str
    classification: str
    organization_id: str | None
    start_date: str | None
    sources_text: str | None

    @property
    def sources(self) -> list[dict[str, str]]:
        """Its sources, decoded when a report cites them."""
        try:
            value = json.loads(self.sources_text) if self.sources_text else []
        except ValueError:
            return []
        return value if isinstance(value, list) else []


@dataclass
class Activity:
    """A community activity or festival the organisation takes part in: the
    first event of its series (a festa major's activities and yearly
    editions add up under it), with the roles it had and what for."""

    event: SeriesEvent
    network: Organization | None
    roles: list[str]
    objectives: list[str]
    editions: int  # events of the series it took part in, in the period
    people_reached: int
    hours: float


@dataclass
class CampaignFacts:
    campaign: Campaign
    values: list[str]  # labels in the active language
    themes: list[Theme]
    actions: int
    people_reached: int


@dataclass
class Training:
    agreements: list[Agreement]
    universities: list[Organization]
    programmes: list[Programme]
    placements: list[Placement]
    students: list[str | None]  # names the viewer may see, None for the others
    received: list[Activity]  # training its own people receive


@dataclass
class Facts:
    org: Organization
    name: str
    period: Period
    areas: list[Area]  # its seat and where that lies
    service_areas: list[Area]  # where it takes part in events
    networks: list[NetworkTie]  # current in the period, by date of joining
    past: list[NetworkTie]  # memberships that ended before the period
    represented_by: list[Seat]  # others sitting somewhere on its behalf
    activities: list[Activity]  # community activities and festivals
    campaigns: list[CampaignFacts]
    training: Training
    sources: list[dict[str, str]]


def network_of(org: Organization, known: dict[str, Organization]) -> Organization:
    node, hops = org, 0
    while node.parent_id and hops < MAX_DEPTH:
        parent = known.get(node.parent_id)
        if parent is None:
            break
        node, hops = parent, hops + 1
    return node


def ancestors(orgs: Iterable[Organization]) -> dict[str, Organization]:
    """The organisations and the networks above them, by id, one query a
    level."""
    known = {o.pk: o for o in orgs}
    wanted = {o.parent_id for o in known.values() if o.parent_id} - set(known)
    for __ in range(MAX_DEPTH):
        if not wanted:
            break
        found = list(Organization.objects.filter(pk__in=wanted))
        known.update((o.pk, o) for o in found)
        wanted = {o.parent_id for o in found if o.parent_id} - set(known)
    return known


# An event as `_activities` walks its series: id → (parent, first edition,
# classification, area).
_EventRow = tuple[str | None, str | None, str, str | None]


def _root(pk: str, events: dict[str, _EventRow]) -> str:
    """The first event of a series: up its parents (a festa major's
    activities) and its editions (next year's festa)."""
    seen = {pk}
    node = pk
    while True:
        parent, first, __, __area = events[node]
        up = parent or first
        if not up or up in seen or up not in events:
            return node
        seen.add(up)
        node = up


@lru_cache(maxsize=256)
def _json_list(text: str | None) -> tuple[str, ...]:
    """A JSON list of strings as its text holds it (objectives)."""
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return ()
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _load_events(first: set[str]) -> dict[str, _EventRow]:
    """The events and every event above them (parents, first editions), as
    plain rows: thousands of events, read without making a model of each."""
    events: dict[str, _EventRow] = {}
    wanted = sorted(first)
    for __ in range(MAX_DEPTH * 2):
        if not wanted:
            break
        found: list[tuple[str, str | None, str | None, str, str | None]] = []
        for i in range(0, len(wanted), CHUNK):
            found += Event.objects.filter(pk__in=wanted[i:i + CHUNK]).order_by().values_list(
                "id", "parent_id", "repeat_of_id", "classification", "area_id")
        events.update((pk, (parent, first_, kind, area)) for pk, parent, first_, kind, area in found)
        wanted = sorted({x for __pk, parent, first_, __k, __a in found for x in (parent, first_) if x}
                        - set(events))
    return events


COMMUNITY = {Event.Classification.FESTIVAL, Event.Classification.COMMUNITY_ACTIVITY,
             Event.Classification.AWARENESS_ACTION, Event.Classification.WORKSHOP,
             Event.Classification.TALK}


def gather(org: Organization, v: Viewer, period: Period, *, lang: str = "ca") -> Facts:
    """The facts of `org`'s network work over `period` that `v` may see."""
    mq = membership_q(v)
    seats_rows = list(
        Membership.objects.filter(Q(member_organization=org) | Q(on_behalf_of=org))
        .filter(mq).select_related("organization", "person", "post__organization",
                                   "member_organization", "on_behalf_of")
        .order_by("start_date", "pk"))
    # The body or network of each: its own, or its seat's (a post names it).
    known = ancestors([where for m in seats_rows if (where := _place(m)) is not None])

    ties: dict[str, NetworkTie] = {}
    past: dict[str, NetworkTie] = {}
    represented_by: list[Seat] = []
    for m in seats_rows:
        where = _place(m)
        if where is None:
            continue
        network = network_of(known.get(where.pk, where), known)
        if not v.sees(network):
            continue
        current = period.holds(m.start_date, m.end_date)
        if m.member_organization_id != org.pk:
            # Someone else (a person, another organisation) sits for it.
            if current:
                represented_by.append(_seat(m, where, network, v))
            continue
        if not current:
            if m.organization_id == network.pk and (m.end_date or "9999") < period.first:
                past.setdefault(network.pk, NetworkTie(network, m))
            continue
        tie = ties.setdefault(network.pk, NetworkTie(network, None))
        if m.organization_id == network.pk and m.post_id is None:
            if tie.membership is None or (m.start_date or "") < (tie.membership.start_date or ""):
                tie.membership = m
        else:
            tie.seats.append(_seat(m, where, network, v))
    # People who sit for it count as its seats, in the network they sit in.
    for seat in represented_by:
        if seat.sitter_is_person:
            ties.setdefault(seat.network.pk, NetworkTie(seat.network, None)).seats.append(seat)
    represented_by = [s for s in represented_by if not s.sitter_is_person]
    for pk in list(past):
        if pk in ties and ties[pk].membership is not None:
            del past[pk]

    activities, received, service_areas = _activities(org, v, period, ties)
    networks = sorted(ties.values(), key=lambda t: (
        t.membership is None, t.since or "9999", t.network.name.casefold()))
    for tie in networks:
        tie.seats.sort(key=lambda s: (s.in_network_itself, s.body.name.casefold()))

    areas = area_chain(org.area, v) if org.area_id else []
    return Facts(
        org=org, name=org.name_in(lang), period=period, areas=areas,
        service_areas=[a for a in service_areas if a.pk not in {x.pk for x in areas}],
        networks=networks, past=sorted(past.values(), key=lambda t: t.until or ""),
        represented_by=represented_by, activities=activities,
        campaigns=_campaigns(org, v, period), training=_training(org, v, period, received),
        sources=_sources([org, *[t.network for t in networks]]),
    )


def _place(m: Membership) -> Organization | None:
    """Where a membership sits: its body or network, or its post's."""
    return m.organization or (m.post.organization if m.post else None)


def _seat(m: Membership, where: Organization, network: Organization, v: Viewer) -> Seat:
    if m.person_id:
        sitter, is_person = person_name(v, m.person), True
    else:
        sitter, is_person = (m.member_organization.name if m.member_organization else None), False
    return Seat(membership=m, body=where, network=network, sitter=sitter, sitter_is_person=is_person,
                on_behalf_of=m.on_behalf_of if m.member_organization_id and m.on_behalf_of_id
                and m.on_behalf_of_id != m.member_organization_id else None,
                start=m.start_date, end=m.end_date, role=m.role, post=m.post.label if m.post else "")


def _activities(org: Organization, v: Viewer, period: Period, ties: dict[str, NetworkTie]
                ) -> tuple[list[Activity], list[Activity], list[Area]]:
    """Its community activities and training received in the period, one per
    series, with what it did in them. The participations are summed by event
    and role in the database (ten thousand become a few thousand rows)."""
    mine = (Participation.objects.filter(Q(organization=org) | Q(on_behalf_of=org))
            .filter(participation_q(v)).filter(period.events_q("event__start_date"))
            .exclude(event__status=Event.Status.CANCELLED).order_by())
    # One row per event, role and list of objectives (as its JSON text: a few
    # distinct lists, decoded once each).
    rows = list(mine.annotate(aims=Cast("objectives", TextField()))
                .values_list("event_id", "role", "aims")
                .annotate(reached=Sum("people_reached"), hours=Sum("hours")))
    events = _load_events({r[0] for r in rows})
    series: dict[str, dict] = {}
    area_ids: set[str] = set()
    for event_id, role, aims, reached, hours in rows:
        entry = series.setdefault(_root(event_id, events), {"roles": [], "objectives": [], "events": set(),
                                                           "reached": 0, "hours": 0.0})
        if role and role not in entry["roles"]:
            entry["roles"].append(role)
        for o in _json_list(aims):
            if o not in entry["objectives"]:
                entry["objectives"].append(o)
        entry["events"].add(event_id)
        entry["reached"] += reached or 0
        entry["hours"] += float(hours or 0)
        area = events[event_id][3]
        if area:
            area_ids.add(area)
    firsts = sorted(series)
    roots = {row[0]: SeriesEvent(*row) for i in range(0, len(firsts), CHUNK)
             for row in v.visible(Event.objects.filter(pk__in=firsts[i:i + CHUNK]))
             .annotate(sources_text=Cast("sources", TextField())).order_by()
             .values_list("id", "name", "classification", "organization_id", "start_date",
                          "sources_text")}
    networks = ancestors(Organization.objects.filter(
        pk__in={e.organization_id for e in roots.values() if e.organization_id}))
    community: list[Activity] = []
    received: list[Activity] = []
    for pk, entry in series.items():
        root = roots.get(pk)
        if root is None:
            continue
        network = network_of(networks[root.organization_id], networks) \
            if root.organization_id in networks else None
        if network is not None and (network.pk == org.pk or not v.sees(network)):
            network = None
        activity = Activity(event=root, network=network, roles=entry["roles"],
                            objectives=entry["objectives"], editions=len(entry["events"]),
                            people_reached=entry["reached"], hours=entry["hours"])
        kinds = {events[e][2] for e in entry["events"]} | {root.classification}
        if root.classification == Event.Classification.TRAINING:
            received.append(activity)
        elif kinds & COMMUNITY:
            community.append(activity)
            if network is not None and network.pk in ties:
                ties[network.pk].activities.append(activity)
    community.sort(key=lambda a: (a.event.classification != Event.Classification.FESTIVAL,
                                  a.event.name.casefold()))
    received.sort(key=lambda a: a.event.name.casefold())
    areas = list(v.visible(Area.objects.filter(pk__in=area_ids)).defer("geometry").order_by("name"))
    return community, received, areas


def _campaigns(org: Organization, v: Viewer, period: Period) -> list[CampaignFacts]:
    found = []
    campaigns = v.visible(Campaign.objects.filter(organization=org)).filter(period.q())
    themes = {t.pk: t for t in v.visible(Theme.objects.all())}
    for c in campaigns.order_by("start_date", "name"):
        actions, people = _reach(c, v, period)
        found.append(CampaignFacts(
            campaign=c, values=c.value_labels(),
            themes=[themes[t] for t in c.themes or [] if t in themes],
            actions=actions, people_reached=people))
    return found


def _reach(campaign: Campaign, v: Viewer, period: Period) -> tuple[int, int]:
    """Its actions in the period that the viewer may see, and the people
    they and the activities they hold reached (`Campaign.reach`, over a
    period and a viewer)."""
    actions = list(v.visible(Event.objects.filter(campaign=campaign)).filter(period.events_q())
                   .exclude(status=Event.Status.CANCELLED).values_list("pk", flat=True))
    events, level = set(actions), actions
    for __ in range(MAX_DEPTH):
        if not level:
            break
        level = [pk for pk in v.visible(Event.objects.filter(parent__in=level))
                 .values_list("pk", flat=True) if pk not in events]
        events.update(level)
    people = Participation.objects.filter(event__in=events).filter(participation_q(v)).aggregate(
        total=Sum("people_reached"))["total"] if events else 0
    return len(actions), people or 0


def _training(org: Organization, v: Viewer, period: Period, received: list[Activity]) -> Training:
    # With their renewal: their status without a query per agreement.
    agreements = [a for a in v.visible(Agreement.objects.with_renewed().filter(
                  parties__icontains=f'"{org.pk}"'))
                  .filter(period.q() | (Q(extended_until__isnull=False) & period.q(end="extended_until")))
                  .order_by("start_date", "name") if org.pk in a.party_ids()]
    university_ids = {pk for a in agreements for pk in a.party_ids("university")}
    universities = list(v.visible(Organization.objects.filter(pk__in=university_ids)).order_by("name"))
    programme_ids = {pk for a in agreements for pk in a.programmes or []}
    programmes = list(v.visible(Programme.objects.filter(pk__in=programme_ids)).order_by("name"))
    placements = list(v.visible(Placement.objects.filter(host=org)).filter(
        v.visible_q(Agreement, "agreement__")).filter(period.q())
        .select_related("student", "programme", "agreement").order_by("start_date", "pk"))
    return Training(agreements=agreements, universities=universities, programmes=programmes,
                    placements=placements, students=[person_name(v, p.student) for p in placements],
                    received=received)


def _sources(records: Iterable[object]) -> list[dict[str, str]]:
    """The sources the records cite, each once, in order."""
    seen: set[tuple[str, str]] = set()
    found = []
    for record in records:
        for s in getattr(record, "sources", None) or []:
            if not isinstance(s, dict):
                continue
            key = (str(s.get("url") or ""), str(s.get("note") or ""))
            if key not in seen and any(key):
                seen.add(key)
                found.append({"url": key[0], "note": key[1]})
    return found
