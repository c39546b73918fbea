"""Mijn werk: everything that needs this user now, soonest first (issue 15, seeds 000 step 5, 001 steps 4–5, 003).

One list from many sources, each read with a bounded query on an index: the complaint ones go through
``visible_to`` and the inbox indexes (assigned_to_id or status first, then the deadline), list at most
``LIST_LIMIT`` lines of a kind and count the rest in one "en nog …" line. The rules, per kind:

* ``ack`` / ``answer``: the next deadline of a complaint I handle (the coordinator: also the unassigned ones) is
  within ``inbox.DUE_SOON_WORKING_DAYS`` working days or passed. A complaint waiting for the complainant has a
  stopped clock: never due for its answer while it waits.
* ``waiting``: waiting for a third party comes back on the expected date (``waiting_until``); waiting for the
  complainant once that date has passed, on the next working day ("is there a reply?").
* ``assigned``: an open complaint that became mine (``assigned_at``, at most ``ASSIGNED_DAYS`` ago) and that I
  have not worked on since (no timeline entry of mine) nor opened from this list (mark ``seen:assigned:<id>``).
* ``aftercare``: ``aftercare_by`` is near or passed (by at most ``AFTERCARE_LATE_DAYS``) and nothing recorded yet,
  answered or closed.
* ``measure``: a measure I own, still to implement (open or not effective), due near or passed.
* ``check``: for who checks effectiveness (seed 001 step 5), an implemented measure, due from its own due date
  or, implemented late, from the day it was implemented: a measure implemented early is checked from the date
  on which it should be in place everywhere, not the day after it started.
* ``queue`` / ``mail``: writes waiting on this PC and mails to sort, counted by the caller (no mailbox here).
* coordinator only: ``unassigned`` (one line with the count) and ``direct``: a colleague's resolution during the
  call (seed 000 step 5) since the mark ``seen:direct`` (at most ``DIRECT_DAYS`` back), until opened from here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import peewee

from klachtenbureau.i18n import N_, _, format_date, ngettext
from klachtenbureau.models import Category, Complaint, Measure, TimelineEntry, User, WorkMark, now
from klachtenbureau.models.complaints import (
    ANSWERED, CLOSED, OPEN_STATUSES, WAITING_COMPLAINANT, WAITING_THIRD_PARTY,
)
from klachtenbureau.workflow import permissions, settings
from klachtenbureau.workflow.db_errors import typed_errors
from klachtenbureau.workflow.deadlines import working_days_left
from klachtenbureau.workflow.inbox import DUE_SOON_WORKING_DAYS, deadline_of, sort_key
from klachtenbureau.workflow.measures import ACTIVE_STATUSES, readable_by
from klachtenbureau.workflow.operations import Outcome, perform
from klachtenbureau.workflow.queries import visible_to

LIST_LIMIT = 50  # lines of one kind; the rest is counted
AFTERCARE_LATE_DAYS = 90  # aftercare this long overdue is no longer asked for
ASSIGNED_DAYS = 30  # a complaint assigned longer ago than this is no longer "new", worked on or not
DIRECT_DAYS = 14  # how far back the colleagues' direct resolutions go without a "seen" mark

KINDS: dict[str, str] = {  # in the order of the groups on screen
    "ack": N_("Ontvangst bevestigen"),
    "answer": N_("Antwoorden"),
    "waiting": N_("Wachten"),
    "assigned": N_("Nieuw toegewezen"),
    "aftercare": N_("Nazorg"),
    "measure": N_("Verbetermaatregel"),
    "check": N_("Effectiviteit toetsen"),
    "queue": N_("Wachtende wijzigingen"),
    "mail": N_("Binnengekomen e-mail"),
    "unassigned": N_("Niet toegewezen"),
    "direct": N_("Direct afgehandeld"),
    "more": N_("Meer"),
}
SEEN_KINDS = ("assigned", "direct")  # lines that go once the user has seen them (``mark_seen``)
Colleague = User.alias("colleague")


@dataclasses.dataclass(frozen=True)
class WorkItem:
    """One line of Mijn werk. It opens a complaint, a measure or a ``place`` ("queue", "mail", "inbox:<filter>")."""

    key: str  # stable: "answer:123", "measure:7", "queue" — reminders are counted per key
    kind: str
    title: str
    due: dt.date | None
    late: bool
    due_today: bool
    complaint_id: int | None = None
    number: str = ""  # the complaint's number, for a neutral notification
    confidential: bool = False
    measure_id: int | None = None
    place: str = ""
    count: int = 1

    @property
    def urgent(self) -> bool:
        """Due today or late: what a reminder is sent for."""
        return self.late or self.due_today


def _item(key: str, kind: str, title: str, due: dt.date | None, today: dt.date, **extra) -> WorkItem:
    return WorkItem(key, kind, title, due, due is not None and due < today, due == today, **extra)


@dataclasses.dataclass
class _Context:
    user: User
    today: dt.date
    limit_date: dt.date  # the first date that is not yet "due soon"
    items: list[WorkItem] = dataclasses.field(default_factory=list)

    def responsible(self) -> list[tuple[peewee.Node, str]]:
        """Whose complaints, with the inbox filter that lists them: mine; for the coordinator also those nobody has
        yet (a query each, so each is a range of the handler index)."""
        conditions = [(Complaint.assigned_to == self.user.id, "inbox:mine")]
        if permissions.owns_inbox(self.user):
            conditions.append((Complaint.assigned_to.is_null(), "inbox:unassigned"))
        return conditions

    def complaints(self, *columns: peewee.Node) -> peewee.ModelSelect:
        select = Complaint.select(Complaint.id, Complaint.number, Complaint.confidential, Category.name, *columns)
        return visible_to(select.join(Category, on=(Complaint.category == Category.id)), self.user)

    def listed(self, select: peewee.ModelSelect, kind: str, place: str) -> list[tuple]:
        """At most LIST_LIMIT rows; for the rest one line "en nog n …" that opens ``place``."""
        rows = list(select.limit(LIST_LIMIT + 1).tuples())
        if len(rows) > LIST_LIMIT:
            rest = select.order_by().count() - LIST_LIMIT
            self.items.append(WorkItem(f"more:{kind}:{place}", "more", ngettext(
                "en nog {n} regel: {kind}", "en nog {n} regels: {kind}", rest).format(
                    n=rest, kind=_(KINDS[kind]).lower()), None, False, False, place=place, count=rest))
        return rows[:LIST_LIMIT]


def _complaint_title(text: str, number: str, category: str, **values: str) -> str:
    return text.format(number=number, **values) + f" · {category}"


def _deadlines(ctx: _Context) -> None:
    deadline, calendar = sort_key(), settings.calendar()
    for condition, place in ctx.responsible():
        select = (ctx.complaints(Complaint.status, Complaint.acknowledged_at, Complaint.acknowledge_by,
                                 Complaint.answer_by, Complaint.answered_at)
                  .where(condition & (deadline < ctx.limit_date) & (Complaint.waiting_for != WAITING_COMPLAINANT))
                  .order_by(deadline, Complaint.id))
        for cid, number, confidential, category, status, ack_at, ack_by, answer_by, answered_at in ctx.listed(
                select, "answer", place):
            due, acknowledging = deadline_of(status, ack_at, ack_by, answer_by, answered_at)
            if due is None or working_days_left(due, ctx.today, calendar) > DUE_SOON_WORKING_DAYS:
                continue
            text = (_("Ontvangst van {number} bevestigen") if acknowledging
                    else _("Antwoord op {number} voorstellen") if permissions.is_handler(ctx.user)  # sent by the
                    else _("{number} beantwoorden"))  # coordinator

            ctx.items.append(_item(f"{'ack' if acknowledging else 'answer'}:{cid}", "ack" if acknowledging
                                   else "answer", _complaint_title(text, number, category), due, ctx.today,
                                   complaint_id=cid, number=number, confidential=confidential))


def _waiting(ctx: _Context) -> None:
    calendar = settings.calendar()
    for condition, place in ctx.responsible():  # a third party's repair is followed after the answer too
        select = (ctx.complaints(Complaint.waiting_for, Complaint.waiting_until)
                  .where(condition & Complaint.status.in_(OPEN_STATUSES) & (Complaint.waiting_for != "")
                         & Complaint.waiting_until.is_null(False) & (Complaint.waiting_until <= ctx.today))
                  .order_by(Complaint.waiting_until, Complaint.id))
        for cid, number, confidential, category, waiting_for, until in ctx.listed(select, "waiting", place):
            if waiting_for == WAITING_THIRD_PARTY:
                due, text = until, _("Is de derde klaar met {number}? Verwacht op {date}")
            else:  # the complainant may still answer on the last day: ask the next working day
                due, text = calendar.next_working_day(until + dt.timedelta(days=1)), _(
                    "Heeft de klager gereageerd op {number}? Verwacht uiterlijk {date}")
            if due > ctx.today:
                continue
            ctx.items.append(_item(f"waiting:{cid}", "waiting", _complaint_title(
                text, number, category, date=format_date(until)), due, ctx.today,
                complaint_id=cid, number=number, confidential=confidential))


def _seen(user: User, keys: list[str]) -> dict[str, dt.datetime]:
    if not keys:
        return {}
    found = WorkMark.select(WorkMark.key, WorkMark.at).where((WorkMark.user == user.id) & WorkMark.key.in_(keys))
    return dict(found.tuples())


def _assigned(ctx: _Context) -> None:
    list_mark = _seen(ctx.user, ["seen:assigned"]).get("seen:assigned")
    since = dt.datetime.combine(ctx.today - dt.timedelta(days=ASSIGNED_DAYS), dt.time())
    condition = ((Complaint.assigned_to == ctx.user.id) & Complaint.status.in_(OPEN_STATUSES)
                 & (Complaint.assigned_at > max(since, list_mark or since)))  # a range of complaint_assigned_at
    select = ctx.complaints(Complaint.assigned_at).where(condition).order_by(Complaint.assigned_at.desc())
    rows = ctx.listed(select, "assigned", "inbox:mine")
    marks = _seen(ctx.user, [f"seen:assigned:{row[0]}" for row in rows])
    # Worked on since: any timeline entry of mine from the moment it became mine (the assignment itself, when I
    # gave it to myself). At most LIST_LIMIT complaints, through the timeline's complaint index.
    worked = {cid for cid, at, assigned_at in (
        TimelineEntry.select(TimelineEntry.complaint, TimelineEntry.at, Complaint.assigned_at).join(Complaint)
        .where(TimelineEntry.complaint.in_([row[0] for row in rows]) & (TimelineEntry.user == ctx.user.id))
        .tuples()) if at >= assigned_at} if rows else set()
    for cid, number, confidential, category, assigned_at in rows:
        mark = marks.get(f"seen:assigned:{cid}")
        if cid in worked or (mark is not None and mark >= assigned_at):
            continue
        ctx.items.append(_item(f"assigned:{cid}", "assigned", _complaint_title(
            _("{number} is aan u toegewezen"), number, category), None, ctx.today,
            complaint_id=cid, number=number, confidential=confidential))


def _aftercare(ctx: _Context) -> None:
    pending = (Complaint.aftercare_at.is_null()  # a range of complaint_aftercare
               & (Complaint.aftercare_by >= ctx.today - dt.timedelta(days=AFTERCARE_LATE_DAYS))
               & (Complaint.aftercare_by < ctx.limit_date) & Complaint.status.in_((ANSWERED, CLOSED)))
    for condition, place in ctx.responsible():
        select = ctx.complaints(Complaint.aftercare_by).where(condition & pending).order_by(
            Complaint.aftercare_by, Complaint.id)
        for cid, number, confidential, category, due in ctx.listed(select, "aftercare", place):
            ctx.items.append(_item(f"aftercare:{cid}", "aftercare", _complaint_title(
                _("Nazorg voor {number}: is de klager tevreden?"), number, category), due, ctx.today,
                complaint_id=cid, number=number, confidential=confidential))


def _measures(ctx: _Context) -> None:
    mine = (Measure.select(Measure.id, Measure.title, Measure.due_date)
            .where((Measure.owner == ctx.user.id) & Measure.status.in_(ACTIVE_STATUSES)
                   & (Measure.due_date < ctx.limit_date))
            .order_by(Measure.due_date, Measure.id))
    for measure_id, title, due in ctx.listed(mine, "measure", "measures"):
        ctx.items.append(_item(f"measure:{measure_id}", "measure", _("Maatregel invoeren: {title}").format(
            title=title), due, ctx.today, measure_id=measure_id))
    if not permissions.can_check_measure(ctx.user):
        return
    checks = (Measure.select(Measure.id, Measure.title, Measure.due_date, Measure.implemented_at)
              .where((Measure.status == "implemented") & (Measure.due_date < ctx.limit_date)
                     & readable_by(ctx.user))  # a confidential complaint's measure is checked by who may read it
              .order_by(Measure.due_date, Measure.id))
    for measure_id, title, due, implemented_at in ctx.listed(checks, "check", "measures"):
        due = max(due, implemented_at.date()) if implemented_at else due
        ctx.items.append(_item(f"check:{measure_id}", "check", _("Effectiviteit toetsen: {title}").format(
            title=title), due, ctx.today, measure_id=measure_id))


def _coordinator(ctx: _Context) -> None:
    unassigned = visible_to(Complaint.select(Complaint.id), ctx.user).where(
        Complaint.status.in_(OPEN_STATUSES) & Complaint.assigned_to.is_null()).count()
    if unassigned:
        ctx.items.append(WorkItem("unassigned", "unassigned", ngettext(
            "{n} klacht nog niet toegewezen", "{n} klachten nog niet toegewezen", unassigned).format(n=unassigned),
            None, False, False, place="inbox:unassigned", count=unassigned))
    since = dt.datetime.combine(ctx.today - dt.timedelta(days=DIRECT_DAYS), dt.time())
    mark = _seen(ctx.user, ["seen:direct"]).get("seen:direct")
    select = (ctx.complaints(Complaint.received_at, Colleague.full_name)
              .join(Colleague, on=(Complaint.received_by == Colleague.id), src=Complaint)
              .where((Complaint.received_at >= max(since, mark or since)) & (Complaint.resolved_at_intake == True)  # noqa: E712
                     & (Complaint.received_by != ctx.user.id))
              .order_by(Complaint.received_at.desc()))
    rows = ctx.listed(select, "direct", "inbox:closed")
    marks = _seen(ctx.user, [f"seen:direct:{row[0]}" for row in rows])
    for cid, number, confidential, category, _received_at, colleague in rows:
        if f"seen:direct:{cid}" in marks:
            continue
        ctx.items.append(_item(f"direct:{cid}", "direct", _("{name} handelde {number} direct af").format(
            name=colleague, number=number) + f" · {category}", None, ctx.today, complaint_id=cid, number=number,
            confidential=confidential))


def _sort_key(item: WorkItem, today: dt.date) -> tuple:
    """Soonest first; what has no date (new, queued, to sort) counts as today's."""
    return item.due or today, list(KINDS).index(item.kind), item.title


