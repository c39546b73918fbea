"""Dutch working-day calendar for complaint deadlines.

Public holidays come from the ``holidays`` package (country NL). Two office
rules differ from that package's list:

* Goede Vrijdag is listed by the package but is not a general day off in
  the Netherlands, so it counts as a working day here.
* Bevrijdingsdag (5 May) is a day off only in lustrum years (2025, 2030, ...),
  which is what the package does by default; many offices give it every year,
  hence ``WorkCalendar.liberation_day_every_year``.

Pure Python, no database: the settings screen builds a ``WorkCalendar`` and
passes it around.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

import holidays
from dateutil.easter import easter

from klachtenbureau.i18n import _, language

__all__ = ["WorkCalendar"]

_ONE_DAY = dt.timedelta(days=1)
_LIBERATION_MONTH_DAY = (5, 5)
# i18n language code -> language code of the holidays package.
_HOLIDAY_LANGUAGES = {"nl": "nl", "en": "en_US"}


def _good_friday(year: int) -> dt.date:
    return easter(year) - dt.timedelta(days=2)


@cache
def _public_days_off(year: int, lang: str = "nl") -> dict[dt.date, str]:
    """Days off by law/custom in ``year`` with their names (weekends included).

    Cached per year because building a ``holidays`` object is slow compared
    with the 100,000 look-ups a dashboard does.
    """
    days = dict(holidays.NL(years=year, language=lang))
    days.pop(_good_friday(year), None)
    return days


@cache
def _liberation_day_name(lang: str = "nl") -> str:
    # The package keeps the every-year 5 May in its OPTIONAL category; take the
    # name from there so it is translated like the other holidays.
    year = 2026
    optional = holidays.NL(years=year, categories=holidays.OPTIONAL, language=lang)
    return optional.get(dt.date(year, *_LIBERATION_MONTH_DAY), "Bevrijdingsdag")


def _weekdays_up_to(d: dt.date) -> int:
    """Number of Mondays–Fridays from 1 Jan of year 1 up to and including ``d``.

    Ordinal 1 (0001-01-01) is a Monday, so this is plain week arithmetic.
    """
    n = d.toordinal()
    return 5 * (n // 7) + min(n % 7, 5)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days count as working days for the office."""

    liberation_day_every_year: bool = False
    closing_days: frozenset[dt.date] = frozenset()
    # Per-year cache of days off (sorted weekdays, and a set); not part of
    # equality/hash so two calendars with the same settings compare equal.
    _cache: dict[int, tuple[frozenset[dt.date], tuple[dt.date, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # Accept any iterable (a list from the settings) but keep it hashable.
        if not isinstance(self.closing_days, frozenset):
            object.__setattr__(self, "closing_days", frozenset(self.closing_days))

    def _days_off(self, year: int) -> tuple[frozenset[dt.date], tuple[dt.date, ...]]:
        """(all days off in ``year``, sorted days off that fall on a weekday)."""
        cached = self._cache.get(year)
        if cached is None:
            off = set(_public_days_off(year))
            if self.liberation_day_every_year:
                off.add(dt.date(year, *_LIBERATION_MONTH_DAY))
            off.update(d for d in self.closing_days if d.year == year)
            weekday_off = tuple(sorted(d for d in off if d.weekday() < 5))
            cached = (frozenset(off), weekday_off)
            self._cache[year] = cached
        return cached

    def is_working_day(self, d: dt.date) -> bool:
        if d.weekday() >= 5:
            return False
        return d not in self._days_off(d.year)[0]

    def holiday_name(self, d: dt.date) -> str | None:
        """Why ``d`` is a day off, in the current language; None for a normal day or weekend.

        Holidays on a weekend (Koningsdag 2025 on Saturday 26 April) are named too.
        """
        lang = _HOLIDAY_LANGUAGES.get(language(), "nl")
        name = _public_days_off(d.year, lang).get(d)
        if name is not None:
            return name
        if self.liberation_day_every_year and (d.month, d.day) == _LIBERATION_MONTH_DAY:
            return _liberation_day_name(lang)
        if d in self.closing_days:
            return _("Kantoor gesloten")
        return None

    def next_working_day(self, d: dt.date) -> dt.date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start``; ``start`` itself never counts.

        ``n == 0`` gives ``next_working_day(start)``.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        if n == 0:
            return self.next_working_day(start)
        remaining = n
        current = start
        # Jump whole weeks while far away. A week holds at most 5 working days,
        # and (remaining - 1) // 5 weeks hold at most remaining - 1, so we never
        # overshoot and never stop on a day off.
        while (weeks := (remaining - 1) // 5) > 0:
            target = current + dt.timedelta(weeks=weeks)
            remaining -= self.working_days_between(current, target)
            current = target
        while remaining > 0:
            current += _ONE_DAY
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end; negative of the reverse count if end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = _weekdays_up_to(end) - _weekdays_up_to(start)
        for year in range(start.year, end.year + 1):
            weekday_off = self._days_off(year)[1]
            lo = bisect_right(weekday_off, start) if year == start.year else 0
            hi = bisect_right(weekday_off, end) if year == end.year else len(weekday_off)
            count -= max(0, hi - lo)
        return count

