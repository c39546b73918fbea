"""The inbox, its filters and search, opening a dossier and saving a change.

Each figure is what the user waits for: the ids of every matching complaint in
display order plus the rows of the first screen (PAGE rows). Next to each
stands the same work as hand-written SQL on the raw DB-API cursor
(``…_raw_sql``): the floor the application's own code is measured against.
"""

from __future__ import annotations

import datetime as dt
import itertools

from benchmarks import Context, timed
from klachtenbureau.models import Complaint, db
from klachtenbureau.models.complaints import OPEN_STATUSES
from klachtenbureau.models.database import is_sqlite
from klachtenbureau.workflow import dossier_data, editing, inbox, procedure
from klachtenbureau.workflow.offline import write_queue

PAGE = 60  # rows on a first screen, with room to scroll a little
SEARCHES = {"name": "jansen", "word": "rolstoel", "note": "voicemail", "two_words": "koffie pauze"}

KEY = ("COALESCE(CASE WHEN c.status = 'closed' OR c.answered_at IS NOT NULL THEN NULL "
       "WHEN c.acknowledged_at IS NULL AND c.acknowledge_by < c.answer_by THEN c.acknowledge_by "
       "ELSE c.answer_by END, '9999-12-31')")
VISIBLE = "(c.received_by_id = ? OR c.assigned_to_id = ? OR NOT c.confidential)"
OPEN_LIST = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
RAW_FILTERS = {
    "mine": ("c.assigned_to_id = ?", "me"),
    "unassigned": ("c.assigned_to_id IS NULL AND c.status <> 'closed'", None),
    "overdue": (f"{KEY} < ?", "today"),
    "due_this_week": (f"{KEY} BETWEEN ? AND ?", "week"),
    "open": (f"c.status IN ({OPEN_LIST})", None),
    "closed": ("c.status = 'closed'", None),
    "all": ("1 = 1", None),
}
ROWS_SQL = (
    "SELECT c.id, c.number, c.kind, c.received_at, c.channel, c.status, c.severity, c.confidential, "
    "c.acknowledged_at, c.acknowledge_by, c.answer_by, c.answered_at, r.name, cat.name, h.full_name "
    "FROM complaint c JOIN category cat ON cat.id = c.category_id "
    "LEFT JOIN relation r ON r.id = c.relation_id LEFT JOIN \"user\" h ON h.id = c.assigned_to_id "
    "WHERE c.id IN ({marks}) AND " + VISIBLE)


def _sql(text: str) -> str:
    return text if is_sqlite() else text.replace("?", "%s")


def _run(text: str, params: tuple = ()) -> list[tuple]:
    cursor = db.connection().cursor()
    cursor.execute(_sql(text), params)
    return cursor.fetchall()


def _raw_page(me: int, where: str, params: tuple) -> None:
    ids = [row[0] for row in _run(
        f"SELECT c.id FROM complaint c WHERE {VISIBLE} AND {where} "
        f"ORDER BY {KEY}, c.id", (me, me, *params))]
    page = ids[:PAGE]
    if page:
        _run(ROWS_SQL.format(marks=", ".join("?" * len(page))), (*page, me, me))


def _page(ctx: Context, query: inbox.InboxQuery) -> None:
    ids = inbox.complaint_ids(ctx.user, query)
    inbox.rows(ctx.user, ids[:PAGE])


def _filter_params(kind: str | None, me: int, today: dt.date) -> tuple:
    if kind == "me":
        return (me,)
    if kind == "today":
        return (today.isoformat(),)
    if kind == "week":
        return (today.isoformat(), inbox.end_of_week(today).isoformat())
    return ()


def _raw_search(text: str) -> tuple[str, tuple]:
    words = text.split()
    if is_sqlite():
        return ("c.id IN (SELECT rowid FROM complaint_fts WHERE complaint_fts MATCH ?)",
                (" ".join(f'"{w}"*' for w in words),))
    return ("c.id IN (SELECT complaint_id FROM complaint_search WHERE document @@ to_tsquery('simple', ?))",
            (" & ".join(f"{w}:*" for w in words),))


