"""The coordinator's inbox (Postvak): which complaints, in which order, with what counts.

Built for a table that keeps only row ids (the Anki browser's way): first the
ids of every matching complaint in display order — filtered and sorted in SQL,
restricted to what the user may see — then the full rows for the ids on
screen, a page at a time. The filters and the counts beside them come from
the same conditions, so a count always matches the rows the filter shows.

The *next deadline* of a complaint is the acknowledgement date while it is not
acknowledged, then the answer date until it is answered; answered and closed
complaints have none. Overdue means that date has passed (the same rule as
``queries.is_overdue``).

While the office waits for the complainant the answer clock stands still: the
complaint is never overdue or due this week, and ``answer_by`` holds the
provisional date (expected reply + the working days left), which keeps the
order by deadline meaningful and the sort key the indexed expression. The
status cell then reads "Wachten op klager" (or "Wachten op derde", whose clock
runs on): the status column itself stays as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from array import array
from collections.abc import Callable, Sequence

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models import Category, Complaint, Relation, User, db
from klachtenbureau.models.complaints import (
    ACKNOWLEDGED, ANSWERED, CHANNELS, CLOSED, ESCALATED, IN_PROGRESS, NEW, OPEN_STATUSES, WAITING_COMPLAINANT,
)
from klachtenbureau.models.database import is_sqlite as db_is_sqlite
from klachtenbureau.models.fulltext import matches_at_least, matching_ids
from klachtenbureau.models.due_tally import ComplaintDueTally
from klachtenbureau.models.tally import NOBODY, ComplaintTally
from klachtenbureau.workflow import permissions, settings, statistics
from klachtenbureau.workflow.db_errors import typed_errors
from klachtenbureau.workflow.deadlines import working_days_left
from klachtenbureau.workflow.queries import visible_to
from klachtenbureau.workflow.statistics import ComplaintFilter

FILTERS: dict[str, str] = {
    "mine": N_("Mijn klachten"),
    "unassigned": N_("Niet toegewezen"),
    "overdue": N_("Te laat"),
    "due_this_week": N_("Deze week af"),
    "open": N_("Open"),
    "closed": N_("Afgesloten"),
    "all": N_("Alle"),
}
DEFAULT_FILTER = "open"
# The filters whose counts do not depend on today's date: kept by the database (models/tally.py).
TALLIED = ("mine", "unassigned", "open", "closed", "all")

SORTS = ("number", "received", "complainant", "category", "channel", "status", "handler", "deadline",
         "severity")
DEFAULT_SORT = "deadline"

DUE_SOON_WORKING_DAYS = 2  # rows due within this many working days stand out
FAR_FUTURE = dt.date(9999, 12, 31)  # sorts complaints without a deadline after every real one

_STATUS_ORDER = (NEW, ACKNOWLEDGED, IN_PROGRESS, ESCALATED, ANSWERED, CLOSED)
Handler = User.alias("handler")


@dataclasses.dataclass(frozen=True)
class InboxQuery:
    """What the inbox shows: one filter, optional category and channel, search words, sort."""

    filter: str = DEFAULT_FILTER
    category_id: int | None = None
    channel: str | None = None
    search: str = ""
    sort: str = DEFAULT_SORT
    descending: bool = False
    selection: ComplaintFilter | None = None  # a figure or bar clicked on the dashboard


@dataclasses.dataclass(frozen=True)
class InboxRow:
    """One line of the inbox, ready to show (labels still untranslated codes)."""

    id: int
    number: str
    kind: str
    received_at: dt.datetime
    complainant: str  # empty for an anonymous complaint
    category: str
    channel: str
    status: str
    handler: str  # empty when nobody is assigned
    deadline: dt.date | None
    acknowledging: bool  # the deadline is the acknowledgement's, not the answer's
    days_left: int | None  # working days; negative when overdue
    overdue: bool
    due_soon: bool
    severity: int
    confidential: bool
    waiting_for: str = ""  # "", WAITING_COMPLAINANT (the clock stands still) or WAITING_THIRD_PARTY
    waiting_since: dt.date | None = None
    waiting_until: dt.date | None = None  # the expected reply; ``days_left`` then counts from it

    @property
    def stopped(self) -> bool:
        """The answer clock stands still: ``deadline`` is provisional and ``days_left`` is what remains after the
        reply."""
        return self.waiting_for == WAITING_COMPLAINANT


def sort_key() -> peewee.Node:
    """The next deadline as SQL, FAR_FUTURE when none runs: ``schema.INBOX_SORT_KEY`` as a peewee expression.

    Constants are written as literals: an index on an expression serves only a query with the very same
    expression, and a bound parameter is not the same as the literal in the index.
    """
    acknowledging = Complaint.acknowledged_at.is_null() & (Complaint.acknowledge_by < Complaint.answer_by)
    deadline = peewee.Case(None, [
        ((Complaint.status == peewee.SQL(f"'{CLOSED}'")) | Complaint.answered_at.is_null(False), peewee.SQL("NULL")),
        (acknowledging, Complaint.acknowledge_by),
    ], Complaint.answer_by)
    return peewee.fn.COALESCE(deadline, peewee.SQL(f"'{FAR_FUTURE.isoformat()}'"))


def end_of_week(today: dt.date) -> dt.date:
    """The Sunday that ends this working week; at the weekend, the coming week's."""
    days = 6 - today.weekday() if today.weekday() < 5 else 13 - today.weekday()
    return today + dt.timedelta(days=days)


