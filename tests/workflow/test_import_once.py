"""Importing the website form's export again (issue 13): a row imported before is skipped, a known complainant's
new address or phone is kept, and a large file is written in batches that colleagues can save between."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3

import psycopg2
import pytest

from klachtenbureau import cli
from klachtenbureau.errors import ConflictError, DatabaseUnavailableError
from klachtenbureau.models import AuditEntry, Complaint, Relation, TimelineEntry, audit, database
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.imports import ImportedRow
from klachtenbureau.workflow import editing, importer, intake
from klachtenbureau.workflow.upkeep import store

GOOD = {"received_at": "2026-03-03T14:30:00", "channel": "website", "kind": "complaint", "name": "Ria Dekker",
        "email": "ria@example.nl", "phone": "020 123 4567", "street": "Havenkade 4", "postcode": "1012AB",
        "city": "Amsterdam", "description": "Geen bevestiging ontvangen."}
KEES = {**GOOD, "name": "Kees Bos", "email": "kees@example.nl", "description": "De bus reed mij voorbij."}
MOVED = {**GOOD, "received_at": "2026-03-03T16:00:00", "phone": "06 1234 5678", "street": "Dorpsstraat 12",
         "postcode": "9711AA", "city": "Groningen", "description": "Nog steeds niets gehoord."}


@pytest.fixture(autouse=True)
def _imported_the_next_day():
    with acting_at(dt.datetime(2026, 3, 4, 9, 0)):
        yield


# --- a row imported before ---------------------------------------------------------------------

def test_the_same_file_imported_twice_imports_nothing_the_second_time(db, staff):
    rows = importer.parse_rows(json.dumps([GOOD, KEES, {**GOOD, "description": "Weer niets."}]))
    first = importer.import_rows(staff["sanne"], rows)
    assert len(first.imported) == 3 and first.duplicates == []
    again = importer.import_rows(staff["sanne"], rows)
    assert again.imported == [] and again.duplicates == [1, 2, 3] and again.problems == []
    assert Complaint.select().count() == 3 and Relation.select().count() == 2
    assert importer.already_imported_text(again.duplicates) == (
        "3 rijen waren al geïmporteerd (rij 1, 2, 3) en zijn overgeslagen.")


def test_a_new_export_with_the_old_rows_adds_only_the_new_ones(db, staff):
    importer.import_rows(staff["sanne"], [GOOD])
    result = importer.import_rows(staff["sanne"], [KEES, GOOD])
    assert [c.relation.name for c in result.imported] == ["Kees Bos"] and result.duplicates == [2]


def test_the_same_rows_as_excel_writes_them_are_the_same_rows(db, staff, tmp_path):
    """JSON first, then Excel's Dutch CSV of the same rows: time without seconds, postcode with a space, CRLF."""
    two_lines = {**KEES, "description": "Eerste regel.\nTweede regel."}
    importer.import_rows(staff["sanne"], importer.parse_rows(json.dumps([GOOD, two_lines])))
    path = tmp_path / "formulier.csv"
    path.write_bytes(("received_at;channel;kind;name;email;phone;street;postcode;city;description\r\n"
                      "2026-03-03T14:30;website;complaint;Ria Dekker;ria@example.nl;020-1234567;Havenkade 4;"
                      "1012 AB;Amsterdam;Geen bevestiging ontvangen.\r\n"
                      "2026-03-03T14:30;website;complaint;Kees Bos;kees@example.nl;020 123 4567;Havenkade 4;1012AB;"
                      'Amsterdam;"Eerste regel.\r\nTweede regel."\r\n').encode("cp1252"))
    result = importer.import_rows(staff["sanne"], importer.read_rows(path))
    assert result.imported == [] and result.duplicates == [1, 2]


def test_a_row_twice_in_one_file_is_imported_once(db, staff):
    result = importer.import_rows(staff["sanne"], [GOOD, KEES, GOOD])
    assert len(result.imported) == 2 and result.duplicates == [3]


