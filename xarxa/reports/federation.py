"""A federation's view of a year: the report of a network — its members,
their seats in its bodies, how often they went to its meetings, the hours
they gave it and the people they reached, and who represents it in other
networks' bodies.

`build()` reads, as far as a viewer may see, in a fixed handful of queries
whatever the number of members (a federation may have ten thousand: one
query per level of bodies, one for the memberships in the network, one for
the seats in its bodies, one for its events, one for the participations in
them, those of `hours_for_federation`, and one for its representations),
grouping by member in Python. It returns plain dataclasses, written as HTML
(`templates/reports/_federation_body.html`), PDF (WeasyPrint, `pdf.py`)
and Markdown, with charts drawn on the server as SVG.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from xarxa.accounts.rules import Viewer
from xarxa.activity import hours as h
from xarxa.activity.models import Event, Participation
from xarxa.core import dates
from xarxa.directory.models import Organization
from xarxa.directory.views import membership_q, participation_q, person_name
from xarxa.network.models import Membership
from xarxa.reports import charts
from xarxa.reports.facts import MAX_DEPTH, Period, ancestors, network_of
from xarxa.reports.grammar import clause, date_phrase, lang_code, sentence
from xarxa.reports.page import md_escape, org_phrase

ZERO = Decimal("0.00")
# Members over the years: this many years at most, ending with the report's.
YEARS_SHOWN = 40
# Hours per member: the largest this many, the rest added up in one bar.
TOP_MEMBERS = 20


@dataclass
class SeatRow:
    """A place in one of the network's bodies (or in the network itself)."""

    body: str
    sitter: str  # an organisation's name, a person's when the viewer may see them, or "a person"
    on_behalf_of: str  # whom it sits for, when not itself
    post: str
    start: str | None
    end: str | None


class Rated:
    """An attendance rate and its text ("75 %")."""

    @property
    def rate(self) -> float | None:
        attended, meetings = getattr(self, "attended", 0), getattr(self, "meetings", 0)
        return attended / meetings if meetings else None

    @property
    def rate_text(self) -> str:
        return percent(self.rate)


@dataclass
class BodyRow(Rated):
    """The network itself (depth 0) or one of its bodies, with its meetings
    in the year and how many of the seats were filled at them."""

    org: Organization
    name: str
    depth: int
    meetings: int  # events of the body in the year, not cancelled
    seats: list[SeatRow] = field(default_factory=list)
    parties: int = 0  # members (or those represented) called to its meetings
    present: int = 0  # of meetings × parties, those where the party was there

    @property
    def is_network(self) -> bool:
        return self.depth == 0

    @property
    def rate(self) -> float | None:
        possible = self.meetings * self.parties
        return self.present / possible if possible else None


@dataclass
class MemberRow(Rated):
    """A member of the network during the year."""

    @property
    def until_text(self) -> str:
        """"until 1 October 2025" in the active language ("fins a l'1 d'octubre")."""
        if not self.until:
            return ""
        return clause(_("until %(until)s"), {"until": date_phrase(self.until)})

    id: str
    name: str
    is_person: bool
    since: str | None
    until: str | None
    seats: list[SeatRow]
    meetings: int  # of the network, of the bodies it sits in, and any other it went to
    attended: int
    hours: Decimal  # given to this network (`hours_for_federation`'s line for it)
    hours_total: Decimal | None  # given to every network and outside them; None: not known
    people_reached: int  # by its participations in the network's events



@dataclass
class Representation:
    """Someone sitting, for the network, in a body of another network (or of
    its own)."""

    sitter: str
    body: str
    network: str
    post: str
    start: str | None
    end: str | None


@dataclass
class Totals(Rated):
    members: int
    bodies: int  # not counting the network itself
    body_meetings: int  # events of its bodies
    own_events: int  # events of the network itself
    hours: Decimal  # members' hours to the network
    people_reached: int
    attended: int
    meetings: int  # members' meetings they were called to or went to, added up



@dataclass
class FederationReport:
    network: Organization
    name: str
    year: int
    lang: str
    bodies: list[BodyRow]  # the network first, then its bodies, nested
    members: list[MemberRow]  # by name
    other_seats: list[SeatRow]  # seats in its bodies of others than its members
    representations: list[Representation]
    totals: Totals
    summary: list[str] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)


