"""The events calendar: a month of weeks, or a list of what comes and what
went, filtered by organisation and area, showing only the events the person
may see (`accounts.rules`).

Event times are text (`xarxa.core.times`): `2025`, `2025-10`, `2025-10-04` or
`2025-10-04T18:00`. Compared as text they compare as dates, so a month is a
range of the indexed `start_date` (`2025-10` ≤ start < `2025-11`), which holds
the month itself, its days and its times. An event whose day is not known
(`2025-10`) is listed under its month, one whose month is not known (`2025`)
under its year; the month view names them in a line of their own.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from xarxa.accounts.rules import Viewer, viewer_of
from xarxa.activity.ical import _tree
from xarxa.activity.models import Event, Participation
from xarxa.core import dates, times
from xarxa.core.forms import RefWidget
from xarxa.directory.models import Organization
from xarxa.territory.models import Area

PAGE_SIZE = 50
MAX_PAGE = 10_000
# The events an organisation joined are read as a list up to this many.
JOINED_LIST_LIMIT = 5000
# The most events a month view reads; beyond, it says so and the list serves.
MONTH_LIMIT = 1000
# The events a day's cell shows before "N more".
DAY_LIMIT = 5
# A multi-day event that began this long before the month (or less) shows on
# the month's days it spans; the bound keeps the query a range of the index.
ONGOING_LOOKBACK_DAYS = 62
MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")
DAY_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
COLUMNS = ("id", "name", "start_date", "end_date", "status", "location", "classification",
           "visibility")


class CalendarFilter(forms.Form):
    """The organisation and area boxes (lookups by name, holding an id)."""

    org = forms.CharField(label=gettext_lazy("Organisation"), required=False, max_length=200,
                          widget=RefWidget("organizations"))
    area = forms.CharField(label=gettext_lazy("Area"), required=False, max_length=200,
                           widget=RefWidget("areas"))


@dataclass
class Filters:
    org: Organization | None = None
    area: Area | None = None
    unknown: list[str] = field(default_factory=list)  # ids asked for that the person can't see
    query: dict[str, str] = field(default_factory=dict)  # to carry in links

    def apply(self, events: QuerySet, viewer: Viewer) -> QuerySet:
        if self.unknown:
            return events.none()
        if self.org is not None:
            joined: Any = (Participation.objects.filter(viewer.visible_q(Participation))
                           .filter(Q(organization_id=self.org.pk) | Q(on_behalf_of_id=self.org.pk))
                           .values_list("event_id", flat=True).distinct())
            # Read first, the ids let the database use the events' primary key
            # (given as a subquery, PostgreSQL may read every event).
            ids = list(joined[:JOINED_LIST_LIMIT + 1])
            if len(ids) <= JOINED_LIST_LIMIT:
                joined = ids
            events = events.filter(Q(organization_id__in=_tree(Organization, self.org.pk))
                                   | Q(pk__in=joined))
        if self.area is not None:
            events = events.filter(area_id__in=_tree(Area, self.area.pk))
        return events


def read_filters(request: HttpRequest, viewer: Viewer) -> tuple[CalendarFilter, Filters]:
    form = CalendarFilter(request.GET)
    found = Filters()
    if not form.is_valid():
        return form, found
    for name, model in (("org", Organization), ("area", Area)):
        ident = form.cleaned_data[name].strip()
        if not ident:
            continue
        found.query[name] = ident
        record = viewer.visible(model.objects.filter(pk=ident)).only(
            "id", "name", *(["other_names"] if model is Organization else [])).first()
        if record is None:
            found.unknown.append(ident)
        else:
            setattr(found, name, record)
    return form, found


# -- Dates in the reader's language -------------------------------------------

def month_title(day: dt.date) -> str:
    """"octubre del 2025", "octubre de 2025", "October 2025"."""
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def point_text(value: str) -> str:
    """One event time in the reader's language."""
    day = times.day_of(value)
    if len(day) == 4:
        return day
    if len(day) == 7:
        return month_title(dates.span(day).first)
    text = formats.date_format(dt.date.fromisoformat(day), "DATE_FORMAT")
    if times.has_time(value):
        moment = dt.datetime.fromisoformat(value)
        text += ", " + formats.time_format(moment.time(), "TIME_FORMAT")
    return text


