"""Schema version, creation and ordered upgrades of the shared database.

The version lives in the database itself (table ``schema_info``). Opening a
database made by a newer application is refused with the version needed;
an older one is upgraded step by step after an automatic backup.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path

import peewee

from klachtenbureau import __version__
from klachtenbureau.errors import DatabaseCorruptError, SchemaTooNewError
from klachtenbureau.i18n import _
from klachtenbureau.models.audit import AuditEntry, Setting
from klachtenbureau.models.base import BaseModel
from klachtenbureau.models.complaints import Category, Complaint, Document, NumberCounter, TimelineEntry
from klachtenbureau.models.database import db, integrity_check, is_sqlite, sqlite_backup
from klachtenbureau.models.folding import fold
from klachtenbureau.models.fulltext import create_fulltext, rebuild_fulltext
from klachtenbureau.models.imports import ImportedRow
from klachtenbureau.models.mail import IncomingMail
from klachtenbureau.models.measures import Measure, MeasureComplaint
from klachtenbureau.models.people import Relation, User, split_attention
from klachtenbureau.models.reviews import Recommendation, ReportReview
from klachtenbureau.models.day_tally import create_day_tally, rebuild_day_tally
from klachtenbureau.models.due_tally import create_due_tally, rebuild_due_tally
from klachtenbureau.models.tally import create_tally, rebuild_tally
from klachtenbureau.models.work import WorkMark

log = logging.getLogger(__name__)

SCHEMA_VERSION = 10

TABLES: list[type[BaseModel]] = [
    User, Relation, Category, NumberCounter, Complaint, TimelineEntry, Document,
    Measure, MeasureComplaint, AuditEntry, Setting, IncomingMail, WorkMark, ReportReview, Recommendation, ImportedRow,
]


class SchemaInfo(BaseModel):
    version = peewee.IntegerField()
    app_version = peewee.CharField(max_length=20)  # the application that wrote this version
    updated_at = peewee.DateTimeField()


# The inbox's sort key: the next deadline, far in the future when none runs. workflow/inbox.py builds
# the same expression (literals, not parameters: only then do SQLite and PostgreSQL match it to these
# indexes); tests/workflow/test_inbox.py checks the plan. Every column the inbox filters on is in both
# indexes, so the list comes from the index alone, already in order: no sort, no wide complaint rows.
INBOX_SORT_KEY = (
    "COALESCE(CASE WHEN ((status = 'closed') OR (answered_at IS NOT NULL)) THEN NULL "
    "WHEN ((acknowledged_at IS NULL) AND (acknowledge_by < answer_by)) THEN acknowledge_by "
    "ELSE answer_by END, '9999-12-31')")
_INBOX_COLUMNS = ("confidential, received_by_id, assigned_to_id, acknowledged_at, acknowledge_by, answer_by, "
                  "answered_at, category_id, channel")


def _inbox_indexes(columns: str) -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS complaint_inbox ON complaint (status, {INBOX_SORT_KEY}, id, {columns})",
        f"CREATE INDEX IF NOT EXISTS complaint_deadline ON complaint ({INBOX_SORT_KEY}, id, status, {columns})",
        # "mine" and "unassigned": by handler, in deadline order
        f"CREATE INDEX IF NOT EXISTS complaint_handler ON complaint (assigned_to_id, {INBOX_SORT_KEY}, id, status, "
        f"{columns})",
    ]


# The dashboard and the reports count per period of receipt (workflow/statistics.py): every column they group or
# filter on, so a year of 100,000 complaints is read from the index alone.
_DASHBOARD_INDEX = ("CREATE INDEX IF NOT EXISTS complaint_dashboard ON complaint (received_at, kind, confidential, "
                    "received_by_id, assigned_to_id, status, category_id, channel, severity, verdict, satisfaction, "
                    "acknowledged_at, acknowledge_by, answered_at, answer_by")
# Since version 7 the inbox and the dashboard leave out a clock that stopped while the office waits for the complainant.
INBOX_INDEXES: list[str] = [
    *_inbox_indexes(_INBOX_COLUMNS + ", waiting_for"),
    _DASHBOARD_INDEX + ", waiting_for)",
]


# Mijn werk (workflow/my_work.py): per handler (NULL: nobody yet), what became theirs, a wait that ends, aftercare
# not yet done, each a short range of one index whatever the size of the register.
WORK_INDEXES: list[str] = [
    "CREATE INDEX IF NOT EXISTS complaint_assigned_at ON complaint (assigned_to_id, assigned_at)",
    "CREATE INDEX IF NOT EXISTS complaint_waiting_until ON complaint (assigned_to_id, waiting_until)",
    "CREATE INDEX IF NOT EXISTS complaint_aftercare ON complaint (assigned_to_id, aftercare_at, aftercare_by)",
]


# Version 8: indexes that keep the dashboard, the reports and the dossier's "similar complaints" from reading
# more rows than they show, at any size of the register (benchmarks/, issue 19).
PERFORMANCE_INDEXES: list[str] = [
    # The dossier's similar complaints (workflow/relations.py): one category's complaints newest first, from the
    # window's end until enough match, instead of sorting the whole category; id settles the ties on PostgreSQL.
    "CREATE INDEX IF NOT EXISTS complaint_similar ON complaint (category_id, received_at, id)",
]
# Version 8 read the periodic report's extra counts from this one; version 10 keeps them (models/day_tally.py).
_REPORT_INDEX_OF_8 = ("CREATE INDEX IF NOT EXISTS complaint_report ON complaint (received_at, kind, confidential, "
                      "escalation_level, extension_count, complex_sensitive, severity, satisfaction, acknowledged_at, "
                      "verdict, id)")
# The periodic report's exceptional complaints (workflow/reporting.py, _exceptional): very severe, complex or
# sensitive, or escalated, and not confidential (those are never listed); some 9 % of a register. The index holds
# only those, with what the list sorts on; the query repeats MARKED word for word (SQLite uses a partial index only
# for the very same condition).
MARKED = "(NOT confidential AND (severity = 4 OR complex_sensitive OR escalation_level <> ''))"
REPORT_INDEXES: list[str] = [
    "CREATE INDEX IF NOT EXISTS complaint_marked ON complaint (received_at, kind, severity, complex_sensitive, "
    f"escalation_level, id) WHERE {MARKED}",
]


# The complainant a new one may be (workflow/relations.py, possible_duplicates): the same e-mail address in any case.
RELATION_INDEXES = ["CREATE INDEX IF NOT EXISTS relation_email_lower ON relation (lower(email))"]


def _migrate_2() -> None:
    """Version 2: full-text search (models/fulltext.py) and the inbox indexes as they were until version 7."""
    create_fulltext()
    for statement in [*_inbox_indexes(_INBOX_COLUMNS), _DASHBOARD_INDEX + ")"]:
        db.execute_sql(statement)
    rebuild_fulltext()


def _migrate_3() -> None:
    """Version 3: the motivation of the verdict and the reason for escalating, each in its own column."""
    for column in ("verdict_motivation", "escalation_reason"):
        db.execute_sql(f"ALTER TABLE {Complaint._meta.table_name} ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


def _migrate_4() -> None:
    """Version 4: search without regard to accents and case (models/folding.py): the complainants' names as
    searched, PostgreSQL's new folding, and the full-text index rebuilt with it."""
    db.execute_sql(f"ALTER TABLE {Relation._meta.table_name} ADD COLUMN search_name TEXT NOT NULL DEFAULT ''")
    for statement in RELATION_INDEXES:
        db.execute_sql(statement)
    names = list(Relation.select(Relation.id, Relation.name).tuples())
    for start in range(0, len(names), 500):
        page = names[start:start + 500]
        (Relation.update(search_name=peewee.Case(Relation.id, [(id_, fold(name)) for id_, name in page]))
         .where(Relation.id.in_([id_ for id_, _name in page])).execute())
    create_fulltext()
    rebuild_fulltext()


