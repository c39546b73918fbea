"""Schema versions: creation, refusal of newer databases, upgrades with a backup first."""

import datetime as dt
import re
import sqlite3
from pathlib import Path

import peewee
import pytest

from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError, SchemaTooNewError
from klachtenbureau.models import database, schema
from klachtenbureau.workflow.upkeep import store
from tests.models.damage import scribble_over
from tests.models.older import drop_version_7, drop_version_8


def test_new_database_has_current_version_and_default_categories(db):
    from klachtenbureau.models import Category

    assert schema.current_version() == schema.SCHEMA_VERSION
    assert Category.select().count() == 15
    assert Category.select().order_by(Category.position.desc()).first().name == "Overig"


def test_database_from_a_newer_application_is_refused_with_the_version_needed(db_url):
    store.open_database(db_url, create=True)
    schema.SchemaInfo.create(version=schema.SCHEMA_VERSION + 3, app_version="9.1.0", updated_at=dt.datetime.now())
    database.close()
    with pytest.raises(SchemaTooNewError) as info:
        store.open_database(db_url)
    assert "Klachtenbureau 9.1.0" in info.value.message
    assert str(schema.SCHEMA_VERSION + 3) in info.value.message


def test_older_database_is_backed_up_then_upgraded_in_order(sqlite_url, monkeypatch):
    store.open_database(sqlite_url, create=True)
    database.close()
    ran = []
    target = schema.SCHEMA_VERSION + 2
    monkeypatch.setattr(schema, "SCHEMA_VERSION", target)
    monkeypatch.setitem(schema.MIGRATIONS, target - 1, lambda: ran.append(target - 1) or database.db.execute_sql(
        "CREATE TABLE upgrade_marker (id INTEGER PRIMARY KEY)"))
    monkeypatch.setitem(schema.MIGRATIONS, target, lambda: ran.append(target))
    assert store.open_database(sqlite_url) == target
    assert ran == [target - 1, target]
    backups = list((Path(database.sqlite_path(sqlite_url)).parent / "backups").glob("*.db"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("SELECT max(version) FROM schema_info").fetchone()[0] == target - 2
    assert copy.execute("SELECT name FROM sqlite_master WHERE name = 'upgrade_marker'").fetchone() is None
    copy.close()


def test_failed_migration_leaves_the_old_version(sqlite_url, monkeypatch):
    store.open_database(sqlite_url, create=True)
    database.close()
    before = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", before + 1)

    def broken():
        database.db.execute_sql("CREATE TABLE half_done (id INTEGER)")
        raise RuntimeError("migration bug")

    monkeypatch.setitem(schema.MIGRATIONS, before + 1, broken)
    with pytest.raises(RuntimeError):
        store.open_database(sqlite_url)
    assert schema.current_version() == before
    assert not database.db.table_exists("half_done")


def test_sqlite_is_opened_for_a_network_share(sqlite_db):
    pragma = lambda name: database.db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "delete"
    assert pragma("synchronous") == 2
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == database.BUSY_TIMEOUT_MS


def test_missing_database_file_is_a_clear_message(tmp_path):
    with pytest.raises(DatabaseUnavailableError, match="bestaat niet"):
        store.open_database(f"sqlite:///{tmp_path}/nergens/klachten.db")


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "klachten.db"
    path.write_bytes(b"dit is geen database" * 100)
    with pytest.raises((DatabaseUnavailableError, DatabaseCorruptError)):
        store.open_database(f"sqlite:///{path}")


@pytest.mark.expect_log("^Integriteitscontrole")
def test_damaged_database_fails_the_check_on_open(sqlite_url):
    store.open_database(sqlite_url, create=True)
    from klachtenbureau.workflow import demo

    demo.generate(30, seed=3)
    database.close()
    path = database.sqlite_path(sqlite_url)
    data = bytearray(path.read_bytes())
    page = 4096
    # Scribble over the middle of a few table pages (not the header page).
    for start in range(page * 3, min(len(data), page * 12), page):
        data[start + 100:start + 1500] = b"\x07" * 1400
    path.write_bytes(bytes(data))
    with pytest.raises((DatabaseCorruptError, DatabaseUnavailableError)):
        store.open_database(sqlite_url)
        store.full_check()


@pytest.mark.expect_log("^Integriteitscontrole")
def test_opening_reads_the_top_of_the_file_and_the_check_after_start_finds_deeper_damage(sqlite_url):
    from klachtenbureau.workflow import demo

    store.open_database(sqlite_url, create=True)
    demo.generate(30, seed=3)
    scribble_over(sqlite_url, "relation_postcode")  # an index: no page that opening reads
    store.open_database(sqlite_url)
    with pytest.raises(DatabaseCorruptError, match="klachtenbureau db recover"):
        store.check_after_start()


def test_damage_at_the_top_of_a_table_is_refused_on_open(sqlite_url):
    from klachtenbureau.workflow import demo

    store.open_database(sqlite_url, create=True)
    demo.generate(30, seed=3)
    scribble_over(sqlite_url, "timeline_entry")
    with pytest.raises((DatabaseCorruptError, DatabaseUnavailableError)):
        store.open_database(sqlite_url)


def test_python_without_fts5_is_told_plainly(sqlite_url, monkeypatch):
    import peewee

    real = peewee.SqliteDatabase.execute_sql

    def without_fts5(self, sql, *args, **kwargs):
        if "USING fts5" in sql:
            raise peewee.OperationalError("no such module: fts5")
        return real(self, sql, *args, **kwargs)

    monkeypatch.setattr(peewee.SqliteDatabase, "execute_sql", without_fts5)
    with pytest.raises(DatabaseUnavailableError, match="FTS5"):
        store.open_database(sqlite_url, create=True)


def test_version_2_database_gets_the_verdict_motivation_and_the_escalation_reason(db_url):
    from klachtenbureau.models import Complaint
    from klachtenbureau.workflow import intake

    store.open_database(db_url, create=True)
    complaint = intake.register(store.system_user(), intake.NewReport(description="Te laat.", anonymous=True))
    for column in ("verdict_motivation", "escalation_reason"):  # as a database of version 2 was
        database.db.execute_sql(f"ALTER TABLE complaint DROP COLUMN {column}")
    database.db.execute_sql("DROP INDEX relation_email_lower")  # nor what version 4 brought
    database.db.execute_sql("ALTER TABLE relation DROP COLUMN search_name")
    _drop_version_5()
    drop_version_7()
    schema.SchemaInfo.update(version=2).execute()
    database.close()
    assert store.open_database(db_url) == schema.SCHEMA_VERSION
    stored = Complaint.get_by_id(complaint.id)
    assert (stored.verdict_motivation, stored.escalation_reason) == ("", "")


def _drop_version_5() -> None:
    """Take away what version 5 brought: the complainant's country, contact person and salutation."""
    for column in ("country", "attention", "salutation"):
        database.db.execute_sql(f"ALTER TABLE relation DROP COLUMN {column}")


def test_version_4_database_gets_country_contact_person_and_salutation_and_unglues_the_contact(db_url):
    from klachtenbureau.models import Relation
    from klachtenbureau.models.folding import fold
    from klachtenbureau.workflow import intake

    store.open_database(db_url, create=True)
    actor = store.system_user()
    made = {name: intake.register(actor, intake.NewReport(description="Te laat.", relation={
        "name": name, "phone": "06 12345678"})).relation_id
        for name in ("Stichting De Brug, t.a.v. mevrouw P. de Boer", "Gustav Tavenier")}
    _drop_version_5()
    database.db.execute_sql("UPDATE relation SET name = 'Stichting De Brug, t.a.v. mevrouw P. de Boer', "
                            "search_name = '' WHERE name = 'Stichting De Brug'")  # as typed before version 5
    drop_version_7()
    schema.SchemaInfo.update(version=4).execute()
    database.close()

    assert store.open_database(db_url) == schema.SCHEMA_VERSION
    organisation = Relation.get_by_id(made["Stichting De Brug, t.a.v. mevrouw P. de Boer"])
    assert (organisation.name, organisation.attention) == ("Stichting De Brug", "mevrouw P. de Boer")
    assert organisation.search_name == fold("Stichting De Brug")
    person = Relation.get_by_id(made["Gustav Tavenier"])
    assert (person.name, person.attention, person.country, person.salutation) == ("Gustav Tavenier", "", "", "")


def test_version_5_database_gets_the_table_of_incoming_mails(db_url):
    from klachtenbureau.models import Complaint, IncomingMail
    from klachtenbureau.workflow import intake

    store.open_database(db_url, create=True)
    complaint = intake.register(store.system_user(), intake.NewReport(description="Geen antwoord.", anonymous=True))
    database.db.execute_sql("DROP TABLE incoming_mail")  # as a database of version 5 was
    drop_version_7()
    schema.SchemaInfo.update(version=5).execute()
    database.close()

    assert store.open_database(db_url) == schema.SCHEMA_VERSION
    mail = IncomingMail.create(message_id="abc@example.org", status="complaint", complaint=complaint.id)
    with pytest.raises(peewee.IntegrityError), database.db.atomic():
        IncomingMail.create(message_id="abc@example.org", status="not_complaint")
    Complaint.delete().where(Complaint.id == complaint.id).execute()
    assert IncomingMail.get_by_id(mail.id).complaint_id is None  # the mail stays handled when the complaint goes


def test_version_6_database_can_wait_remind_and_keep_the_boards_decisions(db_url):
    from klachtenbureau.models import Complaint, ReportReview, WorkMark
    from klachtenbureau.workflow import intake

    store.open_database(db_url, create=True)
    actor = store.system_user()
    complaint = intake.register(actor, intake.NewReport(description="Geen antwoord.", anonymous=True))
    drop_version_7()
    schema.SchemaInfo.update(version=6).execute()
    database.close()

    assert store.open_database(db_url) == schema.SCHEMA_VERSION
    stored = Complaint.get_by_id(complaint.id)
    assert (stored.waiting_for, stored.waiting_until, stored.proposed_answer, stored.aftercare_by) == ("", None, "", None)
    WorkMark.create(user=actor.id, key="seen:direct")
    with pytest.raises(peewee.IntegrityError), database.db.atomic():
        WorkMark.create(user=actor.id, key="seen:direct")
    assert ReportReview.create(period="2026-H2").version == 1
    indexed = database.db.get_indexes("complaint")
    assert any(index.name == "complaint_inbox" and "waiting_for" in index.sql for index in indexed)


def test_version_7_database_gets_the_indexes_that_keep_the_dashboard_and_dossier_quick(db_url):
    store.open_database(db_url, create=True)
    drop_version_8()
    made = {index.name for index in database.db.get_indexes("complaint")}
    schema.SchemaInfo.update(version=7).execute()
    database.close()

    assert store.open_database(db_url) == schema.SCHEMA_VERSION
    added = {index.name for index in database.db.get_indexes("complaint")} - made
    # version 8's report index is gone again in version 10, which chooses the exceptional complaints from their own
    assert added == {re.search(r"EXISTS (\w+)", statement).group(1)
                     for statement in schema.PERFORMANCE_INDEXES + schema.REPORT_INDEXES}


def test_the_audit_chain_finds_a_changed_removed_or_slipped_in_entry(db_url):
    from klachtenbureau.errors import DatabaseCorruptError
    from klachtenbureau.models import AuditEntry, audit
    from klachtenbureau.workflow import intake

    store.open_database(db_url, create=True)
    actor = store.system_user()
    for text in ("Eén.", "Twee.", "Drie."):
        intake.register(actor, intake.NewReport(description=text, anonymous=True))
    entries = list(AuditEntry.select().order_by(AuditEntry.id))
    assert len(entries) == 3 and all(len(entry.chain) == 64 for entry in entries)
    assert audit.first_broken() is None
    store.full_check()

    def tamper(statement: str) -> None:  # as someone with the file or the owner's role would, triggers off
        if database.is_sqlite():
            database.db.execute_sql("DROP TRIGGER audit_entry_no_update")
            database.db.execute_sql("DROP TRIGGER audit_entry_no_delete")
        else:
            database.db.execute_sql("ALTER TABLE audit_entry DISABLE TRIGGER USER")
        database.db.execute_sql(statement)

    tamper(f"UPDATE audit_entry SET user_login = 'niemand' WHERE id = {entries[1].id}")
    assert audit.first_broken().id == entries[1].id
    with pytest.raises(DatabaseCorruptError) as found:
        store.full_check()
    assert f"regel {entries[1].id} " in found.value.message and "niemand" in found.value.message
    database.db.execute_sql(f"UPDATE audit_entry SET user_login = '{entries[1].user_login}' WHERE id = {entries[1].id}")
    assert audit.first_broken() is None  # put back as it was, the chain fits again
    database.db.execute_sql(f"DELETE FROM audit_entry WHERE id = {entries[1].id}")
    assert audit.first_broken().id == entries[2].id  # the entry after the hole no longer fits


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_refuses_to_replace_an_audit_entry(db_url):
    from klachtenbureau.models import AuditEntry
    from klachtenbureau.workflow import intake

    store.open_database(db_url, create=True)
    intake.register(store.system_user(), intake.NewReport(description="Eén.", anonymous=True))
    first = AuditEntry.select().get()
    with pytest.raises(peewee.IntegrityError, match="append-only"):
        database.db.execute_sql("INSERT OR REPLACE INTO audit_entry (id, operation_id, at, user_login, action, "
                                "entity, changes, chain) VALUES (?, 'x', '2026-01-01', 'niemand', 'register', "
                                "'complaint', '{}', '')", (first.id,))
    assert AuditEntry.get_by_id(first.id).user_login == first.user_login
