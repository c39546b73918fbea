"""The dashboard's figures and the periodic reports (goals: refresh under 300 ms, annual report under 5 s).

``dashboard_refresh`` is what the dashboard computes off the UI thread when it
opens or when someone saved something: every figure and chart of the current
half-year. The generated complaints lie within two years of today, most of
them recent, so the current year is the heaviest period; the annual report is
measured for it (the worst case) and for the past year (what the office makes
in January). ``dashboard_refresh_raw_sql`` is the same half-year counted from
the complaints themselves in hand-written SQL (``raw_figures``), apart from the
counts the database keeps per day (models/day_tally.py) that the dashboard
reads: what counting without them costs (2.5 s at a million), and, in
tests/test_benchmark_twins_dashboard.py, the independent check that the kept
counts give the dashboard's answers. It is no longer the quicker of the two.
"""

from __future__ import annotations

import datetime as dt

from benchmarks import Context, timed
from klachtenbureau.models import User, database, db
from klachtenbureau.models.complaints import CHANNELS, SATISFACTION, SEVERITIES, VERDICTS
from klachtenbureau.workflow import periods, permissions, reporting, settings, statistics

REPORT_REPEAT = 3  # a report takes about a second: fewer repetitions keep the run short


def run(ctx: Context) -> dict[str, list[float]]:
    today = dt.date.today()
    figures: dict[str, list[float]] = {}
    for name, preset in (("dashboard_refresh", "this_half_year"), ("dashboard_refresh_year", "this_year")):
        period = periods.preset(preset, today)
        figures[name] = timed(lambda p=period: statistics.figures(ctx.user, p), ctx.repeat)
        if name == "dashboard_refresh":
            figures["dashboard_refresh_raw_sql"] = timed(lambda p=period: raw_figures(ctx.user, p, today), ctx.repeat)
    repeat = min(ctx.repeat, REPORT_REPEAT)
    figures["annual_report"] = timed(lambda: reporting.make(ctx.user, str(today.year)), repeat)
    figures["annual_report_past_year"] = timed(lambda: reporting.make(ctx.user, str(today.year - 1)), repeat)
    half = f"{today.year}H{1 if today.month <= 6 else 2}"
    figures["half_year_report"] = timed(lambda: reporting.make(ctx.user, half), repeat)
    return figures


