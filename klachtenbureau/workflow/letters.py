"""Letters and the dossier of a complaint: making them, and recording what was sent.

The workflow side: what goes into a letter and what is kept of it. The paper itself (layout, PDF/A) is
``reports/letters.py``, which receives a finished ``Letter`` and queries nothing.

A letter is built from the complaint, the office settings ('organisation',
'envelope', 'letter_texts', 'retention_years') and the acting user. A letter
that was printed or saved is stored with the complaint as a document, gets a
timeline entry, and an acknowledgement letter for a complaint that is still
new records the acknowledgement as sent (seed 003: within 2 working days).
Every letter can also go by e-mail (``letter_email`` gives its text; workflow/mail/outgoing.py sends it with
the PDF attached and records it), the default for complainants who contacted the office by e-mail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from typing import TYPE_CHECKING, Any

import peewee

from klachtenbureau.errors import NotFoundError, TransitionNotAllowedError, ValidationError
from klachtenbureau.i18n import N_, _, format_amount, format_date, ngettext
from klachtenbureau.models import (
    AuditEntry, Complaint, Document, Measure, MeasureComplaint, Relation, TimelineEntry, User, now,
)
from klachtenbureau.models.complaints import ANSWERED, CLOSED, COMPLAINT, NEW, REMEDIES, VERDICTS, WAITING_COMPLAINANT
from klachtenbureau.models.people import COORDINATOR, COUNSELLOR, DIRECTOR, QUALITY
from klachtenbureau.reports import letter_texts
from klachtenbureau.workflow import (
    deadlines, dossier_data, intake_support, permissions, procedure, queries, settings,
)
from klachtenbureau.workflow.operations import Outcome, copy_into, perform
from klachtenbureau.workflow.upkeep.store import SYSTEM_LOGIN

if TYPE_CHECKING:
    from klachtenbureau.reports import letters
    from klachtenbureau.reports.layout import Organisation

# The paper (reports.letters, .dossier, .layout) is imported where a letter is made: ReportLab, pikepdf and the rest
# of the PDF stack load with the first letter, not with every program that imports this module (issue 19).

KINDS = {
    "acknowledgement": N_("Ontvangstbevestiging"),
    "information_request": N_("Verzoek om aanvullende informatie"),
    "answer": N_("Antwoordbrief"),
    "extension": N_("Uitstelbericht"),
    "aftercare": N_("Nazorgbrief"),
}

_SIGNER_TITLES = {COORDINATOR: N_("Klachtencoördinator"), QUALITY: N_("Kwaliteitsmedewerker"),
                  DIRECTOR: N_("Directeur"), COUNSELLOR: N_("Vertrouwenspersoon")}
# How each remedy reads in "Om het voor u goed te maken, hebben wij het volgende gedaan:".
_REMEDY_PHRASES = {
    "apology": N_("onze excuses aangeboden"),
    "restore": N_("de dienstverlening hersteld"),
    "redo": N_("de dienst opnieuw en foutloos geleverd"),
    "compensation": N_("een schadeloosstelling van {amount} toegekend"),
    "talk": N_("een ondersteunend gesprek met u gevoerd"),
}


@dataclasses.dataclass(frozen=True)
class EmailText:
    to: str
    subject: str
    body: str


REPLY_WORKING_DAYS = 10  # the time a request for more information gives the complainant unless the handler changes it


@dataclasses.dataclass(frozen=True)
class InformationRequest:
    """What a request for more information asks the complainant (seed 004, 1.3), and by when to answer."""

    question: str
    reply_by: dt.date
    pause: bool = False  # the answer term stands still until the reply (procedure.wait), and the letter says so


# --- what goes into a letter ------------------------------------------------

def organisation() -> Organisation:
    from klachtenbureau.reports.layout import Organisation

    return Organisation.from_settings(settings.get("organisation"))


def complaint_for(user: User, complaint_id: int) -> Complaint:
    """The complaint a window asks a letter for, by id, if the user may see it."""
    complaint = Complaint.get_or_none(Complaint.id == complaint_id)
    if complaint is None:
        raise NotFoundError(_("Deze klacht bestaat niet meer."))
    permissions.require_see(user, complaint)
    return complaint


def postal_problem(complaint: Complaint, short: bool = False) -> str | None:
    """Why no letter can be posted to this complainant, in Dutch (``short``: for a list); None when it can."""
    if complaint.anonymous or complaint.relation_id is None:
        return _("Anoniem: geen adres") if short else _(
            "Klacht {number} is anoniem ingediend: er is geen adres om een brief naar te sturen.").format(
            number=complaint.number)
    relation = complaint.relation
    if not (relation.street.strip() and relation.city.strip()):
        return _("Adres onvolledig") if short else _(
            "Van de klager van {number} is geen volledig postadres bekend (straat en plaats). "
            "Vul het adres aan of stuur een e-mail.").format(number=complaint.number)
    from klachtenbureau.reports.layout import Envelope, window_lines

    try:
        window_lines(recipient(relation), Envelope.from_settings(settings.get("envelope")))
    except ValidationError as exc:
        return _("Adres past niet in venster") if short else exc.message
    return None


def email_problem(complaint: Complaint) -> str | None:
    """Why no e-mail can go to this complainant, in Dutch; None when it can."""
    if complaint.anonymous or complaint.relation_id is None:
        return _("Klacht {number} is anoniem ingediend: er is geen e-mailadres.").format(number=complaint.number)
    if not complaint.relation.email.strip():
        return _("Van de klager van {number} is geen e-mailadres bekend.").format(number=complaint.number)
    return None


def require_route(complaint: Complaint, by_email: bool) -> None:
    """Raise unless a letter can reach this complainant by e-mail (``by_email``) or by post."""
    problem = email_problem(complaint) if by_email else postal_problem(complaint)
    if problem:
        raise ValidationError({"email" if by_email else "address": problem})


def delivery(complaint: Complaint) -> str:
    """How a letter to this complainant goes by default: "email" or "letter".

    As they contacted the office (or as the intake chose for the acknowledgement), and by e-mail anyhow when
    there is an e-mail address but no postal address.
    """
    if email_problem(complaint) is not None:
        return "letter"
    by_mail = complaint.acknowledgement_method == "email" or (
        intake_support.default_ack(complaint.channel) == "email" and complaint.acknowledgement_method != "letter")
    return "email" if by_mail or postal_problem(complaint) is not None else "letter"


def recipient(relation: Relation) -> list[str]:
    """The complainant's lines in the envelope window."""
    from klachtenbureau.reports.layout import postal_address

    return postal_address(relation.name, relation.street, relation.postcode, relation.city, relation.attention,
                          relation.country)


