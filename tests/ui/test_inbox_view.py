"""Tab Postvak: the lazily paged model, opening dossiers, filters and search, and keeping up with other PCs."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt, QThreadPool
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from klachtenbureau.errors import DatabaseUnavailableError
from klachtenbureau.ui.dossier_window import DossierWindow
from klachtenbureau.ui.inbox_model import COLUMNS, InboxModel
from klachtenbureau.ui.inbox_view import InboxView
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import inbox, intake
from klachtenbureau.workflow.inbox import InboxQuery
from tests.ui.keys import settled, show
from tests.ui.other_pc import run_on_other_pc

STATUS = [key for key, _label in COLUMNS].index("status")
COMPLAINANT = [key for key, _label in COLUMNS].index("complainant")


def register(user, name="Els Bos", **overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", channel="post",
                  relation={"name": name, "phone": "06 12345678"})
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def coordinator(sqlite_db, staff) -> Session:
    return Session(staff["petra"], sqlite_db)


def open_dossiers() -> list[DossierWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, DossierWindow) and w.isVisible()]


def double_click(qtbot, view: InboxView, complaint_id: int) -> None:
    """Click, then double-click the row, as a hand does (Qt's test double-click alone is not always seen)."""
    rect = view.table.visualRect(view.model.index(view.model.position_of(complaint_id), COMPLAINANT))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def text(view: InboxView, complaint_id: int, column: int) -> str:
    return view.model.data(view.model.index(view.model.position_of(complaint_id), column))


def test_inbox_model_passes_the_model_tester(qtmodeltester, coordinator, staff):
    for i in range(InboxModel.PAGE + 30):  # more than one page of rows
        register(staff["sanne"], name=f"Klager {i:03d}", anonymous=i % 10 == 0,
                 relation=None if i % 10 == 0 else {"name": f"Klager {i:03d}", "phone": "06 12345678"},
                 channel="website" if i % 10 == 0 else "post")
    model = InboxModel(staff["petra"], InboxQuery(filter="all"))
    assert model.rowCount() == InboxModel.PAGE + 30
    qtmodeltester.check(model)
    model.sort(COMPLAINANT, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert model.data(model.index(0, COMPLAINANT)) == "Klager 129"
    assert model.data(model.index(model.rowCount() - 1, COMPLAINANT)) == "anoniem"  # no name sorts first
    register(staff["sanne"], name="Nieuwe klager")
    assert model.refresh() is True
    qtmodeltester.check(model)


def test_double_click_opens_the_dossier_of_that_row(qtbot, coordinator, staff):
    complaints = [register(staff["sanne"], name=name) for name in ("Els Bos", "Kees Smit", "Wim Vos")]
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    wanted = complaints[1]
    double_click(qtbot, view, wanted.id)
    [window] = open_dossiers()
    assert window.complaint_id == wanted.id
    qtbot.waitUntil(lambda: not window.loading)  # read off the UI thread
    assert window.title.text().startswith(wanted.number)
    assert window.form.editors["description"].toPlainText() == "De taxi kwam niet."
    double_click(qtbot, view, wanted.id)
    assert open_dossiers() == [window]  # the same dossier is brought forward, not opened twice


def test_enter_opens_the_dossier_of_the_current_row(qtbot, coordinator, staff):
    complaints = [register(staff["sanne"], name=name) for name in ("Els Bos", "Kees Smit")]
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(view.model.position_of(complaints[0].id), 0))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert [w.complaint_id for w in open_dossiers()] == [complaints[0].id]


def test_filters_show_counts_and_narrow_the_table(qtbot, coordinator, staff):
    register(staff["sanne"], name="Open klacht")
    register(staff["sanne"], name="Direct opgelost", channel="phone", resolved_now=True,
             resolution="Uitgelegd.", complainant_agrees=True)
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    labels = [view.filters.item(i).text() for i in range(view.filters.count())]
    assert "Open  (1)" in labels and "Afgesloten  (1)" in labels and "Alle  (2)" in labels
    closed = list(inbox.FILTERS).index("closed")
    rect = view.filters.visualItemRect(view.filters.item(closed))
    qtbot.mouseClick(view.filters.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.model.query.filter == "closed")
    assert view.model.rowCount() == 1
    assert view.model.data(view.model.index(0, COMPLAINANT)) == "Direct opgelost"


def test_a_filter_click_counts_only_what_it_changes_and_a_change_elsewhere_counts_everything(
        qtbot, coordinator, staff, sqlite_db, monkeypatch):
    register(staff["sanne"], name="Open klacht", category="Tijdstip ophalen")
    register(staff["sanne"], name="Direct opgelost", channel="phone", resolved_now=True,
             resolution="Uitgelegd.", complainant_agrees=True)
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    counted = Counter()

    def counting(name, real):
        def count(*args, **kwargs):
            counted.update([name])
            return real(*args, **kwargs)
        return count

    for name in ("counts", "category_counts", "channel_counts"):
        monkeypatch.setattr(inbox, name, counting(name, getattr(inbox, name)))

    view.filters.setCurrentRow(list(inbox.FILTERS).index("all"))
    settled(qtbot, view)
    assert counted == {"category_counts": 1, "channel_counts": 1}  # the filter counts do not depend on the filter
    wait_time = view.category.findText("Tijdstip ophalen (1)")
    assert wait_time > 0 and view.channel.findText("Telefoon (1)") > 0
    view.model.sort([k for k, _l in COLUMNS].index("complainant"), Qt.SortOrder.DescendingOrder)
    settled(qtbot, view)
    assert counted == {"category_counts": 1, "channel_counts": 1}  # nothing depends on the order
    assert view.model.data(view.model.index(0, COMPLAINANT)) == "Open klacht"

    run_on_other_pc(sqlite_db, """
        intake.register(user("sanne"), intake.NewReport(description="Nog een.", channel="phone",
                        relation={"name": "Anna Post", "phone": "06 87654321"}))
    """)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=10_000)
    settled(qtbot, view)
    assert counted["counts"] == 1 and "Alle  (3)" in [view.filters.item(i).text() for i in range(7)]
    assert view.channel.findText("Telefoon (2)") > 0


