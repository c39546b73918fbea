"""Registering a report (melding): seed 000 steps 1–4, seed 003 Bijlage 2.

The same function serves the telephonist's wizard, the import of website
forms and the demo data, so every complaint gets the same validation,
numbering, deadlines, timeline and audit entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import AuditEntry, Category, Complaint, Relation, TimelineEntry, User, now
from klachtenbureau.models.complaints import (
    ACK_METHODS, ACKNOWLEDGED, CHANNELS, CLOSED, COMPLAINT, IN_PROGRESS, INVOLVED_PARTIES, KINDS, NEW,
    SEVERITIES,
)
from klachtenbureau.models.people import RELATION_TYPES, split_attention
from klachtenbureau.workflow import deadlines, settings
from klachtenbureau.workflow.numbering import next_number
from klachtenbureau.workflow.operations import Outcome, perform
from klachtenbureau.workflow.validation import (
    incident_date_problem, normalize_country, receipt_age_problem, validate_fields,
)

_ATTENTION_PREFIX = re.compile(r"^t\.?\s?a\.?\s?v\b\.?:?\s*", re.IGNORECASE)
RELATION_FIELDS = ("name", "attention", "street", "postcode", "city", "country", "phone", "email", "relation_type",
                   "salutation")


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


def validate_relation(data: dict[str, str]) -> dict[str, str]:
    """Normalised relation fields; raises with every problem at once.

    A foreign address keeps its postcode as typed; a contact person typed into the name after "t.a.v." moves to
    ``attention``; the salutation is stored without the comma the letter puts after it.
    """
    fields = {k: data.get(k, "") or "" for k in RELATION_FIELDS}
    country = normalize_country(str(fields["country"]))
    foreign_postcode = " ".join(str(fields.pop("postcode")).split()) if country else None
    clean = validate_fields(fields, {"name": _("de naam")})
    if foreign_postcode is not None:
        clean["postcode"] = foreign_postcode
    clean["country"] = country
    if not clean["attention"]:
        clean["name"], clean["attention"] = split_attention(clean["name"])
    clean["attention"] = _ATTENTION_PREFIX.sub("", clean["attention"])  # the letter puts "t.a.v." before it
    clean["salutation"] = clean["salutation"].rstrip(" ,")
    errors = {}
    if not clean["relation_type"]:
        clean["relation_type"] = "participant"
    if clean["relation_type"] not in RELATION_TYPES:
        errors["relation_type"] = _("Kies een soort relatie uit de lijst.")
    if not (clean["phone"] or clean["email"] or (clean["street"] and clean["city"])):
        errors["phone"] = _("Vul een telefoonnummer, e-mailadres of adres in, zodat de klager antwoord kan krijgen.")
    if errors:
        raise ValidationError(errors)
    return clean


def resolve_category(value: str | int | None) -> Category:
    if value is None or value == "":
        value = "Overig"
    query = Category.select().where(Category.active == True)  # noqa: E712
    if isinstance(value, int):
        category = query.where(Category.id == value).first()
    else:
        category = query.where(Category.name == value.strip()).first()
    if category is None:
        raise ValidationError({"category": _("Onbekende categorie: {name}.").format(name=value)})
    return category


def validate_report(report: NewReport) -> tuple[dict[str, str] | None, Category]:
    """Check a report before anything is written: (new relation fields or None, category)."""
    errors: dict[str, str] = {}
    relation = None
    if not report.description.strip():
        errors["description"] = _("Beschrijf de klacht of de vraag.")
    if report.kind not in KINDS:
        errors["kind"] = _("Kies klacht of navraag.")
    if report.channel not in CHANNELS:
        errors["channel"] = _("Kies hoe de melding binnenkwam.")
    if report.severity not in SEVERITIES:
        errors["severity"] = _("Kies de ernst uit de lijst.")
    if report.involved_party not in INVOLVED_PARTIES:
        errors["involved_party"] = _("Kies wie erbij betrokken is uit de lijst.")
    if report.acknowledgement_method and report.acknowledgement_method not in ACK_METHODS:
        errors["acknowledgement_method"] = _("Kies brief, e-mail of telefoon.")
    if report.acknowledgement_to_send and report.acknowledgement_to_send not in ACK_METHODS:
        errors["acknowledgement_to_send"] = _("Kies brief, e-mail of telefoon.")
    moment = now()
    received = report.received_at or moment
    if received > moment + dt.timedelta(minutes=5):
        errors["received_at"] = _("De ontvangstdatum ligt in de toekomst.")
    elif problem := receipt_age_problem(received.date(), moment.date()):
        errors["received_at"] = problem
    if report.incident_date and report.incident_date > moment.date():
        errors["incident_date"] = _("De datum van het voorval ligt in de toekomst.")
    elif report.incident_date and (problem := incident_date_problem(report.incident_date, received.date())):
        errors["incident_date"] = problem
    if report.resolved_now:
        if not report.resolution.strip():
            errors["resolution"] = _("Noteer hoe de melding direct is opgelost.")
        if report.kind == COMPLAINT and not report.complainant_agrees:
            errors["complainant_agrees"] = _("Een klacht is pas direct opgelost als de klager daarmee instemt.")
    if not report.anonymous:
        if report.relation_id is not None:
            if not Relation.select().where(Relation.id == report.relation_id).exists():
                errors["relation"] = _("Deze relatie bestaat niet meer.")
        elif report.relation is None:
            errors["name"] = _("Zoek de klager op, vul een nieuwe klager in of kies anoniem.")
        else:
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
    if errors:
        raise ValidationError(errors)
    return relation, category


def register(user: User, report: NewReport, operation_id: str | None = None, number: str | None = None) -> Complaint:
    """Register a complaint or inquiry with its number, deadlines and first timeline entries.

    ``number`` is only for a registration found missing and applied again (``ledger``): it keeps the number the
    caller was told if nobody else holds it now.
    """
    relation_fields, category = validate_report(report)
    received_at = (report.received_at or now()).replace(microsecond=0)
    profile = settings.deadline_profile()
    calendar = settings.calendar()

    def body() -> Outcome:
        relation_id = None if report.anonymous else report.relation_id
        if relation_fields is not None and not report.anonymous:
            relation_id = Relation.create(**relation_fields).id
        moment = now()
        status = NEW
        fields = dict(
            number=next_number(received_at.year, wanted=number),
            kind=report.kind,
            channel=report.channel,
            received_at=received_at,
            received_by=user.id,
            relation=relation_id,
            anonymous=report.anonymous,
            category=category.id,
            description=report.description.strip(),
            desired_outcome=report.desired_outcome.strip(),
            incident_date=report.incident_date,
            involved_party=report.involved_party,
            people_involved=report.people_involved.strip(),
            severity=report.severity,
            complex_sensitive=report.complex_sensitive,
            confidential=report.confidential,
            police_report_advised=report.police_report_advised,
            deadline_profile=profile.code,
            advisory_committee=report.advisory_committee,
            acknowledge_by=deadlines.acknowledge_by(received_at.date(), profile, calendar),
            answer_by=deadlines.answer_by(received_at.date(), profile, calendar, report.advisory_committee),
        )
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
            fields["assigned_to"] = report.assign_to
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
        return Outcome(complaint, {**fields, "status": status}, complaint.id)

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
