"""The complaint dossier (klachtdossier): one PDF/A-2b file with everything about one complaint.

Seed 004 step 7 asks that complaint forms, registrations, correspondence and
notes are archived for at least three years; seed 001 asks for a dossier per
formal complaint. The dossier holds the registration, the complainant, the
complaint, the investigation, verdict, remedy, answer, escalation, aftercare,
the improvement measures, the timeline and the audit trail, followed by
every stored document as an appendix: letters as they were sent, scans and
attached PDFs as page images, e-mails as text. It draws only the facts
workflow.dossier_data gathered, the same ones the dossier window shows.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

import pikepdf
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, LongTable, Paragraph, Spacer, TableStyle

from klachtenbureau.i18n import _, format_number, ngettext
from klachtenbureau.reports import dossier_pages, fonts, pdfa
from klachtenbureau.reports.dossier_facts import DocumentInfo, DossierFacts, Pairs, moment
from klachtenbureau.reports.layout import styles

_IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/gif", "image/bmp", "image/webp")
_GRID = colors.HexColor("#D0D7DE")
_HEAD = colors.HexColor("#E8EEF4")
_ALERT = colors.HexColor("#A4161A")


def _p(text: object, style: str = "cell") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), styles()[style])


def _table(rows: list[list[Flowable]], widths: list[float], header: bool = True) -> LongTable:
    table = LongTable(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1, hAlign="LEFT")
    # Short cells are plain strings (much faster than paragraphs for hundreds of rows) in this font.
    commands = [("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5, 10.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, _GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), _HEAD))
    table.setStyle(TableStyle(commands))
    return table


def _facts(pairs: Iterable[tuple[str, str]]) -> LongTable:
    """A two-column list of label and value."""
    width = dossier_pages.FRAME_WIDTH
    return _table([[_p(label, "label"), _p(value)] for label, value in pairs], [width * 0.3, width * 0.7], False)


def _section(title: str, content: list[Flowable], empty: str = "") -> list[Flowable]:
    """A heading that never ends up alone at the foot of a page.

    Nothing is kept together with it as a block: a long text or table that follows starts under
    the heading and runs on to the next page, so no half page is left blank.
    """
    return [CondPageBreak(35 * mm), Paragraph(escape(title), styles()["h2"]), *(content or [_p(empty)])]


def _text_block(title: str, text: str) -> list[Flowable]:
    """A titled text, left out when empty; the title moves to the next page only when not a line fits under it."""
    style = ParagraphStyle("block", parent=styles()["cell"], spaceAfter=4)
    heading = ParagraphStyle("block-title", parent=style, spaceBefore=5)
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        return []
    return [CondPageBreak(15 * mm), Paragraph(f"<b>{escape(title)}</b>", heading),
            *(Paragraph(escape(p).replace("\n", "<br/>"), style) for p in paragraphs)]


def _facts_or_nothing(pairs: Pairs) -> list[Flowable]:
    return [_facts(pairs)] if pairs else []


def _main_story(facts: DossierFacts, organisation: str, made_by: str) -> list[Flowable]:
    style = styles()
    head: list[Flowable] = [Paragraph(escape(_("Klachtdossier {number}").format(number=facts.number)), style["h1"]),
                            Paragraph(escape(organisation), style["small"])]
    if facts.confidential:
        head.append(Paragraph(escape(_("Vertrouwelijke klacht: alleen voor wie de klacht mag inzien.")),
                              ParagraphStyle("confidential", parent=style["cell"], fontName=fonts.BOLD,
                                             textColor=_ALERT, spaceBefore=3)))
    made = _("{when} door {who}").format(when=moment(dt.datetime.now()), who=made_by)
    story: list[Flowable] = [*head, Spacer(0, 5 * mm), _facts([*facts.summary, (_("Dossier gemaakt"), made)])]
    story += _section(_("Registratie"), [_facts(facts.registration)])
    story += _section(_("Klager"), _facts_or_nothing(facts.complainant),
                      _("Anoniem ingediend: er zijn geen gegevens van de klager vastgelegd."))
    story += _section(_("De klacht"), [*_text_block(_("Omschrijving"), facts.description),
                                        *_text_block(_("Gewenste uitkomst"), facts.desired_outcome),
                                        *_facts_or_nothing(facts.circumstances)])
    story += _section(_("Onderzoek"), [f for title, text in facts.findings for f in _text_block(title, text)],
                      _("Er is (nog) geen onderzoek vastgelegd."))
    story += _section(_("Oordeel, herstel en antwoord"),
                      [*_facts_or_nothing(facts.outcome), *_text_block(_("Antwoord aan de klager"), facts.answer)],
                      _("Er is (nog) geen oordeel of antwoord vastgelegd."))
    story += _measures(facts)
    story += _timeline(facts)
    story += _documents(facts.documents)
    story += _audit(facts)
    return story


def _measures(facts: DossierFacts) -> list[Flowable]:
    rows = [[_p(_("Maatregel")), _p(_("Eigenaar")), _p(_("Uiterlijk")), _p(_("Status")), _p(_("Toetsing"))]]
    rows += [[_p(m.title if not m.description else f"{m.title}\n{m.description}"), _p(m.owner), _p(m.due),
              _p(m.status), _p(m.check)] for m in facts.measures]
    w = dossier_pages.FRAME_WIDTH
    table = [_table(rows, [w * 0.34, w * 0.16, w * 0.13, w * 0.15, w * 0.22])] if facts.measures else []
    return _section(_("Verbetermaatregelen"), table, _("Geen verbetermaatregelen aan deze klacht gekoppeld."))


def _timeline(facts: DossierFacts) -> list[Flowable]:
    rows = [[_p(_("Datum en tijd")), _p(_("Door")), _p(_("Soort")), _p(_("Omschrijving"))]]
    # Wide enough for "Contactmoment · telefoon, uitgaand" on one line: hundreds of contacts, half the pages.
    rows += [[e.at, _p(e.by), _p(f"{e.kind} · {e.detail}" if e.detail else e.kind), _p(e.summary)]
             for e in facts.timeline]
    w = dossier_pages.FRAME_WIDTH
    n = len(facts.timeline)
    title = ngettext("Tijdlijn ({n} regel)", "Tijdlijn ({n} regels)", n).format(n=format_number(n))
    return _section(title, [_table(rows, [w * 0.16, w * 0.14, w * 0.30, w * 0.40])])


def _documents(documents: list[DocumentInfo]) -> list[Flowable]:
    if not documents:
        return _section(_("Documenten"), [], _("Er zijn geen brieven of andere documenten bij deze klacht opgeslagen."))
    rows = [[_p(_("Bijlage")), _p(_("Naam")), _p(_("Soort")), _p(_("Opgeslagen")), _p(_("Grootte")),
             _p(_("SHA-256 van het origineel"))]]
    for number, d in enumerate(documents, start=1):
        rows.append([_p(number), _p(d.name), _p(d.kind_label), _p(moment(d.created_at)),
                     _p(_("{kb} kB").format(kb=format_number(max(1, round(d.size / 1024))))),
                     _p(f"{d.sha256[:32]}\n{d.sha256[32:]}")])
    w = dossier_pages.FRAME_WIDTH
    note = _p(_("Brieven zijn als bijlage opgenomen zoals ze zijn verstuurd; scans en bijgevoegde PDF's als "
                "afbeelding van elke pagina; e-mails als tekst. De originelen staan in de database."))
    return _section(_("Documenten"), [_table(rows, [w * 0.07, w * 0.27, w * 0.08, w * 0.15, w * 0.08, w * 0.35]),
                                      Spacer(0, 2 * mm), note])


def _audit(facts: DossierFacts) -> list[Flowable]:
    rows = [[_p(_("Datum en tijd")), _p(_("Gebruiker")), _p(_("Handeling")), _p(_("Wijzigingen"))]]
    rows += [[a.at, _p(a.by), _p(a.action), _p(a.changes)] for a in facts.history]
    w = dossier_pages.FRAME_WIDTH
    return _section(_("Audittrail"), [
        _p(_("Elke wijziging zoals het logboek van de database die vastlegt; persoonlijke tekst staat er niet in, "
             "alleen dat die is ingevuld of gewijzigd.")), Spacer(0, 2 * mm),
        _table(rows, [w * 0.17, w * 0.15, w * 0.18, w * 0.50])])


# --- appendices -------------------------------------------------------------------

def _appendix_flowables(number: int, document: DocumentInfo, content: bytes) -> list[Flowable]:
    """The pages of one non-letter appendix, or a note why its content cannot be shown."""
    title = _("Bijlage {n}: {name}").format(n=number, name=document.name)
    out: list[Flowable] = [Paragraph(escape(title), styles()["h2"])]
    mime = (document.mime_type or "").split(";")[0].strip().lower()
    name = document.name.lower()
    try:
        if mime == "application/pdf" or name.endswith(".pdf"):
            return out + dossier_pages.pdf_page_flowables(content, lambda page, count: _(
                "Pagina {page} van {count} van het origineel, als afbeelding opgenomen.").format(
                    page=page, count=count))
        if mime in _IMAGE_TYPES:
            return out + dossier_pages.image_flowables(content)
        if mime == "message/rfc822" or name.endswith(".eml"):
            headers, body, attachments = dossier_pages.email_text(content)
            out.append(_facts(headers + ([(_("Bijlagen van de e-mail"), ", ".join(attachments))]
                                         if attachments else [])))
            return out + [Spacer(0, 3 * mm)] + dossier_pages.text_flowables(body)
        if mime.startswith("text/"):
            return out + dossier_pages.text_flowables(content.decode("utf-8", errors="replace"))
    except Exception as exc:  # a damaged file must not stop the dossier; say so on its page instead
        return out + [_p(_("Dit bestand kon niet worden weergegeven ({reason}). Het origineel staat in de "
                           "database.").format(reason=type(exc).__name__))]
    return out + [_p(_("Bestanden van het type {mime} kunnen niet in het archiefbestand worden weergegeven. Het "
                       "origineel staat in de database.").format(mime=mime or "?"))]


def _open_letter(content: bytes) -> pikepdf.Pdf | None:
    """A stored letter to include as it is, or None when it is not safe for PDF/A (then it is drawn as images)."""
    try:
        letter = pikepdf.open(io.BytesIO(content))
    except pikepdf.PdfError:
        return None
    if pdfa.unembedded_fonts(letter):
        letter.close()
        return None
    return letter


def render(facts: DossierFacts, contents: list[bytes], organisation: str, retention_years: int,
           made_by: str) -> bytes:
    """The dossier as PDF/A-2b bytes; ``contents`` holds each of ``facts.documents``' stored bytes, in order."""
    title = _("Klachtdossier {number}").format(number=facts.number)
    header = f"{title}  ·  {organisation}"
    footer = _("Vertrouwelijk: bevat persoonsgegevens. Bewaartermijn {n} jaar na afsluiting.").format(
        n=retention_years)
    parts = [(dossier_pages.build(_main_story(facts, organisation, made_by), header, footer, title, organisation), "")]
    opened: list[pikepdf.Pdf] = []
    for number, (document, content) in enumerate(zip(facts.documents, contents, strict=True), start=1):
        label = _("Bijlage {n}: {name}").format(n=number, name=document.name)
        letter = _open_letter(content) if document.kind == "letter" else None
        if letter is not None:
            opened.append(letter)
            parts.append((letter, f"{title}  ·  {label}"))
        else:
            parts.append((dossier_pages.build(_appendix_flowables(number, document, content), header, footer,
                                              title, organisation), ""))
    try:
        return _join(parts, pdfa.Info(title=title, author=organisation,
                                      subject=_("Klachtdossier voor het archief"), keywords=(facts.number,)))
    finally:
        for letter in opened:
            letter.close()


def _join(parts: list[tuple[bytes | pikepdf.Pdf, str]], info: pdfa.Info) -> bytes:
    """All parts in one file, each page stamped with its number, made PDF/A-2b."""
    merged = pikepdf.open(io.BytesIO(parts[0][0]))
    labels = [""] * len(merged.pages)
    extra: list[pikepdf.Pdf] = []
    try:
        for part, label in parts[1:]:
            source = part if isinstance(part, pikepdf.Pdf) else pikepdf.open(io.BytesIO(part))
            if source is not part:
                extra.append(source)
            merged.pages.extend(source.pages)
            labels += [label] * len(source.pages)
        stamps = pikepdf.open(io.BytesIO(dossier_pages.stamp_pages(labels, len(labels))))
        extra.append(stamps)
        for page, stamp in zip(merged.pages, stamps.pages, strict=True):
            page.add_overlay(stamp)
        pdfa.apply(merged, info)
        return pdfa.save(merged)
    finally:
        merged.close()
        for pdf in extra:
            pdf.close()

