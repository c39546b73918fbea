"""The one database everybody shares: opened by URL, SQLite or PostgreSQL.

SQLite here usually lives on a network drive, so it is set up to be the
careful party: a rollback journal (WAL needs shared memory that a share does
not have), ``synchronous=FULL``, foreign keys on, a busy timeout, and write
transactions that take the write lock up front (``BEGIN IMMEDIATE``) so two
PCs never deadlock half-way. A write that still finds the file busy is
retried with jitter before the user is told.
"""

from __future__ import annotations

import functools
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlparse

import peewee

from klachtenbureau.errors import DatabaseBusyError, DatabaseCorruptError, DatabaseUnavailableError
from klachtenbureau.i18n import _

db = peewee.DatabaseProxy()

BUSY_TIMEOUT_MS = 10_000
WRITE_ATTEMPTS = 6

# Checks every write transaction passes first: each raises a typed error when this PC must not write now
# (the shared file is not safe for a second PC, the file moved to the office server). The shared-file guard
# of the workflow layer registers itself here; models cannot import it.
_write_guards: list[Callable[[], None]] = []

T = TypeVar("T")


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL, or None for another kind of URL."""
    if not url.startswith("sqlite:"):
        return None
    parsed = urlparse(url)
    path = unquote(parsed.path)
    if parsed.netloc:  # sqlite://server/share/file.db (UNC path)
        path = f"//{parsed.netloc}{path}"
    elif len(path) > 2 and path[0] == "/" and path[2] == ":":  # sqlite:///C:/data/klachten.db
        path = path[1:]
    if not path:
        raise DatabaseUnavailableError(_("Het databaseadres {url} noemt geen bestand.").format(url=url))
    return Path(path)


def is_sqlite(database: peewee.Database | None = None) -> bool:
    target = database if database is not None else db.obj
    return isinstance(target, peewee.SqliteDatabase)


def make_database(url: str) -> peewee.Database:
    """A peewee database for ``url`` (not yet connected)."""
    path = sqlite_path(url)
    if path is not None:
        return peewee.SqliteDatabase(
            str(path),
            pragmas={
                "journal_mode": "delete",
                "synchronous": 2,  # FULL
                "foreign_keys": 1,
                "busy_timeout": BUSY_TIMEOUT_MS,
                "cache_size": -32_000,
            },
            timeout=BUSY_TIMEOUT_MS / 1000,
            lock_type="IMMEDIATE",
            check_same_thread=False,
        )
    parsed = urlparse(url)
    if parsed.scheme in ("postgresql", "postgres"):
        return peewee.PostgresqlDatabase(
            unquote(parsed.path.lstrip("/")) or "klachtenbureau",
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname,
            port=parsed.port,
            connect_timeout=10,
        )
    raise DatabaseUnavailableError(
        _("Onbekend databaseadres {url}; gebruik sqlite:///pad/naar/klachten.db of postgresql://…").format(url=url))


def bind(database: peewee.Database) -> None:
    db.initialize(database)


def connect(url: str, must_exist: bool = True) -> peewee.Database:
    """Open ``url`` and make it the database every model uses."""
    path = sqlite_path(url)
    if path is not None and must_exist and not path.exists():
        raise DatabaseUnavailableError(
            _("De database {path} bestaat niet (of de netwerkschijf is niet bereikbaar).").format(path=path))
    if path is not None and not path.parent.exists():
        raise DatabaseUnavailableError(_("De map {folder} bestaat niet of is niet bereikbaar.").format(folder=path.parent))
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    database = make_database(url)
    try:
        database.connect()
    except peewee.DatabaseError as exc:
        raise explain(exc) from exc
    bind(database)
    return database


def close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


def busy_error() -> DatabaseBusyError:
    return DatabaseBusyError(_(
        "De database is bezet door een andere computer. Probeer het over een minuut opnieuw; "
        "uw invoer is bewaard."))


def explain(exc: peewee.DatabaseError) -> DatabaseUnavailableError | DatabaseCorruptError:
    """The typed error a user is shown for a low-level database failure."""
    text = str(exc).lower()
    if is_busy_error(exc):
        return busy_error()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseCorruptError(_(
            "Het databasebestand is beschadigd of is geen Klachtenbureau-database ({reason}). "
            "Zet een reservekopie terug.").format(reason=_reason(exc)))
    if "readonly" in text or "read-only" in text:
        return DatabaseUnavailableError(_(
            "De database kan alleen gelezen worden (alleen-lezen schijf of geen schrijfrechten)."))
    if "disk is full" in text or "database or disk is full" in text:
        return DatabaseUnavailableError(_("De schijf met de database is vol; er is niets opgeslagen."))
    return DatabaseUnavailableError(_("De database is niet bereikbaar: {reason}").format(reason=_reason(exc)))


def _reason(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def is_busy_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def _is_postgres_retryable(exc: BaseException) -> bool:
    code = getattr(getattr(exc, "__cause__", None), "pgcode", None) or getattr(exc, "pgcode", None)
    return code in ("40001", "40P01")  # serialization failure, deadlock


def retry_on_busy(fn: Callable[..., T]) -> Callable[..., T]:
    """Retry a whole write transaction while the database is locked by another PC.

    The SQLite busy timeout already waits inside one attempt; this outer loop
    covers the cases where SQLite gives up at once (a lock upgrade that would
    deadlock) and adds jitter so PCs that collided do not collide again.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for attempt in range(WRITE_ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except (peewee.OperationalError, peewee.InternalError) as exc:
                if not (is_busy_error(exc) or _is_postgres_retryable(exc)):
                    raise
                if attempt == WRITE_ATTEMPTS - 1:
                    raise busy_error() from exc
                time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper


def add_write_guard(guard: Callable[[], None]) -> None:
    """Run ``guard`` before every write transaction; it raises to refuse the write."""
    if guard not in _write_guards:
        _write_guards.append(guard)


def remove_write_guard(guard: Callable[[], None]) -> None:
    if guard in _write_guards:
        _write_guards.remove(guard)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A short write transaction (``BEGIN IMMEDIATE`` on SQLite), after every write guard agreed."""
    for guard in list(_write_guards):
        guard()
    with db.atomic():
        yield


def integrity_check(quick: bool = True) -> list[str]:
    """Problems SQLite's own check finds; empty when all is well (always empty on PostgreSQL)."""
    if not is_sqlite():
        return []
    pragma = "quick_check" if quick else "integrity_check"
    rows = [r[0] for r in db.execute_sql(f"PRAGMA {pragma}").fetchall()]
    return [] if rows == ["ok"] else rows


def sqlite_backup(source: peewee.SqliteDatabase, destination: Path) -> None:
    """Copy a live SQLite database with the online backup API and check the copy."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".tmp")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(str(tmp))
    try:
        source.connection().backup(target)
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise DatabaseUnavailableError(_("De reservekopie is beschadigd en is niet bewaard: {problem}").format(problem=ok))
    tmp.replace(destination)
