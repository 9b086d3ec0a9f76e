"""iCalendar (RFC 5545) feeds of events: one per organisation and one per area.

An organisation's calendar holds the events of the organisation and of its
bodies (a commission's meetings belong to its network's calendar) and the
events it takes part in; an area's holds the events in it and in every area
inside it. `xarxa export ical` writes one to a file, and `/calendar/...ics`
serves it to the calendar applications that subscribe to it (views.py).

The feed is written by hand, a few string operations per event on rows read
straight from the database, so that the calendar of an organisation with
5,000 events takes about a tenth of a second (bench/activity.py): CRLF line
endings, lines folded at 75 octets without splitting a UTF-8 character, and
every user text escaped, so no name can open or close a property or a
component. Times of day are given with their time zone
(`DTSTART;TZID=Europe/Madrid:20251004T180000`) and each zone used gets its
VTIMEZONE, worked out from the zone's own transitions (zoneinfo). Dates and
partial dates are all-day events: `2025-10` spans the month.

No person appears in a feed: participants are not listed. A feed served
to someone carries only the events they may see (`Calendar.viewer`; feeds are
mostly fetched without a session: public events only), and an event joined
by the organisation only through a participation they may see.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xarxa.core import times

PRODID = "-//Xarxa//Xarxa//CA"
# How often subscribed clients should look again (RFC 7986 and the older
# Microsoft property many clients still read).
REFRESH = "PT1H"
# The columns of an event the feed reads, in this order.
COLUMNS = ("id", "name", "description", "classification", "start_date", "end_date", "timezone",
           "location", "status", "parent_id", "illustrative", "updated_at", "version")
CANCELLED = frozenset({"cancelled", "canceled"})
# Events are written to the output this many at a time.
CHUNK = 500
ONE_DAY = dt.timedelta(days=1)
UTC = dt.UTC


def uid_domain() -> str:
    """The right-hand side of every UID: stable for an installation, so a
    subscribed client recognises an event it has already seen."""
    return str(getattr(settings, "XARXA_CALENDAR_DOMAIN", "") or "xarxa")


# -- Content lines (RFC 5545 §3.1, §3.3.11) ------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})
# Line breaks of any kind become an escaped newline; the other control
# characters RFC 5545 forbids in TEXT (all but the tab) become spaces.
_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PLAIN = re.compile(r"[^\\;,\n\r\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]*\Z")


def text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped, so the
    value stays one value of one property whatever it holds."""
    if _PLAIN.match(value):
        return value
    value = _CONTROLS.sub(" ", _BREAKS.sub("\n", value))
    return value.translate(_ESCAPES)


def param(value: str) -> str:
    """A parameter value, quoted when it holds a separator."""
    value = re.sub(r'[\x00-\x1f\x7f"]', "", value)
    return f'"{value}"' if any(c in value for c in ";:,") else value


def folded(line: str) -> str:
    """A content line folded so that no line is longer than 75 octets once
    encoded in UTF-8, never inside a character: a CRLF and a space are put
    where a line would run longer (RFC 5545 §3.1)."""
    if len(line) <= 18 or (len(line) <= 75 and line.isascii()):  # 18 characters fit in 72 octets
        return line
    data = line.encode("utf-8", "replace")
    if len(data) <= 75:
        return line
    parts = []
    start, limit = 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: the character began earlier
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # the folded line's leading space is the 75th octet
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def fold(line: str) -> bytes:
    """A content line as CRLF-terminated, folded octets."""
    return (folded(line) + "\r\n").encode("utf-8", "replace")


def _lines(lines: Iterable[str]) -> bytes:
    return ("\r\n".join(map(folded, lines)) + "\r\n").encode("utf-8", "replace")


