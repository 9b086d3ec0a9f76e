"""Yearly events: the Festa Major del Congrés comes back every October.

`repeat(event, year)` makes that year's edition of an event: the same name,
place, body and campaign, its dates moved to that year, its activities
(sub-events) repeated with it, and its organisers copied — what changes from
one year to the next (hours, people reached, who came) is left to record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from xarxa.activity.models import Event, Participation
from xarxa.core import times, writes
from xarxa.core.validation import InputError, Problem

# What an edition takes from the one it repeats.
# Its keeper and who may see it too: a private event's edition stays private.
COPIED = ("name", "description", "classification", "location", "area_id", "organization_id",
          "campaign_id", "timezone", "yearly", "illustrative", "visibility")
PARTICIPATION_COPIED = ("person_id", "organization_id", "on_behalf_of_id", "role", "objectives",
                        "illustrative", "visibility")
TRAILING_YEAR = re.compile(r"(?<![0-9])[0-9]{4}\Z")


@dataclass
class Repeated:
    """What a repeat made: the edition, its sub-events and participations."""

    source: Event
    edition: Event
    events: list[Event] = field(default_factory=list)
    participations: int = 0


def year_of(value: str | None) -> int | None:
    return int(value[:4]) if value else None


def shift(value: str | None, years: int) -> str | None:
    """An event time (a partial date or a date and time) `years` later; a 29
    February that the new year lacks becomes the 28th."""
    if not value:
        return value
    year = int(value[:4]) + years
    if not 1 <= year <= 9999:
        raise InputError([Problem("year", _("%(year)d is not a year Xarxa can record")
                                  % {"year": year})])
    text = f"{year:04d}{value[4:]}"
    if text[4:10] == "-02-29" and not _leap(year):
        text = text[:8] + "28" + text[10:]
    return text


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def edition_id(source_id: str, year: int, source_year: int | None = None) -> str:
    """`festa-major-2025` → `festa-major-2026`; `festa-major` → `festa-major-2026`;
    an activity `festa-major-2025-cercavila` (its festival's id and a name) →
    `festa-major-2026-cercavila` when 2025 is the year it is repeated from.
    An id already taken gets a number."""
    token = re.compile(rf"(?<![0-9]){source_year:04d}(?=-|\Z)") if source_year else None
    if TRAILING_YEAR.search(source_id):
        candidate = TRAILING_YEAR.sub(f"{year:04d}", source_id)
    elif token is not None and (found := list(token.finditer(source_id))):
        last = found[-1]
        candidate = f"{source_id[:last.start()]}{year:04d}{source_id[last.end():]}"
    else:
        candidate = f"{source_id[:194]}-{year:04d}"
    base, n = candidate, 1
    while Event.objects.filter(pk=candidate).exists():
        n += 1
        candidate = f"{base[:190]}-{n}"
    return candidate


def series_q(first: Event) -> Q:
    """The editions of a series: its first one and every event repeating it."""
    return Q(pk=first.pk) | Q(repeat_of=first)


def edition_in(first: Event, year: int) -> Event | None:
    """The edition of the series of `first` that starts in `year`, if any."""
    return (Event.objects.filter(series_q(first), start_date__startswith=f"{year:04d}")
            .order_by("start_date", "pk").first())


def check(event: Event, year: int) -> list[Problem]:
    """Why `event` cannot be repeated in `year`, if it cannot."""
    if not 1 <= year <= 9999:
        return [Problem("year", _("%(year)d is not a year Xarxa can record") % {"year": year})]
    if not event.start_date:
        return [Problem(event.pk, _(
            "has no start date: give it one, so that its edition of another year has one"))]
    existing = edition_in(event.first_edition(), year)
    if existing is not None:
        return [Problem(event.pk, _("already has its %(year)d edition: %(edition)s")
                        % {"year": year, "edition": existing.pk})]
    return []


def repeat(event: Event, year: int, *, actor: writes.Actor) -> Event:
    """Make the `year` edition of `event` (all of it, or nothing: InputError)."""
    return repeat_all(event, year, actor=actor).edition


def repeat_all(event: Event, year: int, *, actor: writes.Actor, batch: str = "") -> Repeated:
    """`repeat`, saying also which sub-events and how many participations it made."""
    problems = check(event, year)
    if problems:
        raise InputError(problems)
    years = year - year_of(event.start_date)  # type: ignore[operator]
    parent = None
    if event.parent_id:
        # A sub-event repeated on its own goes into that year's edition of its
        # festival, when there is one.
        parent = edition_in(event.parent.first_edition(), year)  # type: ignore[union-attr]
    batch = batch or writes.new_batch()
    with transaction.atomic():
        made = Repeated(source=event, edition=event)
        made.edition = _copy(event, years, parent, made, actor, batch)
        return made


def _copy(source: Event, years: int, parent: Event | None, made: Repeated,
          actor: writes.Actor, batch: str) -> Event:
    start, end = shift(source.start_date, years), shift(source.end_date, years)
    # A sub-event without dates of its own takes the year of its festival's edition.
    year = year_of(start) or year_of(parent.start_date if parent else None)
    assert year is not None  # the event repeated has a start date
    values: dict[str, Any] = {name: getattr(source, name) for name in COPIED}
    if source.owner_id:
        values["owner_id"] = source.owner_id
    values |= {
        "id": edition_id(source.pk, year, year_of(source.start_date) or year - years),
        "start_date": start, "end_date": end, "status": Event.Status.PLANNED,
        "parent_id": parent.pk if parent else None,
        "repeat_of_id": source.first_edition().pk,
    }
    try:
        edition = writes.create(Event, values, actor=actor, batch=batch)
    except ValidationError as exc:
        raise _refusal(exc, source) from None
    if parent is not None:
        made.events.append(edition)
    organisers = source.participations.filter(role__in=Participation.ORGANISER_ROLES).order_by("pk")
    for participation in organisers:
        copied = {name: getattr(participation, name) for name in PARTICIPATION_COPIED}
        if participation.owner_id:
            copied["owner_id"] = participation.owner_id
        try:
            writes.create(Participation, {**copied, "event_id": edition.pk}, actor=actor,
                          batch=batch)
        except ValidationError as exc:
            raise _refusal(exc, source) from None
        made.participations += 1
    for child in source.children.order_by("start_date", "pk"):
        _copy(child, years, edition, made, actor, batch)
    return edition


def _refusal(exc: ValidationError, source: Event) -> InputError:
    """A record the copy could not write: a time the clocks skip that year, or
    a rule the source broke since it was written."""
    return InputError([Problem(source.pk, message) for message in exc.messages])


def latest_editions(year: int) -> list[Event]:
    """The events to repeat for `year`: for each series holding an event marked
    yearly and no edition that year, its latest edition. Festivals come before
    the activities they hold, which are repeated with them."""
    yearly = Event.objects.filter(yearly=True).select_related("repeat_of")
    series: dict[str, list[Event]] = {}
    for event in yearly:
        series.setdefault(event.first_edition().pk, [])
    chosen = []
    for first_id in sorted(series):
        editions = list(Event.objects.filter(Q(pk=first_id) | Q(repeat_of_id=first_id)))
        if any(e.start_date and e.start_date[:4] == f"{year:04d}" for e in editions):
            continue
        dated = [e for e in editions if e.start_date]
        latest = max(dated, key=lambda e: (times.first_day(e.start_date), e.pk)) if dated \
            else min(editions, key=lambda e: e.pk)  # type: ignore[arg-type]
        chosen.append(latest)
    return sorted(chosen, key=lambda e: (e.parent_id is not None, e.start_date or "", e.pk))


def repeat_yearly(year: int, *, actor: writes.Actor) -> list[Repeated]:
    """Repeat in `year` every yearly event that has no edition then, all in
    one transaction: one refusal and nothing is written."""
    made: list[Repeated] = []
    problems: list[Problem] = []
    batch = writes.new_batch()
    with transaction.atomic():
        for event in latest_editions(year):
            if event.start_date and edition_in(event.first_edition(), year) is not None:
                continue  # repeated just now, with its festival
            try:
                made.append(repeat_all(event, year, actor=actor, batch=batch))
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
    return made

