"""Signing in by choosing a name, with a password only for who has one."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from klachtenbureau.ui.signin import SignInDialog, os_login, sign_in
from klachtenbureau.workflow import admin
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
