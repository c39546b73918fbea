"""Printing, saving and e-mailing acknowledgements, and the letter texts settings, driven as a person would."""

from __future__ import annotations

import email
import email.policy
import io
import os
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from PIL import ImageChops, ImageStat
from PySide6.QtCore import QObject, Qt, QThreadPool, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from klachtenbureau.models import Complaint, Document
from klachtenbureau.reports import letter_texts
from klachtenbureau.ui import printing
from klachtenbureau.ui.letter_texts_dialog import LetterTextsDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, settings
from klachtenbureau.workflow.mail import mail_settings
from tests.mailservers import SmtpServer
from tests.reports.conftest import JAN, ORGANISATION
from tests.reports.pdftools import normalised, text

SHOTS = Path(os.environ.get("KLACHTENBUREAU_SHOTS", "/tmp/shots/letters"))


def shoot(widget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def petra(sqlite_db, staff) -> Session:
    settings.put(staff["admin"], "organisation", ORGANISATION)
    return Session(staff["petra"], sqlite_db)


def postal(staff, **fields) -> Complaint:
    report = intake.NewReport(description="De taxi kwam veertig minuten te laat.", category="Tijdstip ophalen",
                              channel="post", relation=dict(JAN))
    for name, value in fields.items():
        setattr(report, name, value)
    return intake.register(staff["sanne"], report)


@pytest.fixture
def pdf_printer(tmp_path, monkeypatch) -> Path:
    """The print dialog answered with a printer that prints into a PDF file."""
    target = tmp_path / "printer.pdf"

    def choose(_parent):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return printer

    monkeypatch.setattr(printing, "choose_printer", choose)
    return target


def _rendered(pdf: bytes, dpi: int = 40):
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def test_saving_a_previewed_acknowledgement_stores_it_and_records_it_as_sent(qtbot, petra, staff, tmp_path,
                                                                             monkeypatch):
    complaint = postal(staff)
    target = tmp_path / "brief.pdf"
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, name: target)
    dialog = printing.LetterPreviewDialog(petra, complaint.id, "acknowledgement")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=10_000)
    assert len(dialog.preview.pages) == 1 and dialog.windowTitle() == f"Ontvangstbevestiging – {complaint.number}"
    shoot(dialog, "preview-dialog")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert complaint.number in text(target.read_bytes())
    saved = Complaint.get_by_id(complaint.id)
    assert (saved.status, saved.acknowledgement_method) == ("acknowledged", "letter")
    assert bytes(Document.get(Document.complaint == complaint.id).content) == target.read_bytes()
    assert "als verstuurd genoteerd" in dialog.message.text.text()


def test_printing_puts_the_letter_on_the_sheet_at_actual_size(qtbot, petra, staff, pdf_printer):
    complaint = postal(staff)
    dialog = printing.LetterPreviewDialog(petra, complaint, "acknowledgement")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=10_000)
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    printed = pdf_printer.read_bytes()
    assert len(pypdf.PdfReader(io.BytesIO(printed)).pages) == 1
    difference = ImageChops.difference(_rendered(printed), _rendered(dialog.pdf))
    assert ImageStat.Stat(difference).mean[0] < 4  # the same sheet: nothing moved, nothing scaled
    assert "Ontvangstbevestiging afgedrukt." in [e.summary for e in Complaint.get_by_id(complaint.id).timeline]


def test_anonymous_complaint_shows_why_no_letter_can_be_made(qtbot, petra, staff):
    complaint = postal(staff, anonymous=True, relation=None)
    dialog = printing.LetterPreviewDialog(petra, complaint.id, "acknowledgement")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "anoniem" in dialog.message.text.text(), timeout=10_000)
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    shoot(dialog, "preview-anonymous")


def test_batch_prints_the_chosen_acknowledgements_and_keeps_the_rest(qtbot, petra, staff, pdf_printer):
    first, second = postal(staff), postal(staff, relation={**JAN, "name": "Els Bos"})
    anonymous = postal(staff, anonymous=True, relation=None)
    postal(staff, channel="email")
    dialog = printing.AcknowledgementBatchDialog(petra)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 3, timeout=10_000)
    rows = {dialog.tree.topLevelItem(i).text(0): dialog.tree.topLevelItem(i) for i in range(3)}
    assert rows[anonymous.number].text(3) == "Anoniem: geen adres"
    assert "anoniem ingediend" in rows[anonymous.number].toolTip(3)
    assert not rows[anonymous.number].flags() & Qt.ItemFlag.ItemIsEnabled
    shoot(dialog, "batch-dialog")
    rows[second.number].setCheckState(0, Qt.CheckState.Unchecked)
    with qtbot.waitSignal(dialog.finished_batch, timeout=20_000) as done:
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert done.args == [1]
    assert len(pypdf.PdfReader(str(pdf_printer)).pages) == 1
    assert Complaint.get_by_id(first.id).acknowledgement_method == "letter"
    assert Complaint.get_by_id(second.id).status == "new"
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=10_000)
    assert "1 ontvangstbevestiging(en) bewaard" in dialog.message.text.text()


