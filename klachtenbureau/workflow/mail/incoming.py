"""Reading one e-mail (.eml bytes or an Outlook .msg) into what the desk needs (issue 14, incoming mail).

Mails come in every charset, HTML-only, with broken headers, truncated parts and big attachments. None of
that stops the desk: what cannot be read becomes a Dutch line in ``problems`` and the original bytes are
kept with the complaint, so nothing is lost. The body the telephonist reads has the quoted earlier mail and
the signature trimmed; ``full_body`` keeps everything. Website form mails ("Naam: …", "E-mail: …") become
the intake's fields through a configurable label mapping. No Qt.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import email
import email.errors
import email.header
import email.utils
import hashlib
import html
import html.parser
import logging
import re
import unicodedata
from collections.abc import Mapping
from email import policy
from email.message import Message
from pathlib import Path
from typing import Any

from klachtenbureau.i18n import N_, _
from klachtenbureau.models import Complaint, Document, TimelineEntry, User, now
from klachtenbureau.errors import ValidationError
from klachtenbureau.workflow import numbering, permissions
from klachtenbureau.workflow.db_errors import typed_errors
from klachtenbureau.workflow.editing import MAX_DOCUMENT_BYTES
from klachtenbureau.workflow.intake import NewReport
from klachtenbureau.workflow.operations import Outcome, perform
from klachtenbureau.workflow.report_fields import RELATION_FIELDS

log = logging.getLogger(__name__)

EML_MIME, MSG_MIME = "message/rfc822", "application/vnd.ms-outlook"
NO_TEXT = N_("Deze e-mail bevat geen tekst.")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Outlook .msg is an OLE compound file
_NUMBER_RE = re.compile(rf"\b{numbering.PREFIX}(\d{{4}})-(\d{{4,}})\b")

# Website form label (folded: lower case, no accents, no colon) -> intake field. The relation's fields are
# ``report_fields.RELATION_FIELDS``, the report's are NewReport's (as the form import, workflow/importer.py).
DEFAULT_FORM_MAPPING: dict[str, str] = {
    "naam": "name", "uw naam": "name", "voor- en achternaam": "name",
    "e-mail": "email", "e-mailadres": "email", "email": "email", "emailadres": "email", "uw e-mailadres": "email",
    "telefoon": "phone", "telefoonnummer": "phone", "tel": "phone", "mobiel": "phone",
    "adres": "street", "straat": "street", "straat en huisnummer": "street",
    "postcode": "postcode", "woonplaats": "city", "plaats": "city",
    "omschrijving": "description", "bericht": "description", "uw klacht": "description", "klacht": "description",
    "uw bericht": "description", "toelichting": "description",
    "gewenste oplossing": "desired_outcome", "datum voorval": "incident_date",
}
FORM_FIELDS = frozenset(RELATION_FIELDS) | {field.name for field in dataclasses.fields(NewReport)}


@dataclasses.dataclass(frozen=True)
class Attachment:
    name: str
    mime_type: str
    content: bytes


@dataclasses.dataclass(frozen=True)
class IncomingMessage:
    """One mail as the desk shows and keeps it; see workflow/mail/__init__.py for the shared plan."""

    message_id: str  # without <>; "sha256:<hex of the raw bytes>" when the mail has none
    sender_name: str
    sender_address: str
    received_at: dt.datetime | None  # naive local time; None when the date is missing or unreadable
    subject: str
    body: str  # quotes and signature trimmed
    full_body: str
    attachments: tuple[Attachment, ...]
    complaint_number: str  # "K2026-0042" when the subject holds one
    problems: tuple[str, ...]  # Dutch, for the user
    raw: bytes
    raw_name: str  # ends .eml or .msg

    def preview(self, length: int = 160) -> str:
        """The body on one line, cut at ``length`` characters."""
        text = " ".join(self.body.split())
        return text if len(text) <= length else text[:length - 1].rstrip() + "…"


# --- text: charsets, HTML, trimming -------------------------------------------------------------

# Mails that say Latin-1 or ASCII are in practice Windows-1252 (as every browser reads them): "€" and quotes.
_AS_CP1252 = {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso8859-1"}


def _decode(data: bytes, charset: str | None, problems: list[str]) -> str:
    """Text in the declared charset; undeclared: UTF-8, else Windows-1252. Never raises."""
    name = (charset or "").strip().strip('"').lower()
    if name in _AS_CP1252:
        name = "cp1252"
    if name:
        try:
            return data.decode(name)
        except LookupError:
            problems.append(_("De e-mail gebruikt een onbekende tekenset ({charset}); sommige tekens kunnen "
                              "verkeerd staan.").format(charset=charset))
        except UnicodeDecodeError:
            problems.append(_("Een deel van de tekst past niet bij de tekenset van de e-mail ({charset}); "
                              "onleesbare tekens zijn vervangen.").format(charset=charset))
            return data.decode(name, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _TextFromHtml(html.parser.HTMLParser):
    """The readable text of an HTML mail: paragraphs kept, style/script/head dropped, entities unescaped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol",
              "hr", "pre", "address", "section", "article", "header", "footer"}
    HIDDEN = {"style", "script", "head", "title", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n" if tag == "br" else "\n\n")
        elif tag == "td":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS and tag != "br":
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser gives up on some broken markup; keep what it read
        log.info("HTML van een e-mail deels onleesbaar", exc_info=True)
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one empty line in a row, no blank start or end."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_REPLY_HEADERS = [
    re.compile(r"^-{2,}\s*(oorspronkelijk bericht|original message)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^(op|on)\s.{4,}\b(schreef|wrote)\b.*:\s*$", re.IGNORECASE),
]
_SPLIT_REPLY_HEADER = re.compile(r"^(op|on)\s.{4,}$", re.IGNORECASE)  # "Op … schreef Jan\n<jan@x.nl>:"
_OUTLOOK_FROM = re.compile(r"^\*?(van|from)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\*?(verzonden|sent|datum|date)\s*:\*?\s", re.IGNORECASE)
_FORWARD_LINE = re.compile(r"^-{2,}\s*(doorgestuurd bericht|forwarded message)\s*-{2,}\s*$", re.IGNORECASE)
_FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|doorst|tr|wg)\s*:", re.IGNORECASE)
_MOBILE_FOOTER = re.compile(
    r"^((verzonden|verstuurd)\s+(vanaf|met|via|van)\s+.{2,40}|sent\s+from\s+.{2,40}|"
    r"(get|download)\s+outlook\s+for\s+\w+|outlook\s+voor\s+\w+\s+downloaden)$", re.IGNORECASE)


