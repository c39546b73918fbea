"""The board report with the office's part read back from the PDF: conclusions, every decision, the management
review, and "Voorlopig" on a period that still runs (title page and every page's header), not on a past one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from pypdf import PdfReader

from klachtenbureau import cli
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.reviews import ADOPTED, LATER, NOT_ADOPTED
from klachtenbureau.workflow import intake, reporting, report_reviews
from klachtenbureau.workflow.report_reviews import Line
from tests.reports.pdftools import normalised

DECIDED = dt.date(2026, 7, 15)


def pages(pdf: bytes) -> list[str]:
    return [normalised(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def open_complaint(staff, when: dt.datetime, name: str = "") -> None:
    """A complaint left open past its term: the figures then recommend something."""
    relation = {"name": name, "phone": "06 11223344"} if name else None
    with acting_at(when):
        intake.register(staff["sanne"], intake.NewReport(
            received_at=when, channel="post", anonymous=not name, relation=relation,
            description="De taxi kwam niet."))


def decided_part(staff, code: str, today: dt.date) -> report_reviews.Review:
    """The quality officer's conclusions and own recommendations, the director's decisions and review."""
    _report, review = reporting.gather_with_review(staff["anouk"], reporting.report_period(code), today)
    review = report_reviews.save(staff["anouk"], dataclasses.replace(
        review, conclusions="De wachttijd aan de telefoon is de grootste ergernis.",
        recommendations=[*review.recommendations, Line("Zet een terugbelservice op."),
                         Line("Bespreek klachten maandelijks in het team.")]))
    lines = list(review.recommendations)  # the figures' last one, then the two own ones
    for index, decision, note in ((-3, LATER, ""), (-2, ADOPTED, "Vanaf september."), (-1, NOT_ADOPTED, "Te duur.")):
        lines[index] = dataclasses.replace(lines[index], decision=decision, decided_on=DECIDED, note=note)
    return report_reviews.save(staff["henk"], dataclasses.replace(
        review, recommendations=lines, review_conclusions="De methodiek werkt; de termijnen vragen aandacht.",
        reviewed_on=dt.date(2026, 7, 14)))


def test_pdf_shows_the_conclusions_each_decision_and_the_management_review(db, staff):
    open_complaint(staff, dt.datetime(2026, 5, 4, 10))
    decided_part(staff, "2026H1", dt.date(2026, 7, 8))
    text = " ".join(pages(reporting.make(staff["anouk"], "2026H1", today=dt.date(2026, 7, 16))))
    assert "Conclusies van het klachtenbureau De wachttijd aan de telefoon is de grootste ergernis." in text
    assert ("1 klacht uit deze periode staat nog over de termijn open: handel die met voorrang af. Besluit van de "
            "directie op 15 juli 2026: later besluiten.") in text
    assert ("Zet een terugbelservice op. Besluit van de directie op 15 juli 2026: overgenomen. Vanaf september."
            in text)
    assert "Bespreek klachten maandelijks in het team. Besluit van de directie op 15 juli 2026: niet overgenomen. " \
           "Te duur." in text
    assert "Uit de cijfers" in text and "Van het klachtenbureau" in text
    assert ("Conclusies van de directiebeoordeling De directiebeoordeling (systeembeoordeling) vond plaats op 14 juli "
            "2026. De methodiek werkt; de termijnen vragen aandacht.") in text
    assert "Voorlopig" not in text  # the first half-year is over


def test_a_running_period_is_marked_provisional_on_the_title_page_and_every_page(db, staff):
    open_complaint(staff, dt.datetime(2026, 9, 1, 10))
    running = pages(reporting.make(staff["anouk"], "2026H2", today=dt.date(2026, 12, 6)))
    assert len(running) > 1
    assert all("Voorlopig: t/m 6 december 2026" in page for page in running)
    assert "Voorlopig: t/m 6 december 2026 De periode loopt nog" in running[0]
    past = " ".join(pages(reporting.make(staff["anouk"], "2026H2", today=dt.date(2027, 1, 4))))
    assert "Voorlopig" not in past and "loopt nog" not in past


def test_the_offices_texts_are_anonymised_like_the_rest(db, staff):
    open_complaint(staff, dt.datetime(2026, 3, 2, 10), name="Zwaantje Kwakkelstein")
    _report, review = reporting.gather_with_review(staff["anouk"], reporting.report_period("2026H1"),
                                                   dt.date(2026, 7, 8))
    report_reviews.save(staff["anouk"], dataclasses.replace(
        review, conclusions="Zwaantje Kwakkelstein belde vaak (06 11223344).",
        recommendations=[*review.recommendations, Line("Bel Zwaantje Kwakkelstein terug.")]))
    text = " ".join(pages(reporting.make(staff["anouk"], "2026H1", today=dt.date(2026, 7, 8))))
    assert "Kwakkelstein" not in text and "11223344" not in text
    assert "[naam] belde vaak ([telefoonnummer])." in text and "Bel [naam] terug." in text


def test_the_command_line_report_holds_the_stored_part(db, staff, tmp_path, capsys, cli_signed_in):
    cli_signed_in()
    open_complaint(staff, dt.datetime(2026, 5, 4, 10))
    decided_part(staff, "2026H1", dt.date(2026, 7, 8))
    target = tmp_path / "halfjaar.pdf"
    assert cli.main(["report", "--period", "2026H1", "--db", db, "-o", str(target)]) == 0
    text = " ".join(pages(target.read_bytes()))
    assert "De wachttijd aan de telefoon is de grootste ergernis." in text and "Te duur." in text
