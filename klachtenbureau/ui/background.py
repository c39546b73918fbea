"""Database work off the UI thread, with success and failure callbacks on the UI thread.

The work function must not touch widgets; peewee opens a connection per
thread, so the worker has its own connection to the same database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

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
