"""An organisation's indicators for a year, beside the year before: what its
memòria and its social balance (the XES Balanç Social) ask for.

Every indicator has the same definition for the year and for the year before,
and both are computed from the same queries. A year runs from the 1st of
January to the 31st of December; a partial date is taken at its widest, as
everywhere in Xarxa (`xarxa.core.dates`): a start of `2025` counts from the
1st of January 2025, an end of `2025-06` to the 30th of June. A tie, an
agreement or a placement "during the year" is one whose span overlaps it.

The place of a membership is its organisation, or its post's organisation
when it names only a seat. A *network* is a place with no `parent`; a *body*
(a board, a commission, a working group) is one with a `parent`.

Networks (group `networks`)
- `networks`: the networks the organisation is a member of (itself the
  member, no post) on the 31st of December;
- `networks_joined`: the networks where such a membership starts in the year;
- `networks_left`: the networks where such a membership ends in the year.

Representation (group `representation`)
- `bodies`: the bodies where it holds a seat during the year: a membership
  whose place is a body, or that names a post, with the organisation as the
  member or someone (a person, another organisation) on its behalf;
- `seats`: those seats: one per post, and where no post is named one per body
  and member;
- `represents_others`: its memberships during the year on behalf of another
  organisation (ISOM in the Taula's working group for FEDAIA);
- `represented_by`: the memberships during the year of others (people,
  organisations) on its behalf.

Hours (groups `hours` and `hours_per_person`), as `xarxa hours` counts them
(`xarxa.activity.hours`): the participations of the organisation, or on its
behalf, in events that start in the year and were not cancelled; a
participation without hours counts its event's length when its times are known.
- `hours_total`, and `hours_network:<id>` one per network (`hours_outside_networks`
  for events of no network);
- `hours_people_total`: the hours of the people who took part on its behalf,
  and `hours_person:<id>`, one per person, only for the people the viewer may
  see named (personal data): the others count in the total only.

Activity (group `activity`), over the same participations:
- `events_organised`: the events where it (or someone on its behalf) is the
  organiser; `events_co_organised`: those where it is a co-organiser and not
  the organiser;
- `participations`: how many participations;
- `people_reached`: the sum of their `people_reached`.

Agreements and placements (group `training`)
- `agreements_in_force`: the agreements it is a party to that were in force
  some day of the year: signed by its last day, and their term (from the start
  to the end of the extension, else to the end) overlaps the year. An
  agreement renewed later still counts for the years it was in force;
- `placements_hosted`: the placements it hosts that overlap the year;
- `hours_tutored`: the hours of those placements (`total_hours`) spread evenly
  over the placement's days, and the share of the days in the year counted
  (to the hundredth of an hour): a placement from October to January counts
  for both years, and the years add up to its hours. A placement with only a
  start or an end counts whole in that year; without dates or hours, it adds
  nothing.

A `viewer` limits everything to what the organisation's page shows them:
memberships (`membership_q`), participations (`participation_q`, in events of
bodies and networks they may see), agreements and placements they may see.
`viewer=None` counts everything (the command line is the operator).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from xarxa.accounts.rules import Viewer
from xarxa.activity.hours import (
    ZERO,
    HoursReport,
    UnknownOrganization,
    hours_for,
    hours_given,
    parse_year,
    visible_participations_q,
    year_bounds,
)
from xarxa.activity.models import Event, Participation
from xarxa.core import dates
from xarxa.core.validation import InputError, Problem
from xarxa.directory.models import Organization, Person
from xarxa.network.models import Membership
from xarxa.training.models import Agreement, Placement

Number = Decimal | int

# The years a report may ask about: the year before must have four digits too.
FIRST_YEAR, LAST_YEAR = 1000, 9998


def report_year(value: object) -> int:
    """A report's year from the command line (`hours.parse_year`'s rule and
    message, then the range a report covers); InputError naming --year."""
    year = parse_year(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError([Problem("--year", _("%(year)d is not a year from %(first)d to %(last)d.")
                                  % {"year": year, "first": FIRST_YEAR, "last": LAST_YEAR})])
    return year

GROUPS: dict[str, Any] = {
    "networks": gettext_lazy("Networks"),
    "representation": gettext_lazy("Bodies and representation"),
    "hours": gettext_lazy("Hours per network"),
    "hours_per_person": gettext_lazy("Hours per person"),
    "activity": gettext_lazy("Events and reach"),
    "training": gettext_lazy("Agreements and placements"),
}
UNITS: dict[str, Any] = {
    "networks": gettext_lazy("networks"),
    "bodies": gettext_lazy("bodies"),
    "seats": gettext_lazy("seats"),
    "memberships": gettext_lazy("memberships"),
    "hours": gettext_lazy("hours"),
    "events": gettext_lazy("events"),
    "participations": gettext_lazy("participations"),
    "people": gettext_lazy("people"),
    "agreements": gettext_lazy("agreements"),
    "placements": gettext_lazy("placements"),
}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Indicator:
    """One line: its value in the year, in the year before, and the change.
    `key` and `group` and `unit` are stable codes; `label` and `detail` are in
    the language active when it was computed (`detail`: the names behind a
    count, or a note)."""

    key: str
    label: str
    value: Number
    previous: Number
    change: Number
    unit: str
    group: str
    detail: str = ""

    @property
    def group_label(self) -> str:
        return str(GROUPS.get(self.group, self.group))

    @property
    def unit_label(self) -> str:
        return str(UNITS.get(self.unit, self.unit))

    @property
    def change_size(self) -> Number:
        """The change without its sign (the page writes the sign itself)."""
        return -self.change if self.change < 0 else self.change


@dataclass(frozen=True)
class Indicators:
    organization_id: str
    organization_name: str
    year: int
    rows: tuple[Indicator, ...]

    @property
    def previous_year(self) -> int:
        return self.year - 1


def indicators_for(org_id: str, year: int, viewer: Viewer | None,
                   hours: HoursReport | None = None) -> Indicators:
    """The indicators of `org_id` for `year` and the year before, as far as
    `viewer` may see (everything when None). UnknownOrganization when no
    organisation has that id, or the viewer may not see it. `hours`: the
    year's `hours_for` for the same viewer, when the caller has it already."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(year)
    org = Organization.objects.filter(pk=org_id).first()
    if org is None or (viewer is not None and not viewer.sees(org)):
        raise UnknownOrganization(_('No organisation has the id "%(id)s".') % {"id": org_id})
    if viewer is not None and viewer.site_admin:
        viewer = None  # sees everything: no filter to build
    years = (year, year - 1)
    rows: list[Indicator] = []
    rows += _networks(org_id, years, viewer)
    per_year = {y: hours if hours is not None and y == year else hours_for(org_id, y, viewer=viewer)
                for y in years}
    rows += _hours(per_year, years)
    rows += _activity(org_id, years, viewer)
    rows += _training(org_id, years, viewer)
    name = org.name_in((get_language() or "ca")[:2])
    return Indicators(org_id, name, year, tuple(rows))


