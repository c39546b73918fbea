"""Small widgets the desk's forms share: a field with its Dutch message, a message bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QRadioButton,
    QSizePolicy, QVBoxLayout, QWidget,
)

from klachtenbureau.i18n import _
from klachtenbureau.ui.background import run_in_background

PROBLEM_STYLE = "color: #a4161a;"
MESSAGE_STYLES = {
    "info": "background: #e7f1fb; border: 1px solid #8fb8e0;",
    "warning": "background: #fff4d6; border: 1px solid #e0b54a;",
    "error": "background: #fde8e8; border: 1px solid #d77b7b;",
    "success": "background: #e6f4ea; border: 1px solid #7fbf8e;",
}


class Field(QWidget):
    """An input, the label that names it (with its mnemonic) and its Dutch message underneath.

    The message never blocks typing: it only says what is wrong. The label is
    meant for the left column of a QFormLayout (``form.addRow(field.label, field)``).
    """

    def __init__(self, label: str, editor: QWidget, accessible_name: str, hint: str = "",
                 body: QWidget | None = None):
        """``body`` is shown instead of ``editor`` when the editor sits in a row with other widgets."""
        super().__init__()
        self.editor = editor
        self.label = QLabel(label)
        self.label.setBuddy(editor)
        editor.setAccessibleName(accessible_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(body or editor)
        self.hint = QLabel(hint)
        self.hint.setStyleSheet("color: #555;")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet(PROBLEM_STYLE)
        self.problem_label.setWordWrap(True)
        self.problem_label.setAccessibleName(accessible_name + " – melding")
        self.problem_label.hide()
        layout.addWidget(self.problem_label)

    def set_problem(self, message: str | None) -> None:
        self.problem_label.setText(message or "")
        self.problem_label.setVisible(bool(message))
        self.editor.setAccessibleDescription(message or "")

    def problem(self) -> str:
        return self.problem_label.text() if self.problem_label.isVisibleTo(self) else ""

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))


class RadioGroup(QWidget):
    """Radio buttons for one choice among codes; arrow keys move between them, Tab leaves the group."""

    changed = Signal(str)

    def __init__(self, choices: list[tuple[str, str]], accessible_name: str, columns: int = 1):
        super().__init__()
        self.setAccessibleName(accessible_name)
        self.codes = [code for code, _label in choices]
        self.group = QButtonGroup(self)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        rows = (len(choices) + columns - 1) // columns
        for index, (code, label) in enumerate(choices):
            button = QRadioButton(label)
            button.setAccessibleName(label.replace("&", ""))
            self.group.addButton(button, index)
            layout.addWidget(button, index % rows, index // rows)
        layout.setColumnStretch(columns, 1)
        layout.setHorizontalSpacing(24)
        self.group.idToggled.connect(self._toggled)
        self.setFocusProxy(self.group.button(0))

    def _toggled(self, index: int, checked: bool) -> None:
        if checked:
            self.setFocusProxy(self.group.button(index))
            self.changed.emit(self.codes[index])

    def value(self) -> str:
        index = self.group.checkedId()
        return self.codes[index] if index >= 0 else ""

    def set_value(self, code: str) -> None:
        if code in self.codes:
            self.group.button(self.codes.index(code)).setChecked(True)
        else:
            checked = self.group.checkedButton()
            if checked is not None:
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)

    def button(self, code: str) -> QRadioButton:
        return self.group.button(self.codes.index(code))


class MessageBar(QFrame):
    """A coloured line of text with optional buttons, shown above a form instead of a pop-up."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(_("Mededeling"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.text, 1)
        self._buttons: list[QPushButton] = []
        self.hide()

    def show_message(self, text: str, kind: str = "info",
                     actions: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        self.setStyleSheet(f"MessageBar {{ {MESSAGE_STYLES[kind]} border-radius: 4px; }}")
        self.text.setText(text)
        for label, callback in actions or []:
            button = QPushButton(label)
            button.setAccessibleName(label.replace("&", ""))
            button.setAutoDefault(True)
            button.clicked.connect(callback)
            self.layout().addWidget(button)
            self._buttons.append(button)
        self.show()

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def clear(self) -> None:
        for button in self._buttons:
            button.deleteLater()
        self._buttons = []
        self.text.clear()
        self.hide()


class CtrlEnterFilter(QObject):
    """Ctrl+Enter in a multi-line box means 'go on' (Enter itself starts a new line there)."""

    activated = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.activated.emit()
            return True
        return False


def browse_row(editor: QWidget, text: str, browse: Callable[[], None]) -> QWidget:
    """``editor`` with a button ``text`` (e.g. "B&laderen…") beside it, as one row for a Field's body."""
    button = QPushButton(text)
    button.clicked.connect(browse)
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(editor, 1)
    layout.addWidget(button)
    return row


def text_box(accessible_name: str, placeholder: str = "", lines: int = 4) -> QPlainTextEdit:
    """A multi-line box where Tab moves on (it never types a tab character)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setAccessibleName(accessible_name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def run_for(owner: QObject, work: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None]) -> None:
    """``run_in_background`` whose callbacks are skipped once ``owner`` is gone (window closed meanwhile)."""
    def success(value: Any) -> None:
        if shiboken6.isValid(owner):
            on_success(value)

    def failure(exc: BaseException) -> None:
        if shiboken6.isValid(owner):
            on_failure(exc)

    run_in_background(work, success, failure)
