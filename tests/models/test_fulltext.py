"""The full-text structures: made for new databases, and built and filled by the upgrade from version 1."""

import contextlib
import datetime as dt
import uuid

import psycopg2
import pytest

from klachtenbureau.models import Complaint, database, folding, schema
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.database import is_sqlite
from klachtenbureau.models.fulltext import rebuild_fulltext
from klachtenbureau.workflow import intake, procedure, relations
from klachtenbureau.workflow.upkeep import store
from tests.models.older import drop_version_7


def _register(user, description, name):
    received = dt.datetime(2026, 3, 2, 10)
    with acting_at(received):  # a receipt more than a year back is refused
        return intake.register(user, intake.NewReport(description=description, category="Overig", channel="phone",
                                                      received_at=received,
                                                      relation={"name": name, "phone": "06 12345678"}))


def _found(text):
    from klachtenbureau.models.fulltext import matching_ids

    return sorted(c.id for c in Complaint.select(Complaint.id).where(Complaint.id.in_(matching_ids(text))))


def _make_version_1():
    """Take the version-2 structures away again, as a database made by the previous release has none."""
    if is_sqlite():
        triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts%'"
        for name, in database.db.execute_sql(triggers).fetchall():
            database.db.execute_sql(f"DROP TRIGGER {name}")
        database.db.execute_sql("DROP TABLE complaint_fts")
    else:
        database.db.execute_sql("DROP TABLE complaint_search CASCADE")
        for table in ("complaint", "relation", "timeline_entry"):
            database.db.execute_sql(f"DROP TRIGGER complaint_search_{table.split('_')[0]} ON {table}")
    drop_version_7()
    database.db.execute_sql("DROP INDEX relation_email_lower")  # and what versions 3 and 4 brought
    database.db.execute_sql("ALTER TABLE relation DROP COLUMN search_name")
    for column in ("country", "attention", "salutation"):  # version 5's
        database.db.execute_sql(f"ALTER TABLE relation DROP COLUMN {column}")
    for column in ("verdict_motivation", "escalation_reason"):  # version 3's
        database.db.execute_sql(f"ALTER TABLE complaint DROP COLUMN {column}")
    schema.SchemaInfo.delete().execute()
    schema.SchemaInfo.create(version=1, app_version="0.1.0", updated_at=dt.datetime.now())


def test_upgrade_from_version_1_builds_and_fills_the_search_index(db_url):
    store.open_database(db_url, create=True)
    actor = store.system_user()
    first = _register(actor, "De taxi kwam niet opdagen.", "Gül Öztürk")
    second = _register(actor, "Het geluid in de zaal was slecht.", "Jan de Jong")
    procedure.add_contact(actor, second, "Teruggebeld over de koptelefoon.", "phone", "out")
    _make_version_1()
    database.close()

    assert store.open_database(db_url) == schema.SCHEMA_VERSION
    assert _found("taxi") == [first.id]
    assert _found("ozturk") == [first.id]
    assert _found("koptelefoon") == [second.id]
    assert _found(second.number) == [second.id]
    third = _register(actor, "Er was geen koffie in de pauze.", "Els Bos")
    assert _found("koffie") == [third.id]  # the triggers came with the upgrade too


def test_new_database_has_the_inbox_index(db):
    if is_sqlite():
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'complaint'"
    assert "complaint_inbox" in [row[0] for row in database.db.execute_sql(query).fetchall()]


PEOPLE = ["Łukasz Kowalski", "Søren Ærø", "Antonín Dvořák", "Zsófia Erdős", "Ayşe Yılmaz", "GÜL ÖZTÜRK", "Zoë Bakker"]


@pytest.mark.parametrize(("typed", "name"), [
    ("lukasz", "Łukasz Kowalski"), ("soren aero", "Søren Ærø"), ("dvorak", "Antonín Dvořák"),
    ("erdos", "Zsófia Erdős"), ("yilmaz", "Ayşe Yılmaz"), ("ozturk", "GÜL ÖZTÜRK"), ("ZOE", "Zoë Bakker"),
    ("Zoë", "Zoë Bakker"), ("Øztürk", "GÜL ÖZTÜRK"),
])
def test_search_ignores_accents_and_case_in_the_names_of_a_dutch_office(db, typed, name):
    actor = store.system_user()
    ids = {person: _register(actor, "Het busje kwam niet.", person).id for person in PEOPLE}
    assert _found(typed) == [ids[name]]


def test_search_ignores_accents_in_descriptions_and_notes(db):
    actor = store.system_user()
    complaint = _register(actor, "De crème brûlée op de reünie was bedorven.", "Jan de Jong")
    procedure.add_contact(actor, complaint, "Met de kok van het Straßenfest gesproken.", "phone", "out")
    assert _found("creme brulee reunie") == [complaint.id]
    assert _found("strassenfest") == [complaint.id]


