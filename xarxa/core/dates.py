"""Partial ISO 8601 dates: `2009`, `2015-06`, `2021-06-15`.

A partial date is kept exactly as the source gave it. Because the text is
zero-padded and most-significant first, comparing the texts compares the
dates, so the database can sort and filter on the column directly.

A partial date names a span: `2015-06` is any day of June 2015. A start is
taken at the beginning of its span and an end at the close of its span, so a
membership that ended in `2015-06` is still current on 2015-06-15. `current_q`
builds that rule as an index-friendly database filter; `is_current` is the
same rule in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

# ASCII digits only, and \Z rather than $, which would let "2015\n" through.
PARTIAL_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


class PartialDateError(ValueError):
    """A value that is not a partial ISO 8601 date; the message says why."""


@dataclass(frozen=True, slots=True)
class Span:
    first: dt.date
    last: dt.date


def parse(value: object) -> str | None:
    """Return the canonical text of a partial date, or None for empty values.

    Raises PartialDateError with a translated reason for anything else.
    """
    if value is None or value == "":
        return None
    if type(value) is str and value in _VALID:
        return value
    result = _parse(value)
    if type(value) is str and len(_VALID) < 200_000:
        # Imports repeat the same few thousand dates a million times.
        _VALID.add(value)
    return result


_VALID: set[str] = set()


def _parse(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise PartialDateError(_("%(value)s is not an ISO 8601 date") % {"value": repr(value)})
    match = PARTIAL_DATE_RE.match(value)
    if not match:
        raise PartialDateError(
            _("%(value)s is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
            % {"value": _quote(value)}
        )
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise PartialDateError(
            _("%(value)s has no month %(month)s") % {"value": _quote(value), "month": month}
        )
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise PartialDateError(
                _("%(value)s is not a day of the calendar") % {"value": _quote(value)}
            ) from None
    if int(year) == 0:
        raise PartialDateError(_("%(value)s has year 0") % {"value": _quote(value)})
    return value


def _quote(value: str) -> str:
    # Long hostile input must not flood an error report.
    shown = value if len(value) <= 40 else value[:40] + "…"
    return '"' + shown.replace('"', '\\"') + '"'


def span(value: str) -> Span:
    """The first and last day a partial date can stand for."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return Span(dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31))
    if len(parts) == 2:
        last_day = calendar.monthrange(parts[0], parts[1])[1]
        return Span(dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last_day))
    day = dt.date(parts[0], parts[1], parts[2])
    return Span(day, day)


def check_order(start: str | None, end: str | None) -> None:
    """Refuse an end that closes before its start could have begun."""
    # Texts that compare in order are dates in order: most pairs stop here.
    if not start or not end or end >= start:
        return
    if span(end).last < span(start).first:
        raise PartialDateError(
            _("the end %(end)s is before the start %(start)s") % {"end": end, "start": start}
        )


def as_of_text(as_of: dt.date | str | None) -> str:
    from django.utils import timezone

    if as_of is None:
        return timezone.localdate().isoformat()
    if isinstance(as_of, dt.datetime):
        # A moment stands for its day; its isoformat() would carry the time too
        # and no longer compare with the dates.
        as_of = timezone.localdate(as_of) if timezone.is_aware(as_of) else as_of.date()
    if isinstance(as_of, dt.date):
        return as_of.isoformat()
    text = parse(as_of)
    assert text is not None
    return span(text).first.isoformat() if len(text) < 10 else text


def is_current(
    start: str | None, end: str | None, as_of: dt.date | str | None = None
) -> bool:
    """Whether a span from `start` to `end` holds on `as_of` (today by default)."""
    day = as_of_text(as_of)
    started = start is None or start <= day
    not_ended = end is None or end >= day or end == day[:7] or end == day[:4]
    return started and not_ended


def current_q(
    as_of: dt.date | str | None = None, start: str = "start_date", end: str = "end_date"
) -> Q:
    """The database filter for "holds on `as_of`", the same rule as `is_current`."""
    day = as_of_text(as_of)
    started = Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})
    not_ended = (
        Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": day})
        | Q(**{end: day[:7]})
        | Q(**{end: day[:4]})
    )
    return started & not_ended


def years_between(start: str, as_of: dt.date | str | None = None) -> int:
    """Whole years from the start of `start` to `as_of`, for "for 10 years"."""
    first = span(start).first
    day = dt.date.fromisoformat(as_of_text(as_of))
    years = day.year - first.year
    if (day.month, day.day) < (first.month, first.day):
        years -= 1
    return max(years, 0)
