"""The dossier window: steps by button, editing, conflicts with another PC, attachments, roles."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from klachtenbureau.models import Complaint, Document, Relation, TimelineEntry
from klachtenbureau.models.base import acting_at
from klachtenbureau.ui import printing
from klachtenbureau.ui.dossier.actions import contact_dialog
from klachtenbureau.ui.dossier.conflict import ConflictDialog
from klachtenbureau.ui.dossier.form_dialog import FormDialog
from klachtenbureau.ui.dossier_window import DossierWindow, open_dossier
from klachtenbureau.ui.inbox_model import COLUMNS
from klachtenbureau.ui.inbox_view import InboxView
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar
from klachtenbureau.workflow import intake, procedure, settings
from tests.ui.keys import activate, active_modal, settled, show
from tests.ui.other_pc import run_on_other_pc

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def register(user, **overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", channel="post",
                  relation={"name": "Els Bos", "phone": "06 12345678"})
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def coordinator(sqlite_db, staff) -> Session:
    return Session(staff["petra"], sqlite_db)


def dossier(qtbot, session: Session, complaint_id: int) -> DossierWindow:
    window = open_dossier(None, session, complaint_id)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.loading)  # read off the UI thread
    return window


def when_dialog(qtbot, handle: Callable[[QDialog], None]) -> None:
    """Deal with the modal dialog the next click opens; it is closed whatever ``handle`` does."""
    def run() -> None:
        dialog = active_modal(qtbot)
        try:
            handle(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()
    QTimer.singleShot(0, run)


def type_into(qtbot, widget: QWidget, text: str) -> None:
    """Type at the end of what the box holds."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def test_step_by_button_updates_the_database_and_the_inbox_row(qtbot, coordinator, staff):
    c = register(staff["sanne"])
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    view.open_complaint(c.id)
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, DossierWindow))
    qtbot.waitUntil(lambda: not window.loading)
    assert window.step_buttons["acknowledge"].isEnabled()

    def acknowledge(dialog: FormDialog) -> None:
        assert dialog.editors["method"].value() == "letter"  # a postal complaint: by letter
        dialog.editors["method"].button("phone").click()  # she called the complainant back instead
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, acknowledge)
    qtbot.mouseClick(window.step_buttons["acknowledge"], Qt.MouseButton.LeftButton)
    stored = Complaint.get_by_id(c.id)
    assert (stored.status, stored.acknowledgement_method) == ("acknowledged", "phone")
    status = [key for key, _label in COLUMNS].index("status")
    row = view.model.position_of(c.id)
    qtbot.waitUntil(lambda: view.model.data(view.model.index(row, status)) == "Ontvangst bevestigd")
    assert not window.step_buttons["acknowledge"].isEnabled()
    assert "Ontvangst bevestigd" in window.title.text()


def test_only_the_steps_the_procedure_allows_are_enabled(qtbot, coordinator, staff):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    enabled = {action for action, button in window.step_buttons.items() if button.isEnabled()}
    assert enabled == {"acknowledge", "assign", "extend"}
    assert "status" in window.step_buttons["close"].toolTip()


