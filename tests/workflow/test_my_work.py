"""Mijn werk: each line appears and goes with the state it belongs to (fake clock, real database)."""

import datetime as dt

import pytest

from klachtenbureau.models import WorkMark
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.people import HANDLER
from klachtenbureau.workflow import intake, measures, my_work, procedure
from klachtenbureau.workflow.upkeep import store

RECEIVED = dt.datetime(2026, 11, 2, 10, 0)  # a Monday: acknowledge by Wed 4, answer by Mon 9 November


def day(d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, d, hour)


def register(user, received=RECEIVED, **overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", channel="phone",
                  relation={"name": "Els Bos", "phone": "06 12345678"})
    values.update(overrides)
    with acting_at(received):
        return intake.register(user, intake.NewReport(**values))


def at(moment, step, *args, **kwargs):
    with acting_at(moment):
        return step(*args, **kwargs)


def keys(user, d, **kwargs):
    return [item.key for item in my_work.items(user, dt.date(2026, 11, d), **kwargs)]


@pytest.fixture
def hans(db, staff):
    return store.create_user(store.system_user(), "hans", "Hans Kok", HANDLER)


@pytest.fixture
def handled(db, staff, hans):
    """Acknowledged on the phone and passed to the handler Hans on the day it came in."""
    c = register(staff["sanne"], acknowledgement_method="phone")
    at(RECEIVED, procedure.assign, staff["petra"], c, hans)
    at(RECEIVED, procedure.add_contact, hans, c, "Klager gebeld.", "phone", "out")  # Hans has seen it
    return c


def test_answer_comes_up_two_working_days_before_and_goes_when_answered(handled, hans, staff):
    key = f"answer:{handled.id}"
    assert key not in keys(hans, 4)  # three working days left
    item = next(i for i in my_work.items(hans, dt.date(2026, 11, 5)) if i.key == key)
    assert (item.due, item.late, item.due_today, item.complaint_id) == (dt.date(2026, 11, 9), False, False, handled.id)
    assert handled.number in item.title and "Els Bos" not in item.title
    assert item.title.startswith(f"Antwoord op {handled.number} voorstellen")  # a handler proposes; Petra sends
    today = next(i for i in my_work.items(hans, dt.date(2026, 11, 9)) if i.key == key)
    assert today.due_today and not today.late
    assert next(i for i in my_work.items(hans, dt.date(2026, 11, 10)) if i.key == key).late
    assert key not in keys(staff["ruud"], 10)  # not his complaint
    at(day(10), procedure.investigate, hans, handled, "Rit niet ingepland.")
    at(day(10), procedure.record_verdict, hans, handled, "founded")
    at(day(10), procedure.answer, staff["petra"], handled, "Excuses; de rit is voortaan ingepland.")
    assert key not in keys(hans, 10) and key not in keys(hans, 30)


def test_acknowledgement_of_an_unassigned_complaint_is_the_coordinators(db, staff, hans):
    c = register(staff["sanne"])
    key = f"ack:{c.id}"
    assert key in keys(staff["petra"], 3) and key in keys(staff["ruud"], 3)
    assert key not in keys(hans, 3) and key not in keys(staff["anouk"], 3)
    assert key in keys(staff["petra"], 5) and my_work.items(staff["petra"], dt.date(2026, 11, 5))[0].late
    at(day(5), procedure.acknowledge, staff["petra"], c, "letter")
    assert key not in keys(staff["petra"], 5)
    assert f"answer:{c.id}" in keys(staff["petra"], 5)  # the answer term is next, Mon 9 November


def test_waiting_for_the_complainant_stops_the_answer_and_asks_after_the_reply_date(handled, hans):
    at(day(3), procedure.wait, hans, handled, "complainant", "Welke rit bedoelt u?", dt.date(2026, 11, 12))
    for d in (9, 10, 12):  # the answer date (9 November) passes while the clock stands still
        assert f"answer:{handled.id}" not in keys(hans, d)
        assert f"waiting:{handled.id}" not in keys(hans, d)  # the reply may still come on the 12th
    waiting = next(i for i in my_work.items(hans, dt.date(2026, 11, 13)) if i.key == f"waiting:{handled.id}")
    assert waiting.due_today and "12 november 2026" in waiting.title
    assert next(i for i in my_work.items(hans, dt.date(2026, 11, 16)) if i.kind == "waiting").late
    at(day(16), procedure.resume, hans, handled, "Antwoord ontvangen.")
    assert f"waiting:{handled.id}" not in keys(hans, 16)
    assert f"answer:{handled.id}" not in keys(hans, 16)  # runs again with the four working days that were left:
    assert f"answer:{handled.id}" in keys(hans, 18)  # due Friday 20 November


