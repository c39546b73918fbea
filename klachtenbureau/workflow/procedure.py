"""The complaint procedure as a state machine with guarded transitions.

Each step takes the complaint *as the caller loaded it*: if someone else
saved it in the meantime the step is refused with a ConflictError instead of
overwriting their work. Every step writes a timeline entry and an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from klachtenbureau.errors import TransitionNotAllowedError, ValidationError
from klachtenbureau.i18n import N_, _, format_date
from klachtenbureau.models import Complaint, TimelineEntry, User, now
from klachtenbureau.models.complaints import (
    ACK_METHODS, ACKNOWLEDGED, ANSWERED, CLOSED, CONTACT_METHODS, DIRECTIONS, ESCALATED, ESCALATION_LEVELS,
    IN_PROGRESS, NEW, REMEDIES, SATISFACTION, SEVERITIES, STATUSES, VERDICTS, WAITING, WAITING_COMPLAINANT,
)
from klachtenbureau.models.people import ROLES
from klachtenbureau.workflow import deadlines, permissions, settings
from klachtenbureau.workflow.operations import Outcome, copy_into, fresh, perform, update_versioned

OPEN = (NEW, ACKNOWLEDGED, IN_PROGRESS, ANSWERED, ESCALATED)

# action -> (statuses it is allowed from, Dutch label)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": ((NEW,), N_("Ontvangst bevestigen")),
    "assign": (OPEN, N_("Toewijzen / overdragen")),
    "investigate": ((ACKNOWLEDGED, IN_PROGRESS, ESCALATED), N_("Onderzoek vastleggen")),
    "verdict": ((IN_PROGRESS, ESCALATED), N_("Oordeel vastleggen")),
    "remedy": ((IN_PROGRESS, ESCALATED, ANSWERED), N_("Herstel vastleggen")),
    "propose_answer": ((IN_PROGRESS, ESCALATED), N_("Antwoord voorstellen")),
    "answer": ((IN_PROGRESS, ESCALATED), N_("Beantwoorden")),
    "extend": ((NEW, ACKNOWLEDGED, IN_PROGRESS, ESCALATED), N_("Termijn verlengen")),
    "wait": ((ACKNOWLEDGED, IN_PROGRESS, ESCALATED, ANSWERED), N_("Wachten…")),
    "resume": (OPEN, N_("Wachten beëindigen")),
    "escalate": ((ACKNOWLEDGED, IN_PROGRESS, ANSWERED), N_("Escaleren")),
    "aftercare": ((ANSWERED, CLOSED), N_("Nazorg vastleggen")),
    "close": ((ANSWERED, ESCALATED), N_("Afsluiten")),
    "reopen": ((CLOSED,), N_("Heropenen")),
}


def allowed_actions(complaint: Complaint, user: User | None = None) -> list[str]:
    """The steps the complaint's state (and, given a user, their rights: permissions.can_take_step) allows now."""
    steps = [name for name, (sources, _label) in ACTIONS.items()
             if complaint.status in sources and _fits_waiting(name, complaint)]
    if user is None:
        return steps
    return [name for name in steps if permissions.can_take_step(user, complaint, name)]


def _fits_waiting(action: str, complaint: Complaint) -> bool:
    """Waiting starts only when nothing is awaited yet and ends only when something is; while the clock stands
    still for the complainant there is no term to extend."""
    if action == "wait":
        return not complaint.waiting_for
    if action == "resume":
        return bool(complaint.waiting_for)
    return action != "extend" or complaint.waiting_for != WAITING_COMPLAINANT


def _guard(action: str, complaint: Complaint) -> None:
    sources, label = ACTIONS[action]
    if complaint.status not in sources:
        raise TransitionNotAllowedError(_("“{action}” kan niet bij een klacht met status “{status}”.").format(
            action=_(label), status=_(STATUSES[complaint.status])))


def _after_handover(complaint: Complaint, acknowledged: bool, assigned: bool) -> str:
    if complaint.status in (NEW, ACKNOWLEDGED):
        if not acknowledged:
            return NEW
        return IN_PROGRESS if assigned else ACKNOWLEDGED
    return complaint.status