def filter_condition(name: str, user: User, today: dt.date,
                     on: type[peewee.Model] = Complaint) -> peewee.Node | None:
    """The WHERE condition of one filter; None for "all". ``on``: Complaint, ComplaintTally for the filters in
    ``TALLIED`` (it counts nobody as NOBODY) or ComplaintDueTally for the others (``kept_for``)."""
    if name == "mine":
        if permissions.is_telephonist(user):
            return on.received_by == user.id
        return on.assigned_to == user.id
    if name == "unassigned":
        nobody = on.assigned_to.is_null() if on is Complaint else on.assigned_to == NOBODY
        return nobody & (on.status != CLOSED)
    if name == "open":
        return on.status.in_(OPEN_STATUSES)
    if name == "closed":
        return on.status == CLOSED
    if name == "all":
        return None
    if on is ComplaintDueTally:  # a row a deadline: models/due_tally.py
        deadline, running = on.due, on.running == True  # noqa: E712
    else:  # compared with today, FAR_FUTURE is never due: the same rows as the deadline itself
        deadline = sort_key()
        running = Complaint.waiting_for != WAITING_COMPLAINANT  # in the indexes too: still served from them alone
    if name == "overdue":
        return (deadline < today) & running
    if name == "due_this_week":
        return deadline.between(today, end_of_week(today)) & running
    raise ValidationError({"filter": _("Onbekend filter {name}.").format(name=name)})


def _restrict(select: peewee.ModelSelect, user: User, query: InboxQuery, today: dt.date,
              on: type[peewee.Model] = Complaint, along_sort: bool = False) -> peewee.ModelSelect:
    """Everything but the filter: visibility, dashboard selection, category, channel, search words (``on``
    ComplaintTally: only the first and the middle two, see ``tallied``). ``along_sort``: see ``ids_query``."""
    select = visible_to(select, user, on)
    if query.category_id is not None:
        select = select.where(on.category == query.category_id)
    if query.channel:
        if query.channel not in CHANNELS:
            raise ValidationError({"channel": _("Onbekend kanaal {channel}.").format(channel=query.channel)})
        select = select.where(on.channel == query.channel)
    if on is not Complaint:
        return select
    if query.selection is not None:
        select = select.where(statistics.condition(query.selection, today))
    found = matching_ids(query.search) if query.search.strip() else None
    if found is not None and along_sort:
        select = select.where(peewee.Expression(_not_the_way_in(Complaint.id), peewee.OP.IN, found))
    elif found is not None:
        select = select.where(Complaint.id.in_(found))
    return select


