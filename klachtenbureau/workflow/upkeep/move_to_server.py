"""Moving an office from the shared SQLite file to PostgreSQL: ``klachtenbureau db migrate``.

Everything goes along, with its ids: users, relations, complaints with their
timeline and documents (the files themselves), measures, settings, the schema
version and the whole audit log. The target must be empty. It gets the
current schema; while the rows are loaded its own triggers (the search index,
the audit log's append-only guard) are switched off on PostgreSQL, then the
sequences are set past the highest ids, the triggers come back and the search
index is rebuilt. Before the load is committed, every table is counted and
checksummed on both sides; any difference rolls the whole load back, so the
target is either complete or still empty.

The source is read inside one transaction that holds SQLite's write lock, so
nobody can save anything half-way (colleagues get "bezet"); everybody should
close Klachtenbureau first anyway.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import peewee

from klachtenbureau.errors import DatabaseUnavailableError
from klachtenbureau.i18n import _
from klachtenbureau.models import Document, database, schema
from klachtenbureau.models.base import BaseModel
from klachtenbureau.models.database import sqlite_path
from klachtenbureau.models.fulltext import rebuild_fulltext
from klachtenbureau.models.day_tally import rebuild_day_tally
from klachtenbureau.models.due_tally import rebuild_due_tally
from klachtenbureau.models.tally import rebuild_tally
from klachtenbureau.workflow import db_errors

PAGE = 500
DOCUMENT_PAGE = 20  # documents carry their files: fewer per round trip

Progress = Callable[[str, int], None]


@dataclasses.dataclass(frozen=True)
class TableCheck:
    """One table after the move: its row count and checksum, the same on both sides."""

    table: str
    rows: int
    checksum: str


def models() -> list[type[BaseModel]]:
    """Every table, parents before children (the order foreign keys need)."""
    return [schema.SchemaInfo, *schema.TABLES]


def _canonical(value: Any) -> Any:
    """A value both engines give back identically, whatever their own types."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return value


def _pages(model: type[BaseModel], source: peewee.Database) -> Iterator[list[dict[str, Any]]]:
    """All rows of ``model`` in primary-key order, a page at a time (never the whole table in memory)."""
    key = model._meta.primary_key
    size = DOCUMENT_PAGE if model is Document else PAGE
    last = None
    while True:
        query = model.select().order_by(key).limit(size).dicts()
        if last is not None:
            query = query.where(key > last)
        rows = list(query.execute(source))
        if not rows:
            return
        yield rows
        last = rows[-1][key.name]


def _checksum(model: type[BaseModel], pages: Iterator[list[dict[str, Any]]],
              each_page: Callable[[list[dict[str, Any]]], None] | None = None) -> TableCheck:
    names = sorted(model._meta.fields)
    digest = hashlib.sha256()
    count = 0
    for rows in pages:
        for row in rows:
            line = json.dumps([_canonical(row[name]) for name in names], ensure_ascii=False, default=str)
            digest.update(line.encode("utf-8") + b"\n")
        count += len(rows)
        if each_page is not None:
            each_page(rows)
    return TableCheck(model._meta.table_name, count, digest.hexdigest())


def _check_source(source: peewee.Database, url: str) -> None:
    version = source.execute_sql("SELECT max(version) FROM schema_info").fetchone()[0] \
        if "schema_info" in source.get_tables() else None
    if version is None:
        raise DatabaseUnavailableError(_("{url} is geen Klachtenbureau-database.").format(url=url))
    if version != schema.SCHEMA_VERSION:
        raise DatabaseUnavailableError(_(
            "De bron heeft databaseversie {found}, deze Klachtenbureau kent versie {mine}. Werk de bron eerst bij "
            "met: klachtenbureau db upgrade --db {url}").format(found=version, mine=schema.SCHEMA_VERSION, url=url))
    if isinstance(source, peewee.SqliteDatabase):
        problems = [r[0] for r in source.execute_sql("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise DatabaseUnavailableError(_("De bron is beschadigd ({problem}); zet eerst een reservekopie terug.")
                                           .format(problem="; ".join(problems[:3])))


def _open(url: str, must_exist: bool) -> peewee.Database:
    path = sqlite_path(url)
    if path is not None and must_exist and not path.exists():
        raise DatabaseUnavailableError(_("De database {path} bestaat niet.").format(path=path))
    if path is not None and not must_exist and path.exists() and path.stat().st_size > 0:
        raise DatabaseUnavailableError(
            _("Het doelbestand {path} bestaat al; kies een nieuw bestand.").format(path=path))
    connection = database.make_database(url, create=not must_exist)
    try:
        connection.connect()
    except peewee.DatabaseError as exc:
        raise (db_errors.translate(exc) or exc) from exc
    return connection


def _set_triggers(target: peewee.Database, enabled: bool) -> None:
    if isinstance(target, peewee.PostgresqlDatabase):
        for model in models():
            target.execute_sql(f'ALTER TABLE "{model._meta.table_name}" '
                               f'{"ENABLE" if enabled else "DISABLE"} TRIGGER USER')


def _fix_sequences(target: peewee.Database) -> None:
    """New rows on PostgreSQL must get ids after the ones brought along."""
    if not isinstance(target, peewee.PostgresqlDatabase):
        return
    for model in models():
        key = model._meta.primary_key
        if isinstance(key, peewee.AutoField):
            table = model._meta.table_name
            target.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{key.column_name}'), "
                f'COALESCE(MAX("{key.column_name}"), 1), MAX("{key.column_name}") IS NOT NULL) FROM "{table}"')


