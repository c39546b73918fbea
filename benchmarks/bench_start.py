"""Cold start: a new process, from its launch to the painted main window, signed in, offscreen.

Goal (issue 19): at most 1.5 s whatever the size of the register. Each start
is a fresh interpreter (``python -m benchmarks.bench_start --child URL LOGIN``)
that goes the desk's own way (``ui.app.run_gui`` with ``--db`` and ``--user``);
only the password dialog is skipped, because that is the user's time. The
figure is wall time in the parent, from launch to the child's report, so the
interpreter, every import, the database opening and the first paint count.
``start_open`` is the part spent in ``store.open_office_database``. ``start_import_desk`` and
``start_import_pdf_stack`` come from ``python -X importtime -c "import klachtenbureau.ui.app"``: the whole
import of the desk, and the own time of ReportLab, pikepdf, pypdfium2, PIL and lxml in it (0 once they load lazily).

The first start of the day also makes the daily copy of the database in a
worker after the window is shown; the child leaves that out (it would write a
copy of the benchmark database at each run) and ends as soon as it has painted.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import Context

ROOT = Path(__file__).resolve().parents[1]
PDF_STACK = ("reportlab", "pikepdf", "pypdfium2", "PIL", "lxml")  # lxml: pikepdf's


def _start(url: str, login: str, home: str, everything: bool = False) -> dict[str, float]:
    started = time.perf_counter()
    child = subprocess.run([sys.executable, "-m", "benchmarks.bench_start", "--child", url, login,
                            *(["--all"] if everything else [])], cwd=ROOT,
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "KLACHTENBUREAU_HOME": home},
                           capture_output=True, text=True, check=True)
    wall = (time.perf_counter() - started) * 1000
    report = json.loads(child.stdout.strip().splitlines()[-1])
    if everything:
        return {"peak_rss_all_mb": report["peak_rss_mb"]}
    return {"start_painted": wall, "start_open": report["open_ms"]}


def _imports() -> dict[str, float]:
    """``python -X importtime -c "import klachtenbureau.ui.app"``: the whole import, and the PDF stack's own share."""
    lines = subprocess.run([sys.executable, "-X", "importtime", "-c", "import klachtenbureau.ui.app"], cwd=ROOT,
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                           check=True).stderr.splitlines()
    figures = {"start_import_desk": 0.0, "start_import_pdf_stack": 0.0}
    for line in lines:
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if name == "klachtenbureau.ui.app":
            figures["start_import_desk"] = int(total) / 1000
        if name.split(".")[0] in PDF_STACK:
            figures["start_import_pdf_stack"] += int(own) / 1000
    return figures


def run(ctx: Context) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as home:  # the desk remembers its database there, not in this PC's settings
        _start(ctx.url, ctx.user.login, home)  # warm the file cache: "cold" is the process, not the disk
        for _ in range(min(ctx.repeat, 7)):
            for name, ms in {**_start(ctx.url, ctx.user.login, home), **_imports()}.items():
                figures.setdefault(name, []).append(ms)
        for _ in range(3):  # memory: the same whatever the run, a few suffice
            for name, mb in _start(ctx.url, ctx.user.login, home, everything=True).items():
                figures.setdefault(name, []).append(mb)
    return figures


def _peak_rss_mb() -> float:
    """This process's peak memory. Not ``ru_maxrss``: Linux carries it over ``execve`` from the process that started
    this one (subprocess forks the benchmark, 480 MB after the GUI figures of a million), where VmHWM is this
    program's own."""
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.exists() else []:
        if line.startswith("VmHWM:"):  # kB
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _child(url: str, login: str, everything: bool) -> None:
    """One start of the desk that reports and ends once its main window has painted; ``everything``: once the inbox
    has then shown "Alle" too, with the peak memory of the process (in the figure, MB, not ms)."""
    import argparse

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from klachtenbureau.models import User
    from klachtenbureau.ui import app as desk
    from klachtenbureau.ui.main_window import MainWindow
    from klachtenbureau.workflow.upkeep import backups, store

    opening: list[float] = []
    open_office_database = store.open_office_database

    def timed_open(target: str) -> tuple[str, str]:
        started = time.perf_counter()
        try:
            return open_office_database(target)
        finally:
            opening.append((time.perf_counter() - started) * 1000)

    store.open_office_database = timed_open
    desk.sign_in = lambda _login: User.get(User.login == login)
    backups.daily_backup = lambda: None

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and isinstance(watched, MainWindow) and not shown:
                shown.append(watched)
                QTimer.singleShot(0, lambda: show_all(watched) if everything else report(watched))  # after this pass
            return False

    def show_all(window: MainWindow) -> None:
        inbox_view = window.inbox
        window.tabs.setCurrentWidget(inbox_view)
        inbox_view.filters.setCurrentRow(inbox_view.filters.count() - 1)  # "Alle"

        def painted_when_read() -> None:
            if inbox_view.reading or inbox_view.model.query.filter != "all":
                QTimer.singleShot(20, painted_when_read)
                return
            inbox_view.table.viewport().repaint()
            report(window)

        QTimer.singleShot(20, painted_when_read)

    def report(window: MainWindow) -> None:
        stack = sorted(name for name in PDF_STACK if name in sys.modules)
        peak = _peak_rss_mb()
        print(json.dumps({"open_ms": sum(opening), "pdf_stack": stack, "peak_rss_mb": peak}), flush=True)
        window.session.shared_file.stop()  # else the next start waits for this "PC" to answer its lock probe
        os._exit(0)  # workers started after the window was shown are not part of the start

    shown: list[MainWindow] = []
    application = QApplication(sys.argv[:1])
    painted = Painted()
    application.installEventFilter(painted)
    desk.run_gui(argparse.Namespace(db=url, user=login, demo=False))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(*sys.argv[2:4], everything=sys.argv[4:5] == ["--all"])
    else:
        raise SystemExit("usage: python -m benchmarks --only start (this module is started by the runner)")