def _date(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _local(moment: dt.datetime) -> str:
    return f"{_date(moment)}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"


def _utc(moment: dt.datetime | str) -> str:
    """A moment as UTC DATE-TIME; a naive one, or text, as the database keeps
    it: in UTC (settings.USE_TZ)."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    m = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


def _offset(delta: dt.timedelta | None) -> str:
    seconds = int((delta or dt.timedelta(0)).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


# -- Time zones (RFC 5545 §3.6.5) -----------------------------------------------

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
State = tuple[dt.timedelta, dt.timedelta, str]  # UTC offset, DST part, abbreviation


def _state(moment: dt.datetime, zone: dt.tzinfo) -> State:
    local = moment.astimezone(zone)
    return (local.utcoffset() or dt.timedelta(0), local.dst() or dt.timedelta(0),
            local.tzname() or "")


def transitions(name: str, first: dt.datetime, last: dt.datetime) -> tuple[State, list[tuple[
        dt.datetime, State, State]]]:
    """The state of zone `name` at `first` (UTC) and every change of its
    offset, DST or abbreviation until `last`: (UTC instant, before, after).
    zoneinfo keeps its transitions to itself, so they are found by looking
    day by day and narrowing each change down to the second."""
    zone = times.zone(name)
    initial = before = _state(first, zone)
    found = []
    moment = first
    while moment < last:
        following = moment + ONE_DAY
        after = _state(following, zone)
        if after != before:
            low, high = moment, following
            while high - low > dt.timedelta(seconds=1):
                middle = low + dt.timedelta(seconds=(high - low).total_seconds() // 2)
                if _state(middle, zone) == before:
                    low = middle
                else:
                    high = middle
            found.append((high, before, _state(high, zone)))
            before = after
        moment = following
    return initial, found


def _rules(day: dt.datetime) -> set[tuple[int, str]]:
    """The BYDAY rules a transition day fits: (2, "SU") for the second
    Sunday, and (-1, "SU") too when it is the month's last Sunday."""
    weekday = _WEEKDAYS[day.weekday()]
    rules = {((day.day - 1) // 7 + 1, weekday)}
    if day.day + 7 > _calendar.monthrange(day.year, day.month)[1]:
        rules.add((-1, weekday))
    return rules


def _observance(kind: str, onsets: list[dt.datetime], before: dt.timedelta,
                after: State, rrule: str | None = None) -> list[str]:
    lines = [f"BEGIN:{kind}", f"DTSTART:{_local(onsets[0])}",
             f"TZOFFSETFROM:{_offset(before)}", f"TZOFFSETTO:{_offset(after[0])}"]
    if after[2]:
        lines.append(f"TZNAME:{text(after[2])}")
    if rrule:
        lines.append(rrule)
    elif len(onsets) > 1:
        lines.append("RDATE:" + ",".join(_local(o) for o in onsets[1:]))
    lines.append(f"END:{kind}")
    return lines


@lru_cache(maxsize=256)
def vtimezone(name: str, first_year: int, last_year: int) -> tuple[str, ...]:
    """The VTIMEZONE of zone `name`, right for every moment from the year
    before `first_year` to the end of `last_year`. A change that recurs every
    year on the same weekday rule (the last Sunday of March) is written as a
    yearly RRULE, the way clients expect; any other change as its own date."""
    first_year = max(2, min(first_year, 9998)) - 1
    last_year = max(first_year, min(last_year, 9998))
    start = dt.datetime(first_year, 1, 1, tzinfo=UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=UTC) + ONE_DAY
    initial, changes = transitions(name, start, end)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{text(name)}"]
    local_start = (start + initial[0]).replace(tzinfo=None)
    lines += _observance("DAYLIGHT" if initial[1] else "STANDARD", [local_start], initial[0],
                         initial)
    # Group the changes alike: the same kind, offsets and abbreviation.
    groups: dict[tuple[str, dt.timedelta, State], list[dt.datetime]] = {}
    for moment, before, after in changes:
        kind = "DAYLIGHT" if after[1] else "STANDARD"
        # The onset is told in the wall-clock time in force until then.
        onset = (moment + before[0]).replace(tzinfo=None)
        groups.setdefault((kind, before[0], after), []).append(onset)
    for (kind, before_offset, after), onsets in groups.items():
        # The longest run at the end that follows one yearly rule.
        j = len(onsets) - 1
        candidates = _rules(onsets[j])
        while j > 0:
            earlier, later = onsets[j - 1], onsets[j]
            if (earlier.year != later.year - 1 or earlier.month != later.month
                    or earlier.time() != later.time()):
                break
            common = candidates & _rules(earlier)
            if not common:
                break
            candidates, j = common, j - 1
        if len(onsets) - j < 2:
            lines += _observance(kind, onsets, before_offset, after)
            continue
        if j:
            lines += _observance(kind, onsets[:j], before_offset, after)
        nth, weekday = min(candidates)  # the "last" rule when it fits, as tzdata says it
        rrule = f"RRULE:FREQ=YEARLY;BYMONTH={onsets[j].month};BYDAY={nth}{weekday}"
        if onsets[-1].year < last_year:  # the rule stopped within the years looked at
            rrule += f";UNTIL={_local(onsets[-1] - before_offset)}Z"
        lines += _observance(kind, onsets[j:], before_offset, after, rrule)
    lines.append("END:VTIMEZONE")
    return tuple(lines)


# -- Events ---------------------------------------------------------------------


def _first(value: str) -> str:
    """The first day of a partial date, as an iCalendar DATE: 2025-10 → 20251001."""
    day = value.split("T", 1)[0].replace("-", "")
    return day + "0101"[len(day) - 4:] if len(day) < 8 else day


def _after(value: str) -> str | None:
    """The day after the last day of a partial date (an exclusive DTEND):
    2025-10 → 20251101; None past the year 9999."""
    parts = value.split("T", 1)[0].split("-")
    year = int(parts[0])
    try:
        if len(parts) == 1:
            day = dt.date(year + 1, 1, 1)
        elif len(parts) == 2:
            month = int(parts[1])
            day = dt.date(year + month // 12, month % 12 + 1, 1)
        else:
            day = dt.date(year, int(parts[1]), int(parts[2])) + ONE_DAY
    except (ValueError, OverflowError):
        return None
    return _date(day)


def when(start: str, end: str | None, zone: str | None) -> tuple[list[str], tuple[int, ...]]:
    """The DTSTART and DTEND lines of an event's times (RFC 5545 §3.6.1), and
    the years its times of day fall in. `zone` is the zone's name, None for
    an event that has no time of day."""
    if zone is None or "T" not in start:
        first = _first(start)
        after = _after(end) if end else None
        if after is None or after <= first:
            after = _after(start)
        if after is None:
            return [f"DTSTART;VALUE=DATE:{first}"], ()
        return [f"DTSTART;VALUE=DATE:{first}", f"DTEND;VALUE=DATE:{after}"], ()
    tzid = param(zone)
    begins = dt.datetime.fromisoformat(start).replace(tzinfo=None)
    lines = [folded(f"DTSTART;TZID={tzid}:{_local(begins)}")]
    finish: dt.datetime | None = None
    if end and "T" in end:
        finish = dt.datetime.fromisoformat(end).replace(tzinfo=None)
    elif end:
        after = _after(end)
        finish = dt.datetime.strptime(after, "%Y%m%d") if after else None
    # Without an end, a timed event ends when it starts (RFC 5545 §3.6.1).
    if finish is not None and finish > begins:
        lines.append(folded(f"DTEND;TZID={tzid}:{_local(finish)}"))
        return lines, (begins.year, finish.year)
    return lines, (begins.year,)


def _event(row: tuple[Any, ...], span: list[str], all_day: bool, domain: str,
           labels: dict[str, str], illustrative_note: str) -> str:
    """The VEVENT of an event's row, as folded lines joined by CRLF. Only the
    lines that carry user text can be long enough to fold."""
    (ident, name, description, classification, __, __, __, location, status, parent_id,
     illustrative, updated_at, version) = row
    stamp = _utc(updated_at)
    lines = ["BEGIN:VEVENT", folded(f"UID:{text(f'{ident}@{domain}')}"), f"DTSTAMP:{stamp}",
             *span, folded(f"SUMMARY:{text(name or '')}")]
    if illustrative:
        description = f"{description}\n\n{illustrative_note}" if description else illustrative_note
    if description:
        lines.append(folded(f"DESCRIPTION:{text(description)}"))
    if location:
        lines.append(folded(f"LOCATION:{text(location)}"))
    if classification:
        lines.append(folded(f"CATEGORIES:{text(labels.get(classification, classification))}"))
    cancelled = status and status.strip().lower() in CANCELLED
    lines.append("STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED")
    lines.append(f"SEQUENCE:{max(int(version or 1) - 1, 0)}")
    lines.append(f"LAST-MODIFIED:{stamp}")
    if parent_id:
        lines.append(folded(f"RELATED-TO;RELTYPE=PARENT:{text(f'{parent_id}@{domain}')}"))
    if all_day:
        lines.append("TRANSP:TRANSPARENT")  # a day or a month long: not busy all of it
    lines.append("END:VEVENT\r\n")
    return "\r\n".join(lines)


# Past this many records in a tree, its events are chosen by a subquery
# rather than by a list of ids.
TREE_LIST_LIMIT = 5000


def _tree_sql(model: Any) -> str:
    """The query of the ids of a record and of every record below it (its
    `parent` tree), however deep the tree goes."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    parent = connection.ops.quote_name(model._meta.get_field("parent").column)
    # UNION, not UNION ALL: a cycle written around the write path ends the walk.
    # Only quoted names of the schema go into the text; the id is a parameter.
    return (f"WITH RECURSIVE tree(id) AS (SELECT {pk} FROM {table} WHERE {pk} = %s "  # noqa: S608
            f"UNION SELECT c.{pk} FROM {table} c JOIN tree ON c.{parent} = tree.id) "
            "SELECT id FROM tree")


def _tree(model: Any, ident: str) -> list[str] | RawSQL:
    """The ids of `ident`'s tree, read first: given as a list, the database
    plans for the events of those very records (with the subquery itself,
    PostgreSQL guesses a tree of hundreds and reads every event)."""
    sql = _tree_sql(model)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ident])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > TREE_LIST_LIMIT:  # too many parameters for some databases
        return RawSQL(sql, [ident])  # noqa: S611
    return ids


@dataclass
class Calendar:
    """The feed of one organisation or one area; `write` streams it."""

    kind: str  # "organization" or "area"
    ident: str
    name: str
    updated_at: dt.datetime | None = None
    # The public page of the organisation, when the caller knows its address.
    page_url: str | None = None
    # Who the feed is for (accounts.rules.Viewer): only what they may see.
    # None (the CLI's export) writes every event.
    viewer: Any = None

    def events(self) -> QuerySet[Any, tuple[Any, ...]]:
        """The events of the calendar (the COLUMNS), in order of start. For an
        organisation, an event both of its tree and joined by it, or joined
        more than once, comes more than once, side by side (`write` keeps one):
        two indexed halves, where an OR across them would read every event."""
        from xarxa.activity.models import Event, Participation

        tree = _tree(self._model(), self.ident)
        seen = self.viewer.visible_q(Event) if self.viewer is not None else Q()
        if self.kind == "area":
            return (Event.objects.filter(area_id__in=tree).filter(seen)
                    .order_by("start_date", "id").values_list(*COLUMNS))
        own = Event.objects.filter(organization_id__in=tree).filter(seen)
        # A join, which the databases run from the participations' indexes
        # (an `id IN (subquery)` there had PostgreSQL read every event).
        joined = Event.objects.filter(
            (Q(participations__organization_id=self.ident)
             | Q(participations__on_behalf_of_id=self.ident))
            & (self.viewer.visible_q(Participation, "participations__")
               if self.viewer is not None else Q())).filter(seen)
        both = own.order_by().values_list(*COLUMNS).union(joined.order_by().values_list(*COLUMNS),
                                                          all=True)
        return both.order_by("start_date", "id")

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows of `events()`, read from the cursor as the database gives
        them: Django's per-value converters cost more than writing the feed.
        (`updated_at` may come naive, in the connection's zone, or as text.)"""
        sql, params = self.events().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(2000):
                yield from batch

    def _model(self) -> Any:
        from xarxa.directory.models import Organization
        from xarxa.territory.models import Area

        return Area if self.kind == "area" else Organization

    def write(self, out: IO[bytes]) -> int:
        """Write the feed to `out`; the number of events written."""
        from xarxa.activity.models import Event

        zones: dict[str | None, str] = {}  # the zone each event's `timezone` stands for

        def zone_of(name: str | None) -> str:
            if name not in zones:
                try:
                    zones[name] = str(times.zone(name).key)
                except times.EventTimeError:  # written around the write path
                    zones[name] = times.default_zone()
            return zones[name]

        spans = []
        years: dict[str, list[int]] = {}
        previous = None
        for row in self.rows():
            start, end = row[4], row[5]
            if not start or row[0] == previous:
                continue  # not yet dated (nothing a calendar could show), or seen just before
            previous = row[0]
            zone = zone_of(row[6] or None) if "T" in start else None
            try:
                span, in_years = when(start, end, zone)
            except (ValueError, OverflowError):
                continue  # a time written around the write path, unreadable
            spans.append((row, span, zone is None))
            if zone is not None:
                years.setdefault(zone, []).extend(in_years)
        head = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH", f"X-WR-CALNAME:{text(self.name)}", f"NAME:{text(self.name)}"]
        if self.page_url:
            head.append(f"URL;VALUE=URI:{self.page_url}")
        head += [f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}"]
        for zone in sorted(years):
            head += vtimezone(zone, min(years[zone]), max(years[zone]))
        out.write(_lines(head))
        domain = uid_domain()
        labels = {value: str(label) for value, label in Event.Classification.choices}
        note = _("Illustrative: an example made up for the demo, not a fact of any source.")
        for n in range(0, len(spans), CHUNK):
            out.write("".join(_event(row, span, all_day, domain, labels, note)
                              for row, span, all_day in spans[n:n + CHUNK]).encode("utf-8", "replace"))
        out.write(b"END:VCALENDAR\r\n")
        return len(spans)


def calendar_for(organization: str | None = None, area: str | None = None,
                 viewer: Any = None) -> Calendar:
    """The calendar of an organisation (with its bodies' events and the events
    it takes part in) or of an area (with the areas inside it), holding only
    what `viewer` may see when one is given. Raises LookupError, with a
    message for people, for an id no record has (or none `viewer` may see)."""
    if organization:
        from xarxa.directory.models import Organization

        orgs = Organization.objects.filter(pk=organization)
        if viewer is not None:
            orgs = viewer.visible(orgs)
        found = orgs.values_list("name", "other_names", "updated_at").first()
        if found is None:
            raise LookupError(_('No organisation has the id "%(id)s".') % {"id": organization})
        name = _name_in(found[0], found[1], (get_language() or "")[:2])
        return Calendar("organization", organization, name, found[2], viewer=viewer)
    if area:
        from xarxa.territory.models import Area

        places = Area.objects.filter(pk=area)
        if viewer is not None:
            places = viewer.visible(places)
        place = places.values_list("name", "updated_at").first()
        if place is None:
            raise LookupError(_('No area has the id "%(id)s".') % {"id": area})
        return Calendar("area", area, place[0], place[1], viewer=viewer)
    raise LookupError(_("Name an organisation or an area."))


def _name_in(name: str, other_names: Any, lang: str) -> str:
    """The organisation's name in the reader's language, when it has one."""
    for other in other_names if isinstance(other_names, list) else []:
        if isinstance(other, dict) and other.get("lang") == lang and other.get("name"):
            return str(other["name"])
    return name

