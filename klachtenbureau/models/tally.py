"""How many complaints there are per category, channel, status, confidentiality, handler and intaker, kept by the
database itself as complaints are written (issue 19).

The inbox shows, beside its list, how many complaints each filter holds and how many each category and channel
holds under the current filter. Counted from the complaints themselves that reads every visible complaint on every
click: 1.5 s at a million. Those counts depend only on the columns of this table (the filters "Alle", "Open",
"Afgesloten", "Niet toegewezen" and "Mijn klachten", and who may see a complaint: permissions.py), so a few thousand
rows answer them whatever the size of the register. The filters that depend on today's date ("Te laat", "Deze week
af") and a search are still counted from the complaints, along an index over just those rows.

Triggers keep the table, as they keep the full-text index (models/fulltext.py): every program that writes — this
application on another PC, an import, the command line — keeps it right without knowing it exists. ``rebuild()``
fills it again from the complaints (version 9, ``db recover``, the move to the office server, which copies with the
triggers off); ``differences()`` is what ``db check`` compares.

Nobody (no handler) is stored as 0, not NULL: the key must be one value for the triggers' upsert on both engines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import peewee

from klachtenbureau.models.base import BaseModel
from klachtenbureau.models.database import db, is_sqlite

TABLE = "complaint_tally"
_KEY = ("category_id", "channel", "status", "confidential", "assigned_to_id", "received_by_id")
NOBODY = 0


class ComplaintTally(BaseModel):
    """One group of complaints alike in every column the inbox's counts look at, and how many there are.

    The fields carry the names of Complaint's, so ``queries.visible_to`` and the inbox's conditions apply to it as
    they are (``assigned_to`` is NOBODY, not NULL, when nobody handles the complaints)."""

    category = peewee.IntegerField(column_name="category_id")
    channel = peewee.CharField(max_length=16)
    status = peewee.CharField(max_length=16)
    confidential = peewee.BooleanField()
    assigned_to = peewee.IntegerField(column_name="assigned_to_id")
    received_by = peewee.IntegerField(column_name="received_by_id")
    n = peewee.IntegerField()

    class Meta:
        table_name = TABLE
        primary_key = peewee.CompositeKey("category", "channel", "status", "confidential", "assigned_to",
                                          "received_by")


def _values(row: str) -> str:
    """The key of ``row`` (NEW or OLD) as SQL values."""
    return (f"{row}.category_id, {row}.channel, {row}.status, {row}.confidential, "
            f"COALESCE({row}.assigned_to_id, {NOBODY}), {row}.received_by_id")


def _add(row: str, delta: int) -> str:
    return (f"INSERT INTO {TABLE} ({', '.join(_KEY)}, n) VALUES ({_values(row)}, {delta}) "
            f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET n = {TABLE}.n + {delta}")


def _changed(columns: Sequence[str]) -> str:
    """The WHEN of an update trigger: one of ``columns`` changed."""
    return " OR ".join(f"NEW.{column} IS {'DISTINCT FROM ' if not is_sqlite() else 'NOT '}OLD.{column}"
                       for column in columns)


def trigger_statements(table: str, reads: Sequence[str], on_insert: str, on_delete: str, on_update: str,
                       on_update_postgres: str | None = None) -> list[str]:
    """The triggers that keep ``table`` as complaints are written, after each row: SQLite's three, or PostgreSQL's
    function and two triggers. The update fires only when one of the columns ``reads`` changed;
    ``on_update_postgres``: plpgsql for it there, when it differs from ``on_update``."""
    if is_sqlite():
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_insert AFTER INSERT ON complaint BEGIN {on_insert}; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON complaint BEGIN {on_delete}; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_update AFTER UPDATE OF {', '.join(reads)} ON complaint "
            f"WHEN {_changed(reads)} BEGIN {on_update}; END",
        ]
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_keep() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN {on_insert};
                ELSIF TG_OP = 'DELETE' THEN {on_delete};
                ELSE {on_update_postgres or on_update};
                END IF;
                RETURN NULL;
            END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {table}_keep ON complaint",
        f"CREATE TRIGGER {table}_keep AFTER INSERT OR DELETE ON complaint FOR EACH ROW EXECUTE FUNCTION {table}_keep()",
        f"DROP TRIGGER IF EXISTS {table}_keep_update ON complaint",
        f"CREATE TRIGGER {table}_keep_update AFTER UPDATE OF {', '.join(reads)} ON complaint FOR EACH ROW "
        f"WHEN ({_changed(reads)}) EXECUTE FUNCTION {table}_keep()",
    ]


def _statements() -> list[str]:
    confidential = "INTEGER" if is_sqlite() else "BOOLEAN"
    table = (f"CREATE TABLE IF NOT EXISTS {TABLE} (category_id INTEGER NOT NULL, channel VARCHAR(16) NOT NULL, "
             f"status VARCHAR(16) NOT NULL, confidential {confidential} NOT NULL, assigned_to_id INTEGER NOT NULL, "
             f"received_by_id INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY ({', '.join(_KEY)}))")
    # On PostgreSQL a move between two groups locks their rows in key order, whichever way it goes: two PCs that move
    # complaints the opposite way wait for each other instead of deadlocking.
    ordered = (f"IF ROW({_values('NEW')}) < ROW({_values('OLD')}) THEN {_add('NEW', 1)}; {_add('OLD', -1)}; "
               f"ELSE {_add('OLD', -1)}; {_add('NEW', 1)}; END IF")
    return [table + (" WITHOUT ROWID" if is_sqlite() else ""),
            *trigger_statements(TABLE, _KEY, _add("NEW", 1), _add("OLD", -1), f"{_add('OLD', -1)}; {_add('NEW', 1)}",
                                ordered)]


def create_tally() -> None:
    """Create the table and its triggers (idempotent); call inside the schema transaction."""
    for statement in _statements():
        db.execute_sql(statement)


_COUNTED = (f"SELECT category_id, channel, status, confidential, COALESCE(assigned_to_id, {NOBODY}), "
            f"received_by_id, COUNT(*) FROM complaint GROUP BY 1, 2, 3, 4, 5, 6")


def rebuild_tally() -> None:
    """Count the complaints again into the table."""
    with db.atomic():
        db.execute_sql(f"DELETE FROM {TABLE}")
        db.execute_sql(f"INSERT INTO {TABLE} ({', '.join(_KEY)}, n) {_COUNTED}")


def differences() -> int:
    """How many groups the table counts otherwise than the complaints themselves (0: it is right)."""
    kept = {row[:-1]: row[-1] for row in db.execute_sql(f"SELECT {', '.join(_KEY)}, n FROM {TABLE} WHERE n <> 0")}
    counted = {row[:-1]: row[-1] for row in db.execute_sql(_COUNTED)}
    return sum(1 for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key))


# Kept counts made of SELECTs over one complaint row (models/day_tally.py, models/due_tally.py): ``rows(row, delta,
# source)`` gives the SELECTs of the key columns and ``delta`` AS d for ``row`` (NEW, OLD, or complaint with
# ``source`` " FROM complaint").
Rows = Callable[[str, int, str], list[str]]


def _summed_upsert(table: str, key: Sequence[str], rows: Rows, *parts: tuple[str, int]) -> str:
    """One INSERT that adds, per key and summed first, +1 for every (row, +1) and -1 for every (row, -1): a key whose
    count does not change is not written, and PostgreSQL locks the rows in key order (two PCs changing complaints
    the opposite way wait for each other instead of deadlocking)."""
    selects = " UNION ALL ".join(s for row, delta in parts for s in rows(row, delta, ""))
    columns = ", ".join(key)
    return (f"INSERT INTO {table} ({columns}, n) SELECT {columns}, SUM(d) FROM ({selects}) AS changed WHERE 1 = 1 "
            f"GROUP BY {columns} HAVING SUM(d) <> 0 ORDER BY {columns} "
            f"ON CONFLICT ({columns}) DO UPDATE SET n = {table}.n + excluded.n")


def summed_statements(table: str, columns: str, key: Sequence[str], reads: Sequence[str], rows: Rows) -> list[str]:
    """The table (``columns``: its column definitions) and the triggers that keep its counts."""
    create = f"CREATE TABLE IF NOT EXISTS {table} ({columns}, n INTEGER NOT NULL, PRIMARY KEY ({', '.join(key)}))"
    return [create + (" WITHOUT ROWID" if is_sqlite() else ""),
            *trigger_statements(table, reads, _summed_upsert(table, key, rows, ("NEW", 1)),
                                _summed_upsert(table, key, rows, ("OLD", -1)),
                                _summed_upsert(table, key, rows, ("OLD", -1), ("NEW", 1)))]


def _recounted(key: Sequence[str], rows: Rows) -> str:
    columns = ", ".join(key)
    return (f"SELECT {columns}, SUM(d) FROM ({' UNION ALL '.join(rows('complaint', 1, ' FROM complaint'))}) AS counted "
            f"GROUP BY {columns}")


def recount(table: str, key: Sequence[str], rows: Rows) -> None:
    """Count the complaints again into ``table``."""
    with db.atomic():
        db.execute_sql(f"DELETE FROM {table}")
        db.execute_sql(f"INSERT INTO {table} ({', '.join(key)}, n) {_recounted(key, rows)}")


def summed_differences(table: str, key: Sequence[str], rows: Rows, normal: Callable[[tuple], tuple]) -> int:
    """How many keys ``table`` counts otherwise than the complaints themselves (0: it is right); ``normal`` makes a
    key read back alike on both engines."""
    kept = {normal(row[:-1]): row[-1]
            for row in db.execute_sql(f"SELECT {', '.join(key)}, n FROM {table} WHERE n <> 0")}
    counted = {normal(row[:-1]): row[-1] for row in db.execute_sql(_recounted(key, rows))}
    return sum(1 for k in kept.keys() | counted.keys() if kept.get(k) != counted.get(k))
