"""Where an organisation's hours go: per network and per body, in a year.

A meeting belongs to a body (a FEDAIA commission) and a body to its network
(FEDAIA), so the hours an organisation gives each network add up by
themselves. The hours an organisation gives are those of the participations
where it is the participant, or on whose behalf someone took part, in events
that start in the year and were not cancelled. A participation without hours
counts the event's length when its start and end have a time of day; else it
is counted as "hours not recorded". Events of no body or network are grouped
"outside networks", one line per classification (training received shows as
its own line).

Given a `viewer`, only the participations that viewer may see are counted:
those the organisation's page would list (`xarxa.directory.views.participation_q`),
in events of a body or network the viewer may see. Without one, everything
counts (the command is the operator).

Everything here reads; the command (`xarxa hours`), the pages and the reports
build on the plain dataclasses these functions return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from xarxa.activity.models import Event, Participation
from xarxa.core import times
from xarxa.core.models import classification_label
from xarxa.core.validation import InputError, Problem
from xarxa.directory.models import Organization, Person

if TYPE_CHECKING:
    from xarxa.accounts.rules import Viewer

ZERO = Decimal("0.00")
YEAR_RE = re.compile(r"^[0-9]{4}\Z")
# Bodies in bodies in networks: the parents are followed this many levels at most.
MAX_DEPTH = 50
# Ids per IN (…) list, at most (SQLite takes fewer when it is built for fewer).
CHUNK = 10_000


class UnknownOrganization(LookupError):
    """No organisation has the id asked for."""


@dataclass(frozen=True)
class Figures:
    """What a line of the report counts."""

    hours: Decimal = ZERO
    events: int = 0  # distinct events (meetings, festivals, courses…)
    people: int = 0  # distinct persons who went
    organization_participations: int = 0  # participations of an organisation as such
    participations: int = 0
    hours_not_recorded: int = 0  # participations with no hours and an event without times
    people_names: tuple[str, ...] = ()  # only when asked for: personal data


@dataclass(frozen=True)
class Line:
    """A body of a network (the network itself for its own events), or, outside
    networks, a classification of events (`id` None)."""

    id: str | None
    name: str
    classification: str
    figures: Figures


@dataclass(frozen=True)
class NetworkHours:
    """A network (`id` None: outside networks) with its lines and their sum."""

    id: str | None
    name: str
    lines: tuple[Line, ...]
    figures: Figures


@dataclass(frozen=True)
class HoursReport:
    organization_id: str
    organization_name: str
    year: int
    networks: tuple[NetworkHours, ...]  # "outside networks", when any, is last
    totals: Figures


@dataclass(frozen=True)
class FederationHours:
    federation_id: str
    federation_name: str
    year: int
    members: tuple[HoursReport, ...]  # one per member organisation, by name
    totals: Figures


def parse_year(value: object) -> int:
    """A year as four digits (2025); InputError otherwise."""
    text = str(value).strip()
    if not YEAR_RE.match(text) or not 1 <= int(text) <= 9998:
        raise InputError([Problem("--year", _(
            "%(value)s is not a year (four digits, such as 2025)") % {"value": repr(text)[:40]})])
    return int(text)


def year_bounds(year: int) -> tuple[str, str]:
    """`start_date` of an event in `year` lies in [low, high): text comparison,
    which an index on the start serves, and which partial dates (2025,
    2025-10) and times (2025-10-04T18:00) obey alike."""
    return f"{year:04d}", f"{year + 1:04d}"


# -- Tallies -----------------------------------------------------------------


@dataclass
class _Tally:
    cents: int = 0  # hundredths of an hour: integers add up faster than decimals
    events: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)
    organization_participations: int = 0
    participations: int = 0
    hours_not_recorded: int = 0

    def add(self, event_id: str, person_id: str | None, cents: int | None) -> None:
        self.participations += 1
        self.events.add(event_id)
        if person_id:
            self.persons.add(person_id)
        else:
            self.organization_participations += 1
        if cents is None:
            self.hours_not_recorded += 1
        else:
            self.cents += cents

    def merge(self, other: _Tally) -> None:
        self.cents += other.cents
        self.events |= other.events
        self.persons |= other.persons
        self.organization_participations += other.organization_participations
        self.participations += other.participations
        self.hours_not_recorded += other.hours_not_recorded

    def figures(self, names: dict[str, str] | None) -> Figures:
        shown: tuple[str, ...] = ()
        if names is not None:
            shown = tuple(sorted((names.get(p, p) for p in self.persons), key=str.casefold))
        return Figures(
            hours=Decimal(self.cents).scaleb(-2), events=len(self.events), people=len(self.persons),
            organization_participations=self.organization_participations,
            participations=self.participations, hours_not_recorded=self.hours_not_recorded,
            people_names=shown,
        )


def visible_participations_q(viewer: Viewer | None) -> Q:
    """The participations `viewer` may see (all of them without a viewer): the
    rule of the organisation's page, and the event's body or network seen too,
    so no report names one the viewer may not see."""
    if viewer is None or viewer.site_admin:
        return Q()
    from xarxa.directory.views import participation_q

    return participation_q(viewer) & viewer.visible_or_none_q(Organization, "event__organization")


def hours_given(hours: Decimal | None, start: str | None, end: str | None,
                zone: str | None) -> Decimal | None:
    """The hours a participation counts: its own, else its event's length when
    the event's start and end have a time of day; None when unknown."""
    cents = _cents(hours, start, end, zone)
    return None if cents is None else Decimal(cents).scaleb(-2)


