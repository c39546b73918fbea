"""Printing, saving and e-mailing letters: a preview, the print dialog, save as PDF, send, and the postal batch.

PySide6-Essentials has no PDF viewer (QtPdf is in the Addons), so pages are
rasterised with pypdfium2: for the preview at screen resolution, for the
printer at its own resolution (at most 300 dpi), drawn over the whole sheet so
the address lands in the envelope window as long as the printer prints at
actual size. A letter that was printed or saved is stored with the complaint
(workflow.letters.record_letter), one that went by e-mail once the mail server
accepted it (workflow.mail.outgoing); for an acknowledgement that also records
the acknowledgement as sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QHBoxLayout, QLabel, QPushButton, QRadioButton, QScrollArea, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, MailQueuedError, MailUncertainError
from klachtenbureau.i18n import _, format_date
from klachtenbureau.models import Complaint
from klachtenbureau.ui import files, operations
from klachtenbureau.ui.letter_editor import LetterEditor
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen
from klachtenbureau.workflow import letter_settings, letters, standard_paragraphs
from klachtenbureau.workflow.mail import mail_settings, outgoing
from klachtenbureau.workflow.offline.write_queue import WriteQueuedError

PREVIEW_DPI = 110
EDIT_DELAY_MS = 400  # the preview of an edited letter follows a moment after typing stops
MAX_PRINT_DPI = 300


# --- pages as images --------------------------------------------------------------

def page_images(pdf: bytes, dpi: float) -> list[QImage]:
    """Every page of ``pdf`` as an RGB image at ``dpi``."""
    import pypdfium2  # the PDF stack loads with the first preview, not with the desk (issue 19)

    document = pypdfium2.PdfDocument(pdf)
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                picture = page.render(scale=dpi / 72).to_pil().convert("RGB")
            finally:
                page.close()
            data = picture.tobytes()
            image = QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888)
            images.append(image.copy())  # own the pixels; ``data`` goes away
    finally:
        document.close()
    return images


def paint_pages(printer: QPrinter, pdfs: Sequence[bytes]) -> int:
    """Print every page of every PDF, each over a whole sheet; returns the number of pages."""
    printer.setFullPage(True)
    painter = QPainter()
    if not painter.begin(printer):
        raise KlachtenbureauError(_("De printer kon niet worden gestart. Controleer of hij aan staat."))
    pages = 0
    try:
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        sheet = printer.paperRect(QPrinter.Unit.DevicePixel)
        for pdf in pdfs:
            for image in page_images(pdf, dpi):
                if pages:
                    printer.newPage()
                painter.drawImage(QRectF(0, 0, sheet.width(), sheet.height()), image)
                pages += 1
    finally:
        painter.end()
    return pages


def choose_printer(parent: QWidget) -> QPrinter | None:
    """The system print dialog; None when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Afdrukken"))
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_pdf(parent: QWidget, pdf: bytes, message: MessageBar) -> bool:
    """Ask for a printer and print ``pdf``; False when the user cancelled or printing failed (said in ``message``)."""
    printer = choose_printer(parent)
    if printer is None:
        return False
    try:
        paint_pages(printer, [pdf])
    except KlachtenbureauError as exc:
        message.show_message(exc.message, "error")
        return False
    return True


def choose_pdf_path(parent: QWidget, suggested_name: str) -> Path | None:
    path = files.save_file_name(parent, _("Opslaan als PDF"), suggested_name, _("PDF-bestanden (*.pdf)"))
    if not path:
        return None
    return Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")


def _problem_text(exc: KlachtenbureauError | OSError) -> str:
    if isinstance(exc, OSError):
        return _("Het bestand kon niet worden opgeslagen: {reason}").format(reason=exc.strerror or exc)
    return exc.message


