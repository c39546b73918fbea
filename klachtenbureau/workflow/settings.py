"""Office-wide settings stored in the shared database, declared in one place with defaults."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from klachtenbureau.errors import ConflictError, ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models import Setting, User
from klachtenbureau.workflow import permissions
from klachtenbureau.workflow.deadlines import DeadlineProfile, get_profile
from klachtenbureau.workflow.operations import Outcome, perform, update_versioned
from klachtenbureau.workflow.validation import validate_fields
from klachtenbureau.workflow.workdays import WorkCalendar

DEFAULTS: dict[str, Any] = {
    "organisation": {
        "name": "Stichting Voorbeeld",
        "street": "Voorbeeldstraat 1",
        "postcode": "1234 AB",
        "city": "Voorbeeldstad",
        "phone": "",
        "email": "",
        "website": "",
        "counsellor": "",  # the confidential counsellor: name and how to reach them
        # Where a complainant who does not agree can go next (a disputes body, an ombudsman), named in the
        # answers: its name, its address or website, and the term (examples per profile: letter_settings).
        "onward_body": "",
        "onward_address": "",
        "onward_term": "",
    },
    "deadline_profile": "klachtenregeling",
    "liberation_day_every_year": False,
    "closing_days": [],  # ISO dates
    "retention_years": 3,
    "aftercare_working_days": 10,  # aftercare is due this many working days after the answer went out
    "backup_keep_days": 14,
    "windows_sign_in": False,  # a user whose Windows account is set signs in with it, without a password
    "envelope": {"left_mm": 20.0, "top_mm": 47.0, "width_mm": 85.0, "height_mm": 45.0},
    "letter_texts": {},  # overrides of the default letter texts, by letter kind
    "standard_paragraphs": [],  # {title, text, category (id or None), verdict ("" = any)}: workflow.standard_paragraphs
    "mail": {},  # sending and reading mail: the fields and their defaults are workflow.mail.mail_settings.MailSettings
}
_MANAGER_KEYS = ("letter_texts", "standard_paragraphs")  # the coordinator's own; the rest is the admin's


def get(key: str) -> Any:
    return get_with_version(key)[0]


def get_with_version(key: str) -> tuple[Any, int]:
    """The value and the version it was read at (0: never stored), for a save that refuses a stale edit."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return json.loads(json.dumps(DEFAULTS[key])), 0
    value = json.loads(row.value)
    if isinstance(DEFAULTS[key], dict):
        return {**DEFAULTS[key], **value}, row.version
    return value, row.version


def clean_organisation(values: dict[str, Any]) -> dict[str, Any]:
    """Organisation details as the letterhead prints them: postcode, phone and e-mail normalised, a name."""
    return validate_fields(values, {"name": N_("de naam van de organisatie")})


def _check(key: str, value: Any) -> None:
    if key == "deadline_profile":
        get_profile(value)
    elif key == "retention_years" and (not isinstance(value, int) or value < 3):
        raise ValidationError({key: _("De bewaartermijn is minimaal 3 jaar.")})
    elif key == "aftercare_working_days" and (not isinstance(value, int) or isinstance(value, bool)
                                              or not 1 <= value <= 60):
        raise ValidationError({key: _("De nazorg volgt 1 tot 60 werkdagen na het antwoord.")})
    elif key == "windows_sign_in" and not isinstance(value, bool):
        raise ValidationError({key: _("Aanmelden met het Windows-account staat aan of uit.")})
    elif key == "closing_days":
        try:
            [dt.date.fromisoformat(d) for d in value]
        except (TypeError, ValueError) as exc:
            raise ValidationError({key: _("Een sluitingsdag is geen geldige datum.")}) from exc


def put(user: User, key: str, value: Any, operation_id: str | None = None,
        expected_version: int | None = None, audit: dict[str, Any] | None = None) -> Setting:
    """Store one setting.

    Last writer wins, as settings are edited by one admin at a time; with ``expected_version`` (from
    get_with_version) a save over a colleague's newer one is refused with a ConflictError instead.
    ``audit``: more for the audit entry than that the value changed (which it records without the value).
    """
    if key not in DEFAULTS:
        raise KeyError(key)
    if key in _MANAGER_KEYS:
        permissions.require_manager(user)
    else:
        permissions.require_admin(user)
    if key == "organisation":
        value = clean_organisation(value)
    _check(key, value)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)

    def body() -> Outcome:
        row = Setting.get_or_none(Setting.key == key)
        if expected_version is not None and expected_version != (row.version if row else 0):
            raise ConflictError()
        if row is None:
            row = Setting.create(key=key, value=text)
            return Outcome(row, {"key": key, "value": text, **(audit or {})})
        changes = update_versioned(row, row.version, {"value": text}, touch=False)
        return Outcome(row, {"key": key, **changes, **(audit or {})})

    return perform(user, "setting", body, operation_id)


def calendar() -> WorkCalendar:
    return WorkCalendar(
        liberation_day_every_year=bool(get("liberation_day_every_year")),
        closing_days=frozenset(dt.date.fromisoformat(d) for d in get("closing_days")),
    )


def deadline_profile() -> DeadlineProfile:
    return get_profile(get("deadline_profile"))
