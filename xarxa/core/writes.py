"""The one way in: every change to a record, from the admin, the importers,
the CLI (and later the pages and the API), goes through these functions.
Each runs in a transaction, validates, saves only what changed, bumps the
record's version and writes a history row with the record before and after.
"""

from __future__ import annotations

import getpass
import json
import operator
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from xarxa.core.models import PopoloModel, json_referrers
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
    return obj.to_popolo()


def validate(obj: PopoloModel) -> None:
    """Field checks (dates, lengths, references) and the model's own rules,
    as one ValidationError keyed by field."""
    obj.full_clean(validate_unique=obj._state.adding)


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
        if not obj.owner_id and "owner" not in values and "owner_id" not in values:
            owner = model.default_owner(obj.row())
            owners: Any = model._meta.get_field("owner").related_model
            if owner and owners._default_manager.filter(pk=owner).exists():
                obj.owner_id = owner
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
            assert isinstance(field, models.Field), name  # a column, not a reverse relation
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


def blocking_kinds(obj: PopoloModel) -> list[str]:
    """The kinds of record that still point to `obj` and forbid deleting it.
    One `exists()` per relation: a network with a million memberships is
    refused at once, without loading them."""
    kinds = []
    for rel in obj._meta.related_objects:
        if rel.on_delete in (models.PROTECT, models.RESTRICT) and (
            rel.related_model._default_manager.filter(**{rel.field.name: obj}).exists()
        ):
            kinds.append(str(rel.related_model._meta.verbose_name_plural))
    kinds.extend(str(model._meta.verbose_name_plural) for model in json_referrers(obj))
    return sorted(set(kinds))


def _still_pointed_to(obj: PopoloModel, kinds: list[str]) -> ValidationError:
    return ValidationError(
        _("%(obj)s cannot be deleted while other records point to it (%(kinds)s)")
        % {"obj": obj, "kinds": ", ".join(kinds)}
    )


def delete(obj: PopoloModel, *, actor: Actor, batch: str = "") -> None:
    with transaction.atomic():
        before = snapshot(obj)
        if kinds := blocking_kinds(obj):
            raise _still_pointed_to(obj, kinds)
        try:
            obj.delete()
        except (ProtectedError, RestrictedError):  # a record came to point to it meanwhile
            raise _still_pointed_to(obj, blocking_kinds(obj)) from None
        history_row(
            Change.Action.DELETE, model_label(obj), before["id"], str(obj), before, None,
            actor, batch,
        ).save()


# -- Bulk writes -------------------------------------------------------------
# Importers hand whole chunks of rows (column name → value, as read by
# core.popolo) to `bulk_apply`, which creates or updates them by id and writes
# one history row per changed record, like `create`/`update` do one at a time.


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: BulkResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


def _json_columns(model: type[models.Model]) -> frozenset[str]:
    return frozenset(
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)
    )


def _dump(value: Any) -> str | None:
    # Empty lists and objects are most of the JSON columns: skip the encoder.
    if value == []:
        return "[]"
    if value == {}:
        return "{}"
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits, which orjson refuses
        return json.dumps(value, ensure_ascii=False)


