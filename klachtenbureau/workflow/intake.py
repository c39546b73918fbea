"""Registering a report (melding): seed 000 steps 1–4, seed 003 Bijlage 2.

The same function serves the telephonist's wizard, the import of website
forms and the demo data, so every complaint gets the same validation,
numbering, deadlines, timeline and audit entry.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import AuditEntry, Category, Complaint, Document, Relation, TimelineEntry, User, now
from klachtenbureau.models.complaints import (
    ACK_METHODS, ACKNOWLEDGED, CHANNELS, CLOSED, COMPLAINT, IN_PROGRESS, KINDS, NEW,
)
from klachtenbureau.models.people import split_attention
from klachtenbureau.workflow import deadlines, report_fields, settings
from klachtenbureau.workflow.numbering import next_number
from klachtenbureau.workflow.operations import Outcome, perform
from klachtenbureau.workflow.report_fields import REGISTRATION_FIELDS, RELATION_FIELDS
from klachtenbureau.workflow.validation import incident_date_problem, receipt_age_problem

_ATTENTION_PREFIX = re.compile(r"^t\.?\s?a\.?\s?v\b\.?:?\s*", re.IGNORECASE)


@dataclasses.dataclass
class NewReport:
    """Everything the intake knows about a new report."""

    description: str = ""
    category: str | int | None = None  # name or id; default "Overig"
    kind: str = COMPLAINT
    channel: str = "phone"
    received_at: dt.datetime | None = None
    relation_id: int | None = None  # an existing relation
    relation: dict[str, str] | None = None  # or a new one (RELATION_FIELDS)
    anonymous: bool = False
    desired_outcome: str = ""
    incident_date: dt.date | None = None
    involved_party: str = ""
    people_involved: str = ""
    severity: int = 2
    complex_sensitive: bool = False
    confidential: bool = False
    police_report_advised: bool = False
    acknowledgement_method: str = ""  # 'phone' when the telephonist confirmed during the call
    acknowledgement_to_send: str = ""  # or 'letter' / 'email': how the acknowledgement is to be sent after it
    resolved_now: bool = False
    resolution: str = ""
    complainant_agrees: bool = False
    assign_to: int | None = None
    advisory_committee: bool = False
    # The e-mail it came in by, kept with the complaint: {"name", "mime_type", "content" (base64)}; base64 because
    # the write queue and this PC's ledger keep the report as JSON (workflow/mail/incoming.mail_document).
    mail: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON: what the write queue keeps, and the shape of the wizard's form."""
        return {name: value.isoformat() if isinstance(value, dt.date) else value
                for name, value in dataclasses.asdict(self).items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NewReport:
        """The report :meth:`to_json` wrote (earlier versions wrote the same shape); other keys are left out."""
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{name: report_fields.from_json(name, value) for name, value in data.items() if name in names})


def validate_relation(data: Mapping[str, Any]) -> dict[str, str]:
    """Normalised relation fields (``RELATION_FIELDS``); raises with every problem at once.

    A foreign address keeps its postcode as typed; a contact person typed into the name after "t.a.v." moves to
    ``attention``; the salutation is stored without the comma the letter puts after it.
    """
    clean, problems = report_fields.check(data, RELATION_FIELDS)
    if problems:
        raise ValidationError(problems)
    clean["relation_type"] = clean["relation_type"] or "participant"
    if not clean["attention"]:
        clean["name"], clean["attention"] = split_attention(clean["name"])
    clean["attention"] = _ATTENTION_PREFIX.sub("", clean["attention"])  # the letter puts "t.a.v." before it
    clean["salutation"] = clean["salutation"].rstrip(" ,")
    return clean


def resolve_category(value: str | int | None, keep: int | None = None) -> Category:
    """The active category named or numbered ``value`` ("Overig" when empty), or ``keep``: the one a complaint
    already has, which it may keep after the category was switched off."""
    if value is None or value == "":
        value = "Overig"
    query = Category.select().where((Category.active == True) | (Category.id == keep))  # noqa: E712
    if isinstance(value, int):
        category = query.where(Category.id == value).first()
    else:
        category = query.where(Category.name == value.strip()).first()
    if category is None:
        raise ValidationError({"category": _("Onbekende categorie: {name}. Kies een categorie uit de lijst.")
                               .format(name=value)})
    return category


def validate_report(report: NewReport) -> tuple[dict[str, Any], dict[str, str] | None, Category]:
    """Check a report before anything is written: (its fields tidied, new relation fields or None, category)."""
    tidy, errors = report_fields.check(dataclasses.asdict(report))
    relation = None
    moment = now()
    received = report.received_at or moment
    if received > moment + dt.timedelta(minutes=5):
        errors["received_at"] = _("De ontvangstdatum ligt in de toekomst.")
    elif problem := receipt_age_problem(received.date(), moment.date()):
        errors["received_at"] = problem
    if report.incident_date and (problem := incident_date_problem(report.incident_date, received.date(),
                                                                  moment.date())):
        errors["incident_date"] = problem
    if not report.anonymous and report.relation_id is not None:
        if not Relation.select().where(Relation.id == report.relation_id).exists():
            errors["relation_id"] = _("Deze relatie bestaat niet meer.")
    elif not report.anonymous and report.relation is not None:
        try:
            relation = validate_relation(report.relation)
        except ValidationError as exc:
            errors.update(exc.errors)
    if report.assign_to is not None and not User.select().where(
            (User.id == report.assign_to) & (User.active == True)).exists():  # noqa: E712
        errors["assign_to"] = _("Deze medewerker bestaat niet of is niet actief.")
    category = None
    try:
        category = resolve_category(report.category)
    except ValidationError as exc:
        errors.update(exc.errors)
    if report.mail is not None and (problem := _mail_problem(report.mail)):
        errors["mail"] = problem
    if errors:
        raise ValidationError(errors)
    return tidy, relation, category


