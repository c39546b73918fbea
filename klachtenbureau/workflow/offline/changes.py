"""Noticing that the shared database changed, whoever changed it, cheaply enough to ask every few seconds.

* SQLite: ``PRAGMA data_version`` on a connection of the watcher's own. Its
  value moves whenever *another* connection commits — a colleague's PC, a
  background thread, or this program's own main connection — and asking costs
  one read of the file header, which matters on a network share.
* PostgreSQL: every write goes through ``operations.perform`` and so appends
  to the audit log. The watcher reads the highest audit id and how many entries
  sit in the last WINDOW ids: a transaction that took a lower id but committed
  after a higher one still changes the count, so it is not missed.

A watcher never waits long for a busy database: it answers "no change yet"
and is asked again at the next tick.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import peewee

from klachtenbureau.errors import DatabaseUnavailableError
from klachtenbureau.i18n import _
from klachtenbureau.models.database import is_busy_error, make_database, sqlite_path

WINDOW = 1000
_BUSY_MS = 200  # a watcher tick must not freeze the window while another PC writes


class ChangeWatcher:
    """``changed()`` is True when the database changed since the previous call."""

    def __init__(self, url: str):
        self._path = sqlite_path(url)
        self._url = url
        self._sqlite: sqlite3.Connection | None = None
        self._postgres: peewee.Database | None = None
        self._last: Any = None
        self._last = self._token()

    def _token(self) -> Any:
        try:
            if self._path is not None:
                return self._sqlite_token()
            return self._postgres_token()
        except (sqlite3.OperationalError, peewee.OperationalError, peewee.InterfaceError) as exc:
            if is_busy_error(exc):
                return self._last
            self.close()
            raise DatabaseUnavailableError(_("De database is niet bereikbaar: {reason}").format(
                reason=str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)) from exc

    def _sqlite_token(self) -> int:
        if self._sqlite is None:
            self._sqlite = sqlite3.connect(str(self._path), timeout=_BUSY_MS / 1000, isolation_level=None,
                                           check_same_thread=False)
        return self._sqlite.execute("PRAGMA data_version").fetchone()[0]

    def _postgres_token(self) -> tuple[int, int]:
        if self._postgres is None:
            self._postgres = make_database(self._url)
            self._postgres.connect()
        cursor = self._postgres.execute_sql(
            "SELECT top, (SELECT count(*) FROM audit_entry WHERE id > top - %s) "
            "FROM (SELECT coalesce(max(id), 0) AS top FROM audit_entry) AS latest", (WINDOW,))
        top, recent = cursor.fetchone()
        return int(top), int(recent)

    def changed(self) -> bool:
        token = self._token()
        if token == self._last:
            return False
        self._last = token
        return True

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._postgres is not None:
            self._postgres.close()
            self._postgres = None
