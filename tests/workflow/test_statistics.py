"""The dashboard's figures on a database whose every complaint the test placed in time."""

from __future__ import annotations

import datetime as dt

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Category, Complaint
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import intake, periods, procedure, queries, statistics
from klachtenbureau.workflow.periods import Period
from klachtenbureau.workflow.statistics import ComplaintFilter

TODAY = dt.date(2025, 6, 30)
H1 = periods.half_year(2025, 1)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour))


def register(staff, when: dt.datetime, **fields) -> Complaint:
    fields.setdefault("description", "Klacht over de avond.")
    fields.setdefault("anonymous", True)
    with acting_at(when):
        return intake.register(staff["sanne"], intake.NewReport(received_at=when, **fields))


def handle(staff, complaint: Complaint, steps: list[tuple[str, str]]) -> Complaint:
    """Take ``complaint`` through (step, day) pairs, each step done on its day."""
    petra, ruud = staff["petra"], staff["ruud"]
    calls = {
        "ack": lambda c: procedure.acknowledge(petra, c, "email"),
        "assign": lambda c: procedure.assign(petra, c, ruud),
        "investigate": lambda c: procedure.investigate(ruud, c, "Navraag gedaan."),
        "founded": lambda c: procedure.record_verdict(ruud, c, "founded"),
        "unfounded": lambda c: procedure.record_verdict(ruud, c, "unfounded"),
        "answer": lambda c: procedure.answer(ruud, c, "Ons antwoord."),
        "happy": lambda c: procedure.aftercare(ruud, c, "yes"),
        "unhappy": lambda c: procedure.aftercare(ruud, c, "no"),
        "close": lambda c: procedure.close(petra, c),
    }
    for step, day in steps:
        with acting_at(at(day, 11)):
            complaint = calls[step](complaint)
    return complaint


@pytest.fixture
def office(db, staff) -> dict[str, Complaint]:
    """Six reports in the first half of 2025 and one after it; see each comment for what it counts as."""
    made = {}
    # A: acknowledged and answered on time (3 working days), founded, satisfied.
    made["A"] = handle(staff, register(staff, at("2025-03-03"), category="Niet ophalen", channel="phone", severity=2), [
        ("ack", "2025-03-04"), ("assign", "2025-03-04"), ("investigate", "2025-03-05"), ("founded", "2025-03-05"),
        ("answer", "2025-03-06"), ("happy", "2025-03-12"), ("close", "2025-03-13")])
    # B: acknowledged late (due 5 March) and answered late (due 10 March; 9 working days), unfounded, unhappy.
    made["B"] = handle(staff, register(staff, at("2025-03-03", 10), category="Geluid theaters", channel="post",
                                       severity=3), [
        ("ack", "2025-03-07"), ("assign", "2025-03-07"), ("investigate", "2025-03-10"), ("unfounded", "2025-03-10"),
        ("answer", "2025-03-14"), ("unhappy", "2025-03-20"), ("close", "2025-03-21")])
    # C: never acknowledged or answered: overdue on both counts.
    made["C"] = register(staff, at("2025-04-01"), category="Niet ophalen", channel="email", severity=4)
    # D: an inquiry answered during the call.
    made["D"] = register(staff, at("2025-04-02"), kind="inquiry", channel="phone", resolved_now=True,
                         resolution="Vraag direct beantwoord.", description="Wanneer is de volgende voorstelling?")
    # E: came in on the last Friday; nothing due yet on 30 June.
    made["E"] = register(staff, at("2025-06-27"), category="Geluid theaters", channel="email", severity=1)
    # G: confidential, acknowledged by phone at intake, answer overdue since 19 May.
    made["G"] = register(staff, at("2025-05-12"), channel="phone", severity=2, confidential=True,
                         acknowledgement_method="phone")
    # F: second half of the year, outside the period.
    made["F"] = register(staff, at("2025-07-15"), category="Niet ophalen", channel="phone")
    return made


