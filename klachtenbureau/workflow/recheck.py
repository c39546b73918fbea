"""Checking this PC's confirmed writes again, and making again what a shared file lost.

No Qt. ``verify(url)`` looks the operation ids of the ``ledger`` up in the
audit log (a few queries for weeks of work) and applies a missing write
again with the *same* operation id, so a write that did arrive is never
made twice. A registration gets back the number the caller was told when
nobody else holds it now; if it is taken the new number is reported next to
the old one. Each re-applied write leaves an alarm entry in the audit log
(``write_reapplied``), and the report gives the desk the alarm for its
status bar: the shared file lost work, move to the office server. A write
that can no longer be made (a colleague changed the complaint since) goes
back into the write queue with that problem, so the user can fill it in
again or copy the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _, format_datetime, ngettext
from klachtenbureau.models import AuditEntry, Complaint, User
from klachtenbureau.workflow import db_errors, intake, ledger
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.ledger import Confirmed, entries
from klachtenbureau.workflow.operations import Outcome, new_operation_id, perform

log = logging.getLogger(__name__)

CHECK_AFTER = dt.timedelta(minutes=2)  # long enough for another PC's overwrite to have happened
_CHUNK = 500  # operation ids per query (below SQLite's limit on parameters)


def _present(operation_ids: list[str]) -> set[str]:
    present: set[str] = set()
    for start in range(0, len(operation_ids), _CHUNK):
        query = AuditEntry.select(AuditEntry.operation_id).where(
            AuditEntry.operation_id.in_(operation_ids[start:start + _CHUNK]))
        present.update(row[0] for row in query.tuples())
    return present


@dataclasses.dataclass
class Reapplied:
    """A confirmed write the database had lost, made again."""

    entry: Confirmed
    number: str = ""  # for a registration: the number it has now
    operation_id: str = ""  # the id it was made again under

    def message(self) -> str:
        at = format_datetime(dt.datetime.fromisoformat(self.entry.confirmed_at))
        if self.entry.action != "register":
            return _("{what} bij klacht {number} ({at}) was verdwenen en is opnieuw opgeslagen.").format(
                what=self.entry.payload.get("label") or self.entry.action, number=self.entry.payload.get("number", ""),
                at=at)
        if self.number == self.entry.number:
            return _("Melding {number} ({at}) was verdwenen en is opnieuw opgeslagen onder hetzelfde nummer.").format(
                number=self.number, at=at)
        return _("Melding {told} ({at}) was verdwenen en is opnieuw opgeslagen als {number}; het nummer {told} "
                 "heeft intussen een andere melding. Laat de melder het nieuwe nummer weten.").format(
                     told=self.entry.number, number=self.number, at=at)


@dataclasses.dataclass
class VerifyReport:
    checked: int = 0
    reapplied: list[Reapplied] = dataclasses.field(default_factory=list)
    refused: list[Confirmed] = dataclasses.field(default_factory=list)  # back in the write queue with the problem

    @property
    def lost(self) -> int:
        return len(self.reapplied) + len(self.refused)

    def alarm(self) -> str:
        """The status-bar alarm, or "" when nothing was lost."""
        if not self.lost:
            return ""
        lost = ngettext("Let op: de gedeelde database was {n} bevestigde wijziging van deze computer kwijt.",
                        "Let op: de gedeelde database was {n} bevestigde wijzigingen van deze computer kwijt.",
                        self.lost).format(n=self.lost)
        again = ngettext("{n} is opnieuw opgeslagen.", "{n} zijn opnieuw opgeslagen.",
                         len(self.reapplied)).format(n=len(self.reapplied))
        return " ".join([lost, again, _(
            "Het gedeelde bestand is niet veilig voor meerdere computers tegelijk: gebruik de kantoorserver "
            "(Beheer → Deze pc als server gebruiken…).")])


def _survived(entry: Confirmed, user: User) -> Complaint | None:
    """The registration itself, still there under the number the caller was told, though its audit entry went.

    Two PCs writing a shared file without locks can lose one page of a write and keep another; registering
    it again would make the complaint twice.
    """
    if entry.action != "register" or not entry.number:
        return None
    return Complaint.get_or_none((Complaint.number == entry.number) & (Complaint.received_by == user.id)
                                 & (Complaint.description == entry.payload.get("description", "").strip()))


def _overwritten(registrations: list[Confirmed]) -> set[str]:
    """Registrations whose audit entry is there but whose complaint is not: another PC's row took its place."""
    numbers = [entry.number for entry in registrations if entry.number]
    held: set[tuple[str, str]] = set()
    for start in range(0, len(numbers), _CHUNK):
        query = (Complaint.select(Complaint.number, User.login).join(User, on=(Complaint.received_by == User.id))
                 .where(Complaint.number.in_(numbers[start:start + _CHUNK])))
        held.update(query.tuples())
    return {entry.operation_id for entry in registrations
            if entry.number and (entry.number, entry.user_login) not in held}


