"""Signing in means something (issue 13): who needs a password, the Windows account, wrong guesses, the audit log."""

from __future__ import annotations

import datetime as dt
import json
import os
import pwd

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import AuditEntry, User
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import admin, identity, permissions, settings
from klachtenbureau.workflow.identity import Proof, SignInRefused

PASSWORD = "zomer in Zwolle"


def entries(action: str) -> list[dict]:
    return [json.loads(e.changes) | {"login": e.user_login}
            for e in AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id)]


@pytest.fixture
def windows(monkeypatch):
    """This PC's signed-in Windows account, which the application only asks of the system."""
    def signed_in_as(account: str) -> None:
        monkeypatch.setattr(identity, "os_account", lambda: account)
    return signed_in_as


def test_who_sees_every_confidential_complaint_needs_proof(db, staff):
    needs = {login for login, user in staff.items() if permissions.needs_proof_of_identity(user)}
    assert needs == {"henk", "fatima", "admin"}
    ruud = admin.update_user(staff["admin"], staff["ruud"], "Ruud Bakker", "coordinator", "", True, True)
    assert permissions.needs_proof_of_identity(ruud)  # confidential_access is the same key


def test_a_counsellor_without_password_is_refused_and_told_whom_to_ask(db, staff):
    admin.set_password(staff["admin"], staff["admin"], PASSWORD)
    assert identity.proof_for(staff["fatima"]) is Proof.MISSING
    with pytest.raises(SignInRefused) as exc:
        identity.sign_in(staff["fatima"], None)
    assert "vraag de beheerder (Beheerder)" in exc.value.message
    assert identity.sign_in(staff["sanne"], None) == staff["sanne"]  # the telephonist still picks her name
    assert entries("sign_in_failed") == [{"reason": "missing", "where": "desk", "account": identity.os_account(),
                                          "login": "fatima"}]
    assert entries("sign_in")[-1]["method"] == "none" and entries("sign_in")[-1]["login"] == "sanne"


def test_a_wrong_password_is_refused_and_neither_is_written_down(db, staff):
    admin.set_password(staff["admin"], staff["henk"], PASSWORD)
    henk = User.get_by_id(staff["henk"].id)
    for wrong in ("winter in Zwolle", None, ""):
        with pytest.raises(SignInRefused, match="Dit wachtwoord klopt niet"):
            identity.sign_in(henk, wrong, identity.COMMAND_LINE)
    assert identity.sign_in(henk, PASSWORD) == henk
    logged = " ".join(e.changes for e in AuditEntry.select())
    assert "Zwolle" not in logged
    assert [e["where"] for e in entries("sign_in_failed")] == ["command_line"] * 3
    assert entries("sign_in") == [{"method": "password", "where": "desk", "account": identity.os_account(),
                                   "login": "henk"}]


def test_five_wrong_passwords_make_the_name_wait_a_quarter(db, staff):
    admin.set_password(staff["admin"], staff["sanne"], PASSWORD)
    sanne = User.get_by_id(staff["sanne"].id)
    start = dt.datetime.now().replace(microsecond=0)
    with acting_at(start):
        for _attempt in range(identity.MAX_FAILURES):
            with pytest.raises(SignInRefused, match="klopt niet"):
                identity.sign_in(sanne, "geraden")
        with pytest.raises(SignInRefused, match="Te vaak een verkeerd wachtwoord voor Sanne de Vries"):
            identity.sign_in(sanne, PASSWORD)  # even the right one, for now
    with acting_at(start + identity.LOCK_TIME + dt.timedelta(minutes=1)):
        assert identity.sign_in(sanne, PASSWORD) == sanne
        with pytest.raises(SignInRefused, match="klopt niet"):  # a success starts the count again
            identity.sign_in(sanne, "geraden")
        assert identity.sign_in(sanne, PASSWORD) == sanne
    assert len(entries("sign_in_locked")) == 1


def test_the_windows_account_signs_in_only_when_the_office_chose_it(db, staff, windows):
    henk = admin.update_user(staff["admin"], staff["henk"], "Henk Smit", "director", "", True, False,
                             windows_account="  KANTOOR\\Henk ")
    assert henk.windows_account == "kantoor\\henk"
    windows("KANTOOR\\henk")
    assert identity.proof_for(henk) is Proof.MISSING  # the setting is off: the Windows account proves nothing
    settings.put(staff["admin"], "windows_sign_in", True)
    assert identity.windows_user() == henk and identity.proof_for(henk) is Proof.WINDOWS
    assert identity.sign_in(henk, None) == henk
    assert entries("sign_in")[-1] == {"method": "windows", "where": "desk", "account": "KANTOOR\\henk",
                                      "login": "henk"}
    windows("PC-RECEPTIE\\henk")  # a local account of the same name on another PC is someone else
    assert identity.windows_user() is None and identity.proof_for(henk) is Proof.MISSING
    windows("")
    assert identity.windows_user() is None


def test_a_windows_account_is_domain_and_name_and_belongs_to_one_user(db, staff):
    with pytest.raises(ValidationError) as exc:
        admin.update_user(staff["admin"], staff["henk"], "Henk Smit", "director", "", True, False,
                          windows_account="henk")
    assert "DOMEIN\\naam" in exc.value.errors["windows_account"]
    admin.add_user(staff["admin"], "kees", "Kees Mulder", "handler", windows_account="KANTOOR\\kees")
    with pytest.raises(ValidationError) as exc:
        admin.update_user(staff["admin"], staff["henk"], "Henk Smit", "director", "", True, False,
                          windows_account="kantoor\\KEES")
    assert exc.value.errors["windows_account"] == "Dit Windows-account hoort al bij een andere gebruiker."


def test_the_system_is_asked_for_the_account_not_the_environment(monkeypatch):
    for name in ("USER", "LOGNAME", "USERNAME", "USERDOMAIN"):
        monkeypatch.setenv(name, "beheer")
    account = identity.os_account()
    assert account.endswith("\\" + pwd.getpwuid(os.getuid()).pw_name) and account.count("\\") == 1


def test_the_first_administrator_after_an_upgrade_chooses_a_password_once(db, staff):
    assert identity.proof_for(staff["admin"]) is Proof.CHOOSE_PASSWORD  # nobody can prove being the administrator
    with pytest.raises(SignInRefused, match="Kies eerst een wachtwoord"):
        identity.sign_in(staff["admin"], None, identity.COMMAND_LINE)
    with pytest.raises(ValidationError):
        identity.choose_first_password(staff["admin"], "kort")
    admin_user = identity.choose_first_password(staff["admin"], PASSWORD)
    assert identity.proof_for(admin_user) is Proof.PASSWORD
    assert entries("sign_in")[-1]["method"] == "new_password"
    second = admin.add_user(admin_user, "tweede", "Tweede Beheerder", "admin")
    assert identity.proof_for(second) is Proof.MISSING  # from now on the administrator sets passwords
    with pytest.raises(SignInRefused):
        identity.choose_first_password(second, PASSWORD)


def test_a_needed_password_is_not_taken_away(db, staff):
    admin.set_password(staff["admin"], staff["fatima"], PASSWORD)
    with pytest.raises(ValidationError, match="Fatima Yilmaz ziet vertrouwelijke klachten"):
        admin.set_password(staff["admin"], User.get_by_id(staff["fatima"].id), None)
    admin.set_password(staff["admin"], staff["sanne"], PASSWORD)
    admin.set_password(staff["admin"], User.get_by_id(staff["sanne"].id), None)  # hers was her own choice
