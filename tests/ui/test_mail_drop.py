"""An .eml or Outlook .msg dropped on the intake wizard fills it; dropped on a dossier it is an incoming contact."""

from __future__ import annotations

import datetime as dt
import email.utils
import shutil
import warnings
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from klachtenbureau.models import Complaint, Document, TimelineEntry
from klachtenbureau.ui.dossier_window import open_dossier
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from klachtenbureau.workflow.intake_support import NEW_RELATION, short_date
from klachtenbureau.workflow.offline import drafts
from tests.ui.keys import show

SAMPLES = Path(__file__).parent.parent / "mail_samples"
YESTERDAY = (dt.datetime.now() - dt.timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)


def mail_file(folder: Path, body: str = "De chauffeur kwam niet opdagen.\n\nGroet,\nEls Bos\n\n> eerder bericht",
              subject: str = "Klacht over de rit") -> Path:
    message = EmailMessage()
    message["From"] = "Els Bos <els@example.nl>"
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(YESTERDAY.astimezone())
    message["Message-ID"] = "<rit-1@example.nl>"
    message.set_content(body)
    path = folder / "klacht.eml"
    path.write_bytes(message.as_bytes())
    return path


def drop(target: QWidget, *paths: Path) -> bool:
    """Drag ``paths`` onto ``target`` and let go, as from the file manager; whether the drag was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    actions = Qt.DropAction.CopyAction
    with warnings.catch_warnings():
        # the QPoint form is the only one before PySide6 6.12 and deprecated from 6.12 on
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(50, 50), actions, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(target, QDropEvent(QPointF(50, 50), actions, mime, Qt.MouseButton.LeftButton,
                                              Qt.KeyboardModifier.NoModifier))
    return True


@pytest.fixture
def wizard(qtbot, session) -> IntakeWizard:
    return show(qtbot, IntakeWizard(session))


def test_dropped_eml_fills_the_wizard_and_is_kept_with_the_complaint(qtbot, wizard, keyboard, tmp_path):
    path = mail_file(tmp_path)
    assert drop(wizard, path)
    arrival, who, what = wizard.pages[0], wizard.pages[1], wizard.pages[3]
    assert "E-mail ingelezen: “Klacht over de rit” van Els Bos" in wizard.message.text.text()
    assert arrival.channel.value() == "email" and arrival.received.text() == short_date(YESTERDAY.date())
    assert [d.fields["mail_file"] for d in drafts.list_drafts()] == [str(path)]  # a crash keeps where the mail is

    keyboard.enter()
    assert wizard.current_page() is who and who.who.value() == NEW_RELATION
    assert (who.search.text(), who.name.text(), who.email.text()) == ("els@example.nl", "Els Bos", "els@example.nl")
    keyboard.enter()
    keyboard.enter()  # a complaint
    assert wizard.current_page() is what
    assert what.fields["description"].editor.toPlainText() == "De chauffeur kwam niet opdagen.\n\nGroet,\nEls Bos"
    keyboard.tab()
    keyboard.type("Ni")  # the category "Niet ophalen"
    keyboard.enter()
    keyboard.enter()  # handed over, the acknowledgement by e-mail: Registreren
    qtbot.waitUntil(lambda: wizard.current_page() is wizard.confirmation, timeout=10_000)
    page = wizard.confirmation
    assert page.print_button.isVisibleTo(page) and page.print_button.text() == "Ontvangstbevestiging &e-mailen"
    with qtbot.waitSignal(wizard.print_acknowledgement_requested) as requested:
        keyboard.alt("e")  # the main window opens the acknowledgement, by e-mail as chosen
    assert requested.args == [page.complaint.id]

    complaint = Complaint.get_by_id(wizard.confirmation.complaint.id)
    assert (complaint.channel, complaint.received_at.date(), complaint.acknowledgement_method) == (
        "email", YESTERDAY.date(), "email")
    assert (complaint.relation.name, complaint.relation.email) == ("Els Bos", "els@example.nl")
    [document] = Document.select().where(Document.complaint == complaint.id)
    assert (document.kind, document.name, bytes(document.content)) == (
        "email", f"{YESTERDAY:%Y-%m-%d} Klacht over de rit.eml", path.read_bytes())
    wizard.reset()
    assert wizard.mail is None  # the next report starts without it


def test_dropped_outlook_msg_fills_the_wizard(wizard, tmp_path):
    path = tmp_path / "Doorgestuurd.msg"
    shutil.copy(SAMPLES / "outer.msg", path)
    assert drop(wizard, path)
    assert wizard.values["description"] == "Outer body" and wizard.values["channel"] == "email"
    assert wizard.mail.raw == path.read_bytes() and wizard.mail.raw_name == "outer subject.msg"


def test_the_wizard_search_shows_a_known_complainant_by_the_mail_address(qtbot, wizard, keyboard, staff, tmp_path):
    known = intake.register(staff["sanne"], intake.NewReport(
        description="Eerder.", category="Niet ophalen", relation={"name": "Els Bos", "email": "els@example.nl"}))
    assert drop(wizard, mail_file(tmp_path))
    keyboard.enter()
    who = wizard.pages[1]
    qtbot.waitUntil(lambda: who.results.topLevelItemCount() == 1)
    assert who.results.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole) == known.relation_id


def test_a_file_that_cannot_be_read_changes_nothing(wizard, tmp_path):
    path = tmp_path / "weg.eml"  # dragged, then gone before it is dropped
    before = dict(wizard.values)
    assert drop(wizard, path)
    assert "weg.eml kon niet worden gelezen" in wizard.message.text.text()
    assert wizard.values == before and wizard.mail is None and not wizard.has_input()


def test_other_files_are_not_taken_by_the_wizard(wizard, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n")
    assert not drop(wizard, scan)


def test_mail_dropped_on_a_dossier_becomes_an_incoming_contact_with_the_mail(qtbot, sqlite_db, staff, tmp_path):
    complaint = intake.register(staff["sanne"], intake.NewReport(
        description="De taxi kwam niet.", category="Niet ophalen", relation={"name": "Els Bos", "phone": "0612345678"}))
    window = open_dossier(None, Session(staff["petra"], sqlite_db), complaint.id)
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not window.loading)  # read off the UI thread
    path = mail_file(tmp_path, "Hij belde ook niet.", subject=f"Re: [{complaint.number}] Uw klacht")
    assert drop(window, path)
    qtbot.waitUntil(lambda: "E-mail ontvangen" in window.browsers["timeline"].toPlainText(), timeout=10_000)
    assert window.tabs.currentWidget() is window.browsers["timeline"]
    entry = TimelineEntry.get((TimelineEntry.complaint == complaint.id) & (TimelineEntry.kind == "contact"))
    assert (entry.method, entry.direction, entry.summary, entry.at) == (
        "email", "in", f"E-mail ontvangen: Re: [{complaint.number}] Uw klacht", YESTERDAY)
    [document] = Document.select().where(Document.complaint == complaint.id)
    assert (document.kind, bytes(document.content)) == ("email", path.read_bytes())
    assert "1 bijlage bewaard: klacht.eml." in window.message.text.text()
