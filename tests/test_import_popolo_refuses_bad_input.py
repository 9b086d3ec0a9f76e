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
from django.db import connection
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


def write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "doc.json"
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def imported(tmp_path: Path, doc: Any, *args: str) -> list[str]:
    out = StringIO()
    with translation.override("en"):
        call_command("import", "popolo", str(write(tmp_path, doc)), *args, stdout=out)
    return out.getvalue().splitlines()


def refused(tmp_path: Path, doc: Any, *args: str) -> list[str]:
    """Import `doc`, expect a refusal that changes nothing; return the problem lines."""
    before = state()
    err = StringIO()
    with pytest.raises(CommandError) as refusal, translation.override("en"):
        call_command("import", "popolo", str(write(tmp_path, doc)), *args,
                     stdout=StringIO(), stderr=err)
    assert refusal.value.returncode == 2
    assert state() == before
    lines = err.getvalue().splitlines()
    assert str(refusal.value) == f"Nothing was imported: {len(lines)} problem(s) found."
    return lines


def test_the_good_document_imports_so_a_refusal_undoes_real_work(tmp_path):
    before = state()

    said = imported(tmp_path, good())

    assert state() != before
    assert Organization.objects.get(pk="fedaia").name == "FEDAIA, federació"
    assert "organizations: 2 created, 1 updated, 0 unchanged" in said
    assert "memberships: 4 created, 0 updated, 0 unchanged" in said


def test_it_refuses_invalid_json(tmp_path):
    lines = refused(tmp_path, '{"organizations": [{"id": "x",}]}')

    assert lines == ["invalid JSON at line 1, column 31: "
                     "Expecting property name enclosed in double quotes"]


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"organizations": [{"id": "x", "name": "Associació"}]}'.encode("latin-1"))
    before = state()
    err = StringIO()
    with pytest.raises(CommandError) as refusal, translation.override("en"):
        call_command("import", "popolo", str(path), stderr=err)

    assert refusal.value.returncode == 2
    assert err.getvalue().startswith("the file is not UTF-8 text")
    assert state() == before


def test_it_refuses_a_document_that_is_not_an_object(tmp_path):
    assert refused(tmp_path, [GOOD]) == [
        "a Popolo document is a JSON object with lists such as organizations, persons, memberships"]


def test_it_refuses_a_collection_that_is_not_a_list(tmp_path):
    doc = good(persons={"id": "joan", "name": "Joan"}, events="none")

    assert refused(tmp_path, doc) == ["/persons: must be a list", "/events: must be a list"]


def test_it_refuses_an_object_that_is_not_an_object(tmp_path):
    assert refused(tmp_path, spoil("/memberships/1", "isom-grup")) == [
        "/memberships/1: is not a JSON object"]


def test_it_refuses_values_of_the_wrong_type(tmp_path):
    doc = spoil("/organizations/1/name", 5)
    doc["persons"][0]["other_names"] = "Joan"
    doc["persons"][0]["links"] = [{"url": 7}]
    doc["areas"][0]["geometry"] = "a polygon"
    doc["posts"][0]["other_label"] = ["vocal", 1]
    doc["memberships"][0]["start_date"] = 2012
    doc["memberships"][1]["on_behalf_of_id"] = ["fedaia"]

    assert refused(tmp_path, doc) == [
        "/areas/0/geometry: must be a JSON object",
        "/organizations/1/name: must be a string",
        "/persons/0/other_names: must be a list",
        "/persons/0/links/0/url: is required and must be a string",
        "/posts/0/other_label: must be a list of strings",
        "/memberships/0/start_date: 2012 is not an ISO 8601 date",
        "/memberships/1/on_behalf_of_id: must be an id (a string)",
    ]


def test_it_refuses_a_date_that_is_not_iso_8601(tmp_path):
    doc = spoil("/memberships/3/start_date", "15/03/2015")
    doc["events"][0]["end_date"] = "2021-02-30"
    doc["persons"][0]["other_names"][0]["start_date"] = "2021-13"

    assert refused(tmp_path, doc) == [
        '/persons/0/other_names/0/start_date: "2021-13" has no month 13',
        '/events/0/end_date: "2021-02-30" is not a day of the calendar',
        '/memberships/3/start_date: "15/03/2015" is not an ISO 8601 date '
        "(YYYY, YYYY-MM or YYYY-MM-DD)",
    ]


def test_it_refuses_an_end_before_its_start(tmp_path):
    doc = spoil("/memberships/0/end_date", "2011-12")
    doc["organizations"][1] |= {"founding_date": "2005-03-01", "dissolution_date": "2004"}
    # The same month, given at two precisions, is in order.
    doc["events"][0] |= {"start_date": "2019-05-20", "end_date": "2019-05"}

    assert refused(tmp_path, doc) == [
        "/organizations/1/dissolution_date: the end 2004 is before the start 2005-03-01",
        "/memberships/0/end_date: the end 2011-12 is before the start 2012",
    ]


