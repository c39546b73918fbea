"""Gathering the half-year and annual reports (seed 003 "Rapportage / verantwoording", seed 001 steps 6–7).

The figures count every complaint received in the period, confidential ones
included (numbers only), and compare it with the same period a year earlier;
the list of exceptional complaints leaves the confidential ones out and every
text in it is anonymised. The recommendations and the evaluation of the
procedure are derived from the figures with the norms below, which the report
states next to each verdict, for the quality officer to discuss with the
management.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _, format_date, format_number, ngettext
from klachtenbureau.models import Category, Complaint, Measure, MeasureComplaint, Relation, User, schema
from klachtenbureau.models.complaints import (
    CHANNELS, COMPLAINT, ESCALATION_LEVELS, INQUIRY, KINDS, SATISFACTION, SEVERITIES, STATUSES, VERDICTS,
)
from klachtenbureau.models.day_tally import ComplaintDayTally
from klachtenbureau.models.measures import MEASURE_SOURCES, MEASURE_STATUSES
from klachtenbureau.models.reviews import DECISIONS
from klachtenbureau.reports.periodic_facts import (
    ANNUAL, HALF_YEAR, MIN_BASE, Assessment, Counted, ExceptionalComplaint, MeasureLine, PeriodicReport, Recommended,
    YearFigures, share,
)
from klachtenbureau.workflow import periods, permissions, report_reviews, settings
from klachtenbureau.workflow import statistics as stats
from klachtenbureau.workflow.periods import Period
from klachtenbureau.workflow.personal_data.export import all_complainant_names
from klachtenbureau.workflow.measures import is_overdue as measure_overdue
from klachtenbureau.workflow.personal_data.deidentify import Deidentifier
from klachtenbureau.workflow.personal_data.scrub import Complainant, Scrubber

REGISTER_NORM = 98.0  # % of the complaints with an acknowledgement
ACK_NORM = 95.0  # % acknowledged on time
ANSWER_NORM = 90.0  # % answered on time
AFTERCARE_NORM = 50.0  # % of answered complaints asked about satisfaction
ESCALATION_NORM = 10.0  # % escalated at most
SHARE_NOTICE = 0.05  # a category whose share of all complaints rose by 5 points is mentioned...
MIN_NOTICE = 5  # ...when it counts at least this many
MAX_RISING = 3
MAX_EXCEPTIONAL = 10  # the board reads about a few; the others are counted
BEYOND_DIRECTOR = ("board", "third_party", "mediation", "disputes_body")
SUMMARY_CHARS = 320
TREND_YEARS = 5
HANDLING_BANDS = [(0, 2, "0–2"), (3, 5, "3–5"), (6, 10, "6–10"), (11, 20, "11–20"), (21, None, "21+")]


def report_period(code: str) -> Period:
    period = periods.parse_period(code)
    if not (period.is_year or period.is_half_year):
        raise ValidationError({"period": _("Een rapport gaat over een halfjaar (2026H1, 2026H2) of een jaar (2026).")})
    return period


def report_periods(today: dt.date, years: int = TREND_YEARS) -> list[tuple[Period, bool]]:
    """The half-years and years to choose from, newest first (a half-year before its year), and whether each
    still runs."""
    found = [p for year in range(today.year - years + 1, today.year + 1)
             for p in (periods.half_year(year, 1), periods.half_year(year, 2), periods.year_period(year))
             if p.start <= today]
    found.sort(key=lambda p: (p.end, not p.is_year), reverse=True)
    return [(p, today <= p.end) for p in found]


def _norm(value: float) -> str:
    return f"{value:.0f}%"


def _extras(period: Period) -> dict[str, int]:
    """Counts the dashboard does not need: escalated, extended, confidential, aftercare, acknowledged, founded; and
    of the complaints that are not confidential, those ``_exceptional`` counts as marked.

    From the kept counts per day (models/day_tally.py), like the dashboard's figures."""
    tally = ComplaintDayTally
    found = dict.fromkeys(("escalated", "extended", "confidential", "aftercare", "acknowledged", "founded", "marked",
                           "marked_severe", "marked_sensitive", "marked_escalated", "marked_several"), 0)
    rows = (tally.select(tally.facet, tally.value, tally.confidential, peewee.fn.SUM(tally.n))
            .where((tally.day >= period.start) & (tally.day <= period.end) & (tally.kind == COMPLAINT)
                   & tally.facet.in_(("state", "marks", "satisfaction", "verdict")))
            .group_by(tally.facet, tally.value, tally.confidential).tuples())
    for facet, value, confidential, n in rows:
        if facet == "state":
            found["confidential"] += n if confidential else 0
            found["acknowledged"] += n if value.split("|")[1] != "n" else 0
        elif facet == "satisfaction":
            found["aftercare"] += n if value else 0
        elif facet == "verdict":
            found["founded"] += n if value in ("founded", "partly_founded") else 0
        else:
            level, extended, sensitive, severe = value.split("|")
            found["escalated"] += n if level else 0
            found["extended"] += n if extended else 0
            marks = [bool(severe), bool(sensitive), bool(level)]
            if confidential or not any(marks):
                continue
            found["marked"] += n
            for name, marked in zip(("marked_severe", "marked_sensitive", "marked_escalated"), marks, strict=True):
                found[name] += n if marked else 0
            found["marked_several"] += n if sum(marks) > 1 else 0
    return {k: int(v) for k, v in found.items()}


