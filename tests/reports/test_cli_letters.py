"""`klachtenbureau letter …` and `klachtenbureau dossier …` on the command line."""

from __future__ import annotations

import pytest

from klachtenbureau import cli
from klachtenbureau.models import Complaint, Document, database
from klachtenbureau.workflow.upkeep import store
from tests.reports.pdftools import normalised, text


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    database.close()
    return code, out, err


@pytest.fixture(autouse=True)
def _signed_in(db, staff, cli_signed_in):
    """The commands run as the administrator, who proves it with a password (issue 13)."""
    cli_signed_in()


def test_letter_and_dossier_commands_write_the_files(db, register, staff, capsys, tmp_path):
    number = register().number
    database.close()
    letter, dossier = tmp_path / "ack.pdf", tmp_path / "dossier.pdf"
    code, out, err = run(capsys, "letter", "ack", number, "--db", db, "-o", str(letter))
    assert (code, err) == (0, "")
    assert out == f"Brief opgeslagen in {letter} en vastgelegd bij klacht {number}.\n"
    assert number in text(letter.read_bytes()) and "Jan de Vries" in text(letter.read_bytes())
    code, out, err = run(capsys, "dossier", number, "--db", db, "-o", str(dossier))
    assert (code, err) == (0, "")
    content = normalised(text(dossier.read_bytes()))
    assert f"Klachtdossier {number}" in content and "Ontvangstbevestiging afgedrukt" not in content
    assert "Ontvangstbevestiging opgeslagen als PDF." in content  # the letter command recorded it
    store.open_database(db)
    complaint = Complaint.get(Complaint.number == number)
    assert (complaint.status, complaint.acknowledgement_method) == ("acknowledged", "letter")
    assert Document.select().where(Document.complaint == complaint.id).count() == 1


def test_letter_without_record_changes_nothing(db, register, capsys, tmp_path):
    number = register().number
    database.close()
    code, out, _err = run(capsys, "letter", "ack", number, "--db", db, "-o", str(tmp_path / "a.pdf"), "--no-record")
    assert code == 0 and out == f"Brief opgeslagen in {tmp_path / 'a.pdf'}.\n"
    store.open_database(db)
    assert Complaint.get(Complaint.number == number).status == "new" and Document.select().count() == 0


@pytest.mark.parametrize("command", [["letter", "answer"], ["dossier"]])
def test_unknown_number_is_one_dutch_line(db, office, capsys, tmp_path, command):
    database.close()
    code, out, err = run(capsys, *command, "K2026-9999", "--db", db, "-o", str(tmp_path / "x.pdf"))
    assert (code, out, err) == (1, "", "Fout: Klacht K2026-9999 bestaat niet.\n")
    assert not (tmp_path / "x.pdf").exists()


def test_anonymous_complaint_letter_is_one_dutch_line(db, register, capsys, tmp_path):
    number = register(anonymous=True, relation=None).number
    database.close()
    code, out, err = run(capsys, "letter", "ack", number, "--db", db, "-o", str(tmp_path / "x.pdf"))
    assert (code, out) == (1, "")
    assert err == f"Fout: Klacht {number} is anoniem ingediend: er is geen adres om een brief naar te sturen.\n"


def test_unwritable_output_is_one_dutch_line(db, register, capsys, tmp_path):
    number = register().number
    database.close()
    target = tmp_path / "bestaat-niet" / "x.pdf"
    code, _out, err = run(capsys, "dossier", number, "--db", db, "-o", str(target))
    assert code == 1 and err.startswith(f"Fout: Kan {target} niet schrijven: ") and err.count("\n") == 1
