"""GUI fixtures: a signed-in session on a real SQLite file, and a keyboard that counts its presses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from klachtenbureau.ui.session import Session
from tests.ui.keys import Keyboard


@pytest.fixture(autouse=True)
def _background_work_finished(qapp):
    """Let background database work end inside the test that started it."""
    yield
    QThreadPool.globalInstance().waitForDone(10_000)
    qapp.processEvents()


@pytest.fixture
def session(sqlite_db, staff) -> Session:
    """The telephonist Sanne, signed in."""
    return Session(staff["sanne"], sqlite_db)


@pytest.fixture
def keyboard(qtbot) -> Keyboard:
    return Keyboard(qtbot)
