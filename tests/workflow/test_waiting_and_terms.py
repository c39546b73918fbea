"""Waiting for the complainant or a third party, and the deadlines after every step, on the real calendar."""

import datetime as dt

import pytest

from klachtenbureau.errors import TransitionNotAllowedError, ValidationError
from klachtenbureau.models import AuditEntry, Complaint, TimelineEntry
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import inbox, intake, periods, procedure, queries, settings, statistics
from klachtenbureau.workflow.inbox import InboxQuery

RECEIVED = dt.datetime(2026, 11, 2, 10, 0)  # Monday 2 November 2026: answer due Monday 9 November (5 working days)


def at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def register(staff, **overrides) -> Complaint:
    values = dict(description="De rit werd twee keer gerekend.", category="Geen of foutieve (financiële) boeking",
                  channel="phone", acknowledgement_method="phone", assign_to=staff["ruud"].id,
                  relation={"name": "Els Bos", "phone": "06 12345678"})
    values.update(overrides)
    with acting_at(RECEIVED):
        return intake.register(staff["sanne"], intake.NewReport(**values))


def step(day: dt.date, call, *args, **kwargs):
    with acting_at(at(day)):
        return call(*args, **kwargs)


def answered(c: Complaint, user, day: dt.date) -> Complaint:
    with acting_at(at(day, 9)):
        c = procedure.investigate(user, c, "Dubbel geboekt.")
        c = procedure.record_verdict(user, c, "founded")
        return procedure.answer(user, c, "Wij betalen het terug.")


def last_step(c: Complaint) -> str:
    entry = (TimelineEntry.select().where((TimelineEntry.complaint == c.id) & (TimelineEntry.kind == "step"))
             .order_by(TimelineEntry.id.desc()).first())
    return entry.summary


def filtered(user, name: str, today: dt.date) -> list[int]:
    return list(inbox.complaint_ids(user, InboxQuery(filter=name), today))


# -- waiting for the complainant ---------------------------------------------------------------------------------

def test_waiting_for_the_complainant_stops_the_clock_and_resume_restarts_it_with_the_days_left(db, staff):
    ruud = staff["ruud"]
    c = register(staff)
    assert c.answer_by == dt.date(2026, 11, 9)
    # Wednesday 4 November: Thu 5, Fri 6 and Mon 9 are left; the reply is expected Friday 13 November
    c = step(dt.date(2026, 11, 4), procedure.wait, ruud, c, "complainant", "Welke rit bedoelt de klager?",
             dt.date(2026, 11, 13))
    stored = Complaint.get_by_id(c.id)
    assert (stored.waiting_for, stored.waiting_since, stored.waiting_until, stored.answer_days_left) == (
        "complainant", dt.date(2026, 11, 4), dt.date(2026, 11, 13), 3)
    assert stored.status == "in_progress"  # the status stays; waiting is an overlay
    assert stored.answer_by == dt.date(2026, 11, 18)  # provisional: Fri 13 + Mon 16, Tue 17, Wed 18
    assert last_step(c) == ("Wachten op klager: Welke rit bedoelt de klager? De termijn staat stil met nog 3 "
                            "werkdagen; reactie verwacht uiterlijk 13 november 2026.")
    assert procedure.allowed_actions(c, ruud).count("resume") == 1 and "wait" not in procedure.allowed_actions(c, ruud)
    assert "extend" not in procedure.allowed_actions(c, ruud)
    # the reply comes on Tuesday 10 November: three working days from then is Friday 13 November
    c = step(dt.date(2026, 11, 10), procedure.resume, ruud, c, "Klager mailde de ritgegevens.")
    stored = Complaint.get_by_id(c.id)
    assert stored.answer_by == dt.date(2026, 11, 13)
    assert (stored.waiting_for, stored.waiting_since, stored.waiting_until, stored.answer_days_left,
            stored.waiting_reason) == ("", None, None, None, "")
    assert last_step(c) == ("Wachten op klager beëindigd (sinds 4 november 2026). Antwoord nu uiterlijk "
                            "13 november 2026. Klager mailde de ritgegevens.")
    actions = [a.action for a in AuditEntry.select().where(AuditEntry.complaint_id == c.id).order_by(AuditEntry.id)]
    assert actions[-2:] == ["wait", "resume"]
    logged = AuditEntry.select().where(AuditEntry.action == "wait").get().changes
    assert "Welke rit" not in logged  # the reason is free text: the log says it changed, not what it says