class PagePreview(QScrollArea):
    """The pages one under the other, as on a desk, scaled to the width of the pane."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(_("Afdrukvoorbeeld"))
        self.setStyleSheet("QScrollArea { background: #6b6b6b; }")
        self.images: list[QImage] = []
        self.pages: list[QLabel] = []
        holder = QWidget()
        holder.setStyleSheet("background: #6b6b6b;")
        self.column = QVBoxLayout(holder)
        self.column.setSpacing(14)
        self.column.setContentsMargins(14, 14, 14, 14)
        self.column.addStretch(1)
        self.setWidget(holder)

    def show_pdf(self, pdf: bytes) -> None:
        self.show_images(page_images(pdf, PREVIEW_DPI))

    def show_images(self, images: list[QImage]) -> None:
        """Pages rasterised already (``page_images`` at PREVIEW_DPI), for example off the UI thread."""
        self.images = images
        for label in self.pages:
            label.deleteLater()
        self.pages = []
        for number in range(1, len(self.images) + 1):
            label = QLabel()
            label.setStyleSheet("border: 1px solid #444;")
            label.setAccessibleName(_("Pagina {n}").format(n=number))
            self.column.insertWidget(number - 1, label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.pages.append(label)
        self._fit()

    def _fit(self) -> None:
        width = max(200, min(self.viewport().width() - 30, self.images[0].width() if self.images else 0))
        # While show_pdf is still adding labels, a resize may fit only the ones made so far; while the window is
        # being destroyed, Qt may resize this pane after its pages have gone.
        for label, image in zip(self.pages, self.images, strict=False):
            if shiboken6.isValid(label):
                label.setPixmap(QPixmap.fromImage(image.scaledToWidth(width,
                                                                      Qt.TransformationMode.SmoothTransformation)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.images and shiboken6.isValid(self.viewport()):
            self._fit()


# --- one letter -------------------------------------------------------------------

class LetterPreviewDialog(QDialog):
    """One letter to the complainant: look at it, adapt its text if need be, print it, save it or e-mail it.

    An edit changes this letter only. The preview follows the typing a moment later, and print, save and
    send wait for it: what goes out and is stored is what the preview shows. By e-mail the letter is the
    mail's text and its PDF attachment (workflow/mail/outgoing.py), sent through the office's mail server or
    opened as a draft in the user's own mail program; the choice starts as the complainant contacted the office.
    """

    ready = Signal()
    recorded = Signal(object)  # the complaint as stored after printing, saving or sending
    preview_updated = Signal()  # after an edit: the preview shows it, or the message says why it cannot

    def __init__(self, session: Session, complaint: Complaint | int, kind: str, parent: QWidget | None = None,
                 request: letters.InformationRequest | None = None, by_email: bool | None = None):
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.by_email = bool(by_email)  # None: as the complainant contacted the office, known once loaded
        self.request = request  # the question and reply-by date of a request for more information
        self.complaint: Complaint | None = None
        self.pdf: bytes | None = None
        self.original: tuple[str, str] | None = None  # subject and body as the office's text fills them in
        self.pdf_text: tuple[str, str] | None = None  # the edited text ``pdf`` was made from
        self.pdf_adapted = False  # ``pdf`` holds a text the handler changed
        self.sent_text: tuple[str, str] | None = None  # the edited text last printed or saved
        self._current = True  # ``pdf`` shows the text as it is (no edit waits for the preview)
        self._rendering = self._render_again = self._render_problem = False
        self.setWindowTitle(_(letters.KINDS[kind]))
        self.message = MessageBar(self)
        self.preview = PagePreview(self)
        self.print_button = QPushButton(_("&Afdrukken…"))
        self.save_button = QPushButton(_("Opslaan als &PDF…"))
        close = QPushButton(_("Sl&uiten"))
        close.clicked.connect(self.reject)
        self.edit_button = QPushButton(_("Te&kst aanpassen"))
        self.edit_button.setCheckable(True)
        self.edit_button.setToolTip(_("De tekst van alleen deze brief aanpassen, met standaardalinea's; "
                                      "de brieventeksten van het kantoor blijven zoals ze zijn."))
        self.edit_button.toggled.connect(self._show_editor)
        self.send_button = QPushButton(_("Ve&rsturen"))
        self.send_button.setToolTip(_("De brief als e-mail versturen via de mailserver van het kantoor, met de "
                                      "brief als PDF-bijlage"))
        self.draft_button = QPushButton(_("Als &concept openen…"))
        self.draft_button.setToolTip(_("De e-mail openen in uw eigen mailprogramma, om hem daar te versturen"))
        for button in (self.print_button, self.save_button, self.edit_button, self.send_button, self.draft_button):
            button.setEnabled(False)
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_letter)
        self.send_button.clicked.connect(self.send_mail)
        self.draft_button.clicked.connect(self.open_draft)
        self.post_choice = QRadioButton(_("Per &brief"))
        self.email_choice = QRadioButton(_("Per &e-mail"))
        self.route = QButtonGroup(self)
        route_row = QHBoxLayout()
        route_row.addWidget(QLabel(_("Versturen:")))
        for choice in (self.post_choice, self.email_choice):
            choice.setEnabled(False)
            self.route.addButton(choice)
            route_row.addWidget(choice)
        route_row.addStretch(1)
        self.email_choice.toggled.connect(self._choose_route)
        self.problems: dict[str, str | None] = {"letter": None, "email": None}  # why a route cannot be taken
        self.smtp_ready = False
        self.editor = LetterEditor(self)
        self.editor.hide()
        self.editor.edited.connect(self._edited)
        self.editor.restore.connect(self._restore)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(EDIT_DELAY_MS)
        self.timer.timeout.connect(self._render)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, self.send_button, self.draft_button, close):
            buttons.addWidget(button)
        middle = QHBoxLayout()
        middle.addWidget(self.editor, 1)
        middle.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(route_row)
        layout.addLayout(middle, 1)
        layout.addLayout(buttons)
        for before, after in ((self.editor.restore_button, self.preview), (self.preview, self.print_button),
                              (self.print_button, self.save_button), (self.save_button, self.send_button),
                              (self.send_button, self.draft_button), (self.draft_button, close),
                              (close, self.edit_button)):
            QWidget.setTabOrder(before, after)
        self._show_route_buttons()
        fit_to_screen(self, 760)  # a page is tall: as high as the screen allows
        self.message.show_message(_("De brief wordt gemaakt…"))
        user = session.user

        def make() -> tuple[Complaint, bytes, bool, dict[str, str | None], bool]:
            loaded = complaint if isinstance(complaint, Complaint) else letters.complaint_for(user, complaint)
            letters.require_record(user, loaded, kind)  # not only after the letter was printed
            email = letters.delivery(loaded) == "email" if by_email is None else by_email
            problems = {"letter": letters.postal_problem(loaded), "email": letters.email_problem(loaded)}
            return (loaded, letters.letter_pdf(user, loaded, kind, request=request, by_email=email), email,
                    problems, mail_settings.load().smtp_ready())

        operations.query(self, make, self._made, self._failed)

    def _made(self, result: tuple[Complaint, bytes, bool, dict[str, str | None], bool]) -> None:
        self.complaint, self.pdf, self.by_email, self.problems, self.smtp_ready = result
        self.setWindowTitle(f"{_(letters.KINDS[self.kind])} – {self.complaint.number}")
        self.preview.show_pdf(self.pdf)
        self.message.clear()
        for choice, route in ((self.post_choice, "letter"), (self.email_choice, "email")):
            choice.setEnabled(self.problems[route] is None)
            choice.setToolTip(self.problems[route] or "")
        self.email_choice.blockSignals(True)
        (self.email_choice if self.by_email else self.post_choice).setChecked(True)
        self.email_choice.blockSignals(False)
        self.edit_button.setEnabled(True)
        self._show_route_buttons()
        self._set_current(True)
        self.ready.emit()
        complaint, kind = self.complaint, self.kind  # an empty setting would quietly drop a paragraph: say so

        def warn(text: str) -> None:
            if text and not self.message.isVisible():
                self.message.show_message(text, "warning")

        operations.query(self, lambda: letter_settings.settings_warning(letters.text_kind(complaint, kind)), warn,
                         self.message)

    def _failed(self, problem: KlachtenbureauError) -> None:
        self.message.show_message(problem.message, "error")
        self.preview.hide()  # an empty grey desk says nothing
        self.layout().insertStretch(2, 1)
        self.resize(640, 120)
        self.ready.emit()

    # --- editing this one letter -----------------------------------------------------------

    # --- by post or by e-mail ---------------------------------------------------------------

    def _main_button(self) -> QPushButton:
        if not self.by_email:
            return self.print_button
        return self.send_button if self.smtp_ready else self.draft_button

    def _show_route_buttons(self) -> None:
        for button in (self.print_button, self.save_button):
            button.setVisible(not self.by_email)
        for button in (self.send_button, self.draft_button):
            button.setVisible(self.by_email)
        self.send_button.setToolTip("" if self.smtp_ready else _(
            "Er is nog geen mailserver ingesteld (Beheer → E-mail…); open de e-mail als concept."))
        self._main_button().setDefault(not self.editor.isVisible())  # Enter in the subject must not send

    def _choose_route(self, by_email: bool) -> None:
        if self.complaint is None or by_email == self.by_email:
            return
        self.by_email = by_email
        self._show_route_buttons()
        self._set_current(False)
        if self.original is None:  # the office's text: made afresh for the other route
            self._remake()
        else:
            self._render()

    def _remake(self) -> None:
        complaint, kind, user, request, by_email = (self.complaint, self.kind, self.session.user, self.request,
                                                    self.by_email)

        def done(pdf: bytes) -> None:
            if by_email == self.by_email:
                self.pdf = pdf
                self.preview.show_pdf(pdf)
                self._set_current(True)
                self.preview_updated.emit()

        operations.query(self, lambda: letters.letter_pdf(user, complaint, kind, request=request, by_email=by_email),
                         done, self.message)

    def _show_editor(self, shown: bool) -> None:
        self.editor.setVisible(shown)
        self._main_button().setDefault(not shown)  # Enter in the subject must not print or send
        fit_to_screen(self, 1320 if shown else 760)
        if shown and self.original is None:
            self._load_text()
        elif shown:
            self.editor.body.setFocus()

    def _load_text(self) -> None:
        complaint, kind, user, request = self.complaint, self.kind, self.session.user, self.request
        self.editor.setEnabled(False)

        by_email = self.by_email

        def work() -> tuple[tuple[str, str], list[standard_paragraphs.FilledParagraph]]:
            letter = letters.build_letter(user, complaint, kind, request=request, by_email=by_email)
            return (letter.subject, letter.body), standard_paragraphs.matching(user, complaint, kind)

        def done(result: tuple[tuple[str, str], list[standard_paragraphs.FilledParagraph]]) -> None:
            self.original, paragraphs = result
            self.editor.set_text(*self.original)
            self.editor.set_paragraphs(paragraphs)
            self.editor.setEnabled(True)
            self.editor.body.setFocus()

        operations.query(self, work, done, self.message)

    def adapted(self) -> bool:
        """The text differs from what the office's letter text makes of it."""
        subject, body = self.editor.text()
        return self.original is not None and (" ".join(subject.split()), body.strip()) != self.original

    def _edited(self) -> None:
        self._set_current(False)
        self.timer.start()

    def _restore(self) -> None:
        if self.original is not None:
            self.editor.set_text(*self.original)
            self._edited()
            self.editor.body.setFocus()

    def _set_current(self, current: bool) -> None:
        """Print, save and send only what the preview shows."""
        self._current = current
        ready = current and self.complaint is not None
        for button in (self.print_button, self.save_button, self.draft_button):
            button.setEnabled(ready)
        self.send_button.setEnabled(ready and self.smtp_ready)
        if ready and not self.editor.isVisible():
            self._main_button().setFocus()

    def _render(self) -> None:
        if self._rendering:
            self._render_again = True
            return
        self._rendering = True
        text, adapted = self.editor.text(), self.adapted()
        complaint, kind, user, request, by_email = (self.complaint, self.kind, self.session.user, self.request,
                                                    self.by_email)

        def settled() -> bool:
            """Whether this render is the last word; when the text changed meanwhile, the next one is."""
            self._rendering = False
            if self._render_again:
                self._render_again = False
                self._render()
                return False
            return not self.timer.isActive()

        def done(pdf: bytes) -> None:
            if settled() and by_email == self.by_email:
                self.pdf, self.pdf_text, self.pdf_adapted = pdf, text, adapted
                self.preview.show_pdf(pdf)
                if self._render_problem:  # only the previous render's problem: not the question asked on closing
                    self.message.clear()
                    self._render_problem = False
                self._set_current(True)
                self.preview_updated.emit()

        def failed(problem: KlachtenbureauError) -> None:
            if settled():
                self.message.show_message(problem.message, "error")
                self._render_problem = True
                self.preview_updated.emit()

        operations.query(self, lambda: letters.letter_pdf(user, complaint, kind, subject=text[0], body=text[1],
                                                          request=request, by_email=by_email), done, failed)

    def reject(self) -> None:
        if not self.adapted() or self.editor.text() == self.sent_text:
            super().reject()
            return
        self.message.show_message(_("De aangepaste tekst is nog niet afgedrukt, opgeslagen of verstuurd."), "warning", [
            (_("&Weggooien en sluiten"), lambda: QDialog.reject(self)),
            (_("&Verder met de brief"), self.message.clear),
        ])

    # --- out of the door --------------------------------------------------------------------

    def print_letter(self) -> None:
        if self.pdf is not None and self._current and print_pdf(self, self.pdf, self.message):
            self._record(printed=True)

    def save_letter(self) -> None:
        if self.pdf is None or self.complaint is None or not self._current:
            return
        path = choose_pdf_path(self, letters.letter_file_name(self.complaint, self.kind))
        if path is None:
            return
        try:
            path.write_bytes(self.pdf)
        except OSError as exc:
            self.message.show_message(_problem_text(exc), "error")
            return
        self._record(printed=False)

    def _record(self, printed: bool) -> None:
        complaint, pdf, kind, user, request = self.complaint, self.pdf, self.kind, self.session.user, self.request
        sent, adapted = self.pdf_text, self.pdf_adapted
        self.message.show_message(_("De brief wordt bij de klacht bewaard…"))

        def done(saved: Complaint) -> None:
            self.complaint = saved
            self.sent_text = sent
            text = _("Afgedrukt en bij klacht {number} bewaard.") if printed else _(
                "Opgeslagen en bij klacht {number} bewaard.")
            if kind == "acknowledgement" and saved.acknowledgement_method == "letter":
                text += " " + _("De ontvangstbevestiging staat als verstuurd genoteerd.")
            self.message.show_message(text.format(number=saved.number), "success")
            self.recorded.emit(saved)

        operations.write(self, self.session, lambda: letters.record_letter(user, complaint, kind, pdf, printed,
                                                                           adapted=adapted, request=request),
                         done, self.message)


    # --- by e-mail -----------------------------------------------------------------------------

    def _mail_parts(self) -> tuple[Complaint, bytes, str, str, bool, str, Callable[[], letters.EmailText]]:
        """What a mail of this letter needs, taken on the UI thread; the text is made by the worker."""
        user, complaint, kind, request = self.session.user, self.complaint, self.kind, self.request
        subject, body = self.pdf_text if self.pdf_adapted else (None, None)
        note = letters.request_note(request) if request is not None else ""

        def text() -> letters.EmailText:
            return letters.letter_email(user, complaint, kind, subject, body, request=request)

        return complaint, self.pdf, kind, self.session.database_url, self.pdf_adapted, note, text

    def send_mail(self) -> None:
        if self.pdf is None or self.complaint is None or not self._current or not self.smtp_ready:
            return
        complaint, pdf, kind, url, adapted, note, text = self._mail_parts()
        user, sent = self.session.user, self.pdf_text
        self.send_button.setEnabled(False)
        self.message.show_message(_("De e-mail wordt verstuurd…"))

        def work() -> outgoing.SendResult:
            return outgoing.send_letter(user, complaint, kind, pdf, text(), url, adapted=adapted, note=note)

        def done(result: outgoing.SendResult) -> None:
            self.complaint, self.sent_text = result.complaint, sent
            self.message.show_message(_("Verstuurd aan {to} en bij klacht {number} bewaard.").format(
                to=result.to, number=result.complaint.number), "success")
            self.recorded.emit(result.complaint)

        def failed(problem: KlachtenbureauError) -> None:
            self.send_button.setEnabled(self._current)
            if isinstance(problem, WriteQueuedError):  # it went; only the record waits for the database
                self.sent_text = sent
                self.message.show_message(problem.message, "warning")
            elif isinstance(problem, MailQueuedError | MailUncertainError):
                self.sent_text = sent  # in this PC's outbox: nothing typed is lost
                self.message.show_message(problem.message, "warning")
            else:
                self.message.show_message(problem.message, "error")

        operations.write(self, self.session, work, done, failed)

    def open_draft(self) -> None:
        """The mail as a draft in the user's own mail program; once sent from there, it can be recorded here."""
        if self.pdf is None or self.complaint is None or not self._current:
            return
        complaint, pdf, kind, _url, _adapted, _note, text = self._mail_parts()
        user = self.session.user

        def done(path: Path) -> None:
            if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                self.message.show_message(_("Er is geen mailprogramma dat de e-mail kan openen. Het concept staat "
                                            "in {path}.").format(path=path), "warning")
                return
            self.message.show_message(
                _("Het concept staat in uw mailprogramma. Hebt u de e-mail daar verstuurd, leg hem dan hier vast."),
                "info", [(_("Vast&leggen als verstuurd"), self._record_own_send)])

        operations.query(self, lambda: outgoing.draft_eml(user, complaint, kind, pdf, text()), done, self.message)

    def _record_own_send(self) -> None:
        complaint, pdf, kind, url, adapted, note, text = self._mail_parts()
        user, sent = self.session.user, self.pdf_text

        def work() -> Complaint:
            return outgoing.record_own_send(user, complaint, kind, pdf, text(), url, adapted=adapted, note=note)

        def done(saved: Complaint) -> None:
            self.complaint, self.sent_text = saved, sent
            self.message.show_message(_("De e-mail is bij klacht {number} bewaard.").format(number=saved.number),
                                      "success")
            self.recorded.emit(saved)

        operations.write(self, self.session, work, done, self.message)


