"""The office's IMAP mailbox folder: list what is new, fetch one message, mark it once the database has it.

Reading never changes the mailbox (EXAMINE and BODY.PEEK: nothing is marked as read by looking). The database
is the truth about what was dealt with (models/mail.IncomingMail, by Message-ID); the mark on the server (the
keyword ``$Klachtenbureau`` with \\Seen, or a move to ``imap_done_folder``) only keeps the folder tidy and lets
the server skip handled messages, so a mark that failed is simply tried again later (``mark_pending``).

A folder of thousands of messages is listed a batch of Message-IDs at a time from the newest, and only the page
shown is fetched in full (its headers and the start of its text). No Qt.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import imaplib
import logging
import re
import ssl
from collections.abc import Iterator, Sequence

from klachtenbureau.errors import MailError
from klachtenbureau.i18n import _
from klachtenbureau.models import IncomingMail, now
from klachtenbureau.models.database import retry_on_busy, write_transaction
from klachtenbureau.models.mail import NEW
from klachtenbureau.workflow.mail.incoming import IncomingMessage, parse_eml
from klachtenbureau.workflow.mail.mail_settings import MailSettings

log = logging.getLogger(__name__)

KEYWORD = "$Klachtenbureau"
TIMEOUT = 30  # seconds for connecting and for each answer
BATCH = 200   # Message-IDs asked for at a time while looking for the page's new messages
PREVIEW_BYTES = 8192  # of each listed message's text: enough for a preview, never a whole attachment


class MailboxError(MailError):
    """The mailbox cannot be read or changed as set up; the message says what to do."""


class MailboxUnreachableError(MailboxError):
    """The mail server does not answer (no network, wrong server name or port, server down)."""


class MailboxLoginError(MailboxError):
    """The mail server refused the account or its password."""


class MailboxFolderError(MailboxError):
    """The folder set up in Beheer → E-mail does not exist (any more)."""


class MessageGoneError(MailboxError):
    """The message is no longer in the folder: someone moved or deleted it meanwhile."""


@dataclasses.dataclass(frozen=True)
class Listed:
    """One new message as the list Binnengekomen shows it."""

    uid: int
    message_id: str
    sender_name: str
    sender_address: str
    subject: str
    date: dt.datetime | None
    size: int
    preview: str
    complaint_number: str  # "K2026-0042" when the subject holds one

    @property
    def sender(self) -> str:
        if self.sender_name and self.sender_address:
            return f"{self.sender_name} <{self.sender_address}>"
        return self.sender_name or self.sender_address


# --- connecting ----------------------------------------------------------------------------------------


def folder_name(name: str) -> str:
    """``name`` as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3) for letters outside ASCII, quoted."""
    out: list[str] = []
    wide: list[str] = []

    def flush() -> None:
        if wide:
            encoded = base64.b64encode("".join(wide).encode("utf-16-be")).decode("ascii").rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            wide.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            wide.append(char)
    flush()
    return '"' + "".join(out).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _on_server(conn: imaplib.IMAP4, name: str) -> str:
    """``name`` ("Klachten/Verwerkt") with the server's own separator between its folders, quoted for IMAP."""
    typ, data = conn.list('""', '""')
    found = re.search(rb'\) "(.)"', data[0]) if typ == "OK" and data and isinstance(data[0], bytes) else None
    separator = found.group(1).decode() if found else "/"
    return folder_name(name.replace("/", separator) if separator != "/" else name)


