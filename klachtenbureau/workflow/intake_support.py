"""What the intake wizard needs around ``intake.register`` (no Qt).

The wizard keeps its form as one dict of plain JSON values (the same dict
the local draft stores): a report's JSON (``NewReport.to_json``), its dates
as typed, with what only the wizard keeps (how the complainant was chosen,
the search). This module checks that dict page by page in Dutch by the
rules of ``report_fields``, turns it into a :class:`~klachtenbureau.workflow.intake.NewReport`,
reads Dutch dates as people type them, and fetches what the pages show:
categories, coordinators, relations with their earlier complaints, the
sentence to read aloud with the answer date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import peewee

from klachtenbureau.errors import NotFoundError, ValidationError
from klachtenbureau.i18n import N_, _, format_date
from klachtenbureau.models import Complaint, Relation, TimelineEntry, User
from klachtenbureau.models.complaints import COMPLAINT, INQUIRY, STATUSES, WAITING
from klachtenbureau.models.people import RELATION_TYPES
from klachtenbureau.workflow import admin, deadlines, inbox, permissions, procedure, relations, settings
from klachtenbureau.workflow.db_errors import typed_errors
from klachtenbureau.workflow.intake import NewReport
from klachtenbureau.workflow.report_fields import RELATION_FIELDS, RULES, check
from klachtenbureau.workflow.validation import incident_date_problem, incident_doubt, receipt_age_problem, receipt_doubt

PAGES = ("arrival", "who", "kind", "what", "outcome")
EXISTING, NEW_RELATION, ANONYMOUS = "existing", "new", "anonymous"
NO_ACK = "none"

# Seed 000 step 4: loss, theft or damage -> advise a police report.
_LOSS_RE = re.compile(
    r"\b(verlie[sz]\w*|verloren|kwijt\w*|zoekgeraakt|zoek\s+(?:geraakt|is|was)|vermis\w*|gestolen|"
    r"diefstal\w*|beroofd|beroving|inbraak|ingebroken|schade\w*|beschadig\w*|kapot\w*)\b",
    re.IGNORECASE)

# Channels where the complainant is on the line or at the desk: confirm during the contact.
_LIVE_CHANNELS = ("phone", "in_person")
_DEFAULT_ACK = {"post": "letter", "email": "email", "website": "email", "social_media": "email"}


def default_fields(channel: str = "phone", today: dt.date | None = None) -> dict[str, Any]:
    """An empty form: a new complainant's details wait under ``relation`` until the telephonist chooses."""
    relation = {**dict.fromkeys(RELATION_FIELDS, ""), "relation_type": "participant"}
    return {
        **NewReport(channel=channel, relation=relation, **ack_fields(default_ack(channel))).to_json(),
        "received_at": short_date(today or dt.date.today()), "incident_date": "",
        "who": "", "search": "", "relation_label": "", "relation_email": "", "relation_has_address": False,
        "confirmed_dates": {},  # field -> the unlikely date (ISO) the telephonist said is right
    }


def default_ack(channel: str) -> str:
    return "phone" if channel in _LIVE_CHANNELS else _DEFAULT_ACK.get(channel, "phone")


def ack_fields(choice: str) -> dict[str, str]:
    """The report's fields for the way of acknowledging chosen: confirmed on the phone now, or a letter or e-mail
    to send (``NO_ACK``: none)."""
    return {"acknowledgement_method": "phone" if choice == "phone" else "",
            "acknowledgement_to_send": choice if choice in ("letter", "email") else ""}


def ack_choice(fields: dict[str, Any]) -> str:
    """The way of acknowledging the form holds (:func:`ack_fields` the other way round)."""
    return fields.get("acknowledgement_method") or fields.get("acknowledgement_to_send") or NO_ACK


def mentions_loss(text: str) -> bool:
    """Whether a description speaks of loss, theft or damage (the police-report reminder)."""
    return _LOSS_RE.search(text) is not None


