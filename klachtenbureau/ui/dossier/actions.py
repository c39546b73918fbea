"""The dialogs behind the dossier's buttons: one per step of the procedure, a contact moment, the complainant.

Each dialog asks only what its workflow function needs, pre-filled with what
the complaint already holds, and calls that function with the complaint *as
the window loaded it* — so a colleague's save in between is caught as a conflict.

Steps and contact moments go through this PC's write queue (workflow/offline/write_queue):
written to disk before they are tried, they wait there when the database is out of
reach and are sent later with the same operation id — neither lost nor doubled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _, format_date
from klachtenbureau.models import User
from klachtenbureau.models.complaints import (
    ACK_METHODS, CONTACT_METHODS, DIRECTIONS, ENTRY_KINDS, ESCALATED, ESCALATION_LEVELS, REMEDIES, SATISFACTION,
    SEVERITIES, VERDICTS, WAITING, WAITING_COMPLAINANT, WAITING_THIRD_PARTY,
)
from klachtenbureau.models.people import RELATION_TYPES, ROLES
from klachtenbureau.ui.dossier.form_dialog import FormDialog, Input, describe
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import deadlines, editing, intake_support, letters, permissions, procedure, settings
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.dossier_data import Dossier
from klachtenbureau.workflow.operations import new_operation_id

Arguments = Callable[[dict], dict[str, Any]]  # the dialog's values -> the workflow function's keyword arguments
# The acknowledgement dialog's result value when the acknowledgement goes by letter or by e-mail: made first.
BY_LETTER, BY_EMAIL = "by_letter", "by_email"


def _choices(labels: dict) -> list[tuple[Any, str]]:
    return [(code, _(label)) for code, label in labels.items()]


def _acknowledge(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    # the way chosen at the intake, else the way the complaint came in
    default = c.acknowledgement_method or intake_support.default_ack(c.channel)
    inputs = [Input("method", _("&Hoe bevestigd:"), "radio", choices=_choices(ACK_METHODS), value=default,
                    hint=_("Ontvangst bevestigen uiterlijk {date}. Bij een brief of e-mail maakt u die eerst; "
                           "de ontvangst staat als bevestigd genoteerd zodra hij afgedrukt, opgeslagen of verstuurd "
                           "is.").format(
                        date=format_date(c.acknowledge_by)))]
    return inputs, lambda v: {"method": v["method"]}


def _assign(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    people = {u.id: u for u in d.handlers if u.id != c.assigned_to_id}
    # the user themself, else a coordinator: not whoever comes first in the alphabet
    coordinators = [uid for uid, u in people.items() if permissions.owns_inbox(u)]
    default = user.id if user.id in people else next(iter(coordinators or people), None)
    inputs = [Input("assigned_to", _("&Behandelaar:"), "combo",
                    choices=[(uid, f"{u.full_name} ({_(ROLES[u.role]).lower()})") for uid, u in people.items()],
                    value=default,
                    hint=_("Nu: {name}.").format(name=c.assigned_to.full_name) if c.assigned_to_id else "")]

    def arguments(v: dict) -> dict[str, Any]:
        if v["assigned_to"] not in people:
            raise ValidationError({"assigned_to": _("Kies aan wie de klacht gaat.")})
        return {"handler": people[v["assigned_to"]]}

    return inputs, arguments


def _investigate(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    inputs = [
        Input("facts", _("&Feiten:"), "text", value=c.findings_facts, hint=_("Wat is er vastgesteld?")),
        Input("circumstances", _("&Omstandigheden:"), "text", value=c.findings_circumstances, lines=3),
        Input("causes", _("Mogelijke oo&rzaken:"), "text", value=c.findings_causes, lines=3),
        Input("damage", _("&Nadeel of schade:"), "text", value=c.findings_damage, lines=3),
        Input("severity", _("&Ernst:"), "combo", choices=_choices(SEVERITIES), value=c.severity),
    ]
    return inputs, lambda v: {name: v[name] for name in ("facts", "circumstances", "causes", "damage", "severity")}


def _verdict(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    inputs = [Input("verdict", _("&Oordeel:"), "radio", choices=_choices(VERDICTS), value=c.verdict),
              Input("motivation", _("&Motivering:"), "text", value=c.verdict_motivation, lines=4,
                    hint=_("Waarom dit oordeel: welke feiten wegen het zwaarst?"))]
    return inputs, lambda v: {"verdict": v["verdict"], "motivation": v["motivation"]}


def _remedy(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    amount = f"{c.compensation_amount:.2f}".replace(".", ",") if c.compensation_amount is not None else ""
    inputs = [
        Input("remedies", _("&Herstel:"), "checks", choices=_choices(REMEDIES), value=c.remedy_codes),
        Input("compensation_amount", _("&Bedrag schadeloosstelling (€):"), "line", value=amount,
              hint=_("Alleen bij schadeloosstelling, bijvoorbeeld 25,00.")),
        Input("remedy_note", _("&Toelichting:"), "text", value=c.remedy_note, lines=3),
    ]
    return inputs, lambda v: {"remedies": v["remedies"], "amount": v["compensation_amount"],
                              "note": v["remedy_note"]}


def _propose_answer(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    inputs = [Input("proposed_answer", _("&Voorgesteld antwoord aan de klager:"), "text",
                    value=c.proposed_answer or c.answer, lines=8,
                    hint=_("De coördinator leest het, past het zo nodig aan en verstuurt het."))]
    return inputs, lambda v: {"text": v["proposed_answer"]}


def _answer(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    hint = _("Ook bij een ongegronde klacht: leg uit waarom, met de feiten.")
    if c.proposed_answer:  # the handler's proposal is where the coordinator starts
        hint = _("Dit is het voorgestelde antwoord; pas het zo nodig aan.") + " " + hint
    inputs = [Input("answer", _("&Antwoord aan de klager:"), "text", value=c.proposed_answer or c.answer, lines=8,
                    hint=hint)]
    return inputs, lambda v: {"text": v["answer"]}


def _extend(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    profile, calendar = deadlines.get_profile(c.deadline_profile), settings.calendar()
    informed = (_("De klager is &schriftelijk over het uitstel bericht") if profile.extension_needs_written_notice
                else _("De klager is over het &uitstel bericht"))
    latest = deadlines.latest_extension(profile, c.answer_by, calendar)
    hint = (_("Nu: {date}. Kies een werkdag, uiterlijk {latest}.").format(
        date=format_date(c.answer_by), latest=format_date(latest)) if latest
        else _("Nu: {date}. Kies een werkdag.").format(date=format_date(c.answer_by)))
    inputs = [
        Input("new_answer_by", _("&Nieuwe termijn:"), "date",
              value=deadlines.proposed_extension(profile, c.answer_by, calendar), hint=hint),
        Input("reason", _("&Reden:"), "text", lines=3),
        Input("complainant_informed", informed, "flag"),
    ]
    return inputs, lambda v: {name: v[name] for name in ("new_answer_by", "reason", "complainant_informed")}


def _escalate(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    people = {u.id: u for u in d.handlers}
    default = procedure.escalation_handler(user, c)
    earliest, latest = procedure.new_term(c, dt.date.today())
    inputs = [Input("escalation_level", _("&Naar:"), "combo", choices=_choices(ESCALATION_LEVELS),
                    value="director"),
              Input("assigned_to", _("&Behandelaar:"), "combo",
                    choices=[(uid, f"{u.full_name} ({_(ROLES[u.role]).lower()})") for uid, u in people.items()],
                    value=default.id if default else None,
                    hint=_("Wie de klacht op het nieuwe niveau behandelt.")),
              Input("answer_by", _("&Antwoord uiterlijk:"), "date", value=earliest,
                    hint=_("De termijn van het profiel vanaf vandaag; een latere werkdag tot uiterlijk {date} mag.")
                    .format(date=format_date(latest))),
              Input("reason", _("&Waarom:"), "text", lines=3,
                    hint=_("De klacht is al beantwoord: het nieuwe niveau beantwoordt haar opnieuw.")
                    if c.answered_at else "")]

    def arguments(v: dict) -> dict[str, Any]:
        if v["assigned_to"] not in people:
            raise ValidationError({"assigned_to": _("Kies wie de klacht op het nieuwe niveau behandelt.")})
        return {"level": v["escalation_level"], "reason": v["reason"], "handler": people[v["assigned_to"]],
                "answer_by": v["answer_by"]}

    return inputs, arguments


def _wait(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    """For whom, why and until when. After the answer only a third party can be awaited (seed 004 3.2)."""
    c = d.complaint
    calendar, today = settings.calendar(), dt.date.today()
    kinds = [WAITING_THIRD_PARTY] if c.answered_at else [WAITING_COMPLAINANT, WAITING_THIRD_PARTY]
    left = deadlines.days_left_at_pause(c.answer_by, today, calendar)
    hint = _("Wachten op derde: de termijn loopt door (antwoord uiterlijk {date}).").format(
        date=format_date(c.answer_by))
    if not c.answered_at:
        hint = _("Wachten op klager: de termijn staat stil tot de reactie; daarna nog {n} werkdagen.").format(
            n=left) + " " + hint
    inputs = [Input("waiting_for", _("Wachten &op:"), "radio", choices=[(k, _(WAITING[k])) for k in kinds],
                    value=kinds[0], hint=hint),
              Input("reason", _("&Waarop wacht u:"), "text", lines=3,
                    hint=_("Bijvoorbeeld: de klager stuurt de ritgegevens; de vervoerder herstelt de lift.")),
              Input("until", _("&Verwacht uiterlijk:"), "date",
                    value=calendar.add_working_days(today, letters.REPLY_WORKING_DAYS))]
    return inputs, lambda v: {name: v[name] for name in ("waiting_for", "reason", "until")}


def _resume(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    if c.waiting_for == WAITING_COMPLAINANT and c.answered_at is None:
        left = c.answer_days_left or 0
        hint = _("De termijn loopt weer: antwoord uiterlijk {date} (nog {n} werkdagen).").format(
            date=format_date(deadlines.answer_by_after_pause(dt.date.today(), left, settings.calendar())), n=left)
    else:
        hint = _("Verwacht was {date}.").format(date=format_date(c.waiting_until))
    inputs = [Input("note", _("&Wat is er binnengekomen of gebeurd:"), "text", lines=3, hint=hint)]
    return inputs, lambda v: {"note": v["note"]}


def _aftercare(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    c = d.complaint
    inputs = [Input("satisfaction", _("Is de klager &tevreden?"), "radio", choices=_choices(SATISFACTION),
                    value=c.satisfaction),
              Input("note", _("&Notitie:"), "text", lines=3)]
    return inputs, lambda v: {"satisfaction": v["satisfaction"], "note": v["note"]}


def _close(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    """An escalated complaint reaches this dialog only after the window asked "Toch afsluiten?"."""
    despite = d.complaint.status == ESCALATED
    inputs = [Input("note", _("&Afsluitende notitie:"), "text", lines=3)]
    return inputs, lambda v: {"note": v["note"], "despite_escalation": despite}


def _reopen(user: User, d: Dossier) -> tuple[list[Input], Arguments]:
    inputs = [Input("reason", _("&Waarom heropenen:"), "text", lines=3)]
    return inputs, lambda v: {"reason": v["reason"]}


STEPS: dict[str, Callable[[User, Dossier], tuple[list[Input], Arguments]]] = {
    "acknowledge": _acknowledge, "assign": _assign, "investigate": _investigate, "verdict": _verdict,
    "remedy": _remedy, "propose_answer": _propose_answer, "answer": _answer, "extend": _extend,
    "escalate": _escalate, "wait": _wait, "resume": _resume, "aftercare": _aftercare, "close": _close,
    "reopen": _reopen,
}


def _queued_dialog(parent: QWidget, session: Session, dossier: Dossier, action: str, title: str, accept_label: str,
                   inputs: list[Input], arguments: Arguments) -> FormDialog:
    """A dialog whose write goes through the queue, with one operation id for as long as it is open.

    Pressing the button again after a lost answer sends the same write again, which the database
    recognises; a write that has to wait closes the dialog with ``QUEUED`` (form_dialog).
    """
    complaint, operation_id = dossier.complaint, new_operation_id()

    def submit(values: dict) -> Any:  # refers to the inputs, not the dialog: no cycle for a worker's GC to break
        payload = write_queue.step_payload(complaint, arguments(values), label=title, text=describe(inputs, values),
                                           form=values)
        return write_queue.submit(session.user, action, payload, session.database_url, operation_id)

    return FormDialog(parent, title, inputs, accept_label, submit)


def step_dialog(parent: QWidget, session: Session, dossier: Dossier, action: str) -> FormDialog:
    """The dialog for one step of the procedure (``procedure.ACTIONS``)."""
    inputs, arguments = STEPS[action](session.user, dossier)
    title = f"{_(procedure.ACTIONS[action][1]).rstrip('…')} – {dossier.complaint.number}"
    dialog = _queued_dialog(parent, session, dossier, action, title, _("Vastleggen"), inputs, arguments)
    if action == "acknowledge":
        _letter_first(dialog)
    return dialog


def _letter_first(dialog: FormDialog) -> None:
    """Choosing "Brief" or "E-mail" records nothing yet: the dialog closes with ``BY_LETTER`` or ``BY_EMAIL``
    and the window makes the letter.

    Printing, saving or sending that letter records the acknowledgement (workflow.letters.record_letter,
    workflow.mail.outgoing), so a complaint never stands as acknowledged by letter or e-mail without one.
    """
    record, button, label = dialog.submit, dialog.ok_button, dialog.ok_button.text()
    routes = {"letter": BY_LETTER, "email": BY_EMAIL}
    dialog.submit = lambda values: routes.get(values["method"]) or record(values)

    def show(method: str) -> None:
        button.setText({"letter": _("&Brief maken…"), "email": _("E-&mail maken…")}.get(method, label))

    method = dialog.editors["method"]
    method.changed.connect(show)
    show(method.value())


def contact_dialog(parent: QWidget, session: Session, dossier: Dossier) -> FormDialog:
    """A contact moment, a hearing or a note on the timeline."""
    c = dossier.complaint
    kinds = [(code, _(ENTRY_KINDS[code])) for code in ("contact", "hearing", "note")]
    methods = [("", _("Niet van toepassing"))] + _choices(CONTACT_METHODS)
    directions = [("", _("Niet van toepassing"))] + _choices(DIRECTIONS)
    inputs = [
        Input("kind", _("&Soort:"), "radio", choices=kinds, value="contact"),
        Input("method", _("&Hoe:"), "combo", choices=methods, value="phone"),
        Input("direction", _("&Richting:"), "combo", choices=directions, value="out"),
        Input("at", _("&Wanneer:"), "datetime"),
        Input("summary", _("S&amenvatting:"), "text", lines=6,
              hint=_("Bij een hoorzitting: wie waren er, wat is gezegd en wat is afgesproken.")),
    ]
    # A contact moment has no version to guard it: the dialog's one operation id makes pressing
    # "Toevoegen" again after a dropped connection add it once, not twice.
    return _queued_dialog(parent, session, dossier, "contact",
                          _("Contactmoment toevoegen – {number}").format(number=c.number), _("Toevoegen"), inputs,
                          lambda v: {name: v[name] for name in ("summary", "method", "direction", "kind", "at")})


def relation_dialog(parent: QWidget, user: User, dossier: Dossier) -> FormDialog:
    """Correct the complainant's name, address and contact details."""
    c, r = dossier.complaint, dossier.complaint.relation
    inputs = [
        Input("name", _("&Naam:"), "line", value=r.name),
        Input("attention", _("T.a.v. (&contactpersoon):"), "line", value=r.attention,
              hint=_("Bij een organisatie: wie de brief leest. Niet in de naam zetten.")),
        Input("street", _("&Straat en huisnummer:"), "line", value=r.street),
        Input("postcode", _("&Postcode:"), "line", value=r.postcode),
        Input("city", _("Plaa&ts:"), "line", value=r.city),
        Input("country", _("&Land:"), "line", value=r.country, hint=_("Leeg voor Nederland.")),
        Input("phone", _("&Telefoon:"), "line", value=r.phone),
        Input("email", _("&E-mail:"), "line", value=r.email),
        Input("relation_type", _("S&oort relatie:"), "combo", choices=_choices(RELATION_TYPES),
              value=r.relation_type),
        Input("salutation", _("Aan&hef:"), "line", value=r.salutation,
              hint=_("Zoals de brieven beginnen, bijvoorbeeld Geachte mevrouw De Vries. Leeg: Geachte en de "
                     "volledige naam.")),
    ]
    return FormDialog(parent, _("Gegevens klager wijzigen – {number}").format(number=c.number), inputs,
                      _("Opslaan"), lambda v: editing.update_relation(user, c, r, v))
