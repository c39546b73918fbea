"""The half-year report for the board and the annual report for the management (seed 003, seed 001 step 6).

This module lays out what it is given: ``workflow.reporting`` gathers the
figures into a :class:`PeriodicReport`, already anonymised and with every
label translated. Nothing here reads the database.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Spacer, Table,
    TableStyle,
)

from klachtenbureau.i18n import _, format_date, format_number, ngettext
from klachtenbureau.reports import charts, fonts, pdfa
from klachtenbureau.reports.layout import ACCENT, GREY, LIGHT, NumberedCanvas, styles
from klachtenbureau.reports.periodic_facts import ANNUAL, MIN_BASE, Counted, PeriodicReport, Recommended, percent, share

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
PROVISIONAL_COLOUR = "#B3261E"


def _styles() -> dict[str, ParagraphStyle]:
    """The letter paper's styles plus what tables of figures need."""
    style = styles()
    style["number"] = ParagraphStyle("number", parent=style["cell"], alignment=TA_RIGHT)
    # No paragraph leaves a lone line at the foot or the head of a page; headings stay with what follows.
    for name in ("body", "small"):
        style[name] = ParagraphStyle(f"report_{name}", parent=style[name], allowWidows=0, allowOrphans=0)
    # ParagraphStyle's bullet font defaults to the unembedded Helvetica.
    style["bullet"] = ParagraphStyle("report_bullet", parent=style["bullet"], bulletFontName=fonts.REGULAR,
                                     allowWidows=0, allowOrphans=0)
    style["h2"] = ParagraphStyle("report_h2", parent=style["h2"], keepWithNext=1)
    style["h3"] = ParagraphStyle("h3", parent=style["body"], fontName=fonts.BOLD, fontSize=9.5, spaceAfter=3,
                                 textColor=ACCENT, keepWithNext=1)
    return style


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    return (f"{value:.1f}" if value % 1 else f"{value:.0f}").replace(".", ",")


class _ReportTemplate(BaseDocTemplate):
    def __init__(self, target: io.BytesIO, report: PeriodicReport):
        super().__init__(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=22 * mm,
                         bottomMargin=20 * mm, title=report.title, author=report.organisation,
                         initialFontName=fonts.REGULAR)
        self.report = report
        frame = Frame(MARGIN, 20 * mm, TEXT_WIDTH, PAGE_HEIGHT - 42 * mm, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])

    def handle_documentBegin(self) -> None:  # noqa: N802 (ReportLab's name)
        super().handle_documentBegin()
        self.canv.draw_page_number = self._page_number

    def _decorate(self, canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 13 * mm, self.report.organisation)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 13 * mm, self.report.title)
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, PAGE_HEIGHT - 15 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 15 * mm)
        canvas.line(MARGIN, 14 * mm, PAGE_WIDTH - MARGIN, 14 * mm)
        canvas.drawString(MARGIN, 10 * mm, _("Geanonimiseerd · opgesteld op {date}").format(
            date=format_date(self.report.made_on)))
        if self.report.provisional:  # on every page: a page passed on alone still says so
            canvas.setFillColor(colors.HexColor(PROVISIONAL_COLOUR))
            canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 9.5 * mm, self.report.provisional_mark)
        canvas.restoreState()

    def _page_number(self, canvas, number: int, total: int) -> None:
        canvas.setFillColor(GREY)
        canvas.setFont(fonts.REGULAR, 8)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, _("Pagina {n} van {total}").format(n=number, total=total))


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
           numeric_from: int = 1, highlight: Sequence[int] = ()) -> Table:
    """A plain table: header in the accent colour, columns from ``numeric_from`` on right-aligned."""
    style = _styles()

    def cell(value: object, column: int, bold: bool = False) -> Flowable:
        if isinstance(value, Flowable):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = format_number(value)
        text = f"<b>{escape(str(value))}</b>" if bold else escape(str(value))
        return Paragraph(text, style["number" if column >= numeric_from else "cell"])

    head = [cell(h, i, bold=True) for i, h in enumerate(header)]
    body = [[cell(value, i) for i, value in enumerate(row)] for row in rows]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5),  # Table's own default is the unembedded Helvetica
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for row in highlight:
        commands.append(("BACKGROUND", (0, row + 1), (-1, row + 1), colors.HexColor("#FBE3E1")))
    if len(rows) >= 4:  # a page break leaves at least two rows on either side, never a lone row
        commands += [("NOSPLIT", (0, 0), (-1, 2)), ("NOSPLIT", (0, -2), (-1, -1))]
    else:
        commands.append(("NOSPLIT", (0, 0), (-1, -1)))
    table.setStyle(TableStyle(commands))
    return table