# --- Dutch dates as typed -------------------------------------------------------

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_RELATIVE = {
    "vandaag": 0, "vanochtend": 0, "vanmorgen": 0, "vanmiddag": 0, "vanavond": 0,
    "gisteren": 1, "gisterochtend": 1, "gistermorgen": 1, "gistermiddag": 1, "gisteravond": 1, "eergisteren": 2,
}
_WEEKDAYS = {
    "maandag": 0, "ma": 0, "dinsdag": 1, "di": 1, "woensdag": 2, "wo": 2, "donderdag": 3, "do": 3,
    "vrijdag": 4, "vr": 4, "zaterdag": 5, "za": 5, "zondag": 6, "zo": 6,
}
_DAY_NAMES = "|".join(_WEEKDAYS)
# 'vrijdag', 'afgelopen vrijdag', 'vorige week vrijdag', 'vrijdag vorige week'
_WEEKDAY_RE = re.compile(rf"(?:(afgelopen|vorige week) )?({_DAY_NAMES})|({_DAY_NAMES}) vorige week")
_AGO_RE = re.compile(r"(\d{1,3}|een) (dag|dagen|week|weken) geleden")
_NUMERIC_RE = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{4}|\d{2}))?")
_WORDS_RE = re.compile(r"(\d{1,2})\s*([a-z]+)\.?(?:\s+(\d{4}))?")
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def short_date(value: dt.date) -> str:
    """How the form shows a date: ``3-3-2026``."""
    return f"{value.day}-{value.month}-{value.year}"


def parse_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """``3-3-2026``, ``3/3``, ``3 maart``, ``3 mrt 2026``, ``2026-03-03``, or as said; None for empty.

    A date without a year is the last such date up to today: on 2 January,
    ``28-12`` means last December. Said: ``vandaag``, ``gisteravond``,
    ``eergisteren``, ``3 dagen geleden``, ``een week geleden``; ``vrijdag`` is the
    last Friday up to today, ``afgelopen vrijdag`` the last one before today,
    ``vorige week vrijdag`` the Friday of the week before this one.
    """
    today = today or dt.date.today()
    clean = " ".join(text.strip().lower().split())
    if not clean:
        return None
    if clean in _RELATIVE:
        return today - dt.timedelta(days=_RELATIVE[clean])
    if match := _WEEKDAY_RE.fullmatch(clean):
        when, weekday = match.group(1), _WEEKDAYS[match.group(2) or match.group(3)]
        if when == "afgelopen":
            return today - dt.timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
        if when is None and match.group(2):
            return today - dt.timedelta(days=(today.weekday() - weekday) % 7)
        return today - dt.timedelta(days=today.weekday() + 7 - weekday)
    if match := _AGO_RE.fullmatch(clean):
        count = 1 if match.group(1) == "een" else int(match.group(1))
        return today - dt.timedelta(days=count * (7 if match.group(2).startswith("we") else 1))
    year: int | None
    if match := _ISO_RE.fullmatch(clean):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NUMERIC_RE.fullmatch(clean):
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
    elif (match := _WORDS_RE.fullmatch(clean)) and match.group(2) in _MONTHS:
        day, month = int(match.group(1)), _MONTHS[match.group(2)]
        year = int(match.group(3)) if match.group(3) else None
    else:
        raise ValidationError({"date": _("Typ een datum als 3-3-2026, 3 maart, gisteren of vrijdag.")})
    if year is not None and year < 100:
        year += 2000
    try:
        if year is None:
            value = dt.date(today.year, month, day)
            if value > today:
                value = dt.date(today.year - 1, month, day)
            return value
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError({"date": _("Die datum bestaat niet; controleer dag en maand.")}) from None


def date_problem(text: str, today: dt.date | None = None, required: bool = False) -> str | None:
    """Dutch message for a date field (past or today only); None when fine."""
    today = today or dt.date.today()
    try:
        value = parse_date(text, today)
    except ValidationError as exc:
        return exc.errors["date"]
    if value is None:
        return _("Vul de datum in.") if required else None
    if value > today:
        return _("Deze datum ligt in de toekomst.")
    if value.year < 1900:
        return _("Controleer het jaartal.")
    return None


def read_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """:func:`parse_date`, None when empty or not a date (that is a problem for the page, not for a preview)."""
    try:
        return parse_date(text, today)
    except ValidationError:
        return None


def date_hint(text: str, today: dt.date | None = None) -> str:
    """The date as read back in words (``dinsdag 3 maart 2026``), or '' when not (yet) a date."""
    value = read_date(text, today)
    return format_date(value, "EEEE d MMMM yyyy") if value else ""


def tidy_date(text: str, today: dt.date | None = None) -> str:
    """The date as the form shows it (``4-12-2026`` for ``vrijdag``), so that a draft finished on another
    day keeps the day that was meant; what is not a date stays as typed."""
    value = read_date(text, today)
    return short_date(value) if value else text


# --- checking the form page by page ----------------------------------------------


