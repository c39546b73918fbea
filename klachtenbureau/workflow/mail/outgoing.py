"""Letters by e-mail: the message, this PC's outbox, and recording a sent mail with the complaint.

Nothing lost, nothing sent twice. A mail is written to this PC's outbox (``config.data_dir() / 'uitgaand'``,
the .eml and a JSON file beside it) *before* the server is tried, with a Message-ID made from the operation
id, so every attempt sends the same bytes. What happens next:

- accepted by the server: kept with the complaint (the .eml as a document, a line on the timeline, the
  acknowledgement as sent by e-mail) through the write queue under the same operation id, so a database that
  is away gets the record later and the mail is not sent again; then it leaves the outbox;
- server or network away: it waits ("wacht") and ``send_waiting`` sends it once when the server is back;
- refused for good: it stays with the server's reason ("geweigerd") for the user to deal with;
- unknown outcome (the connection broke after the message went, or the desk stopped right then): it is
  marked "onzeker" and never sent again unasked; the user resends it, records it as sent, or discards it.

The mail itself is made here (``letter_mail``); the SMTP conversation is ``smtp.py``.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import email.policy
import email.utils
import html
import json
import logging
import re
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from klachtenbureau import config
from klachtenbureau.errors import (
    DatabaseUnavailableError, KlachtenbureauError, MailError, MailQueuedError, MailUncertainError,
)
from klachtenbureau.i18n import _
from klachtenbureau.models import AuditEntry, Complaint, User
from klachtenbureau.models.complaints import NEW
from klachtenbureau.models.database import identity
from klachtenbureau.workflow import db_errors, letters, permissions, queries
from klachtenbureau.workflow.mail import mail_settings, smtp
from klachtenbureau.workflow.mail.mail_settings import MailSettings
from klachtenbureau.workflow.offline import drafts, write_queue
from klachtenbureau.workflow.operations import new_operation_id
from klachtenbureau.workflow.validation import normalize_email

log = logging.getLogger(__name__)

WAITING, SENDING, UNCERTAIN, REFUSED, SENT = "wacht", "bezig", "onzeker", "geweigerd", "verstuurd"
_POLICY = email.policy.SMTP  # CRLF line ends, as the server and the mail programs want them
_active: set[str] = set()  # operation ids this process is handing to the server right now
_lock = threading.Lock()


class MailRecordQueuedError(write_queue.WriteQueuedError):
    """The mail went; the database is away, so recording it with the complaint waits in the write queue."""

    def __init__(self, cause: DatabaseUnavailableError, operation_id: str, to: str):
        super().__init__(cause, operation_id)
        self.message = _("De e-mail aan {to} is verstuurd. {reason} Dat hij verstuurd is, wordt bij de klacht "
                         "vastgelegd zodra de database weer bereikbaar is; hij gaat niet nog een keer.").format(
            to=to, reason=cause.message)
        self.args = (self.message,)


# --- the message ------------------------------------------------------------------------

def message_id(operation_id: str, from_address: str) -> str:
    """The same id for every attempt of one operation, at the office's own domain."""
    domain = from_address.rpartition("@")[2] or "klachtenbureau.invalid"
    return f"<{operation_id}@{domain}>"


def subject_line(number: str, subject: str) -> str:
    """``[K2026-0042] subject``: the number in brackets lets a reply find its complaint."""
    tag = f"[{number}]"
    return subject if subject.startswith(tag) else f"{tag} {subject}"


def html_body(text: str) -> str:
    """The plain text as simple HTML: escaped paragraphs, nothing loaded from elsewhere."""
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    inner = "\n".join("<p>" + "<br>\n".join(html.escape(line) for line in p.splitlines()) + "</p>"
                      for p in paragraphs)
    return ('<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"></head>\n'
            f'<body style="font-family: Arial, sans-serif; font-size: 11pt;">\n{inner}\n</body></html>\n')


