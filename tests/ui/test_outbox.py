"""Mails waiting on this PC: the main window sends them once the mail server is back; the user decides the rest."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from klachtenbureau.errors import MailQueuedError, MailUncertainError
from klachtenbureau.models import Complaint, Document
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.outbox_dialog import OutboxDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, letters
from klachtenbureau.workflow.mail import mail_settings, outgoing
from tests.mailservers import SmtpServer, free_port
from tests.reports.conftest import JAN
from tests.ui.keys import show


def _queued(staff, url: str, **problem) -> Complaint:
    """An e-mailed complaint whose acknowledgement went to a mail server that did not take it."""
    report = intake.NewReport(description="De taxi kwam veertig minuten te laat.", category="Tijdstip ophalen",
                              channel="email", relation=dict(JAN))
    complaint = intake.register(staff["sanne"], report)
    user = staff["petra"]
    pdf = letters.letter_pdf(user, complaint, "acknowledgement", by_email=True)
    with pytest.raises((MailQueuedError, MailUncertainError)):
        outgoing.send_letter(user, complaint, "acknowledgement", pdf,
                             letters.letter_email(user, complaint, "acknowledgement"), url)
    return complaint


def _mails(complaint: Complaint) -> int:
    return Document.select().where((Document.complaint == complaint.id) & (Document.kind == "email")).count()


def test_a_mail_that_waited_for_the_server_goes_with_the_next_status_round(qtbot, sqlite_db, staff):
    port = free_port()
    mail_settings.save(staff["admin"], SmtpServer(port=port).settings())
    complaint = _queued(staff, sqlite_db)
    window = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    qtbot.waitUntil(lambda: window.outbox_label.isVisible(), timeout=15_000)
    assert window.outbox_label.text() == "1 e-mail wacht op de mailserver"
    with SmtpServer(port=port) as server:
        window.refresh_status()  # the status round; the outbox goes in a round of its own
        qtbot.waitUntil(lambda: not window.outbox_label.isVisible(), timeout=15_000)
        assert len(server.messages) == 1
    assert _mails(complaint) == 1 and Complaint.get_by_id(complaint.id).acknowledgement_method == "email"
    assert "1 e-mail verstuurd" in window.statusBar().currentMessage()


def test_an_uncertain_mail_is_recorded_as_sent_by_keys_and_not_sent_again(qtbot, sqlite_db, staff):
    with SmtpServer() as server:
        mail_settings.save(staff["admin"], server.settings())
        server.drop_after_data = True
        complaint = _queued(staff, sqlite_db)
        server.drop_after_data = False
        dialog = show(qtbot, OutboxDialog(Session(staff["petra"], sqlite_db)))
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 2).text() == "Onzeker: misschien verstuurd"
        assert "Misschien is de e-mail verstuurd" in dialog.problem.text()
        dialog.grab().save("/tmp/shots/outbox.png")
        with qtbot.waitSignal(dialog.changed, timeout=10_000):
            qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Vastleggen als verstuurd
        assert dialog.table.rowCount() == 0 and len(server.messages) == 1
    assert _mails(complaint) == 1
