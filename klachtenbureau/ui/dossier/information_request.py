"""The request for more information (seed 004, 1.3): first the question and the reply-by date, then the letter.

The letter itself opens in the usual preview (ui/printing.py), to print, save as PDF or adapt; printing or
saving puts it on the timeline with its reply-by date (workflow.letters.record_letter). Where the procedure
allows it, the request offers (checked) to stop the answer term until the reply: the letter then says so, and
once it went out the complaint waits for the complainant (ui/dossier/letters_menu.py, procedure.wait).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _, format_date
from klachtenbureau.models import Complaint
from klachtenbureau.models.complaints import NEW, WAITING_COMPLAINANT
from klachtenbureau.ui.dossier.form_dialog import FormDialog, Input
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field
from klachtenbureau.workflow import letters, procedure


def request_dialog(parent: QWidget | None, session: Session, complaint: Complaint) -> FormDialog:
    """Ask the question and the reply-by date; accepted, ``result_value`` is the checked InformationRequest.

    When no request can go to this complainant now (closed, anonymous without an address, not the user's to
    add to), the dialog says why before anything is typed, and offers nothing to fill in.
    """
    inputs = [
        Input("question", _("&Vraag aan de klager:"), "text", lines=7,
              hint=_("Wat moet de klager ons nog laten weten om de klacht te kunnen beoordelen? Een regel die met "
                     "“- ” begint, wordt een opsommingsteken.")),
        Input("reply_by", _("Reactie &uiterlijk:"), "date", value=letters.default_reply_by()),
        Input("pause", _("De &termijn staat stil tot de reactie (wachten op klager)"), "flag"),
    ]
    title = _("{letter} – {number}").format(letter=_(letters.KINDS["information_request"]), number=complaint.number)
    dialog = FormDialog(parent, title, inputs, _("&Brief maken…"),
                        lambda values: letters.information_request(values["question"], values["reply_by"],
                                                                   dt.date.today(), values["pause"]),
                        intro=_("U ziet de brief daarna eerst als voorbeeld. Pas wanneer u hem afdrukt of als PDF "
                                "opslaat, komt hij in de tijdlijn van de klacht."))
    field, answer_by, pause = dialog.fields["reply_by"], complaint.answer_by, dialog.editors["pause"]
    why_not = _why_no_pause(session, complaint)
    pause.setChecked(why_not is None)
    pause.setEnabled(why_not is None)
    dialog.fields["pause"].set_hint(why_not or _("Het wachten begint zodra de brief is afgedrukt, opgeslagen of "
                                                 "verstuurd; de brief meldt het de klager."))

    def hint() -> None:
        _reply_hint(field, answer_by, dialog.values()["reply_by"], pause.isChecked())

    dialog.editors["reply_by"].dateChanged.connect(hint)
    pause.toggled.connect(hint)
    hint()
    try:
        letters.require_information_request(session.user, complaint)
    except KlachtenbureauError as exc:
        dialog.message.show_message(exc.message, "error")
        for widget in (*dialog.editors.values(), dialog.ok_button):
            widget.setEnabled(False)
    return dialog


def _why_no_pause(session: Session, complaint: Complaint) -> str | None:
    """Why the term cannot be stopped for this request; None when it can."""
    if complaint.waiting_for == WAITING_COMPLAINANT:
        return _("De termijn staat al stil sinds {date}; de brief meldt het de klager.").format(
            date=format_date(complaint.waiting_since))
    if "wait" in procedure.allowed_actions(complaint, session.user) and complaint.answered_at is None:
        return None
    if complaint.status == NEW:
        return _("Bevestig eerst de ontvangst; daarna kan de termijn stilstaan.")
    return _("Bij deze klacht kan de termijn nu niet stilstaan.")


def _reply_hint(field: Field, answer_by: dt.date, day: dt.date, paused: bool = False) -> None:
    """A reply that comes on or after the day the answer is due is too late for it, unless the term stands still
    until the reply: say so while the date is chosen."""
    proposed = _("Voorgesteld: over {n} werkdagen.").format(n=letters.REPLY_WORKING_DAYS)
    if paused:
        field.set_hint(f"{proposed} " + _("De termijn voor het antwoord staat stil tot de reactie."))
        return
    late = day >= answer_by
    promised = (_("Let op: het antwoord op de klacht is beloofd uiterlijk {date}; verleng zo nodig eerst de "
                  "termijn.") if late else _("Het antwoord op de klacht is beloofd uiterlijk {date}.")).format(
        date=format_date(answer_by))
    field.set_hint(f"{proposed} {promised}", warning=late)
