"""The half-year report for the board and the annual report: their numbers, and no personal data in them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pikepdf
import pytest
from pypdf import PdfReader

from klachtenbureau import cli
from klachtenbureau.errors import PermissionDeniedError, ValidationError
from klachtenbureau.models import Complaint, Relation
from klachtenbureau.models.base import acting_at
from klachtenbureau.reports import charts, pdfa, periodic
from klachtenbureau.reports.periodic_facts import (
    ANNUAL, HALF_YEAR, Assessment, Counted, MeasureLine, Recommended, YearFigures,
)
from klachtenbureau.workflow import demo, intake, measures, procedure, reporting
from tests.reports.pdftools import normalised, verapdf

TODAY = dt.date(2026, 7, 8)  # early July: the first half-year is over
KWAKKEL = {"name": "Zwaantje Kwakkelstein", "street": "Vlinderhof 7", "postcode": "9999 ZZ", "city": "Ergensdorp",
           "phone": "06 48765432", "email": "zwaantje@kwakkelstein.example"}
OUDENHOVEN = {"name": "Bartholomeus van Oudenhoven", "street": "Kastanjelaan 123", "postcode": "8888 XY",
              "city": "Nergenshuizen", "phone": "020 624 1234", "email": "b.oudenhoven@voorbeeldmail.example"}
SECRETS = ["Zwaantje", "Kwakkelstein", "Vlinderhof", "9999", "48765432", "Bartholomeus", "Oudenhoven",
           "Kastanjelaan", "8888", "6241234", "624 1234", "@", "Ergensdorp", "Nergenshuizen"]


def pdf_text(pdf: bytes) -> str:
    return normalised(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def register(staff, when: dt.datetime, **fields) -> Complaint:
    with acting_at(when):
        return intake.register(staff["sanne"], intake.NewReport(received_at=when, channel="post", **fields))


@pytest.fixture
def year(db, staff) -> dict[str, Complaint]:
    """Demo history plus two very severe complaints whose texts are full of their complainants' details."""
    demo.generate(40, seed=3, today=TODAY)
    made = {
        "kwakkel": register(
            staff, dt.datetime(2026, 3, 2, 10), relation=KWAKKEL, severity=4, complex_sensitive=True,
            category="Niet ophalen",
            description="Mevrouw Kwakkelstein (Vlinderhof 7, 9999 ZZ Ergensdorp, 06-48765432) is niet opgehaald "
                        "en viel op de stoep. Haar buurman Bartholomeus van Oudenhoven belde ons."),
        "oudenhoven": register(
            staff, dt.datetime(2026, 4, 7, 10), relation=OUDENHOVEN, severity=3, category="Geluid theaters",
            description="Meneer Van Oudenhoven hoorde niets; bel hem op 020 624 1234 of mail "
                        "b.oudenhoven@voorbeeldmail.example."),
    }
    petra, anouk = staff["petra"], staff["anouk"]
    with acting_at(dt.datetime(2026, 4, 8, 10)):
        made["oudenhoven"] = procedure.acknowledge(petra, made["oudenhoven"], "letter")
        made["oudenhoven"] = procedure.escalate(petra, made["oudenhoven"], "director", "Klager wil de directeur.")
    with acting_at(dt.datetime(2026, 3, 10, 10)):
        measure = measures.create(anouk, "Chauffeurs melden het als Kwakkelstein niet opendoet", staff["ruud"],
                                  dt.date(2026, 5, 1), complaint_ids=[made["kwakkel"].id])
        measures.create(anouk, "Geluidsinstallatie laten keuren", staff["petra"], dt.date(2026, 9, 1),
                        source="trend")
    with acting_at(dt.datetime(2026, 4, 20, 10)):
        measures.implement(staff["ruud"], measure, True)
    with acting_at(dt.datetime(2026, 6, 1, 10)):
        measures.record_check(anouk, measure, "Zwaantje Kwakkelstein gebeld op 06 48765432.",
                              "Mevrouw Kwakkelstein is tevreden; effectief.", True)
    return made


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    found = [s for s in SECRETS if s.lower() in lowered]
    for relation in Relation.select():
        found += [v for v in (relation.name, relation.email, relation.phone, relation.street) if v and v in text]
    return found


