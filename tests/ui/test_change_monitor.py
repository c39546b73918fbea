"""One watch per session, off the UI thread: what another PC saves reaches every view that subscribed."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QWidget

from klachtenbureau.errors import DatabaseUnavailableError
from klachtenbureau.ui.change_monitor import ChangeMonitor
from tests.ui.other_pc import run_on_other_pc


def test_a_commit_elsewhere_is_told_from_the_watch_thread(qtbot, sqlite_db, staff):
    monitor = ChangeMonitor(sqlite_db, interval_ms=50)
    view = QWidget()
    qtbot.addWidget(view)
    threads = []
    monitor.changed.connect(lambda: threads.append(threading.current_thread()))
    monitor.watch(view)
    assert monitor.running
    with qtbot.waitSignal(monitor.changed, timeout=10_000):
        run_on_other_pc(sqlite_db, "from klachtenbureau.workflow import settings\n"
                                   "settings.put(user('admin'), 'retention_years', 4)")
    assert threads == [threading.main_thread()]  # the slot runs on the UI thread
    monitor.unwatch(view)
    assert not monitor.running


def test_the_watch_stops_with_the_last_view_that_watched(qtbot, sqlite_db):
    monitor = ChangeMonitor(sqlite_db, interval_ms=50)
    first, second = QWidget(), QWidget()
    monitor.watch(first)
    monitor.watch(second)
    first.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(first))
    assert monitor.running
    monitor.unwatch(second)
    assert not monitor.running
    second.deleteLater()


def test_an_unreachable_database_is_a_typed_problem_not_a_crash(qtbot, tmp_path):
    monitor = ChangeMonitor(f"sqlite:///{(tmp_path / 'weg' / 'klachten.db').as_posix()}", interval_ms=50)
    view = QWidget()
    qtbot.addWidget(view)
    with qtbot.waitSignal(monitor.failed, timeout=10_000) as told:
        monitor.watch(view)
    assert isinstance(told.args[0], DatabaseUnavailableError) and "niet bereikbaar" in told.args[0].message
    monitor.stop()