def trim_reply(text: str, subject: str = "") -> str:
    """``text`` without the quoted earlier mail, the "-- " signature and mobile footers.

    A forwarded mail (by its subject or a "Doorgestuurd bericht" line) keeps what was forwarded: a volunteer
    forwards a participant's complaint (seed 000), and that is the complaint. The greeting ("Met vriendelijke
    groet, Jan") stays: it is often the only place the name is.
    """
    if _FORWARD_SUBJECT.match(subject):
        return _tidy(text)
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        plain = line.strip()
        if _FORWARD_LINE.match(plain):
            kept.extend(lines[index:])
            break
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if (any(pattern.match(plain) for pattern in _REPLY_HEADERS)
                or (_SPLIT_REPLY_HEADER.match(plain) and re.search(r"\b(schreef|wrote)\b.*:$|^<.*>:$", following)
                    and re.search(r"\b(schreef|wrote)\b", plain + " " + following, re.IGNORECASE))
                or (_OUTLOOK_FROM.match(plain) and any(_OUTLOOK_SENT.match(later.strip())
                                                       for later in lines[index + 1:index + 4]))):
            break
        if line.rstrip() in ("--", "-- ") or line == "-- ":
            break
        if plain.startswith(">") or _MOBILE_FOOTER.match(plain):
            continue
        kept.append(line)
    return _tidy("\n".join(kept))


