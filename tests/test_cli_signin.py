"""The command line signs in like the desk (issue 13): --user and a password, or the Windows account; without a
user only database maintenance runs, and it prints no personal data."""

from __future__ import annotations

import getpass

import pytest

from klachtenbureau import cli
from klachtenbureau.models import User, database
from klachtenbureau.workflow import admin, demo, identity, intake, settings
from klachtenbureau.workflow.upkeep import store

PASSWORD = "zomer in Zwolle"


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    database.close()
    return code, out, err


@pytest.fixture
def office(db, staff, monkeypatch):
    """A database with one confidential complaint; no password in the environment, and no prompt answered."""
    monkeypatch.delenv(cli.USER_ENV, raising=False)
    monkeypatch.delenv(cli.PASSWORD_ENV, raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": pytest.fail(f"unexpected prompt {prompt!r}"))
    admin.set_password(staff["admin"], staff["henk"], PASSWORD)
    complaint = intake.register(staff["sanne"], intake.NewReport(
        description="Geheim verhaal.", confidential=True, relation={"name": "Jozefien Ruitenbeek", "phone": "06 13572468"}))
    database.close()
    return db, complaint.number


@pytest.mark.parametrize("command", [["list"], ["show", "K2026-0001"], ["export", "--format", "json"],
                                     ["person-export", "Jozefien Ruitenbeek"], ["retention", "--dry-run"]])
def test_without_a_user_nothing_but_maintenance_runs(office, capsys, command):
    url, _number = office
    code, out, err = run(capsys, *command, "--db", url)
    assert (code, out) == (1, "")
    assert err.startswith("Fout: Meld u aan met --user INLOGNAAM") and err.count("\n") == 1


def test_database_maintenance_runs_without_a_user_and_names_nobody(office, capsys, tmp_path):
    url, _number = office
    target = tmp_path / ("kopie.db" if url.startswith("sqlite") else "kopie.sql")
    for command in (["db", "check"], ["db", "upgrade"], ["db", "backup", "-o", str(target)], ["db", "init"]):
        code, out, err = run(capsys, *command, "--db", url)
        assert code == 0, err
        assert "Jozefien" not in out + err and "Geheim" not in out + err


def test_the_password_is_asked_and_a_wrong_one_refused(office, capsys, monkeypatch):
    url, number = office
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": asked.append(prompt) or "winter in Zwolle")
    code, out, err = run(capsys, "show", number, "--db", url, "--user", "henk")
    assert (code, out, asked) == (1, "", ["Wachtwoord van henk: "])
    assert err == "Fout: Dit wachtwoord klopt niet. Probeer het opnieuw of vraag de beheerder.\n"
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    code, out, err = run(capsys, "show", number, "--db", url, "--user", "henk")
    assert code == 0 and "Geheim verhaal." in out


def test_a_prompt_left_without_answer_is_one_dutch_line(office, capsys, monkeypatch):
    url, number = office

    def closed(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", closed)
    code, _out, err = run(capsys, "show", number, "--db", url, "--user", "henk")
    assert (code, err) == (1, "Fout: Aanmelden afgebroken: geen wachtwoord ingevoerd.\n")


def test_a_script_gives_user_and_password_in_the_environment(office, capsys, monkeypatch):
    url, number = office
    monkeypatch.setenv(cli.USER_ENV, "henk")
    monkeypatch.setenv(cli.PASSWORD_ENV, PASSWORD)
    code, out, err = run(capsys, "show", number, "--db", url)
    assert code == 0 and "Geheim verhaal." in out


def test_the_counsellor_without_a_password_cannot_use_the_command_line(office, capsys):
    url, number = office
    code, out, err = run(capsys, "show", number, "--db", url, "--user", "fatima")
    assert (code, out) == (1, "") and "Er is nog geen wachtwoord ingesteld" in err and err.count("\n") == 1
    code, out, err = run(capsys, "list", "--db", url, "--user", "petra")  # picking her name is enough for her
    assert code == 0 and number not in out  # and she does not see the confidential complaint


def test_the_windows_account_signs_in_without_user_or_password(office, capsys, monkeypatch, staff):
    url, number = office
    store.open_database(url)
    admin.update_user(staff["admin"], User.get_by_id(staff["henk"].id), "Henk Smit", "director", "", True, False,
                      windows_account="KANTOOR\\henk")
    settings.put(staff["admin"], "windows_sign_in", True)
    database.close()
    monkeypatch.setattr(identity, "os_account", lambda: "KANTOOR\\henk")
    code, out, err = run(capsys, "show", number, "--db", url)
    assert code == 0 and "Geheim verhaal." in out
    monkeypatch.setattr(identity, "os_account", lambda: "PC-THUIS\\henk")
    code, out, err = run(capsys, "show", number, "--db", url)
    assert code == 1 and "Meld u aan" in err


def test_demo_data_goes_into_an_office_database_only_by_its_administrator(office, capsys, staff):
    url, _number = office
    store.open_database(url)
    admin.add_user(staff["admin"], "ingrid", "Ingrid Dekker", "coordinator")  # not one of the demo's staff
    database.close()
    code, _out, err = run(capsys, "demo", "--db", url, "--complaints", "0")
    assert code == 1 and "Meld u aan" in err
    store.open_database(url)
    assert admin.get_user("mohamed") is None  # no demo staff with known passwords slipped in
    database.close()
    code, _out, err = run(capsys, "demo", "--db", url, "--complaints", "0", "--user", "petra")
    assert (code, err) == (1, "Fout: Dit mag alleen een beheerder.\n")


def test_a_new_demo_database_signs_its_confidential_staff_in_with_the_demo_password(sqlite_url, capsys,
                                                                                     monkeypatch):
    assert run(capsys, "demo", "--db", sqlite_url, "--complaints", "0")[0] == 0
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": demo.DEMO_PASSWORD)
    for login in ("admin", "henk", "fatima"):
        code, _out, err = run(capsys, "list", "--db", sqlite_url, "--user", login)
        assert code == 0, err
