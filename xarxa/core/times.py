"""When an event happens: a partial date (`2025-10`, `2025-10-04`) or a date
and a time of day (`2025-10-04T18:00`), in the event's time zone.

An event's times are kept as wall-clock text in its own time zone (Europe/
Madrid unless it says otherwise), so "18:00" stays 18:00 across the change to
summer time and sorts and filters as text, like the partial dates do. The
Popolo export writes the offset that applied on that day
(`2025-10-04T18:00+02:00`), as Popolo's schema asks; a time read with an
offset, or in UTC, is turned into the event's wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

from xarxa.core import dates

TIME_RE = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(?:\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z"
)


# The years a date and time of day may have (a partial date may have any).
FIRST_YEAR, LAST_YEAR = 2, 9998


class EventTimeError(ValueError):
    """A value that is neither a partial date nor a date and time."""


def default_zone() -> str:
    return str(getattr(settings, "XARXA_EVENT_TIME_ZONE", "Europe/Madrid"))


def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The time zone called `name` (blank: the installation's); raises
    EventTimeError for an unknown one."""
    # The default is looked up on each call, not cached with the zones: a
    # change of XARXA_EVENT_TIME_ZONE takes effect.
    return _zone(name or default_zone())


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise EventTimeError(_("%(zone)s is not a time zone (such as Europe/Madrid)")
                             % {"zone": dates._quote(str(name))}) from None


def check_zone(name: str | None) -> str | None:
    """The problem with a time zone name, or None."""
    try:
        zone(name)
    except EventTimeError as exc:
        return str(exc)
    return None


def parse(value: object, tz: str | None = None) -> str | None:
    """The canonical wall-clock text of an event time, or None when empty.

    A partial date is kept as it is; a date and time becomes
    `YYYY-MM-DDTHH:MM` (with `:SS` when the seconds are not zero), turned
    into the wall-clock time of `tz` when it came with an offset.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return value.isoformat()
    elif isinstance(value, str) and "T" not in value and " " not in value:
        try:
            return dates.parse(value)
        except dates.PartialDateError as exc:
            if dates.PARTIAL_DATE_RE.match(value):  # a month 13, a 30 February
                raise EventTimeError(str(exc)) from None
            raise EventTimeError(_(
                "%(value)s is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a date and time "
                "(YYYY-MM-DDTHH:MM)") % {"value": dates._quote(value)}) from None
    elif isinstance(value, str):
        match = TIME_RE.match(value)
        if not match:
            raise EventTimeError(_(
                "%(value)s is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a date and time "
                "(YYYY-MM-DDTHH:MM)") % {"value": dates._quote(value)})
        day, hour, minute, second, offset = match.groups()
        if day.startswith("0000"):
            raise EventTimeError(_("%(value)s has year 0") % {"value": dates._quote(value)})
        try:
            moment = dt.datetime.fromisoformat(
                f"{day}T{hour}:{minute}:{second or '00'}" + _offset(offset))
        except ValueError:
            raise EventTimeError(_("%(value)s is not a time of the calendar")
                                 % {"value": dates._quote(value)}) from None
    else:
        raise EventTimeError(_("%(value)s is not a date or a date and time")
                             % {"value": repr(value)[:40]})
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        # A day away from the ends of the calendar, a time can be moved to any
        # zone (and to UTC) without falling off them.
        raise EventTimeError(_("%(value)s: a time of day is only kept for the years %(first)d "
                               "to %(last)d") % {"value": dates._quote(str(value)),
                                                 "first": FIRST_YEAR, "last": LAST_YEAR})
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone(tz)).replace(tzinfo=None)
    return _text(moment)


def _offset(offset: str | None) -> str:
    if not offset:
        return ""
    if offset == "Z":
        return "+00:00"
    if len(offset) == 3:
        return offset + ":00"
    if ":" not in offset:
        return offset[:3] + ":" + offset[3:]
    return offset


def _text(moment: dt.datetime) -> str:
    fmt = "%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M"
    return f"{moment.year:04d}" + moment.strftime(fmt)[len(str(moment.year)):]


def has_time(value: str | None) -> bool:
    return bool(value) and "T" in value  # type: ignore[operator]


def day_of(value: str) -> str:
    """The partial date of an event time: `2025-10-04T18:00` → `2025-10-04`."""
    return value.split("T", 1)[0]


def aware(value: str, tz: str | None) -> dt.datetime:
    """A wall-clock date and time as an aware moment in `tz`."""
    return dt.datetime.fromisoformat(value).replace(tzinfo=zone(tz))


def in_utc(value: str, tz: str | None) -> dt.datetime:
    """A wall-clock date and time of `tz` as the same moment in UTC. Durations
    and comparisons go through UTC: Python subtracts two times of the same
    zone as wall-clock times, which is an hour off across a change of clocks."""
    return aware(value, tz).astimezone(dt.UTC)


def exists(value: str, tz: str | None) -> bool:
    """Whether a wall-clock time happens at all in `tz`: 02:30 on the night
    the clocks go forward (from 02:00 to 03:00) does not."""
    naive = dt.datetime.fromisoformat(value)
    there = zone(tz)
    back = naive.replace(tzinfo=there).astimezone(dt.UTC).astimezone(there).replace(tzinfo=None)
    return back == naive


def check_exists(value: str | None, tz: str | None) -> str | None:
    """The problem with a time of day that the clocks skip in `tz`, or None."""
    if not has_time(value) or exists(value, tz):  # type: ignore[arg-type]
        return None
    return _("%(value)s does not exist in %(zone)s: the clocks go forward that night") % {
        "value": value, "zone": tz or default_zone()}


def with_offset(value: str | None, tz: str | None) -> str | None:
    """The Popolo form: a date as it is, a time with its UTC offset that day.
    An offset of hours and minutes, as RFC 3339 writes it; the rare zone whose
    offset that day has seconds (local mean time, before 1901 in Madrid)
    gets the same moment in UTC."""
    if not value or "T" not in value:
        return value
    moment = aware(value, tz)
    offset = moment.utcoffset() or dt.timedelta(0)
    if offset.seconds % 60 or offset.microseconds:
        return _text(moment.astimezone(dt.UTC).replace(tzinfo=None)) + "Z"
    text = moment.strftime("%z")
    return value + (text[:3] + ":" + text[3:5])


def first_day(value: str) -> dt.date:
    return dates.span(day_of(value)).first


def last_day(value: str) -> dt.date:
    return dates.span(day_of(value)).last


def check_order(start: str | None, end: str | None, tz: str | None) -> str | None:
    """The problem when `end` is before `start`, or None."""
    if not start or not end:
        return None
    if has_time(start) and has_time(end):
        wrong = in_utc(end, tz) < in_utc(start, tz)
    else:
        wrong = last_day(end) < first_day(start)
    if wrong:
        return _("the end %(end)s is before the start %(start)s") % {"end": end, "start": start}
    return None


def duration_hours(start: str | None, end: str | None, tz: str | None) -> float | None:
    """Hours between two times of day, when both are given; None otherwise."""
    if not has_time(start) or not has_time(end):
        return None
    seconds = (in_utc(end, tz) - in_utc(start, tz)).total_seconds()  # type: ignore[arg-type]
    return round(seconds / 3600, 2) if seconds >= 0 else None
