"""When the share drops, turns read-only, fills up or stays locked: a Dutch message, and nothing lost or doubled."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import peewee
import psycopg2
import pytest

from klachtenbureau.errors import ConflictError, DatabaseCorruptError, DatabaseUnavailableError
from klachtenbureau.models import AuditEntry, Complaint, User, database
from klachtenbureau.workflow import db_errors, dossier_data, inbox, intake, operations, procedure
from klachtenbureau.workflow.offline import resilience, write_queue
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.db_errors import (
    DiskFullError, LockedTooLongError, ReadOnlyError, ShareUnavailableError, WriteNotConfirmedError,
)
from klachtenbureau.workflow.inbox import InboxQuery
from klachtenbureau.workflow.offline.write_queue import WriteQueuedError
from tests.conftest import make_url


def report(text: str) -> intake.NewReport:
    return intake.NewReport(description=text, anonymous=True, channel="website")


def described(text: str) -> int:
    return Complaint.select().where(Complaint.description == text).count()


@pytest.fixture
def share(tmp_path):
    """A database in its own folder (the 'share'), with the telephonist signed in; yields (url, folder)."""
    folder = tmp_path / "share"
    folder.mkdir()
    url = f"sqlite:///{(folder / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    actor = store.system_user()
    store.create_user(actor, "sanne", "Sanne de Vries", "intake")
    yield url, folder
    database.close()


def sanne() -> User:
    return User.get(User.login == "sanne")


@contextlib.contextmanager
def share_gone(folder: Path):
    """The share disappears: the folder is no longer where the open connection found it."""
    away = folder.with_name("weg")
    folder.rename(away)
    try:
        yield
    finally:
        away.rename(folder)


# --- each failure has its own typed error and Dutch message ---------------------------------------

def test_share_gone_mid_work_is_a_clear_message_and_reconnect_brings_it_back(share):
    url, folder = share
    intake.register(sanne(), report("Voor de storing."))
    with share_gone(folder):
        with pytest.raises(ShareUnavailableError) as info:
            intake.register(sanne(), report("Tijdens de storing."))
        assert "netwerkschijf" in info.value.message and "bewaard" in info.value.message
        with pytest.raises(ShareUnavailableError):
            resilience.reconnect(url)
    resilience.reconnect(url)
    assert described("Voor de storing.") == 1 and described("Tijdens de storing.") == 0


@contextlib.contextmanager
def read_only(folder: Path):
    """A read-only share. Tests run as root, whom chmod does not stop: then the immutable flag does."""
    paths = [folder / "klachten.db", folder]
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o555)
        try:
            yield
        finally:
            for path in paths:
                path.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", *map(str, paths)]).returncode != 0:
        pytest.fail("chattr +i is not available: cannot make a real read-only file as root")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_read_only_share_can_be_read_but_not_written(share):
    url, folder = share
    intake.register(sanne(), report("Al opgeslagen."))
    database.close()
    with read_only(folder):
        store.open_database(url)
        assert described("Al opgeslagen.") == 1
        with pytest.raises(ReadOnlyError) as info:
            intake.register(sanne(), report("Lukt niet."))
        assert info.value.message.startswith("De database kan alleen gelezen worden")
        database.close()
    store.open_database(url)
    assert described("Lukt niet.") == 0


@contextlib.contextmanager
def small_disk(tmp_path: Path):
    """A real small disk (tmpfs) when this machine allows mounting; None when it does not."""
    mount = tmp_path / "kleine-schijf"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        database.close()
        subprocess.run(["umount", "-l", str(mount)], check=True)


def test_full_disk_saves_nothing_says_so_and_the_write_goes_through_once_there_is_room(tmp_path):
    with small_disk(tmp_path) as disk:
        folder = disk or tmp_path
        url = f"sqlite:///{(folder / 'klachten.db').as_posix()}"
        store.open_database(url, create=True)
        user = store.system_user()
        filler = folder / "vulling.bin"
        if disk is not None:
            with open(filler, "wb") as handle:  # fill the disk to the last block
                with contextlib.suppress(OSError):
                    while True:
                        handle.write(b"\0" * 65536)
                        handle.flush()
        else:
            # No mount allowed here: SQLite's own page limit gives the same SQLITE_FULL result.
            pages = database.db.execute_sql("PRAGMA page_count").fetchone()[0]
            database.db.execute_sql(f"PRAGMA max_page_count = {pages}")
        big = ("Een lange beschrijving. " * 4000).strip()
        with pytest.raises(WriteQueuedError) as info:
            write_queue.submit(user, "register", write_queue.report_payload(report(big)), url)
        assert isinstance(info.value.cause, DiskFullError)
        assert "De schijf met de database is vol; er is niets opgeslagen." in info.value.message
        assert described(big) == 0 and len(write_queue.pending(url)) == 1
        if disk is not None:
            filler.unlink()
        else:
            database.db.execute_sql("PRAGMA max_page_count = 1073741823")
        assert write_queue.retry_pending(url).sent == [info.value.operation_id]
        assert described(big) == 1 and write_queue.pending(url) == []
        store.full_check()


def test_database_locked_for_long_is_its_own_message_and_the_write_follows_later(share, monkeypatch):
    url, folder = share
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(database, "WRITE_ATTEMPTS", 2)
    resilience.reconnect(url)  # the shorter timeout applies to new connections
    user = sanne()
    holder = sqlite3.connect(folder / "klachten.db")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(WriteQueuedError) as info:
            write_queue.submit(user, "register", write_queue.report_payload(report("Even wachten.")), url)
    finally:
        holder.rollback()
        holder.close()
    assert isinstance(info.value.cause, LockedTooLongError)
    assert "lange tijd bezet door een andere computer" in info.value.message
    assert write_queue.retry_pending(url).sent == [info.value.operation_id]
    assert described("Even wachten.") == 1


@pytest.mark.parametrize("failure, expected", [
    (OSError(errno.ENOSPC, "No space left on device"), DiskFullError),
    (OSError(errno.EROFS, "Read-only file system"), ReadOnlyError),
    (OSError(errno.EHOSTDOWN, "Host is down"), ShareUnavailableError),
    (OSError(errno.ESTALE, "Stale file handle"), ShareUnavailableError),
    (peewee.OperationalError("disk I/O error"), ShareUnavailableError),
    (peewee.OperationalError("unable to open database file"), ShareUnavailableError),
    (peewee.OperationalError("database or disk is full"), DiskFullError),
    (peewee.OperationalError("attempt to write a readonly database"), ReadOnlyError),
    (peewee.OperationalError("database is locked"), LockedTooLongError),
    (peewee.OperationalError("server closed the connection unexpectedly"), ShareUnavailableError),
    (peewee.InterfaceError("connection already closed"), ShareUnavailableError),
])
def test_low_level_failures_are_classified(failure, expected):
    typed = db_errors.translate(failure)
    assert type(typed) is expected and typed.message


def test_an_unknown_failure_is_left_alone_as_a_bug():
    assert db_errors.translate(peewee.OperationalError("no such column: foo")) is None
    assert db_errors.translate(ValueError("x")) is None


def test_what_the_desk_reads_on_its_ui_thread_fails_typed_when_the_share_is_gone(share):
    """The inbox and the dossier call these on the UI thread, which catches KlachtenbureauError only."""
    _url, folder = share
    user = sanne()
    complaint = intake.register(user, report("Voor de storing."))
    database.close()
    with share_gone(folder):
        for read in (lambda: inbox.complaint_ids(user, InboxQuery()), lambda: dossier_data.stamp(complaint.id)):
            with pytest.raises(ShareUnavailableError) as info:
                read()
            assert isinstance(info.value.__cause__, peewee.OperationalError)  # kept for the log


def test_a_bug_leaves_a_typed_workflow_function_unchanged():
    @db_errors.typed_errors
    def broken() -> None:
        raise peewee.OperationalError("no such column: foo")

    with pytest.raises(peewee.OperationalError, match="no such column"):
        broken()


@pytest.fixture
def pg_url(request, tmp_path):
    url = make_url("postgres", tmp_path, request)
    store.open_database(url, create=True)
    yield url
    database.close()


def test_postgresql_read_only_transaction_is_the_read_only_message(pg_url):
    with pytest.raises(peewee.DatabaseError) as info:
        with database.db.atomic():
            database.db.execute_sql("SET TRANSACTION READ ONLY")
            database.db.execute_sql("INSERT INTO category (name, position, active, version) VALUES ('x', 1, true, 1)")
    assert type(db_errors.translate(info.value)) is ReadOnlyError


def test_postgresql_connection_killed_mid_work_is_offline_then_reconnects(pg_url):
    user = store.system_user()
    pid = database.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    killer = psycopg2.connect(pg_url)
    try:
        killer.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    finally:
        killer.close()
    with pytest.raises(WriteQueuedError) as info:
        write_queue.submit(user, "register", write_queue.report_payload(report("Server even weg.")), pg_url)
    assert isinstance(info.value.cause, ShareUnavailableError) and "databaseserver" in info.value.message
    resilience.reconnect(pg_url)
    assert write_queue.retry_pending(pg_url).sent == [info.value.operation_id]
    assert described("Server even weg.") == 1


# --- after every write: is it really there? ------------------------------------------------

def test_a_write_that_did_not_reach_the_file_is_caught_and_sent_again_once(share, monkeypatch):
    url, _folder = share
    real = operations.write_transaction

    @contextlib.contextmanager
    def lost_on_the_way():
        # The share said 'committed' but the write never reached the file: simulated by a rollback.
        with database.db.atomic() as transaction:
            yield
            transaction.rollback()

    monkeypatch.setattr(operations, "write_transaction", lost_on_the_way)
    with pytest.raises(WriteQueuedError) as info:
        write_queue.submit(sanne(), "register", write_queue.report_payload(report("Verloren?")), url)
    assert isinstance(info.value.cause, WriteNotConfirmedError)
    assert described("Verloren?") == 0
    monkeypatch.setattr(operations, "write_transaction", real)
    assert write_queue.retry_pending(url).sent == [info.value.operation_id]
    assert described("Verloren?") == 1
    assert AuditEntry.select().where(AuditEntry.operation_id == info.value.operation_id).count() == 1


def test_verify_written_finds_a_committed_write_and_not_an_unknown_one(share):
    intake.register(sanne(), report("Er."), operation_id="op-er")
    resilience.verify_written("op-er")
    with pytest.raises(WriteNotConfirmedError) as info:
        resilience.verify_written("op-nooit")
    assert info.value.operation_id == "op-nooit" and "hetzelfde kenmerk" in info.value.message


# --- the pending-write queue ------------------------------------------------------------------

def test_write_during_an_outage_waits_on_this_pc_and_is_sent_once_after_reconnecting(share):
    url, folder = share
    with share_gone(folder):
        with pytest.raises(WriteQueuedError) as info:
            write_queue.submit(sanne(), "register", write_queue.report_payload(report("In de wachtrij.")), url)
        assert isinstance(info.value.cause, ShareUnavailableError)
        waiting = write_queue.pending(url)
        assert [(w.operation_id, w.action, w.user_login) for w in waiting] == [
            (info.value.operation_id, "register", "sanne")]
        assert waiting[0].payload["description"] == "In de wachtrij."
        report_ = write_queue.retry_pending(url)
        assert report_.sent == [] and [w.operation_id for w in report_.waiting] == [info.value.operation_id]
    resilience.reconnect(url)
    assert write_queue.retry_pending(url).sent == [info.value.operation_id]
    assert write_queue.retry_pending(url).sent == []
    assert described("In de wachtrij.") == 1


def test_a_write_that_did_arrive_before_the_crash_is_not_doubled(share):
    url, _folder = share
    operation_id = uuid.uuid4().hex
    payload = write_queue.report_payload(report("Aangekomen, maar het antwoord ging verloren."))
    # The PC crashed after the commit but before it took the write off its queue.
    write_queue._save(write_queue.PendingWrite(operation_id, "register", "sanne", url, payload))
    intake.register(sanne(), write_queue.report_from_payload(payload), operation_id=operation_id)
    assert write_queue.retry_pending(url).sent == [operation_id]
    assert described("Aangekomen, maar het antwoord ging verloren.") == 1


def test_a_queued_step_against_a_complaint_changed_meanwhile_is_refused_and_kept(share):
    url, folder = share
    complaint = intake.register(sanne(), report("Conflict."))
    store.create_user(store.system_user(), "petra", "Petra Jansen", "coordinator")
    petra = User.get(User.login == "petra")
    with share_gone(folder):
        with pytest.raises(WriteQueuedError) as info:
            write_queue.submit(petra, "acknowledge", write_queue.step_payload(complaint, {"method": "email"}), url)
    resilience.reconnect(url)
    procedure.acknowledge(petra, Complaint.get_by_id(complaint.id), "letter")  # a colleague was first
    result = write_queue.retry_pending(url)
    assert result.sent == [] and [w.operation_id for w in result.refused] == [info.value.operation_id]
    assert result.refused[0].problem == ConflictError().message
    assert Complaint.get_by_id(complaint.id).acknowledgement_method == "letter"
    assert write_queue.retry_pending(url).refused[0].attempts == 2  # not sent again until dealt with
    write_queue.discard(info.value.operation_id)
    assert write_queue.pending(url) == []


def test_a_refused_write_is_not_queued(share):
    url, _folder = share
    with pytest.raises(Exception) as info:
        write_queue.submit(sanne(), "register", write_queue.report_payload(report("  ")), url)
    assert info.value.__class__.__name__ == "ValidationError"
    assert write_queue.pending(url) == []


@pytest.mark.expect_log("is niet te lezen en wordt overgeslagen")
def test_unreadable_queue_files_are_skipped_not_deleted(share):
    url, _folder = share
    folder = write_queue.queue_dir()
    folder.mkdir(parents=True)
    (folder / "kapot.json").write_text("{", encoding="utf-8")
    assert write_queue.pending(url) == []
    assert (folder / "kapot.json").exists()


def test_a_queue_file_that_left_while_the_queue_was_read_is_passed_over_without_a_warning(share):
    url, _folder = share
    folder = write_queue.queue_dir()
    folder.mkdir(parents=True)
    (folder / "verstuurd.json").symlink_to(folder / "weg.json")  # listed, gone when read: sent meanwhile
    assert write_queue.pending(url) == []  # and no warning (the test fails on an unannounced one)


# --- reconnect checks the file; a writer killed mid-transaction loses only its own write -----------

@pytest.mark.expect_log("^Database beschadigd: ")
def test_reconnect_refuses_a_damaged_file(share):
    url, folder = share
    database.close()
    path = folder / "klachten.db"
    data = bytearray(path.read_bytes())
    data[4096:12288] = b"\x13" * 8192
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorruptError):
        resilience.reconnect(url)


KILLED_WRITER = textwrap.dedent("""
    import sys
    from klachtenbureau.models import Complaint, User
    from klachtenbureau.workflow import intake, operations
    from klachtenbureau.workflow.upkeep import store
    store.open_database(sys.argv[1])
    user = User.get(User.login == "sanne")

    def body():
        complaint = Complaint.create(**{**Complaint.select().dicts().get(), "id": None, "number": "K-HALF",
                                        "description": "Half geschreven"})
        print("midden", flush=True)
        sys.stdin.readline()  # waits here, inside the transaction, until it is killed
        return operations.Outcome(complaint, {})

    operations.perform(user, "half", body)