def test_search_folds_on_an_office_server_in_the_c_locale(pg_server, request):
    """Where C.UTF-8 does not exist (Windows), the office server's cluster gets the C locale: lower() there
    lower-cases A–Z only, so the folding may not depend on it."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with contextlib.closing(psycopg2.connect(pg_server.database_url("postgres"))) as connection:
        connection.autocommit = True
        connection.cursor().execute(f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' "
                                    "TEMPLATE template0")
    request.addfinalizer(lambda: (database.close(), pg_server.drop_database(name)))
    store.open_database(pg_server.database_url(name), create=True)
    complaint = _register(store.system_user(), "Het busje kwam niet.", "GÜL ÖZTÜRK")
    assert _found("ozturk") == [complaint.id]
    assert [r.name for r in relations.search_relations("öztürk", store.system_user())] == ["GÜL ÖZTÜRK"]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_kb_fold_in_postgresql_is_fold_in_python_for_every_latin_letter(db):
    latin = "".join(chr(code) for code in (*range(0x20, 0x7F), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)))
    for text in (latin, "Zoe\u0308 O\u0308ZTU\u0308RK Œuvre Straße Þór"):  # accents also as separate marks
        assert database.db.execute_sql("SELECT kb_fold(%s)", (text,)).fetchone()[0] == folding.fold(text)
    assert folding.fold("Zoe\u0308 O\u0308ZTU\u0308RK Œuvre Straße Þór") == "zoe ozturk oeuvre strasse thor"


def _make_version_3():
    """Put back the search structures of version 3, which left ł, ø, æ, ı as they were (and, on PostgreSQL,
    ř, ő, ţ, and upper-case accented letters on a server in the C locale), and had no relation.search_name
    (nor version 5's country, contact person and salutation, nor version 7's columns)."""
    drop_version_7()
    database.db.execute_sql("DROP INDEX relation_email_lower")
    for column in ("search_name", "country", "attention", "salutation"):
        database.db.execute_sql(f"ALTER TABLE relation DROP COLUMN {column}")
    if is_sqlite():
        database.db.execute_sql("DROP TRIGGER complaint_fts_insert")
        database.db.execute_sql(
            "CREATE TRIGGER complaint_fts_insert AFTER INSERT ON complaint BEGIN "
            "INSERT INTO complaint_fts (rowid, number, name, description, notes) VALUES (NEW.id, "
            "replace(NEW.number, '-', ' '), coalesce((SELECT name FROM relation WHERE id = NEW.relation_id), ''), "
            "NEW.description, ''); END")
        database.db.execute_sql("DELETE FROM complaint_fts")
        database.db.execute_sql(
            "INSERT INTO complaint_fts (rowid, number, name, description, notes) SELECT c.id, "
            "replace(c.number, '-', ' '), coalesce(r.name, ''), c.description, '' "
            "FROM complaint c LEFT JOIN relation r ON r.id = c.relation_id")
    else:
        database.db.execute_sql(
            "CREATE OR REPLACE FUNCTION kb_search_text(value text) RETURNS text AS $$ "
            "SELECT regexp_replace(translate(lower(coalesce(value, '')), "
            "'áàâäãåāçćčéèêëēėęíìîïīıñńóòôöõøōśšşúùûüūýÿžźżğ', 'aaaaaaaccceeeeeeeiiiiiinnooooooosssuuuuuyyzzzg'), "
            "'[^[:alnum:]]+', ' ', 'g') $$ LANGUAGE sql IMMUTABLE")
        database.db.execute_sql("DROP FUNCTION kb_fold")
        rebuild_fulltext()
    schema.SchemaInfo.create(version=3, app_version="0.3.0", updated_at=dt.datetime.now())
    schema.SchemaInfo.delete().where(schema.SchemaInfo.version > 3).execute()


def test_upgrade_from_version_3_rebuilds_the_search_index_with_the_new_folding(db_url):
    store.open_database(db_url, create=True)
    actor = store.system_user()
    earlier = _register(actor, "Het busje kwam niet.", "Łukasz Dvořák")
    _make_version_3()
    assert _found("lukasz") == []
    database.close()

    assert store.open_database(db_url) == schema.SCHEMA_VERSION
    assert _found("lukasz dvorak") == [earlier.id]
    assert [r.id for r in relations.search_relations("lukasz", actor)] == [earlier.relation_id]
    later = _register(actor, "Weer niet.", "Søren Yılmaz")
    assert _found("soren yilmaz") == [later.id]  # the new triggers came with the upgrade
