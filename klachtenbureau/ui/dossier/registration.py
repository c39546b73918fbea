"""The registration fields of a complaint, editable as far as the user's role allows.

Saving sends only the fields the user changed, against the version the form
was loaded at (editing.update_registration). When a colleague saved first the
form asks the window to show the conflict dialog; after "keep my text" the
user's input waits in a panel above the form, with a button to put it back in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QSizePolicy, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import ConflictError, DatabaseUnavailableError, KlachtenbureauError, ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models import User
from klachtenbureau.ui.widgets import Field, MessageBar, SearchableChoice, ask_about_date, text_box
from klachtenbureau.workflow import editing
from klachtenbureau.workflow.dossier_data import Dossier
from klachtenbureau.workflow.report_fields import RULES
from klachtenbureau.workflow.validation import incident_date_problem, incident_doubt

NO_DATE = QDate(1900, 1, 1)  # the date box's "onbekend"

LABELS = {
    "kind": N_("&Soort"), "channel": N_("&Kanaal"), "category": N_("&Categorie"),
    "description": N_("&Omschrijving"), "desired_outcome": N_("&Gewenste uitkomst"),
    "incident_date": N_("&Datum voorval"), "involved_party": N_("&Betrokkene"),
    "people_involved": N_("Betrokken &personen"), "severity": N_("&Ernst"),
    "complex_sensitive": N_("Comple&x of gevoelig"), "confidential": N_("&Vertrouwelijk"),
    "police_report_advised": N_("&Aangifte bij de politie geadviseerd"),
}


class RegistrationForm(QWidget):
    saved = Signal(object)  # the complaint as saved
    conflict = Signal(dict, str)  # the user's values and the same as readable text
    unreachable = Signal(object)  # the database is out of reach (the typed error); the input stays in the form

    def __init__(self, user: User, categories: list[tuple[int, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.dossier: Dossier | None = None
        self._loaded: dict[str, Any] = {}
        self.message = MessageBar()
        self.kept = MessageBar()
        self.editors: dict[str, QWidget] = {
            "kind": self._combo(RULES["kind"].choices),
            "channel": self._combo(RULES["channel"].choices),
            "category": SearchableChoice(),
            "description": text_box(_("Omschrijving"), lines=6),
            "desired_outcome": text_box(_("Gewenste uitkomst"), lines=2),
            "incident_date": QDateEdit(),
            "involved_party": self._combo(RULES["involved_party"].choices),
            "people_involved": QLineEdit(),
            "severity": self._combo(RULES["severity"].choices),
            "complex_sensitive": QCheckBox(_(LABELS["complex_sensitive"])),
            "confidential": QCheckBox(_(LABELS["confidential"])),
            "police_report_advised": QCheckBox(_(LABELS["police_report_advised"])),
        }
        self.editors["category"].set_choices(categories)
        date = self.editors["incident_date"]
        date.setMinimumDate(NO_DATE)
        date.setSpecialValueText(_("onbekend"))
        date.setDisplayFormat("d-M-yyyy")
        date.setCalendarPopup(True)
        date.setMaximumWidth(220)
        date.dateChanged.connect(self._check_incident)
        self._confirmed_incident: dt.date | None = None  # an unlikely incident date the user said is right
        self.fields: dict[str, Field] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        flags = QHBoxLayout()
        for name, editor in self.editors.items():
            label = _(LABELS[name])
            field = Field("" if isinstance(editor, QCheckBox) else label + ":", editor, label.replace("&", ""))
            self.fields[name] = field
            if isinstance(editor, QCheckBox):
                flags.addWidget(field)
            else:
                form.addRow(field.label, field)
            self._watch(editor)
        flags.addStretch(1)
        form.addRow("", flags)
        # The narrow date box gets the form's width for the message and the question under it.
        self.fields["incident_date"].setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.read_only_note = QLabel()
        self.read_only_note.setWordWrap(True)
        self.save_button = QPushButton(_("Ops&laan"))  # Alt+O is Omschrijving
        self.save_button.clicked.connect(self.save)
        self.undo_button = QPushButton(_("Wijzigingen o&ngedaan maken"))
        self.undo_button.clicked.connect(lambda: self.dossier and self.load(self.dossier))
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_only_note, 1)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kept)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    @staticmethod
    def _combo(labels: dict) -> QComboBox:
        combo = QComboBox()
        for code, label in labels.items():
            combo.addItem(_(label), code)
        return combo

    def _watch(self, editor: QWidget) -> None:
        if isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(self._update_buttons)
        elif isinstance(editor, QPlainTextEdit):
            editor.textChanged.connect(self._update_buttons)
        elif isinstance(editor, QLineEdit):
            editor.textChanged.connect(self._update_buttons)
        elif isinstance(editor, QDateEdit):
            editor.dateChanged.connect(self._update_buttons)
        elif isinstance(editor, QCheckBox):
            editor.toggled.connect(self._update_buttons)

    # ---- values ---------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        result = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                result[name] = editor.currentData()
            elif isinstance(editor, QPlainTextEdit):
                result[name] = editor.toPlainText()
            elif isinstance(editor, QLineEdit):
                result[name] = editor.text()
            elif isinstance(editor, QDateEdit):
                result[name] = None if editor.date() == NO_DATE else editor.date().toPython()
            else:
                result[name] = editor.isChecked()
        return result

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            editor = self.editors[name]
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value or "")
            elif isinstance(editor, QLineEdit):
                editor.setText(value or "")
            elif isinstance(editor, QDateEdit):
                editor.setDate(QDate(value) if value else NO_DATE)
            else:
                editor.setChecked(bool(value))

    def changed_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.values().items()
                if _comparable(value) != _comparable(self._loaded.get(name))}

    def describe(self, values: dict[str, Any]) -> str:
        lines = []
        for name, value in values.items():
            editor = self.editors[name]
            if isinstance(editor, QComboBox):
                value = editor.itemText(max(editor.findData(value), 0))
            elif isinstance(value, bool):
                value = _("ja") if value else _("nee")
            elif isinstance(value, dt.date):
                value = value.strftime("%d-%m-%Y")
            label = _(LABELS[name]).replace("&", "")
            lines.append(f"{label}:\n{value}" if isinstance(editor, QPlainTextEdit) else f"{label}: {value or '—'}")
        return "\n\n".join(lines)

    # ---- loading and saving ------------------------------------------------------------------------
    def load(self, dossier: Dossier) -> None:
        """Show ``dossier``'s complaint, keeping what was typed here and not saved.

        A reload (the connection came back, a step waiting on this PC was sent,
        a colleague saved) puts the unsaved edits back on top; an edit whose field
        someone else changed meanwhile, or that can no longer be made, is shown
        above the form to fill in again or copy.
        """
        edits = self.changed_fields() if self.has_unsaved_changes() else {}
        before = self._loaded
        self.dossier = dossier
        c = dossier.complaint
        if self.editors["category"].findData(c.category_id) < 0:
            self.editors["category"].addItem(c.category.name, c.category_id)
        self._loaded = {name: (c.category_id if name == "category" else getattr(c, name))
                        for name in self.editors}
        self.set_values(self._loaded)
        for field in self.fields.values():
            field.set_problem(None)
        self.message.clear()
        for name, editor in self.editors.items():
            editable = dossier.can_edit and (name != "confidential" or dossier.can_change_confidential)
            if isinstance(editor, (QPlainTextEdit, QLineEdit)):
                editor.setReadOnly(not editable)
            else:
                editor.setEnabled(editable)
        self.save_button.setVisible(dossier.can_edit)
        self.undo_button.setVisible(dossier.can_edit)
        if dossier.can_edit:
            self.read_only_note.setText("")
        elif c.status == "closed":
            self.read_only_note.setText(_("Deze klacht is afgesloten; heropen hem om de registratie te wijzigen."))
        else:
            self.read_only_note.setText(_("U kunt deze registratie bekijken, maar niet wijzigen."))
        if edits:
            self._carry_over(edits, before)
        self._update_buttons()

    def _carry_over(self, edits: dict[str, Any], before: dict[str, Any]) -> None:
        untouched = {name: value for name, value in edits.items() if self.dossier.can_edit
                     and _comparable(self._loaded[name]) == _comparable(before.get(name))}
        self.set_values(untouched)
        overtaken = {name: value for name, value in edits.items() if name not in untouched}
        if overtaken:
            self.keep(overtaken, self.describe(overtaken))

    def has_unsaved_changes(self) -> bool:
        return bool(self.dossier and self.dossier.can_edit and self.changed_fields())

    def _update_buttons(self) -> None:
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty)
        self.undo_button.setEnabled(dirty)

    def save(self) -> None:
        if self.dossier is None:
            return
        changed = self.changed_fields()
        if not changed:
            return
        if doubt := self._incident_doubt():
            ask_about_date(self, self.editors["incident_date"].accessibleName(), changed["incident_date"], doubt,
                           self._incident_answered)
            return
        for field in self.fields.values():
            field.set_problem(None)
        self.message.clear()
        try:
            complaint = editing.update_registration(self.user, self.dossier.complaint, changed)
        except ValidationError as exc:
            for name, text in exc.errors.items():
                if name in self.fields:
                    self.fields[name].set_problem(text)
                else:
                    self.message.show_message(text, "error")
            return
        except ConflictError:
            self.conflict.emit(changed, self.describe(changed))
            return
        except KlachtenbureauError as exc:
            self.message.show_message(exc.message, "error")
            if isinstance(exc, DatabaseUnavailableError):
                self.unreachable.emit(exc)
            return
        self.saved.emit(complaint)

    def _incident_doubt(self) -> str | None:
        """The question about a changed incident date long before the receipt, unless it was answered."""
        incident = self.values()["incident_date"]
        if incident is None or incident in (self._loaded.get("incident_date"), self._confirmed_incident):
            return None
        return incident_doubt(incident, self.dossier.complaint.received_at.date())

    def _check_incident(self) -> None:
        """An impossible incident date is pointed out at once, an unlikely one gets its question underneath."""
        if self.dossier is None:
            return
        incident, field = self.values()["incident_date"], self.fields["incident_date"]
        field.set_problem(incident and incident_date_problem(incident, self.dossier.complaint.received_at.date()))
        field.set_hint(self._incident_doubt() or "", warning=True)

    def _incident_answered(self, sure: bool) -> None:
        if sure:
            self._confirmed_incident = self.values()["incident_date"]
            self._check_incident()
            self.save()
        else:
            self.editors["incident_date"].setFocus()

    def keep(self, values: dict[str, Any], text: str) -> None:
        """After a conflict: show the user's refused input above the freshly loaded form."""
        self.kept.show_message(
            _("Uw eerdere invoer is niet opgeslagen omdat iemand anders de klacht intussen wijzigde:") + "\n\n" + text,
            "warning", [(_("Mijn invoer weer &invullen"), lambda: self._refill(values)),
                        (_("&Weggooien"), self.kept.clear)])

    def _refill(self, values: dict[str, Any]) -> None:
        self.set_values(values)
        self.kept.clear()
        self._update_buttons()


def _comparable(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value