class _Gatherer:
    def __init__(self, today: dt.date):
        self.today = today
        self._figures: dict[Period, stats.Figures] = {}
        self._extras: dict[Period, dict[str, int]] = {}

    def figures(self, period: Period) -> stats.Figures:
        if period not in self._figures:
            self._figures[period] = stats.figures(None, period, COMPLAINT, self.today)
        return self._figures[period]

    def extras(self, period: Period) -> dict[str, int]:
        if period not in self._extras:
            self._extras[period] = _extras(period)
        return self._extras[period]

    def year_figures(self, period: Period, label: str) -> YearFigures:
        f, extra = self.figures(period), self.extras(period)
        return YearFigures(label=label, reports=f.reports, complaints=f.complaints, inquiries=f.inquiries,
                           ack_on_time=f.ack_on_time, ack_due=f.ack_due, answered_on_time=f.answered_on_time,
                           answer_due=f.answer_due, median_days=f.median_working_days, p90_days=stats.percentile(f.handling_days, 0.9),
                           escalated=extra["escalated"], extended=extra["extended"])


def _counted(labels: dict, now: dict, before: dict, keep_empty: bool = True) -> list[Counted]:
    rows = [Counted(_(label), int(now.get(code, 0)), int(before.get(code, 0))) for code, label in labels.items()]
    return rows if keep_empty else [r for r in rows if r.count or r.previous]


def _categories(now: stats.Figures, before: stats.Figures) -> list[Counted]:
    previous = {name: n for _id, name, n in before.by_category}
    rows = [Counted(name, n, previous.pop(name, 0)) for _id, name, n in now.by_category]
    return rows + [Counted(name, 0, n) for name, n in sorted(previous.items())]


def _handling(counts: dict[int, int]) -> list[tuple[str, int]]:
    return [(label, sum(n for days, n in counts.items() if days >= low and (high is None or days <= high)))
            for low, high, label in HANDLING_BANDS]


