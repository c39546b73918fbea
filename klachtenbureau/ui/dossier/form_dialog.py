"""A small dialog built from a list of inputs: the shape of every step the dossier asks details for.

The dialog calls the workflow itself when the user confirms. Bad input stays
in the dialog with the Dutch message at the field; a conflict (someone else
saved first) closes it with ``CONFLICT`` and leaves the user's input in
``values()`` so the window can offer it again — nothing typed is lost. A write
that waits in this PC's queue because the database is out of reach closes it
with ``QUEUED`` (``unreachable`` has said why).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDateTimeEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QPlainTextEdit, QSizePolicy, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import ConflictError, DatabaseUnavailableError, KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.ui.widgets import CtrlEnterFilter, Field, MessageBar, RadioGroup, text_box
from klachtenbureau.workflow.offline.write_queue import WriteQueuedError

CONFLICT = 2  # dialog results besides Accepted (1) and Rejected (0)
QUEUED = 3


@dataclasses.dataclass
class Input:
    """One input of a form dialog. ``name`` is the key the workflow reports problems under."""

    name: str
    label: str  # Dutch, with an & mnemonic
    kind: str  # text, line, radio, combo, checks, date, datetime, flag
    _: dataclasses.KW_ONLY
    choices: list[tuple[Any, str]] = dataclasses.field(default_factory=list)  # (code, translated label)
    value: Any = None
    hint: str = ""
    lines: int = 4


class _Checks(QWidget):
    """Several check boxes for a set of codes."""

    def __init__(self, choices: list[tuple[Any, str]], accessible_name: str):
        super().__init__()
        self.setAccessibleName(accessible_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for code, label in choices:
            box = QCheckBox(label)
            self.boxes[code] = box
            layout.addWidget(box)
        self.setFocusProxy(next(iter(self.boxes.values())))

    def value(self) -> list[Any]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_value(self, codes: list[Any]) -> None:
        for code, box in self.boxes.items():
            box.setChecked(code in (codes or []))


def _plain(label: str) -> str:
    return label.replace("&", "").rstrip(":")


def describe(inputs: list[Input], values: dict[str, Any]) -> str:
    """``values`` of ``inputs`` as text, "label: value" lines: what to keep or copy when a save was refused."""
    lines = []
    for spec in inputs:
        if spec.name not in values:
            continue
        value = values[spec.name]
        if spec.kind in ("radio", "combo"):
            value = dict(spec.choices).get(value, "")
        elif spec.kind == "checks":
            value = ", ".join(dict(spec.choices)[code] for code in value)
        elif spec.kind == "flag":
            value = _("ja") if value else _("nee")
        elif isinstance(value, dt.datetime):
            value = value.strftime("%d-%m-%Y %H:%M")
        elif isinstance(value, dt.date):
            value = value.strftime("%d-%m-%Y")
        if value not in ("", None):
            separator = ":\n" if spec.kind == "text" else ": "
            lines.append(f"{_plain(spec.label)}{separator}{value}")
    return "\n\n".join(lines)


class FormDialog(QDialog):
    """Ask for ``inputs``; on OK call ``submit(values)`` and close only when it succeeded (or waits safely)."""

    unreachable = Signal(object)  # the database is out of reach (the typed error): the window's state follows

    def __init__(self, parent: QWidget | None, title: str, inputs: list[Input], accept_label: str,
                 submit: Callable[[dict[str, Any]], Any], intro: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.inputs = inputs
        self.submit = submit
        self.result_value: Any = None
        self.message = MessageBar()
        self.editors: dict[str, QWidget] = {}
        self.fields: dict[str, Field] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._ctrl_enter = CtrlEnterFilter(self)
        self._ctrl_enter.activated.connect(self.accept)
        for spec in inputs:
            editor = self._editor(spec)
            self.editors[spec.name] = editor
            field = Field("" if spec.kind == "flag" else spec.label, editor, _plain(spec.label), spec.hint)
            # the field takes the row's width, so its hint and message wrap there, not under a narrow editor
            field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            if spec.kind == "flag":
                form.addRow(field)
            else:
                form.addRow(field.label, field)
            self.fields[spec.name] = field
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(accept_label)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if inputs:
            self.editors[inputs[0].name].setFocus()
        self._initial = self.values()

    def _editor(self, spec: Input) -> QWidget:
        name = _plain(spec.label)
        if spec.kind == "text":
            editor = text_box(name, lines=spec.lines)
            editor.setPlainText(spec.value or "")
            editor.installEventFilter(self._ctrl_enter)
        elif spec.kind == "line":
            editor = QLineEdit(spec.value or "")
        elif spec.kind == "radio":
            editor = RadioGroup(spec.choices, name, columns=1 if len(spec.choices) < 5 else 2)
            editor.set_value(spec.value)
        elif spec.kind == "combo":
            editor = QComboBox()
            for code, label in spec.choices:
                editor.addItem(label, code)
            index = editor.findData(spec.value)
            editor.setCurrentIndex(max(index, 0))
        elif spec.kind == "checks":
            editor = _Checks(spec.choices, name)
            editor.set_value(spec.value)
        elif spec.kind == "date":
            editor = QDateEdit(QDate(spec.value or dt.date.today()))
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("d-M-yyyy")
        elif spec.kind == "datetime":
            moment = spec.value or dt.datetime.now().replace(second=0, microsecond=0)
            editor = QDateTimeEdit(QDateTime(QDate(moment.date()), QTime(moment.hour, moment.minute)))
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("d-M-yyyy HH:mm")
        elif spec.kind == "flag":
            editor = QCheckBox(spec.label)
            editor.setChecked(bool(spec.value))
        else:
            raise ValueError(spec.kind)
        editor.setAccessibleName(name)
        return editor

    def values(self) -> dict[str, Any]:
        return {spec.name: self._value(spec, self.editors[spec.name]) for spec in self.inputs}

    @staticmethod
    def _value(spec: Input, editor: QWidget) -> Any:
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QLineEdit):
            return editor.text()
        if isinstance(editor, (RadioGroup, _Checks)):
            return editor.value()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QDateTimeEdit) and spec.kind == "datetime":
            moment = editor.dateTime()
            return dt.datetime.combine(moment.date().toPython(), moment.time().toPython())
        if isinstance(editor, QDateEdit):
            return editor.date().toPython()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        raise TypeError(type(editor))

    def set_values(self, values: dict[str, Any]) -> None:
        for spec in self.inputs:
            if spec.name not in values:
                continue
            editor, value = self.editors[spec.name], values[spec.name]
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value or "")
            elif isinstance(editor, QLineEdit):
                editor.setText(value or "")
            elif isinstance(editor, (RadioGroup, _Checks)):
                editor.set_value(value)
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            elif isinstance(editor, QDateTimeEdit) and spec.kind == "datetime":
                value = dt.datetime.fromisoformat(value) if isinstance(value, str) else value  # from the queue
                editor.setDateTime(QDateTime(QDate(value.date()), QTime(value.hour, value.minute)))
            elif isinstance(editor, QDateEdit):
                editor.setDate(QDate(dt.date.fromisoformat(value) if isinstance(value, str) else value))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))

    def changed_values(self) -> dict[str, Any]:
        """What the user changed from the values the dialog opened with: what to offer again after a conflict.

        Pre-filled values the user left alone are not kept: offered again they would undo the colleague's change.
        """
        return {name: value for name, value in self.values().items() if value != self._initial[name]}

    def describe(self, values: dict[str, Any] | None = None) -> str:
        """``values`` (default: all) as text, "label: value" lines, to keep when the save was refused."""
        return describe(self.inputs, self.values() if values is None else values)

    def accept(self) -> None:
        for field in self.fields.values():
            field.set_problem(None)
        self.message.clear()
        try:
            self.result_value = self.submit(self.values())
        except ValidationError as exc:
            unplaced = []
            for name, text in exc.errors.items():
                if name in self.fields:
                    self.fields[name].set_problem(text)
                else:
                    unplaced.append(text)
            if unplaced:
                self.message.show_message(" ".join(unplaced), "error")
            first = next((name for name in exc.errors if name in self.editors), None)
            if first:
                self.editors[first].setFocus()
            # Grow to show every message: Qt leaves wrapped text out of the least height it gives a window.
            self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())))
            return
        except ConflictError:
            self.done(CONFLICT)
            return
        except WriteQueuedError as exc:
            self.unreachable.emit(exc.cause)
            self.done(QUEUED)
            return
        except DatabaseUnavailableError as exc:
            self.message.show_message(exc.message, "error")
            self.unreachable.emit(exc)
            return
        except KlachtenbureauError as exc:
            self.message.show_message(exc.message, "error")
            return
        super().accept()
