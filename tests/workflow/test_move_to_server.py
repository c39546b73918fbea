"""Moving an office from SQLite to PostgreSQL: everything, with ids, checked by counts and checksums."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import peewee
import pytest

from klachtenbureau.errors import DatabaseUnavailableError
from klachtenbureau.models import AuditEntry, Complaint, Document, database, db
from klachtenbureau.models.fulltext import matching_ids
from klachtenbureau.workflow import demo, intake, settings
from klachtenbureau.workflow.personal_data import privacy
from klachtenbureau.workflow.upkeep import move_to_server, store
from tests.workflow.past import PDF, closed_complaint


@pytest.fixture
def pg_target(pg_server):
    name = f"m_{uuid.uuid4().hex[:12]}"
    url = pg_server.create_database(name)
    yield url
    database.close()
    pg_server.drop_database(name)


def fill(staff) -> None:
    """Demo complaints, documents with binary content, settings, a confidential view, an AVG erasure."""
    demo.generate(40, seed=5, today=dt.date(2026, 11, 2))
    closed_complaint(staff, dt.datetime(2025, 5, 6, 9), "Met bijlage.",
                     relation={"name": "Els Bijlage", "phone": "06 12121212"},
                     document=PDF + bytes(range(256)) * 40, document_name="scan.pdf")
    gone = closed_complaint(staff, dt.datetime(2024, 5, 6, 9), "Wordt gewist.",
                            relation={"name": "Wilhelmus Vergeetmij", "email": "wis@example.nl"},
                            document=PDF + b"wis")
    privacy.erase_person(staff["admin"], gone.relation_id, "verzoek")
    settings.put(staff["admin"], "backup_keep_days", 30)
    secret = intake.register(staff["sanne"], intake.NewReport(description="Geheim 'quote' \"dubbel\" ✓ 中文",
                                                              anonymous=True, confidential=True))
    privacy.record_view(staff["fatima"], secret)


def counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in move_to_server.models()}


def test_sqlite_to_postgresql_moves_everything_verified_by_counts_and_checksums(sqlite_db, staff, pg_target):
    fill(staff)
    before = counts()
    documents = {d.id: hashlib.sha256(bytes(d.content)).hexdigest() for d in Document.select()}
    max_id = Complaint.select(peewee.fn.MAX(Complaint.id)).scalar()
    seen = []
    checks = move_to_server.migrate(sqlite_db, pg_target, progress=lambda table, n: seen.append(table))
    assert {c.table: c.rows for c in checks} == before
    assert before["audit_entry"] > 100 and before["document"] >= 2
    assert set(seen) >= {"complaint", "document", "audit_entry"}
    assert all(source == target for source, target in move_to_server.verify(sqlite_db, pg_target))

    store.open_database(pg_target)
    assert not database.is_sqlite()
    assert counts() == before
    assert {d.id: hashlib.sha256(bytes(d.content)).hexdigest() for d in Document.select()} == documents
    assert all(hashlib.sha256(bytes(d.content)).hexdigest() == d.sha256 for d in Document.select()
               if d.size)
    assert Complaint.get(Complaint.description.contains("中文")).description == "Geheim 'quote' \"dubbel\" ✓ 中文"
    # The copy works as a database: new ids follow the old ones, search and the append-only log are in place.
    new = intake.register(staff["sanne"], intake.NewReport(description="Eerste op PostgreSQL.", anonymous=True))
    assert new.id > max_id
    assert Complaint.select().where(Complaint.id.in_(matching_ids("Bijlage"))).count() == 1
    assert Complaint.select().where(Complaint.id.in_(matching_ids("Vergeetmij"))).count() == 0
    with pytest.raises(peewee.DatabaseError):
        with db.atomic():
            AuditEntry.update(action="x").where(AuditEntry.id == 1).execute()
    store.full_check()


def test_a_target_that_is_not_empty_is_refused_and_left_alone(sqlite_db, staff, pg_target):
    intake.register(staff["sanne"], intake.NewReport(description="Eén.", anonymous=True))
    move_to_server.migrate(sqlite_db, pg_target)
    store.open_database(sqlite_db)
    intake.register(staff["sanne"], intake.NewReport(description="Twee.", anonymous=True))
    with pytest.raises(DatabaseUnavailableError, match="niet leeg"):
        move_to_server.migrate(sqlite_db, pg_target)
    store.open_database(pg_target)
    assert [c.description for c in Complaint.select()] == ["Eén."]


def test_a_failed_load_leaves_the_target_empty(sqlite_db, staff, pg_target):
    # PostgreSQL cannot store a NUL character in text; SQLite can. The whole load must roll back.
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Goed.", anonymous=True))
    Complaint.update(desired_outcome="nul\x00teken").where(Complaint.id == complaint.id).execute()
    with pytest.raises(DatabaseUnavailableError, match="tabel complaint"):
        move_to_server.migrate(sqlite_db, pg_target)
    target = move_to_server._open(pg_target, must_exist=True)
    try:
        assert target.get_tables() == []
    finally:
        target.close()


def test_sqlite_to_sqlite_works_too(sqlite_db, staff, tmp_path):
    fill(staff)
    before = counts()
    target = f"sqlite:///{(tmp_path / 'nieuw.db').as_posix()}"
    move_to_server.migrate(sqlite_db, target)
    store.open_database(target)
    assert counts() == before
    store.full_check()
    with pytest.raises(DatabaseUnavailableError, match="bestaat al"):
        move_to_server.migrate(sqlite_db, target)
