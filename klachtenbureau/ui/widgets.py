"""Small widgets the desk's forms share: a field with its Dutch message, a message bar."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QButtonGroup, QComboBox, QCompleter, QFrame, QGridLayout, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton, QRadioButton, QSizePolicy, QTableWidget, QVBoxLayout, QWidget,
)

from klachtenbureau.i18n import _, format_date
from klachtenbureau.models.folding import fold
from klachtenbureau.reports import letter_texts

PROBLEM_STYLE = "color: #a4161a;"
HINT_STYLE = "color: #555;"
DOUBT_STYLE = "color: #7a4a00; font-weight: 600;"  # a question, not an error
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
        self.hint.setStyleSheet(HINT_STYLE)
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

    def set_hint(self, text: str, warning: bool = False) -> None:
        """Show ``text`` under the input; a ``warning`` asks the user to check what they typed."""
        self.hint.setText(text)
        self.hint.setStyleSheet(DOUBT_STYLE if warning else HINT_STYLE)
        self.hint.setVisible(bool(text))


def ask_about_date(parent: QWidget, label: str, day: dt.date, question: str,
                   answered: Callable[[bool], None]) -> None:
    """Ask whether an unlikely date is right; ``answered(True)`` when the user says so.

    "Nee, datum aanpassen" is the default, so a hasty Enter never confirms a wrong date.
    """
    box = QMessageBox(QMessageBox.Icon.Question, _("Klopt de datum?"), _("{label}: {date}. {question}").format(
        label=label, date=format_date(day, "EEEE d MMMM yyyy"), question=question),
        QMessageBox.StandardButton.NoButton, parent)
    sure = box.addButton(_("&Ja, de datum klopt"), QMessageBox.ButtonRole.AcceptRole)
    correct = box.addButton(_("&Nee, datum aanpassen"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(correct)
    box.setEscapeButton(correct)
    box.finished.connect(lambda _result: answered(box.clickedButton() is sure))
    box.open()


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
        for index, (_code, label) in enumerate(choices):
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


class _Matches(QSortFilterProxyModel):
    """The names that hold every typed word; those that start with the text first, then those whose words do."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.typed = ""
        self.words: list[str] = []

    def search(self, text: str) -> None:
        self.typed = fold(" ".join(text.split()))
        self.words = self.typed.split()
        self.invalidate()
        self.sort(0)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802 (Qt name)
        name = fold(self.sourceModel().index(row, 0, parent).data() or "")
        return all(word in name for word in self.words)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 (Qt name)
        return self._rank(left.data() or "") < self._rank(right.data() or "")

    def _rank(self, name: str) -> tuple[bool, bool, str]:
        folded = fold(name)
        at_word_starts = all(re.search(r"(?<!\w)" + re.escape(word), folded) for word in self.words)
        return not folded.startswith(self.typed), not at_word_starts, folded


