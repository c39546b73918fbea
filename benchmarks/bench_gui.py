"""The desk itself, offscreen: how long the UI thread is blocked when a colleague saves, and when a dossier opens.

A colleague's save reaches the inbox as the session watch's ``changed`` signal; the view then re-reads what it
shows. Two figures per reaction:

* ``…_ui_blocked``: the longest time the UI thread could not handle an event, from the signal until the refreshed
  rows are painted — a timer ticks every 2 ms on the UI thread and the longest gap between ticks is the figure
  (so the worker's hold on the GIL counts too).
* ``…_painted``: from the signal to the refreshed rows painted, timed in a reaction of its own without the ticks
  (they compete with the worker for the GIL and would lengthen it).

For comparison, as it was before issue 19: ``gui_change_sync_*`` is the reaction with ids, counts and the rows of
the first screen read on the UI thread (``InboxModel.refresh`` + ``_update_counts`` + paint), and
``gui_dossier_sync_reload`` the same dossier read and drawn on the UI thread, as the window filled itself when it
opened. The inbox shows the default filter (Open) and "Alle", at 1366×768. Nothing is written: the data need not
change for the reading to be timed.
"""

from __future__ import annotations

import itertools
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402 (the platform is chosen first)
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks import Context  # noqa: E402
from klachtenbureau.models import Complaint  # noqa: E402
from klachtenbureau.workflow import inbox  # noqa: E402

TICK_MS = 2


class _Heartbeat:
    """Ticks on the UI thread; ``longest()`` is the longest stretch without a tick since ``start()``."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=TICK_MS)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        self.ticks: list[float] = []
        self.longest_ms = 0.0

    def start(self) -> float:
        self.ticks = [time.perf_counter()]
        self.timer.start()
        return self.ticks[0]

    def stop(self) -> float:
        self.timer.stop()
        end = time.perf_counter()
        moments = [*self.ticks, end]
        self.longest_ms = max(b - a for a, b in itertools.pairwise(moments)) * 1000
        return end


def _wait(app: QApplication, done) -> None:
    while not done():
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # sleeps until an event comes


def _inbox(app: QApplication, view, filter_code: str, repeat: int) -> dict[str, list[float]]:
    from klachtenbureau.ui.inbox_view import InboxView

    assert isinstance(view, InboxView)
    view.filters.setCurrentRow(list(inbox.FILTERS).index(filter_code))
    app.processEvents()
    beat = _Heartbeat()
    figures: dict[str, list[float]] = {f"gui_change_{filter_code}_{kind}": [] for kind in ("ui_blocked", "painted")}
    figures.update({f"gui_change_sync_{filter_code}_{kind}": [] for kind in ("ui_blocked", "painted")})
    painted: list[float] = []
    swap = view._refreshed

    def refreshed(*args) -> None:
        swap(*args)
        view.table.viewport().repaint()
        painted.append(time.perf_counter())

    view._refreshed = refreshed  # the view's own swap, then the paint it asks for
    for round_ in range(repeat + 1):  # the first round warms the caches
        painted.clear()
        beat.start()
        view.session.changes.changed.emit()
        _wait(app, lambda: bool(painted))
        beat.stop()
        painted.clear()  # once more without the ticks, which compete with the worker for the GIL
        started = time.perf_counter()
        view.session.changes.changed.emit()
        _wait(app, lambda: bool(painted))
        if round_:
            figures[f"gui_change_{filter_code}_ui_blocked"].append(beat.longest_ms)
            figures[f"gui_change_{filter_code}_painted"].append((painted[0] - started) * 1000)

        started = beat.start()
        state = view._remember()  # the reaction before issue 19, all on the UI thread
        if view.model.refresh():
            view._restore(state)
        view._update_counts()
        view.table.viewport().repaint()
        app.processEvents()
        end = beat.stop()
        if round_:
            figures[f"gui_change_sync_{filter_code}_ui_blocked"].append(beat.longest_ms)
            figures[f"gui_change_sync_{filter_code}_painted"].append((end - started) * 1000)
    del view._refreshed
    return figures


def _dossiers(app: QApplication, session, repeat: int) -> dict[str, list[float]]:
    from klachtenbureau.ui.dossier_window import open_dossier

    # not confidential: opening one of those is logged, and the benchmark writes nothing
    ids = [c.id for c in Complaint.select(Complaint.id).where(~Complaint.confidential)
           .order_by(Complaint.id.desc()).limit(repeat + 1)]
    beat = _Heartbeat()
    figures: dict[str, list[float]] = {"gui_dossier_ui_blocked": [], "gui_dossier_painted": [],
                                       "gui_dossier_sync_reload": []}
    for round_, complaint_id in enumerate(ids):
        started = beat.start()
        window = open_dossier(None, session, complaint_id)
        window.resize(1150, 740)
        _wait(app, lambda w=window: not w.loading)
        window.repaint()
        end = beat.stop()
        again = time.perf_counter()
        window.reload()  # read on the UI thread, as the window was filled when it opened before issue 19
        window.repaint()
        if round_:
            figures["gui_dossier_ui_blocked"].append(beat.longest_ms)
            figures["gui_dossier_painted"].append((end - started) * 1000)
            figures["gui_dossier_sync_reload"].append((time.perf_counter() - again) * 1000)
        window.close()
        app.processEvents()
    return figures


def run(ctx: Context) -> dict[str, list[float]]:
    from klachtenbureau.ui.inbox_view import InboxView
    from klachtenbureau.ui.session import Session

    app = QApplication.instance() or QApplication([])
    session = Session(ctx.user, ctx.url)
    view = InboxView(session)
    session.changes.stop()  # the benchmark says when a colleague saved, not the 2-second watch
    view.resize(1366, 768)
    view.show()
    app.processEvents()
    repeat = min(ctx.repeat, 9)
    figures: dict[str, list[float]] = {}
    for filter_code in ("open", "all"):
        figures.update(_inbox(app, view, filter_code, repeat))
    figures.update(_dossiers(app, session, repeat))
    view.close()
    return figures