def _change(now: int, before: int) -> str:
    """“+7”, or “+321 (+211%)” when the earlier count is at least MIN_BASE: 0 → 7 is seven more, not “new”."""
    if now == before:
        return "–" if now == 0 else "0"
    sign = "+" if now > before else "−"
    text = f"{sign}{format_number(abs(now - before))}"
    if before >= MIN_BASE:
        text += f" ({sign}{round(100 * abs(now - before) / before)}%)"
    return text


def _counted_table(title: str, rows: list[Counted], report: PeriodicReport, first: float = 0.46) -> Table:
    widths = [TEXT_WIDTH * first] + [TEXT_WIDTH * (1 - first) / 3] * 3
    body = [[r.label, r.count, r.previous, _change(r.count, r.previous)] for r in rows]
    total = sum(r.count for r in rows), sum(r.previous for r in rows)
    body.append([_("Totaal"), total[0], total[1], _change(*total)])
    table = _table([title, report.period_label, report.previous_label, _("verschil")], body, widths)
    table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.6, GREY)]))
    return table


def _key_figures(report: PeriodicReport) -> list[Flowable]:
    c, p = report.current, report.previous
    rows = [
        (_("Meldingen ontvangen"), c.reports, p.reports),
        (_("waarvan klachten"), c.complaints, p.complaints),
        (_("waarvan navragen"), c.inquiries, p.inquiries),
        (_("Ontvangst op tijd bevestigd"), share(c.ack_on_time, c.ack_due), share(p.ack_on_time, p.ack_due)),
        (_("Op tijd beantwoord"), share(c.answered_on_time, c.answer_due),
         share(p.answered_on_time, p.answer_due)),
        (_("Doorlooptijd tot antwoord, mediaan (werkdagen)"), _days(c.median_days), _days(p.median_days)),
        (_("Doorlooptijd, 9 van de 10 klachten binnen (werkdagen)"), _days(c.p90_days), _days(p.p90_days)),
        (_("Geëscaleerd"), c.escalated, p.escalated),
        (_("Termijn verlengd"), c.extended, p.extended),
    ]
    widths = [TEXT_WIDTH * 0.56, TEXT_WIDTH * 0.22, TEXT_WIDTH * 0.22]
    style = _styles()
    if report.open_now:
        note = ngettext("Van de klachten uit {period} is er vandaag nog {open} open, waarvan {overdue} over de "
                        "termijn.", "Van de klachten uit {period} zijn er vandaag nog {open} open, waarvan {overdue} "
                        "over de termijn.", report.open_now)
    elif report.current.complaints:
        note = _("Van de klachten uit {period} is er vandaag geen meer open.")
    else:
        note = _("In {period} is geen klacht ontvangen.")
    note = note.format(period=report.period_label, open=format_number(report.open_now),
                       overdue=format_number(report.overdue_now))
    return [_table([_("Kerncijfers"), report.period_label, report.previous_label], rows, widths),
            Spacer(1, 4), Paragraph(escape(note), style["small"])]


def _recommended(item: Recommended, style: dict[str, ParagraphStyle]) -> Paragraph:
    """The recommendation, and under it what the directors decided (seed 003) and the measure it became."""
    text = escape(item.text)
    if item.decision:
        said = (_("Besluit van de directie op {date}: {decision}.").format(
            date=format_date(item.decided_on), decision=item.decision.lower()) if item.decided_on else
            _("Besluit van de directie: {decision}.").format(decision=item.decision.lower()))
        text += f"<br/><font color='{ACCENT.hexval().replace('0x', '#')}'><b>{escape(said)}</b></font>"
        text += "".join(" " + escape(part) for part in (
            item.note, _("Verbetermaatregel: “{title}”.").format(title=item.measure) if item.measure else "") if part)
    return Paragraph(text, style["bullet"], bulletText="•")


def _recommendations(report: PeriodicReport) -> list[Flowable]:
    """The figures' recommendations, then the office's own under a heading of their own."""
    style = _styles()
    generated = [_recommended(r, style) for r in report.recommendations if not r.own]
    own = [_recommended(r, style) for r in report.recommendations if r.own]
    flow = _kept(generated) if generated else [
        Paragraph(escape(_("De cijfers geven geen aanleiding tot nieuwe aanbevelingen.")), style["body"])]
    if not own:
        return flow
    return [Paragraph(escape(_("Uit de cijfers")), style["h3"]), *flow, Spacer(1, 4),
            Paragraph(escape(_("Van het klachtenbureau")), style["h3"]), *_kept(own)]


