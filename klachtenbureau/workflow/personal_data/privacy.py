"""Privacy: who looked at a confidential dossier, the audit viewer's query, a person's AVG rights.

Seed 003: complaints are registered confidentially and personal data is
handled with care. Opening a confidential dossier is written to the audit
log (and so is a refused attempt); the log can be read by the administrator,
the director and the quality officer. A person may ask for everything the
office holds about them (``person_export``) and to have it erased
(``erase_person``); both are logged. Erasure anonymises as retention does, so
the statistics stay the same, and reaches the same copies; its reason is kept
without the person's details.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import peewee

from klachtenbureau.errors import NotFoundError, ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models import AuditEntry, Complaint, Document, IncomingMail, Measure, Relation, User, now
from klachtenbureau.models.complaints import OPEN_STATUSES
from klachtenbureau.workflow import measures, permissions, queries
from klachtenbureau.workflow.offline import drafts
from klachtenbureau.workflow.personal_data import retention
from klachtenbureau.workflow.personal_data.scrub import Complainant, Scrubber
from klachtenbureau.workflow.db_errors import typed_errors
from klachtenbureau.workflow.numbering import PREFIX
from klachtenbureau.workflow.operations import Outcome, new_operation_id, perform
from klachtenbureau.workflow.validation import normalize_email

_NUMBER = re.compile(rf"\b{re.escape(PREFIX)}\d{{4}}-\d{{4,}}\b")  # a complaint number (workflow/numbering.py)

HISTORY_LIMIT = 1000

# Labels of the actions in the audit log; an action missing here is shown by its code.
ACTION_LABELS = {
    "register": N_("Geregistreerd"),
    "acknowledge": N_("Ontvangst bevestigd"),
    "assign": N_("Toegewezen"),
    "investigate": N_("Onderzoek vastgelegd"),
    "verdict": N_("Oordeel vastgelegd"),
    "remedy": N_("Herstel vastgelegd"),
    "propose_answer": N_("Antwoord voorgesteld"),
    "answer": N_("Beantwoord"),
    "extend": N_("Termijn verlengd"),
    "wait": N_("Wachten begonnen"),
    "resume": N_("Wachten beëindigd"),
    "escalate": N_("Geëscaleerd"),
    "aftercare": N_("Nazorg vastgelegd"),
    "close": N_("Afgesloten"),
    "reopen": N_("Heropend"),
    "contact": N_("Contactmoment vastgelegd"),
    "edit_registration": N_("Registratie gewijzigd"),
    "edit_relation": N_("Gegevens klager gewijzigd"),
    "merge_relations": N_("Klagers samengevoegd"),
    "attach": N_("Bijlage toegevoegd"),
    "letter": N_("Brief opgeslagen"),
    "mail_register": N_("E-mail geregistreerd als klacht"),
    "mail_add": N_("E-mail bij klacht gevoegd"),
    "mail_not_complaint": N_("E-mail afgehandeld: geen klacht"),
    "view": N_("Vertrouwelijk dossier bekeken"),
    "view_refused": N_("Toegang tot vertrouwelijk dossier geweigerd"),
    "export_person": N_("Persoonsgegevens geëxporteerd (AVG)"),
    "export": N_("Klachten geëxporteerd"),
    "erase_person": N_("Persoonsgegevens gewist (AVG)"),
    "retention": N_("Bewaartermijn: anonimisering uitgevoerd"),
    "anonymise": N_("Geanonimiseerd na de bewaartermijn"),
    "create_user": N_("Gebruiker aangemaakt"),
    "update_user": N_("Gebruiker gewijzigd"),
    "set_password": N_("Wachtwoord gewijzigd"),
    "sign_in": N_("Aangemeld"),
    "sign_in_failed": N_("Aanmelden mislukt"),
    "sign_in_locked": N_("Aanmelden geweigerd: te vaak een verkeerd wachtwoord"),
    "setting": N_("Instelling gewijzigd"),
    "add_category": N_("Categorie toegevoegd"),
    "change_category": N_("Categorie gewijzigd"),
    "measure_create": N_("Verbetermaatregel aangemaakt"),
    "measure_update": N_("Verbetermaatregel gewijzigd"),
    "measure_implement": N_("Verbetermaatregel ingevoerd"),
    "measure_check": N_("Verbetermaatregel getoetst"),
    "report_review_save": N_("Rapportage: conclusies en besluiten opgeslagen"),
    "work_seen": N_("Mijn werk: als gezien gemarkeerd"),
    "work_notified": N_("Mijn werk: herinnering gestuurd"),
    "write_reapplied": N_("Wachtende wijziging alsnog opgeslagen"),
    "reseal_audit": N_("Logboekketen opnieuw vastgelegd na herstel"),
}


def action_label(action: str) -> str:
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


# --- viewing ----------------------------------------------------------------------


def record_view(user: User, complaint: Complaint, operation_id: str | None = None) -> bool:
    """Log that ``user`` opens ``complaint``'s dossier; True when it was logged.

    A confidential dossier is always logged, and so is a refused attempt to
    open one (then PermissionDeniedError follows). Ordinary dossiers are not
    logged: every opening would be a write on the shared file.
    """
    allowed = permissions.can_see(user, complaint)
    if complaint.confidential:
        def body() -> Outcome:
            return Outcome(complaint, {"confidential": True}, complaint.id)

        perform(user, "view" if allowed else "view_refused", body, operation_id)
    permissions.require_see(user, complaint)
    return complaint.confidential


@typed_errors
def record_view_of(user: User, complaint_id: int) -> bool:
    """``record_view`` for the dossier window, which knows the complaint by id."""
    complaint = Complaint.get_or_none(Complaint.id == complaint_id)
    if complaint is None:
        raise NotFoundError(_("Deze klacht bestaat niet (meer)."))
    return record_view(user, complaint)


# --- the audit viewer ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AuditRow:
    """One line of the audit viewer."""

    at: dt.datetime
    login: str
    user_name: str
    action: str
    action_label: str
    entity: str
    entity_id: int | None
    complaint_number: str
    changes: dict[str, Any]


# Fields of the log's changes that hold a colleague's id: the viewer shows the name.
USER_FIELDS = ("assigned_to", "received_by", "owner", "checked_by")


def complaint_id_for_number(number: str) -> int:
    """The id of complaint ``number`` (for the viewer's filter); NotFoundError when there is none."""
    found = Complaint.select(Complaint.id).where(Complaint.number == number.strip().upper()).first()
    if found is None:
        raise NotFoundError(_("Klacht {number} bestaat niet.").format(number=number.strip()))
    return found.id


def audit_history(user: User, complaint_id: int | None = None, login: str | None = None,
                  since: dt.datetime | None = None, until: dt.datetime | None = None,
                  limit: int = HISTORY_LIMIT) -> list[AuditRow]:
    """Who saw or changed what, when: newest first, at most ``limit`` lines.

    Entries about a confidential complaint are only shown to whoever may see that complaint.
    """
    permissions.require_audit(user)
    Actor = User.alias("actor")
    query = (AuditEntry.select(AuditEntry, Complaint.number, Actor.full_name)
             .join(Complaint, peewee.JOIN.LEFT_OUTER, on=(AuditEntry.complaint_id == Complaint.id))
             .switch(AuditEntry)
             .join(Actor, peewee.JOIN.LEFT_OUTER, on=(AuditEntry.user_login == Actor.login))
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
             .limit(limit))
    if not permissions.sees_all_confidential(user):
        visible = queries.visible_to(Complaint.select(Complaint.id), user)
        query = query.where(AuditEntry.complaint_id.is_null() | AuditEntry.complaint_id.in_(visible))
        # A measure's entries carry its title, which may tell what happened in its confidential complaint.
        readable = Measure.select(Measure.id).where(measures.readable_by(user))
        query = query.where((AuditEntry.entity != "measure") | AuditEntry.entity_id.in_(readable))
    if complaint_id is not None:
        query = query.where(AuditEntry.complaint_id == complaint_id)
    if login:
        query = query.where(AuditEntry.user_login == login.strip().lower())
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    rows = []
    names: dict[int, str] | None = None
    entries = list(query.objects())
    hidden = set() if permissions.sees_all_confidential(user) else _unseen_numbers(user, entries)
    for entry in entries:
        try:
            changes = json.loads(entry.changes)
        except ValueError:
            changes = {"?": entry.changes}
        if isinstance(changes, dict) and any(isinstance(changes.get(f), int) for f in USER_FIELDS):
            if names is None:  # once, and only when a line names a colleague by id
                names = dict(User.select(User.id, User.full_name).tuples())
            changes = {field: names.get(value, value) if field in USER_FIELDS and isinstance(value, int) else value
                       for field, value in changes.items()}
        if hidden:
            changes = _without_numbers(changes, hidden)
        rows.append(AuditRow(entry.at, entry.user_login, entry.full_name or "", entry.action,
                             action_label(entry.action), entry.entity, entry.entity_id, entry.number or "",
                             changes))
    return rows


def _numbers_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(_NUMBER.findall(value))
    if isinstance(value, dict):
        return set().union(*(_numbers_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_numbers_in(v) for v in value)) if value else set()
    return set()


def _unseen_numbers(user: User, entries: list[AuditEntry]) -> set[str]:
    """Complaint numbers named in these entries' changes (an AVG export, an erasure, a merge lists a person's
    complaints) that ``user`` may not see: a confidential complaint is not even named to them."""
    named = set().union(*(_numbers_in(entry.changes) for entry in entries)) if entries else set()
    if not named:
        return set()
    seen = queries.visible_to(Complaint.select(Complaint.number).where(Complaint.number.in_(sorted(named))), user)
    return named - set(seen.scalars())


def _without_numbers(value: Any, hidden: set[str]) -> Any:
    if isinstance(value, str):
        return _NUMBER.sub(lambda m: _("[vertrouwelijk]") if m.group(0) in hidden else m.group(0), value)
    if isinstance(value, dict):
        return {k: _without_numbers(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_numbers(v, hidden) for v in value]
    return value


# --- a person's rights (AVG) -----------------------------------------------------------


def find_relation(text: str) -> Relation:
    """A relation by its number (id) or its e-mail address, for the command line."""
    text = text.strip()
    if text.isdecimal():  # (isdigit would let "²" through, which int() refuses)
        number = int(text)
        relation = Relation.get_or_none(Relation.id == number) if number < 2 ** 63 else None  # SQLite's integers
        if relation is None:
            raise NotFoundError(_("Relatie {id} bestaat niet.").format(id=text))
        return relation
    email = normalize_email(text)
    if not email:
        raise ValidationError({"relation": _("Geef het nummer of het e-mailadres van de persoon.")})
    found = list(Relation.select().where(peewee.fn.LOWER(Relation.email) == email.lower()).order_by(Relation.id))
    if not found:
        raise NotFoundError(_("Er is geen relatie met e-mailadres {email}.").format(email=email))
    if len(found) > 1:
        raise ValidationError({"relation": _(
            "Meerdere relaties hebben e-mailadres {email} (nummers {ids}); kies er één met het nummer.").format(
                email=email, ids=", ".join(str(r.id) for r in found))})
    return found[0]


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _complaint_export(complaint: Complaint) -> dict[str, Any]:
    data = queries.complaint_dict(complaint)
    data.pop("complainant")
    data.update({
        "incident_date": _iso(complaint.incident_date),
        "people_involved": complaint.people_involved,
        "findings": {"facts": complaint.findings_facts, "circumstances": complaint.findings_circumstances,
                     "causes": complaint.findings_causes, "damage": complaint.findings_damage},
        "verdict_motivation": complaint.verdict_motivation,
        "remedies": complaint.remedy_codes,
        "compensation_amount": str(complaint.compensation_amount) if complaint.compensation_amount else None,
        "remedy_note": complaint.remedy_note,
        "answer": complaint.answer,
        "proposed_answer": complaint.proposed_answer,
        "escalation_level": complaint.escalation_level or None,
        "escalation_reason": complaint.escalation_reason,
        "waiting_reason": complaint.waiting_reason,
        "satisfaction": complaint.satisfaction or None,
        "closure_note": complaint.closure_note,
        "anonymized_at": _iso(complaint.anonymized_at),
        "documents": [{"name": d.name, "kind": d.kind, "mime_type": d.mime_type, "size": d.size,
                       "sha256": d.sha256, "created_at": _iso(d.created_at)}
                      for d in (Document.select(Document.name, Document.kind, Document.mime_type, Document.size,
                                                Document.sha256, Document.created_at)
                                .where(Document.complaint == complaint.id).order_by(Document.id))],
        "access_log": [{"at": _iso(e.at), "user": e.user_login, "action": action_label(e.action)}
                       for e in AuditEntry.select().where(AuditEntry.complaint_id == complaint.id)
                       .order_by(AuditEntry.at, AuditEntry.id)],
    })
    return data


def person_export(user: User, relation_id: int, operation_id: str | None = None) -> dict[str, Any]:
    """Everything the office holds about one person (AVG right of access), as plain JSON values.

    The relation, each complaint with its timeline and findings, the list of
    documents (names and sizes; the files themselves are opened in the dossier)
    and who saw or changed those complaints. The export itself is logged.
    """
    permissions.require_admin(user)
    relation = Relation.get_or_none(Relation.id == relation_id)
    if relation is None:
        raise NotFoundError(_("Relatie {id} bestaat niet.").format(id=relation_id))
    complaints = list(Complaint.select().where(Complaint.relation == relation.id).order_by(Complaint.received_at))

    def body() -> Outcome:
        return Outcome(relation, {"complaints": [c.number for c in complaints]})

    perform(user, "export_person", body, operation_id)
    return {
        "exported_at": now().isoformat(),
        "exported_by": user.login,
        "relation": {
            "id": relation.id, "name": relation.name, "attention": relation.attention,
            "salutation": relation.salutation, "street": relation.street, "postcode": relation.postcode,
            "city": relation.city, "country": relation.country, "phone": relation.phone, "email": relation.email,
            "relation_type": relation.relation_type, "created_at": _iso(relation.created_at),
            "anonymized_at": _iso(relation.anonymized_at),
        },
        "complaints": [_complaint_export(c) for c in complaints],
    }


def save_person_export(data: dict[str, Any], path: Path) -> None:
    """Write ``person_export``'s answer as JSON, whole or not at all and readable by this user only.

    Raises OSError; the caller says it at the field for the file.
    """
    drafts.write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


@dataclasses.dataclass
class ErasureResult:
    numbers: list[str]
    timeline_entries: int
    documents: int
    files: int = 0  # files on this PC that held their data, removed
    backups: int = 0  # backup copies of the shared file, anonymised as well


def reason_to_keep(reason: str, relation: Relation) -> str:
    """The erasure's reason as the audit log keeps it (for ever): without the person's name, address, phone or
    e-mail, and without anything shaped like a phone number or e-mail address of someone else."""
    return Scrubber(Complainant.of(relation).names()).text(reason.strip(), Complainant.of(relation))


def erase_person(user: User, relation_id: int, reason: str, operation_id: str | None = None) -> ErasureResult:
    """Erase a person's data on their request (AVG): the relation and the personal text of their complaints.

    Refused while one of their complaints is still being handled. The
    complaints themselves stay, anonymised, so the statistics do not change.
    """
    permissions.require_admin(user)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Noteer waarom de gegevens worden gewist (bijvoorbeeld: verzoek van 3 maart).")})
    relation = Relation.get_or_none(Relation.id == relation_id)
    if relation is None:
        raise NotFoundError(_("Relatie {id} bestaat niet.").format(id=relation_id))
    still_open = [c.number for c in Complaint.select(Complaint.number)
                  .where((Complaint.relation == relation.id) & Complaint.status.in_(OPEN_STATUSES))]
    if still_open:
        raise ValidationError({"relation": _(
            "Klacht {numbers} van deze persoon is nog in behandeling; sluit die eerst af en wis daarna de "
            "gegevens.").format(numbers=", ".join(still_open))})
    op_id = operation_id or new_operation_id()
    result = ErasureResult([], 0, 0)

    def body() -> Outcome:
        nonlocal result
        moment = now()
        complaints = list(Complaint.select(Complaint.id, Complaint.number)
                          .where(Complaint.relation == relation.id).order_by(Complaint.id))
        entries = documents = 0
        for complaint in complaints:
            counted = retention.scrub_complaint(complaint.id, moment)
            entries, documents = entries + counted[0], documents + counted[1]
        if relation.email.strip():  # their mails to the office mailbox, also those set aside as no complaint
            retention.scrub_mail(peewee.fn.LOWER(IncomingMail.sender_address) == relation.email.strip().lower())
        retention.scrub_relation(relation.id, moment)
        retention.log_per_complaint(user, op_id, "erase_person", [c.id for c in complaints])
        result = ErasureResult([c.number for c in complaints], entries, documents)
        return Outcome(Relation.get_by_id(relation.id), {"reason": reason_to_keep(reason, relation),
                                                         "complaints": result.numbers})

    with retention.erasing_for_good():
        perform(user, "erase_person", body, op_id)
    known = [] if relation.anonymized_at else [relation.name, relation.attention, relation.email, relation.phone]
    result.files, result.backups = retention.forget_copies(known, [relation.email])
    return result
