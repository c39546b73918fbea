"""The office's own letter texts: reading, checking, saving, and a preview on a made-up complaint.

The texts are one office setting ('letter_texts'), saved as a whole and version-checked like every other record
two people may edit: a manager's save over a colleague's newer one is refused, so neither loses work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import N_, _, format_amount, format_date
from klachtenbureau.models import User
from klachtenbureau.reports import letter_texts
from klachtenbureau.workflow import permissions, settings
from klachtenbureau.workflow.deadlines import AWB, KLACHTENREGELING, WKKGZ
from klachtenbureau.workflow.letters import onward_values, organisation

ONWARD_FIELDS = ("onward_body", "onward_address", "onward_term")

# Examples for the settings the letters need, per deadline profile, shown in the settings dialogs.
# De Geschillencommissie: within 12 months after the complaint to the organisation, only for an organisation
# affiliated to it. Wkkgz: the recognised geschilleninstantie of the sector; De Geschillencommissie Zorg takes a
# dispute up to a year after the complaint to the care provider. Awb art. 9:24: the ombudsman need not
# investigate a request made more than a year after the complaint handling ended (the answer letter).
EXAMPLES: dict[str, dict[str, str]] = {
    KLACHTENREGELING: {
        "counsellor": N_("mevrouw A. Bakker, telefoon 06 1234 5678"),
        "onward_body": "De Geschillencommissie", "onward_address": "www.degeschillencommissie.nl",
        "onward_term": N_("binnen twaalf maanden nadat u uw klacht bij ons indiende"),
        "note": N_("Eigen klachtenregeling: de geschilleninstantie of bemiddelaar waarbij uw organisatie is "
                   "aangesloten, met haar eigen termijn. Voorbeeld: De Geschillencommissie (alleen als u daarbij "
                   "bent aangesloten)."),
    },
    WKKGZ: {
        "counsellor": N_("mevrouw A. Bakker, klachtenfunctionaris, telefoon 06 1234 5678"),
        "onward_body": "De Geschillencommissie Zorg", "onward_address": "www.degeschillencommissiezorg.nl",
        "onward_term": N_("binnen een jaar nadat u uw klacht bij ons indiende"),
        "note": N_("Wkkgz: bij Vertrouwenspersoon de klachtenfunctionaris; daarna de erkende geschilleninstantie "
                   "waarbij u bent aangesloten. Haar uitspraak is bindend; dat zegt de brief er zelf bij."),
    },
    AWB: {
        "counsellor": N_("mevrouw A. Bakker, telefoon 06 1234 5678"),
        "onward_body": N_("de Nationale ombudsman"),
        "onward_address": "Postbus 93122, 2509 AC Den Haag, www.nationaleombudsman.nl",
        "onward_term": N_("binnen een jaar na de datum van deze brief"),
        "note": N_("Awb: de Nationale ombudsman, of de ombudsman of ombudscommissie van uw gemeente. Het verzoek "
                   "kan tot een jaar nadat de klacht is afgehandeld (art. 9:24 Awb). De brief zegt erbij dat de "
                   "ombudsman een oordeel geeft."),
    },
}

# Per placeholder: the organisation settings that fill it (one is enough), and how a warning names them.
_NEEDED: dict[str, tuple[tuple[str, ...], str]] = {
    "contact": (("phone", "email"), N_("telefoonnummer of e-mailadres")),
    "vertrouwenspersoon": (("counsellor",), N_("vertrouwenspersoon")),
    "instantie": (("onward_body",), N_("instantie daarna")),
    "instantie_adres": (("onward_address",), N_("adres van die instantie")),
    "instantie_termijn": (("onward_term",), N_("termijn voor de klager")),
}


def example(profile: str) -> dict[str, str]:
    """The examples for ``profile``, translated."""
    return {name: _(text) for name, text in EXAMPLES.get(profile, EXAMPLES[KLACHTENREGELING]).items()}


def missing_settings(text_kind: str) -> list[str]:
    """The organisation settings the office's text of ``text_kind`` needs but that are empty, in Dutch.

    Without them the letter quietly loses a paragraph (the counsellor, the route onward) or sends the
    complainant to 'het adres bovenaan deze brief'.
    """
    text = letter_texts.text_for(text_kind, settings.get("letter_texts"))
    used = set(letter_texts.used_placeholders(text["subject"] + "\n" + text["body"]))
    org = settings.get("organisation")
    return [_(label) for name, (fields, label) in _NEEDED.items()
            if name in used and not any(str(org.get(field) or "").strip() for field in fields)]


def settings_warning(text_kind: str) -> str:
    """What to tell whoever prints or sends a letter of ``text_kind`` while settings it needs are empty; '' if none."""
    missing = missing_settings(text_kind)
    if not missing:
        return ""
    return _("Nog leeg bij Beheer › Organisatiegegevens, en dus niet in de brief: {missing}. Vul dat eerst in (of "
             "vraag het een beheerder).").format(missing=", ".join(missing))


def load_texts() -> tuple[dict[str, dict[str, str]], int]:
    """Subject and body of every letter kind as the office uses them now, and the version to save against."""
    overrides, version = settings.get_with_version("letter_texts")
    return {kind: letter_texts.text_for(kind, overrides) for kind in letter_texts.LETTER_KINDS}, version


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


def save_texts(user: User, texts: dict[str, dict[str, str]], expected_version: int,
               operation_id: str | None = None) -> int:
    """Store the texts; only what differs from the built-in text is kept, so improved defaults still arrive.

    Refused with a ConflictError when a colleague saved them since ``expected_version`` (from ``load_texts``);
    returns the new version.
    """
    permissions.require_manager(user)
    check_texts(texts)
    overrides: dict[str, Any] = {}
    for kind, text in texts.items():
        default = letter_texts.default_text(kind)
        own = {field: text[field].strip() for field in ("subject", "body")
               if text[field].strip() != default[field]}
        if own:
            overrides[kind] = own
    return settings.put(user, "letter_texts", overrides, operation_id, expected_version=expected_version).version


def sample_values() -> dict[str, str]:
    """Placeholder values of a made-up complaint, for the preview in the settings; empty settings as the example."""
    org = organisation()
    today = dt.date.today()
    profile = settings.get("deadline_profile")
    own, shown = settings.get("organisation"), example(profile)
    return {
        "aanhef": _("Geachte {name}").format(name="J. de Vries"), "naam": "J. de Vries",
        "klachtnummer": f"K{today.year}-0042",
        "datum_ontvangst": format_date(today - dt.timedelta(days=3)), "categorie": _("Tijdstip ophalen"),
        "antwoord_uiterlijk": format_date(today + dt.timedelta(days=4)), "behandelaar": "Petra Jansen",
        "organisatie": org.name,
        "contact": _("telefoonnummer {phone} of per e-mail via {email}").format(
            phone=org.phone or "020 123 4567", email=org.email or "klachten@voorbeeld.nl"),
        "vertrouwenspersoon": org.counsellor or shown["counsellor"],
        "bewaartermijn": _("{n} jaar").format(n=settings.get("retention_years")),
        "advies_aangifte": "", "oordeel": _("gegrond"),
        "antwoord": _("De chauffeur kwam veertig minuten te laat, omdat de planning was gewijzigd zonder dat u "
                      "werd gebeld. Dat had niet mogen gebeuren."),
        "herstel": "- " + _("een schadeloosstelling van {amount} toegekend").format(amount=format_amount(25)),
        "maatregelen": "- " + _("Bij elke wijziging van de ophaaltijd belt de planner de deelnemer."),
        "datum_antwoord": format_date(today - dt.timedelta(days=1)),
        "reden_uitstel": _("Wij wachten nog op de reactie van het vervoersbedrijf."),
        "antwoord_eerder": format_date(today + dt.timedelta(days=1)),
        "vraag": _("Op welke dag en hoe laat had de taxi u moeten ophalen?"),
        "reactie_uiterlijk": format_date(today + dt.timedelta(days=14)),
        "antwoord_na_reactie": _("binnen {n} werkdagen").format(n=3),
        **onward_values(profile, {name: str(own.get(name) or "").strip() or shown[name] for name in ONWARD_FIELDS}),
    }


def preview_pdf(subject: str, body: str) -> bytes:
    """A letter with the given (unsaved) text, filled in for a made-up complaint."""
    from klachtenbureau.reports import letters  # the PDF stack loads with the first letter (workflow.letters)
    from klachtenbureau.reports.layout import Envelope, postal_address

    values = sample_values()
    return letters.render(letters.Letter(
        organisation=organisation(), envelope=Envelope.from_settings(settings.get("envelope")),
        recipient=postal_address("J. de Vries", "Dorpsstraat 12", "1234 AB", "Voorbeeldstad"),
        date=dt.date.today(), our_reference=values["klachtnummer"],
        subject=letter_texts.fill_line(subject, values), body=letter_texts.fill(body, values),
        signer_name="Petra Jansen", signer_title=_("Klachtencoördinator")))
