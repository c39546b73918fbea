"""Improvement measures: seed 001 steps 4–5 and seed 004 step 4.

The rules side (who may do what, when, with which checks); the tables are ``models/measures.py``.

A measure has an owner and a due date; the owner implements it and informs
the team; the quality officer checks whether it worked. Not effective sends it
back to the owner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import peewee

from klachtenbureau.errors import NotFoundError, TransitionNotAllowedError, ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models import Complaint, Measure, MeasureComplaint, User, now
from klachtenbureau.models.measures import MEASURE_SOURCES
from klachtenbureau.workflow import permissions
from klachtenbureau.workflow.operations import Outcome, copy_into, fresh, perform, update_versioned
from klachtenbureau.workflow.queries import visible_to


def create(user: User, title: str, owner: User, due_date: dt.date, description: str = "",
           source: str = "complaint", complaint_ids: list[int] | None = None,
           operation_id: str | None = None) -> Measure:
    complaint_ids = complaint_ids or []
    check_new(user, title, owner, source, complaint_ids)
    return perform(user, "measure_create", lambda: insert(user, title, owner, due_date, description, source,
                                                          complaint_ids), operation_id)


def check_new(user: User, title: str, owner: User, source: str, complaint_ids: list[int]) -> None:
    """Refuses a new measure ``user`` may not set up or that lacks what it needs (before any write)."""
    permissions.require_manager(user)
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


def insert(user: User, title: str, owner: User, due_date: dt.date, description: str, source: str,
           complaint_ids: list[int]) -> Outcome:
    """The writing part of ``create``, for an operation that sets up a measure with more (report_reviews)."""
    measure = Measure.create(title=title.strip(), description=description.strip(), source=source,
                             owner=owner.id, due_date=due_date, created_by=user.id)
    for complaint_id in sorted(set(complaint_ids)):
        MeasureComplaint.create(measure=measure, complaint=complaint_id)
    return Outcome(measure, {"title": measure.title, "owner": owner.id, "due_date": due_date,
                             "source": source, "complaints": sorted(set(complaint_ids))})


def implement(user: User, measure: Measure, team_informed: bool, operation_id: str | None = None) -> Measure:
    """The owner reports the measure implemented (seed 001 step 4)."""
    def body() -> Outcome:
        current = fresh(measure)
        permissions.require_edit_measure(user, current)
        permissions.require_read_measure(user, current, linked(current.id))
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
    permissions.require_check_measure(user)
    errors = {}
    if not method.strip():
        errors["check_method"] = _("Noteer hoe de werking is gecontroleerd.")
    if not conclusion.strip():
        errors["check_conclusion"] = _("Noteer de conclusie.")
    if errors:
        raise ValidationError(errors)

    def body() -> Outcome:
        current = fresh(measure)
        permissions.require_read_measure(user, current, linked(current.id))
        if current.status != "implemented":
            raise TransitionNotAllowedError(_("Alleen een ingevoerde maatregel kan op effectiviteit worden getoetst."))
        changes = update_versioned(current, current.version, {
            "status": "effective" if effective else "not_effective", "check_method": method.strip(),
            "check_conclusion": conclusion.strip(), "checked_at": now(), "checked_by": user.id}, touch=False)
        return Outcome(current, changes)

    return copy_into(measure, perform(user, "measure_check", body, operation_id))



# --- reading and editing the register --------------------------------------

VIEWS: dict[str, str] = {
    "all": N_("Alle"),
    "mine": N_("Mijn maatregelen"),
    "overdue": N_("Te laat"),
    "awaiting_check": N_("Te toetsen"),
}
ACTIVE_STATUSES = ("open", "not_effective")  # the owner still has to act
EDITABLE_FIELDS = ("title", "description", "source", "owner", "due_date", "team_informed")


@dataclasses.dataclass(frozen=True)
class MeasureRow:
    """One line of the measures register, ready to show."""

    measure: Measure  # what ``readable`` is False for is blanked in it (``_withhold``)
    owner_name: str
    complaint_numbers: tuple[str, ...]  # of the linked complaints the user may see
    overdue: bool
    readable: bool = True  # permissions.can_read_measure
    unseen: int = 0  # linked complaints the user may not see: counted, never named


def is_overdue(measure: Measure, today: dt.date) -> bool:
    return measure.status in ACTIVE_STATUSES and measure.due_date < today


def view_condition(view: str, user: User, today: dt.date) -> peewee.Node | None:
    if view == "all":
        return None
    if view == "mine":
        return Measure.owner == user.id
    if view == "overdue":
        return Measure.status.in_(ACTIVE_STATUSES) & (Measure.due_date < today)
    if view == "awaiting_check":
        return Measure.status == "implemented"
    raise ValidationError({"view": _("Onbekende selectie {name}.").format(name=view)})


def list_measures(user: User, view: str = "all", today: dt.date | None = None) -> list[MeasureRow]:
    """The register as ``user`` may see it: everything for managers, their own measures for others.

    Overdue and awaiting-check measures come first, then by due date.
    """
    today = today or dt.date.today()
    query = (Measure.select(Measure, User).join(User, on=(Measure.owner == User.id))
             .order_by(Measure.due_date, Measure.id))
    condition = view_condition(view, user, today)
    if condition is not None:
        query = query.where(condition)
    if not permissions.is_manager(user):
        query = query.where(Measure.owner == user.id)
    measures = list(query)
    complaints = _linked_to([m.id for m in measures])

    def row(m: Measure) -> MeasureRow:
        mine = complaints.get(m.id, [])
        readable = permissions.can_read_measure(user, m, mine)
        if not readable:
            _withhold(m)
        numbers = tuple(c.number for c in mine if permissions.can_see(user, c))
        return MeasureRow(m, m.owner.full_name, numbers, is_overdue(m, today), readable, len(mine) - len(numbers))

    def urgency(m: Measure) -> int:
        return 0 if is_overdue(m, today) else 1 if m.status == "implemented" else 2

    return sorted((row(m) for m in measures), key=lambda row: urgency(row.measure))


def _linked_to(measure_ids: list[int]) -> dict[int, list[Complaint]]:
    """The complaints each measure was set up for, with what permissions.can_see needs, by number."""
    found: dict[int, list[Complaint]] = {}
    if measure_ids:
        for link in (MeasureComplaint.select(MeasureComplaint.measure, Complaint.id, Complaint.number,
                                             Complaint.confidential, Complaint.received_by, Complaint.assigned_to)
                     .join(Complaint).where(MeasureComplaint.measure.in_(measure_ids)).order_by(Complaint.number)):
            found.setdefault(link.measure_id, []).append(link.complaint)
    return found


def linked(measure_id: int) -> list[Complaint]:
    """The complaints one measure was set up for (permissions.can_read_measure asks about them)."""
    return _linked_to([measure_id]).get(measure_id, [])


def _withhold(measure: Measure) -> None:
    """Blank what a measure says in the instance itself, so no screen can show it to who may not read it."""
    measure.title = _("Maatregel bij een vertrouwelijke klacht")
    measure.description = measure.check_method = measure.check_conclusion = ""


def readable_by(user: User) -> peewee.Node:
    """The measures ``user`` may read, in SQL (the same rule as permissions.can_read_measure): their own, and
    those whose every linked complaint they may see."""
    unseen = (MeasureComplaint.select(MeasureComplaint.id)
              .where((MeasureComplaint.measure == Measure.id)
                     & MeasureComplaint.complaint.not_in(visible_to(Complaint.select(Complaint.id), user))))
    return (Measure.owner == user.id) | ~peewee.fn.EXISTS(unseen)


def view_counts(user: User, today: dt.date | None = None) -> dict[str, int]:
    """How many measures each view shows, for the labels of the filter buttons."""
    today = today or dt.date.today()
    return {view: len(list_measures(user, view, today)) for view in VIEWS}


def get_measure(user: User, measure_id: int) -> Measure:
    measure = Measure.get_or_none(Measure.id == measure_id)
    if measure is None:
        raise NotFoundError(_("Deze verbetermaatregel bestaat niet (meer)."))
    permissions.require_read_measure(user, measure, linked(measure.id))
    return measure


def complaint_ids_for_numbers(text: str, user: User) -> list[int]:
    """Complaint ids for numbers typed as "K2026-0042, K2026-0043"; a clear message for unknown ones."""
    numbers = [n.strip().upper() for n in re.split(r"[\s,;]+", text or "") if n.strip()]
    if not numbers:
        return []
    found = dict(Complaint.select(Complaint.number, Complaint.id).where(Complaint.number.in_(numbers)).tuples())
    missing = [n for n in numbers if n not in found]
    if missing:
        raise ValidationError({"complaints": _("Onbekend klachtnummer: {numbers}.").format(numbers=", ".join(missing))})
    for number in numbers:
        permissions.require_see(user, Complaint.get_by_id(found[number]))
    return list(dict.fromkeys(found[n] for n in numbers))


def active_owners() -> list[User]:
    """Who can own a measure: every active colleague, by name."""
    return list(User.select().where(User.active == True).order_by(User.full_name))  # noqa: E712


def update(user: User, measure: Measure, fields: dict[str, Any], operation_id: str | None = None) -> Measure:
    """Change the title, description, source, owner, due date or "team informed" of a measure.

    Refused with a ConflictError when someone saved the measure since ``measure`` was loaded.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    permissions.require_edit_measure(user, measure)
    permissions.require_read_measure(user, measure, linked(measure.id))
    values = dict(fields)
    errors = {}
    if "title" in values:
        values["title"] = str(values["title"]).strip()
        if not values["title"]:
            errors["title"] = _("Geef de maatregel een korte titel.")
    if "description" in values:
        values["description"] = str(values["description"]).strip()
    if "source" in values and values["source"] not in MEASURE_SOURCES:
        errors["source"] = _("Kies waar de maatregel uit voortkomt.")
    if "owner" in values:
        owner = values["owner"]
        owner_id = owner.id if isinstance(owner, User) else owner
        if not User.select().where((User.id == owner_id) & (User.active == True)).exists():  # noqa: E712
            errors["owner"] = _("De eigenaar moet een actieve medewerker zijn.")
        values["owner"] = owner_id
    if "due_date" in values and not isinstance(values["due_date"], dt.date):
        errors["due_date"] = _("Vul een streefdatum in.")
    if errors:
        raise ValidationError(errors)

    def body() -> Outcome:
        current = fresh(measure)
        stored = {name: getattr(current, name + "_id" if name == "owner" else name) for name in values}
        wanted = {name: value for name, value in values.items() if stored[name] != value}
        changes = update_versioned(current, current.version, wanted, touch=False) if wanted else {}
        return Outcome(current, changes)

    return copy_into(measure, perform(user, "measure_update", body, operation_id))


def complaint_numbers(complaint_ids: list[int]) -> list[str]:
    """The numbers of the given complaints, for prefilling a new measure from the inbox's selection."""
    if not complaint_ids:
        return []
    found = dict(Complaint.select(Complaint.id, Complaint.number).where(Complaint.id.in_(complaint_ids)).tuples())
    return [found[i] for i in complaint_ids if i in found]