def salutation(relation: Relation) -> str:
    """How the letters greet the complainant ({aanhef}, the comma is the text's).

    The salutation typed with the complainant's details; without one "Geachte" and the full name of the contact
    person or the complainant, which guesses at no "mevrouw" or "heer"; an organisation (a partner or a
    supplier) without a contact person "Geachte heer, mevrouw".
    """
    if relation.salutation.strip():
        return relation.salutation.strip().rstrip(" ,")
    if relation.attention.strip():
        return _("Geachte {name}").format(name=relation.attention.strip())
    if relation.relation_type in ("partner", "supplier"):
        return _("Geachte heer, mevrouw")
    return _("Geachte {name}").format(name=relation.name.strip())


def text_kind(complaint: Complaint, kind: str) -> str:
    """Which text of letter_texts a letter of ``kind`` uses, refusing letters that make no sense yet."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Kies ontvangstbevestiging, verzoek om informatie, antwoord, uitstel of "
                                         "nazorg.")})
    if complaint.kind != COMPLAINT:
        raise TransitionNotAllowedError(_("{number} is een navraag; brieven zijn er voor klachten.").format(
            number=complaint.number))
    if kind == "information_request":
        _require_open(complaint)
    if kind == "answer":
        if complaint.verdict not in VERDICTS:
            raise TransitionNotAllowedError(_("Leg eerst het oordeel over klacht {number} vast; de antwoordbrief "
                                              "hangt af van het oordeel.").format(number=complaint.number))
        return f"answer_{complaint.verdict}"
    if kind == "aftercare" and complaint.answered_at is None:
        raise TransitionNotAllowedError(_("Klacht {number} is nog niet beantwoord; de nazorgbrief volgt op het "
                                          "antwoord.").format(number=complaint.number))
    return kind


def _require_open(complaint: Complaint) -> None:
    """Asking for more information serves judging the complaint: a closed one is reopened first."""
    if complaint.status == CLOSED:
        raise TransitionNotAllowedError(_("Klacht {number} is afgesloten; heropen de klacht om de klager nog iets "
                                          "te vragen.").format(number=complaint.number))


def default_reply_by(today: dt.date | None = None) -> dt.date:
    """The reply-by date a request for more information proposes, on the office's working-day calendar."""
    return settings.calendar().add_working_days(today or dt.date.today(), REPLY_WORKING_DAYS)


