"""Where reminders are shown: the system tray, or a recording stand-in for tests.

Which reminders to send is decided in workflow/reminders.py; a ``Notifier`` only shows them and says which one
was clicked (``clicked``: the Mijn werk line, or None for "open Mijn werk").
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from klachtenbureau.i18n import _, ngettext
from klachtenbureau.workflow.reminders import Reminder

ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "klachtenbureau.png"
SHOWN_LINES = 4  # several reminders at once: one message with this many lines, the rest counted
MESSAGE_MS = 15_000


class Notifier(QObject):
    """Shows reminders and the sign-in summary; ``clicked`` carries the WorkItem to open (None: Mijn werk)."""

    clicked = Signal(object)

    def notify(self, reminders: list[Reminder]) -> None:
        raise NotImplementedError

    def show_summary(self, text: str) -> None:
        raise NotImplementedError


class TrayNotifier(Notifier):
    """A tray icon with balloon messages; one reminder opens its line, several open Mijn werk."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.tray = QSystemTrayIcon(QIcon(str(ICON)), self)
        self.tray.setToolTip("Klachtenbureau")
        self.tray.messageClicked.connect(lambda: self.clicked.emit(self._last))
        self.tray.activated.connect(lambda _reason: self.clicked.emit(None))
        self._last = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages()

    def notify(self, reminders: list[Reminder]) -> None:
        if not reminders:
            return
        if len(reminders) == 1:
            title, text, self._last = reminders[0].title, reminders[0].text, reminders[0].item
        else:
            lines = [r.text for r in reminders[:SHOWN_LINES]]
            rest = len(reminders) - len(lines)
            if rest:
                lines.append(ngettext("en nog {n}", "en nog {n}", rest).format(n=rest))
            title, text, self._last = _("Mijn werk: {n} herinneringen").format(n=len(reminders)), "\n".join(lines), None
        self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)

    def show_summary(self, text: str) -> None:
        self._last = None
        self.tray.showMessage(_("Klachtenbureau"), text, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)


class RecordingNotifier(Notifier):
    """The test double: keeps what it was asked to show; ``click`` acts as a click on a reminder."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.shown: list[Reminder] = []
        self.summaries: list[str] = []

    def notify(self, reminders: list[Reminder]) -> None:
        self.shown.extend(reminders)

    def show_summary(self, text: str) -> None:
        self.summaries.append(text)

    def click(self, reminder: Reminder | None) -> None:
        self.clicked.emit(reminder.item if reminder is not None else None)
