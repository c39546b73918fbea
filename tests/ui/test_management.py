"""The Beheer dialogs: users, categories, organisation details, deadline profile."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from klachtenbureau.models import Category, User
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.ui.management import (
    CategoriesDialog, DeadlineProfileDialog, OrganisationDialog, PasswordDialog, UserDialog, UsersDialog,
)
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import admin, settings
from tests.ui.keys import show


def test_new_category_is_offered_at_the_next_intake(qtbot, sqlite_db, staff, keyboard):
    wizard = IntakeWizard(Session(staff["sanne"], sqlite_db))
    qtbot.addWidget(wizard)
    dialog = show(qtbot, CategoriesDialog(Session(staff["petra"], sqlite_db)))
    keyboard.alt("n")
    keyboard.type("Rolstoelvervoer")
    keyboard.alt("t")  # Toevoegen
    qtbot.waitUntil(lambda: Category.select().where(Category.name == "Rolstoelvervoer").exists())
    assert dialog.list.currentItem().text() == "Rolstoelvervoer"
    wizard.reload_lists()
    assert wizard.pages[3].category.findText("Rolstoelvervoer") >= 0


def test_duplicate_category_is_refused_at_the_name(qtbot, sqlite_db, staff, keyboard):
    dialog = show(qtbot, CategoriesDialog(Session(staff["petra"], sqlite_db)))
    keyboard.alt("n")
    keyboard.type("niet ophalen")
    keyboard.alt("t")
    qtbot.waitUntil(lambda: bool(dialog.fields["name"].problem()))
    assert dialog.fields["name"].problem() == "De categorie niet ophalen bestaat al."


def test_administrator_adds_a_colleague_with_a_password(qtbot, sqlite_db, staff, keyboard):
    dialog = show(qtbot, UserDialog(staff["admin"], None))
    keyboard.type("mohamed")
    keyboard.tab()
    keyboard.type("Mohamed El Amrani")
    keyboard.alt("w")
    keyboard.type("kort")
    keyboard.enter()
    assert dialog.fields["password"].problem() == "Een wachtwoord heeft minstens 8 tekens."
    dialog.password.selectAll()
    keyboard.type("een veilig wachtwoord")
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted
    user = User.get(User.login == "mohamed")
    assert user.role == "intake" and admin.check_password(user, "een veilig wachtwoord")


def test_password_can_be_removed_again(qtbot, sqlite_db, staff, keyboard):
    admin.set_password(staff["admin"], staff["sanne"], "tijdelijk wachtwoord")
    dialog = show(qtbot, PasswordDialog(staff["admin"], User.get_by_id(staff["sanne"].id)))
    keyboard.enter()  # both boxes empty: no password any more
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert User.get_by_id(staff["sanne"].id).password_hash is None


def test_organisation_postcode_is_checked_at_its_field(qtbot, sqlite_db, staff, keyboard):
    dialog = show(qtbot, OrganisationDialog(Session(staff["admin"], sqlite_db)))
    keyboard.alt("p")
    dialog.edits["postcode"].selectAll()
    keyboard.type("12345")
    keyboard.enter()
    assert dialog.fields["postcode"].problem().startswith("Een postcode bestaat uit vier cijfers")
    dialog.edits["postcode"].selectAll()
    keyboard.type("8011ab")
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.get("organisation")["postcode"] == "8011 AB"


def test_deadline_profile_can_be_switched_to_wkkgz(qtbot, sqlite_db, staff, keyboard):
    dialog = show(qtbot, DeadlineProfileDialog(Session(staff["admin"], sqlite_db)))
    assert "5 werkdagen" in dialog.description.text()
    keyboard.alt("p")
    keyboard.press(Qt.Key.Key_Down)
    assert "6 weken" in dialog.description.text()
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.get("deadline_profile") == "wkkgz"


def test_organisation_dialog_shows_the_example_of_the_profile_and_stores_the_route_onward(qtbot, sqlite_db, staff,
                                                                                         keyboard):
    settings.put(staff["admin"], "deadline_profile", "awb")
    dialog = show(qtbot, OrganisationDialog(Session(staff["admin"], sqlite_db)))
    assert dialog.edits["onward_body"].placeholderText() == "de Nationale ombudsman"
    assert "9:24 Awb" in " ".join(label.text() for label in dialog.findChildren(QLabel))
    keyboard.alt("v")
    keyboard.type("mevrouw B. Bos, 06 1111 2222")
    keyboard.alt("d")
    keyboard.type("de ombudscommissie Voorbeeldstad")
    keyboard.tab()
    keyboard.type("Postbus 1, 1234 AB Voorbeeldstad")
    keyboard.alt("m")
    keyboard.type("binnen een jaar na de datum van deze brief")
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted
    stored = settings.get("organisation")
    assert (stored["counsellor"], stored["onward_body"], stored["onward_address"], stored["onward_term"]) == (
        "mevrouw B. Bos, 06 1111 2222", "de ombudscommissie Voorbeeldstad", "Postbus 1, 1234 AB Voorbeeldstad",
        "binnen een jaar na de datum van deze brief")
    assert stored["name"] == "Stichting Voorbeeld"  # the rest is kept


def test_the_office_signs_in_with_windows_accounts_set_per_user(qtbot, sqlite_db, staff, keyboard):
    users = show(qtbot, UsersDialog(Session(staff["admin"], sqlite_db)))
    users.resize(1366, 768)
    assert not users.windows.isChecked()
    keyboard.alt("m")  # Aanmelden met het Windows-account
    qtbot.waitUntil(lambda: settings.get("windows_sign_in") is True)
    dialog = show(qtbot, UserDialog(staff["admin"], staff["henk"]))
    keyboard.alt("d")
    keyboard.type("henk")
    keyboard.enter()
    assert dialog.fields["windows_account"].problem().startswith("Schrijf het Windows-account als DOMEIN\\naam")
    dialog.windows_account.setText("")
    keyboard.type("KANTOOR\\Henk")
    keyboard.enter()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert User.get_by_id(staff["henk"].id).windows_account == "kantoor\\henk"
    users._load()
    users.grab().save("/tmp/signin/users.png")
    assert users.table.item(users.users.index(User.get_by_id(staff["henk"].id)), 5).text() == "kantoor\\henk"