def test_waiting_for_a_third_party_keeps_the_answer_and_comes_back_on_the_date(handled, hans):
    at(day(3), procedure.wait, hans, handled, "third_party", "Vervoerder past de planning aan.", dt.date(2026, 11, 6))
    assert f"waiting:{handled.id}" not in keys(hans, 5)
    assert f"answer:{handled.id}" in keys(hans, 5)  # the clock runs on
    assert f"waiting:{handled.id}" in keys(hans, 6)
    at(day(6), procedure.resume, hans, handled)
    assert f"waiting:{handled.id}" not in keys(hans, 6)


def test_newly_assigned_until_worked_on_or_seen(db, staff, hans):
    petra = staff["petra"]
    first, second = register(staff["sanne"], acknowledgement_method="phone"), register(staff["sanne"])
    at(day(3, 10), procedure.assign, petra, first, hans)
    at(day(3, 10), procedure.assign, petra, second, hans)
    assert {f"assigned:{first.id}", f"assigned:{second.id}"} <= set(keys(hans, 3))
    at(day(3, 11), procedure.add_contact, hans, first, "Klager gebeld.", "phone", "out")
    with acting_at(day(3, 11)):
        my_work.mark_seen(hans, f"assigned:{second.id}")
    assert not [k for k in keys(hans, 3) if k.startswith("assigned:")]
    at(day(4, 10), procedure.assign, petra, second, staff["ruud"])
    at(day(4, 11), procedure.assign, petra, second, hans)  # handed back: new again
    assert f"assigned:{second.id}" in keys(hans, 4)
    month_later = dt.date(2026, 11, 4) + dt.timedelta(days=my_work.ASSIGNED_DAYS + 1)
    assert f"assigned:{second.id}" not in [i.key for i in my_work.items(hans, month_later)]  # no longer new
    at(day(4, 12), procedure.assign, petra, first, petra)  # given to herself: nothing new to her
    assert f"assigned:{first.id}" not in keys(petra, 4)


def test_aftercare_comes_up_before_its_date_and_stays_after_closing(handled, hans, staff):
    at(day(4), procedure.investigate, hans, handled, "Rit niet ingepland.")
    at(day(4), procedure.record_verdict, hans, handled, "founded")
    at(day(4), procedure.answer, staff["petra"], handled, "Excuses.")
    due = procedure.Complaint.get_by_id(handled.id).aftercare_by
    assert due == dt.date(2026, 11, 18)  # ten working days after the answer
    assert f"aftercare:{handled.id}" not in keys(hans, 13)
    assert f"aftercare:{handled.id}" in keys(hans, 16)
    at(day(17), procedure.close, staff["petra"], handled)
    assert f"aftercare:{handled.id}" in keys(hans, 20)
    later = [item.key for item in my_work.items(hans, due + dt.timedelta(days=my_work.AFTERCARE_LATE_DAYS))]
    assert f"aftercare:{handled.id}" in later  # still asked for, up to three months late
    too_late = due + dt.timedelta(days=my_work.AFTERCARE_LATE_DAYS + 1)
    assert f"aftercare:{handled.id}" not in [item.key for item in my_work.items(hans, too_late)]
    at(day(20), procedure.aftercare, hans, handled, "yes")
    assert f"aftercare:{handled.id}" not in keys(hans, 20)


def test_measure_for_its_owner_then_the_check_for_the_quality_officer(db, staff, hans):
    anouk = staff["anouk"]
    with acting_at(day(2)):
        m = measures.create(staff["petra"], "Ritten dubbel controleren", hans, dt.date(2026, 11, 27), source="trend")
    assert f"measure:{m.id}" not in keys(hans, 23)
    assert f"measure:{m.id}" in keys(hans, 25)  # two working days before its date
    assert f"check:{m.id}" not in keys(anouk, 25)
    at(day(18), measures.implement, hans, m, True)
    assert f"measure:{m.id}" not in keys(hans, 25)
    assert f"check:{m.id}" not in keys(anouk, 18)  # implemented early: checked from its own due date on
    check = next(i for i in my_work.items(anouk, dt.date(2026, 11, 30)) if i.key == f"check:{m.id}")
    assert (check.measure_id, check.due, check.late) == (m.id, dt.date(2026, 11, 27), True)
    assert f"check:{m.id}" in keys(anouk, 25)
    assert f"check:{m.id}" not in keys(staff["petra"], 30)  # the coordinator does not check effectiveness
    at(day(30), measures.record_check, anouk, m, "Steekproef van tien ritten", "Geen fouten meer", True)
    assert f"check:{m.id}" not in keys(anouk, 30)


