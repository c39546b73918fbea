"""Letters and the archive PDF from the dossier window."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from klachtenbureau.models import Complaint
from klachtenbureau.ui import files
from klachtenbureau.ui.printing import LetterPreviewDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from tests.ui.test_dossier_window import dossier


@pytest.fixture
def postal(staff):
    return intake.register(staff["sanne"], intake.NewReport(
        description="De taxi kwam niet.", channel="post",
        relation={"name": "Els Bos", "street": "Molenweg 3", "postcode": "8011 AA", "city": "Zwolle"}))


def test_letter_menu_offers_every_letter_and_opens_its_preview(qtbot, sqlite_db, staff, postal):
    window = dossier(qtbot, Session(staff["petra"], sqlite_db), postal.id)
    actions = window.letters_button.menu().actions()
    assert [a.text() for a in actions] == ["Ontvangstbevestiging…", "Verzoek om aanvullende informatie…",
                                           "Antwoordbrief…", "Uitstelbericht…", "Nazorgbrief…"]
    dialog = window.open_letter("acknowledgement")
    qtbot.addWidget(dialog)
    assert isinstance(dialog, LetterPreviewDialog)


def test_dossier_pdf_is_saved_where_the_user_chose(qtbot, sqlite_db, staff, postal, tmp_path, monkeypatch):
    target = tmp_path / "dossier.pdf"
    monkeypatch.setattr(files, "save_file_name", lambda *args: str(target))
    window = dossier(qtbot, Session(staff["petra"], sqlite_db), postal.id)
    window.dossier_pdf_button.click()
    qtbot.waitUntil(lambda: "opgeslagen" in window.message.text.text(), timeout=20_000)
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert Complaint.get_by_id(postal.id).number in text and "Els Bos" in text
