"""The improvement measures tab: the register, its filters, the owner's and the quality officer's steps."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from klachtenbureau.models import Measure, MeasureComplaint
from klachtenbureau.ui.measure_dialog import NewMeasureDialog
from klachtenbureau.ui.measures_view import OVERDUE_BACKGROUND, MeasuresView
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, measures

TODAY = dt.date.today()


@pytest.fixture
def register(sqlite_db, staff):
    complaints = [intake.register(staff["sanne"], intake.NewReport(description=f"Klacht {i}.", anonymous=True))
                  for i in range(2)]
    anouk, ruud, petra = staff["anouk"], staff["ruud"], staff["petra"]
    made = {
        "late": measures.create(anouk, "Taxi belt een dag vooraf", ruud, TODAY - dt.timedelta(days=10),
                                complaint_ids=[complaints[0].id]),
        "to_check": measures.create(anouk, "Pauzeservice in het contract", petra, TODAY + dt.timedelta(days=20),
                                    source="trend"),
        "done": measures.create(anouk, "Klachtenregeling op de website", anouk, TODAY - dt.timedelta(days=30),
                                source="review"),
        "future": measures.create(anouk, "Rolstoelplekken controleren", ruud, TODAY + dt.timedelta(days=60),
                                  complaint_ids=[c.id for c in complaints]),
    }
    measures.implement(petra, made["to_check"], True)
    measures.implement(anouk, made["done"], True)
    measures.record_check(anouk, made["done"], "Website bekeken.", "Vindbaar.", True)
    return made, complaints


def open_view(qtbot, staff, url: str, login: str) -> MeasuresView:
    view = MeasuresView(Session(staff[login], url))
    qtbot.addWidget(view)
    view.resize(1200, 700)
    with qtbot.waitSignal(view.loaded):
        view.show()
    return view


def titles(view: MeasuresView) -> list[str]:
    return [row.measure.title for row in view.model.rows]


def choose(qtbot, view: MeasuresView, title: str) -> None:
    row = titles(view).index(title)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.table.visualRect(view.model.index(row, 0)).center())
    assert view.title.text() == title


def press_ok(qtbot, dialog: NewMeasureDialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def show_view(qtbot, view: MeasuresView, code: str) -> None:
    button = next(b for b in view.view_buttons.buttons() if b.property("view") == code)
    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_overdue_measures_come_first_and_stand_out(qtbot, qtmodeltester, register, staff, sqlite_db):
    view = open_view(qtbot, staff, sqlite_db, "petra")
    qtmodeltester.check(view.model)
    assert titles(view)[0] == "Taxi belt een dag vooraf"
    late = view.model.index(0, 0)
    assert view.model.data(late, Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert view.model.data(late, Qt.ItemDataRole.FontRole).bold()
    on_time = view.model.index(titles(view).index("Rolstoelplekken controleren"), 0)
    assert view.model.data(on_time, Qt.ItemDataRole.BackgroundRole) is None
    numbers = view.model.data(view.model.index(titles(view).index("Rolstoelplekken controleren"), 6))
    assert numbers.count("K") == 2


def test_filters_mine_overdue_and_awaiting_check(qtbot, register, staff, sqlite_db):
    view = open_view(qtbot, staff, sqlite_db, "ruud")
    labels = [b.text() for b in view.view_buttons.buttons()]
    assert labels == ["Alle (4)", "Mijn maatregelen (2)", "Te laat (1)", "Te toetsen (1)"]
    view = open_view(qtbot, staff, sqlite_db, "anouk")
    show_view(qtbot, view, "overdue")
    assert titles(view) == ["Taxi belt een dag vooraf"]
    show_view(qtbot, view, "awaiting_check")
    assert titles(view) == ["Pauzeservice in het contract"]
    show_view(qtbot, view, "mine")
    assert titles(view) == ["Klachtenregeling op de website"]
    view.table.clearSelection()  # nothing chosen: the detail form is empty, not a measure's or 1-1-2000
    assert (view.title.text(), view.owner.currentText(), view.due.text().strip(), view.title.isEnabled()) == (
        "", "", "", False)


def test_owner_reports_the_measure_implemented_with_the_team_informed(qtbot, register, staff, sqlite_db):
    made, _complaints = register
    view = open_view(qtbot, staff, sqlite_db, "ruud")
    choose(qtbot, view, "Taxi belt een dag vooraf")
    qtbot.mouseClick(view.implement_button, Qt.MouseButton.LeftButton)
    assert view.message.isVisible() and "team" in view.message.text()  # not yet informed
    assert Measure.get_by_id(made["late"].id).status == "open"
    view.team_informed.setChecked(True)
    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(view.implement_button, Qt.MouseButton.LeftButton)
    stored = Measure.get_by_id(made["late"].id)
    assert (stored.status, stored.team_informed) == ("implemented", True)


def test_quality_officer_finds_it_not_effective_and_it_goes_back_to_the_owner(qtbot, register, staff, sqlite_db):
    made, _complaints = register
    view = open_view(qtbot, staff, sqlite_db, "anouk")
    choose(qtbot, view, "Pauzeservice in het contract")
    assert view.check_box.isVisible() and view.effective_button.isEnabled()
    qtbot.keyClicks(view.check_method, "Drie voorstellingen bezocht.")
    qtbot.keyClicks(view.check_conclusion, "Nog steeds geen koffie.")
    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(view.not_effective_button, Qt.MouseButton.LeftButton)
    stored = Measure.get_by_id(made["to_check"].id)
    assert (stored.status, stored.check_method, stored.checked_by_id) == (
        "not_effective", "Drie voorstellingen bezocht.", staff["anouk"].id)
    owner = open_view(qtbot, staff, sqlite_db, "petra")
    choose(qtbot, owner, "Pauzeservice in het contract")
    assert owner.implement_button.isEnabled() and not owner.effective_button.isEnabled()
    assert "Niet effectief" in owner.status_label.text()


def test_coordinator_cannot_check_effectiveness(qtbot, register, staff, sqlite_db):
    view = open_view(qtbot, staff, sqlite_db, "petra")
    choose(qtbot, view, "Pauzeservice in het contract")
    assert not view.check_box.isVisible()


def test_stale_edit_is_refused_plainly_and_nothing_typed_is_lost(qtbot, register, staff, sqlite_db):
    made, _complaints = register
    view = open_view(qtbot, staff, sqlite_db, "petra")
    choose(qtbot, view, "Rolstoelplekken controleren")
    view.title.clear()
    qtbot.keyClicks(view.title, "Rolstoelplekken bij elke voorstelling controleren")
    measures.update(staff["anouk"], Measure.get_by_id(made["future"].id), {"description": "Met het theater."})
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert "Iemand anders heeft dit intussen gewijzigd" in view.message.text()
    assert view.reload_button.isVisible()
    qtbot.mouseClick(view.reload_button, Qt.MouseButton.LeftButton)
    assert view.title.text() == "Rolstoelplekken bij elke voorstelling controleren"  # mine, kept
    assert view.description.toPlainText() == "Met het theater."  # theirs, brought in
    with qtbot.waitSignal(view.loaded):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    stored = Measure.get_by_id(made["future"].id)
    assert (stored.title, stored.description) == ("Rolstoelplekken bij elke voorstelling controleren",
                                                  "Met het theater.")


def test_new_measure_from_selected_complaints(qtbot, register, staff):
    _made, complaints = register
    dialog = NewMeasureDialog(staff["anouk"], measures.complaint_numbers([c.id for c in complaints]))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.complaints.text() == ", ".join(c.number for c in complaints)
    press_ok(qtbot, dialog)
    assert dialog.errors["title"].isVisible() and dialog.isVisible() and dialog.created is None  # title needed
    qtbot.keyClicks(dialog.title, "Vervoerder spreekt vaste ophaaltijden af")
    dialog.owner.setCurrentIndex(dialog.owner.findData(staff["ruud"].id))
    press_ok(qtbot, dialog)
    assert not dialog.isVisible()
    created = dialog.created
    assert created is not None and created.owner_id == staff["ruud"].id
    assert sorted(l.complaint_id for l in MeasureComplaint.select().where(MeasureComplaint.measure == created.id)) \
        == sorted(c.id for c in complaints)


def test_new_measure_from_the_trend_analysis_needs_no_complaints(qtbot, register, staff):
    dialog = NewMeasureDialog(staff["anouk"], source="trend")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.complaints.isEnabled()
    qtbot.keyClicks(dialog.title, "Vrijwilligers jaarlijks trainen")
    press_ok(qtbot, dialog)
    assert dialog.created is not None and dialog.created.source == "trend"


def test_unknown_complaint_number_is_shown_at_the_field(qtbot, register, staff):
    dialog = NewMeasureDialog(staff["anouk"], ["K1999-0001"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.title, "Iets")
    press_ok(qtbot, dialog)
    assert dialog.errors["complaints"].isVisible() and "K1999-0001" in dialog.errors["complaints"].text()
    assert dialog.created is None and dialog.title.text() == "Iets"


def test_view_opens_the_dialog_and_shows_the_new_measure(qtbot, register, staff, sqlite_db):
    _made, complaints = register
    view = open_view(qtbot, staff, sqlite_db, "anouk")

    def fill_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewMeasureDialog)
        qtbot.keyClicks(dialog.title, "Chauffeurs bellen aan")
        press_ok(qtbot, dialog)

    QTimer.singleShot(0, fill_in)
    with qtbot.waitSignal(view.loaded):
        created = view.new_measure([complaints[1].id])
    assert created is not None and "Chauffeurs bellen aan" in titles(view)
    assert view.title.text() == "Chauffeurs bellen aan"


def test_intake_staff_cannot_start_a_measure(qtbot, register, staff, sqlite_db):
    view = open_view(qtbot, staff, sqlite_db, "sanne")
    assert not view.new_button.isEnabled() and titles(view) == []
