"""Popolo's official JSON Schemas (draft-03), as a validator of whole documents.

The 16 schemas in tests/data/popolo-schemas/ refer to each other by their
`id` (`http://www.popoloproject.com/schemas/<name>.json#`); they are loaded
into one `referencing.Registry`, so no `$ref` is ever fetched from the web.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import referencing
from referencing.jsonschema import DRAFT3

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "popolo-schemas"
BASE_URI = "http://www.popoloproject.com/schemas/"
# The top-level collections of a Popolo document and the schema of their objects.
COLLECTIONS = {
    "areas": "area",
    "organizations": "organization",
    "persons": "person",
    "posts": "post",
    "memberships": "membership",
    "events": "event",
}

# jsonschema checks "date-time" only when an optional package is installed;
# check it here so a malformed created_at/updated_at cannot slip through.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.ASCII)
FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    dt.datetime.fromisoformat(value)
    return True


@dataclass(frozen=True)
class SchemaError:
    pointer: str  # JSON pointer into the document: /memberships/3/start_date
    message: str

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


@cache
def registry() -> referencing.Registry:
    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMA_DIR.glob("*.json"))]
    assert len(schemas) == 16, "Popolo publishes 16 schemas"
    resources = [referencing.Resource.from_contents(s, default_specification=DRAFT3) for s in schemas]
    for schema, resource in zip(schemas, resources, strict=True):
        assert resource.id() == schema["id"].rstrip("#"), schema["id"]
    return (resources @ referencing.Registry()).crawl()


@cache
def validator(name: str) -> jsonschema.Draft3Validator:
    """The validator of one Popolo class: "person", "membership", …"""
    schema = registry().contents(f"{BASE_URI}{name}.json#")
    jsonschema.Draft3Validator.check_schema(schema)
    return jsonschema.Draft3Validator(schema, registry=registry(), format_checker=FORMATS)


def _pointer(parts: list[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validate_object(name: str, obj: Any, pointer: str = "") -> list[SchemaError]:
    return [
        SchemaError(pointer + _pointer(list(error.absolute_path)), error.message)
        for error in sorted(validator(name).iter_errors(obj), key=lambda e: list(map(str, e.path)))
    ]


def validate_document(doc: Any) -> list[SchemaError]:
    """Every problem of a Popolo document: each object of each collection
    against its schema, with the JSON pointer of what is wrong."""
    if not isinstance(doc, dict):
        return [SchemaError("", "a Popolo document is a JSON object")]
    errors: list[SchemaError] = []
    for collection, name in COLLECTIONS.items():
        objects = doc.get(collection, [])
        if not isinstance(objects, list):
            errors.append(SchemaError(f"/{collection}", "is not a list"))
            continue
        for i, obj in enumerate(objects):
            errors.extend(validate_object(name, obj, f"/{collection}/{i}"))
    return errors
