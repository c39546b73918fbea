"""Bestand → Uitgaande e-mail: the mails on this PC that the mail server has not (certainly) accepted.

Each row is a mail of this PC's outbox (workflow/mail/outgoing.py). A mail that waits for the server goes by
itself once the server is back (the main window's status round sends it). One whose outcome is unknown
("onzeker") or that the server refused stays here until the user decides: send it (again), record it as sent
because it did arrive, or throw it away. Nothing is sent twice without the user asking for it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QMessageBox, QPushButton, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, format_datetime
from klachtenbureau.ui import operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen, row_table
from klachtenbureau.workflow.mail import outgoing

COLUMNS = (N_("Gemaakt op"), N_("E-mail"), N_("Stand"))
STATES = {outgoing.WAITING: N_("Wacht op de mailserver"), outgoing.SENDING: N_("Wordt verstuurd"),
          outgoing.UNCERTAIN: N_("Onzeker: misschien verstuurd"), outgoing.REFUSED: N_("Geweigerd"),
          outgoing.SENT: N_("Verstuurd; wordt vastgelegd")}


class OutboxDialog(QDialog):
    changed = Signal()  # a mail was sent, recorded or thrown away

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Uitgaande e-mail"))
        fit_to_screen(self, 860, 460)
        self.items: list[outgoing.OutboxItem] = []
        intro = QLabel(_("E-mails van deze computer die de mailserver nog niet (zeker) heeft aangenomen. Een "
                         "e-mail die wacht, gaat vanzelf zodra de mailserver bereikbaar is. Bij een onzekere of "
                         "geweigerde e-mail beslist u: opnieuw versturen, vastleggen als verstuurd (kijk bij "
                         "Verzonden items of vraag het de klager) of weggooien."))
        intro.setWordWrap(True)
        self.message = MessageBar(self)
        self.table = row_table([_(title) for title in COLUMNS], _("Uitgaande e-mail"))
        self.table.itemSelectionChanged.connect(self._selected)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Sl&uiten"))
        buttons.rejected.connect(self.reject)
        self.resend_button = QPushButton(_("&Opnieuw versturen"))
        self.sent_button = QPushButton(_("&Vastleggen als verstuurd"))
        self.discard_button = QPushButton(_("Weg&gooien…"))
        for button, slot in ((self.resend_button, self.resend), (self.sent_button, self.mark_sent),
                             (self.discard_button, self.discard)):
            button.clicked.connect(slot)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        self.items = outgoing.outbox_items(self.session.database_url)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = (format_datetime(dt.datetime.fromisoformat(item.created_at)), item.label, _(STATES[item.state]))
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        if self.items:
            self.table.selectRow(0)
        self._selected()

    def current(self) -> outgoing.OutboxItem | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) and self.table.selectedItems() else None

    def _selected(self) -> None:
        item = self.current()
        self.problem.setText(item.problem if item is not None else "")
        deciding = item is not None and item.state in (outgoing.UNCERTAIN, outgoing.REFUSED, outgoing.WAITING)
        self.resend_button.setEnabled(deciding)
        self.sent_button.setEnabled(deciding)
        self.discard_button.setEnabled(item is not None)

    def _act(self, work, done_text: str) -> None:
        item = self.current()
        if item is None:
            return

        def done(_result: object) -> None:
            self.message.show_message(done_text, "success")
            self.reload()
            self.changed.emit()

        def failed(problem: KlachtenbureauError) -> None:
            self.message.show_message(problem.message, "error")
            self.reload()

        operations.write(self, self.session, lambda: work(item), done, failed)

    def resend(self) -> None:
        self._act(outgoing.resend, _("Verstuurd en bij de klacht bewaard."))

    def mark_sent(self) -> None:
        self._act(outgoing.mark_sent, _("Bij de klacht bewaard als verstuurd."))

    def discard(self) -> None:
        item = self.current()
        if item is None:
            return
        question = _("{mail} weggooien? Hij wordt niet verstuurd en niet bij de klacht bewaard.").format(
            mail=item.label)
        if QMessageBox.question(self, _("Weggooien?"), question) != QMessageBox.StandardButton.Yes:
            return
        outgoing.discard(item)
        self.reload()
        self.changed.emit()
