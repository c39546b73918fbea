"""The main window: its title, tabs, menus and status bar, and what it remembers between starts."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QMessageBox

from klachtenbureau import config
from klachtenbureau.models import database
from klachtenbureau.models.database import sqlite_path
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.ui.main_window import DEFAULT_SIZE, MainWindow
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, periods
from klachtenbureau.workflow.offline import drafts
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.statistics import ComplaintFilter
from tests.ui.keys import activate, active_modal, show


@pytest.fixture
def window(qtbot, sqlite_db, staff) -> MainWindow:
    return show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))


def test_title_tabs_and_menus(window):
    assert window.windowTitle() == "Klachtenbureau"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Mijn werk", "Nieuwe melding", "Postvak", "Dashboard", "Verbetermaatregelen", "Rapportage"]  # a coordinator
    assert isinstance(window.tab_widget("intake"), IntakeWizard)
    assert [a.text() for a in window.menuBar().actions()] == ["&Bestand", "B&eheer", "&Help"]
    manage = [a.text().replace("&", "") for a in window.manage_menu.actions()]
    assert manage == ["Gebruikers…", "Categorieën…", "Organisatiegegevens…", "Termijnprofiel…", "E-mail…",
                      "Brieventeksten…", "Standaardalinea's…", "Klagers samenvoegen…", "", "Logboek…", "Bewaartermijn…", "Persoonsgegevens (AVG)…", "",
                      "Deze pc als server gebruiken…"]
    assert window.letter_texts_action.isEnabled()  # petra is a coordinator


def test_management_is_for_the_administrator(qtbot, sqlite_db, staff):
    coordinator = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    enabled = {a.text().replace("&", ""): a.isEnabled() for a in coordinator.manage_menu.actions()}
    assert enabled["Categorieën…"] and not enabled["Gebruikers…"] and not enabled["Termijnprofiel…"]
    boss = show(qtbot, MainWindow(Session(staff["admin"], sqlite_db)))
    assert all(a.isEnabled() for a in boss.manage_menu.actions() if "Brieventeksten" not in a.text())


def test_status_bar_shows_database_user_and_overdue_complaints(qtbot, window, staff, sqlite_db):
    intake.register(staff["sanne"], intake.NewReport(
        description="Niet opgehaald.", category="Niet ophalen", anonymous=True,
        received_at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=30)))
    window.refresh_status()
    qtbot.waitUntil(lambda: "1 klacht over tijd" in window.overdue_label.text())
    assert "verbonden" in window.database_label.text()
    assert str(sqlite_path(sqlite_db)).lstrip("/") in window.database_label.text()
    assert window.user_label.text() == "Aangemeld: Petra Jansen (klachtencoördinator)"


def test_status_bar_says_when_the_database_is_out_of_reach(qtbot, tmp_path, request):
    folder = tmp_path / "share"
    folder.mkdir()
    url = f"sqlite:///{(folder / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    request.addfinalizer(database.close)
    staff = request.getfixturevalue("staff")
    window = show(qtbot, MainWindow(Session(staff["petra"], url)))
    qtbot.waitUntil(lambda: "verbonden" in window.database_label.text())
    folder.rename(tmp_path / "weg")
    window.refresh_status()
    qtbot.waitUntil(lambda: "niet bereikbaar sinds" in window.database_label.text())
    assert "onbekend" in window.overdue_label.text()


def test_every_tab_holds_its_view(window):
    assert [type(window.tab_widget(name)).__name__ for name in ("inbox", "dashboard", "measures")] == [
        "InboxView", "DashboardView", "MeasuresView"]


def test_a_dashboard_figure_opens_the_inbox_on_exactly_its_complaints(qtbot, window, staff):
    today = dt.date.today()
    by_post = intake.register(staff["sanne"], intake.NewReport(
        description="Brief kwam niet aan.", channel="post", anonymous=True))
    intake.register(staff["sanne"], intake.NewReport(description="Telefoon.", channel="phone", anonymous=True))
    selection = ComplaintFilter(period=periods.half_year(today.year, 1 if today.month <= 6 else 2), channel="post")
    window.dashboard.filter_requested.emit(selection)
    assert window.tabs.currentWidget() is window.inbox
    qtbot.waitUntil(lambda: window.inbox.model.ids() == [by_post.id])
    assert "via post" in window.inbox.selection_bar.text.text()
    window.inbox.clear_selection()
    qtbot.waitUntil(lambda: len(window.inbox.model.ids()) == 2)


def test_ctrl_and_a_number_opens_a_tab(qtbot, window, keyboard):
    keyboard.press(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    keyboard.press(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 0


@pytest.fixture
def screen(monkeypatch) -> list[QRect]:
    """The screen the windows open on, as large as the test says (Qt's offscreen screen is 800 × 800)."""
    area = [QRect(0, 0, 1920, 1080 - 40)]
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(area[0]))
    return area


