"""One failure policy for work off the UI thread (ui/operations.py): typed problems where the caller says,
a database out of reach also to the session's connection, bugs to the crash dialog, writes announced."""

from __future__ import annotations

import logging
import sqlite3
import threading

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QMessageBox, QWidget

from klachtenbureau import logs
from klachtenbureau.errors import DatabaseUnavailableError, ValidationError
from klachtenbureau.ui import operations
from klachtenbureau.ui.crash import CrashDialog, CrashHandler
from klachtenbureau.ui.widgets import MessageBar
from klachtenbureau.workflow import settings


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def crash_handler(qapp):
    path = logs.setup()
    handler = CrashHandler()
    handler.install()
    yield handler
    handler.uninstall()
    for widget in qapp.topLevelWidgets():
        if isinstance(widget, (CrashDialog, QMessageBox)):
            widget.close()
    root = logging.getLogger()
    for file_handler in [h for h in root.handlers if getattr(h, "baseFilename", None) == str(path)]:
        root.removeHandler(file_handler)
        file_handler.close()


def test_an_expected_problem_is_shown_in_the_message_bar_the_caller_names(qtbot, parent):
    bar = MessageBar(parent)
    parent.show()

    def work() -> None:
        raise ValidationError({"reason": "Vul een reden in."})

    successes = []
    operations.query(parent, work, successes.append, bar)
    qtbot.waitUntil(bar.isVisible)
    assert bar.text.text() == "Vul een reden in."
    assert successes == []


def test_a_database_that_cannot_be_opened_arrives_typed_and_the_session_goes_offline(qtbot, parent, session,
                                                                                       tmp_path):
    gone = tmp_path / "schijf-weg" / "klachten.db"  # the share's folder vanished

    def work() -> int:
        return sqlite3.connect(str(gone)).execute("SELECT count(*) FROM complaint").fetchone()[0]

    problems = []
    operations.query(parent, work, lambda _n: None, problems.append, session=session)
    qtbot.waitUntil(lambda: problems != [])
    [problem] = problems
    assert isinstance(problem, DatabaseUnavailableError)
    assert "netwerkschijf" in problem.message
    assert not session.connection.online and session.connection.problem is problem


@pytest.mark.expect_log("^Onverwachte fout$")
def test_a_bug_in_the_work_reaches_the_crash_dialog_after_always_has_run(qtbot, parent, crash_handler):
    calls = []

    def work() -> None:
        raise KeyError("status")

    with qtbot.waitSignal(crash_handler.crash_shown, timeout=10_000) as shown:
        operations.query(parent, work, calls.append, calls.append, always=lambda: calls.append("always"))
    assert "KeyError: 'status'" in shown.args[0].text.toPlainText()
    assert "in work" in shown.args[0].text.toPlainText()  # the worker's traceback, for the administrator
    assert calls == ["always"]  # neither success nor failure: a bug is not an expected problem


def test_a_write_whose_window_closed_meanwhile_skips_the_callbacks_but_still_announces(qtbot, session, staff):
    window = QWidget()
    started, go_on = threading.Event(), threading.Event()
    calls = []

    def work() -> object:
        started.set()
        go_on.wait(10)
        return settings.put(staff["admin"], "retention_years", 9)

    operations.write(window, session, work, calls.append, calls.append, always=lambda: calls.append("always"))
    assert started.wait(10)
    window.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))
    with qtbot.waitSignal(session.changes.changed, timeout=10_000):
        go_on.set()
    assert calls == []
    assert settings.get("retention_years") == 9


def test_a_write_announces_one_change_and_a_refused_one_none(qtbot, parent, session, staff):
    announced = []
    session.changes.changed.connect(lambda: announced.append("changed"))
    results, problems = [], []
    operations.write(parent, session, lambda: settings.put(staff["admin"], "retention_years", 6),
                     results.append, problems.append)
    qtbot.waitUntil(lambda: results != [])
    assert announced == ["changed"]

    operations.write(parent, session, lambda: settings.put(staff["sanne"], "retention_years", 2),
                     results.append, problems.append)
    qtbot.waitUntil(lambda: problems != [])
    QThreadPool.globalInstance().waitForDone(10_000)
    assert announced == ["changed"]  # the telephonist may not change settings: nothing written, nothing told
    assert settings.get("retention_years") == 6
