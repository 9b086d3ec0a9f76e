"""What goes into Xarxa as Popolo comes out as the same Popolo.

Two documents: a real EveryPolitician export (Tuvalu's parliament, made by
another publisher, with keys Xarxa does not model) and the ISOM demo.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from popolo_schema import validate_document

from xarxa.activity.models import Event
from xarxa.directory.models import Organization, Person
from xarxa.history.models import Change
from xarxa.interop.demo_loader import NETWORK_FILE
from xarxa.interop.popolo_import import XARXA_COLLECTIONS
from xarxa.network.models import Membership, Post
from xarxa.territory.models import Area
from xarxa.training.models import Agreement

pytestmark = pytest.mark.django_db

TUVALU = Path(__file__).resolve().parent / "data" / "everypolitician" / "tuvalu-parliament.popolo.json"
MISSING = "<missing>"


def import_file(path: Path) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("import", "popolo", str(path), stdout=out)
    return out.getvalue()


def export_bytes(path: Path) -> bytes:
    call_command("export", "popolo", "--no-timestamps", "-o", str(path), stderr=StringIO())
    return path.read_bytes()


def empty_the_database() -> None:
    """Test setup, not a write: every kind of record, those pointed to last;
    trees are cut first, since parents are protected."""
    Event.objects.update(parent=None, repeat_of=None)
    for __, model in XARXA_COLLECTIONS:
        model.objects.update(owner=None)  # every record may be kept by an organisation
    Agreement.objects.update(renews=None)
    Organization.objects.update(parent=None)
    Area.objects.update(parent=None)
    for __, model in reversed(XARXA_COLLECTIONS):
        model.objects.all().delete()
    Change.objects.all().delete()
    assert counts() == dict.fromkeys(counts(), 0)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count()
            for m in (Area, Organization, Person, Post, Event, Membership, Change)}


def canonical(obj: dict) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False)


def changed_keys(original: dict, exported: dict | None) -> dict[str, tuple]:
    """The keys of `original` that the export does not give back unchanged."""
    exported = exported or {}
    return {k: (v, exported.get(k, MISSING)) for k, v in original.items()
            if exported.get(k, MISSING) != v}


def test_the_everypolitician_file_imports_and_its_export_validates(tmp_path):
    said = import_file(TUVALU)

    assert "persons: 28 created" in said
    assert "memberships: 53 created" in said
    document = json.loads(export_bytes(tmp_path / "tuvalu.json"))
    assert validate_document(document) == []
    assert {k: len(v) for k, v in document.items()} == {
        "areas": 10, "organizations": 2, "persons": 28, "posts": 0, "memberships": 53, "events": 14}


def test_a_non_popolo_top_level_key_is_reported_as_ignored():
    said = import_file(TUVALU)

    assert "/meta: not a Popolo collection Xarxa keeps; ignored" in said.splitlines()


def test_tuvalu_exported_and_imported_into_an_empty_database_exports_the_same(tmp_path):
    import_file(TUVALU)
    first = export_bytes(tmp_path / "first.json")

    empty_the_database()
    import_file(tmp_path / "first.json")
    second = export_bytes(tmp_path / "second.json")

    assert second == first
    assert counts()["Membership"] == 53


def test_every_key_of_everypolitician_objects_survives_into_the_export(tmp_path):
    original = json.loads(TUVALU.read_text(encoding="utf-8"))
    import_file(TUVALU)
    exported = json.loads(export_bytes(tmp_path / "tuvalu.json"))

    for collection in ("persons", "organizations", "areas", "events"):
        by_id = {o["id"]: o for o in exported[collection]}
        assert len(by_id) == len(original[collection]), collection
        for obj in original[collection]:
            assert changed_keys(obj, by_id.get(obj["id"])) == {}, (collection, obj["id"])
    # The keys only other publishers use, spelled out: they are why this test exists.
    persons = {p["id"]: p for p in exported["persons"]}
    with_images = [p for p in original["persons"] if "images" in p]
    assert with_images and all(persons[p["id"]]["images"] == p["images"] for p in with_images)
    assert any("seats" in o for o in exported["organizations"])
    assert all(a["type"] == "constituency" for a in exported["areas"])
    assert {"lang", "name", "note"} <= set(exported["persons"][0]["other_names"][0])
    # An area published with an empty name keeps its empty name.
    assert {"id": "ocd-division/country:tv/constituency:", "name": "", "type": "constituency"} in \
        exported["areas"]


def test_everypolitician_memberships_come_back_as_given_with_an_id(tmp_path):
    original = json.loads(TUVALU.read_text(encoding="utf-8"))
    import_file(TUVALU)
    exported = json.loads(export_bytes(tmp_path / "tuvalu.json"))["memberships"]

    assert all("id" not in m for m in original["memberships"])
    without_ids = [{k: v for k, v in m.items() if k != "id"} for m in exported]
    assert sorted(map(canonical, without_ids)) == sorted(map(canonical, original["memberships"]))
    assert len({m["id"] for m in exported}) == len(exported)
    assert all(m["legislative_period_id"].startswith("term/") for m in exported)


def test_every_key_of_the_isom_demo_survives_into_the_export(tmp_path):
    original = json.loads(NETWORK_FILE.read_text(encoding="utf-8"))
    call_command("demo", stdout=StringIO())
    exported = json.loads(export_bytes(tmp_path / "isom.json"))

    assert validate_document(exported) == []
    for collection, objects in original.items():
        by_id = {o["id"]: o for o in exported[collection]}
        assert objects == [] or len(by_id) >= len(objects), collection
        for obj in objects:
            assert changed_keys(obj, by_id.get(obj["id"])) == {}, (collection, obj["id"])


def test_the_isom_demo_exported_and_imported_into_an_empty_database_exports_the_same(tmp_path):
    """Popolo has no campaigns: the events' campaign_id, an extension key, is
    the one thing a Popolo document cannot carry into an empty registry (the
    import says so); `xarxa export json` carries everything (its own test)."""
    call_command("demo", stdout=StringIO())
    first = export_bytes(tmp_path / "first.json")
    loaded = counts()

    empty_the_database()
    said = import_file(tmp_path / "first.json")
    second = export_bytes(tmp_path / "second.json")

    assert "campaign_id" in said
    without_campaigns = json.loads(first)
    for event in without_campaigns["events"]:
        event.pop("campaign_id", None)
    assert json.loads(second) == without_campaigns
    assert {k: v for k, v in counts().items() if k != "Change"} == {
        k: v for k, v in loaded.items() if k != "Change"}


@pytest.mark.parametrize("form", ["as published", "as Xarxa exports it, timestamps and all"])
def test_importing_the_same_document_twice_creates_nothing_and_writes_no_history(form, tmp_path):
    path = TUVALU
    if form != "as published":
        import_file(TUVALU)
        path = tmp_path / "tuvalu.json"
        call_command("export", "popolo", "-o", str(path), stderr=StringIO())
        empty_the_database()
    said_first = import_file(path)
    before = counts()
    document_before = export_bytes(tmp_path / "before.json")

    said_again = import_file(path)

    assert "memberships: 53 created" in said_first
    assert counts() == before
    assert export_bytes(tmp_path / "after.json") == document_before
    for kind, n in (("areas", 10), ("organizations", 2), ("persons", 28), ("posts", 0),
                    ("events", 14), ("memberships", 53)):
        assert f"{kind}: 0 created, 0 updated, {n} unchanged" in said_again.splitlines()
