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
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote, unquote, urlparse

import peewee

from klachtenbureau.errors import DatabaseMovedError, DatabaseUnavailableError, KlachtenbureauError
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


def identity(url: str) -> str:
    """``url`` without its user and password: what this PC's queue and ledger files name a database by.

    The office server's password stays out of those files, and a server that
    was set up again with a new password, or that the PCs now reach as the
    desks' role instead of its owner (``server/roles.py``), is still the same
    database. Idempotent, so a name stored by an older version can be compared
    by passing it through here again.
    """
    parsed = urlparse(url)
    if "@" not in parsed.netloc:
        return url
    return parsed._replace(netloc=parsed.netloc.rsplit("@", 1)[1]).geturl()


def is_sqlite(database: peewee.Database | None = None) -> bool:
    target = database if database is not None else db.obj
    return isinstance(target, peewee.SqliteDatabase)


def _file_uri(path: Path, mode: str) -> str:
    """An SQLite URI that opens ``path`` with ``mode`` (``rw`` or ``ro``) and never creates it."""
    text = path.as_posix()
    if len(text) > 1 and text[1] == ":":  # C:/data/klachten.db
        text = "/" + text
    elif text.startswith("//"):  # //server/share/klachten.db: an empty authority, then the UNC path
        text = "//" + text
    return "file:" + quote(text, safe="/:") + f"?mode={mode}"


class SharedSqliteDatabase(peewee.SqliteDatabase):
    """A SQLite file that must exist: a missing file is an error, never a new empty database.

    Every (re)connection goes through here, peewee's automatic ones too, so a
    database on a share that is not mounted (or a drive letter pointing
    elsewhere) is reported as unreachable instead of silently starting afresh.
    Only ``create=True`` (first start, ``db init``) may make the file.

    While a write guard refuses this PC (the shared file does not pass locks
    to it), a new connection is read-only: SQLite then cannot "roll back" the
    journal of another PC's transaction that it takes for a crashed one
    because it does not see that PC's lock.
    """

    def __init__(self, database: str, create: bool = False, **kwargs):
        super().__init__(database, **kwargs)
        self.create = create
        self._opened = threading.local()  # per thread, like peewee's connections: was it opened read-only?

    def _connect(self) -> sqlite3.Connection:
        if self.create:
            return super()._connect()
        mode = "ro" if writes_refused() else "rw"
        self._opened.read_only = mode == "ro"
        conn = sqlite3.connect(_file_uri(Path(self.database), mode), timeout=self._timeout,
                               isolation_level=None, uri=True, **self.connect_params)
        try:
            self._add_conn_hooks(conn)
        except Exception:
            conn.close()
            raise
        return conn

    def reopen_if_writable(self) -> None:
        """This thread's connection was opened while writes were refused, and they no longer are: open anew."""
        if getattr(self._opened, "read_only", False) and not self.in_transaction() and not writes_refused():
            self.close()


def make_database(url: str, create: bool = False) -> peewee.Database:
    """A peewee database for ``url`` (not yet connected); only ``create`` may make a missing SQLite file."""
    path = sqlite_path(url)
    if path is not None:
        return SharedSqliteDatabase(
            str(path),
            pragmas={
                "journal_mode": "delete",
                "synchronous": 2,  # FULL
                "foreign_keys": 1,
                "busy_timeout": BUSY_TIMEOUT_MS,
                # per connection (the UI thread's, each worker's): 24 MB keeps "Alle" at a million complaints at
                # 215 MB (255 with 32) and searches as quick; 8 MB made them up to 60 % slower
                "cache_size": -24_000,
            },
            timeout=BUSY_TIMEOUT_MS / 1000,
            lock_type="IMMEDIATE",
            check_same_thread=False,
            create=create,
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
    """Open ``url`` and make it the database every model uses.

    Low-level failures are raised as they are; ``workflow.db_errors`` words them for the user.
    """
    path = sqlite_path(url)
    if path is not None and must_exist and not path.exists():
        raise DatabaseUnavailableError(
            _("De database {path} bestaat niet (of de netwerkschijf is niet bereikbaar).").format(path=path))
    if path is not None and not path.parent.exists():
        raise DatabaseUnavailableError(_("De map {folder} bestaat niet of is niet bereikbaar.").format(folder=path.parent))
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
    database = make_database(url, create=not must_exist)
    database.connect()
    if isinstance(database, SharedSqliteDatabase):
        database.create = False  # it exists now: a later reconnect must find this file or fail
    bind(database)
    return database


def close() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()


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
        for attempt in range(WRITE_ATTEMPTS - 1):
            try:
                return fn(*args, **kwargs)
            except (peewee.OperationalError, peewee.InternalError) as exc:
                if not (is_busy_error(exc) or _is_postgres_retryable(exc)):
                    raise
                time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))
        return fn(*args, **kwargs)  # the last attempt: whatever it raises goes to the caller

    return wrapper