# -- Building lines -------------------------------------------------------------


def _line(key: str, label: str, group: str, unit: str, values: dict[int, Number],
          years: tuple[int, int], detail: str = "") -> Indicator:
    value, previous = values.get(years[0], 0), values.get(years[1], 0)
    return Indicator(key, label, value, previous, value - previous, unit, group, detail)


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(set(names), key=str.casefold))


def _overlaps(start: str | None, end: str | None, year: int) -> bool:
    """Whether a span from `start` to `end` (partial dates) touches `year`."""
    low, high = year_bounds(year)
    return (start is None or start < high) and (end is None or end >= low)


def _overlap_q(years: tuple[int, int], start: str = "start_date", end: str = "end_date") -> Q:
    """Spans that touch either year (a filter the rows are then read with)."""
    low, high = year_bounds(min(years))[0], year_bounds(max(years))[1]
    return ((Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lt": high}))
            & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": low})))


def _in_year(value: str | None, year: int) -> bool:
    return value is not None and value[:4] == f"{year:04d}"


# -- Networks, bodies and representation ----------------------------------------


@dataclass
class _Ties:
    networks: set[str] = field(default_factory=set)
    joined: set[str] = field(default_factory=set)
    left: set[str] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)
    seats: set[tuple[str, ...]] = field(default_factory=set)
    represents: set[str] = field(default_factory=set)
    represented: set[str] = field(default_factory=set)


def _networks(org_id: str, years: tuple[int, int], viewer: Viewer | None) -> list[Indicator]:
    rows = Membership.objects.filter(Q(member_organization_id=org_id) | Q(on_behalf_of_id=org_id))
    if viewer is not None:
        from xarxa.directory.views import membership_q

        rows = rows.filter(membership_q(viewer))
    found = {y: _Ties() for y in years}
    names: dict[str, str] = {}
    for (pk, member, person, on_behalf, post, start, end, place, place_name, place_parent,
         post_place, post_place_name, post_place_parent) in (
            rows.filter(_overlap_q(years)).order_by().values_list(
                "id", "member_organization_id", "person_id", "on_behalf_of_id", "post_id",
                "start_date", "end_date", "organization_id", "organization__name",
                "organization__parent_id", "post__organization_id", "post__organization__name",
                "post__organization__parent_id")):
        where, parent = (place, place_parent) if place else (post_place, post_place_parent)
        if not where:
            continue
        names[where] = place_name if place else post_place_name
        mine = member == org_id
        seat = bool(parent) or bool(post)
        for year in years:
            if not _overlaps(start, end, year):
                continue
            ties = found[year]
            if not seat and mine:
                if dates.is_current(start, end, f"{year:04d}-12-31"):
                    ties.networks.add(where)
                if _in_year(start, year):
                    ties.joined.add(where)
                if _in_year(end, year):
                    ties.left.add(where)
            if seat:
                ties.bodies.add(where)
                ties.seats.add(("post", post) if post else ("body", where, person or member or pk))
            if mine and on_behalf and on_behalf != org_id:
                ties.represents.add(pk)
            if on_behalf == org_id:
                ties.represented.add(pk)

    def line(key: str, label: str, group: str, unit: str,
             pick: Callable[[_Ties], set[Any]], named: bool = True) -> Indicator:
        this = pick(found[years[0]])
        detail = _names(names.get(w, w) for w in this) if named else ""
        return _line(key, label, group, unit, {y: len(pick(found[y])) for y in years}, years,
                     detail)

    return [
        line("networks", _("Networks it is a member of at the end of the year"), "networks",
             "networks", lambda t: t.networks),
        line("networks_joined", _("Networks joined"), "networks", "networks", lambda t: t.joined),
        line("networks_left", _("Networks left"), "networks", "networks", lambda t: t.left),
        line("bodies", _("Bodies where it holds a seat"), "representation", "bodies",
             lambda t: t.bodies),
        line("seats", _("Seats held"), "representation", "seats", lambda t: t.seats, named=False),
        line("represents_others", _("Seats it holds on behalf of another organisation"),
             "representation", "memberships", lambda t: t.represents, named=False),
        line("represented_by", _("Seats others hold on its behalf"), "representation",
             "memberships", lambda t: t.represented, named=False),
    ]


# -- Hours ------------------------------------------------------------------------


def _hours(reports: dict[int, HoursReport], years: tuple[int, int]) -> list[Indicator]:
    this = reports[years[0]]
    missing = this.totals.hours_not_recorded
    note = _("%(n)d participations without hours recorded count 0 hours") % {"n": missing} \
        if missing else ""
    out = [_line("hours_total", _("Hours in total"), "hours", "hours",
                 {y: r.totals.hours for y, r in reports.items()}, years, note)]
    # One line per network of either year, in the order of this year's hours.
    order: dict[str | None, str] = {}
    per: dict[str | None, dict[int, Number]] = defaultdict(dict)
    for year in years:
        for net in reports[year].networks:
            order.setdefault(net.id, net.name)
            per[net.id][year] = net.figures.hours
    for net_id, name in order.items():
        key = f"hours_network:{net_id}" if net_id is not None else "hours_outside_networks"
        values = {y: per[net_id].get(y, ZERO) for y in years}
        out.append(_line(key, name, "hours", "hours", values, years))
    return out


# -- Participations: hours per person, events, reach -----------------------------


def _activity(org_id: str, years: tuple[int, int], viewer: Viewer | None) -> list[Indicator]:
    low, high = year_bounds(min(years))[0], year_bounds(max(years))[1]
    rows = (Participation.objects
            .filter(Q(organization_id=org_id) | Q(on_behalf_of_id=org_id),
                    event__start_date__gte=low, event__start_date__lt=high)
            .exclude(event__status=Event.Status.CANCELLED)
            .filter(visible_participations_q(viewer))
            .order_by()
            .values_list("event_id", "event__start_date", "event__end_date", "event__timezone",
                         "role", "person_id", "on_behalf_of_id", "hours", "people_reached"))
    organised: dict[int, set[str]] = {y: set() for y in years}
    co_organised: dict[int, set[str]] = {y: set() for y in years}
    count: dict[int, Number] = dict.fromkeys(years, 0)
    reached: dict[int, Number] = dict.fromkeys(years, 0)
    person_hours: dict[str, dict[int, Decimal]] = defaultdict(lambda: dict.fromkeys(years, ZERO))
    for event, start, end, zone, role, person, on_behalf, hours, reach in rows:
        year = int(start[:4])
        if year not in count:
            continue
        count[year] += 1
        reached[year] += reach or 0
        if role == Participation.Role.ORGANISER:
            organised[year].add(event)
        elif role == Participation.Role.CO_ORGANISER:
            co_organised[year].add(event)
        if person and on_behalf == org_id:
            given = hours_given(hours, start, end, zone)
            person_hours[person][year] += given or ZERO

    out: list[Indicator] = []
    totals = {y: sum((h[y] for h in person_hours.values()), ZERO) for y in years}
    out.append(_line("hours_people_total", _("Hours of the people on its behalf, in total"),
                     "hours_per_person", "hours", dict(totals), years))
    people = Person.objects.filter(pk__in=sorted(person_hours))
    if viewer is not None:
        people = viewer.visible(people)
    named = dict(people.order_by().values_list("id", "name")) if person_hours else {}
    for pk, name in sorted(named.items(), key=lambda item: (-person_hours[item[0]][years[0]],
                                                            item[1].casefold(), item[0])):
        out.append(_line(f"hours_person:{pk}", name, "hours_per_person", "hours",
                         dict(person_hours[pk]), years))

    out += [
        _line("events_organised", _("Events organised"), "activity", "events",
              {y: len(organised[y]) for y in years}, years),
        _line("events_co_organised", _("Events co-organised"), "activity", "events",
              {y: len(co_organised[y] - organised[y]) for y in years}, years),
        _line("participations", _("Participations in events"), "activity", "participations",
              count, years),
        _line("people_reached", _("People reached"), "activity", "people", reached, years),
    ]
    return out


# -- Agreements and placements ---------------------------------------------------


def _visible(rows: QuerySet[Any], viewer: Viewer | None) -> QuerySet[Any]:
    return rows if viewer is None else viewer.visible(rows)


def _training(org_id: str, years: tuple[int, int], viewer: Viewer | None) -> list[Indicator]:
    # The parties are a JSON list: its text finds the candidates, reading it says.
    agreements = _visible(Agreement.objects.filter(parties__icontains=f'"{org_id}"'), viewer)
    last = f"{max(years):04d}-12-31"
    in_force: dict[int, set[str]] = {y: set() for y in years}
    for agreement in (agreements.filter(signed_on__isnull=False, signed_on__lte=last)
                      .filter(_overlap_q(years) | _overlap_q(years, end="extended_until"))
                      .only("id", "name", "parties", "signed_on", "start_date", "end_date",
                            "extended_until")):
        if org_id not in agreement.party_ids():
            continue
        for year in years:
            signed = agreement.signed_on is not None and agreement.signed_on <= f"{year:04d}-12-31"
            if signed and _overlaps(agreement.start_date, agreement.effective_end, year):
                in_force[year].add(agreement.name or agreement.pk)

    placements = _visible(Placement.objects.filter(host_id=org_id), viewer)
    if viewer is not None:
        placements = placements.filter(viewer.visible_q(Agreement, "agreement__"))
    hosted: dict[int, Number] = dict.fromkeys(years, 0)
    tutored: dict[int, Number] = dict.fromkeys(years, ZERO)
    for start, end, total in (placements.filter(_overlap_q(years)).order_by()
                              .values_list("start_date", "end_date", "total_hours")):
        for year in years:
            if _overlaps(start, end, year):
                hosted[year] += 1
                tutored[year] += _share(start, end, total, year)

    return [
        _line("agreements_in_force", _("Agreements in force"), "training", "agreements",
              {y: len(in_force[y]) for y in years}, years, _names(in_force[years[0]])),
        _line("placements_hosted", _("Placements hosted"), "training", "placements", hosted,
              years),
        _line("hours_tutored", _("Hours of placements tutored"), "training", "hours", tutored,
              years),
    ]


def _share(start: str | None, end: str | None, total: int | None, year: int) -> Decimal:
    """The hours of a placement that fall in `year`, spread evenly over its days."""
    if not total:
        return ZERO
    if not start or not end:
        known = start or end
        return Decimal(total).quantize(CENT) if known and _in_year(known, year) else ZERO
    first, last = dates.span(start).first, dates.span(end).last
    days = (last - first).days + 1
    inside = (min(last, dt.date(year, 12, 31)) - max(first, dt.date(year, 1, 1))).days + 1
    if days <= 0 or inside <= 0:
        return ZERO
    return (Decimal(total) * inside / days).quantize(CENT, rounding=ROUND_HALF_UP)
