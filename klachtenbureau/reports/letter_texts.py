"""The default Dutch letter texts and how {invulplekken} in them are filled.

The texts follow the seeds: the acknowledgement says what happens next, when
the answer comes, whom to contact, that a confidential counsellor exists and
how personal data is handled (seed 003); the answers differ per verdict and
name the route onward when the complainant does not agree — first together,
then the director, an independent third party, mediation, and finally a
disputes body or the court (seed 004 step 6).

The office can override every text in the settings ('letter_texts'). Rules
of a text: paragraphs are separated by an empty line; a line starting with
"- " is a bullet; a paragraph in which a placeholder turns out empty is
left out (so the paragraph about measures disappears when there are none).
"""

from __future__ import annotations

import re
from typing import Any

from klachtenbureau.i18n import N_, _

LETTER_KINDS: dict[str, str] = {
    "acknowledgement": N_("Ontvangstbevestiging"),
    "answer_founded": N_("Antwoord – gegrond"),
    "answer_partly_founded": N_("Antwoord – deels gegrond"),
    "answer_unfounded": N_("Antwoord – ongegrond"),
    "answer_undetermined": N_("Antwoord – niet vast te stellen"),
    "extension": N_("Uitstelbericht"),
    "aftercare": N_("Nazorg"),
}

PLACEHOLDERS: dict[str, str] = {
    "naam": N_("naam van de klager"),
    "klachtnummer": N_("nummer van de klacht, bijvoorbeeld K2026-0042"),
    "datum_ontvangst": N_("datum waarop de klacht binnenkwam"),
    "categorie": N_("categorie van de klacht"),
    "antwoord_uiterlijk": N_("datum waarop de klager uiterlijk antwoord krijgt"),
    "behandelaar": N_("wie de klacht behandelt"),
    "organisatie": N_("naam van de organisatie"),
    "contact": N_("hoe de klager ons bereikt (telefoon, e-mail)"),
    "vertrouwenspersoon": N_("de vertrouwenspersoon en hoe die bereikbaar is"),
    "bewaartermijn": N_("hoe lang het dossier wordt bewaard, bijvoorbeeld 3 jaar"),
    "advies_aangifte": N_("advies om aangifte te doen (alleen bij verlies, vermissing of diefstal)"),
    "oordeel": N_("het oordeel: gegrond, deels gegrond, …"),
    "antwoord": N_("het antwoord van de behandelaar"),
    "herstel": N_("wat er voor de klager is gedaan (lijst)"),
    "maatregelen": N_("verbetermaatregelen om herhaling te voorkomen (lijst)"),
    "datum_antwoord": N_("datum waarop het antwoord is verstuurd"),
    "reden_uitstel": N_("waarom het antwoord later komt"),
}

_ROUTE_ONWARD = N_(
    "Bent u het niet eens met ons oordeel of met de oplossing? Laat het ons dan weten via {contact}. "
    "Wij gaan dan opnieuw met u in gesprek om er samen uit te komen, zo nodig met onze directeur. "
    "Komen wij er samen niet uit, dan kunnen wij uw klacht laten beoordelen door een onafhankelijke derde. "
    "Ook mediation kan dan een oplossing bieden. Is dat geen optie, dan staat de weg open naar een "
    "geschilleninstantie of de rechter; hun uitspraak is voor beide partijen bindend.")

_OPENING_ANSWER = N_(
    "Op {datum_ontvangst} heeft u een klacht bij ons ingediend over “{categorie}”. Uw klacht is "
    "geregistreerd onder nummer {klachtnummer}. Wij hebben uw klacht onderzocht en laten u in deze brief "
    "weten wat wij hebben vastgesteld en wat wij eraan doen.")

_REMEDY = N_("Om het voor u goed te maken, hebben wij het volgende gedaan:\n{herstel}")

_CLOSING = N_("Met vriendelijke groet,")

