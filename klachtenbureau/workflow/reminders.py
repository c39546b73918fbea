"""Reminders without a server: which desktop notifications to send now, and the summary at sign-in.

Each status round the desk asks ``to_send``: the lines of Mijn werk (workflow/my_work.py) that are due today or
late, or newly assigned, and that this user was not reminded of today. The mark ``notified:<key>`` holds the day
of the last reminder; it is in the database, so the user's other PCs do not repeat it, and it is claimed in one
write transaction, so two PCs of the same user do not both send it. A line whose state is gone (acknowledged,
answered, resumed…) is no longer in Mijn werk, so nothing is sent for it.

A notification can show on a locked screen or a shared desk: it names no complainant and no content, only the
number and what is due; for a confidential complaint only "Klacht … vraagt uw aandacht", and nothing at all for a
complaint the user may not see.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from klachtenbureau.i18n import N_, _, ngettext
from klachtenbureau.models import Complaint, User, WorkMark
from klachtenbureau.workflow import my_work, permissions
from klachtenbureau.workflow.db_errors import typed_errors
from klachtenbureau.workflow.my_work import WorkItem
from klachtenbureau.workflow.operations import Outcome, perform

KEEP_DAYS = 7  # "notified" marks older than this are cleared when new ones are written

_WHAT = {  # the notification's line for a complaint, by kind: its number and what is due, nothing more
    "ack": N_("Ontvangst van {number} bevestigen"),
    "answer": N_("{number} beantwoorden"),
    "propose": N_("Antwoord op {number} voorstellen"),  # a handler's "answer": the coordinator sends it
    "waiting": N_("Wachttijd van {number} is voorbij"),
    "assigned": N_("{number} is aan u toegewezen"),
    "aftercare": N_("Nazorg voor {number}"),
}


@dataclasses.dataclass(frozen=True)
class Reminder:
    """One notification: a short title, a line of text, and the Mijn werk line it opens."""

    title: str
    text: str
    item: WorkItem


def wanted(item: WorkItem) -> bool:
    """A line worth a notification: due today or late, or just assigned to me."""
    return item.kind != "more" and (item.urgent or item.kind == "assigned")


def _mark_key(item: WorkItem) -> str:
    return f"notified:{item.key}"


def reminder(item: WorkItem, user: User) -> Reminder:
    """The notification for ``item``, which names no complainant and, when confidential, nothing but its number."""
    if item.complaint_id is not None and item.confidential:
        return Reminder(_("Mijn werk"), _("Klacht {number} vraagt uw aandacht").format(number=item.number), item)
    if item.complaint_id is not None and item.kind in _WHAT:
        kind = "propose" if item.kind == "answer" and permissions.is_handler(user) else item.kind
        text = _(_WHAT[kind]).format(number=item.number)
    else:
        text = item.title
    state = _("te laat") if item.late else _("vandaag") if item.due_today else _("nieuw")
    return Reminder(_("Mijn werk: {state}").format(state=state), text, item)


@typed_errors
def to_send(user: User, today: dt.date, work: list[WorkItem] | None = None) -> list[Reminder]:
    """The reminders to show now (``work``: Mijn werk as just read, else read here), each marked as sent today."""
    work = my_work.items(user, today) if work is None else work
    candidates = {_mark_key(item): item for item in work if wanted(item)}
    if not candidates:
        return []
    visible = _visible_complaints(user, [i.complaint_id for i in candidates.values() if i.complaint_id is not None])
    candidates = {key: item for key, item in candidates.items()
                  if item.complaint_id is None or item.complaint_id in visible}
    if not _unsent(user, candidates, today):
        return []  # the usual round: nothing new, and no write
    claimed: list[str] = []

    def body() -> Outcome:
        moment = dt.datetime.combine(today, dt.time())
        WorkMark.delete().where((WorkMark.user == user.id) & WorkMark.key.startswith("notified:")
                                & (WorkMark.at < moment - dt.timedelta(days=KEEP_DAYS))).execute()
        last = None
        for key in _unsent(user, candidates, today):  # again, inside the transaction: another PC may have sent it
            last, created = WorkMark.get_or_create(user=user.id, key=key, defaults={"at": moment})
            if not created:
                WorkMark.update(at=moment).where(WorkMark.id == last.id).execute()
            claimed.append(key)
        if last is None:
            last = WorkMark.get(WorkMark.user == user.id, WorkMark.key.in_(list(candidates)))
        return Outcome(last, {"keys": sorted(claimed)})

    perform(user, "work_notified", body)
    return [reminder(candidates[key], user) for key in claimed]


def _unsent(user: User, candidates: dict[str, WorkItem], today: dt.date) -> list[str]:
    sent = {key for key, at in WorkMark.select(WorkMark.key, WorkMark.at).where(
        (WorkMark.user == user.id) & WorkMark.key.in_(list(candidates))).tuples() if at.date() >= today}
    return [key for key in candidates if key not in sent]


def _visible_complaints(user: User, ids: list[int]) -> set[int]:
    """The ids ``user`` may see, asked of permissions itself: no notification slips through a list's mistake."""
    if not ids:
        return set()
    return {c.id for c in Complaint.select().where(Complaint.id.in_(ids)) if permissions.can_see(user, c)}


def summary(user: User, today: dt.date, work: list[WorkItem] | None = None) -> str:
    """The line at sign-in: "Mijn werk: 3 te laat, 2 vandaag af, 1 nieuw toegewezen, …"."""
    work = my_work.items(user, today) if work is None else work
    late = sum(1 for item in work if item.late)
    today_ = sum(1 for item in work if item.due_today)
    assigned = sum(1 for item in work if item.kind == "assigned")
    soon = sum(1 for item in work if item.due is not None and item.due > today)
    # The unassigned ones are counted apart: some of them are also among the late and the due today.
    unassigned = sum(item.count for item in work if item.kind == "unassigned")
    other = sum(item.count for item in work if item.due is None and item.kind not in ("assigned", "unassigned"))
    parts = [text.format(n=n) for n, text in (
        (late, ngettext("{n} te laat", "{n} te laat", late)),
        (today_, ngettext("{n} vandaag af", "{n} vandaag af", today_)),
        (assigned, ngettext("{n} nieuw toegewezen", "{n} nieuw toegewezen", assigned)),
        (soon, ngettext("{n} binnenkort af", "{n} binnenkort af", soon)),
        (unassigned, ngettext("{n} niet toegewezen", "{n} niet toegewezen", unassigned)),
        (other, ngettext("{n} andere taak", "{n} andere taken", other)),
    ) if n]
    if not parts:
        return _("Mijn werk: er wacht niets op u.")
    return _("Mijn werk: {parts}.").format(parts=", ".join(parts))
