"""The one translator of database failures into the typed, Dutch errors a user is shown.

No Qt. The desk, the write queue and the command line all call ``translate``;
nothing else words a database problem. It knows SQLite's and PostgreSQL's
error classes and codes and the operating system's, and sorts each failure
into what the application should do next:

* *offline* (``ShareUnavailableError``): the share or the server is gone;
  input waits in this PC's queue and is sent when it is back;
* *read-only* (``ReadOnlyError``), *disk full* (``DiskFullError``),
  *locked too long* (``LockedTooLongError``): nothing saved, try later;
* *suspected damage* (``SuspectedDamageError``): SQLite said "malformed"
  during work. On a network share that is often a page read while another
  PC was half-way through writing, so it is first treated as transient
  (input kept, try again); only an integrity check on a *fresh* connection
  turns it into ``DatabaseCorruptError`` (``resilience.confirm_damage``);
* a refusal (``DuplicateError``, ``MissingReferenceError``): the database
  already holds that key, or no longer holds what a record refers to.

``translate`` returns None for what it does not recognise: that is a bug
(a missing column, a syntax error) and belongs in the crash dialog.
"""

from __future__ import annotations

import errno
import functools
import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar, cast

import peewee

from klachtenbureau.errors import (
    ConflictError, DatabaseBusyError, DatabaseCorruptError, DatabaseUnavailableError, KlachtenbureauError,
)
from klachtenbureau.i18n import _
from klachtenbureau.models import database
from klachtenbureau.models.database import db, is_busy_error

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


class ShareUnavailableError(DatabaseUnavailableError):
    """The network share (or the database server) went away."""


class ReadOnlyError(DatabaseUnavailableError):
    """The database can be read but not written (read-only share, no write permission)."""


class DiskFullError(DatabaseUnavailableError):
    """The disk holding the database is full; nothing was saved."""


class LockedTooLongError(DatabaseBusyError):
    """Another PC kept the database locked past every retry."""


class SuspectedDamageError(DatabaseUnavailableError):
    """SQLite reported a damaged page during work; not yet confirmed by a check on a fresh connection."""


class DuplicateError(ConflictError):
    """The database refused a second record with the same number or name."""


class MissingReferenceError(ConflictError):
    """The database refused a record that refers to one that is not (any more) there."""


class WriteNotConfirmedError(DatabaseUnavailableError):
    """A commit returned, but its audit entry cannot be read back: send it again with the same id."""

    def __init__(self, operation_id: str, message: str | None = None):
        super().__init__(message or _(
            "Het opslaan is niet bevestigd door de database; het is onzeker of uw wijziging is aangekomen. "
            "Ze wordt opnieuw verstuurd met hetzelfde kenmerk, zodat niets dubbel wordt opgeslagen."))
        self.operation_id = operation_id


def share_gone() -> ShareUnavailableError:
    if database.is_sqlite() or db.obj is None:
        return ShareUnavailableError(_(
            "De netwerkschijf met de database is niet bereikbaar; de verbinding is verbroken. "
            "Klachtenbureau maakt vanzelf opnieuw verbinding zodra de schijf terug is; "
            "wat u invoerde blijft op deze computer bewaard."))
    return ShareUnavailableError(_(
        "De databaseserver is niet bereikbaar; de verbinding is verbroken. Klachtenbureau maakt vanzelf "
        "opnieuw verbinding zodra de server terug is; wat u invoerde blijft op deze computer bewaard."))


def read_only() -> ReadOnlyError:
    return ReadOnlyError(_(
        "De database kan alleen gelezen worden: de netwerkschijf of het databasebestand is alleen-lezen, "
        "of u heeft geen schrijfrechten. U kunt klachten bekijken maar niets opslaan; uw invoer blijft "
        "bewaard. Vraag de beheerder om schrijfrechten op de map van de database."))


def _disk_full() -> DiskFullError:
    return DiskFullError(_(
        "De schijf met de database is vol; er is niets opgeslagen. Uw invoer blijft bewaard. "
        "Vraag de beheerder ruimte te maken, bijvoorbeeld door oude reservekopieën op te ruimen."))


