"""What the user sees when an error reaches the top without being handled.

An expected problem (:class:`~klachtenbureau.errors.KlachtenbureauError`: bad
input, a colleague's conflicting change, the database out of reach, also when
it arrives as a raw database error that workflow.db_errors recognises) gets a
plain message with its Dutch text. Anything else is a bug: its traceback goes
to the rotating log file, every open window is asked to keep what the user
typed (see :class:`KeepsUnsavedWork`), and a crash dialog shows what happened,
the path of the log file and a button that copies the details for the
administrator. The desk stays open: the user decides to carry on or to stop.

Installed once at start (``install()``) for exceptions in slots and event
handlers (``sys.excepthook``) and in Python threads (``threading.excepthook``);
a thread's report is passed to the UI thread before any widget is made.
"""

from __future__ import annotations

import datetime as dt
import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Protocol, runtime_checkable

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QObject, Qt, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from klachtenbureau import __version__, logs
from klachtenbureau.i18n import _
from klachtenbureau.workflow import db_errors

log = logging.getLogger(__name__)


@runtime_checkable
class KeepsUnsavedWork(Protocol):
    """A top-level window that can keep what the user typed when the desk has hit a bug."""

    def save_unsaved_work(self) -> bool:
        """Store unsaved input where the next start finds it (a draft on this PC); True if there was any."""


def save_unsaved_work() -> bool:
    """Ask every top-level window to keep its unsaved work; True if any did. A failure here is only logged."""
    saved = False
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, KeepsUnsavedWork):
            try:
                saved = bool(widget.save_unsaved_work()) or saved
            except Exception:  # the crash report must still appear
                log.exception("Onbewaard werk van %s kon niet worden bewaard", type(widget).__name__)
    return saved


def describe(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The details for the administrator: versions, time and the traceback."""
    header = (f"Klachtenbureau {__version__} · Python {platform.python_version()} · PySide6 {pyside_version} · "
              f"{platform.platform()}\n{dt.datetime.now():%Y-%m-%d %H:%M:%S}\n\n")
    return header + "".join(traceback.format_exception(exc_type, exc, tb))


class CrashDialog(QDialog):
    """The details of a bug, a copy button and where the log file is."""

    def __init__(self, details: str, log_path: Path, work_saved: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(_("Klachtenbureau – onverwachte fout"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        text = _("<p><b>Er ging iets mis dat niet had mogen gebeuren.</b> Dit is een fout in Klachtenbureau, "
                 "niet iets wat u verkeerd deed.</p>")
        if work_saved:
            text += _("<p>Wat u aan het invoeren was, is op deze pc bewaard. U krijgt het bij de volgende "
                      "start weer aangeboden.</p>")
        text += _("<p>U kunt doorwerken, of Klachtenbureau afsluiten en opnieuw starten als er meer misgaat. "
                  "Geef de details hieronder aan de beheerder: klik op <i>Kopiëren</i> en plak ze in een "
                  "e-mail. Ze staan ook in het logbestand:</p>")
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.log_label = QLabel(f"<a href='{QUrl.fromLocalFile(str(log_path.parent)).toString()}'>{log_path}</a>")
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.log_label.linkActivated.connect(lambda url: QDesktopServices.openUrl(QUrl(url)))
        self.log_label.setToolTip(_("Open de map met het logbestand"))
        layout.addWidget(self.log_label)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setAccessibleName(_("Details van de fout"))
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(_("&Kopiëren"))
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.quit_button = buttons.addButton(_("&Afsluiten"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.quit_button.clicked.connect(self._quit)
        self.continue_button = buttons.addButton(_("&Doorwerken"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.continue_button.clicked.connect(self.accept)
        self.continue_button.setDefault(True)
        layout.addWidget(buttons)
        self.continue_button.setFocus()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(_("Gekopieerd"))

    def _quit(self) -> None:
        self.accept()
        QApplication.closeAllWindows()
        QApplication.quit()


class CrashHandler(QObject):
    """Reports errors that reached the top; see the module docstring."""

    crash_shown = Signal(object)  # the CrashDialog
    problem_shown = Signal(object)  # the QMessageBox with an expected problem
    _from_thread = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._previous: tuple | None = None
        self._dialog: CrashDialog | None = None
        self._from_thread.connect(self.report, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def _excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if threading.current_thread() is threading.main_thread():
            self.report(exc_type, exc, tb)
        else:
            self._from_thread.emit(exc_type, exc, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            self._from_thread.emit(args.exc_type, args.exc_value, args.exc_traceback)

    def report(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
        elif (expected := db_errors.translate(exc)) is not None:  # also a lost share surfacing as a peewee error
            # A raw database error keeps its traceback in the log, for the administrator.
            log.warning("Melding aan de gebruiker: %s", expected.message,
                        exc_info=None if expected is exc else (exc_type, exc, tb))
            self._show_problem(expected.message)
        else:
            log.error("Onverwachte fout", exc_info=(exc_type, exc, tb))
            if self._dialog is not None:  # one dialog at a time; later errors are in the log file
                return
            self._show_crash(describe(exc_type, exc, tb))

    def _show_problem(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Klachtenbureau", message, QMessageBox.StandardButton.Ok,
                          QApplication.activeWindow())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _present(box)
        self.problem_shown.emit(box)

    def _show_crash(self, details: str) -> None:
        dialog = CrashDialog(details, logs.log_file(), save_unsaved_work(), QApplication.activeWindow())
        self._dialog = dialog
        dialog.finished.connect(self._closed)
        _present(dialog)
        self.crash_shown.emit(dialog)

    def _closed(self) -> None:
        self._dialog = None


def _present(dialog: QDialog) -> None:
    """Modal without a nested event loop when the desk is running; before it runs (at start), wait for the user."""
    if QThread.currentThread().loopLevel() > 0:
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.open()
    else:
        dialog.exec()


_handler: CrashHandler | None = None


def install(app: QApplication) -> CrashHandler:
    """Report unhandled errors of this application from now on (once per process)."""
    global _handler
    if _handler is None:
        _handler = CrashHandler(app)
        _handler.install()
    return _handler
