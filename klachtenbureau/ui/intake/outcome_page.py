"""Step 5: resolved now, or handed over to a coordinator; and how the receipt is confirmed (seed 000 step 4)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QWidget

from klachtenbureau.i18n import N_, _, format_date
from klachtenbureau.models.complaints import INQUIRY
from klachtenbureau.ui.intake.page import IntakePage, fill_combo, set_combo_data
from klachtenbureau.ui.widgets import Field, RadioGroup, text_box
from klachtenbureau.workflow import intake_support
from klachtenbureau.workflow.intake_support import ANONYMOUS, NO_ACK

RESOLVED, HANDOVER = "resolved", "handover"  # the choice that sets the report's resolved_now

GUIDANCE = N_("Toon begrip en bied excuses aan. Los de klacht waar het kan direct op, samen met de klager. "
              "Lukt dat niet, draag de klacht dan over aan de coördinator; die neemt contact op met de klager.")
INQUIRY_GUIDANCE = N_("Beantwoord de vraag nu als dat kan, zo nodig na overleg met een coördinator. Lukt dat niet, "
                      "draag de navraag dan over aan de coördinator; die neemt contact op met de vraagsteller.")


class OutcomePage(IntakePage):
    key = "outcome"
    title = N_("Direct opgelost of overdragen?")

    def __init__(self, context, values):
        super().__init__(context, values)
        self.guidance = QLabel(_(GUIDANCE))
        self.guidance.setWordWrap(True)
        self.outer.addWidget(self.guidance)
        form = self.form()
        self.outcome = RadioGroup([(RESOLVED, _("&Direct opgelost")),
                                   (HANDOVER, _("&Overdragen aan een coördinator"))], _("Afhandeling"), columns=2)
        self.outcome.changed.connect(self._show_outcome)
        self.add_field(form, "resolved_now", Field(_("Afhandeling"), self.outcome, _("Afhandeling")))

        self.resolution = text_box(_("Oplossing"), "", 3)
        self.add_field(form, "resolution", Field(_("&Wat is er afgesproken?"), self.resolution, _("Oplossing")))
        self.agrees = QCheckBox(_("De klager &stemt in met deze oplossing"))
        self.add_field(form, "complainant_agrees", Field("", self.agrees, _("De klager stemt in")))

        self.coordinator = QComboBox()
        fill_combo(self.coordinator, self.context.handovers)
        self.coordinator.setMaximumWidth(360)
        self.add_field(form, "assign_to", Field(_("&Coördinator"), self.coordinator, _("Overdragen aan")))
        self.ack = RadioGroup([("phone", _("Te&lefonisch, nu bevestigd")), ("letter", _("Per brie&f")),
                               ("email", _("Per e-&mail")), (NO_ACK, _("&Geen (anoniem)"))],
                              _("Ontvangstbevestiging"), columns=4)
        # One choice for both of the report's acknowledgement fields (intake_support.ack_fields).
        self.add_field(form, "acknowledgement_method", Field(_("Ontvangstbevestiging"), self.ack, _("Ontvangstbevestiging")))
        self.dates = QLabel()
        self.dates.setWordWrap(True)
        self.dates.setAccessibleName(_("Termijnen"))
        self.dates.setStyleSheet("color: #333;")
        form.addRow(QWidget(), self.dates)
        self.outer.addLayout(form)
        self.outer.addStretch(1)

    def _show_outcome(self, code: str) -> None:
        resolved = code == RESOLVED
        complaint = self.values.get("kind") != INQUIRY
        self._show("resolution", resolved)
        self._show("complainant_agrees", resolved and complaint)
        for name in ("assign_to", "acknowledgement_method"):
            self._show(name, code == HANDOVER)
        self.dates.setVisible(code == HANDOVER)

    def _show(self, name: str, visible: bool) -> None:
        self.fields[name].setVisible(visible)
        self.fields[name].label.setVisible(visible)

    def read(self) -> None:
        self.values.update(resolved_now=self.outcome.value() == RESOLVED, resolution=self.resolution.toPlainText(),
                           complainant_agrees=self.agrees.isChecked(), assign_to=self.coordinator.currentData(),
                           **intake_support.ack_fields(self.ack.value()))

    def load(self) -> None:
        v = self.values
        self.outcome.set_value(RESOLVED if v.get("resolved_now") else HANDOVER)
        self.resolution.setPlainText(v.get("resolution", ""))
        self.agrees.setChecked(bool(v.get("complainant_agrees")))
        set_combo_data(self.coordinator, v.get("assign_to"))
        self.ack.set_value(intake_support.ack_choice(v))

    def entered(self) -> None:
        inquiry = self.values.get("kind") == INQUIRY
        self.heading.setText(_("Direct beantwoord of overdragen?") if inquiry else _(self.title))
        self.guidance.setText(_(INQUIRY_GUIDANCE) if inquiry else _(GUIDANCE))
        self.outcome.button(RESOLVED).setText(_("&Direct beantwoord") if inquiry else _("&Direct opgelost"))
        self.fields["resolution"].label.setText(_("&Wat hebt u geantwoord?") if inquiry
                                                else _("&Wat is er afgesproken?"))
        if self.values.get("assign_to") is None and self.coordinator.count():
            self.coordinator.setCurrentIndex(0)
            self.values["assign_to"] = self.coordinator.currentData()
        self.ack.button(NO_ACK).setVisible(self.values.get("who") == ANONYMOUS)
        self._show_outcome(self.outcome.value())
        self._show_dates()

    def _show_dates(self) -> None:
        received = intake_support.read_date(str(self.values.get("received_at", "")), self.context.today)
        ack_by, answer_by = intake_support.expected_dates(received or self.context.today)
        self.dates.setText(_("Ontvangstbevestiging uiterlijk {ack}; antwoord uiterlijk {answer}.").format(
            ack=format_date(ack_by), answer=format_date(answer_by)))

    def reload_lists(self) -> None:
        fill_combo(self.coordinator, self.context.handovers)

    def first_input(self) -> QWidget:
        if self.outcome.value() == RESOLVED and not self.resolution.toPlainText():
            return self.resolution
        return self.outcome.group.checkedButton() or self.outcome.button(HANDOVER)