@typed_errors
def items(user: User, today: dt.date, pending_writes: int = 0, mails: int = 0) -> list[WorkItem]:
    """Everything that needs ``user`` on ``today``, soonest first.

    ``pending_writes`` (this PC's queue, workflow/offline/write_queue.pending) and ``mails`` (the office mailbox's
    mails still to sort, as Binnengekomen counts them) are passed in: neither is in the database.
    """
    if not user.active:
        return []
    calendar = settings.calendar()
    ctx = _Context(user, today, calendar.add_working_days(today, DUE_SOON_WORKING_DAYS + 1))
    _deadlines(ctx)
    _waiting(ctx)
    _assigned(ctx)
    _aftercare(ctx)
    _measures(ctx)
    if permissions.owns_inbox(user):
        _coordinator(ctx)
    if pending_writes:
        ctx.items.append(WorkItem("queue", "queue", ngettext(
            "{n} wijziging wacht op deze computer", "{n} wijzigingen wachten op deze computer", pending_writes).format(
                n=pending_writes), None, False, False, place="queue", count=pending_writes))
    if mails:
        ctx.items.append(WorkItem("mail", "mail", ngettext(
            "{n} e-mail in Binnengekomen te verwerken", "{n} e-mails in Binnengekomen te verwerken", mails).format(
                n=mails), None, False, False, place="mail", count=mails))
    return sorted(ctx.items, key=lambda item: _sort_key(item, today))


def mark_seen(user: User, key: str, operation_id: str | None = None) -> WorkMark:
    """The user has seen ``key``: a line ("assigned:12", "direct:40") or a whole list ("direct", "assigned").

    Shared by the user's PCs. Marks of direct resolutions older than ``DIRECT_DAYS`` are cleared on the way:
    those lines do not come back anyway.
    """
    def body() -> Outcome:
        moment = now()
        WorkMark.delete().where((WorkMark.user == user.id) & WorkMark.key.startswith("seen:direct:")
                                & (WorkMark.at < moment - dt.timedelta(days=DIRECT_DAYS))).execute()
        mark, _created = WorkMark.get_or_create(user=user.id, key=f"seen:{key}", defaults={"at": moment})
        if mark.at != moment:
            WorkMark.update(at=moment).where(WorkMark.id == mark.id).execute()
            mark.at = moment
        return Outcome(mark, {"key": mark.key})

    return perform(user, "work_seen", body, operation_id)
