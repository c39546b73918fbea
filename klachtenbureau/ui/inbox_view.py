"""Tab Postvak: the coordinator's inbox — filters with counts, search, the table of complaints.

Double-click or Enter opens the dossier. Every few seconds the session's watch asks the
database whether anyone changed anything (ui/change_monitor.py); if so the view re-reads off
the UI thread and swaps the result in, keeping the selected complaints selected and the same
complaint at the top.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton, QStackedWidget, QTableView, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _, format_number, ngettext
from klachtenbureau.models.complaints import CHANNELS
from klachtenbureau.ui import operations
from klachtenbureau.ui.incoming_mail import IncomingMailView
from klachtenbureau.ui.inbox_model import COLUMNS, DUE_SOON_BACKGROUND, OVERDUE_BACKGROUND, InboxModel, Placing
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar
from klachtenbureau.workflow import inbox, statistics
from klachtenbureau.workflow.inbox import InboxQuery
from klachtenbureau.workflow.mail import mail_settings
from klachtenbureau.workflow.statistics import ComplaintFilter

SEARCH_DELAY_MS = 300
WIDEST_NUMBER = "K2026-888888"
COLUMN_WIDTHS = {"number": 92, "received": 88, "complainant": 145, "channel": 108, "status": 132,
                 "handler": 110, "deadline": 215, "severity": 88}


class InboxTable(QTableView):
    """The table; Enter or a double-click asks to open the complaint under the cursor."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.doubleClicked.connect(self._open)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open(self, index: QModelIndex) -> None:
        complaint_id = self.model().id_at(index.row()) if index.isValid() else None
        if complaint_id is not None:  # None: a row whose id is still being read
            self.open_requested.emit(complaint_id)


