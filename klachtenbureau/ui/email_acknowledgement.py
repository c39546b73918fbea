"""The acknowledgement of a complaint that came in by e-mail: the text, ready for the mail program.

The text is the office's acknowledgement text (the same as the letter's),
filled in for this complaint and still editable. "Openen in e-mailprogramma"
hands it over as a mailto: link; "Kopiëren" puts it on the clipboard for
webmail. Once sent, "Verstuurd" keeps the text with the complaint and records
the acknowledgement as sent by e-mail.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog, QFormLayout, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint
from klachtenbureau.ui import operations
from klachtenbureau.ui.printing import open_letter_preview
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen
from klachtenbureau.workflow import letter_settings, letters

EMAIL_CHANNELS = ("email", "website", "social_media")


class EmailAcknowledgementDialog(QDialog):
    ready = Signal()
    recorded = Signal(object)  # the complaint after the acknowledgement was recorded

    def __init__(self, session: Session, complaint: Complaint | int, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.complaint: Complaint | None = None
        self._source = complaint
        self.setWindowTitle(_("Ontvangstbevestiging per e-mail"))
        self.message = MessageBar(self)
        self.to = QLineEdit()
        self.to.setReadOnly(True)
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        form = QFormLayout()
        for label, widget, name in ((_("&Aan:"), self.to, _("Aan")), (_("&Onderwerp:"), self.subject, _("Onderwerp")),
                                    (_("&Tekst:"), self.body, _("Tekst van de e-mail"))):
            widget.setAccessibleName(name)
            form.addRow(label, widget)
        self.open_button = QPushButton(_("&Openen in e-mailprogramma"))
        self.copy_button = QPushButton(_("&Kopiëren"))
        self.sent_button = QPushButton(_("&Verstuurd"))
        self.sent_button.setToolTip(_("Bewaar de e-mail bij de klacht en noteer de ontvangstbevestiging als "
                                      "verstuurd."))
        close = QPushButton(_("Sl&uiten"))
        close.clicked.connect(self.reject)
        self.open_button.clicked.connect(self.open_in_mail_program)
        self.copy_button.clicked.connect(self.copy)
        self.sent_button.clicked.connect(self.mark_sent)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.copy_button, self.sent_button):
            button.setEnabled(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 720, 620)
        user = session.user

        def make() -> tuple[Complaint, letters.EmailText, str]:
            loaded = complaint if isinstance(complaint, Complaint) else letters.complaint_for(user, complaint)
            return (loaded, letters.acknowledgement_email(user, loaded),
                    letter_settings.settings_warning("acknowledgement"))

        operations.query(self, make, self._made, self._failed)

    def _made(self, result: tuple[Complaint, letters.EmailText, str]) -> None:
        self.complaint, text, warning = result
        if warning:
            self.message.show_message(warning, "warning")
        self.to.setText(text.to)
        self.subject.setText(text.subject)
        self.body.setPlainText(text.body)
        for button in (self.open_button, self.copy_button, self.sent_button):
            button.setEnabled(True)
        self.open_button.setDefault(True)
        self.ready.emit()

    def _failed(self, problem: KlachtenbureauError) -> None:
        actions = []
        if self.complaint is None and isinstance(self._source, Complaint):
            actions = [(_("&Brief maken"), self._letter_instead)]
        self.message.show_message(problem.message, "error", actions)
        self.ready.emit()

    def _letter_instead(self) -> None:
        open_letter_preview(self.parentWidget(), self.session, self._source, "acknowledgement")
        self.accept()

    def text(self) -> letters.EmailText:
        return letters.EmailText(to=self.to.text(), subject=self.subject.text(), body=self.body.toPlainText())

    def open_in_mail_program(self) -> None:
        if not QDesktopServices.openUrl(QUrl(letters.mailto_url(self.text()))):
            self.message.show_message(_("Er is geen e-mailprogramma gevonden. Kopieer de tekst en plak die in uw "
                                        "webmail."), "warning")

    def copy(self) -> None:
        text = self.text()
        QGuiApplication.clipboard().setText(f"{text.subject}\n\n{text.body}")
        self.message.show_message(_("Onderwerp en tekst staan op het klembord."), "info")

    def mark_sent(self) -> None:
        if self.complaint is None:
            return
        complaint, text, user = self.complaint, self.text(), self.session.user
        self.sent_button.setEnabled(False)

        def done(saved: Complaint) -> None:
            self.complaint = saved
            self.message.show_message(_("De e-mail is bij klacht {number} bewaard en de ontvangstbevestiging staat als "
                                        "verstuurd genoteerd.").format(number=saved.number), "success")
            self.recorded.emit(saved)

        def failed(problem: KlachtenbureauError) -> None:
            self.sent_button.setEnabled(True)
            self._failed(problem)

        operations.write(self, self.session, lambda: letters.record_email_acknowledgement(user, complaint, text), done,
                         failed)


def open_acknowledgement(parent: QWidget | None, session: Session, complaint: Complaint) -> QDialog:
    """The acknowledgement the way the complaint came in: e-mail text for e-mail, otherwise a letter."""
    dialog: QDialog
    if complaint.channel in EMAIL_CHANNELS:
        dialog = EmailAcknowledgementDialog(session, complaint, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
    else:
        dialog = open_letter_preview(parent, session, complaint, "acknowledgement")
    return dialog
