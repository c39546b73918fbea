"""The complaint dossier (klachtdossier): one PDF/A-2b file with everything about one complaint.

Seed 004 step 7 asks that complaint forms, registrations, correspondence and
notes are archived for at least three years; seed 001 asks for a dossier per
formal complaint. The dossier holds the registration, the complainant, the
complaint, the investigation, verdict, remedy, answer, escalation, aftercare,
the improvement measures, the timeline and the audit trail, followed by
every stored document as an appendix: letters as they were sent, scans and
attached PDFs as page images, e-mails as text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from xml.sax.saxutils import escape

import peewee
import pikepdf
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, LongTable, Paragraph, Spacer, TableStyle

from klachtenbureau.i18n import _, format_amount, format_date, format_datetime, format_number
from klachtenbureau.models import AuditEntry, Complaint, Document, Measure, MeasureComplaint, TimelineEntry, User
from klachtenbureau.models.complaints import (
    ACK_METHODS, CHANNELS, CONTACT_METHODS, DIRECTIONS, ENTRY_KINDS, ESCALATION_LEVELS, INVOLVED_PARTIES, KINDS,
    REMEDIES, SATISFACTION, SEVERITIES, STATUSES, VERDICTS,
)
from klachtenbureau.models.measures import MEASURE_STATUSES
from klachtenbureau.models.people import RELATION_TYPES
from klachtenbureau.reports import dossier_pages, fonts, pdfa
from klachtenbureau.reports.layout import Organisation, styles

_IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/gif", "image/bmp", "image/webp")
_GRID = colors.HexColor("#D0D7DE")
_HEAD = colors.HexColor("#E8EEF4")


def _p(text: object, style: str = "cell") -> Paragraph:
    return Paragraph(escape(str(text if text not in (None, "") else "–")).replace("\n", "<br/>"), styles()[style])


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nee")


def _label(labels: dict, code: object) -> str:
    return _(labels[code]) if code in labels else str(code or "")


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


def _facts(pairs: Iterable[tuple[str, object]]) -> LongTable:
    """A two-column list of label and value."""
    width = dossier_pages.FRAME_WIDTH
    return _table([[_p(label, "label"), _p(value)] for label, value in pairs], [width * 0.3, width * 0.7], False)


def _section(title: str) -> list[Flowable]:
    """A heading that never ends up alone at the foot of a page."""
    return [CondPageBreak(35 * mm), Paragraph(escape(title), styles()["h2"])]


def _text_block(title: str, text: str) -> list[Flowable]:
    style = ParagraphStyle("block", parent=styles()["cell"], spaceAfter=4)
    heading = ParagraphStyle("block-title", parent=style, spaceBefore=5, keepWithNext=1)
    out: list[Flowable] = [Paragraph(f"<b>{escape(title)}</b>", heading)]
    paragraphs = [p for p in (text or "").split("\n\n") if p.strip()] or ["–"]
    out += [Paragraph(escape(p.strip()).replace("\n", "<br/>"), style) for p in paragraphs]
    return out


def _retention(complaint: Complaint, years: int) -> str:
    if complaint.closed_at is None:
        return _("{n} jaar na afsluiting (de klacht is nog niet afgesloten)").format(n=years)
    closed = complaint.closed_at.date()
    try:
        until = closed.replace(year=closed.year + years)
    except ValueError:  # 29 February
        until = closed.replace(year=closed.year + years, day=28)
    return _("tot ten minste {date} ({n} jaar na afsluiting)").format(date=format_date(until), n=years)


def _main_story(complaint: Complaint, organisation: Organisation, retention_years: int, made_by: str,
                documents: list[Document], profile_label: str) -> list[Flowable]:
    style = styles()
    relation = complaint.relation if complaint.relation_id else None
    story: list[Flowable] = [
        Paragraph(escape(_("Klachtdossier {number}").format(number=complaint.number)), style["h1"]),
        Paragraph(escape(organisation.name), style["small"]),
        Spacer(0, 5 * mm),
        _facts([
            (_("Status"), _label(STATUSES, complaint.status)),
            (_("Vertrouwelijk"), _yes_no(complaint.confidential)),
            (_("Bewaartermijn"), _retention(complaint, retention_years)),
            (_("Dossier gemaakt"), _("{when} door {who}").format(when=format_datetime(dt.datetime.now()),
                                                                 who=made_by)),
        ]),
        *_section(_("Registratie")),
        _facts([
            (_("Nummer"), complaint.number),
            (_("Soort"), _label(KINDS, complaint.kind)),
            (_("Binnengekomen via"), _label(CHANNELS, complaint.channel)),
            (_("Ontvangen op"), format_datetime(complaint.received_at)),
            (_("Geregistreerd door"), complaint.received_by.full_name),
            (_("Categorie"), complaint.category.name),
            (_("Ernst"), _label(SEVERITIES, complaint.severity)),
            (_("Complex of gevoelig"), _yes_no(complaint.complex_sensitive)),
            (_("Geadviseerd aangifte te doen"), _yes_no(complaint.police_report_advised)),
            (_("Termijnprofiel"), profile_label or complaint.deadline_profile),
            (_("Ontvangst bevestigen uiterlijk"), format_date(complaint.acknowledge_by)),
            (_("Ontvangst bevestigd"), " ".join(filter(None, [
                format_datetime(complaint.acknowledged_at),
                f"({_label(ACK_METHODS, complaint.acknowledgement_method).lower()})"
                if complaint.acknowledgement_method and complaint.acknowledged_at else ""]))),
            (_("Antwoord uiterlijk"), format_date(complaint.answer_by)),
            (_("Aantal verlengingen"), complaint.extension_count),
            (_("Behandelaar"), complaint.assigned_to.full_name if complaint.assigned_to_id else ""),
            (_("Direct afgehandeld bij de melding"), _yes_no(complaint.resolved_at_intake)),
        ]),
        *_section(_("Klager")),
    ]
    if relation is None:
        story.append(_p(_("Anoniem ingediend: er zijn geen gegevens van de klager vastgelegd.")))
    else:
        story.append(_facts([
            (_("Naam"), relation.name), (_("Soort relatie"), _label(RELATION_TYPES, relation.relation_type)),
            (_("Adres"), ", ".join(filter(None, [relation.street, f"{relation.postcode} {relation.city}".strip()]))),
            (_("Telefoon"), relation.phone), (_("E-mail"), relation.email),
        ]))
    story += _section(_("De klacht"))
    story += _text_block(_("Omschrijving"), complaint.description)
    story += _text_block(_("Gewenste uitkomst"), complaint.desired_outcome)
    story.append(_facts([
        (_("Datum van het voorval"), format_date(complaint.incident_date)),
        (_("Betrokken partij"), _label(INVOLVED_PARTIES, complaint.involved_party)),
        (_("Betrokken personen"), complaint.people_involved),
    ]))
    story += _section(_("Onderzoek"))
    for title, text in ((_("Vastgestelde feiten"), complaint.findings_facts),
                        (_("Omstandigheden"), complaint.findings_circumstances),
                        (_("Mogelijke oorzaken"), complaint.findings_causes),
                        (_("Nadeel of schade"), complaint.findings_damage)):
        story += _text_block(title, text)
    story += [*_section(_("Oordeel, herstel en antwoord")), _facts([
        (_("Oordeel"), _label(VERDICTS, complaint.verdict)),
        (_("Motivering oordeel"), complaint.verdict_motivation),
        (_("Herstel"), ", ".join(_label(REMEDIES, code) for code in complaint.remedy_codes)),
        (_("Schadeloosstelling"), format_amount(complaint.compensation_amount)),
        (_("Toelichting herstel"), complaint.remedy_note),
        (_("Beantwoord op"), format_datetime(complaint.answered_at)),
        (_("Geëscaleerd naar"), " ".join(filter(None, [_label(ESCALATION_LEVELS, complaint.escalation_level),
                                                        format_datetime(complaint.escalated_at)]))),
        (_("Reden escalatie"), complaint.escalation_reason),
        (_("Nazorg"), " ".join(filter(None, [_label(SATISFACTION, complaint.satisfaction),
                                              format_datetime(complaint.aftercare_at)]))),
        (_("Afgesloten op"), format_datetime(complaint.closed_at)),
        (_("Toelichting afsluiting"), complaint.closure_note),
    ])]
    story += _text_block(_("Antwoord aan de klager"), complaint.answer)
    story += _measures(complaint)
    story += _timeline(complaint)
    story += _documents(documents)
    story += _audit(complaint)
    return story


def _measures(complaint: Complaint) -> list[Flowable]:
    measures = (Measure.select(Measure, User).join(MeasureComplaint).switch(Measure)
                .join(User, on=(Measure.owner == User.id))
                .where(MeasureComplaint.complaint == complaint.id).order_by(Measure.due_date, Measure.id))
    out: list[Flowable] = _section(_("Verbetermaatregelen"))
    rows = [[_p(_("Maatregel")), _p(_("Eigenaar")), _p(_("Uiterlijk")), _p(_("Status")), _p(_("Toetsing"))]]
    for m in measures:
        check = "; ".join(filter(None, [m.check_method, m.check_conclusion]))
        rows.append([_p(m.title if not m.description else f"{m.title}\n{m.description}"), _p(m.owner.full_name),
                     _p(format_date(m.due_date)), _p(_label(MEASURE_STATUSES, m.status)), _p(check)])
    if len(rows) == 1:
        return out + [_p(_("Geen verbetermaatregelen aan deze klacht gekoppeld."))]
    w = dossier_pages.FRAME_WIDTH
    return out + [_table(rows, [w * 0.34, w * 0.16, w * 0.13, w * 0.15, w * 0.22])]


def _timeline(complaint: Complaint) -> list[Flowable]:
    entries = (TimelineEntry.select(TimelineEntry, User).join(User, peewee.JOIN.LEFT_OUTER)
               .where(TimelineEntry.complaint == complaint.id).order_by(TimelineEntry.at, TimelineEntry.id))
    rows = [[_p(_("Datum en tijd")), _p(_("Door")), _p(_("Soort")), _p(_("Omschrijving"))]]
    for e in entries:
        kind = _label(ENTRY_KINDS, e.kind)
        method = _label(CONTACT_METHODS, e.method).lower() if e.method else ""
        extra = ", ".join(filter(None, [method if method != kind.lower() else "",
                                        _label(DIRECTIONS, e.direction).lower() if e.direction else ""]))
        rows.append([format_datetime(e.at), _p(e.user.full_name if e.user_id else ""),
                     _p(f"{kind}\n{extra}" if extra else kind), _p(e.summary)])
    w = dossier_pages.FRAME_WIDTH
    title = _("Tijdlijn ({n} regels)").format(n=format_number(len(rows) - 1))
    return [*_section(title), _table(rows, [w * 0.17, w * 0.15, w * 0.19, w * 0.49])]


def _documents(documents: list[Document]) -> list[Flowable]:
    out: list[Flowable] = _section(_("Documenten"))
    if not documents:
        return out + [_p(_("Er zijn geen brieven of andere documenten bij deze klacht opgeslagen."))]
    rows = [[_p(_("Bijlage")), _p(_("Naam")), _p(_("Soort")), _p(_("Opgeslagen")), _p(_("Grootte")),
             _p(_("SHA-256 van het origineel"))]]
    for number, d in enumerate(documents, start=1):
        rows.append([_p(number), _p(d.name), _p(d.kind), _p(format_datetime(d.created_at)),
                     _p(_("{kb} kB").format(kb=format_number(max(1, round(d.size / 1024))))),
                     _p(f"{d.sha256[:32]}\n{d.sha256[32:]}")])
    w = dossier_pages.FRAME_WIDTH
    note = _p(_("Brieven zijn als bijlage opgenomen zoals ze zijn verstuurd; scans en bijgevoegde PDF's als "
                "afbeelding van elke pagina; e-mails als tekst. De originelen staan in de database."))
    return out + [_table(rows, [w * 0.07, w * 0.27, w * 0.08, w * 0.15, w * 0.08, w * 0.35]), Spacer(0, 2 * mm),
                  note]


def _changes(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not isinstance(data, dict):
        return text
    return "; ".join(f"{key}: {value}" for key, value in data.items())


def _audit(complaint: Complaint) -> list[Flowable]:
    entries = (AuditEntry.select().where(AuditEntry.complaint_id == complaint.id)
               .order_by(AuditEntry.at, AuditEntry.id))
    rows = [[_p(_("Datum en tijd")), _p(_("Gebruiker")), _p(_("Handeling")), _p(_("Wijzigingen"))]]
    rows += [[format_datetime(a.at), a.user_login, a.action, _p(_changes(a.changes))] for a in entries]
    w = dossier_pages.FRAME_WIDTH
    return [*_section(_("Audittrail")),
            _p(_("Elke wijziging zoals het logboek van de database die vastlegt; persoonlijke tekst staat er als "
                 "“(gewijzigd)”.")), Spacer(0, 2 * mm),
            _table(rows, [w * 0.17, w * 0.13, w * 0.14, w * 0.56])]


# --- appendices -------------------------------------------------------------------

def _appendix_flowables(number: int, document: Document) -> list[Flowable]:
    """The pages of one non-letter appendix, or a note why its content cannot be shown."""
    title = _("Bijlage {n}: {name}").format(n=number, name=document.name)
    out: list[Flowable] = [Paragraph(escape(title), styles()["h2"])]
    content = bytes(document.content)
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


def render(complaint: Complaint, organisation: Organisation, retention_years: int, made_by: str,
           profile_label: str = "") -> bytes:
    """The dossier as PDF/A-2b bytes."""
    documents = list(Document.select().where(Document.complaint == complaint.id)
                     .order_by(Document.created_at, Document.id))
    title = _("Klachtdossier {number}").format(number=complaint.number)
    header = f"{title}  ·  {organisation.name}"
    footer = _("Vertrouwelijk: bevat persoonsgegevens. Bewaartermijn {n} jaar na afsluiting.").format(
        n=retention_years)
    parts = [(dossier_pages.build(_main_story(complaint, organisation, retention_years, made_by, documents,
                                              profile_label),
                                  header, footer, title, organisation.name), "")]
    opened: list[pikepdf.Pdf] = []
    for number, document in enumerate(documents, start=1):
        label = _("Bijlage {n}: {name}").format(n=number, name=document.name)
        letter = _open_letter(bytes(document.content)) if document.kind == "letter" else None
        if letter is not None:
            opened.append(letter)
            parts.append((letter, f"{title}  ·  {label}"))
        else:
            parts.append((dossier_pages.build(_appendix_flowables(number, document), header, footer, title,
                                              organisation.name), ""))
    try:
        return _join(parts, pdfa.Info(title=title, author=organisation.name,
                                      subject=_("Klachtdossier voor het archief"), keywords=(complaint.number,)))
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

