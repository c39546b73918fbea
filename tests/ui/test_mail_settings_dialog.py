"""Beheer → E-mail, driven by keys: fill in the server, send a test mail to a real SMTP server, save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog

from klachtenbureau.ui.mail_settings_dialog import MailSettingsDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow.mail import mail_settings
from klachtenbureau.workflow.mail.mail_settings import MailSettings
from tests.mailservers import SmtpServer, free_port
from tests.ui.keys import show


@pytest.fixture
def server():
    with SmtpServer() as running:
        yield running


@pytest.fixture
def dialog(qtbot, sqlite_db, staff) -> MailSettingsDialog:
    return show(qtbot, MailSettingsDialog(Session(staff["admin"], sqlite_db)))


def choose(keyboard, combo: QComboBox, text: str) -> None:
    """Pick ``text`` in a combo box with the arrow keys, as a person does."""
    keyboard.press(Qt.Key.Key_Home)
    while combo.currentText() != text:
        keyboard.press(Qt.Key.Key_Down)


def test_the_administrator_sets_up_sending_by_keys_tests_it_and_saves(qtbot, keyboard, dialog, server):
    keyboard.alt("s")
    keyboard.type("localhost")
    keyboard.alt("p")
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type(str(server.port))
    keyboard.alt("b")
    choose(keyboard, dialog.edits["smtp_security"], "Geen versleuteling (alleen binnen het eigen netwerk)")
    keyboard.alt("z")
    keyboard.type("klachten@vierhetleven.nl")
    keyboard.alt("n")
    keyboard.type("Klachtenbureau Vier het Leven")
    keyboard.alt("e")
    keyboard.type("beheer@vierhetleven.nl")
    keyboard.alt("i")  # Testmail versturen
    qtbot.waitUntil(lambda: "verstuurd naar" in dialog.message.text.text())
    [received] = server.messages
    assert received.rcpt_tos == ["beheer@vierhetleven.nl"]
    assert received.message["From"] == "Klachtenbureau Vier het Leven <klachten@vierhetleven.nl>"
    assert mail_settings.load() == MailSettings()  # a test sends with the form; it does not save it

    keyboard.alt("o")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    saved = mail_settings.load()
    assert (saved.smtp_host, saved.smtp_port, saved.smtp_security, saved.from_name) == (
        "localhost", server.port, "none", "Klachtenbureau Vier het Leven")


def test_a_failing_test_mail_says_why_in_the_bar(qtbot, keyboard, dialog):
    keyboard.alt("s")
    keyboard.type("localhost")
    keyboard.alt("p")
    keyboard.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keyboard.type(str(free_port()))
    keyboard.alt("z")
    keyboard.type("klachten@vierhetleven.nl")
    keyboard.alt("e")
    keyboard.type("beheer@vierhetleven.nl")
    keyboard.alt("i")
    qtbot.waitUntil(lambda: "geen verbinding" in dialog.message.text.text())
    assert dialog.test_button.isEnabled()


def test_a_wrong_field_is_named_at_the_field_and_nothing_is_saved(qtbot, keyboard, dialog):
    keyboard.alt("s")
    keyboard.type("smtp.vierhetleven.nl")
    keyboard.alt("z")
    keyboard.type("klachten@")
    keyboard.alt("o")
    qtbot.waitUntil(lambda: bool(dialog.fields["from_address"].problem()))
    assert "naam@voorbeeld.nl" in dialog.fields["from_address"].problem()
    assert dialog.isVisible() and mail_settings.load() == MailSettings()
    assert dialog.focusWidget() is dialog.edits["from_address"]


def test_a_stored_password_is_never_shown_and_an_empty_field_keeps_it(qtbot, sqlite_db, staff, keyboard):
    mail_settings.save(staff["admin"], MailSettings(smtp_host="smtp.vierhetleven.nl", smtp_user="klachten",
                                                    smtp_password="app-wachtwoord", from_address="k@vierhetleven.nl"))
    dialog = show(qtbot, MailSettingsDialog(Session(staff["admin"], sqlite_db)))
    password = dialog.edits["smtp_password"]
    assert password.text() == "" and password.echoMode() == password.EchoMode.Password
    assert "opgeslagen" in password.placeholderText()
    keyboard.alt("n")
    keyboard.type("Klachtenbureau")
    keyboard.alt("o")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert mail_settings.load().smtp_password == "app-wachtwoord"
    assert mail_settings.load().from_name == "Klachtenbureau"


def test_microsoft_365_fields_are_usable_only_with_microsoft_365(qtbot, keyboard, dialog):
    assert not dialog.edits["m365_client_id"].isEnabled() and dialog.edits["smtp_password"].isEnabled()
    keyboard.alt("a")
    choose(keyboard, dialog.edits["auth"], "Microsoft 365 (aanmelden via OAuth2)")
    assert dialog.edits["m365_client_id"].isEnabled() and dialog.sign_in_button.isEnabled()
    assert not dialog.edits["smtp_password"].isEnabled()


def test_the_website_forms_field_names_are_edited_as_lines_and_a_wrong_line_is_named(qtbot, keyboard, dialog):
    mapping = dialog.mapping
    assert "uw klacht = omschrijving" in mapping.toPlainText()  # the usual labels, to adapt
    mapping.setPlainText("Uw naam = naam\nKlachtomschrijving = omschrijving\nWoonplaats woonplaats")
    keyboard.alt("o")  # Opslaan
    qtbot.waitUntil(lambda: dialog.fields["form_mapping"].problem() != "")
    problem = dialog.fields["form_mapping"].problem()
    assert problem.startswith("Regel 3: schrijf") and "omschrijving" in problem and mapping.hasFocus()
    assert mail_settings.load().form_mapping == {}  # nothing saved
    mapping.setPlainText("Uw naam = naam\nKlachtomschrijving = Omschrijving")
    keyboard.alt("o")
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert mail_settings.load().form_mapping == {"uw naam": "name", "klachtomschrijving": "description"}
