"""The figures of the dashboard and the periodic reports for a period, from the counts the database keeps per day of
receipt (models/day_tally.py).

Every figure counts the reports *received* in the period, as they stand
today: "open" is how many of them are still open now. Each figure and each
bar of a chart has a :class:`ComplaintFilter` that selects exactly the
complaints it counts, so a click can open the inbox on them
(:func:`condition` for the inbox's own query, :func:`filter_query` for a
plain one). Visibility follows ``queries.visible_to``: a coordinator's
dashboard does not count confidential complaints they may not see.

Handling time is counted in working days from receipt to answer with the
office's calendar. The kept counts give (received day, answered day, count)
pairs rather than one row per complaint, so 100,000 complaints cost a few
thousand calendar look-ups.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import N_, _, format_date
from klachtenbureau.models import Category, Complaint, User
from klachtenbureau.models.complaints import (
    CHANNELS, CLOSED, COMPLAINT, INQUIRY, KINDS, OPEN_STATUSES, SATISFACTION, SEVERITIES, VERDICTS, WAITING_COMPLAINANT,
)
from klachtenbureau.models.database import is_sqlite
from klachtenbureau.models.day_tally import ComplaintDayTally
from klachtenbureau.workflow import settings
from klachtenbureau.workflow.periods import Period, next_month
from klachtenbureau.workflow.queries import is_overdue, visibility, visible_to
from klachtenbureau.workflow.workdays import WorkCalendar

# What a figure on the dashboard selects, besides the period and the other choices.
STATUS_GROUPS: dict[str, str] = {
    "open": N_("nog open"),
    "closed": N_("afgesloten"),
    "overdue": N_("nu te laat"),
    "ack_on_time": N_("ontvangst op tijd bevestigd"),
    "ack_late": N_("ontvangst te laat bevestigd"),
    "answered": N_("beantwoord"),
    "answered_on_time": N_("op tijd beantwoord"),
    "answered_late": N_("te laat beantwoord"),
}


@dataclasses.dataclass(frozen=True)
class ComplaintFilter:
    """Which complaints one figure or one bar counts; the inbox can show exactly those."""

    period: Period
    kind: str | None = COMPLAINT  # None: complaints and inquiries
    category_id: int | None = None
    channel: str | None = None
    severity: int | None = None
    month: dt.date | None = None  # first day of the month
    status_group: str | None = None
    verdict: str | None = None
    satisfaction: str | None = None


def _day(field: peewee.Field) -> peewee.Node:
    """The date part of a datetime column; on SQLite a cheap slice of the stored 'YYYY-MM-DD HH:MM:SS' text."""
    return peewee.fn.substr(field, 1, 10) if is_sqlite() else peewee.fn.DATE(field)


def _answer_term_passed(today: dt.date) -> peewee.Node:
    """The answer date has passed and the clock runs: a stopped clock (waiting for the complainant) is never late."""
    return (Complaint.answer_by < today) & (Complaint.waiting_for != WAITING_COMPLAINANT)


def status_condition(group: str, today: dt.date) -> peewee.Node:
    """The WHERE condition of one of STATUS_GROUPS."""
    acknowledged = Complaint.acknowledged_at.is_null(False)
    answered = Complaint.answered_at.is_null(False)
    conditions = {
        "open": Complaint.status.in_(OPEN_STATUSES),
        "closed": Complaint.status == CLOSED,
        "overdue": is_overdue(today),
        "ack_on_time": acknowledged & (_day(Complaint.acknowledged_at) <= Complaint.acknowledge_by),
        "ack_late": ((acknowledged & (_day(Complaint.acknowledged_at) > Complaint.acknowledge_by))
                     | (~acknowledged & (Complaint.acknowledge_by < today))),
        "answered": answered,
        "answered_on_time": answered & (_day(Complaint.answered_at) <= Complaint.answer_by),
        "answered_late": ((answered & (_day(Complaint.answered_at) > Complaint.answer_by))
                          | (~answered & (Complaint.status != CLOSED) & _answer_term_passed(today))),
    }
    if group not in conditions:
        raise ValidationError({"status_group": _("Onbekende selectie {name}.").format(name=group)})
    return conditions[group]


def received_in(period: Period) -> peewee.Node:
    start, end = period.bounds()
    return (Complaint.received_at >= start) & (Complaint.received_at < end)


def condition(f: ComplaintFilter, today: dt.date | None = None) -> peewee.Node:
    """The WHERE condition that selects the complaints of ``f`` (without visibility)."""
    today = today or dt.date.today()
    node = received_in(f.period)
    if f.kind is not None:
        if f.kind not in KINDS:
            raise ValidationError({"kind": _("Kies klacht of navraag.")})
        node &= Complaint.kind == f.kind
    if f.category_id is not None:
        node &= Complaint.category == f.category_id
    if f.channel is not None:
        node &= Complaint.channel == f.channel
    if f.severity is not None:
        node &= Complaint.severity == f.severity
    if f.month is not None:
        start = dt.datetime.combine(f.month.replace(day=1), dt.time())
        node &= (Complaint.received_at >= start) & (
            Complaint.received_at < dt.datetime.combine(next_month(start.date()), dt.time()))
    if f.status_group is not None:
        node &= status_condition(f.status_group, today)
    if f.verdict is not None:
        node &= Complaint.verdict == f.verdict
    if f.satisfaction is not None:
        node &= Complaint.satisfaction == f.satisfaction
    return node


def filter_query(f: ComplaintFilter, user: User, today: dt.date | None = None) -> peewee.ModelSelect:
    """The complaints of ``f`` that ``user`` may see, newest first."""
    query = Complaint.select().where(condition(f, today)).order_by(Complaint.received_at.desc(), Complaint.id.desc())
    return visible_to(query, user)


def describe(f: ComplaintFilter) -> str:
    """A Dutch line saying what the filter shows, for the inbox's "gefilterd op" bar."""
    what = {COMPLAINT: _("Klachten"), INQUIRY: _("Navragen"), None: _("Meldingen")}[f.kind]
    parts = [_("{what} ontvangen in {period}").format(what=what, period=f.period.label())]
    if f.month is not None:
        parts.append(format_date(f.month, "MMMM yyyy"))
    if f.category_id is not None:
        category = Category.get_or_none(Category.id == f.category_id)
        parts.append(_("categorie {name}").format(name=category.name if category else "?"))
    if f.channel is not None:
        parts.append(_("via {channel}").format(channel=_(CHANNELS.get(f.channel, f.channel)).lower()))
    if f.severity is not None:
        parts.append(_("ernst {severity}").format(severity=_(SEVERITIES.get(f.severity, "?")).lower()))
    if f.status_group is not None:
        parts.append(_(STATUS_GROUPS[f.status_group]))
    if f.verdict is not None:
        parts.append(_(VERDICTS.get(f.verdict, f.verdict)).lower())
    if f.satisfaction is not None:
        parts.append(_("nazorg: {how}").format(how=_(SATISFACTION.get(f.satisfaction, f.satisfaction)).lower()))
    return ", ".join(parts)