def _label_rank(field: peewee.Field, labels: dict[str, str]) -> peewee.Node:
    """Order codes by their translated label, so the column sorts as the user reads it."""
    ranked = sorted(labels, key=lambda code: _(labels[code]).lower())
    return peewee.Case(field, [(code, i) for i, code in enumerate(ranked)], len(ranked))


def _sort_keys(select: peewee.ModelSelect, sort: str) -> tuple[peewee.ModelSelect, list[peewee.Node]]:
    if sort == "number":  # numbers are handed out in registration order; the id follows it
        return select, []
    if sort == "received":
        return select, [Complaint.received_at]
    if sort == "complainant":
        select = select.join(Relation, peewee.JOIN.LEFT_OUTER, on=(Complaint.relation == Relation.id))
        return select, [peewee.fn.COALESCE(peewee.fn.LOWER(Relation.name), "")]
    if sort == "category":
        return select.join(Category, on=(Complaint.category == Category.id)), [peewee.fn.LOWER(Category.name)]
    if sort == "channel":
        return select, [_label_rank(Complaint.channel, CHANNELS)]
    if sort == "status":
        return select, [peewee.Case(Complaint.status, [(s, i) for i, s in enumerate(_STATUS_ORDER)], 9)]
    if sort == "handler":
        select = select.join(Handler, peewee.JOIN.LEFT_OUTER, on=(Complaint.assigned_to == Handler.id))
        return select, [peewee.fn.COALESCE(Handler.full_name, "")]
    if sort == "deadline":
        return select, [sort_key()]
    if sort == "severity":
        return select, [Complaint.severity]
    raise ValidationError({"sort": _("Onbekende kolom {name}.").format(name=sort)})


def _not_the_way_in(field: peewee.Field) -> peewee.Node:
    """``+field``: SQLite does not look it up in an index, so it walks the sort's index and keeps what matches."""
    return peewee.NodeList((peewee.SQL("+"), field), glue="")


def ids_query(user: User, query: InboxQuery, today: dt.date | None = None,
              along_sort: bool = False) -> peewee.ModelSelect:
    """The SELECT of matching complaint ids in display order (for ``complaint_ids`` and benchmarks); ``along_sort``
    (SQLite): the search's matches are kept along the sort's index, not looked up."""
    today = today or dt.date.today()
    select = _restrict(Complaint.select(Complaint.id), user, query, today, along_sort=along_sort)
    condition = filter_condition(query.filter, user, today)
    if condition is not None:
        select = select.where(condition)
    select, keys = _sort_keys(select, query.sort)
    keys = [*keys, Complaint.id]
    return select.order_by(*[key.desc() if query.descending else key.asc() for key in keys])


@typed_errors
def complaint_ids(user: User, query: InboxQuery, today: dt.date | None = None, limit: int | None = None) -> array:
    """Ids of every complaint the inbox shows for ``query`` (``limit``: the first so many), in display order, as
    8-byte integers.

    Straight from the cursor, a row at a time: peewee's row wrapping would double the time, and a list of a million
    Python ints (after a million fetched tuples) takes 40 MB and more where the array takes 8.

    The first ids of a search with many matches, in an order an index gives, are read along that index, keeping
    the matches (on SQLite): the first 300 of 58,000 matches in a million in 20 ms instead of 200 ms that fetch and
    sort them all. Few matches are quicker fetched and sorted, and a probe of at most ALONG_SORT_FROM tells which.
    Not for "Open": its statuses are ranges of another index, and the open complaints few enough to sort.
    """
    walks = limit is not None and query.sort in INDEXED_SORTS and query.filter != "open"
    found = matching_ids(query.search) if walks else None
    along = found is not None and db_is_sqlite() and matches_at_least(found, ALONG_SORT_FROM)
    select = ids_query(user, query, today, along_sort=along)
    if limit is not None:
        select = select.limit(limit)
    return array("q", (row[0] for row in db.execute(select)))


