"""Gathering the half-year and annual reports (seed 003 "Rapportage / verantwoording", seed 001 steps 6–7).

The figures count every complaint received in the period, confidential ones
included (numbers only); the list of exceptional complaints leaves the
confidential ones out and every text in it is anonymised. The recommendations
and the evaluation of the procedure are derived from the figures with the
norms below, for the quality officer to discuss with the management.
"""

from __future__ import annotations

import datetime as dt

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _, format_date, ngettext
from klachtenbureau.models import Category, Complaint, Measure, MeasureComplaint, Relation, User
from klachtenbureau.models.complaints import (
    CHANNELS, COMPLAINT, ESCALATION_LEVELS, INQUIRY, KINDS, SATISFACTION, SEVERITIES, STATUSES, VERDICTS,
)
from klachtenbureau.models.measures import MEASURE_SOURCES, MEASURE_STATUSES
from klachtenbureau.reports import periodic
from klachtenbureau.reports.periodic import Assessment, Counted, ExceptionalComplaint, MeasureLine, YearFigures
from klachtenbureau.workflow import periods, permissions, settings
from klachtenbureau.workflow import statistics as stats
from klachtenbureau.workflow.periods import Period
from klachtenbureau.workflow.export import all_complainant_names
from klachtenbureau.workflow.measures import is_overdue as measure_overdue
from klachtenbureau.workflow.scrub import Complainant, Scrubber, legend

ACK_NORM = 95.0  # % acknowledged on time
ANSWER_NORM = 90.0  # % answered on time
AFTERCARE_NORM = 50.0  # % of answered complaints asked about satisfaction
ESCALATION_NORM = 10.0  # % escalated at most
SHARE_NOTICE = 0.05  # a category whose share of all complaints rose by 5 points is mentioned...
MIN_NOTICE = 5  # ...when it counts at least this many
MAX_RISING = 3
MIN_BASE = 20  # shares are only compared with a period that had at least this many complaints
MAX_EXCEPTIONAL = 40
SUMMARY_CHARS = 320
TREND_YEARS = 5
HANDLING_BANDS = [(0, 2, "0–2"), (3, 5, "3–5"), (6, 10, "6–10"), (11, 20, "11–20"), (21, None, "21+")]


def report_period(code: str) -> Period:
    period = periods.parse_period(code)
    if not (period.is_year or period.is_half_year):
        raise ValidationError({"period": _("Een rapport gaat over een halfjaar (2026H1, 2026H2) of een jaar (2026).")})
    return period


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def _extras(period: Period) -> dict[str, int]:
    """Counts the dashboard does not need: escalated, extended, confidential, aftercare, acknowledged."""
    complaint = Complaint.kind == COMPLAINT

    def count(node: peewee.Node) -> peewee.Node:
        return stats._sum(complaint & node)

    row = (Complaint.select(
        count(Complaint.escalation_level != "").alias("escalated"),
        count(Complaint.extension_count > 0).alias("extended"),
        count(Complaint.confidential == True).alias("confidential"),  # noqa: E712
        count(Complaint.satisfaction != "").alias("aftercare"),
        count(Complaint.acknowledged_at.is_null(False)).alias("acknowledged"),
        count(Complaint.verdict.in_(["founded", "partly_founded"])).alias("founded"),
    ).where(stats.received_in(period)).dicts().get())
    return {k: int(v or 0) for k, v in row.items()}


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
                           ack_on_time_pct=f.ack_on_time_pct, answered_on_time_pct=f.answered_on_time_pct,
                           median_days=f.median_working_days, p90_days=stats.percentile(f.handling_days, 0.9),
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


def _exceptional(period: Period, scrubber: Scrubber) -> tuple[list[ExceptionalComplaint], int]:
    """The complex, very severe and escalated complaints (not the confidential ones), most severe first."""
    condition = (stats.received_in(period) & (Complaint.kind == COMPLAINT)
                 & (Complaint.confidential == False)  # noqa: E712
                 & ((Complaint.complex_sensitive == True) | (Complaint.severity == 4)  # noqa: E712
                    | (Complaint.escalation_level != "")))
    total = Complaint.select().where(condition).count()
    query = (Complaint.select(Complaint, Category, Relation)
             .join(Category, on=(Complaint.category == Category.id)).switch(Complaint)
             .join(Relation, peewee.JOIN.LEFT_OUTER, on=(Complaint.relation == Relation.id))
             .where(condition)
             .order_by(Complaint.severity.desc(), Complaint.escalation_level.desc(), Complaint.received_at)
             .limit(MAX_EXCEPTIONAL))
    found = []
    for c in query:
        reasons = []
        if c.complex_sensitive:
            reasons.append(_("complex of gevoelig"))
        if c.escalation_level:
            reasons.append(_("geëscaleerd naar {level}").format(level=_(ESCALATION_LEVELS[c.escalation_level]).lower()))
        r = c.relation if c.relation_id else None
        own = Complainant(r.name, r.street, r.postcode, r.city, r.phone, r.email) if r else None
        found.append(ExceptionalComplaint(
            number=c.number, received=c.received_at.date(), category=c.category.name,
            severity=_("ernst: {s}").format(s=_(SEVERITIES[c.severity]).lower()), reasons="; ".join(reasons),
            status=_(STATUSES[c.status]), verdict=_(VERDICTS[c.verdict]) if c.verdict else "",
            summary=_summary(scrubber.text(c.description, own))))
    return found, total


