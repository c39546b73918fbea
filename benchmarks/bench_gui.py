"""The desk itself, offscreen: what the user waits for from a click, a search, a colleague's save and opening a
dossier until the result is painted, and how long the UI thread is blocked meanwhile.

A colleague's save reaches the inbox as the session watch's ``changed`` signal; the view then re-reads what it
shows. A click on a filter and the end of the typing pause make the view read too. The figures:

* ``gui_click_<filter>_painted``: from the click on the filter (coming from another one) to its rows and counts
  painted; ``gui_search_painted``: the same for a search after the typing pause, on "Alle".
* ``gui_change_<filter>_ui_blocked``: the longest time the UI thread could not handle an event, from a colleague's
  save until the refreshed rows are painted — a timer ticks every 2 ms on the UI thread and the longest gap between
  ticks is the figure (so the worker's hold on the GIL counts too).
* ``gui_change_<filter>_painted``: from the signal to the refreshed rows painted, timed in a reaction of its own
  without the ticks (they compete with the worker for the GIL and would lengthen it).

For comparison, as it was before issue 19: ``gui_change_sync_*`` is the reaction with ids, counts and the rows of
the first screen read on the UI thread, and ``gui_dossier_sync_reload`` the same dossier read and drawn on the UI
thread, as the window filled itself when it opened. The inbox shows Open, "Alle" and "Te laat", at 1366×768.
Nothing is written: the data need not change for the reading to be timed.
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


def _painted_after(app: QApplication, view, beat: _Heartbeat | None, act,
                   settled: list[float] | None = None) -> tuple[float, float]:
    """(ms from ``act()`` until the rows it brings are painted, longest UI stall in between when ``beat``);
    ``settled`` gets the ms until what follows the paint is read too (the rest of the ids, a search's counts)."""
    painted: list[float] = []
    arrived = view._arrived

    def arrive(*args) -> None:
        arrived(*args)
        view.table.viewport().repaint()
        painted.append(time.perf_counter())

    view._arrived = arrive  # the view's own swap, then the paint it asks for
    try:
        started = beat.start() if beat else time.perf_counter()
        act()
        _wait(app, lambda: bool(painted) and not view.reading)
        if settled is not None:
            settled.append((time.perf_counter() - started) * 1000)
        if beat:
            beat.stop()
    finally:
        del view._arrived
    return (painted[-1] - started) * 1000, beat.longest_ms if beat else 0.0


def _inbox(app: QApplication, view, filter_code: str, repeat: int) -> dict[str, list[float]]:
    """A colleague's save, a click on the filter, and the same reaction read on the UI thread (before issue 19)."""
    from klachtenbureau.ui.inbox_view import InboxView

    assert isinstance(view, InboxView)
    row = list(inbox.FILTERS).index(filter_code)
    other = list(inbox.FILTERS).index("mine" if filter_code != "mine" else "open")
    view.filters.setCurrentRow(row)
    _wait(app, lambda: not view.reading)
    beat = _Heartbeat()
    names = [f"gui_change_{filter_code}_{kind}" for kind in ("ui_blocked", "painted")] + [
        f"gui_click_{filter_code}_painted", f"gui_change_sync_{filter_code}_ui_blocked"]
    figures: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat + 1):  # the first round warms the caches
        _painted, blocked = _painted_after(app, view, beat, view.session.changes.changed.emit)
        painted, _blocked = _painted_after(app, view, None, view.session.changes.changed.emit)  # without the ticks,
        # which compete with the worker for the GIL
        view.filters.setCurrentRow(other)
        _wait(app, lambda: not view.reading)
        clicked, _blocked = _painted_after(app, view, None, lambda: view.filters.setCurrentRow(row))

        beat.start()  # the reaction before issue 19, all on the UI thread
        state = view._remember()
        if view.model.refresh():
            view._restore(state)
        query, user = view.model.query, view.session.user
        view._show_counts(inbox.counts(user, query), inbox.category_counts(user, query),
                          inbox.channel_counts(user, query))
        view.table.viewport().repaint()
        app.processEvents()
        beat.stop()
        if round_:
            figures[f"gui_change_{filter_code}_ui_blocked"].append(blocked)
            figures[f"gui_change_{filter_code}_painted"].append(painted)
            figures[f"gui_click_{filter_code}_painted"].append(clicked)
            figures[f"gui_change_sync_{filter_code}_ui_blocked"].append(beat.longest_ms)
    return figures


def _search(app: QApplication, view, words: list[str]) -> dict[str, list[float]]:
    """From the end of the typing pause (the view applies the search) until the rows found are painted, and until
    its counts (read after the paint) are shown too."""
    figures: dict[str, list[float]] = {"gui_search_painted": [], "gui_search_counted": []}
    view.filters.setCurrentRow(list(inbox.FILTERS).index("all"))
    _wait(app, lambda: not view.reading)
    for round_, word in enumerate(words):
        view.search.setText(word)
        settled: list[float] = []
        painted, _blocked = _painted_after(app, view, None, view._apply_query, settled)
        if round_:
            figures["gui_search_painted"].append(painted)
            figures["gui_search_counted"].append(settled[0])
    view.search.clear()
    view._apply_query()
    _wait(app, lambda: not view.reading)
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
    _wait(app, lambda: not view.reading)
    for filter_code in ("open", "all", "overdue"):
        figures.update(_inbox(app, view, filter_code, repeat))
    figures.update(_search(app, view, ["jansen", "rolstoel", "voicemail", "koffie pauze", "taxi", "theater",
                                       "bakker", "rit", "pauze", "chauffeur"][:repeat + 1]))
    figures.update(_dossiers(app, session, repeat))
    view.close()
    return figures
