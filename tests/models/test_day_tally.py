"""The dashboard's counts per day kept by the database (models/day_tally.py): right after every kind of write, on both
engines, after an upgrade, checked by ``db check``, and late by today's date without a write."""

import datetime as dt

import pytest

from klachtenbureau.errors import DatabaseCorruptError
from klachtenbureau.models import Category, Complaint, database, schema
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.day_tally import ComplaintDayTally, differences
from klachtenbureau.workflow import editing, intake, periods, procedure, statistics
from klachtenbureau.workflow.upkeep import store
from tests.models.older import drop_version_10

MONDAY = dt.datetime(2026, 3, 2, 10)


def kept(facet: str, **where) -> dict[str, int]:
    """value -> count of ``facet``, over the rows that meet ``where``, leaving out groups counted down to 0."""
    select = ComplaintDayTally.select().where(ComplaintDayTally.facet == facet)
    for name, value in where.items():
        select = select.where(getattr(ComplaintDayTally, name) == value)
    found: dict[str, int] = {}
    for row in select:
        found[row.value] = found.get(row.value, 0) + row.n
    return {value: n for value, n in found.items() if n}


def register(staff, **fields) -> Complaint:
    with acting_at(MONDAY):
        return intake.register(staff["sanne"], intake.NewReport(received_at=MONDAY, anonymous=True, **fields))


def test_the_day_counts_follow_every_step_a_raw_update_and_a_delete(db, staff):
    petra = staff["petra"]
    first = register(staff, description="De taxi kwam niet.", channel="post")
    second = register(staff, description="Geen lift.", channel="email", confidential=True)
    assert kept("channel") == {"post": 1, "email": 1} and kept("channel", confidential=True) == {"email": 1}
    assert (second.acknowledge_by, second.answer_by) == (first.acknowledge_by, first.answer_by)
    assert kept("state", day=MONDAY.date()) == {f"new|n|n|u|{first.acknowledge_by}|{first.answer_by}": 2}
    assert differences() == 0

    with acting_at(MONDAY + dt.timedelta(days=1)):
        complaint = procedure.acknowledge(petra, Complaint.get_by_id(first.id), "letter")
        complaint = procedure.assign(petra, complaint, staff["ruud"])
    assert kept("state", assigned_to=staff["ruud"].id) == {f"in_progress|t|n|u||{first.answer_by}": 1}
    with acting_at(MONDAY + dt.timedelta(days=2)):
        complaint = procedure.investigate(staff["ruud"], complaint, "Navraag gedaan.")
        complaint = procedure.record_verdict(staff["ruud"], complaint, "founded")
        complaint = procedure.answer(staff["ruud"], complaint, "Ons antwoord.")
    assert kept("answered") == {"2026-03-04": 1, "": 1} and kept("verdict") == {"founded": 1, "": 1}
    assert kept("state", assigned_to=staff["ruud"].id) == {"answered|t|t|-||": 1}
    other = Category.select().where(Category.id != first.category_id).first()
    editing.update_registration(petra, Complaint.get_by_id(first.id), {"category": other.id})
    assert kept("category")[str(other.id)] == 1
    assert differences() == 0

    Complaint.update(status="closed").where(Complaint.id == second.id).execute()  # as any program may write
    assert differences() == 0
    Complaint.delete().where(Complaint.id == second.id).execute()
    assert kept("channel") == {"post": 1} and sum(kept("state").values()) == 1
    assert differences() == 0


def test_what_is_late_follows_today_without_a_write(db, staff):
    complaint = register(staff, description="Niemand belde terug.", channel="phone")
    period = periods.Period(MONDAY.date(), MONDAY.date())
    on_the_day = statistics.figures(staff["petra"], period, today=MONDAY.date())
    assert (on_the_day.received, on_the_day.overdue, on_the_day.ack_due, on_the_day.answer_due) == (1, 0, 0, 0)
    after_acknowledge_by = statistics.figures(staff["petra"], period, today=complaint.acknowledge_by + dt.timedelta(1))
    assert (after_acknowledge_by.overdue, after_acknowledge_by.ack_due, after_acknowledge_by.answer_due) == (1, 1, 0)
    after_answer_by = statistics.figures(staff["petra"], period, today=complaint.answer_by + dt.timedelta(1))
    assert (after_answer_by.overdue, after_answer_by.answer_due) == (1, 1)


def test_a_version_9_register_gets_its_day_counts_on_upgrade(db, staff):
    for channel in ("phone", "phone", "email"):
        register(staff, description="Te laat.", channel=channel)
    drop_version_10()
    schema.SchemaInfo.update(version=9).execute()
    database.close()

    assert store.open_database(db) == schema.SCHEMA_VERSION
    assert kept("channel") == {"phone": 2, "email": 1} and differences() == 0
    register(staff, description="Nog een.", channel="email")
    assert kept("channel") == {"phone": 2, "email": 2}  # and the triggers keep them from then on


def test_db_check_finds_day_counts_that_differ_from_the_complaints(db, staff):
    register(staff, description="Te laat.", channel="phone")
    store.full_check()
    ComplaintDayTally.update(n=ComplaintDayTally.n + 1).where(ComplaintDayTally.facet == "severity").execute()
    with pytest.raises(DatabaseCorruptError) as found:
        store.full_check()
    assert "db recover" in found.value.message
