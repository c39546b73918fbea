"""The working-day calendar on its own, as the dashboards use it for every open complaint.

100,000 dates spread over ten years: is each a working day, and how many working days lie between it and
mid-2030. A fresh calendar per repetition, so its per-year cache of days off is filled inside the timing
(a naive day-by-day loop takes minutes). Needs nothing from the generated database. Moved here from
``tests/workflow/test_workdays.py``, where it was a timing assertion.
"""

from __future__ import annotations

import datetime as dt

from benchmarks import Context, timed
from klachtenbureau.workflow.workdays import WorkCalendar

D = dt.date
DAYS = [D(2020, 1, 1) + dt.timedelta(days=i % 3650) for i in range(100_000)]


def _calendar() -> WorkCalendar:
    return WorkCalendar(liberation_day_every_year=True, closing_days=frozenset({D(2026, 5, 15)}))


def _checks() -> int:
    cal = _calendar()
    return sum(cal.is_working_day(d) for d in DAYS)


def _counts() -> int:
    cal = _calendar()
    return sum(cal.working_days_between(d, D(2030, 6, 1)) for d in DAYS)


def run(ctx: Context) -> dict[str, list[float]]:
    assert 0 < _checks() < len(DAYS) and _counts() > 0, "the calendar should find working and other days"
    return {
        f"workdays_{len(DAYS)}_is_working_day": timed(_checks, ctx.repeat),
        f"workdays_{len(DAYS)}_working_days_until_2030": timed(_counts, ctx.repeat),
    }