""")


def test_a_writer_killed_mid_transaction_loses_only_its_own_write(share):
    url, folder = share
    intake.register(sanne(), report("Heel."))
    database.close()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, url], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    assert writer.stdout.readline().strip() == "midden"
    assert (folder / "klachten.db-journal").exists()
    writer.kill()
    writer.wait()
    writer.stdout.close()
    writer.stdin.close()
    resilience.reconnect(url)
    assert [c.description for c in Complaint.select()] == ["Heel."]
    store.full_check()
    intake.register(sanne(), report("Daarna."))
    assert described("Daarna.") == 1


def test_waiting_for_the_database_gives_up_with_the_offline_message(tmp_path):
    with pytest.raises(DatabaseUnavailableError) as info:
        resilience.wait_for_database(f"sqlite:///{tmp_path}/weg/klachten.db", timeout=0, first_wait=0)
    assert isinstance(info.value, ShareUnavailableError)


# --- does the database take writes? (the offline state ends only when it does) ---------------------

def test_check_writable_tells_a_read_only_share_from_a_writable_one(share):
    url, folder = share
    resilience.check_writable()
    with read_only(folder):
        resilience.reconnect(url)  # a read-only file opens and reads fine ...
        assert User.select().count() >= 1
        with pytest.raises(ReadOnlyError):  # ... but takes no write
            resilience.check_writable()
        with pytest.raises(ReadOnlyError):
            write_queue.recover(url)
    write_queue.recover(url)  # the share is writable again: recovering succeeds
    version = database.db.execute_sql("PRAGMA user_version").fetchone()[0]
    resilience.check_writable()  # the probe is rolled back: it leaves nothing behind
    assert database.db.execute_sql("PRAGMA user_version").fetchone()[0] == version
    assert not (folder / "klachten.db-journal").exists()


def test_check_writable_on_a_read_only_postgresql_session(pg_url):
    resilience.check_writable()
    database.db.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    with pytest.raises(ReadOnlyError) as info:
        resilience.check_writable()
    assert info.value.message.startswith("De database kan alleen gelezen worden")
    resilience.reconnect(pg_url)
    resilience.check_writable()


def test_a_queued_step_keeps_what_the_user_typed_for_people_to_read(share):
    url, folder = share
    complaint = intake.register(sanne(), report("Klacht over de bezorging."))
    payload = write_queue.step_payload(complaint, {"method": "email"}, label="Ontvangst bevestigen – 1",
                                       text="Hoe bevestigd: e-mail", form={"method": "email"})
    petra = store.create_user(store.system_user(), "petra", "Petra Jansen", "coordinator")
    with share_gone(folder):
        with pytest.raises(WriteQueuedError):
            write_queue.submit(petra, "acknowledge", payload, url)
    [item] = write_queue.for_complaint(url, complaint.number)
    assert (write_queue.label(item), write_queue.text(item)) == ("Ontvangst bevestigen – 1", "Hoe bevestigd: e-mail")
    assert write_queue.blocks_steps(item)
    registration = write_queue.PendingWrite("op-1", "register", "sanne", url, write_queue.report_payload(
        intake.NewReport(description="Te laat.", relation={"name": "Ans Bakker"})))
    assert write_queue.text(registration) == "Klager: Ans Bakker\n\nTe laat."
    assert write_queue.report_from_payload(registration.payload).description == "Te laat."