def numbers(query) -> set[str]:
    return {c.number for c in query}


def test_figures_count_the_period_as_the_director_sees_it(office, staff):
    f = statistics.figures(staff["henk"], H1, today=TODAY)
    assert (f.reports, f.complaints, f.inquiries, f.received) == (6, 5, 1, 5)
    assert (f.open, f.overdue, f.closed) == (3, 2, 2)
    assert (f.ack_on_time, f.ack_due, f.ack_on_time_pct) == (2, 4, 50.0)
    assert (f.answered, f.answered_on_time, f.answer_due, f.answered_on_time_pct) == (2, 1, 4, 25.0)
    assert f.handling_days == {3: 1, 9: 1}
    assert f.median_working_days == 6.0
    assert [(name, n) for _id, name, n in f.by_category] == [
        ("Geluid theaters", 2), ("Niet ophalen", 2), ("Overig", 1)]
    assert f.by_channel == {"phone": 2, "post": 1, "email": 2, "in_person": 0, "volunteer": 0, "website": 0,
                            "social_media": 0}
    assert f.by_month == [(dt.date(2025, 1, 1), 0), (dt.date(2025, 2, 1), 0), (dt.date(2025, 3, 1), 2),
                          (dt.date(2025, 4, 1), 1), (dt.date(2025, 5, 1), 1), (dt.date(2025, 6, 1), 1)]
    assert f.by_severity == {1: 1, 2: 2, 3: 1, 4: 1}
    assert f.verdicts == {"founded": 1, "partly_founded": 0, "unfounded": 1, "undetermined": 0}
    assert f.satisfaction == {"yes": 1, "partly": 0, "no": 1}


def test_a_coordinator_does_not_count_confidential_complaints(office, staff):
    f = statistics.figures(staff["petra"], H1, today=TODAY)
    assert (f.received, f.open, f.overdue) == (4, 2, 1)
    assert f.by_channel["phone"] == 1


def test_the_figures_say_why_the_board_report_and_the_status_bar_count_otherwise(office, staff):
    later = dt.date(2025, 8, 29)  # F (received in July) is overdue by now, outside the period
    f = statistics.figures(staff["petra"], H1, today=later)
    board = statistics.figures(None, H1, today=later)
    assert f.not_shown == 1 and f.received + f.not_shown == board.received  # G, the confidential one
    listed = queries.list_complaints(staff["petra"], overdue=True, today=later).count()  # the slow, plain form
    assert f.overdue_anywhere == statistics.overdue_count(staff["petra"], today=later) == listed == f.overdue + 1
    assert statistics.figures(staff["henk"], H1, today=later).not_shown == 0


def test_all_reports_include_the_inquiry_answered_during_the_call(office, staff):
    f = statistics.figures(staff["henk"], H1, kind=None, today=TODAY)
    assert (f.received, f.answered, f.answered_on_time) == (6, 3, 2)
    assert f.handling_days == {0: 1, 3: 1, 9: 1}
    assert f.median_working_days == 3.0


def test_every_figure_filters_exactly_the_complaints_it_counts(office, staff):
    henk = staff["henk"]
    f = statistics.figures(henk, H1, today=TODAY)
    expect = {
        None: {"A", "B", "C", "E", "G"}, "open": {"C", "E", "G"}, "overdue": {"C", "G"}, "closed": {"A", "B"},
        "ack_on_time": {"A", "G"}, "ack_late": {"B", "C"}, "answered": {"A", "B"},
        "answered_on_time": {"A"}, "answered_late": {"B", "C", "G"},
    }
    for group, letters in expect.items():
        query = statistics.filter_query(f.filter(status_group=group), henk, TODAY)
        assert numbers(query) == {office[x].number for x in letters}, group
    assert statistics.filter_query(f.filter(status_group="overdue"), henk, TODAY).count() == f.overdue


