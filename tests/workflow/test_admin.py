"""The office's own administration: signing in, users and their roles, categories."""

from __future__ import annotations

import pytest

from klachtenbureau.errors import ConflictError, PermissionDeniedError, ValidationError
from klachtenbureau.models import AuditEntry, Category, User
from klachtenbureau.workflow import admin


def test_system_account_never_signs_in(db, staff):
    logins = [u.login for u in admin.sign_in_users()]
    assert "systeem" not in logins and sorted(logins) == sorted(staff)
    assert admin.get_user("systeem") is None


@pytest.mark.parametrize(("os_login", "expected"), [("petra", "petra"), ("KANTOOR\\Petra", "petra"),
                                                    ("petra@kantoor.local", "petra"), ("onbekend", None)])
def test_operating_system_login_picks_the_user(db, staff, os_login, expected):
    match = admin.match_login(os_login, admin.sign_in_users())
    assert (match.login if match else None) == expected


def test_a_password_matches_only_when_one_is_set(db, staff):
    assert not admin.check_password(staff["sanne"], "")  # no password is no match (issue 13)
    admin.set_password(staff["admin"], staff["sanne"], "lange zin als wachtwoord")
    sanne = User.get_by_id(staff["sanne"].id)
    assert not admin.check_password(sanne, "")
    assert admin.check_password(sanne, "lange zin als wachtwoord")
    entry = AuditEntry.select().where(AuditEntry.action == "set_password").get()
    assert "lange zin" not in entry.changes


def test_only_an_administrator_sets_someone_elses_password(db, staff):
    with pytest.raises(PermissionDeniedError):
        admin.set_password(staff["petra"], staff["sanne"], "lange zin als wachtwoord")
    admin.set_password(staff["sanne"], staff["sanne"], "mijn eigen wachtwoord")


def test_last_administrator_cannot_be_demoted(db, staff):
    boss = staff["admin"]
    with pytest.raises(ValidationError) as exc:
        admin.update_user(boss, boss, boss.full_name, "coordinator", "", True, False)
    assert "altijd één actieve beheerder" in exc.value.errors["role"]
    admin.update_user(boss, staff["anouk"], "Anouk Visser", "admin", "anouk@voorbeeld.nl", True, False)
    admin.update_user(boss, User.get_by_id(boss.id), boss.full_name, "coordinator", "", True, False)
    assert User.get_by_id(boss.id).role == "coordinator"


def test_editing_a_user_someone_else_changed_meanwhile_is_refused(db, staff):
    stale = User.get_by_id(staff["ruud"].id)
    admin.update_user(staff["admin"], User.get_by_id(staff["ruud"].id), "Ruud Bakker", "quality", "", True, False)
    with pytest.raises(ConflictError):
        admin.update_user(staff["admin"], stale, "Ruud B.", "coordinator", "", True, False)


def test_new_user_with_a_bad_email_and_short_password_gets_both_messages(db, staff):
    with pytest.raises(ValidationError) as exc:
        admin.add_user(staff["admin"], "kees", "Kees", "intake", email="kees@", password="kort")
    assert set(exc.value.errors) == {"email", "password"}


def test_first_administrator_only_on_an_empty_database(db):
    first = admin.create_first_admin("ingrid", "Ingrid Dekker", "lange wandeling")
    assert first.role == "admin" and admin.has_sign_in_users()
    with pytest.raises(ValidationError):
        admin.create_first_admin("tweede", "Tweede Beheerder", "nog een wachtwoord")


def test_the_first_administrator_needs_a_password(db):
    with pytest.raises(ValidationError) as exc:
        admin.create_first_admin("ingrid", "Ingrid Dekker", "")
    assert set(exc.value.errors) == {"password"} and not admin.has_sign_in_users()


def test_categories_grow_and_are_switched_off_not_deleted(db, staff):
    added = admin.add_category(staff["petra"], "  Rolstoel   vervoer ")
    assert added.name == "Rolstoel vervoer" and admin.categories()[-1].name == "Rolstoel vervoer"
    with pytest.raises(ValidationError):
        admin.add_category(staff["petra"], "ROLSTOEL VERVOER")
    admin.change_category(staff["petra"], added, "Rolstoelvervoer", active=False)
    assert "Rolstoelvervoer" not in [c.name for c in admin.categories()]
    assert "Rolstoelvervoer" in [c.name for c in admin.categories(include_inactive=True)]
    with pytest.raises(PermissionDeniedError):
        admin.add_category(staff["sanne"], "Iets nieuws")
    assert Category.select().where(Category.name == "Iets nieuws").count() == 0