def build(network: Organization, v: Viewer, year: int) -> FederationReport:
    """The report of `network` for `year`, in the active language, as `v`
    may see it."""
    lang = lang_code()
    period = Period.year(year)
    mq = membership_q(v)
    bodies = _bodies(network, v, lang)
    by_id = {b.org.pk: b for b in bodies}

    # Members: every membership in the network itself (the years' chart
    # needs them all), those of the year are its members.
    ties = list(Membership.objects.filter(organization=network, post__isnull=True)
                .filter(Q(member_organization__isnull=False) | Q(person__isnull=False))
                .filter(mq).select_related("member_organization", "person")
                .order_by("start_date", "pk"))
    members: dict[str, MemberRow] = {}
    for m in ties:
        if not period.holds(m.start_date, m.end_date):
            continue
        key = m.member_organization_id or m.person_id
        assert key is not None
        row = members.get(key)
        if row is None:
            is_person = m.member_organization_id is None
            name = (person_name(v, m.person) or _("a person")) if is_person \
                else m.member_organization.name_in(lang)  # type: ignore[union-attr]
            members[key] = MemberRow(id=key, name=name, is_person=is_person, since=m.start_date,
                                     until=m.end_date, seats=[], meetings=0, attended=0,
                                     hours=ZERO, hours_total=None, people_reached=0)
        else:
            row.since = _earlier(row.since, m.start_date)
            row.until = None if row.until is None or m.end_date is None \
                else max(row.until, m.end_date)

    # Seats in the network and its bodies, and whom each counts for.
    parties: dict[str, set[str]] = defaultdict(set)  # body id → members or those represented
    other_seats: list[SeatRow] = []
    ids = list(by_id)
    seats = (Membership.objects.filter(Q(organization_id__in=ids) | Q(post__organization_id__in=ids))
             .exclude(organization=network, post__isnull=True)
             .filter(period.q()).filter(mq)
             .select_related("organization", "post", "person", "member_organization", "on_behalf_of")
             .order_by("start_date", "pk"))
    for m in seats:
        where = m.organization_id or (m.post.organization_id if m.post else None)
        body = by_id.get(where or "")
        if body is None:
            continue
        seat = _seat_row(m, body, v, lang)
        body.seats.append(seat)
        party = m.on_behalf_of_id or m.member_organization_id or m.person_id
        if party:
            parties[body.org.pk].add(party)
        owner = next((k for k in (m.on_behalf_of_id, m.member_organization_id, m.person_id)
                      if k and k in members), None)
        if owner is not None:
            members[owner].seats.append(seat)
        else:
            other_seats.append(seat)
    parties[network.pk] |= set(members)

    # Its events of the year, and who was there.
    events: dict[str, str] = dict(
        v.visible(Event.objects.filter(organization_id__in=ids)).filter(period.events_q())
        .exclude(status=Event.Status.CANCELLED).order_by().values_list("pk", "organization_id"))
    present: dict[str, set[str]] = defaultdict(set)  # party → events it went to
    reached: dict[str, int] = defaultdict(int)
    person_hours: dict[str, int] = defaultdict(int)  # hundredths, for members who are people
    low, high = h.year_bounds(year)
    rows = (Participation.objects.filter(event__organization_id__in=ids,
                                         event__start_date__gte=low, event__start_date__lt=high)
            .exclude(event__status=Event.Status.CANCELLED).filter(participation_q(v)).order_by()
            .values_list("event_id", "organization_id", "on_behalf_of_id", "person_id",
                         "people_reached", "hours", "event__start_date", "event__end_date",
                         "event__timezone"))
    for event, org, behalf, person, people, hours, start, end, zone in rows:
        if event not in events:
            continue
        whose = {k for k in (org, behalf, person) if k}
        for k in whose:
            present[k].add(event)
            if k in members:
                reached[k] += people or 0
        if person in members:
            given = h.hours_given(hours, start, end, zone)
            person_hours[person] += int((given or ZERO) * 100)
    held: dict[str, set[str]] = defaultdict(set)  # body id → its events
    for event, where in events.items():
        held[where].add(event)
    for body in bodies:
        body.meetings = len(held[body.org.pk])
        body.parties = len(parties[body.org.pk])
        body.present = sum(len(present[p] & held[body.org.pk]) for p in parties[body.org.pk])

    # Members' meetings: the network's, those of the bodies they sit in, and
    # any other of its events they went to.
    sits_in: dict[str, set[str]] = defaultdict(set)
    for body_id, who in parties.items():
        for k in who:
            sits_in[k].add(body_id)
    for key, row in members.items():
        called = set().union(*(held[b] for b in sits_in[key])) if sits_in[key] else set()
        went = present[key] & events.keys()
        row.meetings = len(called | went)
        row.attended = len(went)
        row.people_reached = reached[key]
        if row.is_person:
            row.hours = Decimal(person_hours[key]).scaleb(-2)

    _hours(network, v, year, [r for r in members.values() if not r.is_person])
    member_rows = sorted(members.values(), key=lambda r: (r.name.casefold(), r.id))
    for row in member_rows:
        row.seats.sort(key=lambda s: s.body.casefold())
    representations = _representations(network, v, period, lang)
    report = FederationReport(
        network=network, name=network.name_in(lang), year=year, lang=lang, bodies=bodies,
        members=member_rows, other_seats=other_seats, representations=representations,
        totals=Totals(
            members=len(member_rows), bodies=len(bodies) - 1,
            body_meetings=sum(b.meetings for b in bodies if not b.is_network),
            own_events=bodies[0].meetings,
            hours=sum((r.hours for r in member_rows), ZERO),
            people_reached=sum(r.people_reached for r in member_rows),
            attended=sum(r.attended for r in member_rows),
            meetings=sum(r.meetings for r in member_rows)))
    report.summary = _summary(report)
    report.charts = _charts(report, ties, v)
    return report