def information_request(question: str, reply_by: dt.date | None, today: dt.date | None = None,
                        pause: bool = False) -> InformationRequest:
    """The question and the reply-by date as the handler typed them, checked: every problem at its field."""
    question = "\n".join(line.rstrip() for line in question.replace("\r\n", "\n").strip().split("\n"))
    errors = {}
    if not question:
        errors["question"] = _("Typ de vraag aan de klager.")
    if reply_by is None:
        errors["reply_by"] = _("Kies de datum waarop de klager uiterlijk reageert.")
    elif reply_by <= (today or dt.date.today()):
        errors["reply_by"] = _("Kies een datum na vandaag: de klager heeft tijd nodig om te reageren.")
    if errors:
        raise ValidationError(errors)
    return InformationRequest(question, reply_by, pause)


def _checked_request(kind: str, request: InformationRequest | None, subject: str | None, body: str | None,
                     today: dt.date | None = None) -> InformationRequest | None:
    """The request checked again (the date may have passed meanwhile); required where the office's text is used."""
    if kind != "information_request" or (request is None and subject is not None and body is not None):
        return request
    return information_request(request.question if request else "", request.reply_by if request else None, today,
                               request.pause if request else False)


def require_information_request(user: User, complaint: Complaint, by_email: bool = False) -> None:
    """Raise unless a request for more information can go to this complainant now, before anything is typed."""
    require_record(user, complaint, "information_request")
    text_kind(complaint, "information_request")
    require_route(complaint, by_email)


def extension_reason(complaint: Complaint) -> str:
    """The reason given with the latest extension, as the extend step wrote it on the timeline."""
    template = _("Termijn verlengd tot {date}: {reason}")
    prefix = template.split("{reason}")[0].format(date=format_date(complaint.answer_by))
    entry = (TimelineEntry.select()
             .where((TimelineEntry.complaint == complaint.id) & TimelineEntry.summary.startswith(prefix))
             .order_by(TimelineEntry.at.desc(), TimelineEntry.id.desc()).first())
    return entry.summary[len(prefix):].strip() if entry is not None else ""


def _contact(org: Organisation) -> str:
    if org.phone and org.email:
        return _("telefoonnummer {phone} of per e-mail via {email}").format(phone=org.phone, email=org.email)
    if org.phone:
        return _("telefoonnummer {phone}").format(phone=org.phone)
    if org.email:
        return _("e-mail via {email}").format(email=org.email)
    return _("het adres bovenaan deze brief")


def _remedies(complaint: Complaint) -> str:
    skip_apology = complaint.verdict in ("founded", "partly_founded")  # those texts apologise already
    lines = []
    for code in complaint.remedy_codes:
        if code not in REMEDIES or (code == "apology" and skip_apology):
            continue
        lines.append("- " + _(_REMEDY_PHRASES[code]).format(amount=format_amount(complaint.compensation_amount)))
    return "\n".join(lines)


def _measures(complaint: Complaint) -> str:
    measures = (Measure.select().join(MeasureComplaint)
                .where(MeasureComplaint.complaint == complaint.id).order_by(Measure.due_date, Measure.id))
    return "\n".join("- " + m.title for m in measures)


