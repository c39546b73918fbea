"""Garbage with widgets in it is collected on the UI thread, never in a worker (ui/background.py)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QThreadPool

from klachtenbureau.ui.background import run_in_background


class _Cycle:
    """Garbage only the cycle collector can free; notes the thread that freed it."""

    freed_in: list[str] = []

    def __init__(self):
        self.me = self

    def __del__(self):
        _Cycle.freed_in.append(threading.current_thread().name)


def test_cyclic_garbage_is_freed_on_the_ui_thread_even_when_a_worker_allocates_a_lot(qtbot):
    assert not gc.isenabled()  # the fixture did what ui/app.py does
    _Cycle.freed_in.clear()
    for _ in range(50):
        _Cycle()
    results = []

    def allocate() -> int:  # far past every collection threshold, in a worker thread
        return len([[object()] for _ in range(200_000)])

    run_in_background(allocate, results.append, lambda exc: results.append(exc))
    qtbot.waitUntil(lambda: results == [200_000], timeout=10_000)
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.waitUntil(lambda: len(_Cycle.freed_in) == 50, timeout=10_000)
    assert set(_Cycle.freed_in) == {threading.main_thread().name}
