"""Translation set-up and Dutch formatting of dates and numbers.

Source strings are Dutch (the office's language); other languages come from
gettext catalogues in ``resources/locale``. ``N_`` marks a string for
extraction where it must be translated later, at display time (module-level
labels), because the language is chosen after import.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.numbers import format_currency as _format_currency
from babel.numbers import format_decimal as _format_decimal

LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "locale"
DOMAIN = "klachtenbureau"
LANGUAGES = ("nl", "en")

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "nl"


def set_language(language: str) -> None:
    """Switch every later ``_()`` call to ``language`` ('nl' needs no catalogue)."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    _language = language
    if language == "nl":
        _translation = _gettext.NullTranslations()
    else:
        _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def language() -> str:
    return _language


def locale() -> str:
    return {"nl": "nl_NL", "en": "en_GB"}[_language]


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    return message


def format_date(value: dt.date | None, format: str = "long") -> str:
    """``3 maart 2026`` by default; empty for no date."""
    if value is None:
        return ""
    return _format_date(value, format=format, locale=locale())


def format_datetime(value: dt.datetime | None, format: str = "d MMM yyyy HH:mm") -> str:
    if value is None:
        return ""
    return _format_datetime(value, format=format, locale=locale())


def format_amount(value: Decimal | float | None) -> str:
    """``€ 1.234,50``."""
    if value is None:
        return ""
    return _format_currency(value, "EUR", locale=locale())


def format_number(value: int | float | Decimal) -> str:
    return _format_decimal(value, locale=locale())
