"""The inbox's counts kept by the database (models/tally.py): right after every kind of write, on both engines, after
an upgrade, and checked by ``db check``."""

import pytest

from klachtenbureau.errors import DatabaseCorruptError
from klachtenbureau.models import Category, Complaint, database, schema
from klachtenbureau.models.tally import NOBODY, ComplaintTally, differences
from klachtenbureau.workflow import editing, intake, procedure
from klachtenbureau.workflow.upkeep import store
from tests.models.older import drop_version_9


def kept(**where) -> int:
    select = ComplaintTally.select(ComplaintTally.n)
    for name, value in where.items():
        select = select.where(getattr(ComplaintTally, name) == value)
    return sum(row.n for row in select)


def test_the_kept_counts_follow_registering_assigning_moving_closing_and_deleting(db, staff):
    sanne, petra = staff["sanne"], staff["petra"]
    first = intake.register(sanne, intake.NewReport(description="De taxi kwam niet.", anonymous=True, channel="phone"))
    second = intake.register(sanne, intake.NewReport(description="Geen lift.", anonymous=True, channel="email",
                                                     confidential=True))
    assert kept() == 2 and kept(channel="email", confidential=True) == 1
    assert kept(assigned_to=NOBODY) == 2 and kept(received_by=sanne.id) == 2
    assert differences() == 0

    procedure.assign(petra, Complaint.get_by_id(first.id), petra)
    assert kept(assigned_to=petra.id) == 1 and kept(assigned_to=NOBODY) == 1
    other = Category.select().where(Category.id != first.category_id).first()
    editing.update_registration(petra, Complaint.get_by_id(first.id), {"category": other.id})
    assert kept(category=other.id) == 1
    Complaint.update(status="closed").where(Complaint.id == second.id).execute()  # as any program may write
    assert kept(status="closed") == 1 and kept() == 2
    assert differences() == 0

    Complaint.delete().where(Complaint.id == second.id).execute()
    assert kept() == 1 and kept(status="closed") == 0
    assert differences() == 0


def test_a_version_8_register_gets_its_counts_on_upgrade_and_loses_the_indexes_they_replace(db, staff):
    for channel in ("phone", "phone", "email"):
        intake.register(staff["sanne"], intake.NewReport(description="Te laat.", anonymous=True, channel=channel))
    drop_version_9()
    schema.SchemaInfo.update(version=8).execute()
    database.close()

    assert store.open_database(db) == schema.SCHEMA_VERSION
    assert kept() == 3 and kept(channel="phone") == 2 and differences() == 0
    assert not {"complaint_by_category", "complaint_by_channel"} & {i.name for i in database.db.get_indexes("complaint")}
    intake.register(staff["sanne"], intake.NewReport(description="Nog een.", anonymous=True, channel="email"))
    assert kept(channel="email") == 2  # and the triggers keep them from then on


def test_db_check_finds_counts_that_differ_from_the_complaints(db, staff):
    intake.register(staff["sanne"], intake.NewReport(description="Te laat.", anonymous=True, channel="phone"))
    store.full_check()
    ComplaintTally.update(n=ComplaintTally.n + 1).execute()  # as a file edited outside the application would be
    with pytest.raises(DatabaseCorruptError) as found:
        store.full_check()
    assert "db recover" in found.value.message