def test_step_with_bad_input_keeps_the_dialog_open_with_a_dutch_message(qtbot, coordinator, staff):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    window = dossier(qtbot, coordinator, c.id)
    seen = {}

    def investigate(dialog: FormDialog) -> None:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen["problem"] = dialog.fields["facts"].problem()
        seen["open"] = dialog.isVisible()
        type_into(qtbot, dialog.editors["facts"], "De chauffeur had het verkeerde adres.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, investigate)
    qtbot.mouseClick(window.step_buttons["investigate"], Qt.MouseButton.LeftButton)
    assert seen == {"problem": "Noteer de vastgestelde feiten.", "open": True}
    assert Complaint.get_by_id(c.id).findings_facts == "De chauffeur had het verkeerde adres."


def test_registration_edit_is_saved(qtbot, coordinator, staff):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    assert not window.form.save_button.isEnabled()
    type_into(qtbot, window.form.editors["description"], " Het was de tweede keer.")
    qtbot.mouseClick(window.form.save_button, Qt.MouseButton.LeftButton)
    assert Complaint.get_by_id(c.id).description == "De taxi kwam niet. Het was de tweede keer."
    assert not window.form.save_button.isEnabled()
    assert "opgeslagen" in window.message.text.text()


def test_a_saved_registration_is_in_the_inbox_at_once_not_at_the_next_tick_of_the_watch(qtbot, coordinator, staff):
    coordinator.changes.interval_ms = 3_600_000  # the watch would take an hour: only the announcement can tell
    c = register(staff["sanne"])
    view = settled(qtbot, show(qtbot, InboxView(coordinator)))
    view.search.setText("tweede keer")
    view.search.returnPressed.emit()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    settled(qtbot, view)
    window = dossier(qtbot, coordinator, c.id)
    type_into(qtbot, window.form.editors["description"], " Het was de tweede keer.")
    qtbot.mouseClick(window.form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.ids() == [c.id])  # read off the UI thread, long before the watch's tick


def test_the_category_is_chosen_by_a_word_from_its_name(qtbot, coordinator, staff, keyboard):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    activate(qtbot, window)
    keyboard.alt("c")  # Categorie
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type("deelnemer")
    keyboard.enter()
    category = window.form.editors["category"]
    assert category.currentText() == "Een klacht m.b.t. een mede-deelnemer" and window.form.save_button.isEnabled()
    keyboard.alt("l")  # Opslaan
    qtbot.waitUntil(lambda: "opgeslagen" in window.message.text.text())
    assert Complaint.get_by_id(c.id).category.name == "Een klacht m.b.t. een mede-deelnemer"


def test_save_after_another_pc_saved_shows_the_conflict_dialog_and_loses_nothing(qtbot, coordinator, staff,
                                                                                 sqlite_db):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    type_into(qtbot, window.form.editors["description"], " Mijn aanvulling.")
    run_on_other_pc(sqlite_db, f"""
        editing.update_registration(user("ruud"), Complaint.get_by_id({c.id}), {{"severity": 4}})
    """)
    seen = {}

    def keep_my_text(dialog: ConflictDialog) -> None:
        seen["mine"] = dialog.mine.toPlainText()
        qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, keep_my_text)
    qtbot.mouseClick(window.form.save_button, Qt.MouseButton.LeftButton)
    assert "De taxi kwam niet. Mijn aanvulling." in seen["mine"]
    stored = Complaint.get_by_id(c.id)
    assert (stored.severity, stored.description) == (4, "De taxi kwam niet.")  # Ruud's save stands
    assert window.form.editors["severity"].currentData() == 4  # the form shows it now
    assert "Mijn aanvulling." in window.form.kept.text.text()  # and my text is still at hand
    refill = window.form.kept.buttons()[0]
    qtbot.mouseClick(refill, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.form.save_button, Qt.MouseButton.LeftButton)
    stored = Complaint.get_by_id(c.id)
    assert (stored.severity, stored.description) == (4, "De taxi kwam niet. Mijn aanvulling.")


def test_step_beaten_by_another_pc_offers_the_dialog_again_with_my_input(qtbot, coordinator, staff, sqlite_db):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    window = dossier(qtbot, coordinator, c.id)
    seen = []

    def again(dialog: FormDialog) -> None:
        seen.append(dialog.editors["facts"].toPlainText())
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def keep(dialog: ConflictDialog) -> None:
        seen.append("conflict")
        when_dialog(qtbot, again)
        qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)

    def investigate(dialog: FormDialog) -> None:
        type_into(qtbot, dialog.editors["facts"], "Chauffeur was ziek.")
        run_on_other_pc(sqlite_db, f"""
            editing.update_registration(user("ruud"), Complaint.get_by_id({c.id}), {{"severity": 3}})
        """)
        when_dialog(qtbot, keep)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, investigate)
    qtbot.mouseClick(window.step_buttons["investigate"], Qt.MouseButton.LeftButton)
    assert seen == ["conflict", "Chauffeur was ziek."]
    stored = Complaint.get_by_id(c.id)
    assert (stored.findings_facts, stored.severity) == ("Chauffeur was ziek.", 3)


