"""Bestand → Klachten exporteren: CSV or JSON, whole or anonymised, from the desk as from the command line.

The rows are written off the UI thread by ``personal_data.export.write_file`` (the same code as ``klachtenbureau
export``): the file is readable by its owner only, appears whole or not at all, and the export is logged. Anonymised
is the default: the complainants' names, addresses, phone numbers and e-mail addresses are left out and the free text
is cleaned, which is what a report or a spreadsheet for the board needs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup, QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton,
    QRadioButton, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, PermissionDeniedError
from klachtenbureau.i18n import _, ngettext
from klachtenbureau.ui import files, operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen
from klachtenbureau.workflow import periods, permissions
from klachtenbureau.workflow.periods import Period
from klachtenbureau.workflow.personal_data import export

YEARS_OFFERED = 5  # this year and the four before it, each whole and by half-year


def offered_periods(today: dt.date) -> list[tuple[str, Period | None]]:
    """(label, period) for the period list: everything first, then the running year and its halves, newest first."""
    choices: list[tuple[str, Period | None]] = [(_("Alle klachten"), None)]
    for year in range(today.year, today.year - YEARS_OFFERED, -1):
        for period in (periods.year_period(year), periods.half_year(year, 2), periods.half_year(year, 1)):
            if period.start <= today:
                choices.append((period.label(), period))
    return choices


class ExportDialog(QDialog):
    """Choose what to export and where; see it written with its progress."""

    _counted = Signal(int)  # rows to write, and then rows written: emitted in the worker thread, shown on the UI
    _progressed = Signal(int)  # thread

    def __init__(self, session: Session, parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.session = session
        self._busy = False
        self.setWindowTitle(_("Klachten exporteren"))
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        intro = QLabel(_("Een bestand met de klachten voor een spreadsheet (CSV) of een ander programma (JSON). U ziet "
                         "alleen klachten die u mag zien; het exporteren wordt vastgelegd in het logboek."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.period = QComboBox()
        for label, period in offered_periods(today or dt.date.today()):
            self.period.addItem(label, period)
        period_label = QLabel(_("&Periode van ontvangst:"))
        period_label.setBuddy(self.period)
        form.addRow(period_label, self.period)
        formats = QHBoxLayout()
        self.csv = QRadioButton(_("&CSV (Excel, LibreOffice)"))
        self.json = QRadioButton(_("&JSON"))
        self.csv.setChecked(True)
        self._formats = QButtonGroup(self)
        for button in (self.csv, self.json):
            self._formats.addButton(button)
            formats.addWidget(button)
        formats.addStretch(1)
        form.addRow(_("Bestandsformaat:"), formats)
        layout.addLayout(form)
        self.anonymize = QCheckBox(_("&Geanonimiseerd: zonder namen, adressen, telefoonnummers en e-mailadressen"))
        self.anonymize.setChecked(True)
        self.anonymize.toggled.connect(self._show_privacy)
        layout.addWidget(self.anonymize)
        self.privacy = QLabel(_("Het bestand bevat persoonsgegevens van klagers. Bewaar het alleen op een beveiligde "
                                "plek en verwijder het als u het niet meer nodig heeft."))
        self.privacy.setWordWrap(True)
        self.privacy.setStyleSheet("color: #8a4b00;")
        self.privacy.hide()
        layout.addWidget(self.privacy)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Voortgang van het exporteren"))
        self.progress.setFormat(_("%v van %m"))
        self.progress.hide()
        layout.addWidget(self.progress)
        layout.addStretch(1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton(_("&Exporteren…"))
        self.export_button.clicked.connect(self.choose_file)
        self.close_button = QPushButton(_("S&luiten"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.export_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._counted.connect(lambda total: self.progress.setRange(0, total), Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self.progress.setValue, Qt.ConnectionType.QueuedConnection)
        fit_to_screen(self, 620, 340)
        allowed = permissions.is_manager(session.user)
        if not allowed:  # said before anything is chosen, in the workflow's own words
            try:
                permissions.require_manager(session.user)
            except PermissionDeniedError as refused:
                self.message.show_message(refused.message, "warning")
        for widget in (self.period, self.csv, self.json, self.anonymize, self.export_button):
            widget.setEnabled(allowed)
        (self.period if allowed else self.close_button).setFocus()

    def _show_privacy(self, anonymized: bool) -> None:
        self.privacy.setVisible(not anonymized)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.period, self.csv, self.json, self.anonymize, self.export_button, self.close_button):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        """Esc and Sluiten wait for a running export: it reports its progress to this dialog."""
        if not self._busy:
            super().reject()

    def suggested_name(self) -> str:
        period: Period | None = self.period.currentData()
        extension = "csv" if self.csv.isChecked() else "json"
        kind = "geanonimiseerd" if self.anonymize.isChecked() else "met-persoonsgegevens"
        return f"klachten-{period.code if period else 'alle'}-{kind}.{extension}"

    def choose_file(self) -> None:
        csv = self.csv.isChecked()
        name = files.save_file_name(self, _("Export opslaan als"), files.in_documents(self.suggested_name()),
                                    _("CSV-bestand (*.csv)") if csv else _("JSON-bestand (*.json)"))
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Write the export to ``path`` off the UI thread, with its progress."""
        user, period = self.session.user, self.period.currentData()
        fmt, anonymize = ("csv" if self.csv.isChecked() else "json"), self.anonymize.isChecked()
        self.message.show_message(_("Bezig met exporteren… Dit venster kan pas dicht als het klaar is."))
        self.progress.setRange(0, 0)
        self.progress.show()
        self._set_busy(True)

        def work() -> int:
            self._counted.emit(export.count(user, period))
            return export.write_file(user, path, fmt, anonymize, period, self._progressed.emit)

        operations.write(self, self.session, work, lambda count: self._exported(count, path), self._failed,
                         always=self._ended)

    def _ended(self) -> None:
        self.progress.hide()
        self._set_busy(False)

    def _exported(self, count: int, path: Path) -> None:
        self.message.show_message(ngettext("{n} klacht geëxporteerd naar {name} in de map {folder}",
                                           "{n} klachten geëxporteerd naar {name} in de map {folder}", count).format(
            n=count, name=path.name, folder=path.parent), "success")
        self.close_button.setFocus()

    def _failed(self, problem: KlachtenbureauError) -> None:
        self.message.show_message(problem.message, "error")
