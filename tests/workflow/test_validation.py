"""Tests for klachtenbureau.workflow.validation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klachtenbureau.errors import ValidationError
from klachtenbureau.workflow.report_fields import RULES
from klachtenbureau.workflow.validation import (
    normalize_email,
    normalize_phone,
    normalize_postcode,
    receipt_age_problem,
    receipt_doubt,
    required_problem,
    validate_fields,
)


def _problem(field: str):
    """The message the forms show for ``field`` of a complainant in the Netherlands who left an e-mail address."""
    return lambda value: RULES[field].check(value, {"email": "jan@voorbeeld.nl"})[1]


postcode_problem, phone_problem, email_problem = _problem("postcode"), _problem("phone"), _problem("email")

POSTCODE_OUTPUT = re.compile(r"^[1-9]\d{3} [A-Z]{2}$")

# Arbitrary text, with the nasty parts made likely rather than merely possible.
nasty_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(blacklist_categories=())),  # control chars, surrogates, every script
    st.sampled_from([
        "'; DROP TABLE klacht; --", '" OR 1=1 --', "\x00", "\r\n\t", "١٢٣٤ AB", "1234 ÄB",
        "+31 ٦١٢٣٤٥٦٧٨", "İ" * 300 + "@x.nl", "a" * 150 + "@" + "İ" * 100 + ".nl", "0" * 1000, "+" * 300,
    ]),
    st.builds(lambda a, b: a + b, st.text(max_size=5), st.text("0123456789 +-()AaSs@.", max_size=30)),
)


def _raises(normalize, value: str) -> bool:
    try:
        normalize(value)
    except ValidationError:
        return False
    return True


# --- postcode -----------------------------------------------------------------

@pytest.mark.parametrize("typed", ["1234ab", "1234AB", " 1234  AB ", "1234-ab", "1234 aB", "1234\u00a0AB"])
def test_postcode_without_space_or_with_odd_spacing_is_normalised(typed: str) -> None:
    assert normalize_postcode(typed) == "1234 AB"


def test_empty_postcode_is_allowed_and_stays_empty() -> None:
    assert normalize_postcode("   ") == ""
    assert postcode_problem("") is None


@pytest.mark.parametrize("typed", ["123 AB", "12345 AB", "1234 A", "1234 ABC", "AB 1234", "1234 1B", "١٢٣٤ AB"])
def test_malformed_postcode_is_rejected_with_example(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_postcode(typed)
    assert "1234 AB" in info.value.errors["postcode"]


@pytest.mark.parametrize("typed", ["1234 SA", "1234 sd", "9999SS"])
def test_postcode_with_unused_letter_pair_is_rejected(typed: str) -> None:
    message = postcode_problem(typed)
    assert message is not None and "SA, SD of SS" in message


def test_postcode_starting_with_zero_is_rejected() -> None:
    message = postcode_problem("0123 AB")
    assert message is not None and "0" in message


@pytest.mark.parametrize("typed", ["1000 AA", "9999 ZZ", "2511 SB", "1234 AS"])
def test_valid_postcodes_have_no_problem(typed: str) -> None:
    assert postcode_problem(typed) is None


@given(st.from_regex(r"\A\s*[1-9][0-9]{3}[ -]{0,2}[A-Za-z]{2}\s*\Z"))
def test_normalised_postcode_has_canonical_form_and_is_idempotent(typed: str) -> None:
    try:
        once = normalize_postcode(typed)
    except ValidationError:
        return  # only the SA/SD/SS rule may reject these; covered by the next test
    assert POSTCODE_OUTPUT.match(once)
    assert normalize_postcode(once) == once


@given(st.text("0123456789", min_size=4, max_size=4), st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", min_size=2, max_size=2))
def test_postcode_is_valid_exactly_when_the_rules_allow_it(digits: str, letters: str) -> None:
    allowed = digits[0] != "0" and letters.upper() not in {"SA", "SD", "SS"}
    assert (postcode_problem(digits + letters) is None) == allowed
    if allowed:
        assert normalize_postcode(digits + letters) == f"{digits} {letters.upper()}"


# --- telephone ----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("0612345678", "06 12345678"),
    ("06-12345678", "06 12345678"),
    ("+31612345678", "06 12345678"),
    ("0031 6 1234 5678", "06 12345678"),
    ("0201234567", "020 123 4567"),
    ("(020) 123 45 67", "020 123 4567"),
    ("+31 20 123 4567", "020 123 4567"),
    ("+31 (0)20 1234567", "020 123 4567"),
    ("0031201234567", "020 123 4567"),
    ("0800 0123", "0800 0123"),
    ("+32 470 12 34 56", "+32 470 12 34 56"),
    ("0032 2 555 12 12", "+32 2 555 12 12"),
    ("+49 30 123456", "+49 30 123456"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
])
def test_valid_phone_numbers_are_normalised(typed: str, expected: str) -> None:
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize("typed", ["06 1234567", "1234", "112", "020 123 456", "+32 2 000 00 00",
                                   "bel 020 1234567", "020 1234567 ext. 12", "++31201234567"])
def test_invalid_phone_numbers_are_rejected(typed: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(typed)
    assert set(info.value.errors) == {"phone"}


def test_empty_phone_is_allowed_and_stays_empty() -> None:
    assert normalize_phone(" ") == ""


_separator = st.sampled_from(["", " ", "-"])
valid_phones = st.one_of(
    st.tuples(st.sampled_from(["0", "+31 ", "0031", "+31 (0)"]), st.sampled_from(["6" + d for d in "123458"]),
              _separator, st.text("0123456789", min_size=7, max_size=7)),
    st.tuples(st.sampled_from(["0", "+31", "0031 "]), st.sampled_from(["10", "20", "30", "40", "50", "70", "73"]),
              _separator, st.text("0123456789", min_size=7, max_size=7)),
    st.tuples(st.sampled_from(["+32 ", "0032"]), st.sampled_from(["47", "48", "49"]),
              _separator, st.text("0123456789", min_size=7, max_size=7)),
).map("".join)


@given(valid_phones)
def test_normalised_phone_is_idempotent(typed: str) -> None:
    once = normalize_phone(typed)
    assert normalize_phone(once) == once
    assert once.startswith("+32 " if typed.startswith(("+32", "0032")) else "0")


# --- e-mail -------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "expected"), [
    ("  Jan.Jansen@Voorbeeld.NL ", "Jan.Jansen@voorbeeld.nl"),
    ("info+klacht@gemeente.example.nl", "info+klacht@gemeente.example.nl"),
    ("", ""),
])
def test_email_is_stripped_and_only_domain_lower_cased(typed: str, expected: str) -> None:
    assert normalize_email(typed) == expected


@pytest.mark.parametrize("typed", ["jan", "jan@", "@voorbeeld.nl", "jan@voorbeeld", "jan@@voorbeeld.nl",
                                   "jan@a@voorbeeld.nl", "jan jansen@voorbeeld.nl", "jan..j@voorbeeld.nl",
                                   "jan@voorbeeld..nl", "jan@voorbeeld.nl.", ".jan@voorbeeld.nl",
                                   "jan@voorbeeld,nl", "jan@voor\x00beeld.nl", "a" * 250 + "@x.nl"])
def test_malformed_email_is_rejected(typed: str) -> None:
    assert email_problem(typed) is not None
    with pytest.raises(ValidationError) as info:
        normalize_email(typed)
    assert set(info.value.errors) == {"email"}


def test_email_that_grows_past_254_characters_when_lower_cased_is_rejected() -> None:
    typed = "a" * 150 + "@" + "İ" * 100 + ".nl"  # 254 characters; 'İ'.lower() is two
    assert len(typed) == 254
    assert email_problem(typed) is not None


def test_email_of_254_characters_is_allowed() -> None:
    address = "a" * (254 - len("@x.nl")) + "@x.nl"
    assert normalize_email(address) == address


# --- never raising, and agreeing with normalize_* -------------------------------

@pytest.mark.parametrize(("problem", "normalize"), [
    (postcode_problem, normalize_postcode),
    (phone_problem, normalize_phone),
    (email_problem, normalize_email),
])
@given(value=nasty_text)
def test_problem_never_raises_and_agrees_with_normalize(problem, normalize, value: str) -> None:
    message = problem(value)
    assert message is None or (isinstance(message, str) and message)
    assert (message is None) == _raises(normalize, value)


@given(nasty_text)
def test_normalised_email_is_idempotent(value: str) -> None:
    if email_problem(value) is None:
        once = normalize_email(value)
        assert normalize_email(once) == once


# --- required and whole forms -------------------------------------------------

@pytest.mark.parametrize("value", [None, "", "  \t"])
def test_missing_value_asks_to_fill_it_in(value: object) -> None:
    assert required_problem(value, "de omschrijving") == "Vul de omschrijving in."


@pytest.mark.parametrize("value", ["x", 0, False])
def test_present_value_is_not_a_required_problem(value: object) -> None:
    assert required_problem(value, "de omschrijving") is None


def test_validate_fields_collects_every_problem_at_once() -> None:
    data = {"description": "  ", "postcode": "0123 AB", "phone": "12", "email": "jan@", "name": "Jan"}
    with pytest.raises(ValidationError) as info:
        validate_fields(data, {"description": "de omschrijving", "name": "de naam", "city": "de plaats"})
    errors = info.value.errors
    assert set(errors) == {"description", "postcode", "phone", "email", "city"}
    assert errors["description"] == "Vul de omschrijving in."
    assert errors["city"] == "Vul de plaats in."
    assert errors["postcode"] == postcode_problem("0123 AB")


def test_validate_fields_returns_normalised_copy() -> None:
    data = {"name": "  Jan  ", "postcode": "1234ab", "phone": "+31612345678", "email": "A@B.NL", "count": 3}
    result = validate_fields(data, {"name": "de naam", "phone": "het telefoonnummer"})
    assert result == {"name": "Jan", "postcode": "1234 AB", "phone": "06 12345678", "email": "A@b.nl", "count": 3}
    assert data["postcode"] == "1234ab"


def test_required_field_filled_in_wrongly_reports_the_format_error() -> None:
    with pytest.raises(ValidationError) as info:
        validate_fields({"postcode": "1234 SS"}, {"postcode": "de postcode"})
    assert "SA, SD of SS" in info.value.errors["postcode"]


def test_a_receipt_up_to_a_year_back_is_possible_two_weeks_back_already_unlikely():
    today = dt.date(2028, 2, 29)
    assert receipt_age_problem(dt.date(2027, 2, 28), today) is None
    assert receipt_age_problem(dt.date(2027, 2, 27), today) is not None
    assert receipt_doubt(dt.date(2028, 2, 15), today) is None
    assert receipt_doubt(dt.date(2028, 2, 14), today) == "Dat is 15 dagen geleden. Klopt de datum?"
    assert receipt_doubt(dt.date(2027, 2, 27), today) is None  # not a question: refused