def test_contact_moment_with_hearing_lands_on_the_timeline(qtbot, coordinator, staff):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)

    def hearing(dialog: FormDialog) -> None:
        dialog.editors["kind"].button("hearing").setChecked(True)
        dialog.editors["method"].setCurrentIndex(dialog.editors["method"].findData("visit"))
        type_into(qtbot, dialog.editors["summary"], "Gesprek met klaagster en de vrijwilliger; excuses aangeboden.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, hearing)
    qtbot.mouseClick(window.contact_button, Qt.MouseButton.LeftButton)
    entry = TimelineEntry.select().where(TimelineEntry.complaint == c.id, TimelineEntry.kind == "hearing").get()
    assert (entry.method, entry.summary) == ("visit", "Gesprek met klaagster en de vrijwilliger; excuses aangeboden.")
    assert "excuses aangeboden" in window.browsers["timeline"].toPlainText()


def test_contact_sent_again_from_the_same_dialog_is_added_once(qtbot, coordinator, staff):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    dialog = contact_dialog(window, window.session, window.dossier)
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.editors["summary"], "Klaagster gebeld.")
    values = dialog.values()
    dialog.submit(values)
    dialog.submit(values)  # the answer to the first press was lost with the network: pressed again
    assert TimelineEntry.select().where(TimelineEntry.complaint == c.id, TimelineEntry.kind == "contact").count() == 1


def test_dropping_a_scanned_letter_onto_the_dossier_stores_it(qtbot, coordinator, staff, tmp_path):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    scan = tmp_path / "brief van klaagster.pdf"
    scan.write_bytes(PDF)
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(scan)), QUrl.fromLocalFile(str(program))])
    actions = Qt.DropAction.CopyAction
    with warnings.catch_warnings():
        # the QPoint form is the only one before PySide6 6.12 and deprecated from 6.12 on
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(50, 50), actions, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(50, 50), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: window.attachments.list.count() == 1
                    and window.attachments.list.item(0).text().startswith("brief van klaagster.pdf"))
    document = Document.get()
    assert (document.complaint_id, document.name, bytes(document.content)) == (c.id, "brief van klaagster.pdf", PDF)
    assert window.tabs.currentWidget() is window.attachments
    assert "setup.exe kan niet worden toegevoegd" in window.message.text.text()


def test_telephonist_sees_the_dossier_but_cannot_change_a_handled_complaint(qtbot, sqlite_db, staff):
    c = register(staff["sanne"])
    procedure.acknowledge(staff["petra"], c, "letter")
    window = dossier(qtbot, Session(staff["sanne"], sqlite_db), c.id)
    assert not any(button.isEnabled() for button in window.step_buttons.values())
    assert window.form.editors["description"].isReadOnly()
    assert not window.form.save_button.isVisible()
    assert window.contact_button.isEnabled()  # she may still note a call from the complainant


def test_confidential_dossier_stays_closed_to_the_coordinator(qtbot, coordinator, staff):
    c = register(staff["henk"], confidential=True, description="Vertrouwelijk: over een vrijwilliger.")
    window = dossier(qtbot, coordinator, c.id)
    assert "geen toegang" in window.message.text.text()
    assert window.form.editors["description"].toPlainText() == ""
    assert not window.tabs.isEnabled()
    assert not any(button.isEnabled() for button in window.step_buttons.values())


def test_remedy_with_compensation_amount_is_recorded(qtbot, coordinator, staff):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    window = dossier(qtbot, coordinator, c.id)

    def remedy(dialog: FormDialog) -> None:
        dialog.editors["remedies"].boxes["apology"].setChecked(True)
        dialog.editors["remedies"].boxes["compensation"].setChecked(True)
        type_into(qtbot, dialog.editors["compensation_amount"], "25,50")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, remedy)
    qtbot.mouseClick(window.step_buttons["remedy"], Qt.MouseButton.LeftButton)
    stored = Complaint.get_by_id(c.id)
    assert (stored.remedies, stored.compensation_amount) == ("apology,compensation", Decimal("25.50"))
    assert "€ 25,50" in window.browsers["handling"].toPlainText()


