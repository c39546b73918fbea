"""Letters to the complainant as PDF/A-2b, on window-envelope letter paper.

This module only lays out what it is given: the workflow (workflow.letters)
gathers the complaint, the office settings and the texts into a
:class:`Letter`, so the settings dialog can preview a made-up letter the
same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from xml.sax.saxutils import escape

import pikepdf
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from klachtenbureau.i18n import format_date
from klachtenbureau.reports import pdfa
from klachtenbureau.reports.layout import (
    Envelope, LetterHead, LetterTemplate, NumberedCanvas, Organisation, styles, window_lines,
)

_BULLET = re.compile(r"^\s*[-•]\s+")
# What must not break over two lines: a date ("10 december 2026"), an amount ("€ 25,00"), a number in groups
# ("020 123 4567"). Their spaces become non-breaking ones.
_BOUND = re.compile(r"\b\d{1,2} [^\W\d_]{3,}\.? \d{4}\b|€ \d|\d(?: \d+)+")


@dataclasses.dataclass(frozen=True)
class Letter:
    """One letter, its text already filled in."""

    organisation: Organisation
    envelope: Envelope
    recipient: list[str]
    date: dt.date
    our_reference: str
    subject: str
    body: str
    signer_name: str = ""
    signer_title: str = ""
    their_reference: str = ""


def bind(text: str) -> str:
    """``text`` with the spaces inside dates, amounts and grouped numbers made non-breaking."""
    return _BOUND.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


def body_flowables(text: str) -> list[Flowable]:
    """Paragraphs from plain text: empty line = new paragraph, "- " = bullet, newline = line break."""
    style = styles()
    flowables: list[Flowable] = []
    for block in re.split(r"\n\s*\n", bind(text.strip())):
        lines = block.split("\n")
        plain: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                if plain:
                    flowables.append(Paragraph("<br/>".join(plain), style["letter"]))
                    plain = []
                flowables.append(Paragraph(escape(_BULLET.sub("", line).strip()), style["letter_bullet"],
                                           bulletText="•"))
            else:
                plain.append(escape(line.strip()))
        if plain:
            flowables.append(Paragraph("<br/>".join(plain), style["letter"]))
        elif flowables:  # the gap after a list, as after a paragraph
            flowables.append(Spacer(0, style["letter"].spaceAfter - style["letter_bullet"].spaceAfter))
    return flowables


class _Closing(KeepTogether):
    """The last paragraph, the closing line and the signature.

    When they do not fit at the foot of a page, the paragraph may break, but
    its last two lines go over together with the closing and the signature:
    no page 2 with only "Met vriendelijke groet," and no half-empty page 1.
    """

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        last, *tail = self._content
        self.wrap(available_width, available_height)  # KeepTogether always asks to be split; _H says if it fits
        if self._H > available_height and isinstance(last, Paragraph) and tail:
            _width, height = last.wrap(available_width, available_height)
            parts = last.split(available_width, min(available_height, height - 2 * last.style.leading))
            if len(parts) == 2:
                return [parts[0], KeepTogether([parts[1], *tail])]
        return super().split(available_width, available_height)


def _signature(letter: Letter) -> list[Flowable]:
    style = styles()["signature"]
    lines = [f"<b>{escape(letter.signer_name)}</b>" if letter.signer_name else "",
             escape(letter.signer_title), escape(letter.organisation.name)]
    return [Spacer(0, 12 * mm)] + [Paragraph(line, style) for line in lines if line]  # room to sign by hand


def render(letter: Letter) -> bytes:
    """The letter as PDF/A-2b bytes."""
    head = LetterHead(organisation=letter.organisation, envelope=letter.envelope,
                      recipient=window_lines(letter.recipient, letter.envelope),
                      date_text=format_date(letter.date), our_reference=letter.our_reference,
                      their_reference=letter.their_reference, handled_by=letter.signer_name)
    buffer = io.BytesIO()
    document = LetterTemplate(buffer, head, title=letter.subject, author=letter.organisation.name)
    story: list[Flowable] = [Paragraph(escape(letter.subject), styles()["subject"])]
    body = body_flowables(letter.body)
    tail = 2 if len(body) > 2 else len(body)
    story += body[:len(body) - tail]
    story.append(_Closing(body[len(body) - tail:] + _signature(letter)))
    document.build(story, canvasmaker=NumberedCanvas)
    return pdfa.convert(buffer.getvalue(), pdfa.Info(
        title=f"{letter.subject} – {letter.our_reference}", author=letter.organisation.name,
        subject=letter.subject, keywords=(letter.our_reference,)))


def combine(pdfs: list[bytes], title: str, author: str) -> bytes:
    """Several letters in one PDF/A-2b file, for printing a batch elsewhere."""
    merged = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(pdf)) for pdf in pdfs]
    try:
        for source in sources:
            merged.pages.extend(source.pages)
        pdfa.apply(merged, pdfa.Info(title=title, author=author))
        return pdfa.save(merged)
    finally:
        for source in sources:
            source.close()
        merged.close()