def locked_too_long() -> LockedTooLongError:
    return LockedTooLongError(_(
        "De database is al lange tijd bezet door een andere computer; er is niets opgeslagen. Uw invoer blijft "
        "bewaard. Probeer het over een paar minuten opnieuw, of vraag collega's Klachtenbureau af te sluiten."))


def _suspected_damage() -> SuspectedDamageError:
    return SuspectedDamageError(_(
        "De database gaf een leesfout. Dat kan tijdelijk zijn (een andere computer was net aan het opslaan); "
        "er is niets opgeslagen en uw invoer blijft op deze computer bewaard. Klachtenbureau controleert de "
        "database en probeert het vanzelf opnieuw."))


def confirmed_damage(problems: str) -> DatabaseCorruptError:
    """The message once checks on fresh connections found the damage: only now is a restore advised.

    SQLite's own words (``problems``) go to the log file, not to the user.
    """
    log.error("Database beschadigd: %s", problems)
    return DatabaseCorruptError(_(
        "De controle van de database vond fouten: het bestand is beschadigd. Werk niet verder met deze database en "
        "laat de beheerder 'klachtenbureau db recover' uitvoeren: die zet de laatste goede reservekopie terug en "
        "voegt daarna weer toe wat de computers sindsdien hebben opgeslagen."))


def _duplicate() -> DuplicateError:
    return DuplicateError(_(
        "De database heeft dit nummer of deze naam al; er is niets opgeslagen. Laad de gegevens opnieuw en "
        "probeer het nog eens; uw invoer blijft bewaard."))


def _missing_reference() -> MissingReferenceError:
    return MissingReferenceError(_(
        "De database weigerde dit omdat iets waar het naar verwijst (een klager, klacht of collega) er niet meer "
        "is; er is niets opgeslagen. Laad de gegevens opnieuw; uw invoer blijft bewaard."))


def _not_a_database() -> DatabaseCorruptError:
    return DatabaseCorruptError(_(
        "Dit bestand is geen Klachtenbureau-database (of het begin ervan is beschadigd). Kies het goede "
        "bestand, of laat de beheerder 'klachtenbureau db recover' uitvoeren."))


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
                "could not receive data", "could not send data", "ssl connection has been closed",
                "database connection is closed", "cannot operate on a closed database")
# What peewee's own ROLLBACK or COMMIT says after SQLite already ended the transaction: the cause is one
# step back (``__context__``); on its own it means the connection broke off mid-transaction.
_ENDED_TEXTS = ("cannot rollback", "cannot commit", "no transaction is active")
_READ_ONLY_TEXTS = ("readonly database", "read-only", "read only")
_FULL_TEXTS = ("database or disk is full", "disk is full", "no space left on device")
_DUPLICATE_TEXTS = ("unique constraint failed", "duplicate key value")
_REFERENCE_TEXTS = ("foreign key constraint failed", "violates foreign key constraint")
_DRIVER_ERRORS = (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error)


def _original(exc: BaseException, attribute: str) -> str | None:
    """``attribute`` of the driver's own exception behind peewee's (pgcode, sqlite_errorname)."""
    for candidate in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__):
        value = getattr(candidate, attribute, None)
        if value:
            return value
    return None


def _from_sqlite(name: str) -> KlachtenbureauError | None:
    """SQLite's extended result code names the cause more exactly than its message."""
    if name.startswith("SQLITE_CORRUPT"):
        return _suspected_damage()
    if name == "SQLITE_NOTADB":
        return _not_a_database()
    if name == "SQLITE_READONLY_DBMOVED":  # the file this connection opened is gone (share remounted)
        return share_gone()
    if name.startswith("SQLITE_READONLY"):
        return read_only()
    if name == "SQLITE_FULL":
        return _disk_full()
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return share_gone()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return locked_too_long()
    if name.startswith("SQLITE_CONSTRAINT_UNIQUE") or name == "SQLITE_CONSTRAINT_PRIMARYKEY":
        return _duplicate()
    if name == "SQLITE_CONSTRAINT_FOREIGNKEY":
        return _missing_reference()
    return None


def _from_postgres(code: str) -> KlachtenbureauError | None:
    if code == "23505":
        return _duplicate()
    if code == "23503":
        return _missing_reference()
    if code == "25006":
        return read_only()
    if code in ("53100", "53200"):
        return _disk_full()
    if code in ("55P03", "57014", "40P01", "40001"):
        return locked_too_long()
    if code.startswith("08") or code in ("57P01", "57P02", "57P03"):
        return share_gone()
    return None


