"""Office-wide settings stored in the shared database, declared in one place with defaults."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from klachtenbureau.errors import ValidationError
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
    },
    "deadline_profile": "klachtenregeling",
    "liberation_day_every_year": False,
    "closing_days": [],  # ISO dates
    "retention_years": 3,
    "backup_keep_days": 14,
    "envelope": {"left_mm": 20.0, "top_mm": 47.0, "width_mm": 85.0, "height_mm": 45.0},
    "letter_texts": {},  # overrides of the default letter texts, by letter kind
}


def get(key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return json.loads(json.dumps(DEFAULTS[key]))
    value = json.loads(row.value)
    if isinstance(DEFAULTS[key], dict):
        return {**DEFAULTS[key], **value}
    return value


def clean_organisation(values: dict[str, Any]) -> dict[str, Any]:
    """Organisation details as the letterhead prints them: postcode, phone and e-mail normalised, a name."""
    return validate_fields(values, {"name": N_("de naam van de organisatie")})


def _check(key: str, value: Any) -> None:
    if key == "deadline_profile":
        get_profile(value)
    elif key == "retention_years" and (not isinstance(value, int) or value < 3):
        raise ValidationError({key: _("De bewaartermijn is minimaal 3 jaar.")})
    elif key == "closing_days":
        try:
            [dt.date.fromisoformat(d) for d in value]
        except (TypeError, ValueError) as exc:
            raise ValidationError({key: _("Een sluitingsdag is geen geldige datum.")}) from exc


def put(user: User, key: str, value: Any, operation_id: str | None = None) -> Setting:
    """Store one setting (last writer wins for settings: they are edited by one admin at a time)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    if key == "letter_texts":
        permissions.require_manager(user)
    else:
        permissions.require_admin(user)
    if key == "organisation":
        value = clean_organisation(value)
    _check(key, value)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)

    def body() -> Outcome:
        row = Setting.get_or_none(Setting.key == key)
        if row is None:
            row = Setting.create(key=key, value=text)
            return Outcome(row, {"key": key, "value": text})
        changes = update_versioned(row, row.version, {"value": text}, touch=False)
        return Outcome(row, {"key": key, **changes})

    return perform(user, "setting", body, operation_id)


def calendar() -> WorkCalendar:
    return WorkCalendar(
        liberation_day_every_year=bool(get("liberation_day_every_year")),
        closing_days=frozenset(dt.date.fromisoformat(d) for d in get("closing_days")),
    )


def deadline_profile() -> DeadlineProfile:
    return get_profile(get("deadline_profile"))
