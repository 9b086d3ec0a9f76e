"""Model fields shared by every domain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from xarxa.core import dates


def validate_partial_date(value: Any) -> None:
    try:
        dates.parse(value)
    except dates.PartialDateError as exc:
        raise ValidationError(str(exc), code="partial_date") from None


class PartialDateField(models.CharField):
    """A partial ISO 8601 date (`2009`, `2015-06`, `2021-06-15`), stored as the
    text it was given; the text sorts and compares like the date."""

    description = _("Partial ISO 8601 date")
    default_validators = [validate_partial_date]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 10), ("null", True), ("blank", True),
                             ("db_index", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value or None

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value or None


def validate_event_time(value: Any) -> None:
    from xarxa.core import times

    try:
        times.parse(value)
    except times.EventTimeError as exc:
        raise ValidationError(str(exc), code="event_time") from None


class EventTimeField(PartialDateField):
    """When an event happens: a partial date or a date and a time of day
    (`2025-10-04T18:00`), wall-clock time in the event's time zone (core.times)."""

    description = _("Partial date, or date and time")
    default_validators = [validate_event_time]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 19)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 19:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def to_python(self, value: Any) -> Any:
        from xarxa.core import times

        value = models.CharField.to_python(self, value)
        try:
            return times.parse(value.strip() if isinstance(value, str) else value)
        except times.EventTimeError:
            return value or None  # the validator words the problem
