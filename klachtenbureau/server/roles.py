"""Who may do what in the office server's database: the owner, and the desks.

Why two roles: the audit log must stay append-only even for someone who takes
the password from the connection file in the shared folder (whoever can read
that folder can) and connects with ``psql``. PostgreSQL lets only the owner of
a table (or a superuser) empty it with TRUNCATE, switch off or drop its
triggers and ALTER it. So:

* ``klachtenbureau`` (``postgres.ROLE``, the cluster's superuser) owns the
  database and every table, sequence, trigger and function in it. Only the
  server on the server PC connects as it: its password is in ``server.json``
  there, readable by that PC's account alone, never on the share. It creates
  and upgrades the schema and makes the nightly dumps.
* ``klachtenbureau_werkplek`` (``postgres.DESK_ROLE``), the role the connection
  file gives the PCs: SELECT, INSERT, UPDATE and DELETE on the register's
  tables, USAGE on their sequences, only SELECT on ``schema_info`` and only
  SELECT and INSERT on ``audit_entry``. As this role the server refuses
  TRUNCATE, ALTER TABLE, DISABLE TRIGGER and DROP TRIGGER on the audit log, and
  UPDATE and DELETE of its rows before its trigger is even asked.

``prepare`` runs at every start of ``server run``, after ``server setup`` and
after ``server restore``; each step can be run again. It upgrades an older
schema (a dump into the shared folder first): a desk cannot, and says "de
server moet eerst worden bijgewerkt" (``store.upgrade_schema``). A server set
up before this split had one role, whose password was in the connection file:
``prepare`` creates the desks' role, gives the owner a new password (the old
one was on the share) and rewrites nothing else; the caller then writes the
new connection file. A crash between saving the new password and setting it
is finished at the next start (``previous_password`` in ``server.json``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from klachtenbureau.errors import DatabaseUnavailableError
from klachtenbureau.i18n import _
from klachtenbureau.server.postgres import DESK_ROLE, OfficeServer, new_password

log = logging.getLogger(__name__)

# The desks' rights, given again after every create, upgrade and restore (new tables get them too).
_GRANTS = [
    "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    "GRANT CONNECT ON DATABASE {database} TO {desk}",
    "GRANT USAGE ON SCHEMA public TO {desk}",
    "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {desk}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {desk}",
    "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {desk}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {desk}",
]
_NARROWER = {  # tables the desks may read (and add to) but never change
    "schema_info": "REVOKE INSERT, UPDATE, DELETE ON schema_info FROM {desk}",
    "audit_entry": "REVOKE UPDATE, DELETE ON audit_entry FROM {desk}",
}


def _connect(server: OfficeServer, password: str):
    import psycopg2

    values = server.settings()
    return psycopg2.connect(host="127.0.0.1", port=server.port, user=values["user"], password=password,
                            dbname=values["database"], connect_timeout=10)


def _owner_connection(server: OfficeServer):
    """A connection as the owner, with its password, or the one it had before a change that did not finish."""
    import psycopg2

    values = server.settings()
    problem = ""
    for password in (values["password"], values.get("previous_password")):
        if password is None:
            continue
        try:
            return _connect(server, password)
        except psycopg2.OperationalError as exc:
            problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    raise DatabaseUnavailableError(_("De server op deze pc is niet bereikbaar voor zijn eigen onderhoud: {reason}")
                                   .format(reason=problem))


def _split(server: OfficeServer) -> bool:
    """A server set up before the desks had their own role: give them one, and the owner a new password."""
    values = server.settings()
    if "desk_password" in values and "previous_password" not in values:
        return False
    if "previous_password" not in values:
        values = {**values, "password": new_password(), "previous_password": values["password"],
                  "desk_user": DESK_ROLE, "desk_password": new_password()}
        server.save_settings(values)  # first: a crash before the ALTER leaves both passwords known
    from psycopg2 import sql

    connection = _owner_connection(server)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(values["user"]), sql.Literal(values["password"])))
    finally:
        connection.close()
    server.save_settings({key: value for key, value in values.items() if key != "previous_password"})
    log.info("De werkplekken krijgen een eigen databaserol (%s); de eigenaar heeft een nieuw wachtwoord.",
                DESK_ROLE)
    return True


def _ensure_desk_role(cursor, values: dict) -> None:
    from psycopg2 import sql

    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (values["desk_user"],))
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    cursor.execute(sql.SQL(verb + " ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                           "NOBYPASSRLS PASSWORD {}").format(sql.Identifier(values["desk_user"]),
                                                             sql.Literal(values["desk_password"])))


def grant(connection, desk: str = DESK_ROLE) -> bool:
    """Give ``desk`` exactly its rights on every table of the database, in one transaction.

    Anything the desks' role came to own goes to the connected role (the
    owner) first. Returns False (and does nothing) where that role does not
    exist: a PostgreSQL set up by hand, whose administrator decides.
    """
    from psycopg2 import sql

    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (desk,))
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT current_database()")
        names = {"desk": sql.Identifier(desk), "database": sql.Identifier(cursor.fetchone()[0])}
        cursor.execute(sql.SQL("REASSIGN OWNED BY {desk} TO CURRENT_USER").format(**names))
        for statement in _GRANTS:
            cursor.execute(sql.SQL(statement).format(**names))
        for table, statement in _NARROWER.items():
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            if cursor.fetchone()[0]:
                cursor.execute(sql.SQL(statement).format(**names))
    return True


def grant_url(url: str) -> bool:
    """``grant`` over a connection to ``url`` (the owner's), for a restore by URL."""
    import psycopg2

    try:
        connection = psycopg2.connect(url, connect_timeout=10)
    except psycopg2.OperationalError as exc:
        raise DatabaseUnavailableError(_("De server is niet bereikbaar: {reason}").format(
            reason=str(exc).strip().splitlines()[0])) from exc
    try:
        return grant(connection)
    finally:
        connection.close()


def _upgrade(server: OfficeServer, before_upgrade: Callable[[], object] | None) -> list[int]:
    from klachtenbureau.models import database, schema
    from klachtenbureau.workflow.upkeep import store

    try:
        if store.open_database(server.url(), upgrade=False) >= schema.SCHEMA_VERSION:
            return []
        if before_upgrade is not None:
            before_upgrade()
        return store.upgrade_schema()
    finally:
        database.close()


def prepare(server: OfficeServer, before_upgrade: Callable[[], object] | None = None) -> list[int]:
    """Make the running server's database ready for the desks; returns the schema versions applied.

    The desks' role exists with the password of ``server.json`` (made, and the
    owner's password changed, on a server from before the split), an older
    schema is upgraded as the owner after ``before_upgrade()`` (the caller's
    dump), and the desks get their rights on every table. An empty database
    (set up, no tables yet) is left to ``server setup``.
    """
    _split(server)
    values = server.settings()
    connection = _owner_connection(server)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            _ensure_desk_role(cursor, values)
            cursor.execute("SELECT to_regclass('schema_info') IS NOT NULL")
            has_tables = cursor.fetchone()[0]
        applied = _upgrade(server, before_upgrade) if has_tables else []
        connection.autocommit = False
        grant(connection, values["desk_user"])
    finally:
        connection.close()
    return applied