def _unreachable(settings: MailSettings, exc: BaseException) -> MailboxUnreachableError:
    log.info("IMAP-server %s:%s niet bereikbaar: %r", settings.imap_host, settings.imap_port, exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailboxUnreachableError(_(
            "De mailserver {host} kon zich niet betrouwbaar bekendmaken (het certificaat klopt niet). Controleer de "
            "servernaam in Beheer → E-mail.").format(host=settings.imap_host))
    return MailboxUnreachableError(_(
        "De mailserver {host} (poort {port}) is niet bereikbaar. Controleer de netwerkverbinding en de server en "
        "poort in Beheer → E-mail; de berichten blijven op de server staan.").format(
            host=settings.imap_host, port=settings.imap_port))


def _open(settings: MailSettings) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    try:
        if settings.imap_security == "ssl":
            return imaplib.IMAP4_SSL(settings.imap_host, settings.imap_port, ssl_context=context, timeout=TIMEOUT)
        conn = imaplib.IMAP4(settings.imap_host, settings.imap_port, timeout=TIMEOUT)
        if settings.imap_security == "starttls":
            try:
                conn.starttls(context)
            except imaplib.IMAP4.error as exc:
                conn.shutdown()
                raise MailboxError(_(
                    "De mailserver {host} biedt geen STARTTLS aan. Kies in Beheer → E-mail de beveiliging SSL/TLS "
                    "(meestal poort 993).").format(host=settings.imap_host)) from exc
        return conn
    except (OSError, imaplib.IMAP4.abort) as exc:  # refused, no route, unknown name, timeout, TLS failure
        raise _unreachable(settings, exc) from exc


def _login(conn: imaplib.IMAP4, settings: MailSettings) -> None:
    try:
        if settings.auth == "microsoft365":
            from klachtenbureau.workflow.mail import oauth  # MSAL only for the offices that use it

            token = oauth.access_token(settings, settings.imap_user, [oauth.IMAP_SCOPE])
            conn.authenticate("XOAUTH2", lambda _challenge: oauth.xoauth2(settings.imap_user, token).encode())
        else:
            conn.login(settings.imap_user, settings.imap_password)
    except imaplib.IMAP4.abort as exc:
        raise _unreachable(settings, exc) from exc
    except imaplib.IMAP4.error as exc:
        log.info("IMAP-aanmelding geweigerd voor %s: %s", settings.imap_user, exc)
        raise MailboxLoginError(_(
            "De mailserver weigert de aanmelding van {user}. Controleer de gebruikersnaam en het (app-)wachtwoord "
            "in Beheer → E-mail.").format(user=settings.imap_user)) from exc


def _select(conn: imaplib.IMAP4, folder: str, readonly: bool) -> int:
    """Open ``folder``; returns how many messages it holds."""
    typ, data = conn.select(_on_server(conn, folder), readonly=readonly)
    if typ != "OK":
        raise MailboxFolderError(_(
            "De map {folder} bestaat niet in de mailbox. Kies in Beheer → E-mail de map waarin de klachten "
            "binnenkomen.").format(folder=folder))
    return int(data[0] or 0)


@contextlib.contextmanager
def session(settings: MailSettings, folder: str | None = None, readonly: bool = True) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection, ``folder`` selected (read-only unless asked); typed Dutch errors, closed after."""
    conn = _open(settings)
    try:
        _login(conn, settings)
        if folder is not None:
            _select(conn, folder, readonly)
        yield conn
    except (OSError, imaplib.IMAP4.abort) as exc:  # the connection broke halfway
        raise _unreachable(settings, exc) from exc
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            conn.logout()


def check(settings: MailSettings) -> int:
    """Connect, sign in and open the folder, as the "test" button of Beheer → E-mail does; returns its size."""
    with session(settings) as conn:
        return _select(conn, settings.imap_folder, readonly=True)


# --- reading ---------------------------------------------------------------------------------------------

_LITERAL_KEY = re.compile(rb"(BODY\[[^\]]*\](?:<\d+>)?) \{\d+\}$")


def _fetch(conn: imaplib.IMAP4, uids: Sequence[int], items: str) -> dict[int, dict[bytes, bytes]]:
    """UID FETCH ``items`` of ``uids``: per UID the literals by name (b"BODY[]") and the rest as b"meta"."""
    if not uids:
        return {}
    typ, data = conn.uid("FETCH", ",".join(map(str, uids)), items)
    if typ != "OK":
        raise imaplib.IMAP4.abort(f"FETCH: {data!r}")
    # imaplib gives a message as (text, literal) pairs, one per literal, then the text after the last literal;
    # a message without literals as one text.
    found: dict[int, dict[bytes, bytes]] = {}
    current: dict[bytes, bytes] | None = None
    for item in data:
        if isinstance(item, tuple):
            current = current or {b"meta": b""}
            current[b"meta"] += b" " + item[0]
            key = _LITERAL_KEY.search(item[0])
            if key:
                current[key.group(1)] = item[1]
            continue
        if not isinstance(item, bytes):
            continue
        current = current or {b"meta": b""}
        current[b"meta"] += b" " + item
        uid = re.search(rb"\bUID (\d+)", current[b"meta"])
        if uid:  # without one: an unasked-for update of another message's flags
            found[int(uid.group(1))] = current
        current = None
    return found


def _message_ids(conn: imaplib.IMAP4, uids: Sequence[int]) -> dict[int, str]:
    """Message-ID per UID, read as incoming.parse_eml reads it (a mail without one: the hash of all of it)."""
    fetched = _fetch(conn, uids, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    ids: dict[int, str] = {}
    for uid, parts in fetched.items():
        header = parts.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]", b"")
        message_id = parse_eml(header.rstrip(b"\r\n") + b"\r\n\r\n").message_id if header.strip() else ""
        ids[uid] = "" if message_id.startswith("sha256:") else message_id
    without = [uid for uid, message_id in ids.items() if not message_id]
    for uid, parts in _fetch(conn, without, "(UID BODY.PEEK[])").items():  # rare: hash the whole mail
        ids[uid] = parse_eml(parts.get(b"BODY[]", b"")).message_id
    return ids


def handled_ids(message_ids: Sequence[str]) -> set[str]:
    """Which of ``message_ids`` the database already dealt with."""
    found: set[str] = set()
    for start in range(0, len(message_ids), 500):
        chunk = list(message_ids[start:start + 500])
        found.update(row[0] for row in IncomingMail.select(IncomingMail.message_id)
                     .where(IncomingMail.message_id.in_(chunk)).tuples())
    return found


def new_messages(settings: MailSettings, limit: int = 50, before_uid: int | None = None) -> list[Listed]:
    """The newest ``limit`` messages of the folder that the database has not dealt with, newest first.

    ``before_uid``: the next page, after the last one shown. Nothing on the server changes.
    """
    with session(settings, settings.imap_folder) as conn:
        criteria = ["NOT", "KEYWORD", KEYWORD]
        if before_uid is not None:
            if before_uid <= 1:
                return []
            criteria = [f"UID 1:{before_uid - 1}", *criteria]
        typ, data = conn.uid("SEARCH", *criteria)
        uids = sorted((int(u) for u in (data[0] or b"").split()), reverse=True) if typ == "OK" else []
        page: list[tuple[int, str]] = []
        for start in range(0, len(uids), BATCH):
            ids = _message_ids(conn, uids[start:start + BATCH])
            handled = handled_ids(list(set(ids.values())))
            page.extend((uid, ids[uid]) for uid in uids[start:start + BATCH] if uid in ids and ids[uid] not in handled)
            if len(page) >= limit:
                break
        page = page[:limit]
        details = _fetch(conn, [uid for uid, _id in page],
                         f"(UID RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.{PREVIEW_BYTES}>)")
    listed = []
    for uid, message_id in page:
        parts = details.get(uid)
        if parts is None:  # expunged between the two questions
            continue
        head = parts.get(b"BODY[HEADER]", b"")
        start = parse_eml(head + parts.get(b"BODY[TEXT]<0>", b""))
        size = re.search(rb"RFC822\.SIZE (\d+)", parts[b"meta"])
        listed.append(Listed(uid=uid, message_id=message_id, sender_name=start.sender_name,
                             sender_address=start.sender_address, subject=start.subject, date=start.received_at,
                             size=int(size.group(1)) if size else 0, preview=start.preview(),
                             complaint_number=start.complaint_number))
    return listed


def fetch(settings: MailSettings, uid: int) -> IncomingMessage:
    """The whole message ``uid`` of the folder, read by incoming.parse_eml; it stays unread on the server."""
    with session(settings, settings.imap_folder) as conn:
        parts = _fetch(conn, [uid], "(UID BODY.PEEK[])").get(uid)
    if parts is None or b"BODY[]" not in parts:
        raise MessageGoneError(_("Deze e-mail staat niet meer in de map {folder}: iemand heeft haar verplaatst of "
                                 "verwijderd.").format(folder=settings.imap_folder))
    return parse_eml(parts[b"BODY[]"])


# --- marking ----------------------------------------------------------------------------------------------


def _mark(conn: imaplib.IMAP4, settings: MailSettings, uids: Sequence[int]) -> None:
    """Flag ``uids`` in the selected folder, then move them to the done folder when one is set."""
    if not uids:
        return
    uid_set = ",".join(map(str, uids))
    permanent = b" ".join(conn.untagged_responses.get("PERMANENTFLAGS", []))
    flags = rf"(\Seen {KEYWORD})" if b"\\*" in permanent or KEYWORD.encode() in permanent else r"(\Seen)"
    typ, data = conn.uid("STORE", uid_set, "+FLAGS.SILENT", flags)
    if typ != "OK":
        raise imaplib.IMAP4.abort(f"STORE: {data!r}")
    done = settings.imap_done_folder.strip()
    if not done:
        return
    target = _on_server(conn, done)
    conn.create(target)  # refused when it exists: fine; a real problem shows at the move
    conn.subscribe(target)
    capabilities = conn.capabilities
    if "MOVE" in capabilities:
        typ, data = conn.uid("MOVE", uid_set, target)
    else:
        typ, data = conn.uid("COPY", uid_set, target)
        if typ == "OK":
            conn.uid("STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)")
            if "UIDPLUS" in capabilities:  # without it only a full EXPUNGE would do, which is not ours to do
                conn.uid("EXPUNGE", uid_set)
    if typ != "OK":
        raise MailboxFolderError(_("De e-mail kon niet naar de map {folder} worden verplaatst: {reason}").format(
            folder=done, reason=b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")))


@retry_on_busy
def record_marked(message_ids: Sequence[str]) -> None:
    """Note that these messages are marked on the server (bookkeeping, not a step of the procedure)."""
    with write_transaction():
        IncomingMail.update(marked_at=now()).where(IncomingMail.message_id.in_(list(message_ids))).execute()


def mark_done(settings: MailSettings, uid: int, message_id: str | None = None) -> None:
    """Mark message ``uid`` of the folder as dealt with. Call it only after the database write was confirmed.

    With ``message_id`` the database notes that the mark was made, so ``mark_pending`` leaves it alone.
    """
    with session(settings, settings.imap_folder, readonly=False) as conn:
        _mark(conn, settings, [uid])
    if message_id:
        record_marked([message_id])


def _search_id(message_id: str) -> str:
    return '"<' + message_id.replace("\\", "\\\\").replace('"', '\\"') + '>"'


def mark_pending(settings: MailSettings) -> int:
    """Mark on the server what the database dealt with but the server does not know yet; returns how many.

    A message that is no longer in its folder (moved or deleted by someone) has nothing left to mark and is
    noted as done too.
    """
    waiting = list(IncomingMail.select(IncomingMail.message_id, IncomingMail.uid, IncomingMail.folder)
                   .where(IncomingMail.marked_at.is_null() & (IncomingMail.status != NEW)).tuples())
    if not waiting:
        return 0
    marked = 0
    with session(settings) as conn:
        for folder in sorted({row[2] or settings.imap_folder for row in waiting}):
            rows = [row for row in waiting if (row[2] or settings.imap_folder) == folder]
            if conn.select(_on_server(conn, folder), readonly=False)[0] != "OK":
                continue  # the folder is gone: try again once the administrator set it up again
            uids = []
            for message_id, uid, _folder in rows:
                if message_id.startswith("sha256:"):
                    found = [uid] if uid else []
                else:
                    typ, data = conn.uid("SEARCH", "HEADER", "MESSAGE-ID", _search_id(message_id))
                    found = [int(u) for u in (data[0] or b"").split()] if typ == "OK" else []
                uids.extend(found)
            _mark(conn, settings, sorted(set(uids)))
            record_marked([row[0] for row in rows])
            marked += len(rows)
    return marked