def _measures(period: Period, today: dt.date, scrubber: Scrubber) -> list[MeasureLine]:
    """Every measure not already found effective before the period began, with its status today."""
    start = dt.datetime.combine(period.start, dt.time())
    links = (MeasureComplaint.select(peewee.fn.COUNT(MeasureComplaint.id))
             .where(MeasureComplaint.measure == Measure.id))
    query = (Measure.select(Measure, User, links.alias("linked")).join(User, on=(Measure.owner == User.id))
             .where((Measure.status != "effective") | (Measure.checked_at >= start))
             .order_by(Measure.due_date, Measure.id))
    measures = list(query)
    people = _linked_complainants([m.id for m in measures])
    lines = []
    for m in measures:

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
            Complainant(r.name, r.street, r.postcode, r.city, r.phone, r.email))
    return found


def _measure_summary(period: Period, lines: list[MeasureLine]) -> tuple[list[tuple[str, int]], dict[str, int]]:
    start = dt.datetime.combine(period.start, dt.time())
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    created = Measure.select().where((Measure.created_at >= start) & (Measure.created_at < end)).count()
    checked = (Measure.select(Measure.status, peewee.fn.COUNT(Measure.id))
               .where((Measure.checked_at >= start) & (Measure.checked_at < end)).group_by(Measure.status))
    by_check = dict(checked.tuples())
    numbers = {
        "created": created,
        "effective": int(by_check.get("effective", 0)),
        "not_effective": int(by_check.get("not_effective", 0)),
        "awaiting": sum(1 for m in lines if m.status == _(MEASURE_STATUSES["implemented"])),
        "overdue": sum(1 for m in lines if m.overdue),
        "linked_founded": _linked_founded(period),
    }
    summary = [(_("nieuw ingesteld"), numbers["created"]), (_("getoetst en effectief"), numbers["effective"]),
               (_("getoetst, niet effectief"), numbers["not_effective"]), (_("wacht op toetsing"), numbers["awaiting"]),
               (_("over de streefdatum"), numbers["overdue"])]
    return summary, numbers


def _linked_founded(period: Period) -> int:
    """Founded or partly founded complaints of the period that led to a measure."""
    return (Complaint.select(Complaint.id).join(MeasureComplaint, on=(MeasureComplaint.complaint == Complaint.id))
            .where(stats.received_in(period) & Complaint.verdict.in_(["founded", "partly_founded"]))
            .distinct().count())