def test_extension_dialog_proposes_two_weeks_and_needs_reason_and_notice(qtbot, coordinator, staff):
    with acting_at(dt.datetime(2025, 3, 3, 9, 0)):  # answer by Monday 10 March; two weeks on: a working day
        c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    window = dossier(qtbot, coordinator, c.id)
    seen = {}

    def extend(dialog: FormDialog) -> None:
        seen["proposed"] = dialog.values()["new_answer_by"]
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen["problems"] = sorted(name for name, field in dialog.fields.items() if field.problem())
        type_into(qtbot, dialog.editors["reason"], "Wacht op de vervoerder.")
        dialog.editors["complainant_informed"].setChecked(True)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, extend)
    qtbot.mouseClick(window.step_buttons["extend"], Qt.MouseButton.LeftButton)
    assert seen["proposed"] == c.answer_by + dt.timedelta(weeks=2)
    assert seen["problems"] == ["complainant_informed", "reason"]
    stored = Complaint.get_by_id(c.id)
    assert (stored.answer_by, stored.extension_count) == (c.answer_by + dt.timedelta(weeks=2), 1)


def test_extension_dialog_proposes_and_accepts_only_working_days_within_the_profiles_maximum(
        qtbot, coordinator, staff):
    settings.put(staff["admin"], "deadline_profile", "wkkgz")
    with acting_at(dt.datetime(2025, 10, 30, 9, 0)):  # six weeks: answer by Thursday 11 December 2025
        c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    window = dossier(qtbot, coordinator, c.id)
    seen = {}

    def extend(dialog: FormDialog) -> None:
        date = dialog.editors["new_answer_by"]
        seen["proposed"] = date.date().toPython()  # two weeks on is Christmas: the next working day
        seen["hint"] = dialog.fields["new_answer_by"].hint.text()
        type_into(qtbot, dialog.editors["reason"], "Wachten op het advies van de commissie.")
        qtbot.keyClick(dialog.editors["complainant_informed"], Qt.Key.Key_Space)
        for day in (dt.date(2025, 12, 25), dt.date(2026, 1, 9)):
            date.setDate(day)
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
            seen[day] = dialog.fields["new_answer_by"].problem()
            seen.setdefault("fits", dialog.height() >= dialog.heightForWidth(dialog.width()))  # no message cut off
        date.setDate(dt.date(2026, 1, 8))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, extend)
    qtbot.mouseClick(window.step_buttons["extend"], Qt.MouseButton.LeftButton)
    assert seen["proposed"] == dt.date(2025, 12, 29)
    assert seen["hint"] == "Nu: 11 december 2025. Kies een werkdag, uiterlijk 8 januari 2026."
    assert seen[dt.date(2025, 12, 25)] == ("Op donderdag 25 december 2025 wordt niet gewerkt (Eerste kerstdag); "
                                           "kies een werkdag.")
    assert "tot uiterlijk 8 januari 2026" in seen[dt.date(2026, 1, 9)] and seen["fits"]
    assert Complaint.get_by_id(c.id).answer_by == dt.date(2026, 1, 8)


def test_complainant_details_are_corrected_from_the_dossier(qtbot, coordinator, staff):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)

    def correct(dialog: FormDialog) -> None:
        assert dialog.editors["name"].text() == "Els Bos"  # what is stored, ready to correct
        dialog.editors["phone"].clear()
        type_into(qtbot, dialog.editors["phone"], "0612345679")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, correct)
    qtbot.mouseClick(window.relation_button, Qt.MouseButton.LeftButton)
    stored = Relation.get_by_id(c.relation_id)
    assert (stored.name, stored.phone) == ("Els Bos", "06 12345679")
    assert "06 12345679" in window.browsers["complainant"].toPlainText()


