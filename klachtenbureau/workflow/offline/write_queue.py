"""Writes that wait on this PC until the database is back: neither lost nor doubled.

A pending-write queue in ``config.data_dir() / 'wachtrij'``, one JSON file
per write, written *before* the write is tried. A write that failed because
the database was out of reach, or whose outcome is unknown, is sent again
later with the *same* operation id, so the database recognises one that did
arrive (``operations.perform``). Nothing the user typed is lost and nothing
is saved twice.

A payload holds what the user decided, in plain JSON: for a registration the
report's fields, for a step of the procedure the complaint's number, the
version the user started from and the step's arguments. Replayed later, a
step against a complaint someone changed meanwhile is refused (ConflictError)
instead of overwriting their work, exactly as it would have been at once;
it then stays in the queue with that problem so the user can copy their text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from klachtenbureau import config
from klachtenbureau.errors import DatabaseUnavailableError, KlachtenbureauError
from klachtenbureau.i18n import _
from klachtenbureau.models import AuditEntry, Complaint, User
from klachtenbureau.models.database import identity
from klachtenbureau.workflow import db_errors, intake, ledger, procedure, queries
from klachtenbureau.workflow.offline import drafts, resilience
from klachtenbureau.workflow.operations import Outcome, new_operation_id, perform

log = logging.getLogger(__name__)


class WriteQueuedError(DatabaseUnavailableError):
    """The write could not be done now and waits in this PC's queue; ``cause`` says why."""

    def __init__(self, cause: DatabaseUnavailableError, operation_id: str):
        super().__init__(cause.message + " " + _(
            "Uw wijziging is op deze computer bewaard en wordt verstuurd zodra de database weer bereikbaar is."))
        self.cause = cause
        self.operation_id = operation_id


# --- payloads -------------------------------------------------------------------------

# The steps of the procedure a queued write may be.
STEPS: dict[str, Callable[..., Any]] = {
    "acknowledge": procedure.acknowledge,
    "assign": procedure.assign,
    "investigate": procedure.investigate,
    "verdict": procedure.record_verdict,
    "remedy": procedure.record_remedy,
    "propose_answer": procedure.propose_answer,
    "answer": procedure.answer,
    "extend": procedure.extend,
    "wait": procedure.wait,
    "resume": procedure.resume,
    "escalate": procedure.escalate,
    "aftercare": procedure.aftercare,
    "close": procedure.close,
    "reopen": procedure.reopen,
    "contact": procedure.add_contact,
}
_DATES = ("new_answer_by", "answer_by", "until")
_MOMENTS = ("at",)


