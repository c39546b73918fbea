"""Every file dialog of the desk speaks Dutch and starts in the user's Documents, not in the program's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QDialog, QFileDialog, QLabel

from klachtenbureau.ui import files
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from tests.ui.keys import Keyboard
from tests.ui.test_dossier_window import dossier, when_dialog

UI = Path(files.__file__).parent


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """A Documents folder of the test's own (on Linux it is found from HOME)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    folder = files.documents_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def words_shown(dialog: QDialog) -> set[str]:
    return {widget.text().replace("&", "") for widget in dialog.findChildren(QLabel) + dialog.findChildren(
        QAbstractButton) if widget.isVisible() and widget.text()}


def test_saving_the_dossier_suggests_its_name_in_documents_with_dutch_labels(qtbot, sqlite_db, staff, documents,
                                                                            keyboard: Keyboard):
    complaint = intake.register(staff["sanne"], intake.NewReport(description="De taxi kwam niet.", anonymous=True))
    window = dossier(qtbot, Session(staff["petra"], sqlite_db), complaint.id)
    shown: dict[str, object] = {}

    def save(dialog: QDialog) -> None:
        shown.update(folder=Path(dialog.directory().absolutePath()), words=words_shown(dialog))
        keyboard.enter()  # the suggested name

    when_dialog(qtbot, save)
    window.dossier_pdf_button.click()
    qtbot.waitUntil(lambda: "opgeslagen" in window.message.text.text(), timeout=20_000)
    assert shown["folder"] == documents
    assert {"Bestandsnaam:", "Bestandstype:", "Opslaan", "Annuleren"} <= shown["words"]
    assert not {"File name:", "Files of type:", "Save", "Cancel"} & shown["words"]
    assert (documents / f"klachtdossier-{complaint.number}.pdf").exists()


@pytest.mark.parametrize(("choose", "mode"), [
    (lambda: files.open_file_names(None, "Bijlage toevoegen", "Scans (*.pdf)"), QFileDialog.FileMode.ExistingFiles),
    (lambda: files.existing_folder(None, "Gedeelde map kiezen", ""), QFileDialog.FileMode.Directory),
    (lambda: files.open_file_name(None, "Bestand kiezen", "Websiteformulier (*.json *.csv)"),
     QFileDialog.FileMode.ExistingFile),
], ids=["bijlage", "map", "websiteformulier"])
def test_opening_starts_in_documents_with_dutch_labels(qtbot, documents, choose, mode):
    shown: dict[str, object] = {}

    def look(dialog: QDialog) -> None:
        shown.update(mode=dialog.fileMode(), folder=Path(dialog.directory().absolutePath()),
                     words=words_shown(dialog))

    when_dialog(qtbot, look)
    assert choose() in ([], "")  # closed without a choice
    assert shown["mode"] == mode and shown["folder"] == documents
    assert "Annuleren" in shown["words"] and not {"Open", "Choose", "Cancel", "Look in:"} & shown["words"]


def test_no_window_opens_a_file_dialog_of_its_own():
    others = [path.relative_to(UI).as_posix() for path in sorted(UI.rglob("*.py"))
              if path.name != "files.py" and "QFileDialog" in path.read_text(encoding="utf-8")]
    assert others == []