def _reapply(entry: Confirmed, operation_id: str) -> Reapplied | None:
    """Make ``entry`` again under ``operation_id``; None when only its audit entry was lost (it is written again)."""
    user = User.get_or_none(User.login == entry.user_login)
    if user is None:
        raise KlachtenbureauError(_("Gebruiker {login} bestaat niet meer.").format(login=entry.user_login))
    survived = _survived(entry, user)
    if survived is not None:
        perform(user, "write_reapplied", lambda: Outcome(survived, {
            "lost_operation": entry.operation_id, "lost_action": entry.action, "confirmed_at": entry.confirmed_at,
            "number_told": entry.number, "number_now": survived.number, "audit_entry_only": True}, survived.id),
            operation_id)  # under the lost id: the next check finds it
        return None
    if entry.action == "register":
        report = write_queue.report_from_payload(entry.payload)
        complaint = intake.register(user, report, operation_id, number=entry.number or None)
    else:
        write_queue.REPLAYERS[entry.action](user, entry.payload, operation_id)
        complaint = Complaint.get_or_none(Complaint.number == entry.payload.get("number"))
    done = Reapplied(entry, complaint.number if complaint is not None and entry.action == "register" else "",
                     operation_id)
    if complaint is not None:
        perform(user, "write_reapplied", lambda: Outcome(complaint, {
            "lost_operation": entry.operation_id, "lost_action": entry.action, "confirmed_at": entry.confirmed_at,
            "number_told": entry.number, "number_now": done.number}, complaint.id), new_operation_id())
    return done


def verify(database_url: str, check_after: dt.timedelta | None = None,
           now: dt.datetime | None = None) -> VerifyReport:
    """Check this PC's confirmed writes for ``database_url`` that are at least ``check_after`` old.

    Raises the typed error of ``db_errors`` when the database is out of reach
    (check again later); a write the database refuses goes back to the queue.
    """
    now = now or dt.datetime.now()
    check_after = CHECK_AFTER if check_after is None else check_after
    due = [entry for entry in entries(database_url, now.date())
           if dt.datetime.fromisoformat(entry.confirmed_at) <= now - check_after]
    report = VerifyReport(checked=len(due))
    if not due:
        return report
    present = _present([entry.operation_id for entry in due])
    overwritten = _overwritten([entry for entry in due if entry.action == "register" and entry.operation_id in present])
    for entry in due:
        if entry.operation_id in present and entry.operation_id not in overwritten:
            continue
        log.error("Bevestigde wijziging %s (%s) ontbreekt in %s; wordt opnieuw toegepast",
                  entry.operation_id, entry.action, entry.database_url)
        try:
            overwrite = entry.operation_id in overwritten  # its id belongs to the audit entry left behind
            done = _reapply(entry, new_operation_id() if overwrite else entry.operation_id)
            if done is not None:
                report.reapplied.append(done)
                if overwrite or done.number != entry.number:  # checked from now on as it is now
                    ledger.record(dataclasses.replace(entry, operation_id=done.operation_id, number=done.number))
            if overwrite:
                ledger.hand_over(entry.operation_id)
        except KlachtenbureauError as exc:
            if db_errors.offline(exc) is not None:
                raise
            write_queue.keep_refused(write_queue.PendingWrite(
                entry.operation_id, entry.action, entry.user_login, entry.database_url, entry.payload,
                problem=exc.message))
            ledger.hand_over(entry.operation_id)  # the user deals with it now; do not hand it over again
            report.refused.append(entry)
    return report
