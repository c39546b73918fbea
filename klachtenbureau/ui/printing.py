"""Printing and saving letters: a preview, the print dialog, save as PDF, and the postal batch.

PySide6-Essentials has no PDF viewer (QtPdf is in the Addons), so pages are
rasterised with pypdfium2: for the preview at screen resolution, for the
printer at its own resolution (at most 300 dpi), drawn over the whole sheet so
the address lands in the envelope window as long as the printer prints at
actual size. A letter that was printed or saved is stored with the complaint
(workflow.letters.record_letter); for an acknowledgement that also records
the acknowledgement as sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pypdfium2
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _, format_date
from klachtenbureau.models import Complaint
from klachtenbureau.reports import letters as letter_reports
from klachtenbureau.ui import files
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen, run_for
from klachtenbureau.workflow import letters

PREVIEW_DPI = 110
MAX_PRINT_DPI = 300


# --- pages as images --------------------------------------------------------------

def page_images(pdf: bytes, dpi: float) -> list[QImage]:
    """Every page of ``pdf`` as an RGB image at ``dpi``."""
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


def choose_pdf_path(parent: QWidget, suggested_name: str) -> Path | None:
    path = files.save_file_name(parent, _("Opslaan als PDF"), suggested_name, _("PDF-bestanden (*.pdf)"))
    if not path:
        return None
    return Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")


def _problem_text(exc: BaseException) -> str:
    if isinstance(exc, KlachtenbureauError):
        return exc.message
    if isinstance(exc, OSError):
        return _("Het bestand kon niet worden opgeslagen: {reason}").format(reason=exc.strerror or exc)
    raise exc  # a bug: to the crash handler


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
        self.images = page_images(pdf, PREVIEW_DPI)
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
        # While show_pdf is still adding labels, a resize may fit only the ones made so far.
        for label, image in zip(self.pages, self.images, strict=False):
            label.setPixmap(QPixmap.fromImage(image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.images:
            self._fit()


# --- one letter -------------------------------------------------------------------

class LetterPreviewDialog(QDialog):
    """One letter to the complainant: look at it, print it or save it as PDF."""

    ready = Signal()
    recorded = Signal(object)  # the complaint as stored after printing or saving

    def __init__(self, session: Session, complaint: Complaint | int, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.complaint: Complaint | None = None
        self.pdf: bytes | None = None
        self.setWindowTitle(_(letters.KINDS[kind]))
        self.message = MessageBar(self)
        self.preview = PagePreview(self)
        self.print_button = QPushButton(_("&Afdrukken…"))
        self.save_button = QPushButton(_("Opslaan als &PDF…"))
        close = QPushButton(_("Sl&uiten"))
        close.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        self.print_button.clicked.connect(self.print_letter)
        self.save_button.clicked.connect(self.save_letter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 760)  # a page is tall: as high as the screen allows
        self.message.show_message(_("De brief wordt gemaakt…"))
        user = session.user

        def make() -> tuple[Complaint, bytes]:
            loaded = complaint if isinstance(complaint, Complaint) else letters.complaint_for(user, complaint)
            letters.require_record(user, loaded, kind)  # not only after the letter was printed
            return loaded, letters.letter_pdf(user, loaded, kind)

        run_for(self, make, self._made, self._failed)

    def _made(self, result: tuple[Complaint, bytes]) -> None:
        self.complaint, self.pdf = result
        self.setWindowTitle(f"{_(letters.KINDS[self.kind])} – {self.complaint.number}")
        self.preview.show_pdf(self.pdf)
        self.message.clear()
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.print_button.setDefault(True)
        self.print_button.setFocus()
        self.ready.emit()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(_problem_text(exc), "error")
        self.preview.hide()  # an empty grey desk says nothing
        self.layout().insertStretch(2, 1)
        self.resize(640, 120)
        self.ready.emit()

    def print_letter(self) -> None:
        printer = choose_printer(self)
        if printer is None or self.pdf is None:
            return
        try:
            paint_pages(printer, [self.pdf])
        except KlachtenbureauError as exc:
            self.message.show_message(exc.message, "error")
            return
        self._record(printed=True)

    def save_letter(self) -> None:
        if self.pdf is None or self.complaint is None:
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
        complaint, pdf, kind, user = self.complaint, self.pdf, self.kind, self.session.user
        self.message.show_message(_("De brief wordt bij de klacht bewaard…"))

        def done(saved: Complaint) -> None:
            self.complaint = saved
            text = _("Afgedrukt en bij klacht {number} bewaard.") if printed else _(
                "Opgeslagen en bij klacht {number} bewaard.")
            if kind == "acknowledgement" and saved.acknowledgement_method == "letter":
                text += " " + _("De ontvangstbevestiging staat als verstuurd genoteerd.")
            self.message.show_message(text.format(number=saved.number), "success")
            self.recorded.emit(saved)

        run_for(self, lambda: letters.record_letter(user, complaint, kind, pdf, printed), done,
                lambda exc: self.message.show_message(_problem_text(exc), "error"))


def open_letter_preview(parent: QWidget | None, session: Session, complaint: Complaint | int,
                        kind: str = "acknowledgement") -> LetterPreviewDialog:
    """Show the preview of a letter (from the dossier or the intake confirmation) and return the dialog."""
    dialog = LetterPreviewDialog(session, complaint, kind, parent)
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

        def work() -> list[tuple[Complaint, str | None, str | None]]:
            return [(c, letters.postal_problem(c, short=True), letters.postal_problem(c))
                    for c in letters.acknowledgements_to_send(user)]

        run_for(self, work, self._show, self._failed)

    def _show(self, rows: list[tuple[Complaint, str | None, str | None]]) -> None:
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
        self._busy(False)
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(_problem_text(exc), "error")
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
        run_for(self, lambda: [(c, letters.letter_pdf(user, c, "acknowledgement")) for c in chosen],
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

        run_for(self, work, done, self._failed)


def open_acknowledgement_batch(parent: QWidget | None, session: Session) -> AcknowledgementBatchDialog:
    dialog = AcknowledgementBatchDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