def _from_errno(exc: OSError) -> KlachtenbureauError | None:
    winerror = getattr(exc, "winerror", None)
    if exc.errno in _FULL_ERRNOS or winerror in _FULL_WINERRORS:
        return _disk_full()
    if exc.errno in _READ_ONLY_ERRNOS or winerror in _READ_ONLY_WINERRORS:
        return read_only()
    if winerror in _LOCKED_WINERRORS:
        return locked_too_long()
    if exc.errno in _SHARE_ERRNOS or winerror in _SHARE_WINERRORS:
        return share_gone()
    return None


def _from_text(text: str) -> KlachtenbureauError | None:
    # A constraint that does not say which one: SQLite found an index that disagrees with its table.
    if "malformed" in text or "corrupt" in text or text.strip() == "constraint failed":
        return _suspected_damage()
    if "not a database" in text:
        return _not_a_database()
    if any(t in text for t in _DUPLICATE_TEXTS):
        return _duplicate()
    if any(t in text for t in _REFERENCE_TEXTS):
        return _missing_reference()
    if is_busy_error(Exception(text)):
        return locked_too_long()
    if any(t in text for t in _FULL_TEXTS):
        return _disk_full()
    if any(t in text for t in _READ_ONLY_TEXTS):
        return read_only()
    if any(t in text for t in _SHARE_TEXTS):
        return share_gone()
    return None


def _translate_one(exc: BaseException) -> KlachtenbureauError | None:
    if isinstance(exc, KlachtenbureauError):
        return locked_too_long() if type(exc) is DatabaseBusyError else exc
    if isinstance(exc, OSError):
        return _from_errno(exc)
    if not isinstance(exc, _DRIVER_ERRORS):
        return None
    typed = _from_sqlite(_original(exc, "sqlite_errorname") or "")
    if typed is None:
        code = _original(exc, "pgcode")
        typed = _from_postgres(code) if code else None
    if typed is None:
        typed = _from_text(str(exc).lower())
    if typed is None:
        cause = exc.__cause__ or exc.__context__
        typed = _from_errno(cause) if isinstance(cause, OSError) else None
    return typed


def translate(exc: BaseException) -> KlachtenbureauError | None:
    """The typed error to show for ``exc``; None when it is not a database failure we know (a bug)."""
    typed = _translate_one(exc)
    if typed is None and isinstance(exc, _DRIVER_ERRORS):
        # SQLite rolls a transaction back by itself after a full disk or an I/O error; peewee's own
        # ROLLBACK then fails ('no transaction is active') and hides the real cause one step back.
        cause = exc.__context__
        for _depth in range(6):
            if cause is None:
                break
            typed = _translate_one(cause)
            if typed is not None:
                return typed
            cause = cause.__context__
        if any(t in str(exc).lower() for t in _ENDED_TEXTS):
            return share_gone()
    return typed


def typed_errors(function: F) -> F:
    """For what the desk calls on its UI thread: a database failure leaves as the typed error, a bug unchanged.

    (Work off the UI thread is translated by ui/operations.py.)
    """
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except _DRIVER_ERRORS as exc:
            problem = translate(exc)
            if problem is None:
                raise
            raise problem from exc

    return cast(F, wrapper)


def offline(exc: BaseException) -> DatabaseUnavailableError | None:
    """The typed error when ``exc`` means 'keep the input and try again later'; None for a refusal or a bug.

    Suspected damage counts as 'later' (a transient read on a share); confirmed damage does not, but a
    queued write is never thrown away for it either: it waits until the database is recovered. A duplicate
    key counts as 'later' too: every key the desk writes is made inside its own transaction, so a clash
    means another PC's write was not seen (a share without locks); sent again with the same operation id,
    the write either finds its first attempt or gets a fresh number.
    """
    typed = translate(exc)
    if isinstance(typed, DatabaseUnavailableError):
        return typed
    if isinstance(typed, (DatabaseCorruptError, DuplicateError)):
        return ShareUnavailableError(typed.message)
    return None