def plain(value: Any) -> Any:
    """``value`` as JSON keeps it: dates as ISO text, a user by login."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, User):
        return value.login
    return value


# A registration's payload is the report's JSON.
report_payload = intake.NewReport.to_json
report_from_payload = intake.NewReport.from_json


def step_payload(complaint: Complaint, arguments: dict[str, Any], label: str = "", text: str = "",
                 form: dict[str, Any] | None = None) -> dict[str, Any]:
    """A step of the procedure as JSON: which complaint, as loaded at which version, with what.

    ``label``, ``text`` and ``form`` are for people, should the database refuse
    the step later: what it was, the input as text to copy, and the dialog's
    values to fill it in again.
    """
    return {"number": complaint.number, "version": complaint.version,
            "arguments": {name: plain(value) for name, value in arguments.items()},
            "label": label, "text": text, "form": {name: plain(value) for name, value in (form or {}).items()}}


def _decode(arguments: dict[str, Any]) -> dict[str, Any]:
    values = dict(arguments)
    for name in _DATES:
        if values.get(name):
            values[name] = dt.date.fromisoformat(values[name])
    for name in _MOMENTS:
        if values.get(name):
            values[name] = dt.datetime.fromisoformat(values[name])
    if "handler" in values:
        values["handler"] = User.get(User.login == values["handler"])
    return values


REGISTERING = ("register", "register_mail")  # actions whose payload is a report


def _register(user: User, payload: dict[str, Any], operation_id: str) -> Complaint:
    return intake.register(user, report_from_payload(payload), operation_id)


def _step(action: str) -> Callable[[User, dict[str, Any], str], Any]:
    def run(user: User, payload: dict[str, Any], operation_id: str) -> Any:
        complaint = queries.get_complaint(payload["number"], user)
        complaint.version = payload["version"]  # the version the user saw: a change since is a conflict
        return STEPS[action](user, complaint, **_decode(payload["arguments"]), operation_id=operation_id)

    return run


def _record_mail(user: User, payload: dict[str, Any], operation_id: str) -> Complaint:
    """A mail the server accepted, kept with its complaint (the mail itself is never sent again from here)."""
    from klachtenbureau.workflow.mail import outgoing  # it queues its records through this module

    return outgoing.record_sent(user, payload, operation_id)


def _register_mail(user: User, payload: dict[str, Any], operation_id: str) -> Complaint:
    """A report made from a mail in the office mailbox: the report's JSON plus ``mailbox_uid``.

    Registered with the mail's Message-ID claimed (never two complaints from one mail), then marked on the server.
    """
    from klachtenbureau.workflow.mail import incoming, mail_settings, sorting  # they use this module's intake

    fields = dict(payload)
    uid = fields.pop("mailbox_uid", None)
    report = report_from_payload(fields)
    message = incoming.from_document(report.mail)
    return sorting.register_from_mail(user, report, message, operation_id, uid=uid,
                                      mail_settings=mail_settings.load() if uid is not None else None)


Replayer = Callable[[User, dict[str, Any], str], Any]
# What the queue can send again: action -> replayer(user, payload, operation_id).
REPLAYERS: dict[str, Replayer] = {"register": _register, "register_mail": _register_mail, "record_mail": _record_mail,
                                  **{action: _step(action) for action in STEPS}}


# --- the queue ----------------------------------------------------------------------------


def queue_dir() -> Path:
    return config.data_dir() / "wachtrij"


@dataclasses.dataclass
class PendingWrite:
    """One write waiting on this PC: what to do, as whom, on which database, with which id."""

    operation_id: str
    action: str
    user_login: str
    database_url: str  # models.database.identity: no password
    payload: dict[str, Any]
    created_at: str = dataclasses.field(default_factory=lambda: dt.datetime.now().isoformat())  # orders the queue
    attempts: int = 0
    problem: str = ""  # set when the database refused it (conflict, validation): needs a person


def _path(operation_id: str) -> Path:
    if not operation_id or not all(ch.isalnum() or ch in "-_" for ch in operation_id):
        raise ValueError(f"bad operation id {operation_id!r}")
    return queue_dir() / f"{operation_id}.json"


def _save(item: PendingWrite) -> None:
    drafts.write_json(_path(item.operation_id), dataclasses.asdict(item))


def pending(database_url: str | None = None) -> list[PendingWrite]:
    """The waiting writes on this PC, oldest first; unreadable files are skipped, never deleted."""
    items = []
    folder = queue_dir()
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            item = PendingWrite(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            continue  # sent meanwhile, by another thread of this desk: it left the queue
        except (OSError, ValueError, TypeError) as exc:
            log.warning("Wachtende wijziging %s is niet te lezen en wordt overgeslagen: %s", path, exc)
            continue
        # identity() again on the stored name: one written by an older version still carries the user
        if database_url is None or identity(item.database_url) == identity(database_url):
            items.append(item)
    items.sort(key=lambda i: (i.created_at, i.operation_id))
    return items


def discard(operation_id: str) -> None:
    """Remove a waiting write the user has dealt with by hand."""
    _path(operation_id).unlink(missing_ok=True)


def retarget(old_url: str, new_url: str) -> int:
    """The database moved (shared file → office server): what waited for the old one goes to the new one."""
    moved = 0
    for item in pending(old_url):
        item.database_url = identity(new_url)
        _save(item)
        moved += 1
    return moved


def keep_refused(item: PendingWrite) -> None:
    """Put a write the database refused (``item.problem``) in the queue, for the user to deal with."""
    _save(item)


def _confirmed(item: PendingWrite, result: Any) -> None:
    """The database has the write: into this PC's ledger (checked again later), out of the queue."""
    number = result.number if isinstance(result, Complaint) and item.action in REGISTERING else ""
    ledger.record(ledger.Confirmed(item.operation_id, item.action, item.user_login, item.database_url, item.payload,
                                   dt.datetime.now().isoformat(timespec="seconds"), number))
    discard(item.operation_id)


def submit(user: User, action: str, payload: dict[str, Any], database_url: str,
           operation_id: str | None = None) -> Any:
    """Do a queueable write now; if the database is unreachable keep it for later.

    The write is put in the queue *before* it is tried, so even a crash at
    the worst moment loses nothing; it leaves the queue once the database has
    it. Raises WriteQueuedError when it has to wait.
    """
    replayer = REPLAYERS[action]
    item = PendingWrite(operation_id or new_operation_id(), action, user.login, identity(database_url), payload)
    _save(item)
    try:
        result = replayer(user, payload, item.operation_id)
    except Exception as exc:
        typed = db_errors.offline(exc)
        if typed is None:
            if isinstance(exc, KlachtenbureauError):
                discard(item.operation_id)  # refused by the database: the caller shows why; nothing to resend
            else:  # a bug: the crash dialog reports it, and the input stays here for the user to take over
                item.problem = _("Onverwachte fout bij het opslaan; uw invoer is hier bewaard.")
                _save(item)
            raise
        item.attempts = 1
        _save(item)
        raise WriteQueuedError(typed, item.operation_id) from exc
    _confirmed(item, result)
    return result


