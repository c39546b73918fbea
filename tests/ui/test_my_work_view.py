"""Mijn werk in the desk: the tab, its lines and what they open; reminders through a recording notifier."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from klachtenbureau.models import WorkMark
from klachtenbureau.models.people import HANDLER
from klachtenbureau.ui import dossier_window
from klachtenbureau.ui.inbox_model import OVERDUE_BACKGROUND
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.reminders import RecordingNotifier
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, procedure
from klachtenbureau.workflow.upkeep import store
from tests.ui.keys import show


def register(user, days_ago: int, **overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", anonymous=True,
                  received_at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=days_ago))
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


def desk(qtbot, user, url, notifier) -> MainWindow:
    window = show(qtbot, MainWindow(Session(user, url), notifier=notifier))
    qtbot.waitUntil(lambda: window.my_work.summary_shown)
    return window


def lines(window) -> list[str]:
    tree = window.my_work.list
    return [tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole).key for i in range(tree.topLevelItemCount())]


def test_the_coordinator_starts_in_mijn_werk_late_first_in_red_with_the_count_in_the_tab(
        qtbot, sqlite_db, staff, notifier):
    late, recent = register(staff["sanne"], 30), register(staff["sanne"], 0)
    window = desk(qtbot, staff["petra"], sqlite_db, notifier)
    assert window.tabs.currentWidget() is window.my_work and window.tabs.indexOf(window.my_work) == 0
    assert lines(window)[0] == f"ack:{late.id}"
    assert f"ack:{recent.id}" in lines(window) and "unassigned" in lines(window)
    assert window.tabs.tabText(0) == f"Mijn werk ({len(lines(window))})"
    first = window.my_work.list.topLevelItem(0)
    assert first.background(2).color() == OVERDUE_BACKGROUND
    assert late.number in first.text(2) and first.text(1) == "Ontvangst bevestigen"
    assert window.my_work.header.text().startswith("Mijn werk: 1 te laat")
    assert notifier.summaries == [window.my_work.header.text()]  # once, at sign-in


def test_the_telephonist_has_mijn_werk_after_the_inbox(qtbot, sqlite_db, staff, notifier):
    window = desk(qtbot, staff["sanne"], sqlite_db, notifier)
    assert window.tabs.indexOf(window.my_work) == window.tabs.indexOf(window.inbox) + 1
    assert window.tabs.currentWidget() is window.intake


def test_enter_opens_the_complaint_and_a_place_opens_the_inbox_filtered(qtbot, sqlite_db, staff, notifier,
                                                                          keyboard):
    late = register(staff["sanne"], 30)
    window = desk(qtbot, staff["petra"], sqlite_db, notifier)
    tree = window.my_work.list
    qtbot.waitUntil(tree.hasFocus)  # the desk opens with the keyboard in the list: Enter opens the first line
    keyboard.enter()
    key = (sqlite_db, staff["petra"].id, late.id)
    qtbot.waitUntil(lambda: key in dossier_window._open_windows)
    dossier_window._open_windows[key].close()
    row = lines(window).index("unassigned")
    tree.setCurrentItem(tree.topLevelItem(row))
    qtbot.keyClick(tree, Qt.Key.Key_Enter)
    assert window.tabs.currentWidget() is window.inbox
    assert window.inbox.current_query().filter == "unassigned"


def test_a_handler_sees_a_new_complaint_until_opened_from_mijn_werk(qtbot, sqlite_db, staff, notifier):
    hans = store.create_user(store.system_user(), "hans", "Hans Kok", HANDLER)
    complaint = register(staff["sanne"], 0, acknowledgement_method="phone")
    procedure.assign(staff["petra"], complaint, hans)
    window = desk(qtbot, hans, sqlite_db, notifier)
    assert window.tabs.indexOf(window.my_work) == 0
    assert lines(window) == [f"assigned:{complaint.id}"] and window.tabs.tabText(0) == "Mijn werk (1)"
    assert window.my_work.seen_button.isEnabled()
    window.my_work.list.setCurrentItem(window.my_work.list.topLevelItem(0))
    qtbot.mouseClick(window.my_work.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lines(window) == [])
    assert WorkMark.get_or_none(WorkMark.user == hans.id, WorkMark.key == f"seen:assigned:{complaint.id}")
    assert window.tabs.tabText(0) == "Mijn werk"
    for window_ in list(dossier_window._open_windows.values()):
        window_.close()


def test_a_status_round_sends_each_reminder_once_and_a_click_opens_it(qtbot, sqlite_db, staff, notifier):
    late = register(staff["sanne"], 30)
    window = desk(qtbot, staff["petra"], sqlite_db, notifier)
    window.refresh_status()
    qtbot.waitUntil(lambda: len(notifier.shown) == 1)
    shown = notifier.shown[0]
    assert shown.item.key == f"ack:{late.id}" and shown.text == f"Ontvangst van {late.number} bevestigen"
    window.my_work.loaded.connect(lambda: setattr(window, "_round_done", True))
    window._round_done = False
    window.refresh_status()
    qtbot.waitUntil(lambda: window._round_done)
    assert len(notifier.shown) == 1  # not again today
    notifier.click(shown)
    key = (sqlite_db, staff["petra"].id, late.id)
    qtbot.waitUntil(lambda: key in dossier_window._open_windows)
    dossier_window._open_windows[key].close()
    notifier.click(None)  # several at once: the click opens Mijn werk
    assert window.tabs.currentWidget() is window.my_work
    assert notifier.summaries == [window.my_work.header.text()]


def test_a_closed_desk_reads_mijn_werk_no_more(qtbot, sqlite_db, staff, notifier):
    """The database may be another one (or gone) once the desk has closed: a late change signal reads nothing."""
    window = desk(qtbot, staff["petra"], sqlite_db, notifier)
    qtbot.waitUntil(lambda: not window.my_work._reading)
    window.close()
    window.my_work.refresh(remind=True)
    assert not window.my_work._reading
