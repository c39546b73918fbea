"""Adapting the text of one letter before it goes out, with the standard paragraphs, driven as a person would."""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2
import pytest
from PIL import ImageChops, ImageStat
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from klachtenbureau.models import Complaint, Document, TimelineEntry
from klachtenbureau.ui import printing
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, settings
from klachtenbureau.workflow import standard_paragraphs as sp
from tests.reports.conftest import JAN, ORGANISATION, answered
from tests.reports.pdftools import normalised, text

SHOTS = Path(os.environ.get("KLACHTENBUREAU_SHOTS", "/tmp/shots/letters"))
STANDARD = "Wij hebben de ritgegevens van de vervoerder opgevraagd, {naam}."


@pytest.fixture
def petra(sqlite_db, staff) -> Session:
    settings.put(staff["admin"], "organisation", ORGANISATION)
    return Session(staff["petra"], sqlite_db)


@pytest.fixture
def unfounded(staff, petra) -> Complaint:
    complaint = intake.register(staff["sanne"], intake.NewReport(
        description="De taxi kwam veertig minuten te laat.", category="Tijdstip ophalen", channel="post",
        relation=dict(JAN)))
    taxi = complaint.category_id
    sp.save(staff["petra"], [
        sp.StandardParagraph("Algemeen slot", "Dank voor uw geduld."),
        sp.StandardParagraph("Ritgegevens", STANDARD, taxi, "unfounded"),
        sp.StandardParagraph("Gegrond", "U heeft gelijk.", verdict="founded"),
    ], expected_version=0)
    return answered(complaint, staff["petra"], verdict="unfounded", remedies=())


def open_preview(qtbot, session: Session, complaint: Complaint, kind: str) -> printing.LetterPreviewDialog:
    dialog = printing.LetterPreviewDialog(session, complaint.id, kind)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=10_000)
    return dialog


def start_editing(qtbot, dialog: printing.LetterPreviewDialog) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.original is not None and dialog.editor.isEnabled(), timeout=10_000)


def select(dialog: printing.LetterPreviewDialog, paragraph: str) -> None:
    """Put the cursor on ``paragraph`` of the text, selected, as a person would with the mouse."""
    body = dialog.editor.body
    body.moveCursor(QTextCursor.MoveOperation.Start)
    assert body.find(paragraph)


def last_page(pdf: bytes):
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[len(document) - 1].render(scale=40 / 72).to_pil().convert("L")
    finally:
        document.close()


def timeline(complaint: Complaint) -> list[str]:
    return [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == complaint.id)]


