"""The admin command line, on SQLite and PostgreSQL: output, exit codes, one-line Dutch errors."""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from klachtenbureau import cli
from klachtenbureau.models import database
from klachtenbureau.models.base import acting_at

FORM = [{"received_at": "2026-11-02T10:15:00", "channel": "email", "kind": "complaint", "name": "Noor Visser",
         "email": "noor@example.nl", "phone": "", "street": "Dorpsstraat 1", "postcode": "9711 AA",
         "city": "Groningen", "description": "De voorstelling begon een uur te laat."}]


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    database.close()
    return code, out, err


def test_import_show_and_list(db_url, capsys, tmp_path, cli_signed_in):
    form = tmp_path / "formulier.json"
    form.write_text(json.dumps(FORM), encoding="utf-8")
    assert run(capsys, "db", "init", "--db", db_url)[0] == 0
    cli_signed_in(db_url)
    with acting_at(dt.datetime(2026, 11, 3, 9, 0)):  # a year later the import rightly refuses the form
        code, out, err = run(capsys, "import", str(form), "--db", db_url)
    assert code == 0, err
    assert "K2026-0001" in out
    code, out, _err = run(capsys, "show", "K2026-0001", "--db", db_url, "--json")
    data = json.loads(out)
    assert data["complainant"] == {"name": "Noor Visser", "attention": "", "email": "noor@example.nl", "phone": "",
                                   "street": "Dorpsstraat 1", "postcode": "9711 AA", "city": "Groningen",
                                   "country": "", "relation_type": "participant"}
    assert (data["channel"], data["kind"], data["status"], data["category"]) == ("email", "complaint", "new", "Overig")
    assert data["received_at"] == "2026-11-02T10:15:00"
    assert (data["acknowledge_by"], data["answer_by"]) == ("2026-11-04", "2026-11-09")
    assert data["assigned_to"] is None and data["timeline"][0]["status_to"] == "new"
    code, out, _err = run(capsys, "list", "--db", db_url, "--json", "--status", "open")
    listed = json.loads(out)
    assert [c["number"] for c in listed] == ["K2026-0001"] and "timeline" not in listed[0]
    code, out, _err = run(capsys, "list", "--db", db_url, "--overdue", "--json")
    assert [c["number"] for c in json.loads(out)] == ["K2026-0001"]  # its dates lie before today
    code, out, _err = run(capsys, "list", "--db", db_url, "--status", "closed", "--json")
    assert json.loads(out) == []


def test_demo_fills_every_state(db_url, capsys, cli_signed_in):
    code, out, err = run(capsys, "demo", "--db", db_url, "--complaints", "120", "--seed", "7")
    assert code == 0, err
    code, out, _err = run(capsys, "list", "--db", db_url, "--json")
    statuses = {c["status"] for c in json.loads(out)}
    assert {"new", "acknowledged", "in_progress", "closed"} <= statuses
    code, out, _err = run(capsys, "list", "--db", db_url, "--overdue", "--json")
    assert json.loads(out), "demo data should contain overdue complaints"


def test_import_with_bad_rows_lists_them_and_imports_nothing(sqlite_url, capsys, tmp_path, cli_signed_in):
    form = tmp_path / "formulier.csv"
    form.write_text("received_at,channel,kind,name,email,phone,street,postcode,city,description\n"
                    "2026-11-02T10:00,post,complaint,Els,,,Kerkstraat 1,1234 AB,Utrecht,Te laat\n"
                    "morgen,post,complaint,Els,,,Kerkstraat 1,1234 AB,Utrecht,Te laat\n", encoding="utf-8")
    run(capsys, "db", "init", "--db", sqlite_url)
    cli_signed_in(sqlite_url)
    code, out, err = run(capsys, "import", str(form), "--db", sqlite_url)
    assert code == 1 and "Rij 2" in err and "received_at" in err
    code, out, err = run(capsys, "list", "--db", sqlite_url, "--json")
    assert json.loads(out) == []
    code, out, err = run(capsys, "import", str(form), "--db", sqlite_url, "--skip-invalid")
    assert code == 0 and "K2026-0001" in out and "Rij 2" in err


@pytest.mark.parametrize("args, message", [
    (["show", "K2026-9999"], "bestaat niet"),
    (["list", "--status", "open"], None),
])
def test_errors_are_one_dutch_line_without_traceback(sqlite_url, capsys, args, message, cli_signed_in):
    run(capsys, "db", "init", "--db", sqlite_url)
    cli_signed_in(sqlite_url)
    code, out, err = run(capsys, *args, "--db", sqlite_url)
    if message:
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1
        assert "Traceback" not in err
    else:
        assert code == 0