def _ack_problem(fields: dict[str, Any]) -> str | None:
    ack, who = ack_choice(fields), fields.get("who")
    if who == ANONYMOUS:
        if ack in ("letter", "email"):
            return _("Van een anonieme klager is geen adres bekend; bevestig nu telefonisch of kies geen bevestiging.")
        return None
    if ack == NO_ACK:
        return _("De klager krijgt een ontvangstbevestiging; kies telefonisch, brief of e-mail.")
    if who == NEW_RELATION:
        email = str(fields["relation"].get("email", "")).strip()
        address = all(str(fields["relation"].get(f, "")).strip() for f in ("street", "postcode", "city"))
    else:
        email, address = str(fields.get("relation_email", "")), bool(fields.get("relation_has_address"))
    if ack == "email" and not email:
        return _("Er is geen e-mailadres van de klager; kies brief of telefoon, of vul het e-mailadres in.")
    if ack == "letter" and not address:
        return _("Er is geen volledig adres van de klager; kies e-mail of telefoon, of vul het adres in.")
    return None


def page_problems(page: str, fields: dict[str, Any], today: dt.date | None = None) -> dict[str, str]:
    """What stops the form from going past ``page`` (one of PAGES): field -> Dutch message."""
    today = today or dt.date.today()
    if page not in PAGES:
        raise ValueError(page)
    who, resolved = fields.get("who"), fields.get("resolved_now")
    checked = {"arrival": ("channel",), "kind": ("kind",), "what": ("description", "involved_party", "severity"),
               "outcome": ("resolution", "complainant_agrees") if resolved else ()}
    problems = check(fields, checked.get(page, ()))[1]
    if page == "arrival":
        received = str(fields.get("received_at", ""))
        if problem := (date_problem(received, today, required=True)
                       or receipt_age_problem(parse_date(received, today), today)):
            problems["received_at"] = problem
    elif page == "who" and who == NEW_RELATION:
        problems.update(check(fields["relation"], RELATION_FIELDS)[1])
    elif page == "who" and who != ANONYMOUS and not (who == EXISTING and fields.get("relation_id")):
        problems["relation_id"] = _(RULES["relation_id"].message)
    elif page == "what":
        if not fields.get("category"):
            problems["category"] = _("Kies een categorie.")
        if fields.get("kind") != INQUIRY and (problem := _incident_problem(fields, today)):
            problems["incident_date"] = problem
    elif page == "outcome" and not resolved:
        if not fields.get("assign_to"):
            problems["assign_to"] = _("Kies aan wie u de melding overdraagt.")
        if problem := _ack_problem(fields):
            problems["acknowledgement_method"] = problem
    return problems


def _incident_problem(fields: dict[str, Any], today: dt.date) -> str | None:
    text = str(fields.get("incident_date", ""))
    if problem := date_problem(text, today):
        return problem
    incident, received = parse_date(text, today), read_date(str(fields.get("received_at", "")), today)
    return incident_date_problem(incident, received) if incident and received else None


# The date on each page that may be possible but unlikely.
_DOUBTFUL_DATES = {"arrival": "received_at", "what": "incident_date"}


def date_doubt(name: str, fields: dict[str, Any], today: dt.date | None = None) -> str | None:
    """The question to ask about the date in ``received_at`` or ``incident_date`` when it is unlikely.

    None when it is likely, when it was confirmed as it is now, or when it is
    no date at all (that is a problem, not a doubt).
    """
    today = today or dt.date.today()
    value = read_date(str(fields.get(name, "")), today)
    if value is None or fields.get("confirmed_dates", {}).get(name) == value.isoformat():
        return None
    if name == "received_at":
        return receipt_doubt(value, today)
    received = read_date(str(fields.get("received_at", "")), today)
    return incident_doubt(value, received) if received and fields.get("kind") != INQUIRY else None


def page_doubt(page: str, fields: dict[str, Any], today: dt.date | None = None) -> tuple[str, str] | None:
    """The unlikely date on ``page`` that nobody confirmed yet, as (field, question); None when there is none."""
    name = _DOUBTFUL_DATES.get(page)
    doubt = date_doubt(name, fields, today) if name else None
    return (name, doubt) if doubt else None


def confirm_date(name: str, fields: dict[str, Any], today: dt.date | None = None) -> None:
    """The telephonist says the unlikely date in field ``name`` is right: it is not asked about again."""
    value = parse_date(str(fields[name]), today)
    fields["confirmed_dates"] = {**fields.get("confirmed_dates", {}), name: value.isoformat()}


def first_problem_page(fields: dict[str, Any], today: dt.date | None = None) -> tuple[str, dict[str, str]] | None:
    """The first page with problems and its problems; None when the whole form is ready."""
    for page in PAGES:
        if problems := page_problems(page, fields, today):
            return page, problems
    return None