def _recommendations(f: stats.Figures, categories: list[Counted], numbers: dict[str, int],
                     extra: dict[str, int]) -> list[str]:
    found = []
    before_total = sum(row.previous for row in categories)
    rising = [row for row in categories if row.count >= MIN_NOTICE and before_total >= MIN_BASE and f.received
              and row.count / f.received - row.previous / before_total >= SHARE_NOTICE]
    rising.sort(key=lambda row: row.previous / before_total - row.count / f.received)
    for row in rising[:MAX_RISING]:
        found.append(_("Het aandeel klachten over “{category}” steeg van {before} naar {now} ({n} klachten). "
                       "Onderzoek de oorzaak en overweeg een verbetermaatregel.").format(
            category=row.label, before=f"{100 * row.previous / before_total:.0f}%",
            now=f"{100 * row.count / f.received:.0f}%", n=row.count))
    if categories and f.received and categories[0].count >= MIN_NOTICE and categories[0].count >= 0.2 * f.received:
        top = categories[0]
        found.append(_("“{category}” is met {n} klachten ({pct}) de grootste categorie: een structureel "
                       "aandachtspunt voor de directie.").format(category=top.label, n=top.count,
                                                                 pct=f"{100 * top.count / f.received:.0f}%"))
    if f.ack_on_time_pct is not None and f.ack_on_time_pct < ACK_NORM:
        found.append(_("Bevestig de ontvangst sneller: {pct} op tijd, de norm is {norm}.").format(
            pct=f"{f.ack_on_time_pct:.0f}%", norm=f"{ACK_NORM:.0f}%"))
    if f.answered_on_time_pct is not None and f.answered_on_time_pct < ANSWER_NORM:
        found.append(_("Beantwoord klachten binnen de termijn of bericht de klager tijdig over uitstel: {pct} op tijd, "
                       "de norm is {norm}.").format(pct=f"{f.answered_on_time_pct:.0f}%", norm=f"{ANSWER_NORM:.0f}%"))
    if f.overdue:
        found.append(_("{n} klacht(en) uit deze periode staan nog over de termijn open: handel ze met voorrang af.")
                     .format(n=f.overdue))
    unhappy = f.satisfaction.get("no", 0) + f.satisfaction.get("partly", 0)
    asked = sum(f.satisfaction.values())
    if asked >= MIN_NOTICE and unhappy > 0.25 * asked:
        found.append(_("{n} van de {asked} klagers bij wie nazorg is gedaan waren niet of deels tevreden: bespreek "
                       "in het team wat beter kan.").format(n=unhappy, asked=asked))
    if f.received and extra["escalated"] > ESCALATION_NORM / 100 * f.received:
        found.append(_("{n} klachten zijn geëscaleerd: kijk of eerder persoonlijk contact escalatie kan voorkomen.")
                     .format(n=extra["escalated"]))
    if numbers["overdue"]:
        found.append(_("{n} verbetermaatregel(en) zijn over de streefdatum: bespreek ze met de eigenaren.").format(
            n=numbers["overdue"]))
    if numbers["awaiting"]:
        found.append(_("{n} ingevoerde maatregel(en) wachten op toetsing van de effectiviteit door de "
                       "kwaliteitsmedewerker.").format(n=numbers["awaiting"]))
    if numbers["not_effective"]:
        found.append(_("{n} maatregel(en) bleken niet effectief en liggen weer bij de eigenaar.").format(
            n=numbers["not_effective"]))
    return found or [_("De cijfers geven geen aanleiding tot nieuwe aanbevelingen.")]


def _evaluation(f: stats.Figures, extra: dict[str, int], numbers: dict[str, int]) -> list[Assessment]:
    profile = settings.deadline_profile()
    answered_asked = _pct(sum(f.satisfaction.values()), f.answered)
    escalated = _pct(extra["escalated"], f.received)
    acknowledged = _pct(extra["acknowledged"], f.received)
    checked = numbers["effective"] + numbers["not_effective"]

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f}%"

    return [
        Assessment(_("Alle klachten zijn geregistreerd en in behandeling genomen"),
                   _("{n} klachten geregistreerd; {pct} heeft een ontvangstbevestiging.").format(
                       n=f.received, pct=pct(acknowledged)), acknowledged is None or acknowledged >= 98),
        Assessment(_("De klager hoort binnen {days} werkdagen dat de klacht in behandeling is").format(
                       days=profile.acknowledge_working_days),
                   _("{pct} op tijd bevestigd (norm {norm}).").format(pct=pct(f.ack_on_time_pct),
                                                                      norm=f"{ACK_NORM:.0f}%"),
                   f.ack_on_time_pct is None or f.ack_on_time_pct >= ACK_NORM),
        Assessment(_("De klager krijgt binnen de termijn antwoord ({profile})").format(profile=_(profile.label)),
                   _("{pct} op tijd beantwoord (norm {norm}); mediaan {days} werkdagen.").format(
                       pct=pct(f.answered_on_time_pct), norm=f"{ANSWER_NORM:.0f}%",
                       days="–" if f.median_working_days is None else f"{f.median_working_days:g}"),
                   f.answered_on_time_pct is None or f.answered_on_time_pct >= ANSWER_NORM),
        Assessment(_("Nazorg: gevraagd of de klager tevreden is"),
                   _("Bij {pct} van de beantwoorde klachten nagevraagd; {yes} tevreden.").format(
                       pct=pct(answered_asked), yes=f.satisfaction.get("yes", 0)),
                   answered_asked is None or answered_asked >= AFTERCARE_NORM),
        Assessment(_("Maatregelen om herhaling te voorkomen"),
                   _("{created} maatregel(en) ingesteld; {linked} van {founded} (deels) gegronde klachten leidden "
                     "tot een maatregel.").format(created=numbers["created"], linked=numbers["linked_founded"],
                                                  founded=extra["founded"]),
                   extra["founded"] == 0 or numbers["created"] > 0),
        Assessment(_("Effectiviteit van maatregelen getoetst"),
                   _("{checked} getoetst, waarvan {effective} effectief; {awaiting} wacht op toetsing.").format(
                       checked=checked, effective=numbers["effective"], awaiting=numbers["awaiting"]),
                   numbers["awaiting"] == 0 or checked >= numbers["awaiting"]),
        Assessment(_("Maatregelen op tijd ingevoerd"),
                   _("{n} maatregel(en) over de streefdatum.").format(n=numbers["overdue"]), numbers["overdue"] == 0),
        Assessment(_("Weinig escalaties naar directie of derden"),
                   _("{pct} van de klachten geëscaleerd (norm hoogstens {norm}).").format(
                       pct=pct(escalated), norm=f"{ESCALATION_NORM:.0f}%"),
                   escalated is None or escalated <= ESCALATION_NORM),
    ]