def tallied(query: InboxQuery) -> bool:
    """Whether the counts for ``query`` can be read from the kept counts (models/tally.py,
    and for the filters that depend on today's date models/due_tally.py): not those of a search or a dashboard
    selection."""
    return not query.search.strip() and query.selection is None


def kept_for(name: str) -> type[peewee.Model]:
    """The kept counts that count filter ``name``: per deadline for "Te laat" and "Deze week af", else per group."""
    return ComplaintTally if name in TALLIED else ComplaintDueTally


def _counted(user: User, query: InboxQuery, today: dt.date, names: Sequence[str],
             on: type[peewee.Model]) -> dict[str, int]:
    """How many complaints each filter of ``names`` shows, counted from ``on`` (Complaint: a row each)."""
    one = 1 if on is Complaint else on.n
    columns = []
    for name in names:
        condition = filter_condition(name, user, today, on)
        total = peewee.fn.SUM(one if condition is None else peewee.Case(None, [(condition, one)], 0))
        columns.append(total.alias(name))
    row = _restrict(on.select(*columns), user, query, today, on).dicts().get()
    return {name: int(row[name] or 0) for name in names}


@typed_errors
def counts(user: User, query: InboxQuery, today: dt.date | None = None) -> dict[str, int]:
    """How many complaints each filter would show, with the query's category, channel and search."""
    today = today or dt.date.today()
    if not tallied(query):
        return _counted(user, query, today, list(FILTERS), Complaint)
    found = _counted(user, query, today, TALLIED, ComplaintTally)
    found.update(_counted(user, query, today, [name for name in FILTERS if name not in TALLIED], ComplaintDueTally))
    return {name: found[name] for name in FILTERS}


@typed_errors
def category_counts(user: User, query: InboxQuery, today: dt.date | None = None) -> dict[int, int]:
    """Per category id, how many complaints the current filter, channel and search show."""
    return _facet(user, dataclasses.replace(query, category_id=None), "category", today)


@typed_errors
def channel_counts(user: User, query: InboxQuery, today: dt.date | None = None) -> dict[str, int]:
    """Per channel code, how many complaints the current filter, category and search show."""
    return _facet(user, dataclasses.replace(query, channel=None), "channel", today)


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """Everything the inbox shows for one query, read together off the UI thread after a change."""

    query: InboxQuery
    today: dt.date
    ids: array  # of complaint ids, in display order: all of them, or the first HEAD (``complete``)
    rows: dict[int, InboxRow]  # only those ``on_screen`` asked for
    counts: dict[str, int]
    category_counts: dict[int, int]
    channel_counts: dict[str, int]
    complete: bool = True  # False: ``ids`` holds the first HEAD of ``total``; the rest are read next
    counts_later: bool = False  # True: every count is empty; ``counted_together`` reads them (a search, a selection)

    @property
    def total(self) -> int | None:
        """How many complaints the list holds: the count of its filter, exact for the same data; None while the
        counts are still to be read and only the first ids are."""
        if self.complete:
            return len(self.ids)
        return None if self.counts_later else self.counts[self.query.filter]


# Sorts an index gives in order (models/schema.py), and from how many matches a search is read along it: a word with
# 2,000 matches in a million walks 150,000 index entries (30 ms), as long as fetching and sorting the 2,000.
INDEXED_SORTS = ("deadline", "received")  # by number, the matches come in order already
ALONG_SORT_FROM = 2000
HEAD = 300  # ids read first when the view shows the top of the list: a screen and more, whatever the size