# --- .eml ---------------------------------------------------------------------------------------


def _header(msg: Message, name: str, problems: list[str]) -> str:
    """A header as text, RFC 2047 decoded; broken headers as far as they can be read."""
    try:
        value = msg.get(name)
        return " ".join(str(value).split()) if value is not None else ""
    except Exception:  # noqa: BLE001 - the header registry raises on some malformed headers
        raw = [value for key, value in msg.raw_items() if key.lower() == name.lower()]  # as the mail has it
        problems.append(_("De kop “{name}” van de e-mail is beschadigd.").format(name=name))
        try:
            text = str(email.header.make_header(email.header.decode_header(str(raw[0])))) if raw else ""
        except Exception:  # noqa: BLE001
            text = str(raw[0]) if raw else ""
        return " ".join(text.split())


def _sender(msg: Message, problems: list[str]) -> tuple[str, str]:
    try:
        header = msg.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        if addresses:
            return addresses[0].display_name.strip(), addresses[0].addr_spec.strip().strip("<>")
    except Exception:  # noqa: BLE001
        pass
    name, address = email.utils.parseaddr(_header(msg, "From", problems))
    return name.strip(), address.strip() if "@" in address else ""


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """A mail's moment as the desk's naive local time (a date without a zone is taken as it stands)."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _date(msg: Message, problems: list[str]) -> dt.datetime | None:
    text = _header(msg, "Date", problems)
    if not text:
        return None
    try:
        return _local(email.utils.parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append(_("De datum van de e-mail is onleesbaar: {date}").format(date=text[:60]))
        return None


def _file_name(subject: str, received_at: dt.datetime | None, suffix: str) -> str:
    """A file name for the original mail: date and subject, without characters Windows refuses."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", subject)
    stem = " ".join(stem.split())[:80].strip(" .") or "e-mail"
    return (f"{received_at:%Y-%m-%d} " if received_at else "") + stem + suffix


class _Body:
    """What a walk over the MIME parts found."""

    def __init__(self) -> None:
        self.plain: str | None = None
        self.html: str | None = None
        self.attachments: list[Attachment] = []


def _walk(part: Message, found: _Body, problems: list[str]) -> None:
    ctype = part.get_content_type()
    try:
        name, disposition = part.get_filename(), part.get_content_disposition() or ""
    except Exception:  # noqa: BLE001 - a broken Content-Disposition or RFC 2231 parameter
        name, disposition = None, ""
    if ctype == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        try:
            data = inner.as_bytes() if isinstance(inner, Message) else b""
            subject = _header(inner, "Subject", []) if isinstance(inner, Message) else ""
        except Exception:  # noqa: BLE001
            data, subject = b"", ""
        found.attachments.append(Attachment(name or _file_name(subject, None, ".eml"), EML_MIME, data))
        return
    if part.is_multipart():
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            _walk(sub, found, problems)
        return
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001
        data = b""
    if disposition != "attachment" and not name and ctype in ("text/plain", "text/html"):
        text = _decode(data, part.get_param("charset"), problems)
        if ctype == "text/plain" and found.plain is None:
            found.plain = text
            return
        if ctype == "text/html" and found.html is None:
            found.html = text
            return
    if data or name:
        found.attachments.append(Attachment(name or f"bijlage-{len(found.attachments) + 1}", ctype, data))