def test_batch_saves_all_letters_in_one_pdf(qtbot, petra, staff, tmp_path, monkeypatch):
    made = [postal(staff), postal(staff, relation={**JAN, "name": "Els Bos"})]
    target = tmp_path / "alle.pdf"
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, name: target)
    dialog = printing.AcknowledgementBatchDialog(petra)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=10_000)
    with qtbot.waitSignal(dialog.finished_batch, timeout=20_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    content = normalised(text(target.read_bytes()))
    assert "Els Bos" in content and "Jan de Vries" in content
    assert all(Complaint.get_by_id(c.id).status == "acknowledged" for c in made)


@pytest.fixture
def smtp_server(staff):
    with SmtpServer() as server:
        mail_settings.save(staff["admin"], server.settings())
        yield server


class FileOpener(QObject):
    """Stands in for the mail program: QDesktopServices hands it the draft instead of starting a program."""

    def __init__(self):
        super().__init__()
        self.opened: list[Path] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(Path(url.toLocalFile()))


@pytest.fixture
def mail_program():
    opener = FileOpener()
    QDesktopServices.setUrlHandler("file", opener, "open")
    yield opener
    QDesktopServices.unsetUrlHandler("file")


def open_preview(qtbot, session, complaint, kind="acknowledgement", **options) -> printing.LetterPreviewDialog:
    dialog = printing.LetterPreviewDialog(session, complaint, kind, **options)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10_000):
        dialog.show()
    return dialog


def test_an_emailed_complaint_is_acknowledged_by_email_through_the_office_mail_server(qtbot, petra, staff,
                                                                                     smtp_server):
    complaint = postal(staff, channel="email")
    dialog = open_preview(qtbot, petra, complaint)
    assert dialog.email_choice.isChecked() and dialog.send_button.isVisible() and not dialog.print_button.isVisible()
    assert dialog.send_button.isDefault() and dialog.send_button.hasFocus()
    assert "jan.devries@example.nl" in normalised(text(dialog.pdf))  # where the envelope window would be
    qtbot.waitUntil(lambda: dialog.preview.pages[0].isVisible() and dialog.preview.pages[0].width() > 300)
    shoot(dialog, "acknowledgement-by-email")
    with qtbot.waitSignal(dialog.recorded, timeout=15_000):
        qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Versturen
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == [JAN["email"]]
    message = mail.message
    assert message["Subject"] == f"[{complaint.number}] Ontvangstbevestiging van uw klacht"
    assert message.get_body(("plain",)).get_content().startswith("Geachte Jan de Vries,")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == dialog.pdf
    saved = Complaint.get_by_id(complaint.id)
    assert (saved.status, saved.acknowledgement_method) == ("acknowledged", "email")
    assert Document.get(Document.complaint == complaint.id).mime_type == "message/rfc822"
    assert "Verstuurd aan jan.devries@example.nl" in dialog.message.text.text()


