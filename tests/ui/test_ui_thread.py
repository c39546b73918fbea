"""No database work on the UI thread while a colleague saves, the desk catches up, and a dossier opens.

Every statement peewee sends goes through ``Database.execute_sql``; the recorder notes the ones sent from the UI
(main) thread. The views read off it (ui/operations.py), so there must be none.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from klachtenbureau.models import database
from klachtenbureau.ui.dossier_window import open_dossier
from klachtenbureau.ui.inbox_model import COLUMNS, InboxModel
from klachtenbureau.ui.inbox_view import InboxView
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from tests.ui.keys import settled, show
from tests.ui.other_pc import run_on_other_pc

HANDLER = [key for key, _label in COLUMNS].index("handler")


@pytest.fixture
def ui_thread_sql(monkeypatch) -> list[str]:
    """The SQL statements sent from the UI thread from now on."""
    sent: list[str] = []
    db = database.db.obj
    execute_sql = db.execute_sql

    def recording(sql, params=None, *args, **kwargs):
        if threading.current_thread() is threading.main_thread():
            sent.append(sql)
        return execute_sql(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", recording)
    return sent


def test_a_colleagues_save_and_opening_a_dossier_send_no_sql_from_the_ui_thread(qtbot, sqlite_db, staff,
                                                                                 ui_thread_sql):
    coordinator = Session(staff["petra"], sqlite_db)
    complaints = [intake.register(staff["sanne"], intake.NewReport(
        description="De taxi kwam niet.", channel="phone", acknowledgement_method="phone",
        relation={"name": f"Klager {i:03d}", "phone": "06 12345678"})) for i in range(InboxModel.PAGE + 30)]
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    view.resize(1200, 500)
    chosen = complaints[110]
    dossier = open_dossier(None, coordinator, chosen.id)
    qtbot.addWidget(dossier)
    qtbot.waitUntil(lambda: not dossier.loading)
    # the second page on screen, one complaint selected: the desk keeps both
    view.table.scrollTo(view.model.index(105, 0), view.table.ScrollHint.PositionAtTop)
    view.table.selectionModel().setCurrentIndex(
        view.model.index(view.model.position_of(chosen.id), 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    view.grab()  # painted: the rows on screen are read
    top = view.model.id_at(view.table.rowAt(0))
    ui_thread_sql.clear()

    run_on_other_pc(sqlite_db, f"""
        procedure.assign(user("ruud"), Complaint.get_by_id({chosen.id}), user("ruud"))
        intake.register(user("sanne"), intake.NewReport(description="Nieuw via de post.", channel="post",
                        relation={{"name": "Anna Post", "phone": "06 87654321"}}))
    """)
    qtbot.waitUntil(lambda: view.model.rowCount() == InboxModel.PAGE + 31, timeout=10_000)
    qtbot.waitUntil(lambda: dossier.dossier.complaint.assigned_to_id == staff["ruud"].id, timeout=10_000)
    view.grab()
    dossier.grab()
    row = view.model.position_of(chosen.id)
    assert view.model.data(view.model.index(row, HANDLER)) == "Ruud Bakker"
    assert [view.model.id_at(i.row()) for i in view.table.selectionModel().selectedRows()] == [chosen.id]
    assert view.model.id_at(view.table.rowAt(0)) == top

    other = open_dossier(None, coordinator, complaints[3].id)
    qtbot.addWidget(other)
    assert other.loading  # shown at once, filled when the dossier arrives
    qtbot.waitUntil(lambda: not other.loading)
    other.grab()
    assert other.title.text().startswith(complaints[3].number)
    assert ui_thread_sql == []


def test_the_inbox_reads_its_first_page_filters_search_sort_and_selection_off_the_ui_thread(qtbot, sqlite_db, staff,
                                                                                           ui_thread_sql):
    from klachtenbureau.workflow import inbox, periods
    from klachtenbureau.workflow.statistics import ComplaintFilter

    coordinator = Session(staff["petra"], sqlite_db)
    for i in range(InboxModel.PAGE + 30):
        intake.register(staff["sanne"], intake.NewReport(
            description="De taxi kwam niet." if i % 3 else "Geen koffie in de pauze.", channel="phone",
            relation={"name": f"Klager {i:03d}", "phone": "06 12345678"}))
    view = InboxView(coordinator)  # reads the categories and whether a mailbox is set up: a few short rows
    ui_thread_sql.clear()
    settled(qtbot, show(qtbot, view))
    view.grab()  # painted: the rows on screen came with the reading
    assert view.model.rowCount() == InboxModel.PAGE + 30

    view.filters.setCurrentRow(list(inbox.FILTERS).index("all"))
    settled(qtbot, view)
    view.grab()
    qtbot.keyClicks(view.search, "koffie")
    qtbot.waitUntil(lambda: view.model.rowCount() == (InboxModel.PAGE + 30 + 2) // 3, timeout=10_000)
    settled(qtbot, view)
    view.grab()
    view.model.sort([key for key, _label in COLUMNS].index("complainant"), Qt.SortOrder.DescendingOrder)
    settled(qtbot, view)
    view.grab()
    assert view.model.data(view.model.index(0, 2)) == "Klager 129"
    view.channel.setCurrentIndex(view.channel.findData("post"))
    settled(qtbot, view)
    assert view.model.rowCount() == 0
    view.show_selection(ComplaintFilter(periods.preset("this_year", dt.date.today()), channel="phone"))
    settled(qtbot, view)
    view.grab()
    assert view.model.rowCount() == InboxModel.PAGE + 30
    assert ui_thread_sql == []
