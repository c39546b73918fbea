"""The office's own letter texts: reading, checking, saving, and a preview on a made-up complaint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _, format_amount, format_date
from klachtenbureau.models import Setting, User
from klachtenbureau.reports import letter_texts, letters
from klachtenbureau.reports.layout import Envelope, postal_address
from klachtenbureau.workflow import permissions, settings
from klachtenbureau.workflow.letters import organisation


def current_texts() -> dict[str, dict[str, str]]:
    """Subject and body of every letter kind as the office uses them now."""
    overrides = settings.get("letter_texts")
    return {kind: letter_texts.text_for(kind, overrides) for kind in letter_texts.LETTER_KINDS}


def check_texts(texts: dict[str, dict[str, str]]) -> None:
    """Every problem at once, keyed '<kind>.subject' / '<kind>.body', in Dutch."""
    errors = {}
    for kind, text in texts.items():
        if kind not in letter_texts.LETTER_KINDS:
            errors[kind] = _("Onbekende soort brief: {kind}.").format(kind=kind)
            continue
        label = _(letter_texts.LETTER_KINDS[kind])
        for field in ("subject", "body"):
            value = text.get(field, "")
            if not value.strip():
                errors[f"{kind}.{field}"] = (_("Het onderwerp van “{label}” is leeg.") if field == "subject"
                                             else _("De tekst van “{label}” is leeg.")).format(label=label)
                continue
            unknown = letter_texts.unknown_placeholders(value)
            if unknown:
                errors[f"{kind}.{field}"] = _(
                    "Onbekende invulplek {names} in “{label}”; kies er een uit de lijst.").format(
                    names=", ".join("{" + name + "}" for name in unknown), label=label)
    if errors:
        raise ValidationError(errors)


def save_texts(user: User, texts: dict[str, dict[str, str]], operation_id: str | None = None) -> Setting:
    """Store the texts; only what differs from the built-in text is kept, so improved defaults still arrive."""
    permissions.require_manager(user)
    check_texts(texts)
    overrides: dict[str, Any] = {}
    for kind, text in texts.items():
        default = letter_texts.default_text(kind)
        own = {field: text[field].strip() for field in ("subject", "body")
               if text[field].strip() != default[field]}
        if own:
            overrides[kind] = own
    return settings.put(user, "letter_texts", overrides, operation_id)


def sample_values() -> dict[str, str]:
    """Placeholder values of a made-up complaint, for the preview in the settings."""
    org = organisation()
    today = dt.date.today()
    return {
        "naam": "J. de Vries", "klachtnummer": f"K{today.year}-0042",
        "datum_ontvangst": format_date(today - dt.timedelta(days=3)), "categorie": _("Tijdstip ophalen"),
        "antwoord_uiterlijk": format_date(today + dt.timedelta(days=4)), "behandelaar": "Petra Jansen",
        "organisatie": org.name,
        "contact": _("telefoonnummer {phone} of per e-mail via {email}").format(
            phone=org.phone or "020 123 4567", email=org.email or "klachten@voorbeeld.nl"),
        "vertrouwenspersoon": org.counsellor or _("mevrouw A. Bakker, telefoon 06 1234 5678"),
        "bewaartermijn": _("{n} jaar").format(n=settings.get("retention_years")),
        "advies_aangifte": "", "oordeel": _("gegrond"),
        "antwoord": _("De chauffeur kwam veertig minuten te laat, omdat de planning was gewijzigd zonder dat u "
                      "werd gebeld. Dat had niet mogen gebeuren."),
        "herstel": "- " + _("een schadeloosstelling van {amount} toegekend").format(amount=format_amount(25)),
        "maatregelen": "- " + _("Bij elke wijziging van de ophaaltijd belt de planner de deelnemer."),
        "datum_antwoord": format_date(today - dt.timedelta(days=1)),
        "reden_uitstel": _("wij wachten nog op de reactie van het vervoersbedrijf."),
    }


def preview_pdf(subject: str, body: str) -> bytes:
    """A letter with the given (unsaved) text, filled in for a made-up complaint."""
    values = sample_values()
    return letters.render(letters.Letter(
        organisation=organisation(), envelope=Envelope.from_settings(settings.get("envelope")),
        recipient=postal_address("J. de Vries", "Dorpsstraat 12", "1234 AB", "Voorbeeldstad"),
        date=dt.date.today(), our_reference=values["klachtnummer"],
        subject=letter_texts.fill_line(subject, values), body=letter_texts.fill(body, values),
        signer_name="Petra Jansen", signer_title=_("Klachtencoördinator")))
