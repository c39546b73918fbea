"""Waiting, escalating and closing from the dossier, driven from the keyboard; the inbox shows the stopped clock."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from klachtenbureau.i18n import format_date
from klachtenbureau.models import Complaint
from klachtenbureau.ui import printing
from klachtenbureau.ui.dossier.form_dialog import FormDialog
from klachtenbureau.ui.inbox_model import COLUMNS
from klachtenbureau.ui.inbox_view import InboxView
from klachtenbureau.workflow import deadlines, letters, procedure, settings
from tests.reports.pdftools import normalised, text
from tests.ui.keys import activate, settled, show
from tests.ui.test_dossier_window import coordinator, dossier, register, when_dialog  # noqa: F401 (fixture)
from tests.ui.test_information_request import _preview
from tests.ui.test_printing import petra, postal  # noqa: F401 (fixture)

SHOTS = Path(os.environ.get("KLACHTENBUREAU_SHOTS", "/tmp/shots/waiting"))
CTRL_ENTER = (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def shot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def cell(view: InboxView, complaint_id: int, key: str) -> str:
    model = view.model
    return model.data(model.index(model.position_of(complaint_id), [k for k, _label in COLUMNS].index(key)))


def test_waiting_for_the_complainant_stops_the_clock_in_the_dossier_and_the_inbox_until_it_ends(
        qtbot, keyboard, coordinator, staff):  # noqa: F811 (fixture)
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    left = deadlines.days_left_at_pause(c.answer_by, dt.date.today(), settings.calendar())
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    window = dossier(qtbot, coordinator, c.id)
    activate(qtbot, window)
    assert window.step_buttons["wait"].isEnabled() and not window.step_buttons["resume"].isEnabled()
    seen = {}

    def wait(dialog: FormDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["for"] = dialog.values()["waiting_for"]
        keyboard.alt("w")  # &Waarop wacht u
        keyboard.dictate("De klager stuurt de ritgegevens.")
        shot(dialog, "wait-dialog")
        keyboard.press(*CTRL_ENTER)

    when_dialog(qtbot, wait)
    qtbot.mouseClick(window.step_buttons["wait"], Qt.MouseButton.LeftButton)
    assert seen == {"title": f"Wachten – {c.number}", "for": "complainant"}
    stored = Complaint.get_by_id(c.id)
    until = settings.calendar().add_working_days(dt.date.today(), 10)
    assert (stored.waiting_for, stored.waiting_reason, stored.waiting_until, stored.answer_days_left) == (
        "complainant", "De klager stuurt de ritgegevens.", until, left)
    header = window.deadline.text()
    assert f"Termijn staat stil sinds {format_date(dt.date.today())}" in header
    assert f"verwacht uiterlijk {format_date(until)}" in header and "Antwoord uiterlijk" not in header
    assert window.step_buttons["resume"].isEnabled() and not window.step_buttons["extend"].isEnabled()
    qtbot.waitUntil(lambda: cell(view, c.id, "status") == "Wachten op klager")
    assert cell(view, c.id, "deadline").startswith("staat stil · ")
    shot(window, "dossier-waiting")

    def resume(dialog: FormDialog) -> None:
        seen["hint"] = dialog.fields["note"].hint.text()
        keyboard.dictate("Gegevens per e-mail ontvangen.")
        keyboard.press(*CTRL_ENTER)

    when_dialog(qtbot, resume)
    qtbot.mouseClick(window.step_buttons["resume"], Qt.MouseButton.LeftButton)
    due = deadlines.answer_by_after_pause(dt.date.today(), left, settings.calendar())
    assert seen["hint"].startswith(f"De termijn loopt weer: antwoord uiterlijk {format_date(due)}")
    stored = Complaint.get_by_id(c.id)
    assert (stored.waiting_for, stored.answer_by) == ("", due)
    assert "Termijn staat stil" not in window.deadline.text()
    qtbot.waitUntil(lambda: cell(view, c.id, "status") == "In behandeling")


def test_escalating_picks_the_new_handler_and_a_later_working_day(qtbot, keyboard, coordinator, staff):  # noqa: F811
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["ruud"].id)
    window = dossier(qtbot, coordinator, c.id)
    activate(qtbot, window)
    earliest, _latest = procedure.new_term(c, dt.date.today())
    later = settings.calendar().add_working_days(earliest, 3)
    seen = {}

    def escalate(dialog: FormDialog) -> None:
        seen["handler"] = dialog.values()["assigned_to"]
        seen["date"] = dialog.values()["answer_by"]
        keyboard.alt("b")  # &Behandelaar: the director takes it
        combo = dialog.editors["assigned_to"]
        keyboard.press(Qt.Key.Key_Home)
        for _step in range(combo.count()):
            if combo.currentData() == staff["henk"].id:
                break
            keyboard.press(Qt.Key.Key_Down)
        keyboard.alt("a")  # &Antwoord uiterlijk
        keyboard.type(f"{later:%d%m%Y}")
        keyboard.alt("w")  # &Waarom
        keyboard.dictate("De klager wil de directeur spreken.")
        shot(dialog, "escalate-dialog")
        keyboard.press(*CTRL_ENTER)

    when_dialog(qtbot, escalate)
    qtbot.mouseClick(window.step_buttons["escalate"], Qt.MouseButton.LeftButton)
    assert seen == {"handler": staff["ruud"].id, "date": earliest}  # the present handler and the profile's term
    stored = Complaint.get_by_id(c.id)
    assert (stored.status, stored.assigned_to_id, stored.answer_by) == ("escalated", staff["henk"].id, later)


def test_closing_while_the_escalation_runs_asks_first(qtbot, keyboard, coordinator, staff, monkeypatch):  # noqa: F811
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    c = procedure.investigate(staff["petra"], c, "Feiten")
    c = procedure.record_verdict(staff["petra"], c, "founded")
    c = procedure.answer(staff["petra"], c, "Excuses.")
    c = procedure.escalate(staff["petra"], c, "director", "Niet eens met het antwoord.")
    window = dossier(qtbot, coordinator, c.id)
    activate(qtbot, window)
    asked = []

    def question(_parent, title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes if len(asked) > 1 else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    qtbot.mouseClick(window.step_buttons["close"], Qt.MouseButton.LeftButton)  # "No": nothing opens
    assert asked == ["De escalatie naar directeur loopt nog. Toch afsluiten?"]
    assert Complaint.get_by_id(c.id).status == "escalated"

    def close(dialog: FormDialog) -> None:
        keyboard.dictate("De klager trok de escalatie in.")
        keyboard.press(*CTRL_ENTER)

    when_dialog(qtbot, close)
    qtbot.mouseClick(window.step_buttons["close"], Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and Complaint.get_by_id(c.id).status == "closed"
    assert window.step_buttons["aftercare"].isEnabled()  # aftercare can still be recorded


def test_a_request_for_information_stops_the_clock_once_it_went_out_and_its_letter_says_so(
        qtbot, keyboard, petra, staff, tmp_path, monkeypatch):  # noqa: F811 (fixture)
    new = postal(staff)
    window = dossier(qtbot, petra, new.id)
    dialog = window.open_letter("information_request")
    assert not dialog.editors["pause"].isEnabled() and not dialog.values()["pause"]  # acknowledge first
    assert dialog.fields["pause"].hint.text() == "Bevestig eerst de ontvangst; daarna kan de termijn stilstaan."
    dialog.reject()  # the window stays open: closed and deleted here, pytest-qt's teardown would close it again

    complaint = postal(staff, acknowledgement_method="phone", assign_to=staff["petra"].id)
    left = deadlines.days_left_at_pause(complaint.answer_by, dt.date.today(), settings.calendar())
    target = tmp_path / "verzoek.pdf"
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, name: target)
    window = dossier(qtbot, petra, complaint.id)
    dialog = window.open_letter("information_request")
    activate(qtbot, dialog)
    assert dialog.values()["pause"] and "staat stil tot de reactie" in dialog.fields["reply_by"].hint.text()
    keyboard.alt("v")  # &Vraag aan de klager
    keyboard.dictate("Op welke dag had de taxi u moeten ophalen?")
    shot(dialog, "information-request-pause")
    keyboard.alt("b")  # &Brief maken…
    qtbot.waitUntil(lambda: _preview(window) is not None and _preview(window).pdf is not None, timeout=20_000)
    preview = _preview(window)
    content = normalised(text(preview.pdf))
    assert ("Tot wij uw reactie hebben, staat de termijn voor ons antwoord stil. Na uw reactie krijgt u ons "
            f"antwoord binnen {left} werkdagen.") in content
    assert Complaint.get_by_id(complaint.id).waiting_for == ""  # nothing waits before the letter went out
    activate(qtbot, preview)
    with qtbot.waitSignal(preview.recorded, timeout=20_000):
        keyboard.alt("p")  # Opslaan als &PDF…
    reply_by = letters.default_reply_by()
    qtbot.waitUntil(lambda: Complaint.get_by_id(complaint.id).waiting_for == "complainant", timeout=10_000)
    stored = Complaint.get_by_id(complaint.id)
    assert (stored.waiting_until, stored.answer_days_left) == (reply_by, left)
    assert stored.waiting_reason == ("Verzoek om aanvullende informatie verstuurd: Op welke dag had de taxi u moeten "
                                     "ophalen?")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "information-request-pause.pdf").write_bytes(target.read_bytes())


def test_the_aftercare_term_is_set_with_the_deadline_profile(qtbot, keyboard, sqlite_db, staff):
    from klachtenbureau.ui.management import DeadlineProfileDialog
    from klachtenbureau.ui.session import Session

    dialog = DeadlineProfileDialog(Session(staff["admin"], sqlite_db))
    show(qtbot, dialog)
    assert dialog.aftercare.value() == 10
    keyboard.alt("n")  # &Nazorg na
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type("15")
    shot(dialog, "deadline-settings")
    keyboard.enter()
    assert settings.get("aftercare_working_days") == 15
