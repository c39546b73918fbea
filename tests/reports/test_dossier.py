"""The archive dossier: complete, every appendix in it, and valid PDF/A-2b."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pikepdf
import pypdfium2
import pytest
from PIL import Image
from reportlab.lib.colors import blue, red
from reportlab.pdfgen import canvas

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.reports import pdfa
from klachtenbureau.reports.dossier_facts import day
from klachtenbureau.workflow import dossier_data, editing, letters, procedure
from tests.reports.conftest import answered
from tests.reports.pdftools import normalised, text, verapdf

EMAIL = (b"From: Jan de Vries <jan.devries@example.nl>\r\nTo: klachten@vierhetleven.nl\r\n"
         b"Subject: Klacht over de taxi\r\nDate: Tue, 3 Mar 2026 10:00:00 +0100\r\n"
         b"Content-Type: text/html; charset=utf-8\r\n\r\n"
         b"<p>Beste mensen,</p><p>De taxi kwam veel te laat &amp; ik miste de voorstelling.</p>")


def _foreign_pdf(label: str, colour, pages: int) -> bytes:
    """A PDF as a scanner or another program makes it: Helvetica, not embedded, a coloured block per page."""
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    for page in range(1, pages + 1):
        drawing.setFont("Helvetica", 14)
        drawing.drawString(72, 760, f"{label}, pagina {page}")
        drawing.setFillColor(colour)
        drawing.rect(150, 300, 300, 300, stroke=0, fill=1)
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def _colour_pixels(pdf: bytes, page_index: int, channel: int) -> int:
    """Pixels of the page where one colour channel dominates strongly (rendered at 40 dpi)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page_index].render(scale=40 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    data = image.tobytes()
    count = 0
    for start in range(0, len(data), 3):
        pixel = data[start:start + 3]
        others = [value for i, value in enumerate(pixel) if i != channel]
        count += pixel[channel] > 180 and max(others) < 90
    return count


def _pages(pdf: bytes) -> list[str]:
    return [normalised(page) for page in text(pdf).split("\f")][:-1]


@pytest.fixture
def full_complaint(register, staff):
    """An answered postal complaint with a printed acknowledgement, two attached PDFs and 200 contacts."""
    petra = staff["petra"]
    complaint = register()
    letters.record_letter(petra, complaint, "acknowledgement",
                          letters.letter_pdf(petra, complaint, "acknowledgement"), printed=True)
    complaint = answered(complaint.__class__.get_by_id(complaint.id), petra,
                         measure="Planner belt bij elke wijziging van de ophaaltijd")
    editing.attach_document(petra, complaint, "scan-a.pdf", None, _foreign_pdf("Brief A", red, 1))
    editing.attach_document(petra, complaint, "scan-b.pdf", None, _foreign_pdf("Brief B", blue, 2))
    for i in range(200):
        procedure.add_contact(petra, complaint, f"Contact {i:03d} met de klager over de voortgang.",
                              method="phone", direction="out")
    return complaint


def test_dossier_with_200_entries_and_two_attached_pdfs_is_complete(full_complaint, staff):
    pdf = letters.dossier_pdf(staff["petra"], full_complaint)
    pages = _pages(pdf)
    everything = " ".join(pages)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == len(pages)
    for i, page in enumerate(pages, start=1):
        assert f"Pagina {i} van {len(pages)}" in page
    assert f"Klachtdossier {full_complaint.number}" in pages[0] and "Jan de Vries" in everything
    assert "Tijdlijn (" in everything
    assert all(f"Contact {i:03d} met de klager" in everything for i in range(200))
    for section in ("Registratie", "Klager", "De klacht", "Onderzoek", "Oordeel, herstel en antwoord",
                    "Verbetermaatregelen", "Documenten", "Audittrail"):
        assert section in everything
    assert "Planner belt bij elke wijziging van de ophaaltijd" in everything
    assert "De planning is gewijzigd zonder te bellen." in everything  # the investigation
    # Appendix 1, the letter as it was sent, with its text intact.
    letter_pages = [p for p in pages if "Bijlage 1:" in p]
    assert letter_pages and "Ontvangstbevestiging van uw klacht" in letter_pages[0]
    # Appendices 2 and 3: every page of both attached PDFs, drawn as images.
    a = [i for i, p in enumerate(pages) if "Pagina 1 van 1 van het origineel" in p]
    b = [i for i, p in enumerate(pages) if "van 2 van het origineel" in p]
    assert "Bijlage 2: scan-a.pdf" in pages[a[0]] and "Bijlage 3: scan-b.pdf" in pages[b[0]]
    assert len(a) == 1 and len(b) == 2
    assert _colour_pixels(pdf, a[0], channel=0) > 1000  # the red block of scan A
    assert all(_colour_pixels(pdf, i, channel=2) > 1000 for i in b)  # the blue blocks of scan B


def test_dossier_is_valid_pdfa_2b(full_complaint, staff, tmp_path):
    petra = staff["petra"]
    photo = io.BytesIO()
    Image.new("RGBA", (400, 300), (30, 160, 60, 120)).save(photo, "PNG")  # transparency must be flattened
    editing.attach_document(petra, full_complaint, "foto.png", None, photo.getvalue())
    editing.attach_document(petra, full_complaint, "mail.eml", None, EMAIL)
    pdf = letters.dossier_pdf(petra, full_complaint)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        intent = document.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[36:40] == b"acsp" and profile[8] == 2  # an ICC profile, version 2
        meta = document.open_metadata()
        assert (str(meta["pdfaid:part"]), str(meta["pdfaid:conformance"])) == ("2", "B")
        assert pdfa.unembedded_fonts(document) == []  # the attached PDFs used Helvetica
    content = " ".join(_pages(pdf))
    assert "De taxi kwam veel te laat & ik miste de voorstelling." in content
    assert "Klacht over de taxi" in content
    assert verapdf({"dossier": pdf}, tmp_path) == {"dossier": []}


def test_validator_really_rejects_a_plain_reportlab_pdf(tmp_path):
    result = verapdf({"plain": _foreign_pdf("Brief", red, 1)}, tmp_path)["plain"]
    assert any(rule.startswith("6.2.11.4.1") for rule in result), result  # font not embedded


def test_damaged_attachment_is_named_not_fatal(register, staff):
    complaint = register()
    editing.attach_document(staff["petra"], complaint, "kapot.pdf", None, b"%PDF-1.4 dit is geen pdf")
    content = " ".join(_pages(letters.dossier_pdf(staff["petra"], complaint)))
    assert "Bijlage 1: kapot.pdf Dit bestand kon niet worden weergegeven" in content


def test_dossier_of_an_anonymous_complaint_says_so(register, staff):
    complaint = register(anonymous=True, relation=None)
    content = " ".join(_pages(letters.dossier_pdf(staff["petra"], complaint)))
    assert "Anoniem ingediend" in content and "Er zijn geen brieven" in content


def test_dossier_only_for_who_may_see_the_complaint(register, staff):
    complaint = register(confidential=True)
    with pytest.raises(PermissionDeniedError):
        letters.dossier_pdf(staff["anouk"], complaint)


def test_dossier_gives_the_motivation_of_the_verdict_and_the_reason_for_escalating(register, staff):
    petra = staff["petra"]
    complaint = procedure.acknowledge(petra, register(assign_to=petra.id), "phone")
    procedure.investigate(petra, complaint, "De planning is gewijzigd zonder te bellen.")
    procedure.record_verdict(petra, complaint, "founded", "De klager is niet gebeld, zoals afgesproken.")
    procedure.escalate(petra, complaint, "director", "De klager wil de directeur spreken.")
    content = " ".join(_pages(letters.dossier_pdf(petra, complaint)))
    assert "Motivering oordeel De klager is niet gebeld, zoals afgesproken." in content
    assert "Reden escalatie De klager wil de directeur spreken." in content


def _font_programs(pdf: bytes) -> dict[str, set[str]]:
    """Each embedded font's name -> the SHA-256 of every font program going by that name, on pages and in stamps."""
    found: dict[str, set[str]] = {}

    def walk(resources) -> None:
        for font in (resources.get("/Font") or {}).values():
            descriptor = font.FontDescriptor
            assert descriptor.FontName == font.BaseFont
            found.setdefault(str(font.BaseFont), set()).add(hashlib.sha256(descriptor.FontFile2.read_bytes()).hexdigest())
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                walk(xobject.Resources)

    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            walk(page.Resources)
    return found


def test_every_font_subset_has_a_tag_of_its_own(full_complaint, staff):
    petra = staff["petra"]
    dossier = letters.dossier_pdf(petra, full_complaint)
    for pdf in (dossier, letters.letter_pdf(petra, full_complaint, "answer")):
        programs = _font_programs(pdf)
        assert all(re.fullmatch(r"/[A-Z]{6}\+LiberationSans(-Bold|-Italic)?", name) for name in programs), programs
        assert all(len(digests) == 1 for digests in programs.values()), programs
    # The main part, the stored letter, the appendix pages and the page stamps each bring their own subsets.
    assert len(_font_programs(dossier)) >= 4


def test_dossier_speaks_dutch_in_one_date_style(register, staff):
    petra = staff["petra"]
    complaint = register(incident_date=dt.date.today() - dt.timedelta(days=3))
    letters.record_letter(petra, complaint, "acknowledgement",
                          letters.letter_pdf(petra, complaint, "acknowledgement"), printed=True)
    complaint = answered(complaint.__class__.get_by_id(complaint.id), petra)
    complaint = procedure.aftercare(petra, complaint, "yes")
    pages = _pages(letters.dossier_pdf(petra, complaint))
    main = " ".join(p for p in pages if "Bijlage 1:" not in p)  # the letter keeps its own long dates
    assert "tevredenheid: tevreden" in main and "Nazorg vastgelegd" in main and "naar de klachtencommissie: nee" in main
    assert f"Datum van het voorval {day(dt.date.today() - dt.timedelta(days=3))}" in main
    documents = main.split("Documenten Bijlage", 1)[1].split("Brieven zijn", 1)[0]
    assert "Brief" in documents.split()  # the kind of the stored letter
    for code in ("False", "True", "None", "satisfaction", "advisory_committee", "acknowledgement", " letter ",
                 "founded", "in_progress", "(gewijzigd)"):
        assert code not in main, code
    assert not re.search(r"\d{4}-\d\d-\d\dT", main)  # no ISO moments
    long_months = r"\d (januari|februari|maart|april|juni|juli|augustus|september|oktober|november|december) \d{4}"
    assert not re.search(long_months, main)


def test_dossier_and_window_show_the_same_facts(register, staff):
    petra = staff["petra"]
    complaint = answered(register(), petra, measure="Planner belt bij elke wijziging")
    facts = dossier_data.load(petra, complaint.id).facts
    main = " ".join(_pages(letters.dossier_pdf(petra, complaint)))
    for line in facts.history:
        assert normalised(f"{line.at} {line.by} {line.action} {line.changes}") in main
    for line in facts.timeline:
        assert normalised(f"{line.at} {line.by} {line.kind}") in main and line.summary in main
    for label, value in facts.registration + facts.outcome:
        assert normalised(f"{label} {value}") in main


def test_heading_stays_with_a_long_description_instead_of_leaving_half_a_page_blank(register, staff):
    description = " ".join(f"Zin {i} over de taxi die weer te laat kwam en waar niemand over belde." for i in range(60))
    complaint = register(description=description)
    pages = _pages(letters.dossier_pdf(staff["petra"], complaint))
    first = next(i for i, page in enumerate(pages) if "De klacht Omschrijving" in page)
    assert "Zin 0 over de taxi" in pages[first]  # the description starts under its heading, on the same page
    assert "Zin 59 over de taxi" in " ".join(pages[first:first + 2])


def test_confidential_dossier_says_so_at_the_top(register, staff):
    complaint = register(confidential=True)
    first = _pages(letters.dossier_pdf(staff["fatima"], complaint))[0]
    assert "Vertrouwelijke klacht: alleen voor wie de klacht mag inzien." in first and "Vertrouwelijk Ja" in first