def _step(user: User, complaint: Complaint, action: str, check: Callable[[Complaint], None],
          fields: Callable[[Complaint], dict[str, Any]], summary: Callable[[Complaint], str],
          operation_id: str | None, entry: dict[str, str] | None = None,
          require: Callable[[User, Complaint], None] | None = None) -> Complaint:
    """One guarded step; ``require`` refuses the user, by default permissions.require_step for ``action``."""
    def body() -> Outcome:
        current = fresh(complaint)
        if require is None:
            permissions.require_step(user, current, action)
        else:
            require(user, current)
        _guard(action, current)
        check(current)
        before = current.status
        values = fields(current)
        text = summary(current)
        changes = update_versioned(current, current.version, values)
        TimelineEntry.create(complaint=current, user=user.id, kind="step", summary=text,
                             status_from=before, status_to=current.status, **(entry or {}))
        return Outcome(current, changes, current.id)

    return copy_into(complaint, perform(user, action, body, operation_id))


def _no_check(_complaint: Complaint) -> None:
    return None


def acknowledge(user: User, complaint: Complaint, method: str, operation_id: str | None = None) -> Complaint:
    if method not in ACK_METHODS:
        raise ValidationError({"method": _("Kies brief, e-mail of telefoon.")})
    return _step(
        user, complaint, "acknowledge", _no_check,
        lambda c: {"acknowledged_at": now(), "acknowledgement_method": method,
                   "status": _after_handover(c, True, c.assigned_to_id is not None)},
        lambda c: _("Ontvangst bevestigd ({method}).").format(method=_(ACK_METHODS[method]).lower()),
        operation_id, require=permissions.require_acknowledge)


def _check_handler(handler: User) -> None:
    if not handler.active:
        raise ValidationError({"assigned_to": _("{name} is niet actief.").format(name=handler.full_name)})
    if not permissions.can_be_assigned(handler):
        raise ValidationError({"assigned_to": _("{name} ({role}) behandelt geen klachten.").format(
            name=handler.full_name, role=_(ROLES[handler.role]).lower())})


def assign(user: User, complaint: Complaint, handler: User, operation_id: str | None = None) -> Complaint:
    permissions.require_manager(user)
    _check_handler(handler)

    def check(c: Complaint) -> None:
        if c.assigned_to_id == handler.id:
            raise ValidationError({"assigned_to": _("De klacht is al van {name}.").format(name=handler.full_name)})

    return _step(
        user, complaint, "assign", check,
        lambda c: {"assigned_to": handler.id, "assigned_at": now(),
                   "status": _after_handover(c, c.acknowledged_at is not None, True)},
        lambda c: (_("Overgedragen van {old} aan {new}.").format(old=c.assigned_to.full_name, new=handler.full_name)
                   if c.assigned_to_id else _("Toegewezen aan {name}.").format(name=handler.full_name)),
        operation_id)


def investigate(user: User, complaint: Complaint, facts: str, circumstances: str = "", causes: str = "",
                damage: str = "", severity: int | None = None, operation_id: str | None = None) -> Complaint:
    if not facts.strip():
        raise ValidationError({"facts": _("Noteer de vastgestelde feiten.")})
    if severity is not None and severity not in SEVERITIES:
        raise ValidationError({"severity": _("Kies de ernst uit de lijst.")})

    def check(c: Complaint) -> None:
        if c.assigned_to_id is None:
            raise TransitionNotAllowedError(_("Wijs eerst een klachtbehandelaar toe."))

    def fields(c: Complaint) -> dict[str, Any]:
        values = {"findings_facts": facts.strip(), "findings_circumstances": circumstances.strip(),
                  "findings_causes": causes.strip(), "findings_damage": damage.strip(),
                  "status": ESCALATED if c.status == ESCALATED else IN_PROGRESS}
        if severity is not None:
            values["severity"] = severity
        return values

    return _step(user, complaint, "investigate", check, fields, lambda c: _("Onderzoek vastgelegd."), operation_id)


def record_verdict(user: User, complaint: Complaint, verdict: str, motivation: str = "",
                   operation_id: str | None = None) -> Complaint:
    """The verdict with its motivation: why the complaint is (partly) founded or not."""
    if verdict not in VERDICTS:
        raise ValidationError({"verdict": _("Kies gegrond, deels gegrond, ongegrond of niet vast te stellen.")})

    def check(c: Complaint) -> None:
        if not c.findings_facts:
            raise TransitionNotAllowedError(_("Leg eerst het onderzoek vast voordat u een oordeel geeft."))

    return _step(user, complaint, "verdict", check,
                 lambda c: {"verdict": verdict, "verdict_motivation": motivation.strip()},
                 lambda c: " ".join(filter(None, [
                     _("Oordeel: {verdict}.").format(verdict=_(VERDICTS[verdict]).lower()), motivation.strip()])),
                 operation_id)