def snapshot(user: User, query: InboxQuery, today: dt.date, on_screen: Callable[[array], Sequence[int]],
             known_counts: dict[str, int] | None = None,
             known_facets: tuple[dict[int, int], dict[str, int]] | None = None, head: bool = False,
             counts_later: bool = False) -> Snapshot:
    """The ids, counts and the rows of the ids ``on_screen`` picks from the new ids (where the view will be).

    ``known_counts`` / ``known_facets``: what the view read for the same data a moment ago and still holds (the
    filter counts do not depend on the filter, nothing on the sort), so a click does not count everything again.
    ``head``: the view shows the top of the list; only the first HEAD ids are read (a million take 0.3 s), the view
    paints them and reads the rest (``complaint_ids``) afterwards. ``counts_later``: a search or a selection may
    leave all its counts to ``counted_together`` after the paint (a pass over every match: 150-300 ms for a common
    word in a million); the other counts are kept by the database and read at once.
    """
    ids = complaint_ids(user, query, today, HEAD if head else None)
    complete = not head or len(ids) < HEAD
    if not tallied(query) and (known_counts is None or known_facets is None):
        if counts_later:
            return Snapshot(query, today, ids, rows(user, on_screen(ids), today), {}, {}, {}, complete, True)
        together = counted_together(user, query, today)
        known_counts, known_facets = known_counts or together[0], known_facets or together[1:]
    counted = counts(user, query, today) if known_counts is None else known_counts
    if known_facets is None:
        known_facets = (category_counts(user, query, today), channel_counts(user, query, today))
    return Snapshot(query, today, ids, rows(user, on_screen(ids), today), counted, *known_facets, complete)


@typed_errors
def counted_together(user: User, query: InboxQuery, today: dt.date) -> tuple[dict[str, int], dict[int, int],
                                                                           dict[str, int]]:
    """``counts``, ``category_counts`` and ``channel_counts`` of a search or dashboard selection in one pass over
    its complaints: per category and channel, how many each filter shows, added up here (at most a few hundred
    groups). Three passes cost three times the search: on PostgreSQL each one reads the whole deadline index to
    join the words' matches (a search 0.21 → 0.11 s at 100,000 complaints)."""
    names = list(FILTERS)
    columns = [Complaint.category, Complaint.channel]
    for name in names:
        condition = filter_condition(name, user, today)
        columns.append(peewee.fn.SUM(1 if condition is None else peewee.Case(None, [(condition, 1)], 0)))
    everywhere = dataclasses.replace(query, category_id=None, channel=None)
    select = _restrict(Complaint.select(*columns), user, everywhere, today).group_by(Complaint.category,
                                                                                   Complaint.channel)
    counted = dict.fromkeys(names, 0)
    groups = []
    for category, channel, *numbers in select.tuples():
        by_filter = {name: int(n or 0) for name, n in zip(names, numbers, strict=True)}
        if (query.category_id is None or category == query.category_id) and (not query.channel
                                                                            or channel == query.channel):
            for name in names:
                counted[name] += by_filter[name]
        groups.append((category, channel, by_filter[query.filter]))
    return counted, *_per_facet(query, groups)


def _per_facet(query: InboxQuery, groups: Sequence[tuple[int, str, int]]) -> tuple[dict[int, int], dict[str, int]]:
    """From (category, channel, how many) over every category and channel: per category within the query's channel,
    per channel within its category."""
    per_category: dict[int, int] = {}
    per_channel: dict[str, int] = {}
    for category, channel, n in groups:
        if n and (not query.channel or channel == query.channel):
            per_category[category] = per_category.get(category, 0) + n
        if n and (query.category_id is None or category == query.category_id):
            per_channel[channel] = per_channel.get(channel, 0) + n
    return per_category, per_channel


def counts_key(query: InboxQuery) -> InboxQuery:
    """The part of ``query`` the filter counts depend on: not the filter itself, nor the sort."""
    return dataclasses.replace(query, filter="", sort="", descending=False)


def facets_key(query: InboxQuery) -> InboxQuery:
    """The part of ``query`` the category and channel counts depend on: everything but the sort."""
    return dataclasses.replace(query, sort="", descending=False)