def test_assigning_by_dialog_hands_the_complaint_to_the_chosen_colleague(qtbot, coordinator, staff):
    c = register(staff["sanne"], acknowledgement_method="phone")
    window = dossier(qtbot, coordinator, c.id)

    def assign(dialog: FormDialog) -> None:
        combo = dialog.editors["assigned_to"]
        # neither the telephonist nor the administrator's account; each with their role
        assert [combo.itemText(i) for i in range(combo.count())] == [
            "Anouk Visser (kwaliteitsmedewerker)", "Fatima Yilmaz (vertrouwenspersoon)",
            "Henk Smit (directeur / bestuur)", "Petra Jansen (klachtencoördinator)",
            "Ruud Bakker (klachtencoördinator)"]
        assert combo.currentText() == "Petra Jansen (klachtencoördinator)"  # the coordinator herself
        combo.setCurrentIndex(combo.findData(staff["ruud"].id))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, assign)
    qtbot.mouseClick(window.step_buttons["assign"], Qt.MouseButton.LeftButton)
    stored = Complaint.get_by_id(c.id)
    assert (stored.assigned_to_id, stored.status) == (staff["ruud"].id, "in_progress")
    assert "Behandelaar: Ruud Bakker" in window.subtitle.text()


def test_acknowledging_by_letter_as_chosen_at_the_intake_makes_the_letter_first(qtbot, coordinator, staff, tmp_path,
                                                                                 monkeypatch):
    c = register(staff["sanne"], channel="phone", acknowledgement_to_send="letter",
                 relation={"name": "Els Bos", "street": "Molenweg 3", "postcode": "8011 AA", "city": "Zwolle"})
    target = tmp_path / "ontvangstbevestiging.pdf"
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, _name: target)
    window = dossier(qtbot, coordinator, c.id)
    seen = {}

    def acknowledge(dialog: FormDialog) -> None:
        seen["method"], seen["button"] = dialog.editors["method"].value(), dialog.ok_button.text()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, acknowledge)
    qtbot.mouseClick(window.step_buttons["acknowledge"], Qt.MouseButton.LeftButton)
    assert seen == {"method": "letter", "button": "&Brief maken…"}  # as the telephonist chose, not by channel
    assert Complaint.get_by_id(c.id).acknowledged_at is None  # no letter yet: not acknowledged yet
    preview = window.findChild(printing.LetterPreviewDialog)
    qtbot.waitUntil(preview.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(preview.recorded, timeout=10_000):
        qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    stored = Complaint.get_by_id(c.id)
    assert (stored.status, stored.acknowledgement_method) == ("acknowledged", "letter")
    assert bytes(Document.get(Document.complaint == c.id).content) == target.read_bytes()
    assert "per brief verstuurd" in window.message.text.text()


def test_telephonist_may_acknowledge_what_she_registered_and_nothing_else(qtbot, sqlite_db, staff):
    c = register(staff["sanne"])
    window = dossier(qtbot, Session(staff["sanne"], sqlite_db), c.id)
    assert [action for action, button in window.step_buttons.items() if button.isEnabled()] == ["acknowledge"]
    assert window.step_buttons["assign"].toolTip() == "Alleen de coördinator of de behandelaar zet deze stap."


def test_assign_dialog_of_someone_who_handles_no_complaints_proposes_a_coordinator(qtbot, sqlite_db, staff):
    c = register(staff["sanne"])
    window = dossier(qtbot, Session(staff["admin"], sqlite_db), c.id)
    seen = {}

    def assign(dialog: FormDialog) -> None:
        seen["proposed"] = dialog.editors["assigned_to"].currentText()

    when_dialog(qtbot, assign)
    qtbot.mouseClick(window.step_buttons["assign"], Qt.MouseButton.LeftButton)
    assert seen == {"proposed": "Petra Jansen (klachtencoördinator)"}  # not Anouk, the first in the alphabet


def test_compensation_below_zero_is_refused_at_the_field_saying_so(qtbot, coordinator, staff):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    window = dossier(qtbot, coordinator, c.id)
    seen = {}

    def remedy(dialog: FormDialog) -> None:
        qtbot.keyClick(dialog.editors["remedies"].boxes["compensation"], Qt.Key.Key_Space)
        type_into(qtbot, dialog.editors["compensation_amount"], "-25")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen["problem"] = dialog.fields["compensation_amount"].problem()

    when_dialog(qtbot, remedy)
    qtbot.mouseClick(window.step_buttons["remedy"], Qt.MouseButton.LeftButton)
    assert seen["problem"] == "Het bedrag kan niet negatief zijn; vul het in zonder minteken, bijvoorbeeld 25,00."
    assert Complaint.get_by_id(c.id).remedies == ""


def test_verdict_motivation_and_escalation_reason_show_in_the_handling_tab(qtbot, coordinator, staff):
    c = register(staff["sanne"], acknowledgement_method="phone", assign_to=staff["petra"].id)
    procedure.investigate(staff["petra"], c, "De chauffeur had het verkeerde adres.")
    window = dossier(qtbot, coordinator, c.id)

    def verdict(dialog: FormDialog) -> None:
        qtbot.keyClick(dialog.editors["verdict"].button("founded"), Qt.Key.Key_Space)
        type_into(qtbot, dialog.editors["motivation"], "Het adres stond verkeerd in de planning.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def escalate(dialog: FormDialog) -> None:
        type_into(qtbot, dialog.editors["reason"], "Klager wil de directeur spreken.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    for action, handle in (("verdict", verdict), ("escalate", escalate)):
        when_dialog(qtbot, handle)
        qtbot.mouseClick(window.step_buttons[action], Qt.MouseButton.LeftButton)
    handling = window.browsers["handling"].toPlainText()
    assert "Motivering\nHet adres stond verkeerd in de planning." in handling
    assert "Reden escalatie\nKlager wil de directeur spreken." in handling


def test_reloading_after_a_conflict_takes_away_the_warning_of_unsaved_changes(qtbot, coordinator, staff, sqlite_db):
    c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    type_into(qtbot, window.form.editors["description"], " Mijn aanvulling.")
    run_on_other_pc(sqlite_db, f"""
        editing.update_registration(user("ruud"), Complaint.get_by_id({c.id}), {{"severity": 4}})
    """)

    def warned() -> bool:
        return any(bar.isVisible() and "nog niet opgeslagen" in bar.text.text()
                   for bar in window.findChildren(MessageBar))

    qtbot.waitUntil(warned, timeout=10_000)  # the window noticed the colleague's change
    when_dialog(qtbot, lambda dialog: qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton))
    qtbot.mouseClick(window.form.save_button, Qt.MouseButton.LeftButton)
    assert "Mijn aanvulling." in window.form.kept.text.text()
    assert window.form.editors["severity"].currentData() == 4
    assert not warned()
    qtbot.mouseClick(window.form.kept.buttons()[0], Qt.MouseButton.LeftButton)  # my text back in the form
    qtbot.mouseClick(window.form.save_button, Qt.MouseButton.LeftButton)
    assert Complaint.get_by_id(c.id).description == "De taxi kwam niet. Mijn aanvulling."


def test_incident_date_is_checked_against_the_receipt_and_an_unlikely_one_is_asked_about(qtbot, coordinator, staff):
    with acting_at(dt.datetime(2026, 11, 2, 10, 0)):  # a letter that came in on Monday 2 November
        c = register(staff["sanne"])
    window = dossier(qtbot, coordinator, c.id)
    form = window.form
    date, field = form.editors["incident_date"], form.fields["incident_date"]

    date.setDate(QDate(2026, 11, 3))  # as picked from the calendar
    assert field.problem() == "Het voorval kan niet na de ontvangst van de melding zijn gebeurd; controleer beide datums."
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert Complaint.get_by_id(c.id).incident_date is None

    date.setDate(QDate(2026, 3, 1))
    assert not field.problem()
    assert field.hint.text() == "Dat is meer dan een half jaar voor de melding. Klopt de datum?"
    asked = []

    def answer(button: str) -> Callable[[QDialog], None]:
        def press(box: QMessageBox) -> None:
            asked.append(box.text())
            qtbot.mouseClick(next(b for b in box.buttons() if b.text() == button), Qt.MouseButton.LeftButton)
        return press

    when_dialog(qtbot, answer("&Nee, datum aanpassen"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert asked[0] == ("Datum voorval: zondag 1 maart 2026. Dat is meer dan een half jaar voor de melding. "
                        "Klopt de datum?")
    assert Complaint.get_by_id(c.id).incident_date is None

    when_dialog(qtbot, answer("&Ja, de datum klopt"))
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Complaint.get_by_id(c.id).incident_date == dt.date(2026, 3, 1))
    assert len(asked) == 2 and not field.hint.isVisibleTo(form)
