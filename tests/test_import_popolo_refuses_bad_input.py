"""`xarxa import popolo` refuses a bad document as a whole.

For every kind of bad input the command exits with status 2, prints one line
per problem starting with the JSON pointer of what is wrong, and leaves the
database exactly as it was: every table, the history, and a full export
(timestamps included) are the same before and after.

Each bad document is a good one spoiled in one place. The good one would
rename an organisation, add others and refer to ids that exist only in the
database, so a refusal is seen to undo real work.
"""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from xarxa.activity.models import Event
from xarxa.core.writes import Actor
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.interop.popolo_export import export_dict
from xarxa.interop.popolo_import import import_document
from xarxa.network.models import Membership, Post
from xarxa.territory.models import Area

pytestmark = pytest.mark.django_db

ISOM = {"@type": "Organization", "id": "isom"}
# What the database holds before each test.
EXISTING = {
    "areas": [{"id": "bcn", "name": "Barcelona", "classification": "city"}],
    "organizations": [
        {"id": "fedaia", "name": "FEDAIA", "classification": "federation"},
        {"id": "isom", "name": "ISOM", "area_id": "bcn"},
        {"id": "junta", "name": "Junta Directiva", "parent_id": "fedaia"},
    ],
    "persons": [{"id": "marta", "name": "Marta Puig"}],
    "posts": [{"id": "presidencia", "label": "Presidència", "organization_id": "junta"}],
    "memberships": [
        {"id": "isom-fedaia", "member": ISOM, "organization_id": "fedaia", "start_date": "2009"},
        {"id": "marta-presidenta", "person_id": "marta", "post_id": "presidencia"},
    ],
    "events": [{"id": "assemblea", "name": "Assemblea", "organization_id": "fedaia"}],
}
# A good document: indexes below are those of the objects in these lists.
GOOD = {
    "areas": [{"id": "sant-andreu", "name": "Sant Andreu", "parent_id": "bcn"}],
    "organizations": [
        {"id": "fedaia", "name": "FEDAIA, federació", "classification": "federation"},
        {"id": "taula", "name": "Taula del Tercer Sector", "area_id": "sant-andreu"},
        {"id": "grup", "name": "Grup de treball", "parent_id": "taula"},
    ],
    "persons": [{"id": "joan", "name": "Joan Soler", "other_names": [{"name": "Joan"}]}],
    "posts": [{"id": "vocal", "label": "Vocal", "organization_id": "grup"}],
    "events": [{"id": "jornada", "name": "Jornada", "organization_id": "taula",
                "start_date": "2019-05", "end_date": "2019-05"}],
    "memberships": [
        {"id": "isom-taula", "member": ISOM, "organization_id": "taula", "start_date": "2012"},
        {"id": "isom-grup", "member": ISOM, "organization_id": "grup", "on_behalf_of_id": "fedaia"},
        {"id": "joan-vocal", "person_id": "joan", "post_id": "vocal", "start_date": "2018-01-15"},
        {"id": "marta-grup", "person_id": "marta", "organization_id": "grup", "role": "member"},
    ],
}


@pytest.fixture(autouse=True)
def existing() -> None:
    import_document(copy.deepcopy(EXISTING), actor=Actor("test"))


def good(**collections: Any) -> dict[str, Any]:
    """The good document, with some collections replaced."""
    return copy.deepcopy(GOOD) | collections


def spoil(path: str, value: Any) -> dict[str, Any]:
    """The good document with the value at `path` (/memberships/3/start_date) replaced."""
    doc = good()
    *parents, last = path.strip("/").split("/")
    node: Any = doc
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    node[int(last) if isinstance(node, list) else last] = value
    return doc


def state() -> tuple[dict[str, int], dict[str, Any]]:
    models = (Area, Organization, Person, Post, Event, Membership, Change)
    return {m.__name__: m.objects.count() for m in models}, export_dict()


def run_import(tmp_path: Path, doc: Any, *args: str) -> tuple[str, str]:
    path = tmp_path / "doc.json"
    if isinstance(doc, str):
        path.write_text(doc, encoding="utf-8")
    else:
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import", "popolo", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(tmp_path: Path, doc: Any, *args: str) -> list[str]:
    """Import `doc`, expect a refusal that changes nothing; return the problem lines."""
    before = state()
    with pytest.raises(CommandError) as refusal:
        run_import(tmp_path, doc, *args)
    assert refusal.value.returncode == 2
    assert state() == before
    lines = refusal.value.__context__ is None and _last_stderr.pop()
    assert f"{len(lines)} problem(s) found" in str(refusal.value)
    return lines


_last_stderr: list[list[str]] = []


@pytest.fixture(autouse=True)
def keep_stderr(monkeypatch):
    """call_command raises before returning stderr: keep what it wrote."""
    real = run_import

    def capture(tmp_path, doc, *args):
        err = StringIO()
        path = tmp_path / "doc.json"
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False),
                        encoding="utf-8")
        try:
            with translation.override("en"):
                call_command("import", "popolo", str(path), *args, stdout=StringIO(), stderr=err)
        finally:
            _last_stderr.append(err.getvalue().splitlines())
        return "", err.getvalue()

    monkeypatch.setitem(globals(), "run_import", capture)
    yield
    monkeypatch.setitem(globals(), "run_import", real)