def _facet(user: User, query: InboxQuery, name: str, today: dt.date | None) -> dict:
    """Counts per value of the field ``name``: the kept counts (``kept_for``) without a search or selection; else
    counted from the complaints those find, grouped apart (``+field`` on SQLite: the same value but no index column,
    so SQLite does not walk a whole index in the order of the field instead)."""
    today = today or dt.date.today()
    if tallied(query):
        kept = kept_for(query.filter)
        field = getattr(kept, name)
        select = _restrict(kept.select(field, peewee.fn.SUM(kept.n)), user, query, today, kept)
        condition = filter_condition(query.filter, user, today, kept)
        if condition is not None:
            select = select.where(condition)
        return {key: int(n) for key, n in select.group_by(field).tuples() if n}
    field = getattr(Complaint, name)
    key = peewee.NodeList((peewee.SQL("+"), field), glue="") if db_is_sqlite() else field
    select = _restrict(Complaint.select(key, peewee.fn.COUNT(peewee.SQL("*"))), user, query, today)
    condition = filter_condition(query.filter, user, today)
    if condition is not None:
        select = select.where(condition)
    return dict(select.group_by(key).tuples())


def categories() -> list[tuple[int, str]]:
    """(id, name) of every category in the office's order, inactive ones too: old complaints use them."""
    return list(Category.select(Category.id, Category.name).order_by(Category.position, Category.name).tuples())


@typed_errors
def rows(user: User, ids: Sequence[int], today: dt.date | None = None) -> dict[int, InboxRow]:
    """The rows for ``ids`` (one page), by id; ids the user may not see (or that are gone) are left out."""
    if not ids:
        return {}
    today = today or dt.date.today()
    calendar = settings.calendar()
    select = (Complaint.select(
                Complaint.id, Complaint.number, Complaint.kind, Complaint.received_at, Complaint.channel,
                Complaint.status, Complaint.severity, Complaint.confidential, Complaint.acknowledged_at,
                Complaint.acknowledge_by, Complaint.answer_by, Complaint.answered_at, Complaint.waiting_for,
                Complaint.waiting_since, Complaint.waiting_until, Complaint.answer_days_left,
                Relation.name, Category.name, Handler.full_name)
              .join(Category, on=(Complaint.category == Category.id)).switch(Complaint)
              .join(Relation, peewee.JOIN.LEFT_OUTER, on=(Complaint.relation == Relation.id)).switch(Complaint)
              .join(Handler, peewee.JOIN.LEFT_OUTER, on=(Complaint.assigned_to == Handler.id))
              .where(Complaint.id.in_(list(ids))))
    found = {}
    # plain tuples: peewee's named tuples build a new class for every query, a page at a time that shows
    for (complaint_id, number, kind, received_at, channel, status, severity, confidential, acknowledged_at,
         acknowledge_by, answer_by, answered_at, waiting_for, waiting_since, waiting_until, days_left_waiting,
         name, category, handler) in visible_to(select, user).tuples():
        deadline, acknowledging = deadline_of(status, acknowledged_at, acknowledge_by, answer_by, answered_at)
        stopped = deadline is not None and waiting_for == WAITING_COMPLAINANT
        if stopped:
            days = days_left_waiting or 0
        else:
            days = working_days_left(deadline, today, calendar) if deadline else None
        overdue = deadline is not None and deadline < today and not stopped
        found[complaint_id] = InboxRow(
            id=complaint_id, number=number, kind=kind, received_at=received_at, complainant=name or "",
            category=category, channel=channel, status=status, handler=handler or "", deadline=deadline,
            acknowledging=acknowledging, days_left=days, overdue=overdue,
            due_soon=not overdue and not stopped and days is not None and days <= DUE_SOON_WORKING_DAYS,
            severity=severity, confidential=bool(confidential), waiting_for=waiting_for or "",
            waiting_since=waiting_since, waiting_until=waiting_until)
    return found


def deadline_of(status: str, acknowledged_at: dt.datetime | None, acknowledge_by: dt.date, answer_by: dt.date,
                answered_at: dt.datetime | None) -> tuple[dt.date | None, bool]:
    """(next deadline or None, whether it is the acknowledgement's): the Python twin of ``sort_key()``."""
    if status == CLOSED or answered_at is not None:
        return None, False
    if acknowledged_at is None and acknowledge_by < answer_by:
        return acknowledge_by, True
    return answer_by, False
