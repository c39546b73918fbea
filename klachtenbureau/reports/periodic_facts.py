"""What the half-year and annual reports say, as plain data: ``workflow.reporting`` fills it, ``reports.periodic`` lays it out.

Apart from the layout so that gathering the figures and showing the report's choices (ui/report_view.py) need no
ReportLab: the PDF stack loads when a report is rendered, not when the desk starts (issue 19).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from klachtenbureau.i18n import _, format_date, format_number

HALF_YEAR = "half_year"
ANNUAL = "annual"
MIN_BASE = 20  # a percentage is shown only of at least this many; below it the counts alone say it better


@dataclasses.dataclass(frozen=True)
class Counted:
    """One row of a "how many" table: this period and the period before."""

    label: str
    count: int
    previous: int


@dataclasses.dataclass(frozen=True)
class YearFigures:
    """The headline figures of one period (a year in the trend table)."""

    label: str
    reports: int
    complaints: int
    inquiries: int
    ack_on_time: int
    ack_due: int  # acknowledged, or past the day it had to be
    answered_on_time: int
    answer_due: int
    median_days: float | None
    p90_days: int | None
    escalated: int
    extended: int


@dataclasses.dataclass(frozen=True)
class ExceptionalComplaint:
    number: str
    received: dt.date
    category: str
    severity: str
    reasons: str  # "complex of gevoelig; geëscaleerd naar directeur"
    status: str
    verdict: str
    summary: str  # anonymised


@dataclasses.dataclass(frozen=True)
class MeasureLine:
    title: str
    source: str
    owner: str
    due: dt.date
    status: str
    overdue: bool
    team_informed: bool
    complaints: int
    check: str  # how effectiveness was checked and the conclusion, anonymised


@dataclasses.dataclass(frozen=True)
class Assessment:
    """One criterion of the evaluation of the procedure."""

    criterion: str
    finding: str
    norm: str  # what "voldoet" is measured against, or why there is no norm
    meets: bool | None  # None: no norm, so no verdict


@dataclasses.dataclass(frozen=True)
class Recommended:
    """A recommendation: from the figures or the office's own, with the directors' decision once taken."""

    text: str
    own: bool = False
    decision: str = ""  # "Overgenomen", …: translated; empty while undecided
    decided_on: dt.date | None = None
    note: str = ""
    measure: str = ""  # the title of the improvement measure it became


@dataclasses.dataclass(frozen=True)
class PeriodicReport:
    kind: str  # HALF_YEAR or ANNUAL
    organisation: str
    period_label: str
    previous_label: str  # the period compared with: the same period a year earlier
    made_on: dt.date
    current: YearFigures
    previous: YearFigures
    open_now: int
    overdue_now: int
    confidential_count: int
    by_kind: list[Counted]
    by_category: list[Counted]
    by_channel: list[Counted]
    by_severity: list[Counted]
    verdicts: list[Counted]
    satisfaction: list[Counted]
    months: list[tuple[str, int, int]]  # (month, this period, same month a year earlier)
    handling: list[tuple[str, int]]  # (working-day band, complaints)
    exceptional: list[ExceptionalComplaint]  # the few the board should read about
    exceptional_notes: list[str]  # which ones are listed, and one sentence per reason for the others
    measures: list[MeasureLine]
    measure_summary: str  # counts the measures of the table, so that both say the same
    recommendations: list[Recommended]
    years: list[YearFigures] = dataclasses.field(default_factory=list)  # annual: oldest first
    category_years: list[tuple[str, list[int]]] = dataclasses.field(default_factory=list)
    evaluation: list[Assessment] = dataclasses.field(default_factory=list)
    anonymisation_note: str = ""
    conclusions: str = ""  # the office's own, about the period
    review_conclusions: str = ""  # of the management review (seed 001 step 7)
    reviewed_on: dt.date | None = None
    provisional: bool = False  # the period still runs: the figures are up to ``made_on``

    @property
    def provisional_mark(self) -> str:
        return _("Voorlopig: t/m {date}").format(date=format_date(self.made_on)) if self.provisional else ""

    @property
    def title(self) -> str:
        if self.kind == ANNUAL:
            return _("Jaarverslag klachten {period}").format(period=self.period_label)
        return _("Halfjaarrapportage klachten {period}").format(period=self.period_label)


def percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``; None below MIN_BASE, where one complaint more moves it too far."""
    return 100.0 * part / whole if whole >= MIN_BASE else None


def share(part: int, whole: int, empty: str = "–") -> str:
    """“412 van 438 (94%)”: the counts always, the percentage only from MIN_BASE on; ``empty`` with nothing to count."""
    if not whole:
        return empty
    counts = _("{part} van {whole}").format(part=format_number(part), whole=format_number(whole))
    value = percent(part, whole)
    if value is None:
        return counts
    if part not in (0, whole) and round(value) in (0, 100):  # 508 of 509 is not “100%”
        return f"{counts} ({format_number(round(value, 1))}%)"
    return f"{counts} ({_pct(value)})"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"
