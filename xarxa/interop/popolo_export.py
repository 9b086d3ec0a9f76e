"""Write Xarxa's records as one Popolo JSON document.

Streams object by object, one per line, ordered by id, so a large registry
exports in constant memory and two exports of the same data are identical.
Rows are read with a plain (server-side, on PostgreSQL) cursor rather than
through model instances: at a million memberships that is most of the time.
The whole document is read in one transaction, one snapshot of the registry.
Xarxa's whole JSON document (xarxa.interop.xarxa_json) is written by the
same code, with more collections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import orjson
from django.db import connection, models, transaction

from xarxa.core.models import PopoloModel
from xarxa.interop.popolo_import import COLLECTIONS

ORDER = ["areas", "organizations", "persons", "posts", "memberships", "events"]
FETCH = 5000


def _timestamp(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):  # UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]" or with a T already
        return value.replace(" ", "T") + "Z"
    if value.tzinfo is None:  # SQLite's converter gives naive datetimes, in UTC
        return value.isoformat() + "Z"
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):  # SQLite hands back the text
        if value == "[]":
            return []
        if value == "{}":
            return {}
        return orjson.loads(value)
    return value  # psycopg has already decoded jsonb


def rows(model: type[PopoloModel], *, timestamps: bool = True) -> Iterator[dict[str, Any]]:
    """Every row of `model`, ordered by id, as column name → value."""
    columns = list(model.POPOLO.columns)
    if timestamps:
        columns += ["created_at", "updated_at"]
    json_cols = {f.attname for f in model._meta.concrete_fields
                 if isinstance(f, models.JSONField)}
    qn = connection.ops.quote_name
    selected = [qn(c) for c in columns]
    if connection.vendor == "postgresql":
        # psycopg would decode jsonb with the standard json module and build a
        # datetime per timestamp; the text forms decode several times faster.
        selected = [f"{qn(c)}::text" if c in json_cols else
                    f"to_char({qn(c)} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
                    if c in ("created_at", "updated_at") else qn(c)
                    for c in columns]
    # Byte order, whatever the server's locale: the same order as SQLite's.
    order = f'{qn("id")} COLLATE "C"' if connection.vendor == "postgresql" else qn("id")
    sql = (f"SELECT {', '.join(selected)} FROM {qn(model._meta.db_table)} "  # noqa: S608
           f"ORDER BY {order}")
    decode = [(i, c) for i, c in enumerate(columns) if c in json_cols]
    # SQLite hands back yes/no columns as 0 and 1.
    bools = [i for i, c in enumerate(columns) if c in {
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.BooleanField)}]
    stamps = [i for i, c in enumerate(columns) if c in ("created_at", "updated_at")]
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(FETCH):
            for raw in batch:
                values = list(raw)
                for i, _c in decode:
                    values[i] = _json(values[i])
                for i in stamps:
                    values[i] = _timestamp(values[i])
                for i in bools:
                    values[i] = bool(values[i])
                yield dict(zip(columns, values, strict=True))


def write_document(
    out: IO[bytes], collections: list[tuple[str, type[PopoloModel]]], *, timestamps: bool = True,
    header: tuple[str, dict[str, Any]] | None = None, extras: bool = False,
) -> int:
    """Write `collections` (name, model), in that order, as one JSON object to
    the binary stream `out`; return the number of objects.

    `header` is a (key, object) written first; with `extras`, a model's
    `export_extra(row)` adds its keys to each object (Xarxa's JSON only).
    """
    with consistent_snapshot():
        return _write(out, collections, timestamps, header, extras)


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """One transaction that sees the registry as it was when it began, so a
    record written during a long export cannot leave a reference dangling
    (a participation in an event exported after the events were)."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write(out: IO[bytes], collections: list[tuple[str, type[PopoloModel]]], timestamps: bool,
           header: tuple[str, dict[str, Any]] | None, extras: bool) -> int:
    count = 0
    out.write(b"{")
    first = True
    if header is not None:
        out.write(b'\n"' + header[0].encode() + b'": ' + orjson.dumps(header[1]))
        first = False
    for name, model in collections:
        out.write((b"" if first else b",") + b'\n"' + name.encode() + b'": [')
        first = False
        to_popolo = model.POPOLO.to_popolo
        extra = getattr(model, "export_extra", None) if extras else None
        sep = b"\n"
        for row in rows(model, timestamps=timestamps):
            obj = to_popolo(row)
            if extra is not None:
                obj.update(extra(row))
            out.write(sep + orjson.dumps(obj | _stamps(row)))
            sep = b",\n"
            count += 1
        out.write(b"]" if sep == b"\n" else b"\n]")
    out.write(b"\n}\n")
    return count


def export_document(out: IO[bytes], *, timestamps: bool = True) -> int:
    """Write the Popolo document of the registry to the binary stream `out`;
    return the number of objects."""
    return write_document(out, popolo_collections(), timestamps=timestamps)


def popolo_collections() -> list[tuple[str, type[PopoloModel]]]:
    """Popolo's collections in the order the export writes them."""
    models_by_name = dict(COLLECTIONS)
    return [(name, models_by_name[name]) for name in ORDER]


def _stamps(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("created_at", "updated_at") if row.get(k)}


def export_dict(*, timestamps: bool = True) -> dict[str, list[dict[str, Any]]]:
    """The same document as a Python object, for tests and small registries."""
    return document_dict(popolo_collections(), timestamps=timestamps)


def document_dict(collections: list[tuple[str, type[PopoloModel]]], *, timestamps: bool = True,
                  extras: bool = False) -> dict[str, list[dict[str, Any]]]:
    """What `write_document` writes (without a header), as a Python object."""
    doc: dict[str, list[dict[str, Any]]] = {}
    for name, model in collections:
        extra = getattr(model, "export_extra", None) if extras else None
        doc[name] = [model.POPOLO.to_popolo(r) | (extra(r) if extra else {}) | _stamps(r)
                     for r in rows(model, timestamps=timestamps)]
    return doc
