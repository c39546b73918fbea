"""Letters read back from the PDF: names, address in the window, numbers, dates, fonts, PDF/A."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest

from klachtenbureau.errors import PermissionDeniedError, TransitionNotAllowedError, ValidationError
from klachtenbureau.i18n import format_date
from klachtenbureau.reports import pdfa
from klachtenbureau.workflow import letters, procedure, settings
from tests.reports.conftest import answered
from tests.reports.pdftools import MM, normalised, text, verapdf, words

TODAY = dt.date(2026, 3, 4)
ADDRESS = ["Jan", "de", "Vries", "Dorpsstraat", "12", "1234", "AB", "AMSTERDAM"]


def _address_words(pdf: bytes):
    """The recipient's words in reading order: the first run of ADDRESS on page 1."""
    found = [w for w in words(pdf) if w.page == 1]
    texts = [w.text for w in found]
    for start in range(len(texts) - len(ADDRESS) + 1):
        if texts[start:start + len(ADDRESS)] == ADDRESS:
            return found[start:start + len(ADDRESS)]
    raise AssertionError(f"address not found in {texts[:60]}")


def _inside_window(word, left=20, top=47, width=85, height=45) -> bool:
    return (left * MM <= word.x0 and word.x1 <= (left + width) * MM
            and top * MM <= word.top and word.bottom <= (top + height) * MM)


def test_acknowledgement_names_the_complainant_number_and_dates(register, staff):
    complaint = register()
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY, their_reference="JdV-7")
    content = normalised(text(pdf))
    for needle in ("Jan de Vries", "Dorpsstraat 12", "1234 AB AMSTERDAM", complaint.number, "JdV-7",
                   format_date(TODAY), format_date(complaint.received_at.date()), format_date(complaint.answer_by),
                   "Beste Jan de Vries,", "Petra Jansen", "Stichting Vier het Leven", "Ontvangstbevestiging",
                   "mevrouw J. de Boer", "Pagina 1 van 1"):
        assert needle in content, needle
    assert "{" not in content


def test_address_lies_inside_the_window_with_postnl_spacing(register, staff):
    pdf = letters.letter_pdf(staff["petra"], register(), "acknowledgement", today=TODAY)
    address = _address_words(pdf)
    assert all(_inside_window(w) for w in address), address
    postcode_letters, town = address[6], address[7]
    gap_in_postcode = postcode_letters.x0 - address[5].x1
    assert town.x0 - postcode_letters.x1 > 1.6 * gap_in_postcode  # two spaces before the town
    return_line = [w for w in words(pdf) if w.page == 1 and w.text == "Keizersgracht" and _inside_window(w)]
    assert return_line and return_line[0].bottom < address[0].top  # the return address sits above


def test_envelope_offsets_from_the_settings_move_the_address(register, staff):
    settings.put(staff["admin"], "envelope", {"left_mm": 110, "top_mm": 50, "width_mm": 85, "height_mm": 40})
    pdf = letters.letter_pdf(staff["petra"], register(), "acknowledgement", today=TODAY)
    address = _address_words(pdf)
    assert all(_inside_window(w, left=110, top=50, height=40) for w in address)
    assert not any(_inside_window(w) for w in address)


def test_anonymous_complaint_gets_no_letter_but_a_clear_message(register, staff):
    complaint = register(anonymous=True, relation=None)
    with pytest.raises(ValidationError) as error:
        letters.letter_pdf(staff["petra"], complaint, "acknowledgement")
    assert error.value.message == (f"Klacht {complaint.number} is anoniem ingediend: er is geen adres om een brief "
                                   "naar te sturen.")


def test_complainant_without_street_gets_no_letter(register, staff):
    complaint = register(relation={"name": "Els Bos", "phone": "06 12345678"})
    with pytest.raises(ValidationError, match="geen volledig postadres"):
        letters.letter_pdf(staff["petra"], complaint, "acknowledgement")