MAX_MAIL_BYTES = 25 * 1024 * 1024  # as editing.MAX_DOCUMENT_BYTES


def _mail_problem(mail: Mapping[str, str]) -> str | None:
    try:
        size = len(base64.b64decode(mail["content"], validate=True))
    except (KeyError, TypeError, binascii.Error):
        return _("De bewaarde e-mail is beschadigd; sleep haar opnieuw op de melding.")
    if size > MAX_MAIL_BYTES:
        return _("De e-mail is te groot om te bewaren (meer dan {mb} MB).").format(mb=MAX_MAIL_BYTES // (1024 * 1024))
    return None


def register(user: User, report: NewReport, operation_id: str | None = None, number: str | None = None) -> Complaint:
    """Register a complaint or inquiry with its number, deadlines and first timeline entries.

    ``number`` is only for a registration found missing and applied again (``ledger``): it keeps the number the
    caller was told if nobody else holds it now.
    """
    tidy, relation_fields, category = validate_report(report)
    received_at = (report.received_at or now()).replace(microsecond=0)
    profile = settings.deadline_profile()
    calendar = settings.calendar()

    def body() -> Outcome:
        relation_id = None if report.anonymous else report.relation_id
        if relation_fields is not None and not report.anonymous:
            relation_id = Relation.create(**relation_fields).id
        moment = now()
        status = NEW
        fields = dict(number=next_number(received_at.year, wanted=number), kind=tidy["kind"], channel=tidy["channel"],
                      received_at=received_at, received_by=user.id, relation=relation_id, anonymous=report.anonymous,
                      category=category.id)
        fields.update({name: tidy[name] for name in REGISTRATION_FIELDS if name not in fields},
                      deadline_profile=profile.code, advisory_committee=report.advisory_committee,
                      acknowledge_by=deadlines.acknowledge_by(received_at.date(), profile, calendar),
                      answer_by=deadlines.answer_by(received_at.date(), profile, calendar, report.advisory_committee))
        entries = [(_("{kind} geregistreerd ({channel}) door {user}.").format(
            kind=_(KINDS[report.kind]), channel=_(CHANNELS[report.channel]).lower(), user=user.full_name), "", NEW)]
        if report.acknowledgement_method:
            fields.update(acknowledged_at=moment, acknowledgement_method=report.acknowledgement_method)
            status = ACKNOWLEDGED
            entries.append((_("Ontvangst bevestigd ({method}).").format(
                method=_(ACK_METHODS[report.acknowledgement_method]).lower()), NEW, ACKNOWLEDGED))
        elif report.acknowledgement_to_send:  # the method only: acknowledged once the letter or e-mail went out
            fields["acknowledgement_method"] = report.acknowledgement_to_send
        if report.assign_to is not None:
            fields.update(assigned_to=report.assign_to, assigned_at=moment)  # newly assigned: in their Mijn werk
            if status == ACKNOWLEDGED:
                status = IN_PROGRESS
            name = User.get_by_id(report.assign_to).full_name
            entries.append((_("Overgedragen aan {name}.").format(name=name), entries[-1][2], status))
        if report.resolved_now:
            fields.update(answer=report.resolution.strip(), answered_at=moment, closed_at=moment,
                          resolved_at_intake=True, closure_note=report.resolution.strip())
            if not fields.get("acknowledged_at"):
                fields.update(acknowledged_at=moment, acknowledgement_method="phone"
                              if report.channel == "phone" else "")
            entries.append((_("Direct afgehandeld: {how}").format(how=report.resolution.strip()), status, CLOSED))
            status = CLOSED
        if report.police_report_advised:
            entries.append((_("Geadviseerd aangifte te doen bij de politie."), "", ""))
        complaint = Complaint.create(status=status, **fields)
        for summary, before, after in entries:
            TimelineEntry.create(complaint=complaint, at=moment, user=user.id, kind="step",
                                 summary=summary, status_from=before, status_to=after)
        kept = {}
        if report.mail is not None:
            content = base64.b64decode(report.mail["content"])
            Document.create(complaint=complaint, kind="email", name=report.mail["name"][:255],
                            mime_type=report.mail.get("mime_type") or "message/rfc822", content=content,
                            size=len(content), sha256=hashlib.sha256(content).hexdigest(), created_by=user.id)
            kept["documents"] = 1  # a count: the name is the subject, which may name people
        return Outcome(complaint, {**fields, "status": status, **kept}, complaint.id)

    if operation_id is not None and _outlived(operation_id, user):
        operation_id = None  # made again under an id of its own
    return perform(user, "register", body, operation_id)


def _outlived(operation_id: str, user: User) -> bool:
    """The audit entry of registration ``operation_id`` is there but its complaint is not.

    On a shared file whose locks do not reach every PC another PC's row can take the place of a registration
    while its audit entry survives; replaying it by its operation id would then return that other complaint.
    """
    entry = AuditEntry.get_or_none((AuditEntry.operation_id == operation_id) & (AuditEntry.action == "register"))
    if entry is None:
        return False
    number = json.loads(entry.changes).get("number")
    return not Complaint.select().where((Complaint.id == entry.entity_id) & (Complaint.number == number)
                                        & (Complaint.received_by == user.id)).exists()
