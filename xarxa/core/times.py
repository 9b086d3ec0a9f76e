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


class EventTimeError(ValueError):
    """A value that is neither a partial date nor a date and time."""


def default_zone() -> str:
    return str(getattr(settings, "XARXA_EVENT_TIME_ZONE", "Europe/Madrid"))


@lru_cache(maxsize=64)
def zone(name: str | None) -> zoneinfo.ZoneInfo:
    """The time zone called `name`; raises EventTimeError for an unknown one."""
    try:
        return zoneinfo.ZoneInfo(name or default_zone())
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
        try:
            moment = dt.datetime.fromisoformat(
                f"{day}T{hour}:{minute}:{second or '00'}" + _offset(offset))
        except ValueError:
            raise EventTimeError(_("%(value)s is not a time of the calendar")
                                 % {"value": dates._quote(value)}) from None
        if moment.year == 0:
            raise EventTimeError(_("%(value)s has year 0") % {"value": dates._quote(value)})
    else:
        raise EventTimeError(_("%(value)s is not a date or a date and time")
                             % {"value": repr(value)[:40]})
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


def with_offset(value: str | None, tz: str | None) -> str | None:
    """The Popolo form: a date as it is, a time with its UTC offset that day."""
    if not value or "T" not in value:
        return value
    moment = aware(value, tz)
    offset = moment.strftime("%z")
    return value + (offset[:3] + ":" + offset[3:])


def first_day(value: str) -> dt.date:
    return dates.span(day_of(value)).first


def last_day(value: str) -> dt.date:
    return dates.span(day_of(value)).last


def check_order(start: str | None, end: str | None, tz: str | None) -> str | None:
    """The problem when `end` is before `start`, or None."""
    if not start or not end:
        return None
    if has_time(start) and has_time(end):
        wrong = aware(end, tz) < aware(start, tz)
    else:
        wrong = last_day(end) < first_day(start)
    if wrong:
        return _("the end %(end)s is before the start %(start)s") % {"end": end, "start": start}
    return None


def duration_hours(start: str | None, end: str | None, tz: str | None) -> float | None:
    """Hours between two times of day, when both are given; None otherwise."""
    if not has_time(start) or not has_time(end):
        return None
    seconds = (aware(end, tz) - aware(start, tz)).total_seconds()  # type: ignore[arg-type]
    return round(seconds / 3600, 2) if seconds >= 0 else None