def _cents(hours: Decimal | None, start: str | None, end: str | None, zone: str | None) -> int | None:
    """The hundredths of an hour a participation counts, or None when unknown."""
    if hours is not None:
        return int(hours * 100)
    try:
        length = times.duration_hours(start, end, zone or None)
    except (ValueError, times.EventTimeError):  # a malformed time stored by hand
        return None
    return None if length is None else round(length * 100)


def _chunks(ids: Sequence[str], uses: int = 1) -> Iterable[Sequence[str]]:
    """`ids` in lists short enough for one query that names each `uses` times."""
    size = CHUNK
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        size = min(size, connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 10)
    size //= uses
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


# Key of a line: (network id or None, body id or event classification).
_Key = tuple[str | None, str]
# Organisation id → (name, classification, parent id).
_Orgs = dict[str, tuple[str, str, str | None]]


def _collect(member_ids: Sequence[str], year: int, orgs: _Orgs, seen_by: Q
             ) -> tuple[dict[str, dict[_Key, _Tally]], _Tally]:
    """For each member, a tally per (event organisation, classification of an
    event of none), and the tally of every participation once (one counts for
    two members when one took part on behalf of the other): one query, or
    one per 5,000 members. The event's organisation and its parent go into
    `orgs` on the way."""
    low, high = year_bounds(year)
    out: dict[str, dict[_Key, _Tally]] = {m: {} for m in member_ids}
    overall = _Tally()
    wanted = set(member_ids)
    seen: set[str] = set()
    for chunk in _chunks(member_ids, uses=2):
        whose = (Q(organization_id=chunk[0]) | Q(on_behalf_of_id=chunk[0])) if len(chunk) == 1 \
            else (Q(organization_id__in=chunk) | Q(on_behalf_of_id__in=chunk))
        rows = (
            Participation.objects.filter(whose, event__start_date__gte=low,
                                         event__start_date__lt=high)
            .exclude(event__status=Event.Status.CANCELLED)
            .filter(seen_by)
            .order_by()
            .values_list("organization_id", "on_behalf_of_id", "person_id", "hours", "event_id",
                         "event__organization_id", "event__classification",
                         "event__start_date", "event__end_date", "event__timezone",
                         "event__organization__name", "event__organization__classification",
                         "event__organization__parent_id", "event__organization__parent__name",
                         "event__organization__parent__classification",
                         "event__organization__parent__parent_id")
        )
        # Not .iterator(): on PostgreSQL that is a server-side cursor, planned for
        # the first rows (a nested loop over the events), several times slower
        # here than the plan for all rows (a hash join). A year's rows are few.
        for (org, behalf, person, hours, event, where, kind, start, end, zone,
             body_name, body_kind, parent, parent_name, parent_kind, grandparent) in rows:
            if where and where not in seen:
                seen.add(where)
                orgs[where] = (body_name, body_kind, parent)
                if parent:
                    orgs[parent] = (parent_name, parent_kind, grandparent)
            given = _cents(hours, start, end, zone)
            key: _Key = (where, "") if where else (None, kind or "")
            overall.add(event, person, given)
            for member in (org, behalf):
                if member in wanted:
                    tally = out[member].get(key)
                    if tally is None:
                        tally = out[member][key] = _Tally()
                    tally.add(event, person, given)
    return out, overall


def _ancestors(known: _Orgs) -> None:
    """Add to `known` the ancestors of its organisations it lacks: one query
    per level of the tree beyond those known (none, for bodies of networks)."""
    todo = {parent for __, __, parent in known.values() if parent}
    for __ in range(MAX_DEPTH):
        todo -= known.keys()
        if not todo:
            break
        for chunk in _chunks(sorted(todo)):
            for pk, name, kind, parent in Organization.objects.filter(pk__in=chunk).order_by() \
                    .values_list("id", "name", "classification", "parent_id"):
                known[pk] = (name, kind, parent)
        todo = {parent for __, __, parent in known.values() if parent} - known.keys()


def _network_of(body: str, orgs: _Orgs) -> str:
    node, seen = body, {body}
    while (parent := orgs.get(node, ("", "", None))[2]) and parent not in seen and parent in orgs:
        node = parent
        seen.add(node)
    return node


def _person_names(person_ids: set[str], viewer: Viewer | None = None) -> dict[str, str]:
    """id → name of the people the viewer may see named; the others are
    shown as "a person"."""
    names: dict[str, str] = {}
    for chunk in _chunks(sorted(person_ids)):
        rows = Person.objects.filter(pk__in=chunk)
        if viewer is not None:
            rows = viewer.visible(rows)
        names.update(rows.order_by().values_list("id", "name"))
    if viewer is not None:
        names.update({p: _("a person") for p in person_ids - names.keys()})
    return names


