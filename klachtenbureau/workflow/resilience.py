"""When the network share drops mid-work: typed errors, reconnecting, checking every write.

No Qt. (Writes that have to wait on this PC until the database is back: ``write_queue``.)

* ``classify(exc)`` turns a low-level failure (SQLite, PostgreSQL, the
  operating system) into one of a few typed errors with a Dutch message and
  the state the application should go to: *offline* (the share or server is
  gone), *read-only* (nothing can be saved, everything can be read), or still
  online (disk full, locked for a long time: try again later).
* ``reconnect(url)`` opens the database again and runs ``quick_check``;
  ``verify_written(operation_id)`` reads a write's audit entry back after its
  commit (``operations.perform`` calls it after every write).
"""

from __future__ import annotations

import errno
import sqlite3
import time

import peewee

from klachtenbureau.errors import (
    DatabaseBusyError, DatabaseCorruptError, DatabaseUnavailableError, KlachtenbureauError, SchemaTooNewError,
)
from klachtenbureau.i18n import _
from klachtenbureau.models import AuditEntry, database
from klachtenbureau.models.database import db, is_busy_error

# --- typed errors --------------------------------------------------------------


class ShareUnavailableError(DatabaseUnavailableError):
    """The network share (or the database server) went away."""


class ReadOnlyError(DatabaseUnavailableError):
    """The database can be read but not written (read-only share, no write permission)."""


class DiskFullError(DatabaseUnavailableError):
    """The disk holding the database is full; nothing was saved."""


class LockedTooLongError(DatabaseBusyError):
    """Another PC kept the database locked past every retry."""


class WriteNotConfirmedError(DatabaseUnavailableError):
    """A commit returned, but its audit entry cannot be read back: send it again with the same id."""

    def __init__(self, operation_id: str, message: str | None = None):
        super().__init__(message or _(
            "Het opslaan is niet bevestigd door de database; het is onzeker of uw wijziging is aangekomen. "
            "Ze wordt opnieuw verstuurd met hetzelfde kenmerk, zodat niets dubbel wordt opgeslagen."))
        self.operation_id = operation_id


def _share_gone() -> ShareUnavailableError:
    if database.is_sqlite() or db.obj is None:
        return ShareUnavailableError(_(
            "De netwerkschijf met de database is niet bereikbaar; de verbinding is verbroken. "
            "Klachtenbureau maakt vanzelf opnieuw verbinding zodra de schijf terug is; "
            "wat u invoerde blijft op deze computer bewaard."))
    return ShareUnavailableError(_(
        "De databaseserver is niet bereikbaar; de verbinding is verbroken. Klachtenbureau maakt vanzelf "
        "opnieuw verbinding zodra de server terug is; wat u invoerde blijft op deze computer bewaard."))


def _read_only() -> ReadOnlyError:
    return ReadOnlyError(_(
        "De database kan alleen gelezen worden: de netwerkschijf of het databasebestand is alleen-lezen, "
        "of u heeft geen schrijfrechten. U kunt klachten bekijken maar niets opslaan; uw invoer blijft "
        "bewaard. Vraag de beheerder om schrijfrechten op de map van de database."))


def _disk_full() -> DiskFullError:
    return DiskFullError(_(
        "De schijf met de database is vol; er is niets opgeslagen. Uw invoer blijft bewaard. "
        "Vraag de beheerder ruimte te maken, bijvoorbeeld door oude reservekopieën op te ruimen."))


def _locked_too_long() -> LockedTooLongError:
    return LockedTooLongError(_(
        "De database is al lange tijd bezet door een andere computer; er is niets opgeslagen. Uw invoer blijft "
        "bewaard. Probeer het over een paar minuten opnieuw, of vraag collega's Klachtenbureau af te sluiten."))


_SHARE_ERRNOS = {errno.ENOENT, errno.EIO, errno.ENOTCONN, errno.ESTALE, errno.EHOSTDOWN, errno.EHOSTUNREACH,
                 errno.ENETDOWN, errno.ENETUNREACH, errno.ENETRESET, errno.ECONNRESET, errno.ECONNABORTED,
                 errno.ECONNREFUSED, errno.ETIMEDOUT, errno.EBADF}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
# Windows system error codes an SMB client reports.
_SHARE_WINERRORS = {51, 53, 59, 64, 67, 121, 1231}  # network path gone / name deleted / semaphore timeout
_READ_ONLY_WINERRORS = {5, 19}  # access denied, write protected
_FULL_WINERRORS = {39, 112}  # handle disk full, disk full
_LOCKED_WINERRORS = {32, 33}  # sharing violation, lock violation

_SHARE_TEXTS = ("disk i/o error", "unable to open database file", "server closed the connection",
                "could not connect to server", "connection refused", "connection already closed",
                "terminating connection", "no connection to the server", "connection timed out",
                "could not receive data", "could not send data", "ssl connection has been closed")
_READ_ONLY_TEXTS = ("readonly database", "read-only", "read only")
_FULL_TEXTS = ("database or disk is full", "disk is full", "no space left on device")


def _original(exc: BaseException, attribute: str) -> str | None:
    """``attribute`` of the driver's own exception behind peewee's (pgcode, sqlite_errorname)."""
    for candidate in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__):
        value = getattr(candidate, attribute, None)
        if value:
            return value
    return None


