"""A lens keeps the ties current on a day by comparing integer keys; the rule
must be exactly the one the directory uses (`dates.is_current`)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from xarxa.core import dates
from xarxa.graph import base

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
partial = st.one_of(st.none(), days.map(lambda d: d.isoformat()),
                    days.map(lambda d: d.isoformat()[:7]), days.map(lambda d: d.isoformat()[:4]))


@given(partial, partial, st.one_of(days, days.map(lambda d: d.isoformat()[:4]),
                                   days.map(lambda d: d.isoformat()[:7])))
def test_keys_say_current_exactly_when_dates_do(start, end, as_of):
    key = base.day_key(as_of)
    by_keys = base.start_key(start) <= key <= base.end_key(end)
    assert by_keys == dates.is_current(start, end, as_of)


@given(partial)
def test_keys_give_back_the_date_they_were_made_from(value):
    assert base.key_text(base.start_key(value)) == value
    assert base.key_text(base.end_key(value), is_end=True) == value
