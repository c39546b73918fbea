"""Tab Mijn werk: everything that needs the signed-in user, soonest first (workflow/my_work.py).

Late lines are red and lines due soon yellow, as in the inbox; the second column says what kind of work it is.
Enter or a double-click asks the main window to open what the line is about (``open_requested``). The list is
read off the UI thread: at every status round of the main window (``refresh(remind=True)``, which also asks
workflow/reminders what to notify) and whenever the database changed (``session.changes``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _, format_date
from klachtenbureau.ui import operations
from klachtenbureau.ui.inbox_model import DUE_SOON_BACKGROUND, OVERDUE_BACKGROUND, OVERDUE_TEXT
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar
from klachtenbureau.workflow import my_work, reminders
from klachtenbureau.workflow.my_work import WorkItem
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.reminders import Reminder

ITEM_ROLE = Qt.ItemDataRole.UserRole


class _WorkList(QTreeWidget):
    """The lines; Enter or a double-click asks to open the one under the cursor."""

    open_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.itemActivated.connect(lambda line, _column: self.open_requested.emit(line.data(0, ITEM_ROLE)))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        line = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and line is not None:
            self.open_requested.emit(line.data(0, ITEM_ROLE))
            return
        super().keyPressEvent(event)


class MyWorkView(QWidget):
    """Mijn werk of ``session.user``. ``counted``: lines shown, for the tab title; ``summary``: the first reading's
    line for the sign-in; ``reminders_due``: what to notify, after a status round."""

    open_requested = Signal(object)  # the WorkItem to open
    counted = Signal(int)
    summary = Signal(str)
    reminders_due = Signal(list)
    loaded = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.items: list[WorkItem] = []
        self.mails = 0  # the office mailbox's mails to sort, as Binnengekomen last counted them
        self.summary_shown = False
        self._reading = False
        self._stopped = False  # the desk closed: read nothing more (the database may be gone next)
        self._remind_next = False  # reminders were asked for while a reading ran: the next reading asks
        self.message = MessageBar()
        self.header = QLabel()
        self.header.setAccessibleName(_("Samenvatting"))
        self.header.setStyleSheet("font-size: 11pt; font-weight: bold;")
        self.list = _WorkList()
        self.list.setAccessibleName(_("Mijn werk"))
        self.list.setHeaderLabels([_("Datum"), _("Soort"), _("Wat")])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAlternatingRowColors(False)
        header = self.list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.open_button = QPushButton(_("&Openen"))
        self.open_button.clicked.connect(self._open_current)
        self.seen_button = QPushButton(_("&Gezien"))
        self.seen_button.setToolTip(_("Deze regel weghalen zonder de klacht te openen"))
        self.seen_button.clicked.connect(lambda: self._mark_seen(self._current()))
        self.status = QLabel()
        self.list.currentItemChanged.connect(lambda _now, _before: self._enable())
        self.list.open_requested.connect(self.open_item)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.seen_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.header)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._enable()

        session.changes.changed.connect(self.refresh)
        session.changes.watch(self)
        self.refresh()

    # ---- reading -------------------------------------------------------------------------------
    def set_mail_count(self, count: int | None) -> None:
        if (count or 0) != self.mails:
            self.mails = count or 0
            self.refresh()

    def refresh(self, remind: bool = False) -> None:
        """Read Mijn werk again off the UI thread; with ``remind``, also what to notify now (and mark it sent)."""
        # One reading at a time, and none started from another's callback: a chain of readings would outlive the
        # window. What is asked meanwhile comes with the next change or status round.
        if self._stopped:
            return
        if self._reading:
            self._remind_next = self._remind_next or remind
            return
        remind, self._remind_next = remind or self._remind_next, False
        self._reading = True
        user, url, mails, today = self.session.user, self.session.database_url, self.mails, dt.date.today()

        def work() -> tuple[list[WorkItem], list[Reminder]]:
            items = my_work.items(user, today, pending_writes=len(write_queue.pending(url)), mails=mails)
            return items, reminders.to_send(user, today, items) if remind else []

        def done() -> None:
            self._reading = False

        operations.query(self, work, lambda result: self._show(*result), self._failed, session=self.session,
                         always=done)

    def stop(self) -> None:
        """The desk closes: no reading starts any more (one under way ends on its own)."""
        self._stopped = True

    def _failed(self, problem: KlachtenbureauError) -> None:
        self.message.show_message(problem.message, "error")

    def _show(self, items: list[WorkItem], due: list[Reminder]) -> None:
        self.message.clear()
        current = self._current()
        today = dt.date.today()
        self.items = items
        self.list.clear()
        for item in items:
            shown_date = format_date(item.due, "d MMM" if item.due.year == today.year else "d MMM yyyy") if item.due else ""
            line = QTreeWidgetItem([shown_date,
                                    _(my_work.KINDS[item.kind]), item.title])
            line.setData(0, ITEM_ROLE, item)
            if item.late:
                for column in range(3):
                    line.setBackground(column, QBrush(OVERDUE_BACKGROUND))
                    line.setForeground(column, QBrush(OVERDUE_TEXT))
                line.setToolTip(2, _("Te laat: dit had op {date} gemoeten.").format(date=format_date(item.due)))
            elif item.due is not None and item.due >= today:
                for column in range(3):
                    line.setBackground(column, QBrush(DUE_SOON_BACKGROUND))
            self.list.addTopLevelItem(line)
            if current is not None and item.key == current.key:
                self.list.setCurrentItem(line)
        if self.list.currentItem() is None and items:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        text = reminders.summary(self.session.user, today, items)
        self.header.setText(text)
        self.status.setText(_("bijgewerkt om {time}").format(time=dt.datetime.now().strftime("%H:%M")))
        self._enable()
        self.counted.emit(len(items))
        if not self.summary_shown:
            self.summary_shown = True
            self.summary.emit(text)
        if due:
            self.reminders_due.emit(due)
        self.loaded.emit()

    # ---- acting ----------------------------------------------------------------------------------
    def _current(self) -> WorkItem | None:
        line = self.list.currentItem()
        return line.data(0, ITEM_ROLE) if line is not None else None

    def _enable(self) -> None:
        item = self._current()
        self.open_button.setEnabled(item is not None)
        self.seen_button.setEnabled(item is not None and item.kind in my_work.SEEN_KINDS)

    def _open_current(self) -> None:
        item = self._current()
        if item is not None:
            self.open_item(item)

    def open_item(self, item: WorkItem) -> None:
        """Ask to open ``item``; a newly assigned complaint or a colleague's direct resolution is then seen."""
        if item.kind in my_work.SEEN_KINDS:
            self._mark_seen(item)
        self.open_requested.emit(item)

    def _mark_seen(self, item: WorkItem | None) -> None:
        if item is None or item.kind not in my_work.SEEN_KINDS:
            return
        user = self.session.user
        operations.write(self, self.session, lambda: my_work.mark_seen(user, item.key), lambda _mark: None,
                         self.message)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self.session.changes.unwatch(self)
        super().closeEvent(event)
