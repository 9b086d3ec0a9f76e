"""The annual report (memòria) of an organisation's network work for a year:
a summary; its networks, bodies, seats and representations with their
dates; the hours it gave each network and body; its events and community
activities; its awareness campaigns and their reach; its agreements and
placements with the hours tutored; the indicators with the year before; the
sources behind each fact; and charts drawn on the server as SVG, so the
HTML and the PDF look the same (hours per network, activity per month,
networks over the years, the map of its barris, its network graph).

Built from `facts.gather` over the year, `activity.hours` and
`indicators`; written as HTML (`templates/reports/annual*.html`), PDF
(WeasyPrint, `pdf.py`) and Markdown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from xarxa.accounts.rules import Viewer
from xarxa.activity.hours import HoursReport, hours_for, visible_participations_q
from xarxa.activity.models import Event, Participation
from xarxa.core import dates
from xarxa.directory.models import Organization
from xarxa.directory.views import membership_q
from xarxa.network.models import Membership
from xarxa.reports import charts
from xarxa.reports.facts import Facts, Period, Seat, gather
from xarxa.reports.grammar import lang_code, sentence
from xarxa.reports.indicators import Indicators, indicators_for
from xarxa.reports.page import md_escape, org_phrase

# Networks over the years: this many years at most, ending with the report's.
YEARS_SHOWN = 20
# A memòria summarises: the activities that reached most people, and the
# people who gave most hours; the rest is summed up in one line (the
# indicators' files list every person).
ACTIVITIES_SHOWN = 40
PEOPLE_SHOWN = 10


class Sources:
    """The sources cited, numbered in order of first use: a row shows the
    numbers of the sources behind it, the list at the end says what they are."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self._index: dict[tuple[str, str], int] = {}

    def refs(self, *records: object) -> list[int]:
        found: list[int] = []
        for record in records:
            for s in getattr(record, "sources", None) or []:
                if not isinstance(s, dict):
                    continue
                key = (str(s.get("url") or ""), str(s.get("note") or ""))
                if not any(key):
                    continue
                if key not in self._index:
                    self.items.append({"url": key[0], "note": key[1]})
                    self._index[key] = len(self.items)
                number = self._index[key]
                if number not in found:
                    found.append(number)
        return found


@dataclass
class SeatRow:
    body: str
    sitter: str
    on_behalf_of: str
    start: str | None
    end: str | None
    refs: list[int]


@dataclass
class NetworkRow:
    name: str
    since: str | None
    until: str | None
    seats: list[SeatRow]
    hours: Decimal
    refs: list[int]


@dataclass
class ActivityRow:
    name: str
    network: str
    role: str
    events: int
    hours: float
    people: int
    refs: list[int]


@dataclass
class Annual:
    org: Organization
    name: str
    year: int
    lang: str
    facts: Facts
    summary: list[str]
    networks: list[NetworkRow]
    represented_by: list[SeatRow]
    hours: HoursReport
    activities: list[ActivityRow]
    months: list[tuple[str, int]]
    indicators: Indicators
    sources: Sources
    viewer: Viewer
    people_left_out: int  # per-person hours left out of the report's indicators

    @property
    def activities_shown(self) -> list[ActivityRow]:
        return self.activities[:ACTIVITIES_SHOWN]

    @property
    def activities_rest(self) -> tuple[int, int, int]:
        """The activities left out of the table: how many, their events and
        the people they reached."""
        rest = self.activities[ACTIVITIES_SHOWN:]
        return len(rest), sum(r.events for r in rest), sum(r.people for r in rest)

    @property
    def rest_text(self) -> str:
        left, events, people = self.activities_rest
        return rest_text(left, events, people) if left else ""

    @cached_property
    def charts(self) -> dict[str, str]:
        """The charts, drawn when a page or the PDF shows them (the Markdown does not)."""
        return _charts(self, self.viewer)

    @property
    def placements(self) -> list[tuple[object, str | None]]:
        """Each placement hosted with its student's name (None: not shown)."""
        t = self.facts.training
        return list(zip(t.placements, t.students, strict=True))


