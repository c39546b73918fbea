"""The dashboard tab, driven with the mouse and keyboard: the figures, and clicks that ask for the inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from klachtenbureau.models import Category, Complaint
from klachtenbureau.models.base import acting_at
from klachtenbureau.ui.dashboard_view import DashboardView
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, periods, procedure, statistics
from klachtenbureau.workflow.statistics import ComplaintFilter

TODAY = dt.date(2025, 6, 30)
H1 = periods.half_year(2025, 1)


def register(staff, when: dt.datetime, **fields) -> Complaint:
    with acting_at(when):
        return intake.register(staff["sanne"], intake.NewReport(
            description="Klacht.", anonymous=True, received_at=when, **fields))


@pytest.fixture
def complaints(sqlite_db, staff) -> dict[str, Complaint]:
    made = {
        "march": register(staff, dt.datetime(2025, 3, 3, 9), category="Niet ophalen", channel="post", severity=3),
        "may": register(staff, dt.datetime(2025, 5, 12, 9), category="Geluid theaters", channel="email"),
        "june": register(staff, dt.datetime(2025, 6, 24, 9), category="Niet ophalen", channel="email", severity=4),
        "inquiry": register(staff, dt.datetime(2025, 6, 25, 9), kind="inquiry", channel="phone", resolved_now=True,
                            resolution="Direct beantwoord."),
        "last_year": register(staff, dt.datetime(2024, 10, 1, 9), channel="phone"),
    }
    with acting_at(dt.datetime(2025, 6, 25, 10)):
        made["june"] = procedure.acknowledge(staff["petra"], made["june"], "email")
    return made


@pytest.fixture
def dashboard(qtbot, complaints, staff, sqlite_db):
    session = Session(staff["petra"], sqlite_db)
    session.changes.interval_ms = 50
    view = DashboardView(session, today=TODAY)
    qtbot.addWidget(view)
    view.resize(1200, 900)
    with qtbot.waitSignal(view.refreshed):
        view.show()
    qtbot.waitUntil(lambda: view.figures is not None)
    return view


def click_bar(qtbot, view: DashboardView, chart: str, key: object) -> ComplaintFilter:
    widget = view.charts[chart]
    index = [item[0] for item in widget.items].index(key)
    with qtbot.waitSignal(view.filter_requested) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.bar_rect(index).center())
    return blocker.args[0]


def numbers(f: ComplaintFilter, staff) -> set[str]:
    return {c.number for c in statistics.filter_query(f, staff["petra"], TODAY)}


def test_figures_of_this_half_year_are_shown(dashboard):
    tiles = dashboard.tiles
    assert tiles["received"].value.text() == "3"
    assert tiles["open"].value.text() == "3"
    assert tiles["overdue"].value.text() == "2"  # March and May, never acknowledged
    assert tiles["kinds"].value.text() == "3 / 1"
    assert "1e halfjaar 2025" in dashboard.period_title.text()
    assert [label for _key, label, _n in dashboard.charts["month"].items] == ["jan", "feb", "mrt", "apr", "mei", "jun"]


def test_the_dashboard_says_why_the_status_bar_and_the_board_report_count_otherwise(qtbot, dashboard, staff):
    # Last year's complaint is overdue too: the status bar counts it, this half-year does not.
    assert "statusbalk" in dashboard.scope.text() and ": 3 meldingen" in dashboard.scope.text()
    assert "vertrouwelijk" not in dashboard.scope.text()
    register(staff, dt.datetime(2025, 6, 2, 9), channel="phone", confidential=True)
    with qtbot.waitSignal(dashboard.refreshed):
        dashboard.refresh()
    assert dashboard.tiles["received"].value.text() == "3"  # the coordinator may not see it...
    assert "1 vertrouwelijke melding" in dashboard.scope.text()  # ...and is told the board report counts it


@pytest.mark.parametrize(("chart", "key", "field", "expected"), [
    ("category", "Niet ophalen", "category_id", {"march", "june"}),
    ("channel", "email", "channel", {"may", "june"}),
    ("month", dt.date(2025, 5, 1), "month", {"may"}),
    ("severity", 4, "severity", {"june"}),
])
def test_clicking_a_bar_asks_for_the_inbox_filtered_on_it(qtbot, dashboard, complaints, staff, chart, key, field,
                                                          expected):
    if chart == "category":
        key = Category.get(Category.name == key).id
    f = click_bar(qtbot, dashboard, chart, key)
    assert f == ComplaintFilter(H1, "complaint", **{field: key})
    assert numbers(f, staff) == {complaints[name].number for name in expected}


def test_clicking_a_number_asks_for_the_complaints_it_counts(qtbot, dashboard, complaints, staff):
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        qtbot.mouseClick(dashboard.tiles["overdue"], Qt.MouseButton.LeftButton)
    assert blocker.args[0] == ComplaintFilter(H1, "complaint", status_group="overdue")
    assert numbers(blocker.args[0], staff) == {complaints["march"].number, complaints["may"].number}
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        qtbot.mouseClick(dashboard.tiles["kinds"], Qt.MouseButton.LeftButton)
    assert blocker.args[0] == ComplaintFilter(H1, None)


def test_bars_and_numbers_work_from_the_keyboard(qtbot, dashboard):
    chart = dashboard.charts["channel"]
    chart.setFocus()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Down):
        qtbot.keyClick(chart, key)
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert blocker.args[0].channel == "email"  # phone, post, e-mail: the third bar
    dashboard.tiles["open"].setFocus()
    with qtbot.waitSignal(dashboard.filter_requested) as blocker:
        qtbot.keyClick(dashboard.tiles["open"], Qt.Key.Key_Space)
    assert blocker.args[0].status_group == "open"


def test_choosing_another_period_and_kind_recomputes(qtbot, dashboard):
    with qtbot.waitSignal(dashboard.refreshed):
        dashboard.period_choice.setCurrentIndex(dashboard.period_choice.findData("last_year"))
    assert dashboard.figures.period == periods.year_period(2024)
    assert dashboard.tiles["received"].value.text() == "1"
    with qtbot.waitSignal(dashboard.refreshed):
        dashboard.kind_choice.setCurrentIndex(dashboard.kind_choice.findData(None))
    assert dashboard.figures.kind is None


def test_custom_period_uses_the_dates_typed(qtbot, dashboard):
    dashboard.period_choice.setCurrentIndex(dashboard.period_choice.findData("custom"))
    qtbot.waitUntil(lambda: not dashboard._busy)
    assert dashboard.start_edit.isVisible() and dashboard.end_edit.isVisible()
    with qtbot.waitSignal(dashboard.refreshed):
        dashboard.start_edit.setDate(dashboard.start_edit.date().fromString("2025-05-01", "yyyy-MM-dd"))
    qtbot.waitUntil(lambda: not dashboard._busy)
    with qtbot.waitSignal(dashboard.refreshed):
        dashboard.end_edit.setDate(dashboard.end_edit.date().fromString("2025-05-31", "yyyy-MM-dd"))
    assert dashboard.figures.period == periods.Period(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    assert dashboard.tiles["received"].value.text() == "1"


def test_dashboard_refreshes_when_someone_saves_a_complaint(qtbot, dashboard, staff):
    register(staff, dt.datetime(2025, 6, 26, 9), category="Overig", channel="website")
    qtbot.waitUntil(lambda: dashboard.tiles["received"].value.text() == "4", timeout=5000)
    assert dashboard.figures.by_channel["website"] == 1
