"""Changing what was registered, and attaching documents to a complaint.

The steps of the procedure live in ``procedure.py``; this is the dossier's
other writing: correcting the registration fields, the complainant's details,
and storing a dropped scan or e-mail. Every save carries the version the user
started from, so a colleague's earlier save is never overwritten (ConflictError).
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePath
from typing import Any

from klachtenbureau.errors import ConflictError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint, Document, Relation, TimelineEntry, User
from klachtenbureau.workflow import permissions, report_fields
from klachtenbureau.workflow.intake import resolve_category, validate_relation
from klachtenbureau.workflow.operations import Outcome, copy_into, fresh, perform, update_versioned
from klachtenbureau.workflow.report_fields import REGISTRATION_FIELDS, RELATION_FIELDS
from klachtenbureau.workflow.validation import incident_date_problem

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
DOCUMENT_KINDS = {  # mime type -> Document.kind
    "application/pdf": "scan",
    "image/png": "scan",
    "image/jpeg": "scan",
    "image/tiff": "scan",
    "image/gif": "scan",
    "image/bmp": "scan",
    "image/webp": "scan",
    "message/rfc822": "email",
}


def clean_registration(user: User, complaint: Complaint, fields: dict[str, Any]) -> dict[str, Any]:
    """Checked, normalised registration fields; raises with every problem at once."""
    unknown = sorted(set(fields) - set(REGISTRATION_FIELDS))
    if unknown:
        raise ValueError(f"not registration fields: {unknown}")
    tidy, errors = report_fields.check({"kind": complaint.kind, **fields}, [n for n in fields if n != "category"])
    clean = {**fields, **tidy}
    if clean.get("incident_date") and (
            problem := incident_date_problem(clean["incident_date"], complaint.received_at.date())):
        errors["incident_date"] = problem
    if "category" in clean:
        try:
            resolve_category(clean["category"], keep=complaint.category_id)
        except ValidationError as exc:
            errors.update(exc.errors)
    if "confidential" in clean and clean["confidential"] != complaint.confidential:
        permissions.require_change_confidential(user)
    if errors:
        raise ValidationError(errors)
    return clean


def update_registration(user: User, complaint: Complaint, fields: dict[str, Any],
                        operation_id: str | None = None) -> Complaint:
    """Save corrected registration fields against the version ``complaint`` was loaded at.

    ``category`` is a category id. Returns ``complaint`` brought up to date;
    with nothing changed, nothing is written.
    """
    permissions.require_edit_registration(user, complaint)
    clean = clean_registration(user, complaint, fields)
    if all(_stored(complaint, name) == value for name, value in clean.items()):
        return complaint

    def body() -> Outcome:
        current = fresh(complaint)
        permissions.require_edit_registration(user, current)
        values = {name: value for name, value in clean.items() if _stored(current, name) != value}
        changes = update_versioned(current, complaint.version, values)
        return Outcome(current, changes, current.id)

    return copy_into(complaint, perform(user, "edit_registration", body, operation_id))


def _stored(complaint: Complaint, name: str) -> Any:
    return complaint.category_id if name == "category" else getattr(complaint, name)


def update_relation(user: User, complaint: Complaint, relation: Relation, fields: dict[str, str],
                    operation_id: str | None = None) -> Relation:
    """Correct the complainant's details (``report_fields.RELATION_FIELDS``) from the complaint's dossier."""
    permissions.require_edit_registration(user, complaint)
    if relation.id != complaint.relation_id:
        raise ValueError("relation is not this complaint's complainant")
    clean = validate_relation({name: fields.get(name, getattr(relation, name)) for name in RELATION_FIELDS})

    def body() -> Outcome:
        current = fresh(relation)
        changes = update_versioned(current, relation.version, clean, touch=False)
        return Outcome(current, changes, complaint.id)

    return copy_into(relation, perform(user, "edit_relation", body, operation_id))


def document_kind(name: str, mime_type: str | None) -> tuple[str, str]:
    """(mime type, Document.kind) for a file, guessing the type from the name when not given."""
    mime = (mime_type or "").split(";")[0].strip().lower()
    if not mime or mime == "application/octet-stream":
        mime = mimetypes.guess_type(name)[0] or ""
        if PurePath(name).suffix.lower() == ".eml":
            mime = "message/rfc822"
    if mime not in DOCUMENT_KINDS:
        raise ValidationError({"document": _("{name} kan niet worden toegevoegd: alleen PDF, afbeeldingen (scans) "
                                             "en e-mails (.eml).").format(name=name)})
    return mime, DOCUMENT_KINDS[mime]


def attach_document(user: User, complaint: Complaint, name: str, mime_type: str | None, content: bytes,
                    operation_id: str | None = None) -> Document:
    """Store a scanned letter, photo or e-mail with the complaint, with a note on its timeline."""
    permissions.require_add_to(user, complaint)
    name = PurePath(name.replace("\\", "/")).name.strip()[:255]
    if not name:
        raise ValidationError({"document": _("Het bestand heeft geen naam.")})
    mime, kind = document_kind(name, mime_type)
    if not content:
        raise ValidationError({"document": _("{name} is leeg.").format(name=name)})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"document": _("{name} is te groot (meer dan {mb} MB).").format(
            name=name, mb=MAX_DOCUMENT_BYTES // (1024 * 1024))})
    digest = hashlib.sha256(content).hexdigest()

    def body() -> Outcome:
        current = Complaint.get_or_none(Complaint.id == complaint.id)
        if current is None:
            raise ConflictError(_("Klacht {number} bestaat niet meer.").format(number=complaint.number))
        if Document.select().where((Document.complaint == current.id) & (Document.sha256 == digest)).exists():
            raise ValidationError({"document": _("{name} is al bij deze klacht bewaard.").format(name=name)})
        document = Document.create(complaint=current.id, kind=kind, name=name, mime_type=mime, content=content,
                                   size=len(content), sha256=digest, created_by=user.id)
        TimelineEntry.create(complaint=current.id, user=user.id, kind="document",
                             summary=_("Bijlage toegevoegd: {name}").format(name=name))
        return Outcome(document, {"name": name, "mime_type": mime, "size": len(content), "sha256": digest},
                       current.id)

    return perform(user, "attach", body, operation_id)
