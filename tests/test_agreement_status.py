"""An agreement's status follows from its dates and the day asked about —
draft, signed, in force, expiring, expired, renewed — never stored; the
database filters say the same as the rule in Python; public bodies'
agreements beyond Ley 40/2015's four years are warned about."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xarxa.core import writes
from xarxa.directory.models import Organization
from xarxa.training import status as agreement_status
from xarxa.training.models import Agreement

pytestmark = pytest.mark.django_db

SETUP = writes.Actor("test:setup")


def agreement(**values) -> Agreement:
    values.setdefault("name", "Conveni de cooperació educativa")
    return writes.create(Agreement, values, actor=SETUP)


def status_on(obj: Agreement, day: str) -> str:
    return Agreement.objects.with_renewed().get(pk=obj.pk).status(day)


def test_an_agreement_not_signed_is_a_draft():
    obj = agreement(start_date="2025-01-01", end_date="2026-12-31")

    assert status_on(obj, "2025-06-01") == "draft"


def test_an_agreement_signed_after_the_day_asked_about_was_still_a_draft_then():
    obj = agreement(signed_on="2025-03-10", start_date="2025-04-01", end_date="2026-12-31")

    assert status_on(obj, "2025-03-01") == "draft"
    assert status_on(obj, "2025-03-10") == "signed"


def test_a_signed_agreement_that_starts_later_is_signed_not_yet_in_force():
    obj = agreement(signed_on="2025-03-10", start_date="2025-09", end_date="2027-08-31")

    assert status_on(obj, "2025-08-31") == "signed"
    assert status_on(obj, "2025-09-01") == "in force"


def test_an_agreement_is_expiring_within_the_notice_before_its_end(settings):
    obj = agreement(signed_on="2024-01-10", start_date="2024-02-01", end_date="2026-06-30")

    assert status_on(obj, "2026-03-31") == "in force"  # 91 days before
    assert status_on(obj, "2026-04-01") == "expiring"  # 90 days before
    assert status_on(obj, "2026-06-30") == "expiring"
    assert status_on(obj, "2026-07-01") == "expired"
    settings.XARXA_AGREEMENT_NOTICE_DAYS = 30
    assert status_on(obj, "2026-04-01") == "in force"


def test_an_agreements_own_notice_overrides_the_installations():
    obj = agreement(signed_on="2024-01-10", end_date="2026-06-30", notice_days=180)

    assert status_on(obj, "2026-01-01") == "expiring"


def test_a_partial_end_is_taken_at_the_close_of_its_span():
    obj = agreement(signed_on="2024", start_date="2024", end_date="2026-06")

    assert status_on(obj, "2026-06-15") == "expiring"
    assert obj.days_left("2026-06-15") == 15
    assert status_on(obj, "2026-07-01") == "expired"


def test_the_extension_moves_the_end():
    obj = agreement(signed_on="2020-01-10", start_date="2020-02-01", end_date="2024-01-31",
                    extended_until="2028-01-31")

    assert obj.effective_end == "2028-01-31"
    assert status_on(obj, "2025-01-01") == "in force"
    assert status_on(obj, "2027-12-01") == "expiring"


def test_an_agreement_another_renews_is_renewed_whatever_its_dates():
    old = agreement(id="old", signed_on="2020", start_date="2020", end_date="2023-12-31")
    agreement(id="new", signed_on="2023-11", start_date="2024", end_date="2027-12-31",
              renews=old)

    assert status_on(old, "2023-12-01") == "renewed"
    assert status_on(old, "2030-01-01") == "renewed"
    assert old.status("2030-01-01") == "renewed"  # without the annotation: one query


def test_an_agreement_without_an_end_stays_in_force():
    obj = agreement(signed_on="2020", start_date="2020")

    assert status_on(obj, "2099-01-01") == "in force"


def test_the_status_filter_finds_the_agreements_of_each_status():
    old = agreement(id="old", signed_on="2020", start_date="2020", end_date="2023-12-31")
    agreement(id="new", signed_on="2023-11", start_date="2024", end_date="2025-02-28",
              renews=old)
    agreement(id="draft", end_date="2030")
    agreement(id="future", signed_on="2024-12", start_date="2025-09", end_date="2027")
    agreement(id="long", signed_on="2024", end_date="2028")
    agreement(id="gone", signed_on="2019", end_date="2021")

    found = {s: set(Agreement.objects.with_status(s, "2025-01-15").values_list("id", flat=True))
             for s in agreement_status.STATUSES}

    assert found == {"draft": {"draft"}, "signed": {"future"}, "in force": {"long"},
                     "expiring": {"new"}, "expired": {"gone"}, "renewed": {"old"}}


# -- The database filters and the rule in Python agree ----------------------------

# The edges of spans (first and last days of months and years) are where a
# partial date's rule can go wrong: drawn often.
EDGES = sorted({d for y in (2024, 2025, 2026) for m in range(1, 13)
                for d in (dt.date(y, m, 1), dt.date(y, m, 1) - dt.timedelta(days=1))})
any_day = st.sampled_from(EDGES) | st.dates(min_value=dt.date(2023, 1, 1),
                                            max_value=dt.date(2027, 12, 31))


def partial_dates() -> st.SearchStrategy[str]:
    return any_day.flatmap(lambda d: st.sampled_from([d.isoformat(), d.isoformat()[:7],
                                                      d.isoformat()[:4]]))


maybe_date = st.none() | partial_dates()
rows = st.fixed_dictionaries({
    "signed_on": maybe_date, "start_date": maybe_date, "end_date": maybe_date,
    "extended_until": st.none() | st.none() | partial_dates(),
    "notice_days": st.none() | st.sampled_from([0, 1, 30, 60, 90, 365]),
    "renews": st.none() | st.integers(min_value=0, max_value=5),
})
as_of_days = any_day


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(made=st.lists(rows, min_size=1, max_size=8), as_of=as_of_days,
       within=st.integers(min_value=0, max_value=800), limit=st.none() | st.sampled_from(EDGES))
def test_the_database_filters_say_what_the_python_rule_says(made, as_of, within, limit):
    if limit is not None and limit >= as_of:
        within = (limit - as_of).days  # a window that closes on the edge of a span
    with transaction.atomic():
        # Set up directly (any dates, in order or not): the filters must
        # agree with the rule on every row, however it came to be.
        for i, values in enumerate(made):
            renews = values["renews"]
            Agreement.objects.create(
                id=f"a{i}", name=f"a{i}", **{k: v for k, v in values.items() if k != "renews"},
                renews_id=f"a{renews}" if renews is not None and renews < i else None)
        agreements = list(Agreement.objects.with_renewed())
        for wanted in agreement_status.STATUSES:
            in_db = set(Agreement.objects.with_status(wanted, as_of).values_list("id", flat=True))
            in_python = {a.pk for a in agreements if a.status(as_of) == wanted}
            assert in_db == in_python, (wanted, as_of)
        in_db = set(Agreement.objects.expiring_within(within, as_of).values_list("id", flat=True))
        in_python = {a.pk for a in agreements if agreement_status.expires_within(
            a.end_date, a.extended_until, within, as_of)}
        assert in_db == in_python, (within, as_of)
        transaction.set_rollback(True)


def test_expiring_within_counts_the_days_from_the_day_asked_about():
    agreement(id="june", signed_on="2025", end_date="2026-06")
    agreement(id="year", signed_on="2025", end_date="2026")

    def within(days: int, day: str) -> set[str]:
        return set(Agreement.objects.expiring_within(days, day).values_list("id", flat=True))

    assert within(29, "2026-06-01") == {"june"}
    assert within(28, "2026-06-01") == set()
    assert within(0, "2026-12-31") == {"year"}
    assert within(10, "2027-01-01") == set()


# -- Ley 40/2015, art. 49 h ---------------------------------------------------------

def test_a_public_bodys_agreement_of_four_years_has_no_warning():
    obj = agreement(public_sector=True, signed_on="2020-03-01", start_date="2020-03-15",
                    end_date="2024-03-15", extended_until="2028-03-15")

    assert obj.warnings() == []


def test_a_term_beyond_four_years_is_warned_about_not_refused():
    obj = agreement(public_sector=True, signed_on="2020-03-01", start_date="2020-03-15",
                    end_date="2024-03-16")

    assert obj.warnings() == ["its term, from 2020-03-15 to 2024-03-16, is longer than the "
                              "four years Ley 40/2015 (art. 49 h) allows"]
    assert Agreement.objects.filter(pk=obj.pk).exists()


def test_partial_dates_are_taken_at_their_widest_for_the_term():
    assert agreement(public_sector=True, start_date="2020", end_date="2023").warnings() == []
    assert len(agreement(public_sector=True, start_date="2020", end_date="2024").warnings()) == 1


def test_an_extension_beyond_four_more_years_is_warned_about():
    obj = agreement(public_sector=True, start_date="2020-01-01", end_date="2023-12-31",
                    extended_until="2028-01-31")

    assert obj.warnings() == ["its extension, from 2023-12-31 to 2028-01-31, is longer than "
                              "the four more years Ley 40/2015 (art. 49 h) allows"]


def test_a_public_bodys_agreement_without_an_end_is_warned_about():
    obj = agreement(public_sector=True, start_date="2020-01-01")

    assert obj.warnings() == ["it has no end date, and an agreement of a Spanish public body "
                              "must have a term of at most four years (Ley 40/2015, art. 49 h)"]


def test_other_agreements_have_no_such_warnings():
    writes.create(Organization, {"id": "isom", "name": "ISOM"}, actor=SETUP)

    assert agreement(start_date="2000", parties=[{"organization_id": "isom"}]).warnings() == []