def test_the_edited_answer_with_a_standard_paragraph_is_the_stored_letter(qtbot, petra, unfounded, tmp_path,
                                                                          monkeypatch):
    target = tmp_path / "antwoord.pdf"
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, name: target)
    dialog = open_preview(qtbot, petra, unfounded, "answer")
    start_editing(qtbot, dialog)
    editor = dialog.editor
    assert editor.body.hasFocus() and editor.subject.text() == dialog.original[0]
    titles = [editor.paragraphs.item(i).text() for i in range(editor.paragraphs.count())]
    assert titles == ["Ritgegevens", "Algemeen slot"]  # the category's and verdict's first; not "Gegrond"
    verdict_paragraph = dialog.original[1].split("\n\n")[2]  # the office's text says why it is unfounded
    select(dialog, verdict_paragraph)
    qtbot.keyClick(editor.body, Qt.Key.Key_Delete)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert editor.paragraphs.hasFocus() and editor.paragraphs.currentItem().text() == "Ritgegevens"
    with qtbot.waitSignal(dialog.preview_updated, timeout=10_000):
        qtbot.keyClick(editor.paragraphs, Qt.Key.Key_Return)
    assert editor.body.hasFocus() and dialog.isVisible()  # Enter inserted; it did not print
    filled = "Wij hebben de ritgegevens van de vervoerder opgevraagd, Jan de Vries."
    assert filled in editor.body.toPlainText() and verdict_paragraph not in editor.body.toPlainText()
    assert filled in normalised(text(dialog.pdf))
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "letter-editing.png"))
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.keyClick(editor.body, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    stored = normalised(text(bytes(Document.get(Document.complaint == unfounded.id).content)))
    assert filled in stored and normalised(verdict_paragraph)[:60] not in stored
    assert "Antwoordbrief opgeslagen als PDF (tekst aangepast)." in timeline(unfounded)
    assert settings.get("letter_texts") == {}  # the office-wide text is not touched
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # what was stored needs no question
    assert not dialog.isVisible()


def test_a_double_click_inserts_at_the_cursor_and_printing_prints_the_edit(qtbot, petra, unfounded, tmp_path,
                                                                           monkeypatch):
    target = tmp_path / "printer.pdf"

    def choose(_parent):
        printer = printing.QPrinter(printing.QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(printing.QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    monkeypatch.setattr(printing, "choose_printer", choose)
    dialog = open_preview(qtbot, petra, unfounded, "answer")
    start_editing(qtbot, dialog)
    editor = dialog.editor
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(dialog.preview_updated, timeout=10_000):
        for _line in range(2):
            qtbot.keyClick(editor.body, Qt.Key.Key_Return)  # a new paragraph: Enter types, it does not print
    where = editor.paragraphs.visualItemRect(editor.paragraphs.item(1)).center()
    with qtbot.waitSignal(dialog.preview_updated, timeout=10_000):
        qtbot.mouseClick(editor.paragraphs.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(editor.paragraphs.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert editor.body.toPlainText().endswith("\n\nDank voor uw geduld.")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    stored = bytes(Document.get(Document.complaint == unfounded.id).content)
    assert "Dank voor uw geduld." in normalised(text(stored))
    difference = ImageChops.difference(last_page(target.read_bytes()), last_page(stored))
    assert ImageStat.Stat(difference).mean[0] < 4  # the printer got the stored, edited letter
    assert "Antwoordbrief afgedrukt (tekst aangepast)." in timeline(unfounded)


def test_a_placeholder_left_in_the_text_is_refused_until_it_is_gone(qtbot, petra, unfounded):
    dialog = open_preview(qtbot, petra, unfounded, "answer")
    start_editing(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(dialog.preview_updated, timeout=10_000):
        qtbot.keyClicks(dialog.editor.subject, " {klachtnummer}")
    assert "Er staat nog een invulplek in de brief: {klachtnummer}." in dialog.message.text.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    qtbot.keyClick(dialog.editor.subject, Qt.Key.Key_Return)  # Enter in the subject goes on; it does not print
    assert dialog.editor.body.hasFocus()
    with qtbot.waitSignal(dialog.preview_updated, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert dialog.print_button.isEnabled() and not dialog.message.isVisible()
    assert not dialog.adapted()


def test_closing_with_an_edit_not_yet_sent_asks_first(qtbot, petra, unfounded):
    dialog = open_preview(qtbot, petra, unfounded, "answer")
    start_editing(qtbot, dialog)
    qtbot.keyClicks(dialog.editor.body, "Nog een zin. ")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and "nog niet afgedrukt, opgeslagen of verstuurd" in dialog.message.text.text()
    qtbot.waitUntil(lambda: all(button.isVisible() for button in dialog.message.buttons()))
    qtbot.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # Verder met de brief
    qtbot.waitUntil(lambda: not dialog.message.isVisible())
    assert dialog.isVisible() and dialog.editor.body.hasFocus()  # back where the typing was
    qtbot.keyClicks(dialog.editor.body, "En nog een. ")
    assert dialog.editor.body.toPlainText().count("Nog een zin. En nog een. ") == 1
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: all(button.isVisible() for button in dialog.message.buttons()))
    qtbot.keyClick(dialog, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # Weggooien en sluiten
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert Document.select().where(Document.complaint == unfounded.id).count() == 0