def _raw_counts(me: int, today: dt.date) -> None:
    columns = []
    params: list = []
    for where, kind in RAW_FILTERS.values():
        columns.append(f"SUM(CASE WHEN {where} THEN 1 ELSE 0 END)")
        params += _filter_params(kind, me, today)
    _run(f"SELECT {', '.join(columns)} FROM complaint c WHERE {VISIBLE}", (*params, me, me))
    where, kind = RAW_FILTERS["open"]
    for column in ("category_id", "channel"):
        _run(f"SELECT c.{column}, COUNT(*) FROM complaint c WHERE {VISIBLE} AND {where} GROUP BY c.{column}",
             (me, me))


def _counts(ctx: Context) -> None:
    query = inbox.InboxQuery()
    inbox.counts(ctx.user, query)
    inbox.category_counts(ctx.user, query)
    inbox.channel_counts(ctx.user, query)


def _raw_dossier(me: int, complaint_id: int) -> None:
    complaint = _run(
        "SELECT c.relation_id, c.category_id, c.*, cat.*, r.*, h.*, rb.* FROM complaint c "
        "JOIN category cat ON cat.id = c.category_id LEFT JOIN relation r ON r.id = c.relation_id "
        "LEFT JOIN \"user\" h ON h.id = c.assigned_to_id "
        "JOIN \"user\" rb ON rb.id = c.received_by_id WHERE c.id = ?", (complaint_id,))[0]
    _run("SELECT t.*, u.* FROM timeline_entry t LEFT JOIN \"user\" u ON u.id = t.user_id "
         "WHERE t.complaint_id = ? ORDER BY t.at, t.id", (complaint_id,))
    _run("SELECT d.id, d.kind, d.name, d.mime_type, d.size, d.created_at, u.full_name FROM document d "
         "LEFT JOIN \"user\" u ON u.id = d.created_by_id WHERE d.complaint_id = ? ORDER BY d.created_at, d.id",
         (complaint_id,))
    _run("SELECT m.*, u.* FROM measure m JOIN \"user\" u ON u.id = m.owner_id "
         "JOIN measure_complaint mc ON mc.measure_id = m.id WHERE mc.complaint_id = ? ORDER BY m.due_date",
         (complaint_id,))
    _run("SELECT * FROM audit_entry WHERE complaint_id = ? ORDER BY at, id", (complaint_id,))
    relation_id, category_id = complaint[0], complaint[1]
    if relation_id:
        _run(f"SELECT c.*, cat.* FROM complaint c JOIN category cat ON cat.id = c.category_id "
             f"WHERE c.relation_id = ? AND c.id <> ? AND {VISIBLE} ORDER BY c.received_at DESC",
             (relation_id, complaint_id, me, me))
    _run(f"SELECT c.* FROM complaint c WHERE c.id <> ? AND c.category_id = ? AND c.received_at >= ? "
         f"AND (c.description LIKE ? OR c.description LIKE ?) AND {VISIBLE} ORDER BY c.received_at DESC LIMIT 15",
         (complaint_id, category_id, (dt.date.today() - dt.timedelta(days=365)).isoformat(), "%klacht%", "%avond%",
          me, me))


