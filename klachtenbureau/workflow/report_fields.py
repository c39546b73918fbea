"""What each field of a report and of its complainant may hold: one table for every way a report comes in.

The wizard's pages, ``intake.register`` (so also the import and the write queue) and the dossier's corrections
all check by these rules, so a value is refused in the same Dutch words wherever it was typed. A rule gives the
field's type (also how JSON carries it), its choices with their Dutch labels, its longest value and when it
must be filled in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models.complaints import ACK_METHODS, CHANNELS, COMPLAINT, INQUIRY, INVOLVED_PARTIES, KINDS, SEVERITIES
from klachtenbureau.models.people import RELATION_TYPES
from klachtenbureau.workflow.validation import normalize_country, normalize_email, normalize_phone, normalize_postcode

Values = Mapping[str, Any]


def _filled(values: Values, name: str) -> bool:
    return bool(str(values.get(name) or "").strip())


@dataclasses.dataclass(frozen=True)
class Rule:
    """What one field may hold. ``message`` is said when it is missing where required or not one of the
    choices; ``inquiry_message`` instead for an inquiry, where a complaint's words do not fit."""

    type: type = str
    choices: Mapping[Any, str] | None = None  # code -> Dutch label (N_-marked)
    message: str = ""
    inquiry_message: str = ""
    max_length: int = 0
    required: bool | Callable[[Values], bool] = False  # or, given all the values: must this one be filled in?
    normalize: Callable[[str], str] | None = None  # the tidy form; raises ValidationError with its message
    dutch: bool = False  # a Dutch format: an address abroad keeps the value as typed

    def check(self, value: Any, values: Values) -> tuple[Any, str | None]:
        """(the tidy value, None) or (the value, the Dutch problem)."""
        if self.type is bool:
            value = bool(value)
        elif self.type is str:
            value = "" if value is None else str(value).strip()
        message = self.inquiry_message if self.inquiry_message and values.get("kind") == INQUIRY else self.message
        if value in (None, "", False) and not (self.choices and value in self.choices):
            needed = self.required(values) if callable(self.required) else self.required
            return value, _(message) if needed else None
        if self.choices is not None and value not in self.choices:
            return value, _(message)
        try:
            if self.dutch and normalize_country(str(values.get("country") or "")):
                value = " ".join(value.split())
            elif self.normalize:
                value = self.normalize(value)
        except ValidationError as exc:
            return value, next(iter(exc.errors.values()))
        if self.max_length and len(value) > self.max_length:  # as it would be stored
            return value, _("Dit is te lang: hooguit {n} tekens, het zijn er {count}.").format(
                n=self.max_length, count=len(value))
        return value, None


RULES: dict[str, Rule] = {
    # the report
    "kind": Rule(choices=KINDS, message=N_("Kies klacht of navraag."), required=True),
    "channel": Rule(choices=CHANNELS, message=N_("Kies hoe de melding binnenkwam."), required=True),
    "received_at": Rule(type=dt.datetime),
    "relation_id": Rule(type=int, message=N_(
        "Zoek de klager op en kies uit de lijst, of kies Nieuwe klager of Anoniem."),
        required=lambda v: not v.get("anonymous") and v.get("relation") is None),
    "description": Rule(message=N_("Beschrijf de klacht."), inquiry_message=N_("Beschrijf de vraag."),
                        required=True),
    "desired_outcome": Rule(),
    "incident_date": Rule(type=dt.date),
    "involved_party": Rule(choices=INVOLVED_PARTIES, message=N_("Kies wie erbij betrokken is uit de lijst.")),
    "people_involved": Rule(),
    "severity": Rule(type=int, choices=SEVERITIES, message=N_("Kies de ernst uit de lijst."), required=True),
    "complex_sensitive": Rule(type=bool),
    "confidential": Rule(type=bool),
    "police_report_advised": Rule(type=bool),
    "acknowledgement_method": Rule(choices=ACK_METHODS, message=N_("Kies brief, e-mail of telefoon.")),
    "acknowledgement_to_send": Rule(choices=ACK_METHODS, message=N_("Kies brief, e-mail of telefoon.")),
    "resolution": Rule(message=N_("Noteer hoe de klacht direct is opgelost."),
                       inquiry_message=N_("Noteer wat u hebt geantwoord."), required=lambda v: v.get("resolved_now")),
    "complainant_agrees": Rule(type=bool, message=N_(
        "Een klacht is pas direct opgelost als de klager daarmee instemt."),
        required=lambda v: v.get("resolved_now") and v.get("kind") == COMPLAINT),
    # the complainant (a Relation); the lengths are the columns'
    "name": Rule(message=N_("Vul de naam van de klager in."), max_length=200, required=True),
    "attention": Rule(max_length=200),
    "street": Rule(max_length=200),
    "postcode": Rule(max_length=12, normalize=normalize_postcode, dutch=True),
    "city": Rule(max_length=120),
    "country": Rule(max_length=80, normalize=normalize_country),
    "phone": Rule(max_length=40, normalize=normalize_phone, message=N_(
        "Vul een telefoonnummer, e-mailadres of adres in, zodat de klager antwoord kan krijgen."),
        required=lambda v: not (_filled(v, "email") or (_filled(v, "street") and _filled(v, "city")))),
    "email": Rule(max_length=254, normalize=normalize_email),
    "relation_type": Rule(choices=RELATION_TYPES, message=N_("Kies een soort relatie uit de lijst.")),  # empty: participant
    "salutation": Rule(max_length=200),
}
# What a complaint's registration holds: written by intake.register, corrected in the dossier (editing).
REGISTRATION_FIELDS = ("kind", "channel", "category", "description", "desired_outcome", "incident_date",
                       "involved_party", "people_involved", "severity", "complex_sensitive", "confidential",
                       "police_report_advised")
RELATION_FIELDS = ("name", "attention", "street", "postcode", "city", "country", "phone", "email", "relation_type",
                   "salutation")


def check(values: Values, names: Iterable[str] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The named fields of ``values`` (all that have a rule) tidied, and field -> Dutch problem."""
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in (n for n in values if n in RULES) if names is None else names:
        clean[name], problem = RULES[name].check(values.get(name), values)
        if problem:
            problems[name] = problem
    return clean, problems


def from_json(name: str, value: Any) -> Any:
    """A value of field ``name`` as JSON carried it: dates back from ISO text."""
    kind = RULES[name].type if name in RULES else None
    return kind.fromisoformat(value) if kind in (dt.date, dt.datetime) and isinstance(value, str) else value
