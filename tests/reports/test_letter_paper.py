"""The letter paper read back from the PDF: one page in the common case, the address at 10 pt in the window
(wrapped or refused, never shrunk), t.a.v. and country lines, the salutation, the reference row clear of the folds."""

from __future__ import annotations

import datetime as dt

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.reports import letters as paper
from klachtenbureau.reports.layout import Envelope, Organisation
from klachtenbureau.workflow import letters, settings
from tests.reports.conftest import JAN, ORGANISATION, answered
from tests.reports.pdftools import MM, chars, normalised, text, words

TODAY = dt.date(2026, 12, 10)
EVERY_SETTING = {**ORGANISATION, "onward_body": "De Geschilleninstantie Zorg",
                 "onward_address": "Postbus 90600, 2509 LP Den Haag, www.degeschilleninstantiezorg.nl",
                 "onward_term": "binnen een jaar nadat u uw klacht bij ons indiende"}


@pytest.fixture
def everything_filled_in(office, staff):
    settings.put(staff["admin"], "organisation", EVERY_SETTING)


def _pages(pdf: bytes) -> int:
    return max(c.page for c in chars(pdf))


def _in_window(pdf: bytes) -> list:
    """The characters printed in the default address window, below its return-address line."""
    envelope = Envelope()
    left, top = envelope.left_mm * MM, (envelope.top_mm + 8) * MM
    right, bottom = (envelope.left_mm + envelope.width_mm) * MM, (envelope.top_mm + envelope.height_mm) * MM
    return [c for c in chars(pdf) if c.page == 1 and left <= c.x0 and c.x1 <= right and top <= c.top
            and c.bottom <= bottom]


def _lines(found: list) -> list[str]:
    rows: dict[float, list] = {}
    for c in found:
        rows.setdefault(round(c.bottom), []).append(c)
    ordered = (sorted(row, key=lambda c: c.x0) for _bottom, row in sorted(rows.items()))
    return ["".join(c.text if i == 0 or c.x0 - row[i - 1].x1 < c.size / 5 else " " + c.text
                    for i, c in enumerate(row)) for row in ordered]


def test_acknowledgement_with_handler_counsellor_and_police_advice_fits_one_page(register, staff,
                                                                                everything_filled_in):
    complaint = register(assign_to=staff["petra"].id, police_report_advised=True)
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY, their_reference="JdV-7")
    content = normalised(text(pdf))
    assert "Petra Jansen" in content and "mevrouw J. de Boer" in content and "aangifte" in content
    assert _pages(pdf) == 1 and "Pagina 1 van 1" in content
    body = [c for c in chars(pdf) if 120 * MM < c.top < 270 * MM]
    assert body and min(c.size for c in body) == 10  # the text is not made smaller to fit


@pytest.mark.parametrize("verdict", ["founded", "partly_founded", "unfounded", "undetermined"])
def test_answer_in_the_common_case_fits_one_page(register, staff, everything_filled_in, verdict):
    complaint = answered(register(), staff["petra"], verdict, remedies=("compensation",),
                         measure="Planner belt bij elke wijziging")
    pdf = letters.letter_pdf(staff["petra"], complaint, "answer", today=TODAY)
    content = normalised(text(pdf))
    assert "De chauffeur kwam veertig minuten te laat" in content and "Planner belt" in content
    assert _pages(pdf) == 1, content
    assert "Met vriendelijke groet," in content and "Petra Jansen" in content


