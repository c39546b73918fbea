"""The request for more information from the dossier's letter menu, driven from the keyboard."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from klachtenbureau.i18n import format_date
from klachtenbureau.models import Document, TimelineEntry
from klachtenbureau.ui import printing
from klachtenbureau.ui.dossier.form_dialog import FormDialog
from klachtenbureau.ui.printing import LetterPreviewDialog
from klachtenbureau.workflow import letters, procedure
from tests.reports.conftest import answered
from tests.reports.pdftools import normalised, text
from tests.ui.keys import active_modal
from tests.ui.test_dossier_window import dossier
from tests.ui.test_printing import petra, postal  # noqa: F401 (fixture)

SHOTS = Path(os.environ.get("KLACHTENBUREAU_SHOTS", "/tmp/shots/letters"))


def _choose_from_menu(keyboard, downs: int) -> None:
    """The letter button's menu runs its own event loop: pick the entry once it is open."""
    def pick() -> None:
        if QApplication.activePopupWidget() is None:
            QTimer.singleShot(20, pick)
            return
        for _ in range(downs):
            keyboard.press(Qt.Key.Key_Down)
        keyboard.enter()
    QTimer.singleShot(0, pick)


def _preview(window) -> LetterPreviewDialog | None:
    return next(iter(window.findChildren(LetterPreviewDialog)), None)


def test_request_for_information_goes_from_the_menu_through_the_preview_onto_the_timeline(
        qtbot, keyboard, petra, staff, tmp_path, monkeypatch):  # noqa: F811 (fixture)
    complaint = postal(staff)
    target = tmp_path / "verzoek.pdf"
    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, name: target)
    window = dossier(qtbot, petra, complaint.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    _choose_from_menu(keyboard, downs=2)  # the second letter: Verzoek om aanvullende informatie
    keyboard.alt("r")  # B&rief…
    dialog = active_modal(qtbot)
    assert isinstance(dialog, FormDialog)
    assert dialog.windowTitle() == f"Verzoek om aanvullende informatie – {complaint.number}"
    proposed = letters.default_reply_by()
    assert dialog.values()["reply_by"] == proposed
    late = complaint.answer_by <= proposed  # the answer is due within 5 working days, the reply within 10
    assert late and "Let op: het antwoord op de klacht is beloofd uiterlijk" in dialog.fields["reply_by"].hint.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "information-request-dialog.png"))
    assert dialog.width() <= 1366 and dialog.sizeHint().height() <= 768

    keyboard.alt("b")  # &Brief maken… with nothing typed: said at the field, nothing opens
    qtbot.waitUntil(lambda: dialog.fields["question"].problem() == "Typ de vraag aan de klager.")
    assert dialog.isVisible() and _preview(window) is None
    dialog.grab().save(str(SHOTS / "information-request-dialog-problem.png"))

    keyboard.alt("v")  # &Vraag aan de klager
    keyboard.type("Op welke dag had de taxi u moeten ophalen?")
    keyboard.enter()
    keyboard.type("- Wie heeft de rit geboekt?")
    keyboard.alt("u")  # Reactie &uiterlijk, the day selected: today is too soon
    keyboard.type(f"{dt.date.today():%d%m%Y}")  # each part in full moves on to the next
    keyboard.alt("b")
    qtbot.waitUntil(lambda: dialog.fields["reply_by"].problem().startswith("Kies een datum na vandaag"))
    assert dialog.fields["question"].problem() == ""
    assert "Let op" not in dialog.fields["reply_by"].hint.text()
    keyboard.alt("v")  # away and back: the day selected again
    keyboard.alt("u")
    keyboard.type(f"{proposed:%d%m%Y}")
    assert dialog.values()["reply_by"] == proposed
    keyboard.alt("b")

    qtbot.waitUntil(lambda: _preview(window) is not None and _preview(window).pdf is not None, timeout=20_000)
    preview = _preview(window)
    assert not any(form.isVisible() for form in window.findChildren(FormDialog))
    content = normalised(text(preview.pdf))
    assert "Op welke dag had de taxi u moeten ophalen?" in content and "• Wie heeft de rit geboekt?" in content
    assert f"uiterlijk {format_date(proposed)} antwoorden" in content and complaint.number in content
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    preview.grab().save(str(SHOTS / "information-request-preview.png"))
    with qtbot.waitSignal(preview.recorded, timeout=20_000):
        keyboard.alt("p")  # Opslaan als &PDF…
    assert bytes(Document.get(Document.complaint == complaint.id).content) == target.read_bytes()
    entry = TimelineEntry.get((TimelineEntry.complaint == complaint.id) & (TimelineEntry.kind == "letter"))
    assert (entry.method, entry.direction) == ("letter", "out")
    summary = ("Verzoek om aanvullende informatie opgeslagen als PDF. Reactie gevraagd uiterlijk "
               f"{format_date(proposed)}.")
    assert entry.summary == summary

    keyboard.alt("u")  # Sl&uiten: the dossier shows the letter on its timeline
    qtbot.waitUntil(lambda: summary in window.browsers["timeline"].toPlainText(), timeout=10_000)


def test_closed_complaint_gets_no_request_form_but_the_reason(qtbot, petra, staff):  # noqa: F811 (fixture)
    complaint = procedure.close(staff["petra"], answered(postal(staff), staff["petra"]))
    window = dossier(qtbot, petra, complaint.id)
    dialog = window.open_letter("information_request")
    assert isinstance(dialog, FormDialog)
    assert "heropen de klacht" in dialog.message.text.text()
    assert not dialog.ok_button.isEnabled() and not dialog.editors["question"].isEnabled()
    dialog.reject()