def _sentence(text: str) -> str:
    """The handler's note as a sentence of the letter: a capital at the start, a full stop at the end."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text + "." if text[-1] not in ".!?" else text


# What the body onward does, said only where the deadline profile makes it true (a Wkkgz geschilleninstantie
# gives a binding ruling; an Awb ombudsman an opinion). Under the office's own procedure it depends on the body.
_RULINGS = {
    deadlines.WKKGZ: N_("De uitspraak van de geschilleninstantie is voor u en voor ons bindend."),
    deadlines.AWB: N_("De ombudsman geeft daarover een oordeel en kan ons aanbevelingen doen."),
}


def onward_values(profile: str, org: dict[str, Any] | None = None) -> dict[str, str]:
    """The route onward as the office set it ('organisation': onward_*), for a complaint under ``profile``."""
    org = settings.get("organisation") if org is None else org
    body = str(org.get("onward_body") or "").strip()
    return {
        "instantie": body,
        "instantie_adres": str(org.get("onward_address") or "").strip(),
        "instantie_termijn": str(org.get("onward_term") or "").strip(),
        "instantie_uitspraak": _(_RULINGS[profile]) if body and profile in _RULINGS else "",
    }


def _require_extension_ahead(complaint: Complaint, today: dt.date) -> None:
    """An extension notice promises a date: never one that has passed, nor one for an answer already sent.

    A reopened or escalated complaint awaits a new answer, so it may still get one.
    """
    if complaint.status in (ANSWERED, CLOSED):
        raise TransitionNotAllowedError(_("Klacht {number} is al beantwoord; een uitstelbericht is niet meer "
                                          "nodig.").format(number=complaint.number))
    if complaint.answer_by < today:
        raise TransitionNotAllowedError(_("De verlengde termijn van klacht {number} ({date}) is al voorbij; een "
                                          "uitstelbericht zou een datum in het verleden beloven.").format(
            number=complaint.number, date=format_date(complaint.answer_by)))


def previous_answer_by(complaint: Complaint) -> dt.date:
    """The answer date the complainant had before the latest extension.

    The audit log holds every answer date the complaint had (at registration, at each extension); without
    that history the profile's original term is the best there is.
    """
    entries = (AuditEntry.select(AuditEntry.changes)
               .where((AuditEntry.complaint_id == complaint.id) & AuditEntry.changes.contains('"answer_by"'))
               .order_by(AuditEntry.id))
    dates = [value for value in (json.loads(e.changes).get("answer_by") for e in entries) if value]
    if len(dates) >= 2:
        return dt.date.fromisoformat(dates[-2])
    return deadlines.answer_by(complaint.received_at.date(), deadlines.get_profile(complaint.deadline_profile),
                               settings.calendar(), complaint.advisory_committee)


def signer(complaint: Complaint, user: User) -> tuple[str, str]:
    """Who signs: the handler, else the acting person; never the system account."""
    person = complaint.assigned_to if complaint.assigned_to_id else user
    if person is None or person.login == SYSTEM_LOGIN:
        return "", _("Klachtencoördinator")
    return person.full_name, _(_SIGNER_TITLES.get(person.role, N_("Klachtbehandelaar")))


def letter_values(complaint: Complaint, reason: str | None = None,
                  request: InformationRequest | None = None) -> dict[str, str]:
    """The values of every placeholder for this complaint.

    ``request``: what a request for more information asks; without it {vraag} and {reactie_uiterlijk} stay empty.
    """
    org = organisation()
    years = int(settings.get("retention_years"))
    relation = complaint.relation if complaint.relation_id else None
    advice = _("Omdat uw klacht gaat over verlies, vermissing of diefstal, raden wij u aan daarvan ook aangifte "
               "te doen bij de politie.") if complaint.police_report_advised else ""
    return {
        "aanhef": salutation(relation) if relation else "",
        "naam": relation.name if relation else "",
        "klachtnummer": complaint.number,
        "datum_ontvangst": format_date(complaint.received_at.date()),
        "categorie": complaint.category.name,
        "antwoord_uiterlijk": _answer_date(complaint),
        "behandelaar": complaint.assigned_to.full_name if complaint.assigned_to_id else _("onze klachtencoördinator"),
        "organisatie": org.name,
        "contact": _contact(org),
        "vertrouwenspersoon": org.counsellor,
        "bewaartermijn": ngettext("{n} jaar", "{n} jaar", years).format(n=years),
        "advies_aangifte": advice,
        "oordeel": _(VERDICTS[complaint.verdict]).lower() if complaint.verdict in VERDICTS else "",
        "antwoord": complaint.answer,
        "herstel": _remedies(complaint),
        "maatregelen": _measures(complaint),
        "datum_antwoord": format_date(complaint.answered_at.date()) if complaint.answered_at else "",
        "reden_uitstel": _sentence(reason if reason is not None else extension_reason(complaint)),
        "antwoord_eerder": format_date(previous_answer_by(complaint)) if complaint.extension_count else "",
        "vraag": request.question if request else "",
        "reactie_uiterlijk": format_date(request.reply_by) if request else "",
        "antwoord_na_reactie": _answer_after_reply(complaint, request),
        **onward_values(complaint.deadline_profile),
    }


def _answer_date(complaint: Complaint) -> str:
    """When the answer comes, as a letter says it: while the clock stands still for the complainant's reply the
    date is not known yet, only how many working days after the reply ("uiterlijk 3 werkdagen na uw reactie")."""
    if complaint.waiting_for != WAITING_COMPLAINANT or complaint.answered_at is not None:
        return format_date(complaint.answer_by)
    left = complaint.answer_days_left or 0
    if not left:
        return _("op de dag van uw reactie")
    return ngettext("{n} werkdag na uw reactie", "{n} werkdagen na uw reactie", left).format(n=left)


def _answer_after_reply(complaint: Complaint, request: InformationRequest | None) -> str:
    """When the answer comes once the complainant replied, for a request that stops the clock (or one sent while it
    already stands still); empty otherwise, which leaves the letter's paragraph about it out."""
    if request is None or not (request.pause or complaint.waiting_for == WAITING_COMPLAINANT):
        return ""
    left = (complaint.answer_days_left if complaint.waiting_for == WAITING_COMPLAINANT else
            deadlines.days_left_at_pause(complaint.answer_by, dt.date.today(), settings.calendar())) or 0
    if not left:
        return _("zo snel mogelijk")
    return ngettext("binnen {n} werkdag", "binnen {n} werkdagen", left).format(n=left)


