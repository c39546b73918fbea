"""The letter paper: letterhead, window-envelope address block, reference row, page numbers.

Measurements follow the Dutch window envelope (venstercouvert): the address
window sits about 20 mm from the left and 45–50 mm from the top and is at most
85 × 45 mm; the office can move it in the settings to fit its own envelopes.
The address is written in PostNL's format: postcode with one space, two
spaces, the town in capitals ("1234 AB  AMSTERDAM"), at 10 pt or more: a line
too long for the window is wrapped, and an address that does not fit the
window is refused. Fold marks divide the sheet in three for an EA5/6
envelope; the reference row (Datum, Ons kenmerk …) keeps clear of the folds.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.reports import fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 24 * mm
MARGIN_RIGHT = 24 * mm
BOTTOM = 20 * mm  # where a letter's text ends, 5 mm above the footer's rule
ACCENT = colors.HexColor("#1F4E79")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#B0B0B0")

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
FOLDS_MM = (99.0, 198.0)  # from the top: the sheet folded in three
ADDRESS_SIZE = 10.0  # points: the recipient's lines are never smaller
_ADDRESS_INSET = 4 * mm  # from the window's edges
_ADDRESS_FIRST = 12.5 * mm  # from the window's top to the first recipient line's baseline, under the return address
_ADDRESS_LEADING = 4.6 * mm
_ADDRESS_BOTTOM = 3 * mm  # the last baseline at least this far above the window's bottom edge


@dataclasses.dataclass(frozen=True)
class Organisation:
    """The sender, from the office settings ('organisation')."""

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    counsellor: str = ""
    logo: str = ""  # path of an image file; without one a monogram is drawn

    @classmethod
    def from_settings(cls, value: dict[str, Any]) -> Organisation:
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: str(v or "").strip() for k, v in value.items() if k in fields})

    def address_line(self) -> str:
        town = " ".join(part for part in (postcode(self.postcode), self.city) if part)
        return ", ".join(part for part in (self.street, town) if part)

    def return_address(self, name: bool = True) -> str:
        """The one line above the recipient in the window, in PostNL's format (``name``: with the office's)."""
        town = "  ".join(part for part in (postcode(self.postcode), self.city.upper()) if part)
        return ", ".join(part for part in (self.name if name else "", self.street, town) if part)


@dataclasses.dataclass(frozen=True)
class Envelope:
    """Where the address window is, in millimetres from the top-left corner of the sheet."""

    left_mm: float = 20.0
    top_mm: float = 47.0
    width_mm: float = 85.0
    height_mm: float = 45.0

    @classmethod
    def from_settings(cls, value: dict[str, Any]) -> Envelope:
        """Numbers out of any sane range fall back to the default, so a typo cannot push the address off the sheet."""
        default = cls()
        limits = {"left_mm": (0, 120), "top_mm": (10, 150), "width_mm": (40, 120), "height_mm": (20, 80)}
        values = {}
        for name, (low, high) in limits.items():
            try:
                number = float(value.get(name, getattr(default, name)))
            except (TypeError, ValueError):
                number = getattr(default, name)
            values[name] = number if low <= number <= high else getattr(default, name)
        return cls(**values)

    def rect(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) in points, PDF coordinates (origin bottom-left)."""
        return (self.left_mm * mm, PAGE_HEIGHT - (self.top_mm + self.height_mm) * mm,
                self.width_mm * mm, self.height_mm * mm)


def postcode(value: str) -> str:
    """A Dutch postcode as '1234 AB'; anything else (a foreign code) as it was typed."""
    match = _POSTCODE.match(value or "")
    return f"{match.group(1)} {match.group(2).upper()}" if match else (value or "").strip()


