"""An event's time is a partial date or a wall-clock date and time in its time
zone (`xarxa.core.times`): read in the forms people and publishers write,
written for Popolo with the offset of that day, right across the changes of
clocks, and in order as text."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xarxa.core import times

# -- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("given_, kept", [
    ("2025", "2025"),
    ("2025-10", "2025-10"),
    ("2025-10-04", "2025-10-04"),
    ("2025-10-04T18:00", "2025-10-04T18:00"),
    ("2025-10-04 18:00", "2025-10-04T18:00"),
    ("2025-10-04T18:00:00", "2025-10-04T18:00"),
    ("2025-10-04T18:00:30", "2025-10-04T18:00:30"),
    ("2025-10-04T18:00:30.250", "2025-10-04T18:00:30"),
    (None, None),
    ("", None),
    (dt.date(2025, 10, 4), "2025-10-04"),
    (dt.datetime(2025, 10, 4, 18, 0), "2025-10-04T18:00"),
])
def test_a_date_or_a_date_and_time_is_read_as_wall_clock_text(given_, kept):
    assert times.parse(given_) == kept


@pytest.mark.parametrize("given_", [
    "2025-10-04T16:00Z", "2025-10-04T16:00+00:00", "2025-10-04T18:00+02:00",
    "2025-10-04T18:00+0200", "2025-10-04T18:00+02", "2025-10-04T12:00-04:00",
    dt.datetime(2025, 10, 4, 16, 0, tzinfo=dt.UTC),
])
def test_a_time_with_an_offset_becomes_the_wall_clock_time_of_the_events_zone(given_):
    assert times.parse(given_, "Europe/Madrid") == "2025-10-04T18:00"


def test_the_zone_decides_the_wall_clock_time():
    assert times.parse("2025-10-04T16:00Z", "America/New_York") == "2025-10-04T12:00"
    assert times.parse("2025-10-04T16:00Z", "Asia/Kolkata") == "2025-10-04T21:30"
    assert times.parse("2025-01-04T16:00Z", None) == "2025-01-04T17:00"  # Madrid in winter


@pytest.mark.parametrize("given_, says", [
    ("2025-13", 'has no month 13'),
    ("2025-02-30", 'is not a day of the calendar'),
    ("2025-02-30T10:00", 'is not a time of the calendar'),
    ("2025-10-04T25:00", 'is not a time of the calendar'),
    ("2025-10-04T18", 'is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a date and time'),
    ("4/10/2025", 'is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a date and time'),
    ("dissabte", 'is not a date (YYYY, YYYY-MM, YYYY-MM-DD) or a date and time'),
    ("0000-01-01T10:00", "has year 0"),
    ("2025-10-04T18:00\n", "is not a date"),
    (2025, "is not a date or a date and time"),
])
def test_what_is_not_a_time_is_refused_saying_why(given_, says):
    with pytest.raises(times.EventTimeError) as refused:
        times.parse(given_)
    assert says in str(refused.value)


def test_an_unknown_zone_is_refused():
    assert times.check_zone("Europe/Madrid") is None
    assert times.check_zone("Europe/Gotham") == '"Europe/Gotham" is not a time zone (such as ' \
        'Europe/Madrid)'
    assert times.check_zone("../../etc/passwd") is not None


def test_the_installations_zone_is_read_each_time(settings):
    assert times.with_offset("2025-07-01T12:00", None) == "2025-07-01T12:00+02:00"
    settings.XARXA_EVENT_TIME_ZONE = "Atlantic/Canary"
    assert times.with_offset("2025-07-01T12:00", None) == "2025-07-01T12:00+01:00"


# -- writing for Popolo ---------------------------------------------------------------------


@pytest.mark.parametrize("value, zone, written", [
    ("2025-10-04T18:00", "Europe/Madrid", "2025-10-04T18:00+02:00"),  # summer time
    ("2025-12-13T18:00", "Europe/Madrid", "2025-12-13T18:00+01:00"),
    ("2025-12-13T18:00", "UTC", "2025-12-13T18:00+00:00"),
    ("2025-12-13T18:00", "Asia/Kolkata", "2025-12-13T18:00+05:30"),
    ("2025-12-13T18:00", "America/New_York", "2025-12-13T18:00-05:00"),
    ("2025-10-04", "Europe/Madrid", "2025-10-04"),
    ("2025", "Europe/Madrid", "2025"),
    (None, "Europe/Madrid", None),
    # Before 1901 Madrid kept local mean time, 14 min 44 s behind UTC; RFC 3339
    # offsets have no seconds, so the moment is written in UTC.
    ("1890-05-01T12:00", "Europe/Madrid", "1890-05-01T12:14:44Z"),
])
def test_popolo_gets_the_offset_of_that_day(value, zone, written):
    assert times.with_offset(value, zone) == written


# -- changes of clocks ---------------------------------------------------------------------


def test_a_time_the_clocks_skip_does_not_exist():
    # 30 March 2025: in Madrid the clocks went from 02:00 to 03:00.
    assert not times.exists("2025-03-30T02:30", "Europe/Madrid")
    assert times.exists("2025-03-30T03:30", "Europe/Madrid")
    assert times.exists("2025-03-30T02:30", "UTC")
    assert times.check_exists("2025-03-30T02:30", None) == (
        "2025-03-30T02:30 does not exist in Europe/Madrid: the clocks go forward that night")
    assert times.check_exists("2025-03-30", None) is None


def test_a_time_that_happens_twice_is_taken_the_first_time():
    # 26 October 2025: 02:30 came twice, in summer time and then in winter time.
    assert times.exists("2025-10-26T02:30", "Europe/Madrid")
    assert times.with_offset("2025-10-26T02:30", "Europe/Madrid") == "2025-10-26T02:30+02:00"
    assert times.parse("2025-10-26T02:30+01:00", "Europe/Madrid") == "2025-10-26T02:30"


def test_durations_count_the_hours_that_really_pass():
    assert times.duration_hours("2025-10-04T18:00", "2025-10-04T20:30", None) == 2.5
    # The night the clocks go back lasts an hour more; the night they go forward, one less.
    assert times.duration_hours("2025-10-26T00:00", "2025-10-26T04:00", None) == 5
    assert times.duration_hours("2025-03-30T00:00", "2025-03-30T04:00", None) == 3
    assert times.duration_hours("2025-03-30T00:00", "2025-03-30T04:00", "UTC") == 4


def test_no_duration_without_two_times_in_order():
    assert times.duration_hours("2025-10-04", "2025-10-04T20:00", None) is None
    assert times.duration_hours("2025-10-04T18:00", None, None) is None
    assert times.duration_hours("2025-10-04T20:00", "2025-10-04T18:00", None) is None


# -- order ------------------------------------------------------------------------------------


def test_an_end_before_its_start_is_found():
    assert times.check_order("2025-10-04T18:00", "2025-10-04T17:59", None) == (
        "the end 2025-10-04T17:59 is before the start 2025-10-04T18:00")
    assert times.check_order("2025-10-04T18:00", "2025-10-04", None) is None  # that same day
    assert times.check_order("2025-10", "2025-10-04T10:00", None) is None
    assert times.check_order("2025-10-04", "2025-09", None) is not None
    assert times.check_order("2025-10-04T18:00", None, None) is None
    # 02:30 winter time comes an hour after 02:30 summer time, though it reads the same.
    assert times.check_order("2025-10-26T02:45", "2025-10-26T02:30", None) is not None


def test_the_texts_sort_like_the_times_they_stand_for():
    texts = ["2025-10-04T18:00", "2025-10-05", "2025-10-04T09:30", "2025-10", "2025-10-04",
             "2025-10-04T18:00:30", "2024-12-31T23:59"]
    assert sorted(texts) == ["2024-12-31T23:59", "2025-10", "2025-10-04", "2025-10-04T09:30",
                             "2025-10-04T18:00", "2025-10-04T18:00:30", "2025-10-05"]


def test_the_days_of_an_event_time():
    assert times.day_of("2025-10-04T18:00") == "2025-10-04"
    assert times.first_day("2025-10") == dt.date(2025, 10, 1)
    assert times.last_day("2025-10-04T18:00") == dt.date(2025, 10, 4)
    assert times.last_day("2024-02") == dt.date(2024, 2, 29)


# -- round trip ----------------------------------------------------------------------------------

ZONES = ["Europe/Madrid", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
         "America/St_Johns", "Pacific/Chatham", "Africa/Casablanca", "Europe/Dublin"]


def wall_clock(moment: dt.datetime) -> str:
    return times._text(moment)


@settings(max_examples=400, deadline=None)
@given(
    moment=st.datetimes(min_value=dt.datetime(1850, 1, 1), max_value=dt.datetime(2200, 12, 31)),
    zone=st.sampled_from(ZONES),
    seconds=st.booleans(),
)
def test_a_time_written_with_its_offset_reads_back_as_the_same_wall_clock_time(
    moment, zone, seconds
):
    moment = moment.replace(microsecond=0, second=moment.second if seconds else 0)
    text = wall_clock(moment)
    if not times.exists(text, zone):
        return  # a time the clocks skip is refused before it is ever written
    written = times.with_offset(text, zone)

    assert times.TIME_RE.match(written)
    assert times.parse(written, zone) == text
    # The offset names the same moment that the wall-clock time in that zone does.
    read = dt.datetime.fromisoformat(written.replace("Z", "+00:00"))
    # (Compared as instants: PEP 495 makes an ambiguous local time, one a
    # clock change repeats, unequal to every time of another zone.)
    assert read.timestamp() == moment.replace(tzinfo=zoneinfo.ZoneInfo(zone)).timestamp()


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_clear_refusal(text):
    try:
        parsed = times.parse(text)
    except times.EventTimeError as refused:
        assert str(refused)
    else:
        assert parsed is None or times.parse(parsed) == parsed


@pytest.mark.parametrize("given_", ["0001-01-01T00:30+01:00", "9999-12-31T23:30-05:00",
                                    "0001-01-01T10:00", dt.datetime(1, 1, 1, tzinfo=dt.UTC)])
def test_a_time_of_day_at_the_ends_of_the_calendar_is_refused_not_a_crash(given_):
    with pytest.raises(times.EventTimeError) as refused:
        times.parse(given_, "Asia/Kolkata")
    assert "a time of day is only kept for the years 2 to 9998" in str(refused.value)
    assert times.parse("0001-01-01") == "0001-01-01"  # a date alone is fine