def migrate(source_url: str, target_url: str, progress: Progress | None = None) -> list[TableCheck]:
    """Copy everything from ``source_url`` into the empty database at ``target_url``; returns the checks."""
    if source_url == target_url:
        raise DatabaseUnavailableError(_("Bron en doel zijn dezelfde database."))
    database.close()
    source = _open(source_url, must_exist=True)
    target = _open(target_url, must_exist=False)
    try:
        if target.get_tables():
            raise DatabaseUnavailableError(_(
                "De doeldatabase {url} is niet leeg; kies een lege database. Er is niets veranderd.").format(
                    url=target_url))
        if not database.may_change_schema(target):  # the desks' role of the office server
            raise DatabaseUnavailableError(_(
                "Met dit adres mag Klachtenbureau in de doeldatabase geen tabellen maken. Naar de kantoorserver "
                "verhuist u op de server-pc met: klachtenbureau server setup --share MAP --from sqlite:///…"))
        _check_source(source, source_url)
        database.bind(target)  # the models (and create_schema) now speak to the target
        with source.atomic(), target.atomic():
            checks = _load(source, target, progress)
        return checks
    finally:
        source.close()
        target.close()


def _load(source: peewee.Database, target: peewee.Database, progress: Progress | None) -> list[TableCheck]:
    schema.create_schema()
    schema.SchemaInfo.delete().execute()  # the source's own history of versions comes along instead
    _set_triggers(target, enabled=False)
    checks = []
    for model in models():
        table = model._meta.table_name
        copied = 0

        def insert(rows: list[dict[str, Any]], model: type[BaseModel] = model, table: str = table) -> None:
            nonlocal copied
            model.insert_many(rows).execute(target)
            copied += len(rows)
            if progress is not None:
                progress(table, copied)

        try:
            checks.append(_checksum(model, _pages(model, source), insert))
        except (peewee.DatabaseError, ValueError) as exc:  # psycopg2 refuses a NUL in text with ValueError
            raise DatabaseUnavailableError(_(
                "Overzetten mislukt bij tabel {table} ({reason}); de doeldatabase is leeg gebleven.").format(
                    table=table, reason=str(exc).strip().splitlines()[0])) from exc
    _fix_sequences(target)
    _set_triggers(target, enabled=True)
    rebuild_fulltext()
    rebuild_tally()  # copied with the triggers off, like the search index
    rebuild_day_tally()
    rebuild_due_tally()
    for expected in checks:
        model = next(m for m in models() if m._meta.table_name == expected.table)
        found = _checksum(model, _pages(model, target))
        if found != expected:
            raise DatabaseUnavailableError(_(
                "Controle mislukt bij tabel {table}: bron {rows} rijen, doel {found} rijen (of een ander "
                "controlegetal). "
                "De doeldatabase is leeg gebleven.").format(table=expected.table, rows=expected.rows, found=found.rows))
    return checks


def verify(source_url: str, target_url: str) -> list[tuple[TableCheck, TableCheck]]:
    """Count and checksum every table on both sides again (after the move, or later): (source, target) pairs."""
    database.close()
    source = _open(source_url, must_exist=True)
    target = _open(target_url, must_exist=True)
    try:
        return [(_checksum(m, _pages(m, source)), _checksum(m, _pages(m, target))) for m in models()]
    finally:
        source.close()
        target.close()
