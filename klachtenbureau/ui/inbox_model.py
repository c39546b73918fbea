"""The inbox table model: keeps only complaint ids, builds rows a page at a time.

Filtering and sorting happen in SQL (workflow.inbox); this model holds the
ordered ids of every matching complaint and fetches the full rows for a page
only when a view asks for one of them. After a change the view reads the ids
and the rows on screen off the UI thread (``workflow.inbox.snapshot``) and hands
them to ``apply()``: when the order is unchanged only the cached rows are
replaced (views keep selection and scroll by themselves); otherwise the model is
reset and the view restores selection and position by id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from array import array
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, format_date, ngettext
from klachtenbureau.models import User
from klachtenbureau.models.complaints import CHANNELS, INQUIRY, SEVERITIES, STATUSES, WAITING
from klachtenbureau.workflow import inbox
from klachtenbureau.workflow.inbox import InboxQuery, InboxRow

COLUMNS: list[tuple[str, str]] = [
    ("number", N_("Nummer")),
    ("received", N_("Ontvangen")),
    ("complainant", N_("Klager")),
    ("category", N_("Categorie")),
    ("channel", N_("Kanaal")),
    ("status", N_("Status")),
    ("handler", N_("Behandelaar")),
    ("deadline", N_("Termijn")),
    ("severity", N_("Ernst")),
]
OVERDUE_BACKGROUND = QColor("#f9d6d5")
DUE_SOON_BACKGROUND = QColor("#fff0c2")
OVERDUE_TEXT = QColor("#8a1c1c")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
_OVERDUE_BRUSH, _DUE_SOON_BRUSH, _OVERDUE_TEXT_BRUSH = (QBrush(c) for c in (OVERDUE_BACKGROUND, DUE_SOON_BACKGROUND,
                                                                           OVERDUE_TEXT))
_GONE = object()  # a row that vanished (or became invisible) since the ids were read

Index = QModelIndex | QPersistentModelIndex


def short_date(day: dt.date) -> str:
    """``13 okt`` this year, ``13 okt 2025`` otherwise: the year only where it tells something."""
    return format_date(day, "d MMM" if day.year == dt.date.today().year else "d MMM yyyy")


def deadline_text(row: InboxRow) -> str:
    """``24 nov. 2026 · nog 2 werkdagen`` / ``· 3 werkdagen te laat`` / ``· vandaag``; a clock that stands still
    while the office waits for the complainant shows what is left, not a date that runs."""
    if row.deadline is None:
        return ""
    if row.stopped:
        left = row.days_left or 0
        # what is left counts from the reply (the tooltip says so): the column has no room for more
        return _("staat stil") + " · " + (ngettext("nog {n} werkdag", "nog {n} werkdagen", left).format(n=left)
                                          if left else _("af bij reactie"))
    date = short_date(row.deadline)
    days = row.days_left or 0
    if row.overdue:
        late = -days
        rest = ngettext("{n} werkdag te laat", "{n} werkdagen te laat", late).format(n=late) if late > 0 \
            else _("te laat")
    elif days <= 0:
        rest = _("vandaag")
    else:
        rest = ngettext("nog {n} werkdag", "nog {n} werkdagen", days).format(n=days)
    return f"{date} · {rest}"


def position_in(ids: array, wanted: int, data: bytes | None = None) -> int | None:
    """The row of complaint ``wanted`` in ``ids`` (``data``: their bytes, when the caller keeps them), or None.

    A byte search: ``array.index`` makes a Python int of every element it passes (90 ms at a million rows), and a
    dict from id to row would take 60 MB and longer to build.
    """
    data = ids.tobytes() if data is None else data
    needle = array("q", [wanted]).tobytes()
    at = data.find(needle)
    while at >= 0 and at % ids.itemsize:  # the bytes matched across two ids
        at = data.find(needle, at + 1)
    return None if at < 0 else at // ids.itemsize


class Placing:
    """Where the ids of a reading off the UI thread go, worked out there (``on_screen``) for ``InboxModel.apply``.

    Compares the new ids with the model's (``against``: the model replaces its array, never changes it) and picks
    the pages that will be on screen: from where complaint ``keep`` lands (else row ``fallback``), ``count`` rows.
    """

    def __init__(self, against: array, keep: int | None, fallback: int, count: int, page: int):
        self.against, self.keep, self.fallback, self.count, self.page = against, keep, fallback, count, page
        self.placed = self.unchanged = False

    def on_screen(self, ids: array) -> array:
        self.unchanged = ids == self.against
        self.placed = True
        first = self.fallback if self.unchanged or self.keep is None else position_in(ids, self.keep)
        first = self.fallback if first is None else first
        start = max(0, min(first, len(ids) - 1)) // self.page * self.page
        return ids[start:(first + self.count) // self.page * self.page + self.page]


class InboxModel(QAbstractTableModel):
    """Rows of the inbox for one user; ``problem`` carries a Dutch message when the database fails."""

    PAGE = 100
    MAX_CACHED = 3000
    problem = Signal(str)

    def __init__(self, user: User, query: InboxQuery | None = None, parent=None, load: bool = True):
        super().__init__(parent)
        self.user = user
        self.query = query or InboxQuery()
        self._ids = array("q")
        self._total = 0  # rows: len(_ids), or more while only the first ids are read (``apply``, ``complete``)
        self._more = False  # only the first ids are read and how many follow is not known yet (``apply``)
        self._rows: dict[int, Any] = {}
        self._texts: dict[int, tuple[str, ...]] = {}  # each cell's text of a row, made once: a paint asks often
        self._bytes: bytes | None = None  # of ``_ids``, for ``position_of``: made when first asked
        self._today = dt.date.today()
        # A view that reads off the UI thread (InboxView) takes over what a click on a column header asks for.
        self.read_query: Callable[[InboxQuery], None] | None = None
        if load:
            self._load_ids()

    # ---- reading ----------------------------------------------------------------------------
    def _load_ids(self) -> bool:
        self._today = dt.date.today()
        try:
            self._ids = inbox.complaint_ids(self.user, self.query, self._today)
        except KlachtenbureauError as exc:
            self.problem.emit(exc.message)
            return False
        self._total = len(self._ids)
        self._rows, self._texts = {}, {}
        self._bytes = None
        return True

    def _row(self, position: int) -> Any:
        complaint_id = self._ids[position]
        found = self._rows.get(complaint_id)
        if found is None:
            self._fetch_page(position)
            found = self._rows.get(complaint_id, _GONE)
        return found

    def _fetch_page(self, position: int) -> None:
        start = position - position % self.PAGE
        page = self._ids[start:start + self.PAGE]
        if len(self._rows) > self.MAX_CACHED:
            self._rows, self._texts = {}, {}
        try:
            fetched = inbox.rows(self.user, page, self._today)
        except KlachtenbureauError as exc:
            self.problem.emit(exc.message)
            fetched = {}
        for complaint_id in page:
            self._rows[complaint_id] = fetched.get(complaint_id, _GONE)

    def id_at(self, position: int) -> int | None:
        """The complaint at row ``position``; None for a row whose id is not read yet (``complete``)."""
        return self._ids[position] if position < len(self._ids) else None

    def ids(self) -> list[int]:
        return list(self._ids)

    def position_of(self, complaint_id: int) -> int | None:
        if self._bytes is None:
            self._bytes = self._ids.tobytes()
        return position_in(self._ids, complaint_id, self._bytes)

    # ---- changing what is shown ---------------------------------------------------------------
    def set_query(self, query: InboxQuery) -> None:
        self.beginResetModel()
        self.query = query
        self._load_ids()
        self.endResetModel()

    def refresh(self) -> bool:
        """Re-read the ids here, on the calling thread; see ``apply``. The inbox view reads off the UI thread."""
        today = dt.date.today()
        try:
            ids = inbox.complaint_ids(self.user, self.query, today)
        except KlachtenbureauError as exc:
            self.problem.emit(exc.message)
            return False
        return self.apply(ids, {}, today)

    def apply(self, ids: array, rows: dict[int, InboxRow], today: dt.date,
              placing: Placing | None = None, query: InboxQuery | None = None, total: int | None = None,
              more: bool = False) -> bool:
        """Swap in ids read after a change (or for a new ``query``), with the rows already read for some of them
        (those on screen).

        ``placing`` (``placing()``, filled off the UI thread) has compared the ids with these and found where the
        complaint at the top lands. ``total``: the list holds more rows than ``ids``, whose ids ``complete`` brings
        (until then they show "…"); ``more`` without a ``total``: it holds more, how many ``complete`` tells (until
        then only ``ids`` show). True when rows moved (the model was reset), False when only contents changed.
        """
        if query is not None:
            self.query = query
        self._more = more and total is None
        total = len(ids) if total is None else total
        compared = placing is not None and placing.against is self._ids and placing.placed
        same = placing.unchanged if compared else ids == self._ids
        if same and today == self._today and total == self._total:
            self._rows, self._texts = dict(rows), {}
            if ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
            return False
        self.beginResetModel()
        self._ids, self._rows, self._texts, self._today, self._bytes = ids, dict(rows), {}, today, None
        self._total = total
        self.endResetModel()
        return True

    def shows(self, ids: array) -> bool:
        """Whether the model still shows these very ids (an array ``apply`` took)."""
        return self._ids is ids

    def complete(self, head: array, ids: array) -> bool:
        """Every id of the list, read after ``head`` (the first ones, which the model shows): False when the list
        changed meanwhile (read it again then) or the model shows other ids by now."""
        if (self._ids is not head or (len(ids) != self._total and not self._more) or len(ids) < len(head)
                or ids[:len(head)] != head):
            return False
        if self._more:  # the rows after the first ones come in now
            self._more = False
            if len(ids) > len(head):
                self.beginInsertRows(QModelIndex(), len(head), len(ids) - 1)
                self._ids, self._bytes, self._total = ids, None, len(ids)
                self.endInsertRows()
            return True
        self._ids, self._bytes = ids, None
        if len(ids) > len(head):
            self.dataChanged.emit(self.index(len(head), 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
        return True

    def is_complete(self) -> bool:
        return len(self._ids) == self._total and not self._more

    def placing(self, keep: int | None, fallback: int, count: int) -> Placing:
        """For a reading off the UI thread: see ``Placing``."""
        return Placing(self._ids, keep, fallback, count, self.PAGE)
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = COLUMNS[column][0]
        if (key, descending) != (self.query.sort, self.query.descending):
            wanted = dataclasses.replace(self.query, sort=key, descending=descending)
            if self.read_query is not None:
                self.read_query(wanted)
            else:
                self.set_query(wanted)

    def sort_column(self) -> int:
        return [key for key, _label in COLUMNS].index(self.query.sort)

    # ---- QAbstractTableModel ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMNS[section][1])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._total or not 0 <= index.column() < len(COLUMNS):
            return None
        if index.row() >= len(self._ids):  # its id is still being read (``complete``)
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        row = self._row(index.row())
        key = COLUMNS[index.column()][0]
        if row is _GONE:
            return _("(niet meer beschikbaar)") if role == Qt.ItemDataRole.DisplayRole and key == "number" else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            texts = self._texts.get(row.id)
            if texts is None:
                texts = self._texts[row.id] = tuple(self._text(row, column) for column, _label in COLUMNS)
            return texts[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, key)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.overdue:
                return _OVERDUE_BRUSH
            if row.due_soon:
                return _DUE_SOON_BRUSH
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _OVERDUE_TEXT_BRUSH if row.overdue and key == "deadline" else None
        if role == Qt.ItemDataRole.FontRole:
            if (key == "complainant" and not row.complainant) or (key == "number" and row.kind == INQUIRY):
                font = QFont()  # made here: a QFont wants the application to exist
                font.setItalic(True)
                return font
        return None

    def _text(self, row: InboxRow, key: str) -> str:
        if key == "number":
            return row.number
        if key == "received":
            return short_date(row.received_at.date())
        if key == "complainant":
            return row.complainant or _("anoniem")
        if key == "category":
            return row.category
        if key == "channel":
            return _(CHANNELS.get(row.channel, row.channel))
        if key == "status":  # waiting overlays the status; the tooltip still names it
            return _(WAITING[row.waiting_for]) if row.waiting_for in WAITING else _(STATUSES.get(row.status, row.status))
        if key == "handler":
            return row.handler or "—"
        if key == "deadline":
            return deadline_text(row)
        return _(SEVERITIES.get(row.severity, str(row.severity)))

    def _tooltip(self, row: InboxRow, key: str) -> str | None:
        if key == "deadline" and row.stopped:
            return _("Termijn staat stil sinds {since}: nog {n} werkdagen na de reactie, verwacht uiterlijk {until} "
                     "(dan antwoord uiterlijk {date}).").format(
                since=format_date(row.waiting_since), n=row.days_left or 0, until=format_date(row.waiting_until),
                date=format_date(row.deadline))
        if key == "status" and row.waiting_for in WAITING:
            return _("{status}; {waiting} sinds {since}, verwacht uiterlijk {until}").format(
                status=_(STATUSES.get(row.status, row.status)), waiting=_(WAITING[row.waiting_for]).lower(),
                since=format_date(row.waiting_since), until=format_date(row.waiting_until))
        if key == "deadline" and row.deadline is not None:
            what = _("Ontvangst bevestigen uiterlijk {date}") if row.acknowledging else _("Antwoord uiterlijk {date}")
            return what.format(date=format_date(row.deadline))
        if key in ("complainant", "category", "handler"):
            return self._text(row, key)
        if key == "received":
            return format_date(row.received_at.date())
        if key == "number":
            notes = [_("Navraag") if row.kind == INQUIRY else _("Klacht")]
            if row.confidential:
                notes.append(_("vertrouwelijk"))
            return ", ".join(notes)
        return None