def test_coordinator_sees_unassigned_and_colleagues_direct_resolutions_until_seen(db, staff, hans):
    petra, sanne = staff["petra"], staff["sanne"]
    register(sanne)
    direct = register(sanne, kind="inquiry", category="Overig", resolved_now=True, resolution="Uitgelegd.")
    own = register(petra, kind="inquiry", category="Overig", resolved_now=True, resolution="Uitgelegd.")
    items = {item.key: item for item in my_work.items(petra, dt.date(2026, 11, 2))}
    assert items["unassigned"].count == 1 and items["unassigned"].place == "inbox:unassigned"
    assert "Sanne de Vries" in items[f"direct:{direct.id}"].title
    assert f"direct:{own.id}" not in items
    assert not {"unassigned", f"direct:{direct.id}"} & set(keys(hans, 2))
    with acting_at(day(2, 11)):
        my_work.mark_seen(petra, f"direct:{direct.id}")
    assert f"direct:{direct.id}" not in keys(petra, 2)
    assert f"direct:{direct.id}" in keys(staff["ruud"], 2)  # the other coordinator has not seen it
    with acting_at(day(2, 11)):
        my_work.mark_seen(staff["ruud"], "direct")  # the whole list
    assert f"direct:{direct.id}" not in keys(staff["ruud"], 2)
    assert f"direct:{direct.id}" not in keys(sanne, 2)  # she registered it herself, and coordinates nothing


def test_a_confidential_complaint_is_only_listed_for_who_may_see_it(db, staff):
    c = register(staff["admin"], confidential=True)
    assert f"ack:{c.id}" not in keys(staff["petra"], 3)  # unassigned, but not hers to see
    at(day(2), procedure.assign, staff["admin"], c, staff["fatima"])
    item = next(i for i in my_work.items(staff["fatima"], dt.date(2026, 11, 3)) if i.complaint_id == c.id)
    assert item.confidential


def test_queue_and_mail_are_counted_by_the_caller(db, staff):
    items = {item.key: item for item in my_work.items(staff["petra"], dt.date(2026, 11, 2), pending_writes=2, mails=3)}
    assert (items["queue"].count, items["queue"].place) == (2, "queue")
    assert (items["mail"].count, items["mail"].place) == (3, "mail")
    assert "queue" not in keys(staff["petra"], 2)


def test_soonest_first_and_a_long_list_is_cut_with_the_rest_counted(db, staff, monkeypatch):
    monkeypatch.setattr(my_work, "LIST_LIMIT", 2)
    for d in (2, 3, 4):
        register(staff["sanne"], received=day(d))
    items = my_work.items(staff["petra"], dt.date(2026, 11, 4))
    acks = [i for i in items if i.kind == "ack"]
    assert [i.due for i in acks] == [dt.date(2026, 11, 4), dt.date(2026, 11, 5)]
    more = next(i for i in items if i.kind == "more")
    assert (more.count, more.place) == (1, "inbox:unassigned")
    dated = [i.due for i in items if i.due is not None]
    assert dated == sorted(dated)


def test_marks_of_old_direct_resolutions_are_cleared(db, staff):
    petra = staff["petra"]
    with acting_at(day(2)):
        my_work.mark_seen(petra, "direct:1")
    with acting_at(day(30)):
        my_work.mark_seen(petra, "direct:2")
    assert {m.key for m in WorkMark.select().where(WorkMark.user == petra.id)} == {"seen:direct:2"}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_query_is_a_range_of_an_index_not_a_walk_through_the_register(db, staff, hans, handled):
    """With a million complaints a walk through all of a handler's complaints is seconds: each kind reads a short
    range of an index in its own order (schema.WORK_INDEXES, the inbox's handler index)."""
    from klachtenbureau.models import database

    asked: list[tuple[str, tuple]] = []
    connection = database.db.obj
    real = connection.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        asked.append((sql, tuple(params or ())))
        return real(sql, params, *args, **kwargs)

    connection.execute_sql = recording
    try:
        my_work.items(staff["petra"], dt.date(2026, 11, 5))
        my_work.items(hans, dt.date(2026, 11, 5))
    finally:
        del connection.execute_sql
    walks = []
    for sql, params in asked:
        if sql.startswith("SELECT") and '"complaint" AS' in sql:
            plan = " | ".join(row[3] for row in real("EXPLAIN QUERY PLAN " + sql, params))
            if "SCAN t1" in plan or "TEMP B-TREE" in plan or "complaint_assigned_to_id" in plan:
                walks.append((sql[:160], plan))
    assert walks == []
