"""The audit viewer, the retention dialog and the AVG dialog, driven as an administrator would."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt

from klachtenbureau.models import Complaint, IncomingMail, Relation
from klachtenbureau.ui.audit_viewer import AuditViewer
from klachtenbureau.ui.privacy_dialogs import PersonRightsDialog, RetentionDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from klachtenbureau.workflow.personal_data import privacy
from tests.workflow.past import closed_complaint, years_ago

TODAY = dt.date.today()
PERSON = {"name": "Jozefien Ruitenbeek", "email": "jozefien@example.nl", "phone": "06 13572468",
          "street": "Lindelaan 12", "city": "Brakkenstein"}


def tick(qtbot, box):
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def open_dialog(qtbot, dialog, signal):
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(signal, timeout=10_000) as blocker:
        dialog.show()
    return blocker.args[0]


def test_audit_viewer_filters_by_complaint_user_and_period(qtbot, qtmodeltester, sqlite_db, staff):
    old = closed_complaint(staff, years_ago(TODAY, 2), "Oud.")
    new = intake.register(staff["sanne"], intake.NewReport(description="Nieuw.", anonymous=True, confidential=True))
    privacy.record_view(staff["henk"], new)
    viewer = AuditViewer(Session(staff["admin"], sqlite_db))
    first = open_dialog(qtbot, viewer, viewer.loaded)
    qtmodeltester.check(viewer.model)
    assert first == viewer.model.rowCount() > 0
    assert old.number not in {r.complaint_number for r in viewer.model.rows}  # only the last 30 days

    qtbot.keyClicks(viewer.number, new.number.lower())
    with qtbot.waitSignal(viewer.loaded):
        qtbot.keyClick(viewer.number, Qt.Key.Key_Return)
    assert [(r.action, r.login) for r in viewer.model.rows] == [("view", "henk"), ("register", "sanne")]
    assert viewer.model.index(0, 2).data() == "Vertrouwelijk dossier bekeken"
    assert viewer.model.index(0, 1).data() == "Henk Smit (henk)"
    registered = viewer.model.index(1, 4).data()
    assert "geregistreerd door: Sanne de Vries" in registered and "complex of gevoelig: nee" in registered

    viewer.number.clear()
    viewer.period.setCurrentIndex(viewer.period.findData("all"))
    viewer.user.setCurrentIndex(viewer.user.findData("ruud"))
    with qtbot.waitSignal(viewer.loaded):
        qtbot.mouseClick(viewer.search_button, Qt.MouseButton.LeftButton)
    assert {r.login for r in viewer.model.rows} == {"ruud"}
    assert old.number in {r.complaint_number for r in viewer.model.rows}
    viewer.grab().save("/tmp/audit_viewer.png")

    qtbot.keyClicks(viewer.number, "K1999-0001")
    qtbot.mouseClick(viewer.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: viewer.number_field.problem() != "")
    assert viewer.number_field.problem() == "Klacht K1999-0001 bestaat niet."


def test_audit_viewer_is_closed_to_a_coordinator(qtbot, sqlite_db, staff):
    viewer = AuditViewer(Session(staff["petra"], sqlite_db))
    qtbot.addWidget(viewer)
    viewer.show()
    assert not viewer.search_button.isEnabled() and viewer.model.rowCount() == 0
    assert "alleen de beheerder" in viewer.message.text.text()


def test_retention_dialog_shows_the_dry_run_and_applies_after_a_tick(qtbot, sqlite_db, staff):
    old = closed_complaint(staff, years_ago(TODAY, 4), "Oude klacht van Jozefien.", relation=PERSON,
                           category="Niet ophalen")
    kept = closed_complaint(staff, years_ago(TODAY, 1), "Recente klacht.")
    dialog = RetentionDialog(Session(staff["admin"], sqlite_db))
    assert open_dialog(qtbot, dialog, dialog.loaded) == 1
    assert dialog.table.item(0, 0).text() == old.number and dialog.table.item(0, 2).text() == "Niet ophalen"
    assert "1 klacht wordt geanonimiseerd; 1 klager(s) helemaal" in dialog.summary.text()
    assert "3 jaar" in dialog.intro.text()
    qtbot.waitUntil(lambda: dialog.intro.height() >= dialog.intro.heightForWidth(dialog.intro.width()))
    dialog.grab().save("/tmp/retention_dialog.png")
    assert not dialog.apply_button.isEnabled()
    assert Complaint.get_by_id(old.id).anonymized_at is None  # a dry run changes nothing

    tick(qtbot, dialog.confirm)
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.applied, timeout=10_000) as done, qtbot.waitSignal(dialog.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert done.args[0].numbers == [old.number]
    assert Relation.get_by_id(old.relation_id).name == "Geanonimiseerd"
    assert Complaint.get_by_id(kept.id).anonymized_at is None
    assert dialog.table.rowCount() == 0 and not dialog.apply_button.isEnabled()
    assert dialog.message.text.text() == "1 klacht geanonimiseerd."


def test_retention_dialog_forgets_old_mails_set_aside_also_when_no_complaint_is_due(qtbot, sqlite_db, staff):
    IncomingMail.create(message_id="oud@example.nl", sender_name="Reclame Bakker", sender_address="r@bakker.example",
                        subject="Aanbieding", status="not_complaint", reason="reclame",
                        handled_at=years_ago(TODAY, 4))
    dialog = RetentionDialog(Session(staff["admin"], sqlite_db))
    assert open_dialog(qtbot, dialog, dialog.loaded) == 0
    assert dialog.summary.text() == "Van 1 e-mail die geen klacht was, worden afzender en onderwerp vergeten."
    tick(qtbot, dialog.confirm)
    with qtbot.waitSignal(dialog.applied, timeout=10_000) as done:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert done.args[0].mails == 1 and IncomingMail.get().sender_name == ""


def test_retention_dialog_is_only_for_the_administrator(qtbot, sqlite_db, staff):
    dialog = RetentionDialog(Session(staff["henk"], sqlite_db))
    qtbot.addWidget(dialog)
    dialog.show()
    assert "Alleen een beheerder" in dialog.message.text.text()
    assert not dialog.apply_button.isEnabled() and not dialog.confirm.isEnabled()


def test_person_dialog_finds_exports_and_erases(qtbot, sqlite_db, staff, tmp_path):
    complaint = closed_complaint(staff, years_ago(TODAY, 1), "Klacht van Jozefien.", relation=PERSON)
    dialog = PersonRightsDialog(Session(staff["admin"], sqlite_db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.search_edit, "ruitenb")
    with qtbot.waitSignal(dialog.found) as found:
        qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert found.args[0] == 1 and dialog.relation_id() == complaint.relation_id
    qtbot.waitUntil(lambda: complaint.number in dialog.complaints.text())
    assert not dialog.erase_button.isEnabled()

    target = tmp_path / "inzage.json"
    dialog.destination.setText(str(target))
    with qtbot.waitSignal(dialog.exported):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert json.loads(target.read_text(encoding="utf-8"))["relation"]["name"] == PERSON["name"]
    dialog.grab().save("/tmp/person_dialog.png")

    qtbot.keyClicks(dialog.reason, "Verzoek per brief van 3 maart")
    assert not dialog.erase_button.isEnabled()
    tick(qtbot, dialog.confirm)
    with qtbot.waitSignal(dialog.erased) as erased:
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert erased.args[0].numbers == [complaint.number]
    assert Relation.get_by_id(complaint.relation_id).name == "Geanonimiseerd"
    assert "gewist" in dialog.message.text.text() and dialog.people.count() == 0


def test_person_dialog_says_why_an_erasure_is_refused(qtbot, sqlite_db, staff):
    still_open = intake.register(staff["sanne"], intake.NewReport(description="Nog open.", relation=PERSON))
    dialog = PersonRightsDialog(Session(staff["admin"], sqlite_db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.search_edit, "jozefien@")
    with qtbot.waitSignal(dialog.found):
        qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.reason, "verzoek")
    tick(qtbot, dialog.confirm)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: still_open.number in dialog.message.text.text())
    assert "nog in behandeling" in dialog.message.text.text()
    assert Relation.get_by_id(still_open.relation_id).name == PERSON["name"]


def test_opening_a_confidential_dossier_window_is_logged_and_a_refusal_too(qtbot, sqlite_db, staff):
    from klachtenbureau.models import AuditEntry
    from klachtenbureau.ui.dossier_window import DossierWindow

    secret = intake.register(staff["sanne"], intake.NewReport(description="Vertrouwelijk.", anonymous=True,
                                                              confidential=True))
    allowed = DossierWindow(Session(staff["fatima"], sqlite_db), secret.id)
    qtbot.addWidget(allowed)
    qtbot.waitUntil(lambda: not allowed.loading)
    assert allowed.dossier is not None and allowed.tabs.isEnabled()
    refused = DossierWindow(Session(staff["petra"], sqlite_db), secret.id)
    qtbot.addWidget(refused)
    qtbot.waitUntil(lambda: not refused.loading)
    assert refused.dossier is None and not refused.tabs.isEnabled()
    assert "geen toegang" in refused.message.text.text()
    assert [(e.user_login, e.action) for e in AuditEntry.select().where(AuditEntry.complaint_id == secret.id)
            .order_by(AuditEntry.id)] == [("sanne", "register"), ("fatima", "view"), ("petra", "view_refused")]
