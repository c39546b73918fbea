"""Take a new database back to what an older release made, so the upgrade path can be tested for real."""

from __future__ import annotations

import re

from klachtenbureau.models import database, schema

VERSION_7_COLUMNS = ("waiting_for", "waiting_reason", "waiting_since", "waiting_until", "answer_days_left",
                     "assigned_at", "proposed_answer", "aftercare_by")


VERSION_8_FACET_INDEXES = (
    "CREATE INDEX complaint_by_category ON complaint (category_id, confidential, received_by_id, assigned_to_id, "
    "status, channel)",
    "CREATE INDEX complaint_by_channel ON complaint (channel, confidential, received_by_id, assigned_to_id, status, "
    "category_id)",
)


def _drop_kept_counts(table: str) -> None:
    on = " ON complaint" if not database.is_sqlite() else ""
    for trigger in ("insert", "delete", "update") if database.is_sqlite() else ("keep", "keep_update"):
        database.db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_{trigger}{on}")
    database.db.execute_sql(f"DROP TABLE {table}")


def drop_version_10() -> None:
    """What version 10 brought: the kept counts per day and per deadline (models/day_tally.py, due_tally.py), and
    the index of the exceptional complaints instead of version 8's report index."""
    _drop_kept_counts("complaint_day_tally")
    _drop_kept_counts("complaint_due_tally")
    database.db.execute_sql("DROP INDEX IF EXISTS complaint_marked")
    database.db.execute_sql(schema._REPORT_INDEX_OF_8)


def drop_version_9() -> None:
    """What version 9 brought: the inbox's kept counts (models/tally.py), their table and its triggers. (And version
    10 before it.)"""
    drop_version_10()
    _drop_kept_counts("complaint_tally")
    for statement in VERSION_8_FACET_INDEXES:  # what the kept counts replaced
        database.db.execute_sql(statement)


def drop_version_8() -> None:
    """What version 8 brought: the indexes of ``schema.PERFORMANCE_INDEXES`` and two for the inbox's counts. (And
    version 9 before it.)"""
    drop_version_9()
    for name in ("complaint_by_category", "complaint_by_channel", "complaint_report"):
        database.db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    for statement in schema.PERFORMANCE_INDEXES:
        name = re.search(r"INDEX IF NOT EXISTS (\w+)", statement).group(1)
        database.db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def drop_version_7() -> None:
    """What version 7 brought: waiting, assigned_at, the proposed answer, aftercare_by; marks and report reviews;
    the rows imported; the audit log's chain and its refusal of INSERT OR REPLACE. (And version 8 before it.)"""
    drop_version_8()
    for name in ("complaint_inbox", "complaint_deadline", "complaint_handler", "complaint_dashboard",
                 "complaint_assigned_at", "complaint_waiting_until", "complaint_aftercare"):  # on the new columns
        database.db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    for column in VERSION_7_COLUMNS:
        database.db.execute_sql(f"ALTER TABLE complaint DROP COLUMN {column}")
    for table in ("recommendation", "report_review", "work_mark", "imported_row"):
        database.db.execute_sql(f"DROP TABLE {table}")
    database.db.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_replace" + ("" if database.is_sqlite() else
                                                                                " ON audit_entry"))
    database.db.execute_sql("ALTER TABLE audit_entry DROP COLUMN chain")
    database.db.execute_sql('ALTER TABLE "user" DROP COLUMN windows_account')