def reply_wait(request: InformationRequest) -> dict[str, Any]:
    """The arguments of ``procedure.wait`` once the request went out: the term stands still until its reply date."""
    return {"waiting_for": WAITING_COMPLAINANT, "until": request.reply_by,
            "reason": _("Verzoek om aanvullende informatie verstuurd: {question}").format(
                question=" ".join(request.question.split()))}


_LEFTOVER = re.compile(r"\{[^{}\n]*\}")  # an {invulplek}, or what is left of one, in an edited letter


def own_text(field: str, text: str) -> str:
    """The handler's edited subject or body of one letter: filled in, so a "{…}" left in it is refused."""
    text = " ".join(text.split()) if field == "subject" else text.strip()
    if not text:
        raise ValidationError({field: _("Het onderwerp van de brief is leeg.") if field == "subject"
                               else _("De tekst van de brief is leeg.")})
    left = _LEFTOVER.search(text)
    if left:
        raise ValidationError({field: _("Er staat nog een invulplek in de brief: {placeholder}. Typ daar de "
                                        "tekst zelf of haal de accolades weg.").format(placeholder=left.group(0))})
    return text


def build_letter(user: User, complaint: Complaint, kind: str, today: dt.date | None = None,
                 their_reference: str = "", reason: str | None = None, subject: str | None = None,
                 body: str | None = None, by_email: bool = False,
                 request: InformationRequest | None = None) -> letters.Letter:
    """The letter, with the office's text filled in, or with ``subject``/``body`` as the handler edited them.

    ``by_email``: the letter goes as the attachment of an e-mail, so it needs the complainant's e-mail address
    instead of a postal address, and shows that address where the envelope window would be.
    ``request``: the question and reply-by date of a request for more information, needed for the office's text.
    """
    permissions.require_see(user, complaint)
    which = text_kind(complaint, kind)
    require_route(complaint, by_email)
    values = letter_values(complaint, reason, _checked_request(kind, request, subject, body, today))
    if kind == "extension" and not values["reden_uitstel"]:
        raise TransitionNotAllowedError(_("De termijn van klacht {number} is niet verlengd; verleng eerst de termijn "
                                          "en noteer de reden.").format(number=complaint.number))
    if kind == "extension":
        _require_extension_ahead(complaint, today or dt.date.today())
    text = letter_texts.text_for(which, settings.get("letter_texts"))
    relation = complaint.relation
    name, title = signer(complaint, user)
    from klachtenbureau.reports import letters
    from klachtenbureau.reports.layout import Envelope

    return letters.Letter(
        organisation=organisation(), envelope=Envelope.from_settings(settings.get("envelope")),
        recipient=[relation.name, relation.email.strip()] if by_email else recipient(relation),
        date=today or dt.date.today(), our_reference=complaint.number,
        subject=letter_texts.fill_line(text["subject"], values) if subject is None else own_text("subject", subject),
        body=letter_texts.fill(text["body"], values) if body is None else own_text("body", body),
        signer_name=name, signer_title=title, their_reference=their_reference.strip())