def test_an_overdue_complaint_waits_with_no_days_left_and_is_due_on_the_day_the_reply_comes(db, staff):
    ruud = staff["ruud"]
    c = register(staff)
    c = step(dt.date(2026, 11, 11), procedure.wait, ruud, c, "complainant", "Bonnetje nodig", dt.date(2026, 11, 18))
    assert (c.answer_days_left, c.answer_by) == (0, dt.date(2026, 11, 18))
    c = step(dt.date(2026, 11, 16), procedure.resume, ruud, c)
    assert Complaint.get_by_id(c.id).answer_by == dt.date(2026, 11, 16)


def test_a_waiting_complaint_is_never_late_nor_due_this_week_and_returns_exactly_when_it_resumes(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = register(staff)
    friday, monday = dt.date(2026, 11, 6), dt.date(2026, 11, 9)
    late = dt.date(2026, 11, 10)
    assert c.id in filtered(petra, "due_this_week", monday) and c.id in filtered(petra, "overdue", late)
    assert c.id in [x.id for x in queries.list_complaints(petra, overdue=True, today=late)]
    c = step(dt.date(2026, 11, 5), procedure.wait, ruud, c, "complainant", "Ritgegevens gevraagd.", friday)
    for name, today in (("due_this_week", friday), ("due_this_week", monday), ("overdue", late),
                        ("overdue", dt.date(2026, 12, 31))):
        assert c.id not in filtered(petra, name, today), (name, today)
        assert inbox.counts(petra, InboxQuery(), today)[name] == 0
    assert not [x.id for x in queries.list_complaints(petra, overdue=True, today=dt.date(2026, 12, 31))]
    figures = statistics.figures(petra, periods.half_year(2026, 2), today=dt.date(2026, 12, 31))
    assert (figures.overdue, figures.answer_due) == (0, 0)  # the dashboard agrees: not late, not yet to count
    assert c.id in filtered(petra, "mine", friday) or c.id in filtered(ruud, "mine", friday)
    row = inbox.rows(petra, [c.id], dt.date(2026, 12, 31))[c.id]
    assert row.stopped and not row.overdue and not row.due_soon and row.days_left == 2
    assert row.waiting_for == "complainant" and row.waiting_until == friday
    c = step(dt.date(2026, 11, 12), procedure.resume, ruud, c)  # Thu 12: + 2 working days = Mon 16
    assert Complaint.get_by_id(c.id).answer_by == dt.date(2026, 11, 16)
    assert c.id in filtered(petra, "due_this_week", dt.date(2026, 11, 16))
    assert c.id in filtered(petra, "overdue", dt.date(2026, 11, 17))
    assert c.id in [x.id for x in queries.list_complaints(petra, overdue=True, today=dt.date(2026, 11, 17))]
    assert statistics.figures(petra, periods.half_year(2026, 2), today=dt.date(2026, 11, 17)).overdue == 1


def test_an_answer_ends_the_wait_for_the_complainant_and_sets_the_aftercare_date(db, staff):
    ruud = staff["ruud"]
    c = step(dt.date(2026, 11, 3), procedure.wait, ruud, register(staff), "complainant", "Foto gevraagd.",
             dt.date(2026, 11, 10))
    c = answered(c, ruud, dt.date(2026, 11, 20))  # Friday; no reply came: judged on what is known
    stored = Complaint.get_by_id(c.id)
    assert stored.waiting_for == "" and stored.answer_days_left is None
    assert stored.aftercare_by == dt.date(2026, 12, 4)  # 10 working days after Friday 20 November
    assert last_step(c) == "Klacht beantwoord. Het wachten op de klager is daarmee beëindigd."


def test_the_aftercare_setting_moves_the_aftercare_date(db, staff):
    settings.put(staff["admin"], "aftercare_working_days", 3)
    c = answered(register(staff), staff["ruud"], dt.date(2026, 11, 5))  # Thursday: Fri 6, Mon 9, Tue 10
    assert Complaint.get_by_id(c.id).aftercare_by == dt.date(2026, 11, 10)
    for bad in (0, 61, "5", True):
        with pytest.raises(ValidationError):
            settings.put(staff["admin"], "aftercare_working_days", bad)


# -- waiting for a third party -----------------------------------------------------------------------------------

def test_waiting_for_a_third_party_keeps_the_clock_running(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = register(staff)
    c = step(dt.date(2026, 11, 4), procedure.wait, ruud, c, "third_party", "De vervoerder zoekt de rit op",
             dt.date(2026, 11, 12))
    stored = Complaint.get_by_id(c.id)
    assert (stored.answer_by, stored.answer_days_left, stored.waiting_for) == (dt.date(2026, 11, 9), None,
                                                                                "third_party")
    assert last_step(c) == ("Wachten op derde: De vervoerder zoekt de rit op. Verwacht uiterlijk 12 november 2026; "
                            "de termijn loopt door.")
    assert c.id in filtered(petra, "overdue", dt.date(2026, 11, 10))
    c = step(dt.date(2026, 11, 11), procedure.resume, ruud, c)
    assert Complaint.get_by_id(c.id).answer_by == dt.date(2026, 11, 9)
    assert last_step(c) == "Wachten op derde beëindigd (sinds 4 november 2026)."


def test_a_third_partys_repair_is_followed_up_after_the_answer_but_the_clock_cannot_stop_then(db, staff):
    ruud = staff["ruud"]
    c = answered(register(staff), ruud, dt.date(2026, 11, 4))
    with pytest.raises(TransitionNotAllowedError, match="beantwoord"):
        step(dt.date(2026, 11, 5), procedure.wait, ruud, c, "complainant", "Nog iets vragen", dt.date(2026, 11, 9))
    c = step(dt.date(2026, 11, 5), procedure.wait, ruud, c, "third_party", "Garage herstelt de lift",
             dt.date(2026, 11, 20))
    assert Complaint.get_by_id(c.id).waiting_for == "third_party"
    c = step(dt.date(2026, 11, 6), procedure.close, staff["petra"], c)
    assert Complaint.get_by_id(c.id).waiting_for == ""  # closed, it waits for nobody


def test_waiting_needs_a_reason_a_date_not_past_an_acknowledged_complaint_and_nothing_awaited_yet(db, staff):
    ruud = staff["ruud"]
    c = register(staff)
    with pytest.raises(ValidationError) as problem:
        step(dt.date(2026, 11, 4), procedure.wait, ruud, c, "neighbour", " ", dt.date(2026, 11, 3))
    assert set(problem.value.errors) == {"waiting_for", "reason", "until"}
    assert problem.value.errors["until"] == "Die datum is al voorbij; kies vandaag of later."
    step(dt.date(2026, 11, 4), procedure.wait, ruud, c, "third_party", "Vervoerder", dt.date(2026, 11, 4))
    with pytest.raises(TransitionNotAllowedError, match="wachten op derde"):
        step(dt.date(2026, 11, 4), procedure.wait, ruud, c, "complainant", "Ook de klager", dt.date(2026, 11, 6))
    new = register(staff, acknowledgement_method="", assign_to=None)
    assert "wait" not in procedure.allowed_actions(new, staff["petra"])
    with pytest.raises(TransitionNotAllowedError):
        step(dt.date(2026, 11, 4), procedure.wait, staff["petra"], new, "complainant", "Vraag", dt.date(2026, 11, 6))
    with pytest.raises(TransitionNotAllowedError, match="wacht nergens op"):
        step(dt.date(2026, 11, 4), procedure.resume, staff["petra"], Complaint.get_by_id(new.id))


def test_the_term_cannot_be_extended_while_it_stands_still(db, staff):
    ruud = staff["ruud"]
    c = step(dt.date(2026, 11, 4), procedure.wait, ruud, register(staff), "complainant", "Vraag",
             dt.date(2026, 11, 6))
    with pytest.raises(TransitionNotAllowedError, match="staat stil"):
        step(dt.date(2026, 11, 4), procedure.extend, ruud, c, dt.date(2026, 11, 30), "Later", True)


# -- reopening, escalating, closing, aftercare -------------------------------------------------------------------

def test_reopening_sets_a_new_answer_term_from_the_reopening_day_and_runs_until_answered_anew(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = answered(register(staff), ruud, dt.date(2026, 11, 4))
    c = step(dt.date(2026, 11, 5), procedure.close, petra, c)
    c = step(dt.date(2026, 12, 23), procedure.reopen, petra, c, "De klager belde: weer dubbel gerekend.")
    stored = Complaint.get_by_id(c.id)
    # Wed 23 Dec: Thu 24, [Christmas, weekend], Mon 28, Tue 29, Wed 30, Thu 31
    assert (stored.status, stored.answer_by, stored.answered_at, stored.aftercare_by) == (
        "in_progress", dt.date(2026, 12, 31), None, None)
    assert last_step(c) == "Heropend: De klager belde: weer dubbel gerekend. Antwoord uiterlijk 31 december 2026."
    assert c.id in filtered(petra, "overdue", dt.date(2027, 1, 4))
    assert c.id in [x.id for x in queries.list_complaints(petra, overdue=True, today=dt.date(2027, 1, 4))]
    with pytest.raises(TransitionNotAllowedError):  # running again: closed only after the new answer
        step(dt.date(2026, 12, 24), procedure.close, petra, c)
    c = answered(c, ruud, dt.date(2026, 12, 28))
    step(dt.date(2026, 12, 28), procedure.close, petra, c)


def test_escalation_gives_the_new_level_a_handler_and_its_own_term(db, staff):
    petra, ruud, henk = staff["petra"], staff["ruud"], staff["henk"]
    c = answered(register(staff), ruud, dt.date(2026, 11, 4))
    assert Complaint.get_by_id(c.id).aftercare_by is not None
    c = step(dt.date(2026, 11, 10), procedure.escalate, petra, c, "director", "Klager is het niet eens.",
             handler=henk)
    stored = Complaint.get_by_id(c.id)
    assert (stored.status, stored.assigned_to_id, stored.answered_at, stored.aftercare_by) == (
        "escalated", henk.id, None, None)
    assert stored.answer_by == dt.date(2026, 11, 17)  # Tue 10 + 5 working days
    assert stored.assigned_at == at(dt.date(2026, 11, 10))
    assert last_step(c) == ("Geëscaleerd naar directeur: Klager is het niet eens. Behandelaar Henk Smit, antwoord "
                            "uiterlijk 17 november 2026.")
    assert c.id in filtered(petra, "overdue", dt.date(2026, 11, 18))
    assert c.id in filtered(henk, "mine", dt.date(2026, 11, 18))


def test_escalation_keeps_a_suitable_handler_and_takes_a_later_working_day_within_reason(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = register(staff)
    assigned_at = Complaint.get_by_id(c.id).assigned_at
    with pytest.raises(ValidationError) as problem:
        step(dt.date(2026, 11, 4), procedure.escalate, petra, c, "board", "Bestuur", answer_by=dt.date(2026, 11, 10))
    assert problem.value.errors["answer_by"] == "Kies 11 november 2026 of later: dat is de termijn van het profiel."
    with pytest.raises(ValidationError, match="werkdag"):
        step(dt.date(2026, 11, 4), procedure.escalate, petra, c, "board", "Bestuur", answer_by=dt.date(2026, 11, 14))
    with pytest.raises(ValidationError, match="13 januari 2027"):
        step(dt.date(2026, 11, 4), procedure.escalate, petra, c, "board", "Bestuur", answer_by=dt.date(2027, 1, 14))
    with pytest.raises(ValidationError, match="behandelt geen klachten"):
        step(dt.date(2026, 11, 4), procedure.escalate, petra, c, "board", "Bestuur", handler=staff["sanne"])
    c = step(dt.date(2026, 11, 4), procedure.escalate, petra, c, "board", "Bestuur", answer_by=dt.date(2026, 12, 1))
    stored = Complaint.get_by_id(c.id)
    assert (stored.assigned_to_id, stored.answer_by, stored.assigned_at) == (ruud.id, dt.date(2026, 12, 1),
                                                                              assigned_at)


def test_closing_while_the_escalation_runs_is_refused_unless_asked_for(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = answered(register(staff), ruud, dt.date(2026, 11, 4))
    c = step(dt.date(2026, 11, 5), procedure.escalate, petra, c, "director", "Wil de directeur spreken.")
    with pytest.raises(TransitionNotAllowedError, match="De escalatie naar directeur loopt nog"):
        step(dt.date(2026, 11, 6), procedure.close, petra, c)
    assert Complaint.get_by_id(c.id).status == "escalated"
    c = step(dt.date(2026, 11, 6), procedure.close, petra, c, "Klager trok de escalatie in.", despite_escalation=True)
    assert Complaint.get_by_id(c.id).status == "closed"
    assert last_step(c) == ("Afgesloten terwijl de escalatie naar directeur nog liep. Klager trok de escalatie in.")
    never_answered = step(dt.date(2026, 11, 5), procedure.escalate, petra, register(staff), "director", "Direct")
    with pytest.raises(TransitionNotAllowedError, match="antwoord heeft gekregen"):
        step(dt.date(2026, 11, 6), procedure.close, petra, never_answered, despite_escalation=True)


def test_aftercare_can_be_recorded_after_closing(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = step(dt.date(2026, 11, 5), procedure.close, petra, answered(register(staff), ruud, dt.date(2026, 11, 4)))
    assert procedure.allowed_actions(c, petra) == ["aftercare", "reopen"]
    c = step(dt.date(2026, 11, 18), procedure.aftercare, ruud, c, "yes", "Teruggebeld.")
    stored = Complaint.get_by_id(c.id)
    assert (stored.status, stored.satisfaction, stored.aftercare_at) == ("closed", "yes", at(dt.date(2026, 11, 18)))


def test_assigning_notes_when_the_handler_got_the_complaint(db, staff):
    c = register(staff, assign_to=None)
    c = step(dt.date(2026, 11, 3), procedure.assign, staff["petra"], c, staff["ruud"])
    assert Complaint.get_by_id(c.id).assigned_at == at(dt.date(2026, 11, 3))