def test_the_forms_submission_id_says_which_rows_are_the_same(db, staff):
    """With a submission id a corrected row is still the one imported; the same text sent twice is two."""
    importer.import_rows(staff["sanne"], importer.parse_rows(json.dumps([{**GOOD, "submission_id": 1001}])))
    corrected = importer.parse_rows("submission_id;received_at;name;email;description\r\n"
                                    "1001;2026-03-03T14:30;Ria Dekker;ria@example.nl;Geen bevestiging, gecorrigeerd.\r\n"
                                    "1002;2026-03-03T14:30;Ria Dekker;ria@example.nl;Geen bevestiging ontvangen.\r\n")
    result = importer.import_rows(staff["sanne"], corrected)
    assert result.duplicates == [1] and [c.description for c in result.imported] == ["Geen bevestiging ontvangen."]
    assert Complaint.select().count() == 2


def test_a_row_of_an_erased_complaint_is_not_imported_again(db, staff):
    """The key outlives its complaint (removed, as erasure does): importing the old file must not bring it back."""
    [made] = importer.import_rows(staff["sanne"], [GOOD]).imported
    Complaint.delete().where(Complaint.id == made.id).execute()
    assert ImportedRow.get().complaint_id is None
    assert importer.import_rows(staff["sanne"], [GOOD]).duplicates == [1]
    assert not Complaint.select().exists()


def test_the_key_holds_no_personal_data(db, staff):
    importer.import_rows(staff["sanne"], [GOOD, {**GOOD, "submission_id": "formulier-77", "description": "Anders."}])
    keys = [row.key for row in ImportedRow.select()]
    assert all(len(key) == 64 and int(key, 16) >= 0 for key in keys)
    assert not any(text in key for key in keys for text in ("Ria", "ria@example.nl", "formulier-77"))


def test_the_command_line_says_how_many_rows_were_imported_before(db_url, capsys, tmp_path, cli_signed_in):
    form = tmp_path / "formulier.json"
    form.write_text(json.dumps([GOOD, KEES]), encoding="utf-8")
    store.open_database(db_url, create=True)
    database.close()
    cli_signed_in(db_url)
    assert cli.main(["import", str(form), "--db", db_url]) == 0
    capsys.readouterr()
    code = cli.main(["import", str(form), "--db", db_url])
    out, err = capsys.readouterr()
    database.close()
    assert code == 0, err
    assert out.splitlines() == ["0 klacht(en) geïmporteerd: -",
                                "2 rijen waren al geïmporteerd (rij 1, 2) en zijn overgeslagen."]


def test_the_command_line_tells_of_an_import_that_stopped_and_exits_1(db_url, capsys, tmp_path, cli_signed_in,
                                                                        monkeypatch):
    form = tmp_path / "formulier.json"
    form.write_text(json.dumps([GOOD, KEES]), encoding="utf-8")
    store.open_database(db_url, create=True)
    database.close()
    cli_signed_in(db_url)
    monkeypatch.setattr(importer, "BATCH_SIZE", 1)
    register = intake.register

    def share_gone_at_kees(user, report, *args, **kwargs):
        if report.description == KEES["description"]:
            raise DatabaseUnavailableError("De netwerkschijf is niet bereikbaar.")
        return register(user, report, *args, **kwargs)

    monkeypatch.setattr(intake, "register", share_gone_at_kees)
    code = cli.main(["import", str(form), "--db", db_url])
    out, err = capsys.readouterr()
    database.close()
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert err.startswith("Fout: Het importeren is gestopt na 1 van 2 rijen: De netwerkschijf is niet bereikbaar.")
    monkeypatch.setattr(intake, "register", register)
    assert cli.main(["import", str(form), "--db", db_url]) == 0
    out, err = capsys.readouterr()
    database.close()
    assert out.splitlines()[0] == "1 klacht(en) geïmporteerd: K2026-0002"
    assert out.splitlines()[1] == "1 rij was al geïmporteerd (rij 1) en is overgeslagen."


# --- a known complainant's new details ---------------------------------------------------------------

