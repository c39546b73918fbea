"""Opening, creating, checking and backing up the shared database."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import peewee

from klachtenbureau.errors import DatabaseCorruptError, DatabaseMovedError, DatabaseUnavailableError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Category, Complaint, Setting, User, db
from klachtenbureau.models import audit, database, day_tally, due_tally, schema, tally
from klachtenbureau.models.people import ADMIN, ROLES
from klachtenbureau.workflow import db_errors
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.operations import Outcome, perform

# Seed 000, step 3: the categories a new database starts with (extensible in the settings).
DEFAULT_CATEGORIES = [
    "Het niet ontvangen van een reservering",
    "Een foutieve reservering",
    "Tijdstip ophalen",
    "Niet ophalen",
    "Te laat of niet gebeld m.b.t. ophaaltijd",
    "Bereikbaarheid theaters",
    "Geluid theaters",
    "Slechte plekken theater",
    "Voorstelling valt tegen",
    "Een klacht m.b.t. een vrijwilliger",
    "Een klacht m.b.t. een mede-deelnemer",
    "Pauze: geen koffie, thee, pauze te kort",
    "Geen of foutieve (financiële) boeking",
    "Vrijwilliger met een klacht",
    "Overig",
]

SYSTEM_LOGIN = "systeem"


def open_database(url: str, create: bool = False, upgrade: bool = True) -> int:
    """Connect to ``url`` and make sure its schema fits this application.

    ``create`` makes an empty (or missing SQLite) database ready for use.
    An older schema is upgraded after a backup; a newer one is refused.
    Returns the schema version.
    """
    try:
        database.connect(url, must_exist=not create)
        if database.is_moved():
            raise _moved()
        return _prepare(url, create, upgrade)
    except (peewee.DatabaseError, sqlite3.Error) as exc:
        raise (db_errors.translate(exc) or exc) from exc


def open_office_database(target: str) -> tuple[str, str]:
    """Open what ``target`` names: a database URL, or the shared folder of the office.

    A folder leads to the office server through its connection file, or to
    the shared file in it. A shared file that moved to the office server
    sends this PC on to the server (what waited in its queue for the file
    goes along). Returns the URL opened and what to remember for the next
    start: the shared folder when the server was found through it (so a new
    address or password of the server is picked up, and no password is kept
    on this PC), else the URL.
    """
    from klachtenbureau.server import connection_file

    url = connection_file.resolve(target)
    try:
        open_database(url)
    except DatabaseMovedError as moved:
        if moved.folder is None:
            raise
        server_url = connection_file.resolve(str(moved.folder))
        if database.sqlite_path(server_url) is not None:
            raise
        open_database(server_url)
        write_queue.retarget(url, server_url)
        return server_url, str(moved.folder)
    return url, (target if url != target else url)


MOVED_SETTING = "moved_to"


def _moved() -> DatabaseMovedError:
    """The refusal for a file that moved to the office server, naming the shared folder that finds it."""
    error = database.moved_error()
    row = Setting.get_or_none(Setting.key == MOVED_SETTING)
    error.folder = Path(json.loads(row.value)["folder"]) if row is not None else None
    return error


def mark_moved(url: str, folder: Path) -> None:
    """Mark the SQLite file at ``url`` as moved to the office server found through ``folder``.

    From then on every PC that opens the file is sent to the server, and a
    PC that still has it open cannot write to it (``database.write_transaction``
    checks the mark inside each write). The data stays in the file, readable
    with any SQLite tool, as the state at the moment of moving.
    """
    _set_moved(url, json.dumps({"folder": str(folder), "at": dt.datetime.now().isoformat(timespec="seconds")}))


def clear_moved(url: str) -> None:
    """Undo ``mark_moved`` (a move that failed half-way): the shared file is the database again."""
    _set_moved(url, None)


def _set_moved(url: str, details: str | None) -> None:
    path = database.sqlite_path(url)
    if path is None:
        raise ValidationError({"url": _("Alleen een gedeeld databasebestand kan verhuizen.")})
    connection = sqlite3.connect(str(path), timeout=database.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        if details is None:
            connection.execute("DELETE FROM setting WHERE key = ?", (MOVED_SETTING,))
        else:
            connection.execute(
                "INSERT INTO setting (key, value, version) VALUES (?, ?, 1) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = setting.version + 1",
                (MOVED_SETTING, details))
        connection.execute(f"PRAGMA user_version = {database.MOVED_USER_VERSION if details else 0}")
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        raise (db_errors.translate(exc) or exc) from exc
    finally:
        connection.close()


def _require_full_text_search() -> None:
    """Every complaint is indexed with SQLite's FTS5; a Python built without it must say so up front."""
    if not database.is_sqlite():
        return
    try:
        db.execute_sql("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts5_probe USING fts5(x)")
        db.execute_sql("DROP TABLE temp.fts5_probe")
    except peewee.OperationalError as exc:
        raise DatabaseUnavailableError(_(
            "Deze installatie van Python mist SQLite FTS5 (zoeken in tekst); installeer Python van python.org "
            "of de Klachtenbureau-installatie.")) from exc


