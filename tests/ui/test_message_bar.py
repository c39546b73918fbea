"""The message bar's questions: the keyboard goes back where it was, Alt+letter presses the button asked for."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from klachtenbureau.ui.widgets import MessageBar


def test_a_question_asked_again_answers_to_its_own_alt_letter_and_gives_the_keyboard_back(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    bar = MessageBar()
    first, field = QLineEdit(), QLineEdit()
    for widget in (first, field, bar):  # Qt alone would hand the keyboard on round the tab order, to "first"
        layout.addWidget(widget)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    answers = []

    def ask() -> None:
        bar.show_message("Weggooien?", "warning", [("&Weggooien", lambda: answers.append("weg")),
                                                   ("&Verder", bar.clear)])

    ask()
    qtbot.mouseClick(bar.buttons()[1], Qt.MouseButton.LeftButton)  # the click takes the keyboard to the button
    qtbot.waitUntil(lambda: not bar.isVisible())
    assert field.hasFocus()  # the typing goes on where it was
    qtbot.keyClicks(field, "abc")
    assert field.text() == "abc"

    ask()
    bar.clear()
    ask()  # the earlier buttons still wait for deletion: they must not show again
    assert [b.text() for b in bar.findChildren(QPushButton) if b.isVisible()] == ["&Weggooien", "&Verder"]
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: answers == ["weg"])
