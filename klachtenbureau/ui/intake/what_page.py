"""Step 4: what happened — the inventory of the complaint (seed 000 steps 3–4, seed 003 Bijlage 2)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from klachtenbureau.i18n import N_, _
from klachtenbureau.models.complaints import INQUIRY
from klachtenbureau.ui.intake.page import IntakePage, set_combo_data
from klachtenbureau.ui.widgets import Field, SearchableChoice, text_box
from klachtenbureau.workflow import intake_support
from klachtenbureau.workflow.report_fields import RULES

POLICE_REMINDER = N_("Let op: bij verlies, vermissing, diefstal of schade vraagt u de klager aangifte te doen "
                     "bij de politie.")


class WhatPage(IntakePage):
    key = "what"
    title = N_("Wat is er gebeurd?")

    def __init__(self, context, values):
        super().__init__(context, values)
        # Set by hand wins over the words in the description.
        self._loss_chosen_by_hand = False
        form = self.form()
        self.description = text_box(_("Omschrijving"), _("Wat is er gebeurd? Gebruik de woorden van de klager."), 5)
        self.add_field(form, "description", Field(_("&Omschrijving"), self.description, _("Omschrijving")))
        self.category = SearchableChoice(_("typ een woord uit de categorie, bijvoorbeeld ophalen"))
        self.category.set_choices(self.context.categories)
        self.add_field(form, "category", Field(_("&Categorie"), self.category, _("Categorie")))
        self.incident = QLineEdit()
        self.incident.setPlaceholderText(_("bijvoorbeeld 3-3-2026, gisteren of vrijdag; leeg als onbekend"))
        self.incident.setMaximumWidth(320)
        self.add_field(form, "incident_date", Field(_("&Datum voorval"), self.incident, _("Datum van het voorval")))
        self.watch_date("incident_date")
        self.involved = QComboBox()
        for code, label in RULES["involved_party"].choices.items():
            self.involved.addItem(_(label), code)
        self.add_field(form, "involved_party", Field(_("Betro&kken"), self.involved, _("Wie is erbij betrokken")))
        self.people = QLineEdit()
        self.people.setPlaceholderText(_("naam van de vrijwilliger, medewerker of mede-deelnemer"))
        self.add_field(form, "people_involved", Field(_("&Naam betrokkene(n)"), self.people, _("Naam betrokkenen")))
        self.desired = QLineEdit()
        self.desired.setPlaceholderText(_("bijvoorbeeld excuses, geld terug, dat het niet weer gebeurt"))
        self.add_field(form, "desired_outcome", Field(_("Wat &wil de klager?"), self.desired,
                                                      _("Wat wil de klager")))
        self.severity = QComboBox()
        for code, label in RULES["severity"].choices.items():
            self.severity.addItem(_(label), code)
        self.severity.setMaximumWidth(220)
        self.add_field(form, "severity", Field(_("Ern&st"), self.severity, _("Ernst")))
        self.confidential = QCheckBox(_("Vertro&uwelijk: alleen de vertrouwenspersoon, de directeur en de "
                                        "beheerder zien deze melding"))
        self.add_field(form, "confidential", Field("", self.confidential, _("Vertrouwelijk")))
        self.loss = QCheckBox(_("Gaat over ver&lies, vermissing, diefstal of schade"))
        self.add_field(form, "police_report_advised", Field("", self.loss, _("Verlies, diefstal of schade")))
        self.loss.clicked.connect(self._loss_clicked)
        self.reminder = QLabel(_(POLICE_REMINDER))
        self.reminder.setWordWrap(True)
        self.reminder.setAccessibleName(_("Herinnering aangifte"))
        self.reminder.setStyleSheet("background: #fff4d6; border: 1px solid #e0b54a; border-radius: 4px; "
                                    "padding: 6px; font-weight: 600;")
        form.addRow(QWidget(), self.reminder)
        self.loss.toggled.connect(self.reminder.setVisible)
        self.reminder.hide()
        self.outer.addLayout(form)
        self.outer.addStretch(1)
        self._complaint_only = [self.incident, self.involved, self.people, self.desired, self.severity, self.loss]

    def _loss_clicked(self) -> None:
        self._loss_chosen_by_hand = True

    def read(self) -> None:
        description = self.description.toPlainText()
        if not self._loss_chosen_by_hand and intake_support.mentions_loss(description) and not self.loss.isChecked():
            self.loss.setChecked(True)  # toggles again into read(); harmless
        self.values.update(
            description=description, category=self.category.currentData(), incident_date=self.incident.text(),
            involved_party=self.involved.currentData() or "", people_involved=self.people.text(),
            desired_outcome=self.desired.text(), severity=self.severity.currentData() or 2,
            confidential=self.confidential.isChecked(), police_report_advised=self.loss.isChecked())

    def load(self) -> None:
        v = self.values
        self.description.setPlainText(v.get("description", ""))
        set_combo_data(self.category, v.get("category"))
        self.incident.setText(v.get("incident_date", ""))
        self.show_date_hint("incident_date")  # also when only the date of receipt changed
        set_combo_data(self.involved, v.get("involved_party", ""))
        self.people.setText(v.get("people_involved", ""))
        self.desired.setText(v.get("desired_outcome", ""))
        set_combo_data(self.severity, v.get("severity", 2))
        self.confidential.setChecked(bool(v.get("confidential")))
        self.loss.setChecked(bool(v.get("police_report_advised")))
        self.reminder.setVisible(self.loss.isChecked())

    def entered(self) -> None:
        inquiry = self.values.get("kind") == INQUIRY
        for editor in self._complaint_only:
            field = next(f for f in self.fields.values() if f.editor is editor)
            field.setVisible(not inquiry)
            field.label.setVisible(not inquiry)
        self.reminder.setVisible(self.loss.isChecked() and not inquiry)
        self.heading.setText(_("Wat is de vraag?") if inquiry else _(self.title))
        self.description.setPlaceholderText(
            _("Wat wil de klager weten?") if inquiry else _("Wat is er gebeurd? Gebruik de woorden van de klager."))

    def first_input(self) -> QWidget:
        return self.description

    def reload_lists(self) -> None:
        self.category.set_choices(self.context.categories)
