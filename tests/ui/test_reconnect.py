"""The main window notices the database is back, reconnects, and sends what waited on this PC."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from klachtenbureau.models import Complaint, database
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.upkeep import store
from tests.ui.keys import show
from tests.workflow.test_resilience import share_gone


def test_main_window_reconnects_and_sends_the_waiting_write_once(qtbot, tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    url = f"sqlite:///{(folder / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    petra = store.create_user(store.system_user(), "petra", "Petra Jansen", "coordinator")
    window = show(qtbot, MainWindow(Session(petra, url)))
    payload = write_queue.report_payload(intake.NewReport(description="Tijdens de storing.", anonymous=True))
    with share_gone(folder):
        with pytest.raises(write_queue.WriteQueuedError):
            write_queue.submit(petra, "register", payload, url)
        window.refresh_status()
        qtbot.waitUntil(lambda: "niet bereikbaar" in window.database_label.text(), timeout=10_000)
        QThreadPool.globalInstance().waitForDone(10_000)  # its attempt to reconnect failed: still gone
    assert [w.payload["description"] for w in write_queue.pending(url)] == ["Tijdens de storing."]
    window.refresh_status()
    qtbot.waitUntil(lambda: write_queue.pending(url) == [] and "verbonden" in window.database_label.text(),
                    timeout=10_000)
    assert Complaint.select().where(Complaint.description == "Tijdens de storing.").count() == 1
    database.close()
