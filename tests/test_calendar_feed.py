"""An organisation's and an area's events as an iCalendar (RFC 5545) feed that
real calendar applications read: `xarxa export ical` and `/calendar/...ics`.

The feed is read back with the `icalendar` parser, as a client would.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from typing import Any

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client

from xarxa.activity import ical
from xarxa.activity.models import Event
from xarxa.core import writes
from xarxa.core.writes import Actor
from xarxa.interop.popolo_import import import_document

pytestmark = pytest.mark.django_db

HOSTILE = "Hola\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:injected; with, commas \\ too"
LONG = ("Festa major amb castellers, gegants, correfoc i cercavila per l'avinguda: "
        "ÇÀÉÈÍÏÓÒÚÜ·l € 🎉 ") * 4


def registry() -> dict[str, Any]:
    return {
        "areas": [
            {"id": "bcn", "name": "Barcelona"},
            {"id": "sant-andreu", "name": "Sant Andreu", "parent_id": "bcn"},
            {"id": "congres", "name": "el Congrés i els Indians", "parent_id": "sant-andreu"},
            {"id": "girona", "name": "Girona"},
        ],
        "organizations": [
            {"id": "fedaia", "name": "FEDAIA",
             "other_names": [{"name": "FEDAIA (English)", "lang": "en"}]},
            {"id": "junta", "name": "Junta Directiva", "parent_id": "fedaia"},
            {"id": "qualitat", "name": "Grup de qualitat", "parent_id": "junta"},
            {"id": "isom", "name": "ISOM"},
            {"id": "coordinadora", "name": "Coordinadora d'Entitats"},
        ],
        "persons": [{"id": "marta", "name": "Marta Puig"}],
        "events": [
            {"id": "junta-gener", "name": "Reunió de la Junta", "classification": "meeting",
             "organization_id": "junta", "start_date": "2025-01-15T18:00",
             "end_date": "2025-01-15T20:00"},
            {"id": "qualitat-juliol", "name": "Grup de qualitat", "classification": "meeting",
             "organization_id": "qualitat", "start_date": "2025-07-10T10:00", "area_id": "congres",
             "location": "Casal, sala 2; planta 1"},
            {"id": "assemblea", "name": "Assemblea", "organization_id": "fedaia",
             "start_date": "2025-10", "status": "cancelled"},
            {"id": "festa-major", "name": "Festa Major del Congrés", "classification": "festival",
             "organization_id": "coordinadora", "area_id": "congres",
             "start_date": "2025-10-03", "end_date": "2025-10-05", "description": LONG},
            {"id": "festa-concert", "name": "Concert", "parent_id": "festa-major",
             "organization_id": "coordinadora", "area_id": "sant-andreu",
             "start_date": "2025-10-04T22:00", "end_date": "2025-10-05"},
            {"id": "festa-indians", "name": "Festa dels Indians", "area_id": "bcn",
             "organization_id": "coordinadora", "start_date": "2025-09"},
            {"id": "girona-fira", "name": "Fira", "organization_id": "coordinadora",
             "area_id": "girona", "start_date": "2025-05-01"},
            {"id": "isom-taller", "name": "Taller", "organization_id": "isom",
             "start_date": "2025-03-03T17:00"},
            {"id": "hostil", "name": HOSTILE, "organization_id": "fedaia",
             "start_date": "2025-02-02", "description": "a\\b;c,d\ne"},
        ],
        "participations": [
            {"id": "p1", "event_id": "festa-concert", "person_id": "marta",
             "on_behalf_of_id": "fedaia", "role": "volunteer"},
            {"id": "p2", "event_id": "festa-indians", "organization_id": "fedaia"},
            {"id": "p3", "event_id": "festa-indians", "organization_id": "isom"},
            {"id": "p4", "event_id": "festa-major", "person_id": "marta"},
            {"id": "p5", "event_id": "junta-gener", "organization_id": "fedaia"},  # its own too
        ],
    }


@pytest.fixture
def data(db):
    import_document(registry(), actor=Actor.cli("test"), xarxa=True)


def feed(organization: str | None = None, area: str | None = None) -> bytes:
    out = io.BytesIO()
    ical.calendar_for(organization=organization, area=area).write(out)
    return out.getvalue()


def events(raw: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(raw)
    return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_an_organisations_feed_holds_its_bodies_meetings_and_the_events_it_takes_part_in(data):
    assert set(events(feed("fedaia"))) == {
        "junta-gener", "qualitat-juliol", "assemblea", "hostil",  # its own and its bodies'
        "festa-concert",  # someone went on its behalf
        "festa-indians",  # it took part
    }
    assert set(events(feed("isom"))) == {"isom-taller", "festa-indians"}
    assert set(events(feed("qualitat"))) == {"qualitat-juliol"}


def test_an_areas_feed_holds_the_events_of_every_area_inside_it(data):
    assert set(events(feed(area="bcn"))) == {
        "qualitat-juliol", "festa-major", "festa-concert", "festa-indians"}
    assert set(events(feed(area="sant-andreu"))) == {"qualitat-juliol", "festa-major",
                                                      "festa-concert"}
    assert set(events(feed(area="girona"))) == {"girona-fira"}


def test_events_come_in_order_of_start(data):
    starts = [str(e["UID"]).split("@")[0] for e in icalendar.Calendar.from_ical(
        feed("fedaia")).walk("VEVENT")]
    assert starts == ["junta-gener", "hostil", "qualitat-juliol", "festa-indians", "assemblea",
                      "festa-concert"]


def test_the_calendar_says_what_it_is_and_whose(data):
    raw = feed("fedaia")
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == ical.PRODID
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "FEDAIA (English)"  # its name in the reader's language
    assert str(icalendar.Calendar.from_ical(feed(area="congres"))["X-WR-CALNAME"]) == \
        "el Congrés i els Indians"
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends in CRLF, and only there


def test_each_event_has_a_stable_uid_a_stamp_and_a_sequence(data):
    first = events(feed("fedaia"))["junta-gener"]
    assert str(first["UID"]) == "junta-gener@xarxa"
    assert first["SEQUENCE"] == 0
    event = Event.objects.get(pk="junta-gener")
    assert first.decoded("DTSTAMP") == event.updated_at.replace(microsecond=0)
    assert first["DTSTAMP"].to_ical().endswith(b"Z")

    writes.update(event, {"name": "Reunió de la Junta (canvi d'hora)"}, actor=Actor.cli("test"))
    again = events(feed("fedaia"))["junta-gener"]
    assert str(again["UID"]) == "junta-gener@xarxa"
    assert again["SEQUENCE"] == 1
    assert str(again["SUMMARY"]) == "Reunió de la Junta (canvi d'hora)"
    assert again.decoded("LAST-MODIFIED") >= first.decoded("LAST-MODIFIED")


def test_the_uid_names_the_installation_when_it_is_configured(data, settings):
    settings.XARXA_CALENDAR_DOMAIN = "xarxa.example.org"
    assert str(events(feed("isom"))["isom-taller"]["UID"]) == "isom-taller@xarxa.example.org"


def test_a_date_is_an_all_day_event_and_a_month_spans_the_whole_month(data):
    by_uid = events(feed("fedaia") + b"") | events(feed(area="bcn"))
    assemblea = by_uid["assemblea"]
    assert assemblea.decoded("DTSTART") == dt.date(2025, 10, 1)
    assert assemblea.decoded("DTEND") == dt.date(2025, 11, 1)  # the end is exclusive
    festa = by_uid["festa-major"]
    assert (festa.decoded("DTSTART"), festa.decoded("DTEND")) == (dt.date(2025, 10, 3),
                                                                  dt.date(2025, 10, 6))
    assert str(festa["TRANSP"]) == "TRANSPARENT"
    hostil = by_uid["hostil"]
    assert (hostil.decoded("DTSTART"), hostil.decoded("DTEND")) == (dt.date(2025, 2, 2),
                                                                    dt.date(2025, 2, 3))


def test_a_time_of_day_names_its_zone_and_keeps_summer_and_winter_time(data):
    raw = feed("fedaia")
    assert b"DTSTART;TZID=Europe/Madrid:20250115T180000\r\n" in raw
    assert b"DTEND;TZID=Europe/Madrid:20250115T200000\r\n" in raw
    by_uid = events(raw)
    winter = by_uid["junta-gener"].decoded("DTSTART")
    summer = by_uid["qualitat-juliol"].decoded("DTSTART")
    assert winter.utcoffset() == dt.timedelta(hours=1)
    assert summer.utcoffset() == dt.timedelta(hours=2)
    assert winter.astimezone(dt.UTC) == dt.datetime(2025, 1, 15, 17, 0, tzinfo=dt.UTC)
    assert summer.astimezone(dt.UTC) == dt.datetime(2025, 7, 10, 8, 0, tzinfo=dt.UTC)
    # Without an end the event ends when it starts; an end day ends at its midnight.
    assert "DTEND" not in by_uid["qualitat-juliol"]
    concert = events(feed(area="bcn"))["festa-concert"]
    assert concert.decoded("DTEND") == dt.datetime(2025, 10, 6, 0, 0,
                                                   tzinfo=zoneinfo.ZoneInfo("Europe/Madrid"))


def test_the_feed_describes_every_zone_it_uses_the_way_zoneinfo_does(data):
    actor = Actor.cli("test")
    zones = ["America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "Europe/Dublin"]
    for n, name in enumerate(zones):
        writes.create(Event, {"id": f"lluny-{n}", "name": "Lluny", "organization_id": "isom",
                              "start_date": "2019-06-01T09:30", "end_date": "2025-12-31T23:00",
                              "timezone": name}, actor=actor)
    raw = feed("isom")
    cal = icalendar.Calendar.from_ical(raw)
    described = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    assert set(described) == {"Europe/Madrid", *zones}  # one for each zone used, no more
    madrid = raw.split(b"TZID:Europe/Madrid\r\n")[1].split(b"END:VTIMEZONE")[0]
    assert b"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" in madrid  # the EU rule, as clients expect
    assert b"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" in madrid
    for name in zones + ["Europe/Madrid"]:
        ours = described[name].to_tz(lookup_tzid=False)
        theirs = zoneinfo.ZoneInfo(name)
        year = 2019 if name != "Europe/Madrid" else 2025
        moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        while moment.year <= 2025:
            local = moment.astimezone(theirs).replace(tzinfo=None)
            assert local.replace(tzinfo=ours).utcoffset() == moment.astimezone(theirs).utcoffset(), \
                (name, local)
            moment += dt.timedelta(hours=61)
    start = events(raw)["lluny-1"].decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=10, minutes=30)  # Lord Howe: half-hour DST


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character(data):
    raw = feed(area="bcn")
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) == 75
    for line in lines:
        line.decode("utf-8")  # no character cut in two
    assert any(line.startswith(b" ") for line in lines)
    assert str(events(raw)["festa-major"]["DESCRIPTION"]) == LONG


@pytest.mark.parametrize("value", ["a" * 200, "é" * 100, "🎉" * 60, "a" + "€" * 80, "x" * 75, ""])
def test_folding_keeps_every_octet_and_every_character(value):
    folded = ical.fold("DESCRIPTION:" + value)
    assert all(len(line) <= 75 for line in folded.split(b"\r\n"))
    assert folded.replace(b"\r\n ", b"").decode("utf-8") == "DESCRIPTION:" + value + "\r\n"


def test_a_hostile_name_stays_the_text_of_one_property(data):
    raw = feed("fedaia")
    cal = icalendar.Calendar.from_ical(raw)
    assert len(cal.walk("VEVENT")) == 6
    assert raw.count(b"\r\nBEGIN:VEVENT\r\n") == raw.count(b"\r\nEND:VEVENT\r\n") == 6
    assert b"\r\nUID:evil" not in raw and b"\r\nSUMMARY:injected" not in raw
    hostil = events(raw)["hostil"]
    assert str(hostil["SUMMARY"]) == HOSTILE.replace("\r\n", "\n")
    assert str(hostil["DESCRIPTION"]) == "a\\b;c,d\ne"
    assert b"SUMMARY:Hola\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:evil\\nSUMMARY:injected\\; with\\, " \
           b"commas \\\\ too" in raw.replace(b"\r\n ", b"")
    assert str(events(feed(area="bcn"))["qualitat-juliol"]["LOCATION"]) == "Casal, sala 2; planta 1"


@pytest.mark.parametrize("value,escaped", [
    ("a\rb", "a\\nb"), ("a\u2028b", "a\\nb"), ("a\x00b\x1bc", "a b c"), ("tab\there", "tab\there"),
    ("plain text", "plain text"),
])
def test_text_is_escaped_line_breaks_and_control_characters_included(value, escaped):
    assert ical.text(value) == escaped


def test_a_cancelled_event_is_marked_cancelled_and_the_others_confirmed(data):
    by_uid = events(feed("fedaia"))
    assert str(by_uid["assemblea"]["STATUS"]) == "CANCELLED"
    assert {str(e["STATUS"]) for uid, e in by_uid.items() if uid != "assemblea"} == {"CONFIRMED"}


def test_an_activity_of_a_festival_is_related_to_it(data):
    by_uid = events(feed(area="bcn"))
    assert str(by_uid["festa-concert"]["RELATED-TO"]) == "festa-major@xarxa"
    assert "RELATED-TO" not in by_uid["festa-major"]
    assert str(by_uid["festa-major"]["CATEGORIES"].to_ical(), "utf-8") == "festival"


def test_no_person_is_named_in_a_feed(data):
    for raw in (feed("fedaia"), feed(area="bcn"), feed("isom")):
        assert b"Marta" not in raw and b"marta" not in raw


def test_an_illustrative_event_says_so(data):
    writes.update(Event.objects.get(pk="isom-taller"), {"illustrative": True},
                  actor=Actor.cli("test"))
    assert "Illustrative" in str(events(feed("isom"))["isom-taller"]["DESCRIPTION"])


def test_an_unknown_organisation_or_area_is_refused_by_name(data):
    with pytest.raises(LookupError, match='No organisation has the id "nobody"'):
        ical.calendar_for(organization="nobody")
    with pytest.raises(LookupError, match='No area has the id "nowhere"'):
        ical.calendar_for(area="nowhere")


def test_the_command_writes_the_feed_to_a_file(data, tmp_path, capsys):
    target = tmp_path / "fedaia.ics"
    call_command("export", "ical", "fedaia", "-o", str(target))
    assert set(events(target.read_bytes())) == set(events(feed("fedaia")))
    assert "6 objects written" in capsys.readouterr().err

    area = tmp_path / "bcn.ics"
    call_command("export", "ical", "--area", "bcn", "-o", str(area))
    assert set(events(area.read_bytes())) == set(events(feed(area="bcn")))


# -- The URL calendar applications subscribe to ----------------------------------

@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_feed_is_served_as_a_calendar(client, data):
    response = client.get("/calendar/organisations/fedaia.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="fedaia.ics"'
    assert response.content == feed("fedaia").replace(
        b"\r\nNAME:FEDAIA (English)\r\n",
        b"\r\nNAME:FEDAIA (English)\r\nURL;VALUE=URI:http://testserver/organisations/fedaia/\r\n")
    assert response["ETag"] and response["Last-Modified"]
    assert set(events(client.get("/calendar/areas/bcn.ics").content)) == set(events(feed(area="bcn")))


def test_an_unknown_feed_is_not_found(client, data):
    assert client.get("/calendar/organisations/nobody.ics").status_code == 404
    assert client.get("/calendar/areas/nowhere.ics").status_code == 404


def test_a_client_that_holds_the_latest_feed_gets_a_bodiless_304(client, data):
    url = "/calendar/organisations/fedaia.ics"
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304

    writes.update(Event.objects.get(pk="assemblea"), {"status": "held"}, actor=Actor.cli("test"))
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert str(events(changed.content)["assemblea"]["STATUS"]) == "CONFIRMED"


def test_a_deleted_event_leaves_the_feed_of_a_client_that_polls(client, data):
    url = "/calendar/areas/girona.ics"
    first = client.get(url)
    writes.delete(Event.objects.get(pk="girona-fira"), actor=Actor.cli("test"))
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and events(changed.content) == {}


def test_the_feed_is_only_read(client, data):
    assert client.post("/calendar/organisations/fedaia.ics").status_code == 405


def test_the_feed_makes_its_baseline_of_queries_whatever_the_number_of_events(client, data,
                                                                              query_baseline):
    for n in range(30):
        writes.create(Event, {"id": f"extra-{n}", "name": "Extra", "organization_id": "junta",
                              "start_date": f"2024-{n % 12 + 1:02d}-0{n % 9 + 1}T1{n % 10}:00"},
                      actor=Actor.cli("test"))
    with query_baseline("GET /calendar/organisations/fedaia.ics"):
        first = client.get("/calendar/organisations/fedaia.ics")
    assert first.status_code == 200 and len(events(first.content)) == 36
    with query_baseline("GET /calendar/organisations/fedaia.ics (not modified)"):
        assert client.get("/calendar/organisations/fedaia.ics",
                          HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    with query_baseline("GET /calendar/areas/bcn.ics"):
        assert client.get("/calendar/areas/bcn.ics").status_code == 200
