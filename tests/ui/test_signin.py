"""Signing in: a name, and a password or the Windows account for who needs proof (issue 13), by keys."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QDialog

from klachtenbureau.models import AuditEntry, User
from klachtenbureau.ui.signin import SignInDialog, os_login, sign_in
from klachtenbureau.workflow import admin, identity, settings
from tests.ui.keys import show


def test_the_computer_login_is_chosen_and_no_password_is_asked(qtbot, sqlite_db, staff, monkeypatch, keyboard):
    monkeypatch.setenv("LOGNAME", "RUUD")
    users = admin.sign_in_users()
    dialog = show(qtbot, SignInDialog(users, admin.match_login(os_login(), users)))
    assert dialog.chosen_user().login == "ruud"
    assert not dialog.password_field.isVisible()
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user.login == "ruud"


def test_a_password_is_asked_and_a_wrong_one_refused(qtbot, sqlite_db, staff, keyboard):
    admin.set_password(staff["admin"], staff["henk"], "zomer in Zwolle")
    dialog = show(qtbot, SignInDialog(admin.sign_in_users()))
    keyboard.type("H")  # the name list jumps to Henk Smit
    assert dialog.chosen_user().login == "henk"
    assert dialog.password_field.isVisible()
    keyboard.tab()
    keyboard.type("winter")
    keyboard.enter()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.password_field.problem().startswith("Dit wachtwoord klopt niet")
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    keyboard.type("zomer in Zwolle")
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user.login == "henk"


def test_user_option_skips_the_choice(sqlite_db, staff):
    assert sign_in("Petra").login == "petra"


def test_the_counsellor_without_a_password_is_told_to_ask_the_administrator(qtbot, sqlite_db, staff, keyboard):
    admin.set_password(staff["admin"], staff["admin"], "zomer in Zwolle")
    dialog = show(qtbot, SignInDialog(admin.sign_in_users()))
    keyboard.type("F")  # Fatima Yilmaz, the confidential counsellor
    assert dialog.chosen_user().login == "fatima"
    assert not dialog.password_field.isVisible() and dialog.note.isVisible()
    assert "vraag de beheerder (Beheerder)" in dialog.note.text()
    assert not dialog.ok.isEnabled()
    keyboard.enter()
    assert dialog.isVisible() and dialog.user is None
    dialog.grab().save("/tmp/signin/counsellor.png")


def test_the_windows_account_signs_in_with_one_key(qtbot, sqlite_db, staff, keyboard, monkeypatch):
    henk = admin.update_user(staff["admin"], staff["henk"], "Henk Smit", "director", "", True, False,
                             windows_account="KANTOOR\\henk")
    settings.put(staff["admin"], "windows_sign_in", True)
    monkeypatch.setattr(identity, "os_account", lambda: "KANTOOR\\henk")
    monkeypatch.setenv("LOGNAME", "sanne")  # the environment's login no longer decides who is offered first
    users = admin.sign_in_users()
    dialog = show(qtbot, SignInDialog(users, identity.windows_user()))
    assert dialog.chosen_user() == henk and not dialog.password_field.isVisible()
    assert "Windows-account" in dialog.note.text()
    dialog.grab().save("/tmp/signin/windows.png")
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user == henk
    entry = AuditEntry.select().where(AuditEntry.action == "sign_in").get()
    assert (entry.user_login, json.loads(entry.changes)["method"]) == ("henk", "windows")


def test_wrong_passwords_are_logged_and_the_name_then_waits(qtbot, sqlite_db, staff, keyboard):
    admin.set_password(staff["admin"], staff["henk"], "zomer in Zwolle")
    dialog = show(qtbot, SignInDialog(admin.sign_in_users(), User.get_by_id(staff["henk"].id)))
    assert dialog.password.hasFocus()
    for _attempt in range(identity.MAX_FAILURES):
        keyboard.type("winter")
        keyboard.enter()
    keyboard.type("zomer in Zwolle")
    keyboard.enter()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.password_field.problem().startswith("Te vaak een verkeerd wachtwoord voor Henk Smit")
    dialog.grab().save("/tmp/signin/locked.png")
    assert AuditEntry.select().where(AuditEntry.action == "sign_in_failed").count() == identity.MAX_FAILURES


def test_the_first_administrator_after_an_upgrade_chooses_a_password(qtbot, sqlite_db, staff, keyboard):
    dialog = show(qtbot, SignInDialog(admin.sign_in_users(), staff["admin"]))
    assert dialog.repeat_field.isVisible() and "Kies nu uw wachtwoord" in dialog.note.text()
    dialog.grab().save("/tmp/signin/choose.png")
    keyboard.type("lange wandeling")
    keyboard.tab()
    keyboard.type("lange wandelin")
    keyboard.enter()
    assert dialog.repeat_field.problem() == "De twee wachtwoorden zijn niet gelijk."
    keyboard.type("g")
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert admin.check_password(dialog.user, "lange wandeling")


def test_user_option_still_asks_the_password_of_who_needs_proof(qtbot, sqlite_db, staff, monkeypatch):
    shown = []
    monkeypatch.setattr(SignInDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    assert sign_in("fatima") is None and shown[0].name.isEnabled() is False
    assert shown[0].chosen_user().login == "fatima" and not shown[0].ok.isEnabled()