def parse_eml(raw: bytes) -> IncomingMessage:
    """One .eml; never raises on a bad mail (what could not be read is in ``problems``)."""
    problems: list[str] = []
    msg = email.message_from_bytes(raw, policy=policy.default)
    found = _Body()
    try:
        _walk(msg, found, problems)
    except Exception:  # noqa: BLE001 - a MIME tree broken beyond the parser's repairs
        log.info("E-mail deels onleesbaar", exc_info=True)
        problems.append(_("Een deel van de e-mail kon niet worden gelezen."))
    if any(not isinstance(defect, email.errors.HeaderDefect) for part in msg.walk()
           for defect in getattr(part, "defects", ())):
        problems.append(_("De e-mail is niet volgens de regels opgebouwd; wat leesbaar was, staat hier. "
                          "Het origineel wordt bewaard."))
    sender_name, sender_address = _sender(msg, problems)
    received_at = _date(msg, problems)
    subject = _header(msg, "Subject", problems)
    message_id = _header(msg, "Message-ID", problems).strip().strip("<>").strip()
    text = found.plain if found.plain is not None and found.plain.strip() else (
        html_to_text(found.html) if found.html is not None else (found.plain or ""))
    return _message(raw, message_id, sender_name, sender_address, received_at, subject, text,
                    found.attachments, problems, ".eml")


def _message(raw: bytes, message_id: str, sender_name: str, sender_address: str, received_at: dt.datetime | None,
             subject: str, text: str, attachments: list[Attachment], problems: list[str],
             suffix: str) -> IncomingMessage:
    full_body = _tidy(text)
    body = trim_reply(full_body, subject) or full_body
    if not full_body:
        problems.append(_(NO_TEXT))
    number = _NUMBER_RE.search(subject)
    return IncomingMessage(
        message_id=message_id or "sha256:" + hashlib.sha256(raw).hexdigest(),
        sender_name=sender_name, sender_address=sender_address, received_at=received_at, subject=subject,
        body=body, full_body=full_body, attachments=tuple(attachments),
        complaint_number=number.group(0) if number else "", problems=tuple(dict.fromkeys(problems)), raw=raw,
        raw_name=_file_name(subject, received_at, suffix))


# --- Outlook .msg ----------------------------------------------------------------------------------


def _unreadable(raw: bytes, suffix: str, problem: str) -> IncomingMessage:
    return _message(raw, "", "", "", None, "", "", [], [problem], suffix)


def parse_msg(raw: bytes) -> IncomingMessage:
    """One Outlook .msg (extract-msg); never raises on a bad file."""
    import extract_msg  # only when a .msg comes in: it brings a lot with it

    try:
        msg = extract_msg.openMsg(raw)
    except Exception:  # noqa: BLE001 - not an Outlook message, or a damaged one
        log.info("Outlook-bericht onleesbaar", exc_info=True)
        return _unreadable(raw, ".msg", _("Dit Outlook-bericht (.msg) kon niet worden gelezen."))
    problems: list[str] = []
    try:
        def read(name: str) -> Any:
            try:
                return getattr(msg, name)
            except Exception:  # noqa: BLE001
                log.info("Outlook-bericht: %s onleesbaar", name, exc_info=True)
                problems.append(_("Een deel van het Outlook-bericht kon niet worden gelezen."))
                return None

        sender_name, sender_address = email.utils.parseaddr(str(read("sender") or ""))
        text = read("body") or ""
        if not text.strip() and (markup := read("htmlBody")):
            text = html_to_text(_decode(markup, None, problems) if isinstance(markup, bytes) else str(markup))
        attachments = []
        for attachment in read("attachments") or ():
            try:
                data = attachment.data
                name = attachment.longFilename or attachment.shortFilename or ""
                if isinstance(data, bytes):
                    attachments.append(Attachment(name or f"bijlage-{len(attachments) + 1}",
                                                  getattr(attachment, "mimetype", None) or "application/octet-stream",
                                                  data))
                elif hasattr(data, "exportBytes"):  # an attached Outlook message
                    title = name or str(getattr(data, "subject", "") or "")
                    attachments.append(Attachment(_file_name(title, None, ".msg"), MSG_MIME, data.exportBytes()))
            except Exception:  # noqa: BLE001
                log.info("Outlook-bijlage onleesbaar", exc_info=True)
                problems.append(_("Een bijlage van het Outlook-bericht kon niet worden gelezen."))
        return _message(raw, str(read("messageId") or "").strip().strip("<>"), sender_name.strip(),
                        sender_address.strip() if "@" in sender_address else "", _local(read("date")),
                        " ".join(str(read("subject") or "").split()), text, attachments, problems, ".msg")
    finally:
        msg.close()