def when_text(start: str | None, end: str | None) -> str:
    """An event's start and end: "4 d'octubre de 2025, 18:00–21:00"."""
    if not start:
        return ""
    if not end or end == start:
        return point_text(start)
    if times.day_of(start) == times.day_of(end) and times.has_time(start) and times.has_time(end):
        end_time = formats.time_format(dt.datetime.fromisoformat(end).time(), "TIME_FORMAT")
        return f"{point_text(start)}–{end_time}"
    return f"{point_text(start)} – {point_text(end)}"


def time_of_day(value: str | None) -> str:
    if not value or not times.has_time(value):
        return ""
    return formats.time_format(dt.datetime.fromisoformat(value).time(), "TIME_FORMAT")


# -- The view ----------------------------------------------------------------

def calendar(request: HttpRequest) -> HttpResponse:
    """`/events/`: the month view (`?month=2025-10`), or the list (`?view=list`)."""
    viewer = viewer_of(request)
    form, filters = read_filters(request, viewer)
    events = filters.apply(
        viewer.visible(Event.objects.filter(start_date__isnull=False)), viewer).only(*COLUMNS)
    listing = request.GET.get("view") == "list"
    context: dict[str, Any] = {
        "filter_form": form, "filters": filters, "listing": listing,
        "org_name": filters.org.name_in(get_language() or "") if filters.org else "",
    }
    if listing:
        context.update(list_context(request, events, filters))
        template = "activity/calendar_list.html"
    else:
        context.update(month_context(request, events, filters))
        template = "activity/calendar_month.html"
    context["month_link"] = link(filters, month=context.get("month_key") or "")
    context["list_link"] = link(filters, view="list")
    if request.headers.get("HX-Request") == "true" and not listing:
        template = "activity/calendar_month_grid.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def link(filters: Filters, **params: str) -> str:
    query = {**filters.query, **{k: v for k, v in params.items() if v}}
    return "?" + urlencode(query) if query else "?"


def month_of(request: HttpRequest) -> dt.date:
    match = MONTH_RE.match(request.GET.get("month", ""))
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 2:
        return dt.date(int(match[1]), int(match[2]), 1)
    today = dt.date.fromisoformat(dates.as_of_text(None))
    return today.replace(day=1)


def shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    year = min(max(year, 1), 9999)
    return dt.date(year, month + 1, 1)


@dataclass
class Shown:
    """An event as a calendar shows it."""

    event: Event
    when: str
    time: str = ""

    @property
    def cancelled(self) -> bool:
        return (self.event.status or "").lower() in ("cancelled", "canceled")


@dataclass
class Day:
    day: dt.date
    in_month: bool
    today: bool
    events: list[Shown] = field(default_factory=list)
    more: int = 0
    more_link: str = ""


def month_context(request: HttpRequest, events: QuerySet, filters: Filters) -> dict[str, Any]:
    first = month_of(request)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    key = first.isoformat()[:7]
    following = shift(first, 1).isoformat()[:7]
    lookback = (first - dt.timedelta(days=ONGOING_LOOKBACK_DAYS)).isoformat()
    year = key[:4]
    rows = list(events.filter(
        Q(start_date__gte=key, start_date__lt=following)
        | Q(start_date__gte=lookback, start_date__lt=key, end_date__gte=key)
        | Q(start_date=year)
    ).order_by("start_date", "name", "id")[:MONTH_LIMIT + 1])
    truncated = len(rows) > MONTH_LIMIT
    rows = rows[:MONTH_LIMIT]
    today = dt.date.fromisoformat(dates.as_of_text(None))
    weeks = [[Day(d, d.month == first.month, d == today) for d in week]
             for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(
                 first.year, first.month)]
    cells = {d.day: d for week in weeks for d in week if d.in_month}
    month_line: list[Shown] = []
    year_line: list[Shown] = []
    for event in rows:
        start = event.start_date
        shown = Shown(event, when_text(start, event.end_date), time_of_day(start))
        if start == key:
            month_line.append(shown)
            continue
        if start == year:
            year_line.append(shown)
            continue
        begins = max(times.first_day(start), first)
        ends = min(max(times.last_day(event.end_date or start), begins), last)
        day = begins
        while day <= ends:
            cell = cells[day]
            if len(cell.events) < DAY_LIMIT:
                cell.events.append(shown if day == times.first_day(start) else
                                   Shown(event, shown.when))
            else:
                cell.more += 1
                cell.more_link = link(filters, view="list", day=day.isoformat())
            day += dt.timedelta(days=1)
    return {
        "month": first,
        "month_key": key,
        "title": month_title(first),
        "weekdays": [str(WEEKDAYS[i]) for i in range(7)],
        "weeks": weeks,
        "month_line": month_line,
        "year_line": year_line,
        "truncated": truncated,
        "limit": MONTH_LIMIT,
        "empty": not rows,
        "previous": shift(first, -1),
        "next": shift(first, 1),
        "previous_link": link(filters, month=shift(first, -1).isoformat()[:7]),
        "next_link": link(filters, month=shift(first, 1).isoformat()[:7]),
        "previous_title": month_title(shift(first, -1)),
        "next_title": month_title(shift(first, 1)),
    }