@dataclasses.dataclass(frozen=True)
class Figures:
    """The dashboard of one period for one user; ``kind`` None means every report."""

    period: Period
    kind: str | None
    today: dt.date
    reports: int  # complaints and inquiries, whatever ``kind``
    complaints: int
    inquiries: int
    received: int  # of ``kind``
    open: int
    overdue: int
    closed: int
    ack_on_time: int
    ack_due: int  # acknowledged, or no longer able to be on time
    answered: int
    answered_on_time: int
    answer_due: int
    median_working_days: float | None
    by_category: list[tuple[int, str, int]]  # (id, name, count), most first
    by_channel: dict[str, int]  # every channel, in CHANNELS order
    by_month: list[tuple[dt.date, int]]  # every month of the period
    by_severity: dict[int, int]
    verdicts: dict[str, int]  # every verdict, in VERDICTS order
    satisfaction: dict[str, int]
    handling_days: dict[int, int] = dataclasses.field(default_factory=dict)  # working days -> count
    # Why another screen shows another number: confidential reports of the period ``user`` may not see
    # (the board report counts them), and what the status bar counts (overdue now, any period, any kind).
    not_shown: int = 0
    overdue_anywhere: int = 0

    @property
    def ack_on_time_pct(self) -> float | None:
        return 100.0 * self.ack_on_time / self.ack_due if self.ack_due else None

    @property
    def answered_on_time_pct(self) -> float | None:
        return 100.0 * self.answered_on_time / self.answer_due if self.answer_due else None

    def filter(self, **choices: object) -> ComplaintFilter:
        """The filter of one figure or bar, e.g. ``figures.filter(channel='post')``."""
        return ComplaintFilter(self.period, self.kind, **choices)


# Every row of the group: COUNT(id) would keep PostgreSQL from answering from an index without id in it.
_ROWS = peewee.fn.COUNT(peewee.SQL("*"))


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def working_day_counts(pairs: list[tuple[object, object, int]], calendar: WorkCalendar) -> dict[int, int]:
    """(received day, answered day, count) rows -> {working days: count}."""
    found: dict[int, int] = {}
    for received, answered, count in pairs:
        days = max(0, calendar.working_days_between(_as_date(received), _as_date(answered)))
        found[days] = found.get(days, 0) + int(count)
    return found