def _paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    """Typed text as paragraphs: a blank line starts a new one, a single line break stays."""
    return [Paragraph(escape(part.strip()).replace("\n", "<br/>"), style)
            for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]


def _management_review(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    when = (_("De directiebeoordeling (systeembeoordeling) vond plaats op {date}.").format(
        date=format_date(report.reviewed_on)) if report.reviewed_on else "")
    return ([Paragraph(escape(when), style["body"])] if when else []) + _paragraphs(report.review_conclusions,
                                                                                   style["body"])


def _kept(items: list[Flowable]) -> list[Flowable]:
    """A list that a page break splits with at least two items on either side (the heading keeps with the first)."""
    if len(items) < 4:
        return [KeepTogether(items)]
    return [KeepTogether(items[:2]), *items[2:-2], KeepTogether(items[-2:])]


def _exceptional(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    notes = [Paragraph(escape(text), style["body"]) for text in report.exceptional_notes]
    if not report.exceptional:
        return notes or [Paragraph(escape(_("Er waren in deze periode geen uitzonderlijke of complexe klachten.")),
                                   style["body"])]
    rows = []
    for e in report.exceptional:
        head = f"<b>{escape(e.number)}</b><br/>{escape(format_date(e.received, 'd MMM yyyy'))}"
        facts = "<br/>".join(escape(x) for x in (e.category, e.severity, e.reasons))
        outcome = "<br/>".join(escape(x) for x in (e.status, e.verdict) if x)
        rows.append([Paragraph(head, style["cell"]), Paragraph(facts, style["cell"]),
                     Paragraph(escape(e.summary), style["cell"]), Paragraph(outcome, style["cell"])])
    widths = [TEXT_WIDTH * w for w in (0.14, 0.27, 0.41, 0.18)]
    table = _table([_("Klacht"), _("Soort en ernst"), _("Samenvatting (geanonimiseerd)"), _("Stand")], rows,
                   widths, numeric_from=9)
    return [notes[0], table, Spacer(1, 6), *notes[1:]] if notes else [table]


def _measures(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    flow: list[Flowable] = [Paragraph(escape(report.measure_summary), style["body"])]
    if not report.measures:
        return flow
    rows, late = [], []
    for i, m in enumerate(report.measures):
        title = f"<b>{escape(m.title)}</b><br/>{escape(m.source)}"
        due = escape(format_date(m.due, "d MMM yyyy")) + ("<br/><font color='#B3261E'>" + escape(_("te laat")) + "</font>"
                                                           if m.overdue else "")
        status = escape(m.status) + ("<br/>" + escape(_("team geïnformeerd")) if m.team_informed else "")
        rows.append([Paragraph(title, style["cell"]), Paragraph(escape(m.owner), style["cell"]),
                     Paragraph(due, style["cell"]), Paragraph(status, style["cell"]),
                     Paragraph(escape(m.check or "–"), style["cell"])])
        if m.overdue:
            late.append(i)
    widths = [TEXT_WIDTH * w for w in (0.30, 0.14, 0.13, 0.17, 0.26)]
    flow.append(_table([_("Maatregel"), _("Eigenaar"), _("Streefdatum"), _("Status"), _("Toetsing effectiviteit")],
                       rows, widths, numeric_from=9, highlight=late))
    return flow


def _trend(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    labels = [y.label for y in report.years]
    rows = [[y.label, y.reports, y.complaints, y.inquiries, share(y.ack_on_time, y.ack_due),
             share(y.answered_on_time, y.answer_due), _days(y.median_days), y.escalated] for y in report.years]
    widths = [TEXT_WIDTH * w for w in (0.08, 0.1, 0.1, 0.1, 0.19, 0.19, 0.13, 0.11)]
    flow: list[Flowable] = [
        _table([_("Jaar"), _("Meldingen"), _("Klachten"), _("Navragen"), _("Ontvangst op tijd"),
                _("Antwoord op tijd"), _("Mediaan (werkdagen)"), _("Escalaties")], rows, widths),
        Spacer(1, 8),
    ]
    half = (TEXT_WIDTH - 10) / 2
    counts = charts.vertical_bars(labels, [(_("Klachten"), [y.complaints for y in report.years]),
                                           (_("Navragen"), [y.inquiries for y in report.years])],
                                  half, 160, _("Meldingen per jaar"))
    flow.append(Table([[counts, _on_time_chart(report, half)]], colWidths=[half + 10, half],
                      style=[("FONT", (0, 0), (-1, -1), fonts.REGULAR, 8.5), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    if report.category_years:
        flow.append(Spacer(1, 8))
        flow.append(CondPageBreak(30 * mm))  # the heading with at least a few rows of its table
        flow.append(Paragraph(escape(_("Klachten per categorie over de jaren")), style["h3"]))
        rows = [[name, *counts] for name, counts in report.category_years]
        first = 0.4
        widths = [TEXT_WIDTH * first] + [TEXT_WIDTH * (1 - first) / len(labels)] * len(labels)
        flow.append(_table([_("Categorie"), *labels], rows, widths))
    return flow


def _on_time_chart(report: PeriodicReport, width: float) -> Flowable:
    """The deadlines met per year, on an axis zoomed to the values (and saying so); years under MIN_BASE left out."""
    series = [(_("Ontvangst op tijd"), [percent(y.ack_on_time, y.ack_due) for y in report.years]),
              (_("Antwoord op tijd"), [percent(y.answered_on_time, y.answer_due) for y in report.years])]
    values = [v for _name, vs in series for v in vs if v is not None]
    if not values:
        return Paragraph(escape(_("Termijnen gehaald: geen jaar met ten minste {n} klachten, dus geen percentages; "
                                  "de aantallen staan in de tabel.").format(n=MIN_BASE)), _styles()["small"])
    floor = charts.percent_floor(values)
    title = _("Termijnen gehaald (%)") if not floor else _("Termijnen gehaald (%), de as begint bij {floor}%").format(
        floor=format_number(floor))
    return charts.line_chart([y.label for y in report.years], series, width, 160, title, minimum=floor)


def _evaluation(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    rows = []
    for a in report.evaluation:
        verdict, color = ((_("geen oordeel"), "#555555") if a.meets is None else
                          (_("voldoet"), "#2E7D32") if a.meets else (_("aandachtspunt"), "#B3261E"))
        rows.append([a.criterion, a.finding, a.norm,
                     Paragraph(f"<font color='{color}'><b>{escape(verdict)}</b></font>", style["cell"])])
    widths = [TEXT_WIDTH * w for w in (0.26, 0.36, 0.24, 0.14)]
    return [_table([_("Criterium"), _("Bevinding"), _("Norm"), _("Oordeel")], rows, widths, numeric_from=9),
            Spacer(1, 4),
            Paragraph(escape(_("Het oordeel toetst de bevinding aan de norm in dezelfde rij; waar de procedure "
                               "geen norm geeft, staat de bevinding er zonder oordeel.")), style["small"])]


def _counts_section(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    flow: list[Flowable] = [_counted_table(_("Soort"), report.by_kind, report), Spacer(1, 8)]
    categories = [r for r in report.by_category if r.count or r.previous]
    if any(r.count for r in categories):
        flow.append(charts.horizontal_bars([r.label for r in categories], [r.count for r in categories], TEXT_WIDTH,
                                           _("Klachten per categorie, {period}").format(period=report.period_label)))
        flow.append(Spacer(1, 6))
    flow.append(_counted_table(_("Categorie"), categories, report, first=0.52))
    flow.append(Spacer(1, 8))
    flow.append(KeepTogether([_counted_table(_("Kanaal"), report.by_channel, report)]))
    flow.append(Spacer(1, 6))
    month_labels = [label for label, _now, _before in report.months]
    if report.confidential_count:
        note = ngettext("Alle aantallen tellen de klachten die in de periode zijn ontvangen, ook de {n} "
                        "vertrouwelijke klacht; die staat niet in de lijst met uitzonderlijke klachten.",
                        "Alle aantallen tellen de klachten die in de periode zijn ontvangen, ook de {n} "
                        "vertrouwelijke klachten; die staan niet in de lijst met uitzonderlijke klachten.",
                        report.confidential_count).format(n=format_number(report.confidential_count))
    else:
        note = _("Alle aantallen tellen de klachten die in de periode zijn ontvangen.")
    flow.append(KeepTogether([charts.vertical_bars(
        month_labels, [(report.period_label, [n for _l, n, _b in report.months]),
                       (report.previous_label, [b for _l, _n, b in report.months])],
        TEXT_WIDTH, 170, _("Klachten per maand, {period} naast een jaar eerder ({previous})").format(
            period=report.period_label, previous=report.previous_label)),
        Paragraph(escape(note), style["small"])]))
    return flow


def _severity_section(report: PeriodicReport) -> list[Flowable]:
    return [_counted_table(_("Ernst"), report.by_severity, report), Spacer(1, 8),
            _counted_table(_("Oordeel"), report.verdicts, report), Spacer(1, 8),
            _counted_table(_("Tevredenheid bij nazorg"), report.satisfaction, report)]


def _handling_section(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    c = report.current
    if c.median_days is None:
        text = _("Er is nog geen klacht uit deze periode beantwoord.")
    else:
        text = _("De helft van de beantwoorde klachten had binnen {median} werkdagen antwoord, negen van de tien "
                 "binnen {p90}.").format(median=_days(c.median_days), p90=_days(c.p90_days))
    text += " " + _("Ontvangst op tijd bevestigd: {ack}. Op tijd beantwoord: {answer}; een verlenging waarover de "
                    "klager bericht kreeg, telt als op tijd.").format(
        ack=share(c.ack_on_time, c.ack_due), answer=share(c.answered_on_time, c.answer_due))
    chart = charts.vertical_bars([label for label, _n in report.handling],
                                 [(_("Klachten"), [n for _l, n in report.handling])], TEXT_WIDTH * 0.7, 150,
                                 _("Doorlooptijd tot antwoord (werkdagen)"))
    return [Paragraph(escape(text), style["body"]), chart]


def _section(number: int, title: str) -> list[Flowable]:
    return [CondPageBreak(45 * mm), Paragraph(f"{number}. {escape(title)}", _styles()["h2"])]


def _story(report: PeriodicReport) -> list[Flowable]:
    style = _styles()
    intro = (_("Verslag aan de directie over de afhandeling van klachten in {period}, met de trend over de jaren, "
               "de termijnen, de verbetermaatregelen en een beoordeling van de klachtenprocedure.")
             if report.kind == ANNUAL else
             _("Rapportage aan het bestuur over het aantal, de soort en de ernst van de klachten in {period}, "
               "met de uitzonderlijke klachten, aanbevelingen en de stand van de verbetermaatregelen."))
    story: list[Flowable] = [
        Paragraph(escape(report.title), style["h1"]),
        Paragraph(escape(report.organisation), style["label"]),
    ]
    if report.provisional:
        story += [Spacer(1, 4), Paragraph(f"<font color='{PROVISIONAL_COLOUR}'><b>{escape(report.provisional_mark)}"
                                          f"</b></font>", style["body"]),
                  Paragraph(escape(_("De periode loopt nog: de cijfers kunnen tot het einde ervan veranderen.")),
                            style["small"])]
    story += [
        Spacer(1, 8),
        Paragraph(escape(intro.format(period=report.period_label)), style["body"]),
        Paragraph(escape(_("Vergelijking: elke tabel en grafiek zet {period} naast dezelfde periode een jaar eerder "
                           "({previous}), zodat de seizoenen de vergelijking niet vertekenen. Aantallen staan er "
                           "altijd; een percentage alleen als het om ten minste {n} klachten gaat.").format(
            period=report.period_label, previous=report.previous_label, n=MIN_BASE)), style["small"]),
        Paragraph(escape(report.anonymisation_note), style["small"]),
        Spacer(1, 6),
        *_key_figures(report),
    ]
    sections: list[tuple[str, list[Flowable]]] = []
    if report.kind == ANNUAL:
        sections.append((_("Trendanalyse over de jaren"), _trend(report)))
    sections += [
        (_("Aantal en soort klachten"), _counts_section(report)),
        (_("Ernst, oordeel en tevredenheid"), _severity_section(report)),
        (_("Doorlooptijden en termijnen"), _handling_section(report)),
        (_("Uitzonderlijke en complexe klachten"), _exceptional(report)),
        (_("Verbetermaatregelen en hun effectiviteit") if report.kind == ANNUAL
         else _("Stand van de verbetermaatregelen"), _measures(report)),
    ]
    if report.kind == ANNUAL:
        sections.append((_("Beoordeling van de klachtenprocedure"), _evaluation(report)))
    if report.conclusions.strip():
        sections.append((_("Conclusies van het klachtenbureau"), _paragraphs(report.conclusions, style["body"])))
    sections.append((_("Aanbevelingen"), _recommendations(report)))
    if report.review_conclusions.strip() or report.reviewed_on:
        sections.append((_("Conclusies van de directiebeoordeling"), _management_review(report)))
    for number, (title, flowables) in enumerate(sections, start=1):
        story += _section(number, title) + flowables
    return story


def render(report: PeriodicReport) -> bytes:
    """The report as PDF/A-2b bytes."""
    fonts.register()
    buffer = io.BytesIO()
    document = _ReportTemplate(buffer, report)
    document.build(_story(report), canvasmaker=NumberedCanvas)
    return pdfa.convert(buffer.getvalue(), pdfa.Info(
        title=report.title, author=report.organisation,
        subject=_("Geanonimiseerde klachtenrapportage"), keywords=("klachten", report.period_label),
        created=dt.datetime.combine(report.made_on, dt.time(12))))
