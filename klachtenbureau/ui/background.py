"""Database work off the UI thread, with success and failure callbacks on the UI thread.

The views go through ui/operations.py, which adds the one failure policy.
The work function must not touch widgets; peewee opens a connection per
thread, so the worker has its own connection to the same database.

Python's cycle collector runs in whichever thread happens to allocate when it
is due. If that is a worker and the garbage holds a widget's wrapper, Qt
deletes the widget from the wrong thread and the desk crashes (seen as a
segfault in ``runDeletionInMainThread``). So the application collects only
on the UI thread, on a timer (``collect_garbage_on_ui_thread``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal

from klachtenbureau.models import database


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any]):
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # handed to the UI thread, which decides what the user sees
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            if database.db.obj is not None and not database.db.obj.is_closed():
                database.db.obj.close()  # this thread's connection only


_alive: set[_Signals] = set()  # signals wait here until their queued callback has run


def run_in_background(work: Callable[[], Any], on_success: Callable[[Any], None],
                      on_failure: Callable[[BaseException], None]) -> None:
    """Run ``work`` on the thread pool; the callbacks run on the UI thread."""
    job = _Job(work)
    signals = job.signals
    _alive.add(signals)

    def done(callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            _alive.discard(signals)
            callback(value)
        return call

    signals.succeeded.connect(done(on_success))
    signals.failed.connect(done(on_failure))
    QThreadPool.globalInstance().start(job)


GARBAGE_INTERVAL_MS = 500
_collector: list[QTimer] = []  # the one timer, once started


def collect_garbage_on_ui_thread(app: QCoreApplication) -> QTimer:
    """Switch off automatic cycle collection and do it on the UI thread instead, twice a second."""
    gc.disable()
    if _collector:
        return _collector[0]
    limits = gc.get_threshold()

    def collect() -> None:
        # The young generation every time (cheap); an older one once enough has moved into it, as Python would.
        counts = gc.get_count()
        generation = 2 if counts[2] > limits[2] else 1 if counts[1] > limits[1] else 0
        gc.collect(generation)

    timer = QTimer(app, interval=GARBAGE_INTERVAL_MS)
    timer.timeout.connect(collect)
    timer.start()
    _collector.append(timer)
    return timer
