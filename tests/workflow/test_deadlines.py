"""Deadline profiles, checked against hand-counted dates in 2026–2027."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import set_language
from klachtenbureau.workflow.deadlines import (
    AWB, KLACHTENREGELING, PROFILES, WKKGZ, acknowledge_by, aftercare_by, answer_by, answer_by_after_pause,
    check_extension, check_new_term, days_left_at_pause, get_profile, latest_extension, latest_new_term,
    proposed_extension, working_days_left,
)
from klachtenbureau.workflow.workdays import WorkCalendar

D = dt.date
CAL = WorkCalendar()
DEFAULT = PROFILES[KLACHTENREGELING]


@pytest.fixture(autouse=True)
def dutch() -> None:
    # Messages are asserted in Dutch; another test may have switched language.
    set_language("nl")


# -- profiles ----------------------------------------------------------------

def test_profiles_are_listed_in_settings_order() -> None:
    assert list(PROFILES) == [KLACHTENREGELING, WKKGZ, AWB]
    assert all(code == p.code for code, p in PROFILES.items())


def test_each_profile_has_exactly_one_kind_of_answer_term() -> None:
    for p in PROFILES.values():
        assert (p.answer_working_days is None) != (p.answer_weeks is None), p.code


def test_unknown_profile_is_a_validation_error_on_the_profile_field() -> None:
    assert get_profile(WKKGZ) is PROFILES[WKKGZ]
    with pytest.raises(ValidationError) as exc:
        get_profile("nbtc")
    assert set(exc.value.errors) == {"deadline_profile"}
    assert "nbtc" in exc.value.errors["deadline_profile"]


# -- default profile: working days --------------------------------------------

def test_acknowledgement_due_skips_christmas() -> None:
    # Received Wednesday 23 Dec 2026. Counting working days after receipt:
    # Thu 24 Dec (1); Fri 25 Dec Eerste kerstdag, Sat 26 Tweede kerstdag, Sun 27 skipped;
    # Mon 28 Dec (2).
    assert acknowledge_by(D(2026, 12, 23), DEFAULT, CAL) == D(2026, 12, 28)


def test_answer_due_under_default_profile_counts_five_working_days_over_christmas() -> None:
    # Received Wednesday 23 Dec 2026: Thu 24 (1), [25, 26, 27 off], Mon 28 (2),
    # Tue 29 (3), Wed 30 (4), Thu 31 Dec (5). New Year (Fri 1 Jan 2027) is not reached.
    assert answer_by(D(2026, 12, 23), DEFAULT, CAL) == D(2026, 12, 31)


def test_answer_due_under_default_profile_moves_when_office_closes_between_the_years() -> None:
    closed = frozenset({D(2026, 12, 28), D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)})
    cal = WorkCalendar(closing_days=closed)
    # Thu 24 Dec (1), everything up to and including Sun 3 Jan off, Mon 4 Jan (2) ...
    assert acknowledge_by(D(2026, 12, 23), DEFAULT, cal) == D(2027, 1, 4)
    # ... Tue 5 (3), Wed 6 (4), Thu 7 Jan 2027 (5).
    assert answer_by(D(2026, 12, 23), DEFAULT, cal) == D(2027, 1, 7)


def test_acknowledgement_of_complaint_received_on_saturday() -> None:
    # Sat 7 Mar 2026: Mon 9 (1), Tue 10 (2).
    assert acknowledge_by(D(2026, 3, 7), DEFAULT, CAL) == D(2026, 3, 10)


# -- week profiles -------------------------------------------------------------

def test_wkkgz_answer_due_six_weeks_after_receipt_on_a_normal_day() -> None:
    # Mon 2 Nov 2026 + 42 days = Mon 14 Dec 2026.
    assert answer_by(D(2026, 11, 2), PROFILES[WKKGZ], CAL) == D(2026, 12, 14)


def test_wkkgz_six_weeks_landing_on_christmas_moves_to_next_working_day() -> None:
    # Fri 13 Nov 2026 + 6 weeks = Fri 25 Dec (Eerste kerstdag); 26 and 27 Dec off too.
    assert answer_by(D(2026, 11, 13), PROFILES[WKKGZ], CAL) == D(2026, 12, 28)


def test_wkkgz_six_weeks_landing_on_a_saturday_moves_to_monday() -> None:
    # Received Sat 7 Mar 2026 (e-mail) + 6 weeks = Sat 18 Apr 2026 -> Mon 20 Apr.
    assert answer_by(D(2026, 3, 7), PROFILES[WKKGZ], CAL) == D(2026, 4, 20)


def test_wkkgz_six_weeks_landing_on_easter_monday_moves_to_tuesday() -> None:
    # Mon 15 Feb 2027 + 6 weeks = Mon 29 Mar 2027 (Tweede paasdag) -> Tue 30 Mar.
    assert answer_by(D(2027, 2, 15), PROFILES[WKKGZ], CAL) == D(2027, 3, 30)


def test_wkkgz_six_weeks_landing_on_good_friday_stays_on_good_friday() -> None:
    # Fri 12 Feb 2027 + 6 weeks = Fri 26 Mar 2027, Goede Vrijdag: a working day.
    assert answer_by(D(2027, 2, 12), PROFILES[WKKGZ], CAL) == D(2027, 3, 26)


def test_wkkgz_ignores_advisory_committee() -> None:
    assert answer_by(D(2026, 11, 2), PROFILES[WKKGZ], CAL, advisory_committee=True) \
        == D(2026, 12, 14)


def test_awb_answer_due_six_weeks_without_committee_and_ten_weeks_with_committee() -> None:
    # Wed 3 Feb 2027 + 42 days = Wed 17 Mar 2027; + 70 days = Wed 14 Apr 2027.
    assert answer_by(D(2027, 2, 3), PROFILES[AWB], CAL) == D(2027, 3, 17)
    assert answer_by(D(2027, 2, 3), PROFILES[AWB], CAL, advisory_committee=True) \
        == D(2027, 4, 14)


def test_awb_ten_weeks_with_committee_landing_on_kings_day_moves_a_day() -> None:
    # Tue 16 Feb 2027 + 70 days = Tue 27 Apr 2027 (Koningsdag) -> Wed 28 Apr.
    assert answer_by(D(2027, 2, 16), PROFILES[AWB], CAL, advisory_committee=True) \
        == D(2027, 4, 28)


def test_week_term_landing_on_liberation_day_depends_on_the_option() -> None:
    # Tue 24 Mar 2026 + 6 weeks = Tue 5 May 2026: normal day unless 5 May is off every year.
    assert answer_by(D(2026, 3, 24), PROFILES[WKKGZ], CAL) == D(2026, 5, 5)
    may5 = WorkCalendar(liberation_day_every_year=True)
    assert answer_by(D(2026, 3, 24), PROFILES[WKKGZ], may5) == D(2026, 5, 6)


@given(st.sampled_from(list(PROFILES.values())),
       st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
       st.booleans(), st.booleans())
def test_deadlines_are_working_days_after_receipt_and_answer_not_before_acknowledgement(
        profile, received: dt.date, committee: bool, may5: bool) -> None:
    cal = WorkCalendar(liberation_day_every_year=may5)
    ack = acknowledge_by(received, profile, cal)
    ans = answer_by(received, profile, cal, advisory_committee=committee)
    assert received < ack <= ans
    assert cal.is_working_day(ack) and cal.is_working_day(ans)


# -- extensions ----------------------------------------------------------------

WKKGZ_DUE = D(2026, 12, 14)   # Monday


def errors_of(**kwargs) -> dict[str, str]:
    args = dict(profile=PROFILES[WKKGZ], current_answer_by=WKKGZ_DUE,
                new_answer_by=WKKGZ_DUE + dt.timedelta(weeks=2), extensions_so_far=0,
                reason="Wachten op verslag van de behandelaar", complainant_informed=True, cal=CAL)
    args.update(kwargs)
    with pytest.raises(ValidationError) as exc:
        check_extension(**args)
    return exc.value.errors


def test_wkkgz_extension_of_four_weeks_is_accepted() -> None:
    # Mon 14 Dec 2026 + 4 weeks = Mon 11 Jan 2027, exactly the maximum.
    assert latest_extension(PROFILES[WKKGZ], WKKGZ_DUE, CAL) == D(2027, 1, 11)
    assert check_extension(PROFILES[WKKGZ], WKKGZ_DUE, D(2027, 1, 11), 0,
                           "Wachten op verslag van de behandelaar", True, CAL) is None


def test_wkkgz_extension_of_five_weeks_is_refused() -> None:
    errors = errors_of(new_answer_by=D(2027, 1, 18))
    assert set(errors) == {"new_answer_by"}
    assert "4 weken" in errors["new_answer_by"]
    assert "11 januari 2027" in errors["new_answer_by"]


def test_wkkgz_extension_one_day_beyond_four_weeks_is_refused() -> None:
    assert set(errors_of(new_answer_by=D(2027, 1, 12))) == {"new_answer_by"}


def test_wkkgz_second_extension_is_refused() -> None:
    errors = errors_of(extensions_so_far=1)
    assert errors == {
        "new_answer_by": "Volgens de Wkkgz mag de termijn maar één keer worden verlengd.",
    }


def test_awb_second_extension_is_refused_naming_the_awb() -> None:
    errors = errors_of(profile=PROFILES[AWB], extensions_so_far=1)
    assert errors["new_answer_by"] == "Volgens de Awb mag de termijn maar één keer worden verlengd."


def test_extension_without_reason_is_refused() -> None:
    assert set(errors_of(reason="   ")) == {"reason"}
    assert set(errors_of(reason="")) == {"reason"}


def test_extension_without_informing_the_complainant_is_refused() -> None:
    errors = errors_of(complainant_informed=False)
    assert set(errors) == {"complainant_informed"}
    assert "schriftelijk" in errors["complainant_informed"]
    errors = errors_of(profile=DEFAULT, complainant_informed=False)
    assert errors == {"complainant_informed": "De klager moet over het uitstel worden bericht."}


def test_extension_to_a_date_not_after_the_current_deadline_is_refused() -> None:
    assert set(errors_of(new_answer_by=WKKGZ_DUE)) == {"new_answer_by"}
    assert set(errors_of(new_answer_by=WKKGZ_DUE - dt.timedelta(days=3))) == {"new_answer_by"}


def test_extension_reports_every_problem_at_once() -> None:
    errors = errors_of(extensions_so_far=1, reason="", complainant_informed=False)
    assert set(errors) == {"new_answer_by", "reason", "complainant_informed"}


def test_default_profile_allows_repeated_and_long_extensions() -> None:
    assert DEFAULT.max_extensions is None and latest_extension(DEFAULT, D(2026, 12, 31), CAL) is None
    assert check_extension(DEFAULT, D(2026, 12, 31), D(2027, 3, 31), 3, "Onderzoek loopt nog", True, CAL) is None


def test_extension_to_a_day_off_is_refused_with_its_name() -> None:
    errors = errors_of(profile=DEFAULT, current_answer_by=D(2026, 12, 11), new_answer_by=D(2026, 12, 25))
    assert errors == {"new_answer_by": "Op vrijdag 25 december 2026 wordt niet gewerkt (Eerste kerstdag); "
                                       "kies een werkdag."}
    assert "(weekend)" in errors_of(profile=DEFAULT, new_answer_by=D(2026, 12, 27))["new_answer_by"]
    closed = WorkCalendar(closing_days=[D(2026, 12, 31)])
    assert "Kantoor gesloten" in errors_of(profile=DEFAULT, new_answer_by=D(2026, 12, 31), cal=closed)["new_answer_by"]


def test_extension_is_proposed_on_a_working_day_within_the_maximum() -> None:
    assert proposed_extension(DEFAULT, D(2026, 12, 11), CAL) == D(2026, 12, 28)  # not Christmas: the Monday after
    assert proposed_extension(DEFAULT, D(2026, 12, 14), CAL) == D(2026, 12, 28)
    assert latest_extension(DEFAULT, D(2026, 12, 14), CAL) is None
    # Wkkgz: at most four weeks; a maximum on New Year's Day runs on to the next working day
    assert latest_extension(PROFILES[WKKGZ], D(2026, 12, 4), CAL) == D(2027, 1, 4)
    assert check_extension(PROFILES[WKKGZ], D(2026, 12, 4), D(2027, 1, 4), 0, "Wachten op advies", True, CAL) is None
    assert "4 januari 2027" in errors_of(current_answer_by=D(2026, 12, 4), new_answer_by=D(2027, 1, 5))[
        "new_answer_by"]


# -- days left -----------------------------------------------------------------

def test_working_days_left_is_zero_on_due_date_and_negative_when_overdue() -> None:
    due = D(2026, 12, 31)  # Thursday
    assert working_days_left(due, D(2026, 12, 31), CAL) == 0
    assert working_days_left(due, D(2026, 12, 23), CAL) == 5   # 24, 28, 29, 30, 31
    assert working_days_left(due, D(2027, 1, 4), CAL) == -1    # 1 Jan and weekend skipped
    assert working_days_left(due, D(2027, 1, 6), CAL) == -3


# -- the clock that stops while waiting for the complainant -------------------------------------------------------

@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
       st.integers(min_value=0, max_value=40), st.booleans())
def test_resuming_gives_exactly_the_working_days_that_were_left_and_never_a_date_before_the_resume(
        resumed: dt.date, left: int, may5: bool) -> None:
    cal = WorkCalendar(liberation_day_every_year=may5)
    due = answer_by_after_pause(resumed, left, cal)
    assert due >= resumed and cal.is_working_day(due)
    if left:
        assert cal.working_days_between(resumed, due) == left
    else:  # nothing left: due the day the reply comes, or the first working day after a day off
        assert due == cal.next_working_day(resumed)


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)),
       st.integers(min_value=-30, max_value=60), st.integers(min_value=0, max_value=90))
def test_pausing_and_resuming_keeps_the_days_left_and_a_late_one_keeps_none(
        paused: dt.date, offset: int, waited: int) -> None:
    due = CAL.next_working_day(paused + dt.timedelta(days=offset))
    left = days_left_at_pause(due, paused, CAL)
    assert left == max(0, working_days_left(due, paused, CAL))
    assert (left == 0) == (due <= paused or CAL.working_days_between(paused, due) <= 0)
    resumed = paused + dt.timedelta(days=waited)
    new_due = answer_by_after_pause(resumed, left, CAL)
    assert new_due >= resumed
    if left:
        assert new_due >= due  # waiting never shortens a term that still ran
        assert CAL.working_days_between(resumed, new_due) == left


def test_paused_on_a_wednesday_with_three_days_left_resumes_over_christmas() -> None:
    assert days_left_at_pause(D(2026, 12, 14), D(2026, 12, 9), CAL) == 3  # Thu 10, Fri 11, Mon 14
    # resumed Wed 23 Dec: Thu 24, [25, 26, 27 off], Mon 28, Tue 29
    assert answer_by_after_pause(D(2026, 12, 23), 3, CAL) == D(2026, 12, 29)
    assert answer_by_after_pause(D(2026, 12, 26), 0, CAL) == D(2026, 12, 28)  # on a day off: the next working day


# -- aftercare and the term of a new level --------------------------------------------------------------------------

def test_aftercare_is_due_working_days_after_the_answer() -> None:
    # Fri 18 Dec: 21, 22, 23, 24, [Christmas, weekend] 28, 29, 30, 31, [New Year, weekend] 4, 5 January
    assert aftercare_by(D(2026, 12, 18), 10, CAL) == D(2027, 1, 5)


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)), st.sampled_from(list(PROFILES.values())))
def test_the_profiles_term_from_the_escalation_day_is_always_allowed_and_a_day_earlier_never(
        start: dt.date, profile) -> None:
    earliest, latest = answer_by(start, profile, CAL, True), latest_new_term(start, CAL)
    check_new_term(earliest, earliest, latest, CAL)
    check_new_term(latest, earliest, latest, CAL)
    with pytest.raises(ValidationError):
        check_new_term(earliest - dt.timedelta(days=1), earliest, latest, CAL)
    with pytest.raises(ValidationError):
        check_new_term(latest + dt.timedelta(days=1), earliest, latest, CAL)
