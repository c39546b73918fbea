"""Improvement measures: seed 001 steps 4–5 and seed 004 step 4.

A measure has an owner and a due date; the owner implements it and informs
the team; the quality officer checks whether it worked. Not effective sends it
back to the owner.
"""

from __future__ import annotations

import datetime as dt

from klachtenbureau.errors import TransitionNotAllowedError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint, Measure, MeasureComplaint, User, now
from klachtenbureau.models.measures import MEASURE_SOURCES
from klachtenbureau.models.people import ADMIN, QUALITY
from klachtenbureau.workflow import permissions
from klachtenbureau.workflow.operations import Outcome, copy_into, fresh, perform, update_versioned


def create(user: User, title: str, owner: User, due_date: dt.date, description: str = "",
           source: str = "complaint", complaint_ids: list[int] | None = None,
           operation_id: str | None = None) -> Measure:
    permissions.require_manager(user)
    complaint_ids = complaint_ids or []
    errors = {}
    if not title.strip():
        errors["title"] = _("Geef de maatregel een korte titel.")
    if source not in MEASURE_SOURCES:
        errors["source"] = _("Kies waar de maatregel uit voortkomt.")
    if source == "complaint" and not complaint_ids:
        errors["complaints"] = _("Koppel ten minste één klacht, of kies trendanalyse of directiebeoordeling.")
    if not owner.active:
        errors["owner"] = _("De eigenaar moet een actieve medewerker zijn.")
    if complaint_ids and Complaint.select().where(Complaint.id.in_(complaint_ids)).count() != len(set(complaint_ids)):
        errors["complaints"] = _("Een gekoppelde klacht bestaat niet.")
    if errors:
        raise ValidationError(errors)

    def body() -> Outcome:
        measure = Measure.create(title=title.strip(), description=description.strip(), source=source,
                                 owner=owner.id, due_date=due_date, created_by=user.id)
        for complaint_id in sorted(set(complaint_ids)):
            MeasureComplaint.create(measure=measure, complaint=complaint_id)
        return Outcome(measure, {"title": measure.title, "owner": owner.id, "due_date": due_date,
                                 "source": source, "complaints": sorted(set(complaint_ids))})

    return perform(user, "measure_create", body, operation_id)


def implement(user: User, measure: Measure, team_informed: bool, operation_id: str | None = None) -> Measure:
    """The owner reports the measure implemented (seed 001 step 4)."""
    def body() -> Outcome:
        current = fresh(measure)
        if user.id != current.owner_id and not permissions.is_manager(user):
            raise ValidationError({"owner": _("Alleen de eigenaar of een coördinator meldt een maatregel als ingevoerd.")})
        if current.status not in ("open", "not_effective"):
            raise TransitionNotAllowedError(_("Deze maatregel is al ingevoerd."))
        if not team_informed:
            raise ValidationError({"team_informed": _("Informeer eerst het team over de maatregel.")})
        changes = update_versioned(current, current.version, {
            "status": "implemented", "implemented_at": now(), "team_informed": True}, touch=False)
        return Outcome(current, changes)

    return copy_into(measure, perform(user, "measure_implement", body, operation_id))


def record_check(user: User, measure: Measure, method: str, conclusion: str, effective: bool,
                 operation_id: str | None = None) -> Measure:
    """The quality officer's effectiveness check (seed 001 step 5)."""
    if user.role not in (QUALITY, ADMIN):
        raise ValidationError({"check": _("De effectiviteit wordt getoetst door de kwaliteitsmedewerker.")})
    errors = {}
    if not method.strip():
        errors["check_method"] = _("Noteer hoe de werking is gecontroleerd.")
    if not conclusion.strip():
        errors["check_conclusion"] = _("Noteer de conclusie.")
    if errors:
        raise ValidationError(errors)

    def body() -> Outcome:
        current = fresh(measure)
        if current.status != "implemented":
            raise TransitionNotAllowedError(_("Alleen een ingevoerde maatregel kan op effectiviteit worden getoetst."))
        changes = update_versioned(current, current.version, {
            "status": "effective" if effective else "not_effective", "check_method": method.strip(),
            "check_conclusion": conclusion.strip(), "checked_at": now(), "checked_by": user.id}, touch=False)
        return Outcome(current, changes)

    return copy_into(measure, perform(user, "measure_check", body, operation_id))

