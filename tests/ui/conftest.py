"""GUI fixtures: a signed-in session on a real SQLite file, and a keyboard that counts its presses."""

from __future__ import annotations

import gc

import pytest

from klachtenbureau.ui import change_monitor
from klachtenbureau.ui.background import collect_garbage_on_ui_thread
from klachtenbureau.ui.session import Session
from tests.ui.keys import Keyboard, finish_background_work


@pytest.fixture(autouse=True)
def _garbage_on_the_ui_thread(qapp):
    """As the application does (ui/app.py): Python's cycle collector never runs in a worker thread.

    Switched back on after the test, for the tests without an event loop to run the timer.
    """
    collect_garbage_on_ui_thread(qapp)
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _background_work_finished(qapp):
    """Let background database work end inside the test that started it."""
    yield
    change_monitor.stop_all()  # a view the test left open must not watch the next test's database
    finish_background_work()


@pytest.fixture
def session(sqlite_db, staff) -> Session:
    """The telephonist Sanne, signed in."""
    return Session(staff["sanne"], sqlite_db)


@pytest.fixture
def keyboard(qtbot) -> Keyboard:
    return Keyboard(qtbot)