def test_a_long_name_and_street_wrap_in_the_window_at_10_pt(register, staff):
    complaint = register(relation={
        "name": "Annemarie Wilhelmina van Oldenbarnevelt-Rijckevorsel", "postcode": "2596BE",
        "street": "Burgemeester Jhr. Mr. Dr. Van Karnebeekstraat-Noordzijde 1234 bis", "city": "'s-Gravenhage"})
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY)
    window = _in_window(pdf)
    assert {c.size for c in window} == {10}
    lines = _lines(window)
    assert len(lines) == 5 and lines[-1] == "2596 BE 'S-GRAVENHAGE", lines
    assert normalised(" ".join(lines[:2])) == "Annemarie Wilhelmina van Oldenbarnevelt-Rijckevorsel"
    assert normalised(" ".join(lines[2:4])) == "Burgemeester Jhr. Mr. Dr. Van Karnebeekstraat-Noordzijde 1234 bis"


def test_an_organisation_at_a_postbus_stays_at_10_pt(register, staff):
    complaint = register(relation={"name": "Vereniging voor Ouderenzorg en Welzijn Midden-Brabant Oost",
                                   "street": "Postbus 12345", "postcode": "5000 AA", "city": "Tilburg"})
    window = _in_window(letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY))
    assert {c.size for c in window} == {10}
    assert "Postbus 12345" in _lines(window)


def test_a_long_return_address_goes_on_two_lines_rather_than_being_cut(register, staff):
    settings.put(staff["admin"], "organisation", {
        **ORGANISATION, "name": "Stichting Maatschappelijke Dienstverlening en Welzijn Midden-Brabant",
        "street": "Burgemeester van Karnebeeklaan 123", "postcode": "2596BE", "city": "'s-Gravenhage"})
    pdf = letters.letter_pdf(staff["petra"], register(), "acknowledgement", today=TODAY)
    envelope = Envelope()
    above = [c for c in chars(pdf) if c.page == 1 and envelope.top_mm * MM <= c.top
             and c.bottom <= (envelope.top_mm + 8) * MM and c.x1 <= (envelope.left_mm + envelope.width_mm) * MM]
    assert _lines(above) == ["Stichting Maatschappelijke Dienstverlening en Welzijn Midden-Brabant",
                             "Burgemeester van Karnebeeklaan 123, 2596 BE 'S-GRAVENHAGE"]
    assert min(c.size for c in above) >= 6


def test_an_address_that_does_not_fit_the_window_is_refused_before_printing(register, staff):
    settings.put(staff["admin"], "envelope", {"left_mm": 20, "top_mm": 47, "width_mm": 85, "height_mm": 30})
    complaint = register(relation={
        "name": "Vereniging voor Ouderenzorg en Welzijn Midden-Brabant Oost", "attention": "mevrouw P. de Boer",
        "street": "Burgemeester Jhr. Mr. Dr. Van Karnebeekstraat-Noordzijde 1234 bis", "postcode": "5000 AA",
        "city": "Tilburg"})
    with pytest.raises(ValidationError) as error:
        letters.letter_pdf(staff["petra"], complaint, "acknowledgement")
    assert "past niet in het venster van de envelop: het wordt 6 regels en er passen er 4" in error.value.message
    assert letters.postal_problem(complaint, short=True) == "Adres past niet in venster"
    long_word = register(relation={"name": "Jan " + "Zeer" * 20, "street": "Dorpsstraat 1", "city": "Ede"})
    with pytest.raises(ValidationError, match="te lang voor het venster"):
        letters.letter_pdf(staff["petra"], long_word, "acknowledgement")


def test_an_organisation_gets_a_tav_line_and_the_letter_greets_the_contact_person(register, staff):
    complaint = register(relation={"name": "Stichting De Brug, t.a.v. mevrouw P. de Boer", "street": "Kerkplein 1",
                                   "postcode": "3511 AB", "city": "Utrecht", "email": "info@debrug.nl"})
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY)
    assert _lines(_in_window(pdf)) == ["Stichting De Brug", "t.a.v. mevrouw P. de Boer", "Kerkplein 1",
                                       "3511 AB UTRECHT"]
    content = normalised(text(pdf))
    assert "Geachte mevrouw P. de Boer," in content and "Stichting De Brug," not in content
    assert letters.letter_email(staff["petra"], complaint, "acknowledgement").body.startswith("Geachte mevrouw P. de Boer,\n")


