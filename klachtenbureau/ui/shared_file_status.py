"""Status-bar label: who else works in the shared database file, and whether this PC may write to it.

Polls ``SharedFileGuard.state()`` on a QTimer instead of listening to the guard's heartbeat thread, so no Qt
object is touched from a thread that is not the UI thread. It reads the state the heartbeat already
gathered (``refresh=False``): the UI thread never waits on the network share. Hidden while this PC is the
only one; plain while others work along safely; red while this PC refuses to write.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from klachtenbureau.i18n import _
from klachtenbureau.workflow.shared_file import SharedFileGuard, SharedFileState

REFUSED_COLOUR = "#a4161a"


class SharedFileStatus(QLabel):
    """Shows ``guard.state().message``; the tooltip holds the details of every other PC."""

    state_changed = Signal(object)  # the new SharedFileState (or None) when the line or the refusal changed

    def __init__(self, guard: SharedFileGuard | None, parent: QWidget | None = None, interval_ms: int = 3000):
        super().__init__(parent)
        self.guard = guard
        self.state: SharedFileState | None = None
        self.setAccessibleName(_("Andere pc's in dit databasebestand"))
        self.setContentsMargins(8, 0, 8, 0)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.hide()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        if guard is not None:
            self.timer.start()
        self.refresh()

    def set_guard(self, guard: SharedFileGuard | None) -> None:
        """Another database was opened (or the office server is used): follow its guard, or none."""
        self.guard = guard
        if guard is None:
            self.timer.stop()
        elif not self.timer.isActive():
            self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        state = self.guard.state(refresh=False) if self.guard is not None else None
        if state == self.state:
            return
        before, self.state = self.state, state
        if state is None or not state.message:
            self.clear()
            self.setToolTip("")
            self.hide()
        else:
            text = html.escape(state.message)
            if not state.may_write:
                text = f"<span style='color:{REFUSED_COLOUR}'><b>{text}</b></span>"
            self.setText(text)
            self.setToolTip(html.escape(state.details).replace("\n", "<br>"))
            self.show()
        if (before is None) != (state is None) or (before is not None and state is not None and (
                before.message, before.may_write) != (state.message, state.may_write)):
            self.state_changed.emit(state)
