"""The shared file keeps what was confirmed: it is never created by accident, a lost write is found and made
again, a damaged page is checked before anyone is told to restore, a moved file takes no more writes, and
``db recover`` brings back the last good copy plus what this PC confirmed since. Real files throughout.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path
from urllib.parse import urlparse

import peewee
import pytest

from klachtenbureau import cli
from klachtenbureau.errors import DatabaseCorruptError, DatabaseMovedError, DatabaseUnavailableError
from klachtenbureau.models import AuditEntry, Complaint, User, database
from klachtenbureau.server import connection_file
from klachtenbureau.workflow import db_errors, intake, ledger, procedure, recheck, recovery
from klachtenbureau.workflow.offline import resilience, write_queue
from klachtenbureau.workflow.upkeep import move_to_server, store
from klachtenbureau.workflow.offline.write_queue import WriteQueuedError

NOW = dt.timedelta(0)


@pytest.fixture
def share(tmp_path):
    """A database in its own folder (the 'share'), with a telephonist and a coordinator; yields (url, file)."""
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "klachten.db"
    url = f"sqlite:///{path.as_posix()}"
    store.open_database(url, create=True)
    actor = store.system_user()
    store.create_user(actor, "sanne", "Sanne de Vries", "intake")
    store.create_user(actor, "petra", "Petra Jansen", "coordinator")
    yield url, path
    database.close()


def user(login: str) -> User:
    return User.get(User.login == login)


def payload(text: str) -> dict:
    return write_queue.report_payload(intake.NewReport(description=text, anonymous=True, channel="website"))


def described(text: str) -> list[str]:
    return [c.number for c in Complaint.select(Complaint.number).where(Complaint.description == text)]


def snapshot(path: Path) -> bytes:
    """The file as another PC last wrote it (its connection closed first, so every page is on disk)."""
    database.close()
    return path.read_bytes()


def overwrite(url: str, path: Path, old: bytes) -> None:
    """Another PC writes its stale pages over the file, as happens on a share that does not pass locks."""
    database.close()
    path.write_bytes(old)
    store.open_database(url)


# --- never create a database where one is expected ---------------------------------------------------------

def test_a_missing_database_file_is_refused_and_not_created(tmp_path):
    path = tmp_path / "klachten.db"
    with pytest.raises(DatabaseUnavailableError) as info:
        store.open_database(f"sqlite:///{path.as_posix()}")
    assert "bestaat niet" in info.value.message
    assert not path.exists()


def test_a_database_that_disappears_while_open_is_offline_not_a_new_empty_file(share):
    url, path = share
    sanne = user("sanne")
    intake.register(sanne, intake.NewReport(description="Er al.", anonymous=True, channel="website"))
    database.close()
    gone = path.with_name("verhuisd.db")
    path.rename(gone)  # the drive letter now points at a folder without the file
    with pytest.raises(WriteQueuedError) as info:
        write_queue.submit(sanne, "register", payload("Tijdens de storing."), url)
    assert isinstance(info.value.cause, db_errors.ShareUnavailableError)
    assert not path.exists(), "peewee's automatic reconnect made a new empty database"
    with pytest.raises(db_errors.ShareUnavailableError):
        resilience.reconnect(url)
    assert not path.exists()
    gone.rename(path)
    assert write_queue.recover(url).sent == [info.value.operation_id]
    assert len(described("Tijdens de storing.")) == 1 and len(described("Er al.")) == 1


# --- one translator ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("failure, expected", [
    (peewee.DatabaseError("database disk image is malformed"), db_errors.SuspectedDamageError),
    (sqlite3.DatabaseError("file is not a database"), DatabaseCorruptError),
    (peewee.IntegrityError("UNIQUE constraint failed: complaint.number"), db_errors.DuplicateError),
    (peewee.OperationalError("cannot rollback - no transaction is active"), db_errors.ShareUnavailableError),
    (sqlite3.OperationalError("unable to open database file"), db_errors.ShareUnavailableError),
    (peewee.IntegrityError('duplicate key value violates unique constraint "complaint_number"'),
     db_errors.DuplicateError),
    (peewee.IntegrityError("FOREIGN KEY constraint failed"), db_errors.MissingReferenceError),
    (peewee.IntegrityError("constraint failed"), db_errors.SuspectedDamageError),  # seen on a share without locks
])
def test_every_database_failure_becomes_a_typed_dutch_error(failure, expected):
    typed = db_errors.translate(failure)
    assert type(typed) is expected
    assert typed.message and str(failure) not in typed.message


def test_a_rollback_failure_names_the_cause_behind_it():
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise peewee.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except peewee.OperationalError as exc:
        assert type(db_errors.translate(exc)) is db_errors.DiskFullError


def test_the_command_line_words_a_database_failure_in_dutch(share, capsys):
    url, path = share
    database.close()
    path.write_bytes(b"dit is geen database" * 100)
    code = cli.main(["list", "--db", url])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("Fout: Dit bestand is geen Klachtenbureau-database") and "not a database" not in err


# --- a damaged page: transient first, confirmed on fresh connections -----------------------------------------

def damage(path: Path) -> bytes:
    """Overwrite every page but the first with noise; returns the original bytes."""
    original = path.read_bytes()
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    path.write_bytes(original[:page] + bytes((i * 7 + 3) % 251 for i in range(len(original) - page)))
    return original


def test_a_malformed_page_during_a_write_keeps_the_input_and_is_not_called_damage_until_checked(share):
    url, path = share
    sanne = user("sanne")
    database.close()
    original = damage(path)
    with pytest.raises(WriteQueuedError) as info:
        write_queue.submit(sanne, "register", payload("Tijdens een leesfout."), url)
    assert isinstance(info.value.cause, db_errors.SuspectedDamageError)
    assert "reservekopie" not in info.value.message and "bewaard" in info.value.message
    assert len(write_queue.pending(url)) == 1
    path.write_bytes(original)  # the other PC finished its write: the pages are whole again
    resilience.reconnect(url)
    assert write_queue.retry_pending(url).sent == [info.value.operation_id]
    assert len(described("Tijdens een leesfout.")) == 1


@pytest.mark.expect_log("^Database beschadigd: ")
def test_damage_that_stays_on_fresh_connections_is_confirmed_and_points_to_recover(share, monkeypatch):
    url, path = share
    monkeypatch.setattr(resilience, "DAMAGE_PAUSE", 0.01)
    database.close()
    damage(path)
    with pytest.raises(DatabaseCorruptError) as info:
        resilience.reconnect(url)
    assert "klachtenbureau db recover" in info.value.message


# --- the ledger: a confirmed write that vanished is made again --------------------------------------------------

def lost_registration(url: str, path: Path, text: str) -> str:
    """Register ``text`` through the queue (confirmed, read out), then lose it to another PC; returns its number."""
    before = snapshot(path)
    store.open_database(url)
    told = write_queue.submit(user("sanne"), "register", payload(text), url).number
    overwrite(url, path, before)
    return told


@pytest.mark.expect_log("^Bevestigde wijziging .* ontbreekt in ")
def test_a_registration_the_shared_file_lost_is_made_again_under_the_number_read_out(share):
    url, path = share
    told = lost_registration(url, path, "Bevestigd aan de beller.")
    assert described("Bevestigd aan de beller.") == []
    report = recheck.verify(url, check_after=NOW)
    assert [done.number for done in report.reapplied] == [told]
    assert described("Bevestigd aan de beller.") == [told]
    assert "onder hetzelfde nummer" in report.reapplied[0].message()
    assert "kantoorserver" in report.alarm()
    alarm = AuditEntry.get(AuditEntry.action == "write_reapplied")
    assert f'"number_told": "{told}"' in alarm.changes
    again = recheck.verify(url, check_after=NOW)
    assert again.reapplied == [] and again.checked == 1 and again.alarm() == ""
    assert described("Bevestigd aan de beller.") == [told]


@pytest.mark.expect_log("^Bevestigde wijziging .* ontbreekt in ")
def test_a_lost_registration_whose_number_was_given_out_again_gets_a_new_one_and_says_both(share):
    url, path = share
    told = lost_registration(url, path, "Eerste beller.")
    other = intake.register(user("petra"), intake.NewReport(description="Andere pc.", anonymous=True,
                                                            channel="phone"))
    assert other.number == told  # the shared file handed the number out a second time
    report = recheck.verify(url, check_after=NOW)
    now_number = described("Eerste beller.")[0]
    assert now_number != told and report.reapplied[0].number == now_number
    assert told in report.reapplied[0].message() and now_number in report.reapplied[0].message()
    numbers = [c.number for c in Complaint.select(Complaint.number)]
    assert len(numbers) == len(set(numbers)) == 2
    again = recheck.verify(url, check_after=NOW)  # checked under its new number from now on: not made twice
    assert again.reapplied == [] and described("Eerste beller.") == [now_number]


def audit_entries_lost(url: str, path: Path) -> None:
    """Another PC's stale page took the registrations' audit entries with it, and nothing else."""
    database.close()
    with sqlite3.connect(path) as raw:  # (a page lost is no DELETE: the append-only trigger steps aside here)
        name, sql = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                                "'audit_entry' AND sql LIKE '%DELETE%'").fetchone()
        raw.execute(f"DROP TRIGGER {name}")
        raw.execute("DELETE FROM audit_entry WHERE action = 'register'")
        raw.execute(sql)
    store.open_database(url)


@pytest.mark.expect_log("^Bevestigde wijziging .* ontbreekt in ")
def test_a_registration_that_kept_its_row_but_lost_its_audit_entry_is_not_made_twice(share):
    url, path = share
    told = write_queue.submit(user("sanne"), "register", payload("Half verloren."), url).number
    audit_entries_lost(url, path)
    report = recheck.verify(url, check_after=NOW)
    assert report.reapplied == [] and report.alarm() == ""
    assert described("Half verloren.") == [told]
    assert AuditEntry.get(AuditEntry.action == "write_reapplied").changes.count('"audit_entry_only": true') == 1
    assert recheck.verify(url, check_after=NOW).checked == 1 and described("Half verloren.") == [told]


def test_a_queued_registration_that_landed_but_lost_its_audit_entry_is_not_sent_twice(share):
    url, path = share
    item = write_queue.PendingWrite("op-half", "register", "sanne", url, payload("Half aangekomen."), attempts=1)
    write_queue.keep_refused(item)  # (kept as it is: tried once, the outcome unknown)
    landed = write_queue.REPLAYERS["register"](user("sanne"), item.payload, item.operation_id)
    audit_entries_lost(url, path)
    sent = write_queue.retry_pending(url)
    assert sent.sent == ["op-half"] and described("Half aangekomen.") == [landed.number]
    assert AuditEntry.select().where(AuditEntry.operation_id == "op-half").count() == 1
    assert [entry.number for entry in ledger.entries(url)] == [landed.number]


def another_pcs_row_in_its_place(path: Path, number: str) -> None:
    database.close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE complaint SET number = 'K1999-0001', received_by_id = (SELECT id FROM user WHERE login = "
                    "'petra'), description = 'Andere pc.' WHERE number = ?", (number,))


@pytest.mark.expect_log("^Bevestigde wijziging .* ontbreekt in ")
def test_a_registration_whose_row_another_pc_wrote_over_is_made_again_once_though_its_audit_entry_stayed(share):
    url, path = share
    told = write_queue.submit(user("sanne"), "register", payload("Overschreven."), url).number
    another_pcs_row_in_its_place(path, told)  # the same place: its number, its telephonist, its text
    store.open_database(url)
    report = recheck.verify(url, check_after=NOW)
    assert [done.number for done in report.reapplied] == [told] and "kantoorserver" in report.alarm()
    assert described("Overschreven.") == [told] and described("Andere pc.") == ["K1999-0001"]
    for _again in range(2):  # checked from now on under its new operation id: never made a second time
        again = recheck.verify(url, check_after=NOW)
        assert again.checked == 1 and again.reapplied == [] and described("Overschreven.") == [told]


def test_a_queued_registration_sent_again_after_its_row_was_overwritten_is_made_again_not_taken_for_done(share):
    url, path = share
    item = write_queue.PendingWrite("op-overschreven", "register", "sanne", url, payload("In de wachtrij."))
    first = write_queue.REPLAYERS["register"](user("sanne"), item.payload, item.operation_id)
    another_pcs_row_in_its_place(path, first.number)  # the write landed, then went; its audit entry stayed
    store.open_database(url)
    again = write_queue.REPLAYERS["register"](user("sanne"), item.payload, item.operation_id)
    assert again.description == "In de wachtrij." and described("In de wachtrij.") == [again.number]
    assert described("Andere pc.") == ["K1999-0001"]


def test_only_writes_old_enough_are_checked(share):
    url, path = share
    write_queue.submit(user("sanne"), "register", payload("Net gedaan."), url)
    assert recheck.verify(url).checked == 0
    later = dt.datetime.now() + recheck.CHECK_AFTER + dt.timedelta(seconds=1)
    assert recheck.verify(url, now=later).checked == 1


@pytest.mark.expect_log("^Bevestigde wijziging .* ontbreekt in ")
def test_a_lost_step_that_can_no_longer_be_made_goes_back_to_the_queue_with_the_reason(share):
    url, path = share
    complaint = write_queue.submit(user("sanne"), "register", payload("Stap kwijt."), url)
    before = snapshot(path)
    store.open_database(url)
    complaint = Complaint.get(Complaint.number == complaint.number)
    write_queue.submit(user("petra"), "acknowledge",
                       write_queue.step_payload(complaint, {"method": "phone"}, label="Ontvangst bevestigen"), url)
    overwrite(url, path, before)
    procedure.assign(user("petra"), Complaint.get(Complaint.number == complaint.number), user("petra"))
    report = recheck.verify(url, check_after=NOW)
    assert report.reapplied == [] and len(report.refused) == 1
    waiting = write_queue.pending(url)
    assert [(item.action, bool(item.problem)) for item in waiting] == [("acknowledge", True)]
    assert "1 bevestigde wijziging van" in report.alarm() and "0 zijn opnieuw opgeslagen" in report.alarm()
    write_queue.discard(waiting[0].operation_id)  # the user filled it in again by hand
    assert recheck.verify(url, check_after=NOW).lost == 0 and write_queue.pending(url) == []  # not handed back


def test_the_ledger_keeps_four_weeks(share):
    url, _path = share
    write_queue.submit(user("sanne"), "register", payload("Oud."), url)
    [entry] = ledger.entries(url)
    assert ledger.entries(url, today=dt.date.today() + dt.timedelta(days=ledger.KEEP_DAYS + 1)) == []
    assert not list(ledger.ledger_dir().glob("*.jsonl")) and entry.number


# --- moving to the office server --------------------------------------------------------------------------

def test_a_file_marked_as_moved_refuses_to_open_and_a_pc_that_has_it_open_cannot_write(share):
    url, path = share
    sanne = user("sanne")
    intake.register(sanne, intake.NewReport(description="Voor de verhuizing.", anonymous=True, channel="phone"))
    store.mark_moved(url, path.parent)  # by the office server's set-up, on another connection
    with pytest.raises(WriteQueuedError) as info:
        write_queue.submit(sanne, "register", payload("Na de verhuizing."), url)
    assert isinstance(info.value.cause, DatabaseMovedError) and "kantoorserver" in info.value.message
    database.close()
    with pytest.raises(DatabaseMovedError) as opened:
        store.open_database(url)
    assert opened.value.folder == path.parent
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT count(*) FROM complaint").fetchone()[0] == 1
    connection.close()


# --- recovery -------------------------------------------------------------------------------------------------

@pytest.mark.expect_log("^Indexen herstellen lukte niet: ", "^Bevestigde wijziging .* ontbreekt in ")
def test_recover_puts_back_the_last_good_copy_and_what_this_pc_confirmed_since(share, capsys):
    url, path = share
    first = write_queue.submit(user("sanne"), "register", payload("Voor de kopie."), url).number
    store.backup()
    after = [write_queue.submit(user("sanne"), "register", payload(f"Na de kopie {i}."), url).number
             for i in range(2)]
    database.close()
    damage(path)
    code = cli.main(["db", "recover", "--db", url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "2 wijziging(en) van deze computer opnieuw toegevoegd" in out
    store.open_database(url)
    assert described("Voor de kopie.") == [first]
    assert [described(f"Na de kopie {i}.") for i in range(2)] == [[n] for n in after]
    store.full_check()
    aside = list(path.parent.glob("backups/*-vervangen-*"))
    assert len(aside) == 1 and aside[0] not in recovery.candidates(path)


def test_a_pc_opening_the_moved_file_is_sent_to_the_server_with_what_waited_for_the_file(share, pg_server):
    url, path = share
    sanne = user("sanne")
    before = write_queue.submit(sanne, "register", payload("Voor de verhuizing."), url).number
    database.close()
    name = f"v_{uuid.uuid4().hex[:10]}"
    server_url = pg_server.create_database(name)
    try:
        move_to_server.migrate(url, server_url)
        parsed = urlparse(server_url)
        connection_file.write(path.parent, parsed.port, parsed.path.lstrip("/"), parsed.username, "wachtwoord",
                              hosts=[parsed.hostname])
        store.mark_moved(url, path.parent)
        database.connect(url)  # this PC had the file open all along and does not know yet
        with pytest.raises(WriteQueuedError):  # its write waits
            write_queue.submit(sanne, "register", payload("Na de verhuizing."), url)
        database.close()
        opened, remember = store.open_office_database(url)
        assert opened.startswith("postgresql://") and remember == str(path.parent)
        assert write_queue.pending(url) == [] and len(write_queue.pending(opened)) == 1
        assert len(write_queue.retry_pending(opened).sent) == 1
        assert described("Voor de verhuizing.") == [before] and len(described("Na de verhuizing.")) == 1
    finally:
        database.close()
        pg_server.drop_database(name)


@pytest.mark.expect_log("^Alleen de indexen van ")
def test_recover_rebuilds_indexes_that_lost_rows_in_place_without_a_backup(share, capsys):
    """The damage two PCs without each other's locks leave (measured on a real share): index pages written over
    with an older version. The rows are all there, so nothing has to come from a backup."""
    url, path = share
    intake.register(user("sanne"), intake.NewReport(description="Eerste.", anonymous=True, channel="phone"))
    database.close()
    old = path.read_bytes()
    store.open_database(url)
    for i in range(3):
        intake.register(user("sanne"), intake.NewReport(description=f"Later {i}.", anonymous=True, channel="phone"))
    database.close()
    connection = sqlite3.connect(path)
    page = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'complaint_inbox'").fetchone()[0]
    connection.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page:root * page] = old[(root - 1) * page:root * page]  # another PC's stale index page
    path.write_bytes(bytes(data))
    connection = sqlite3.connect(path)
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    with connection:  # and a kept count that lost a write: recover counts them again
        connection.execute("UPDATE complaint_tally SET n = n + 5")
    connection.close()
    assert any("missing from index complaint_inbox" in problem for problem in problems)
    assert cli.main(["db", "recover", "--db", url]) == 0
    assert "Alleen de indexen" in capsys.readouterr().out
    store.open_database(url)
    assert Complaint.select().count() == 4
    store.full_check()
    assert not list(path.parent.glob("backups/*-vervangen-*"))  # nothing was put aside: nothing was replaced


@pytest.mark.expect_log("^Logboekketen opnieuw vastgelegd")
def test_recover_lays_the_audit_chain_again_after_two_pcs_appended_at_once_and_logs_where_it_broke(share, capsys):
    """Two PCs without each other's locks (measured on a real share) both link an entry to the same predecessor:
    the chain breaks as if edited. ``db check`` says so and points to ``db recover``, which chains the log again from
    there and writes that, with the chain value it found, into the log itself."""
    from klachtenbureau.models import audit

    url, _path = share
    for text in ("Eerste.", "Tweede."):
        intake.register(user("sanne"), intake.NewReport(description=text, anonymous=True, channel="phone"))
    before_last = AuditEntry.select().order_by(AuditEntry.id.desc()).offset(1).first()
    other_pc = {"operation_id": "pc2-register", "at": dt.datetime(2026, 12, 7, 9, 30), "user_login": "petra",
                "action": "register", "entity": "complaint", "entity_id": None, "complaint_id": None, "changes": "{}"}
    forked = audit.link(before_last.chain, other_pc)  # pc2 had not seen the last entry when it appended
    AuditEntry.insert(**other_pc, chain=forked).execute()
    with pytest.raises(DatabaseCorruptError) as found:
        store.full_check()
    assert "db recover" in found.value.message and "petra" in found.value.message
    database.close()

    assert cli.main(["db", "recover", "--db", url]) == 0
    out = capsys.readouterr().out
    store.open_database(url)
    store.full_check()
    assert audit.first_broken() is None
    [resealed] = AuditEntry.select().where(AuditEntry.action == "reseal_audit")
    kept = json.loads(resealed.changes)
    assert kept["chain_found"] == forked and kept["login"] == "petra" and kept["entries"] == 1
    assert f"regel {kept['from_entry']} " in out and "opnieuw vastgelegd" in out
    with pytest.raises(peewee.IntegrityError):  # the log is append-only again afterwards
        AuditEntry.update(user_login="niemand").where(AuditEntry.id == resealed.id).execute()


def test_a_bug_while_saving_keeps_the_input_in_the_queue_for_the_user(share):
    url, _path = share
    broken = {**payload("Iets dat de telefonist typte."), "received_at": "gisteren"}  # not what the form sends
    with pytest.raises(ValueError):
        write_queue.submit(user("sanne"), "register", broken, url)
    [kept] = write_queue.pending(url)
    assert kept.problem.startswith("Onverwachte fout") and write_queue.text(kept).endswith("Iets dat de telefonist typte.")
