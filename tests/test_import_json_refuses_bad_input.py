"""`xarxa import json` refuses a bad document as a whole.

Each bad document is a good one spoiled in one place. The command exits with
status 2, prints one line per problem starting with the JSON pointer of what
is wrong, and leaves the database exactly as it was: every table counted, the
history, and a whole export (timestamps included) are the same before and
after. The good document would update a record, add others and refer to ids
that exist only in the database, so a refusal is seen to undo real work.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from xarxa.core.writes import Actor
from xarxa.history.models import Change
from xarxa.interop import popolo_import
from xarxa.interop.popolo_import import XARXA_COLLECTIONS, import_document
from xarxa.interop.xarxa_json import export_dict
from xarxa.training.models import AgreementDocument

pytestmark = pytest.mark.django_db

# What the database holds before each test.
EXISTING = {
    "areas": [{"id": "bcn", "name": "Barcelona", "classification": "city"}],
    "organizations": [
        {"id": "fedaia", "name": "FEDAIA", "classification": "federation"},
        {"id": "isom", "name": "ISOM", "area_id": "bcn"},
        {"id": "uni", "name": "Universitat", "classification": "university"},
    ],
    "persons": [{"id": "marta", "name": "Marta"}, {"id": "tutora", "name": "Tutora"},
                {"id": "estudiant", "name": "Estudiant"}],
    "themes": [{"id": "medi-ambient", "name": "Medi ambient"}],
    "events": [{"id": "festa-major-2024", "name": "Festa Major 2024", "start_date": "2024-10-04",
                "yearly": True}],
    "programmes": [{"id": "educacio-social", "name": "Grau en Educació Social",
                    "university_id": "uni"}],
    "agreements": [{"id": "conveni-2020", "name": "Conveni 2020", "start_date": "2020",
                    "end_date": "2023-01", "parties": [{"organization_id": "isom", "role": "host"},
                                                       {"organization_id": "uni"}]}],
}
# A good document: indexes below are those of the objects in these lists.
GOOD: dict[str, Any] = {
    "xarxa": {"format": "xarxa-json", "version": 1},
    "organizations": [{"id": "fedaia", "name": "FEDAIA, federació", "classification": "federation"}],
    "themes": [{"id": "ocupacio", "name": "Creació d'ocupació"},
               {"id": "barris", "name": "Dinamització dels barris"}],
    "campaigns": [{"id": "valors", "name": "Valors", "organization_id": "isom",
                   "start_date": "2025", "values": ["democracy", "solidarity"],
                   "themes": ["ocupacio", "medi-ambient", "barris"]}],
    "events": [
        {"id": "festa-major-2025", "name": "Festa Major 2025", "classification": "festival",
         "start_date": "2025-10", "repeat_of_id": "festa-major-2024", "yearly": True},
        {"id": "cercavila", "name": "Cercavila", "parent_id": "festa-major-2025",
         "start_date": "2025-10-04T18:00+02:00", "end_date": "2025-10-04T20:00+02:00",
         "campaign_id": "valors"},
        {"id": "trobada", "name": "Trobada", "start_date": "2025-11-20T10:00",
         "timezone": "America/Mexico_City"},
    ],
    "participations": [
        {"id": "p1", "event_id": "cercavila", "organization_id": "isom", "role": "organiser",
         "hours": 2.5, "people_reached": 100},
        {"id": "p2", "event_id": "festa-major-2024", "person_id": "marta",
         "on_behalf_of_id": "isom", "hours": 3},
    ],
    "programmes": [{"id": "treball-social", "name": "Grau en Treball Social",
                    "university_id": "uni"}],
    "agreements": [
        {"id": "conveni-2023", "name": "Conveni 2023", "kind": "educational cooperation",
         "start_date": "2023-02", "end_date": "2027-01", "renews_id": "conveni-2020",
         "parties": [{"organization_id": "isom", "role": "host"},
                     {"organization_id": "uni", "role": "university"}],
         "programmes": ["treball-social", "educacio-social"], "public_sector": True,
         "notice_days": 60},
    ],
    "placements": [
        {"id": "pl1", "agreement_id": "conveni-2023", "host_id": "isom",
         "student_id": "estudiant", "programme_id": "treball-social", "kind": "curricular",
         "academic_tutor_id": "tutora", "entity_tutor_id": "marta", "start_date": "2024-09",
         "end_date": "2025-01", "total_hours": 300},
    ],
}


@pytest.fixture(autouse=True)
def existing() -> None:
    import_document(copy.deepcopy(EXISTING), actor=Actor("test"), xarxa=True)


def good(**collections: Any) -> dict[str, Any]:
    """The good document, with some collections replaced."""
    return copy.deepcopy(GOOD) | collections


def spoil(path: str, value: Any) -> dict[str, Any]:
    """The good document with the value at `path` (/placements/0/end_date) replaced."""
    doc = good()
    *parents, last = path.strip("/").split("/")
    node: Any = doc
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    node[int(last) if isinstance(node, list) else last] = value
    return doc


def state() -> tuple[dict[str, int], dict[str, Any]]:
    counts = {name: model.objects.count() for name, model in XARXA_COLLECTIONS}
    return counts | {"history": Change.objects.count()}, export_dict()


def write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "doc.json"
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def imported(tmp_path: Path, doc: Any, *args: str) -> list[str]:
    out = StringIO()
    with translation.override("en"):
        call_command("import", "json", str(write(tmp_path, doc)), *args, stdout=out)
    return out.getvalue().splitlines()


def refused(tmp_path: Path, doc: Any, *args: str) -> list[str]:
    """Import `doc`, expect a refusal that changes nothing; return the problem lines."""
    before = state()
    err = StringIO()
    with pytest.raises(CommandError) as refusal, translation.override("en"):
        call_command("import", "json", str(write(tmp_path, doc)), *args,
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
    assert said == [
        "organizations: 0 created, 1 updated, 0 unchanged",
        "themes: 2 created, 0 updated, 0 unchanged",
        "campaigns: 1 created, 0 updated, 0 unchanged",
        "events: 3 created, 0 updated, 0 unchanged",
        "participations: 2 created, 0 updated, 0 unchanged",
        "programmes: 1 created, 0 updated, 0 unchanged",
        "agreements: 1 created, 0 updated, 0 unchanged",
        "placements: 1 created, 0 updated, 0 unchanged",
    ]


def test_it_refuses_a_placement_whose_tutors_are_the_same_person(tmp_path):
    assert refused(tmp_path, spoil("/placements/0/entity_tutor_id", "tutora")) == [
        "/placements/0/entity_tutor_id: the entity tutor must be another person than the "
        "academic tutor (Real Decreto 592/2014, art. 10)"]


def test_it_refuses_an_agreement_ending_before_it_starts(tmp_path):
    assert refused(tmp_path, spoil("/agreements/0/end_date", "2022-12")) == [
        "/agreements/0/end_date: the end 2022-12 is before the start 2023-02"]


def test_it_refuses_an_unknown_party(tmp_path):
    doc = spoil("/agreements/0/parties/0/organization_id", "nobody")
    doc["agreements"][0]["parties"].append({"role": "funder"})

    assert refused(tmp_path, doc) == [
        "/agreements/0/parties/2/organization_id: is required and must be a string",
        '/agreements/0/parties/0/organization_id: no organisation has the id "nobody", '
        "in the document or in Xarxa",
    ]


def test_it_refuses_a_malformed_date_and_a_malformed_event_time(tmp_path):
    doc = spoil("/agreements/0/signed_on", "15/01/2023")
    doc["placements"][0]["start_date"] = "2024-13"
    doc["events"][1]["start_date"] = "2025-10-04 6pm"
    doc["events"][2]["end_date"] = "2025-11-20T25:00"

    assert refused(tmp_path, doc) == [
        '/events/1/start_date: "2025-10-04 6pm" is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a '
        "date and time (YYYY-MM-DDTHH:MM)",
        '/events/2/end_date: "2025-11-20T25:00" is not a time of the calendar',
        '/agreements/0/signed_on: "15/01/2023" is not an ISO 8601 date (YYYY, YYYY-MM or '
        "YYYY-MM-DD)",
        '/placements/0/start_date: "2024-13" has no month 13',
    ]


def test_it_refuses_a_time_the_clocks_skip(tmp_path):
    lines = refused(tmp_path, spoil("/events/2", {"id": "e", "name": "E",
                                                  "start_date": "2025-03-30T02:30"}))
    assert lines == ["/events/2/start_date: 2025-03-30T02:30 does not exist in Europe/Madrid: "
                     "the clocks go forward that night"]


def test_it_refuses_an_unknown_value_and_an_unknown_theme(tmp_path):
    doc = spoil("/campaigns/0/values/1", "kindness")
    doc["campaigns"][0]["themes"][2] = "nowhere"

    assert refused(tmp_path, doc) == [
        "/campaigns/0/values/1: must be one of: self-help, self-responsibility, democracy, "
        "equality, equity, solidarity",
        '/campaigns/0/themes/2: no theme has the id "nowhere", in the document or in Xarxa',
    ]


def test_it_refuses_a_participation_with_a_person_and_an_organisation(tmp_path):
    assert refused(tmp_path, spoil("/participations/0/person_id", "marta")) == [
        "/participations/0/person_id: a participation has one participant: a person "
        "(person_id) or an organisation (organization_id)"]


def test_it_refuses_hours_with_three_decimals_or_below_zero(tmp_path):
    doc = spoil("/participations/0/hours", 2.125)
    doc["participations"][1]["hours"] = -1

    assert refused(tmp_path, doc) == [
        "/participations/0/hours: has more than two decimals",
        "/participations/1/hours: must be a number from 0 to 99999",
    ]


def test_it_refuses_a_participation_in_an_unknown_event(tmp_path):
    assert refused(tmp_path, spoil("/participations/1/event_id", "festa-major-1999")) == [
        '/participations/1/event_id: no event has the id "festa-major-1999", '
        "in the document or in Xarxa"]


def test_it_refuses_references_to_unknown_records_of_every_new_kind(tmp_path):
    doc = spoil("/events/1/campaign_id", "no-campaign")
    doc["events"][0]["repeat_of_id"] = "no-event"
    doc["agreements"][0]["renews_id"] = "no-agreement"
    doc["agreements"][0]["programmes"][1] = "no-programme"
    doc["placements"][0]["student_id"] = "no-person"

    # Within a collection, problems come key by key (campaign_id before repeat_of_id).
    assert refused(tmp_path, doc) == [
        '/events/1/campaign_id: no awareness campaign has the id "no-campaign", '
        "in the document or in Xarxa",
        '/events/0/repeat_of_id: no event has the id "no-event", in the document or in Xarxa',
        '/agreements/0/renews_id: no agreement has the id "no-agreement", '
        "in the document or in Xarxa",
        '/agreements/0/programmes/1: no degree programme has the id "no-programme", '
        "in the document or in Xarxa",
        '/placements/0/student_id: no person has the id "no-person", in the document or in Xarxa',
    ]


def test_it_refuses_a_bad_time_zone(tmp_path):
    assert refused(tmp_path, spoil("/events/2/timezone", "Europe/Gracia")) == [
        '/events/2/timezone: "Europe/Gracia" is not a time zone (such as Europe/Madrid)']


def test_it_refuses_duplicate_ids(tmp_path):
    doc = good()
    doc["events"].append({"id": "cercavila", "name": "Una altra cercavila"})
    doc["participations"].append(dict(doc["participations"][0]))
    doc["themes"].append({"id": "barris", "name": "Barris"})

    assert refused(tmp_path, doc) == [
        '/themes/2/id: duplicate id "barris" (also at /themes/1)',
        '/events/3/id: duplicate id "cercavila" (also at /events/1)',
        '/participations/2/id: duplicate id "p1" (also at /participations/0)',
    ]


def test_it_refuses_an_illustrative_flag_that_is_not_a_boolean(tmp_path):
    doc = spoil("/campaigns/0/illustrative", "yes")
    doc["placements"][0]["illustrative"] = 1

    assert refused(tmp_path, doc) == [
        "/campaigns/0/illustrative: must be true or false",
        "/placements/0/illustrative: must be true or false",
    ]


def test_it_refuses_a_cycle_of_events(tmp_path):
    doc = spoil("/events/0/parent_id", "cercavila")  # cercavila is part of the festa

    assert refused(tmp_path, doc) == [
        "/events/0/parent_id: the parents form a cycle: festa-major-2025 → cercavila → "
        "festa-major-2025",
        "/events/1/parent_id: the parents form a cycle: cercavila → festa-major-2025 → cercavila",
    ]


def test_it_refuses_a_header_of_another_format_or_a_newer_version(tmp_path):
    assert refused(tmp_path, spoil("/xarxa", {"format": "popolo", "version": 2})) == [
        '/xarxa/format: must be "xarxa-json"',
        "/xarxa/version: version 2 of the format is newer than this Xarxa reads (up to 1); "
        "import it with a newer Xarxa",
    ]
    assert refused(tmp_path, spoil("/xarxa", "xarxa-json")) == [
        '/xarxa: must be a JSON object: {"format": "xarxa-json", "version": 1}']


def test_a_document_without_a_header_is_read_all_the_same(tmp_path):
    doc = good()
    del doc["xarxa"]

    assert "placements: 1 created, 0 updated, 0 unchanged" in imported(tmp_path, doc)


def test_a_dry_run_reports_counts_and_writes_nothing(tmp_path):
    before = state()

    said = imported(tmp_path, good(), "--dry-run")

    assert said[-1] == "Dry run: nothing was written."
    assert "placements: 1 created, 0 updated, 0 unchanged" in said
    assert state() == before


def test_a_refusal_late_in_the_document_undoes_what_came_before(tmp_path):
    # Everything up to the placements is good and written before they are read.
    assert refused(tmp_path, spoil("/placements/0/total_hours", -300)) == [
        "/placements/0/total_hours: must be a whole number, 0 or more"]


# -- The installed command, end to end ---------------------------------------

XARXA = Path(sys.executable).parent / "xarxa"


def xarxa(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "XARXA_COMMAND_LANGUAGE", "XARXA_TEST_SQLITE")}
    env |= {"XARXA_VAR_DIR": str(home), "DATABASE_URL": f"sqlite:///{home}/x.sqlite3",
            "XARXA_LANGUAGE": "en", "LC_ALL": "C.UTF-8"}
    return subprocess.run([str(XARXA), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_installed_command_exports_imports_and_refuses(tmp_path):
    done = xarxa(tmp_path, "migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    for name, doc in (("existing", EXISTING), ("good", GOOD)):
        (tmp_path / f"{name}.json").write_text(json.dumps(doc), encoding="utf-8")
        done = xarxa(tmp_path, "import", "json", str(tmp_path / f"{name}.json"))
        assert done.returncode == 0, done.stderr
    exported = xarxa(tmp_path, "export", "json", "--no-timestamps", "-o", str(tmp_path / "x.json"))
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr.strip().endswith(f"objects written to {tmp_path / 'x.json'}")
    bad = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    bad["placements"][0]["entity_tutor_id"] = bad["placements"][0]["academic_tutor_id"]
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")

    refusal = xarxa(tmp_path, "import", "json", str(tmp_path / "bad.json"))

    assert refusal.returncode == 2
    assert refusal.stderr.splitlines() == [
        "/placements/0/entity_tutor_id: the entity tutor must be another person than the "
        "academic tutor (Real Decreto 592/2014, art. 10)",
        "CommandError: Nothing was imported: 1 problem(s) found.",
    ]
    again = xarxa(tmp_path, "export", "json", "--no-timestamps", "-o", str(tmp_path / "y.json"))
    assert again.returncode == 0
    assert (tmp_path / "y.json").read_bytes() == (tmp_path / "x.json").read_bytes()


@pytest.mark.skipif(not hasattr(AgreementDocument, "before_write"),
                    reason="AgreementDocument has no before_write hook yet: documents carry no file")
def test_a_document_whose_file_is_not_base64_is_refused_at_its_pointer(tmp_path, settings,
                                                                       monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(popolo_import, "CHUNK", 2)  # the bad one in the second chunk
    pdf = base64.b64encode(b"%PDF-1.4\n% signat\n%%EOF\n").decode()
    documents = [{"id": f"d{i}", "agreement_id": "conveni-2023", "title": f"Annex {i}",
                  "content_base64": pdf} for i in range(4)]
    documents[3]["content_base64"] = "no és base64!"

    assert refused(tmp_path, good(agreement_documents=documents)) == [
        "/agreement_documents/3/content_base64: is not valid base64"]
    assert not any(p.is_file() for p in (tmp_path / "media").rglob("*"))


def test_it_refuses_a_record_without_the_record_it_belongs_to(tmp_path):
    doc = good()
    del doc["participations"][0]["event_id"]
    doc["placements"][0]["student_id"] = None
    del doc["programmes"][0]["university_id"]

    assert refused(tmp_path, doc) == [
        "/participations/0/event_id: is required (the id of the event)",
        "/programmes/0/university_id: a degree programme belongs to a university (university_id)",
        "/placements/0/student_id: is required (the id of the person)",
    ]


def test_it_refuses_a_placement_that_does_not_fit_its_agreement(tmp_path):
    # The agreement is in the same document: it is checked against the placement
    # as it will be, not as the database holds it (not at all) before the import.
    doc = spoil("/placements/0/host_id", "fedaia")
    doc["placements"][0]["start_date"] = "2022-09"

    lines = refused(tmp_path, doc)

    assert [line.split(":", 1)[0] for line in lines] == [
        "/placements/0/host_id", "/placements/0/start_date"]
    assert 'the hosting entity "fedaia" is not a party of the agreement "Conveni 2023"' in lines[0]
