"""What becomes of a message from the mailbox: a new complaint, added to a complaint, or not a complaint.

Each action first claims the message's Message-ID in ``IncomingMail`` inside the same transaction as what it
makes (the column is unique): a second attempt, from this PC or from another one at the same moment, finds the
claim or collides with it and gets ``AlreadyHandledError`` with who did it and when; nothing is made twice.
Only after the database confirmed the write is the message marked on the server (``mailbox.mark_done``); when
that fails the message is still out of the list (the database is the truth) and ``mailbox.mark_pending``
marks it later. No Qt.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging

import peewee

from klachtenbureau.errors import ConflictError, KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _, format_datetime
from klachtenbureau.models import Complaint, Document, IncomingMail, Relation, User, now
from klachtenbureau.models.complaints import OPEN_STATUSES
from klachtenbureau.models.mail import ADDED, NOT_COMPLAINT, REGISTERED
from klachtenbureau.workflow import intake, queries
from klachtenbureau.workflow.editing import DOCUMENT_KINDS, MAX_DOCUMENT_BYTES
from klachtenbureau.workflow.mail import mailbox
from klachtenbureau.workflow.mail.incoming import IncomingMessage, add_mail_to_complaint, mail_document
from klachtenbureau.workflow.mail.mail_settings import MailSettings
from klachtenbureau.workflow.operations import Outcome, new_operation_id, perform

log = logging.getLogger(__name__)


class AlreadyHandledError(ConflictError):
    """Someone (maybe on another PC) dealt with this message first; nothing was saved."""

    def __init__(self, mail: IncomingMail):
        who = mail.handled_by.full_name if mail.handled_by_id is not None else _("een collega")
        super().__init__(_("Deze e-mail is al verwerkt door {who} op {when}.").format(
            who=who, when=format_datetime(mail.handled_at or mail.created_at)))
        self.mail = mail


def handled(message_id: str) -> IncomingMail | None:
    return IncomingMail.get_or_none(IncomingMail.message_id == message_id)


def _claim(user: User, message: IncomingMessage, status: str, uid: int | None, folder: str,
           reason: str = "") -> IncomingMail:
    """The row that says ``message`` is dealt with; refuses when it already is (inside the caller's transaction)."""
    earlier = handled(message.message_id)
    if earlier is not None:
        raise AlreadyHandledError(earlier)
    return IncomingMail.create(
        message_id=message.message_id, uid=uid, folder=folder if uid is not None else "",
        sender_name=message.sender_name[:255], sender_address=message.sender_address[:255], subject=message.subject,
        received_at=message.received_at, status=status, reason=reason, handled_by=user.id, handled_at=now())


def _audit(mail: IncomingMail) -> dict[str, object]:
    # No sender or subject: they may name people, and the audit log is never rewritten.
    return {"status": mail.status, "complaint": mail.complaint_id, "reason": mail.reason}


def _perform(user: User, action: str, message: IncomingMessage, body, operation_id: str | None) -> IncomingMail:
    """``operations.perform``, with a collision on the Message-ID (another PC was first) told as such."""
    try:
        return perform(user, action, body, operation_id)
    except AlreadyHandledError:
        raise
    except (KlachtenbureauError, peewee.IntegrityError) as exc:
        try:
            earlier = handled(message.message_id)
        except peewee.PeeweeException:
            earlier = None
        if earlier is not None:
            raise AlreadyHandledError(earlier) from exc
        raise


def _mark(mail: IncomingMail, mail_settings: MailSettings | None) -> None:
    """Mark on the server now if we can; a failure leaves it to ``mailbox.mark_pending`` (the write stands)."""
    if mail_settings is None or mail.uid is None:
        return
    try:
        mailbox.mark_done(mail_settings, mail.uid, mail.message_id)
    except (KlachtenbureauError, peewee.PeeweeException) as exc:
        log.warning("E-mail verwerkt maar niet gemarkeerd op de server; later opnieuw: %s", exc)


def _folder(mail_settings: MailSettings | None) -> str:
    return mail_settings.imap_folder if mail_settings is not None else ""


def register_from_mail(user: User, report: intake.NewReport, message: IncomingMessage,
                       operation_id: str | None = None, *, uid: int | None = None,
                       mail_settings: MailSettings | None = None) -> Complaint:
    """Register ``report`` (the intake wizard's, prefilled from ``message``) as a complaint that came by mail.

    The original mail is kept with the complaint (incoming.mail_document through ``NewReport.mail``), and so
    are its PDF and image attachments, each as a document of its own that the dossier opens directly.
    ``uid`` and ``mail_settings``: where the message is on the server, to mark it there afterwards.
    """
    report = dataclasses.replace(report, mail=report.mail or mail_document(message),
                                 channel=report.channel if report.channel == "website" else "email")
    op_id = operation_id or new_operation_id()
    attachments = [a for a in message.attachments
                   if DOCUMENT_KINDS.get(a.mime_type) == "scan" and 0 < len(a.content) <= MAX_DOCUMENT_BYTES]

    def body() -> Outcome:
        mail = _claim(user, message, REGISTERED, uid, _folder(mail_settings))
        complaint = intake.register(user, report, operation_id=f"{op_id}-register")
        for attachment in attachments:
            Document.create(complaint=complaint.id, kind="scan", name=attachment.name[:255],
                            mime_type=attachment.mime_type, content=attachment.content, size=len(attachment.content),
                            sha256=hashlib.sha256(attachment.content).hexdigest(), created_by=user.id)
        mail.complaint = complaint.id
        mail.save()
        return Outcome(mail, {**_audit(mail), "documents": len(attachments)}, complaint.id)

    mail = _perform(user, "mail_register", message, body, op_id)
    _mark(mail, mail_settings)
    return Complaint.get_by_id(mail.complaint_id)


def add_to_complaint(user: User, complaint: Complaint, message: IncomingMessage, operation_id: str | None = None,
                     *, uid: int | None = None, mail_settings: MailSettings | None = None) -> Document:
    """Add ``message`` to ``complaint`` as an incoming contact moment with the mail attached (incoming.py)."""
    op_id = operation_id or new_operation_id()
    kept: list[Document] = []

    def body() -> Outcome:
        mail = _claim(user, message, ADDED, uid, _folder(mail_settings))
        kept.append(add_mail_to_complaint(user, complaint, message, operation_id=f"{op_id}-attach"))
        mail.complaint = complaint.id
        mail.save()
        return Outcome(mail, _audit(mail), complaint.id)

    mail = _perform(user, "mail_add", message, body, op_id)
    _mark(mail, mail_settings)
    if kept:
        return kept[0]
    return (Document.select().where((Document.complaint == mail.complaint_id) & (Document.kind == "email"))
            .order_by(Document.id.desc()).first())  # the write was done before (same operation id)


def not_a_complaint(user: User, message: IncomingMessage, reason: str, operation_id: str | None = None, *,
                    uid: int | None = None, mail_settings: MailSettings | None = None) -> IncomingMail:
    """Spam, a newsletter, a wrong address: the message leaves the list, with the reason why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Geef aan waarom dit geen klacht is, bijvoorbeeld: reclame.")})

    def body() -> Outcome:
        mail = _claim(user, message, NOT_COMPLAINT, uid, _folder(mail_settings), reason=reason)
        return Outcome(mail, _audit(mail))

    mail = _perform(user, "mail_not_complaint", message, body, operation_id)
    _mark(mail, mail_settings)
    return mail


def suggest_complaint(user: User, message: IncomingMessage) -> Complaint | None:
    """The complaint ``message`` most likely belongs to, among those ``user`` may see.

    By the number in the subject ("Re: [K2026-0042] …"), else the newest open complaint whose complainant has the
    sender's address.
    """
    visible = queries.visible_to(Complaint.select(), user)
    if message.complaint_number:
        found = visible.where(Complaint.number == message.complaint_number).first()
        if found is not None:
            return found
    address = message.sender_address.strip().lower()
    if not address:
        return None
    return (visible.join(Relation).where((peewee.fn.lower(Relation.email) == address)
                                         & Complaint.status.in_(OPEN_STATUSES))
            .order_by(Complaint.received_at.desc(), Complaint.id.desc()).first())
