"""The dialog for a new improvement measure (seed 001 step 4; seed 004 step 4).

A measure starts from one or more complaints (their numbers are filled in
when the dialog is opened from the inbox's selection) or from the trend
analysis or the management review. Problems are shown at the field and the
dialog stays open, so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout,
    QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Measure, User
from klachtenbureau.models.measures import MEASURE_SOURCES
from klachtenbureau.ui.widgets import fit_to_screen
from klachtenbureau.workflow import measures

DEFAULT_DAYS = 30  # a new measure's due date, counted from today


def error_label() -> QLabel:
    label = QLabel("")
    label.setStyleSheet("color: #B3261E;")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def fill_owners(combo: QComboBox, owners: list[User], selected: int | None) -> None:
    combo.clear()
    for user in owners:
        combo.addItem(user.full_name, user.id)
    index = combo.findData(selected)
    combo.setCurrentIndex(max(index, 0))


class NewMeasureDialog(QDialog):
    """Asks for a new measure and creates it; ``created`` holds it after acceptance."""

    def __init__(self, user: User, complaint_numbers: list[str] | None = None, source: str = "complaint",
                 parent: QWidget | None = None, create: Callable[..., Measure] = measures.create):
        super().__init__(parent)
        self.user = user
        self.create = create  # measures.create's arguments; another operation may set up more with the measure
        self.created: Measure | None = None
        self.setWindowTitle(_("Nieuwe verbetermaatregel"))
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(90)
        self.source = QComboBox()
        for code, label in MEASURE_SOURCES.items():
            self.source.addItem(_(label), code)
        self.source.setCurrentIndex(max(self.source.findData(source), 0))
        self.complaints = QLineEdit(", ".join(complaint_numbers or []))
        self.complaints.setPlaceholderText(_("bijvoorbeeld K2026-0042, K2026-0043"))
        self.owner = QComboBox()
        self.owners = {u.id: u for u in measures.active_owners()}
        fill_owners(self.owner, list(self.owners.values()), user.id)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("d-M-yyyy")
        due = dt.date.today() + dt.timedelta(days=DEFAULT_DAYS)
        self.due.setDate(QDate(due.year, due.month, due.day))
        self.errors = {name: error_label() for name in ("title", "source", "complaints", "owner", "due_date")}
        self.general = error_label()

        form = QFormLayout()
        rows = [(_("&Titel"), self.title, "title"), (_("&Omschrijving"), self.description, None),
                (_("&Bron"), self.source, "source"), (_("&Klachtnummers"), self.complaints, "complaints"),
                (_("&Eigenaar"), self.owner, "owner"), (_("&Streefdatum"), self.due, "due_date")]
        for text, widget, error in rows:
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
            if error:
                form.addRow("", self.errors[error])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Maatregel vastleggen"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.source.currentIndexChanged.connect(self._source_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addWidget(buttons)
        self._source_changed()
        fit_to_screen(self, 520, self.sizeHint().height())

    def _source_changed(self) -> None:
        self.complaints.setEnabled(self.source.currentData() == "complaint")

    def _show_errors(self, errors: dict[str, str], general: str = "") -> None:
        for name, label in self.errors.items():
            label.setText(errors.get(name, ""))
            label.setVisible(name in errors)
        rest = [message for name, message in errors.items() if name not in self.errors]
        self.general.setText(" ".join(filter(None, [general, *rest])))
        self.general.setVisible(bool(self.general.text()))

    def accept(self) -> None:
        source = self.source.currentData()
        try:
            ids = (measures.complaint_ids_for_numbers(self.complaints.text(), self.user)
                   if source == "complaint" else [])
            owner = self.owners[self.owner.currentData()]
            self.created = self.create(self.user, self.title.text(), owner, self.due.date().toPython(),
                                       self.description.toPlainText(), source, ids)
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        except KlachtenbureauError as exc:
            self._show_errors({}, exc.message)
            return
        super().accept()
