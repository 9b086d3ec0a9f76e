"""Partial ISO 8601 dates (`2009`, `2015-06`, `2021-06-15`), as xarxa.core.dates
reads, orders and compares them.

A partial date names a span of days: `2015-06` is any day of June 2015. The
properties checked with Hypothesis are the ones the rest of Xarxa relies on:

* what `parse` accepts is exactly the texts `YYYY`, `YYYY-MM`, `YYYY-MM-DD`
  of a real calendar day (year 1 to 9999), returned unchanged;
* comparing two such texts compares (first day of the span, precision): a
  date sorts by the first day it can stand for and, on the same first day,
  the less precise one first (`2015` < `2015-01` < `2015-01-01`). This is why
  the database can sort and filter on the text column;
* `is_current(start, end, day)` holds exactly when the span of `start`
  begins on or before `day` and the span of `end` closes on or after it;
* `current_q`, evaluated by the database, picks the same rows as `is_current`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from xarxa.core import writes
from xarxa.core.dates import (
    PartialDateError,
    Span,
    check_order,
    is_current,
    parse,
    span,
    years_between,
)
from xarxa.directory.models import Organization, Person
from xarxa.network.models import Membership

PRECISIONS = (4, 7, 10)  # YYYY, YYYY-MM, YYYY-MM-DD


def partial(day: dt.date, precision: int) -> str:
    return day.isoformat()[:precision]


any_day = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
# Dates close together meet at the edges of their spans far more often.
near_day = st.dates(min_value=dt.date(2014, 11, 1), max_value=dt.date(2016, 2, 28))
days = st.one_of(near_day, any_day)
partial_dates = st.builds(partial, days, st.sampled_from(PRECISIONS))
near_partial_dates = st.builds(partial, near_day, st.sampled_from(PRECISIONS))
optional_near = st.none() | near_partial_dates


def refusal(value: object) -> str:
    with translation.override("en"), pytest.raises(PartialDateError) as refused:
        parse(value)
    return str(refused.value)


# -- parse -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["2009", "2015-06", "2021-06-15", "2020-02-29", "0001", "9999-12-31"])
def test_it_accepts_a_year_a_month_or_a_day_and_returns_it_unchanged(text):
    assert parse(text) == text


def test_no_value_is_no_date():
    assert parse(None) is None
    assert parse("") is None


def test_a_python_date_is_read_as_its_day():
    assert parse(dt.date(2015, 6, 1)) == "2015-06-01"


@pytest.mark.parametrize(("value", "reason"), [
    ("15/03/2015", '"15/03/2015" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),
    ("2021-02-30", '"2021-02-30" is not a day of the calendar'),
    ("2019-02-29", '"2019-02-29" is not a day of the calendar'),
    ("2021-13", '"2021-13" has no month 13'),
    ("2021-00-10", '"2021-00-10" has no month 00'),
    ("0000", '"0000" has year 0'),
    ("2021-6", '"2021-6" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),
    ("15", '"15" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),
    ("2021-06-15T10:00", '"2021-06-15T10:00" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),
    (" 2015", '" 2015" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),
    ("2015\n", '"2015\n" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),
    ("٢٠١٥", '"٢٠١٥" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),  # Arabic-Indic digits
    (2015, "2015 is not an ISO 8601 date"),
    (2015.0, "2015.0 is not an ISO 8601 date"),
    (["2015"], "['2015'] is not an ISO 8601 date"),
    (True, "True is not an ISO 8601 date"),
])
def test_it_refuses_what_is_not_a_partial_date_and_says_why(value, reason):
    assert refusal(value) == reason


def test_a_long_refused_value_is_cut_in_the_reason():
    assert refusal("x" * 1000) == '"' + "x" * 40 + '…" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'


def is_partial_date(text: str) -> bool:
    """An oracle independent of the regular expression: the text is a real
    calendar day written by Python's isoformat(), cut to a year or a month."""
    if len(text) not in PRECISIONS:
        return False
    full = text + "-01-01"[: 10 - len(text)]
    try:
        return dt.date.fromisoformat(full).isoformat() == full
    except ValueError:
        return False


@given(partial_dates)
def test_any_partial_date_is_accepted_unchanged(text):
    assert parse(text) == text


