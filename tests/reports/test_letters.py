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
                   "Geachte Jan de Vries,", "Petra Jansen", "Stichting Vier het Leven", "Ontvangstbevestiging",
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
    ("unfounded", "Wij vinden uw klacht ongegrond."),
    ("undetermined", "Wij kunnen niet met zekerheid vaststellen wat er precies is gebeurd"),
])
def test_answer_letter_follows_the_verdict(register, staff, verdict, sentence):
    complaint = answered(register(), staff["petra"], verdict, measure="Planner belt bij elke wijziging")
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "answer", today=TODAY)))
    assert sentence in content
    assert "De chauffeur kwam veertig minuten te laat" in content
    assert "Planner belt bij elke wijziging" in content
    assert "onafhankelijke bemiddelaar" in content and "vertrouwenspersoon: mevrouw J. de Boer" in content
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
    first_date = complaint.answer_by
    complaint = procedure.extend(staff["petra"], complaint, new_date, "wij wachten op het theater", True)
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "extension", today=TODAY)))
    assert (f"Wij hadden u uiterlijk {format_date(first_date)} antwoord beloofd, maar dat lukt ons helaas niet. "
            "Wij wachten op het theater.") in content  # the reason as the handler wrote it, as a sentence
    assert f"U krijgt nu uiterlijk {format_date(new_date)} ons antwoord." in content


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


ONWARD = {
    "klachtenregeling": ("De Geschillencommissie", "www.degeschillencommissie.nl",
                         "binnen twaalf maanden nadat u uw klacht bij ons indiende"),
    "wkkgz": ("De Geschillencommissie Zorg", "www.degeschillencommissiezorg.nl",
              "binnen een jaar nadat u uw klacht bij ons indiende"),
    "awb": ("de Nationale ombudsman", "Postbus 93122, 2509 AC Den Haag, www.nationaleombudsman.nl",
            "binnen een jaar na de datum van deze brief"),
}


def _route_onward(staff, office, profile: str, body: str | None = None) -> None:
    name, address, term = ONWARD[profile]
    settings.put(staff["admin"], "organisation", {**office, "onward_body": name if body is None else body,
                                                  "onward_address": address, "onward_term": term})
    settings.put(staff["admin"], "deadline_profile", profile)


@pytest.mark.parametrize("profile, ruling", [
    ("klachtenregeling", None),
    ("wkkgz", "De uitspraak van de geschilleninstantie is voor u en voor ons bindend."),
    ("awb", "De ombudsman geeft daarover een oordeel en kan ons aanbevelingen doen."),
])
def test_answer_names_the_body_onward_its_address_and_term_and_binding_only_where_true(
        register, staff, office, profile, ruling):
    _route_onward(staff, office, profile)
    complaint = answered(register(), staff["petra"], "unfounded", remedies=())
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "answer", today=TODAY)))
    name, address, term = ONWARD[profile]
    assert f"dan kunt u uw klacht voorleggen aan {name} ({address}). Dat kan {term}." in content
    if ruling:
        assert ruling in content
    assert ("bindend" in content) == (profile == "wkkgz")
    assert ("oordeel en kan ons aanbevelingen" in content) == (profile == "awb")


def test_without_a_body_onward_its_paragraph_and_ruling_are_left_out(register, staff, office):
    _route_onward(staff, office, "wkkgz", body="")
    complaint = answered(register(), staff["petra"], "partly_founded")
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "answer", today=TODAY)))
    assert "voorleggen aan" not in content and "bindend" not in content and "{" not in content
    assert "Laat het ons dan weten via telefoonnummer 020 123 4567" in content


@pytest.mark.parametrize("profile", list(ONWARD))
def test_acknowledgement_and_common_answers_fit_one_page_with_every_setting_filled(register, staff, office, profile):
    _route_onward(staff, office, profile)
    acknowledged = procedure.acknowledge(staff["petra"], register(police_report_advised=True), "phone")
    assigned = procedure.assign(staff["petra"], acknowledged, staff["ruud"])
    made = {"acknowledgement": letters.letter_pdf(staff["petra"], assigned, "acknowledgement", today=TODAY)}
    for verdict in ("founded", "partly_founded", "unfounded", "undetermined"):
        done = answered(register(), staff["petra"], verdict, remedies=("apology", "compensation"),
                        measure="Bij elke wijziging van de ophaaltijd belt de planner de deelnemer")
        made[verdict] = letters.letter_pdf(staff["petra"], done, "answer", today=TODAY)
    for kind, pdf in made.items():
        content = normalised(text(pdf))
        assert "Pagina 1 van 1" in content and "Met vriendelijke groet," in content, (profile, kind)
    assert "vertrouwenspersoon: mevrouw J. de Boer" in normalised(text(made["acknowledgement"]))


def test_extension_notice_after_a_second_extension_names_the_date_before_it(register, staff):
    complaint = procedure.acknowledge(staff["petra"], register(), "phone")  # klachtenregeling: no maximum
    calendar = settings.calendar()
    first = calendar.add_working_days(complaint.answer_by, 3)
    complaint = procedure.extend(staff["petra"], complaint, first, "Wij wachten op het theater.", True)
    second = calendar.add_working_days(first, 5)
    complaint = procedure.extend(staff["petra"], complaint, second, "de chauffeur is pas volgende week terug", True)
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "extension", today=TODAY)))
    assert f"Wij hadden u uiterlijk {format_date(first)} antwoord beloofd" in content
    assert "De chauffeur is pas volgende week terug." in content
    assert f"U krijgt nu uiterlijk {format_date(second)} ons antwoord." in content


def test_extension_notice_never_promises_a_date_that_has_passed_or_follows_the_answer(register, staff):
    complaint = procedure.acknowledge(staff["petra"], register(), "phone")
    new_date = settings.calendar().add_working_days(complaint.answer_by, 5)
    complaint = procedure.extend(staff["petra"], complaint, new_date, "Wij wachten op het theater.", True)
    with pytest.raises(TransitionNotAllowedError, match="zou een datum in het verleden beloven"):
        letters.letter_pdf(staff["petra"], complaint, "extension", today=new_date + dt.timedelta(days=1))
    letters.letter_pdf(staff["petra"], complaint, "extension", today=new_date)  # on the day itself it still holds
    closed = procedure.close(staff["petra"], answered(complaint, staff["petra"]))
    with pytest.raises(TransitionNotAllowedError, match="al beantwoord"):
        letters.letter_pdf(staff["petra"], closed, "extension", today=TODAY)
    reopened = procedure.reopen(staff["petra"], closed, "De klager belde terug.")  # awaits a new answer
    promised = reopened.answer_by  # reopening gave a new term from the reopening day
    later = settings.calendar().add_working_days(max(new_date, promised), 5)
    reopened = procedure.extend(staff["petra"], reopened, later, "Wij spreken eerst de chauffeur.", True)
    content = normalised(text(letters.letter_pdf(staff["petra"], reopened, "extension", today=promised)))
    assert f"Wij hadden u uiterlijk {format_date(promised)} antwoord beloofd" in content