def median(counts: dict[int, int]) -> float | None:
    """The median of a {value: how often} distribution."""
    total = sum(counts.values())
    if not total:
        return None
    ordered = sorted(counts.items())

    def at(position: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        raise AssertionError("position beyond total")

    if total % 2:
        return float(at(total // 2))
    return (at(total // 2 - 1) + at(total // 2)) / 2


def percentile(counts: dict[int, int], fraction: float) -> int | None:
    """The smallest value with at least ``fraction`` of the distribution at or below it."""
    total = sum(counts.values())
    if not total:
        return None
    seen = 0
    for value, count in sorted(counts.items()):
        seen += count
        if seen >= fraction * total:
            return value
    return max(counts)


def overdue_count(user: User, today: dt.date | None = None) -> int:
    """What the status bar counts (``queries.list_complaints(user, overdue=True)``), from an index alone.

    Only an open complaint can be overdue: saying so lets the database read the open ones from the inbox's
    index (status first, every column of the condition in it) instead of the whole register.
    """
    query = Complaint.select(_ROWS).where(
        Complaint.status.in_(OPEN_STATUSES) & is_overdue(today or dt.date.today()))
    return int(visible_to(query, user).scalar() or 0)


def _state_counts(value: str, n: int, today: str, found: dict[str, int]) -> None:
    """Add ``n`` complaints of one ``state`` (models/day_tally.py) to the totals in ``found``; ``today`` ISO."""
    status, acknowledgement, answer, unanswered, acknowledge_by, answer_by = value.split("|")
    ack_late_now = bool(acknowledge_by) and acknowledge_by < today  # not acknowledged, and its date has passed
    answer_late_now = bool(answer_by) and answer_by < today  # unanswered, its clock runs, and its date has passed
    for name, counts in (
        ("open", status in OPEN_STATUSES), ("closed", status == CLOSED),
        ("overdue", unanswered == "u" and (answer_late_now or ack_late_now)),
        ("ack_on_time", acknowledgement == "t"), ("ack_due", acknowledgement != "n" or ack_late_now),
        ("answered", answer != "n"), ("answered_on_time", answer == "t"),
        ("answer_due", answer != "n" or answer_late_now),
    ):
        if counts:
            found[name] += n


_TOTALS = ("reports", "complaints", "inquiries", "received", "open", "overdue", "closed", "ack_on_time", "answered",
           "answered_on_time", "ack_due", "answer_due")


def figures(user: User | None, period: Period, kind: str | None = COMPLAINT, today: dt.date | None = None) -> Figures:
    """Every figure and chart of the dashboard for ``period``, as ``user`` may see it.

    ``user`` None counts every complaint, confidential ones included: for the
    reports to the board, which show numbers only.

    One pass over the kept counts per day of receipt (models/day_tally.py) gives all of it: a few thousand rows
    per month, whatever the size of the register. Each row counts what ``user`` may see and what not.
    """
    today = today or dt.date.today()
    tally = ComplaintDayTally
    seen = visibility(user, tally) if user is not None else None
    counted = peewee.fn.SUM(tally.n)
    rows = (tally.select(tally.day, tally.kind, tally.facet, tally.value,
                         (counted.filter(seen) if seen is not None else counted).alias("seen"), counted.alias("all"))
            .where((tally.day >= period.start) & (tally.day <= period.end))
            .group_by(tally.day, tally.kind, tally.facet, tally.value).tuples())
    totals = dict.fromkeys(_TOTALS, 0)
    sums: dict[str, dict] = {facet: {} for facet in ("category", "channel", "severity", "verdict", "satisfaction")}
    months: dict[str, int] = {}
    pairs = []
    not_shown = 0
    iso_today = today.isoformat()
    for day, of_kind, facet, value, n, everyone in rows:
        n, ours = int(n or 0), kind is None or of_kind == kind
        if facet == "state":
            if ours:
                not_shown += int(everyone) - n
            if not n:
                continue
            totals["reports"] += n
            totals["complaints" if of_kind == COMPLAINT else "inquiries"] += n
            if ours:
                totals["received"] += n
                month = _as_date(day).strftime("%Y-%m")
                months[month] = months.get(month, 0) + n
                _state_counts(value, n, iso_today, totals)
        elif not n or not ours:
            continue
        elif facet == "answered":
            if value:
                pairs.append((day, value, n))
        elif facet in sums:
            key = int(value) if facet in ("category", "severity") else value
            sums[facet][key] = sums[facet].get(key, 0) + n
    categories = dict(Category.select(Category.id, Category.name).tuples())
    by_category = sorted(((cid, categories.get(cid, "?"), n) for cid, n in sums["category"].items()),
                         key=lambda row: (-row[2], row[1].lower()))
    by_channel, by_severity, verdicts, satisfaction = (
        {code: int(sums[facet].get(code, 0)) for code in codes}
        for facet, codes in (("channel", CHANNELS), ("severity", SEVERITIES), ("verdict", VERDICTS),
                             ("satisfaction", SATISFACTION)))
    handling = working_day_counts(pairs, settings.calendar())
    return Figures(
        not_shown=not_shown, overdue_anywhere=overdue_count(user, today) if user is not None else 0,
        period=period, kind=kind, today=today, **totals,
        median_working_days=median(handling),
        by_category=by_category,
        by_channel=by_channel,
        by_month=[(m, int(months.get(m.strftime("%Y-%m"), 0))) for m in period.months()],
        by_severity=by_severity,
        verdicts=verdicts,
        satisfaction=satisfaction,
        handling_days=handling,
    )
