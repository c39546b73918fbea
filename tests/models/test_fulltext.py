"""The full-text structures: made for new databases, and built and filled by the upgrade from version 1."""

import datetime as dt

from klachtenbureau.models import Complaint, database, schema
from klachtenbureau.models.database import is_sqlite
from klachtenbureau.workflow import intake, procedure, store


def _register(user, description, name):
    return intake.register(user, intake.NewReport(description=description, category="Overig", channel="phone",
                                                  received_at=dt.datetime(2026, 3, 2, 10),
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
    database.db.execute_sql("DROP INDEX complaint_inbox")
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
