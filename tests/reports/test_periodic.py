"""The half-year report for the board and the annual report: their numbers, and no personal data in them."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from pypdf import PdfReader

from klachtenbureau import cli
from klachtenbureau.errors import PermissionDeniedError, ValidationError
from klachtenbureau.models import Complaint, Relation
from klachtenbureau.models.base import acting_at
from klachtenbureau.reports import pdfa
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


def test_exceptional_complaints_are_the_severe_complex_and_escalated_ones_without_confidential(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    listed = {e.number for e in report.exceptional}
    expected = {c.number for c in Complaint.select() if c.kind == "complaint" and not c.confidential
                and dt.date(2026, 1, 1) <= c.received_at.date() <= dt.date(2026, 6, 30)
                and (c.severity == 4 or c.complex_sensitive or c.escalation_level)}
    assert listed == expected and {year["kwakkel"].number, year["oudenhoven"].number} <= listed
    kwakkel = next(e for e in report.exceptional if e.number == year["kwakkel"].number)
    assert kwakkel.summary.startswith("Mevrouw [naam] ([adres], [postcode], [telefoonnummer]) is niet opgehaald")
    assert "Haar buurman [naam] belde ons." in kwakkel.summary
    oudenhoven = next(e for e in report.exceptional if e.number == year["oudenhoven"].number)
    assert "geëscaleerd naar directeur" in oudenhoven.reasons


def test_every_measure_with_its_status_and_anonymised_check(year, staff):
    report = reporting.gather(staff["anouk"], reporting.report_period("2026H1"), TODAY)
    by_title = {m.title: m for m in report.measures}
    checked = by_title["Chauffeurs melden het als [naam] niet opendoet"]
    assert (checked.status, checked.overdue, checked.team_informed) == ("Effectief", False, True)
    assert checked.check == "[naam] gebeld op [telefoonnummer]. — Mevrouw [naam] is tevreden; effectief."
    assert by_title["Geluidsinstallatie laten keuren"].status == "Open"
    assert len(report.measures) == measures.Measure.select().where(
        (measures.Measure.status != "effective") | (measures.Measure.checked_at >= dt.datetime(2026, 1, 1))).count()


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


def test_report_command_writes_the_pdf(year, db, capsys, tmp_path):
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