def _summary(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def _exceptional(period: Period, scrubber: Scrubber,
                 extra: dict[str, int]) -> tuple[list[ExceptionalComplaint], list[str]]:
    """The exceptional complaints the board reads about, and one sentence per reason counting the others.

    Exceptional is very severe, complex or sensitive, or escalated. Listed are the complex or sensitive ones
    (seed 003: they may harm the name or the continuity of the organisation), those escalated beyond the
    director, and those with two of the three marks: at most MAX_EXCEPTIONAL, most marks first. A very severe
    complaint on its own was already discussed with the board (seed 003) and one escalated to the director was
    settled there: those are counted. Confidential complaints are never listed.
    """

    def mark(node: peewee.Node) -> peewee.Node:
        return peewee.Case(None, [(node, 1)], 0)

    is_severe, is_sensitive = Complaint.severity == 4, Complaint.complex_sensitive == True  # noqa: E712
    is_escalated, beyond = Complaint.escalation_level != "", Complaint.escalation_level.in_(BEYOND_DIRECTOR)
    marks = mark(is_severe) + mark(is_sensitive) + mark(is_escalated)
    condition = stats.received_in(period) & (Complaint.kind == COMPLAINT) & peewee.SQL(schema.MARKED)  # its index
    # Counted (``_extras``) and chosen by the database: a year of a large register holds thousands of marked complaints.
    total = extra["marked"]
    marked = [extra[name] for name in ("marked_severe", "marked_sensitive", "marked_escalated", "marked_several")]
    if not total:
        return [], []
    chosen = list(Complaint.select(Complaint.id, mark(is_severe), mark(is_sensitive), mark(is_escalated))
                  .where(condition & (is_sensitive | beyond | (marks > 1)))
                  .order_by(marks.desc(), mark(beyond).desc(), mark(is_sensitive).desc(), Complaint.severity.desc(),
                            Complaint.received_at, Complaint.id)
                  .limit(MAX_EXCEPTIONAL).tuples())
    listed = [row[0] for row in chosen]
    # The sentences count the marked complaints outside the list: very severe, sensitive, escalated, several marks.
    in_list = [sum(row[i] for row in chosen) for i in (1, 2, 3)] + [sum(sum(row[1:]) > 1 for row in chosen)]
    severe, sensitive, escalated, several = (int(n or 0) - m for n, m in zip(marked, in_list, strict=True))
    query = (Complaint.select(Complaint, Category, Relation)
             .join(Category, on=(Complaint.category == Category.id)).switch(Complaint)
             .join(Relation, peewee.JOIN.LEFT_OUTER, on=(Complaint.relation == Relation.id))
             .where(Complaint.id.in_(listed or [0])))
    by_id = {c.id: c for c in query}
    found = []
    for c in (by_id[cid] for cid in listed):
        reasons = []
        if c.complex_sensitive:
            reasons.append(_("complex of gevoelig"))
        if c.escalation_level:
            reasons.append(_("geëscaleerd naar {level}").format(level=_(ESCALATION_LEVELS[c.escalation_level]).lower()))
        r = c.relation if c.relation_id else None
        own = Complainant.of(r) if r else None
        found.append(ExceptionalComplaint(
            number=c.number, received=c.received_at.date(), category=c.category.name,
            severity=_("ernst: {s}").format(s=_(SEVERITIES[c.severity]).lower()), reasons="; ".join(reasons),
            status=_(STATUSES[c.status]), verdict=_(VERDICTS[c.verdict]) if c.verdict else "",
            summary=_summary(scrubber.text(c.description, own))))
    rule = _("Uitzonderlijk is een klacht die zeer ernstig is, complex of gevoelig (een risico voor de naam of het "
             "voortbestaan van de organisatie) of geëscaleerd. In de lijst staan de complexe of gevoelige klachten, "
             "de klachten die verder dan de directeur zijn geëscaleerd en de klachten met twee van deze kenmerken, "
             "hoogstens {max}. Een zeer ernstige klacht is al met het bestuur besproken en een escalatie naar de "
             "directeur is daar afgehandeld: die worden geteld. Vertrouwelijke klachten staan nooit in de lijst."
             ).format(max=MAX_EXCEPTIONAL)
    shown = len(found)
    notes = [ngettext("In deze periode was er {n} uitzonderlijke klacht;", "In deze periode waren er {n} "
                      "uitzonderlijke klachten;", total).format(n=format_number(total)),
             ngettext("{n} staat in de lijst.", "{n} staan in de lijst.", shown).format(n=format_number(shown))
             if shown else _("geen ervan staat in de lijst.")]
    if severe:
        notes.append(ngettext("{n} klacht buiten de lijst was zeer ernstig.",
                              "{n} klachten buiten de lijst waren zeer ernstig.", severe).format(n=format_number(severe)))
    if sensitive:
        notes.append(ngettext("{n} klacht buiten de lijst was complex of gevoelig.",
                              "{n} klachten buiten de lijst waren complex of gevoelig.", sensitive).format(n=format_number(sensitive)))
    if escalated:
        notes.append(ngettext("{n} klacht buiten de lijst is geëscaleerd.",
                              "{n} klachten buiten de lijst zijn geëscaleerd.", escalated).format(n=format_number(escalated)))
    if several:
        notes.append(_("Een klacht met meer dan één kenmerk telt in elk van deze zinnen mee."))
    return found, [rule, " ".join(notes)]


def _running(period: Period) -> list[Measure]:
    """The measures that ran in the period: set up before it ended and not found effective before it began."""
    start, end = period.bounds()
    links = (MeasureComplaint.select(peewee.fn.COUNT(MeasureComplaint.id))
             .where(MeasureComplaint.measure == Measure.id))
    return list(Measure.select(Measure, User, links.alias("linked")).join(User, on=(Measure.owner == User.id))
                .where((Measure.created_at < end) & ((Measure.status != "effective") | (Measure.checked_at >= start)))
                .order_by(Measure.due_date, Measure.id))


def _measures(measures: list[Measure], today: dt.date, scrubber: Scrubber) -> list[MeasureLine]:
    """The table of measures, with their status today."""
    people = _linked_complainants([m.id for m in measures])
    confidential = set(MeasureComplaint.select(MeasureComplaint.measure)
                       .join(Complaint, on=(MeasureComplaint.complaint == Complaint.id))
                       .where(MeasureComplaint.measure.in_([m.id for m in measures]) & Complaint.confidential)
                       .scalars()) if measures else set()
    lines = []
    for m in measures:
        if m.id in confidential:  # what it says may tell about the confidential complaint: as in the register
            m.title, m.check_method, m.check_conclusion = _("Maatregel bij een vertrouwelijke klacht"), "", ""

        def clean(text: str, measure_id: int = m.id) -> str:
            # The owner may have written about the complainants of the linked complaints by name.
            for own in people.get(measure_id, []):
                text = scrubber.text(text, own)
            return scrubber.text(text)

        check = ""
        if m.check_method or m.check_conclusion:
            check = clean(f"{m.check_method} — {m.check_conclusion}".strip(" —"))
        source = _(MEASURE_SOURCES.get(m.source, m.source))
        if m.source == "complaint":
            source = ngettext("Naar aanleiding van {n} klacht", "Naar aanleiding van {n} klachten",
                              int(m.linked or 0)).format(n=int(m.linked or 0))
        lines.append(MeasureLine(title=clean(m.title), source=source,
                                 owner=m.owner.full_name, due=m.due_date,
                                 status=_(MEASURE_STATUSES.get(m.status, m.status)),
                                 overdue=measure_overdue(m, today), team_informed=m.team_informed,
                                 complaints=int(m.linked or 0), check=check))
    return lines


def _linked_complainants(measure_ids: list[int]) -> dict[int, list[Complainant]]:
    found: dict[int, list[Complainant]] = {}
    if not measure_ids:
        return found
    query = (MeasureComplaint.select(MeasureComplaint.measure, Relation)
             .join(Complaint, on=(MeasureComplaint.complaint == Complaint.id))
             .join(Relation, on=(Complaint.relation == Relation.id))
             .where(MeasureComplaint.measure.in_(measure_ids)))
    for link in query:
        r = link.complaint.relation
        found.setdefault(link.measure_id, []).append(
            Complainant.of(r))
    return found


def _measure_summary(period: Period, measures: list[Measure], today: dt.date) -> tuple[str, dict[str, int]]:
    """Counts of exactly the measures in the table (``_running``), and the sentence that says so."""
    start, end = period.bounds()
    checked = [m for m in measures if m.checked_at is not None and start <= m.checked_at < end]
    states = [m.status for m in measures]
    numbers = {
        "running": len(measures),
        "created": sum(m.created_at >= start for m in measures),
        "checked": len(checked),
        "checked_effective": sum(m.status == "effective" for m in checked),
        "open": states.count("open"),
        "awaiting": states.count("implemented"),
        "effective": states.count("effective"),
        "not_effective": states.count("not_effective"),
        "overdue": sum(measure_overdue(m, today) for m in measures),
        "linked_founded": _linked_founded(period),
    }
    if not measures:
        return _("In {period} liep geen verbetermaatregel.").format(period=period.label()), numbers
    summary = ngettext(
        "In {period} liep {n} verbetermaatregel: {new} ingesteld in de periode, {old} van eerder.",
        "In {period} liepen {n} verbetermaatregelen: {new} ingesteld in de periode, {old} van eerder.",
        len(measures)).format(period=period.label(), n=len(measures), new=numbers["created"],
                              old=len(measures) - numbers["created"])
    summary += " " + _("Dat zijn de maatregelen die vóór het einde van de periode zijn ingesteld en niet al vóór het "
                       "begin effectief waren; de tabel toont precies deze. Stand op {date}: open {open}; ingevoerd, "
                       "te toetsen {awaiting}; effectief {effective}; niet effectief {not_effective}; over de "
                       "streefdatum {overdue}.").format(date=format_date(today), **numbers)
    return summary, numbers


def _linked_founded(period: Period) -> int:
    """Founded or partly founded complaints of the period that led to a measure: from the few complaints linked to
    a measure, not from the many of the period (0.73 s → a few ms at a million complaints on SQLite)."""
    linked = [row[0] for row in MeasureComplaint.select(MeasureComplaint.complaint).distinct().tuples()]
    found = 0
    for start in range(0, len(linked), 500):  # SQLite's limit of bound values per statement, with room
        found += (Complaint.select(Complaint.id)
                  .where(Complaint.id.in_(linked[start:start + 500]) & stats.received_in(period)
                         & Complaint.verdict.in_(["founded", "partly_founded"])).count())
    return found


def _recommendations(f: stats.Figures, categories: list[Counted], numbers: dict[str, int],
                     extra: dict[str, int], compared: str) -> list[str]:
    found = []
    before_total = sum(row.previous for row in categories)
    if f.received >= MIN_BASE and before_total >= MIN_BASE:  # shares of fewer complaints swing by chance
        rising = [row for row in categories if row.count >= MIN_NOTICE
                  and row.count / f.received - row.previous / before_total >= SHARE_NOTICE]
        rising.sort(key=lambda row: row.previous / before_total - row.count / f.received)
        for row in rising[:MAX_RISING]:
            found.append(_("Het aandeel klachten over “{category}” steeg van {before} in {compared} naar {now} "
                           "({n} klachten). Onderzoek de oorzaak en overweeg een verbetermaatregel.").format(
                category=row.label, before=f"{100 * row.previous / before_total:.0f}%", compared=compared,
                now=f"{100 * row.count / f.received:.0f}%", n=format_number(row.count)))
    if categories and f.received and categories[0].count >= MIN_NOTICE and categories[0].count >= 0.2 * f.received:
        top = categories[0]
        found.append(_("“{category}” is de grootste categorie ({share} klachten): een structureel aandachtspunt "
                       "voor de directie.").format(category=top.label, share=share(top.count, f.received)))
    if f.ack_due and f.ack_on_time < ACK_NORM / 100 * f.ack_due:
        found.append(_("Bevestig de ontvangst sneller: {share} op tijd, de norm is {norm}.").format(
            share=share(f.ack_on_time, f.ack_due), norm=_norm(ACK_NORM)))
    if f.answer_due and f.answered_on_time < ANSWER_NORM / 100 * f.answer_due:
        found.append(_("Beantwoord klachten binnen de termijn of bericht de klager tijdig over uitstel: {share} op "
                       "tijd, de norm is {norm}.").format(share=share(f.answered_on_time, f.answer_due),
                                                          norm=_norm(ANSWER_NORM)))
    if f.overdue:
        found.append(ngettext("{n} klacht uit deze periode staat nog over de termijn open: handel die met voorrang af.",
                              "{n} klachten uit deze periode staan nog over de termijn open: handel ze met voorrang "
                              "af.", f.overdue).format(n=format_number(f.overdue)))
    unhappy = f.satisfaction.get("no", 0) + f.satisfaction.get("partly", 0)
    asked = sum(f.satisfaction.values())
    if asked >= MIN_NOTICE and unhappy > 0.25 * asked:
        found.append(ngettext("{n} van de {asked} klagers bij wie nazorg is gedaan was niet of deels tevreden: "
                              "bespreek in het team wat beter kan.",
                              "{n} van de {asked} klagers bij wie nazorg is gedaan waren niet of deels tevreden: "
                              "bespreek in het team wat beter kan.", unhappy).format(
            n=format_number(unhappy), asked=format_number(asked)))
    if f.received and extra["escalated"] > ESCALATION_NORM / 100 * f.received:
        found.append(ngettext("{n} klacht is geëscaleerd: kijk of eerder persoonlijk contact escalatie kan "
                              "voorkomen.", "{n} klachten zijn geëscaleerd: kijk of eerder persoonlijk contact "
                              "escalatie kan voorkomen.", extra["escalated"]).format(n=format_number(extra["escalated"])))
    if numbers["overdue"]:
        found.append(ngettext("{n} verbetermaatregel is over de streefdatum: bespreek die met de eigenaar.",
                              "{n} verbetermaatregelen zijn over de streefdatum: bespreek ze met de eigenaren.",
                              numbers["overdue"]).format(n=numbers["overdue"]))
    if numbers["awaiting"]:
        found.append(ngettext("{n} ingevoerde maatregel wacht op toetsing van de effectiviteit door de "
                              "kwaliteitsmedewerker.", "{n} ingevoerde maatregelen wachten op toetsing van de "
                              "effectiviteit door de kwaliteitsmedewerker.", numbers["awaiting"]).format(
            n=numbers["awaiting"]))
    if numbers["not_effective"]:
        found.append(ngettext("{n} maatregel bleek niet effectief en ligt weer bij de eigenaar.",
                              "{n} maatregelen bleken niet effectief en liggen weer bij de eigenaar.",
                              numbers["not_effective"]).format(n=numbers["not_effective"]))
    return found


def _meets(part: int, whole: int, norm: float, at_most: bool = False) -> bool | None:
    """Whether ``part`` of ``whole`` meets a percentage norm; None when there is nothing to judge."""
    if not whole:
        return None
    return 100 * part <= norm * whole if at_most else 100 * part >= norm * whole


def _evaluation(f: stats.Figures, extra: dict[str, int], numbers: dict[str, int]) -> list[Assessment]:
    """The procedure judged against norms the report states; a criterion without a norm gets no verdict."""
    profile = settings.deadline_profile()
    asked = sum(f.satisfaction.values())
    return [
        Assessment(_("Alle klachten zijn geregistreerd en in behandeling genomen"),
                   ngettext("{n} klacht geregistreerd; {share} met een ontvangstbevestiging.",
                            "{n} klachten geregistreerd; {share} met een ontvangstbevestiging.", f.received).format(
                       n=format_number(f.received), share=share(extra["acknowledged"], f.received, "0")),
                   _("ten minste {norm} met een ontvangstbevestiging").format(norm=_norm(REGISTER_NORM)),
                   _meets(extra["acknowledged"], f.received, REGISTER_NORM)),
        Assessment(_("De klager hoort binnen {days} werkdagen dat de klacht in behandeling is").format(
                       days=profile.acknowledge_working_days),
                   _("{share} op tijd bevestigd.").format(share=share(f.ack_on_time, f.ack_due, "0")),
                   _("ten minste {norm} op tijd").format(norm=_norm(ACK_NORM)),
                   _meets(f.ack_on_time, f.ack_due, ACK_NORM)),
        Assessment(_("De klager krijgt binnen de termijn antwoord ({profile})").format(profile=_(profile.label)),
                   _("{share} op tijd beantwoord; mediaan {days} werkdagen.").format(
                       share=share(f.answered_on_time, f.answer_due, "0"),
                       days="–" if f.median_working_days is None else f"{f.median_working_days:g}"),
                   _("ten minste {norm} op tijd").format(norm=_norm(ANSWER_NORM)),
                   _meets(f.answered_on_time, f.answer_due, ANSWER_NORM)),
        Assessment(_("Nazorg: gevraagd of de klager tevreden is"),
                   _("Bij {share} beantwoorde klachten nagevraagd; {yes} tevreden.").format(
                       share=share(asked, f.answered, "0"), yes=format_number(f.satisfaction.get("yes", 0))),
                   _("bij ten minste {norm} van de beantwoorde klachten").format(norm=_norm(AFTERCARE_NORM)),
                   _meets(asked, f.answered, AFTERCARE_NORM)),
        Assessment(_("Maatregelen om herhaling te voorkomen"),
                   ngettext("{created} maatregel ingesteld. (Deels) gegronde klachten die tot een maatregel "
                            "leidden: {share}.", "{created} maatregelen ingesteld. (Deels) gegronde klachten die tot "
                            "een maatregel leidden: {share}.", numbers["created"]).format(
                       created=numbers["created"], share=share(numbers["linked_founded"], extra["founded"], "0")),
                   _("geen norm: de eigenaar beoordeelt per klacht of een maatregel nodig is (procedure, stap 4)"),
                   None),
        Assessment(_("Effectiviteit van maatregelen getoetst"),
                   ngettext("{checked} maatregel getoetst, waarvan {effective} effectief; {awaiting} wacht op "
                            "toetsing.", "{checked} maatregelen getoetst, waarvan {effective} effectief; {awaiting} "
                            "wachten op toetsing.", numbers["checked"]).format(
                       checked=numbers["checked"], effective=numbers["checked_effective"],
                       awaiting=numbers["awaiting"]),
                   _("geen norm: de procedure noemt geen termijn voor de toetsing (stap 5)"), None),
        Assessment(_("Maatregelen op tijd ingevoerd"),
                   ngettext("{n} van de {running} lopende maatregel over de streefdatum.",
                            "{n} van de {running} lopende maatregelen over de streefdatum.", numbers["running"]).format(
                       n=numbers["overdue"], running=numbers["running"]),
                   _("geen maatregel over de streefdatum (procedure, stap 4)"),
                   numbers["overdue"] == 0 if numbers["running"] else None),
        Assessment(_("Weinig escalaties naar directie of derden"),
                   _("{share} klachten geëscaleerd.").format(share=share(extra["escalated"], f.received, "0")),
                   _("hoogstens {norm} van de klachten").format(norm=_norm(ESCALATION_NORM)),
                   _meets(extra["escalated"], f.received, ESCALATION_NORM, at_most=True)),
    ]


def gather(user: User, period: Period, today: dt.date | None = None) -> PeriodicReport:
    """Everything the report on ``period`` shows, anonymised, with what the office stored for it."""
    return gather_with_review(user, period, today)[0]


def gather_with_review(user: User, period: Period,
                       today: dt.date | None = None) -> tuple[PeriodicReport, report_reviews.Review]:
    """The report, and the people's part it holds as the desk edits it (workflow/report_reviews.py)."""
    permissions.require_make_reports(user)
    # Third parties named in the listed texts go too; deduce's worker loads while the figures are counted.
    with Deidentifier(all_complainant_names()) as scrubber:
        return _gather_with_review(user, period, today, scrubber)


def _gather_with_review(user: User, period: Period, today: dt.date | None,
                        scrubber: Deidentifier) -> tuple[PeriodicReport, report_reviews.Review]:
    today = today or dt.date.today()
    g = _Gatherer(today)
    compared = period.year_earlier()  # tables and charts alike: the seasons do not distort the comparison
    now, before = g.figures(period), g.figures(compared)
    extra = g.extras(period)
    categories = _categories(now, before)
    running = _running(period)
    summary, numbers = _measure_summary(period, running, today)
    exceptional, exceptional_notes = _exceptional(period, scrubber, extra)
    annual = period.is_year
    report = dict(
        kind=ANNUAL if annual else HALF_YEAR,
        organisation=settings.get("organisation")["name"],
        period_label=period.label(), previous_label=compared.label(), made_on=today,
        current=g.year_figures(period, period.label()), previous=g.year_figures(compared, compared.label()),
        open_now=now.open, overdue_now=now.overdue, confidential_count=extra["confidential"],
        by_kind=[Counted(_(KINDS[COMPLAINT]), now.complaints, before.complaints),
                 Counted(_(KINDS[INQUIRY]), now.inquiries, before.inquiries)],
        by_category=categories,
        by_channel=_counted(CHANNELS, now.by_channel, before.by_channel, keep_empty=False),
        by_severity=_counted(SEVERITIES, now.by_severity, before.by_severity),
        verdicts=_counted(VERDICTS, now.verdicts, before.verdicts),
        satisfaction=_counted(SATISFACTION, now.satisfaction, before.satisfaction),
        months=[(format_date(m, "MMM"), n, b)
                for (m, n), (_m, b) in zip(now.by_month, before.by_month, strict=True)],
        handling=_handling(now.handling_days),
        exceptional=exceptional, exceptional_notes=exceptional_notes,
        measures=_measures(running, today, scrubber), measure_summary=summary,
        recommendations=[], anonymisation_note=scrubber.legend(),
        provisional=today <= period.end,  # the period still runs: its figures are up to today
    )
    if annual:
        first = Complaint.select(peewee.fn.MIN(Complaint.received_at)).scalar()
        year = period.start.year
        first_year = min(year, max(first.year if first else year, year - TREND_YEARS + 1))
        years = [periods.year_period(y) for y in range(first_year, year + 1)]
        report["years"] = [g.year_figures(y, str(y.start.year)) for y in years]
        report["category_years"] = _category_years([g.figures(y) for y in years])
        report["evaluation"] = _evaluation(now, extra, numbers)
    review = report_reviews.load(user, period.code, _recommendations(now, categories, numbers, extra,
                                                                     compared.label()))
    # The office's own conclusions only lose known names, here as when the desk shows them again after an edit.
    return with_review(PeriodicReport(**report), review, scrubber.known_names_only()), review


def with_review(report: PeriodicReport, review: report_reviews.Review,
                scrubber: Scrubber | None = None) -> PeriodicReport:
    """``report`` with the people's part of ``review`` (saved or still being edited), anonymised as the rest:
    whoever writes a conclusion may name a complainant."""
    scrubber = scrubber or Scrubber(all_complainant_names())
    measures = dict(Measure.select(Measure.id, Measure.title).where(
        Measure.id.in_([r.measure_id for r in review.recommendations if r.measure_id] or [0])).tuples())
    lines = [Recommended(scrubber.text(r.text), own=not r.generated,
                         decision=_(DECISIONS[r.decision]) if r.decision else "", decided_on=r.decided_on,
                         note=scrubber.text(r.note), measure=scrubber.text(measures.get(r.measure_id, "")))
             for r in review.recommendations if r.text.strip()]
    return dataclasses.replace(report, recommendations=lines, conclusions=scrubber.text(review.conclusions),
                               review_conclusions=scrubber.text(review.review_conclusions),
                               reviewed_on=review.reviewed_on)


def _category_years(per_year: list[stats.Figures]) -> list[tuple[str, list[int]]]:
    """Complaints per category per year, the categories with most complaints over the years first."""
    counts: dict[str, list[int]] = {}
    for i, f in enumerate(per_year):
        for _id, name, n in f.by_category:
            counts.setdefault(name, [0] * len(per_year))[i] = n
    return sorted(counts.items(), key=lambda item: (-sum(item[1]), item[0].lower()))


def make(user: User, period_code: str, today: dt.date | None = None) -> bytes:
    """The PDF of the half-year (``2026H1``) or annual (``2026``) report."""
    from klachtenbureau.reports import periodic  # ReportLab loads with the first report, not at start (periodic_facts)

    return periodic.render(gather(user, report_period(period_code), today))
