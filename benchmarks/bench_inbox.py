"""The inbox, its filters and search, opening a dossier and saving a change.

Each figure is what the user waits for, as the view reads it off the UI thread
(``inbox.snapshot``): the ids of the first matching complaints in display order, the
rows of the first screen (PAGE rows), the counts beside the filters and in the
category and channel lists — without the filter counts on a filter click, which
the view still holds. Next to each stands an independent hand-written SQL twin
on the raw DB-API cursor (``…_raw_sql``) that returns the same result
(tests/test_benchmark_twins_inbox.py checks that): the floor the application's
own code is measured against.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from benchmarks import Context, timed
from klachtenbureau.models import Complaint, audit, db
from klachtenbureau.models.complaints import OPEN_STATUSES
from klachtenbureau.models.database import is_sqlite
from klachtenbureau.workflow import dossier_data, editing, inbox, permissions, procedure, relations
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.upkeep import store

PAGE = 60  # rows on a first screen, with room to scroll a little
SEARCHES = {"name": "jansen", "word": "rolstoel", "note": "voicemail", "two_words": "koffie pauze"}

KEY = ("COALESCE(CASE WHEN c.status = 'closed' OR c.answered_at IS NOT NULL THEN NULL "
       "WHEN c.acknowledged_at IS NULL AND c.acknowledge_by < c.answer_by THEN c.acknowledge_by "
       "ELSE c.answer_by END, '9999-12-31')")
VISIBLE = "(c.received_by_id = ? OR c.assigned_to_id = ? OR NOT c.confidential)"
OPEN_LIST = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
RUNNING = "c.waiting_for <> 'complainant'"  # the clock stands still while the office waits for the complainant
RAW_FILTERS = {
    "mine": ("c.assigned_to_id = ?", "me"),
    "unassigned": ("c.assigned_to_id IS NULL AND c.status <> 'closed'", None),
    "overdue": (f"{KEY} < ? AND {RUNNING}", "today"),
    "due_this_week": (f"{KEY} BETWEEN ? AND ? AND {RUNNING}", "week"),
    "open": (f"c.status IN ({OPEN_LIST})", None),
    "closed": ("c.status = 'closed'", None),
    "all": ("1 = 1", None),
}
# The same filters over the counts the database keeps (models/tally.py): nobody is 0 there.
TALLY_FILTERS = {
    "mine": "t.assigned_to_id = ?", "unassigned": "t.assigned_to_id = 0 AND t.status <> 'closed'",
    "open": f"t.status IN ({OPEN_LIST})", "closed": "t.status = 'closed'", "all": "1 = 1",
}
TALLY_VISIBLE = VISIBLE.replace("c.", "t.")
# The dated filters over the counts per deadline (models/due_tally.py): only complaints whose deadline runs.
DUE_FILTERS = {"overdue": "t.due < ? AND t.running", "due_this_week": "t.due BETWEEN ? AND ? AND t.running"}
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


def _filter_params(kind: str | None, me: int, today: dt.date) -> tuple:
    if kind == "me":
        return (me,)
    if kind == "today":
        return (today.isoformat(),)
    if kind == "week":
        return (today.isoformat(), inbox.end_of_week(today).isoformat())
    return ()


def _raw_search(text: str) -> tuple[str, tuple]:
    """The SELECT of the ids of the complaints with every word of ``text``, and its parameters."""
    words = re.findall(r"\w+", text.lower())  # "KB2026-0042" is two words to both indexes
    if is_sqlite():
        return "SELECT rowid FROM complaint_fts WHERE complaint_fts MATCH ?", (" ".join(f'"{w}"*' for w in words),)
    return ("SELECT complaint_id FROM complaint_search WHERE document @@ to_tsquery('simple', ?)",
            (" & ".join(f"{w}:*" for w in words),))


def raw_click(me: int, today: dt.date, name: str, search: str = "", counts: bool = True) -> dict[str, Any]:
    """What the inbox shows after a click on filter ``name`` (with search words ``search``), as hand-written SQL:
    the first ``inbox.HEAD`` ids in deadline order (the view reads the rest after the paint), the first screen's
    rows, the count per category and per channel and, unless the view still has them (``counts`` False: only the
    filter changed), the count beside each filter. Without a search the counts come from the kept counts where
    they serve, with a search all in one pass over its matches, as the best queries would. Returned, so that tests/test_benchmark_twins_inbox.py holds it to ``inbox.snapshot``."""
    where, kind = RAW_FILTERS[name]
    params = _filter_params(kind, me, today)
    matching, found_params = _raw_search(search) if search else ("", ())
    found = listed = f"c.id IN ({matching})" if search else "1 = 1"
    if search and is_sqlite() and name != "open" and _run(  # many matches: along the deadline index, keeping them
            f"SELECT COUNT(*) FROM ({matching} LIMIT 2000) AS probe", found_params)[0][0] >= 2000:
        listed = "+" + found
    ids = [row[0] for row in _run(f"SELECT c.id FROM complaint c WHERE {VISIBLE} AND {listed} AND {where} "
                                  f"ORDER BY {KEY}, c.id LIMIT {inbox.HEAD}", (me, me, *found_params, *params))]
    page = ids[:PAGE]
    rows = _run(ROWS_SQL.format(marks=", ".join("?" * len(page))), (*page, me, me)) if page else []
    result = {"ids": ids, "numbers": {row[0]: row[1] for row in rows}}
    if not search and name in TALLY_FILTERS:
        mine = (me,) if name == "mine" else ()
        for facet, column in (("category", "category_id"), ("channel", "channel")):
            result[facet] = {key: int(n) for key, n in _run(
                f"SELECT t.{column}, SUM(t.n) FROM complaint_tally t WHERE {TALLY_VISIBLE} AND {TALLY_FILTERS[name]} "
                f"GROUP BY t.{column} HAVING SUM(t.n) <> 0", (me, me, *mine))}
    elif search:  # every count of the words' matches in one pass, per category and channel
        columns, counted_params = [], []
        for filter_where, filter_kind in RAW_FILTERS.values():
            columns.append(f"SUM(CASE WHEN {filter_where} THEN 1 ELSE 0 END)")
            counted_params += _filter_params(filter_kind, me, today)
        groups = _run(f"SELECT c.category_id, c.channel, {', '.join(columns)} FROM complaint c "
                      f"WHERE {VISIBLE} AND {found} GROUP BY c.category_id, c.channel",
                      (*counted_params, me, me, *found_params))
        shown = list(RAW_FILTERS).index(name) + 2
        result["category"], result["channel"] = {}, {}
        for row in groups:
            if row[shown]:
                result["category"][row[0]] = result["category"].get(row[0], 0) + int(row[shown])
                result["channel"][row[1]] = result["channel"].get(row[1], 0) + int(row[shown])
        if counts:
            result["counts"] = {code: sum(int(row[i + 2] or 0) for row in groups) for i, code in enumerate(RAW_FILTERS)}
        return result
    else:  # a dated filter: from the counts per deadline
        groups = _run(f"SELECT t.category_id, t.channel, SUM(t.n) FROM complaint_due_tally t WHERE {TALLY_VISIBLE} "
                      f"AND {DUE_FILTERS[name]} GROUP BY t.category_id, t.channel HAVING SUM(t.n) <> 0",
                      (me, me, *params))
        result["category"], result["channel"] = {}, {}
        for category, channel, n in groups:
            result["category"][category] = result["category"].get(category, 0) + n
            result["channel"][channel] = result["channel"].get(channel, 0) + n
    if counts:
        result["counts"] = _raw_counts(me, today)
    return result


def _raw_counts(me: int, today: dt.date) -> dict[str, int]:
    """The count beside each filter without a search: from the kept counts, per group and per deadline."""
    columns, params = [], []
    for code, where in DUE_FILTERS.items():
        columns.append(f"SUM(CASE WHEN {where} THEN t.n ELSE 0 END)")
        params += _filter_params(RAW_FILTERS[code][1], me, today)
    row = _run(f"SELECT {', '.join(columns)} FROM complaint_due_tally t WHERE {TALLY_VISIBLE} AND t.due <= ?",
               (*params, me, me, inbox.end_of_week(today).isoformat()))[0]
    result = {code: int(value or 0) for code, value in zip(DUE_FILTERS, row, strict=True)}
    columns = [f"SUM(CASE WHEN {TALLY_FILTERS[code]} THEN t.n ELSE 0 END)" for code in TALLY_FILTERS]
    row = _run(f"SELECT {', '.join(columns)} FROM complaint_tally t WHERE {TALLY_VISIBLE}", (me, me, me))[0]
    result.update({code: int(value or 0) for code, value in zip(TALLY_FILTERS, row, strict=True)})
    return {code: result[code] for code in RAW_FILTERS}


def click(ctx: Context, today: dt.date, name: str, search: str = "",
          held: dict[str, int] | None = None) -> inbox.Snapshot:
    """What the inbox view reads off the UI thread for that click (``InboxView._read``); ``held``: the filter
    counts the view still has when only the filter changed."""
    return inbox.snapshot(ctx.user, inbox.InboxQuery(filter=name, search=search), today, lambda ids: ids[:PAGE],
                          known_counts=held, head=True)


def _year_on(moment: dt.datetime, years: int) -> dt.datetime:
    return moment.replace(year=moment.year + years, day=28 if (moment.month, moment.day) == (2, 29) else moment.day)


def _raw_dossier(me: int, complaint_id: int) -> dict[str, Any] | None:
    """What ``dossier_data.load`` reads for the coordinator ``me`` (``VISIBLE``): the complaint with its category,
    complainant, handler and receiver; its timeline, documents, measures and audit entries; the staff (names in
    the audit lines, who it can be handed to), the categories and the settings; the complainant's other complaints
    and the five similar ones (the app's words, window and order). Returned, so that
    tests/test_benchmark_twins_dossier.py holds it to what the app shows; None when ``me`` may not see it."""
    cursor = db.connection().cursor()

    def rows(text: str, params: tuple = ()) -> list[dict[str, Any]]:
        cursor.execute(_sql(text), params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    found = rows(
        "SELECT c.*, cat.name AS category_name, r.name AS r_name, r.attention AS r_attention, r.street AS r_street, "
        "r.postcode AS r_postcode, r.city AS r_city, r.country AS r_country, r.phone AS r_phone, r.email AS r_email, "
        "r.relation_type AS r_type, h.full_name AS handler, rb.full_name AS receiver FROM complaint c "
        "JOIN category cat ON cat.id = c.category_id LEFT JOIN relation r ON r.id = c.relation_id "
        "LEFT JOIN \"user\" h ON h.id = c.assigned_to_id JOIN \"user\" rb ON rb.id = c.received_by_id "
        f"WHERE c.id = ? AND {VISIBLE}", (complaint_id, me, me))
    if not found:
        return None
    c = found[0]
    staff = rows("SELECT id, login, full_name, role, active FROM \"user\" ORDER BY full_name")
    dossier: dict[str, Any] = {
        "complaint": c,
        "timeline": rows("SELECT t.id, t.at, t.kind, t.method, t.direction, t.summary, u.full_name "
                         "FROM timeline_entry t LEFT JOIN \"user\" u ON u.id = t.user_id WHERE t.complaint_id = ? "
                         "ORDER BY t.at, t.id", (complaint_id,)),
        "documents": rows("SELECT d.id, d.kind, d.name, d.mime_type, d.size, d.sha256, d.created_at, u.full_name "
                          "FROM document d LEFT JOIN \"user\" u ON u.id = d.created_by_id WHERE d.complaint_id = ? "
                          "ORDER BY d.created_at, d.id", (complaint_id,)),
        "measures": rows("SELECT m.id, m.title, m.description, m.due_date, m.status, m.check_method, "
                         "m.check_conclusion, u.full_name FROM measure_complaint mc "
                         "JOIN measure m ON m.id = mc.measure_id JOIN \"user\" u ON u.id = m.owner_id "
                         "WHERE mc.complaint_id = ? ORDER BY m.due_date, m.id", (complaint_id,)),
        "history": rows("SELECT id, at, user_login, action, changes FROM audit_entry WHERE complaint_id = ? "
                        "ORDER BY at, id", (complaint_id,)),
        "staff": staff,
        "handlers": [u["id"] for u in staff if u["active"] and u["login"] != store.SYSTEM_LOGIN
                     and u["role"] in permissions.HANDLER_ROLES],
        "categories": rows("SELECT id, name FROM category"),
        "settings": rows("SELECT key, value FROM setting WHERE key IN (?, ?, ?)",
                         ("retention_years", "liberation_day_every_year", "closing_days")),
        "earlier": rows(f"SELECT c.id, c.number, c.received_at, c.status, cat.name FROM complaint c "
                        f"JOIN category cat ON cat.id = c.category_id WHERE c.relation_id = ? AND c.id <> ? "
                        f"AND {VISIBLE} ORDER BY c.received_at DESC, c.id DESC",
                        (c["relation_id"], complaint_id, me, me))
        if c["relation_id"] else [],
    }
    received = c["received_at"]
    received = dt.datetime.fromisoformat(received) if isinstance(received, str) else received
    words = relations.similar_words(c["description"])
    like = "LIKE" if is_sqlite() else "ILIKE"
    shares = " OR ".join([f"c.description {like} ? ESCAPE '\\'"] * len(words)) or "1 = 1"
    dossier["similar"] = rows(
        f"SELECT c.id, c.number, c.received_at, c.status FROM complaint c WHERE c.category_id = ? "
        f"AND c.received_at BETWEEN ? AND ? AND c.id <> ? AND ({shares}) AND {VISIBLE} "
        f"ORDER BY c.received_at DESC, c.id DESC LIMIT 5",
        (c["category_id"], _year_on(received, -1).isoformat(" "), _year_on(received, 1).isoformat(" "), complaint_id,
         *["%" + w.replace("_", "\\_") + "%" for w in words], me, me))
    return dossier


def run(ctx: Context) -> dict[str, list[float]]:
    me, today, repeat = ctx.user.id, dt.date.today(), ctx.repeat
    figures: dict[str, list[float]] = {}
    # After a colleague's save (and at the start): ids, first screen, every count. A click on a filter: the
    # same without the filter counts, which do not depend on the filter. A search: everything, with its words.
    figures["inbox_after_change"] = timed(lambda: click(ctx, today, "open"), repeat)
    figures["inbox_after_change_raw_sql"] = timed(lambda: raw_click(me, today, "open"), repeat)
    held = inbox.counts(ctx.user, inbox.InboxQuery(), today)
    for name in inbox.FILTERS:
        figures[f"filter_click_{name}"] = timed(lambda n=name: click(ctx, today, n, held=held), repeat)
        figures[f"filter_click_{name}_raw_sql"] = timed(lambda n=name: raw_click(me, today, n, counts=False), repeat)
    # What the view reads after the paint while the user looks at the first rows: every id, for scrolling.
    for name in ("all", "open"):
        figures[f"rest_of_ids_{name}"] = timed(lambda n=name: inbox.complaint_ids(
            ctx.user, inbox.InboxQuery(filter=n), today), repeat)
    number = Complaint.select(Complaint.number).order_by(Complaint.id.desc()).offset(ctx.complaints // 3).scalar()
    for label, text in [*SEARCHES.items(), ("number", number)]:
        figures[f"search_{label}"] = timed(lambda t=text: click(ctx, today, "all", t), repeat)
        figures[f"search_{label}_raw_sql"] = timed(lambda t=text: raw_click(me, today, "all", t), repeat)

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
            figures[f"sort_{sort}"] = timed(lambda s=sort: inbox.snapshot(  # a click on a column header:
                ctx.user, inbox.InboxQuery(sort=s), today, lambda ids: ids[:PAGE], {}, ({}, {})), repeat)  # no counts
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
    if not is_sqlite():  # one link of the audit chain at a time, as the app's
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (audit._CHAIN_LOCK,))
    cursor.execute("SELECT chain FROM audit_entry ORDER BY id DESC LIMIT 1")
    entry = {"operation_id": uuid.uuid4().hex, "at": now, "user_login": ctx.user.login, "action": "edit_registration",
             "entity": "complaint", "entity_id": complaint_id, "complaint_id": complaint_id,
             "changes": json.dumps({"severity": 1 + severity % 4})}
    cursor.execute(_sql("INSERT INTO audit_entry (operation_id, at, user_login, action, entity, entity_id, "
                        "complaint_id, changes, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                   (*entry.values(), audit.link((cursor.fetchone() or [""])[0], entry)))
    cursor.execute("COMMIT")