def build(org: Organization, v: Viewer, year: int) -> Annual:
    """The report of `org` for `year`, in the active language, as `v` may see it."""
    lang = lang_code()
    period = Period.year(year)
    facts = gather(org, v, period, lang=lang)
    hours = hours_for(org.pk, year, viewer=None if v.site_admin else v)
    sources = Sources()
    sources.refs(org)

    hours_by_network = {n.id: n.figures.hours for n in hours.networks if n.id}
    # A network's row cites the sources of the network, the membership and
    # each seat (one mark per source, not per seat).
    networks = [NetworkRow(
        name=t.network.name_in(lang), since=t.since, until=t.until,
        seats=[_seat_row(s, lang, sources) for s in t.seats],
        hours=hours_by_network.get(t.network.pk, Decimal("0")),
        refs=sources.refs(t.network, t.membership, *(s.membership for s in t.seats)))
        for t in facts.networks]
    represented_by = [_seat_row(s, lang, sources) for s in facts.represented_by]
    ranked = sorted(facts.activities + facts.training.received,
                    key=lambda a: (-a.people_reached, -a.editions, a.event.name.casefold()))
    activities = [ActivityRow(
        name=a.event.name, network=a.network.name_in(lang) if a.network else "",
        role=_role_label(a.roles), events=a.editions, hours=a.hours, people=a.people_reached,
        refs=sources.refs(a.event) if i < ACTIVITIES_SHOWN else []) for i, a in enumerate(ranked)]
    for c in facts.campaigns:
        sources.refs(c.campaign)
    for agreement in facts.training.agreements:
        sources.refs(agreement)
    months = _months(org, v, year)
    every = indicators_for(org.pk, year, v, hours=hours)
    indicators = _fewer_people(every)
    annual = Annual(org=org, name=facts.name, year=year, lang=lang, facts=facts,
                    summary=[], networks=networks, represented_by=represented_by, hours=hours,
                    activities=activities, months=months, indicators=indicators, sources=sources,
                    viewer=v, people_left_out=len(per_person_rows(every)) - len(per_person_rows(indicators)))
    annual.summary = _summary(annual)
    return annual


def _fewer_people(ind: Indicators) -> Indicators:
    """The indicators as the report shows them: the hours of the people who
    gave most only, and not the hours per network again (the report's own
    table has them, body by body)."""
    per_person = [r for r in ind.rows if r.key.startswith("hours_person:")]
    keep = {r.key for r in sorted(per_person, key=lambda r: -r.value)[:PEOPLE_SHOWN]}
    rows = tuple(r for r in ind.rows if not r.key.startswith(("hours_network:", "hours_outside"))
                 and (not r.key.startswith("hours_person:") or r.key in keep))
    return replace(ind, rows=rows)


def per_person_rows(ind: Indicators) -> list[object]:
    return [r for r in ind.rows if r.key.startswith("hours_person:")]


def _seat_row(seat: Seat, lang: str, sources: Sources) -> SeatRow:
    body = seat.post if seat.in_network_itself and seat.post else seat.body.name_in(lang)
    if seat.post and not seat.in_network_itself:
        body = f"{body} ({seat.post})"
    return SeatRow(body=body, sitter=seat.sitter or _("a person"),
                   on_behalf_of=seat.on_behalf_of.name_in(lang) if seat.on_behalf_of else "",
                   start=seat.start, end=seat.end, refs=sources.refs(seat.membership))


def _role_label(roles: list[str]) -> str:
    labels = dict(Participation.Role.choices)
    order = [r for r in Participation.Role.values if r in roles] + [r for r in roles
                                                                      if r not in labels]
    return ", ".join(str(labels.get(r, r)) for r in order)


def _months(org: Organization, v: Viewer, year: int) -> list[tuple[str, int]]:
    """Events it took part in, per month of the year (a month label in the
    active language, a count): one query."""
    low, high = f"{year:04d}", f"{year + 1:04d}"
    starts = (Participation.objects.filter(Q(organization=org) | Q(on_behalf_of=org))
              .filter(visible_participations_q(None if v.site_admin else v))
              .filter(event__start_date__gte=low, event__start_date__lt=high)
              .exclude(event__status=Event.Status.CANCELLED)
              .values_list("event_id", "event__start_date").distinct())
    counts: Counter[int] = Counter()
    for __, start in starts:
        if start and len(start) >= 7:
            counts[int(start[5:7])] += 1
    return [(formats.date_format(dt.date(year, m, 1), "M"), counts.get(m, 0)) for m in range(1, 13)]