def _sender(s: MailSettings) -> tuple[str, str]:
    org = letters.organisation()
    return (s.from_name or org.name, s.from_address or org.email)


def letter_mail(user: User, complaint: Complaint, kind: str, pdf: bytes, text: letters.EmailText,
                message_id: str) -> EmailMessage:
    """The letter as an e-mail: the text as plain text and simple HTML, the PDF letter attached."""
    permissions.require_see(user, complaint)
    message = EmailMessage(policy=_POLICY)
    message["From"] = email.utils.formataddr(_sender(mail_settings.load()))
    message["To"] = text.to
    message["Subject"] = subject_line(complaint.number, text.subject)
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = message_id
    message.set_content(text.body, cte="quoted-printable")
    message.add_alternative(html_body(text.body), subtype="html", cte="quoted-printable")
    message.add_attachment(pdf, maintype="application", subtype="pdf",
                           filename=letters.letter_file_name(complaint, kind))
    return message


def eml_name(number: str, kind: str, day: dt.date | None = None) -> str:
    return f"{number} {_(letters.KINDS[kind]).lower()} {(day or dt.date.today()).isoformat()}.eml"


def draft_eml(user: User, complaint: Complaint, kind: str, pdf: bytes, text: letters.EmailText) -> Path:
    """The mail as an unsent draft (``X-Unsent: 1``) in this PC's data folder, for "open in my mail program".

    Outlook and Thunderbird open it as a new message to send from there; the mail program sets the date and
    the Message-ID when it sends. Nothing is recorded: the user saves the letter when it has gone.
    """
    message = letter_mail(user, complaint, kind, pdf, text, message_id(new_operation_id(), ""))
    del message["Message-ID"]
    del message["Date"]
    message["X-Unsent"] = "1"
    path = config.data_dir() / "concepten" / eml_name(complaint.number, kind)
    drafts.write_bytes(path, message.as_bytes())
    return path


# --- the outbox -------------------------------------------------------------------------

@dataclasses.dataclass
class OutboxItem:
    """One mail on this PC that the server has not (certainly) accepted, or that is not recorded yet."""

    operation_id: str
    database_url: str  # models.database.identity: no password
    user_login: str
    number: str
    kind: str
    to: str
    subject: str
    message_id: str
    sender: str
    created_at: str = dataclasses.field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))
    state: str = WAITING
    problem: str = ""  # the last reason, in Dutch, for the user
    attempts: int = 0
    adapted: bool = False  # the handler edited the letter's text
    note: str = ""  # added to the timeline line (for example a reply-by date)

    @property
    def label(self) -> str:
        return _("{letter} aan {to} ({number})").format(letter=_(letters.KINDS[self.kind]), to=self.to,
                                                        number=self.number)


def outbox_dir() -> Path:
    return config.data_dir() / "uitgaand"


def _path(operation_id: str, suffix: str) -> Path:
    if not operation_id or not all(ch.isalnum() or ch in "-_" for ch in operation_id):
        raise ValueError(f"bad operation id {operation_id!r}")
    return outbox_dir() / f"{operation_id}{suffix}"


def _save(item: OutboxItem) -> None:
    drafts.write_json(_path(item.operation_id, ".json"), dataclasses.asdict(item))


