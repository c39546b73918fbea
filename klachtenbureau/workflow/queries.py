"""Reading complaints back: one complaint by number, lists with filters, plain dicts for JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee

from klachtenbureau.errors import NotFoundError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Category, Complaint, Relation, TimelineEntry, User
from klachtenbureau.models.complaints import CLOSED, OPEN_STATUSES, STATUSES, WAITING_COMPLAINANT
from klachtenbureau.workflow import permissions

Handler = User.alias("handler")


def get_complaint(number: str, user: User | None = None) -> Complaint:
    complaint = Complaint.get_or_none(Complaint.number == number.strip().upper())
    if complaint is None:
        raise NotFoundError(_("Klacht {number} bestaat niet.").format(number=number.strip()))
    if user is not None:
        permissions.require_see(user, complaint)
    return complaint


def visibility(user: User, on: type[peewee.Model] = Complaint) -> peewee.Node | None:
    """The condition on ``on`` that keeps what ``user`` may see (same rules as permissions.can_see); None when they
    see everything. ``on``: a model with Complaint's ``received_by``, ``assigned_to`` and ``confidential``
    (models/tally.py, models/day_tally.py)."""
    involved = (on.received_by == user.id) | (on.assigned_to == user.id)
    if not user.active:
        return peewee.SQL("1 = 0")
    sees_confidential, sees_ordinary = permissions.sees_all_confidential(user), permissions.sees_all_ordinary(user)
    if sees_confidential and sees_ordinary:
        return None
    if sees_confidential:
        return involved | (on.confidential == True)  # noqa: E712
    if sees_ordinary:
        # "involved OR not confidential", written as NOT(...): SQLite would otherwise answer the OR by
        # a union over three indexes, the confidential one matching nearly every row (5x slower on 100k).
        return ~((on.confidential == True) & ~involved)  # noqa: E712
    return involved


def visible_to(query: peewee.ModelSelect, user: User, on: type[peewee.Model] = Complaint) -> peewee.ModelSelect:
    """Restrict ``query`` over Complaint (or ``on``, see ``visibility``) to what ``user`` may see."""
    condition = visibility(user, on)
    return query if condition is None else query.where(condition)


def list_complaints(user: User | None = None, status: str | None = None, overdue: bool = False,
                    today: dt.date | None = None) -> peewee.ModelSelect:
    """Complaints with their category, complainant and handler, newest first."""
    today = today or dt.date.today()
    query = (Complaint.select(Complaint, Category, Relation, Handler)
             .join(Category).switch(Complaint)
             .join(Relation, peewee.JOIN.LEFT_OUTER).switch(Complaint)
             .join(Handler, peewee.JOIN.LEFT_OUTER, on=(Complaint.assigned_to == Handler.id))
             .order_by(Complaint.received_at.desc(), Complaint.id.desc()))
    if status == "open":
        query = query.where(Complaint.status.in_(OPEN_STATUSES))
    elif status:
        if status not in STATUSES:
            raise ValidationError({"status": _("Onbekende status {status}; kies uit: {choices}.").format(
                status=status, choices=", ".join(["open", *STATUSES]))})
        query = query.where(Complaint.status == status)
    if overdue:
        query = query.where(is_overdue(today))
    if user is not None:
        query = visible_to(query, user)
    return query


def is_overdue(today: dt.date) -> peewee.Expression:
    """Not yet answered after the answer date, or not acknowledged after the acknowledgement date.

    While the office waits for the complainant the answer clock stands still: never late for its answer.
    """
    unanswered = Complaint.answered_at.is_null() & (Complaint.status != CLOSED)
    running = Complaint.waiting_for != WAITING_COMPLAINANT
    return unanswered & ((running & (Complaint.answer_by < today))
                         | (Complaint.acknowledged_at.is_null() & (Complaint.acknowledge_by < today)))


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def complaint_dict(complaint: Complaint, timeline: bool = True) -> dict[str, Any]:
    relation = complaint.relation
    data: dict[str, Any] = {
        "number": complaint.number,
        "kind": complaint.kind,
        "channel": complaint.channel,
        "category": complaint.category.name,
        "status": complaint.status,
        "received_at": _iso(complaint.received_at),
        "acknowledge_by": _iso(complaint.acknowledge_by),
        "acknowledged_at": _iso(complaint.acknowledged_at),
        "answer_by": _iso(complaint.answer_by),  # provisional while the clock stands still ("waiting_for")
        "waiting_for": complaint.waiting_for or None,
        "waiting_until": _iso(complaint.waiting_until),
        "answer_days_left": complaint.answer_days_left,
        "answered_at": _iso(complaint.answered_at),
        "aftercare_by": _iso(complaint.aftercare_by),
        "closed_at": _iso(complaint.closed_at),
        "assigned_to": complaint.assigned_to.login if complaint.assigned_to_id else None,
        "severity": complaint.severity,
        "confidential": complaint.confidential,
        "anonymous": complaint.anonymous,
        "description": complaint.description,
        "desired_outcome": complaint.desired_outcome,
        "verdict": complaint.verdict or None,
        "complainant": None if relation is None else {
            "name": relation.name, "attention": relation.attention, "email": relation.email, "phone": relation.phone,
            "street": relation.street, "postcode": relation.postcode, "city": relation.city,
            "country": relation.country,
            "relation_type": relation.relation_type,
        },
    }
    if timeline:
        entries = (TimelineEntry.select(TimelineEntry, User)
                   .join(User, peewee.JOIN.LEFT_OUTER)
                   .where(TimelineEntry.complaint == complaint.id)
                   .order_by(TimelineEntry.at, TimelineEntry.id))
        data["timeline"] = [{
            "at": _iso(e.at), "kind": e.kind, "method": e.method or None, "direction": e.direction or None,
            "user": e.user.login if e.user_id else None, "summary": e.summary,
            "status_from": e.status_from or None, "status_to": e.status_to or None,
        } for e in entries]
    return data
