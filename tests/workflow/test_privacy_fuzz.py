"""Fuzzing the public inputs of privacy, retention, backups and the pending-write queue.

Any text – quotes, SQL, control characters, every script – is either refused with a Dutch message
or kept exactly; nothing crashes.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import peewee
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError, KlachtenbureauError
from klachtenbureau.models import AuditEntry, Complaint
from klachtenbureau.workflow import db_errors, intake
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.personal_data import privacy, retention
from klachtenbureau.workflow.upkeep import backups, store

FIXTURE_OK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
nasty = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(["'; DROP TABLE complaint; --", '" OR 1=1 --', "\r\n\t", "١٢٣٤", "K2026-0001", "  12  ",
                     "a@b.nl", "%", "_", "\\", "$1", "İ" * 40, "😀@example.nl"]),
)
# Text a person can type and the database can store (PostgreSQL refuses NUL; surrogates are not text).
storable = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                   min_size=1, max_size=80).filter(lambda s: s.strip() == s and s)


@FIXTURE_OK
@given(text=nasty)
@example(text="9223372036854775808")  # one past SQLite's largest integer (found by this test)
@example(text="²")
def test_find_relation_never_crashes(sqlite_db, text):
    try:
        found = privacy.find_relation(text)
    except KlachtenbureauError as exc:
        assert exc.message
    else:
        assert found.id


@FIXTURE_OK
@given(number=nasty, login=nasty)
def test_audit_filters_take_any_text(sqlite_db, number, login):
    admin = store.system_user()
    try:
        complaint_id = privacy.complaint_id_for_number(number)
    except KlachtenbureauError:
        complaint_id = None
    assert isinstance(privacy.audit_history(admin, complaint_id=complaint_id, login=login), list)


@FIXTURE_OK
@given(description=storable, name=storable, people=storable)
def test_a_report_round_trips_exactly_through_the_queue(sqlite_db, description, name, people):
    report = intake.NewReport(description=description, relation={"name": name, "phone": "06 12345678"},
                              people_involved=people, received_at=dt.datetime(2026, 3, 2, 9, 30),
                              incident_date=dt.date(2026, 3, 1))
    operation_id = uuid.uuid4().hex
    write_queue._save(write_queue.PendingWrite(operation_id, "register", "systeem", sqlite_db,
                                             write_queue.report_payload(report)))
    [stored] = [w for w in write_queue.pending(sqlite_db) if w.operation_id == operation_id]
    assert write_queue.report_from_payload(stored.payload) == report
    write_queue.discard(operation_id)


@FIXTURE_OK
@given(reason=storable)
def test_any_erasure_reason_is_logged_exactly(sqlite_db, reason):
    admin = store.system_user()
    complaint = intake.register(admin, intake.NewReport(description="x", relation={"name": "Iemand",
                                                                                   "phone": "06 12345678"}))
    Complaint.update(status="closed").where(Complaint.id == complaint.id).execute()
    privacy.erase_person(admin, complaint.relation_id, reason)
    entry = AuditEntry.select().where((AuditEntry.action == "erase_person") & (AuditEntry.entity == "relation")
                                      ).order_by(AuditEntry.id.desc()).first()
    assert json.loads(entry.changes)["reason"] == reason.strip()


@given(message=st.text(max_size=80), kind=st.sampled_from([peewee.OperationalError, peewee.InterfaceError,
                                                            peewee.IntegrityError, OSError, ValueError]))
def test_classify_never_raises(message, kind):
    typed = db_errors.translate(kind(message))
    assert typed is None or isinstance(typed, KlachtenbureauError) and typed.message


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2048))
def test_check_backup_refuses_anything_that_is_not_a_good_copy(tmp_path, content):
    path = tmp_path / f"{uuid.uuid4().hex}.db"
    path.write_bytes(content)
    try:
        backups.check_backup(path)
    except (DatabaseCorruptError, DatabaseUnavailableError) as exc:
        assert exc.message
    else:
        raise AssertionError("arbitrary bytes passed as a backup")


@given(today=st.dates(min_value=dt.date(1900, 1, 1)), years=st.integers(min_value=3, max_value=100))
def test_cutoff_is_always_the_same_day_or_28_february(today, years):
    day = retention.cutoff(today, years)
    assert day.year == today.year - years and day.month == today.month
    assert day.day == today.day or (today.month, today.day, day.day) == (2, 29, 28)
