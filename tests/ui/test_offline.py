"""The share drops mid-work: the whole desk goes offline, steps wait on this PC, nothing is lost or doubled.

A real SQLite file in its own folder; the folder is moved away (share_gone)
or made immutable (read_only) exactly as in tests/workflow/test_resilience.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox

from klachtenbureau.models import AuditEntry, Complaint, TimelineEntry, User, database
from klachtenbureau.ui import crash
from klachtenbureau.ui.dossier.form_dialog import FormDialog
from klachtenbureau.ui.dossier_window import DossierWindow, open_dossier
from klachtenbureau.ui.main_window import OFFLINE_INTERVAL_MS, STATUS_INTERVAL_MS, MainWindow
from klachtenbureau.ui.pending_writes import PendingWritesDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import editing, intake, procedure, recheck
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.upkeep import store
from tests.ui.keys import show
from tests.ui.test_dossier_window import type_into, when_dialog
from tests.workflow.test_resilience import read_only, share_gone


@pytest.fixture
def office(tmp_path):
    """A database in its own folder (the share) with a coordinator and a telephonist; yields (session, folder)."""
    folder = tmp_path / "share"
    folder.mkdir()
    url = f"sqlite:///{(folder / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    system = store.system_user()
    petra = store.create_user(system, "petra", "Petra Jansen", "coordinator")
    store.create_user(system, "sanne", "Sanne de Vries", "intake")
    yield Session(petra, url), folder
    QThreadPool.globalInstance().waitForDone(10_000)
    database.close()


def complaint_in_progress(session: Session) -> Complaint:
    """Acknowledged and assigned to Petra: the 'investigate' step is next."""
    sanne = User.get(User.login == "sanne")
    report = intake.NewReport(description="De thuiszorg kwam niet.", relation={"name": "Jan de Vries", "phone": "06 12345678"},
                              acknowledgement_method="phone", assign_to=session.user.id)
    return intake.register(sanne, report)


def desk(qtbot, session: Session, complaint: Complaint) -> tuple[MainWindow, DossierWindow]:
    main = show(qtbot, MainWindow(session))
    qtbot.waitUntil(lambda: "verbonden" in main.database_label.text(), timeout=10_000)
    window = open_dossier(main, session, complaint.id)  # a child of the main window: qtbot closes both
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.loading)  # read off the UI thread
    return main, window


def record_findings(qtbot, window: DossierWindow, facts: str) -> None:
    def fill(dialog: FormDialog) -> None:
        type_into(qtbot, dialog.editors["facts"], facts)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, fill)
    qtbot.mouseClick(window.step_buttons["investigate"], Qt.MouseButton.LeftButton)


def test_a_step_taken_while_the_share_is_gone_waits_on_this_pc_and_is_saved_once_when_it_is_back(qtbot, office):
    session, folder = office
    complaint = complaint_in_progress(session)
    main, window = desk(qtbot, session, complaint)
    with share_gone(folder):
        record_findings(qtbot, window, "Planning had de afspraak niet ingevoerd.")
        # the dialog closed: the step waits on this PC, and the whole desk says it is offline
        waiting = write_queue.pending(session.database_url)
        assert [(w.action, w.payload["arguments"]["facts"]) for w in waiting] == [
            ("investigate", "Planning had de afspraak niet ingevoerd.")]
        assert "Wacht op de database: Onderzoek vastleggen" in window.pending_bar.text.text()
        assert "Bewaard op deze computer" in window.pending_bar.text.text()
        assert not any(button.isEnabled() for button in window.step_buttons.values())
        assert "Zonder verbinding sinds" in window.connection_bar.text.text()
        assert not window.letters_button.isEnabled() and not window.relation_button.isEnabled()
        assert window.contact_button.isEnabled()  # a contact moment can wait too
        qtbot.waitUntil(lambda: main.connection_bar.isVisible(), timeout=10_000)
        assert "Zonder verbinding sinds" in main.connection_bar.text.text()
        assert "niet bereikbaar sinds" in main.database_label.text()
        assert main._status_timer.interval() == OFFLINE_INTERVAL_MS
        assert not main.manage_menu.actions()[1].isEnabled()  # Categorieën: needs the database now
        main.refresh_status()  # still gone: it stays offline, the step keeps waiting
        QThreadPool.globalInstance().waitForDone(10_000)
        assert len(write_queue.pending(session.database_url)) == 1
    main.refresh_status()
    qtbot.waitUntil(lambda: write_queue.pending(session.database_url) == [], timeout=10_000)
    qtbot.waitUntil(lambda: "hersteld" in main.connection_bar.text.text(), timeout=10_000)
    assert "1 wijziging die op deze computer wachtte, is opgeslagen" in main.connection_bar.text.text()
    assert main._status_timer.interval() == STATUS_INTERVAL_MS
    assert main.manage_menu.actions()[1].isEnabled()
    stored = Complaint.get_by_id(complaint.id)
    assert stored.findings_facts == "Planning had de afspraak niet ingevoerd."
    assert AuditEntry.select().where(AuditEntry.operation_id == waiting[0].operation_id).count() == 1
    qtbot.waitUntil(lambda: not window.connection_bar.isVisible() and not window.pending_bar.isVisible())
    assert window.step_buttons["verdict"].isEnabled() and window.letters_button.isEnabled()


def test_what_was_typed_in_the_form_offline_is_still_there_when_the_waiting_step_is_sent(qtbot, office):
    session, folder = office
    complaint = complaint_in_progress(session)
    main, window = desk(qtbot, session, complaint)
    with share_gone(folder):
        type_into(qtbot, window.form.editors["desired_outcome"], "Excuses en een vaste tijd.")
        record_findings(qtbot, window, "Planning had de afspraak niet ingevoerd.")
    main.refresh_status()
    qtbot.waitUntil(lambda: write_queue.pending(session.database_url) == [], timeout=10_000)
    qtbot.waitUntil(lambda: window.dossier.complaint.findings_facts == "Planning had de afspraak niet ingevoerd.")
    assert window.form.editors["desired_outcome"].toPlainText() == "Excuses en een vaste tijd."
    qtbot.mouseClick(window.form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Complaint.get_by_id(complaint.id).desired_outcome == "Excuses en een vaste tijd.")


def test_a_reload_keeps_unsaved_edits_and_offers_the_one_a_colleague_overtook(qtbot, office):
    session, _folder = office
    complaint = complaint_in_progress(session)
    _main, window = desk(qtbot, session, complaint)
    type_into(qtbot, window.form.editors["desired_outcome"], "Excuses en een vaste tijd.")
    type_into(qtbot, window.form.editors["description"], " Ook 's avonds niet.")
    karin = store.create_user(store.system_user(), "karin", "Karin Bos", "coordinator")
    editing.update_registration(karin, Complaint.get_by_id(complaint.id),
                                {"description": "De thuiszorg kwam niet, twee keer."})
    window.reload()  # what the desk does when the connection is back or a waiting step was sent
    assert window.form.editors["desired_outcome"].toPlainText() == "Excuses en een vaste tijd."
    assert window.form.editors["description"].toPlainText() == "De thuiszorg kwam niet, twee keer."
    assert "Ook 's avonds niet." in window.form.kept.text.text()
    assert window.form.save_button.isEnabled()


def test_a_waiting_step_the_database_refuses_later_can_be_filled_in_again(qtbot, office):
    session, folder = office
    complaint = complaint_in_progress(session)
    main, window = desk(qtbot, session, complaint)
    with share_gone(folder):
        record_findings(qtbot, window, "Mijn bevindingen, met veel werk getypt.")
    # Meanwhile, on another PC, a colleague recorded the investigation first.
    procedure.investigate(session.user, Complaint.get_by_id(complaint.id), "Bevindingen van de collega.")
    main.refresh_status()
    qtbot.waitUntil(lambda: "Uw tekst is niet weg" in main.connection_bar.text.text(), timeout=10_000)
    [refused] = write_queue.pending(session.database_url)
    assert "intussen gewijzigd" in refused.problem
    qtbot.waitUntil(lambda: "is niet opgeslagen" in window.pending_bar.text.text())
    assert Complaint.get_by_id(complaint.id).findings_facts == "Bevindingen van de collega."

    # The list in Bestand → Wachtende wijzigingen shows it, with the text to copy.
    dialog = PendingWritesDialog(session, main)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and complaint.number in dialog.table.item(0, 2).text()
    assert "Mijn bevindingen, met veel werk getypt." in dialog.text.toPlainText()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert "Mijn bevindingen" in QApplication.clipboard().text()
    dialog.close()

    # "Opnieuw invullen" opens the step with the user's own text; saving it empties the queue.
    refill = next(b for b in window.pending_bar.buttons() if "invullen" in b.text())

    def check_and_save(step: FormDialog) -> None:
        assert step.editors["facts"].toPlainText() == "Mijn bevindingen, met veel werk getypt."
        qtbot.mouseClick(step.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, check_and_save)
    qtbot.mouseClick(refill, Qt.MouseButton.LeftButton)
    assert write_queue.pending(session.database_url) == []
    assert Complaint.get_by_id(complaint.id).findings_facts == "Mijn bevindingen, met veel werk getypt."
    assert not window.pending_bar.isVisible()


def test_contact_moments_wait_and_are_added_once_each(qtbot, office):
    session, folder = office
    complaint = complaint_in_progress(session)
    main, window = desk(qtbot, session, complaint)
    with share_gone(folder):
        for summary in ("Klager gebeld, geen gehoor.", "Klager teruggebeld."):
            def fill(dialog: FormDialog, text: str = summary) -> None:
                type_into(qtbot, dialog.editors["summary"], text)
                qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

            when_dialog(qtbot, fill)
            qtbot.mouseClick(window.contact_button, Qt.MouseButton.LeftButton)
        assert len(write_queue.pending(session.database_url)) == 2
        assert window.step_buttons["investigate"].isEnabled()  # waiting contact moments hold no step back
    main.refresh_status()
    qtbot.waitUntil(lambda: write_queue.pending(session.database_url) == [], timeout=10_000)
    summaries = [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == complaint.id,
                                                                   TimelineEntry.kind == "contact")
                 .order_by(TimelineEntry.id)]
    assert summaries == ["Klager gebeld, geen gehoor.", "Klager teruggebeld."]


def test_a_read_only_share_is_a_read_only_state_until_it_takes_writes_again(qtbot, office):
    session, folder = office
    complaint = complaint_in_progress(session)
    main, window = desk(qtbot, session, complaint)
    with read_only(folder):
        record_findings(qtbot, window, "Bevindingen tijdens alleen-lezen.")
        assert len(write_queue.pending(session.database_url)) == 1
        main.refresh_status()  # reconnects: the file opens, but takes no writes
        qtbot.waitUntil(lambda: "Alleen lezen sinds" in main.connection_bar.text.text(), timeout=10_000)
        assert "alleen-lezen sinds" in main.database_label.text()
        assert "schrijfrechten" in main.connection_bar.toolTip()
        assert "Alleen lezen sinds" in window.connection_bar.text.text()
        assert Complaint.get_by_id(complaint.id).findings_facts == ""  # reading still works
    main.refresh_status()
    qtbot.waitUntil(lambda: write_queue.pending(session.database_url) == [], timeout=10_000)
    assert Complaint.get_by_id(complaint.id).findings_facts == "Bevindingen tijdens alleen-lezen."
    qtbot.waitUntil(lambda: not window.connection_bar.isVisible())


def test_a_crash_keeps_what_was_typed_in_the_dossier_and_it_is_offered_when_the_dossier_opens_again(qtbot, office):
    session, folder = office
    complaint = complaint_in_progress(session)
    main, window = desk(qtbot, session, complaint)
    type_into(qtbot, window.form.fields["description"].editor, " Ook de avonddienst kwam niet.")
    step = window.findChild(FormDialog) or None
    assert step is None
    from klachtenbureau.ui.dossier.actions import step_dialog

    dialog = step_dialog(window, session, window.dossier, "investigate")
    dialog.show()
    type_into(qtbot, dialog.editors["facts"], "Half getypte bevindingen")
    assert crash.save_unsaved_work() is True
    dialog.reject()
    window.form.set_values({"description": Complaint.get_by_id(complaint.id).description})
    window.close()
    again = open_dossier(main, session, complaint.id)
    qtbot.waitUntil(lambda: not again.loading)
    kept = again.kept_bar.text.text()
    assert "Ook de avonddienst kwam niet." in kept and "Half getypte bevindingen" in kept
    done = next(b for b in again.kept_bar.buttons() if "Klaar" in b.text().replace("&", ""))
    qtbot.mouseClick(done, Qt.MouseButton.LeftButton)
    assert not again.kept_bar.isVisible()


def test_closing_a_dossier_with_changes_while_the_share_is_gone_keeps_them_on_this_pc(qtbot, office):
    session, folder = office
    complaint = complaint_in_progress(session)
    main, window = desk(qtbot, session, complaint)
    type_into(qtbot, window.form.fields["description"].editor, " Ook 's avonds niet.")
    with share_gone(folder):
        answers = []

        def answer(box) -> None:  # first "Wijzigingen opslaan?" → Opslaan; then the notice that it is kept
            answers.append(box.text())
            box.button(QMessageBox.StandardButton.Save if not answers[1:] else QMessageBox.StandardButton.Ok).click()
            if len(answers) == 1:
                when_dialog(qtbot, answer)

        when_dialog(qtbot, answer)
        window.close()
        qtbot.waitUntil(lambda: len(answers) == 2)
        assert "op deze computer bewaard" in answers[1]
    again = open_dossier(main, session, complaint.id)
    qtbot.waitUntil(lambda: not again.loading)
    assert "Ook 's avonds niet." in again.kept_bar.text.text()
    assert "Ook 's avonds niet." not in Complaint.get_by_id(complaint.id).description


@pytest.mark.expect_log("^Bevestigde wijziging .* ontbreekt in ")
def test_a_confirmed_intake_the_shared_file_lost_is_made_again_and_the_desk_raises_the_alarm(qtbot, office,
                                                                                               monkeypatch):
    session, folder = office
    path = folder / "klachten.db"
    monkeypatch.setattr(recheck, "CHECK_AFTER", dt.timedelta(0))
    sanne = User.get(User.login == "sanne")
    database.close()
    stale = path.read_bytes()  # what another PC still holds of the file
    store.open_database(session.database_url)
    report = intake.NewReport(description="Bevestigd aan de beller.", anonymous=True, channel="phone")
    told = write_queue.submit(sanne, "register", write_queue.report_payload(report), session.database_url).number
    database.close()
    path.write_bytes(stale)  # ... and writes over it: the registration is gone
    store.open_database(session.database_url)
    main = show(qtbot, MainWindow(session))
    qtbot.waitUntil(main.lost_writes_label.isVisible, timeout=10_000)
    assert "kantoorserver" in main.connection_bar.text.text()
    assert f"Melding {told}" in main.connection_bar.text.text()
    assert f"Melding {told}" in main.lost_writes_label.toolTip()
    assert [c.number for c in Complaint.select().where(Complaint.description == "Bevestigd aan de beller.")] == [told]
    main.grab().save(str(folder.parent / "alarm.png"))