class SearchableChoice(QComboBox):
    """A choice from a long list by typing any words of it: "klacht mede" finds "Een klacht m.b.t. een mede-deelnemer".

    The list is alphabetical. While typing, a list under the box shows the names that hold every typed
    word (names that start with the text first) and the top one is chosen; the arrow keys choose another.
    Space types a space; Enter, Tab and Esc close the list and keep the choice, so Enter goes on as it does
    elsewhere. ``currentData()`` is the chosen value; text that matches nothing chooses nothing.
    """

    def __init__(self, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setCompleter(None)  # the combo's own completer only completes the start of a name
        self.lineEdit().setPlaceholderText(placeholder)
        self.matches = _Matches(self)
        self.matches.setSourceModel(self.model())
        self.suggestions = QCompleter(self.matches, self)
        self.suggestions.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.suggestions.setMaxVisibleItems(12)
        self.suggestions.setWidget(self.lineEdit())
        self.suggestions.highlighted[QModelIndex].connect(self._highlighted)
        self.suggestions.activated[QModelIndex].connect(self._highlighted)
        self.suggestions.popup().installEventFilter(self)  # after the completer's own filter, so it runs first
        self.lineEdit().textEdited.connect(self._typed)
        self._selecting = False

    def set_choices(self, choices: list[tuple[Any, str]]) -> None:
        """Offer ``choices`` (value, name) in alphabetical order, keeping the chosen one if it is still there;
        no change signal."""
        chosen = self.currentData()
        self.blockSignals(True)
        self.clear()
        for value, name in sorted(choices, key=lambda choice: fold(choice[1])):
            self.addItem(name, value)
        self.setCurrentIndex(self.findData(chosen) if chosen is not None else -1)
        self.blockSignals(False)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt name)
        """The box one types in is named like the choice (a screen reader announces it)."""
        super().setAccessibleName(name)
        self.lineEdit().setAccessibleName(name)

    def _typed(self, text: str) -> None:
        self.matches.search(text)
        top = self.matches.index(0, 0) if self.matches.words else QModelIndex()  # an empty box chooses nothing
        self._choose(top, keep_typed=True)
        if not top.isValid():
            self.suggestions.popup().hide()
            return
        self.suggestions.complete()
        self._selecting = True  # the choice stands out in the list; that is no highlight by the user
        self.suggestions.popup().selectionModel().setCurrentIndex(
            self.suggestions.completionModel().index(0, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._selecting = False

    def _highlighted(self, index: QModelIndex) -> None:
        if not self._selecting:
            self._choose(self.suggestions.completionModel().mapToSource(index),
                         keep_typed=self.suggestions.popup().isVisible())

    def _choose(self, index: QModelIndex, keep_typed: bool) -> None:
        """Choose the row ``index`` of the matches (none when it is not valid)."""
        line = self.lineEdit()
        typed, cursor = line.text(), line.cursorPosition()
        self.setCurrentIndex(self.matches.mapToSource(index).row() if index.isValid() else -1)
        if keep_typed:  # the combo box would show the name of the choice instead
            line.setText(typed)
            line.setCursorPosition(cursor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Hide and self.currentIndex() >= 0:
            self.lineEdit().setText(self.itemText(self.currentIndex()))  # the list closed: the box shows the choice
        elif (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
              and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)):
            # The completer would only close the list; here the key also does what it does everywhere else.
            self.suggestions.popup().hide()
            QApplication.sendEvent(self.lineEdit(), QKeyEvent(event.type(), event.key(), event.modifiers(),
                                                              event.text()))
            return True
        return False


def row_table(titles: list[str], name: str) -> QTableWidget:
    """A read-only table of rows to choose one from: whole rows, no row numbers, the last column stretches."""
    table = QTableWidget(0, len(titles))
    table.setHorizontalHeaderLabels(titles)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


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
        self._return_to: QWidget | None = None  # where the keyboard was before a question with buttons
        self.hide()

    def show_message(self, text: str, kind: str = "info",
                     actions: list[tuple[str, Callable[[], None]]] | None = None) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and not self.isAncestorOf(focus):
            self._return_to = focus
        self._drop_buttons()
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

    def _drop_buttons(self) -> None:
        # Hidden at once: a button waiting for deleteLater() would otherwise show again with the next
        # question and make its Alt+letter ambiguous, so that the key did nothing.
        for button in self._buttons:
            button.hide()
            self.layout().removeWidget(button)
            button.deleteLater()
        self._buttons = []

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def clear(self) -> None:
        """Hide the bar; if the keyboard was on one of its buttons, it goes back to where it was before."""
        had_focus = self.isAncestorOf(QApplication.focusWidget())
        self._drop_buttons()
        self.text.clear()
        self.hide()
        back = self._return_to
        if had_focus and back is not None and shiboken6.isValid(back) and back.isVisible() and back.isEnabled():
            back.setFocus(Qt.FocusReason.OtherFocusReason)


class CtrlEnterFilter(QObject):
    """Ctrl+Enter in a multi-line box means 'go on' (Enter itself starts a new line there).

    With ``enter_goes_on`` Enter goes on as well and Shift+Enter starts a new line: in a form whose
    footer says "Enter: verder", Enter means the same in every field.
    """

    activated = Signal()

    def __init__(self, parent: QObject | None = None, enter_goes_on: bool = False):
        super().__init__(parent)
        self.enter_goes_on = enter_goes_on

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and (event.modifiers() & Qt.KeyboardModifier.ControlModifier
                     or self.enter_goes_on and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)):
            self.activated.emit()
            return True
        return False


class AltTypesNothing(QObject):
    """Alt with a letter that is no mnemonic here does nothing; Qt would type the letter into the box.

    AltGr (Ctrl+Alt on Windows) still types: it makes characters such as € on some keyboards.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        return bool(event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                    and event.text() and event.text().isprintable()
                    and event.modifiers() & Qt.KeyboardModifier.AltModifier
                    and not event.modifiers() & Qt.KeyboardModifier.ControlModifier)


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


# What the frame and title bar of a window add to its size (Windows 10/11 at 100 %); Qt sizes the inside.
FRAME = (16, 40)


def fit_to_screen(window: QWidget, width: int, height: int | None = None) -> None:
    """Give ``window`` the size ``width`` × ``height`` (None: the full height), but no more than the screen it
    opens on leaves free with its frame: on a 1366 × 768 laptop every button stays in view."""
    area = window.screen().availableGeometry()
    room_width, room_height = area.width() - FRAME[0], area.height() - FRAME[1]
    window.resize(min(width, room_width), room_height if height is None else min(height, room_height))


def text_box(accessible_name: str, placeholder: str = "", lines: int = 4) -> QPlainTextEdit:
    """A multi-line box where Tab moves on (it never types a tab character)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setAccessibleName(accessible_name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class InsertList(QListWidget):
    """A list whose item goes in at an editor's cursor: ``chosen`` on a double-click or on Enter.

    Enter stays in the list: passed on, it would press the dialog's default button (print, save, reset).
    """

    chosen = Signal(QListWidgetItem)

    def __init__(self, accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setToolTip(_("Dubbelklik of Enter: invoegen op de plek van de cursor."))
        self.itemDoubleClicked.connect(self.chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentItem() is not None:
                self.chosen.emit(self.currentItem())
            event.accept()
            return
        super().keyPressEvent(event)


def placeholder_list() -> InsertList:
    """The letter texts' {invulplekken} with what each means, to insert into a text."""
    placeholders = InsertList(_("Invulplekken"))
    for name, meaning in letter_texts.PLACEHOLDERS.items():
        item = QListWidgetItem(f"{{{name}}}  –  {_(meaning)}")
        item.setData(Qt.ItemDataRole.UserRole, name)
        placeholders.addItem(item)
    return placeholders