def test_a_known_complainant_keeps_the_new_address_and_phone_from_the_file(db, staff):
    [first] = importer.import_rows(staff["sanne"], [GOOD]).imported
    [second] = importer.import_rows(staff["sanne"], [MOVED]).imported
    relation = Relation.get()
    assert Relation.select().count() == 1 and second.relation_id == first.relation_id == relation.id
    assert (relation.street, relation.postcode, relation.city, relation.phone) == (
        "Dorpsstraat 12", "9711 AA", "Groningen", "06 12345678")
    assert relation.version == 2
    notes = [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == second.id)
             if e.kind == "note"]
    assert notes == ["Gegevens klager bijgewerkt bij import: adres, telefoonnummer."]
    assert not TimelineEntry.select().where((TimelineEntry.complaint == first.id)
                                            & (TimelineEntry.kind == "note")).exists()
    entry = AuditEntry.get(AuditEntry.action == "edit_relation")
    assert (entry.entity, entry.entity_id, entry.complaint_id) == ("relation", relation.id, second.id)
    assert json.loads(entry.changes) == {"city": "(gewijzigd)", "phone": "(gewijzigd)", "postcode": "(gewijzigd)",
                                         "street": "(gewijzigd)", "source": "import"}
    logged = " ".join(e.changes for e in AuditEntry.select())
    assert not any(text in logged for text in ("Dorpsstraat", "9711", "Groningen", "1234 5678", "12345678"))
    assert audit.first_broken() is None


def test_details_the_file_leaves_empty_or_writes_otherwise_are_kept(db, staff):
    importer.import_rows(staff["sanne"], [GOOD])
    result = importer.import_rows(staff["sanne"], [{**GOOD, "received_at": "2026-03-03T15:00", "phone": "",
                                                    "street": "HAVENKADE 4", "description": "Nog iets."}])
    relation = Relation.get()
    assert (relation.street, relation.phone, relation.version) == ("Havenkade 4", "020 123 4567", 1)
    assert not TimelineEntry.select().where((TimelineEntry.complaint == result.imported[0].id)
                                            & (TimelineEntry.kind == "note")).exists()
    assert not AuditEntry.select().where(AuditEntry.action == "edit_relation").exists()


def test_the_import_update_is_version_checked_against_a_colleagues_open_dossier(db, staff):
    """The colleague loaded the complainant before the import changed it: their save is refused, not mixed."""
    [first] = importer.import_rows(staff["sanne"], [GOOD]).imported
    complaint = Complaint.get_by_id(first.id)
    loaded = Relation.get_by_id(complaint.relation_id)
    importer.import_rows(staff["sanne"], [MOVED])
    with pytest.raises(ConflictError):
        editing.update_relation(staff["petra"], complaint, loaded, {"city": "Haarlem"})
    assert Relation.get().city == "Groningen"


def test_a_complainant_new_in_the_file_is_one_complainant_for_all_their_rows(db, staff):
    result = importer.import_rows(staff["sanne"], [GOOD, KEES, MOVED])
    assert len(result.imported) == 3 and Relation.select().count() == 2
    assert Relation.get(Relation.name == "Ria Dekker").city == "Groningen"  # the later row's address


# --- batches -----------------------------------------------------------------------------------------

class Colleague:
    """Another PC on the same database, saving without waiting: False when the import holds what a save needs."""

    def __init__(self, url: str):
        path = database.sqlite_path(url)
        self.sqlite = path is not None
        self.connection = (sqlite3.connect(path, timeout=0, isolation_level=None) if self.sqlite
                           else psycopg2.connect(url))

    def try_to_save(self) -> bool:
        if self.sqlite:
            try:
                self.connection.execute("BEGIN IMMEDIATE")  # what every save of the desk starts with
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc)
                return False
            self.connection.execute("UPDATE number_counter SET last = last WHERE year = 2026")
            self.connection.execute("COMMIT")
            return True
        with self.connection.cursor() as cursor:  # what a registration takes: the audit chain and the counter
            try:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", (audit._CHAIN_LOCK,))
                free = cursor.fetchone()[0]
                if free:
                    cursor.execute("SELECT last FROM number_counter WHERE year = 2026 FOR UPDATE NOWAIT")
                    cursor.execute("UPDATE number_counter SET last = last WHERE year = 2026")
            except psycopg2.errors.LockNotAvailable:
                free = False
        (self.connection.commit if free else self.connection.rollback)()
        return free

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.rollback()
        self.connection.close()


@pytest.fixture
def colleague(db):
    other = Colleague(db)
    yield other
    other.close()