def test_a_foreign_address_ends_with_the_country_in_capitals(register, staff):
    complaint = register(relation={"name": "Anna Peeters", "street": "Meir 10", "postcode": "2000",
                                   "city": "Antwerpen", "country": "België"})
    lines = _lines(_in_window(letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY)))
    assert lines == ["Anna Peeters", "Meir 10", "2000 Antwerpen", "BELGIË"]


def test_the_salutation_typed_with_the_complainant_opens_the_letter_and_the_email(register, staff):
    complaint = register(relation={**JAN, "salutation": "Geachte heer De Vries"})
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY)))
    assert "Geachte heer De Vries," in content and "Jan de Vries," not in content
    assert letters.letter_email(staff["petra"], complaint, "acknowledgement").body.startswith("Geachte heer De Vries,\n")
    partner = register(relation={"name": "Taxibedrijf Snel", "relation_type": "supplier", "street": "Weg 1",
                                 "city": "Ede"})
    assert letters.letter_values(partner)["aanhef"] == "Geachte heer, mevrouw"


def test_an_office_text_that_kept_beste_naam_still_works(register, staff):
    settings.put(staff["petra"], "letter_texts", {"acknowledgement": {
        "body": "Beste {naam},\n\nUw klacht {klachtnummer} is binnen.\n\nMet vriendelijke groet,"}})
    complaint = register()
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "acknowledgement", today=TODAY)))
    assert f"Beste Jan de Vries, Uw klacht {complaint.number} is binnen." in content


@pytest.mark.parametrize("window", [
    {},  # the default: below it, the row would sit on the first fold
    {"top_mm": 40, "height_mm": 50},
    {"top_mm": 10, "height_mm": 35},
    {"top_mm": 45, "height_mm": 40},
    {"top_mm": 110, "height_mm": 80},  # down to the second fold
])
def test_the_reference_row_keeps_clear_of_the_folds_whatever_the_window(register, staff, window):
    settings.put(staff["admin"], "envelope", {**settings.get("envelope"), **window})
    pdf = letters.letter_pdf(staff["petra"], register(), "acknowledgement", today=TODAY)
    found = [w for w in words(pdf) if w.page == 1]
    label = next(w for w in found if w.text == "Datum")
    row = [w for w in found if label.top - 1 <= w.top and w.bottom <= label.bottom + 6 * MM]
    assert {"Datum", "kenmerk", "december", "2026"} <= {w.text for w in row}
    for fold in (99, 198):
        assert all(w.bottom < (fold - 1) * MM or w.top > (fold + 1) * MM for w in row), (fold, row)
    envelope = Envelope.from_settings(settings.get("envelope"))
    assert label.top > (envelope.top_mm + envelope.height_mm) * MM  # under the window, never in it


def test_dates_amounts_and_phone_numbers_never_break_over_two_lines(tmp_path):
    filler = [" ".join(["woord"] * 12) + " " + "x" * n for n in range(30)]
    body = "\n\n".join(f"{words_} op 10 december 2026 en € 25,00 via 020 123 4567." for words_ in filler)
    pdf = paper.render(paper.Letter(organisation=Organisation.from_settings(ORGANISATION), envelope=Envelope(),
                                    recipient=["Jan de Vries", "Dorpsstraat 12", "1234 AB  AMSTERDAM"], date=TODAY,
                                    our_reference="K2026-0001", subject="Proef", body=body))
    found = [w for w in words(pdf) if w.top > (110 if w.page == 1 else 20) * MM]  # the text, not the headers
    for i, word in enumerate(found):
        if word.text in ("december", "€", "123"):
            before, after = found[i - 1], found[i + 1]
            assert (before.page, before.top) == (word.page, word.top) == (after.page, after.top), (before, after)
    assert sum(w.text == "december" for w in found) == 30