def _shift_year(period: Period, years: int) -> Period:
    return Period(period.start.replace(year=period.start.year + years),
                        period.end.replace(year=period.end.year + years))


def gather(user: User, period: Period, today: dt.date | None = None) -> periodic.PeriodicReport:
    """Everything the report on ``period`` shows, anonymised."""
    permissions.require_manager(user)
    today = today or dt.date.today()
    g = _Gatherer(today)
    now, before = g.figures(period), g.figures(period.previous())
    year_earlier = g.figures(_shift_year(period, -1))
    extra = g.extras(period)
    scrubber = Scrubber(all_complainant_names())
    categories = _categories(now, before)
    measures = _measures(period, today, scrubber)
    summary, numbers = _measure_summary(period, measures)
    exceptional, total_exceptional = _exceptional(period, scrubber)
    annual = period.is_year
    report = dict(
        kind=periodic.ANNUAL if annual else periodic.HALF_YEAR,
        organisation=settings.get("organisation")["name"],
        period_label=period.label(), previous_label=period.previous().label(), made_on=today,
        current=g.year_figures(period, period.label()), previous=g.year_figures(period.previous(),
                                                                                period.previous().label()),
        open_now=now.open, overdue_now=now.overdue, confidential_count=extra["confidential"],
        by_kind=[Counted(_(KINDS[COMPLAINT]), now.complaints, before.complaints),
                 Counted(_(KINDS[INQUIRY]), now.inquiries, before.inquiries)],
        by_category=categories,
        by_channel=_counted(CHANNELS, now.by_channel, before.by_channel, keep_empty=False),
        by_severity=_counted(SEVERITIES, now.by_severity, before.by_severity),
        verdicts=_counted(VERDICTS, now.verdicts, before.verdicts),
        satisfaction=_counted(SATISFACTION, now.satisfaction, before.satisfaction),
        months=[(format_date(m, "MMM"), n, b)
                for (m, n), (_m, b) in zip(now.by_month, year_earlier.by_month, strict=True)],
        handling=_handling(now.handling_days),
        exceptional=exceptional, measures=measures, measure_summary=summary,
        recommendations=_recommendations(now, categories, numbers, extra),
        anonymisation_note=legend(),
    )
    if total_exceptional > len(exceptional):
        report["recommendations"].append(_("Er waren {n} uitzonderlijke klachten; dit verslag noemt de {shown} "
                                           "ernstigste.").format(n=total_exceptional, shown=len(exceptional)))
    if annual:
        first = Complaint.select(peewee.fn.MIN(Complaint.received_at)).scalar()
        year = period.start.year
        first_year = min(year, max(first.year if first else year, year - TREND_YEARS + 1))
        years = [periods.year_period(y) for y in range(first_year, year + 1)]
        report["years"] = [g.year_figures(y, str(y.start.year)) for y in years]
        report["category_years"] = _category_years([g.figures(y) for y in years])
        report["evaluation"] = _evaluation(now, extra, numbers)
    return periodic.PeriodicReport(**report)


def _category_years(per_year: list[stats.Figures]) -> list[tuple[str, list[int]]]:
    """Complaints per category per year, the categories with most complaints over the years first."""
    counts: dict[str, list[int]] = {}
    for i, f in enumerate(per_year):
        for _id, name, n in f.by_category:
            counts.setdefault(name, [0] * len(per_year))[i] = n
    return sorted(counts.items(), key=lambda item: (-sum(item[1]), item[0].lower()))


def make(user: User, period_code: str, today: dt.date | None = None) -> bytes:
    """The PDF of the half-year (``2026H1``) or annual (``2026``) report."""
    return periodic.render(gather(user, report_period(period_code), today))
