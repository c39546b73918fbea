"""CSV and JSON export; the anonymised one holds no personal data of any complainant."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from klachtenbureau import cli
from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.models import Complaint, Relation
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import demo, intake, periods
from klachtenbureau.workflow.personal_data import export
from klachtenbureau.workflow.personal_data.scrub import Complainant, Scrubber

ZWAANTJE = {"name": "Zwaantje Kwakkelstein", "street": "Vlinderhof 7", "postcode": "9999 ZZ", "city": "Ergensdorp",
            "phone": "06 48765432", "email": "zwaantje@kwakkelstein.example"}
BARTHOLOMEUS = {"name": "Bartholomeus van Oudenhoven", "street": "Kastanjelaan 123", "postcode": "8888XY",
                "city": "Nergenshuizen", "phone": "020 624 1234", "email": "b.oudenhoven@voorbeeldmail.example"}
# What may not appear anywhere in an anonymised export, whatever the case or spacing.
SECRETS = ["Zwaantje", "Kwakkelstein", "Vlinderhof", "9999 ZZ", "9999ZZ", "48765432", "zwaantje@",
           "Bartholomeus", "Oudenhoven", "Kastanjelaan", "8888 XY", "8888XY", "6241234", "624 1234", "oudenhoven@",
           "dochter@elders.example", "11122233", "1112 2233"]


def complainants(staff) -> list[Complaint]:
    """Two complainants with unmistakable names whose own texts are full of their personal data."""
    when = dt.datetime(2026, 2, 2, 10)
    texts = [
        (ZWAANTJE, "Mevrouw Kwakkelstein belde. Bereikbaar op 06-48765432 of ZWAANTJE@kwakkelstein.example; "
                   "adres Vlinderhof 7, 9999ZZ Ergensdorp. Zwaantje wil graag excuses."),
        (BARTHOLOMEUS, "Meneer Van Oudenhoven zegt dat Zwaantje Kwakkelstein ook heeft geklaagd. Zijn dochter belt "
                       "vanaf +31 6 1112 2233 (dochter@elders.example); hij zelf op 0206241234, "
                       "Kastanjelaan 123 in 8888 XY Nergenshuizen."),
    ]
    made = []
    with acting_at(when):
        for relation, text in texts:
            made.append(intake.register(staff["sanne"], intake.NewReport(
                description=text, desired_outcome=f"Bel {relation['phone']} terug.", relation=relation,
                people_involved=relation["name"], channel="email", received_at=when)))
    return made


def exported(user, fmt: str, anonymize: bool, period=None) -> str:
    out = io.StringIO()
    export.write(user, out, fmt, anonymize, period)
    return out.getvalue()


def leaks(text: str) -> list[str]:
    """Every secret and every demo complainant's name, e-mail, phone and street found in ``text``."""
    lowered = text.lower()
    found = [s for s in SECRETS if s.lower() in lowered]
    for relation in Relation.select():
        for value in (relation.name, relation.email, relation.phone, relation.street):
            if value and value.lower() in lowered:
                found.append(value)
    return found


@pytest.fixture
def filled(db, staff):
    made = complainants(staff)
    demo.generate(40, seed=11, today=dt.date(2026, 3, 1))
    return made


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_anonymised_export_has_no_personal_data_of_any_complainant(filled, staff, fmt):
    full = exported(staff["admin"], fmt, anonymize=False)
    assert "Zwaantje Kwakkelstein" in full and "Kastanjelaan 123" in full  # the test can see a leak
    text = exported(staff["admin"], fmt, anonymize=True)
    assert leaks(text) == []
    assert "[naam]" in text and "[telefoonnummer]" in text and "[e-mailadres]" in text and "[adres]" in text