def _migrate_5() -> None:
    """Version 5: a complainant's country, contact person (t.a.v.) and salutation for the letters. A contact
    person that had to be typed into an organisation's name ("Stichting De Brug, t.a.v. P. de Boer") moves to
    its own field, so the letters no longer greet the organisation and its contact person as one."""
    for column, length in (("country", 80), ("attention", 200), ("salutation", 200)):
        db.execute_sql(f"ALTER TABLE {Relation._meta.table_name} ADD COLUMN {column} VARCHAR({length}) "
                       f"NOT NULL DEFAULT ''")
    for id_, name in list(Relation.select(Relation.id, Relation.name).tuples()):
        organisation, attention = split_attention(name)
        if attention:
            Relation.update(name=organisation, attention=attention).where(Relation.id == id_).execute()


def _migrate_6() -> None:
    """Version 6: the office's mailbox as a channel: what became of each message (models/mail.py)."""
    db.create_tables([IncomingMail])


def _migrate_7() -> None:
    """Version 7, nothing forgotten: a tamper-evident audit log (models/audit.py), waiting for the complainant or a third party, when a handler got the complaint,
    a handler's proposed answer, the aftercare date; reminders sent and lists seen per user; the people's part of
    the board reports. The inbox and dashboard indexes take the waiting column, so "te laat" leaves out a stopped
    clock from the index alone."""
    table = Complaint._meta.table_name
    for column, kind in (("waiting_for", "VARCHAR(12) NOT NULL DEFAULT ''"), ("waiting_reason", "TEXT NOT NULL DEFAULT ''"),
                         ("waiting_since", "DATE"), ("waiting_until", "DATE"), ("answer_days_left", "INTEGER"),
                         ("assigned_at", "TIMESTAMP"), ("proposed_answer", "TEXT NOT NULL DEFAULT ''"),
                         ("aftercare_by", "DATE")):
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    for name in ("complaint_inbox", "complaint_deadline", "complaint_handler", "complaint_dashboard"):
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    for statement in INBOX_INDEXES + WORK_INDEXES:
        db.execute_sql(statement)
    db.create_tables([WorkMark, ReportReview, Recommendation, ImportedRow])  # ImportedRow: no row imported twice
    db.execute_sql(f"ALTER TABLE {AuditEntry._meta.table_name} ADD COLUMN chain VARCHAR(64) NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE \"user\" ADD COLUMN windows_account VARCHAR(120) NOT NULL DEFAULT ''")  # sign-in
    for statement in _audit_triggers():  # the audit log refuses INSERT OR REPLACE too
        db.execute_sql(statement)