def test_bars_filter_by_category_channel_month_severity_verdict_and_satisfaction(office, staff):
    henk = staff["henk"]
    f = statistics.figures(henk, H1, today=TODAY)
    geluid = Category.get(Category.name == "Geluid theaters").id
    cases = [({"category_id": geluid}, {"B", "E"}), ({"channel": "email"}, {"C", "E"}),
             ({"month": dt.date(2025, 3, 1)}, {"A", "B"}), ({"severity": 2}, {"A", "G"}),
             ({"verdict": "unfounded"}, {"B"}), ({"satisfaction": "yes"}, {"A"})]
    for choice, letters in cases:
        assert numbers(statistics.filter_query(f.filter(**choice), henk, TODAY)) == {
            office[x].number for x in letters}, choice


def test_filter_keeps_to_what_the_user_may_see(office, staff):
    f = ComplaintFilter(H1, status_group="overdue")
    assert numbers(statistics.filter_query(f, staff["petra"], TODAY)) == {office["C"].number}


def test_filter_describes_itself_in_dutch(office, staff):
    niet_ophalen = Category.get(Category.name == "Niet ophalen").id
    text = statistics.describe(ComplaintFilter(H1, category_id=niet_ophalen, channel="post",
                                               status_group="answered_late"))
    assert text == "Klachten ontvangen in 1e halfjaar 2025, categorie Niet ophalen, via post, te laat beantwoord"


def test_empty_period_has_no_median_and_no_percentages(db, staff):
    f = statistics.figures(staff["henk"], periods.year_period(2020), today=TODAY)
    assert (f.received, f.median_working_days, f.ack_on_time_pct, f.answered_on_time_pct) == (0, None, None, None)
    assert len(f.by_month) == 12 and all(n == 0 for _m, n in f.by_month)


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026H1", "2026-01-01", "2026-06-30", "1e halfjaar 2026"),
    (" 2026h2 ", "2026-07-01", "2026-12-31", "2e halfjaar 2026"),
    ("2026", "2026-01-01", "2026-12-31", "2026"),
    ("2026-03-01..2026-05-31", "2026-03-01", "2026-05-31", "1 maart 2026 – 31 mei 2026"),
])
def test_periods_from_the_command_line(text, start, end, label):
    period = periods.parse_period(text)
    assert (period.start.isoformat(), period.end.isoformat(), period.label()) == (start, end, label)
    assert periods.parse_period(period.code) == period


@pytest.mark.parametrize("text", ["2026Q1", "26H1", "2026H3", "2026-05-31..2026-03-01", ""])
def test_unknown_periods_are_refused_in_dutch(text):
    with pytest.raises(ValidationError) as info:
        periods.parse_period(text)
    assert "period" in info.value.errors


def test_presets():
    today = dt.date(2026, 3, 15)
    assert periods.preset("this_half_year", today) == periods.half_year(2026, 1)
    assert periods.preset("last_half_year", today) == periods.half_year(2025, 2)
    assert periods.preset("last_year", today) == periods.year_period(2025)


def test_a_year_earlier_is_the_same_stretch_of_the_calendar():
    """What the board reports compare with: the seasons line up."""
    assert periods.half_year(2026, 1).year_earlier() == periods.half_year(2025, 1)
    assert periods.half_year(2026, 2).year_earlier() == periods.half_year(2025, 2)
    assert periods.year_period(2026).year_earlier() == periods.year_period(2025)
    assert Period(dt.date(2028, 2, 1), dt.date(2028, 2, 29)).year_earlier() == Period(dt.date(2027, 2, 1),
                                                                                      dt.date(2027, 2, 28))


def test_median_and_percentile_of_a_distribution():
    assert statistics.median({2: 3}) == 2.0
    assert statistics.median({1: 1, 4: 1}) == 2.5
    assert statistics.median({0: 1, 5: 2, 9: 1}) == 5.0
    assert statistics.percentile({1: 9, 30: 1}, 0.9) == 1
    assert statistics.percentile({1: 8, 30: 2}, 0.9) == 30
    assert statistics.median({}) is None and statistics.percentile({}, 0.9) is None
