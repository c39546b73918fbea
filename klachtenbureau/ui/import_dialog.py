"""Bestand → Importeren van websiteformulier: the form's JSON or CSV export, from the desk as from the command line.

The file is read and every row checked off the UI thread (``workflow.importer``, the same code as
``klachtenbureau import``); the dialog lists the rows with problems, and says how many were imported before,
before anything is written. Importing runs off the UI thread too, in batches that colleagues can save between,
with the progress per batch: with a bad row nothing is imported unless the user asks for the good rows only,
rows imported before are skipped, and a run that stopped half-way is finished by importing again. The workflow
checks the right; the dialog says beforehand when the user lacks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QProgressBar, QPushButton, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import DatabaseUnavailableError, KlachtenbureauError, PermissionDeniedError
from klachtenbureau.i18n import _, ngettext
from klachtenbureau.ui import files, operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen
from klachtenbureau.workflow import importer, permissions
from klachtenbureau.workflow.importer import ImportResult, RowProblem

SHOWN_NUMBERS = 10  # numbers named after an import; a big file's hundred numbers would bury the message


class ImportDialog(QDialog):
    """Choose the website form's export, see which rows have problems, import them."""

    imported = Signal(list)  # the numbers of the complaints just registered
    _progressed = Signal(int, int)  # done, total: emitted in the worker thread, shown on the UI thread

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.rows: list[dict[str, Any]] | None = None
        self._busy = False
        self.setWindowTitle(_("Importeren van websiteformulier"))
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        intro = QLabel(_("Kies het bestand met de meldingen die via het klachtenformulier op de website zijn "
                         "binnengekomen (JSON of CSV). Elke rij wordt eerst gecontroleerd. Heeft één rij een fout, "
                         "dan wordt niets geïmporteerd, tenzij u kiest voor alleen de goede rijen. Rijen die al eerder "
                         "zijn geïmporteerd, worden overgeslagen."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        chooser = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText(_("nog geen bestand gekozen"))
        self.path.setAccessibleName(_("Gekozen bestand"))
        self.choose_button = QPushButton(_("&Bestand kiezen…"))
        self.choose_button.clicked.connect(self.choose)
        chooser.addWidget(self.path, 1)
        chooser.addWidget(self.choose_button)
        layout.addLayout(chooser)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Inhoud van het bestand"))
        layout.addWidget(self.summary)
        problems_label = QLabel(_("&Rijen met fouten:"))
        self.problems = QListWidget()
        self.problems.setAccessibleName(_("Rijen met fouten"))
        self.problems.setWordWrap(True)
        self.problems.setAlternatingRowColors(True)  # a problem that wraps stays one row to the eye
        problems_label.setBuddy(self.problems)
        layout.addWidget(problems_label)
        layout.addWidget(self.problems, 1)
        self.skip_invalid = QCheckBox(_("&Alleen de goede rijen importeren"))
        self.skip_invalid.setToolTip(_("De rijen met fouten worden overgeslagen; u kunt ze later verbeterd "
                                       "opnieuw importeren."))
        layout.addWidget(self.skip_invalid)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Voortgang van het importeren"))
        self.progress.setFormat(_("%v van %m"))
        self.progress.hide()
        layout.addWidget(self.progress)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(_("&Importeren"))
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton(_("S&luiten"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.import_button, self.close_button):
            button.setAutoDefault(False)  # Enter never imports by surprise
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        fit_to_screen(self, 760, 560)
        self._update_buttons()
        try:
            permissions.require_import_reports(session.user)
        except PermissionDeniedError as refused:  # said before a file is chosen, in the workflow's words
            self.message.show_message(refused.message, "warning")
            self.skip_invalid.setEnabled(False)
            self.close_button.setFocus()
        else:
            self.choose_button.setFocus()

    def _update_buttons(self) -> None:
        allowed = permissions.can_import_reports(self.session.user)
        self.choose_button.setEnabled(allowed and not self._busy)
        self.import_button.setEnabled(allowed and not self._busy and bool(self.rows))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def reject(self) -> None:
        """Esc and Sluiten wait for a running import: it reports its progress to this dialog."""
        if not self._busy:
            super().reject()

    # --- reading ----------------------------------------------------------------------------

    def choose(self) -> None:
        name = files.open_file_name(self, _("Bestand van het websiteformulier kiezen"),
                                    _("Websiteformulier (*.json *.csv)"))
        if name:
            self.read(Path(name))

    def read(self, path: Path) -> None:
        """Read ``path`` and check its rows off the UI thread."""
        self.rows = None
        self.path.setText(str(path))
        self.summary.clear()
        self.problems.clear()
        self.message.show_message(_("Het bestand wordt gelezen…"))
        self._set_busy(True)

        def work() -> tuple[list[dict[str, Any]], list[RowProblem], list[int]]:
            rows = importer.read_rows(path)
            checked, problems = importer.check_rows(rows)
            return rows, problems, importer.split_imported(checked)[1]

        operations.query(self, work, self._read, self._failed, session=self.session,
                         always=lambda: self._set_busy(False))

    def _read(self, found: tuple[list[dict[str, Any]], list[RowProblem], list[int]]) -> None:
        rows, problems, duplicates = found
        self.message.clear()
        self.rows = rows
        self._show_problems(problems)
        if not rows:
            self.summary.setText(_("Het bestand bevat geen rijen."))
        elif not problems:
            self.summary.setText(ngettext("{n} rij gelezen; die is in orde.", "{n} rijen gelezen; alle zijn in orde.",
                                          len(rows)).format(n=len(rows)))
        else:
            self.summary.setText(ngettext("{n} rij gelezen.", "{n} rijen gelezen.", len(rows)).format(n=len(rows))
                                 + " " + ngettext("{k} rij heeft een fout.", "{k} rijen hebben fouten.",
                                                  len(problems)).format(k=len(problems)))
        if duplicates:
            self.summary.setText(self.summary.text() + " " + ngettext(
                "{n} rij was al geïmporteerd en wordt overgeslagen.",
                "{n} rijen waren al geïmporteerd en worden overgeslagen.", len(duplicates)).format(n=len(duplicates)))
        self._update_buttons()

    def _show_problems(self, problems: list[RowProblem]) -> None:
        self.problems.clear()
        self.problems.addItems([str(problem) for problem in problems])

    # --- importing --------------------------------------------------------------------------

    def start_import(self) -> None:
        rows, user, skip = self.rows, self.session.user, self.skip_invalid.isChecked()
        if not rows:
            return
        self.message.show_message(_("Bezig met importeren… Dit venster kan pas dicht als het klaar is."))
        self.progress.setRange(0, 0)  # busy until the first row is in
        self.progress.show()
        self._set_busy(True)
        operations.write(self, self.session, lambda: importer.import_rows(user, rows, skip, self._progressed.emit),
                         self._imported, self._failed, always=self._import_ended)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _import_ended(self) -> None:
        self.progress.hide()
        self._set_busy(False)

    def _imported(self, result: ImportResult) -> None:
        numbers = [complaint.number for complaint in result.imported]
        self.rows = None  # imported once: a second press would register every complaint again
        self._update_buttons()
        self._show_problems(result.problems)
        shown = ", ".join(numbers[:SHOWN_NUMBERS])
        if len(numbers) > SHOWN_NUMBERS:
            shown += " " + _("… en nog {m}").format(m=len(numbers) - SHOWN_NUMBERS)
        if numbers:
            text = ngettext("{n} klacht geïmporteerd: {numbers}.", "{n} klachten geïmporteerd: {numbers}.",
                            len(numbers)).format(n=len(numbers), numbers=shown)
        elif result.duplicates:
            text = _("Geen klachten geïmporteerd.")
        else:
            text = _("Geen klachten geïmporteerd: geen enkele rij was in orde.")
        if result.duplicates:
            text += " " + importer.already_imported_text(result.duplicates)
        if result.problems:
            text += " " + ngettext("{k} rij met een fout is overgeslagen.", "{k} rijen met fouten zijn overgeslagen.",
                                   len(result.problems)).format(k=len(result.problems))
        self.summary.setText(_("Dit bestand is geïmporteerd. Kies een ander bestand om verder te gaan."))
        self.message.show_message(text, "success" if numbers else "warning")
        self.imported.emit(numbers)

    def _failed(self, problem: KlachtenbureauError) -> None:
        if isinstance(problem, importer.ImportInterrupted):  # the rows stay: Importeren again adds the rest
            self.message.show_message(problem.message, "error")
            if isinstance(problem.cause, DatabaseUnavailableError):
                self.session.connection.lost(problem.cause)
            else:
                self.session.changes.announce()  # the batches that were saved are in the inbox
            self.imported.emit([complaint.number for complaint in problem.imported])
        elif isinstance(problem, importer.ImportRejected):
            self._show_problems(problem.problems)
            self.message.show_message(problem.message + " " + _(
                "Verbeter de rijen in het bestand, of kies ‘Alleen de goede rijen importeren’."), "error")
        else:
            self.message.show_message(problem.message, "error")
