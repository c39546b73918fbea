"""Checking and tidying what is typed into the complaint forms.

Pure functions, no database. Each ``normalize_*`` function returns the tidy
form or raises :class:`ValidationError` with a Dutch message (``report_fields``
turns that into a message the UI can show on every keystroke); each
``*_problem`` function returns a Dutch message (or ``None``) and never raises.
An empty value is never a format problem: whether a field must be filled in
is ``required_problem``'s job (``report_fields``' for a report).
Each ``*_doubt`` function returns the Dutch question to ask about a value
that is possible but unlikely (the forms ask it once; the workflow accepts it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import phonenumbers

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _

# ASCII classes on purpose: str.isdigit() would accept Arabic-Indic digits and friends.
_POSTCODE_RE = re.compile(r"([0-9]{4})[ \u00a0-]*([A-Za-z]{2})")
_UNUSED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})

_PHONE_CHARS_RE = re.compile(r"\+?[0-9 ()./-]+")
_PHONE_REGION = "NL"

_EMAIL_MAX_LENGTH = 254
_EMAIL_FORBIDDEN = frozenset('@()<>[]\\,;:"')


# --- postcode -----------------------------------------------------------------

def normalize_postcode(value: str) -> str:
    """'1234ab', ' 1234  AB ', '1234-ab' -> '1234 AB'; empty stays ''."""
    text = value.strip()
    if not text:
        return ""
    match = _POSTCODE_RE.fullmatch(text)
    if match is None:
        raise ValidationError({"postcode": _(
            "Een postcode bestaat uit vier cijfers en twee letters, zoals 1234 AB.")})
    digits, letters = match.group(1), match.group(2).upper()
    if digits.startswith("0"):
        raise ValidationError({"postcode": _(
            "Een postcode begint nooit met een 0; controleer de cijfers.")})
    if letters in _UNUSED_POSTCODE_LETTERS:
        raise ValidationError({"postcode": _(
            "Postcodes met de letters SA, SD of SS bestaan niet; controleer de letters.")})
    return f"{digits} {letters}"


# --- country ------------------------------------------------------------------

_NETHERLANDS = frozenset({"nederland", "nl", "nld", "netherlands", "the netherlands", "holland", "pays-bas",
                          "niederlande"})


def normalize_country(value: str) -> str:
    """'' for the Netherlands, however it is written (an address here has no country line); else as typed."""
    text = " ".join(value.split())
    return "" if text.casefold().strip(".") in _NETHERLANDS else text


# --- telephone ----------------------------------------------------------------

def normalize_phone(value: str) -> str:
    """Dutch numbers in national format ('020 123 4567', '06 12345678'), foreign ones as '+32 ...'."""
    text = value.strip()
    if not text:
        return ""
    if _PHONE_CHARS_RE.fullmatch(text) is None:
        raise ValidationError({"phone": _(
            "Een telefoonnummer bevat alleen cijfers, spaties en streepjes, "
            "eventueel met een + vooraan.")})
    try:
        number = phonenumbers.parse(text, _PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": _(
            "Dit telefoonnummer klopt niet; typ bijvoorbeeld 020 123 4567 of 06 12345678.")})
    dutch = phonenumbers.region_code_for_number(number) == _PHONE_REGION
    style = phonenumbers.PhoneNumberFormat.NATIONAL if dutch else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


# --- e-mail -------------------------------------------------------------------

def _plain_email(address: str) -> bool:
    local, _at, domain = address.partition("@")
    return (
        bool(local) and bool(domain)
        and not any(c in _EMAIL_FORBIDDEN or c.isspace() or not c.isprintable() for c in local + domain)
        and "." in domain
        and ".." not in address
        and not local.startswith(".") and not local.endswith(".")
        and not domain.startswith(".") and not domain.endswith(".")
    )


def normalize_email(value: str) -> str:
    """Strip and lower-case the domain; the local part is left alone (it may be case-sensitive)."""
    text = value.strip()
    if not text:
        return ""
    if text.count("@") != 1 or not _plain_email(text):
        raise ValidationError({"email": _(
            "Dit e-mailadres klopt niet; het ziet eruit als naam@voorbeeld.nl.")})
    local, _at, domain = text.partition("@")
    result = f"{local}@{domain.lower()}"
    # Checked after lower-casing: a few letters grow when lower-cased ('İ' -> 'i̇').
    if len(result) > _EMAIL_MAX_LENGTH:
        raise ValidationError({"email": _(
            "Dit e-mailadres is te lang; een e-mailadres heeft hooguit 254 tekens.")})
    return result


# --- dates of a report ---------------------------------------------------------

# Further back than two weeks, a date of receipt is unlikely (every deadline has passed): ask. Further back than a
# year it is a typing error: refuse. An incident more than half a year before the report is unlikely: ask.
RECEIPT_DOUBT_DAYS = 14
INCIDENT_DOUBT_DAYS = 183


def _a_year_before(day: dt.date) -> dt.date:
    """The same date a year earlier (29 February: the 28th)."""
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(
        year=day.year - 1)


def receipt_age_problem(received: dt.date, today: dt.date) -> str | None:
    """A report cannot come in more than a year before it is registered (it would be a year overdue)."""
    if received < _a_year_before(today):
        return _("De ontvangstdatum ligt meer dan een jaar terug; dat kan niet kloppen. Controleer het jaartal.")
    return None


def incident_date_problem(incident: dt.date, received: dt.date, today: dt.date | None = None) -> str | None:
    """An incident cannot have happened in the future, nor after the report of it came in."""
    if incident > (today or dt.date.today()):
        return _("De datum van het voorval ligt in de toekomst.")
    if incident > received:
        return _("Het voorval kan niet na de ontvangst van de melding zijn gebeurd; controleer beide datums.")
    return None


def receipt_doubt(received: dt.date, today: dt.date) -> str | None:
    """The question to ask about a date of receipt that is possible but unlikely; None when it is likely."""
    days = (today - received).days
    if days > RECEIPT_DOUBT_DAYS and not receipt_age_problem(received, today):
        return _("Dat is {days} dagen geleden. Klopt de datum?").format(days=days)
    return None


def incident_doubt(incident: dt.date, received: dt.date) -> str | None:
    """The question to ask about an incident long before the report; None when it is likely."""
    if (received - incident).days > INCIDENT_DOUBT_DAYS:
        return _("Dat is meer dan een half jaar voor de melding. Klopt de datum?")
    return None


# --- whole forms --------------------------------------------------------------

_NORMALIZERS: dict[str, Callable[[str], str]] = {
    "postcode": normalize_postcode,
    "phone": normalize_phone,
    "email": normalize_email,
}


def required_problem(value: object, label: str) -> str | None:
    """'Vul {label} in.' when nothing was entered; ``label`` may be an ``N_``-marked string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _("Vul {label} in.").format(label=_(label))
    return None


def validate_fields(data: dict[str, object], required: dict[str, str]) -> dict[str, object]:
    """Return a tidied copy of ``data`` or raise one ValidationError listing every problem."""
    result: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        normalize = _NORMALIZERS.get(field)
        if normalize is not None and value is not None:
            try:
                value = normalize(str(value))
            except ValidationError as exc:
                errors.update(exc.errors)
        result[field] = value
    for field, label in required.items():
        problem = required_problem(result.get(field), label)
        if problem is not None:
            errors.setdefault(field, problem)
    if errors:
        raise ValidationError(errors)
    return result