def run(ctx: Context) -> dict[str, list[float]]:
    me, today, repeat = ctx.user.id, dt.date.today(), ctx.repeat
    figures: dict[str, list[float]] = {}
    figures["inbox_first_page"] = timed(lambda: _page(ctx, inbox.InboxQuery()), repeat)
    where, _kind = RAW_FILTERS["open"]
    figures["inbox_first_page_raw_sql"] = timed(lambda: _raw_page(me, where, ()), repeat)
    figures["inbox_counts"] = timed(lambda: _counts(ctx), repeat)
    figures["inbox_counts_raw_sql"] = timed(lambda: _raw_counts(me, today), repeat)
    for name in inbox.FILTERS:
        where, kind = RAW_FILTERS[name]
        params = _filter_params(kind, me, today)
        figures[f"filter_{name}"] = timed(lambda name=name: _page(ctx, inbox.InboxQuery(filter=name)), repeat)
        figures[f"filter_{name}_raw_sql"] = timed(lambda w=where, p=params: _raw_page(me, w, p), repeat)
    for label, text in SEARCHES.items():
        where, params = _raw_search(text)
        figures[f"search_{label}"] = timed(lambda t=text: _page(ctx, inbox.InboxQuery(filter="all", search=t)), repeat)
        figures[f"search_{label}_raw_sql"] = timed(lambda w=where, p=params: _raw_page(me, w, p), repeat)
    number = Complaint.select(Complaint.number).order_by(Complaint.id.desc()).offset(ctx.complaints // 3).scalar()
    where, params = _raw_search(number.replace("-", " ").lower())
    figures["search_number"] = timed(lambda: _page(ctx, inbox.InboxQuery(filter="all", search=number)), repeat)
    figures["search_number_raw_sql"] = timed(lambda: _raw_page(me, where, params), repeat)

    sample = _sample_ids(ctx)
    ids = itertools.cycle(sample)
    figures["open_dossier"] = timed(lambda: dossier_data.load(ctx.user, next(ids)), repeat)
    figures["open_dossier_raw_sql"] = timed(lambda: _raw_dossier(me, next(ids)), repeat)
    figures["save_change"] = timed(lambda: _save(ctx, next(ids)), repeat)
    figures["save_change_raw_sql"] = timed(lambda: _raw_save(ctx, next(ids)), repeat)
    # A contact moment as the dossier saves it (through this PC's write queue: a local file written and
    # fsynced first, removed after), against the workflow call alone.
    figures["contact_via_queue"] = timed(lambda: _contact(ctx, next(ids), queued=True), repeat)
    figures["contact_direct"] = timed(lambda: _contact(ctx, next(ids), queued=False), repeat)

    for sort in inbox.SORTS:
        if sort != inbox.DEFAULT_SORT:
            figures[f"sort_{sort}"] = timed(lambda s=sort: _page(ctx, inbox.InboxQuery(sort=s)), repeat)
    return figures


def _sample_ids(ctx: Context) -> list[int]:
    """Open complaints handled by the user, spread over the database: the dossiers a coordinator opens."""
    ids = inbox.complaint_ids(ctx.user, inbox.InboxQuery(filter="open"))
    step = max(1, len(ids) // 20)
    return ids[::step][:20]


def _save(ctx: Context, complaint_id: int) -> None:
    complaint = Complaint.get_by_id(complaint_id)
    editing.update_registration(ctx.user, complaint, {"severity": 1 + complaint.severity % 4})


def _contact(ctx: Context, complaint_id: int, queued: bool) -> None:
    complaint = Complaint.get_by_id(complaint_id)
    arguments = {"summary": "Klager gebeld.", "method": "phone", "direction": "out"}
    if queued:
        write_queue.submit(ctx.user, "contact", write_queue.step_payload(complaint, arguments), ctx.url)
    else:
        procedure.add_contact(ctx.user, complaint, **arguments)


def _raw_save(ctx: Context, complaint_id: int) -> None:
    import json
    import uuid

    connection = db.connection()
    cursor = connection.cursor()
    cursor.execute("BEGIN IMMEDIATE" if is_sqlite() else "BEGIN")
    cursor.execute(_sql("SELECT version, severity FROM complaint WHERE id = ?"), (complaint_id,))
    version, severity = cursor.fetchone()
    now = dt.datetime.now().replace(microsecond=0).isoformat(" ")
    cursor.execute(_sql("UPDATE complaint SET severity = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?"),
                   (1 + severity % 4, version + 1, now, complaint_id, version))
    cursor.execute(_sql("INSERT INTO audit_entry (operation_id, at, user_login, action, entity, entity_id, "
                        "complaint_id, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                   (uuid.uuid4().hex, now, ctx.user.login, "edit_registration", "complaint", complaint_id,
                    complaint_id, json.dumps({"severity": 1 + severity % 4})))
    cursor.execute("COMMIT")