def raw_figures(user: User, period: periods.Period, today: dt.date) -> dict[str, object]:
    """The dashboard's figures of complaints in ``period`` as ``user`` sees them, in hand-written SQL.

    The twin of ``statistics.figures``, written apart from it (its own SQL on the DB-API cursor; only the rules
    of who sees what, the office's calendar and the codes come from the application) so that the benchmark
    shows what the database itself needs and a test can hold the two to the same answers.
    """
    sqlite = database.is_sqlite()
    cursor = db.connection().cursor()
    mark = "?" if sqlite else "%s"

    def rows(sql: str, *params: object) -> list[tuple]:
        cursor.execute(sql.replace("?", mark), params)
        return cursor.fetchall()

    def day(column: str) -> str:
        return f"substr({column}, 1, 10)" if sqlite else f"CAST({column} AS DATE)"

    start, end = (f"{d.isoformat()} 00:00:00" for d in (period.start, period.end + dt.timedelta(days=1)))
    now = today.isoformat()
    involved = f"(received_by_id = {int(user.id)} OR assigned_to_id = {int(user.id)})"
    sees_confidential, sees_ordinary = permissions.sees_all_confidential(user), permissions.sees_all_ordinary(user)
    seen = ("1 = 0" if not user.active else "1 = 1" if sees_confidential and sees_ordinary
            else f"(confidential OR {involved})" if sees_confidential
            else f"(NOT confidential OR {involved})" if sees_ordinary else involved)
    where = f"received_at >= ? AND received_at < ? AND {seen}"
    unanswered = "answered_at IS NULL AND status <> 'closed'"
    term_passed = "answer_by < ? AND waiting_for <> 'complainant'"
    overdue = f"{unanswered} AND (({term_passed}) OR (acknowledged_at IS NULL AND acknowledge_by < ?))"
    is_open = "status IN ('new', 'acknowledged', 'in_progress', 'answered', 'escalated')"

    def counted(condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE kind = 'complaint' AND {condition})"

    names = ("reports", "complaints", "inquiries", "received", "open", "overdue", "closed", "ack_on_time",
             "answered", "answered_on_time", "ack_due", "answer_due")
    totals = rows(f"""
        SELECT COUNT(*), COUNT(*) FILTER (WHERE kind = 'complaint'), COUNT(*) FILTER (WHERE kind = 'inquiry'),
               {counted("1 = 1")}, {counted(is_open)}, {counted(overdue)}, {counted("status = 'closed'")},
               {counted(f"{day('acknowledged_at')} <= acknowledge_by")}, {counted("answered_at IS NOT NULL")},
               {counted(f"{day('answered_at')} <= answer_by")},
               {counted("(acknowledged_at IS NOT NULL OR acknowledge_by < ?)")},
               {counted(f"(answered_at IS NOT NULL OR (status <> 'closed' AND {term_passed}))")}
        FROM complaint WHERE {where}""", now, now, now, now, start, end)[0]
    found: dict[str, object] = {name: int(n or 0) for name, n in zip(names, totals, strict=True)}

    dimensions: list[dict] = [{}, {}, {}, {}, {}]
    for *keys, n in rows(f"""
            SELECT category_id, channel, severity, verdict, satisfaction, COUNT(*) FROM complaint
            WHERE {where} AND kind = 'complaint' GROUP BY category_id, channel, severity, verdict, satisfaction""",
                         start, end):
        for counts, key in zip(dimensions, keys, strict=True):
            counts[key] = counts.get(key, 0) + n
    names_of = dict(rows("SELECT id, name FROM category"))
    found["by_category"] = sorted(((cid, names_of[cid], n) for cid, n in dimensions[0].items()),
                                  key=lambda row: (-row[2], row[1].lower()))
    for name, counts, codes in zip(("by_channel", "by_severity", "verdicts", "satisfaction"), dimensions[1:],
                                   (CHANNELS, SEVERITIES, VERDICTS, SATISFACTION), strict=True):
        found[name] = {code: counts.get(code, 0) for code in codes}

    months: dict[str, int] = {}
    handling: dict[int, int] = {}
    calendar = settings.calendar()
    for received, answered, n in rows(f"""
            SELECT {day('received_at')} AS received, {day('answered_at')} AS answered, COUNT(*) FROM complaint
            WHERE {where} AND kind = 'complaint' GROUP BY received, answered""", start, end):
        received = dt.date.fromisoformat(str(received))
        months[received.strftime("%Y-%m")] = months.get(received.strftime("%Y-%m"), 0) + n
        if answered is not None:
            days = max(0, calendar.working_days_between(received, dt.date.fromisoformat(str(answered))))
            handling[days] = handling.get(days, 0) + n
    found["by_month"] = [(m, months.get(m.strftime("%Y-%m"), 0)) for m in period.months()]
    found["handling_days"] = handling
    found["median_working_days"] = _median(handling)

    everything = rows("SELECT COUNT(*) FROM complaint WHERE received_at >= ? AND received_at < ? "
                      "AND kind = 'complaint'", start, end)[0][0]
    found["not_shown"] = everything - found["received"]
    found["overdue_anywhere"] = rows(f"SELECT COUNT(*) FROM complaint WHERE {is_open} AND {overdue} AND {seen}",
                                     now, now)[0][0]
    return found


def _median(counts: dict[int, int]) -> float | None:
    values = [days for days, n in sorted(counts.items()) for _ in range(n)]
    if not values:
        return None
    middle = len(values) // 2
    return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
