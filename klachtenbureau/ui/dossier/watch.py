"""Keeping the dossier window up with changes made elsewhere: by a colleague, or by this PC's queue being sent.

When the session's watch (ui/change_monitor.py) tells that someone saved
something, the complaint's stamp is read off the UI thread (ui/operations.py)
and compared with the one the window loaded. A changed complaint is reloaded;
while the registration holds unsaved changes, a bar says so instead and offers
to reload keeping the input. Nothing is reloaded from under an open dialog of
the window: the check is made again a moment later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog

from klachtenbureau.i18n import _
from klachtenbureau.ui import operations
from klachtenbureau.ui.widgets import MessageBar
from klachtenbureau.workflow import dossier_data

if TYPE_CHECKING:
    from klachtenbureau.ui.dossier_window import DossierWindow

RECHECK_MS = 1000


class ChangeWatch(QObject):
    """Reloads ``window`` when its complaint changed elsewhere, or warns in ``changed_bar`` about unsaved edits."""

    def __init__(self, window: DossierWindow):
        super().__init__(window)
        self.window = window
        self.stamp: tuple[int, int] | None = None  # of the complaint as the window shows it
        self.changed_bar = MessageBar()  # a colleague saved while the registration holds unsaved changes
        self._checking = False  # a stamp is being read off the UI thread
        self._check_later = QTimer(self, singleShot=True, interval=RECHECK_MS)  # after a dialog of this window
        self._check_later.timeout.connect(self.check)
        window.connection.queue_changed.connect(self._queue_changed)

    def start(self) -> None:
        self.window.session.changes.changed.connect(self.check)
        self.window.session.changes.watch(self.window)

    def stop(self) -> None:
        self.window.session.changes.unwatch(self.window)
        self._check_later.stop()

    def dialog_open(self) -> bool:
        """A dialog of the window is open: reloading now would pull the complaint from under it."""
        return any(isinstance(child, QDialog) and child.isVisible() for child in self.window.children())

    def _queue_changed(self) -> None:
        """Writes waiting on this PC were sent: show the complaint as it now is."""
        if self.window.dossier is not None and not self.dialog_open():
            self.window.reload()

    def check(self) -> None:
        """Someone saved something: read this complaint's stamp off the UI thread and compare."""
        if self.window.dossier is None or self._checking:
            return
        if self.dialog_open():
            self._check_later.start()  # reloading now would pull the complaint from under the dialog
            return
        self._checking = True
        complaint_id = self.window.complaint_id
        # Out of reach: the session's connection says so and the main window reconnects; the next change is
        # checked again. Another problem shows at the next reload.
        operations.query(self.window, lambda: dossier_data.stamp(complaint_id), self._compare_stamp,
                         lambda _problem: None, session=self.window.session,
                         always=lambda: setattr(self, "_checking", False))

    def _compare_stamp(self, stamp: tuple[int, int] | None) -> None:
        if self.window.dossier is None or stamp == self.stamp:
            return
        if self.dialog_open():
            self._check_later.start()
            return
        if self.window.form.has_unsaved_changes():
            self.changed_meanwhile(stamp)
        else:
            self.window.load()  # off the UI thread

    def changed_meanwhile(self, stamp: tuple[int, int] | None) -> None:
        """The complaint changed while the registration holds unsaved changes: say so, reload only when asked."""
        self.stamp = stamp
        self.changed_bar.show_message(_("Iemand anders heeft deze klacht intussen gewijzigd. Uw wijzigingen zijn "
                                        "nog niet opgeslagen."), "warning",
                                      [(_("Opnieuw laden"), self._reload_keeping_input)])

    def _reload_keeping_input(self) -> None:
        form = self.window.form
        changed = form.changed_fields()
        text = form.describe(changed)
        self.window.reload()
        if changed:
            form.keep(changed, text)