def open_letter_preview(parent: QWidget | None, session: Session, complaint: Complaint | int,
                        kind: str = "acknowledgement", request: letters.InformationRequest | None = None,
                        by_email: bool | None = None) -> LetterPreviewDialog:
    """Show the preview of a letter (from the dossier or the intake confirmation) and return the dialog.

    ``by_email`` None: by post or by e-mail as the complainant contacted the office.
    """
    dialog = LetterPreviewDialog(session, complaint, kind, parent, request, by_email)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# --- the postal batch ------------------------------------------------------------------

class AcknowledgementBatchDialog(QDialog):
    """Alle nog te versturen ontvangstbevestigingen afdrukken: complaints to acknowledge by letter, not yet done."""

    loaded = Signal()
    finished_batch = Signal(int)  # how many letters were stored

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Ontvangstbevestigingen afdrukken"))
        intro = QLabel(_("Klachten die een ontvangstbevestiging per brief krijgen (per post binnengekomen, of zo "
                         "gekozen bij de melding) en die nog niet hebben. Wat u afdrukt of opslaat, wordt bij de "
                         "klacht bewaard en als verstuurd genoteerd."))
        intro.setWordWrap(True)
        self.message = MessageBar(self)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(_("Nog te versturen ontvangstbevestigingen"))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels([_("Klacht"), _("Klager"), _("Bevestigen uiterlijk"), _("Opmerking")])
        self.print_button = QPushButton(_("&Afdrukken…"))
        self.save_button = QPushButton(_("Opslaan als &PDF…"))
        close = QPushButton(_("Sl&uiten"))
        close.clicked.connect(self.reject)
        self.print_button.clicked.connect(lambda: self._run(printed=True))
        self.save_button.clicked.connect(lambda: self._run(printed=False))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 780, 460)
        self.complaints: dict[str, Complaint] = {}
        self.reload()

    def reload(self) -> None:
        self._busy(True)
        user = self.session.user

        def work() -> tuple[list[tuple[Complaint, str | None, str | None]], str]:
            return ([(c, letters.postal_problem(c, short=True), letters.postal_problem(c))
                     for c in letters.acknowledgements_to_send(user)], letter_settings.settings_warning("acknowledgement"))

        operations.query(self, work, lambda result: self._show(*result), self._failed)

    def _show(self, rows: list[tuple[Complaint, str | None, str | None]], warning: str = "") -> None:
        self.tree.clear()
        self.complaints = {}
        for complaint, problem, explanation in rows:
            name = complaint.relation.name if complaint.relation_id else _("anoniem")
            item = QTreeWidgetItem([complaint.number, name, format_date(complaint.acknowledge_by), problem or ""])
            item.setToolTip(3, explanation or "")
            self.complaints[complaint.number] = complaint
            if problem:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsUserCheckable)
            else:
                item.setCheckState(0, Qt.CheckState.Checked)
            self.tree.addTopLevelItem(item)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, self.tree.columnWidth(column) + 24)
        if not rows and not self.message.isVisible():
            self.message.show_message(_("Er zijn geen ontvangstbevestigingen meer te versturen."), "success")
        elif warning and not self.message.isVisible():
            self.message.show_message(warning, "warning")
        self._busy(False)
        self.loaded.emit()

    def _failed(self, problem: KlachtenbureauError) -> None:
        self.message.show_message(problem.message, "error")
        self._busy(False)
        self.loaded.emit()

    def _busy(self, busy: bool) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(not busy)

    def checked(self) -> list[Complaint]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [self.complaints[item.text(0)] for item in items
                if item.flags() & Qt.ItemFlag.ItemIsEnabled and item.checkState(0) == Qt.CheckState.Checked]

    def _run(self, printed: bool) -> None:
        chosen = self.checked()
        if not chosen:
            self.message.show_message(_("Vink ten minste één klacht aan."), "warning")
            return
        self._busy(True)
        self.message.show_message(_("{n} brief/brieven worden gemaakt…").format(n=len(chosen)))
        user = self.session.user
        operations.query(self, lambda: letters.acknowledgement_batch(user, chosen),
                         lambda made: self._deliver(made, printed), self._failed)

    def _deliver(self, made: list[tuple[Complaint, bytes]], printed: bool) -> None:
        pdfs = [pdf for _complaint, pdf in made]
        try:
            if printed:
                printer = choose_printer(self)
                if printer is None:
                    return self._cancelled()
                paint_pages(printer, pdfs)
            else:
                path = choose_pdf_path(self, _("ontvangstbevestigingen {date}.pdf").format(
                    date=dt.date.today().isoformat()))
                if path is None:
                    return self._cancelled()
                from klachtenbureau.reports import letters as letter_reports  # see page_images

                organisation = letters.organisation()
                path.write_bytes(letter_reports.combine(pdfs, _("Ontvangstbevestigingen"), organisation.name))
        except (KlachtenbureauError, OSError) as exc:
            self.message.show_message(_problem_text(exc), "error")
            self._busy(False)
            return None
        self._record(made, printed)
        return None

    def _cancelled(self) -> None:
        self.message.clear()
        self._busy(False)

    def _record(self, made: list[tuple[Complaint, bytes]], printed: bool) -> None:
        user = self.session.user

        def work() -> list[str]:
            problems = []
            for complaint, pdf in made:
                try:
                    letters.record_letter(user, complaint, "acknowledgement", pdf, printed)
                except KlachtenbureauError as exc:
                    problems.append(f"{complaint.number}: {exc.message}")
            return problems

        def done(problems: list[str]) -> None:
            stored = len(made) - len(problems)
            self.reload()
            if problems:
                self.message.show_message("\n".join([_("{n} brief/brieven bewaard; niet gelukt:").format(n=stored),
                                                     *problems]), "warning")
            else:
                self.message.show_message(_("{n} ontvangstbevestiging(en) bewaard en als verstuurd genoteerd.").format(
                    n=stored), "success")
            self.finished_batch.emit(stored)

        operations.write(self, self.session, work, done, self._failed)


def open_acknowledgement_batch(parent: QWidget | None, session: Session) -> AcknowledgementBatchDialog:
    dialog = AcknowledgementBatchDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

