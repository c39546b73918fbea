"""Step 3: a complaint or an inquiry? With the guidance of seed 000 step 2 on the page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from klachtenbureau.i18n import N_, _
from klachtenbureau.models.complaints import COMPLAINT, INQUIRY
from klachtenbureau.ui.intake.page import IntakePage
from klachtenbureau.ui.widgets import Field, RadioGroup

GUIDANCE = N_(
    "<p>Stel samen met de klager vast waar het om gaat.</p>"
    "<p><b>Navraag</b> – een vraag die u nu kunt beantwoorden, eventueel na overleg met een "
    "coördinator. U legt de vraag en uw antwoord vast en daarmee is de melding afgehandeld.</p>"
    "<p><b>Klacht</b> – de klager is ontevreden en wil dat er iets mee gebeurt. Inventariseer de "
    "klacht samen: wat is er gebeurd, wanneer, wie waren erbij en wat wil de klager? Toon begrip en "
    "bied excuses aan.</p>"
    "<p>Bij een brief of e-mail neemt u eerst contact op met de afzender om dit samen vast te stellen.</p>")


class KindPage(IntakePage):
    key = "kind"
    title = N_("Klacht of navraag?")

    def __init__(self, context, values):
        super().__init__(context, values)
        guidance = QLabel(_(GUIDANCE))
        guidance.setWordWrap(True)
        guidance.setStyleSheet("background: #f4f6f8; border: 1px solid #d5dbe1; border-radius: 4px; padding: 8px;")
        self.outer.addWidget(guidance)
        form = self.form()
        self.kind = RadioGroup([(COMPLAINT, _("&Klacht")), (INQUIRY, _("&Navraag (direct te beantwoorden)"))],
                               _("Klacht of navraag"))
        self.add_field(form, "kind", Field(_("Soort melding"), self.kind, _("Klacht of navraag")))
        self.outer.addLayout(form)
        self.outer.addStretch(1)

    def read(self) -> None:
        kind = self.kind.value()
        if kind and kind != self.values.get("kind"):
            # An inquiry is usually answered on the spot; a complaint usually goes to a coordinator.
            self.values["resolved_now"] = kind == INQUIRY
        self.values["kind"] = kind

    def load(self) -> None:
        self.kind.set_value(self.values.get("kind", COMPLAINT))

    def first_input(self) -> QWidget:
        return self.kind.group.checkedButton() or self.kind.button(COMPLAINT)
