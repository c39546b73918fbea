"""The last step: the number, a sentence to read aloud, and what happens next."""

from __future__ import annotations

import html
import importlib.util

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from klachtenbureau.i18n import N_, _, format_date
from klachtenbureau.models import Complaint
from klachtenbureau.models.complaints import INQUIRY
from klachtenbureau.ui.intake.page import IntakePage
from klachtenbureau.workflow import intake_support

LETTERS_MODULE = "klachtenbureau.reports.letters"


def letters_available() -> bool:
    """The acknowledgement letter can be printed once the letters module is part of the application."""
    return importlib.util.find_spec(LETTERS_MODULE) is not None


class ConfirmationPage(IntakePage):
    key = "confirmation"
    title = N_("Geregistreerd")

    new_report_requested = Signal()
    print_requested = Signal(int)

    def __init__(self, context, values):
        super().__init__(context, values)
        self.complaint: Complaint | None = None
        self.read_aloud = QLabel()
        self.read_aloud.setWordWrap(True)
        self.read_aloud.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.read_aloud.setAccessibleName(_("Voor te lezen"))
        self.read_aloud.setStyleSheet("font-size: 14pt; background: #e6f4ea; border: 1px solid #7fbf8e; "
                                      "border-radius: 4px; padding: 12px;")
        self.prompt = QLabel()
        self.prompt.setStyleSheet("font-weight: 600;")
        self.outer.addWidget(self.prompt)
        self.outer.addWidget(self.read_aloud)
        self.next_steps = QLabel()
        self.next_steps.setWordWrap(True)
        self.next_steps.setTextFormat(Qt.TextFormat.RichText)
        self.next_steps.setAccessibleName(_("Wat er nu gebeurt"))
        self.outer.addWidget(self.next_steps)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("Ontvangstbevestiging &afdrukken"))
        self.print_button.setAccessibleName(_("Ontvangstbevestiging afdrukken"))
        self.print_button.setAutoDefault(True)
        self.print_button.clicked.connect(lambda: self.complaint and self.print_requested.emit(self.complaint.id))
        buttons.addWidget(self.print_button)
        self.new_button = QPushButton(_("&Nieuwe melding"))
        self.new_button.setAccessibleName(_("Nieuwe melding"))
        self.new_button.setAutoDefault(True)
        self.new_button.clicked.connect(self.new_report_requested)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        self.outer.addLayout(buttons)
        self.outer.addStretch(1)

    def show_complaint(self, complaint: Complaint) -> None:
        self.complaint = complaint
        noun = _("Navraag") if complaint.kind == INQUIRY else _("Klacht")
        if complaint.resolved_at_intake:
            self.heading.setText(_("{noun} {number} is vastgelegd en afgehandeld").format(
                noun=noun, number=complaint.number))
        else:
            self.heading.setText(_("{noun} {number} is geregistreerd").format(noun=noun, number=complaint.number))
        live = complaint.channel in ("phone", "in_person")
        self.prompt.setText(_("Lees voor:") if live else _("Voor uw contact met de klager:"))
        self.read_aloud.setText(intake_support.read_aloud(complaint))
        items = "".join(f"<li style='margin-bottom: 4px'>{html.escape(step)}</li>"
                        for step in self._next_steps(complaint))
        self.next_steps.setText(f"<ul style='margin-left: -20px'>{items}</ul>")
        ack = self.values.get("acknowledgement_to_send")
        letter = ack in ("letter", "email") and not complaint.resolved_at_intake
        self.print_button.setText(_("Ontvangstbevestiging &e-mailen") if ack == "email" else
                                  _("Ontvangstbevestiging &afdrukken"))
        self.print_button.setAccessibleName(self.print_button.text().replace("&", ""))
        self.print_button.setVisible(letter)
        self.print_button.setEnabled(letters_available())
        self.print_button.setToolTip("" if letters_available() else _(
            "Volgt: het afdrukken van brieven komt in een volgende versie."))

    def show_queued(self) -> None:
        """The database was out of reach: the report waits on this PC and has no number yet."""
        self.complaint = None
        self.heading.setText(_("Melding bewaard op deze computer"))
        live = self.values.get("channel") in ("phone", "in_person")
        self.prompt.setText(_("Lees voor:") if live else _("Voor uw contact met de klager:"))
        anonymous = self.values.get("who") == intake_support.ANONYMOUS
        self.read_aloud.setText(_("Uw melding is genoteerd. Door een storing kan ik u het nummer nu nog niet "
                                  "geven.") + ("" if anonymous else " " + _(
                                      "U krijgt binnen twee werkdagen een bevestiging met het nummer.")))
        steps = [_("De database is niet bereikbaar. De melding wacht op deze computer en wordt vanzelf "
                   "geregistreerd zodra de verbinding terug is; ze wordt niet dubbel geregistreerd."),
                 _("Het nummer en de termijnen staan daarna in het postvak. Wat nog wacht, ziet u onder "
                   "Bestand → Wachtende wijzigingen.")]
        self.next_steps.setText("<ul style='margin-left: -20px'>" + "".join(
            f"<li style='margin-bottom: 4px'>{html.escape(step)}</li>" for step in steps) + "</ul>")
        self.print_button.setVisible(False)

    def _next_steps(self, complaint: Complaint) -> list[str]:
        if complaint.resolved_at_intake:
            return [_("De melding is afgesloten; er hoeft niets meer te gebeuren.")]
        steps = []
        ack = self.values.get("acknowledgement_to_send")
        if complaint.acknowledged_at is not None:
            steps.append(_("De ontvangst is telefonisch bevestigd."))
        elif ack == "letter":
            steps.append(_("Stuur uiterlijk {date} de ontvangstbevestiging per brief.").format(
                date=format_date(complaint.acknowledge_by)))
        elif ack == "email":
            steps.append(_("Stuur uiterlijk {date} de ontvangstbevestiging per e-mail.").format(
                date=format_date(complaint.acknowledge_by)))
        else:
            steps.append(_("Er gaat geen ontvangstbevestiging uit (anonieme melding)."))
        names = dict(self.context.handovers)
        if complaint.assigned_to_id in names and intake_support.can_be_answered(complaint):
            steps.append(_("Overgedragen aan {name}, die contact opneemt met de klager.").format(
                name=names[complaint.assigned_to_id]))
        elif complaint.assigned_to_id in names:
            steps.append(_("Overgedragen aan {name}, die de klacht onderzoekt; de klager is niet te bereiken en "
                           "kan terugbellen met het nummer.").format(name=names[complaint.assigned_to_id]))
        steps.append(_("Antwoord uiterlijk {date}.").format(date=format_date(complaint.answer_by)))
        return steps

    def first_input(self) -> QWidget:
        return self.new_button