def test_it_refuses_a_reference_to_an_unknown_id(tmp_path):
    doc = spoil("/memberships/0/organization_id", "nowhere")
    doc["memberships"][1]["member"] = {"@type": "Organization", "id": "nobody"}
    doc["memberships"][3]["person_id"] = "ghost"
    doc["organizations"][2]["parent_id"] = "nothing"
    doc["posts"][0]["area_id"] = "atlantis"

    assert refused(tmp_path, doc) == [
        '/organizations/2/parent_id: no organisation has the id "nothing", in the document or in Xarxa',
        '/posts/0/area_id: no area has the id "atlantis", in the document or in Xarxa',
        '/memberships/0/organization_id: no organisation has the id "nowhere", '
        "in the document or in Xarxa",
        '/memberships/3/person_id: no person has the id "ghost", in the document or in Xarxa',
        '/memberships/1/member: no organisation has the id "nobody", in the document or in Xarxa',
    ]


def test_an_id_of_one_collection_does_not_stand_for_another(tmp_path):
    # "marta" is a person: it is no organisation, even though the id exists.
    assert refused(tmp_path, spoil("/memberships/1/organization_id", "marta")) == [
        '/memberships/1/organization_id: no organisation has the id "marta", '
        "in the document or in Xarxa"]


def test_it_refuses_duplicate_ids(tmp_path):
    doc = good()
    doc["organizations"].append({"id": "taula", "name": "Una altra taula"})
    doc["memberships"].append(dict(doc["memberships"][0]))

    assert refused(tmp_path, doc) == [
        '/organizations/3/id: duplicate id "taula" (also at /organizations/1)',
        '/memberships/4/id: duplicate id "isom-taula" (also at /memberships/0)',
    ]


def test_it_refuses_a_cycle_of_parents(tmp_path):
    doc = good()
    doc["organizations"][1]["parent_id"] = "grup"  # grup is part of taula
    doc["areas"][0]["parent_id"] = "sant-andreu"

    assert refused(tmp_path, doc) == [
        "/areas/0/parent_id: the parents form a cycle: sant-andreu → sant-andreu",
        "/organizations/1/parent_id: the parents form a cycle: taula → grup → taula",
        "/organizations/2/parent_id: the parents form a cycle: grup → taula → grup",
    ]


def test_it_refuses_a_cycle_closed_through_the_database(tmp_path):
    # junta, in the database only, is part of fedaia.
    assert refused(tmp_path, spoil("/organizations/0/parent_id", "junta")) == [
        "/organizations/0/parent_id: the parents form a cycle: fedaia → junta → fedaia"]


def test_it_refuses_a_membership_with_a_person_and_an_organisation_as_member(tmp_path):
    assert refused(tmp_path, spoil("/memberships/0/person_id", "marta")) == [
        "/memberships/0/member: a membership has one member: an organisation or a person, not both"]


def test_it_refuses_a_membership_with_no_member_and_no_post(tmp_path):
    doc = good()
    doc["memberships"][3].pop("person_id")
    doc["memberships"].append({"id": "nothing"})

    assert refused(tmp_path, doc) == [
        "/memberships/3/member: a membership needs a member (person_id or member); "
        "only a seat in a post may leave its holder unknown",
        "/memberships/4/organization_id: a membership needs an organisation (organization_id) "
        "or a post (post_id)",
        "/memberships/4/member: a membership needs a member (person_id or member); "
        "only a seat in a post may leave its holder unknown",
    ]


def test_a_seat_whose_holder_is_unknown_is_accepted(tmp_path):
    doc = good()
    doc["memberships"][2].pop("person_id")

    imported(tmp_path, doc)

    seat = Membership.objects.get(pk="joan-vocal")
    assert (seat.person_id, seat.member_organization_id, seat.organization_id) == (None, None, "grup")


def test_it_refuses_an_organisation_member_of_itself(tmp_path):
    assert refused(tmp_path, spoil("/memberships/0/member", {"@type": "Organization", "id": "taula"})) == [
        "/memberships/0/member: an organisation cannot be a member of itself"]


def test_it_refuses_a_member_that_is_not_a_typed_reference(tmp_path):
    doc = spoil("/memberships/0/member", {"@type": "Entity", "id": "isom"})
    doc["memberships"][1]["member"] = "isom"

    assert refused(tmp_path, doc) == [
        '/memberships/0/member: must be {"@type": "Person" or "Organization", "id": "…"}',
        '/memberships/1/member: must be {"@type": "Person" or "Organization", "id": "…"}',
    ]


def test_it_refuses_a_post_of_another_organisation_than_the_membership(tmp_path):
    doc = spoil("/memberships/2/organization_id", "taula")  # vocal is a post of grup
    # presidencia, in the database only, is a post of junta.
    doc["memberships"].append({"id": "marta-presidenta", "person_id": "marta",
                               "post_id": "presidencia", "organization_id": "fedaia"})

    assert refused(tmp_path, doc) == [
        '/memberships/2/post_id: the post "vocal" belongs to "grup", not to "taula"',
        '/memberships/4/post_id: the post "presidencia" belongs to "junta", not to "fedaia"',
    ]