def _migrate_8() -> None:
    """Version 8: ``PERFORMANCE_INDEXES`` and one for the periodic report."""
    for statement in [*PERFORMANCE_INDEXES, _REPORT_INDEX_OF_8]:
        db.execute_sql(statement)


# Version 8 had these two for the inbox's counts per category and channel; the kept counts of version 9 answer them.
_DROPPED_IN_9 = ("complaint_by_category", "complaint_by_channel")


def _migrate_9() -> None:
    """Version 9: the inbox's counts kept by the database (models/tally.py), instead of two indexes of version 8."""
    create_tally()
    rebuild_tally()
    for name in _DROPPED_IN_9:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def _migrate_10() -> None:
    """Version 10: the dashboard's figures per day and the inbox's counts per deadline, kept by the database
    (models/day_tally.py, models/due_tally.py), and the exceptional complaints in an index of their own instead of
    version 8's report index."""
    create_day_tally()
    rebuild_day_tally()
    create_due_tally()
    rebuild_due_tally()
    db.execute_sql("DROP INDEX IF EXISTS complaint_report")
    for statement in REPORT_INDEXES:
        db.execute_sql(statement)


# MIGRATIONS[n] brings a database from version n-1 to n. Each runs inside one transaction.
MIGRATIONS: dict[int, Callable[[], None]] = {2: _migrate_2, 3: _migrate_3, 4: _migrate_4, 5: _migrate_5,
                                             6: _migrate_6, 7: _migrate_7, 8: _migrate_8,
                                             9: _migrate_9, 10: _migrate_10}


def current_version() -> int | None:
    """The schema version of the open database; None for an empty database."""
    if not db.table_exists(SchemaInfo._meta.table_name):
        return None
    row = SchemaInfo.select().order_by(SchemaInfo.version.desc()).first()
    return row.version if row else None


def _app_version_for(version: int) -> str:
    row = SchemaInfo.select().where(SchemaInfo.version == version).first()
    return row.app_version if row else "?"


