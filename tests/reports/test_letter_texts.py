"""The default letter texts and how placeholders are filled."""

from __future__ import annotations

import pytest

from klachtenbureau.reports import letter_texts
from klachtenbureau.reports.layout import Envelope, Organisation, postal_address, postcode


@pytest.mark.parametrize("kind", list(letter_texts.LETTER_KINDS))
def test_default_texts_use_only_known_placeholders_and_end_with_a_greeting(kind):
    text = letter_texts.default_text(kind)
    assert letter_texts.unknown_placeholders(text["subject"] + text["body"]) == []
    assert text["body"].startswith("{aanhef},")
    assert text["body"].endswith("Met vriendelijke groet,")


def test_acknowledgement_tells_what_happens_next_whom_to_contact_the_counsellor_and_privacy():
    body = letter_texts.default_text("acknowledgement")["body"]
    for needle in ("{antwoord_uiterlijk}", "{klachtnummer}", "{contact}", "vertrouwenspersoon",
                   "{vertrouwenspersoon}", "persoonsgegevens", "{bewaartermijn}", "Wat gebeurt er nu?"):
        assert needle in body


@pytest.mark.parametrize("kind", [kind for kind in letter_texts.LETTER_KINDS if kind.startswith("answer_")])
def test_every_answer_names_the_route_onward_the_counsellor_and_the_body_with_its_term(kind):
    body = letter_texts.default_text(kind)["body"]
    for step in ("{contact}", "directeur", "onafhankelijke bemiddelaar", "{vertrouwenspersoon}", "{instantie}",
                 "{instantie_adres}", "{instantie_termijn}", "{instantie_uitspraak}"):
        assert step in body
    assert "bindend" not in body  # only where the profile makes it true: {instantie_uitspraak}


@pytest.mark.parametrize("kind", [kind for kind in letter_texts.LETTER_KINDS if kind.startswith("answer_")])
def test_answers_claim_no_investigation_step_that_may_not_have_happened(kind):
    body = letter_texts.default_text(kind)["body"]
    for claim in ("gesproken met de betrokkenen", "lezingen van de betrokkenen", "te weinig gegevens"):
        assert claim not in body


def test_founded_answer_apologises_and_names_the_measures():
    body = letter_texts.default_text("answer_founded")["body"]
    assert "excuses" in body and "{maatregelen}" in body and "{herstel}" in body


def test_paragraph_with_an_empty_placeholder_is_left_out():
    text = "Beste {naam},\n\nOnze vertrouwenspersoon is {vertrouwenspersoon}.\n\nMet vriendelijke groet,"
    assert letter_texts.fill(text, {"naam": "Jan", "vertrouwenspersoon": ""}) == "Beste Jan,\n\nMet vriendelijke groet,"


def test_unknown_placeholder_stays_visible_and_is_reported():
    text = "Beste {naam}, uw {nummmer}."
    assert letter_texts.fill(text, {"naam": "Jan"}) == "Beste Jan, uw {nummmer}."
    assert letter_texts.unknown_placeholders(text) == ["nummmer"]


def test_braces_typed_by_the_complainant_are_not_filled_again():
    assert letter_texts.fill("{antwoord}", {"antwoord": "Zie {naam}", "naam": "X"}) == "Zie {naam}"


def test_office_override_replaces_only_the_fields_it_sets():
    text = letter_texts.text_for("extension", {"extension": {"subject": "Later antwoord", "body": "  "}})
    assert text["subject"] == "Later antwoord"
    assert text["body"] == letter_texts.default_text("extension")["body"]


def test_postnl_address_has_one_space_in_the_postcode_and_two_before_the_town_in_capitals():
    assert postal_address("Jan de Vries", "Dorpsstraat 12", "1234ab", "'s-Hertogenbosch") == [
        "Jan de Vries", "Dorpsstraat 12", "1234 AB  'S-HERTOGENBOSCH"]
    assert postcode(" 1234  ab ") == "1234 AB"
    assert postcode("B-1000") == "B-1000"  # a foreign code stays as typed


def test_return_address_is_one_line_in_postnl_format():
    org = Organisation(name="Stichting X", street="Postbus 12", postcode="1000aa", city="Amsterdam")
    assert org.return_address() == "Stichting X, Postbus 12, 1000 AA  AMSTERDAM"


def test_envelope_settings_out_of_range_fall_back_to_the_default_window():
    envelope = Envelope.from_settings({"left_mm": "25", "top_mm": 500, "width_mm": "breed", "height_mm": 40})
    assert envelope == Envelope(left_mm=25.0, top_mm=47.0, width_mm=85.0, height_mm=40.0)
