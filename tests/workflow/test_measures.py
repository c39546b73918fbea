"""Improvement measures: owner, due date, implementation, effectiveness check (seed 001 steps 4–5)."""

import datetime as dt

import pytest

from klachtenbureau.errors import PermissionDeniedError, TransitionNotAllowedError, ValidationError
from klachtenbureau.models import Measure, MeasureComplaint
from klachtenbureau.workflow import intake, measures


def test_measure_from_complaints_through_effectiveness_check(db, staff):
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Geen koffie", anonymous=True))
    measure = measures.create(staff["anouk"], "Koffie regelen met het theater", staff["ruud"],
                              dt.date(2026, 12, 1), complaint_ids=[complaint.id])
    assert [l.complaint_id for l in MeasureComplaint.select()] == [complaint.id]
    with pytest.raises(ValidationError):
        measures.implement(staff["ruud"], measure, team_informed=False)
    measures.implement(staff["ruud"], measure, team_informed=True)
    measures.record_check(staff["anouk"], measure, "Navraag na drie voorstellingen.", "Niet opgelost.", False)
    assert Measure.get_by_id(measure.id).status == "not_effective"
    # not effective: back to the owner, who implements again (seed 001: "zo niet, dan verder bij stap 4")
    measures.implement(staff["ruud"], measure, team_informed=True)
    measures.record_check(staff["anouk"], measure, "Steekproef.", "Werkt.", True)
    stored = Measure.get_by_id(measure.id)
    assert (stored.status, stored.check_conclusion, stored.checked_by_id) == ("effective", "Werkt.", staff["anouk"].id)


def test_only_the_quality_officer_checks_effectiveness(db, staff):
    measure = measures.create(staff["petra"], "Training", staff["ruud"], dt.date(2026, 12, 1), source="trend")
    measures.implement(staff["ruud"], measure, True)
    with pytest.raises(PermissionDeniedError, match="kwaliteitsmedewerker"):
        measures.record_check(staff["petra"], measure, "x", "y", True)


def test_only_the_owner_or_a_manager_reports_a_measure_implemented(db, staff):
    measure = measures.create(staff["petra"], "Training", staff["ruud"], dt.date(2026, 12, 1), source="trend")
    with pytest.raises(PermissionDeniedError, match="eigenaar"):
        measures.implement(staff["sanne"], measure, True)
    assert Measure.get_by_id(measure.id).status == "open"


def test_check_before_implementation_is_refused(db, staff):
    measure = measures.create(staff["petra"], "Training", staff["ruud"], dt.date(2026, 12, 1), source="review")
    with pytest.raises(TransitionNotAllowedError):
        measures.record_check(staff["anouk"], measure, "x", "y", True)


def test_measure_from_complaints_needs_a_linked_complaint(db, staff):
    with pytest.raises(ValidationError) as info:
        measures.create(staff["petra"], "Iets", staff["ruud"], dt.date(2026, 12, 1))
    assert "complaints" in info.value.errors


def test_intake_user_cannot_create_measures(db, staff):
    with pytest.raises(PermissionDeniedError):
        measures.create(staff["sanne"], "Iets", staff["ruud"], dt.date(2026, 12, 1), source="trend")
