"""Periods of receipt the dashboard and the reports are about: half-years, years or any range of days.

The command line names them ``2026H1``, ``2026H2``, ``2026`` or
``2026-03-01..2026-05-31``; the dashboard offers the presets below.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import N_, _, format_date

_ONE_DAY = dt.timedelta(days=1)
_PERIOD_CODE = re.compile(r"^\s*(\d{4})\s*(?:[hH]\s*([12]))?\s*$")
_RANGE_CODE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")

PRESETS: dict[str, str] = {
    "this_half_year": N_("Dit halfjaar"),
    "last_half_year": N_("Vorig halfjaar"),
    "this_year": N_("Dit jaar"),
    "last_year": N_("Vorig jaar"),
}

@dataclasses.dataclass(frozen=True)
class Period:
    """Reports received from ``start`` up to and including ``end``."""

    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        """``2026H1``, ``2026`` or ``2026-03-01..2026-05-31``: what the command line accepts."""
        if self.start.month == 1 and self.start.day == 1:
            if self.end == dt.date(self.start.year, 12, 31):
                return str(self.start.year)
            if self.end == dt.date(self.start.year, 6, 30):
                return f"{self.start.year}H1"
        if self.start == dt.date(self.start.year, 7, 1) and self.end == dt.date(self.start.year, 12, 31):
            return f"{self.start.year}H2"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def is_half_year(self) -> bool:
        return self.code.endswith(("H1", "H2"))

    @property
    def is_year(self) -> bool:
        return self.code.isdigit()

    def label(self) -> str:
        """How the period reads in a title: "1e halfjaar 2026", "2026", "1 maart – 31 mei 2026"."""
        code = self.code
        if code.isdigit():
            return code
        if code.endswith("H1"):
            return _("1e halfjaar {year}").format(year=self.start.year)
        if code.endswith("H2"):
            return _("2e halfjaar {year}").format(year=self.start.year)
        return f"{format_date(self.start)} – {format_date(self.end)}"

    def year_earlier(self) -> Period:
        """The same stretch of the calendar a year before: what the reports compare with, free of the seasons."""
        def shift(day: dt.date) -> dt.date:
            return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else day.day))

        return Period(shift(self.start), shift(self.end))

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        first = self.start.replace(day=1)
        found = []
        while first <= self.end:
            found.append(first)
            first = next_month(first)
        return found

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[from, to) as datetimes, for ``received_at``."""
        return dt.datetime.combine(self.start, dt.time()), dt.datetime.combine(self.end + _ONE_DAY, dt.time())


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def half_year(year: int, half: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else \
        Period(dt.date(year, 7, 1), dt.date(year, 12, 31))


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def custom_period(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise ValidationError({"period": _("De einddatum ligt vóór de begindatum.")})
    return Period(start, end)


def preset(name: str, today: dt.date | None = None) -> Period:
    today = today or dt.date.today()
    half = 1 if today.month <= 6 else 2
    if name == "this_half_year":
        return half_year(today.year, half)
    if name == "last_half_year":
        return half_year(today.year - 1, 2) if half == 1 else half_year(today.year, 1)
    if name == "this_year":
        return year_period(today.year)
    if name == "last_year":
        return year_period(today.year - 1)
    raise ValidationError({"period": _("Onbekende periode {name}.").format(name=name)})


def parse_period(text: str) -> Period:
    """``2026H1``, ``2026H2``, ``2026`` or ``2026-03-01..2026-05-31``."""
    match = _PERIOD_CODE.match(text or "")
    if match and 1990 <= int(match.group(1)) <= 2200:
        year = int(match.group(1))
        return half_year(year, int(match.group(2))) if match.group(2) else year_period(year)
    match = _RANGE_CODE.match(text or "")
    if match:
        try:
            return custom_period(dt.date.fromisoformat(match.group(1)), dt.date.fromisoformat(match.group(2)))
        except ValueError:
            pass
    raise ValidationError({"period": _(
        "Onbekende periode “{text}”; gebruik bijvoorbeeld 2026H1 (eerste halfjaar), 2026H2 of 2026 (heel jaar)."
    ).format(text=text)})