@pytest.mark.parametrize("code", ["2026H1", "2026"])
def test_reports_hold_no_personal_data_of_any_complainant(year, staff, code):
    pdf = reporting.make(staff["anouk"], code, today=TODAY)
    text = pdf_text(pdf)
    assert year["kwakkel"].number in text  # the very severe complaint is summarised…
    assert "[naam]" in text and "[adres]" in text and "[telefoonnummer]" in text  # …without its details
    assert leaks(text) == []


def test_half_year_report_counts_kind_category_and_severity(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    h1 = [c for c in Complaint.select() if dt.date(2026, 1, 1) <= c.received_at.date() <= dt.date(2026, 6, 30)]
    complaints = [c for c in h1 if c.kind == "complaint"]
    assert report.current.reports == len(h1)
    assert [(r.label, r.count) for r in report.by_kind] == [
        ("Klacht", len(complaints)), ("Navraag", len(h1) - len(complaints))]
    assert sum(r.count for r in report.by_category) == len(complaints)
    assert [r.count for r in report.by_severity] == [sum(c.severity == s for c in complaints) for s in (1, 2, 3, 4)]
    niet_ophalen = next(r for r in report.by_category if r.label == "Niet ophalen")
    assert niet_ophalen.count == sum(c.category.name == "Niet ophalen" for c in complaints)


def marks(c: Complaint) -> int:
    return (c.severity == 4) + c.complex_sensitive + bool(c.escalation_level)


def test_exceptional_list_names_those_that_matter_and_counts_the_others(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    exceptional = [c for c in Complaint.select() if c.kind == "complaint" and not c.confidential
                   and dt.date(2026, 1, 1) <= c.received_at.date() <= dt.date(2026, 6, 30) and marks(c)]
    matter = {c.number for c in exceptional
              if c.complex_sensitive or c.escalation_level in ("board", "third_party") or marks(c) >= 2}
    listed = {e.number for e in report.exceptional}
    assert listed == matter and year["kwakkel"].number in listed  # very severe and complex
    assert year["oudenhoven"].number not in listed  # only escalated to the director: counted
    kwakkel = next(e for e in report.exceptional if e.number == year["kwakkel"].number)
    assert kwakkel.summary.startswith("Mevrouw [naam] ([adres], [postcode], [telefoonnummer]) is niet opgehaald")
    assert "Haar buurman [naam] belde ons." in kwakkel.summary
    counted = [c for c in exceptional if c.number not in listed]
    escalated = sum(bool(c.escalation_level) for c in counted)
    notes = " ".join(report.exceptional_notes)
    assert f"er {len(exceptional)} uitzonderlijke klachten; {len(listed)} sta" in notes
    assert (f"{escalated} klacht buiten de lijst is geëscaleerd." if escalated == 1 else
            f"{escalated} klachten buiten de lijst zijn geëscaleerd.") in notes


def test_exceptional_list_holds_at_most_ten(db, staff):
    twelve = [register(staff, dt.datetime(2026, 2, 2 + i, 10), anonymous=True, complex_sensitive=True,
                       severity=1 if i < 2 else 3, description=f"Klacht {i}.") for i in range(12)]
    register(staff, dt.datetime(2026, 3, 2, 10), anonymous=True, severity=4, description="Heel ernstig.")
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    assert [e.number for e in report.exceptional] == [c.number for c in twelve[2:]]  # the least severe left out
    assert report.exceptional_notes[1] == (
        "In deze periode waren er 13 uitzonderlijke klachten; 10 staan in de lijst. 1 klacht buiten de lijst was "
        "zeer ernstig. 2 klachten buiten de lijst waren complex of gevoelig.")
    text = pdf_text(periodic.render(report))
    assert "hoogstens 10" in text and "2 klachten buiten de lijst waren complex of gevoelig." in text


def test_every_measure_with_its_status_and_anonymised_check(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    by_title = {m.title: m for m in report.measures}
    checked = by_title["Chauffeurs melden het als [naam] niet opendoet"]
    assert (checked.status, checked.overdue, checked.team_informed) == ("Effectief", False, True)
    assert checked.check == "[naam] gebeld op [telefoonnummer]. — Mevrouw [naam] is tevreden; effectief."
    assert by_title["Geluidsinstallatie laten keuren"].status == "Open"


@pytest.fixture
def register_of_measures(db, staff) -> None:
    """Measures set up, implemented and checked on known days around the first half of 2026."""
    anouk, ruud = staff["anouk"], staff["ruud"]

    def measure(title: str, created: str, due: str, implemented: str = "", checked: str = "",
                effective: bool = True) -> None:
        with acting_at(dt.datetime.fromisoformat(created)):
            m = measures.create(anouk, title, ruud, dt.date.fromisoformat(due), source="trend")
        if implemented:
            with acting_at(dt.datetime.fromisoformat(implemented)):
                m = measures.implement(ruud, m, True)
        if checked:
            with acting_at(dt.datetime.fromisoformat(checked)):
                measures.record_check(anouk, m, "Steekproef.", "Conclusie.", effective)

    measure("Al effectief in 2025", "2025-09-01 10:00", "2025-10-01", "2025-10-01 10:00", "2025-12-01 10:00")
    measure("Loopt sinds 2025, te laat", "2025-10-01 10:00", "2026-02-01")
    measure("Niet effectief in januari", "2025-11-01 10:00", "2026-09-01", "2025-12-01 10:00", "2026-01-15 10:00",
            effective=False)
    measure("Nieuw en effectief", "2026-02-01 10:00", "2026-03-01", "2026-03-01 10:00", "2026-04-01 10:00")
    measure("Nieuw, wacht op toetsing", "2026-03-01 10:00", "2026-08-01", "2026-04-01 10:00")
    measure("Na de periode ingesteld", "2026-07-02 10:00", "2026-10-01")


def test_measure_summary_counts_exactly_the_measures_of_the_table(register_of_measures, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    assert [m.title for m in report.measures] == [
        "Loopt sinds 2025, te laat", "Nieuw en effectief", "Nieuw, wacht op toetsing", "Niet effectief in januari"]
    assert report.measure_summary.startswith(
        "In 1e halfjaar 2026 liepen 4 verbetermaatregelen: 2 ingesteld in de periode, 2 van eerder.")
    assert report.measure_summary.endswith("Stand op 8 juli 2026: open 1; ingevoerd, te toetsen 1; effectief 1; "
                                           "niet effectief 1; over de streefdatum 1.")
    assert "nieuw ingesteld: 0" not in pdf_text(periodic.render(report))


def test_annual_report_has_trend_evaluation_and_recommendations(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026"), TODAY)
    assert [y.label for y in report.years] == ["2024", "2025", "2026"]
    assert report.years[-1].complaints == report.current.complaints
    assert len(report.evaluation) >= 6 and report.recommendations
    text = pdf_text(reporting.make(staff["anouk"], "2026", today=TODAY))
    for heading in ("Jaarverslag klachten 2026", "Trendanalyse over de jaren", "Doorlooptijden en termijnen",
                    "Verbetermaatregelen en hun effectiviteit", "Beoordeling van de klachtenprocedure",
                    "Aanbevelingen"):
        assert heading in text
    assert f"Meldingen ontvangen {report.current.reports:,}".replace(",", ".") in text


def test_reports_are_pdf_a_with_embedded_fonts(year, staff, tmp_path):
    files = {code: reporting.make(staff["anouk"], code, today=TODAY) for code in ("2026H1", "2026")}
    for pdf in files.values():
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert pdfa.unembedded_fonts(document) == []
    assert verapdf(files, tmp_path) == {"2026H1": [], "2026": []}


def test_only_managers_make_reports_and_only_of_half_years_and_years(year, staff):
    with pytest.raises(PermissionDeniedError):
        reporting.make(staff["sanne"], "2026H1", today=TODAY)
    with pytest.raises(ValidationError):
        reporting.make(staff["anouk"], "2026-01-01..2026-03-31", today=TODAY)


def test_report_command_writes_the_pdf(year, db, capsys, tmp_path, cli_signed_in):
    cli_signed_in()
    target = tmp_path / "halfjaar.pdf"
    assert cli.main(["report", "--period", "2026H1", "--db", db, "-o", str(target)]) == 0
    assert "1e halfjaar 2026" in capsys.readouterr().out
    assert "Halfjaarrapportage klachten 1e halfjaar 2026" in pdf_text(target.read_bytes())
    assert cli.main(["report", "--period", "2026Q3", "--db", db, "-o", str(target)]) == 1
    assert "Onbekende periode" in capsys.readouterr().err


@pytest.mark.parametrize("code", ["2019H2", "2019"])
def test_report_on_a_period_without_complaints(db, staff, code):
    text = pdf_text(reporting.make(staff["anouk"], code, today=TODAY))
    assert "Er waren in deze periode geen uitzonderlijke of complexe klachten." in text
    assert "De cijfers geven geen aanleiding tot nieuwe aanbevelingen." in text


def figures(label: str, ack: tuple[int, int] = (50, 55), answered: tuple[int, int] = (47, 50)) -> YearFigures:
    return YearFigures(label=label, reports=60, complaints=55, inquiries=5, ack_on_time=ack[0], ack_due=ack[1],
                       answered_on_time=answered[0], answer_due=answered[1], median_days=3, p90_days=6, escalated=2,
                       extended=1)


def sample(**changes) -> periodic.PeriodicReport:
    """A half-year report laid out from figures the test chooses, without a database."""
    report = periodic.PeriodicReport(
        kind=HALF_YEAR, organisation="Stichting Voorbeeld", period_label="1e halfjaar 2026",
        previous_label="1e halfjaar 2025", made_on=TODAY, current=figures("1e halfjaar 2026"),
        previous=figures("1e halfjaar 2025"), open_now=3, overdue_now=1, confidential_count=0,
        by_kind=[Counted("Klacht", 55, 50), Counted("Navraag", 5, 4)],
        by_category=[Counted("Niet ophalen", 30, 25), Counted("Overig", 25, 25)],
        by_channel=[Counted("Telefoon", 55, 50)], by_severity=[Counted("Laag", 55, 50)], verdicts=[],
        satisfaction=[], months=[(m, 9, 8) for m in ("jan", "feb", "mrt", "apr", "mei", "jun")],
        handling=[("0–2", 20), ("3–5", 30)], exceptional=[], exceptional_notes=[], measures=[],
        measure_summary="In 1e halfjaar 2026 liep geen verbetermaatregel.",
        recommendations=[Recommended("Ga zo door.")])
    return dataclasses.replace(report, **changes)


def test_differences_are_counts_with_a_percentage_only_from_twenty_on():
    text = pdf_text(periodic.render(sample(by_category=[
        Counted("Niet ophalen", 7, 0), Counted("Geluid theaters", 24, 1), Counted("Tijdstip ophalen", 19, 19),
        Counted("Overig", 473, 152), Counted("Pauze", 30, 40)])))
    assert "Niet ophalen 7 0 +7 " in text and "Geluid theaters 24 1 +23 " in text  # not “nieuw”, not “+2300%”
    assert "Tijdstip ophalen 19 19 0 " in text
    assert "Overig 473 152 +321 (+211%)" in text and "Pauze 30 40 −10 (−25%)" in text
    assert "Totaal 553 212 +341 (+161%)" in text
    assert "een percentage alleen als het om ten minste 20 klachten gaat" in text


def test_shares_show_counts_and_a_percentage_only_from_twenty_on():
    report = sample(current=figures("1e halfjaar 2026", ack=(3, 4), answered=(508, 509)),
                    previous=figures("1e halfjaar 2025", ack=(0, 0), answered=(412, 438)))
    text = pdf_text(periodic.render(report))
    assert "Ontvangst op tijd bevestigd 3 van 4 –" in text
    assert "Op tijd beantwoord 508 van 509 (99,8%) 412 van 438 (94%)" in text  # 508 of 509 is not 100%


def test_tables_and_monthly_chart_compare_with_the_same_half_year_a_year_earlier(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    earlier = [c for c in Complaint.select() if c.kind == "complaint"
               and dt.date(2025, 1, 1) <= c.received_at.date() <= dt.date(2025, 6, 30)]
    assert report.previous_label == "1e halfjaar 2025" and report.previous.label == "1e halfjaar 2025"
    assert report.by_kind[0].previous == report.previous.complaints == len(earlier)
    assert [before for _month, _now, before in report.months] == [
        sum(c.received_at.month == month for c in earlier) for month in range(1, 7)]
    text = pdf_text(periodic.render(report))
    assert "naast dezelfde periode een jaar eerder (1e halfjaar 2025)" in text
    assert "Klachten per maand, 1e halfjaar 2026 naast een jaar eerder (1e halfjaar 2025)" in text


def test_evaluation_states_the_norm_of_every_verdict(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026"), TODAY)
    assert all(a.norm for a in report.evaluation)
    measures_row = next(a for a in report.evaluation if a.criterion == "Maatregelen om herhaling te voorkomen")
    assert measures_row.meets is None and measures_row.norm.startswith("geen norm")
    answered = next(a for a in report.evaluation if a.criterion.startswith("De klager krijgt binnen de termijn"))
    assert answered.norm == "ten minste 90% op tijd"
    assert answered.meets == (report.current.answered_on_time >= 0.9 * report.current.answer_due)
    text = pdf_text(periodic.render(report))
    assert "Criterium Bevinding Norm Oordeel" in text and "geen oordeel" in text


def test_judgement_without_a_norm_reads_geen_oordeel():
    report = sample(kind=ANNUAL, years=[figures("2026")], evaluation=[
        Assessment("Met norm", "9 van 10.", "ten minste 80%", True),
        Assessment("Zonder norm", "3 maatregelen.", "geen norm", None)])
    text = pdf_text(periodic.render(report))
    assert "Met norm 9 van 10. ten minste 80% voldoet" in text
    assert "Zonder norm 3 maatregelen. geen norm geen oordeel" in text


def test_running_text_counts_with_proper_plurals(db, staff):
    register(staff, dt.datetime(2026, 5, 4, 10), anonymous=True, description="Niemand belde terug.")
    report = reporting.gather(staff["anouk"], reporting.report_period("2026"), TODAY)
    text = pdf_text(periodic.render(report))
    assert "Van de klachten uit 2026 is er vandaag nog 1 open, waarvan 1 over de termijn." in text
    assert "1 klacht uit deze periode staat nog over de termijn open: handel die met voorrang af." in text
    assert "1 klacht geregistreerd;" in text
    assert "(en)" not in text and "staan er vandaag 1" not in text


def test_no_report_text_hedges_plurals_with_en(year, staff):
    for code in ("2026H1", "2026"):
        assert "(en)" not in pdf_text(reporting.make(staff["anouk"], code, today=TODAY))


def test_deadlines_chart_starts_its_axis_near_the_values_and_says_so():
    assert charts.percent_floor([94.0, 100.0]) == 90 and charts.percent_floor([90.0, 99.0]) == 80
    assert charts.percent_floor([40.0, 100.0]) == 0
    report = sample(kind=ANNUAL, years=[figures("2025", ack=(100, 100), answered=(100, 100)),
                                                 figures("2026", ack=(94, 100), answered=(96, 100))])
    text = pdf_text(periodic.render(report))
    assert "Termijnen gehaald (%), de as begint bij 90%" in text
    few = sample(kind=ANNUAL, years=[figures("2026", ack=(3, 4), answered=(2, 4))])
    assert "geen jaar met ten minste 20 klachten" in pdf_text(periodic.render(few))


def test_no_page_holds_a_lone_bullet_or_table_row():
    """However the sections fall over the pages, a break leaves at least two items on either side."""
    recommendations = [Recommended(f"Aanbeveling nummer {i}: " + "bespreek in het team wat beter kan in de "
                                   "afhandeling. " * 4) for i in range(1, 7)]
    for n in range(14, 28):  # the list, then the table, crosses the foot of a page
        lines = [MeasureLine(title=f"Maatregel nummer {i}", source="Trendanalyse", owner="Ruud Bakker",
                             due=dt.date(2026, 9, 1), status="Open", overdue=False, team_informed=False,
                             complaints=0, check="Steekproef van tien ritten. — Geen nieuwe klachten.")
                 for i in range(1, n + 1)]
        pdf = periodic.render(sample(measures=lines, recommendations=recommendations))
        pages = [page for page in text_by_page(pdf) if page.strip()]
        for number, page in enumerate(pages, start=1):
            bullets, rows = page.count("Aanbeveling nummer"), page.count("Maatregel nummer")
            assert bullets != 1 and rows != 1, (n, number, page)


def text_by_page(pdf: bytes) -> list[str]:
    return [normalised(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