def insert_rows(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows at once: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = (
                f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            cursor.executemany(sql, rows)


def bulk_apply(
    model: type[PopoloModel], rows: list[dict[str, Any]], *, actor: Actor, batch: str,
    now: Any = None, all_new: bool = False,
) -> BulkResult:
    """Create or update `rows` of `model` by id, with their history.

    Callers validate first (core.popolo and their own reference checks) and
    hold the transaction: this writes and records, nothing more. `all_new`
    says the caller knows none of the ids exist (the table was empty), which
    spares looking them up.
    """
    result = BulkResult()
    if not rows:
        return result
    spec = model.POPOLO
    label = model_label(model)
    now = now or timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    json_cols = _json_columns(model)
    columns = spec.columns
    existing: dict[str, dict[str, Any]] = {}
    ids = [r["id"] for r in rows]
    step = max(100, min(connection.features.max_query_params or 999, 999) - 1)
    for i in range(0, 0 if all_new else len(ids), step):
        for old in model._default_manager.filter(pk__in=ids[i:i + step]).values(
            *columns, "version"
        ):
            existing[old["id"]] = old

    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    history: list[tuple[Any, ...]] = []
    repr_key = spec.fields[0].col if model.ID_FROM else None
    # Every column's value in one C-level call; JSON columns encoded after.
    take = operator.itemgetter(*columns)
    json_at = [i for i, c in enumerate(columns) if c in json_cols]
    to_popolo = spec.to_popolo
    for row in rows:
        after = to_popolo(row)
        values = list(take(row))
        for i in json_at:
            values[i] = _dump(values[i])
        old = existing.get(row["id"])
        repr_ = str(row.get(repr_key) or row["id"])[:300] if repr_key else row["id"]
        if old is None:
            inserts.append((*values, db_now, db_now, 1))
            history.append((db_now, actor.user_id, actor.label, "create", label, row["id"],
                             repr_, None, _dump(after), batch))
            result.created += 1
            continue
        before = spec.to_popolo(old)
        if before == after:
            result.unchanged += 1
            continue
        updates.append((*values[1:], db_now, old["version"] + 1, row["id"]))
        history.append((db_now, actor.user_id, actor.label, "update", label, row["id"], repr_,
                        _dump(before), _dump(after), batch))
        result.updated += 1

    table = model._meta.db_table
    insert_rows(table, [*columns, "created_at", "updated_at", "version"], inserts)
    if updates:
        qn = connection.ops.quote_name
        assignments = ", ".join(f"{qn(c)} = %s" for c in [*columns[1:], "updated_at", "version"])
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {qn(table)} SET {assignments} WHERE {qn('id')} = %s", updates  # noqa: S608
            )
    insert_rows(
        Change._meta.db_table,
        ["at", "actor_id", "actor_label", "action", "model", "object_id", "object_repr",
         "before", "after", "batch"],
        history,
    )
    return result


# -- Large loads -------------------------------------------------------------
# Loading hundreds of thousands of rows into an empty table is much faster
# when the secondary indexes are built once at the end than when every row
# updates them (PostgreSQL's manual, "Populating a Database"; the same holds
# for SQLite). Both databases have transactional DDL, so the indexes are
# dropped and rebuilt inside the import's transaction: a failed import rolls
# back to the table as it was, indexes included.

LARGE_LOAD = 20_000


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL", [table])
    elif connection.vendor == "postgresql":
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table])
    else:
        return []
    return list(cursor.fetchall())


@contextmanager
def indexes_built_after(tables: Iterable[str]) -> Iterator[None]:
    """Inside a transaction: drop the secondary indexes of `tables`, and build
    them again when the block ends."""
    dropped: list[tuple[str, str]] = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            for name, sql in _secondary_indexes(cursor, table):
                cursor.execute(f"DROP INDEX {qn(name)}")
                dropped.append((name, sql))
    yield
    if dropped and connection.vendor == "postgresql":
        # PostgreSQL won't build an index while deferred foreign key checks
        # are pending: run them now.
        connection.check_constraints()
    with connection.cursor() as cursor:
        for _name, sql in dropped:
            cursor.execute(sql)


@contextmanager
def large_load(models_and_counts: Mapping[type[PopoloModel], int]) -> Iterator[None]:
    """Prepare a transaction for a large import: the secondary indexes of
    tables that are empty and about to receive many rows (and of the history,
    when the load outweighs it) are built after the load."""
    tables = [
        model._meta.db_table for model, count in models_and_counts.items()
        if count >= LARGE_LOAD and not model._default_manager.exists()
    ]
    total = sum(models_and_counts.values())
    if total >= LARGE_LOAD and Change.objects.count() <= total:
        tables.append(Change._meta.db_table)
    if connection.vendor == "sqlite" and tables:
        # A bigger page cache for the load (256 MiB; the default is 64).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    try:
        with indexes_built_after(tables):
            yield
    finally:
        if connection.vendor == "sqlite" and tables:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")


@contextmanager
def foreign_keys_checked_later() -> Iterator[bool]:
    """Outside a transaction: turn per-row foreign key checks off (SQLite) and
    say whether they were, so the caller checks the tables before committing."""
    disabled = connection.disable_constraint_checking()
    try:
        yield disabled
    finally:
        if disabled:
            connection.enable_constraint_checking()
