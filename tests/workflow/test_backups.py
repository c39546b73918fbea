"""Daily backups with rotation, checked copies, and restoring one without losing the current file."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError
from klachtenbureau.models import Complaint, database
from klachtenbureau.workflow import intake, settings
from klachtenbureau.workflow.upkeep import backups, store
from klachtenbureau.workflow.db_errors import LockedTooLongError
from tests.conftest import make_url

TODAY = dt.date(2026, 11, 20)


def register(staff, text="Te laat opgehaald."):
    return intake.register(staff["sanne"], intake.NewReport(description=text, anonymous=True, channel="website"))


def db_file(url: str) -> Path:
    return database.sqlite_path(url)


def count_in(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM complaint").fetchone()[0]
    finally:
        connection.close()


def test_first_start_of_the_day_makes_one_checked_copy(sqlite_db, staff):
    register(staff)
    made = backups.daily_backup(TODAY)
    assert made == db_file(sqlite_db).parent / "backups" / "klachten-20261120-dagelijks.db"
    assert count_in(made) == 1
    assert backups.check_backup(made) >= 1
    assert made.stat().st_mode & 0o777 == 0o600  # every complaint in it: its owner's eyes only
    register(staff)
    assert backups.daily_backup(TODAY) is None  # a second start that day (or another PC) leaves it
    assert count_in(made) == 1
    assert backups.daily_backup(TODAY + dt.timedelta(days=1)).name == "klachten-20261121-dagelijks.db"
    assert not list(made.parent.glob("*.tmp"))


def test_rotation_keeps_the_configured_number_of_days_and_manual_copies_within_the_retention_period(
        sqlite_db, staff):
    settings.put(staff["admin"], "backup_keep_days", 7)
    source = db_file(sqlite_db)
    folder = backups.backup_dir(source)
    folder.mkdir()
    for age in range(1, 21):
        (folder / f"klachten-{TODAY - dt.timedelta(days=age):%Y%m%d}-dagelijks.db").write_bytes(b"oud")
    recent = f"{TODAY - dt.timedelta(days=2 * 365):%Y%m%d}"
    manual = [folder / f"klachten-{recent}-120000.db", folder / f"klachten-{recent}-120000-voor-v2.db",
              folder / "anders-20200101-dagelijks.db"]
    too_old = [folder / "klachten-20200101-120000.db", folder / "klachten-vervangen-20200101-120000.db"]
    for path in manual + too_old:
        path.write_bytes(b"hand")
    backups.daily_backup(TODAY)
    kept = [day for day, _path in backups.daily_backups(source)]
    assert kept == [TODAY - dt.timedelta(days=age) for age in range(7)]
    assert all(path.exists() for path in manual) and not any(path.exists() for path in too_old)


def test_rotation_keeps_the_newest_copy_however_old(sqlite_db):
    source = db_file(sqlite_db)
    folder = backups.backup_dir(source)
    folder.mkdir()
    for day in ("20250101", "20250102"):
        (folder / f"klachten-{day}-dagelijks.db").write_bytes(b"x")
    removed = backups.rotate(source, 14, TODAY)
    assert [p.name for p in removed] == ["klachten-20250101-dagelijks.db"]
    assert [d for d, _p in backups.daily_backups(source)] == [dt.date(2025, 1, 2)]


def test_no_daily_copy_on_postgresql(request, tmp_path):
    store.open_database(make_url("postgres", tmp_path, request), create=True)
    assert backups.daily_backup(TODAY) is None


def test_restore_puts_the_copy_in_place_and_keeps_the_current_file(sqlite_db, staff):
    register(staff, "Voor de kopie.")
    copy = backups.daily_backup(TODAY)
    register(staff, "Na de kopie.")
    aside = backups.restore(copy, sqlite_db)
    assert aside.exists() and aside.parent == copy.parent and "vervangen" in aside.name
    assert count_in(aside) == 2  # nothing is deleted: the later work is still in the file moved aside
    store.open_database(sqlite_db)
    assert [c.description for c in Complaint.select()] == ["Voor de kopie."]
    store.full_check()
    assert not list(db_file(sqlite_db).parent.glob("*.tmp"))


def test_restore_refuses_a_damaged_copy_and_changes_nothing(sqlite_db, staff, tmp_path):
    register(staff)
    copy = backups.daily_backup(TODAY)
    damaged = tmp_path / "kapot.db"
    data = bytearray(copy.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    damaged.write_bytes(bytes(data))
    garbage = tmp_path / "geen.db"
    garbage.write_bytes(b"dit is geen database" * 100)
    for bad in (damaged, garbage, tmp_path / "bestaat-niet.db"):
        with pytest.raises((DatabaseCorruptError, DatabaseUnavailableError)) as info:
            backups.restore(bad, sqlite_db)
        assert "niets veranderd" in info.value.message or "bestaat niet" in info.value.message
    assert count_in(db_file(sqlite_db)) == 1
    assert not list(copy.parent.glob("*vervangen*"))


def test_restore_refuses_while_another_pc_is_saving(sqlite_db, staff, monkeypatch):
    register(staff)
    copy = backups.daily_backup(TODAY)
    register(staff)
    monkeypatch.setattr(backups, "LOCK_WAIT_SECONDS", 0.2)
    holder = sqlite3.connect(db_file(sqlite_db))
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LockedTooLongError) as info:
            backups.restore(copy, sqlite_db)
    finally:
        holder.rollback()
        holder.close()
    assert "afsluiten" in info.value.message
    assert count_in(db_file(sqlite_db)) == 2


def test_restore_refuses_postgresql(tmp_path, sqlite_db):
    copy = tmp_path / "kopie.db"
    shutil.copy(db_file(sqlite_db), copy)
    with pytest.raises(DatabaseUnavailableError, match="pg_restore"):
        backups.restore(copy, "postgresql://localhost/klachten")
