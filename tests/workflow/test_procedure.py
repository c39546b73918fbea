"""The complaint procedure as a state machine: allowed steps, guards, timeline and audit."""

import datetime as dt
from decimal import Decimal

import pytest

from klachtenbureau.errors import (
    ConflictError, PermissionDeniedError, TransitionNotAllowedError, ValidationError,
)
from klachtenbureau.models import AuditEntry, Complaint, TimelineEntry
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import intake, procedure, settings

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


def test_intake_user_cannot_take_procedure_steps(db, staff):
    c = register(staff["sanne"])
    with pytest.raises(PermissionDeniedError):
        procedure.acknowledge(staff["sanne"], c, "letter")
    assert procedure.allowed_actions(c, staff["sanne"]) == []


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
