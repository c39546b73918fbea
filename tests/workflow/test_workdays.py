"""Dutch working-day calendar, checked against the real calendar for 2025–2027."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klachtenbureau.i18n import set_language
from klachtenbureau.workflow.workdays import WorkCalendar

D = dt.date
CAL = WorkCalendar()
CAL_MAY5 = WorkCalendar(liberation_day_every_year=True)


@pytest.fixture(autouse=True)
def dutch() -> None:
    # Holiday names are asserted in Dutch; another test may have switched language.
    set_language("nl")


def test_holiday_names_follow_the_interface_language() -> None:
    set_language("en")
    try:
        assert CAL.holiday_name(D(2026, 12, 25)) == "Christmas Day"
    finally:
        set_language("nl")


# -- concrete days, checked by hand against Python's calendar module ---------

@pytest.mark.parametrize("day, name", [
    (D(2025, 12, 25), "Eerste kerstdag"),   # Thursday
    (D(2025, 12, 26), "Tweede kerstdag"),   # Friday
    (D(2027, 12, 27), None),                # Monday after Christmas on a weekend: normal day
    (D(2026, 1, 1), "Nieuwjaarsdag"),       # Thursday
    (D(2027, 1, 1), "Nieuwjaarsdag"),       # Friday
    (D(2025, 4, 21), "Tweede paasdag"),
    (D(2026, 4, 6), "Tweede paasdag"),
    (D(2027, 3, 29), "Tweede paasdag"),
    (D(2025, 5, 29), "Hemelvaartsdag"),
    (D(2026, 5, 14), "Hemelvaartsdag"),
    (D(2027, 5, 6), "Hemelvaartsdag"),
    (D(2025, 6, 9), "Tweede pinksterdag"),
    (D(2026, 5, 25), "Tweede pinksterdag"),
    (D(2027, 5, 17), "Tweede pinksterdag"),
    (D(2026, 4, 27), "Koningsdag"),         # Monday
    (D(2027, 4, 27), "Koningsdag"),         # Tuesday
])
def test_public_holiday_on_a_weekday_is_not_a_working_day(day: dt.date, name: str | None) -> None:
    assert CAL.holiday_name(day) == name
    assert CAL.is_working_day(day) is (name is None)


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday() -> None:
    # 27 April 2025 is a Sunday, so Koningsdag is Saturday 26 April.
    assert D(2025, 4, 27).weekday() == 6
    assert CAL.holiday_name(D(2025, 4, 26)) == "Koningsdag"
    assert CAL.holiday_name(D(2025, 4, 27)) is None
    assert CAL.is_working_day(D(2025, 4, 25))  # the Friday before is a normal day
    assert CAL.is_working_day(D(2025, 4, 28))


@pytest.mark.parametrize("good_friday", [D(2025, 4, 18), D(2026, 4, 3), D(2027, 3, 26)])
def test_good_friday_is_a_working_day(good_friday: dt.date) -> None:
    assert good_friday.weekday() == 4
    assert CAL.is_working_day(good_friday)
    assert CAL.holiday_name(good_friday) is None


def test_liberation_day_is_off_in_lustrum_year_2025_only_by_default() -> None:
    assert not CAL.is_working_day(D(2025, 5, 5))   # Monday, 80 years of liberation
    assert CAL.holiday_name(D(2025, 5, 5)) == "Bevrijdingsdag"
    assert CAL.is_working_day(D(2026, 5, 5))       # Tuesday, normal day
    assert CAL.holiday_name(D(2026, 5, 5)) is None
    assert CAL.is_working_day(D(2027, 5, 5))       # Wednesday


def test_liberation_day_option_makes_5_may_a_day_off_every_year() -> None:
    for year in (2025, 2026, 2027):
        assert not CAL_MAY5.is_working_day(D(year, 5, 5))
        assert CAL_MAY5.holiday_name(D(year, 5, 5)) == "Bevrijdingsdag"
    assert CAL_MAY5.is_working_day(D(2026, 5, 6))


def test_office_closing_days_are_not_working_days() -> None:
    bridge_day = D(2026, 5, 15)  # Friday after Ascension Day
    cal = WorkCalendar(closing_days=frozenset({bridge_day, D(2026, 12, 25)}))
    assert CAL.is_working_day(bridge_day)
    assert not cal.is_working_day(bridge_day)
    assert cal.holiday_name(bridge_day) == "Kantoor gesloten"
    # A public holiday keeps its own name even when also entered as closing day.
    assert cal.holiday_name(D(2026, 12, 25)) == "Eerste kerstdag"


def test_closing_days_given_as_list_are_accepted_and_calendar_stays_hashable() -> None:
    cal = WorkCalendar(closing_days=[D(2026, 7, 1)])  # type: ignore[arg-type]
    assert not cal.is_working_day(D(2026, 7, 1))
    assert cal == WorkCalendar(closing_days=frozenset({D(2026, 7, 1)}))
    assert hash(cal) == hash(WorkCalendar(closing_days=frozenset({D(2026, 7, 1)})))


def test_weekend_is_not_a_working_day_and_has_no_name() -> None:
    assert not CAL.is_working_day(D(2026, 3, 7))   # Saturday
    assert not CAL.is_working_day(D(2026, 3, 8))   # Sunday
    assert CAL.holiday_name(D(2026, 3, 7)) is None
    assert CAL.is_working_day(D(2026, 3, 9))       # Monday


def test_next_working_day_skips_christmas_weekend_and_new_year() -> None:
    assert CAL.next_working_day(D(2026, 12, 25)) == D(2026, 12, 28)
    assert CAL.next_working_day(D(2027, 1, 1)) == D(2027, 1, 4)
    assert CAL.next_working_day(D(2026, 12, 24)) == D(2026, 12, 24)


def test_add_working_days_skips_easter_monday() -> None:
    # Thursday 2 April 2026 + 2: Good Friday 3 April (1), Easter Monday skipped, Tue 7 April (2).
    assert CAL.add_working_days(D(2026, 4, 2), 2) == D(2026, 4, 7)


def test_add_working_days_with_zero_is_the_next_working_day() -> None:
    assert CAL.add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)
    assert CAL.add_working_days(D(2026, 3, 7), 0) == D(2026, 3, 9)


def test_add_working_days_refuses_negative_counts() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 3, 4), -1)


def test_working_days_in_a_whole_year_2026() -> None:
    # 261 weekdays in 2026; off on weekdays: 1 Jan, 6 Apr, 27 Apr, 14 May, 25 May,
    # 25 Dec = 6 (26 Dec is a Saturday; 5 May is no day off in 2026).
    assert CAL.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 255
    assert CAL_MAY5.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 254


def test_working_days_between_counts_end_but_not_start() -> None:
    assert CAL.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert CAL.working_days_between(D(2026, 3, 2), D(2026, 3, 3)) == 1
    assert CAL.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1   # Fri -> Mon
    assert CAL.working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == -1


# -- properties --------------------------------------------------------------

dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2031, 12, 31))
calendars = st.builds(
    WorkCalendar,
    liberation_day_every_year=st.booleans(),
    closing_days=st.frozensets(dates, max_size=25),
)


def naive_count(cal: WorkCalendar, start: dt.date, end: dt.date) -> int:
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    d = start + dt.timedelta(days=1)
    while d <= end:
        if d.weekday() < 5 and cal.holiday_name(d) is None and d not in cal.closing_days:
            count += 1
        d += dt.timedelta(days=1)
    return sign * count


@given(calendars, dates, st.integers(min_value=1, max_value=400))
def test_add_working_days_lands_on_a_working_day_after_start(
        cal: WorkCalendar, start: dt.date, n: int) -> None:
    result = cal.add_working_days(start, n)
    assert result > start
    assert cal.is_working_day(result)


@given(calendars, dates, st.integers(min_value=1, max_value=400))
def test_add_working_days_has_exactly_n_working_days_in_between(
        cal: WorkCalendar, start: dt.date, n: int) -> None:
    result = cal.add_working_days(start, n)
    assert naive_count(cal, start, result) == n
    assert cal.working_days_between(start, result) == n


@given(calendars, dates, st.integers(min_value=0, max_value=60))
def test_add_working_days_with_zero_or_more_gives_a_working_day_not_before_start(
        cal: WorkCalendar, start: dt.date, n: int) -> None:
    result = cal.add_working_days(start, n)
    assert result >= start
    assert cal.is_working_day(result)


@given(calendars, dates, dates)
def test_working_days_between_is_antisymmetric(cal: WorkCalendar, a: dt.date, b: dt.date) -> None:
    assert cal.working_days_between(a, b) == -cal.working_days_between(b, a)


@settings(max_examples=300)
@given(calendars, dates, dates)
def test_fast_working_days_between_equals_naive_day_by_day_count(
        cal: WorkCalendar, a: dt.date, b: dt.date) -> None:
    assert cal.working_days_between(a, b) == naive_count(cal, a, b)


@given(calendars, dates)
def test_next_working_day_is_the_first_working_day_from_d(cal: WorkCalendar, d: dt.date) -> None:
    result = cal.next_working_day(d)
    assert cal.is_working_day(result)
    day = d
    while day < result:
        assert not cal.is_working_day(day)
        day += dt.timedelta(days=1)
