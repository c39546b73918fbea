"""The inbox's counts per deadline kept by the database (models/due_tally.py): right after every kind of write, on
both engines, after an upgrade, checked by ``db check``, and late by today's date without a write."""

import datetime as dt

import pytest

from klachtenbureau.errors import DatabaseCorruptError
from klachtenbureau.models import Complaint, database, schema
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.due_tally import ComplaintDueTally, differences
from klachtenbureau.workflow import inbox, intake, procedure
from klachtenbureau.workflow.inbox import InboxQuery
from klachtenbureau.workflow.upkeep import store
from tests.models.older import drop_version_10

MONDAY = dt.datetime(2026, 3, 2, 10)


def kept() -> dict[tuple, int]:
    """(due, running, channel) -> count, leaving out groups counted down to 0."""
    found: dict[tuple, int] = {}
    for row in ComplaintDueTally.select():
        key = (row.due, bool(row.running), row.channel)
        found[key] = found.get(key, 0) + row.n
    return {key: n for key, n in found.items() if n}


def register(staff, **fields) -> Complaint:
    with acting_at(MONDAY):
        return intake.register(staff["sanne"], intake.NewReport(received_at=MONDAY, anonymous=True, **fields))


def test_the_deadline_counts_follow_acknowledging_waiting_answering_a_raw_update_and_a_delete(db, staff):
    petra = staff["petra"]
    first = register(staff, description="De taxi kwam niet.", channel="post")
    second = register(staff, description="Geen lift.", channel="email", confidential=True)
    assert kept() == {(first.acknowledge_by, True, "post"): 1, (second.acknowledge_by, True, "email"): 1}
    with acting_at(MONDAY + dt.timedelta(days=1)):
        complaint = procedure.acknowledge(petra, Complaint.get_by_id(first.id), "letter")
    assert kept()[(first.answer_by, True, "post")] == 1  # the next deadline is the answer's now
    with acting_at(MONDAY + dt.timedelta(days=1)):
        complaint = procedure.wait(petra, complaint, "complainant", "Welke rit?", MONDAY.date() + dt.timedelta(9))
    assert (complaint.answer_by, False, "post") in kept()  # the clock stands still
    assert differences() == 0
    Complaint.update(status="closed").where(Complaint.id == second.id).execute()  # as any program may write
    assert [key for key in kept() if key[2] == "email"] == [] and differences() == 0
    Complaint.delete().where(Complaint.id == first.id).execute()
    assert kept() == {} and differences() == 0


def test_late_today_follows_the_date_without_a_write(db, staff):
    """The counts beside "Te laat" and "Deze week af" come from the kept counts and move with today's date."""
    complaint = register(staff, description="Niemand belde terug.", channel="phone")
    petra = staff["petra"]
    for today, late in ((complaint.acknowledge_by, 0), (complaint.acknowledge_by + dt.timedelta(days=1), 1)):
        counted = inbox.counts(petra, InboxQuery(), today)
        assert counted["overdue"] == late
        assert inbox.channel_counts(petra, InboxQuery(filter="overdue"), today) == ({"phone": 1} if late else {})
        assert counted["overdue"] == len(inbox.complaint_ids(petra, InboxQuery(filter="overdue"), today))


def test_a_version_9_register_gets_its_deadline_counts_on_upgrade(db, staff):
    register(staff, description="Te laat.", channel="phone")
    drop_version_10()
    schema.SchemaInfo.update(version=9).execute()
    database.close()

    assert store.open_database(db) == schema.SCHEMA_VERSION
    assert sum(kept().values()) == 1 and differences() == 0
    register(staff, description="Nog een.", channel="email")
    assert sum(kept().values()) == 2  # and the triggers keep them from then on


def test_db_check_finds_deadline_counts_that_differ_from_the_complaints(db, staff):
    register(staff, description="Te laat.", channel="phone")
    store.full_check()
    ComplaintDueTally.update(n=ComplaintDueTally.n + 1).execute()
    with pytest.raises(DatabaseCorruptError) as found:
        store.full_check()
    assert "db recover" in found.value.message