def _from_sqlite(name: str) -> KlachtenbureauError | None:
    """SQLite's extended result code names the cause more exactly than its message."""
    if name == "SQLITE_READONLY_DBMOVED":  # the file this connection opened is gone (share remounted)
        return _share_gone()
    if name.startswith("SQLITE_READONLY"):
        return _read_only()
    if name == "SQLITE_FULL":
        return _disk_full()
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return _share_gone()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _locked_too_long()
    return None


def _from_errno(exc: OSError) -> KlachtenbureauError | None:
    winerror = getattr(exc, "winerror", None)
    if exc.errno in _FULL_ERRNOS or winerror in _FULL_WINERRORS:
        return _disk_full()
    if exc.errno in _READ_ONLY_ERRNOS or winerror in _READ_ONLY_WINERRORS:
        return _read_only()
    if winerror in _LOCKED_WINERRORS:
        return _locked_too_long()
    if exc.errno in _SHARE_ERRNOS or winerror in _SHARE_WINERRORS:
        return _share_gone()
    return None


def classify(exc: BaseException) -> KlachtenbureauError | None:
    """The typed error to show for a database failure; None when it is not one we recognise (a bug)."""
    typed = _classify_one(exc)
    if typed is None and isinstance(exc, (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error)):
        # SQLite rolls a transaction back by itself after a full disk or an I/O error; peewee's own
        # ROLLBACK then fails ('no transaction is active') and hides the real cause one step back.
        cause = exc.__context__
        for _depth in range(6):
            if cause is None:
                break
            typed = _classify_one(cause)
            if typed is not None:
                return typed
            cause = cause.__context__
    return typed


def _classify_one(exc: BaseException) -> KlachtenbureauError | None:
    if isinstance(exc, (ShareUnavailableError, ReadOnlyError, DiskFullError, LockedTooLongError,
                        WriteNotConfirmedError)):
        return exc
    if isinstance(exc, DatabaseBusyError) or is_busy_error(exc):
        return _locked_too_long()
    if isinstance(exc, KlachtenbureauError):
        return exc
    if isinstance(exc, OSError):
        return _from_errno(exc)
    if not isinstance(exc, (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error)) \
            or isinstance(exc, (peewee.IntegrityError, sqlite3.IntegrityError)):
        return None
    text = str(exc).lower()
    name = _original(exc, "sqlite_errorname") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return database.explain(exc)
    typed = _from_sqlite(name)
    if typed is not None:
        return typed
    code = _original(exc, "pgcode")
    if code == "25006":
        return _read_only()
    if code in ("53100", "53200"):
        return _disk_full()
    if code in ("55P03", "57014", "40P01"):
        return _locked_too_long()
    if code and (code.startswith("08") or code in ("57P01", "57P02", "57P03")):
        return _share_gone()
    if any(t in text for t in _FULL_TEXTS):
        return _disk_full()
    if any(t in text for t in _READ_ONLY_TEXTS):
        return _read_only()
    if any(t in text for t in _SHARE_TEXTS):
        return _share_gone()
    cause = exc.__cause__ or exc.__context__
    return _from_errno(cause) if isinstance(cause, OSError) else None


# --- reconnecting and verifying -----------------------------------------------------


def reconnect(url: str) -> None:
    """Open ``url`` afresh and check it quickly; raises a typed error while it is still unreachable."""
    from klachtenbureau.models import schema

    database.close()
    try:
        database.connect(url)
        schema.check_version()
        schema.check_integrity(quick=True)
    except (DatabaseCorruptError, SchemaTooNewError):
        database.close()
        raise
    except (peewee.DatabaseError, sqlite3.Error, OSError, DatabaseUnavailableError) as exc:
        database.close()
        original = exc.__cause__ if isinstance(exc, DatabaseUnavailableError) and exc.__cause__ else exc
        typed = classify(original)
        if isinstance(typed, DatabaseCorruptError):
            raise typed from exc
        # Whatever else keeps us from the file or server counts as 'still offline'.
        raise (typed if isinstance(typed, (ReadOnlyError, DiskFullError, LockedTooLongError))
               else _share_gone()) from exc


def check_writable() -> None:
    """Raise ReadOnlyError (or another typed error) when the open database takes no writes now.

    A read works on a read-only share, so reading tells nothing: this starts a
    real write and rolls it back. SQLite writes its journal next to the file
    for it; PostgreSQL reports a read-only server or standby.
    """
    try:
        if database.is_sqlite():
            with db.atomic() as transaction:
                version = db.execute_sql("PRAGMA user_version").fetchone()[0]
                db.execute_sql(f"PRAGMA user_version = {int(version)}")
                transaction.rollback()
        elif db.execute_sql("SHOW transaction_read_only").fetchone()[0] == "on":
            raise _read_only()
    except (peewee.DatabaseError, sqlite3.Error, OSError) as exc:
        typed = classify(exc)
        raise (typed if typed is not None else _share_gone()) from exc


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
        typed = classify(exc)
        raise (typed if typed is not None else WriteNotConfirmedError(operation_id)) from exc
    if not found:
        raise WriteNotConfirmedError(operation_id)