DEFAULT_TEXTS: dict[str, dict[str, Any]] = {
    "acknowledgement": {
        "subject": N_("Ontvangstbevestiging van uw klacht"),
        "body": [
            N_("Beste {naam},"),
            N_("Op {datum_ontvangst} hebben wij uw klacht ontvangen. Dank u wel dat u de moeite hebt genomen om "
               "ons dit te laten weten: uw klacht helpt ons onze dienstverlening te verbeteren. Hierbij "
               "bevestigen wij dat wij uw klacht in behandeling hebben genomen."),
            N_("Uw klacht is geregistreerd onder nummer {klachtnummer}. Wilt u dit nummer noemen als u contact "
               "met ons opneemt?"),
            N_("Wat gebeurt er nu? Uw klacht wordt behandeld door {behandelaar}. Wij nemen contact met u op om "
               "uw klacht te bespreken en zoeken samen met u naar een oplossing. U krijgt uiterlijk "
               "{antwoord_uiterlijk} antwoord van ons. Lukt dat niet, dan laten wij u dat vóór die datum weten, "
               "met de reden en de datum waarop u wel antwoord krijgt."),
            "{advies_aangifte}",
            N_("Heeft u vragen, of wilt u iets aanvullen? Neem dan contact op met {behandelaar} via {contact}."),
            N_("Wilt u uw klacht liever vertrouwelijk bespreken met iemand die niet bij de afhandeling betrokken "
               "is? Dan kunt u terecht bij onze vertrouwenspersoon: {vertrouwenspersoon}."),
            N_("Uw gegevens gebruiken wij alleen om uw klacht af te handelen en om onze dienstverlening te "
               "verbeteren. Ze worden vertrouwelijk behandeld en alleen ingezien door de medewerkers die bij de "
               "afhandeling betrokken zijn. Wij bewaren uw klachtdossier {bewaartermijn} na de afhandeling; "
               "daarna verwijderen wij uw persoonsgegevens."),
            _CLOSING,
        ],
    },
    "answer_founded": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            N_("Beste {naam},"),
            _OPENING_ANSWER,
            N_("Wij vinden uw klacht gegrond: u heeft gelijk. Het spijt ons dat het zo is gelopen, en wij bieden "
               "u daarvoor onze excuses aan."),
            "{antwoord}",
            _REMEDY,
            N_("Om te voorkomen dat dit opnieuw gebeurt, nemen wij de volgende maatregelen:\n{maatregelen}"),
            N_("Wij hopen dat uw klacht hiermee naar tevredenheid is opgelost. Over enige tijd vragen wij u "
               "nog of u tevreden bent met de afhandeling."),
            _ROUTE_ONWARD,
            _CLOSING,
        ],
    },
    "answer_partly_founded": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            N_("Beste {naam},"),
            _OPENING_ANSWER,
            N_("Wij vinden uw klacht deels gegrond. Op een aantal punten geven wij u gelijk, en daarvoor bieden "
               "wij u onze excuses aan. Op andere punten komen wij tot een ander oordeel. Hieronder leggen wij "
               "uit hoe wij tot dit oordeel komen."),
            "{antwoord}",
            _REMEDY,
            N_("Om te voorkomen dat dit opnieuw gebeurt, nemen wij de volgende maatregelen:\n{maatregelen}"),
            _ROUTE_ONWARD,
            _CLOSING,
        ],
    },
    "answer_unfounded": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            N_("Beste {naam},"),
            _OPENING_ANSWER,
            N_("Wij hebben de feiten zorgvuldig op een rij gezet en gesproken met de betrokkenen. Op grond "
               "daarvan vinden wij uw klacht ongegrond. Wij begrijpen dat u dit teleurstellend kunt vinden. "
               "Hieronder leggen wij uit hoe wij tot dit oordeel komen."),
            "{antwoord}",
            N_("Uw klacht heeft ons wel laten zien wat wij beter kunnen doen. Daarom nemen wij de volgende "
               "maatregelen:\n{maatregelen}"),
            _ROUTE_ONWARD,
            _CLOSING,
        ],
    },
    "answer_undetermined": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            N_("Beste {naam},"),
            _OPENING_ANSWER,
            N_("Wij hebben uw klacht onderzocht, maar wij kunnen niet met zekerheid vaststellen wat er precies is "
               "gebeurd. De lezingen van de betrokkenen lopen uiteen en er zijn te weinig gegevens om tot een "
               "oordeel te komen. Wij kunnen daarom niet zeggen of uw klacht gegrond is."),
            "{antwoord}",
            _REMEDY,
            N_("Wel nemen wij naar aanleiding van uw klacht de volgende maatregelen:\n{maatregelen}"),
            _ROUTE_ONWARD,
            _CLOSING,
        ],
    },
    "extension": {
        "subject": N_("Meer tijd nodig voor het antwoord op uw klacht"),
        "body": [
            N_("Beste {naam},"),
            N_("Op {datum_ontvangst} heeft u een klacht bij ons ingediend. Uw klacht is geregistreerd onder "
               "nummer {klachtnummer}. Wij hadden u graag binnen de afgesproken termijn geantwoord, maar dat "
               "lukt ons helaas niet."),
            N_("De reden hiervan is: {reden_uitstel}"),
            N_("U krijgt uiterlijk {antwoord_uiterlijk} ons antwoord. Wij bieden u onze excuses aan voor het "
               "langere wachten."),
            N_("Heeft u in de tussentijd vragen, of wilt u weten hoe het met uw klacht staat? Neem dan contact "
               "op met {behandelaar} via {contact}."),
            _CLOSING,
        ],
    },
    "aftercare": {
        "subject": N_("Is uw klacht naar tevredenheid opgelost?"),
        "body": [
            N_("Beste {naam},"),
            N_("Op {datum_antwoord} hebben wij u ons antwoord gestuurd op uw klacht met nummer {klachtnummer}. "
               "Wij willen graag weten of uw klacht daarmee naar tevredenheid is opgelost. U bent belangrijk voor "
               "ons, en uw ervaring helpt ons om onze dienstverlening te verbeteren."),
            N_("Wilt u ons laten weten:\n- of uw klacht naar tevredenheid is opgelost;\n- of wij de afspraken "
               "met u zijn nagekomen;\n- wat wij volgens u nog beter kunnen doen?"),
            N_("U kunt reageren via {contact}, of met een brief aan het adres bovenaan deze brief. Wilt u "
               "daarbij uw klachtnummer {klachtnummer} noemen?"),
            N_("Bent u niet tevreden? Dan zoeken wij graag opnieuw met u naar een oplossing."),
            _CLOSING,
        ],
    },
}