def to_report(fields: dict[str, Any], started_at: dt.datetime) -> NewReport:
    """The report to register; call after :func:`first_problem_page` found nothing.

    What the form holds for the pages this report skipped (an inquiry's incident, a resolved report's
    handover) is left out.
    """
    today, who = started_at.date(), fields["who"]
    complaint, resolved = fields["kind"] == COMPLAINT, bool(fields["resolved_now"])
    values = {
        **fields,
        # The intake's own start is the moment of receipt; a letter that came in earlier keeps
        # its own date (the deadlines count from it) at that time of day.
        "received_at": dt.datetime.combine(parse_date(str(fields["received_at"]), today) or today, started_at.time()),
        "incident_date": parse_date(str(fields.get("incident_date", "")), today) if complaint else None,
        "relation_id": fields["relation_id"] if who == EXISTING else None,
        "relation": fields["relation"] if who == NEW_RELATION else None,
        "anonymous": who == ANONYMOUS,
    }
    if not complaint:
        values.update(desired_outcome="", involved_party="", people_involved="", police_report_advised=False)
    if resolved:
        values.update(assign_to=None, complainant_agrees=bool(fields["complainant_agrees"]) or not complaint,
                      **ack_fields(NO_ACK))
    else:
        values["resolution"] = ""
    return NewReport.from_json(values)


# --- what the pages show --------------------------------------------------------


def answer_sentence(answer_by: dt.date) -> str:
    """``U krijgt uiterlijk op 3 maart 2026 antwoord.``"""
    return _("U krijgt uiterlijk op {date} antwoord.").format(date=format_date(answer_by))


def expected_dates(received: dt.date) -> tuple[dt.date, dt.date]:
    """(acknowledge by, answer by) for a report received on ``received``, by the office's profile."""
    profile, calendar = settings.deadline_profile(), settings.calendar()
    return deadlines.acknowledge_by(received, profile, calendar), deadlines.answer_by(received, profile, calendar)


def can_be_answered(complaint: Complaint) -> bool:
    """The caller left a way to reach them: a phone number, an e-mail address or a postal address."""
    relation = complaint.relation if complaint.relation_id and not complaint.anonymous else None
    return relation is not None and bool(
        relation.phone or relation.email or (relation.street and relation.postcode and relation.city))


def read_aloud(complaint: Complaint) -> str:
    """What the telephonist tells the caller once the report is registered.

    A caller who left no way to be reached is not promised an answer: they hear that the report is
    looked into and that they can call back with the number.
    """
    noun = _("Uw vraag") if complaint.kind == INQUIRY else _("Uw klacht")
    if complaint.resolved_at_intake:
        text = _("{noun} is vastgelegd onder nummer {number}.").format(noun=noun, number=complaint.number)
    elif not can_be_answered(complaint):
        text = _("{noun} heeft nummer {number}. Wij gaan ermee aan de slag, maar wij kunnen u geen antwoord sturen "
                 "omdat wij geen telefoonnummer of adres van u hebben. Belt u ons gerust terug met dit nummer; "
                 "vanaf {date} kunnen wij u vertellen wat wij hebben gedaan.").format(
                     noun=noun, number=complaint.number, date=format_date(complaint.answer_by))
    else:
        text = _("{noun} heeft nummer {number}.").format(noun=noun, number=complaint.number)
        text += " " + answer_sentence(complaint.answer_by)
    if complaint.police_report_advised:
        text += " " + _("Wij raden u aan aangifte te doen bij de politie.")
    return text


def category_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in admin.categories()]


def handover_choices() -> list[tuple[int, str]]:
    """Who a report can be handed over to: the coordinators, or else anyone who manages complaints."""
    people = admin.sign_in_users()
    chosen = [u for u in people if permissions.owns_inbox(u)] or [u for u in people if permissions.is_manager(u)]
    return [(u.id, u.full_name) for u in chosen]


@dataclasses.dataclass
class EarlierComplaint:
    """Where one complaint of a caller stands, never what it says: enough to answer "where is my complaint?"."""

    id: int
    number: str
    received: dt.date
    status: str  # Dutch label, with what it waits for
    handler: str  # who handles it; empty while nobody does
    next_date: dt.date | None  # the next deadline: the acknowledgement's, then the answer's
    may_add_contact: bool  # a contact moment can be noted from the intake (permissions.can_add_caller_contact)


@dataclasses.dataclass
class RelationMatch:
    """One search hit for the Who page, with what the telephonist should know about it."""

    id: int
    name: str
    address: str
    phone: str
    email: str
    relation_type: str  # Dutch label
    has_address: bool
    earlier: list[EarlierComplaint]
    same: list[str] = dataclasses.field(default_factory=list)  # a possible duplicate: what it shares (Dutch)


