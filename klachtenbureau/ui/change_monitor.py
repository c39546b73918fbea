"""One watch on the shared database per session, off the UI thread: the views subscribe to it.

Every few seconds a thread of its own asks the database whether anything
changed (``workflow.offline.changes.ChangeWatcher``: one cheap read) and, when it did,
``changed`` reaches the UI thread; each view then re-reads what it shows. A
database that cannot be reached is told through ``failed`` with the typed
error and asked again at the next tick. The thread runs while at least one
view watches; a bug in it reaches the crash dialog (``threading.excepthook``).
A write of this desk is told at once (``announce``).
"""

from __future__ import annotations

import threading
import weakref

from PySide6.QtCore import QObject, Signal

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.workflow.offline.changes import ChangeWatcher

INTERVAL_MS = 2000

_running: weakref.WeakSet[ChangeMonitor] = weakref.WeakSet()


def stop_all() -> None:
    """Stop every watch (the application quits; a test ends)."""
    for monitor in list(_running):
        monitor.stop()


class ChangeMonitor(QObject):
    changed = Signal()  # someone (anyone) committed a change since the previous tick
    failed = Signal(object)  # the typed KlachtenbureauError of a tick that could not ask

    def __init__(self, database_url: str, interval_ms: int = INTERVAL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.database_url = database_url
        self.interval_ms = interval_ms
        self._watchers: set[int] = set()
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def watch(self, view: QObject) -> None:
        """Keep the watch going while ``view`` exists (or until ``unwatch``)."""
        key = id(view)
        if key not in self._watchers:
            self._watchers.add(key)
            view.destroyed.connect(lambda _obj=None, k=key: self._release(k))
        if self._thread is None:
            self._start()

    def unwatch(self, view: QObject) -> None:
        self._release(id(view))

    def announce(self) -> None:
        """This desk wrote something (ui/operations.write), or met a colleague's change first: views re-read now.

        The next tick sees it as well and tells it once more; skipping that could hide a colleague's
        write that came in between.
        """
        self.changed.emit()

    def _release(self, key: int) -> None:
        self._watchers.discard(key)
        if not self._watchers:
            self.stop()

    def _start(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name="wijzigingen", daemon=True)
        self._thread.start()
        _running.add(self)

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        self._stop = self._thread = None
        _running.discard(self)

    def _run(self, stop: threading.Event) -> None:
        watcher: ChangeWatcher | None = None
        unknown = False  # the views have just read what they show; after a failed tick nobody knows
        try:
            while True:
                changed = False
                try:
                    if watcher is None:
                        watcher = ChangeWatcher(self.database_url)
                        changed = unknown
                    else:
                        changed = watcher.changed()
                except KlachtenbureauError as exc:
                    watcher, unknown = None, True
                    if not stop.is_set():
                        self.failed.emit(exc)
                if changed and not stop.is_set():
                    self.changed.emit()
                if stop.wait(self.interval_ms / 1000):
                    return
        finally:
            if watcher is not None:
                watcher.close()