def _earlier(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    return min(a, b)


def _bodies(network: Organization, v: Viewer, lang: str) -> list[BodyRow]:
    """The network and the bodies under it the viewer may see, each after its
    parent, by name: one query a level."""
    children: dict[str, list[Organization]] = defaultdict(list)
    level = [network.pk]
    seen = {network.pk}
    for __ in range(MAX_DEPTH):
        if not level:
            break
        found = [o for o in v.visible(Organization.objects.filter(parent_id__in=level))
                 .order_by() if o.pk not in seen]
        for o in found:
            children[o.parent_id or ""].append(o)
            seen.add(o.pk)
        level = [o.pk for o in found]
    out: list[BodyRow] = []

    def visit(org: Organization, depth: int) -> None:
        out.append(BodyRow(org=org, name=org.name_in(lang), depth=depth, meetings=0))
        for child in sorted(children[org.pk], key=lambda o: (o.name_in(lang).casefold(), o.pk)):
            visit(child, depth + 1)

    visit(network, 0)
    return out


def _sitter(m: Membership, v: Viewer, lang: str) -> str:
    """Who sits: a person named only to whom may see them, an organisation,
    or nobody named (a seat whose holder the source does not give)."""
    if m.person_id:
        return person_name(v, m.person) or _("a person")
    if m.member_organization is not None:
        return m.member_organization.name_in(lang)
    return _("not named")


def _seat_row(m: Membership, body: BodyRow, v: Viewer, lang: str) -> SeatRow:
    sitter = _sitter(m, v, lang)
    behalf = m.on_behalf_of.name_in(lang) if m.on_behalf_of is not None \
        and m.on_behalf_of_id != m.member_organization_id else ""
    return SeatRow(body=body.name, sitter=sitter, on_behalf_of=behalf,
                   post=m.post.label if m.post else "", start=m.start_date, end=m.end_date)


def _hours(network: Organization, v: Viewer, year: int, rows: list[MemberRow]) -> None:
    """Each member's hours to the network and in all, from
    `hours_for_federation` (its current members); the members of the year
    that are no longer members today are counted the same way, together."""
    viewer = None if v.site_admin else v
    found = {r.organization_id: r for r in
             h.hours_for_federation(network.pk, year, viewer=viewer).members}
    missing = [r.id for r in rows if r.id not in found]
    if missing:
        # Not today's members: `hours_for_federation` leaves them out.
        found.update(h.hours_for_members({pk: pk for pk in missing}, year, viewer=viewer))
    for row in rows:
        report = found.get(row.id)
        if report is None:
            continue
        row.hours = next((n.figures.hours for n in report.networks if n.id == network.pk), ZERO)
        row.hours_total = report.totals.hours


def _representations(network: Organization, v: Viewer, period: Period, lang: str
                     ) -> list[Representation]:
    """Who sat for the network during the period, where."""
    rows = [m for m in Membership.objects.filter(on_behalf_of=network).filter(period.q())
            .filter(membership_q(v))
            .select_related("organization", "post__organization", "person", "member_organization")
            .order_by("start_date", "pk")
            if m.member_organization_id != network.pk]
    wheres = [m.organization or (m.post.organization if m.post else None) for m in rows]
    known = ancestors([w for w in wheres if w is not None])
    out = []
    for m, where in zip(rows, wheres, strict=True):
        if where is None or not v.sees(where):
            continue
        home = network_of(known.get(where.pk, where), known)
        if not v.sees(home):
            continue
        out.append(Representation(
            sitter=_sitter(m, v, lang), body=where.name_in(lang), network=home.name_in(lang),
            post=m.post.label if m.post else "", start=m.start_date, end=m.end_date))
    out.sort(key=lambda r: (r.network.casefold(), r.body.casefold(), r.sitter.casefold()))
    return out


# -- Words and charts ------------------------------------------------------------


def percent(rate: float | None) -> str:
    """A rate as a percentage in the active language's format ("75 %"
    reads "75%" in English); "—" for none."""
    if rate is None:
        return "—"
    return _("%(n)s%%") % {"n": formats.number_format(round(rate * 100))}


def _summary(r: FederationReport) -> list[str]:
    t = r.totals
    org = org_phrase(r.network, r.lang)
    out = [sentence(ngettext(
        "In %(year)d, %(org)s had one member.",
        "In %(year)d, %(org)s had %(n)s members.", t.members) if t.members else
        _("In %(year)d, %(org)s had no member on record."),
        {"year": r.year, "org": org, "n": formats.number_format(t.members)}, r.lang)]
    if t.bodies:
        out.append(sentence(
            ngettext("Its body", "Its %(n)d bodies", t.bodies) % {"n": t.bodies}
            + ngettext(" met once", " met %(m)d times", t.body_meetings) % {"m": t.body_meetings}
            + (ngettext(", and it held one meeting or activity of its own.",
                        ", and it held %(e)d meetings or activities of its own.", t.own_events)
               % {"e": t.own_events} if t.own_events else "."), {}, r.lang))
    elif t.own_events:
        out.append(sentence(ngettext(
            "It held one meeting or activity.", "It held %(e)d meetings or activities.",
            t.own_events) % {"e": t.own_events}, {}, r.lang))
    if t.members:
        out.append(sentence(
            _("Its members gave %(hours)s hours to its life")
            + (_(" and went to %(rate)s of the meetings they were called to.") if t.meetings
               else "."),
            {"hours": formats.number_format(t.hours, 1), "rate": percent(t.rate)}, r.lang))
    if r.other_seats:
        n = len(r.other_seats)
        out.append(sentence(ngettext(
            "One seat in its bodies was held by or for an organisation that is not its member.",
            "%(n)d seats in its bodies were held by or for organisations that are not its members.",
            n) % {"n": n}, {}, r.lang))
    if r.representations:
        n = len(r.representations)
        out.append(sentence(ngettext(
            "One organisation or person represented it in another body.",
            "Organisations and people represented it in %(n)d places.", n) % {"n": n},
            {}, r.lang))
    return out


def members_over_years(ties: Iterable[Membership], year: int) -> list[tuple[str, float]]:
    """How many members the network had at the end of each year, from the
    first membership's start to `year` (the last `YEARS_SHOWN` years)."""
    spans = [(m.member_organization_id or m.person_id, m.start_date, m.end_date) for m in ties]
    if not spans:
        return []
    first = min((int(s[:4]) for __, s, __e in spans if s), default=year)
    first = max(min(first, year), year - YEARS_SHOWN + 1)
    points = []
    for y in range(first, year + 1):
        day = f"{y:04d}-12-31"
        points.append((str(y), float(len({k for k, s, e in spans if dates.is_current(s, e, day)}))))
    return points


def _charts(r: FederationReport, ties: list[Membership], v: Viewer) -> dict[str, str]:
    by_hours = sorted((row for row in r.members if row.hours), key=lambda row: -row.hours)
    hours = [(row.name, float(row.hours)) for row in by_hours[:TOP_MEMBERS - 1]]
    rest = by_hours[TOP_MEMBERS - 1:]
    if len(rest) == 1:
        hours.append((rest[0].name, float(rest[0].hours)))
    elif rest:
        hours.append((ngettext("%(count)s other", "%(count)s others", len(rest))
                      % {"count": formats.number_format(len(rest))},
                      float(sum(row.hours for row in rest))))
    attendance = [(("— " * b.depth) + b.name, round((b.rate or 0) * 100))
                  for b in r.bodies if b.meetings and b.parties]
    return {
        "hours": charts.bar_chart(hours, title=_("Hours per member"), unit=_("h"),
                                  id_prefix="federation-hours"),
        "attendance": charts.bar_chart(attendance, title=_("Attendance per body"), unit="%",
                                       id_prefix="federation-attendance"),
        "years": charts.line_chart(members_over_years(ties, r.year), title=_("Members over the years"),
                                   id_prefix="federation-years", step=True),
    }


# -- Writing it ------------------------------------------------------------------


def title(r: FederationReport) -> str:
    return _("%(network)s: its members in %(year)d") % {"network": r.name, "year": r.year}


def render_html(report: FederationReport, *, standalone: bool) -> str:
    """The report as a whole HTML document (standalone: for the PDF and the
    command) or as the body the web page includes."""
    template = "reports/federation_document.html" if standalone else "reports/_federation_body.html"
    return render_to_string(template, {"r": report, "title": title(report)})


def render_pdf(report: FederationReport) -> bytes:
    from xarxa.reports.pdf import html_to_pdf

    return html_to_pdf(render_html(report, standalone=True))


def _md_table(head: list[str], rows: list[list[object]]) -> list[str]:
    if not rows:
        return []

    def line(cells: list[object]) -> str:
        return "| " + " | ".join(md_escape(str(c if c is not None else "")) or " "
                                 for c in cells) + " |"

    return [line(list(head)), "|" + "---|" * len(head), *(line(r) for r in rows), ""]


def _seats_text(seats: list[SeatRow]) -> str:
    return "; ".join(s.body + (f" ({s.post})" if s.post else "") for s in seats)


def markdown(r: FederationReport) -> str:
    from xarxa.core.templatetags.xarxa import partial_date

    def day(value: str | None) -> str:
        return partial_date(value) if value else ""

    out = [f"# {md_escape(title(r))}", "", md_escape(" ".join(r.summary)), ""]
    out += [f"## {md_escape(_('Bodies and their meetings'))}", ""]
    out += _md_table([_("Body"), _("Meetings"), _("Seats"), _("Attendance")], [
        [("— " * b.depth) + b.name, b.meetings, len(b.seats), percent(b.rate)] for b in r.bodies])
    out += [f"## {md_escape(_('Members'))}", ""]
    out += _md_table([_("Member"), _("Since"), _("Seats"), _("Meetings"), _("Attended"),
                      _("Attendance"), _("Hours to the network"), _("Hours in all"),
                      _("People reached")], [
        [m.name, day(m.since), _seats_text(m.seats), m.meetings, m.attended, percent(m.rate),
         formats.number_format(m.hours, 1),
         formats.number_format(m.hours_total, 1) if m.hours_total is not None else "—",
         m.people_reached] for m in r.members])
    if r.other_seats:
        out += [f"## {md_escape(_('Other seats in its bodies'))}", ""]
        out += _md_table([_("Body"), _("Who sits"), _("Representing"), _("Since"), _("Until")], [
            [s.body + (f" ({s.post})" if s.post else ""), s.sitter, s.on_behalf_of, day(s.start),
             day(s.end)] for s in r.other_seats])
    out += [f"## {md_escape(_('Who represents it where'))}", ""]
    network = pgettext("report column", "Network")
    out += _md_table([_("Who sits"), _("Body"), network, _("Since"), _("Until")], [
        [x.sitter, x.body + (f" ({x.post})" if x.post else ""), x.network, day(x.start), day(x.end)]
        for x in r.representations]) or [md_escape(_("No one represents it elsewhere this year.")), ""]
    return "\n".join(out)