@dataclass
class Page:
    """A page of the list: the upcoming events, then the past ones. The past
    is not counted (it grows without end): a page knows only whether another
    follows, by reading one row more."""

    number: int
    rows: list[tuple[bool, Event]]
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def page_of(upcoming: QuerySet, past: QuerySet, number: int) -> Page:
    start = (number - 1) * PAGE_SIZE
    wanted = PAGE_SIZE + 1
    rows: list[tuple[bool, Event]] = []
    split = upcoming.count()
    if start < split:
        rows += [(True, e) for e in upcoming[start:start + wanted]]
    if len(rows) < wanted:
        skip = max(start - split, 0)
        rows += [(False, e) for e in past[skip:skip + wanted - len(rows)]]
    return Page(number, rows[:PAGE_SIZE], len(rows) > PAGE_SIZE)


def page_number(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def upcoming_q(today: str) -> Q:
    """What has not ended by `today`: starts today or later, in today's month
    or year (a day not set), or began lately and ends today or later."""
    lookback = (dt.date.fromisoformat(today) - dt.timedelta(days=ONGOING_LOOKBACK_DAYS)).isoformat()
    return (Q(start_date__gte=today) | Q(start_date=today[:7]) | Q(start_date=today[:4])
            | Q(start_date__gte=lookback, start_date__lt=today, end_date__gte=today))


@dataclass
class Group:
    heading: str
    upcoming: bool
    events: list[Shown] = field(default_factory=list)


def group_key(start: str) -> str:
    """Events are listed under their month, or their year when the month is not set."""
    day = times.day_of(start)
    return day[:4] if len(day) == 4 else day[:7]


def group_heading(key: str) -> str:
    if len(key) == 4:
        return _("%(year)s, month not set") % {"year": key}
    return month_title(dates.span(key).first)


def list_context(request: HttpRequest, events: QuerySet, filters: Filters) -> dict[str, Any]:
    day = request.GET.get("day", "")
    if DAY_RE.match(day):
        try:
            dt.date.fromisoformat(day)
        except ValueError:
            day = ""
    else:
        day = ""
    if day:
        following = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        upcoming = events.filter(start_date__gte=day, start_date__lt=following).order_by(
            "start_date", "name", "id")
        past = events.none()
    else:
        today = dates.as_of_text(None)
        coming = upcoming_q(today)
        upcoming = events.filter(coming).order_by("start_date", "name", "id")
        past = events.exclude(coming).order_by("-start_date", "name", "id")
    page = page_of(upcoming, past, page_number(request))
    groups: list[Group] = []
    for is_upcoming, event in page.rows:
        key = group_key(event.start_date)
        heading = group_heading(key)
        if not groups or groups[-1].heading != heading or groups[-1].upcoming != is_upcoming:
            groups.append(Group(heading, is_upcoming))
        groups[-1].events.append(Shown(event, when_text(event.start_date, event.end_date)))
    return {
        "page": page,
        "groups": groups,
        "day": day,
        "day_title": formats.date_format(dt.date.fromisoformat(day), "DATE_FORMAT") if day else "",
        "page_link": link(filters, view="list", day=day),
    }
