"""The letters of the dossier window: the letter menu, acknowledging by letter, and the dossier as PDF.

A letter opens in its preview (ui/printing.py), an acknowledgement of an
e-mailed complaint as e-mail text (ui/email_acknowledgement.py); the window
reloads when either closes. The archive-ready dossier PDF is made off the UI
thread and written to the file the user chose.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMenu, QPushButton

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _
from klachtenbureau.ui import files, operations
from klachtenbureau.workflow import letters

if TYPE_CHECKING:
    from klachtenbureau.ui.dossier_window import DossierWindow


class LettersMenu(QObject):
    """The "Brief…" button with its menu and the "Dossier als PDF…" button of ``window``."""

    def __init__(self, window: DossierWindow):
        super().__init__(window)
        self.window = window
        self.letters_button = QPushButton(_("B&rief…"))
        self.letters_button.setToolTip(_("Een brief aan de klager bekijken, afdrukken of als PDF bewaren"))
        menu = QMenu(self.letters_button)
        for kind, label in letters.KINDS.items():
            menu.addAction(_(label) + "…", lambda k=kind: self.open_letter(k))
        self.letters_button.setMenu(menu)
        self.dossier_pdf_button = QPushButton(_("Dossier als PD&F…"))
        self.dossier_pdf_button.setToolTip(_("Het volledige klachtdossier als PDF/A om te archiveren"))
        self.dossier_pdf_button.clicked.connect(self.save_dossier_pdf)

    def open_letter(self, kind: str) -> QDialog:
        """The letter's preview; an acknowledgement of an e-mailed complaint goes as e-mail text."""
        from klachtenbureau.ui.email_acknowledgement import open_acknowledgement
        from klachtenbureau.ui.printing import open_letter_preview

        window = self.window
        if kind == "acknowledgement" and window.dossier is not None:
            dialog = open_acknowledgement(window, window.session, window.dossier.complaint)
        else:
            dialog = open_letter_preview(window, window.session, window.complaint_id, kind)
        dialog.finished.connect(lambda _result: window.reload())
        return dialog

    def acknowledge_by_letter(self) -> None:
        """Acknowledging by letter: the letter's preview; printing or saving it records the acknowledgement."""
        from klachtenbureau.ui.printing import open_letter_preview

        window = self.window
        window.message.show_message(_("Druk de brief af of sla hem op als PDF; pas dan staat de ontvangst als "
                                      "bevestigd genoteerd."), "info")
        dialog = open_letter_preview(window, window.session, window.complaint_id, "acknowledgement")
        dialog.recorded.connect(lambda _complaint: window.after_save(
            _("De ontvangstbevestiging is per brief verstuurd en vastgelegd."), announced=True))

    def save_dossier_pdf(self) -> None:
        window = self.window
        if window.dossier is None:
            return
        complaint = window.dossier.complaint
        path = files.save_file_name(window, _("Klachtdossier opslaan"), f"klachtdossier-{complaint.number}.pdf",
                                    _("PDF-bestanden (*.pdf)"))
        if not path:
            return
        user, message = window.user, window.message
        self.dossier_pdf_button.setEnabled(False)
        message.show_message(_("Het klachtdossier wordt gemaakt…"), "info")

        def work() -> str:
            pdf = letters.dossier_pdf(user, complaint)
            try:
                Path(path).write_bytes(pdf)
            except OSError as exc:  # the chosen file, not the database
                raise KlachtenbureauError(exc.strerror or str(exc)) from exc
            return path

        def done(saved: str) -> None:
            message.show_message(_("Klachtdossier opgeslagen in {path}.").format(path=saved), "success")

        def failed(problem: KlachtenbureauError) -> None:
            message.show_message(_("Het klachtdossier is niet opgeslagen: {reason}").format(
                reason=problem.message), "error")

        operations.query(window, work, done, failed, always=lambda: self.dossier_pdf_button.setEnabled(True))