def test_the_route_can_be_switched_and_a_missing_postal_address_leaves_only_email(qtbot, petra, staff, smtp_server):
    both = postal(staff)  # came by post, has an e-mail address too
    dialog = open_preview(qtbot, petra, both)
    assert dialog.post_choice.isChecked() and dialog.print_button.isDefault()
    with qtbot.waitSignal(dialog.preview_updated, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # Per e-mail
    assert dialog.send_button.isVisible() and "jan.devries@example.nl" in normalised(text(dialog.pdf))
    only_email = postal(staff, channel="phone", relation={"name": "Els Bakker", "email": "els@example.nl"})
    dialog = open_preview(qtbot, petra, only_email)
    assert dialog.email_choice.isChecked() and not dialog.post_choice.isEnabled()
    assert "postadres" in dialog.post_choice.toolTip()


def test_without_a_mail_server_the_mail_opens_as_a_draft_and_is_recorded_when_sent_from_there(
        qtbot, petra, staff, mail_program):
    complaint = postal(staff, channel="website")
    dialog = open_preview(qtbot, petra, complaint)
    assert not dialog.send_button.isEnabled() and dialog.draft_button.isDefault()
    assert "Beheer → E-mail" in dialog.send_button.toolTip()
    qtbot.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Als concept openen
    qtbot.waitUntil(lambda: bool(mail_program.opened), timeout=10_000)
    draft = email.message_from_bytes(mail_program.opened[0].read_bytes(), policy=email.policy.default)
    assert draft["X-Unsent"] == "1" and draft["To"] == JAN["email"] and complaint.number in draft["Subject"]
    assert Complaint.get_by_id(complaint.id).acknowledged_at is None  # a draft is not a sent mail
    qtbot.waitUntil(lambda: bool(dialog.message.buttons()))
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Vastleggen als verstuurd
    saved = Complaint.get_by_id(complaint.id)
    assert (saved.status, saved.acknowledgement_method) == ("acknowledged", "email")


def test_letter_texts_dialog_previews_warns_and_saves(qtbot, petra, staff):
    dialog = LetterTextsDialog(petra)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.last_preview != b"", timeout=10_000)
    with qtbot.waitSignal(dialog.preview_updated, timeout=10_000):
        dialog.kinds.setCurrentRow(list(letter_texts.LETTER_KINDS).index("extension"))
    assert "Meer tijd nodig voor het antwoord op uw klacht" in normalised(text(dialog.last_preview))
    dialog.subject.selectAll()
    qtbot.keyClicks(dialog.subject, "Uw antwoord komt later ({klachtnummer})")
    qtbot.waitUntil(lambda: "Uw antwoord komt later (K" in normalised(text(dialog.last_preview)), timeout=10_000)
    qtbot.keyClicks(dialog.subject, " {datum}")
    assert dialog.problem.isVisible() and "{datum}" in dialog.problem.text()
    shoot(dialog, "letter-texts-dialog")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Onbekende invulplek" in dialog.message.text.text(), timeout=10_000)
    for _ in range(len(" {datum}")):
        qtbot.keyClick(dialog.subject, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert settings.get("letter_texts") == {"extension": {"subject": "Uw antwoord komt later ({klachtnummer})"}}
    dialog.reject()
    assert not dialog.isVisible() or dialog.result() == 0


def test_enter_on_a_placeholder_inserts_it_and_presses_no_button(qtbot, petra):
    dialog = LetterTextsDialog(petra)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.texts), timeout=10_000)
    dialog.body.setFocus()
    dialog.body.moveCursor(dialog.body.textCursor().MoveOperation.End)
    qtbot.keyClicks(dialog.body, "Met dank, ")
    dialog.placeholders.setFocus()
    dialog.placeholders.setCurrentRow(list(letter_texts.PLACEHOLDERS).index("naam"))
    qtbot.keyClick(dialog.placeholders, Qt.Key.Key_Return)
    assert dialog.body.toPlainText().endswith("Met dank, {naam}")  # inserted, and not reset to the default text
    assert dialog.isVisible()


def test_closing_with_unsaved_letter_texts_asks_first(qtbot, petra):
    dialog = LetterTextsDialog(petra)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.texts), timeout=10_000)
    qtbot.keyClicks(dialog.body, "Extra zin.")
    dialog.reject()
    assert dialog.isVisible() and "nog niet zijn opgeslagen" in dialog.message.text.text()
    assert dialog.texts["acknowledgement"]["body"].startswith("Extra zin.{aanhef},")
    leave = next(b for b in dialog.message.buttons() if "Niet opslaan" in b.text())
    qtbot.mouseClick(leave, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert settings.get("letter_texts") == {}  # nothing was saved


def test_preview_warns_which_setting_the_letter_misses_and_where_to_fill_it_in(qtbot, petra, staff):
    settings.put(staff["admin"], "organisation", {**ORGANISATION, "counsellor": "", "phone": "", "email": ""})
    dialog = printing.LetterPreviewDialog(petra, postal(staff).id, "acknowledgement")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "Beheer › Organisatiegegevens" in dialog.message.text.text(), timeout=10_000)
    assert "telefoonnummer of e-mailadres, vertrouwenspersoon" in dialog.message.text.text()
    assert dialog.print_button.isEnabled()  # a warning, not a refusal
    shoot(dialog, "preview-missing-settings")


def test_preview_with_every_setting_filled_shows_no_warning(qtbot, petra, staff):
    dialog = printing.LetterPreviewDialog(petra, postal(staff).id, "acknowledgement")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=10_000)
    QThreadPool.globalInstance().waitForDone(10_000)  # the check of the settings has come back
    QApplication.processEvents()
    assert not dialog.message.isVisible()


def test_batch_warns_before_printing_when_the_counsellor_is_missing(qtbot, petra, staff):
    settings.put(staff["admin"], "organisation", {**ORGANISATION, "counsellor": ""})
    postal(staff)
    dialog = printing.AcknowledgementBatchDialog(petra)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    assert dialog.message.isVisible() and "vertrouwenspersoon" in dialog.message.text.text()
    assert "telefoonnummer" not in dialog.message.text.text()
    shoot(dialog, "batch-missing-settings")