def add_write_guard(guard: Callable[[], None]) -> None:
    """Run ``guard`` before every write transaction; it raises to refuse the write."""
    if guard not in _write_guards:
        _write_guards.append(guard)


def remove_write_guard(guard: Callable[[], None]) -> None:
    if guard in _write_guards:
        _write_guards.remove(guard)


def _check_write_guards() -> None:
    for guard in list(_write_guards):
        guard()


def writes_refused() -> bool:
    try:
        _check_write_guards()
    except KlachtenbureauError:
        return True
    return False


def ready_for_writing() -> None:
    """Raise the first guard's refusal (this PC must not write now, not even a write it rolls back);
    otherwise make sure this thread's connection is not one opened read-only while writes were refused."""
    _check_write_guards()
    if isinstance(db.obj, SharedSqliteDatabase):
        db.obj.reopen_if_writable()


# ``PRAGMA user_version`` of a SQLite file whose data moved to the office server. The header is read
# by every transaction anyway, so each write checks it for free; the details are in the 'moved_to' setting.
MOVED_USER_VERSION = 0x4B424D56  # "KBMV"


def moved_error() -> DatabaseMovedError:
    return DatabaseMovedError(_(
        "Deze database is verhuisd naar de kantoorserver; op dit bestand wordt niets meer opgeslagen. "
        "Kies via Bestand → Andere database kiezen… de gedeelde map: Klachtenbureau vindt de server dan zelf. "
        "Uw invoer blijft op deze computer bewaard."))


def is_moved() -> bool:
    """The open SQLite file was marked as moved to the office server."""
    return is_sqlite() and db.execute_sql("PRAGMA user_version").fetchone()[0] == MOVED_USER_VERSION


@contextmanager
def write_transaction() -> Iterator[None]:
    """A short write transaction (``BEGIN IMMEDIATE`` on SQLite), after every write guard agreed.

    Inside the transaction, so no other PC can mark the file in between, a
    SQLite file that moved to the office server refuses the write.
    """
    ready_for_writing()
    with db.atomic():
        if is_moved():
            raise moved_error()
        yield


def integrity_check(quick: bool = True) -> list[str]:
    """Problems SQLite's own check finds; empty when all is well (always empty on PostgreSQL)."""
    if not is_sqlite():
        return []
    pragma = "quick_check" if quick else "integrity_check"
    rows = [r[0] for r in db.execute_sql(f"PRAGMA {pragma}").fetchall()]
    return [] if rows == ["ok"] else rows


def may_change_schema(database: peewee.Database | None = None) -> bool:
    """Whether this connection may create and upgrade the tables.

    Always on SQLite. On PostgreSQL only the role that owns them (or a
    superuser, or a member of the owner): on the office server that is the
    server itself, not the desks (``server/roles.py``). An empty database
    asks whether the role may create tables in it.
    """
    target = database if database is not None else db.obj
    if is_sqlite(target):
        return True
    return bool(target.execute_sql(
        "SELECT CASE WHEN to_regclass('schema_info') IS NULL THEN has_schema_privilege('public', 'CREATE') "
        "ELSE pg_has_role((SELECT relowner FROM pg_class WHERE oid = to_regclass('schema_info')), 'USAGE') END"
    ).fetchone()[0])


def audit_guarded_by_server() -> bool:
    """On PostgreSQL: this connection's role can neither empty the audit log nor change its triggers.

    True for the desks' role of the office server. False on SQLite (whoever
    can write the file can drop the triggers; the hash chain finds what they
    did) and for a role that owns the table or may TRUNCATE it.
    """
    if is_sqlite():
        return False
    return bool(db.execute_sql(
        "SELECT NOT pg_has_role(c.relowner, 'USAGE') AND NOT has_table_privilege(c.oid, 'TRUNCATE') "
        "FROM pg_class c WHERE c.oid = to_regclass('audit_entry')").fetchone()[0])


def sqlite_backup(source: peewee.SqliteDatabase, destination: Path) -> None:
    """Copy a live SQLite database with the online backup API and check the copy."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".tmp")
    tmp.unlink(missing_ok=True)
    tmp.touch(mode=0o600)  # a copy of every complaint: for its owner's eyes, not the whole machine's
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
