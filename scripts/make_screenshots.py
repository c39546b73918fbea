"""Regenerate the screenshots of the user guide (docs/img/*.png) from a demo database.

    python scripts/make_screenshots.py            # all of them
    python scripts/make_screenshots.py inbox ...  # only these (names below, without .png)

Runs offscreen in a temporary folder: a fresh demo database (the same seed
every time), the demo staff, and the real windows driven with the keyboard
where a person would type. Nothing of your own settings or databases is
used. Each picture is about 1100×700 and stored as a palette PNG, so the
guide stays small in the repository.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "img"
SIZE = (1100, 700)
DEMO_COMPLAINTS = 300
COLOURS = 256
URL = ""  # the demo database, made by main()

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["KLACHTENBUREAU_HOME"] = tempfile.mkdtemp(prefix="kb-")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QIODevice, Qt, QThreadPool  # noqa: E402
from PySide6.QtGui import QFont, QImage  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget  # noqa: E402

from klachtenbureau.models import Complaint, User  # noqa: E402
from klachtenbureau.ui import language  # noqa: E402
from klachtenbureau.ui.session import Session  # noqa: E402
from klachtenbureau.workflow import demo
from klachtenbureau.workflow.upkeep import store


def settle(timeout_ms: int = 15_000) -> None:
    """Let background work finish and its results reach the screen."""
    app = QApplication.instance()
    for _ in range(3):
        QThreadPool.globalInstance().waitForDone(timeout_ms)
        app.processEvents()
        QTest.qWait(50)


def save(widget: QWidget, name: str) -> None:
    """Grab ``widget`` and store it as a small palette PNG in docs/img."""
    settle()
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    picture = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    picture = picture.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.png"
    picture.save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}  {picture.width}×{picture.height}  {path.stat().st_size // 1024} kB")


def shown(widget: QWidget, size: tuple[int, int] = SIZE) -> QWidget:
    """``widget`` on screen as the active window, so typing reaches the field with the focus."""
    widget.resize(*size)
    widget.show()
    QTest.qWaitForWindowExposed(widget)
    widget.activateWindow()
    for _ in range(100):
        if widget.isActiveWindow():
            break
        QTest.qWait(20)
    settle()
    return widget


def user(login: str) -> User:
    return User.get(User.login == login)


# --- the main window and its tabs ----------------------------------------------------

def desk(login: str, tab: str):
    from klachtenbureau.ui.main_window import TABS, MainWindow

    window = MainWindow(Session(user(login), URL))
    window.tabs.setCurrentIndex(list(TABS).index(tab))
    return shown(window)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(500):
        if condition():
            return
        QTest.qWait(20)
    raise RuntimeError(f"waited in vain for {what}")


def type_into_focus(text: str) -> None:
    QTest.keyClicks(QApplication.focusWidget(), text)


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), key, modifier)
    settle()


def shot_intake() -> None:
    window = desk("sanne", "intake")
    wizard = window.intake
    wizard.current_page().first_input().setFocus()
    save(window, "intake-binnenkomst")
    press(Qt.Key.Key_Return)  # by phone, today
    wait_until(lambda: wizard.current_page().key == "who", "the page Klager")
    type_into_focus("Jansen")
    wait_until(lambda: wizard.pages[1].results.topLevelItemCount() > 0, "complainants found")
    save(window, "intake-wie")
    wizard.pages[1].search.clear()
    type_into_focus("Jan de Vries")
    press(Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # a new complainant, named after the search
    press(Qt.Key.Key_Tab)
    type_into_focus("06 12345678")
    press(Qt.Key.Key_Return)
    wait_until(lambda: wizard.current_page().key == "kind", "the page Klacht of navraag")
    press(Qt.Key.Key_Return)  # a complaint
    wait_until(lambda: wizard.current_page().key == "what", "the page Wat is er gebeurd")
    type_into_focus("De taxi is niet gekomen; ik heb de voorstelling gemist. Ik heb twee keer gebeld, "
                    "maar niemand wist waar de chauffeur bleef.")
    press(Qt.Key.Key_Tab)
    type_into_focus("Ni")  # the list jumps to "Niet ophalen"
    save(window, "intake-wat")
    press(Qt.Key.Key_Return)
    wait_until(lambda: wizard.current_page().key == "outcome", "the page Afhandeling")
    save(window, "intake-afhandeling")
    press(Qt.Key.Key_Return)  # hand over to the coordinator, receipt confirmed on the phone
    wait_until(lambda: wizard.current_page().key == "confirmation", "the confirmation")
    save(window, "intake-bevestiging")
    window.close()


def shot_inbox() -> None:
    window = desk("petra", "inbox")
    save(window, "postvak")
    window.close()


def shot_dashboard() -> None:
    window = desk("anouk", "dashboard")
    save(window, "dashboard")
    window.close()


def shot_measures() -> None:
    window = desk("anouk", "measures")
    save(window, "maatregelen")
    window.close()


# --- windows and dialogs -------------------------------------------------------------

def _complaint(**where) -> Complaint:
    query = Complaint.select().where(Complaint.kind == "complaint", Complaint.confidential == False)  # noqa: E712
    for field, value in where.items():
        query = query.where(getattr(Complaint, field) == value)
    return query.order_by(Complaint.received_at.desc()).first()


def shot_dossier() -> None:
    from klachtenbureau.ui.dossier_window import DossierWindow

    complaint = _complaint(status="answered") or _complaint()
    window = shown(DossierWindow(Session(user("petra"), URL), complaint.id))
    save(window, "dossier")
    tabs = window.findChild(QTabWidget)
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Tijdlijn"))
    save(window, "dossier-tijdlijn")
    window.close()


def shot_letter() -> None:
    from klachtenbureau.ui.printing import LetterPreviewDialog

    complaint = _complaint(channel="post", status="new") or _complaint(channel="post")
    dialog = shown(LetterPreviewDialog(Session(user("petra"), URL), complaint.id, "acknowledgement"))
    save(dialog, "brief-voorbeeld")
    dialog.close()


def shot_acknowledgements() -> None:
    from klachtenbureau.ui.printing import AcknowledgementBatchDialog

    dialog = shown(AcknowledgementBatchDialog(Session(user("petra"), URL)), (800, 320))
    save(dialog, "ontvangstbevestigingen")
    dialog.close()


def shot_audit() -> None:
    from klachtenbureau.ui.audit_viewer import AuditViewer

    dialog = shown(AuditViewer(Session(user("admin"), URL)))
    save(dialog, "logboek")
    dialog.close()


def shot_retention() -> None:
    from klachtenbureau.ui.privacy_dialogs import RetentionDialog

    dialog = shown(RetentionDialog(Session(user("admin"), URL)), (800, 380))
    save(dialog, "bewaartermijn")
    dialog.close()


def shot_database_choice() -> None:
    from klachtenbureau.ui.first_run import DatabaseDialog

    dialog = DatabaseDialog("S:\\Klachten")  # as on an office PC: the shared folder on network drive S:
    dialog.show()
    QTest.qWaitForWindowExposed(dialog)
    settle()
    save(dialog, "database-kiezen")
    dialog.close()


def shot_letter_texts() -> None:
    from klachtenbureau.ui.letter_texts_dialog import LetterTextsDialog

    dialog = shown(LetterTextsDialog(Session(user("admin"), URL)))
    save(dialog, "brieventeksten")
    dialog.close()


SHOTS: dict[str, Callable[[], None]] = {
    "intake": shot_intake,
    "postvak": shot_inbox,
    "dossier": shot_dossier,
    "brief-voorbeeld": shot_letter,
    "ontvangstbevestigingen": shot_acknowledgements,
    "dashboard": shot_dashboard,
    "maatregelen": shot_measures,
    "logboek": shot_audit,
    "bewaartermijn": shot_retention,
    "database-kiezen": shot_database_choice,
    "brieventeksten": shot_letter_texts,
}


def main(argv: list[str] | None = None) -> int:
    global URL
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="which screenshots: " + ", ".join(SHOTS))
    names = parser.parse_args(argv).names or list(SHOTS)
    unknown = [name for name in names if name not in SHOTS]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    app = QApplication([sys.argv[0]])
    app.setFont(QFont("DejaVu Sans", 9))
    language.install(app, "nl")
    folder = Path(os.environ["KLACHTENBUREAU_HOME"])
    URL = f"sqlite:///{(folder / 'demo.db').as_posix()}"
    store.open_database(URL, create=True)
    demo.generate(DEMO_COMPLAINTS, seed=1)
    demo.ensure_users()
    for name in names:
        SHOTS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