def test_window_size_last_tab_and_database_are_remembered(qtbot, sqlite_db, staff, screen):
    first = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    first.resize(760, 590)  # Qt's offscreen screen is 800 × 800, and restoreGeometry() fits the window to it
    size = (first.width(), first.height())  # the width is held at the window's minimum
    first.tabs.setCurrentWidget(first.dashboard)
    first.close()
    saved = config.load()
    assert saved.window_geometry and saved.last_tabs == {"petra": "dashboard"}
    assert saved.database_url == sqlite_db

    again = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    assert (again.width(), again.height()) == size != DEFAULT_SIZE
    assert again.tabs.currentWidget() is again.dashboard
    again.resize(1900, 1000)
    again.close()

    screen[0] = QRect(0, 0, 1366, 768 - 40)  # the same person on a laptop: the size of the big screen does not fit
    laptop = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    assert laptop.width() <= 1366 - 16 and laptop.height() <= 728 - 40


def test_each_person_starts_in_their_own_tab_not_the_last_one_used_on_this_pc(qtbot, sqlite_db, staff):
    coordinator = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    assert coordinator.tabs.currentWidget() is coordinator.my_work  # a coordinator starts in Mijn werk
    coordinator.tabs.setCurrentWidget(coordinator.measures)  # and ends the day in the measures register
    coordinator.close()
    telephonist = show(qtbot, MainWindow(Session(staff["sanne"], sqlite_db)))
    assert telephonist.tabs.currentIndex() == 0  # the intake, not the coordinator's measures
    telephonist.close()
    quality = show(qtbot, MainWindow(Session(staff["anouk"], sqlite_db)))
    assert quality.tabs.currentWidget() is quality.measures  # the quality officer
    again = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    assert again.tabs.currentWidget() is again.measures  # her own last tab


def test_a_closed_desk_stops_checking_the_database(window):
    # A window that kept polling would query whatever database the process opens next (in the suite: the
    # next test's, dropped under it).
    assert window._status_timer.isActive() and window.session.changes.running
    window.close()
    assert not window._status_timer.isActive() and not window.session.changes.running


def test_the_desk_opens_with_the_cursor_in_the_intake(qtbot, window):
    window.tabs.setCurrentWidget(window.inbox)
    window.tabs.setCurrentWidget(window.intake)
    target = window.intake.current_page().first_input()
    qtbot.waitUntil(lambda: target.hasFocus())


def test_closing_with_a_report_being_filled_in_asks_first_and_keeps_its_draft(qtbot, sqlite_db, staff, keyboard):
    window = show(qtbot, MainWindow(Session(staff["sanne"], sqlite_db)))
    keyboard.enter()
    keyboard.type("Kees")
    window.tabs.setCurrentWidget(window.inbox)
    window.close()  # Alt+F4: the window manager asks the window to close
    box = active_modal(qtbot)
    assert isinstance(box, QMessageBox) and "nog niet geregistreerd" in box.text()
    keyboard.enter()  # the default is to go on with the report
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.isVisible() and window.tabs.currentWidget() is window.intake

    activate(qtbot, window)
    window.close()
    active_modal(qtbot)
    keyboard.alt("a")  # Afsluiten
    qtbot.waitUntil(lambda: not window.isVisible())
    assert [d.fields["search"] for d in drafts.list_drafts(sqlite_db)] == ["Kees"]  # offered at the next start


def test_the_shortcuts_name_this_persons_tabs_in_their_order(window, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    window._show_shortcuts()
    assert ("<b>Ctrl+1 … Ctrl+6</b></td><td>Mijn werk, Nieuwe melding, Postvak, Dashboard, Verbetermaatregelen, "
            "Rapportage</td>") in shown[0]
