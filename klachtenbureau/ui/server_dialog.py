"""Bestand › Deze pc als server gebruiken…: move the office to the office server in one step, from the desk.

Says in plain Dutch what will happen (no IT words), asks for the shared folder
(prefilled with the folder of the current shared file), and runs
``klachtenbureau.server.setup.set_up`` off the UI thread, with its steps shown
as they happen. Ends by saying that this PC must stay on, and what the other
PCs have to choose. The work itself is in ``klachtenbureau.server`` (no Qt).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QProgressBar,
    QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models.database import sqlite_path
from klachtenbureau.server import autostart, connection_file, setup
from klachtenbureau.ui import files, operations
from klachtenbureau.ui.widgets import Field, MessageBar, browse_row


def _file_of(url: str | None) -> Path | None:
    """The file of a ``sqlite:`` URL as a person would write it (``sqlite:////x`` gives ``//x`` on POSIX)."""
    path = sqlite_path(url) if url and url.startswith("sqlite:") else None
    if path is not None and os.name != "nt" and str(path).startswith("//"):
        path = Path("/" + str(path).lstrip("/"))
    return path


class _Steps(QObject):
    """Carries the steps of the set-up from the worker thread to the dialog (a queued signal)."""

    said = Signal(str)


class ServerDialog(QDialog):
    """``result`` is the SetupResult once it worked; ``share`` the folder this PC (and the others) should open."""

    def __init__(self, current_url: str = "", parent: QWidget | None = None, data_dir: Path | None = None,
                 port: int | None = None, hosts: list[str] | None = None, offer_autostart: bool = True):
        super().__init__(parent)
        self.setWindowTitle(_("Deze pc als server gebruiken – Klachtenbureau"))
        self.setMinimumWidth(640)
        self.data_dir, self.port, self.hosts = data_dir, port, hosts
        self.result: setup.SetupResult | None = None
        self.share: Path | None = None
        self.service: subprocess.Popen | None = None  # ``server run``, started once the set-up worked
        current = _file_of(current_url)
        self.current_file = current if current is not None and current.is_file() else None

        intro = QLabel(_(
            "<p>Werken er op meer computers tegelijk mensen met Klachtenbureau? Dan is het veiliger als "
            "<b>één computer de klachten bewaart</b> en de andere computers die computer gebruiken. "
            "Deze computer wordt dan de <b>server</b> van het kantoor.</p>"
            "<p>Wat er gebeurt:</p><ul>"
            "<li>De klachten worden voortaan op de eigen schijf van deze computer bewaard.</li>"
            "<li>Alles uit het huidige gedeelde bestand gaat mee en wordt daarna nageteld; het oude bestand wordt "
            "daarna niet meer gebruikt.</li>"
            "<li>In de gedeelde map komt een klein bestand waarmee de andere computers deze computer vinden. "
            "Zij kiezen gewoon dezelfde gedeelde map.</li>"
            "<li>Elke nacht komt er een reservekopie in de gedeelde map.</li></ul>"
            "<p>Vraag iedereen om Klachtenbureau eerst af te sluiten; het overzetten duurt meestal minder dan "
            "een minuut.</p>"))
        intro.setWordWrap(True)

        self.folder = QLineEdit()
        if self.current_file is not None:
            self.folder.setText(str(self.current_file.parent))
        self.folder_field = Field(_("&Gedeelde map:"), self.folder, _("Gedeelde map"),
                                  _("De map op de netwerkschijf die alle computers van het kantoor gebruiken."),
                                  body=browse_row(self.folder, _("&Bladeren…"), self.browse))
        self.folder.textChanged.connect(self._show_source)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.autostart = QCheckBox(_("De server &vanzelf starten als deze computer opstart"))
        self.autostart.setChecked(offer_autostart)
        self.autostart.setVisible(offer_autostart)

        form = QFormLayout()
        form.addRow(self.folder_field.label, self.folder_field)
        form.addRow(QLabel(_("Mee over:")), self.source_label)

        warning = QLabel(_("<b>Deze computer moet aan blijven staan</b> zolang er op het kantoor gewerkt wordt. "
                           "Staat hij uit, dan kunnen de andere computers niets opslaan; wat zij invoeren blijft dan "
                           "op hun eigen computer bewaard tot deze computer weer aan staat."))
        warning.setWordWrap(True)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the steps say how far it is
        self.progress.setAccessibleName(_("Voortgang"))
        self.progress.hide()
        self.step_label = QLabel()
        self.step_label.setWordWrap(True)
        self.message = MessageBar()

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(_("Server &inrichten"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(_("&Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        self.start_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)
        self.start_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.autostart)
        layout.addWidget(warning)
        layout.addWidget(self.progress)
        layout.addWidget(self.step_label)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.steps = _Steps(self)
        self.steps.said.connect(self.step_label.setText)
        self._busy = False
        self._show_source()

    # ------------------------------------------------------------------ choices
    def browse(self) -> None:
        folder = files.existing_folder(self, _("Gedeelde map kiezen"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def source_url(self) -> str | None:
        """The shared file that moves along: the current one, or ``klachten.db`` in the chosen folder."""
        if self.current_file is not None:
            return f"sqlite:///{self.current_file.as_posix()}"
        text = self.folder.text().strip()
        candidate = Path(text) / connection_file.SQLITE_NAME if text else None
        if candidate is not None and candidate.is_file():
            return f"sqlite:///{candidate.absolute().as_posix()}"
        return None

    def _show_source(self) -> None:
        source = self.source_url()
        self.source_label.setText(
            _("alle klachten uit {path}").format(path=_file_of(source)) if source
            else _("geen bestaand bestand gevonden: de server begint met een lege database"))

    # ------------------------------------------------------------------ the work
    def start(self) -> None:
        if self._busy:
            return
        text = self.folder.text().strip()
        if not text:
            self.folder_field.set_problem(_("Kies de gedeelde map."))
            self.folder.setFocus()
            return
        if not Path(text).is_dir():
            self.folder_field.set_problem(_("Deze map bestaat niet of is niet bereikbaar."))
            self.folder.setFocus()
            return
        self.folder_field.set_problem(None)
        share, source = Path(text), self.source_url()
        data_dir, port, hosts, with_autostart = self.data_dir, self.port, self.hosts, self.autostart.isChecked()
        said = self.steps.said

        def work() -> setup.SetupResult:
            result = setup.set_up(share, data_dir, source, port=port, progress=said.emit, hosts=hosts)
            said.emit(_("De server gaat draaien, met elke nacht een reservekopie in de gedeelde map…"))
            self.service = autostart.start_now(result.server.data_dir, share)
            if with_autostart:
                try:
                    said.emit(_("De server wordt ingesteld om vanzelf te starten…"))
                    result.notes.append(autostart.install_autostart(result.server.data_dir, share))
                except KlachtenbureauError as exc:
                    result.notes.append(_("Vanzelf starten is niet gelukt ({reason}); start de server na een "
                                          "herstart met: klachtenbureau server run").format(reason=exc.message))
            return result

        self._set_busy(True)
        self.message.clear()
        operations.query(self, work, lambda result: self._done(share, result), self._failed,
                         always=lambda: self._set_busy(False))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.start_button.setEnabled(not busy)
        self.folder.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
        if not busy:
            self.step_label.clear()

    def _done(self, share: Path, result: setup.SetupResult) -> None:
        self.result, self.share = result, share
        moved = _("{n} klacht(en) en alles wat erbij hoort overgezet en nageteld. De andere computers gaan vanzelf "
                  "naar de server zodra ze het oude bestand openen. ").format(n=result.complaints) if result.rows \
            else _("Op de andere computers kiest u in Klachtenbureau de gedeelde map {share} als database. ").format(
                share=share)
        self.message.show_message(
            _("Klaar: deze computer is nu de server. {moved}Laat deze computer aan staan.").format(moved=moved)
            + "".join(f"\n{note}" for note in result.notes), "success")
        self.start_button.hide()
        self.close_button.setText(_("&Sluiten"))
        self.buttons.removeButton(self.close_button)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.clicked.disconnect()
        self.close_button.clicked.connect(self.accept)
        self.close_button.setFocus()

    def _failed(self, problem: KlachtenbureauError) -> None:
        if isinstance(problem, ValidationError) and "share" in problem.errors:
            self.folder_field.set_problem(problem.errors["share"])
        self.message.show_message(_("Het is niet gelukt: {message}").format(message=problem.message), "error")

    def reject(self) -> None:
        if not self._busy:  # the set-up cannot be broken off half-way; it finishes by itself
            super().reject()