def test_quick_clicks_end_on_what_was_clicked_last(qtbot, coordinator, staff):
    register(staff["sanne"], name="Open klacht")
    register(staff["sanne"], name="Direct opgelost", channel="phone", resolved_now=True,
             resolution="Uitgelegd.", complainant_agrees=True)
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    for name in ("all", "closed", "unassigned", "open"):
        view.filters.setCurrentRow(list(inbox.FILTERS).index(name))
    settled(qtbot, view)
    assert view.model.query.filter == "open"
    assert [view.model.data(view.model.index(0, COMPLAINANT))] == ["Open klacht"] and view.model.rowCount() == 1
    assert view.status.text().startswith("1 klacht ")


def test_typing_a_search_narrows_the_table(qtbot, coordinator, staff):
    register(staff["sanne"], name="Gül Öztürk")
    register(staff["sanne"], name="Kees Smit")
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    qtbot.keyClicks(view.search, "ozturk")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.data(view.model.index(0, COMPLAINANT)) == "Gül Öztürk"
    settled(qtbot, view)  # a search is counted after its list is painted
    assert view.status.text().startswith("1 klacht ")


def test_change_by_another_pc_shows_up_keeping_selection_and_top_row(qtbot, coordinator, staff, sqlite_db):
    sanne = staff["sanne"]
    # acknowledged on the phone: answer due in five working days, so a new unacknowledged one sorts above them
    complaints = [register(sanne, name=f"Klager {i:02d}", channel="phone", acknowledgement_method="phone")
                  for i in range(40)]
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    view.resize(1200, 500)
    chosen = complaints[25]
    row = view.model.position_of(chosen.id)
    view.table.selectionModel().setCurrentIndex(
        view.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    view.table.scrollTo(view.model.index(20, 0), view.table.ScrollHint.PositionAtTop)
    top = view.model.id_at(view.table.rowAt(0))

    run_on_other_pc(sqlite_db, f"""
        procedure.assign(user("ruud"), Complaint.get_by_id({chosen.id}), user("ruud"))
        intake.register(user("sanne"), intake.NewReport(description="Nieuw via de post.", channel="post",
                        relation={{"name": "Anna Post", "phone": "06 87654321"}}))
    """)
    qtbot.waitUntil(lambda: view.model.rowCount() == 41, timeout=10_000)
    assert text(view, chosen.id, [k for k, _l in COLUMNS].index("handler")) == "Ruud Bakker"
    assert view.model.data(view.model.index(0, COMPLAINANT)) == "Anna Post"  # the most urgent, at the top
    selected = [view.model.id_at(i.row()) for i in view.table.selectionModel().selectedRows()]
    assert selected == [chosen.id]
    assert view.model.id_at(view.table.currentIndex().row()) == chosen.id
    assert view.model.id_at(view.table.rowAt(0)) == top


def test_telephonist_sees_only_what_she_registered(qtbot, sqlite_db, staff):
    mine = register(staff["sanne"], name="Van Sanne")
    register(staff["petra"], name="Van Petra")
    view = settled(qtbot, show(qtbot, InboxView(Session(staff["sanne"], sqlite_db))))
    assert view.model.ids() == [mine.id]


def test_confidential_complaint_is_not_in_the_coordinators_inbox(qtbot, coordinator, staff, sqlite_db):
    secret = register(staff["henk"], name="Geheim", confidential=True)
    register(staff["sanne"], name="Gewoon")
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    assert secret.id not in view.model.ids() and view.model.rowCount() == 1
    director = settled(qtbot, show(qtbot, InboxView(Session(staff["henk"], sqlite_db))))
    assert secret.id in director.model.ids()


def test_overdue_and_due_soon_rows_stand_out(qtbot, coordinator, staff):
    late = register(staff["sanne"], name="Te laat", received_at=dt.datetime.now() - dt.timedelta(days=30))
    soon = register(staff["sanne"], name="Bijna")
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    deadline = [k for k, _l in COLUMNS].index("deadline")

    def background(complaint_id):
        return view.model.data(view.model.index(view.model.position_of(complaint_id), 0),
                               Qt.ItemDataRole.BackgroundRole)

    assert "te laat" in text(view, late.id, deadline)
    assert background(late.id).color().name() == "#f9d6d5"
    assert background(soon.id).color().name() == "#fff0c2"


def test_changes_during_a_reading_make_one_more_reading_after_it_never_two_at_once(qtbot, coordinator, staff,
                                                                                   monkeypatch):
    register(staff["sanne"], name="Els Bos")
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    gate, lock = threading.Event(), threading.Lock()
    readings = {"started": 0, "finished": 0, "at_once": 0, "most_at_once": 0}
    snapshot = inbox.snapshot

    def counted(*args, **kwargs):
        with lock:
            readings["started"] += 1
            readings["at_once"] += 1
            readings["most_at_once"] = max(readings["most_at_once"], readings["at_once"])
            first = readings["started"] == 1
        if first:
            gate.wait(10)  # the first reading is under way while the changes come in
        try:
            return snapshot(*args, **kwargs)
        finally:
            with lock:
                readings["at_once"] -= 1
                readings["finished"] += 1

    monkeypatch.setattr(inbox, "snapshot", counted)
    view.refresh()
    later = register(staff["sanne"], name="Kees Smit")
    view.refresh()
    view.refresh()
    gate.set()
    qtbot.waitUntil(lambda: readings["finished"] == 2 and later.id in view.model.ids())
    QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()
    assert (readings["started"], readings["most_at_once"]) == (2, 1)
    assert view.status.text().startswith("2 klachten")


def test_a_complaint_is_found_by_its_row_never_by_bytes_that_straddle_two_ids():
    from array import array

    from klachtenbureau.ui.inbox_model import position_in

    straddling = array("q", [0, 1])  # bytes 4..11 read as one 8-byte integer: 1 << 32
    assert position_in(straddling, 1 << 32) is None
    assert position_in(array("q", [0, 1, 1 << 32]), 1 << 32) == 2
    assert position_in(array("q", [7, 3, 9]), 9) == 2 and position_in(array("q"), 9) is None


def test_a_long_list_paints_its_first_rows_then_reads_the_rest(qtbot, coordinator, staff, monkeypatch):
    """Only the first ids are read before the paint (a million take 0.3 s); the rest follow while the user looks."""
    monkeypatch.setattr(inbox, "HEAD", 60)
    for i in range(150):
        register(staff["sanne"], name=f"Klager {i:03d}", channel="phone", acknowledgement_method="phone")
    limits = []
    real = inbox.complaint_ids

    def recording(user, query, today=None, limit=None):
        limits.append(limit)
        return real(user, query, today, limit)

    monkeypatch.setattr(inbox, "complaint_ids", recording)
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    assert limits == [60, None]
    assert view.model.rowCount() == 150 and view.model.is_complete()
    assert view.model.ids() == list(real(staff["petra"], view.model.query))
    assert view.model.data(view.model.index(149, COMPLAINANT)).startswith("Klager ")

    limits.clear()  # a complaint selected below the first ids: a change reads them all, and keeps the selection
    far = view.model.id_at(100)
    view.table.selectionModel().setCurrentIndex(view.model.index(100, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                                | QItemSelectionModel.SelectionFlag.Rows)
    view.table.scrollToTop()
    view.refresh()
    settled(qtbot, view)
    assert limits == [None]
    assert view.model.id_at(view.table.currentIndex().row()) == far


def test_rows_whose_ids_are_still_read_show_an_ellipsis_and_open_nothing(qtbot, coordinator, staff):
    for i in range(5):
        register(staff["sanne"], name=f"Klager {i}")
    model = InboxModel(staff["petra"], InboxQuery(filter="all"), load=False)
    every = inbox.complaint_ids(staff["petra"], model.query)
    head = every[:2]
    model.apply(head, {}, dt.date.today(), total=5)
    assert model.rowCount() == 5 and model.data(model.index(3, 0)) == "…" and model.id_at(3) is None
    assert not model.complete(head, every[:4])  # the list changed between the readings: read it again
    assert model.complete(head, every) and model.is_complete()
    assert model.id_at(3) == every[3] and model.data(model.index(3, 0)) != "…"


def test_a_list_whose_length_is_not_known_yet_grows_when_the_rest_of_its_ids_comes(qtbot, coordinator, staff):
    for i in range(5):
        register(staff["sanne"], name=f"Klager {i}")
    model = InboxModel(staff["petra"], InboxQuery(filter="all"), load=False)
    every = inbox.complaint_ids(staff["petra"], model.query)
    head = every[:2]
    model.apply(head, {}, dt.date.today(), more=True)  # a search whose counts are still being read
    assert model.rowCount() == 2 and not model.is_complete()
    assert not model.complete(head, every[1:])  # the list changed between the readings: read it again
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        assert model.complete(head, every)
    assert inserted.args[1:] == [2, 4]
    assert model.rowCount() == 5 and model.is_complete() and model.id_at(4) == every[4]


def test_a_search_shows_its_first_rows_then_its_counts_and_the_rest(qtbot, coordinator, staff, monkeypatch):
    """A search's counts are a pass over all its matches (150-300 ms for a common word in a million): the list is
    painted first, with the filters' names alone, and the counts and the rows after the first ids follow."""
    monkeypatch.setattr(inbox, "HEAD", 30)  # more than a screen: the top of the list is read first
    for i in range(36):
        register(staff["sanne"], name=f"Klager {i}", description="De rolstoel paste niet in de taxi.",
                 channel="email" if i % 2 else "post")
    register(staff["sanne"], name="Anders", description="Te laat opgehaald.")
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    seen = []
    real, open_row = view._read_counts, list(inbox.FILTERS).index("open")
    monkeypatch.setattr(view, "_read_counts", lambda snapshot: seen.append(
        (view.model.rowCount(), view.filters.item(open_row).text(), view.status.text())) or real(snapshot))
    view.search.setText("rolstoel")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    settled(qtbot, view)
    painted, label, status = seen[0]
    assert len(seen) == 1 and painted == 30 and label == "Open" and status.startswith("klachten worden geteld")
    assert view.model.rowCount() == 36 and view.model.is_complete()
    assert view.filters.item(open_row).text() == "Open  (36)" and view.status.text().startswith("36 klachten ")
    assert view.channel.findText("E-mail (18)") > 0 and view.channel.findText("Post (18)") > 0


def test_a_search_that_could_not_be_read_is_read_again_on_enter(qtbot, coordinator, staff, monkeypatch):
    """The share was away while the search was read (the reading's own failure, as on the real share: simulated
    here); Enter on the same words reads again once it is back."""
    register(staff["sanne"], name="Gül Öztürk")
    register(staff["sanne"], name="Kees Smit")
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    real = inbox.snapshot

    def away(*args, **kwargs):
        raise DatabaseUnavailableError("De database is niet bereikbaar.")

    monkeypatch.setattr(inbox, "snapshot", away)
    view.search.setText("ozturk")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "niet bereikbaar" in view.message.text.text(), timeout=10_000)
    assert view.model.rowCount() == 2
    monkeypatch.setattr(inbox, "snapshot", real)
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.data(view.model.index(0, COMPLAINANT)) == "Gül Öztürk"


def test_a_dated_filter_shows_its_counts_per_category_and_channel_with_its_list(qtbot, coordinator, staff,
                                                                                 monkeypatch):
    """"Te laat" is counted per category and channel from the counts the database keeps per deadline, in the same
    reading as its list (no second reading after the paint)."""
    for i in range(3):
        register(staff["sanne"], name=f"Klager {i}", channel="email" if i else "post",
                 received_at=dt.datetime.now() - dt.timedelta(days=20))
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    counted_after = []
    monkeypatch.setattr(view, "_read_counts", counted_after.append)
    view.filters.setCurrentRow(list(inbox.FILTERS).index("overdue"))
    settled(qtbot, view)
    assert counted_after == [] and view.model.rowCount() == 3
    assert view.channel.findText("E-mail (2)") > 0 and view.channel.findText("Post (1)") > 0
    assert view.filters.item(list(inbox.FILTERS).index("overdue")).text() == "Te laat  (3)"


def test_the_number_column_shows_a_six_digit_number_whole(qtbot, coordinator, staff):
    """A register of a million complaints counts past 99999 within a year; the number must not be cut off."""
    register(staff["sanne"])
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    view.resize(1366, 768)
    number = [key for key, _label in COLUMNS].index("number")
    font = view.table.font()
    font.setItalic(True)  # an inquiry's number is in italics
    assert view.table.columnWidth(number) > QFontMetrics(font).horizontalAdvance("K2026-123456")


def test_large_counts_are_written_with_dutch_thousands_separators(qtbot, coordinator, staff):
    register(staff["sanne"])
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    view._show_counts(dict.fromkeys(inbox.FILTERS, 969_890), {}, {"email": 12_345})
    assert "Alle  (969.890)" in [view.filters.item(i).text() for i in range(view.filters.count())]
    assert view.channel.findText("E-mail (12.345)") > 0