def _compensation(amount: Decimal | str | None) -> Decimal:
    """The compensation as typed (25, 25,00, 25.00, € 1.234,50), or the Dutch reason it is no amount."""
    text = "".join(str(amount if amount is not None else "").split()).replace("€", "")
    if "," in text and "." in text:  # 1.234,50 or 1,234.50: the last one separates the cents
        text = text.replace("." if text.rfind(",") > text.rfind(".") else ",", "")
    try:
        value = Decimal(text.replace(",", ".")) if text else None
    except InvalidOperation:
        value = Decimal("NaN")
    if value is None:
        problem = _("Vul het bedrag van de schadeloosstelling in, bijvoorbeeld 25,00.")
    elif not value.is_finite():
        problem = _("Vul het bedrag in cijfers in, bijvoorbeeld 25,00.")
    elif value < 0:
        problem = _("Het bedrag kan niet negatief zijn; vul het in zonder minteken, bijvoorbeeld 25,00.")
    elif value == 0:
        problem = _("Het bedrag moet meer dan nul zijn, bijvoorbeeld 25,00.")
    elif value.as_tuple().exponent < -2:
        problem = _("Vul het bedrag in met ten hoogste twee cijfers achter de komma, bijvoorbeeld 25,00.")
    elif value >= Decimal("100000000"):
        problem = _("Het bedrag is te hoog; vul het bedrag in euro's in, bijvoorbeeld 25,00.")
    else:
        return value.quantize(Decimal("0.01"))
    raise ValidationError({"compensation_amount": problem})


def record_remedy(user: User, complaint: Complaint, remedies: list[str], amount: Decimal | str | None = None,
                  note: str = "", operation_id: str | None = None) -> Complaint:
    unknown = [r for r in remedies if r not in REMEDIES]
    if unknown or not remedies:
        raise ValidationError({"remedies": _("Kies ten minste één vorm van herstel uit de lijst.")})
    value = _compensation(amount) if "compensation" in remedies else None
    codes = ",".join(r for r in REMEDIES if r in remedies)
    return _step(user, complaint, "remedy", _no_check,
                 lambda c: {"remedies": codes, "compensation_amount": value, "remedy_note": note.strip()},
                 lambda c: _("Herstel: {what}.").format(what=", ".join(_(REMEDIES[r]).lower() for r in codes.split(","))),
                 operation_id)


def answer(user: User, complaint: Complaint, text: str, operation_id: str | None = None) -> Complaint:
    if not text.strip():
        raise ValidationError({"answer": _("Schrijf het antwoord aan de klager.")})

    def check(c: Complaint) -> None:
        if not c.verdict:
            raise TransitionNotAllowedError(_("Leg eerst het oordeel vast (gegrond, ongegrond, …)."))
        if c.acknowledged_at is None:
            raise TransitionNotAllowedError(_("Bevestig eerst de ontvangst van de klacht."))

    def fields(c: Complaint) -> dict[str, Any]:
        due = deadlines.aftercare_by(now().date(), int(settings.get("aftercare_working_days")), settings.calendar())
        return {"answer": text.strip(), "answered_at": now(), "status": ANSWERED, "aftercare_by": due,
                **_end_complainant_wait(c)}

    return _step(user, complaint, "answer", check, fields,
                 lambda c: _("Klacht beantwoord.") + (" " + _("Het wachten op de klager is daarmee beëindigd.")
                                                      if c.waiting_for == WAITING_COMPLAINANT else ""),
                 operation_id)


def _end_complainant_wait(c: Complaint) -> dict[str, Any]:
    """An answer, or a new term after escalating or reopening, ends a wait for the complainant; a third party's
    work (seed 004 3.2) is followed up after the answer too, so that waiting stays."""
    if c.waiting_for != WAITING_COMPLAINANT:
        return {}
    return {"waiting_for": "", "waiting_reason": "", "waiting_since": None, "waiting_until": None,
            "answer_days_left": None}


