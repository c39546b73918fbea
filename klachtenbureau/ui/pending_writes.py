"""What waits on this PC because the database was out of reach (Bestand → Wachtende wijzigingen).

Each row is a write in this PC's queue (workflow/offline/write_queue): a new report
or a step of a complaint. Most leave the queue by themselves once the
database is back. One the database refused meanwhile (a colleague changed
the complaint first) stays here until the user has copied or re-entered
their text and thrown it away: nothing typed is lost silently.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox, QPlainTextEdit,
    QPushButton, QTableWidgetItem, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, format_datetime
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import fit_to_screen, row_table
from klachtenbureau.workflow import queries
from klachtenbureau.workflow.offline import write_queue

COLUMNS = (N_("Bewaard op"), N_("Wat"), N_("Klacht"), N_("Stand"))


class PendingWritesDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Wachtende wijzigingen"))
        fit_to_screen(self, 860, 520)
        self.items: list[write_queue.PendingWrite] = []
        intro = QLabel(_("Wat hier staat, is op deze computer bewaard omdat de database niet bereikbaar was. "
                         "Het wordt vanzelf opgeslagen zodra de database terug is. Wat de database heeft "
                         "geweigerd, blijft staan tot u uw tekst heeft overgenomen en het weggooit."))
        intro.setWordWrap(True)
        self.table = row_table([_(title) for title in COLUMNS], _("Wachtende wijzigingen"))
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.open_complaint())
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName(_("Uw invoer"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Sl&uiten"))
        buttons.rejected.connect(self.reject)
        self.copy_button = QPushButton(_("Tekst &kopiëren"))
        self.open_button = QPushButton(_("Klacht &openen"))
        self.discard_button = QPushButton(_("Weg&gooien…"))
        for button, slot in ((self.copy_button, self.copy_text), (self.open_button, self.open_complaint),
                             (self.discard_button, self.discard)):
            button.clicked.connect(slot)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(_("Uw invoer:")))
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        session.connection.queue_changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        self.items = write_queue.pending(self.session.database_url)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            state = _("Niet opgeslagen: {problem}").format(problem=item.problem) if item.problem else _(
                "Wacht op de database")
            cells = (format_datetime(dt.datetime.fromisoformat(item.created_at)), write_queue.label(item),
                     item.payload.get("number", ""), state)
            for column, value in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if self.items:
            self.table.selectRow(0)
        self._selected()

    def current(self) -> write_queue.PendingWrite | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _selected(self) -> None:
        item = self.current()
        self.text.setPlainText(write_queue.text(item) if item else "")
        for button in (self.copy_button, self.discard_button):
            button.setEnabled(item is not None)
        self.open_button.setEnabled(item is not None and bool(item.payload.get("number"))
                                    and self.session.connection.online)

    def copy_text(self) -> None:
        item = self.current()
        if item is not None:
            QApplication.clipboard().setText(write_queue.text(item))

    def open_complaint(self) -> None:
        from klachtenbureau.ui.dossier_window import open_dossier

        item = self.current()
        if item is None or not item.payload.get("number"):
            return
        try:
            complaint = queries.get_complaint(item.payload["number"], self.session.user)
        except KlachtenbureauError as exc:
            QMessageBox.warning(self, _("Klacht openen"), exc.message)
            return
        open_dossier(self.parentWidget(), self.session, complaint.id)

    def discard(self) -> None:
        item = self.current()
        if item is None:
            return
        question = _("“{what}” is nog niet opgeslagen. Weggooien betekent dat uw invoer verloren gaat.").format(
            what=write_queue.label(item))
        if QMessageBox.question(self, _("Weggooien?"), question) == QMessageBox.StandardButton.Yes:
            write_queue.discard(item.operation_id)
            self.reload()
