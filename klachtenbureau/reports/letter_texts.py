"""The default Dutch letter texts and how {invulplekken} in them are filled.

The texts follow the seeds: the acknowledgement says what happens next, when
the answer comes, whom to contact, that a confidential counsellor exists and
how personal data is handled (seed 003); the answers differ per verdict, say
only what is true whatever happened in the investigation, and name the route
onward when the complainant does not agree (seed 004 step 6): first together,
the director or a mediator, the confidential counsellor, then the body the
office named in its settings — a disputes body, the ombudsman — with its
address and the term to turn to it. Whether that body's ruling binds is said
only where the deadline profile makes it true (Wkkgz: binding; Awb: an
opinion). The request for more information (seed 004 step 1.3) asks the
handler's question, names the date to reply by, says (when the office waits
for the reply) that the answer term stands still until then and when the
answer comes after it, and that without a reply the complaint is judged on
what is known.

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
    "information_request": N_("Verzoek om informatie"),  # short: the list of Brieventeksten is narrow
    "answer_founded": N_("Antwoord – gegrond"),
    "answer_partly_founded": N_("Antwoord – deels gegrond"),
    "answer_unfounded": N_("Antwoord – ongegrond"),
    "answer_undetermined": N_("Antwoord – niet vast te stellen"),
    "extension": N_("Uitstelbericht"),
    "aftercare": N_("Nazorg"),
}

PLACEHOLDERS: dict[str, str] = {
    "aanhef": N_("aanhef van de klager, bijvoorbeeld Geachte mevrouw De Vries (zonder eigen aanhef: Geachte en "
                 "de volledige naam)"),
    "naam": N_("naam van de klager"),
    "klachtnummer": N_("nummer van de klacht, bijvoorbeeld K2026-0042"),
    "datum_ontvangst": N_("datum waarop de klacht binnenkwam"),
    "categorie": N_("categorie van de klacht"),
    "antwoord_uiterlijk": N_("datum waarop de klager uiterlijk antwoord krijgt"),
    "behandelaar": N_("wie de klacht behandelt"),
    "organisatie": N_("naam van de organisatie"),
    "contact": N_("hoe de klager ons bereikt (telefoon, e-mail)"),
    "vertrouwenspersoon": N_("de vertrouwenspersoon en hoe die bereikbaar is"),
    "instantie": N_("waar de klager daarna terechtkan: geschilleninstantie, ombudsman, …"),
    "instantie_adres": N_("adres of website van die instantie"),
    "instantie_termijn": N_("binnen welke termijn de klager zich tot die instantie wendt"),
    "instantie_uitspraak": N_("wat die instantie doet: een bindende uitspraak (Wkkgz) of een oordeel (Awb)"),
    "bewaartermijn": N_("hoe lang het dossier wordt bewaard, bijvoorbeeld 3 jaar"),
    "advies_aangifte": N_("advies om aangifte te doen (alleen bij verlies, vermissing of diefstal)"),
    "oordeel": N_("het oordeel: gegrond, deels gegrond, …"),
    "antwoord": N_("het antwoord van de behandelaar"),
    "herstel": N_("wat er voor de klager is gedaan (lijst)"),
    "maatregelen": N_("verbetermaatregelen om herhaling te voorkomen (lijst)"),
    "datum_antwoord": N_("datum waarop het antwoord is verstuurd"),
    "reden_uitstel": N_("waarom het antwoord later komt, zoals de behandelaar het schreef"),
    "antwoord_eerder": N_("datum waarop de klager antwoord zou krijgen vóór het uitstel"),
    "vraag": N_("wat wij de klager vragen, zoals de behandelaar het typte (verzoek om informatie)"),
    "reactie_uiterlijk": N_("datum waarop de klager uiterlijk reageert (verzoek om informatie)"),
    "antwoord_na_reactie": N_("wanneer het antwoord komt na de reactie, als de termijn tot dan stilstaat, "
                              "bijvoorbeeld binnen 3 werkdagen (verzoek om informatie)"),
}

_ROUTE_ONWARD = N_(
    "Bent u het niet eens met ons oordeel of met de oplossing? Laat het ons dan weten via {contact}. "
    "Wij zoeken dan opnieuw met u naar een oplossing, zo nodig met onze directeur of een onafhankelijke "
    "bemiddelaar.")

# After the counsellor: the body the office named in its settings, and (per deadline profile, only where
# true) whether its ruling binds; each in a paragraph of its own, so an empty one drops out alone.
_COUNSELLOR_ANSWER = N_(
    "Wilt u hierover eerst praten met iemand die niet bij de afhandeling betrokken was? Dat kan met onze "
    "vertrouwenspersoon: {vertrouwenspersoon}.")

_ONWARD_BODY = N_(
    "Komen wij er samen niet uit, dan kunt u uw klacht voorleggen aan {instantie} ({instantie_adres}). "
    "Dat kan {instantie_termijn}.")

_OPENING_ANSWER = N_(
    "Op {datum_ontvangst} heeft u bij ons een klacht ingediend over “{categorie}”, met nummer {klachtnummer}. "
    "In deze brief leest u wat wij hebben vastgesteld en wat wij eraan doen.")

_REMEDY = N_("Om het voor u goed te maken, hebben wij het volgende gedaan:\n{herstel}")

_MEASURES = N_("Om te voorkomen dat dit opnieuw gebeurt, nemen wij deze maatregelen:\n{maatregelen}")

_ROUTE = (_ROUTE_ONWARD, _COUNSELLOR_ANSWER, _ONWARD_BODY, "{instantie_uitspraak}")

_CLOSING = N_("Met vriendelijke groet,")

DEFAULT_TEXTS: dict[str, dict[str, Any]] = {
    "acknowledgement": {
        "subject": N_("Ontvangstbevestiging van uw klacht"),
        "body": [
            "{aanhef},",
            N_("Op {datum_ontvangst} hebben wij uw klacht ontvangen en in behandeling genomen. Dank u wel dat u ons "
               "dit laat weten: zo kunnen wij onze dienstverlening verbeteren. Uw klacht heeft nummer "
               "{klachtnummer}; wilt u dat noemen als u contact met ons opneemt?"),
            N_("Wat gebeurt er nu? Uw klacht wordt behandeld door {behandelaar}. Wij nemen contact met u op en "
               "zoeken samen met u naar een oplossing. U krijgt uiterlijk {antwoord_uiterlijk} antwoord. Lukt dat "
               "niet, dan laten wij u vóór die datum weten waarom, en wanneer u dan antwoord krijgt."),
            "{advies_aangifte}",
            N_("Heeft u vragen, of wilt u iets aanvullen? Neem dan contact op met {behandelaar} via {contact}."),
            N_("Wilt u uw klacht liever vertrouwelijk bespreken met iemand die niet bij de afhandeling betrokken "
               "is? Dat kan met onze vertrouwenspersoon: {vertrouwenspersoon}."),
            N_("Uw gegevens gebruiken wij alleen om uw klacht af te handelen en onze dienstverlening te verbeteren; "
               "alleen wie bij de afhandeling betrokken is, ziet ze. Wij bewaren uw klachtdossier {bewaartermijn} "
               "na de afhandeling en verwijderen daarna uw persoonsgegevens."),
            _CLOSING,
        ],
    },
    "information_request": {
        "subject": N_("Wij hebben meer informatie nodig over uw klacht"),
        "body": [
            "{aanhef},",
            N_("Op {datum_ontvangst} heeft u bij ons een klacht ingediend, met nummer {klachtnummer}. Wij willen uw "
               "klacht zorgvuldig beoordelen. Daarvoor hebben wij meer informatie van u nodig."),
            N_("Wij vragen u het volgende:\n{vraag}"),
            N_("Wilt u ons uiterlijk {reactie_uiterlijk} antwoorden? Dat kan via {contact}. Noem daarbij uw "
               "klachtnummer {klachtnummer}."),
            N_("Tot wij uw reactie hebben, staat de termijn voor ons antwoord stil. Na uw reactie krijgt u ons "
               "antwoord {antwoord_na_reactie}."),
            N_("Hebben wij dan nog niets van u gehoord? Dan beoordelen wij uw klacht met de informatie die wij nu "
               "hebben."),
            N_("Heeft u vragen over deze brief? Neem dan contact op met {behandelaar}. Alvast hartelijk dank voor "
               "uw hulp."),
            _CLOSING,
        ],
    },
    "answer_founded": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            "{aanhef},",
            _OPENING_ANSWER,
            N_("Wij vinden uw klacht gegrond: u heeft gelijk. Het spijt ons dat het zo is gelopen; wij bieden u "
               "daarvoor onze excuses aan."),
            "{antwoord}",
            _REMEDY,
            _MEASURES,
            N_("Wij hopen dat uw klacht hiermee is opgelost; later vragen wij u daar nog naar. Is dat niet zo, laat "
               "het ons dan weten via {contact}. Wij zoeken dan opnieuw met u naar een oplossing, zo nodig met onze "
               "directeur of een onafhankelijke bemiddelaar."),
            _COUNSELLOR_ANSWER,
            _ONWARD_BODY,
            "{instantie_uitspraak}",
            _CLOSING,
        ],
    },
    "answer_partly_founded": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            "{aanhef},",
            _OPENING_ANSWER,
            N_("Wij vinden uw klacht deels gegrond. Op een aantal punten heeft u gelijk; daarvoor bieden wij u "
               "onze excuses aan. Op andere punten oordelen wij anders, zoals wij hieronder uitleggen."),
            "{antwoord}",
            _REMEDY,
            _MEASURES,
            *_ROUTE,
            _CLOSING,
        ],
    },
    "answer_unfounded": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            "{aanhef},",
            _OPENING_ANSWER,
            N_("Wij vinden uw klacht ongegrond. Wij begrijpen dat u dit teleurstellend kunt vinden; hieronder "
               "leggen wij uit hoe wij tot dit oordeel komen."),
            "{antwoord}",
            N_("Wel heeft uw klacht ons laten zien wat beter kan. Daarom nemen wij deze maatregelen:\n{maatregelen}"),
            *_ROUTE,
            _CLOSING,
        ],
    },
    "answer_undetermined": {
        "subject": N_("Ons antwoord op uw klacht"),
        "body": [
            "{aanhef},",
            _OPENING_ANSWER,
            N_("Wij kunnen niet met zekerheid vaststellen wat er precies is gebeurd, en dus ook niet zeggen of uw "
               "klacht gegrond is. Hieronder leggen wij uit waarom."),
            "{antwoord}",
            _REMEDY,
            N_("Wel nemen wij naar aanleiding van uw klacht deze maatregelen:\n{maatregelen}"),
            *_ROUTE,
            _CLOSING,
        ],
    },
    "extension": {
        "subject": N_("Meer tijd nodig voor het antwoord op uw klacht"),
        "body": [
            "{aanhef},",
            N_("Op {datum_ontvangst} heeft u bij ons een klacht ingediend, met nummer {klachtnummer}. Wij hadden u "
               "uiterlijk {antwoord_eerder} antwoord beloofd, maar dat lukt ons helaas niet. {reden_uitstel}"),
            N_("U krijgt nu uiterlijk {antwoord_uiterlijk} ons antwoord. Onze excuses dat u langer moet wachten."),
            N_("Heeft u in de tussentijd vragen, of wilt u weten hoe het met uw klacht staat? Neem dan contact "
               "op met {behandelaar} via {contact}."),
            _CLOSING,
        ],
    },
    "aftercare": {
        "subject": N_("Is uw klacht naar tevredenheid opgelost?"),
        "body": [
            "{aanhef},",
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


def used_placeholders(text: str) -> list[str]:
    return sorted(set(_PLACEHOLDER.findall(text)))


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