def letter_pdf(user: User, complaint: Complaint, kind: str, today: dt.date | None = None,
               their_reference: str = "", reason: str | None = None, subject: str | None = None,
               body: str | None = None, by_email: bool = False, request: InformationRequest | None = None) -> bytes:
    from klachtenbureau.reports import letters

    return letters.render(build_letter(user, complaint, kind, today, their_reference, reason, subject, body,
                                       by_email, request=request))


def letter_file_name(complaint: Complaint, kind: str, today: dt.date | None = None) -> str:
    return f"{complaint.number} {_(KINDS[kind]).lower()} {(today or dt.date.today()).isoformat()}.pdf"


def dossier_pdf(user: User, complaint: Complaint) -> bytes:
    """The archive-ready dossier (PDF/A-2b) of one complaint: the facts the dossier window shows, and every document."""
    from klachtenbureau.reports import dossier

    facts, contents = dossier_data.archive(user, complaint.id)
    return dossier.render(facts, contents, organisation().name, int(settings.get("retention_years")), user.full_name)


# --- recording what was sent --------------------------------------------------

def require_record(user: User, complaint: Complaint, kind: str) -> None:
    """Raise unless ``user`` may keep this letter with the complaint (and acknowledge with it while it is new).

    Checked before the letter is made and printed, and again when it is stored.
    """
    permissions.require_send_letter(user, complaint, kind)
    if kind == "acknowledgement" and complaint.status == NEW:
        permissions.require_acknowledge(user, complaint)
    if kind == "information_request":
        _require_open(complaint)


def store_sent(user: User, complaint: Complaint, doc_kind: str, name: str, mime_type: str, content: bytes,
               summary: str, entry: dict[str, str], action: str, operation_id: str | None) -> Document:
    """Keep what went to the complainant (a letter, a mail) as a document with a line on the timeline."""
    digest = hashlib.sha256(content).hexdigest()

    def body() -> Outcome:
        current = Complaint.get_by_id(complaint.id)
        permissions.require_add_to(user, current)
        document = Document.create(complaint=current, kind=doc_kind, name=name, mime_type=mime_type,
                                   content=content, size=len(content), sha256=digest, created_by=user.id)
        TimelineEntry.create(complaint=current, user=user.id, summary=summary, at=now(), **entry)
        return Outcome(document, {"kind": doc_kind, "name": name, "size": len(content), "sha256": digest},
                       current.id)

    return perform(user, action, body, operation_id)


def acknowledge_if_new(user: User, complaint: Complaint, method: str, operation_id: str | None) -> Complaint:
    """An acknowledgement that went out acknowledges a complaint that is still new (``method``: letter, email)."""
    current = Complaint.get_by_id(complaint.id)
    if current.status == NEW and current.acknowledged_at is None:
        procedure.acknowledge(user, current, method, operation_id=f"{operation_id}:ack" if operation_id else None)
    return copy_into(complaint, Complaint.get_by_id(complaint.id))


