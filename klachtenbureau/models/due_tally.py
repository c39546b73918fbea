"""How many complaints have their next deadline on each day, kept by the database itself (issue 19).

"Te laat" and "Deze week af" depend on today's date: a complaint becomes late overnight without being written. Their
counts beside the filters, and per category and channel, were counted from the complaints due by the end of the week:
120,000 rows of a million, 35 ms on PostgreSQL after every change and 54 ms on SQLite for "Te laat". This table holds,
per next deadline (``inbox.sort_key``: the acknowledgement date until acknowledged, then the answer date; none once
answered or closed), whether its clock runs (not waiting for the complainant), who may see the complaints and their
category and channel, how many complaints there are. The inbox adds up the days before today, or up to the end of the
week: a few thousand rows whatever the size of the register. Complaints without a running deadline are not in it.

Triggers keep it (models/tally.py, ``summed_statements``); ``rebuild_due_tally()`` counts again (version 10,
``db recover``, the move to the office server); ``differences()`` is what ``db check`` compares.
"""

from __future__ import annotations

import peewee

from klachtenbureau.models.base import BaseModel
from klachtenbureau.models.database import db, is_sqlite
from klachtenbureau.models.tally import NOBODY, recount, summed_differences, summed_statements

TABLE = "complaint_due_tally"
_KEY = ("due", "running", "confidential", "received_by_id", "assigned_to_id", "category_id", "channel")
_READS = ("status", "answered_at", "acknowledged_at", "acknowledge_by", "answer_by", "waiting_for", "confidential",
          "received_by_id", "assigned_to_id", "category_id", "channel")


class ComplaintDueTally(BaseModel):
    """How many complaints alike in these columns have their next deadline on ``due``.

    The fields carry the names of Complaint's, so ``queries.visible_to`` and the inbox's conditions apply to it as
    they are (``assigned_to`` is NOBODY, not NULL, when nobody handles the complaints)."""

    due = peewee.DateField()
    running = peewee.BooleanField()
    confidential = peewee.BooleanField()
    received_by = peewee.IntegerField(column_name="received_by_id")
    assigned_to = peewee.IntegerField(column_name="assigned_to_id")
    category = peewee.IntegerField(column_name="category_id")
    channel = peewee.CharField(max_length=16)
    n = peewee.IntegerField()

    class Meta:
        table_name = TABLE
        primary_key = peewee.CompositeKey("due", "running", "confidential", "received_by", "assigned_to", "category",
                                          "channel")


def _rows(row: str, delta: int, source: str) -> list[str]:
    """The SELECT of the key and ``delta`` for ``row`` (of the table ``source``, if it is one), when a deadline runs."""
    due = (f"CASE WHEN {row}.status = 'closed' OR {row}.answered_at IS NOT NULL THEN NULL "
           f"WHEN {row}.acknowledged_at IS NULL AND {row}.acknowledge_by < {row}.answer_by THEN {row}.acknowledge_by "
           f"ELSE {row}.answer_by END")
    return [f"SELECT {due} AS due, {row}.waiting_for <> 'complainant' AS running, {row}.confidential AS confidential, "
            f"{row}.received_by_id AS received_by_id, COALESCE({row}.assigned_to_id, {NOBODY}) AS assigned_to_id, "
            f"{row}.category_id AS category_id, {row}.channel AS channel, {delta} AS d{source} WHERE {due} IS NOT NULL"]


def create_due_tally() -> None:
    """Create the table and its triggers (idempotent); call inside the schema transaction."""
    flag = "INTEGER" if is_sqlite() else "BOOLEAN"
    columns = (f"due {'TEXT' if is_sqlite() else 'DATE'} NOT NULL, running {flag} NOT NULL, "
               f"confidential {flag} NOT NULL, received_by_id INTEGER NOT NULL, assigned_to_id INTEGER NOT NULL, "
               f"category_id INTEGER NOT NULL, channel VARCHAR(16) NOT NULL")
    for statement in summed_statements(TABLE, columns, _KEY, _READS, _rows):
        db.execute_sql(statement)


def rebuild_due_tally() -> None:
    """Count the complaints again into the table."""
    recount(TABLE, _KEY, _rows)


def differences() -> int:
    """How many keys the table counts otherwise than the complaints themselves (0: it is right)."""
    return summed_differences(TABLE, _KEY, _rows,
                              lambda key: (str(key[0]), bool(key[1]), bool(key[2]), *key[3:]))
