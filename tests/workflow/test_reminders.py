"""Which reminders to send: once per item per day per user, gone with the state; the sign-in summary."""

import datetime as dt

import pytest

from klachtenbureau.models import AuditEntry
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.people import HANDLER
from klachtenbureau.workflow import my_work, procedure, reminders
from klachtenbureau.workflow.upkeep import store
from tests.workflow.test_my_work import RECEIVED, at, day, register


def sent(user, d):
    return [r.item.key for r in reminders.to_send(user, dt.date(2026, 11, d))]


@pytest.fixture
def hans(db, staff):
    return store.create_user(store.system_user(), "hans", "Hans Kok", HANDLER)


def test_a_reminder_once_a_day_while_due_and_none_when_its_state_is_gone(db, staff, hans):
    c = register(staff["sanne"], acknowledgement_method="phone")
    at(RECEIVED, procedure.assign, staff["petra"], c, hans)
    assert sent(hans, 2) == [f"assigned:{c.id}"]  # newly assigned: at once
    assert sent(hans, 2) == []  # not again the same day, also not from his other PC (the marks are shared)
    at(day(3), procedure.add_contact, hans, c, "Klager gebeld.", "phone", "out")
    assert sent(hans, 5) == []  # the answer is due Monday: in Mijn werk, but not yet a reminder
    assert sent(hans, 9) == [f"answer:{c.id}"]  # due today
    assert sent(hans, 9) == []
    [late] = reminders.to_send(hans, dt.date(2026, 11, 10))  # late: again the next day
    assert (late.item.key, late.text) == (f"answer:{c.id}", f"Antwoord op {c.number} voorstellen")  # Petra sends it
    at(day(10), procedure.investigate, hans, c, "Rit niet ingepland.")
    at(day(10), procedure.record_verdict, hans, c, "founded")
    at(day(10, 11), procedure.answer, staff["petra"], c, "Excuses.")
    assert sent(hans, 11) == []


def test_the_usual_round_with_nothing_new_writes_nothing(db, staff):
    register(staff["sanne"])
    assert sent(staff["petra"], 4) != []
    written = AuditEntry.select().count()
    assert sent(staff["petra"], 4) == []
    assert AuditEntry.select().count() == written


def test_two_people_are_each_reminded(db, staff):
    c = register(staff["sanne"])
    assert sent(staff["petra"], 4) == [f"ack:{c.id}"] == sent(staff["ruud"], 4)


def test_a_notification_names_no_complainant_and_nothing_confidential(db, staff):
    ordinary = register(staff["sanne"], relation={"name": "Els Bos", "phone": "06 12345671"})
    secret = register(staff["admin"], confidential=True, relation={"name": "Ria Dekker", "phone": "06 12345672"},
                      description="Vertrouwelijk over een vrijwilliger.")
    at(day(2), procedure.assign, staff["admin"], secret, staff["fatima"])
    by_petra = reminders.to_send(staff["petra"], dt.date(2026, 11, 4))
    assert [r.item.complaint_id for r in by_petra] == [ordinary.id]  # the confidential one is not hers to see
    assert ordinary.number in by_petra[0].text and "Els Bos" not in by_petra[0].text + by_petra[0].title
    for_fatima = reminders.to_send(staff["fatima"], dt.date(2026, 11, 4))
    texts = {r.item.complaint_id: r.text for r in for_fatima}
    assert texts[secret.id] == f"Klacht {secret.number} vraagt uw aandacht"


def test_a_list_that_slipped_something_in_still_sends_nothing_unseen(db, staff):
    secret = register(staff["admin"], confidential=True)
    item = my_work.WorkItem(f"ack:{secret.id}", "ack", "x", dt.date(2026, 11, 4), False, True,
                            complaint_id=secret.id, number=secret.number, confidential=True)
    assert reminders.to_send(staff["petra"], dt.date(2026, 11, 4), [item]) == []


def test_summary_at_sign_in_counts_late_today_new_and_soon(db, staff, hans):
    late = register(staff["sanne"], received=dt.datetime(2026, 10, 26, 10))
    register(staff["sanne"], received=day(2))  # acknowledge by Wednesday 4 November
    text = reminders.summary(staff["petra"], dt.date(2026, 11, 4), my_work.items(
        staff["petra"], dt.date(2026, 11, 4), pending_writes=1))
    assert text == "Mijn werk: 1 te laat, 1 vandaag af, 2 niet toegewezen, 1 andere taak."  # the queue
    with acting_at(day(4)):
        procedure.assign(staff["petra"], late, hans)
    assert reminders.summary(hans, dt.date(2026, 11, 4)) == "Mijn werk: 1 te laat, 1 nieuw toegewezen."
    assert reminders.summary(staff["anouk"], dt.date(2026, 11, 4)) == "Mijn werk: er wacht niets op u."
