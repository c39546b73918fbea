"""Complaint numbers per year (``K2026-0042``), unique across PCs registering at once.

The counter row is bumped inside the registering write transaction: on SQLite
that transaction holds the write lock from its first statement (``BEGIN
IMMEDIATE``); on PostgreSQL the UPDATE locks the year's row until commit. The
unique index on ``Complaint.number`` is the last line of defence.
"""

from __future__ import annotations

import peewee

from klachtenbureau.models import Complaint, NumberCounter

PREFIX = "K"


def format_number(year: int, sequence: int) -> str:
    return f"{PREFIX}{year}-{sequence:04d}"


def _sequence(number: str, year: int) -> int | None:
    prefix = f"{PREFIX}{year}-"
    tail = number[len(prefix):] if number.startswith(prefix) else ""
    return int(tail) if tail.isdigit() else None


def next_number(year: int, wanted: str | None = None) -> str:
    """Hand out the next number of ``year``; call inside a write transaction.

    ``wanted`` is for a registration that was confirmed (and read out) but
    later found missing from a shared file: it gets its own number back when
    that is of ``year`` and nobody holds it now, and the counter is moved
    past it so the number is never handed out twice.
    """
    NumberCounter.insert(year=year, last=0).on_conflict_ignore().execute()
    sequence = _sequence(wanted, year) if wanted else None
    if sequence is not None and not Complaint.select().where(Complaint.number == wanted).exists():
        NumberCounter.update(last=peewee.Case(None, [(NumberCounter.last < sequence, sequence)], NumberCounter.last)) \
            .where(NumberCounter.year == year).execute()
        return wanted
    NumberCounter.update(last=NumberCounter.last + 1).where(NumberCounter.year == year).execute()
    last = NumberCounter.select(NumberCounter.last).where(NumberCounter.year == year).scalar()
    return format_number(year, last)
