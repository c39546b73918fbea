"""Everything the dossier window shows about one complaint, read in one call.

The window loads this off the UI thread and draws it; after a save or a
change by someone else it simply loads it again. What the user may do
(edit, which steps, attach) is decided here too, by the same rules the
workflow enforces when the user actually tries. The facts themselves
(``gather``) are the same ones the archive dossier PDF is made from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import peewee

from klachtenbureau.errors import NotFoundError
from klachtenbureau.i18n import _, format_amount
from klachtenbureau.models import (
    AuditEntry, Category, Complaint, Document, Measure, MeasureComplaint, Relation, TimelineEntry, User,
)
from klachtenbureau.models.complaints import (
    ACK_METHODS, CHANNELS, CONTACT_METHODS, DIRECTIONS, ENTRY_KINDS, ESCALATION_LEVELS, INVOLVED_PARTIES, KINDS,
    REMEDIES, SATISFACTION, SEVERITIES, STATUSES, VERDICTS, WAITING, WAITING_COMPLAINANT,
)
from klachtenbureau.models.measures import MEASURE_STATUSES
from klachtenbureau.models.people import RELATION_TYPES
from klachtenbureau.reports.dossier_facts import (
    AuditLine, DocumentInfo, DossierFacts, MeasureLine, Pairs, TimelineLine, day, moment,
)
from klachtenbureau.workflow import admin, audit_text, deadlines, permissions, procedure, relations, settings
from klachtenbureau.workflow.personal_data import privacy
from klachtenbureau.workflow.db_errors import typed_errors
from klachtenbureau.workflow.workdays import WorkCalendar

Handler = User.alias("handler")
Receiver = User.alias("receiver")


@dataclasses.dataclass
class Dossier:
    complaint: Complaint  # with category, relation, assigned_to and received_by loaded
    facts: DossierFacts  # what the window shows and the archive PDF prints
    earlier: list[Complaint]  # the complainant's other complaints the user may see
    similar: list[Complaint]  # same category, shared words, a year either side (relations.similar_complaints)
    actions: list[str]  # procedure steps allowed now, for this user
    can_edit: bool
    can_change_confidential: bool
    can_attach: bool
    can_add_contact: bool
    handlers: list[User]  # who the complaint can be assigned (or escalated) to
    calendar: WorkCalendar  # for the working days left: read here, not while the window draws

    @property
    def documents(self) -> list[DocumentInfo]:
        return self.facts.documents


def _complaint(user: User, complaint_id: int) -> Complaint:
    complaint = (Complaint.select(Complaint, Category, Relation, Handler, Receiver)
                 .join(Category).switch(Complaint)
                 .join(Relation, peewee.JOIN.LEFT_OUTER).switch(Complaint)
                 .join(Handler, peewee.JOIN.LEFT_OUTER, on=(Complaint.assigned_to == Handler.id)).switch(Complaint)
                 .join(Receiver, on=(Complaint.received_by == Receiver.id))
                 .where(Complaint.id == complaint_id).first())
    if complaint is None:
        raise NotFoundError(_("Deze klacht bestaat niet (meer)."))
    permissions.require_see(user, complaint)
    return complaint


@typed_errors
def load(user: User, complaint_id: int) -> Dossier:
    """The dossier of ``complaint_id`` as ``user`` may see it (PermissionDeniedError otherwise)."""
    complaint = _complaint(user, complaint_id)
    earlier = relations.earlier_complaints(complaint.relation_id, user, exclude=complaint.id) \
        if complaint.relation_id else []
    actions = procedure.allowed_actions(complaint, user)
    handlers = assignable_users() if {"assign", "escalate"} & set(actions) else []
    similar = relations.similar_complaints(complaint, user, limit=5)
    for other in similar:
        other.category = complaint.category  # the same one, already read: the window draws without asking
    return Dossier(
        complaint=complaint, facts=gather(complaint), earlier=earlier, similar=similar, actions=actions,
        can_edit=permissions.can_edit_registration(user, complaint),
        can_change_confidential=permissions.can_change_confidential(user),
        can_attach=permissions.can_add_to(user, complaint), can_add_contact=permissions.can_add_to(user, complaint),
        handlers=handlers, calendar=settings.calendar())


def archive(user: User, complaint_id: int) -> tuple[DossierFacts, list[bytes]]:
    """The facts of the archive dossier and the content of every document, in the order of ``facts.documents``."""
    facts = gather(_complaint(user, complaint_id))
    content = dict(Document.select(Document.id, Document.content).where(Document.complaint == complaint_id).tuples())
    return facts, [bytes(content[d.id]) for d in facts.documents]


def gather(complaint: Complaint) -> DossierFacts:
    """Everything about ``complaint`` in Dutch words, its lists in the order they happened.

    ``complaint`` comes with its category, relation, handler and receiver loaded (as ``load`` reads it).
    """
    c = complaint
    relation = c.relation if c.relation_id else None
    names = _names()
    timeline = (TimelineEntry.select(TimelineEntry, User).join(User, peewee.JOIN.LEFT_OUTER)
                .where(TimelineEntry.complaint == c.id).order_by(TimelineEntry.at, TimelineEntry.id))
    documents = (Document.select(Document.id, Document.kind, Document.name, Document.mime_type, Document.size,
                                 Document.sha256, Document.created_at, Document.created_by, User)
                 .join(User, peewee.JOIN.LEFT_OUTER, on=(Document.created_by == User.id))
                 .where(Document.complaint == c.id).order_by(Document.created_at, Document.id))
    measures = (Measure.select(Measure, User).join(User, on=(Measure.owner == User.id)).switch(Measure)
                .join(MeasureComplaint).where(MeasureComplaint.complaint == c.id)
                .order_by(Measure.due_date, Measure.id))
    history = (AuditEntry.select().where(AuditEntry.complaint_id == c.id).order_by(AuditEntry.at, AuditEntry.id))
    return DossierFacts(
        number=c.number, confidential=c.confidential, anonymous=relation is None,
        summary=_present([(_("Status"), _(STATUSES[c.status])), (_("Vertrouwelijk"), _yes_no(c.confidential)),
                          (_("Bewaartermijn"), _retention(c))]),
        registration=_registration(c),
        complainant=_present([
            (_("Naam"), relation.name), (_("T.a.v."), relation.attention),
            (_("Soort relatie"), _label(RELATION_TYPES, relation.relation_type)),
            (_("Adres"), ", ".join(filter(None, [relation.street, f"{relation.postcode} {relation.city}".strip(),
                                                 relation.country]))),
            (_("Telefoon"), relation.phone), (_("E-mail"), relation.email),
        ]) if relation else [],
        description=c.description, desired_outcome=c.desired_outcome,
        circumstances=_present([
            (_("Datum van het voorval"), day(c.incident_date)),
            (_("Betrokken partij"), _label(INVOLVED_PARTIES, c.involved_party)),
            (_("Betrokken personen"), c.people_involved),
        ]),
        findings=_present([(_("Vastgestelde feiten"), c.findings_facts), (_("Omstandigheden"), c.findings_circumstances),
                           (_("Mogelijke oorzaken"), c.findings_causes), (_("Nadeel of schade"), c.findings_damage)]),
        outcome=_outcome(c), answer=c.answer,
        measures=[MeasureLine(m.title, m.description, m.owner.full_name, day(m.due_date),
                              _label(MEASURE_STATUSES, m.status),
                              "; ".join(filter(None, [m.check_method, m.check_conclusion]))) for m in measures],
        timeline=[_timeline_line(e) for e in timeline],
        documents=[DocumentInfo(d.id, d.kind, d.name, d.mime_type, d.size, d.created_at,
                                d.created_by.full_name if d.created_by_id else "", d.sha256,
                                _label(audit_text.DOCUMENT_KINDS, d.kind)) for d in documents],
        history=[AuditLine(moment(a.at), names.get(a.user_login, a.user_login), privacy.action_label(a.action),
                           audit_text.describe(a.action, a.changes, names)) for a in history],
    )


def _present(pairs: Pairs) -> Pairs:
    """Only what was recorded: a dossier leaves out what it cannot say, rather than printing dashes."""
    return [(label, str(value).strip()) for label, value in pairs if value not in (None, "") and str(value).strip()]


def _yes_no(value: bool) -> str:
    return _("Ja") if value else _("Nee")


def _label(labels: dict, code: object) -> str:
    return _(labels[code]) if code in labels else str(code or "")


def _retention(c: Complaint) -> str:
    years = int(settings.get("retention_years"))
    if c.closed_at is None:
        return _("{n} jaar na afsluiting (de klacht is nog niet afgesloten)").format(n=years)
    closed = c.closed_at.date()
    try:
        until = closed.replace(year=closed.year + years)
    except ValueError:  # 29 February
        until = closed.replace(year=closed.year + years, day=28)
    return _("tot ten minste {date} ({n} jaar na afsluiting)").format(date=day(until), n=years)


def _registration(c: Complaint) -> Pairs:
    profile = deadlines.PROFILES.get(c.deadline_profile)
    acknowledged = moment(c.acknowledged_at)
    if acknowledged and c.acknowledgement_method in ACK_METHODS:
        acknowledged += f" ({_(ACK_METHODS[c.acknowledgement_method]).lower()})"
    return _present([
        (_("Nummer"), c.number),
        (_("Soort"), _label(KINDS, c.kind)),
        (_("Binnengekomen via"), _label(CHANNELS, c.channel)),
        (_("Ontvangen op"), moment(c.received_at)),
        (_("Geregistreerd door"), c.received_by.full_name),
        (_("Categorie"), c.category.name),
        (_("Ernst"), _label(SEVERITIES, c.severity)),
        (_("Complex of gevoelig"), _yes_no(c.complex_sensitive)),
        (_("Geadviseerd aangifte te doen"), _yes_no(c.police_report_advised)),
        (_("Naar de klachtencommissie"), _yes_no(c.advisory_committee)),
        (_("Termijnprofiel"), _(profile.label) if profile else c.deadline_profile),
        (_("Ontvangst bevestigen uiterlijk"), day(c.acknowledge_by)),
        (_("Ontvangst bevestigd"), acknowledged),
        (_("Antwoord uiterlijk"), day(c.answer_by) + (" " + _("(voorlopig: de termijn staat stil)")
                                                      if c.waiting_for == WAITING_COMPLAINANT else "")),
        (_("Wacht op"), _waiting(c)),
        (_("Nazorg uiterlijk"), day(c.aftercare_by)),
        (_("Aantal verlengingen"), str(c.extension_count)),
        (_("Behandelaar"), c.assigned_to.full_name if c.assigned_to_id else ""),
        (_("Direct afgehandeld bij de melding"), _yes_no(c.resolved_at_intake)),
    ])


def _waiting(c: Complaint) -> str:
    if c.waiting_for not in WAITING:
        return ""
    who = _("de klager") if c.waiting_for == WAITING_COMPLAINANT else _("een derde")
    text = _("{who} sinds {since}, verwacht uiterlijk {until}: {reason}").format(
        who=who, since=day(c.waiting_since), until=day(c.waiting_until), reason=c.waiting_reason)
    if c.waiting_for == WAITING_COMPLAINANT:
        text += " " + _("(nog {n} werkdagen na de reactie)").format(n=c.answer_days_left or 0)
    return text


def _outcome(c: Complaint) -> Pairs:
    def with_moment(label: str, when: dt.datetime | None) -> str:
        return " ".join(filter(None, [label, moment(when)]))

    return _present([
        (_("Oordeel"), _label(VERDICTS, c.verdict)),
        (_("Motivering oordeel"), c.verdict_motivation),
        (_("Herstel"), ", ".join(_label(REMEDIES, code) for code in c.remedy_codes)),
        (_("Schadeloosstelling"), format_amount(c.compensation_amount)),
        (_("Toelichting herstel"), c.remedy_note),
        (_("Beantwoord op"), moment(c.answered_at)),
        (_("Geëscaleerd naar"), with_moment(_label(ESCALATION_LEVELS, c.escalation_level), c.escalated_at)),
        (_("Reden escalatie"), c.escalation_reason),
        (_("Nazorg"), with_moment(_label(SATISFACTION, c.satisfaction), c.aftercare_at)),
        (_("Afgesloten op"), moment(c.closed_at)),
        (_("Toelichting afsluiting"), c.closure_note),
    ])


def _timeline_line(e: TimelineEntry) -> TimelineLine:
    kind = _label(ENTRY_KINDS, e.kind)
    method = _label(CONTACT_METHODS, e.method).lower() if e.method else ""
    detail = ", ".join(filter(None, [method if method != kind.lower() else "",
                                     _label(DIRECTIONS, e.direction).lower() if e.direction else ""]))
    return TimelineLine(moment(e.at), e.user.full_name if e.user_id else "", kind, detail, e.summary)


def _names() -> dict[Any, str]:
    names: dict[Any, str] = {}
    for user_id, login, full_name in User.select(User.id, User.login, User.full_name).tuples():
        names[user_id] = names[login] = full_name
    for category_id, name in Category.select(Category.id, Category.name).tuples():
        names[("category", category_id)] = name
    return names


def assignable_users() -> list[User]:
    """Active staff a complaint can be handed to, by name."""
    return [u for u in admin.sign_in_users() if permissions.can_be_assigned(u)]


def document(user: User, document_id: int) -> Document:
    """One attachment with its content, if the user may see its complaint."""
    found = Document.get_or_none(Document.id == document_id)
    if found is None:
        raise NotFoundError(_("Deze bijlage bestaat niet (meer)."))
    permissions.require_see(user, Complaint.get_by_id(found.complaint_id))
    return found


@typed_errors
def stamp(complaint_id: int) -> tuple[int, int] | None:
    """(version, last audit id) of a complaint: changes whenever anyone changes anything in its dossier."""
    version = Complaint.select(Complaint.version).where(Complaint.id == complaint_id).scalar()
    if version is None:
        return None
    last = AuditEntry.select(peewee.fn.MAX(AuditEntry.id)).where(AuditEntry.complaint_id == complaint_id).scalar()
    return version, last or 0


@typed_errors
def last_change(complaint_id: int) -> tuple[str, dt.datetime] | None:
    """Who last changed the complaint's dossier, and when: told to a user whose save was refused."""
    entry = (AuditEntry.select().where(AuditEntry.complaint_id == complaint_id)
             .order_by(AuditEntry.id.desc()).first())
    if entry is None:
        return None
    user = User.get_or_none(User.login == entry.user_login)
    return (user.full_name if user else entry.user_login), entry.at