def test_anonymised_texts_keep_what_is_not_personal(filled, staff):
    rows = json.loads(exported(staff["admin"], "json", anonymize=True))
    mine = next(r for r in rows if r["number"] == filled[0].number)
    assert mine["description"] == ("Mevrouw [naam] belde. Bereikbaar op [telefoonnummer] of [e-mailadres]; "
                                   "adres [adres], [postcode]. [naam] wil graag excuses.")
    assert mine["desired_outcome"] == "Bel [telefoonnummer] terug."
    assert "people_involved" not in mine and "complainant_name" not in mine
    assert mine["relation_type"] == "participant" and mine["channel"] == "email"


def test_csv_export_has_a_row_per_complaint_with_the_complainant(filled, staff):
    rows = list(csv.DictReader(io.StringIO(exported(staff["admin"], "csv", anonymize=False))))
    assert len(rows) == Complaint.select().count()
    mine = next(r for r in rows if r["number"] == filled[1].number)
    assert (mine["complainant_name"], mine["complainant_postcode"], mine["complainant_email"]) == (
        "Bartholomeus van Oudenhoven", "8888 XY", "b.oudenhoven@voorbeeldmail.example")


def test_export_of_a_period_and_only_what_the_user_may_see(filled, staff):
    rows = json.loads(exported(staff["admin"], "json", False, periods.parse_period("2026-02-02..2026-02-02")))
    assert sorted(r["number"] for r in rows) == sorted(c.number for c in filled)
    with acting_at(dt.datetime(2026, 2, 3, 9)):
        secret = intake.register(staff["sanne"], intake.NewReport(
            description="Vertrouwelijk.", anonymous=True, confidential=True, received_at=dt.datetime(2026, 2, 3, 9)))
    numbers = {r["number"] for r in json.loads(exported(staff["petra"], "json", anonymize=True))}
    assert secret.number not in numbers and filled[0].number in numbers
    assert secret.number in {r["number"] for r in json.loads(exported(staff["henk"], "json", anonymize=True))}


def test_intake_staff_may_not_export(filled, staff):
    with pytest.raises(PermissionDeniedError):
        exported(staff["sanne"], "csv", anonymize=True)


def test_export_command_writes_to_standard_output_or_a_file(filled, db, capsys, tmp_path, cli_signed_in):
    cli_signed_in()
    assert cli.main(["export", "--format", "json", "--anonymize", "--db", db]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)) == Complaint.select().count() and leaks(out) == []
    assert "geëxporteerd" in err
    target = tmp_path / "klachten.csv"
    assert cli.main(["export", "--format", "csv", "--db", db, "-o", str(target)]) == 0
    assert "Zwaantje Kwakkelstein" in target.read_text(encoding="utf-8")
    assert cli.main(["export", "--format", "csv", "--db", db, "--period", "2026Q1"]) == 1
    assert "Onbekende periode" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "expected"), [
    ("Bel 06-12345678 of +31 (0)20 123 45 67.", "Bel [telefoonnummer] of [telefoonnummer]."),
    ("Mail naar iemand.anders@example.org", "Mail naar [e-mailadres]"),
    ("Op 12-03-2026 om 14.30 uur, € 1.250,00 en klacht K2026-0042.",
     "Op 12-03-2026 om 14.30 uur, € 1.250,00 en klacht K2026-0042."),
    ("Jan de Jong zat naast jan  DE jong.", "[naam] zat naast [naam]."),
    ("Janneke en Jansen zijn geen Jan de Jong-fans.", "Janneke en Jansen zijn geen [naam]-fans."),
])
def test_scrubber_removes_phone_numbers_e_mail_addresses_and_known_names(text, expected):
    assert Scrubber(["Jan de Jong", "Piet"]).text(text) == expected


