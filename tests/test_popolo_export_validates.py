"""`xarxa export popolo` writes a document Popolo's official schemas accept.

The ISOM demo holds organisations, areas and memberships of organisations;
a person in a board seat and events are added so that every collection of
the export has something to check: events with a date, and events with a
time of day in summer and in winter, in Madrid and elsewhere, with Xarxa's
extension keys (time zone, area, campaign, parent, yearly editions).
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from popolo_schema import COLLECTIONS, SchemaError, validate_document, validate_object

from xarxa.activity.models import Campaign, Event
from xarxa.core import writes
from xarxa.directory.models import Person
from xarxa.network.models import Membership, Post

pytestmark = pytest.mark.django_db
ACTOR = writes.Actor("test")


@pytest.fixture
def registry_with_people() -> None:
    call_command("demo", stdout=StringIO())
    person = writes.create(Person, {"name": "Marta Puig", "birth_date": "1970-03",
                                    "other_names": [{"name": "Marta", "lang": "ca"}]}, actor=ACTOR)
    seat = writes.create(Post, {"id": "fedaia-presidencia", "label": "Presidència",
                                "organization_id": "fedaia-junta-directiva",
                                "start_date": "2015"}, actor=ACTOR)
    writes.create(Membership, {"id": "marta-presidenta", "person_id": person.pk, "post_id": seat.pk,
                               "organization_id": "fedaia-junta-directiva", "role": "president",
                               "on_behalf_of_id": "isom", "start_date": "2017-06",
                               "end_date": "2021"}, actor=ACTOR)
    writes.create(Event, {"id": "assemblea-2019", "name": "Assemblea general 2019",
                          "organization_id": "fedaia", "start_date": "2019-06-15",
                          "classification": "assembly"}, actor=ACTOR)
    writes.create(Campaign, {"id": "valors", "name": "Valors cooperatius",
                             "values": ["solidarity"]}, actor=ACTOR)
    writes.create(Event, {"id": "festa-major-2024", "name": "Festa Major", "yearly": True,
                          "start_date": "2024-10-04", "end_date": "2024-10-06",
                          "classification": "festival", "area_id": "barcelona"}, actor=ACTOR)
    writes.create(Event, {"id": "festa-major-2025", "name": "Festa Major", "yearly": True,
                          "start_date": "2025-10", "classification": "festival",
                          "repeat_of_id": "festa-major-2024"}, actor=ACTOR)
    writes.create(Event, {"id": "cercavila", "name": "Cercavila", "parent_id": "festa-major-2025",
                          "start_date": "2025-10-04T18:00", "end_date": "2025-10-04T20:30:15",
                          "campaign_id": "valors", "status": "held", "illustrative": True,
                          "identifiers": [{"scheme": "x", "identifier": "1"}]}, actor=ACTOR)
    writes.create(Event, {"id": "comissio-gener", "name": "Reunió de la comissió",
                          "organization_id": "fedaia", "start_date": "2026-01-15T09:30",
                          "end_date": "2026-01-15T11:00", "classification": "meeting"},
                  actor=ACTOR)
    writes.create(Event, {"id": "trobada-mexic", "name": "Trobada", "timezone": "America/Mexico_City",
                          "start_date": "2025-11-20T10:00", "status": "cancelled"}, actor=ACTOR)


def export(path: Path, *args: str) -> dict:
    err = StringIO()
    with translation.override("en"):
        call_command("export", "popolo", "-o", str(path), *args, stderr=err)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert f"{sum(len(v) for v in document.values())} objects written" in err.getvalue()
    return document


def by_id(objects: list[dict]) -> dict[str, dict]:
    return {o["id"]: o for o in objects}


def test_every_exported_object_validates_against_popolos_schemas(registry_with_people, tmp_path):
    document = export(tmp_path / "xarxa.json")

    assert validate_document(document) == []
    # Not vacuous: every collection has objects, and created/updated are there to check.
    assert {name: len(document[name]) > 0 for name in COLLECTIONS} == dict.fromkeys(COLLECTIONS, True)
    for name in COLLECTIONS:
        for obj in document[name]:
            assert obj["created_at"].endswith("Z") and obj["updated_at"].endswith("Z"), obj["id"]


def test_event_times_of_day_carry_the_utc_offset_of_their_day(registry_with_people, tmp_path):
    events = by_id(export(tmp_path / "xarxa.json")["events"])

    assert (events["cercavila"]["start_date"], events["cercavila"]["end_date"]) == (
        "2025-10-04T18:00+02:00", "2025-10-04T20:30:15+02:00")  # summer time in Madrid
    assert events["comissio-gener"]["start_date"] == "2026-01-15T09:30+01:00"  # winter time
    assert events["trobada-mexic"]["start_date"] == "2025-11-20T10:00-06:00"
    assert events["trobada-mexic"]["timezone"] == "America/Mexico_City"
    assert events["festa-major-2025"]["start_date"] == "2025-10"
    assert {k: events["cercavila"][k] for k in ("parent_id", "campaign_id", "illustrative")} == {
        "parent_id": "festa-major-2025", "campaign_id": "valors", "illustrative": True}
    assert validate_document({"events": list(events.values())}) == []


def test_the_schema_refuses_a_time_of_day_without_its_offset():
    errors = validate_object("event", {"id": "e", "start_date": "2025-10-04T18:00"}, "/events/0")

    assert [e.pointer for e in errors] == ["/events/0/start_date"]


def test_the_schemas_used_do_catch_what_popolo_forbids():
    bad = {"id": "m", "start_date": "15/03/2015", "member": "isom",
           "links": [{"url": 5}], "created_at": "2020-01-01 10:00"}
    errors = validate_object("membership", bad, "/memberships/3")

    assert [e.pointer for e in errors] == [
        "/memberships/3/created_at", "/memberships/3/links/0/url",
        "/memberships/3/member", "/memberships/3/start_date"]
    assert validate_document({"persons": {}}) == [SchemaError("/persons", "is not a list")]


def test_the_document_holds_the_six_popolo_collections(registry_with_people, tmp_path):
    document = export(tmp_path / "xarxa.json")

    assert sorted(document) == sorted(
        ["organizations", "persons", "memberships", "posts", "areas", "events"])
    assert all(isinstance(objects, list) for objects in document.values())


def test_an_organisation_member_is_written_as_a_typed_member(registry_with_people, tmp_path):
    membership = by_id(export(tmp_path / "xarxa.json")["memberships"])["isom-fedaia"]

    assert membership["member"] == {"@type": "Organization", "id": "isom"}
    assert "person_id" not in membership
    assert (membership["organization_id"], membership["start_date"]) == ("fedaia", "2009")


def test_a_person_member_is_written_as_person_id(registry_with_people, tmp_path):
    document = export(tmp_path / "xarxa.json")
    membership = by_id(document["memberships"])["marta-presidenta"]
    person = next(p for p in document["persons"] if p["name"] == "Marta Puig")

    assert membership["person_id"] == person["id"]
    assert "member" not in membership
    assert (membership["post_id"], membership["on_behalf_of_id"]) == ("fedaia-presidencia", "isom")
    assert (membership["start_date"], membership["end_date"]) == ("2017-06", "2021")


def test_objects_are_ordered_by_id(registry_with_people, tmp_path):
    document = export(tmp_path / "xarxa.json")

    for name in COLLECTIONS:
        ids = [o["id"] for o in document[name]]
        # Code point order, the same on SQLite and PostgreSQL whatever the collation.
        assert ids == sorted(ids), name
    assert list(document) == ["areas", "organizations", "persons", "posts", "memberships", "events"]


def test_two_exports_with_no_write_between_are_identical_byte_for_byte(
        registry_with_people, tmp_path):
    export(tmp_path / "first.json")
    export(tmp_path / "second.json")

    first = (tmp_path / "first.json").read_bytes()
    assert first == (tmp_path / "second.json").read_bytes()
    assert b'"created_at"' in first


def test_an_export_to_standard_output_is_the_same_document(registry_with_people, tmp_path, capfdbinary):
    written = export(tmp_path / "xarxa.json", "--no-timestamps")
    capfdbinary.readouterr()

    call_command("export", "popolo", "--no-timestamps")

    assert json.loads(capfdbinary.readouterr().out) == written
    assert not any("created_at" in o for objects in written.values() for o in objects)