def extend(user: User, complaint: Complaint, new_answer_by: dt.date, reason: str, complainant_informed: bool,
           operation_id: str | None = None) -> Complaint:
    def check(c: Complaint) -> None:
        if c.waiting_for == WAITING_COMPLAINANT:
            raise TransitionNotAllowedError(_("De termijn staat stil zolang u op de klager wacht; er is niets te "
                                              "verlengen."))
        deadlines.check_extension(deadlines.get_profile(c.deadline_profile), c.answer_by, new_answer_by,
                                  c.extension_count, reason, complainant_informed, settings.calendar())

    return _step(user, complaint, "extend", check,
                 lambda c: {"answer_by": new_answer_by, "extension_count": c.extension_count + 1},
                 lambda c: _("Termijn verlengd tot {date}: {reason}").format(date=format_date(new_answer_by),
                                                                            reason=reason.strip()),
                 operation_id)


def new_term(complaint: Complaint, start: dt.date) -> tuple[dt.date, dt.date]:
    """(the answer date the profile gives a new level or a reopened complaint from ``start``, the latest allowed)."""
    profile, calendar = deadlines.get_profile(complaint.deadline_profile), settings.calendar()
    return (deadlines.answer_by(start, profile, calendar, complaint.advisory_committee),
            deadlines.latest_new_term(start, calendar))


def escalation_handler(user: User, complaint: Complaint) -> User | None:
    """Who handles at the new level unless someone is chosen: the present handler if suitable, else the user."""
    if complaint.assigned_to_id and permissions.can_be_assigned(complaint.assigned_to):
        return complaint.assigned_to
    return user if permissions.can_be_assigned(user) else None


def escalate(user: User, complaint: Complaint, level: str, reason: str, handler: User | None = None,
             answer_by: dt.date | None = None, operation_id: str | None = None) -> Complaint:
    """To a higher level, with its handler and its own answer term (the profile's, counted from today, or a later
    working day within ``ESCALATION_MAX_WEEKS``). An answered complaint runs again: the new level must answer."""
    errors = {}
    if level not in ESCALATION_LEVELS:
        errors["escalation_level"] = _("Kies naar wie de klacht gaat.")
    if not reason.strip():
        errors["reason"] = _("Noteer waarom de klacht wordt geëscaleerd.")
    if errors:
        raise ValidationError(errors)
    if handler is not None:
        _check_handler(handler)
    today = now().date()

    def check(c: Complaint) -> None:
        if (handler or escalation_handler(user, c)) is None:
            raise ValidationError({"assigned_to": _("Kies wie de klacht op het nieuwe niveau behandelt.")})
        earliest, latest = new_term(c, today)
        deadlines.check_new_term(answer_by or earliest, earliest, latest, settings.calendar())

    def fields(c: Complaint) -> dict[str, Any]:
        who = handler or escalation_handler(user, c)
        values = {"escalation_level": level, "escalation_reason": reason.strip(), "escalated_at": now(),
                  "status": ESCALATED, "assigned_to": who.id, "answer_by": answer_by or new_term(c, today)[0],
                  "answered_at": None, "aftercare_by": None if c.answered_at else c.aftercare_by,
                  **_end_complainant_wait(c)}
        if who.id != c.assigned_to_id:
            values["assigned_at"] = now()
        return values

    def summary(c: Complaint) -> str:
        who = handler or escalation_handler(user, c)
        return " ".join([_("Geëscaleerd naar {level}: {reason}").format(
            level=_(ESCALATION_LEVELS[level]).lower(), reason=reason.strip()),
            _("Behandelaar {name}, antwoord uiterlijk {date}.").format(
                name=who.full_name, date=format_date(answer_by or new_term(c, today)[0]))])

    return _step(user, complaint, "escalate", check, fields, summary, operation_id)


def aftercare(user: User, complaint: Complaint, satisfaction: str, note: str = "",
              operation_id: str | None = None) -> Complaint:
    if satisfaction not in SATISFACTION:
        raise ValidationError({"satisfaction": _("Kies tevreden, deels tevreden of niet tevreden.")})
    summary = _("Nazorg: {how}.").format(how=_(SATISFACTION[satisfaction]).lower())
    if note.strip():
        summary += " " + note.strip()
    return _step(user, complaint, "aftercare", _no_check,
                 lambda c: {"satisfaction": satisfaction, "aftercare_at": now()}, lambda c: summary, operation_id)


