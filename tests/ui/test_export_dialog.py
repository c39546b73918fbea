"""Bestand → Klachten exporteren, from the keyboard, to a real file read back: anonymised by default, refused plainly."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from klachtenbureau.models import AuditEntry
from klachtenbureau.ui import files
from klachtenbureau.ui.export_dialog import ExportDialog, offered_periods
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from tests.ui.keys import show

RIA = {"name": "Ria Dekker", "email": "ria@example.nl", "phone": "020 123 4567", "street": "Havenkade 4",
       "postcode": "1012AB", "city": "Amsterdam"}


@pytest.fixture
def saved_as(monkeypatch) -> list[str]:
    """Stands in for the save dialog: answers with the suggested name, and remembers it."""
    asked: list[str] = []

    def answer(parent, title: str, start: str, name_filter: str) -> str:
        asked.append(start)
        return start

    monkeypatch.setattr(files, "save_file_name", answer)
    monkeypatch.setattr(files, "in_documents", lambda name: str(monkeypatch.tmp / name))
    return asked


def register(staff, description: str) -> None:
    intake.register(staff["sanne"], intake.NewReport(description=description, relation=RIA, channel="phone"))


def test_the_export_is_anonymised_unless_asked_and_written_with_its_count(qtbot, keyboard, sqlite_db, staff,
                                                                          saved_as, monkeypatch, tmp_path):
    monkeypatch.tmp = tmp_path
    register(staff, "Ria Dekker belde: de bus kwam niet.")
    register(staff, "Weer geen bus.")
    dialog = show(qtbot, ExportDialog(Session(staff["petra"], sqlite_db)))
    assert dialog.anonymize.isChecked() and not dialog.privacy.isVisible()

    keyboard.alt("e")  # Exporteren…
    qtbot.waitUntil(lambda: "geëxporteerd" in dialog.message.text.text(), timeout=20_000)
    path = Path(saved_as[0])
    assert path.name == "klachten-alle-geanonimiseerd.csv"
    assert dialog.message.text.text() == f"2 klachten geëxporteerd naar {path.name} in de map {tmp_path}"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 and "complainant_name" not in rows[0]
    assert "Ria" not in path.read_text(encoding="utf-8")
    dialog.grab().save(str(tmp_path / "exporteren.png"))

    keyboard.alt("g")  # Geanonimiseerd off: the warning shows
    qtbot.waitUntil(dialog.privacy.isVisible)
    keyboard.alt("j")  # JSON
    qtbot.waitUntil(dialog.json.isChecked)
    keyboard.alt("e")
    qtbot.waitUntil(lambda: len(saved_as) == 2 and "persoonsgegevens.json in de map" in dialog.message.text.text(),
                    timeout=20_000)
    data = json.loads(Path(saved_as[1]).read_text(encoding="utf-8"))
    assert Path(saved_as[1]).name == "klachten-alle-met-persoonsgegevens.json"
    assert {row["complainant_name"] for row in data} == {"Ria Dekker"}
    assert [entry.changes for entry in AuditEntry.select().where(AuditEntry.action == "export")
            .order_by(AuditEntry.id)] == [
        '{"anonymized": true, "complaints": 2, "format": "csv", "period": ""}',
        '{"anonymized": false, "complaints": 2, "format": "json", "period": ""}']
    dialog.grab().save(str(tmp_path / "exporteren-persoonsgegevens.png"))


def test_a_telephonist_is_told_she_may_not_export_before_choosing_anything(qtbot, sqlite_db, staff):
    dialog = show(qtbot, ExportDialog(Session(staff["sanne"], sqlite_db)))
    assert "Dit mag alleen een coördinator" in dialog.message.text.text()
    assert not dialog.export_button.isEnabled() and not dialog.anonymize.isEnabled()


def test_the_periods_offered_are_the_running_and_past_years_and_halves_newest_first():
    labels = [label for label, _period in offered_periods(dt.date(2026, 3, 10))]
    assert labels[:5] == ["Alle klachten", "2026", "1e halfjaar 2026", "2025", "2e halfjaar 2025"]
    assert len(labels) == 1 + 2 + 3 * 4  # the second half of 2026 has not begun