def test_scrubber_removes_the_complainants_own_details_however_written():
    own = Complainant("Anna van der Berg", "Dorpsstraat 12a", "1234 AB", "Utrecht", "06 12345678", "anna@berg.example")
    text = ("Anna (mevr. Van der Berg) woont Dorpsstraat 12A, 1234ab Utrecht; tel 0031612345678, "
            "mail Anna@Berg.example. Het theater in Utrecht was koud.")
    cleaned = Scrubber().text(text, own)
    assert cleaned == ("[naam] (mevr. Van der [naam]) woont [adres], [postcode]; tel [telefoonnummer], "
                       "mail [e-mailadres]. Het theater in Utrecht was koud.")
    assert not re.search(r"anna|berg|12345678|1234\s*ab|dorpsstraat", cleaned, re.IGNORECASE)


def test_scrubber_removes_an_organisations_contact_person_like_its_name():
    # Before the "t.a.v." field the contact person was part of the name, and scrubbed with it.
    own = Complainant("Stichting De Brug", "Kerkplein 1", "3511 AB", "Utrecht", attention="mevrouw Petra de Boer")
    cleaned = Scrubber().text("Mevrouw Petra de Boer belde namens De Brug; mevrouw De Boer was boos.", own)
    assert cleaned == "[naam] belde namens De [naam]; mevrouw De [naam] was boos."
    assert Scrubber(["mevrouw Petra de Boer"]).text("Zij sprak met Petra de Boer.") == "Zij sprak met [naam]."


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_and_line_breaks_stay_in_their_cell(db, staff):
    texts = ['=HYPERLINK("http://kwaad.example","klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
             "Regel een\r\nregel twee", "Voor\rna een losse CR", "Gewone tekst - met streepje"]
    made = [intake.register(staff["sanne"], intake.NewReport(description=text, anonymous=True)) for text in texts]
    content = exported(staff["admin"], "csv", anonymize=False)
    rows = {r["number"]: r for r in csv.DictReader(io.StringIO(content, newline=""))}
    assert len(rows) == len(made)  # a line break or a lone CR inside a text does not start a new row
    assert [rows[c.number]["description"] for c in made] == [
        "'" + texts[0], "'" + texts[1], "'-2+3", "'@SUM(A1:A9)", texts[4], texts[5], texts[6]]
    assert content.count("\r\n") == len(made) + 1 + 1  # the rows, the header and the one CRLF inside a cell


def test_an_export_file_is_whole_readable_by_its_owner_only_and_leaves_a_trace(db, staff, tmp_path):
    from klachtenbureau.models import AuditEntry

    complainants(staff)
    done: list[int] = []
    target = tmp_path / "uit" / "klachten.json"
    target.parent.mkdir()
    assert export.write_file(staff["petra"], target, "json", False, progress=done.append) == 2
    assert [row["number"] for row in json.loads(target.read_text(encoding="utf-8"))] == [
        c.number for c in Complaint.select().order_by(Complaint.id)]
    assert target.stat().st_mode & 0o777 == 0o600
    assert list(target.parent.iterdir()) == [target]  # no .part left behind
    entry = AuditEntry.select().where(AuditEntry.action == "export").get()
    assert (entry.user_login, json.loads(entry.changes)) == (
        "petra", {"format": "json", "anonymized": False, "complaints": 2, "period": ""})
    assert done == []  # two rows: below the first progress report


def test_export_progress_is_reported_while_rows_are_written(db, staff, monkeypatch):
    monkeypatch.setattr(export, "PROGRESS_EVERY", 1)
    complainants(staff)
    done: list[int] = []
    export.write(staff["petra"], io.StringIO(), "csv", True, progress=done.append)
    assert done == [1, 2] and export.count(staff["petra"]) == 2


def test_an_export_that_cannot_be_written_says_so_and_leaves_no_file(db, staff, tmp_path):
    from klachtenbureau.errors import ValidationError
    from klachtenbureau.models import AuditEntry

    complainants(staff)
    with pytest.raises(ValidationError) as refused:
        export.write_file(staff["petra"], tmp_path / "weg" / "klachten.csv", "csv", True)
    assert "Kan " in refused.value.message and "niet schrijven" in refused.value.message
    assert not (tmp_path / "weg").exists()
    assert not AuditEntry.select().where(AuditEntry.action == "export").exists()