def _by_hours(item: Line | NetworkHours) -> tuple[Decimal, str, str]:
    return (-item.figures.hours, item.name.casefold(), item.id or item.name)


def _label(classification: str) -> str:
    return classification_label(Event, classification) if classification else _("unclassified")


def _report(org_id: str, org_name: str, year: int, tallies: dict[_Key, _Tally],
            orgs: _Orgs, names: dict[str, str] | None) -> HoursReport:
    label = cache(_label)  # a line of its own per classification, outside networks
    networks: dict[str | None, dict[str, _Tally]] = {}
    for (body, kind), tally in tallies.items():
        network = _network_of(body, orgs) if body else None
        networks.setdefault(network, {})[body or kind] = tally
    shown: list[NetworkHours] = []
    outside: NetworkHours | None = None
    total = _Tally()
    for network, lines in networks.items():
        sum_ = _Tally()
        built = []
        for key, tally in lines.items():
            sum_.merge(tally)
            if network is None:
                built.append(Line(None, label(key), key, tally.figures(names)))
            else:
                name, kind, __ = orgs.get(key, (key, "", None))
                built.append(Line(key, name, kind, tally.figures(names)))
        total.merge(sum_)
        built.sort(key=_by_hours)
        if network is None:
            outside = NetworkHours(None, _("Outside networks"), tuple(built), sum_.figures(names))
        else:
            shown.append(NetworkHours(network, orgs.get(network, (network, "", None))[0],
                                      tuple(built), sum_.figures(names)))
    shown.sort(key=_by_hours)
    if outside is not None:
        shown.append(outside)
    return HoursReport(org_id, org_name, year, tuple(shown), total.figures(names))


def _finish(member_ids: Sequence[str], year: int, people: bool, viewer: Viewer | None = None
            ) -> tuple[dict[str, dict[_Key, _Tally]], _Tally, _Orgs, dict[str, str] | None]:
    orgs: _Orgs = {}
    tallies, overall = _collect(member_ids, year, orgs, visible_participations_q(viewer))
    _ancestors(orgs)
    names = None
    if people:
        names = _person_names(overall.persons, viewer)
    return tallies, overall, orgs, names


def hours_for(organization_id: str, year: int, *, people: bool = False,
              viewer: Viewer | None = None) -> HoursReport:
    """The hours `organization_id` gave in `year`, per network and per body.
    `people` adds the names of the people who went (personal data). With a
    `viewer`, only what that viewer may see is counted (and named)."""
    name = Organization.objects.filter(pk=organization_id).values_list("name", flat=True).first()
    if name is None:
        raise UnknownOrganization(_('No organisation has the id "%(id)s".') % {"id": organization_id})
    tallies, __, orgs, names = _finish([organization_id], year, people, viewer)
    return _report(organization_id, name, year, tallies[organization_id], orgs, names)


def federation_members(federation_id: str, viewer: Viewer | None = None) -> dict[str, str]:
    """id → name of the organisations that are members of the federation
    today (one query): with a `viewer`, those whose membership it may see."""
    from xarxa.network.models import Membership

    rows = Membership.objects.current().filter(
        organization_id=federation_id, member_organization__isnull=False)
    if viewer is not None and not viewer.site_admin:
        from xarxa.directory.views import membership_q

        rows = rows.filter(membership_q(viewer))
    return dict(sorted(
        rows.order_by().values_list("member_organization_id", "member_organization__name")
    ))


def hours_for_members(members: dict[str, str], year: int, *, viewer: Viewer | None = None
                      ) -> dict[str, HoursReport]:
    """The hours each organisation of `members` (id → name) gave in `year`,
    per network and per body: the same handful of queries for all of them
    (a federation's members of a past year, who may have left since)."""
    tallies, __, orgs, names = _finish(list(members), year, False, viewer)
    return {member: _report(member, name, year, tallies[member], orgs, names)
            for member, name in members.items()}


def hours_for_federation(federation_id: str, year: int, *, people: bool = False,
                         viewer: Viewer | None = None) -> FederationHours:
    """The hours each current member organisation of `federation_id` gave in
    `year`, per network and per body, and their sum. A handful of queries,
    whatever the number of members. With a `viewer`, only what that viewer may
    see is counted (and named)."""
    name = Organization.objects.filter(pk=federation_id).values_list("name", flat=True).first()
    if name is None:
        raise UnknownOrganization(_('No organisation has the id "%(id)s".') % {"id": federation_id})
    members = federation_members(federation_id, viewer)
    tallies, overall, orgs, names = _finish(list(members), year, people, viewer)
    reports = [_report(member, member_name, year, tallies[member], orgs, names)
               for member, member_name in members.items()]
    reports.sort(key=lambda r: (r.organization_name.casefold(), r.organization_id))
    return FederationHours(federation_id, name, year, tuple(reports), overall.figures(names))
