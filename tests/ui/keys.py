"""Driving widgets from the keyboard in tests, as a person would."""

from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QWidget


class Keyboard:
    """Presses keys on whatever has the focus, as a person would, and counts the presses.

    A chord (Alt+N, Ctrl+Enter) is one press; ``type`` counts every character. Between two keys the
    application catches up with what they started (a list that opens, a window that becomes active).
    """

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.presses = 0
        self.typed = 0

    @staticmethod
    def focus() -> QWidget:
        """What gets the keys: an open pop-up list takes them before the focus widget, as in Qt itself."""
        popup = QApplication.activePopupWidget()
        if popup is not None:
            return popup.focusWidget() or popup
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.presses += 1
        self.qtbot.keyClick(self.focus(), key, modifier)
        QApplication.processEvents()

    def alt(self, letter: str) -> None:
        self.press(getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)

    def enter(self) -> None:
        self.press(Qt.Key.Key_Return)

    def tab(self, times: int = 1) -> None:
        for _ in range(times):
            self.press(Qt.Key.Key_Tab)

    def type(self, text: str) -> None:
        self.typed += len(text)
        self.dictate(text)

    def dictate(self, text: str) -> None:
        """Type free text (a description) that the press count leaves out."""
        for character in text:
            self.qtbot.keyClick(self.focus(), character)
            QApplication.processEvents()


def show(qtbot, widget: QWidget) -> QWidget:
    """Show ``widget`` as the active window, so its mnemonics and shortcuts work."""
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return activate(qtbot, widget)


def activate(qtbot, widget: QWidget) -> QWidget:
    """Make ``widget``'s window the active one again (a window manager does this when a dialog closes)."""
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def active_modal(qtbot) -> QWidget:
    """The dialog that just opened, made the active window as a window manager would."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    dialog = QApplication.activeModalWidget()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def settled(qtbot, view: QWidget) -> QWidget:
    """Wait until ``view`` (the inbox) has what it reads off the UI thread in place."""
    qtbot.waitUntil(lambda: not view.reading, timeout=10_000)
    return view


def finish_background_work() -> None:
    """Let every reading off the UI thread end, and what their results start (the inbox reads the rest of its ids
    after the first ones, a reading asked for meanwhile follows the last): none may reach the next test's
    database."""
    pool = QThreadPool.globalInstance()
    for _round in range(20):
        pool.waitForDone(10_000)
        QApplication.processEvents()
        if pool.activeThreadCount() == 0:
            return