def _prepare(url: str, create: bool, upgrade: bool) -> int:
    _require_full_text_search()
    version = schema.check_version()
    if version is None:
        if not create:
            raise DatabaseUnavailableError(
                _("{url} is geen Klachtenbureau-database. Maak er een met: klachtenbureau db init").format(url=url))
        schema.create_schema()
        seed_defaults()
        return schema.SCHEMA_VERSION
    _look_over()
    if version < schema.SCHEMA_VERSION and upgrade:
        schema.check_integrity(quick=True)  # rare, and a damaged file must not be built upon
        upgrade_schema()
    return schema.current_version()


def _look_over() -> None:
    """The check on open, in place of ``quick_check`` (0.5 s at 100,000 complaints, 5 s at 1,000,000: most of the start).

    It reads the header, the whole schema and, in every table, the path from its root page to its first and to
    its last row: milliseconds at any size. A file that is not a database, or whose schema or the top of a table is
    damaged, is refused here; damage deeper in the file is found by ``check_after_start`` seconds later, and by any
    read that meets it (``db_errors``).
    """
    if database.is_sqlite():
        tables = db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                "AND sql NOT LIKE 'CREATE VIRTUAL%' AND sql NOT LIKE '%WITHOUT ROWID%'").fetchall()
        for (table,) in tables:
            # One min() or max() per SELECT: together in one, SQLite would scan the whole table.
            db.execute_sql(f'SELECT (SELECT min(rowid) FROM "{table}"), (SELECT max(rowid) FROM "{table}")').fetchone()


def check_after_start() -> None:
    """``quick_check`` of every page, off the UI thread once the window is shown; raises DatabaseCorruptError."""
    schema.check_integrity(quick=True)


def upgrade_schema() -> list[int]:
    """``schema.upgrade``, refused in plain words where this connection may not change the tables.

    On the office server the desks connect as a role that does not own the
    tables (server/roles.py): the server upgrades the database itself when it
    starts with the new version.
    """
    version = schema.check_version()
    if version is not None and version < schema.SCHEMA_VERSION and not database.may_change_schema():
        raise DatabaseUnavailableError(_(
            "De database heeft databaseversie {found}; deze Klachtenbureau werkt met versie {mine}. De server moet "
            "eerst worden bijgewerkt: installeer deze versie ook op de server-pc en start de server daar opnieuw; "
            "hij werkt de database dan zelf bij.").format(found=version, mine=schema.SCHEMA_VERSION))
    return schema.upgrade()


def check_notes() -> list[str]:
    """What ``db check`` adds when all is in order but the database does not guard its audit log itself."""
    if database.is_sqlite() or database.audit_guarded_by_server():
        return []
    role = db.execute_sql("SELECT current_user").fetchone()[0]
    return [_("Let op: de databaserol {role} bezit de tabellen (of mag ze leegmaken). De server beschermt het "
              "logboek dan niet tegen leegmaken of het uitzetten van zijn beveiliging; alleen de keten van "
              "controlegetallen laat zo'n wijziging zien. Laat de pc's verbinden met een rol die in audit_entry alleen "
              "mag lezen en toevoegen (zie de beheerdershandleiding, PostgreSQL).").format(role=role)]


