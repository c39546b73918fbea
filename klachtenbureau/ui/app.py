"""Starting the GUI: the database (set up on a first start), signing in, the main window.

``klachtenbureau --demo`` opens the default database filled with demo data,
signed in as the coordinator Petra, without a single question.
``klachtenbureau --db URL --user LOGIN`` skips the choice of database and name.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from klachtenbureau import config
from klachtenbureau.errors import DatabaseCorruptError, KlachtenbureauError
from klachtenbureau.i18n import _, ngettext
from klachtenbureau.models import User
from klachtenbureau.models.database import sqlite_path
from klachtenbureau.ui import change_monitor, crash, language, operations, platform_check
from klachtenbureau.ui.background import collect_garbage_on_ui_thread
from klachtenbureau.ui.first_run import DatabaseDialog, SetUpDialog
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.signin import sign_in
from klachtenbureau.workflow import admin, demo, recovery
from klachtenbureau.workflow.offline import local_copies
from klachtenbureau.workflow.upkeep import backups, store
from klachtenbureau.workflow.shared_file import SharedFileGuard

DEMO_COMPLAINTS = 300
DEMO_LOGIN = "petra"
ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "klachtenbureau.png"
# Where the keyboard is must show at once, also before the first Tab: Qt's own styles draw the focus of a radio
# button or check box only after a Tab, and of a combo box hardly at all. The transparent border keeps the size.
STYLE = """
QRadioButton, QCheckBox { border: 1px solid transparent; border-radius: 3px; padding: 1px 4px 1px 2px; }
QRadioButton:focus, QCheckBox:focus { border-color: #1a5fb4; background: #e3eefb; }
QComboBox:focus { border: 2px solid #1a5fb4; border-radius: 3px; }
"""


def _first_start(explicit: str | None) -> bool:
    """Nothing tells which database to use, and the default one is not there yet."""
    if explicit or os.environ.get("KLACHTENBUREAU_DB") or config.load().database_url:
        return False
    default = sqlite_path(config.default_database_url())
    return default is None or not default.exists()


def _fill_demo() -> None:
    """Demo data on an empty database, with a progress window (it takes a few seconds)."""
    if not store.has_complaints():
        progress = QProgressDialog(_("Voorbeeldgegevens maken…"), "", 0, DEMO_COMPLAINTS)
        progress.setWindowTitle("Klachtenbureau")
        progress.setCancelButton(None)
        progress.setMinimumDuration(0)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)

        def step(made: int) -> None:
            progress.setValue(made)
            QApplication.processEvents()

        demo.generate(DEMO_COMPLAINTS, seed=1, progress=step)
        progress.close()
    demo.ensure_users()


def _open(url: str) -> tuple[str, str] | None:
    """Open ``url`` (or the office's shared folder); when that fails, say why and let the user try again,
    choose another, or recover a damaged file. Returns the URL opened and what to remember; None: give up."""
    while True:
        try:
            return store.open_office_database(url)
        except KlachtenbureauError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Klachtenbureau", exc.message)
            again = box.addButton(_("&Opnieuw proberen"), QMessageBox.ButtonRole.AcceptRole)
            other = box.addButton(_("&Andere database kiezen…"), QMessageBox.ButtonRole.ActionRole)
            repair = None
            if isinstance(exc, DatabaseCorruptError) and sqlite_path(url) is not None:
                repair = box.addButton(_("&Herstellen (beheerder)…"), QMessageBox.ButtonRole.ActionRole)
            box.addButton(_("Afsluiten"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is other:
                dialog = DatabaseDialog(url, open_now=True)
                if dialog.exec():
                    return dialog.url, dialog.remember
            elif repair is not None and box.clickedButton() is repair:
                _recover(url)
            elif box.clickedButton() is not again:
                return None


def _recover(url: str) -> None:
    """``klachtenbureau db recover`` from the desk, before anyone signs in (nothing else has the file open)."""
    if QMessageBox.question(None, _("Database herstellen"), _(
            "De laatste goede reservekopie wordt teruggezet; daarna voegt Klachtenbureau weer toe wat deze computer "
            "sindsdien heeft opgeslagen. Het beschadigde bestand blijft bewaard. Laat eerst iedereen Klachtenbureau "
            "afsluiten. Doorgaan?")) != QMessageBox.StandardButton.Yes:
        return
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = recovery.recover(url)
    except KlachtenbureauError as exc:
        QMessageBox.warning(None, _("Database herstellen"), exc.message)
        return
    finally:
        QApplication.restoreOverrideCursor()
    lines = [_("Reservekopie {backup} teruggezet.").format(backup=result.backup.name) if result.backup is not None
             else _("Alleen de indexen waren beschadigd; ze zijn opnieuw opgebouwd. Er is niets verloren."),
             *(done.message() for done in result.recheck.reapplied),
             _("De andere computers voegen hun eigen wijzigingen van na de reservekopie toe zodra Klachtenbureau "
               "daar weer draait.")]
    QMessageBox.information(None, _("Database herstellen"), "\n\n".join(lines))


def start_desk(args: argparse.Namespace, url: str | None = None) -> MainWindow | None:
    """Everything up to a shown main window; None when the user stopped on the way."""
    explicit = url or args.db
    user: User | None = None
    login = args.user
    try:
        if args.demo:
            url = config.database_url(explicit) if explicit else config.default_database_url()
            path = sqlite_path(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            store.open_database(url, create=True)
            remember = url
            _fill_demo()
            login = args.user or DEMO_LOGIN  # signs in like anyone: the demo's counsellor gives demo.DEMO_PASSWORD
        elif _first_start(explicit):
            dialog = DatabaseDialog(open_now=True)
            if not dialog.exec():
                return None
            url, remember = dialog.url, dialog.remember
        else:
            opened = _open(config.database_url(explicit))
            if opened is None:
                return None
            url, remember = opened
    except (KlachtenbureauError, OSError) as exc:
        QMessageBox.critical(None, "Klachtenbureau", getattr(exc, "message", None) or str(exc))
        return None
    if user is None and not admin.has_sign_in_users():
        setup = SetUpDialog()
        if not setup.exec():
            return None
        user = setup.admin
    if user is None:
        user = sign_in(login)
        if user is None:
            return None
    config.update(database_url=remember)
    guard = SharedFileGuard(url)  # does nothing on the office server
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        guard.start()  # announces this PC; with another PC active, the two check their locks (a few seconds)
    finally:
        QApplication.restoreOverrideCursor()
    window = MainWindow(Session(user, url, remember, shared_file=guard))
    window.show()
    # Opening looked only at the top of the file (store._look_over): every page is checked here, off the UI thread.
    # Then the first start of the day (on any PC) makes the day's checked copy of the shared file.
    operations.query(window, _check_and_copy, lambda _copy: None, lambda problem: _check_failed(window, problem))
    # What was anonymised since (on any PC) leaves this PC's drafts, queue and outbox too.
    operations.query(window, local_copies.clean, lambda cleaned: _cleaned(window, cleaned),
                     lambda problem: window.statusBar().showMessage(problem.message))
    return window


def _check_and_copy() -> Path | None:
    store.check_after_start()
    return backups.daily_backup()


def _check_failed(window: MainWindow, problem: KlachtenbureauError) -> None:
    """Damage stays in view at the top of the window, with what to do; a copy that failed is a line below."""
    if isinstance(problem, DatabaseCorruptError):
        window.connection_bar.show_message(problem.message, "error")
    else:
        window.statusBar().showMessage(_("De dagelijkse reservekopie is niet gelukt: {reason}").format(
            reason=problem.message))


def _cleaned(window: MainWindow, cleaned: local_copies.Cleaned) -> None:
    if cleaned.writes:
        window.statusBar().showMessage(ngettext(
            "{n} wachtende wijziging op deze computer is verwijderd: de klacht is geanonimiseerd of ouder dan de "
            "bewaartermijn.", "{n} wachtende wijzigingen op deze computer zijn verwijderd: de klachten zijn "
            "geanonimiseerd of ouder dan de bewaartermijn.", len(cleaned.writes)).format(n=len(cleaned.writes)))


def run_gui(args: argparse.Namespace) -> int:
    missing = platform_check.problem()
    if missing is not None and QApplication.instance() is None:  # Qt would abort the process without a word
        print(missing, file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Klachtenbureau")
    app.setWindowIcon(QIcon(str(ICON)))
    app.setStyleSheet(STYLE)
    language.install(app)  # before the first window: our strings, Qt's dialogs and date fields in one language
    crash.install(app)
    collect_garbage_on_ui_thread(app)  # never in a worker thread: that deletes widgets from the wrong thread
    app.aboutToQuit.connect(change_monitor.stop_all)  # also when the desk ends without its main window closing
    url: str | None = None
    while True:
        window = start_desk(args, url)
        if window is None:
            return 0
        switch: list[str] = []

        def switch_to(chosen: str, window: MainWindow = window, switch: list[str] = switch) -> None:
            switch.append(chosen)
            window.close()

        window.switch_database_requested.connect(switch_to)
        result = app.exec()
        if not switch:
            return result
        # Start again on the chosen database: a new sign-in, no demo, no --user.
        url = switch[0]
        args = argparse.Namespace(**{**vars(args), "demo": False, "user": None, "db": url})