def parse_file(path: Path) -> IncomingMessage:
    """An .eml or .msg file, by its content (an OLE file is a .msg whatever its name). OSError when unreadable."""
    raw = path.read_bytes()
    return parse_msg(raw) if raw.startswith(_OLE_MAGIC) else parse_eml(raw)


# --- into the intake ---------------------------------------------------------------------------------


def fold_label(label: str) -> str:
    """A form label as the mapping compares it: lower case, no accents, no trailing colon, single spaces."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return " ".join(plain.lower().strip().rstrip(":").strip().split())


@typed_errors
def form_mapping() -> dict[str, str]:
    """The office's website-form mapping (Beheer → E-mail), or the usual Dutch labels; a database out of reach
    raises the typed error (the wizard then uses the usual labels)."""
    from klachtenbureau.workflow.mail import mail_settings

    return dict(mail_settings.load().form_mapping) or dict(DEFAULT_FORM_MAPPING)


# The intake fields a website form fills, by the name the administrator types in Beheer → E-mail.
FORM_TARGETS = {"name": N_("naam"), "email": N_("e-mail"), "phone": N_("telefoon"), "street": N_("adres"),
                "postcode": N_("postcode"), "city": N_("woonplaats"), "description": N_("omschrijving"),
                "desired_outcome": N_("gewenste oplossing"), "incident_date": N_("datum voorval")}


def mapping_text(mapping: Mapping[str, str]) -> str:
    """The mapping as the administrator edits it: one "Label in het formulier = veld" per line."""
    return "\n".join(f"{label} = {_(FORM_TARGETS.get(field, field))}" for label, field in mapping.items())


def parse_mapping(text: str) -> dict[str, str]:
    """The lines of :func:`mapping_text` back to a mapping; empty means "the usual Dutch labels".

    Raises ValidationError at ``form_mapping`` naming the first line that is not "label = veld" with a known veld.
    """
    fields = {fold_label(_(name)): field for field, name in FORM_TARGETS.items()}
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        label, equals, target = line.partition("=")
        field = fields.get(fold_label(target))
        if not equals or not fold_label(label) or field is None:
            raise ValidationError({"form_mapping": _(
                "Regel {n}: schrijf “veldnaam in het formulier = veld”, met als veld een van: {fields}.").format(
                n=number, fields=", ".join(_(name) for name in FORM_TARGETS.values()))})
        mapping[fold_label(label)] = field
    return mapping


_LABEL_LINE = re.compile(r"^\s*\**([^:\n]{1,40}?)\**\s*:\s*(.*)$")


def form_values(text: str, mapping: Mapping[str, str]) -> dict[str, str]:
    """Field -> value from "Label: value" lines; a label alone on its line takes the lines below it (a long
    description) up to the next known label."""
    labels = {fold_label(label): field for label, field in mapping.items() if field in FORM_FIELDS}
    values: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.split("\n"):
        match = _LABEL_LINE.match(line)
        field = labels.get(fold_label(match.group(1))) if match else None
        if field is not None:
            current = field
            values.setdefault(field, [])
            if match.group(2).strip():
                values[field].append(match.group(2).strip())
        elif current is not None:
            values[current].append(line.rstrip())
    return {field: _tidy("\n".join(lines)) for field, lines in values.items() if _tidy("\n".join(lines))}


_ADDRESS_RE = re.compile(r"^(?P<street>.+?),?\s+(?P<postcode>\d{4}\s?[A-Za-z]{2})\s+(?P<city>.+)$")


def intake_fields(message: IncomingMessage, mapping: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The intake wizard's prefill for ``message`` (keys are NewReport's, the complainant under ``relation``).

    A website form mail ("Naam: …" lines matched by ``mapping``, default :func:`form_mapping`) gives channel
    "website" and its fields; any other mail gives the sender's name and address, the trimmed body as
    description and channel "email". ``search`` is the e-mail address: the wizard's search finds a known
    complainant by it.
    """
    values = form_values(message.full_body, form_mapping() if mapping is None else mapping)
    relation = {name: values.pop(name) for name in RELATION_FIELDS if name in values}
    is_form = bool(relation) and "description" in values
    if not is_form:
        values = {}
        relation = {"name": message.sender_name, "email": message.sender_address}
    elif "street" in relation and not relation.get("postcode") and (
            address := _ADDRESS_RE.match(relation["street"].replace("\n", " "))):
        relation.update(street=address["street"].strip(), postcode=address["postcode"], city=address["city"].strip())
    relation.setdefault("email", message.sender_address if not is_form else "")
    fields: dict[str, Any] = {
        "channel": "website" if is_form else "email",
        "received_at": message.received_at,
        "description": values.pop("description", message.body),
        "relation": {name: relation.get(name, "") for name in RELATION_FIELDS if name != "relation_type"},
        "search": relation.get("email") or relation.get("name") or "",
    }
    fields.update({name: value for name, value in values.items() if name not in fields})
    return fields


