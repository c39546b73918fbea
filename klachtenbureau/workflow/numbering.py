"""Complaint numbers per year (``K2026-0042``), unique across PCs registering at once.

The counter row is bumped inside the registering write transaction: on SQLite
that transaction holds the write lock from its first statement (``BEGIN
IMMEDIATE``); on PostgreSQL the UPDATE locks the year's row until commit. The
unique index on ``Complaint.number`` is the last line of defence.
"""

from __future__ import annotations

from klachtenbureau.models import NumberCounter

PREFIX = "K"


def format_number(year: int, sequence: int) -> str:
    return f"{PREFIX}{year}-{sequence:04d}"


def next_number(year: int) -> str:
    """Hand out the next number of ``year``; call inside a write transaction."""
    NumberCounter.insert(year=year, last=0).on_conflict_ignore().execute()
    NumberCounter.update(last=NumberCounter.last + 1).where(NumberCounter.year == year).execute()
    last = NumberCounter.select(NumberCounter.last).where(NumberCounter.year == year).scalar()
    return format_number(year, last)