def test_missing_database_file(capsys, tmp_path):
    code, out, err = run(capsys, "list", "--db", f"sqlite:///{tmp_path}/geen.db")
    assert code == 1 and "bestaat niet" in err and len(err.strip().splitlines()) == 1


def test_database_locked_after_retries(sqlite_url, capsys, monkeypatch, tmp_path, cli_signed_in):
    run(capsys, "db", "init", "--db", sqlite_url)
    cli_signed_in(sqlite_url)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(database, "WRITE_ATTEMPTS", 2)
    form = tmp_path / "f.json"
    form.write_text(json.dumps(FORM), encoding="utf-8")
    holder = sqlite3.connect(database.sqlite_path(sqlite_url))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, out, err = run(capsys, "import", str(form), "--db", sqlite_url)
    finally:
        holder.rollback()
        holder.close()
    assert code == 1 and "bezet" in err and "Traceback" not in err


def test_db_check_backup_and_upgrade(db_url, capsys, tmp_path):
    run(capsys, "demo", "--db", db_url, "--complaints", "10", "--seed", "1")
    assert run(capsys, "db", "check", "--db", db_url)[1].startswith("Database in orde")
    target = tmp_path / ("kopie.db" if db_url.startswith("sqlite") else "kopie.sql")
    code, out, err = run(capsys, "db", "backup", "--db", db_url, "-o", str(target))
    assert code == 0, err
    if db_url.startswith("sqlite"):
        copy = sqlite3.connect(target)
        assert copy.execute("select count(*) from complaint").fetchone()[0] == 10
        copy.close()
    else:
        dump = target.read_text(encoding="utf-8")
        assert "CREATE TABLE public.complaint" in dump and "K20" in dump
    assert "al bij" in run(capsys, "db", "upgrade", "--db", db_url)[1]


def test_entry_point_runs_as_a_program(sqlite_url, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "KLACHTENBUREAU_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "klachtenbureau", "show", "K1", "--db", sqlite_url],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Fout:") and "Traceback" not in result.stderr


def test_database_of_a_newer_version_is_refused(sqlite_url, capsys):
    import datetime as dt

    from klachtenbureau.models import schema
    from klachtenbureau.workflow.upkeep import store

    store.open_database(sqlite_url, create=True)
    schema.SchemaInfo.create(version=schema.SCHEMA_VERSION + 1, app_version="3.0.0", updated_at=dt.datetime.now())
    database.close()
    code, out, err = run(capsys, "list", "--db", sqlite_url)
    assert code == 1 and "Klachtenbureau 3.0.0" in err and len(err.strip().splitlines()) == 1


def test_help_names_the_demo_users_to_sign_in_as(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    for login in ("admin", "sanne", "petra", "anouk", "henk", "fatima"):
        assert f"{login} (" in out
    assert "petra (klachtencoördinator)" in out


@pytest.mark.parametrize("command", [["list"], ["export", "--format", "csv"]])
def test_output_cut_short_by_head_is_not_an_error(sqlite_url, command, cli_signed_in):
    assert cli.main(["demo", "--db", sqlite_url, "--complaints", "120", "--seed", "3"]) == 0
    database.close()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    pipeline = subprocess.run(
        f"{sys.executable} -m klachtenbureau {' '.join(command)} --db {sqlite_url} | head -n 2", shell=True,
        env=env, capture_output=True, text=True, timeout=120, executable="/bin/bash")
    assert len(pipeline.stdout.splitlines()) == 2
    assert "Onverwachte fout" not in pipeline.stderr and "Traceback" not in pipeline.stderr, pipeline.stderr


def test_show_and_list_escape_what_would_steer_the_terminal(db, capsys, staff, cli_signed_in):
    cli_signed_in()
    from klachtenbureau.workflow import intake
    complaint = intake.register(staff["sanne"], intake.NewReport(
        description="Eerst\x1b[2J gewist,\u202e omgekeerd en \x07 bel.\nTweede regel.",
        relation={"name": "Kees\x1b]0;titel\x07 Smit", "phone": "06 12345678"}))
    code, out, _err = run(capsys, "show", complaint.number, "--db", db)
    assert code == 0 and "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "Eerst\\u001b[2J gewist,\\u202e omgekeerd en \\u0007 bel.\nTweede regel." in out
    assert "Klager: Kees\\u001b]0;titel\\u0007 Smit" in out
    code, out, _err = run(capsys, "list", "--db", db)
    assert "\x1b" not in out and out.count("\n") == 1  # one line per complaint