def test_a_large_import_lets_a_colleague_save_between_batches(db, staff, colleague, monkeypatch):
    rows = [{**GOOD, "name": f"Klager {n}", "email": f"klager{n}@example.nl", "description": f"Klacht {n}."}
            for n in range(2000)]
    register, inside, between = intake.register, [], []

    def registering(user, report, *args, **kwargs):
        made = register(user, report, *args, **kwargs)
        if report.description == "Klacht 250.":  # in the middle of the second batch
            inside.append(colleague.try_to_save())
        return made

    monkeypatch.setattr(intake, "register", registering)
    result = importer.import_rows(staff["sanne"], rows,
                                  progress=lambda done, total: between.append((done, colleague.try_to_save())))
    assert len(result.imported) == 2000 and Complaint.select().count() == 2000
    assert inside == [False]  # a batch holds the lock: what the colleague is kept from
    assert between == [(done, True) for done in range(200, 2001, 200)]


def test_a_run_that_stops_keeps_its_whole_batches_and_the_rerun_adds_the_rest(db, staff, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 50)
    rows = [{**GOOD, "name": f"Klager {n}", "email": f"klager{n}@example.nl", "description": f"Klacht {n}."}
            for n in range(120)]
    register = intake.register

    def share_gone_at_row_70(user, report, *args, **kwargs):
        if report.description == "Klacht 70.":
            raise DatabaseUnavailableError("De netwerkschijf is niet bereikbaar.")
        return register(user, report, *args, **kwargs)

    monkeypatch.setattr(intake, "register", share_gone_at_row_70)
    with pytest.raises(importer.ImportInterrupted) as info:
        importer.import_rows(staff["sanne"], rows)
    assert len(info.value.imported) == 50 and isinstance(info.value.cause, DatabaseUnavailableError)
    assert info.value.message.startswith("Het importeren is gestopt na 50 van 120 rijen: De netwerkschijf is niet "
                                         "bereikbaar. De 50 geïmporteerde klachten blijven bewaard.")
    # the second batch left nothing: no complaint, complainant, key or audit entry of rows 51-70
    assert (Complaint.select().count(), Relation.select().count(), ImportedRow.select().count()) == (50, 50, 50)
    assert AuditEntry.select().where(AuditEntry.action == "register").count() == 50

    monkeypatch.setattr(intake, "register", register)
    again = importer.import_rows(staff["sanne"], rows)
    assert len(again.imported) == 70 and again.duplicates == list(range(1, 51))
    assert Complaint.select().count() == 120 and Relation.select().count() == 120
    assert sorted(c.description for c in Complaint.select()) == sorted(r["description"] for r in rows)


def test_a_bad_row_still_stops_a_large_import_before_its_first_batch(db, staff, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    rows = [{**GOOD, "description": f"Klacht {n}."} for n in range(45)]
    rows[40]["postcode"] = "12345"
    with pytest.raises(importer.ImportRejected):
        importer.import_rows(staff["sanne"], rows)
    assert not Complaint.select().exists() and not ImportedRow.select().exists()


def test_the_same_row_imported_by_another_pc_at_the_same_moment_is_skipped(db, staff, colleague, monkeypatch):
    """PostgreSQL: the other PC saves the row's key between this batch's look-up and its write."""
    if colleague.sqlite:
        pytest.skip("SQLite writes one transaction at a time: the look-up and the write cannot be told apart")
    lookup, calls = importer._imported_keys, []

    def other_pc_just_saved_them(keys):
        found = lookup(keys)
        calls.append(keys)
        if len(calls) == 2:  # inside the batch, after its look-up
            with colleague.connection.cursor() as cursor:
                cursor.executemany("INSERT INTO imported_row (key, imported_at) VALUES (%s, now())",
                                   [(key,) for key in keys])
            colleague.connection.commit()
        return found

    monkeypatch.setattr(importer, "_imported_keys", other_pc_just_saved_them)
    result = importer.import_rows(staff["sanne"], [GOOD, KEES])
    assert result.imported == [] and result.duplicates == [1, 2] and len(calls) == 3
    assert not Complaint.select().exists() and ImportedRow.select().count() == 2
