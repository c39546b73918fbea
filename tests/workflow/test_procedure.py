"""The complaint procedure as a state machine: allowed steps, guards, timeline and audit."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from klachtenbureau.errors import (
    ConflictError, PermissionDeniedError, TransitionNotAllowedError, ValidationError,
)
from klachtenbureau.models import AuditEntry, Complaint, TimelineEntry
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import intake, procedure, settings
from klachtenbureau.workflow.upkeep import store

RECEIVED = dt.datetime(2026, 11, 2, 10, 0)  # a Monday


def register(user, **overrides):
    values = dict(description="Er is twee keer afgeschreven.", category="Geen of foutieve (financiële) boeking",
                  channel="post", relation={"name": "Els Bos", "street": "Molenweg 3", "postcode": "8011 AA",
                                            "city": "Zwolle"})
    values.update(overrides)
    with acting_at(RECEIVED):
        return intake.register(user, intake.NewReport(**values))


def test_full_procedure_from_registration_to_close(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = register(staff["sanne"])
    assert c.status == "new"
    assert procedure.allowed_actions(c, petra) == ["acknowledge", "assign", "extend"]
    procedure.acknowledge(petra, c, "letter")
    assert c.status == "acknowledged"
    procedure.assign(petra, c, ruud)
    assert c.status == "in_progress"
    procedure.add_contact(ruud, c, "Klaagster gebeld; afschriften opgevraagd.", "phone", "out")
    procedure.investigate(ruud, c, "Dubbele incasso door storing.", causes="Storing bij de bank", severity=3)
    procedure.record_verdict(ruud, c, "founded")
    procedure.record_remedy(ruud, c, ["apology", "compensation"], amount="12,50")
    procedure.answer(ruud, c, "Wij storten het bedrag terug en bieden excuses aan.")
    assert c.status == "answered"
    procedure.aftercare(ruud, c, "yes", "Bedrag ontvangen.")
    procedure.close(petra, c)
    stored = Complaint.get_by_id(c.id)
    assert stored.status == "closed" and stored.satisfaction == "yes"
    assert stored.compensation_amount == Decimal("12.50") and stored.severity == 3
    steps = [(e.status_from, e.status_to) for e in
             TimelineEntry.select().where(TimelineEntry.complaint == c.id, TimelineEntry.kind == "step")
             .order_by(TimelineEntry.id)]
    assert steps[-1] == ("answered", "closed")
    actions = [a.action for a in AuditEntry.select().where(AuditEntry.complaint_id == c.id).order_by(AuditEntry.id)]
    assert actions == ["register", "acknowledge", "assign", "contact", "investigate", "verdict", "remedy",
                       "answer", "aftercare", "close"]


def test_step_not_allowed_in_current_state_is_refused(db, staff):
    c = register(staff["sanne"])
    with pytest.raises(TransitionNotAllowedError):
        procedure.close(staff["petra"], c)
    with pytest.raises(TransitionNotAllowedError):
        procedure.reopen(staff["petra"], c, "Toch niet opgelost")
    assert Complaint.get_by_id(c.id).status == "new"


def test_answer_needs_a_verdict_first(db, staff):
    c = register(staff["sanne"], acknowledgement_method="letter", assign_to=staff["ruud"].id)
    procedure.investigate(staff["ruud"], c, "Feiten")
    with pytest.raises(TransitionNotAllowedError, match="oordeel"):
        procedure.answer(staff["ruud"], c, "Antwoord")


def test_investigation_needs_a_handler(db, staff):
    c = register(staff["sanne"], acknowledgement_method="letter")
    with pytest.raises(TransitionNotAllowedError, match="behandelaar"):
        procedure.investigate(staff["petra"], c, "Feiten")


def test_stale_copy_cannot_overwrite_a_colleagues_step(db, staff):
    c = register(staff["sanne"])
    stale = Complaint.get_by_id(c.id)
    procedure.acknowledge(staff["petra"], c, "letter")
    with pytest.raises(ConflictError):
        procedure.assign(staff["ruud"], stale, staff["ruud"])
    assert Complaint.get_by_id(c.id).assigned_to_id is None


def test_escalation_and_reopen(db, staff):
    c = register(staff["sanne"], acknowledgement_method="letter", assign_to=staff["ruud"].id)
    procedure.escalate(staff["petra"], c, "director", "Klager wil de directeur spreken.")
    assert c.status == "escalated"
    procedure.investigate(staff["henk"], c, "Gesprek gevoerd.")
    assert c.status == "escalated"
    procedure.record_verdict(staff["henk"], c, "partly_founded")
    procedure.answer(staff["henk"], c, "Gedeeltelijk gegrond.")
    procedure.close(staff["henk"], c)
    procedure.reopen(staff["petra"], c, "Nieuwe informatie van de klager.")
    assert c.status == "in_progress" and c.closed_at is None


def test_extension_under_wkkgz_only_once(db, staff):
    settings.put(staff["admin"], "deadline_profile", "wkkgz")
    c = register(staff["sanne"])
    procedure.extend(staff["petra"], c, c.answer_by + dt.timedelta(weeks=4), "Wachten op advies.", True)
    with pytest.raises(ValidationError):
        procedure.extend(staff["petra"], c, c.answer_by + dt.timedelta(weeks=1), "Nog langer.", True)
    assert Complaint.get_by_id(c.id).extension_count == 1


def test_intake_user_only_acknowledges_what_she_registered(db, staff):
    sanne = staff["sanne"]
    karin = store.create_user(store.system_user(), "karin", "Karin Mol", "intake", confidential_access=True)
    c = register(sanne)
    secret = register(staff["henk"], confidential=True)
    assert procedure.allowed_actions(c, sanne) == ["acknowledge"]
    assert procedure.allowed_actions(secret, karin) == []  # she may read it, not handle it
    with pytest.raises(PermissionDeniedError):
        procedure.extend(sanne, c, c.answer_by + dt.timedelta(days=7), "Wachten op de bank.", True)
    with pytest.raises(PermissionDeniedError):
        procedure.acknowledge(karin, secret, "letter")
    procedure.acknowledge(sanne, c, "phone")
    assert (c.status, c.acknowledgement_method) == ("acknowledged", "phone")
    assert procedure.allowed_actions(c, sanne) == []


def test_confidential_complaint_is_closed_to_coordinators_without_access(db, staff):
    c = register(staff["sanne"], confidential=True)
    with pytest.raises(PermissionDeniedError):
        procedure.acknowledge(staff["petra"], c, "letter")
    procedure.acknowledge(staff["fatima"], c, "letter")
    assert c.status == "acknowledged"


def test_operation_id_makes_a_retried_step_harmless(db, staff):
    c = register(staff["sanne"])
    stale = Complaint.get_by_id(c.id)
    procedure.acknowledge(staff["petra"], c, "letter", operation_id="op-1")
    # The answer to the first attempt was lost; the same operation is sent again from the old copy.
    again = procedure.acknowledge(staff["petra"], stale, "letter", operation_id="op-1")
    assert again.version == c.version
    assert AuditEntry.select().where(AuditEntry.action == "acknowledge").count() == 1
    assert TimelineEntry.select().where(TimelineEntry.summary.startswith("Ontvangst")).count() == 1


def test_extension_to_a_holiday_is_refused_in_dutch(db, staff):
    c = register(staff["sanne"])  # received 2 November 2026: answer by 9 November
    with pytest.raises(ValidationError) as refused:
        procedure.extend(staff["petra"], c, dt.date(2026, 12, 25), "Wachten op de bank.", True)
    assert refused.value.errors == {
        "new_answer_by": "Op vrijdag 25 december 2026 wordt niet gewerkt (Eerste kerstdag); kies een werkdag."}
    procedure.extend(staff["petra"], c, dt.date(2026, 12, 28), "Wachten op de bank.", True)
    assert Complaint.get_by_id(c.id).answer_by == dt.date(2026, 12, 28)


def test_complaints_are_handed_only_to_people_who_handle_them(db, staff):
    c = register(staff["sanne"])
    for login, role in (("admin", "beheerder"), ("sanne", "telefonist / medewerker eerste lijn")):
        with pytest.raises(ValidationError) as refused:
            procedure.assign(staff["petra"], c, staff[login])
        assert refused.value.errors == {"assigned_to": f"{staff[login].full_name} ({role}) behandelt geen klachten."}
    procedure.assign(staff["petra"], c, staff["anouk"])
    assert Complaint.get_by_id(c.id).assigned_to_id == staff["anouk"].id


@pytest.mark.parametrize("typed, stored", [("25", "25.00"), ("25,00", "25.00"), ("25.00", "25.00"),
                                           (" € 1.234,50 ", "1234.50"), ("1,234.50", "1234.50")])
def test_compensation_is_read_as_typed(db, staff, typed, stored):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["ruud"].id)
    procedure.record_remedy(staff["ruud"], c, ["compensation"], amount=typed)
    assert Complaint.get_by_id(c.id).compensation_amount == Decimal(stored)


@pytest.mark.parametrize("typed, problem", [
    ("-25", "Het bedrag kan niet negatief zijn; vul het in zonder minteken, bijvoorbeeld 25,00."),
    ("", "Vul het bedrag van de schadeloosstelling in, bijvoorbeeld 25,00."),
    ("vijf", "Vul het bedrag in cijfers in, bijvoorbeeld 25,00."),
    ("0,00", "Het bedrag moet meer dan nul zijn, bijvoorbeeld 25,00."),
    ("1.234", "Vul het bedrag in met ten hoogste twee cijfers achter de komma, bijvoorbeeld 25,00."),
])
def test_compensation_that_is_no_amount_is_refused_saying_why(db, staff, typed, problem):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["ruud"].id)
    with pytest.raises(ValidationError) as refused:
        procedure.record_remedy(staff["ruud"], c, ["compensation"], amount=typed)
    assert refused.value.errors == {"compensation_amount": problem}


def test_verdict_motivation_and_escalation_reason_are_kept_with_the_complaint(db, staff):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["ruud"].id)
    procedure.investigate(staff["ruud"], c, "De chauffeur had het verkeerde adres.")
    procedure.record_verdict(staff["ruud"], c, "founded", "  Het adres stond verkeerd in de planning.  ")
    procedure.escalate(staff["ruud"], c, "director", "Klager wil de directeur spreken.")
    stored = Complaint.get_by_id(c.id)
    assert stored.verdict_motivation == "Het adres stond verkeerd in de planning."
    assert stored.escalation_reason == "Klager wil de directeur spreken."
    summaries = [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == c.id)]
    assert "Oordeel: gegrond. Het adres stond verkeerd in de planning." in summaries
    verdict = AuditEntry.get(AuditEntry.complaint_id == c.id, AuditEntry.action == "verdict")
    assert json.loads(verdict.changes)["verdict_motivation"] == "(gewijzigd)"  # free text stays out of the log
