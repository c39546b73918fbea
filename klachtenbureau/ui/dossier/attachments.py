"""The attachments of a complaint: a list, a button to add files, and dropping files onto the dossier.

Scanned letters (PDF or image) are stored in the database with the complaint
(editing.attach_document), so every PC sees them and the archive keeps them;
an e-mail (.eml, Outlook .msg) becomes an incoming contact moment on the
timeline with the mail kept the same way (mail.incoming.add_mail_to_complaint). Opening one writes a temporary copy for the system viewer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, format_datetime, format_number, ngettext
from klachtenbureau.models import Complaint, User
from klachtenbureau.ui import files
from klachtenbureau.workflow import dossier_data, editing
from klachtenbureau.workflow.dossier_data import Dossier
from klachtenbureau.workflow.mail import incoming

MAIL_SUFFIXES = (".eml", ".msg")
ACCEPTED_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp", *MAIL_SUFFIXES)
KIND_LABELS = {"scan": N_("Scan"), "email": N_("E-mail"), "letter": N_("Brief")}


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files in a drag, if at least one of them is one the dossier can store.

    The others come along so that the user is told why they were not stored.
    """
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
    return paths if any(path.suffix.lower() in ACCEPTED_SUFFIXES for path in paths) else []


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return _("{n} kB").format(n=format_number(max(1, round(size / 1024))))
    return _("{n} MB").format(n=format_number(round(size / (1024 * 1024), 1)))


def store_files(user: User, complaint: Complaint, paths: list[Path]) -> list[tuple[str, str | None]]:
    """Store each file with the complaint (off the UI thread): per file its name and what went wrong, if anything."""
    outcome = []
    for path in paths:
        try:
            if path.suffix.lower() in MAIL_SUFFIXES:
                incoming.add_mail_to_complaint(user, complaint, incoming.parse_file(path))
            else:
                editing.attach_document(user, complaint, path.name, None, path.read_bytes())
            outcome.append((path.name, None))
        except KlachtenbureauError as exc:
            outcome.append((path.name, exc.message))
        except OSError as exc:
            outcome.append((path.name, _("{name} kon niet worden gelezen: {reason}").format(
                name=path.name, reason=exc.strerror or exc)))
    return outcome


def stored_message(outcome: list[tuple[str, str | None]]) -> tuple[str, str]:
    """What ``store_files`` did, as the text and the level of a MessageBar."""
    stored = [name for name, problem in outcome if problem is None]
    problems = [problem for _name, problem in outcome if problem]
    text = ngettext("{n} bijlage bewaard: {names}.", "{n} bijlagen bewaard: {names}.", len(stored)).format(
        n=len(stored), names=", ".join(stored)) if stored else ""
    return " ".join([text, *problems]).strip(), "error" if problems else "success"


class AttachmentsPanel(QWidget):
    add_files = Signal(list)  # paths chosen with the file dialog
    problem = Signal(str)

    def __init__(self, user: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.user = user
        self.list = QListWidget()
        self.list.setAccessibleName(_("Bijlagen"))
        self.list.itemActivated.connect(self._open)
        self.hint = QLabel(_("Sleep een gescande brief (PDF of afbeelding) of een e-mail (.eml of .msg) op dit venster "
                             "om hem bij de klacht te bewaren."))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555; border: 2px dashed #aab; border-radius: 6px; padding: 14px;")
        self.add_button = QPushButton(_("Bestand &toevoegen…"))
        self.add_button.clicked.connect(self._choose)
        self.open_button = QPushButton(_("&Openen"))
        self.open_button.clicked.connect(lambda: self.list.currentItem() and self._open(self.list.currentItem()))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self._folder: tempfile.TemporaryDirectory | None = None

    def load(self, dossier: Dossier) -> None:
        self.list.clear()
        for doc in dossier.documents:
            text = (f"{doc.name}  ·  {_(KIND_LABELS.get(doc.kind, doc.kind))}  ·  {size_text(doc.size)}  ·  "
                    f"{format_datetime(doc.created_at)}" + (f"  ·  {doc.created_by}" if doc.created_by else ""))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, doc.id)
            self.list.addItem(item)
        if not dossier.documents:
            self.list.addItem(QListWidgetItem(_("Nog geen bijlagen.")))
        self.add_button.setEnabled(dossier.can_attach)
        self.hint.setVisible(dossier.can_attach)
        self.open_button.setEnabled(bool(dossier.documents))

    def _choose(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in ACCEPTED_SUFFIXES)
        names = files.open_file_names(self, _("Bijlage toevoegen"),
                                      _("Scans en e-mails ({patterns})").format(patterns=patterns))
        if names:
            self.add_files.emit([Path(name) for name in names])

    def _open(self, item: QListWidgetItem) -> None:
        document_id = item.data(Qt.ItemDataRole.UserRole)
        if document_id is None:
            return
        try:
            document = dossier_data.document(self.user, document_id)
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="klachtenbureau-")
            target = Path(self._folder.name) / f"{document.id}-{document.name}"
            target.write_bytes(bytes(document.content))
        except KlachtenbureauError as exc:
            self.problem.emit(exc.message)
            return
        except OSError as exc:
            self.problem.emit(_("De bijlage kon niet worden geopend: {reason}").format(reason=exc.strerror or exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