@pytest.mark.parametrize("verdict, sentence", [
    ("founded", "Wij vinden uw klacht gegrond: u heeft gelijk."),
    ("partly_founded", "Wij vinden uw klacht deels gegrond."),
    ("unfounded", "Op grond daarvan vinden wij uw klacht ongegrond."),
    ("undetermined", "wij kunnen niet met zekerheid vaststellen wat er precies is gebeurd"),
])
def test_answer_letter_follows_the_verdict(register, staff, verdict, sentence):
    complaint = answered(register(), staff["petra"], verdict, measure="Planner belt bij elke wijziging")
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "answer", today=TODAY)))
    assert sentence in content
    assert "De chauffeur kwam veertig minuten te laat" in content
    assert "Planner belt bij elke wijziging" in content
    assert "onafhankelijke derde" in content and "mediation" in content
    if verdict != "unfounded":
        assert "een schadeloosstelling van € 25,00 toegekend" in content


def test_answer_letter_waits_for_the_verdict(register, staff):
    with pytest.raises(TransitionNotAllowedError, match="oordeel"):
        letters.letter_pdf(staff["petra"], register(), "answer")


def test_extension_notice_gives_the_reason_and_the_new_date(register, staff):
    complaint = procedure.acknowledge(staff["petra"], register(), "phone")
    with pytest.raises(TransitionNotAllowedError, match="niet verlengd"):
        letters.letter_pdf(staff["petra"], complaint, "extension")
    new_date = settings.calendar().add_working_days(complaint.answer_by, 5)
    complaint = procedure.extend(staff["petra"], complaint, new_date, "Wij wachten op het theater", True)
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "extension", today=TODAY)))
    assert "De reden hiervan is: Wij wachten op het theater." in content
    assert f"U krijgt uiterlijk {format_date(new_date)} ons antwoord." in content


def test_aftercare_letter_follows_the_answer(register, staff):
    complaint = register()
    with pytest.raises(TransitionNotAllowedError, match="nog niet beantwoord"):
        letters.letter_pdf(staff["petra"], complaint, "aftercare")
    complaint = answered(complaint, staff["petra"])
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "aftercare", today=TODAY)))
    assert f"Op {format_date(complaint.answered_at.date())} hebben wij u ons antwoord gestuurd" in content
    assert "naar tevredenheid" in content


def test_long_letter_numbers_its_pages_and_repeats_the_reference(register, staff):
    complaint = register()
    complaint = answered(complaint, staff["petra"])
    long_answer = "\n\n".join(f"Alinea {i}: " + "Wij hebben dit onderdeel zorgvuldig nagegaan. " * 6 for i in range(12))
    complaint = procedure.reopen(staff["petra"], procedure.close(staff["petra"], complaint), "aanvulling")
    complaint = procedure.record_verdict(staff["petra"], complaint, "founded")
    complaint = procedure.answer(staff["petra"], complaint, long_answer)
    pdf = letters.letter_pdf(staff["petra"], complaint, "answer", today=TODAY)
    pages = [page for page in text(pdf).split("\f") if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Pagina {number} van {len(pages)}" in page
        if number > 1:
            assert f"Ons kenmerk {complaint.number}" in normalised(page)
    assert "Alinea 11" in normalised(" ".join(pages[1:])) and "Met vriendelijke groet," in pages[-1]


def test_police_advice_only_when_it_was_given(register, staff):
    plain = normalised(text(letters.letter_pdf(staff["petra"], register(), "acknowledgement")))
    advised = normalised(text(letters.letter_pdf(staff["petra"], register(police_report_advised=True),
                                                 "acknowledgement")))
    assert "aangifte" not in plain and "aangifte te doen bij de politie" in advised


def test_intake_cannot_print_letters_about_complaints_it_cannot_see(register, staff):
    complaint = register(confidential=True)
    with pytest.raises(PermissionDeniedError):
        letters.letter_pdf(staff["anouk"], complaint, "acknowledgement")


def test_every_letter_embeds_its_fonts_and_is_pdfa_2b(register, staff, tmp_path):
    done = answered(register(), staff["petra"], "partly_founded", measure="Planner belt")
    waiting = procedure.acknowledge(staff["petra"], register(), "phone")
    waiting = procedure.extend(staff["petra"], waiting, settings.calendar().add_working_days(waiting.answer_by, 3),
                               "extra gesprek nodig", True)
    made = {kind: letters.letter_pdf(staff["petra"], done, kind) for kind in ("acknowledgement", "answer",
                                                                              "aftercare")}
    made["extension"] = letters.letter_pdf(staff["petra"], waiting, "extension")
    for pdf in made.values():
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert pdfa.unembedded_fonts(document) == []
            assert str(document.open_metadata()["pdfaid:part"]) == "2"
    assert verapdf(made, tmp_path) == {kind: [] for kind in made}
