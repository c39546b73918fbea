"""Bestand → Importeren van websiteformulier, from the keyboard, on real files: read, check, import, refuse."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Complaint
from klachtenbureau.ui import files
from klachtenbureau.ui.import_dialog import ImportDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import importer, intake
from tests.ui.keys import show

# Yesterday: a form filled in a year ago is refused by the intake rules, whatever today is.
RECEIVED = (dt.datetime.now() - dt.timedelta(days=1)).replace(second=0, microsecond=0).isoformat()
GOOD = {"received_at": RECEIVED, "channel": "website", "kind": "complaint", "name": "Ria Dekker",
        "email": "ria@example.nl", "phone": "020 123 4567", "street": "Havenkade 4", "postcode": "1012AB",
        "city": "Amsterdam", "description": "Geen bevestiging ontvangen."}
KEES = {**GOOD, "name": "Kees Bos", "email": "kees@example.nl", "description": "De bus reed mij voorbij."}


class Chooser:
    """Stands in for the file chooser: answers with ``answer`` and remembers the filters it was asked with."""

    def __init__(self):
        self.answer: Path | None = None
        self.asked: list[str] = []

    def __call__(self, parent, title: str, name_filter: str) -> str:
        self.asked.append(name_filter)
        return str(self.answer) if self.answer is not None else ""


@pytest.fixture
def chosen(monkeypatch) -> Chooser:
    chooser = Chooser()
    monkeypatch.setattr(files, "open_file_name", chooser)
    return chooser


def open_dialog(qtbot, sqlite_db, user) -> ImportDialog:
    return show(qtbot, ImportDialog(Session(user, sqlite_db)))


def choose_file(qtbot, keyboard, dialog: ImportDialog, chosen: Chooser, path: Path) -> None:
    chosen.answer, asked = path, len(chosen.asked)
    keyboard.alt("b")  # Bestand kiezen…: the file is read in the background meanwhile, the button off
    qtbot.waitUntil(lambda: len(chosen.asked) == asked + 1)  # a mnemonic clicks when its button has shown it
    assert dialog.path.text() == str(path)
    qtbot.waitUntil(dialog.choose_button.isEnabled, timeout=10_000)


def numbers() -> list[str]:
    return [c.number for c in Complaint.select().order_by(Complaint.id)]


def test_a_good_json_file_imports_with_progress_and_names_the_numbers(qtbot, keyboard, sqlite_db, staff, chosen,
                                                                      tmp_path):
    form = tmp_path / "formulier.json"
    form.write_text(json.dumps([GOOD, KEES]), encoding="utf-8")
    dialog = open_dialog(qtbot, sqlite_db, staff["sanne"])
    choose_file(qtbot, keyboard, dialog, chosen, form)
    assert chosen.asked == ["Websiteformulier (*.json *.csv)"]
    assert dialog.summary.text() == "2 rijen gelezen; alle zijn in orde."
    assert dialog.problems.count() == 0 and not Complaint.select().exists()
    steps: list[tuple[int, int]] = []
    dialog._progressed.connect(lambda done, total: steps.append((done, total)))

    with qtbot.waitSignal(dialog.imported, timeout=20_000) as imported:
        keyboard.alt("i")  # Importeren
    assert imported.args[0] == numbers() and len(numbers()) == 2
    assert steps == [(2, 2)]  # per batch saved: both rows in one
    assert dialog.message.text.text() == "2 klachten geïmporteerd: " + ", ".join(numbers()) + "."
    assert {c.relation.name for c in Complaint.select()} == {"Ria Dekker", "Kees Bos"}
    assert not dialog.import_button.isEnabled() and not dialog.progress.isVisible()  # the same rows never twice
    dialog.grab().save(str(tmp_path / "importeren.png"))


def test_a_bad_row_imports_nothing_until_only_the_good_rows_are_asked_for(qtbot, keyboard, sqlite_db, staff,
                                                                          chosen, tmp_path):
    form = tmp_path / "formulier.csv"
    with form.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(GOOD), delimiter=";")
        writer.writeheader()
        writer.writerows([GOOD, {**KEES, "postcode": "12345"}, {**GOOD, "description": "Weer geen antwoord."}])
    dialog = open_dialog(qtbot, sqlite_db, staff["petra"])
    choose_file(qtbot, keyboard, dialog, chosen, form)
    assert dialog.summary.text() == "3 rijen gelezen. 1 rij heeft een fout."
    assert dialog.problems.count() == 1 and dialog.problems.item(0).text().startswith("Rij 2: postcode: ")
    dialog.grab().save(str(tmp_path / "importeren-fout.png"))

    keyboard.alt("i")  # Importeren: refused, the row named again
    qtbot.waitUntil(lambda: "Niets geïmporteerd" in dialog.message.text.text(), timeout=10_000)
    assert "1 rij(en) met fouten" in dialog.message.text.text() and dialog.import_button.isEnabled()
    assert dialog.problems.item(0).text().startswith("Rij 2: postcode: ")
    assert not Complaint.select().exists()

    keyboard.alt("a")  # Alleen de goede rijen importeren
    qtbot.waitUntil(dialog.skip_invalid.isChecked)
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as imported:
        keyboard.alt("i")
    assert imported.args[0] == numbers() and len(numbers()) == 2
    assert [c.description for c in Complaint.select().order_by(Complaint.id)] == [
        "Geen bevestiging ontvangen.", "Weer geen antwoord."]
    assert dialog.message.text.text() == ("2 klachten geïmporteerd: " + ", ".join(numbers())
                                          + ". 1 rij met een fout is overgeslagen.")
    assert dialog.problems.item(0).text().startswith("Rij 2: postcode: ")


def test_an_unreadable_file_or_a_wrong_format_is_told_plainly(qtbot, keyboard, sqlite_db, staff, chosen, tmp_path):
    dialog = open_dialog(qtbot, sqlite_db, staff["sanne"])
    letter = tmp_path / "brief.csv"
    letter.write_text("Geachte heer,\nIk ben niet tevreden.\n", encoding="utf-8")
    choose_file(qtbot, keyboard, dialog, chosen, letter)
    assert "De CSV mist een kopregel" in dialog.message.text.text()
    scan = tmp_path / "scan.json"
    scan.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x81\x9d")  # not UTF-8, and 0x81 is no Windows-1252 either
    choose_file(qtbot, keyboard, dialog, chosen, scan)
    assert "geen leesbare tekst" in dialog.message.text.text()
    choose_file(qtbot, keyboard, dialog, chosen, tmp_path)  # a folder
    assert "kan niet worden gelezen" in dialog.message.text.text()
    assert not dialog.import_button.isEnabled() and not Complaint.select().exists()
    keyboard.press(Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_who_may_not_import_is_told_before_choosing_a_file(qtbot, keyboard, sqlite_db, staff, chosen, tmp_path):
    dialog = open_dialog(qtbot, sqlite_db, staff["henk"])
    assert dialog.message.text.text() == ("Meldingen van het websiteformulier importeren mag alleen een telefonist, "
                                          "coördinator of beheerder.")
    assert not dialog.choose_button.isEnabled() and not dialog.import_button.isEnabled()
    dialog.choose_button.click()  # a disabled button does nothing
    assert chosen.asked == [] and keyboard.focus() is dialog.close_button
    dialog.grab().save(str(tmp_path / "importeren-geweigerd.png"))


def test_a_file_imported_before_is_said_so_and_only_its_new_rows_are_imported(qtbot, keyboard, sqlite_db, staff,
                                                                              chosen, tmp_path):
    first = tmp_path / "maandag.json"
    first.write_text(json.dumps([GOOD]), encoding="utf-8")
    later = tmp_path / "dinsdag.json"
    later.write_text(json.dumps([GOOD, KEES]), encoding="utf-8")
    dialog = open_dialog(qtbot, sqlite_db, staff["sanne"])
    choose_file(qtbot, keyboard, dialog, chosen, first)
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        keyboard.alt("i")
    [monday] = numbers()

    choose_file(qtbot, keyboard, dialog, chosen, later)  # Tuesday's export holds Monday's row again
    assert dialog.summary.text() == ("2 rijen gelezen; alle zijn in orde. 1 rij was al geïmporteerd en wordt "
                                     "overgeslagen.")
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as imported:
        keyboard.alt("i")
    [tuesday] = imported.args[0]
    assert numbers() == [monday, tuesday] and Complaint.get(Complaint.number == tuesday).relation.name == "Kees Bos"
    assert dialog.message.text.text() == (f"1 klacht geïmporteerd: {tuesday}. 1 rij was al geïmporteerd (rij 1) en "
                                          "is overgeslagen.")
    dialog.grab().save(str(tmp_path / "importeren-al-gedaan.png"))

    choose_file(qtbot, keyboard, dialog, chosen, later)  # and once more: nothing new
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as imported:
        keyboard.alt("i")
    assert imported.args[0] == [] and numbers() == [monday, tuesday]
    assert dialog.message.text.text() == ("Geen klachten geïmporteerd. 2 rijen waren al geïmporteerd (rij 1, 2) en "
                                          "zijn overgeslagen.")


def test_an_import_that_stops_half_way_keeps_what_was_saved_and_finishes_when_run_again(
        qtbot, keyboard, sqlite_db, staff, chosen, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    rows = [{**GOOD, "description": f"Klacht {n}."} for n in range(5)]
    form = tmp_path / "formulier.json"
    form.write_text(json.dumps(rows), encoding="utf-8")
    register = intake.register

    def full_disk_at_the_fourth(user, report, *args, **kwargs):
        if report.description == "Klacht 3.":
            raise ValidationError({"disk": "De schijf is vol."}, "De schijf is vol.")
        return register(user, report, *args, **kwargs)

    monkeypatch.setattr(intake, "register", full_disk_at_the_fourth)
    dialog = open_dialog(qtbot, sqlite_db, staff["sanne"])
    choose_file(qtbot, keyboard, dialog, chosen, form)
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as imported:
        keyboard.alt("i")
    assert imported.args[0] == numbers() and len(numbers()) == 2  # the first batch; the second left nothing
    assert dialog.message.text.text().startswith("Het importeren is gestopt na 2 van 5 rijen: De schijf is vol. ")
    assert dialog.import_button.isEnabled()
    dialog.grab().save(str(tmp_path / "importeren-gestopt.png"))

    monkeypatch.setattr(intake, "register", register)
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as imported:
        keyboard.alt("i")  # the same rows again: the saved ones are skipped
    assert len(imported.args[0]) == 3 and len(numbers()) == 5
    assert dialog.message.text.text().endswith("2 rijen waren al geïmporteerd (rij 1, 2) en zijn overgeslagen.")