def postal_address(name: str, street: str, code: str, city: str, attention: str = "",
                   country: str = "") -> list[str]:
    """The recipient's lines as PostNL wants them: the organisation, "t.a.v." its contact person, the street,
    '1234 AB  AMSTERDAM'. A foreign address keeps its postcode and town as typed and ends with the country in
    capitals."""
    if country.strip():
        town = " ".join(part for part in (code.strip(), city.strip()) if part)
    else:
        town = "  ".join(part for part in (postcode(code), city.strip().upper()) if part)
    contact = _("t.a.v. {name}").format(name=attention.strip()) if attention.strip() else ""
    return [line for line in (name.strip(), contact, street.strip(), town, country.strip().upper()) if line]


def _wrapped(line: str, width: float) -> list[str]:
    """``line`` broken at spaces into pieces no wider than ``width`` at ADDRESS_SIZE; a word wider on its own is
    refused, since cutting it would misaddress the letter."""
    if stringWidth(line, fonts.REGULAR, ADDRESS_SIZE) <= width:
        return [line]  # as it is: the two spaces before the town stay
    pieces: list[str] = []
    for word in line.split(" "):
        if stringWidth(word, fonts.REGULAR, ADDRESS_SIZE) > width:
            raise ValidationError({"address": _(
                "“{word}” in het adres is te lang voor het venster van de envelop. Kort het in bij de gegevens van "
                "de klager.").format(word=word)})
        if pieces and stringWidth(f"{pieces[-1]} {word}", fonts.REGULAR, ADDRESS_SIZE) <= width:
            pieces[-1] = f"{pieces[-1]} {word}"
        else:
            pieces.append(word)
    return [piece.strip() for piece in pieces if piece.strip()]