def _load(operation_id: str) -> OutboxItem | None:
    try:
        item = OutboxItem(**json.loads(_path(operation_id, ".json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    if item.state == SENDING and item.operation_id not in _active:
        item.state = UNCERTAIN  # the desk stopped while handing it over: it may have gone
        item.problem = _("Het versturen werd onderbroken terwijl de e-mail werd overgedragen. Misschien is hij "
                         "verstuurd, misschien niet.")
    return item


def message_bytes(item: OutboxItem) -> bytes:
    """The mail as it was made (and is sent again): the .eml beside the item."""
    return _path(item.operation_id, ".eml").read_bytes()


def outbox_items(database_url: str | None = None) -> list[OutboxItem]:
    """The mails waiting on this PC (for ``database_url``), oldest first; unreadable files are skipped."""
    folder = outbox_dir()
    items = []
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            item = _load(path.stem)
        except (OSError, ValueError, TypeError) as exc:
            log.warning("Uitgaande e-mail %s is niet te lezen en wordt overgeslagen: %s", path, exc)
            continue
        if item is not None and (database_url is None or identity(item.database_url) == identity(database_url)):
            items.append(item)
    items.sort(key=lambda i: (i.created_at, i.operation_id))
    return items


def discard(item: OutboxItem) -> None:
    """Remove a mail from the outbox without sending or recording it (the user dealt with it)."""
    _path(item.operation_id, ".json").unlink(missing_ok=True)
    _path(item.operation_id, ".eml").unlink(missing_ok=True)


# --- sending and recording -----------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SendResult:
    message_id: str
    to: str
    complaint: Complaint  # as it is after the recording (an acknowledgement may have changed its status)


@dataclasses.dataclass
class SendReport:
    """What ``send_waiting`` did: sent (and recorded), still waiting, and what needs a person."""

    sent: list[OutboxItem] = dataclasses.field(default_factory=list)
    waiting: list[OutboxItem] = dataclasses.field(default_factory=list)
    uncertain: list[OutboxItem] = dataclasses.field(default_factory=list)
    refused: list[OutboxItem] = dataclasses.field(default_factory=list)


_QUEUED = _("De e-mail staat klaar op deze computer en wordt verstuurd zodra de mailserver weer bereikbaar is.")
_DECIDE = _("Kijk bij Verzonden items in uw mailprogramma of vraag het de klager, en kies dan in de lijst met "
            "uitgaande e-mail voor opnieuw versturen of voor vastleggen als verstuurd.")


def _ready_settings() -> MailSettings:
    s = mail_settings.load()
    if not s.smtp_ready():
        raise MailError(_("Er is nog geen mailserver ingesteld (Beheer → E-mail). Open de e-mail als concept in uw "
                          "mailprogramma, of laat de beheerder de mailserver instellen."))
    return s


def _transmit(item: OutboxItem, s: MailSettings) -> None:
    """One attempt to send ``item``; its state in the outbox says how it ended. Raises the typed errors."""
    item.attempts += 1

    def handing_over() -> None:
        item.state = SENDING
        _save(item)

    with _lock:
        if item.operation_id in _active:
            raise MailUncertainError(_("Deze e-mail wordt op dit moment al verstuurd."))
        _active.add(item.operation_id)
    try:
        smtp.transmit(s, item.sender, [item.to], message_bytes(item), before_data=handing_over)
    except MailQueuedError as exc:
        item.state, item.problem = WAITING, exc.message
        _save(item)
        raise MailQueuedError(f"{exc.message} {_QUEUED}") from exc
    except MailUncertainError as exc:
        item.state, item.problem = UNCERTAIN, exc.message
        _save(item)
        raise MailUncertainError(f"{exc.message} {_DECIDE}") from exc
    except MailError as exc:
        item.state, item.problem = REFUSED, exc.message
        _save(item)
        raise
    finally:
        with _lock:
            _active.discard(item.operation_id)
    item.state, item.problem = SENT, ""
    _save(item)


def _user(login: str) -> User:
    try:
        user = User.get_or_none(User.login == login)
    except Exception as exc:
        typed = db_errors.offline(exc)
        if typed is None:
            raise
        raise typed from exc
    if user is None:
        raise KlachtenbureauError(_("Gebruiker {login} bestaat niet meer.").format(login=login))
    return user


def _record(item: OutboxItem, user: User | None = None) -> Complaint:
    """Keep the sent mail with its complaint through the write queue; then it leaves the outbox."""
    user = user or _user(item.user_login)
    payload = {"number": item.number, "kind": item.kind, "to": item.to, "name": eml_name(item.number, item.kind),
               "eml": base64.b64encode(message_bytes(item)).decode("ascii"), "adapted": item.adapted,
               "note": item.note, "label": _("Verstuurde e-mail vastleggen: {mail}").format(mail=item.label),
               "text": ""}
    try:
        result = write_queue.submit(user, "record_mail", payload, item.database_url, item.operation_id)
    except write_queue.WriteQueuedError as exc:
        discard(item)  # the write queue has it now, with the .eml
        raise MailRecordQueuedError(exc.cause, item.operation_id, item.to) from exc
    except KlachtenbureauError as exc:
        item.problem = exc.message
        _save(item)
        raise
    discard(item)
    return result


def record_sent(user: User, payload: dict[str, Any], operation_id: str) -> Complaint:
    """The write queue's replayer "record_mail": the sent .eml as a document, a timeline line, the acknowledgement.

    Replay-safe by ``operation_id`` (operations.perform); the acknowledgement uses ``operation_id:ack``.
    """
    complaint = queries.get_complaint(payload["number"], user)
    kind = payload["kind"]
    letter = _(letters.KINDS[kind])
    summary = (_("{letter} per e-mail verstuurd aan {to} (tekst aangepast).") if payload.get("adapted")
               else _("{letter} per e-mail verstuurd aan {to}.")).format(letter=letter, to=payload["to"])
    if payload.get("note"):
        summary += " " + payload["note"]
    acknowledging = kind == "acknowledgement" and complaint.status == NEW
    letters.store_sent(user, complaint, "email", payload["name"], "message/rfc822", base64.b64decode(payload["eml"]),
                   summary, {"kind": "letter", "method": "email", "direction": "out"}, "letter", operation_id)
    if acknowledging:
        return letters.acknowledge_if_new(user, complaint, "email", operation_id)
    return Complaint.get_by_id(complaint.id)


def _went_before(operation_id: str, database_url: str) -> bool:
    """This operation's mail was accepted before: it is recorded, or its record waits in the write queue."""
    return (AuditEntry.select().where(AuditEntry.operation_id == operation_id).exists()
            or any(w.operation_id == operation_id for w in write_queue.pending(database_url)))


def _new_item(user: User, complaint: Complaint, kind: str, pdf: bytes, text: letters.EmailText, database_url: str,
              op: str, s: MailSettings, state: str, adapted: bool, note: str) -> OutboxItem:
    """The mail made and put in this PC's outbox: the .eml first, so an item is never without its mail."""
    mid = message_id(op, _sender(s)[1])
    message = letter_mail(user, complaint, kind, pdf, text, mid)
    item = OutboxItem(op, identity(database_url), user.login, complaint.number, kind, text.to,
                      str(message["Subject"]), mid, s.from_address, state=state, adapted=adapted, note=note)
    drafts.write_bytes(_path(op, ".eml"), message.as_bytes())
    _save(item)
    return item


def send_letter(user: User, complaint: Complaint, kind: str, pdf: bytes, text: letters.EmailText,
                database_url: str, operation_id: str | None = None, adapted: bool = False,
                note: str = "") -> SendResult:
    """Send a letter by e-mail now and record it with the complaint; or keep it in this PC's outbox.

    Called again with the same ``operation_id`` (the caller's retry), the mail in the outbox is used as it is:
    the same bytes and Message-ID, never a second mail after one the server accepted or may have accepted.
    Raises MailQueuedError (waits), MailError (refused), MailUncertainError (the user decides),
    MailRecordQueuedError (sent; the record waits for the database).
    """
    letters.require_record(user, complaint, kind)
    s = _ready_settings()
    op = operation_id or new_operation_id()
    item = _load(op)
    if item is None and _went_before(op, database_url):
        return SendResult(message_id(op, _sender(s)[1]), text.to, Complaint.get_by_id(complaint.id))
    if item is None:
        item = _new_item(user, complaint, kind, pdf, text, database_url, op, s, WAITING, adapted, note)
    if item.state == UNCERTAIN:
        raise MailUncertainError(f"{item.problem} {_DECIDE}")
    if item.state != SENT:
        _transmit(item, s)
    return SendResult(item.message_id, item.to, _record(item, user))


def send_waiting(database_url: str) -> SendReport:
    """Send what waits in this PC's outbox for ``database_url``, each at most once; never an uncertain one.

    Stops at the first mail that still cannot reach the server (the rest would not either), and when the
    database is away. A mail the server accepted but whose record failed is recorded now.
    """
    report = SendReport()
    items = outbox_items(database_url)
    s = _ready_settings() if any(item.state == WAITING for item in items) else None
    for index, item in enumerate(items):
        if item.state in (UNCERTAIN, REFUSED):
            (report.uncertain if item.state == UNCERTAIN else report.refused).append(item)
            continue
        try:
            if item.state == WAITING and s is not None:
                _transmit(item, s)
            _record(item)
        except (MailQueuedError, DatabaseUnavailableError) as exc:
            if isinstance(exc, MailRecordQueuedError):
                report.sent.append(item)
                index += 1
            rest = items[index:]
            report.waiting.extend(i for i in rest if i.state in (WAITING, SENT))
            report.uncertain.extend(i for i in rest if i.state == UNCERTAIN)
            report.refused.extend(i for i in rest if i.state == REFUSED)
            return report
        except MailUncertainError:
            report.uncertain.append(item)
            continue
        except KlachtenbureauError:
            report.refused.append(item)
            continue
        report.sent.append(item)
    return report


def resend(item: OutboxItem) -> SendResult:
    """The user decided: send this mail (again, after an uncertain outcome or a refusal) and record it."""
    item.state = WAITING
    _transmit(item, _ready_settings())
    complaint = _record(item)
    return SendResult(item.message_id, item.to, complaint)


def mark_sent(item: OutboxItem) -> Complaint:
    """The user found the mail did go (in Sent items, or the complainant has it): record it, send nothing."""
    item.state, item.problem = SENT, ""
    _save(item)
    return _record(item)


def record_own_send(user: User, complaint: Complaint, kind: str, pdf: bytes, text: letters.EmailText,
                    database_url: str, adapted: bool = False, note: str = "") -> Complaint:
    """The user sent the draft from their own mail program: keep this mail with the complaint, send nothing.

    Recorded like a mail the server accepted (the .eml, the timeline, the acknowledgement), through the write
    queue, so a database that is away gets it later.
    """
    letters.require_record(user, complaint, kind)
    item = _new_item(user, complaint, kind, pdf, text, database_url, new_operation_id(), mail_settings.load(),
                     SENT, adapted, note)
    return _record(item, user)


def send_test_mail(settings: MailSettings, to: str) -> None:
    """A short mail to ``to`` with the settings as the dialog holds them; a typed Dutch error says what failed."""
    s = mail_settings.clean(settings)
    try:
        address = normalize_email(to)
    except KlachtenbureauError as exc:
        raise MailError(exc.message) from exc
    if not address:
        raise MailError(_("Vul het adres in waar de testmail heen moet."))
    if not s.smtp_host:
        raise MailError(_("Vul de mailserver in."))
    message = EmailMessage(policy=_POLICY)
    message["From"] = email.utils.formataddr((s.from_name or letters.organisation().name, s.from_address))
    message["To"] = address
    message["Subject"] = _("Testmail van Klachtenbureau")
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = message_id(new_operation_id(), s.from_address)
    message.set_content(_("Deze testmail laat zien dat Klachtenbureau e-mail kan versturen via {host}.").format(
        host=s.smtp_host) + "\n", cte="quoted-printable")
    try:
        smtp.transmit(s, s.from_address, [address], message.as_bytes())
    except MailUncertainError as exc:
        raise MailError(exc.message + " " + _("Kijk of de testmail is aangekomen.")) from exc
    except MailQueuedError as exc:  # nothing waits: the test mail is tried once, while the administrator looks
        raise MailError(exc.message) from exc
