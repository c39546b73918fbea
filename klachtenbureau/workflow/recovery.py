"""Recovering a damaged shared file without losing work: ``klachtenbureau db recover``.

No Qt. Damage limited to the indexes (rows the index lost track of, the
usual result of two PCs writing without each other's locks) is repaired in
place with ``REINDEX``: the rows themselves are all there, so nothing is
lost. Otherwise the latest backup that passes its check is put back (the
damaged file is kept aside, never deleted). An audit log whose chain broke
because two PCs appended to it at once is chained again, and that is logged
with where it broke (``schema.reseal_audit_chain``). Either way the writes this PC
confirmed are then checked and applied again from its ledger (``recheck``),
each with its own operation id, so nothing is doubled. The other PCs do the
same with their own ledgers by themselves: the desk checks its ledger at
every start and every few minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sqlite3
from pathlib import Path

from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError
from klachtenbureau.i18n import _
from klachtenbureau.models import database, day_tally, due_tally, schema, tally
from klachtenbureau.workflow import operations, recheck
from klachtenbureau.workflow.upkeep import backups, store

log = logging.getLogger(__name__)

_ASIDE = "-vervangen-"  # a file ``backups.restore`` moved aside: the damaged one, never a candidate
_INDEX_ONLY = ("missing from index", "wrong # of entries in index", "non-unique entry in index")


@dataclasses.dataclass
class RecoveryReport:
    backup: Path | None  # None: the indexes were rebuilt in place, no backup was needed
    aside: Path | None
    recheck: recheck.VerifyReport
    resealed: dict | None = None  # where the audit log's chain broke, when it had to be laid again


def repair_indexes(path: Path) -> bool:
    """Rebuild the indexes when they are all that is damaged; True when the file then passes its check."""
    connection = sqlite3.connect(str(path), timeout=database.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        if problems == ["ok"]:
            return True
        if not all(any(text in problem for text in _INDEX_ONLY) for problem in problems):
            return False
        log.warning("Alleen de indexen van %s zijn beschadigd (%d meldingen); REINDEX", path, len(problems))
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("REINDEX")
        except sqlite3.DatabaseError as exc:  # e.g. two rows with one number: the rows themselves disagree
            connection.execute("ROLLBACK")
            log.warning("REINDEX lukte niet: %s", exc)
            return False
        connection.execute("COMMIT")
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError as exc:
        log.warning("Indexen herstellen lukte niet: %s", exc)
        return False
    finally:
        connection.close()


def candidates(database_file: Path) -> list[Path]:
    """Every backup of ``database_file`` (daily, by hand, before an upgrade), newest first."""
    folder = backups.backup_dir(database_file)
    found = [path for path in folder.glob(f"{database_file.stem}-*{database_file.suffix}")
             if _ASIDE not in path.name] if folder.exists() else []
    return sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)


def latest_good_backup(database_file: Path) -> Path:
    """The newest backup that passes its integrity check."""
    problems = []
    for path in candidates(database_file):
        try:
            backups.check_backup(path)
            return path
        except (DatabaseCorruptError, DatabaseUnavailableError) as exc:
            problems.append(exc.message)
    raise DatabaseUnavailableError(_(
        "Er is geen bruikbare reservekopie in {folder}; er is niets veranderd.").format(
            folder=backups.backup_dir(database_file)) + (" " + " ".join(problems[:2]) if problems else ""))


def recover(url: str) -> RecoveryReport:
    """Repair the file at ``url`` (indexes in place, else the latest good backup) and apply again what this PC
    confirmed that it lacks."""
    path = database.sqlite_path(url)
    if path is None:
        raise DatabaseUnavailableError(_(
            "Herstellen kan hier alleen voor een gedeeld databasebestand. Zet op de kantoorserver een nachtelijke "
            "reservekopie terug met: klachtenbureau db restore BESTAND --db URL"))
    database.close()
    good = aside = None
    if not repair_indexes(path):
        good = latest_good_backup(path)
        aside = backups.restore(good, url)
    store.open_database(url)
    tally.rebuild_tally()  # a file two PCs wrote without each other's locks may have lost a write to it
    day_tally.rebuild_day_tally()
    due_tally.rebuild_due_tally()
    resealed = schema.reseal_audit_chain(store.system_user().login, operations.new_operation_id())
    report = recheck.verify(url, check_after=dt.timedelta(0))
    return RecoveryReport(good, aside, report, resealed)