def _audit_triggers() -> list[str]:
    table = AuditEntry._meta.table_name
    if is_sqlite():
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
            # INSERT OR REPLACE deletes the old row without firing the delete trigger: refuse it before it does.
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id OR operation_id = NEW.operation_id) "
            f"BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        ]
    return [
        "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    ]


def reseal_audit_chain(user_login: str, operation_id: str) -> dict | None:
    """Compute the audit log's chain again from its first broken entry, and log that; None when it was whole.

    Only ``db recover`` does this: two PCs that wrote one shared file without each other's locks can both link an
    entry to the same predecessor, which breaks the chain as an edit would. The new entry ("Logboekketen opnieuw
    vastgelegd") keeps where the chain broke and the chain value found there, so a reseal never hides that it
    happened. SQLite only: the triggers that refuse updates are lifted inside this one transaction.
    """
    from klachtenbureau.models import audit

    with db.atomic():
        broken = audit.first_broken()
        if broken is None:
            return None
        table = AuditEntry._meta.table_name
        db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
        previous = (AuditEntry.select(AuditEntry.chain).where(AuditEntry.id < broken.id)
                    .order_by(AuditEntry.id.desc()).limit(1).scalar() or "")
        rows = list(AuditEntry.select().where(AuditEntry.id >= broken.id).order_by(AuditEntry.id).dicts())
        for row in rows:
            previous = audit.link(previous, row)
            AuditEntry.update(chain=previous).where(AuditEntry.id == row["id"]).execute()
        for statement in _audit_triggers():
            db.execute_sql(statement)
        found = {"from_entry": broken.id, "at": str(broken.at), "action": broken.action, "login": broken.user_login,
                 "chain_found": broken.chain, "entries": len(rows)}
        audit.append(operation_id=operation_id, user_login=user_login, action="reseal_audit", entity="audit_entry",
                     entity_id=broken.id, changes=json.dumps(found, ensure_ascii=False, sort_keys=True))
    log.warning("Logboekketen opnieuw vastgelegd vanaf regel %s (%d regels)", broken.id, len(rows))
    return found


def create_schema() -> None:
    """Create every table of the current version in an empty database."""
    with db.atomic():
        db.create_tables([SchemaInfo, *TABLES])
        for statement in _audit_triggers():
            db.execute_sql(statement)
        db.execute_sql(
            "CREATE INDEX IF NOT EXISTS complaint_open_due ON complaint (status, answer_by)")
        for statement in RELATION_INDEXES:
            db.execute_sql(statement)
        create_fulltext()
        create_tally()
        create_day_tally()
        create_due_tally()
        for statement in INBOX_INDEXES + WORK_INDEXES + PERFORMANCE_INDEXES + REPORT_INDEXES:
            db.execute_sql(statement)
        SchemaInfo.create(version=SCHEMA_VERSION, app_version=__version__, updated_at=dt.datetime.now())


def check_version() -> int | None:
    """The stored version; raises when this application is too old for it."""
    version = current_version()
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaTooNewError(_(
            "Deze database is bijgewerkt door Klachtenbureau {app} (databaseversie {found}). "
            "Deze computer heeft een oudere versie die databaseversie {mine} kent: "
            "installeer Klachtenbureau {app} of nieuwer.").format(
                app=_app_version_for(version), found=version, mine=SCHEMA_VERSION))
    return version


def check_integrity(quick: bool = True) -> None:
    problems = integrity_check(quick=quick)
    if problems:
        log.error("Integriteitscontrole: %s", "; ".join(problems[:10]))  # SQLite's words: for the log, not the user
        raise DatabaseCorruptError(_(
            "De controle van de database vond {n} fout(en): het bestand is beschadigd. Laat de beheerder "
            "'klachtenbureau db recover' uitvoeren: die zet de laatste goede reservekopie terug en voegt daarna "
            "weer toe wat de computers sindsdien hebben opgeslagen.").format(n=len(problems)))


def backup_path_for(database_file: Path, reason: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return database_file.parent / "backups" / f"{database_file.stem}-{stamp}-{reason}{database_file.suffix}"


def upgrade(backup_dir: Path | None = None) -> list[int]:
    """Bring an older database to SCHEMA_VERSION; returns the versions applied.

    On SQLite a backup is made with the online backup API before the first
    step; on PostgreSQL the server's own backups are the administrator's job.
    """
    version = check_version()
    if version is None or version == SCHEMA_VERSION:
        return []
    if is_sqlite():
        database_file = Path(db.obj.database)
        target = backup_path_for(database_file, f"voor-v{SCHEMA_VERSION}")
        if backup_dir is not None:
            target = backup_dir / target.name
        sqlite_backup(db.obj, target)
    applied = []
    for step in range(version + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[step]()
            SchemaInfo.create(version=step, app_version=__version__, updated_at=dt.datetime.now())
        applied.append(step)
    return applied
