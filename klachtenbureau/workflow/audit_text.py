"""The audit log in words: Dutch names for the fields it records and readable values.

The log stores field codes and JSON values (``{"satisfaction": "yes"}``);
the dossier window, the archive dossier and the audit viewer show them as
``tevredenheid: tevreden``. This is the one table of those names; the
actions' names are in privacy.ACTION_LABELS.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from klachtenbureau.i18n import N_, _, format_amount, format_number
from klachtenbureau.models.complaints import (
    ACK_METHODS, CHANNELS, CONTACT_METHODS, DIRECTIONS, ENTRY_KINDS, ESCALATION_LEVELS, INVOLVED_PARTIES, KINDS,
    REMEDIES, SATISFACTION, SEVERITIES, STATUSES, VERDICTS, WAITING,
)
from klachtenbureau.models.measures import MEASURE_STATUSES
from klachtenbureau.models.people import RELATION_TYPES, ROLES
from klachtenbureau.reports.dossier_facts import NOTHING, day, moment
from klachtenbureau.workflow import deadlines
from klachtenbureau.workflow.operations import CHANGED

DOCUMENT_KINDS = {"letter": N_("Brief"), "scan": N_("Scan"), "email": N_("E-mail")}

FIELD_LABELS = {
    "status": N_("status"), "assigned_to": N_("behandelaar"), "description": N_("omschrijving"),
    "desired_outcome": N_("gewenste uitkomst"), "people_involved": N_("betrokkenen"), "answer": N_("antwoord"),
    "answered_at": N_("beantwoord op"), "verdict": N_("oordeel"), "answer_by": N_("antwoord uiterlijk"),
    "acknowledge_by": N_("bevestiging uiterlijk"), "acknowledged_at": N_("bevestigd op"),
    "acknowledgement_method": N_("bevestiging per"), "confidential": N_("vertrouwelijk"), "summary": N_("notitie"),
    "name": N_("naam"), "reason": N_("reden"), "complaints": N_("klachten"), "role": N_("rol"),
    "login": N_("inlognaam"), "severity": N_("ernst"), "category": N_("categorie"), "channel": N_("kanaal"),
    "kind": N_("soort"), "received_at": N_("ontvangen op"), "relation": N_("relatie"), "anonymous": N_("anoniem"),
    "findings_facts": N_("feiten"), "findings_circumstances": N_("omstandigheden"), "findings_causes": N_("oorzaken"),
    "findings_damage": N_("schade"), "remedies": N_("herstel"), "compensation_amount": N_("bedrag"),
    "remedy_note": N_("toelichting herstel"), "escalation_level": N_("geëscaleerd naar"),
    "verdict_motivation": N_("motivering oordeel"), "escalation_reason": N_("reden escalatie"),
    "escalated_at": N_("geëscaleerd op"), "satisfaction": N_("tevredenheid"), "aftercare_at": N_("nazorg op"),
    "closed_at": N_("afgesloten op"), "closure_note": N_("afsluitnotitie"), "extension_count": N_("verlengingen"),
    "number": N_("nummer"), "size": N_("grootte"), "relations": N_("klagers"), "documents": N_("documenten"),
    "timeline_entries": N_("tijdlijnregels"), "email": N_("e-mail"), "phone": N_("telefoon"),
    "street": N_("straat"), "postcode": N_("postcode"), "city": N_("plaats"), "relation_type": N_("soort relatie"),
    "country": N_("land"), "attention": N_("t.a.v."), "salutation": N_("aanhef"),
    "active": N_("actief"), "confidential_access": N_("vertrouwelijke toegang"), "key": N_("instelling"),
    "advisory_committee": N_("naar de klachtencommissie"), "complex_sensitive": N_("complex of gevoelig"),
    "deadline_profile": N_("termijnprofiel"), "incident_date": N_("datum voorval"),
    "involved_party": N_("betrokkene"), "police_report_advised": N_("aangifte geadviseerd"),
    "received_by": N_("geregistreerd door"), "direction": N_("richting"), "method": N_("hoe"),
    "resolved_at_intake": N_("direct opgelost"), "due_date": N_("gereed uiterlijk"), "owner": N_("eigenaar"),
    "source": N_("bron"), "title": N_("titel"), "implemented_at": N_("uitgevoerd op"),
    "team_informed": N_("team geïnformeerd"), "check_conclusion": N_("conclusie effectiviteit"),
    "check_method": N_("manier van toetsen"), "checked_at": N_("getoetst op"), "checked_by": N_("getoetst door"),
    "relation_removed": N_("opgeheven klager (nummer)"), "relation_kept": N_("samengevoegd in klager (nummer)"),
    "complaints_moved": N_("klachten overgezet"), "mime_type": N_("bestandstype"), "sha256": N_("SHA-256"),
    "password": N_("wachtwoord"),
    "waiting_for": N_("wacht op"), "waiting_reason": N_("reden wachten"), "waiting_since": N_("wacht sinds"),
    "waiting_until": N_("reactie verwacht"), "answer_days_left": N_("werkdagen over"),
    "assigned_at": N_("toegewezen op"), "aftercare_by": N_("nazorg uiterlijk"),
    "proposed_answer": N_("voorgesteld antwoord"),
}
# Codes whose Dutch label is shown instead of the code.
VALUE_LABELS: dict[str, dict[Any, str]] = {
    "status": {**STATUSES, **MEASURE_STATUSES}, "verdict": VERDICTS, "satisfaction": SATISFACTION,
    "channel": CHANNELS, "acknowledgement_method": ACK_METHODS, "escalation_level": ESCALATION_LEVELS,
    "role": ROLES, "method": CONTACT_METHODS, "direction": DIRECTIONS, "involved_party": INVOLVED_PARTIES,
    "severity": SEVERITIES, "relation_type": RELATION_TYPES, "waiting_for": WAITING,
}
_PEOPLE = frozenset({"assigned_to", "received_by", "owner", "checked_by"})
_MOMENTS = frozenset({"received_at", "answered_at", "acknowledged_at", "escalated_at", "aftercare_at", "closed_at",
                      "checked_at", "assigned_at"})
# Actions that make something new: their filled-in private fields read "ingevuld", not "gewijzigd".
_CREATING = frozenset({"register", "letter", "attach", "contact", "measure_create"})
_INTERNAL = frozenset({"relation"})  # a row id that tells a reader nothing; the dossier names the complainant


def value_text(field: str, value: Any, names: dict[Any, str] | None = None) -> str:
    """One logged value as a reader wants to see it: labels, Dutch dates, euros, names instead of ids."""
    names = names or {}
    if value in (None, ""):
        return NOTHING
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list):
        return ", ".join(value_text(field, item, names) for item in value)
    if field in _PEOPLE:
        return names.get(value, str(value))
    if field == "category":
        return names.get(("category", value), str(value))
    if field == "kind":
        label = KINDS.get(value) or ENTRY_KINDS.get(value) or DOCUMENT_KINDS.get(value)
        return _(label).lower() if label else str(value)
    if field == "remedies":
        return ", ".join(_(REMEDIES[code]).lower() if code in REMEDIES else code
                         for code in str(value).split(",") if code)
    if field == "deadline_profile":
        profile = deadlines.PROFILES.get(value)
        return _(profile.label) if profile else str(value)
    if field in VALUE_LABELS:
        label = VALUE_LABELS[field].get(value)
        return _(label).lower() if label else str(value)
    if field == "compensation_amount":
        try:
            return format_amount(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if field == "size" and isinstance(value, int):
        return _("{kb} kB").format(kb=format_number(max(1, round(value / 1024))))
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment(when) if "T" in value or field in _MOMENTS else day(when.date())
    return str(value)


def describe(action: str, changes: str | dict[str, Any], names: dict[Any, str] | None = None) -> str:
    """The changes of one audit entry in words (``changes`` as stored: JSON, or already a dict).

    Private text is logged only as changed (operations.PRIVATE_FIELDS), so it reads "omschrijving ingevuld".
    """
    if isinstance(changes, str):
        try:
            changes = json.loads(changes or "{}")
        except ValueError:
            return changes
    if not isinstance(changes, dict):
        return str(changes)
    creating = action in _CREATING
    parts = []
    for field, value in changes.items():
        if field in _INTERNAL or (creating and value in (None, "")):
            continue
        label = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field
        if value == CHANGED:
            parts.append((_("{field} ingevuld") if creating else _("{field} gewijzigd")).format(field=label))
        else:
            parts.append(f"{label}: {value_text(field, value, names)}")
    return "; ".join(parts)
