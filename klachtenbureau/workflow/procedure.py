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
    IN_PROGRESS, NEW, REMEDIES, SATISFACTION, SEVERITIES, STATUSES, VERDICTS,
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
    "answer": ((IN_PROGRESS, ESCALATED), N_("Beantwoorden")),
    "extend": ((NEW, ACKNOWLEDGED, IN_PROGRESS, ESCALATED), N_("Termijn verlengen")),
    "escalate": ((ACKNOWLEDGED, IN_PROGRESS, ANSWERED), N_("Escaleren")),
    "aftercare": ((ANSWERED,), N_("Nazorg vastleggen")),
    "close": ((ANSWERED, ESCALATED), N_("Afsluiten")),
    "reopen": ((CLOSED,), N_("Heropenen")),
}


def allowed_actions(complaint: Complaint, user: User | None = None) -> list[str]:
    """The steps the complaint's state (and, given a user, their role) allows now."""
    steps = [name for name, (sources, _label) in ACTIONS.items() if complaint.status in sources]
    if user is None or permissions.can_handle(user, complaint):
        return steps
    return [name for name in steps if name == "acknowledge" and permissions.can_acknowledge(user, complaint)]


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
          require: Callable[[User, Complaint], None] = permissions.require_handle) -> Complaint:
    def body() -> Outcome:
        current = fresh(complaint)
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


def assign(user: User, complaint: Complaint, handler: User, operation_id: str | None = None) -> Complaint:
    permissions.require_manager(user)
    if not handler.active:
        raise ValidationError({"assigned_to": _("{name} is niet actief.").format(name=handler.full_name)})
    if not permissions.can_be_assigned(handler):
        raise ValidationError({"assigned_to": _("{name} ({role}) behandelt geen klachten.").format(
            name=handler.full_name, role=_(ROLES[handler.role]).lower())})

    def check(c: Complaint) -> None:
        if c.assigned_to_id == handler.id:
            raise ValidationError({"assigned_to": _("De klacht is al van {name}.").format(name=handler.full_name)})

    return _step(
        user, complaint, "assign", check,
        lambda c: {"assigned_to": handler.id, "status": _after_handover(c, c.acknowledged_at is not None, True)},
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

    return _step(user, complaint, "answer", check,
                 lambda c: {"answer": text.strip(), "answered_at": now(), "status": ANSWERED},
                 lambda c: _("Klacht beantwoord."), operation_id)


def extend(user: User, complaint: Complaint, new_answer_by: dt.date, reason: str, complainant_informed: bool,
           operation_id: str | None = None) -> Complaint:
    def check(c: Complaint) -> None:
        deadlines.check_extension(deadlines.get_profile(c.deadline_profile), c.answer_by, new_answer_by,
                                  c.extension_count, reason, complainant_informed, settings.calendar())

    return _step(user, complaint, "extend", check,
                 lambda c: {"answer_by": new_answer_by, "extension_count": c.extension_count + 1},
                 lambda c: _("Termijn verlengd tot {date}: {reason}").format(date=format_date(new_answer_by),
                                                                            reason=reason.strip()),
                 operation_id)


def escalate(user: User, complaint: Complaint, level: str, reason: str, operation_id: str | None = None) -> Complaint:
    if level not in ESCALATION_LEVELS:
        raise ValidationError({"escalation_level": _("Kies naar wie de klacht gaat.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Noteer waarom de klacht wordt geëscaleerd.")})
    return _step(user, complaint, "escalate", _no_check,
                 lambda c: {"escalation_level": level, "escalation_reason": reason.strip(), "escalated_at": now(),
                            "status": ESCALATED},
                 lambda c: _("Geëscaleerd naar {level}: {reason}").format(
                     level=_(ESCALATION_LEVELS[level]).lower(), reason=reason.strip()),
                 operation_id)


def aftercare(user: User, complaint: Complaint, satisfaction: str, note: str = "",
              operation_id: str | None = None) -> Complaint:
    if satisfaction not in SATISFACTION:
        raise ValidationError({"satisfaction": _("Kies tevreden, deels tevreden of niet tevreden.")})
    summary = _("Nazorg: {how}.").format(how=_(SATISFACTION[satisfaction]).lower())
    if note.strip():
        summary += " " + note.strip()
    return _step(user, complaint, "aftercare", _no_check,
                 lambda c: {"satisfaction": satisfaction, "aftercare_at": now()}, lambda c: summary, operation_id)


def close(user: User, complaint: Complaint, note: str = "", operation_id: str | None = None) -> Complaint:
    def check(c: Complaint) -> None:
        if c.answered_at is None:
            raise TransitionNotAllowedError(_("Een klacht wordt pas afgesloten nadat de klager antwoord heeft gekregen."))

    return _step(user, complaint, "close", check,
                 lambda c: {"status": CLOSED, "closed_at": now(), "closure_note": note.strip()},
                 lambda c: _("Afgesloten.") + (" " + note.strip() if note.strip() else ""), operation_id)


def reopen(user: User, complaint: Complaint, reason: str, operation_id: str | None = None) -> Complaint:
    if not reason.strip():
        raise ValidationError({"reason": _("Noteer waarom de klacht wordt heropend.")})
    return _step(user, complaint, "reopen", _no_check,
                 lambda c: {"status": IN_PROGRESS if c.assigned_to_id else ACKNOWLEDGED, "closed_at": None},
                 lambda c: _("Heropend: {reason}").format(reason=reason.strip()), operation_id)


def add_contact(user: User, complaint: Complaint, summary: str, method: str = "", direction: str = "",
                kind: str = "contact", at: dt.datetime | None = None, operation_id: str | None = None) -> TimelineEntry:
    """A contact moment, a hearing or a note on the timeline (not a state change)."""
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
        permissions.require_add_to(user, current)
        entry = TimelineEntry.create(complaint=current, user=user.id, kind=kind, method=method,
                                     direction=direction, summary=summary.strip(), at=at or now())
        return Outcome(entry, {"kind": kind, "method": method, "direction": direction, "summary": summary},
                       current.id)

    return perform(user, "contact", body, operation_id)