_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


def default_text(kind: str) -> dict[str, str]:
    """The built-in subject and body of ``kind``, translated, paragraphs joined by empty lines."""
    text = DEFAULT_TEXTS[kind]
    return {"subject": _(text["subject"]), "body": "\n\n".join(_(p) for p in text["body"])}


def text_for(kind: str, overrides: dict[str, Any] | None) -> dict[str, str]:
    """The office's own text for ``kind`` where it has one, field by field, else the default."""
    if kind not in LETTER_KINDS:
        raise KeyError(kind)
    text = default_text(kind)
    own = (overrides or {}).get(kind) or {}
    for field in ("subject", "body"):
        value = own.get(field)
        if isinstance(value, str) and value.strip():
            text[field] = value.strip()
    return text


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def fill(text: str, values: dict[str, str]) -> str:
    """Fill ``{placeholders}``; a paragraph with an empty placeholder is dropped.

    Unknown placeholders stay as typed, so a typo shows on paper instead of
    vanishing (the settings dialog warns about them before saving).
    """
    kept = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        names = _PLACEHOLDER.findall(paragraph)
        if any(name in values and not values[name].strip() for name in names):
            continue
        kept.append(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), paragraph).strip())
    return "\n\n".join(p for p in kept if p)


def fill_line(text: str, values: dict[str, str]) -> str:
    """Fill a one-line text such as the subject; empty placeholders just become empty."""
    return " ".join(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text).split())