class InboxView(QWidget):
    """The inbox of ``session.user``."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.message = MessageBar()
        self.selection_bar = MessageBar()  # "gefilterd op …" after a click on the dashboard
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Zoeken op nummer, naam, omschrijving of notitie…"))
        self.search.setAccessibleName(_("Zoeken"))
        self.search.setClearButtonEnabled(True)
        self.category = QComboBox()
        self.category.setAccessibleName(_("Categorie"))
        self.category.setMinimumContentsLength(28)
        self.channel = QComboBox()
        self.channel.setAccessibleName(_("Kanaal"))
        self.channel.setMinimumContentsLength(18)
        self.filters = QListWidget()
        self.filters.setAccessibleName(_("Filters"))
        for code, label in inbox.FILTERS.items():
            item = QListWidgetItem(_(label))
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.filters.addItem(item)
        self.filters.setFixedWidth(175)
        self.filters.setFixedHeight(self.filters.sizeHintForRow(0) * self.filters.count() + 8)
        self.legend = QLabel(
            f"<span style='background:{OVERDUE_BACKGROUND.name()}'>&nbsp;&nbsp;&nbsp;&nbsp;</span> "
            + _("termijn verstreken") + "<br>"
            f"<span style='background:{DUE_SOON_BACKGROUND.name()}'>&nbsp;&nbsp;&nbsp;&nbsp;</span> "
            + _("binnen {n} werkdagen").format(n=inbox.DUE_SOON_WORKING_DAYS))
        self.legend.setStyleSheet("color: #444;")
        self.status = QLabel()
        self.status.setAccessibleName(_("Aantal klachten"))

        self.model = InboxModel(session.user, InboxQuery(), self, load=False)  # read off the UI thread below
        self.model.problem.connect(lambda text: self.message.show_message(text, "error"))
        self.table = InboxTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Klachten"))
        self._set_up_table()

        self.incoming: IncomingMailView | None = None  # Binnengekomen: only with a mailbox set up
        self.mailbox_button = QPushButton()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        try:
            mailbox_set_up = mail_settings.load().imap_ready()
        except KlachtenbureauError:  # the database is away: the list comes with the next start
            mailbox_set_up = False
        if mailbox_set_up:
            self.incoming = IncomingMailView(session)
            self.incoming.counted.connect(self._show_mail_count)
            self.pages.addWidget(self.incoming)
            self.mailbox_button.setCheckable(True)
            self.mailbox_button.toggled.connect(self.show_mailbox)
            self._show_mail_count(None)
            QTimer.singleShot(0, self.incoming.refresh)  # the count on the button from the start
        self.mailbox_button.setVisible(mailbox_set_up)

        self._fill_choices()
        self.filters.setCurrentRow(list(inbox.FILTERS).index(self.model.query.filter))
        self._layout()

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_query)
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_query)
        self.filters.currentRowChanged.connect(lambda _row: self._apply_query())
        self.category.currentIndexChanged.connect(lambda _i: self._apply_query())
        self.channel.currentIndexChanged.connect(lambda _i: self._apply_query())
        self.table.open_requested.connect(self.open_complaint)
        self.filters.itemClicked.connect(lambda _item: self.show_mailbox(False))
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        QShortcut(QKeySequence.StandardKey.Refresh, self, activated=self.refresh)

        # Every reading is off the UI thread (``_read``): one at a time, and one more when a click or a change came
        # meanwhile. What the counts beside the filters and in the lists were read for, to show them again
        # without counting when only the filter or the sort changes.
        self._wanted = self.model.query
        self._reading = self._read_again = self._fresh = False
        self._rests = 0  # readings of the ids after the first ones (``_read_rest``) under way
        self._counts: tuple[InboxQuery, dt.date, dict[str, int]] | None = None
        self._facets: tuple[InboxQuery, dt.date, tuple[dict[int, int], dict[str, int]]] | None = None
        self.model.read_query = lambda wanted: self._read(dataclasses.replace(
            self._wanted, sort=wanted.sort, descending=wanted.descending))
        session.changes.changed.connect(self._changed_elsewhere)
        session.changes.failed.connect(self._watch_failed)
        session.changes.watch(self)
        self._read(self._wanted, fresh=True)

    # ---- building ---------------------------------------------------------------------------
    def _set_up_table(self) -> None:
        table = self.table
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setAlternatingRowColors(False)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)  # after the indicator: enabling sorts by it at once
        for column, (key, _label) in enumerate(COLUMNS):
            if key in COLUMN_WIDTHS:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                width = COLUMN_WIDTHS[key]
                if key == "number":  # whole, also with a six-digit counter (a register of a million) in italics
                    italic = QFont(table.font())
                    italic.setItalic(True)
                    width = max(width, QFontMetrics(italic).horizontalAdvance(WIDEST_NUMBER) + 16)
                table.setColumnWidth(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for text, combo in ((_("&Categorie:"), self.category), (_("&Kanaal:"), self.channel)):
            label = QLabel(text)
            label.setBuddy(combo)
            bar.addWidget(label)
            bar.addWidget(combo)
        side = QVBoxLayout()
        side.addWidget(self.filters)
        side.addWidget(self.mailbox_button)
        side.addWidget(self.legend)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(side)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.selection_bar)
        layout.addLayout(bar)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        self.setTabOrder(self.search, self.filters)
        self.setTabOrder(self.filters, self.table)

    def _fill_choices(self) -> None:
        self.category.addItem(_("Alle categorieën"), None)
        for category_id, name in inbox.categories():
            self.category.addItem(name, category_id)
        self.channel.addItem(_("Alle kanalen"), None)
        for code, label in CHANNELS.items():
            self.channel.addItem(_(label), code)
        self._category_names = {self.category.itemData(i): self.category.itemText(i)
                                for i in range(self.category.count())}
        self._channel_names = {self.channel.itemData(i): self.channel.itemText(i) for i in range(self.channel.count())}

    # ---- Binnengekomen -------------------------------------------------------------------------
    def show_mailbox(self, shown: bool) -> None:
        """The mails of the office mailbox in place of the complaints, or the complaints again."""
        if self.incoming is None:
            return
        self.mailbox_button.blockSignals(True)
        self.mailbox_button.setChecked(shown)
        self.mailbox_button.blockSignals(False)
        self.pages.setCurrentWidget(self.incoming if shown else self.table)
        (self.incoming.table if shown else self.table).setFocus()

    def _show_mail_count(self, count: int | None) -> None:
        self.mailbox_button.setText(_("Binnengekomen &mail") if count is None else
                                    _("Binnengekomen &mail ({n})").format(n=count))

    # ---- the query ----------------------------------------------------------------------------
    @property
    def reading(self) -> bool:
        """A reading off the UI thread runs: what the inbox shows is about to change (or the ids after the first
        ones are read)."""
        return self._reading or self._rests > 0

    def current_query(self) -> InboxQuery:
        item = self.filters.currentItem()
        return dataclasses.replace(
            self._wanted,
            filter=item.data(Qt.ItemDataRole.UserRole) if item else inbox.DEFAULT_FILTER,
            category_id=self.category.currentData(), channel=self.channel.currentData(),
            search=self.search.text().strip())

    def show_selection(self, selection: ComplaintFilter) -> None:
        """Show exactly the complaints of a dashboard figure or bar, whatever the filters said."""
        for widget in (self.filters, self.category, self.channel, self.search):
            widget.blockSignals(True)
        self.filters.setCurrentRow(list(inbox.FILTERS).index("all"))
        self.category.setCurrentIndex(0)
        self.channel.setCurrentIndex(0)
        self.search.clear()
        for widget in (self.filters, self.category, self.channel, self.search):
            widget.blockSignals(False)
        self._read(dataclasses.replace(self.current_query(), selection=selection))
        self.selection_bar.show_message(
            _("Gefilterd op: {what}").format(what=statistics.describe(selection)), "info",
            [(_("Selectie &wissen"), self.clear_selection)])

    def clear_selection(self) -> None:
        self.selection_bar.hide()
        self._read(dataclasses.replace(self.current_query(), selection=None))

    def _apply_query(self) -> None:
        self._search_timer.stop()
        self.show_mailbox(False)  # a search or a filter asks for complaints
        query = self.current_query()
        if query != self._wanted:
            self._read(query)

    def _show_counts(self, counts: dict[str, int] | None, per_category: dict[int, int] | None,
                     per_channel: dict[str, int] | None) -> None:
        """The count beside each filter, category and channel, and in the status line; None: being counted."""
        for row, code in enumerate(inbox.FILTERS):
            self.filters.item(row).setText(_(inbox.FILTERS[code]) if counts is None
                                           else f"{_(inbox.FILTERS[code])}  ({format_number(counts[code])})")
        self._show_facets(per_category, per_channel)
        updated = _("bijgewerkt om {time}").format(time=dt.datetime.now().strftime("%H:%M"))
        if counts is None:
            self.status.setText(_("klachten worden geteld…") + " · " + updated)
            return
        shown = counts[self.model.query.filter]
        self.status.setText(ngettext("{n} klacht", "{n} klachten", shown).format(n=format_number(shown)) + " · "
                            + updated)

    def _show_facets(self, per_category: dict[int, int] | None, per_channel: dict[str, int] | None) -> None:
        """The count beside each category and channel in their lists; None: only the names (being counted)."""
        for combo, names, numbers in ((self.category, self._category_names, per_category),
                                      (self.channel, self._channel_names, per_channel)):
            for i in range(1, combo.count()):
                key = combo.itemData(i)
                combo.setItemText(i, names[key] if numbers is None
                                  else f"{names[key]} ({format_number(numbers.get(key, 0))})")

    # ---- keeping up with others ----------------------------------------------------------------
    def _changed_elsewhere(self) -> None:
        self.message.clear()
        self.refresh()

    def _watch_failed(self, problem: KlachtenbureauError) -> None:
        self.message.show_message(problem.message, "error")

    def refresh(self) -> None:
        """Re-read the inbox after a change: ids, every count and the rows on screen."""
        self._read(self._wanted, fresh=True)

    def _read(self, query: InboxQuery, fresh: bool = False) -> None:
        """Read what ``query`` shows off the UI thread, then swap it in keeping selection, current complaint and
        the complaint at the top. Never two readings at once: a click or a change meanwhile reads once more after
        it. ``fresh``: the data changed, count everything again."""
        self._wanted, self._fresh = query, self._fresh or fresh
        if self._reading:
            self._read_again = True
            return
        self._reading, self._read_again = True, False
        fresh, self._fresh = self._fresh, False
        top = self.table.rowAt(0)
        rows = self.table.viewport().height() // self.table.verticalHeader().defaultSectionSize() + 1
        placing = self.model.placing(self.model.id_at(top) if top >= 0 else None, max(top, 0), rows)
        # The top of the list is in view and nothing below it is selected: its first ids are enough to paint.
        marked = [index.row() for index in self.table.selectionModel().selectedRows()]
        head = max([max(top, 0) + rows, self.table.currentIndex().row(), *marked]) < inbox.HEAD
        user, today = self.session.user, dt.date.today()
        known_counts = known_facets = None
        if not fresh and self._counts is not None and self._counts[:2] == (inbox.counts_key(query), today):
            known_counts = self._counts[2]
        if not fresh and self._facets is not None and self._facets[:2] == (inbox.facets_key(query), today):
            known_facets = self._facets[2]
        operations.query(self, lambda: inbox.snapshot(user, query, today, placing.on_screen, known_counts,
                                                      known_facets, head, counts_later=True),
                         lambda snapshot: self._arrived(snapshot, placing), self._read_failed, always=self._read_done)

    def _read_failed(self, problem: KlachtenbureauError) -> None:
        if not self._reading:  # nothing is read since: the same search or filter asked again (Enter) reads again
            self._wanted = self.model.query
        self.message.show_message(problem.message, "error")

    def _read_done(self) -> None:
        self._reading = False
        if self._read_again:
            self._read(self._wanted)

    def _arrived(self, snapshot: inbox.Snapshot, placing: Placing) -> None:
        if snapshot.query != self._wanted:
            return  # another filter or search was chosen meanwhile: that is read next
        state = self._remember()
        if self.model.apply(snapshot.ids, snapshot.rows, snapshot.today, placing, snapshot.query, snapshot.total,
                            more=not snapshot.complete):
            self._restore(state)
        if not snapshot.complete:  # after the paint: a worker walking a million ids takes the GIL from it
            self._rests += 1
            QTimer.singleShot(0, self, lambda: self._read_rest(snapshot))
        if snapshot.counts_later:
            self._rests += 1
            QTimer.singleShot(0, self, lambda: self._read_counts(snapshot))
            self._show_counts(None, None, None)
            return
        self._counts = (inbox.counts_key(snapshot.query), snapshot.today, snapshot.counts)
        self._facets = (inbox.facets_key(snapshot.query), snapshot.today,
                        (snapshot.category_counts, snapshot.channel_counts))
        self._show_counts(snapshot.counts, snapshot.category_counts, snapshot.channel_counts)

    def _read_counts(self, snapshot: inbox.Snapshot) -> None:
        """Every count of a search or a dashboard selection, after the paint: a pass over all its matches. Counted
        in ``_rests`` from when they are asked for."""
        user, query, today = self.session.user, snapshot.query, snapshot.today

        def arrived(together: tuple[dict[str, int], dict[int, int], dict[str, int]]) -> None:
            if query == self._wanted:
                counts, per_category, per_channel = together
                self._counts = (inbox.counts_key(query), today, counts)
                self._facets = (inbox.facets_key(query), today, (per_category, per_channel))
                self._show_counts(counts, per_category, per_channel)

        def done() -> None:
            self._rests -= 1

        operations.query(self, lambda: inbox.counted_together(user, query, today), arrived, self.message,
                         always=done)

    def _read_rest(self, snapshot: inbox.Snapshot) -> None:
        """The ids after the first ones, read while the user looks at those (not counted as a reading: a click
        meanwhile is read at once, and this one then finds the model moved on and is dropped). ``_rests`` counts it
        from when it is asked for."""
        user, head = self.session.user, snapshot.ids

        def arrived(ids) -> None:
            if snapshot.query == self._wanted and self.model.shows(head) and not self.model.complete(head, ids):
                self.refresh()  # the list changed between the two readings

        def done() -> None:
            self._rests -= 1

        operations.query(self, lambda: inbox.complaint_ids(user, snapshot.query, snapshot.today), arrived,
                         self.message, always=done)

    def _remember(self) -> tuple[list[int], int | None, int | None, int]:
        selection = self.table.selectionModel()
        selected = [i for index in selection.selectedRows() if (i := self.model.id_at(index.row())) is not None]
        current = self.table.currentIndex()
        top = self.table.rowAt(0)
        return (selected, self.model.id_at(current.row()) if current.isValid() else None,
                self.model.id_at(top) if top >= 0 else None, self.table.verticalScrollBar().value())

    def _restore(self, state: tuple[list[int], int | None, int | None, int]) -> None:
        selected, current, top, scroll = state
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for complaint_id in selected:
            row = self.model.position_of(complaint_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, last))
        selection_model = self.table.selectionModel()
        if current is not None and (row := self.model.position_of(current)) is not None:
            selection_model.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        top_row = self.model.position_of(top) if top is not None else None
        bar = self.table.verticalScrollBar()
        if top_row is not None:
            self.table.scrollTo(self.model.index(top_row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        else:
            bar.setValue(min(scroll, bar.maximum()))

    # ---- opening ---------------------------------------------------------------------------
    def open_complaint(self, complaint_id: int) -> None:
        from klachtenbureau.ui.dossier_window import open_dossier

        open_dossier(self, self.session, complaint_id)  # what it saves is announced to this view (session.changes)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.session.changes.unwatch(self)
        super().closeEvent(event)
