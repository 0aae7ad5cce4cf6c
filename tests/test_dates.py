"""Partial dates: what practitioners type, clear refusals, and round-trip/ordering properties."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from genomap.model.dates import PartialDate, PartialDateError, Qualifier

Q = Qualifier


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019-11-03", PartialDate(2019, 11, 3)),
        ("03/11/2019", PartialDate(2019, 11, 3)),  # UK order
        ("3.11.2019", PartialDate(2019, 11, 3)),
        ("3 Nov 2019", PartialDate(2019, 11, 3)),
        ("3rd November 2019", PartialDate(2019, 11, 3)),
        ("November 3, 2019", PartialDate(2019, 11, 3)),
        ("Jun 2018", PartialDate(2018, 6)),
        ("june 2018", PartialDate(2018, 6)),
        ("Sept 2018", PartialDate(2018, 9)),
        ("06/2018", PartialDate(2018, 6)),
        ("2018-06", PartialDate(2018, 6)),
        ("1985", PartialDate(1985)),
        ("  1985 ", PartialDate(1985)),
        ("about 1985", PartialDate(1985, qualifier=Q.ABOUT)),
        ("ABT 1985", PartialDate(1985, qualifier=Q.ABOUT)),
        ("c. 1985", PartialDate(1985, qualifier=Q.ABOUT)),
        ("circa Mar 1985", PartialDate(1985, 3, qualifier=Q.ABOUT)),
        ("~1985", PartialDate(1985, qualifier=Q.ABOUT)),
        ("before 2000", PartialDate(2000, qualifier=Q.BEFORE)),
        ("bef. 2000", PartialDate(2000, qualifier=Q.BEFORE)),
        ("after 12 May 2010", PartialDate(2010, 5, 12, qualifier=Q.AFTER)),
        ("between 2001 and 2003", PartialDate(2001, qualifier=Q.BETWEEN, end=(2003, None, None))),
        ("bet Jan 2001 and Mar 2001", PartialDate(2001, 1, qualifier=Q.BETWEEN, end=(2001, 3, None))),
        ("2001..2003", PartialDate(2001, qualifier=Q.BETWEEN, end=(2003, None, None))),
        ("2001 to 2003", PartialDate(2001, qualifier=Q.BETWEEN, end=(2003, None, None))),
    ],
)
def test_parses_what_practitioners_type(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("31 Feb 2019", "February 2019 has 28 days"),
        ("2019-02-29", "February 2019 has 28 days"),
        ("30/02/2020", "February 2020 has 29 days"),
        ("2019-13-01", "no month 13"),
        ("13/2019", "no month 13"),
        ("2019-04-31", "April 2019 has 30 days"),
        ("between 2005 and 2001", "second date is before the first"),
        ("", "empty"),
        ("   ", "empty"),
        ("next tuesday", "not a date GenoMap understands"),
        ("3 Smarch 2019", "not a month name"),
        ("0999", "out of range"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(text, reason):
    with pytest.raises(PartialDateError) as err:
        PartialDate.parse(text)
    assert reason in str(err.value)


def test_leap_day_is_accepted_in_a_leap_year():
    assert PartialDate.parse("29 Feb 2020") == PartialDate(2020, 2, 29)


def test_printing_is_readable():
    assert str(PartialDate.parse("2019-11-03")) == "3 Nov 2019"
    assert str(PartialDate.parse("about 1985")) == "about 1985"
    assert str(PartialDate.parse("between 2001 and Mar 2003")) == "between 2001 and Mar 2003"


def test_coerce_accepts_dates_text_and_nothing():
    assert PartialDate.coerce(date(2020, 1, 2)) == PartialDate(2020, 1, 2)
    assert PartialDate.coerce("2020") == PartialDate(2020)
    assert PartialDate.coerce("") is None
    assert PartialDate.coerce(None) is None


def test_fuzzy_dates_are_not_definitely_before_each_other():
    about = PartialDate.parse("about 1985")
    assert not about.definitely_before(PartialDate(1986))
    assert not PartialDate(1986).definitely_before(about)
    assert PartialDate(1980).definitely_before(about)
    assert not PartialDate(2019).definitely_before(PartialDate(2019, 6, 1))
    assert PartialDate(2019, 5).definitely_before(PartialDate(2019, 6, 1))


def test_storage_sorts_partial_before_precise_within_the_same_period():
    keys = [PartialDate.parse(t).to_storage() for t in ("2019", "Jan 2019", "2019-01-01", "2019-01-02", "Feb 2019")]
    assert keys == sorted(keys)


# -- properties ------------------------------------------------------------------------

years = st.integers(min_value=1000, max_value=2999)


@st.composite
def ymd(draw):
    year = draw(years)
    month = draw(st.none() | st.integers(1, 12))
    day = None
    if month is not None:
        day = draw(st.none() | st.integers(1, calendar.monthrange(year, month)[1]))
    return year, month, day


@st.composite
def partial_dates(draw, qualifiers=tuple(Qualifier)):
    q = draw(st.sampled_from(qualifiers))
    y, m, d = draw(ymd())
    if q is Qualifier.BETWEEN:
        end = draw(ymd())
        start_first = date(y, m or 1, d or 1)
        ey, em, ed = end
        end_last = date(ey, em or 12, ed or calendar.monthrange(ey, em or 12)[1])
        if end_last < start_first:
            (y, m, d), end = end, (y, m, d)
        return PartialDate(y, m, d, q, end)
    return PartialDate(y, m, d, q)


exact_days = st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31))


@settings(max_examples=200)
@given(partial_dates())
def test_text_round_trip(pd):
    assert PartialDate.parse(str(pd)) == pd


@settings(max_examples=200)
@given(partial_dates())
def test_storage_round_trip(pd):
    assert PartialDate.from_storage(pd.to_storage()) == pd


@settings(max_examples=200)
@given(exact_days, exact_days)
def test_storage_order_is_chronological_for_exact_dates(a, b):
    sa, sb = PartialDate.from_date(a).to_storage(), PartialDate.from_date(b).to_storage()
    assert (sa < sb) == (a < b)
    assert (sa == sb) == (a == b)


@settings(max_examples=200)
@given(partial_dates(qualifiers=(Qualifier.EXACT,)), partial_dates(qualifiers=(Qualifier.EXACT,)))
def test_storage_order_follows_the_anchor_at_any_precision(a, b):
    if a.earliest() < b.earliest():
        assert a.to_storage() < b.to_storage()


@settings(max_examples=200)
@given(partial_dates())
def test_earliest_representative_latest_are_ordered(pd):
    assert pd.earliest() <= pd.representative() <= pd.latest()


def test_reading_a_date_leaves_it_equal_hashable_and_picklable():
    """Derived values are remembered on the instance; that must never change what the date is."""
    import pickle

    for text in ("about 1985", "Jun 2018", "2019-11-03", "between 2001 and 2003", "before 1990", "after 2005"):
        read, fresh = PartialDate.parse(text), PartialDate.parse(text)
        first = (str(read), read.representative(), read.sort_key(), read.earliest(), read.latest())
        assert first == (str(read), read.representative(), read.sort_key(), read.earliest(), read.latest())
        assert first == (str(fresh), fresh.representative(), fresh.sort_key(), fresh.earliest(), fresh.latest())
        assert read == fresh and hash(read) == hash(fresh) and repr(read) == repr(fresh)
        again = pickle.loads(pickle.dumps(read))
        assert again == fresh and str(again) == str(fresh)
        assert PartialDate.from_storage(read.to_storage()) == fresh
