"""The page template of the dossier and its appendices, and how attached files become pages.

Everything here ends up inside a PDF/A-2b file, so nothing foreign goes in
as it is: images are re-encoded (RGB or grey, no transparency), attached
PDFs are drawn as page images (their fonts and colours are unknown), and
e-mails are printed as text. The originals stay in the database; the
dossier lists their SHA-256 so a copy can be checked against it.
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

import pypdfium2
from PIL import Image as PILImage
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, Image, PageBreak, PageTemplate, Paragraph, Spacer

from klachtenbureau.i18n import _
from klachtenbureau.reports import fonts
from klachtenbureau.reports.layout import GREY, LIGHT, MARGIN_LEFT, styles

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - 6 * mm
RASTER_DPI = 110
MAX_IMAGE_PIXELS = 2400


class DossierTemplate(BaseDocTemplate):
    """A4 with a running header; the page numbers are stamped on after all parts are joined."""

    def __init__(self, target: Any, header: str, footer: str, title: str, author: str):
        fonts.register()
        super().__init__(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
                         bottomMargin=MARGIN, title=title, author=author, initialFontName=fonts.REGULAR)
        self.header = header
        self.footer = footer
        frame = Frame(MARGIN, MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="body", leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])

    def _decorate(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 10 * mm, self.header)
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, PAGE_HEIGHT - 12 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 12 * mm)
        canvas.line(MARGIN, 14 * mm, PAGE_WIDTH - MARGIN, 14 * mm)
        canvas.drawString(MARGIN, 10 * mm, self.footer)
        canvas.restoreState()


def build(flowables: list[Flowable], header: str, footer: str, title: str, author: str) -> bytes:
    buffer = io.BytesIO()
    template = DossierTemplate(buffer, header, footer, title, author)
    template.build(flowables, canvasmaker=_canvas)
    return buffer.getvalue()


def _canvas(*args: Any, **kwargs: Any) -> Canvas:
    kwargs["initialFontName"] = fonts.REGULAR
    return Canvas(*args, **kwargs)


def stamp_pages(labels: list[str], total: int) -> bytes:
    """One transparent page per dossier page with "pagina x van y" at the top.

    A page with a label is a stored letter: the label says which appendix it
    is, and the stamp keeps to the letter's own margins.
    """
    buffer = io.BytesIO()
    canvas = _canvas(buffer, pagesize=A4)
    for number, label in enumerate(labels, start=1):
        margin = MARGIN_LEFT if label else MARGIN
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.drawRightString(PAGE_WIDTH - margin, PAGE_HEIGHT - 10 * mm,
                               _("Pagina {n} van {total}").format(n=number, total=total))
        if label:
            canvas.drawString(margin, PAGE_HEIGHT - 10 * mm, label)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- attached files as flowables ---------------------------------------------

def _jpeg(image: PILImage.Image) -> tuple[io.BytesIO, int, int]:
    """Re-encode as baseline JPEG in RGB or grey: no alpha, no CMYK, nothing PDF/A frowns on."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        flat = PILImage.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    out.seek(0)
    return out, image.width, image.height


class _FramedImage(Image):
    """An image with a hairline round it, so a white scanned page still shows where it ends."""

    def draw(self) -> None:
        super().draw()
        self.canv.setStrokeColor(LIGHT)
        self.canv.setLineWidth(0.5)
        self.canv.rect(0, 0, self.drawWidth, self.drawHeight, stroke=1, fill=0)


def _fitted(image: PILImage.Image, max_height: float) -> Image:
    data, width, height = _jpeg(image)
    scale = min(FRAME_WIDTH / width, max_height / height)
    return _FramedImage(data, width=width * scale, height=height * scale)


def image_flowables(content: bytes) -> list[Flowable]:
    with PILImage.open(io.BytesIO(content)) as image:
        image.load()
        return [_fitted(image, FRAME_HEIGHT - 20 * mm)]


def pdf_page_flowables(content: bytes, caption: Callable[[int, int], str]) -> list[Flowable]:
    """Every page of an attached PDF as an image, each on its own page with a caption."""
    style = styles()["small"]
    flowables: list[Flowable] = []
    document = pypdfium2.PdfDocument(content)
    try:
        count = len(document)
        for index in range(count):
            page = document[index]
            try:
                bitmap = page.render(scale=RASTER_DPI / 72)
                image = bitmap.to_pil()
            finally:
                page.close()
            if index:
                flowables.append(PageBreak())
            flowables += [Paragraph(escape(caption(index + 1, count)), style), Spacer(0, 2 * mm),
                          _fitted(image, FRAME_HEIGHT - 20 * mm)]
    finally:
        document.close()
    return flowables


class _TagStripper:
    """Plain text of an HTML-only e-mail: tags out, entities decoded, paragraphs kept."""

    _BLOCK = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h[1-6])\b[^>]*>", re.I)
    _TAG = re.compile(r"<[^>]+>")
    _HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)

    @classmethod
    def text(cls, markup: str) -> str:
        markup = cls._HIDDEN.sub("", markup)
        markup = cls._BLOCK.sub("\n", markup)
        return html.unescape(cls._TAG.sub("", markup))


def email_text(content: bytes) -> tuple[list[tuple[str, str]], str, list[str]]:
    """(headers, body text, names of attachments) of an RFC 822 message."""
    message = email.message_from_bytes(content, policy=email.policy.default)
    headers = [(label, str(message.get(key, ""))) for key, label in
               (("From", _("Van")), ("To", _("Aan")), ("Cc", _("Cc")), ("Date", _("Datum")),
                ("Subject", _("Onderwerp"))) if message.get(key)]
    part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if part is not None:
        body = part.get_content()
        if part.get_content_type() == "text/html":
            body = _TagStripper.text(body)
    names = [p.get_filename() or _("(zonder naam)") for p in message.iter_attachments()]
    return headers, body, names


def text_flowables(text: str) -> list[Flowable]:
    style = ParagraphStyle("text", parent=styles()["cell"], spaceAfter=5)
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [Paragraph(escape(p).replace("\n", "<br/>"), style) for p in paragraphs if p.strip()] or [
        Paragraph(escape(_("(leeg)")), style)]
