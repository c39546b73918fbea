"""Step 1: how the report came in, and when (seed 000 step 1, seed 002)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from klachtenbureau.i18n import N_, _
from klachtenbureau.ui.intake.page import IntakePage
from klachtenbureau.ui.widgets import Field, RadioGroup
from klachtenbureau.workflow import intake_support

# Labels with their mnemonics; letters B, E, H (menus), T, V (buttons) stay free. Each starts with the name
# the channel has everywhere else (CHANNELS).
CHANNEL_CHOICES = [
    ("phone", N_("Tele&foon")),
    ("post", N_("&Post (brief)")),
    ("email", N_("E-&mail")),
    ("in_person", N_("Persoonlijk (&aan de balie)")),
    ("volunteer", N_("Via een vri&jwilliger")),
    ("website", N_("&Websiteformulier")),
    ("social_media", N_("&Sociale media")),
]

# Seed 000 step 2: how the kind of report is settled for each way in.
CHANNEL_ADVICE = {
    "phone": N_("Bepaal tijdens het gesprek samen met de beller of het een klacht of een navraag is."),
    "post": N_("Neem contact op met de afzender en stel samen vast of het een klacht of een navraag is. "
               "De ontvangstdatum is de dag waarop de brief binnenkwam."),
    "email": N_("Neem contact op met de afzender en stel samen vast of het een klacht of een navraag is."),
    "in_person": N_("Bepaal samen met de bezoeker of het een klacht of een navraag is."),
    "volunteer": N_("Een vrijwilliger geeft een klacht door die een deelnemer tijdens een uitje meldde. "
                    "Noteer de gegevens van de deelnemer, niet die van de vrijwilliger."),
    "website": N_("Neem zo nodig contact op met de afzender om vast te stellen of het een klacht of een navraag is."),
    "social_media": N_("Reageer niet inhoudelijk in het openbaar; neem contact op met de afzender."),
}


class ArrivalPage(IntakePage):
    key = "arrival"
    title = N_("Hoe kwam de melding binnen?")

    def __init__(self, context, values):
        super().__init__(context, values)
        form = self.form()
        self.channel = RadioGroup([(code, _(label)) for code, label in CHANNEL_CHOICES], _("Kanaal"), columns=2)
        channel_field = Field(_("&Kanaal"), self.channel, _("Kanaal"))
        channel_field.label.setBuddy(self.channel.button("phone"))
        self.add_field(form, "channel", channel_field)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setStyleSheet("color: #333; padding: 4px 0;")
        form.addRow(QWidget(), self.advice)
        self.received = QLineEdit()
        self.received.setPlaceholderText(_("bijvoorbeeld 3-3-2026, gisteren of vrijdag"))
        self.received.setMaximumWidth(220)
        self.add_field(form, "received_at", Field(_("&Datum van ontvangst"), self.received, _("Datum van ontvangst")))
        self.watch_date("received_at")
        self.channel.changed.connect(self._show_advice)
        self.outer.addLayout(form)
        self.outer.addStretch(1)

    def _show_advice(self, code: str) -> None:
        self.advice.setText(_(CHANNEL_ADVICE.get(code, "")))

    def read(self) -> None:
        channel = self.channel.value()
        if channel and channel != self.values.get("channel"):
            # A new way in brings its usual acknowledgement, until someone chooses otherwise.
            self.values.update(intake_support.ack_fields(intake_support.default_ack(channel)))
        self.values["channel"] = channel
        self.values["received_at"] = self.received.text()

    def load(self) -> None:
        self.channel.set_value(self.values.get("channel", ""))
        self.received.setText(self.values.get("received_at", ""))
        self._show_advice(self.channel.value())
        self.show_date_hint("received_at")

    def first_input(self) -> QWidget:
        return self.channel.group.checkedButton() or self.channel.button("phone")
