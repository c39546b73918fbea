"""When the network share drops mid-work: reconnecting, confirming damage, checking every write.

No Qt. (The typed errors themselves: ``db_errors``; writes that have to wait
on this PC until the database is back: ``write_queue``.)

* ``reconnect(url)`` opens the database again and runs ``quick_check``; a
  failing check is repeated on fresh connections before the damage counts
  (``confirm_damage``), because on a share a page read while another PC
  writes can look damaged for a moment.
* ``verify_written(operation_id)`` reads a write's audit entry back after its
  commit (``operations.perform`` calls it after every write).
"""

from __future__ import annotations

import sqlite3
import time

import peewee

from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError, SchemaTooNewError
from klachtenbureau.models import AuditEntry, database
from klachtenbureau.models.database import db
from klachtenbureau.workflow.db_errors import (
    DiskFullError, LockedTooLongError, ReadOnlyError, SuspectedDamageError, WriteNotConfirmedError, confirmed_damage,
    read_only, share_gone, translate,
)

DAMAGE_CHECKS = 3  # fresh connections that must all find the damage before it counts
DAMAGE_PAUSE = 1.0  # seconds between them: long enough for another PC to finish its write

# --- reconnecting and verifying -----------------------------------------------------


def _open_and_check(url: str) -> None:
    from klachtenbureau.models import schema

    database.close()
    database.connect(url)
    schema.check_version()
    problems = database.integrity_check(quick=True)
    if problems:
        raise SuspectedDamageError("; ".join(problems[:3]))


def confirm_damage(url: str, first_problem: str = "") -> DatabaseCorruptError | None:
    """Check ``url`` on fresh connections, ``DAMAGE_CHECKS`` times; the error only when every check fails.

    A "malformed" during work on a share is often a page read while another
    PC was writing. Only a check that keeps failing on a fresh connection
    means the file is damaged; until then nothing tells the user to restore.
    The database stays open when a check passes.
    """
    problem = first_problem
    for attempt in range(DAMAGE_CHECKS):
        if attempt:
            time.sleep(DAMAGE_PAUSE)
        try:
            _open_and_check(url)
            return None
        except SuspectedDamageError as exc:
            problem = exc.message
        except (peewee.DatabaseError, sqlite3.Error) as exc:
            typed = translate(exc)
            if not isinstance(typed, (SuspectedDamageError, DatabaseCorruptError)):
                database.close()
                return None  # not damage after all: gone, locked, …; reconnecting deals with that
            problem = str(exc).strip().splitlines()[0]
        database.close()
    return confirmed_damage(problem)


def reconnect(url: str) -> None:
    """Open ``url`` afresh and check it quickly; raises a typed error while it is still unreachable."""
    try:
        _open_and_check(url)
    except SchemaTooNewError:
        database.close()
        raise
    except (peewee.DatabaseError, sqlite3.Error, OSError, DatabaseUnavailableError, DatabaseCorruptError) as exc:
        database.close()
        original = exc.__cause__ if isinstance(exc, DatabaseUnavailableError) and exc.__cause__ else exc
        typed = exc if isinstance(exc, SuspectedDamageError) else translate(original)
        if isinstance(typed, (SuspectedDamageError, DatabaseCorruptError)):
            damage = confirm_damage(url, typed.message)
            if damage is not None:
                raise damage from exc
            if db.obj is None or db.obj.is_closed():
                raise share_gone() from exc
            return  # the damage was passing: the last check left the database open
        # Whatever else keeps us from the file or server counts as 'still offline'.
        raise (typed if isinstance(typed, (ReadOnlyError, DiskFullError, LockedTooLongError))
               else share_gone()) from exc


def check_writable() -> None:
    """Raise ReadOnlyError (or another typed error) when the open database takes no writes now.

    A read works on a read-only share, so reading tells nothing: this starts a
    real write and rolls it back. SQLite writes its journal next to the file
    for it; PostgreSQL reports a read-only server or standby.
    """
    database.ready_for_writing()  # a PC the shared file refuses does not even try (the journal is shared)
    try:
        if database.is_sqlite():
            with db.atomic() as transaction:
                version = db.execute_sql("PRAGMA user_version").fetchone()[0]
                db.execute_sql(f"PRAGMA user_version = {int(version)}")
                transaction.rollback()
        elif db.execute_sql("SHOW transaction_read_only").fetchone()[0] == "on":
            raise read_only()
    except (peewee.DatabaseError, sqlite3.Error, OSError) as exc:
        typed = translate(exc)
        raise (typed if typed is not None else share_gone()) from exc


def wait_for_database(url: str, timeout: float, first_wait: float = 0.5) -> None:
    """Reconnect, trying again with growing pauses until ``timeout`` seconds have passed.

    For the command line and tests; the GUI retries on a timer instead so the window stays responsive.
    """
    deadline = time.monotonic() + timeout
    pause = first_wait
    while True:
        try:
            reconnect(url)
            return
        except DatabaseUnavailableError:
            if time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 5.0)


def verify_written(operation_id: str) -> None:
    """Read the write's audit entry back after its commit; raise when it is not there.

    A write that was acknowledged but did not reach the file (a share that
    dropped at the wrong moment) is caught here, and the caller sends it
    again with the same ``operation_id``.
    """
    try:
        found = AuditEntry.select(AuditEntry.id).where(AuditEntry.operation_id == operation_id).exists()
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        typed = translate(exc)
        raise (typed if typed is not None else WriteNotConfirmedError(operation_id)) from exc
    if not found:
        raise WriteNotConfirmedError(operation_id)