def test_it_refuses_embedded_objects(tmp_path):
    doc = spoil("/organizations/1/memberships", [GOOD["memberships"][0]])
    doc["memberships"][3]["person"] = {"id": "marta", "name": "Marta Puig"}
    doc["areas"][0]["parent"] = {"id": "bcn"}

    embedded = "embedded objects are not read; list them at the top level and refer to them by id"
    assert refused(tmp_path, doc) == [
        f"/areas/0/parent: {embedded}",
        f"/organizations/1/memberships: {embedded}",
        f"/memberships/3/person: {embedded}",
    ]


def test_it_refuses_a_null_character(tmp_path):
    doc = spoil("/organizations/1/name", "Taula\x00 del Tercer Sector")
    doc["events"][0]["id"] = "jorn\x00ada"
    doc["persons"][0]["other_names"][0]["note"] = "\x00"

    assert refused(tmp_path, doc) == [
        "/organizations/1/name: contains a null character",
        "/persons/0/other_names/0/note: contains a null character",
        "/events/0/id: contains a null character",
    ]


def test_it_refuses_an_id_longer_than_200_characters(tmp_path):
    doc = good()
    doc["organizations"].append({"id": "g" * 201, "name": "Long"})
    doc["persons"].append({"id": "", "name": "Nobody"})
    doc["posts"].append({"id": 7, "label": "Seventh", "organization_id": "taula"})
    doc["events"][0].pop("id")

    assert refused(tmp_path, doc) == [
        "/organizations/3/id: is longer than 200 characters",
        "/persons/1/id: an id (a non-empty string) is required",
        "/posts/1/id: an id (a non-empty string) is required",
        "/events/0/id: an id (a non-empty string) is required",
    ]


def test_an_id_of_200_characters_is_accepted(tmp_path):
    doc = good()
    doc["organizations"].append({"id": "g" * 200, "name": "Long"})

    imported(tmp_path, doc)

    assert Organization.objects.filter(pk="g" * 200).exists()


def test_a_dry_run_reports_counts_and_writes_nothing(tmp_path):
    before = state()

    said = imported(tmp_path, good(), "--dry-run")

    assert said == [
        "areas: 1 created, 0 updated, 0 unchanged",
        "organizations: 2 created, 1 updated, 0 unchanged",
        "persons: 1 created, 0 updated, 0 unchanged",
        "posts: 1 created, 0 updated, 0 unchanged",
        "events: 1 created, 0 updated, 0 unchanged",
        "memberships: 4 created, 0 updated, 0 unchanged",
        "Dry run: nothing was written.",
    ]
    assert state() == before


def test_a_dry_run_of_a_bad_document_is_refused_too(tmp_path):
    assert refused(tmp_path, spoil("/memberships/3/start_date", "2019/01"), "--dry-run") == [
        '/memberships/3/start_date: "2019/01" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)']


def indexes(model) -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name for name, c in found.items() if c["index"] and not c["primary_key"]}


@pytest.mark.parametrize("memberships_table", ["empty", "holding rows"])
def test_a_bad_row_at_the_end_of_a_large_document_leaves_the_database_unchanged(
        memberships_table, tmp_path):
    # More memberships than one chunk (5,000) holds: the first chunks may be
    # written before the last one is read, and must be undone with it. Into
    # an empty table a large load builds the indexes after the rows: the
    # indexes it dropped must come back too.
    if memberships_table == "empty":
        Membership.objects.all().delete()
    indexes_before = {m: indexes(m) for m in (Membership, Change)}
    assert indexes_before[Membership] and indexes_before[Change]
    memberships = [{"id": f"m{i:05d}", "person_id": "marta", "organization_id": "fedaia",
                    "start_date": "2010"} for i in range(20_000)]
    memberships[-1]["end_date"] = "2009"

    assert refused(tmp_path, good(memberships=memberships)) == [
        "/memberships/19999/end_date: the end 2009 is before the start 2010"]
    assert not Membership.objects.filter(pk="m00000").exists()
    assert {m: indexes(m) for m in (Membership, Change)} == indexes_before


def test_a_flood_of_problems_is_cut_after_a_thousand_lines_and_says_how_many_more(tmp_path):
    bad = [{"person_id": f"nobody-{i}", "organization_id": "isom"} for i in range(1500)]
    doc = good(memberships=bad)
    before = state()
    err = StringIO()
    with pytest.raises(CommandError) as refusal, translation.override("en"):
        call_command("import", "popolo", str(write(tmp_path, doc)), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert str(refusal.value) == "Nothing was imported: 1500 problem(s) found."
    assert len(lines) == 1001
    assert lines[0] == ('/memberships/0/person_id: no person has the id "nobody-0", '
                        "in the document or in Xarxa")
    assert lines[-1] == "… and 500 more problems"
    assert state() == before


def test_it_refuses_numbers_json_does_not_allow(tmp_path):
    # Some encoders write NaN; it is not JSON, and would not come back out.
    text = '{"organizations": [{"id": "x", "name": "X", "seats": NaN}]}'
    assert refused(tmp_path, text) == ["NaN is not a number JSON allows"]
