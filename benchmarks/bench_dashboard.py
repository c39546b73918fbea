"""The dashboard's figures and the periodic reports (goals: refresh under 300 ms, annual report under 5 s).

``dashboard_refresh`` is what the dashboard computes off the UI thread when it
opens or when someone saved something: every figure and chart of the current
half-year. The generated complaints lie within two years of today, most of
them recent, so the current year is the heaviest period; the annual report is
measured for it (the worst case) and for the past year (what the office makes
in January).
"""

from __future__ import annotations

import datetime as dt

from benchmarks import Context, timed
from klachtenbureau.workflow import periods, reporting, statistics

REPORT_REPEAT = 3  # a report takes about a second: fewer repetitions keep the run short


def run(ctx: Context) -> dict[str, list[float]]:
    today = dt.date.today()
    figures: dict[str, list[float]] = {}
    for name, preset in (("dashboard_refresh", "this_half_year"), ("dashboard_refresh_year", "this_year")):
        period = periods.preset(preset, today)
        figures[name] = timed(lambda p=period: statistics.figures(ctx.user, p), ctx.repeat)
    repeat = min(ctx.repeat, REPORT_REPEAT)
    figures["annual_report"] = timed(lambda: reporting.make(ctx.user, str(today.year)), repeat)
    figures["annual_report_past_year"] = timed(lambda: reporting.make(ctx.user, str(today.year - 1)), repeat)
    half = f"{today.year}H{1 if today.month <= 6 else 2}"
    figures["half_year_report"] = timed(lambda: reporting.make(ctx.user, half), repeat)
    return figures