def close(user: User, complaint: Complaint, note: str = "", despite_escalation: bool = False,
          operation_id: str | None = None) -> Complaint:
    """Close an answered complaint. One whose escalation still runs only with ``despite_escalation`` (the user
    was asked), and only if the complainant had an answer before it was escalated. Closed, it waits for nobody."""
    def check(c: Complaint) -> None:
        if c.status == ESCALATED and not despite_escalation:
            raise TransitionNotAllowedError(_("De escalatie naar {level} loopt nog. Sluit de klacht alleen af als u "
                                              "dat bewust doet.").format(level=_escalation_level(c)))
        if c.answered_at is None and not (c.status == ESCALATED and c.answer):
            raise TransitionNotAllowedError(_("Een klacht wordt pas afgesloten nadat de klager antwoord heeft gekregen."))

    def summary(c: Complaint) -> str:
        text = (_("Afgesloten terwijl de escalatie naar {level} nog liep.").format(level=_escalation_level(c))
                if c.status == ESCALATED else _("Afgesloten."))
        return text + (" " + note.strip() if note.strip() else "")

    return _step(user, complaint, "close", check,
                 lambda c: {"status": CLOSED, "closed_at": now(), "closure_note": note.strip(),
                            "waiting_for": "", "waiting_reason": "", "waiting_since": None, "waiting_until": None,
                            "answer_days_left": None},
                 summary, operation_id)


def _escalation_level(c: Complaint) -> str:
    return _(ESCALATION_LEVELS[c.escalation_level]).lower() if c.escalation_level in ESCALATION_LEVELS else ""


def reopen(user: User, complaint: Complaint, reason: str, operation_id: str | None = None) -> Complaint:
    """Back to work with a new answer term under the complaint's profile from today; until answered anew it cannot
    be closed again, and the aftercare follows that new answer."""
    if not reason.strip():
        raise ValidationError({"reason": _("Noteer waarom de klacht wordt heropend.")})
    today = now().date()
    return _step(user, complaint, "reopen", _no_check,
                 lambda c: {"status": IN_PROGRESS if c.assigned_to_id else ACKNOWLEDGED, "closed_at": None,
                            "answered_at": None, "aftercare_by": None, "answer_by": new_term(c, today)[0]},
                 lambda c: " ".join([_("Heropend: {reason}").format(reason=reason.strip()),
                                     _("Antwoord uiterlijk {date}.").format(date=format_date(new_term(c, today)[0]))]),
                 operation_id)


def wait(user: User, complaint: Complaint, waiting_for: str, reason: str, until: dt.date | None,
         operation_id: str | None = None) -> Complaint:
    """Wait for the complainant (seed 004 1.3) or for a third party (3.2) until ``until``, the expected date.

    For the complainant the answer clock stops: the working days left are kept and, while it stands still,
    ``answer_by`` holds the provisional date ``until`` + those days, so the inbox's order by deadline stays
    meaningful; the inbox and ``queries.is_overdue`` never count it late. For a third party the clock runs on.
    Not for a new complaint (acknowledge first: that term never stops) nor, for the complainant, an answered
    one (no answer term runs); a third party's repair is still followed up after the answer.
    """
    errors = {}
    if waiting_for not in WAITING:
        errors["waiting_for"] = _("Kies of u wacht op de klager of op een derde.")
    if not reason.strip():
        errors["reason"] = _("Noteer waarop u wacht.")
    today = now().date()
    if until is None:
        errors["until"] = _("Kies de datum waarop u de reactie verwacht.")
    elif until < today:
        errors["until"] = _("Die datum is al voorbij; kies vandaag of later.")
    if errors:
        raise ValidationError(errors)

    def check(c: Complaint) -> None:
        if c.waiting_for:
            raise TransitionNotAllowedError(_("Klacht {number} staat al op “{what}”; beëindig dat eerst.").format(
                number=c.number, what=_(WAITING[c.waiting_for]).lower()))
        if c.acknowledged_at is None:
            raise TransitionNotAllowedError(_("Bevestig eerst de ontvangst van de klacht."))
        if waiting_for == WAITING_COMPLAINANT and c.answered_at is not None:
            raise TransitionNotAllowedError(_("Klacht {number} is beantwoord: er loopt geen termijn die kan "
                                              "stilstaan.").format(number=c.number))

    def left(c: Complaint) -> int:
        return deadlines.days_left_at_pause(c.answer_by, today, settings.calendar())

    def fields(c: Complaint) -> dict[str, Any]:
        values = {"waiting_for": waiting_for, "waiting_reason": reason.strip(), "waiting_since": today,
                  "waiting_until": until}
        if waiting_for == WAITING_COMPLAINANT:
            values.update(answer_days_left=left(c),
                          answer_by=deadlines.answer_by_after_pause(until, left(c), settings.calendar()))
        return values

    def summary(c: Complaint) -> str:
        if waiting_for == WAITING_COMPLAINANT:
            return _("Wachten op klager: {reason} De termijn staat stil met nog {n} werkdagen; reactie verwacht "
                     "uiterlijk {date}.").format(reason=_sentence(reason), n=left(c), date=format_date(until))
        text = (_("Wachten op derde: {reason} Verwacht uiterlijk {date}.") if c.answered_at else
                _("Wachten op derde: {reason} Verwacht uiterlijk {date}; de termijn loopt door."))
        return text.format(reason=_sentence(reason), date=format_date(until))

    return _step(user, complaint, "wait", check, fields, summary, operation_id)


