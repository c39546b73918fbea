"""Every window and dialog of the desk fits a 1366 × 768 laptop screen with a 40-pixel taskbar, buttons in view."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QThreadPool
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMainWindow, QWidget

import klachtenbureau.ui
from klachtenbureau.models import User
from klachtenbureau.ui import management
from klachtenbureau.ui.audit_viewer import AuditViewer
from klachtenbureau.ui.crash import CrashDialog
from klachtenbureau.ui.dossier import actions
from klachtenbureau.ui.dossier.conflict import ConflictDialog
from klachtenbureau.ui.dossier_window import DossierWindow
from klachtenbureau.ui.first_run import DatabaseDialog, SetUpDialog
from klachtenbureau.ui.export_dialog import ExportDialog
from klachtenbureau.ui.import_dialog import ImportDialog
from klachtenbureau.ui.intake.duplicates_dialog import DuplicatesDialog
from klachtenbureau.ui.letter_texts_dialog import LetterTextsDialog
from klachtenbureau.ui.mail_settings_dialog import MailSettingsDialog
from klachtenbureau.ui.main_window import MainWindow
from klachtenbureau.ui.measure_dialog import NewMeasureDialog
from klachtenbureau.ui.merge_relations_dialog import MergeRelationsDialog
from klachtenbureau.ui.outbox_dialog import OutboxDialog
from klachtenbureau.ui.pending_writes import PendingWritesDialog
from klachtenbureau.ui.printing import AcknowledgementBatchDialog, LetterPreviewDialog
from klachtenbureau.ui.privacy_dialogs import PersonRightsDialog, RetentionDialog
from klachtenbureau.ui.server_dialog import ServerDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.signin import SignInDialog
from klachtenbureau.ui.standard_paragraphs_dialog import StandardParagraphsDialog
from klachtenbureau.workflow import admin, dossier_data, intake, intake_support

LAPTOP = QRect(0, 0, 1366, 768 - 40)  # what the screen leaves free above the taskbar
FRAME = (16, 40)  # title bar and borders around what Qt calls the window's size (Windows 10/11 at 100 %)
# Base classes that are only shown through their subclasses.
ONLY_SUBCLASSED = {management.FormDialog}


class Desk:
    """What the windows are opened with: a database with one postal complaint from a known complainant."""

    def __init__(self, url: str, staff: dict[str, User]):
        self.url, self.staff = url, staff
        self.complaint = intake.register(staff["sanne"], intake.NewReport(
            description="De taxi kwam niet; ik heb de voorstelling gemist.", channel="post",
            category="Niet ophalen", relation={"name": "Els Bos", "street": "Molenweg 3", "postcode": "8011 AA",
                                              "city": "Zwolle", "email": "els@example.org"}))

    def session(self, login: str = "petra") -> Session:
        return Session(self.staff[login], self.url)

    def dossier(self) -> dossier_data.Dossier:
        return dossier_data.load(self.staff["petra"], self.complaint.id)

    def match(self) -> intake_support.RelationMatch:
        return intake_support.RelationMatch(self.complaint.relation_id, "Els Bos", "Molenweg 3, 8011 AA Zwolle",
                                            "", "els@example.org", "Deelnemer", True, [], ["e-mailadres"])


def editing(dialog: LetterPreviewDialog) -> LetterPreviewDialog:
    """The preview with the text of the letter open for editing, once the letter is made."""
    dialog.ready.connect(dialog.edit_button.click)
    return dialog


WINDOWS: dict[str, Callable[[Desk], QWidget]] = {
    "hoofdvenster": lambda d: MainWindow(d.session()),
    "klachtdossier": lambda d: DossierWindow(d.session(), d.complaint.id),
    "briefvoorbeeld": lambda d: LetterPreviewDialog(d.session(), d.complaint.id, "acknowledgement"),
    "brieftekst aanpassen": lambda d: editing(LetterPreviewDialog(d.session(), d.complaint.id, "acknowledgement")),
    "ontvangstbevestigingen afdrukken": lambda d: AcknowledgementBatchDialog(d.session()),
    "brief per e-mail": lambda d: LetterPreviewDialog(d.session(), d.complaint.id, "acknowledgement",
                                                      by_email=True),
    "brieventeksten": lambda d: LetterTextsDialog(d.session()),
    "standaardalinea's": lambda d: StandardParagraphsDialog(d.session()),
    "logboek": lambda d: AuditViewer(d.session("admin")),
    "bewaartermijn": lambda d: RetentionDialog(d.session("admin")),
    "persoonsgegevens": lambda d: PersonRightsDialog(d.session("admin")),
    "wachtende wijzigingen": lambda d: PendingWritesDialog(d.session()),
    "uitgaande e-mail": lambda d: OutboxDialog(d.session()),
    "database kiezen": lambda d: DatabaseDialog(d.url),
    "eerste beheerder": lambda d: SetUpDialog(),
    "server": lambda d: ServerDialog("", offer_autostart=False),
    "aanmelden": lambda d: SignInDialog(admin.sign_in_users()),
    "nieuwe maatregel": lambda d: NewMeasureDialog(d.staff["anouk"], [d.complaint.number]),
    "onverwachte fout": lambda d: CrashDialog("Traceback (most recent call last):\n" + "  regel\n" * 200,
                                              Path("klachtenbureau.log"), True),
    "iemand was u voor": lambda d: ConflictDialog(None, d.complaint.number, ("Ruud Bakker", dt.datetime.now()),
                                                  "Omschrijving:\n" + "Mijn tekst. " * 200),
    "gebruiker": lambda d: management.UserDialog(d.staff["admin"], None),
    "wachtwoord": lambda d: management.PasswordDialog(d.staff["admin"], d.staff["sanne"]),
    "gebruikers": lambda d: management.UsersDialog(d.session("admin")),
    "categorieën": lambda d: management.CategoriesDialog(d.session()),
    "organisatie": lambda d: management.OrganisationDialog(d.session("admin")),
    "termijnprofiel": lambda d: management.DeadlineProfileDialog(d.session("admin")),
    "e-mail instellen": lambda d: MailSettingsDialog(d.session("admin")),
    "bekende klager?": lambda d: DuplicatesDialog([d.match()] * 6, "Els Bos"),
    "klagers samenvoegen": lambda d: MergeRelationsDialog(d.session()),
    "importeren websiteformulier": lambda d: ImportDialog(d.session()),
    "klachten exporteren": lambda d: ExportDialog(d.session()),
    "contactmoment": lambda d: actions.contact_dialog(None, d.session(), d.dossier()),
    "gegevens klager": lambda d: actions.relation_dialog(None, d.staff["petra"], d.dossier()),
    **{f"stap {step}": (lambda d, step=step: actions.step_dialog(None, d.session(), d.dossier(), step))
       for step in actions.STEPS},
}


def window_classes() -> set[type]:
    """Every dialog and main window of the desk, and every widget it opens as a window of its own."""
    found = set()
    for module in pkgutil.walk_packages(klachtenbureau.ui.__path__, "klachtenbureau.ui."):
        for _name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            if cls.__module__ == module.name and (issubclass(cls, (QDialog, QMainWindow)) or (
                    issubclass(cls, QWidget) and "Qt.WindowType.Window)" in inspect.getsource(cls.__init__))):
                found.add(cls)
    return found - ONLY_SUBCLASSED


@pytest.fixture
def laptop(monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _screen: QRect(LAPTOP))


@pytest.fixture
def desk(sqlite_db, staff) -> Desk:
    return Desk(sqlite_db, staff)


def test_the_list_holds_every_window_of_the_desk(qtbot, desk):
    opened = set()
    for make in WINDOWS.values():
        window = make(desk)
        qtbot.addWidget(window)
        opened.add(type(window))
    assert window_classes() == opened


@pytest.mark.parametrize("name", WINDOWS)
def test_the_window_fits_a_laptop_screen_with_its_buttons_in_view(qtbot, laptop, desk, name):
    window = WINDOWS[name](desk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    QThreadPool.globalInstance().waitForDone(20_000)  # what the window loads in the background has arrived
    QApplication.processEvents()
    assert window.width() + FRAME[0] <= LAPTOP.width() and window.height() + FRAME[1] <= LAPTOP.height(), \
        f"{window.width()} × {window.height()}"
    hidden = [button.text() or button.accessibleName() for button in window.findChildren(QAbstractButton)
              if button.isVisible() and button.window() is window
              and button.visibleRegion().boundingRect() != button.rect()]
    assert hidden == []
