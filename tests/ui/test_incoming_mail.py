"""Binnengekomen in the inbox tab, against a real Dovecot: each mail becomes a report, a contact moment or
nothing, by keys, and leaves the list; the server is marked only after the database has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from klachtenbureau.models import Complaint, Document, IncomingMail, TimelineEntry
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from klachtenbureau.workflow.mail import mail_settings, mailbox
from klachtenbureau.workflow.mail.mail_settings import MailSettings
from tests.imapserver import PASSWORD, USER
from tests.reports.conftest import JAN
from tests.ui.keys import show
from tests.workflow import mail_mix


@pytest.fixture
def office_mailbox(imap_server, sqlite_db, staff) -> MailSettings:
    imap_server.empty()
    settings = MailSettings(imap_host="127.0.0.1", imap_port=imap_server.port, imap_security="none", imap_user=USER,
                            imap_password=PASSWORD, imap_folder="INBOX")
    mail_settings.save(staff["admin"], settings)
    return settings


def _window(qtbot, sqlite_db, staff) -> MainWindow:
    window = show(qtbot, MainWindow(Session(staff["petra"], sqlite_db)))
    window.tabs.setCurrentWidget(window.inbox)
    inbox = window.inbox
    qtbot.waitUntil(lambda: "(" in inbox.mailbox_button.text(), timeout=15_000)  # counted before it is opened
    qtbot.keyClick(inbox, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Binnengekomen mail
    qtbot.waitUntil(lambda: inbox.incoming.isVisible() and not inbox.incoming.busy, timeout=15_000)
    return window


def _answer(qtbot, text: str) -> None:
    """Type into the question that just opened and press Enter."""
    dialog = _question(qtbot)
    qtbot.keyClicks(dialog.findChild(QLineEdit), text)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)


def _question(qtbot) -> QInputDialog:
    qtbot.waitUntil(lambda: any(isinstance(w, QInputDialog) and w.isVisible() for w in QApplication.topLevelWidgets()),
                    timeout=10_000)
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())


def test_a_mail_becomes_a_report_through_the_wizard_and_leaves_the_list(qtbot, keyboard, sqlite_db, staff,
                                                                        imap_server, office_mailbox):
    imap_server.append(mail_mix.utf8_dutch())
    window = _window(qtbot, sqlite_db, staff)
    incoming = window.inbox.incoming
    assert incoming.table.rowCount() == 1 and "Zoë van Dijk" in incoming.table.item(0, 1).text()
    assert window.inbox.mailbox_button.text() == "Binnengekomen &mail (1)"
    assert incoming.preview.toPlainText().startswith("Geachte heer, mevrouw")
    window.inbox.grab().save("/tmp/shots/binnengekomen.png")
    incoming.table.setFocus()
    qtbot.keyClick(incoming.table, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Nieuwe melding
    wizard = window.intake
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is wizard and wizard.mail is not None, timeout=10_000)
    assert wizard.values["channel"] == "email" and wizard.values["relation"]["email"] == "zoe@example.nl"
    assert wizard.values["mailbox_uid"] == incoming.listed[0].uid
    kept = Path(wizard.values["mail_file"])
    assert kept.read_bytes() == wizard.mail.raw  # a draft of the report can find the mail again
    wizard.pages[0].setFocus()
    keyboard.enter()  # who: the sender
    keyboard.enter()
    keyboard.enter()  # a complaint
    keyboard.tab()
    keyboard.type("Ni")  # the category "Niet ophalen"
    keyboard.enter()
    keyboard.enter()  # handed over: Registreren
    qtbot.waitUntil(lambda: wizard.current_page() is wizard.confirmation, timeout=15_000)
    assert not kept.exists()  # the complaint has the mail now: no copy left on this PC
    handled = IncomingMail.get()
    complaint = Complaint.get_by_id(handled.complaint_id)
    assert (handled.status, handled.message_id, complaint.channel) == ("complaint", "utf8-1@example.nl", "email")
    window.tabs.setCurrentWidget(window.inbox)
    qtbot.keyClicks(window.inbox.search, complaint.number)  # a search asks for complaints, not mails
    qtbot.keyClick(window.inbox.search, Qt.Key.Key_Return)
    assert window.inbox.pages.currentWidget() is window.inbox.table and not window.inbox.mailbox_button.isChecked()
    assert Document.select().where((Document.complaint == complaint.id) & (Document.kind == "email")).count() == 1
    assert mailbox.new_messages(office_mailbox) == []  # marked on the server, after the write


def test_a_reply_goes_to_its_complaint_and_a_newsletter_is_set_aside_with_a_reason(qtbot, sqlite_db, staff,
                                                                                    imap_server, office_mailbox):
    report = intake.NewReport(description="De taxi kwam veertig minuten te laat.", category="Tijdstip ophalen",
                              channel="email", relation=dict(JAN))
    complaint = intake.register(staff["sanne"], report)
    imap_server.append(mail_mix.reply(complaint.number))
    imap_server.append(mail_mix.newsletter())
    window = _window(qtbot, sqlite_db, staff)
    incoming = window.inbox.incoming
    assert incoming.table.rowCount() == 2
    incoming.table.selectRow([m.complaint_number for m in incoming.listed].index(complaint.number))
    qtbot.keyClick(incoming.table, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Bij klacht voegen
    dialog = _question(qtbot)
    assert dialog.textValue() == complaint.number  # suggested by the number in the subject
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: incoming.table.rowCount() == 1, timeout=15_000)
    entry = TimelineEntry.select().where((TimelineEntry.complaint == complaint.id)
                                         & (TimelineEntry.direction == "in")).get()
    assert (entry.method, entry.summary.startswith("E-mail ontvangen")) == ("email", True)

    assert incoming.message.text.text() == f"De e-mail staat als contactmoment bij klacht {complaint.number}."
    window.activateWindow()  # the offscreen platform does not give the window back when the question closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(incoming.table, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # Geen klacht
    _answer(qtbot, "nieuwsbrief")
    qtbot.waitUntil(lambda: incoming.table.rowCount() == 0, timeout=15_000)
    assert [(m.status, m.reason) for m in IncomingMail.select().order_by(IncomingMail.id)] == [
        ("added", ""), ("not_complaint", "nieuwsbrief")]


def test_a_mail_dealt_with_but_not_yet_marked_on_the_server_is_marked_when_the_list_is_read(
        qtbot, sqlite_db, staff, imap_server, office_mailbox):
    imap_server.append(mail_mix.utf8_dutch())
    [listed] = mailbox.new_messages(office_mailbox)
    IncomingMail.create(message_id=listed.message_id, uid=listed.uid, folder="INBOX", status="not_complaint",
                        reason="dubbel", handled_by=staff["petra"].id)  # the server was away right after the write
    _window(qtbot, sqlite_db, staff)
    qtbot.waitUntil(lambda: IncomingMail.get().marked_at is not None, timeout=15_000)
    conn = imap_server.connect()
    try:
        conn.select("INBOX", readonly=True)
        _typ, data = conn.uid("FETCH", str(listed.uid), "(FLAGS)")
    finally:
        conn.logout()
    assert b"\\Seen" in data[0]  # marked on the server now