@given(st.one_of(
    st.text(max_size=12),
    st.from_regex(r"\A[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,2})?)?\s?\Z"),
    st.from_regex(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z"),  # digits of any script
))
@example("2015\n")
@example("2015-02-29")
@example("2016-02-29")
def test_parse_accepts_exactly_the_partial_dates(text):
    assume(text != "")
    if is_partial_date(text):
        assert parse(text) == text
    else:
        with pytest.raises(PartialDateError):
            parse(text)


# -- order -----------------------------------------------------------------


def order_key(text: str) -> tuple[dt.date, int]:
    return span(text).first, len(text)


@given(partial_dates, partial_dates)
@example("2015", "2015-01")
@example("2015-01", "2015-01-01")
@example("2015-02", "2015-01-31")
def test_text_order_is_the_order_of_first_days_then_precision(a, b):
    assert (a < b) == (order_key(a) < order_key(b))
    assert (a == b) == (order_key(a) == order_key(b))


def test_a_span_runs_from_its_first_to_its_last_day():
    assert span("2009") == Span(dt.date(2009, 1, 1), dt.date(2009, 12, 31))
    assert span("2016-02") == Span(dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    assert span("2021-06-15") == Span(dt.date(2021, 6, 15), dt.date(2021, 6, 15))


# -- check_order -------------------------------------------------------------


def test_check_order_refuses_an_end_before_the_start():
    with translation.override("en"), pytest.raises(PartialDateError) as refused:
        check_order("2015-06", "2015-05-31")
    assert str(refused.value) == "the end 2015-05-31 is before the start 2015-06"


@pytest.mark.parametrize(("start", "end"), [
    ("2015-06", "2015"),  # the end text sorts first, but 2015 closes on 31 December
    ("2015-06-30", "2015-06"),
    ("2015-06-15", "2015-06-15"),
    ("2015", "2015-01-01"),
    (None, "2015"),
    ("2015", None),
])
def test_check_order_accepts_an_end_whose_span_reaches_the_start(start, end):
    check_order(start, end)  # refuses by raising; the order rule it applies:
    assert start is None or end is None or span(end).last >= span(start).first


@given(partial_dates, partial_dates)
def test_check_order_refuses_exactly_ends_that_close_before_the_start_begins(start, end):
    if span(end).last < span(start).first:
        with pytest.raises(PartialDateError):
            check_order(start, end)
    else:
        assert check_order(start, end) is None


# -- is_current ----------------------------------------------------------------


def holds_on(start: str | None, end: str | None, day: dt.date) -> bool:
    """The rule in words: begun by the first day of its start, not closed
    before the last day of its end."""
    return (start is None or span(start).first <= day) and (end is None or span(end).last >= day)


@given(optional_near, optional_near, near_day)
@example("2015-06", "2015-06", dt.date(2015, 6, 30))
@example(None, "2015", dt.date(2015, 12, 31))
def test_is_current_follows_the_spans_of_its_dates(start, end, day):
    assert is_current(start, end, day) == holds_on(start, end, day)


@given(optional_near, optional_near, near_partial_dates)
def test_a_partial_as_of_stands_for_its_first_day(start, end, as_of):
    assert is_current(start, end, as_of) == holds_on(start, end, span(as_of).first)


def test_a_membership_that_ended_in_june_is_current_all_june():
    assert is_current("2009", "2015-06", dt.date(2015, 6, 15))
    assert is_current("2009", "2015-06", dt.date(2015, 6, 30))
    assert not is_current("2009", "2015-06", dt.date(2015, 7, 1))
    assert not is_current("2009", "2015-06", "2015-07-01")


def test_a_start_in_2009_counts_from_the_first_of_january():
    assert is_current("2009", None, dt.date(2009, 1, 1))
    assert is_current("2009", None, "2009")
    assert not is_current("2009", None, dt.date(2008, 12, 31))


def test_a_moment_as_of_stands_for_its_local_day():
    madrid_evening = dt.datetime(2015, 6, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert is_current(None, "2015-06-30", madrid_evening)
    assert is_current(None, "2015-06", dt.datetime(2015, 6, 30, 12, 0))
    assert not is_current("2015-07", None, madrid_evening)


# -- current_q: the same rule, in the database ---------------------------------


@pytest.fixture
def member_and_body(db) -> tuple[str, str]:
    actor = writes.Actor("test")
    body = writes.create(Organization, {"id": "junta", "name": "Junta"}, actor=actor)
    person = writes.create(Person, {"id": "marta", "name": "Marta"}, actor=actor)
    return person.pk, body.pk


def current_in_database(spans: list[tuple[str | None, str | None]], as_of, member_and_body) -> set[str]:
    person, body = member_and_body
    with transaction.atomic():
        Membership.objects.bulk_create(
            Membership(id=f"m{i}", person_id=person, organization_id=body, start_date=start,
                       end_date=end)
            for i, (start, end) in enumerate(spans))
        found = set(Membership.objects.current(as_of).values_list("id", flat=True))
        transaction.set_rollback(True)  # the next example starts from no memberships
    return found


@pytest.mark.django_db
def test_the_database_finds_the_june_membership_current_on_15_june_not_on_1_july(member_and_body):
    spans = [("2009", "2015-06")]
    assert current_in_database(spans, dt.date(2015, 6, 15), member_and_body) == {"m0"}
    assert current_in_database(spans, dt.date(2015, 7, 1), member_and_body) == set()
    assert current_in_database([("2009", None)], "2009-01-01", member_and_body) == {"m0"}
    assert current_in_database([("2009", None)], "2008-12-31", member_and_body) == set()


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spans=st.lists(st.tuples(optional_near, optional_near), min_size=1, max_size=12),
       as_of=st.one_of(near_day, near_partial_dates))
def test_current_q_in_the_database_agrees_with_is_current(spans, as_of, member_and_body):
    expected = {f"m{i}" for i, (start, end) in enumerate(spans) if is_current(start, end, as_of)}

    assert current_in_database(spans, as_of, member_and_body) == expected


# -- years_between ---------------------------------------------------------------


@pytest.mark.parametrize(("start", "as_of", "years"), [
    ("2009", "2019-12-31", 10),
    ("2009", "2019", 10),
    ("2009", "2018-12-31", 9),
    ("2009-06-15", "2019-06-14", 9),
    ("2009-06-15", "2019-06-15", 10),
    ("2009-06", dt.date(2010, 5, 31), 0),
    ("2030", "2019", 0),  # not started yet: no negative years
])
def test_years_between_counts_whole_years_from_the_first_day_of_the_start(start, as_of, years):
    assert years_between(start, as_of) == years
