"""A bug opens the crash dialog (details, copy button, log file); an expected problem is a plain message."""

from __future__ import annotations

import logging
import sqlite3
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from klachtenbureau import logs
from klachtenbureau.errors import ValidationError
from klachtenbureau.ui.crash import CrashDialog, CrashHandler


class Form(QWidget):
    """A window with a button whose slot fails, and unsaved input it can keep."""

    def __init__(self, error: Exception):
        super().__init__()
        self.error = error
        self.kept: list[str] = []
        self.typed = "de klager belde over de bus"
        self.button = QPushButton("Opslaan", self)
        self.button.clicked.connect(self.fail)

    def fail(self) -> None:
        raise self.error

    def save_unsaved_work(self) -> bool:
        self.kept.append(self.typed)
        return True


@pytest.fixture
def log_path():
    path = logs.setup()
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "baseFilename", None) == str(path)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def handler(qapp, log_path):
    handler = CrashHandler()
    handler.install()
    yield handler
    handler.uninstall()
    for widget in qapp.topLevelWidgets():
        if isinstance(widget, (CrashDialog, QMessageBox)):
            widget.close()


@pytest.fixture
def form(qtbot, request):
    form = Form(request.param)
    qtbot.addWidget(form)
    form.show()
    return form


def click_while_running(qtbot, button) -> None:
    """Click from inside an event loop, as in the running desk (not from the test's own call stack)."""
    QTimer.singleShot(0, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))


@pytest.mark.expect_log("^Onverwachte fout$")
@pytest.mark.parametrize("form", [ZeroDivisionError("division by zero in the inbox")], indirect=True)
def test_a_bug_in_a_slot_opens_the_crash_dialog_with_the_log_file_and_keeps_the_input(qtbot, handler, form, log_path):
    with qtbot.waitSignal(handler.crash_shown) as shown:
        click_while_running(qtbot, form.button)
    dialog = shown.args[0]
    assert isinstance(dialog, CrashDialog)
    assert dialog.isVisible()
    assert str(log_path) in dialog.log_label.text()
    assert "ZeroDivisionError: division by zero in the inbox" in dialog.text.toPlainText()
    assert "bewaard" in dialog.message.text()
    assert form.kept == ["de klager belde over de bus"]
    logged = log_path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "in fail" in logged and "ZeroDivisionError: division by zero in the inbox" in logged

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.details
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert form.isVisible()


@pytest.mark.parametrize("form", [ValidationError({"postcode": "Vul een geldige postcode in, zoals 1234 AB."})],
                         indirect=True)
@pytest.mark.expect_log("^Melding aan de gebruiker: ")
def test_an_expected_problem_is_a_plain_message_without_crash_dialog(qtbot, qapp, handler, form, log_path):
    crashes = []
    handler.crash_shown.connect(crashes.append)
    with qtbot.waitSignal(handler.problem_shown) as shown:
        click_while_running(qtbot, form.button)
    box = shown.args[0]
    assert isinstance(box, QMessageBox)
    assert box.text() == "Vul een geldige postcode in, zoals 1234 AB."
    assert crashes == []
    assert not any(isinstance(w, CrashDialog) for w in qapp.topLevelWidgets())
    assert form.kept == []
    assert "Traceback" not in log_path.read_text(encoding="utf-8")
    box.accept()


@pytest.mark.expect_log("^Onverwachte fout$")
def test_a_bug_in_a_background_thread_is_reported_on_the_ui_thread(qtbot, handler, log_path):
    def work() -> None:
        raise KeyError("status")

    with qtbot.waitSignal(handler.crash_shown) as shown:
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    dialog = shown.args[0]
    assert "KeyError: 'status'" in dialog.text.toPlainText()
    assert "in work" in log_path.read_text(encoding="utf-8")


@pytest.mark.expect_log("^Onverwachte fout$")
@pytest.mark.parametrize("form", [RuntimeError("first")], indirect=True)
def test_a_second_bug_while_the_dialog_is_open_only_goes_to_the_log(qtbot, qapp, handler, form, log_path):
    with qtbot.waitSignal(handler.crash_shown):
        click_while_running(qtbot, form.button)
    form.error = RuntimeError("second")
    crashes = []
    handler.crash_shown.connect(crashes.append)
    handler.report(RuntimeError, form.error, None)
    assert crashes == []
    assert sum(isinstance(w, CrashDialog) and w.isVisible() for w in qapp.topLevelWidgets()) == 1
    assert "RuntimeError: second" in log_path.read_text(encoding="utf-8")


@pytest.mark.expect_log("^Onverwachte fout$")
def test_the_main_window_keeps_the_unfinished_intake_when_a_bug_is_reported(qtbot, handler, session):
    from klachtenbureau.ui.main_window import MainWindow
    from klachtenbureau.workflow.offline import drafts

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.save_unsaved_work() is False  # nothing typed yet
    received = window.intake.pages[0].received
    received.clear()
    qtbot.keyClicks(received, "gisteren")
    with qtbot.waitSignal(handler.crash_shown) as shown:
        QTimer.singleShot(0, lambda: handler.report(AttributeError, AttributeError("inbox"), None))
    assert "bewaard" in shown.args[0].message.text()
    kept = drafts.list_drafts(session.database_url)
    assert [draft.fields["received_at"] for draft in kept] == ["gisteren"]


@pytest.mark.expect_log("^Melding aan de gebruiker: ")
@pytest.mark.parametrize("form", [sqlite3.OperationalError("disk I/O error")], indirect=True)
def test_a_lost_network_drive_surfacing_as_a_database_error_is_a_plain_message(qtbot, qapp, handler, form, log_path):
    crashes = []
    handler.crash_shown.connect(crashes.append)
    with qtbot.waitSignal(handler.problem_shown) as shown:
        click_while_running(qtbot, form.button)
    assert "netwerkschijf" in shown.args[0].text()
    assert crashes == []
    assert "sqlite3.OperationalError: disk I/O error" in log_path.read_text(encoding="utf-8")
    shown.args[0].accept()
