"""Rapportage driven from the keyboard: the office's part written, decided, saved, made a measure; a conflict told."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from klachtenbureau.models import Measure
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.reviews import ADOPTED, Recommendation, ReportReview
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.report_view import ReportView
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, report_reviews
from tests.ui.keys import show

TODAY = dt.date(2026, 12, 6)


def open_view(qtbot, sqlite_db, staff, login: str) -> ReportView:
    with acting_at(dt.datetime(2026, 5, 4, 10)):  # left open past its term: the figures recommend something
        intake.register(staff["sanne"], intake.NewReport(received_at=dt.datetime(2026, 5, 4, 10), channel="post",
                                                         anonymous=True, description="De taxi kwam niet."))
    view = ReportView(Session(staff[login], sqlite_db), today=TODAY)
    view.resize(1366, 640)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        show(qtbot, view)
    return view


def test_the_director_writes_decides_saves_and_makes_a_measure_from_the_keyboard(qtbot, sqlite_db, staff, keyboard):
    view = open_view(qtbot, sqlite_db, staff, "henk")
    periods = [view.period.itemText(i) for i in range(3)]
    assert periods == ["2e halfjaar 2026 (loopt nog)", "2026 (loopt nog)", "1e halfjaar 2026"]
    assert view.period.currentText() == "1e halfjaar 2026"  # the newest period that is over
    assert view.tree.topLevelItemCount() >= 1 and view.tree.topLevelItem(0).text(1) == "cijfers"
    keyboard.alt("c")
    keyboard.type("Vooral de taxi's.")
    keyboard.alt("n")
    qtbot.waitUntil(view.text.hasFocus)  # a button's mnemonic clicks a moment later
    keyboard.type("Bel elke klager na een week terug.")
    keyboard.alt("l")
    keyboard.press(Qt.Key.Key_Down)  # Overgenomen
    keyboard.alt("i")
    keyboard.type("Vanaf januari.")
    assert view.dirty() and not view.pdf_button.isEnabled()  # the preview does not show this yet
    with qtbot.waitSignal(view.saved, timeout=20_000):
        keyboard.alt("o")
    stored = ReportReview.get(ReportReview.period == "2026H1")
    assert stored.conclusions == "Vooral de taxi's."
    own = Recommendation.get(Recommendation.generated == False)  # noqa: E712
    assert (own.text, own.decision, own.decided_on, own.decision_note) == (
        "Bel elke klager na een week terug.", ADOPTED, TODAY, "Vanaf januari.")
    assert not view.dirty()
    qtbot.waitUntil(view.pdf_button.isEnabled)

    keyboard.alt("m")
    qtbot.waitUntil(lambda: view.measure_dialog is not None and view.measure_dialog.isVisible())
    dialog = view.measure_dialog
    assert dialog.title.text() == "Bel elke klager na een week terug."
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    QApplication.processEvents()
    keyboard.enter()
    measure = Measure.get()
    assert (measure.source, measure.title, measure.description) == (
        "review", "Bel elke klager na een week terug.", "Vanaf januari.")
    assert Recommendation.get_by_id(own.id).measure_id == measure.id
    qtbot.waitUntil(lambda: "Verbetermaatregel: Bel elke klager" in view.measure_label.text())
    assert not view.measure_button.isEnabled()


def test_the_quality_officer_keeps_her_text_when_someone_saved_first(qtbot, sqlite_db, staff, keyboard):
    view = open_view(qtbot, sqlite_db, staff, "anouk")
    assert not view.decision.isEnabled()  # the directors' decision is the director's to record
    other = report_reviews.load(staff["petra"], "2026H1", view.generated)
    report_reviews.save(staff["petra"], dataclasses.replace(other, conclusions="Van Petra."))
    keyboard.alt("c")
    keyboard.type("Van Anouk.")
    keyboard.alt("o")
    qtbot.waitUntil(lambda: "intussen opgeslagen" in view.message.text.text())
    assert view.conclusions.toPlainText() == "Van Anouk."  # nothing typed is lost
    assert ReportReview.get(ReportReview.period == "2026H1").conclusions == "Van Petra."
    with qtbot.waitSignal(view.preview_updated, timeout=20_000):
        view.message.buttons()[0].click()  # Opnieuw laden
    assert view.conclusions.toPlainText() == "Van Petra." and not view.dirty()


def test_the_tab_is_there_for_who_reports_only(qtbot, sqlite_db, staff):
    for login, has_tab in (("anouk", True), ("henk", True), ("sanne", False)):
        window = MainWindow(Session(staff[login], sqlite_db))
        qtbot.addWidget(window)
        titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert ("Rapportage" in titles) == has_tab, login


def test_closing_the_desk_with_unsaved_report_text_asks_first(qtbot, sqlite_db, staff, keyboard):
    window = show(qtbot, MainWindow(Session(staff["anouk"], sqlite_db)))
    window.tabs.setCurrentWidget(window.reports)
    qtbot.waitUntil(lambda: window.reports.report is not None, timeout=20_000)
    window.reports.conclusions.setFocus()
    keyboard.type("Nog niet bewaard.")
    assert window.reports.dirty()
    window.close()
    assert window.isVisible() and window.tabs.currentWidget() is window.reports  # kept open, the question shown
    assert window.reports.message.text.text() == "De wijzigingen in deze rapportage zijn nog niet opgeslagen."
    keyboard.alt("w")  # Wijzigingen weggooien: then the desk closes
    qtbot.waitUntil(lambda: not window.isVisible())
    assert not ReportReview.select().exists()