def _networks_over_years(org: Organization, v: Viewer, year: int) -> list[tuple[str, float]]:
    """How many networks it belonged to at the end of each year."""
    rows = list(Membership.objects.filter(member_organization=org, organization__parent__isnull=True,
                                          post__isnull=True).filter(membership_q(v))
                .values_list("organization_id", "start_date", "end_date"))
    if not rows:
        return []
    first = min((int(s[:4]) for __, s, __e in rows if s), default=year)
    first = max(first, year - YEARS_SHOWN + 1)
    points = []
    for y in range(first, year + 1):
        day = f"{y:04d}-12-31"
        count = len({o for o, s, e in rows if dates.is_current(s, e, day)})
        points.append((str(y), float(count)))
    return points


def _summary(a: Annual) -> list[str]:
    org = org_phrase(a.org, a.lang)
    f = a.facts
    seats = sum(len(n.seats) for n in a.networks)
    bodies = len({(n.name, s.body) for n in a.networks for s in n.seats})
    out = [sentence(ngettext(
        "In %(year)d, %(org)s belonged to or sat in one network",
        "In %(year)d, %(org)s belonged to or sat in %(n)d networks", len(a.networks))
        % {"year": a.year, "org": "%(org)s", "n": len(a.networks)}
        + ngettext(", with one seat", ", with %(seats)d seats", seats) % {"seats": seats}
        + ngettext(" in one body.", " in %(bodies)d bodies.", bodies) % {"bodies": bodies}
        if seats else ngettext(
            "In %(year)d, %(org)s belonged to or sat in one network.",
            "In %(year)d, %(org)s belonged to or sat in %(n)d networks.", len(a.networks))
        % {"year": a.year, "org": "%(org)s", "n": len(a.networks)}, {"org": org}, a.lang)]
    total = a.hours.totals
    if total.hours or total.events:
        out.append(sentence(_(
            "It gave %(hours)s hours to the life of its networks and took part in %(events)s "
            "events."), {"hours": formats.number_format(total.hours, 1),
                          "events": formats.number_format(total.events)}, a.lang))
    reached = sum(r.people for r in a.activities)
    if a.activities:
        out.append(sentence(ngettext(
            "It took part in one community activity or festival, reaching %(people)s people.",
            "It took part in %(n)d community activities and festivals, reaching %(people)s "
            "people.", len(a.activities)),
            {"n": len(a.activities), "people": formats.number_format(reached)}, a.lang))
    if f.campaigns:
        out.append(sentence(ngettext(
            "Its awareness campaign reached %(people)s people with %(actions)d actions.",
            "Its %(n)d awareness campaigns reached %(people)s people with %(actions)d actions.",
            len(f.campaigns)), {"n": len(f.campaigns),
                                "people": formats.number_format(sum(c.people_reached for c in f.campaigns)),
                                "actions": sum(c.actions for c in f.campaigns)}, a.lang))
    t = f.training
    if t.agreements or t.placements:
        out.append(sentence(
            ngettext("It had one agreement in force", "It had %(n)d agreements in force",
                     len(t.agreements)) % {"n": len(t.agreements)}
            + ngettext(" and hosted one student on a placement.",
                       " and hosted %(p)d students on placements.", len(t.placements))
            % {"p": len(t.placements)}, {}, a.lang))
    return out


def _charts(a: Annual, v: Viewer) -> dict[str, str]:
    per_network = [(n.name, float(n.figures.hours)) for n in a.hours.networks if n.figures.hours]
    found = {
        "hours": charts.bar_chart(per_network, title=_("Hours per network"), unit=_("h"),
                                  id_prefix="hours"),
        "months": charts.column_chart(a.months, title=_("Events per month"), id_prefix="months"),
        "years": charts.line_chart(_networks_over_years(a.org, v, a.year),
                                   title=_("Networks over the years"), id_prefix="years", step=True),
        "map": charts.area_map(charts.areas_of(a.org, v), title=_("Its barris"), id_prefix="map"),
        "graph": charts.ego_graph_svg(a.org.pk, v, as_of=f"{a.year:04d}-12-31",
                                      title=_("Its network"), id_prefix="graph"),
    }
    return found


# -- Writing it ------------------------------------------------------------------


def render_html(a: Annual, *, standalone: bool = True) -> str:
    """The report as a whole HTML document (standalone, for the PDF and the
    command) or as the body the web page includes."""
    context = {"a": a, "facts": a.facts, "indicators": a.indicators}
    template = "reports/annual_document.html" if standalone else "reports/_annual_body.html"
    return render_to_string(template, context)


