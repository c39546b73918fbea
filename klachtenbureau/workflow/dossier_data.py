"""Everything the dossier window shows about one complaint, read in one call.

The window loads this off the UI thread and draws it; after a save or a
change by someone else it simply loads it again. What the user may do
(edit, which steps, attach) is decided here too, by the same rules the
workflow enforces when the user actually tries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import peewee

from klachtenbureau.errors import NotFoundError
from klachtenbureau.i18n import _
from klachtenbureau.models import (
    AuditEntry, Category, Complaint, Document, Measure, MeasureComplaint, Relation, TimelineEntry, User,
)
from klachtenbureau.workflow import editing, permissions, procedure, relations

Handler = User.alias("handler")
Receiver = User.alias("receiver")


@dataclasses.dataclass(frozen=True)
class DocumentInfo:
    """A stored attachment without its content (that is fetched only when opened)."""

    id: int
    kind: str
    name: str
    mime_type: str
    size: int
    created_at: dt.datetime
    created_by: str


@dataclasses.dataclass
class Dossier:
    complaint: Complaint  # with category, relation, assigned_to and received_by loaded
    timeline: list[TimelineEntry]
    documents: list[DocumentInfo]
    measures: list[Measure]
    history: list[AuditEntry]
    earlier: list[Complaint]  # the complainant's other complaints the user may see
    similar: list[Complaint]  # same category, shared words, last year (seed 002)
    actions: list[str]  # procedure steps allowed now, for this user
    can_edit: bool
    can_change_confidential: bool
    can_attach: bool
    can_add_contact: bool
    handlers: list[User]  # who the complaint can be assigned to
    names: dict[Any, str]  # staff by id and by login, categories by ("category", id): to read the history


def load(user: User, complaint_id: int) -> Dossier:
    """The dossier of ``complaint_id`` as ``user`` may see it (PermissionDeniedError otherwise)."""
    complaint = (Complaint.select(Complaint, Category, Relation, Handler, Receiver)
                 .join(Category).switch(Complaint)
                 .join(Relation, peewee.JOIN.LEFT_OUTER).switch(Complaint)
                 .join(Handler, peewee.JOIN.LEFT_OUTER, on=(Complaint.assigned_to == Handler.id)).switch(Complaint)
                 .join(Receiver, on=(Complaint.received_by == Receiver.id))
                 .where(Complaint.id == complaint_id).first())
    if complaint is None:
        raise NotFoundError(_("Deze klacht bestaat niet (meer)."))
    permissions.require_see(user, complaint)
    timeline = list(TimelineEntry.select(TimelineEntry, User).join(User, peewee.JOIN.LEFT_OUTER)
                    .where(TimelineEntry.complaint == complaint_id).order_by(TimelineEntry.at, TimelineEntry.id))
    documents = [DocumentInfo(d.id, d.kind, d.name, d.mime_type, d.size, d.created_at,
                              d.created_by.full_name if d.created_by_id else "")
                 for d in (Document.select(Document.id, Document.kind, Document.name, Document.mime_type,
                                           Document.size, Document.created_at, Document.created_by, User)
                           .join(User, peewee.JOIN.LEFT_OUTER, on=(Document.created_by == User.id))
                           .where(Document.complaint == complaint_id).order_by(Document.created_at, Document.id))]
    measures = list(Measure.select(Measure, User).join(User, on=(Measure.owner == User.id)).switch(Measure)
                    .join(MeasureComplaint).where(MeasureComplaint.complaint == complaint_id)
                    .order_by(Measure.due_date))
    history = list(AuditEntry.select().where(AuditEntry.complaint_id == complaint_id)
                   .order_by(AuditEntry.at, AuditEntry.id))
    earlier = relations.earlier_complaints(complaint.relation_id, user, exclude=complaint.id) \
        if complaint.relation_id else []
    actions = procedure.allowed_actions(complaint, user)
    handlers = assignable_users() if "assign" in actions else []
    return Dossier(
        complaint=complaint, timeline=timeline, documents=documents, measures=measures, history=history,
        earlier=earlier, similar=relations.similar_complaints(complaint, user, limit=5), actions=actions,
        can_edit=editing.can_edit_registration(user, complaint),
        can_change_confidential=editing.can_change_confidential(user),
        can_attach=editing.can_attach(user, complaint),
        can_add_contact=permissions.can_handle(user, complaint) or user.id == complaint.received_by_id,
        handlers=handlers, names=_names())


def _names() -> dict[Any, str]:
    names: dict[Any, str] = {}
    for user_id, login, full_name in User.select(User.id, User.login, User.full_name).tuples():
        names[user_id] = names[login] = full_name
    for category_id, name in Category.select(Category.id, Category.name).tuples():
        names[("category", category_id)] = name
    return names


def assignable_users() -> list[User]:
    """Active staff a complaint can be handed to (permissions.HANDLER_ROLES), by name."""
    return list(User.select().where((User.active == True) & User.role.in_(permissions.HANDLER_ROLES))  # noqa: E712
                .order_by(User.full_name))


def document(user: User, document_id: int) -> Document:
    """One attachment with its content, if the user may see its complaint."""
    found = Document.get_or_none(Document.id == document_id)
    if found is None:
        raise NotFoundError(_("Deze bijlage bestaat niet (meer)."))
    permissions.require_see(user, Complaint.get_by_id(found.complaint_id))
    return found


def stamp(complaint_id: int) -> tuple[int, int] | None:
    """(version, last audit id) of a complaint: changes whenever anyone changes anything in its dossier."""
    version = Complaint.select(Complaint.version).where(Complaint.id == complaint_id).scalar()
    if version is None:
        return None
    last = AuditEntry.select(peewee.fn.MAX(AuditEntry.id)).where(AuditEntry.complaint_id == complaint_id).scalar()
    return version, last or 0


def last_change(complaint_id: int) -> tuple[str, dt.datetime] | None:
    """Who last changed the complaint's dossier, and when: told to a user whose save was refused."""
    entry = (AuditEntry.select().where(AuditEntry.complaint_id == complaint_id)
             .order_by(AuditEntry.id.desc()).first())
    if entry is None:
        return None
    user = User.get_or_none(User.login == entry.user_login)
    return (user.full_name if user else entry.user_login), entry.at
