"""The letters of the dossier window: the letter menu, acknowledging by letter or e-mail, and the dossier as PDF.

A letter opens in its preview (ui/printing.py), which prints, saves or e-mails it — by post or by e-mail as
the complainant contacted the office; a request for more information asks its question first
(ui/dossier/information_request.py). The window reloads when the preview closes. The archive-ready dossier
PDF is made off the UI thread and written to the file the user chose.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QMenu, QPushButton

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _, format_date
from klachtenbureau.models import Complaint
from klachtenbureau.ui import files, operations
from klachtenbureau.workflow import letters, permissions, procedure
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.offline.write_queue import WriteQueuedError

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
        self.letter_actions = {kind: menu.addAction(_(label) + "…", lambda k=kind: self.open_letter(k))
                               for kind, label in letters.KINDS.items()}
        menu.aboutToShow.connect(self.offer_letters)
        self.letters_button.setMenu(menu)
        self.dossier_pdf_button = QPushButton(_("Dossier als PD&F…"))
        self.dossier_pdf_button.setToolTip(_("Het volledige klachtdossier als PDF/A om te archiveren"))
        self.dossier_pdf_button.clicked.connect(self.save_dossier_pdf)

    def offer_letters(self) -> None:
        """A handler is not offered the letters that go out with the coordinator's step (the answer, the extension
        notice: permissions.can_send_letter); who may only read the complaint still previews every letter."""
        d, user = self.window.dossier, self.window.user
        for kind, action in self.letter_actions.items():
            action.setEnabled(d is not None and (permissions.can_send_letter(user, d.complaint, kind)
                                                 or not permissions.can_add_to(user, d.complaint)))

    def open_letter(self, kind: str) -> QDialog:
        """The letter's preview, by post or by e-mail as the complainant contacted the office; a request for
        more information asks its question first."""
        from klachtenbureau.ui.printing import open_letter_preview

        window = self.window
        if kind == "information_request" and window.dossier is not None:
            return self.ask_information()
        dialog = open_letter_preview(window, window.session, window.complaint_id, kind)
        dialog.finished.connect(lambda _result: window.reload())
        return dialog

    def ask_information(self) -> QDialog:
        """The question and reply-by date of a request for more information; accepted, the letter's preview."""
        from klachtenbureau.ui.dossier.information_request import request_dialog
        from klachtenbureau.ui.printing import open_letter_preview

        window = self.window
        dialog = request_dialog(window, window.session, window.dossier.complaint)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def preview() -> None:
            request = dialog.result_value
            letter = open_letter_preview(window, window.session, window.complaint_id, "information_request", request)
            letter.finished.connect(lambda _result: window.reload())
            if request.pause:
                letter.recorded.connect(lambda saved: self.wait_for_reply(saved, request))

        dialog.accepted.connect(preview)
        dialog.open()
        return dialog

    def wait_for_reply(self, complaint: Complaint, request: letters.InformationRequest) -> None:
        """The request went out: the answer term stands still until its reply date, through this PC's write queue
        like every step (it waits there when the database is away)."""
        window = self.window
        label = _(procedure.ACTIONS["wait"][1]).rstrip("…")
        payload = write_queue.step_payload(complaint, letters.reply_wait(request), label=label)
        try:
            write_queue.submit(window.user, "wait", payload, window.session.database_url)
        except WriteQueuedError as exc:  # it waits on this PC and is sent when the database is back
            window.connection.lost(exc.cause)
            window.pending.show_pending()
            return
        except KlachtenbureauError as exc:
            window.message.show_message(_("De termijn staat niet stil: {reason}").format(reason=exc.message),
                                        "warning")
            return
        window.after_save(_("De termijn staat stil tot de reactie van de klager, uiterlijk {date}.").format(
            date=format_date(request.reply_by)))

    def acknowledge_with_letter(self, by_email: bool) -> None:
        """Acknowledging by letter or e-mail: the letter's preview; printing, saving or sending it records the
        acknowledgement."""
        from klachtenbureau.ui.printing import open_letter_preview

        window = self.window
        window.message.show_message(
            _("Verstuur de e-mail; pas dan staat de ontvangst als bevestigd genoteerd.") if by_email else
            _("Druk de brief af of sla hem op als PDF; pas dan staat de ontvangst als bevestigd genoteerd."), "info")
        dialog = open_letter_preview(window, window.session, window.complaint_id, "acknowledgement",
                                     by_email=by_email)
        dialog.recorded.connect(lambda _complaint: window.after_save(
            _("De ontvangstbevestiging is per e-mail verstuurd en vastgelegd.") if by_email else
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
