"""The admin commands for retention, a person's AVG rights, restoring a backup and moving to PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import uuid

from klachtenbureau import cli
from klachtenbureau.models import Complaint, Relation, database
from klachtenbureau.workflow.upkeep import backups, store
from tests.workflow.past import closed_complaint, years_ago

PERSON = {"name": "Jozefien Ruitenbeek", "email": "jozefien@example.nl", "phone": "06 13572468"}


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    database.close()
    return code, out, err


def test_retention_dry_run_then_apply(sqlite_db, staff, capsys, cli_signed_in):
    cli_signed_in()
    old = closed_complaint(staff, years_ago(dt.date.today(), 4), "Oude klacht.", relation=PERSON)
    closed_complaint(staff, years_ago(dt.date.today(), 1), "Recente klacht.")
    database.close()
    code, out, err = run(capsys, "retention", "--db", sqlite_db, "--dry-run")
    assert code == 0, err
    assert out.splitlines()[0].startswith("Proef: 1 klacht(en), langer dan 3 jaar gesloten")
    assert f"  {old.number}" in out.splitlines()
    store.open_database(sqlite_db)
    assert Relation.get_by_id(old.relation_id).name == PERSON["name"]
    database.close()
    code, out, err = run(capsys, "retention", "--db", sqlite_db, "--apply", "--user", "admin")
    assert code == 0 and out.startswith("1 klacht(en) geanonimiseerd (1 klager(s) helemaal")
    store.open_database(sqlite_db)
    assert Relation.get_by_id(old.relation_id).name == "Geanonimiseerd"
    database.close()
    code, out, err = run(capsys, "retention", "--db", sqlite_db, "--apply", "--user", "petra")
    assert code == 1 and err == "Fout: Dit mag alleen een beheerder.\n"


def test_person_export_and_erase(sqlite_db, staff, capsys, tmp_path, cli_signed_in):
    cli_signed_in()
    complaint = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Te laat.", relation=PERSON)
    database.close()
    target = tmp_path / "jozefien.json"
    code, out, err = run(capsys, "person-export", "Jozefien@example.nl", "--db", sqlite_db, "-o", str(target))
    assert code == 0, err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert os.name != "posix" or stat.S_IMODE(target.stat().st_mode) == 0o600  # readable by its owner only
    assert data["relation"]["name"] == PERSON["name"] and data["complaints"][0]["number"] == complaint.number
    code, out, err = run(capsys, "person-erase", str(complaint.relation_id), "--db", sqlite_db,
                         "--reason", "verzoek per e-mail")
    assert code == 0 and complaint.number in out
    code, out, err = run(capsys, "person-export", str(complaint.relation_id), "--db", sqlite_db)
    data = json.loads(out)
    assert data["relation"]["name"] == "Geanonimiseerd" and data["relation"]["email"] == ""
    assert data["complaints"][0]["description"] == "[geanonimiseerd]"
    code, out, err = run(capsys, "person-erase", "niemand@example.nl", "--db", sqlite_db, "--reason", "x")
    assert code == 1 and "geen relatie" in err and len(err.splitlines()) == 1


def test_db_restore(sqlite_db, staff, capsys):
    closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "In de kopie.")
    copy = backups.daily_backup()
    closed_complaint(staff, dt.datetime(2025, 3, 4, 10), "Na de kopie.")
    database.close()
    code, out, err = run(capsys, "db", "restore", "--db", sqlite_db)
    assert code == 1 and "Noem de reservekopie" in err
    code, out, err = run(capsys, "db", "restore", str(copy), "--db", sqlite_db)
    assert code == 0, err
    assert "De vorige database is bewaard als" in out
    store.open_database(sqlite_db)
    assert [c.description for c in Complaint.select()] == ["In de kopie."]


def test_db_migrate_to_postgresql(sqlite_db, staff, capsys, pg_server, cli_signed_in):
    cli_signed_in()
    closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Gaat mee.", relation=PERSON)
    database.close()
    name = f"m_{uuid.uuid4().hex[:12]}"
    target = pg_server.create_database(name)
    try:
        code, out, err = run(capsys, "db", "migrate", "--from", sqlite_db, "--to", target)
        assert code == 0, err
        lines = out.splitlines()
        assert any(line.startswith("complaint: 1 rij(en), controlegetal ") for line in lines)
        assert any(line.startswith("audit_entry: ") for line in lines) and lines[-1].startswith("Alles overgezet")
        code, out, err = run(capsys, "show", "K2025-0001", "--db", target, "--json")
        assert json.loads(out)["description"] == "Gaat mee."
        code, out, err = run(capsys, "db", "migrate", "--from", sqlite_db, "--to", target)
        assert code == 1 and "niet leeg" in err
    finally:
        database.close()
        pg_server.drop_database(name)