_SAME = {relations.SAME_EMAIL: N_("zelfde e-mailadres"), relations.SAME_PHONE: N_("zelfde telefoonnummer"),
         relations.SAME_ADDRESS: N_("zelfde postcode en huisnummer")}


def find_relations(text: str, user: User, limit: int = 20) -> list[RelationMatch]:
    """Type-ahead over relations by name, phone, postcode or e-mail, each with its earlier complaints."""
    return _matches(relations.search_relations(text, user, limit), user)


@typed_errors
def possible_duplicates(relation: dict[str, Any], user: User) -> list[RelationMatch]:
    """Known complainants the new one typed on the Who page may be: the same e-mail address, phone number, or
    postcode and house number."""
    found = relations.possible_duplicates(user, **{name: str(relation.get(name, ""))
                                                   for name in ("phone", "email", "postcode", "street")})
    return _matches([relation for relation, _same in found], user,
                    {relation.id: [_(_SAME[code]) for code in same] for relation, same in found})


def _status(complaint: Complaint) -> str:
    status = _(STATUSES[complaint.status])
    if not complaint.waiting_for:
        return status
    waiting = _(WAITING[complaint.waiting_for]).lower()
    if complaint.waiting_until:
        waiting = _("{waiting} tot {date}").format(waiting=waiting, date=format_date(complaint.waiting_until))
    return f"{status}, {waiting}"


def _earlier(user: User, relation_ids: list[int]) -> dict[int, list[EarlierComplaint]]:
    """The complaints of each relation ``user`` may see, and with the caller overview every one not confidential
    (permissions.can_see_caller_overview); newest first. What they say is not even read."""
    overview = permissions.can_see_caller_overview(user)
    handler = User.alias("handler")
    query = (Complaint.select(Complaint.id, Complaint.number, Complaint.received_at, Complaint.status,
                              Complaint.relation, Complaint.confidential, Complaint.received_by,
                              Complaint.assigned_to, Complaint.acknowledged_at, Complaint.acknowledge_by,
                              Complaint.answer_by, Complaint.answered_at, Complaint.waiting_for,
                              Complaint.waiting_until, handler.id, handler.full_name)
             .join(handler, peewee.JOIN.LEFT_OUTER, on=(Complaint.assigned_to == handler.id))
             .where(Complaint.relation.in_(relation_ids))
             .order_by(Complaint.received_at.desc(), Complaint.id.desc()))
    earlier: dict[int, list[EarlierComplaint]] = {}
    for c in query:
        if not (permissions.can_see(user, c) or (overview and not c.confidential)):
            continue
        next_date, _acknowledging = inbox.deadline_of(c.status, c.acknowledged_at, c.acknowledge_by, c.answer_by,
                                                      c.answered_at)
        earlier.setdefault(c.relation_id, []).append(EarlierComplaint(
            id=c.id, number=c.number, received=c.received_at.date(), status=_status(c),
            handler=c.assigned_to.full_name if c.assigned_to_id else "", next_date=next_date,
            may_add_contact=permissions.can_add_caller_contact(user, c, c.relation_id)))
    return earlier


@typed_errors
def earlier_complaints(user: User, relation_id: int) -> list[EarlierComplaint]:
    """The caller overview of one known complainant, newest first (see ``_earlier``)."""
    return _earlier(user, [relation_id]).get(relation_id, [])


@typed_errors
def add_caller_contact(user: User, relation_id: int, complaint_id: int, summary: str, method: str = "phone",
                       direction: str = "in", operation_id: str | None = None) -> TimelineEntry:
    """A contact moment from the intake on a complaint of the caller ``relation_id`` on the line."""
    complaint = Complaint.get_or_none(Complaint.id == complaint_id)
    if complaint is None:
        raise NotFoundError(_("Deze klacht bestaat niet (meer)."))
    return procedure.add_contact(user, complaint, summary, method, direction, operation_id=operation_id,
                                 caller=relation_id)


def _matches(found: list[Relation], user: User, same: dict[int, list[str]] | None = None) -> list[RelationMatch]:
    if not found:
        return []
    earlier = _earlier(user, [r.id for r in found])
    return [RelationMatch(
        id=r.id, name=r.name,
        address=", ".join(p for p in (r.street, " ".join(x for x in (r.postcode, r.city) if x)) if p),
        phone=r.phone, email=r.email, relation_type=_(RELATION_TYPES.get(r.relation_type, r.relation_type)),
        has_address=bool(r.street and r.postcode and r.city), earlier=earlier.get(r.id, []),
        same=(same or {}).get(r.id, []),
    ) for r in found]

