"""``klachtenbureau --self-test``: does this installation work, from database to window?

Meant for the installed bundle (``klachtenbureau-admin --self-test``), where a
missing library, font, catalogue or calendar file only shows when it is used:
so it uses each of them once. In a temporary folder it creates a database,
registers a postal complaint (deadlines over the Dutch holidays), renders the
acknowledgement letter and the dossier as PDF/A and reads them back, has
deduce's worker take a name out of a text (its lookup cache must be there), checks
the English catalogue and babel's locale data, and finally builds the main
window on Qt's offscreen platform with Qt's Dutch translations. One line per
check; exit status 0 only when every check passed. The user's own settings,
database and drafts are never touched.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import pikepdf

from klachtenbureau import i18n
from klachtenbureau.i18n import _

# Parent folder of the temporary folder (default: the system's temporary folder).
DIR_ENV = "KLACHTENBUREAU_SELFTEST_DIR"
EXIT_OK, EXIT_FAILED = 0, 1


@dataclasses.dataclass
class _State:
    """What earlier checks made and later checks use."""

    folder: Path | None = None
    url: str = ""
    user: Any = None
    complaint: Any = None


def _folder(state: _State) -> str:
    parent = os.environ.get(DIR_ENV) or None
    state.folder = Path(tempfile.mkdtemp(prefix="klachtenbureau-zelftest-", dir=parent))
    # Settings, drafts and the write queue of this run stay in the temporary folder.
    os.environ["KLACHTENBUREAU_HOME"] = str(state.folder)
    return str(state.folder)


def _database(state: _State) -> str:
    from klachtenbureau.models.people import COORDINATOR
    from klachtenbureau.workflow.upkeep import store

    state.url = f"sqlite:///{(state.folder / 'zelftest.db').as_posix()}"
    version = store.open_database(state.url, create=True)
    state.user = store.create_user(store.system_user(), "zelftest", "Zelftest", COORDINATOR)
    return _("databaseversie {version}").format(version=version)


def _register(state: _State) -> str:
    from klachtenbureau.workflow import intake

    report = intake.NewReport(
        description="Zelftest: de bus kwam niet.", channel="post",
        relation={"name": "J. de Proef", "street": "Proefstraat 1", "postcode": "1234 AB", "city": "Utrecht",
                  "email": "zelftest@example.nl"})
    state.complaint = intake.register(state.user, report)
    return _("{number}, antwoord uiterlijk {date}").format(
        number=state.complaint.number, date=i18n.format_date(state.complaint.answer_by))


def _pages(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = len(document.pages)
    if pages < 1:
        raise ValueError(_("PDF zonder pagina's"))
    return i18n.ngettext("{n} pagina", "{n} pagina's", pages).format(n=pages) + f", {len(pdf) // 1024} kB"


def _letter(state: _State) -> str:
    from klachtenbureau.workflow import letters

    return _pages(letters.letter_pdf(state.user, state.complaint, "acknowledgement"))


def _dossier(state: _State) -> str:
    from klachtenbureau.workflow import letters

    return _pages(letters.dossier_pdf(state.user, state.complaint))


def _mail(state: _State) -> str:
    """A letter as e-mail, read back as an incoming mail would be; and the readers of Outlook files and M365."""
    import extract_msg  # noqa: F401 (only imported when a .msg comes in: the bundle must have it)
    import msal  # noqa: F401

    from klachtenbureau.workflow import letters
    from klachtenbureau.workflow.mail import incoming, outgoing

    complaint = state.complaint
    pdf = letters.letter_pdf(state.user, complaint, "acknowledgement", by_email=True)
    text = letters.letter_email(state.user, complaint, "acknowledgement")
    raw = outgoing.letter_mail(state.user, complaint, "acknowledgement", pdf, text, "<zelftest@example.nl>").as_bytes()
    message = incoming.parse_eml(raw)
    if message.complaint_number != complaint.number or [a.content for a in message.attachments] != [pdf]:
        raise RuntimeError(_("de e-mail kwam niet heel terug"))
    return _("{size} kB, met de brief als PDF").format(size=len(raw) // 1024)


def _deidentify(state: _State) -> str:
    """deduce in its worker, from this installation's lookup cache: a third party's name leaves a text."""
    from klachtenbureau.workflow.personal_data import deidentify

    if os.environ.get(deidentify.SWITCH_ENV) == "off":
        return _("uitgeschakeld ({name}=off)").format(name=deidentify.SWITCH_ENV)
    with deidentify.Deidentifier() as cleaner:
        cleaned = cleaner.text("Vrijwilliger Jan Pietersen belde op 06-12345678.")
        if not cleaner.complete or "Pietersen" in cleaned:
            raise RuntimeError(_("de namen van derden blijven staan"))
        return _("{text} (na {seconds} s)").format(text=cleaned, seconds=round(cleaner.load_seconds or 0))


def _translations(state: _State) -> str:
    from klachtenbureau.models.complaints import COMPLAINT, KINDS
    from klachtenbureau.workflow import workdays

    before = i18n.language()
    try:
        i18n.set_language("en")
        english = _(KINDS[COMPLAINT])
        date = i18n.format_date(dt.date(2026, 4, 27))
        holiday = workdays.WorkCalendar().holiday_name(dt.date(2026, 4, 27))
    finally:
        i18n.set_language(before)
    if english == KINDS[COMPLAINT]:
        raise LookupError(_("de Engelse vertaling ontbreekt ({path})").format(path=i18n.LOCALE_DIR))
    return f"{KINDS[COMPLAINT]} = {english}, {date}: {holiday}"


def _window(state: _State) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # also on a PC with a screen: nothing may flash up
    from PySide6.QtCore import QCoreApplication, QThreadPool
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from klachtenbureau.ui import language
    from klachtenbureau.ui.background import collect_garbage_on_ui_thread
    from klachtenbureau.ui.main_window import MainWindow
    from klachtenbureau.ui.session import Session

    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    collect_garbage_on_ui_thread(app)
    if not language.install(app, "nl"):
        raise LookupError(_("Qt's Nederlandse vertaling ontbreekt in {path}").format(
            path=language.qt_translations_dir()))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    window = MainWindow(Session(state.user, state.url))
    try:
        window.show()
        image = window.grab()
        if image.isNull():
            raise RuntimeError(_("het venster is leeg"))
        size = f"{image.width()}×{image.height()}"
    finally:
        QThreadPool.globalInstance().waitForDone(30_000)  # its status check runs in the background
        QCoreApplication.processEvents()
        window.close()
        window.deleteLater()
        buttons.deleteLater()
        QCoreApplication.processEvents()
        language.uninstall(app)
    return _("{size}, Qt-knop: {cancel}").format(size=size, cancel=cancel)


CHECKS: list[tuple[str, Callable[[_State], str]]] = [
    (i18n.N_("Tijdelijke map"), _folder),
    (i18n.N_("Database maken"), _database),
    (i18n.N_("Klacht registreren"), _register),
    (i18n.N_("Brief maken"), _letter),
    (i18n.N_("Dossier maken"), _dossier),
    (i18n.N_("E-mail maken en lezen"), _mail),
    (i18n.N_("Namen uit vrije tekst halen"), _deidentify),
    (i18n.N_("Vertalingen en kalender"), _translations),
    (i18n.N_("Hoofdvenster"), _window),
]


@contextlib.contextmanager
def _own_environment() -> Iterator[None]:
    """Undo the run's changes to the environment, so a caller in the same process is unaffected."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(out: TextIO | None = None) -> int:
    """Run every check in order; after a failure the rest is skipped. 0 when all passed."""
    out = out or sys.stdout
    state = _State()
    failed = False
    with _own_environment():
        try:
            for name, check in CHECKS:
                if failed:
                    print(f"--    {_(name)}: " + _("overgeslagen"), file=out)
                    continue
                try:
                    detail = check(state)
                except Exception as exc:  # every failure is reported, whatever its kind
                    failed = True
                    reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                    print(f"FOUT  {_(name)}: {reason}", file=out)
                else:
                    print(f"ok    {_(name)}: {detail}", file=out)
        finally:
            _clean_up(state)
    print(_("Zelftest geslaagd.") if not failed else _("Zelftest mislukt."), file=out)
    return EXIT_FAILED if failed else EXIT_OK


def _clean_up(state: _State) -> None:
    from klachtenbureau.models import database

    database.close()
    if state.folder is not None:
        shutil.rmtree(state.folder, ignore_errors=True)
