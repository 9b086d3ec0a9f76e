"""An agreement's status, derived from its dates and an "as of" day, never stored.

- **draft**: not signed (no `signed_on`, or signed after the day asked about);
- **signed**: signed, but its term starts later;
- **renewed**: another agreement renews it (whatever its dates say, nothing
  is left to do about it);
- **expired**: its effective end has passed;
- **expiring**: its effective end falls within the notice (the agreement's
  `notice_days`, else `settings.XARXA_AGREEMENT_NOTICE_DAYS`);
- **in force**: the rest.

The effective end is `extended_until` when there is one, else `end_date`. A
partial date is taken at the close of its span when it ends something (an end
of `2026-06` is the 30th of June) and at the beginning of its span when it
starts something (a start or a signature in `2025` counts from the 1st of
January), as everywhere in Xarxa (`xarxa.core.dates`).

`status()` is the rule in Python; `status_q()` and `expiring_within_q()` are
the same rule as database filters, built from comparisons of the stored text
with the day asked about, so an index on the dates serves them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from xarxa.core import dates

DRAFT, SIGNED, IN_FORCE, EXPIRING, EXPIRED, RENEWED = (
    "draft", "signed", "in force", "expiring", "expired", "renewed")
STATUSES = (DRAFT, SIGNED, IN_FORCE, EXPIRING, EXPIRED, RENEWED)
LABELS: dict[str, Any] = {
    DRAFT: _("draft"),
    SIGNED: _("signed, not yet started"),
    IN_FORCE: _("in force"),
    EXPIRING: _("expiring"),
    EXPIRED: _("expired"),
    RENEWED: _("renewed"),
}


def default_notice() -> int:
    return int(getattr(settings, "XARXA_AGREEMENT_NOTICE_DAYS", 90))


def effective_end(end_date: str | None, extended_until: str | None) -> str | None:
    """The partial date the agreement ends on: its extension's, else its own."""
    return extended_until or end_date


def last_day(value: str) -> dt.date:
    return dates.span(value).last


def day_of(as_of: dt.date | str | None) -> dt.date:
    return dt.date.fromisoformat(dates.as_of_text(as_of))


def days_left(end: str | None, as_of: dt.date | str | None = None) -> int | None:
    """Days from `as_of` to the last day of `end` (0 on that day, negative after)."""
    if not end:
        return None
    return (last_day(end) - day_of(as_of)).days


def expires_within(end_date: str | None, extended_until: str | None, days: int,
                   as_of: dt.date | str | None = None) -> bool:
    """Whether the effective end falls between `as_of` and `days` days later
    (both included). The rule of `expiring_within_q`."""
    end = effective_end(end_date, extended_until)
    if not end:
        return False
    left = days_left(end, as_of)
    assert left is not None
    return 0 <= left <= days


def status(
    *, signed_on: str | None, start_date: str | None, end_date: str | None,
    extended_until: str | None, notice_days: int | None, renewed: bool,
    as_of: dt.date | str | None = None,
) -> str:
    """The status of an agreement with these dates on `as_of` (today by default)."""
    day = dates.as_of_text(as_of)
    if not signed_on or signed_on > day:
        return DRAFT
    if renewed:
        return RENEWED
    if start_date and start_date > day:
        return SIGNED
    end = effective_end(end_date, extended_until)
    if not end:
        return IN_FORCE
    left = days_left(end, day)
    assert left is not None
    if left < 0:
        return EXPIRED
    notice = default_notice() if notice_days is None else notice_days
    return EXPIRING if left <= notice else IN_FORCE


# -- The same rules as database filters ---------------------------------------

def renewed_expression() -> Exists:
    """True for an agreement that another agreement renews (annotate with it)."""
    from xarxa.training.models import Agreement

    return Exists(Agreement.objects.filter(renews=OuterRef("pk")))


def _not_ended_q(column: str, day: str) -> Q:
    """`column`'s span has not closed before `day` (the rule of `dates.current_q`)."""
    return Q(**{f"{column}__gte": day}) | Q(**{column: day[:7]}) | Q(**{column: day[:4]})


def _ended_by_q(column: str, limit: dt.date) -> Q:
    """`column`'s span closes on or before `limit`. The text of a day, a month
    or a year before `limit` sorts before it; the month and the year that hold
    `limit` close after it unless `limit` is their last day."""
    text = limit.isoformat()
    q = Q(**{f"{column}__lte": text})
    if limit != last_day(text[:7]):
        q &= ~Q(**{column: text[:7]})
    if limit != last_day(text[:4]):
        q &= ~Q(**{column: text[:4]})
    return q


def _on_effective_end(make: Any) -> Q:
    """A condition on the effective end, written so each branch reads one
    column (and its index): the extension when there is one, else the end."""
    return (Q(extended_until__isnull=False) & make("extended_until")) | (
        Q(extended_until__isnull=True, end_date__isnull=False) & make("end_date"))


def _within_q(day: dt.date, days: int) -> Q:
    text = day.isoformat()
    try:
        limit = day + dt.timedelta(days=days)
    except OverflowError:
        limit = dt.date.max
    return _on_effective_end(lambda c: _not_ended_q(c, text) & _ended_by_q(c, limit))


def expiring_within_q(days: int, as_of: dt.date | str | None = None) -> Q:
    """Agreements whose effective end falls within `days` days of `as_of`
    (the rule of `expires_within`)."""
    return _within_q(day_of(as_of), days)


def _signed_q(day: str) -> Q:
    return Q(signed_on__isnull=False, signed_on__lte=day)


def _started_q(day: str) -> Q:
    return Q(start_date__isnull=True) | Q(start_date__lte=day)


def _ended_q(day: str) -> Q:
    return _on_effective_end(lambda c: ~_not_ended_q(c, day))


def _expiring_q(day: dt.date, notices: list[int]) -> Q:
    # One branch per notice in use (90, 60, 30…: a handful), so each stays a
    # comparison of the stored dates.
    q = Q(notice_days__isnull=True) & _within_q(day, default_notice())
    for notice in notices:
        q |= Q(notice_days=notice) & _within_q(day, notice)
    return q


def status_q(wanted: str, as_of: dt.date | str | None = None,
             queryset: models.QuerySet | None = None) -> Q:
    """The database filter for the agreements whose `status()` is `wanted` on
    `as_of`."""
    from xarxa.training.models import Agreement

    day = day_of(as_of)
    text = day.isoformat()
    signed = _signed_q(text)
    if wanted == DRAFT:
        return ~signed
    renewed = Q(Exists(Agreement.objects.filter(renews=OuterRef("pk"))))
    if wanted == RENEWED:
        return signed & renewed
    live = signed & ~renewed
    if wanted == SIGNED:
        return live & ~_started_q(text)
    live &= _started_q(text)
    if wanted == EXPIRED:
        return live & _ended_q(text)
    base = queryset if queryset is not None else Agreement.objects.all()
    notices = sorted(set(base.exclude(notice_days=None)
                         .values_list("notice_days", flat=True).distinct()))
    expiring = _expiring_q(day, notices)
    if wanted == EXPIRING:
        return live & expiring
    if wanted == IN_FORCE:
        return live & ~_ended_q(text) & ~expiring
    raise ValueError(wanted)