def full_check() -> None:
    """The slow, thorough check: every page of the file, every foreign key, the kept counts, the audit log's
    chain."""
    schema.check_integrity(quick=False)
    if database.is_sqlite():
        broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise DatabaseCorruptError(_("{n} verwijzing(en) in de database kloppen niet (eerste: tabel {table}).").format(
                n=len(broken), table=broken[0][0]))
    if tally.differences() or day_tally.differences() or due_tally.differences():
        raise DatabaseCorruptError(_(
            "De tellingen van het postvak of het dashboard kloppen niet met de klachten zelf (bijvoorbeeld na een reservekopie die "
            "buiten Klachtenbureau om is bewerkt). Laat iedereen Klachtenbureau afsluiten en voer uit: "
            "klachtenbureau db recover (dat telt ze opnieuw)."))
    broken_entry = audit.first_broken()
    if broken_entry is not None:
        found = _(
            "Het logboek is veranderd: regel {id} ({at}, {action} door {login}) past niet in de keten van controle-"
            "getallen. Een regel is gewijzigd, weggehaald of tussengevoegd buiten Klachtenbureau om.").format(
            id=broken_entry.id, at=broken_entry.at, action=broken_entry.action, login=broken_entry.user_login)
        if database.is_sqlite():  # two PCs without each other's locks can fork the chain too
            found += " " + _("Dat gebeurt ook als twee computers tegelijk schreven zonder elkaars vergrendeling. Laat "
                             "iedereen Klachtenbureau afsluiten en voer uit: klachtenbureau db recover (dat legt de "
                             "keten opnieuw vast en zet dat zelf in het logboek).")
        raise DatabaseCorruptError(found)


def seed_defaults() -> None:
    """Categories and the system user that demo, import and set-up act as."""
    with db.atomic():
        if not Category.select().exists():
            Category.insert_many(
                [{"name": name, "position": i} for i, name in enumerate(DEFAULT_CATEGORIES)]).execute()
        if not User.select().where(User.login == SYSTEM_LOGIN).exists():
            User.create(login=SYSTEM_LOGIN, full_name=_("Systeem"), role=ADMIN, active=False)


def has_complaints() -> bool:
    return Complaint.select().exists()


def system_user() -> User:
    """The account under which set-up, the demo and database maintenance act; it never signs in (workflow.identity)."""
    user = User.get_or_none(User.login == SYSTEM_LOGIN)
    if user is None:
        seed_defaults()
        user = User.get(User.login == SYSTEM_LOGIN)
    user.active = True  # acts, but cannot sign in
    return user


def backup(destination: Path | None = None) -> Path:
    """A checked copy of the database: SQLite online backup, or pg_dump for PostgreSQL."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    if database.is_sqlite():
        source = Path(db.obj.database)
        target = destination or source.parent / "backups" / f"{source.stem}-{stamp}{source.suffix}"
        database.sqlite_backup(db.obj, target)
        return target
    target = destination or Path.cwd() / f"klachtenbureau-{stamp}.sql"
    params = db.obj.connect_params
    command = ["pg_dump", "--no-owner", "-f", str(target), "-h", params.get("host") or "localhost",
               "-d", db.obj.database]
    if params.get("port"):
        command += ["-p", str(params["port"])]
    if params.get("user"):
        command += ["-U", params["user"]]
    env = {**os.environ, "PGPASSWORD": params["password"]} if params.get("password") else None
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    except FileNotFoundError as exc:
        raise DatabaseUnavailableError(_("pg_dump is niet gevonden; installeer de PostgreSQL-hulpprogramma's.")) from exc
    except subprocess.CalledProcessError as exc:
        raise DatabaseUnavailableError(_("pg_dump mislukte: {reason}").format(reason=exc.stderr.strip())) from exc
    return target


def create_user(actor: User, login: str, full_name: str, role: str, email: str = "",
                confidential_access: bool = False, operation_id: str | None = None) -> User:
    errors = {}
    login = login.strip().lower()
    if not login or any(ch.isspace() for ch in login):
        errors["login"] = _("Vul een inlognaam zonder spaties in.")
    elif User.select().where(User.login == login).exists():
        errors["login"] = _("De inlognaam {login} bestaat al.").format(login=login)
    if not full_name.strip():
        errors["full_name"] = _("Vul de naam in.")
    if role not in ROLES:
        errors["role"] = _("Kies een rol uit de lijst.")
    if errors:
        raise ValidationError(errors)

    def body() -> Outcome:
        user = User.create(login=login, full_name=full_name.strip(), role=role, email=email.strip(),
                           confidential_access=confidential_access)
        return Outcome(user, {"login": login, "role": role, "confidential_access": confidential_access})

    return perform(actor, "create_user", body, operation_id)
