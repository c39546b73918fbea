"""The dashboard's figures per day of receipt, kept by the database itself as complaints are written (issue 19).

The dashboard and the periodic reports count the complaints received in a period: how many, how many per category,
channel, severity, verdict and satisfaction, per month, how many are open, closed, late, answered on time, and how
many working days each answer took. Counted from the complaints themselves, that read the period's rows three times:
2.5 s for a half-year at a million complaints. This table holds, per day of receipt, kind and visibility (the
columns ``queries.visible_to`` looks at), how many complaints have each value of each *facet*:

- ``category``, ``channel``, ``severity``, ``verdict``, ``satisfaction``: the column's value;
- ``answered``: the day of the answer ('' when there is none), for the handling times;
- ``state``: what the totals need, as ``status|ack|answer|unanswered|ack pending by|answer pending by``:
  the acknowledgement and the answer as ``n`` (not yet), ``t`` (on time) or ``l`` (late); ``u`` when the complaint
  is neither answered nor closed; the acknowledgement date while it is not acknowledged, and the answer date while
  the answer is due and its clock runs. Those dates let the reader count what is late *today* without a column
  that changes by itself overnight;
- ``marks``: what the periodic report counts besides, as ``escalation level|x|c|s``: ``x`` when the answer term was
  extended, ``c`` for a complex or sensitive complaint, ``s`` for a very severe one.

Every complaint counts once in every facet, so a half-year is some ten thousand rows whatever the register's size.
Triggers keep the table as they keep ``complaint_tally`` (models/tally.py); one INSERT per change adds the new values
and takes away the old ones, summed per key first, so an unchanged facet is not written and PostgreSQL locks the rows
in key order (two PCs changing complaints the opposite way wait instead of deadlocking). ``rebuild_day_tally()``
counts again (version 10, ``db recover``, the move to the office server); ``differences()`` is what ``db check``
compares.
"""

from __future__ import annotations

import peewee

from klachtenbureau.models.base import BaseModel
from klachtenbureau.models.database import db, is_sqlite
from klachtenbureau.models.tally import NOBODY, recount, summed_differences, summed_statements

TABLE = "complaint_day_tally"
_KEY = ("day", "kind", "facet", "value", "confidential", "received_by_id", "assigned_to_id")
# The complaint's columns a facet or the key reads: only a change of one of them touches the table.
_READS = ("received_at", "kind", "confidential", "received_by_id", "assigned_to_id", "category_id", "channel",
          "severity", "verdict", "satisfaction", "status", "acknowledged_at", "acknowledge_by", "answered_at",
          "answer_by", "waiting_for", "escalation_level", "extension_count", "complex_sensitive")
FACETS = ("category", "channel", "severity", "verdict", "satisfaction", "answered", "state", "marks")


class ComplaintDayTally(BaseModel):
    """How many complaints received on ``day``, of ``kind`` and this visibility, have ``value`` for ``facet``."""

    day = peewee.DateField()
    kind = peewee.CharField(max_length=12)
    facet = peewee.CharField(max_length=16)
    value = peewee.CharField(max_length=80)
    confidential = peewee.BooleanField()
    received_by = peewee.IntegerField(column_name="received_by_id")
    assigned_to = peewee.IntegerField(column_name="assigned_to_id")
    n = peewee.IntegerField()

    class Meta:
        table_name = TABLE
        primary_key = peewee.CompositeKey("day", "kind", "facet", "value", "confidential", "received_by",
                                          "assigned_to")


def _day(column: str) -> str:
    """The date part of a datetime column as 'YYYY-MM-DD' text."""
    return f"substr({column}, 1, 10)" if is_sqlite() else f"to_char({column}, 'YYYY-MM-DD')"


def _iso(column: str) -> str:
    """A date column as 'YYYY-MM-DD' text (PostgreSQL's own text form follows DateStyle)."""
    return column if is_sqlite() else f"to_char({column}, 'YYYY-MM-DD')"


def _facets(row: str) -> dict[str, str]:
    """facet -> its value in ``row`` (NEW, OLD or complaint) as SQL text."""
    def on_time(at: str, by: str) -> str:
        return (f"CASE WHEN {row}.{at} IS NULL THEN 'n' WHEN {_day(f'{row}.{at}')} <= {_iso(f'{row}.{by}')} "
                f"THEN 't' ELSE 'l' END")

    unanswered = f"{row}.answered_at IS NULL AND {row}.status <> 'closed'"
    state = " || '|' || ".join((
        f"{row}.status", on_time("acknowledged_at", "acknowledge_by"), on_time("answered_at", "answer_by"),
        f"CASE WHEN {unanswered} THEN 'u' ELSE '-' END",
        f"CASE WHEN {row}.acknowledged_at IS NULL THEN {_iso(f'{row}.acknowledge_by')} ELSE '' END",
        f"CASE WHEN {unanswered} AND {row}.waiting_for <> 'complainant' THEN {_iso(f'{row}.answer_by')} ELSE '' END",
    ))
    return {
        "category": f"CAST({row}.category_id AS VARCHAR(20))",
        "channel": f"{row}.channel",
        "severity": f"CAST({row}.severity AS VARCHAR(20))",
        "verdict": f"{row}.verdict",
        "satisfaction": f"{row}.satisfaction",
        "answered": f"CASE WHEN {row}.answered_at IS NULL THEN '' ELSE {_day(f'{row}.answered_at')} END",
        "state": state,
        "marks": (f"{row}.escalation_level || '|' || CASE WHEN {row}.extension_count > 0 THEN 'x' ELSE '' END || '|' || "
                  f"CASE WHEN {row}.complex_sensitive THEN 'c' ELSE '' END || '|' || "
                  f"CASE WHEN {row}.severity = 4 THEN 's' ELSE '' END"),
    }


def _rows(row: str, delta: int, source: str) -> list[str]:
    """One SELECT per facet: the key and ``delta`` for ``row`` (of the table ``source``, if it is one)."""
    day = f"substr({row}.received_at, 1, 10)" if is_sqlite() else f"CAST({row}.received_at AS DATE)"
    return [f"SELECT {day} AS day, {row}.kind AS kind, '{facet}' AS facet, {value} AS value, "
            f"{row}.confidential AS confidential, {row}.received_by_id AS received_by_id, "
            f"COALESCE({row}.assigned_to_id, {NOBODY}) AS assigned_to_id, {delta} AS d{source}"
            for facet, value in _facets(row).items()]


def create_day_tally() -> None:
    """Create the table and its triggers (idempotent); call inside the schema transaction."""
    columns = (f"day {'TEXT' if is_sqlite() else 'DATE'} NOT NULL, kind VARCHAR(12) NOT NULL, "
               f"facet VARCHAR(16) NOT NULL, value VARCHAR(80) NOT NULL, "
               f"confidential {'INTEGER' if is_sqlite() else 'BOOLEAN'} NOT NULL, received_by_id INTEGER NOT NULL, "
               f"assigned_to_id INTEGER NOT NULL")
    for statement in summed_statements(TABLE, columns, _KEY, _READS, _rows):
        db.execute_sql(statement)


def rebuild_day_tally() -> None:
    """Count the complaints again into the table."""
    recount(TABLE, _KEY, _rows)


def differences() -> int:
    """How many keys the table counts otherwise than the complaints themselves (0: it is right)."""
    return summed_differences(TABLE, _KEY, _rows, lambda key: (str(key[0]), *key[1:4], bool(key[4]), *key[5:]))