def mail_document(message: IncomingMessage) -> dict[str, str]:
    """The original mail as ``NewReport.mail`` carries it through the write queue (JSON: base64)."""
    return {"name": message.raw_name, "mime_type": MSG_MIME if message.raw_name.endswith(".msg") else EML_MIME,
            "content": base64.b64encode(message.raw).decode("ascii")}


def from_document(document: dict[str, str]) -> IncomingMessage:
    """The message again from what ``mail_document`` made of it (a report waiting in the queue)."""
    raw = base64.b64decode(document["content"])
    return parse_msg(raw) if document.get("name", "").endswith(".msg") else parse_eml(raw)


# --- onto a complaint ----------------------------------------------------------------------------------


def add_mail_to_complaint(user: User, complaint: Complaint, message: IncomingMessage,
                          operation_id: str | None = None) -> Document:
    """The mail as an incoming contact moment on the complaint's timeline, the original kept as a document.

    The moment is the mail's date (not one in the future). One write: both or neither; sent again with the same
    operation id it is recognised (``operations.perform``).
    """
    permissions.require_add_to(user, complaint)
    if len(message.raw) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"document": _("{name} is te groot (meer dan {mb} MB).").format(
            name=message.raw_name, mb=MAX_DOCUMENT_BYTES // (1024 * 1024))})
    digest = hashlib.sha256(message.raw).hexdigest()
    mime = MSG_MIME if message.raw_name.endswith(".msg") else EML_MIME
    subject = message.subject or _("(zonder onderwerp)")

    def body() -> Outcome:
        current = Complaint.get_by_id(complaint.id)
        permissions.require_add_to(user, current)
        if Document.select().where((Document.complaint == current.id) & (Document.sha256 == digest)).exists():
            raise ValidationError({"document": _("Deze e-mail is al bij klacht {number} bewaard.").format(
                number=current.number)})
        moment = now()
        document = Document.create(complaint=current, kind="email", name=message.raw_name, mime_type=mime,
                                   content=message.raw, size=len(message.raw), sha256=digest, created_by=user.id)
        TimelineEntry.create(complaint=current, user=user.id, kind="contact", method="email", direction="in",
                             summary=_("E-mail ontvangen: {subject}").format(subject=subject),
                             at=min(message.received_at or moment, moment))
        return Outcome(document, {"kind": "email", "name": message.raw_name, "mime_type": mime,
                                  "size": len(message.raw), "sha256": digest}, current.id)

    return perform(user, "attach", body, operation_id)
