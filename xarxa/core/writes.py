"""The one way in: every change to a record, from the admin, the importers,
the CLI (and later the pages and the API), goes through these functions.
Each runs in a transaction, validates, saves only what changed, bumps the
record's version and writes a history row with the record before and after.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from xarxa.core.models import PopoloModel
from xarxa.history.models import Change

M = TypeVar("M", bound=PopoloModel)


@dataclass(frozen=True)
class Actor:
    """Who makes a change, and through which door."""

    label: str
    user_id: int | None = None

    @classmethod
    def cli(cls, command: str = "cli") -> Actor:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return cls(f"{command}:{name}")

    @classmethod
    def of_user(cls, user: Any, via: str) -> Actor:
        return cls(f"{via}:{user.get_username()}", user.pk)


class ConflictError(Exception):
    """The record changed since the caller read it (its version moved on)."""


def new_batch() -> str:
    return uuid.uuid4().hex


def model_label(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def snapshot(obj: PopoloModel) -> dict[str, Any]:
    return obj.to_popolo(timestamps=False)


def validate(obj: PopoloModel, *, exclude: Iterable[str] = ()) -> None:
    """Field checks (dates, lengths, references) and the model's own rules,
    as one ValidationError keyed by field."""
    obj.full_clean(exclude=list(exclude) or None, validate_unique=obj._state.adding)


def history_row(
    action: str, model: str, object_id: str, repr_: str, before: Any, after: Any,
    actor: Actor, batch: str, at: Any = None,
) -> Change:
    return Change(
        at=at or timezone.now(), actor_id=actor.user_id, actor_label=actor.label[:200],
        action=action, model=model, object_id=object_id, object_repr=repr_[:300],
        before=before, after=after, batch=batch,
    )


def create(model: type[M], values: dict[str, Any], *, actor: Actor, batch: str = "") -> M:
    with transaction.atomic():
        obj = model(**values)
        if not obj.pk:
            obj.pk = model.new_id(values)
        validate(obj)
        obj.save(force_insert=True)
        history_row(
            Change.Action.CREATE, model_label(obj), obj.pk, str(obj), None, snapshot(obj),
            actor, batch,
        ).save()
        return obj


def update(
    obj: M, values: dict[str, Any], *, actor: Actor, expected_version: int | None = None,
    batch: str = "",
) -> M:
    """Apply `values` (field name → value) to `obj`. Nothing is written, and
    no history kept, when nothing changes."""
    model = type(obj)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(
                _("%(obj)s was changed by someone else (version %(now)d, not %(then)d)")
                % {"obj": current, "now": current.version, "then": expected_version}
            )
        before = snapshot(current)
        changed = []
        for name, value in values.items():
            field = model._meta.get_field(name)
            attname = field.attname if not isinstance(value, models.Model) else field.name
            if getattr(current, field.attname) != (value.pk if isinstance(value, models.Model) else value):
                setattr(current, attname, value)
                changed.append(field.name)
        if not changed:
            return current
        validate(current)
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        history_row(
            Change.Action.UPDATE, model_label(current), current.pk, str(current), before,
            snapshot(current), actor, batch,
        ).save()
        # The caller's object now tells the truth too.
        for f in model._meta.concrete_fields:
            setattr(obj, f.attname, getattr(current, f.attname))
        return current


def delete(obj: PopoloModel, *, actor: Actor, batch: str = "") -> None:
    with transaction.atomic():
        before = snapshot(obj)
        try:
            obj.delete()
        except (ProtectedError, RestrictedError) as exc:
            using = sorted({str(o._meta.verbose_name) for o in exc.protected_objects
                            } if isinstance(exc, ProtectedError) else
                           {str(o._meta.verbose_name) for o in exc.restricted_objects})
            raise ValidationError(
                _("%(obj)s cannot be deleted while other records point to it (%(kinds)s)")
                % {"obj": obj, "kinds": ", ".join(using)}
            ) from None
        history_row(
            Change.Action.DELETE, model_label(obj), before["id"], str(obj), before, None,
            actor, batch,
        ).save()