def window_lines(recipient: list[str], envelope: Envelope) -> list[str]:
    """The recipient's lines as printed in the window: at ADDRESS_SIZE, a line too wide wrapped at a space.

    Raises ValidationError (Dutch, under "address") when they do not fit the window: never a smaller type, which
    the post's sorting machines may not read, and never a line cut off.
    """
    fonts.register()
    width = envelope.width_mm * mm - 2 * _ADDRESS_INSET
    lines = [piece for line in recipient for piece in _wrapped(line, width)]
    room = int((envelope.height_mm * mm - _ADDRESS_FIRST - _ADDRESS_BOTTOM) // _ADDRESS_LEADING) + 1
    if len(lines) > room:
        raise ValidationError({"address": _(
            "Het adres past niet in het venster van de envelop: het wordt {n} regels en er passen er {room}. Kort "
            "de naam, de t.a.v.-regel of de straat in bij de gegevens van de klager.").format(n=len(lines),
                                                                                              room=max(room, 0))})
    return lines


# --- styles -----------------------------------------------------------------

def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles by name: a new dict each time, but the styles themselves are shared; do not change them."""
    return dict(_styles())


@functools.cache  # made once: a dossier asks for them for every table cell
def _styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, bulletFontName=fonts.REGULAR, fontSize=10, leading=14,
                          spaceAfter=9, alignment=TA_LEFT, textColor=colors.black)
    # A letter's text is set a little closer than a report's, still at 10 pt: the acknowledgement and the common
    # answer fit on one page under the window envelope's address block.
    letter = ParagraphStyle("letter", parent=body, leading=13, spaceAfter=6.5)
    return {
        "body": body,
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=2),
        "letter": letter,
        "letter_bullet": ParagraphStyle("letter_bullet", parent=letter, leftIndent=14, bulletIndent=3, spaceAfter=1.5),
        "subject": ParagraphStyle("subject", parent=letter, fontName=fonts.BOLD, fontSize=10.5, spaceAfter=10),
        "signature": ParagraphStyle("signature", parent=letter, spaceAfter=0),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=body, fontName=fonts.BOLD, fontSize=16, leading=20, spaceAfter=4,
                             textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=body, fontName=fonts.BOLD, fontSize=12, leading=15, spaceBefore=10,
                             spaceAfter=5, textColor=ACCENT),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "label": ParagraphStyle("label", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0, textColor=GREY),
    }


# --- canvas with "pagina x van y" -------------------------------------------

class NumberedCanvas(Canvas):
    """Keeps every page until the end, so each footer can say how many pages there are."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs["initialFontName"] = fonts.REGULAR  # never the unembedded Helvetica, not even in the preamble
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.draw_page_number: Callable[[Canvas, int, int], None] | None = None

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if self.draw_page_number is not None:
                self.draw_page_number(self, number, total)
            super().showPage()
        super().save()


def fit_text(canvas: Canvas, text: str, x: float, y: float, width: float, font: str, size: float,
             smallest: float = 6.0) -> None:
    """Draw one line, shrinking the type (and then cutting) rather than running past ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    while text and stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def _initials(name: str) -> str:
    words = [w for w in re.split(r"\s+", name) if w and w[0].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "K"


def draw_logo(canvas: Canvas, organisation: Organisation, x: float, top: float, height: float) -> None:
    """The office's logo file if it has one, otherwise a monogram of its initials."""
    logo = Path(organisation.logo) if organisation.logo else None
    if logo is not None and logo.is_file():
        try:
            canvas.drawImage(str(logo), x, top - height, width=45 * mm, height=height,
                             preserveAspectRatio=True, anchor="sw", mask="auto")
            return
        except OSError:
            pass  # an unreadable logo must not stop a letter; the monogram stands in
    canvas.setFillColor(ACCENT)
    canvas.roundRect(x, top - height, height, height, 2.5 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(fonts.BOLD, height * 0.42)
    canvas.drawCentredString(x + height / 2, top - height * 0.66, _initials(organisation.name))


# --- the letter template ----------------------------------------------------

@dataclasses.dataclass(frozen=True)
class LetterHead:
    """Everything printed on the paper around the text of one letter."""

    organisation: Organisation
    envelope: Envelope
    recipient: list[str]
    date_text: str
    our_reference: str
    their_reference: str
    handled_by: str


class LetterTemplate(BaseDocTemplate):
    """First page with letterhead, address window and reference row; later pages with a short header."""

    def __init__(self, target: Any, head: LetterHead, title: str, author: str):
        super().__init__(target, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                         topMargin=25 * mm, bottomMargin=BOTTOM, title=title, author=author,
                         initialFontName=fonts.REGULAR)
        fonts.register()
        self.head = head
        width = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
        first_top = PAGE_HEIGHT - self.reference_top() - 12 * mm
        first = Frame(MARGIN_LEFT, BOTTOM, width, first_top - BOTTOM, id="first", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        later = Frame(MARGIN_LEFT, BOTTOM, width, PAGE_HEIGHT - 25 * mm - BOTTOM, id="later", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("first", [first], onPage=self._first_page, autoNextPageTemplate="later"),
            PageTemplate("later", [later], onPage=self._later_page),
        ])

    def reference_top(self) -> float:
        """Distance in points from the top of the sheet to the reference row's labels, just below the window.

        A fold through the row would crease the date and the reference: when one runs through it (the labels'
        capitals 2 mm above this line to the values' descenders 5.3 mm below, with 1.5 mm to spare on each side),
        the row goes under that fold.
        """
        envelope = self.head.envelope
        top = max(envelope.top_mm + envelope.height_mm + 8, 95)
        for fold in FOLDS_MM:
            if top - 3.5 < fold < top + 6.8:
                top = fold + 3.5
        return top * mm

    def handle_documentBegin(self) -> None:  # noqa: N802 (ReportLab's name)
        super().handle_documentBegin()
        self.canv.draw_page_number = self._page_number

    def _fold_marks(self, canvas: Canvas) -> None:
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.4)
        for top in FOLDS_MM:
            canvas.line(5 * mm, PAGE_HEIGHT - top * mm, 9 * mm, PAGE_HEIGHT - top * mm)

    def _letterhead(self, canvas: Canvas) -> None:
        org = self.head.organisation
        draw_logo(canvas, org, MARGIN_LEFT, PAGE_HEIGHT - 14 * mm, 16 * mm)
        right = PAGE_WIDTH - MARGIN_RIGHT
        canvas.setFillColor(ACCENT)
        canvas.setFont(fonts.BOLD, 13)
        canvas.drawRightString(right, PAGE_HEIGHT - 19 * mm, org.name)
        lines = [org.street, " ".join(p for p in (postcode(org.postcode), org.city) if p)]
        if org.phone:
            lines.append(_("Telefoon {phone}").format(phone=org.phone))
        if org.email:
            lines.append(org.email)
        if org.website:
            lines.append(org.website)
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 8.5)
        y = PAGE_HEIGHT - 24.5 * mm
        for line in filter(None, lines):
            canvas.drawRightString(right, y, line)
            y -= 3.8 * mm

    def _window(self, canvas: Canvas) -> None:
        x, y, width, height = self.head.envelope.rect()
        inset = _ADDRESS_INSET
        top = y + height
        canvas.setFillColor(GREY)
        org, room = self.head.organisation, width - 2 * inset
        if stringWidth(org.return_address(), fonts.REGULAR, 6) <= room:
            fit_text(canvas, org.return_address(), x + inset, top - 6 * mm, room, fonts.REGULAR, 7)
        else:  # a long name and street: the name above the address, rather than a return address cut short
            fit_text(canvas, org.name, x + inset, top - 4.3 * mm, room, fonts.REGULAR, 6.5)
            fit_text(canvas, org.return_address(name=False), x + inset, top - 6.9 * mm, room, fonts.REGULAR, 6.5)
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.3)
        canvas.line(x + inset, top - 7.9 * mm, x + width - inset, top - 7.9 * mm)
        canvas.setFillColor(colors.black)
        canvas.setFont(fonts.REGULAR, ADDRESS_SIZE)
        line_y = top - _ADDRESS_FIRST
        for line in self.head.recipient:  # window_lines made them fit
            canvas.drawString(x + inset, line_y, line)
            line_y -= _ADDRESS_LEADING

    def _reference_row(self, canvas: Canvas) -> None:
        top = PAGE_HEIGHT - self.reference_top()
        columns = [(_("Datum"), self.head.date_text), (_("Ons kenmerk"), self.head.our_reference),
                   (_("Uw kenmerk"), self.head.their_reference or "–"),
                   (_("Behandeld door"), self.head.handled_by or "–")]
        width = (PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / len(columns)
        for i, (label, value) in enumerate(columns):
            x = MARGIN_LEFT + i * width
            canvas.setFillColor(GREY)
            canvas.setFont(fonts.REGULAR, 7.5)
            canvas.drawString(x, top, label)
            canvas.setFillColor(colors.black)
            fit_text(canvas, value, x, top - 4.5 * mm, width - 3 * mm, fonts.REGULAR, 9.5)

    def _footer(self, canvas: Canvas) -> None:
        org = self.head.organisation
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_LEFT, 15 * mm, PAGE_WIDTH - MARGIN_RIGHT, 15 * mm)
        parts = [org.name, org.address_line(), org.phone, org.email]
        canvas.setFillColor(GREY)
        fit_text(canvas, "  ·  ".join(p for p in parts if p), MARGIN_LEFT, 11 * mm,
                 PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 30 * mm, fonts.REGULAR, 7.5)

    def _page_number(self, canvas: Canvas, number: int, total: int) -> None:
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, 11 * mm,
                               _("Pagina {n} van {total}").format(n=number, total=total))

    def _first_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        self._fold_marks(canvas)
        self._letterhead(canvas)
        self._window(canvas)
        self._reference_row(canvas)
        self._footer(canvas)
        canvas.restoreState()

    def _later_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawString(MARGIN_LEFT, PAGE_HEIGHT - 15 * mm, self.head.organisation.name)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, PAGE_HEIGHT - 15 * mm,
                               _("Ons kenmerk {reference}  ·  {date}").format(
                                   reference=self.head.our_reference, date=self.head.date_text))
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_LEFT, PAGE_HEIGHT - 17 * mm, PAGE_WIDTH - MARGIN_RIGHT, PAGE_HEIGHT - 17 * mm)
        self._footer(canvas)
        canvas.restoreState()