def render_pdf(a: Annual) -> bytes:
    from xarxa.reports.pdf import html_to_pdf

    return html_to_pdf(render_html(a, standalone=True))


def _md_row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(md_escape(str(c if c is not None else "")) or " " for c in cells) + " |"


def _md_table(head: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    if not rows:
        return []
    return [_md_row(list(head)), "|" + "---|" * len(head), *(_md_row(r) for r in rows), ""]


def _refs(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def markdown(a: Annual) -> str:
    from xarxa.core.templatetags.xarxa import partial_date

    out = [f"# {md_escape(title(a))}", ""]
    out += [md_escape(" ".join(a.summary)), ""]
    out += [f"## {md_escape(_('Networks, bodies and seats'))}", ""]
    out += _md_table([network_label(), _("Since"), _("Until"), _("Hours"), _("Sources")], [
        [n.name, partial_date(n.since) if n.since else "", partial_date(n.until) if n.until else "",
         formats.number_format(n.hours, 1), _refs(n.refs)] for n in a.networks])
    seat_rows = [[n.name, s.body, s.sitter, s.on_behalf_of,
                  partial_date(s.start) if s.start else "", partial_date(s.end) if s.end else "",
                  _refs(s.refs)] for n in a.networks for s in n.seats]
    out += _md_table([network_label(), _("Body"), _("Who sits"), _("Representing"), _("Since"),
                      _("Until"), _("Sources")], seat_rows)
    out += [f"## {md_escape(_('Hours per network and per body'))}", ""]
    out += _md_table([network_label(), _("Body"), _("Hours"), _("Events"), _("People")], [
        [n.name, line.name, formats.number_format(line.figures.hours, 1), line.figures.events,
         line.figures.people] for n in a.hours.networks for line in n.lines])
    out += [f"## {md_escape(_('Events and community activities'))}", ""]
    out += _md_table([_("Activity"), network_label(), _("Role"), _("Events"), _("People reached"),
                      _("Sources")], [[r.name, r.network, r.role, r.events, r.people, _refs(r.refs)]
                                      for r in a.activities_shown])
    left, events, people = a.activities_rest
    if left:
        out += [md_escape(rest_text(left, events, people)), ""]
    if a.facts.campaigns:
        out += [f"## {md_escape(_('Awareness campaigns'))}", ""]
        out += _md_table([_("Campaign"), _("Values"), _("Themes"), _("Actions"), _("People reached")], [
            [c.campaign.name, ", ".join(c.values), ", ".join(t.name for t in c.themes), c.actions,
             c.people_reached] for c in a.facts.campaigns])
    t = a.facts.training
    if t.agreements or t.placements:
        out += [f"## {md_escape(_('Agreements and placements'))}", ""]
        out += _md_table([_("Agreement"), _("Start"), _("End"), _("Status")], [
            [g.name, partial_date(g.start_date) if g.start_date else "",
             partial_date(g.effective_end) if g.effective_end else "",
             g.status_label(f"{a.year:04d}-12-31")] for g in t.agreements])
        out += _md_table([_("Student"), _("Degree programme"), _("Start"), _("End"), _("Hours tutored")], [
            [name or _("a student"), p.programme.name if p.programme else "",
             partial_date(p.start_date) if p.start_date else "",
             partial_date(p.end_date) if p.end_date else "", p.total_hours or ""]
            for p, name in zip(t.placements, t.students, strict=True)])
    out += [f"## {md_escape(_('Indicators'))}", ""]
    out += _md_table([_("Indicator"), str(a.year), str(a.year - 1), _("Change")], [
        [r.label, r.value, r.previous, r.change] for r in a.indicators.rows])
    if a.sources.items:
        out += [f"## {md_escape(_('Sources'))}", ""]
        out += [f"{i}\\. {md_escape(s['note'] or s['url'])}" for i, s in enumerate(a.sources.items, 1)]
        out.append("")
    return "\n".join(out)


def rest_text(left: int, events: int, people: int) -> str:
    return ngettext("And one more activity, with %(events)s events, reaching %(people)s people.",
                    "And %(n)s more activities, with %(events)s events, reaching %(people)s people.",
                    left) % {"n": formats.number_format(left), "events": formats.number_format(events),
                             "people": formats.number_format(people)}


def network_label() -> str:
    return pgettext("report column", "Network")


def title(a: Annual) -> str:
    return _("%(org)s: network work in %(year)d") % {"org": a.name, "year": a.year}