def for_complaint(database_url: str, number: str) -> list[PendingWrite]:
    """The steps and contact moments of complaint ``number`` waiting on this PC."""
    return [item for item in pending(database_url) if item.payload.get("number") == number]


def blocks_steps(item: PendingWrite) -> bool:
    """A waiting step changes the complaint's version: a next step can only follow once it has been sent."""
    return item.action in STEPS and item.action != "contact" and not item.problem


def label(item: PendingWrite) -> str:
    """What the waiting write is, in a few words."""
    if item.action in REGISTERING:
        return _("Nieuwe melding")
    return item.payload.get("label") or item.action


def text(item: PendingWrite) -> str:
    """What the user put in, as text to copy."""
    if item.action in REGISTERING:
        payload = item.payload
        who = (payload.get("relation") or {}).get("name") or (_("anoniem") if payload.get("anonymous") else "")
        lines = [_("Klager") + f": {who}" if who else "", payload.get("description", "")]
        return "\n\n".join(line for line in lines if line)
    return item.payload.get("text", "")


@dataclasses.dataclass
class RetryReport:
    sent: list[str] = dataclasses.field(default_factory=list)
    waiting: list[PendingWrite] = dataclasses.field(default_factory=list)
    refused: list[PendingWrite] = dataclasses.field(default_factory=list)


def _landed(item: PendingWrite, user: User) -> Complaint | None:
    """A registration tried before that is there though its audit entry is not; its audit entry is written again.

    Two PCs writing a shared file without locks can keep the complaint's page of a write and lose the audit
    entry's; sending it again by its operation id would register it twice. It is the same registration when
    this user registered the same text, received at the same moment or since it was put in the queue.
    """
    if item.action != "register" or item.attempts < 2 or AuditEntry.select().where(
            AuditEntry.operation_id == item.operation_id).exists():
        return None
    received = item.payload.get("received_at")
    moment = (Complaint.received_at == dt.datetime.fromisoformat(received).replace(microsecond=0)) if received else (
        Complaint.received_at >= dt.datetime.fromisoformat(item.created_at).replace(microsecond=0))
    complaint = Complaint.get_or_none((Complaint.received_by == user.id) & moment & (
        Complaint.description == str(item.payload.get("description", "")).strip()))
    if complaint is not None:
        perform(user, "write_reapplied", lambda: Outcome(complaint, {
            "lost_operation": item.operation_id, "lost_action": item.action, "number_now": complaint.number,
            "audit_entry_only": True}, complaint.id), item.operation_id)
    return complaint


def retry_pending(database_url: str) -> RetryReport:
    """Send the waiting writes for ``database_url`` again, each with its own operation id.

    Stops at the first one that still cannot reach the database. A write the
    database refuses (someone changed the complaint meanwhile, a colleague
    was deactivated) stays in the queue with its problem, so the user can
    copy their text; it is not tried again until they discard it.
    """
    report = RetryReport()
    items = pending(database_url)
    for index, item in enumerate(items):
        if item.problem:
            report.refused.append(item)
            continue
        item.attempts += 1
        try:
            user = User.get_or_none(User.login == item.user_login)
            if user is None:
                raise KlachtenbureauError(_("Gebruiker {login} bestaat niet meer.").format(login=item.user_login))
            result = _landed(item, user) or REPLAYERS[item.action](user, item.payload, item.operation_id)
        except Exception as exc:
            typed = db_errors.offline(exc)
            if typed is not None:
                _save(item)
                report.waiting.extend(i for i in items[index:] if not i.problem)
                report.refused.extend(i for i in items[index + 1:] if i.problem)
                return report
            if not isinstance(exc, KlachtenbureauError):
                raise
            item.problem = exc.message
            _save(item)
            report.refused.append(item)
            continue
        _confirmed(item, result)
        report.sent.append(item.operation_id)
    return report


def recover(url: str) -> RetryReport:
    """After the database was out of reach: reconnect (with quick_check), check that it takes writes, then
    send what waited on this PC."""
    resilience.reconnect(url)
    resilience.check_writable()
    return retry_pending(url)