def resume(user: User, complaint: Complaint, note: str = "", operation_id: str | None = None) -> Complaint:
    """The waiting ends (the information came, the third party is done). For the complainant the clock runs again
    from today with the working days that were left."""
    today = now().date()

    def check(c: Complaint) -> None:
        if not c.waiting_for:
            raise TransitionNotAllowedError(_("Klacht {number} wacht nergens op.").format(number=c.number))

    def restarted(c: Complaint) -> dt.date | None:
        if c.waiting_for != WAITING_COMPLAINANT or c.answered_at is not None:
            return None
        return deadlines.answer_by_after_pause(today, c.answer_days_left or 0, settings.calendar())

    def fields(c: Complaint) -> dict[str, Any]:
        values = {"waiting_for": "", "waiting_reason": "", "waiting_since": None, "waiting_until": None,
                  "answer_days_left": None}
        if restarted(c) is not None:
            values["answer_by"] = restarted(c)
        return values

    def summary(c: Complaint) -> str:
        since = format_date(c.waiting_since) if c.waiting_since else ""
        text = (_("Wachten op klager beëindigd (sinds {since}).") if c.waiting_for == WAITING_COMPLAINANT
                else _("Wachten op derde beëindigd (sinds {since}).")).format(since=since)
        if restarted(c) is not None:
            text += " " + _("Antwoord nu uiterlijk {date}.").format(date=format_date(restarted(c)))
        return text + (" " + note.strip() if note.strip() else "")

    return _step(user, complaint, "resume", check, fields, summary, operation_id)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in (".", "!", "?") else text + "."


def propose_answer(user: User, complaint: Complaint, text: str, operation_id: str | None = None) -> Complaint:
    """The handler's draft of the answer (seed 003): the coordinator's "Beantwoorden" starts from it and sends it."""
    if not text.strip():
        raise ValidationError({"proposed_answer": _("Schrijf het antwoord dat u de klager wilt sturen.")})
    return _step(user, complaint, "propose_answer", _no_check, lambda c: {"proposed_answer": text.strip()},
                 lambda c: _("Antwoord voorgesteld."), operation_id)


def add_contact(user: User, complaint: Complaint, summary: str, method: str = "", direction: str = "",
                kind: str = "contact", at: dt.datetime | None = None, operation_id: str | None = None,
                caller: int | None = None) -> TimelineEntry:
    """A contact moment, a hearing or a note on the timeline (not a state change).

    ``caller``: the complainant the user is speaking with at the intake, whose ordinary complaints the telephonist
    may add a contact moment to without seeing them (permissions.can_add_caller_contact).
    """
    errors = {}
    if not summary.strip():
        errors["summary"] = _("Vat het contact samen.")
    if kind not in ("contact", "hearing", "note"):
        errors["kind"] = _("Kies contactmoment, hoorzitting of notitie.")
    if method and method not in CONTACT_METHODS:
        errors["method"] = _("Kies telefoon, brief, e-mail of bezoek.")
    if direction and direction not in DIRECTIONS:
        errors["direction"] = _("Kies inkomend of uitgaand.")
    if errors:
        raise ValidationError(errors)

    def body() -> Outcome:
        current = Complaint.get_by_id(complaint.id)
        permissions.require_add_contact(user, current, caller)
        entry = TimelineEntry.create(complaint=current, user=user.id, kind=kind, method=method,
                                     direction=direction, summary=summary.strip(), at=at or now())
        return Outcome(entry, {"kind": kind, "method": method, "direction": direction, "summary": summary},
                       current.id)

    return perform(user, "contact", body, operation_id)