def request_note(request: InformationRequest) -> str:
    """What the timeline adds to a request for more information, sent by post or by e-mail."""
    return _("Reactie gevraagd uiterlijk {date}.").format(date=format_date(request.reply_by))


def record_letter(user: User, complaint: Complaint, kind: str, pdf: bytes, printed: bool,
                  today: dt.date | None = None, operation_id: str | None = None, adapted: bool = False,
                  request: InformationRequest | None = None) -> Complaint:
    """Store a printed or saved letter; an acknowledgement of a new complaint counts as sent by letter.

    ``adapted``: the handler edited the text of this letter, which the timeline then says.
    ``request``: what a request for more information asked; the timeline names its reply-by date.
    """
    if kind not in KINDS:
        raise ValidationError({"kind": _("Kies ontvangstbevestiging, verzoek om informatie, antwoord, uitstel of "
                                         "nazorg.")})
    if kind == "information_request" and request is None:
        raise ValidationError({"reply_by": _("Kies de datum waarop de klager uiterlijk reageert.")})
    require_record(user, complaint, kind)
    acknowledging = kind == "acknowledgement" and complaint.status == NEW
    label = _(KINDS[kind])
    if adapted:
        summary = (_("{letter} afgedrukt (tekst aangepast).") if printed
                   else _("{letter} opgeslagen als PDF (tekst aangepast).")).format(letter=label)
    else:
        summary = (_("{letter} afgedrukt.") if printed else _("{letter} opgeslagen als PDF.")).format(letter=label)
    if request is not None:
        summary += " " + request_note(request)
    store_sent(user, complaint, "letter", letter_file_name(complaint, kind, today), "application/pdf", pdf, summary,
           {"kind": "letter", "method": "letter", "direction": "out"}, "letter", operation_id)
    return acknowledge_if_new(user, complaint, "letter", operation_id) if acknowledging else complaint


def acknowledgements_to_send(user: User) -> list[Complaint]:
    """Complaints whose acknowledgement is to go by letter and has not gone out yet, most urgent first.

    That is every postal complaint, and any other for which the intake chose a letter.
    """
    by_letter = ((Complaint.acknowledgement_method == "letter")
                 | ((Complaint.channel == "post") & (Complaint.acknowledgement_method == "")))
    query = (Complaint.select(Complaint, Relation).join(Relation, peewee.JOIN.LEFT_OUTER).switch(Complaint)
             .where(by_letter & (Complaint.status == NEW) & (Complaint.kind == COMPLAINT)
                    & Complaint.acknowledged_at.is_null())
             .order_by(Complaint.acknowledge_by, Complaint.number))
    return list(queries.visible_to(query, user))


def acknowledgement_batch(user: User, complaints: list[Complaint]) -> list[tuple[Complaint, bytes]]:
    """The acknowledgement letters of ``acknowledgements_to_send`` chosen for one print run. Nobody opens these
    dossiers: a confidential complaint's letter is logged as a read of it (privacy.record_view), as its dossier."""
    from klachtenbureau.workflow.personal_data import privacy

    made = []
    for c in complaints:
        privacy.record_view(user, c)
        made.append((c, letter_pdf(user, c, "acknowledgement")))
    return made


# --- e-mail ---------------------------------------------------------------------

def letter_email(user: User, complaint: Complaint, kind: str, subject: str | None = None, body: str | None = None,
                 reason: str | None = None, request: InformationRequest | None = None) -> EmailText:
    """A letter of ``kind`` as e-mail text, from the same text the letter uses, or as the handler edited it.

    The subject is the letter's own; the mail (workflow/mail/outgoing.py) puts the complaint number before it.
    ``reason`` and ``request`` as for build_letter, which checks and fills the text for the mail as for the PDF.
    """
    letter = build_letter(user, complaint, kind, reason=reason, subject=subject, body=body, by_email=True,
                          request=request)
    org = letter.organisation
    signature = [line for line in (letter.signer_name, letter.signer_title, org.name, org.phone, org.email) if line]
    return EmailText(to=complaint.relation.email.strip(), subject=letter.subject,
                     body=letter.body + "\n\n" + "\n".join(signature) + "\n")
