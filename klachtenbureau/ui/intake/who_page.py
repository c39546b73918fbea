"""Step 2: who complains — a known relation found by typing, a new one, or anonymous (seed 002)."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, format_date
from klachtenbureau.models.complaints import CONTACT_METHODS, DIRECTIONS
from klachtenbureau.ui import operations
from klachtenbureau.ui.dossier.form_dialog import FormDialog, Input
from klachtenbureau.ui.intake.duplicates_dialog import DuplicatesDialog
from klachtenbureau.ui.intake.page import IntakePage, set_combo_data
from klachtenbureau.ui.widgets import Field, RadioGroup
from klachtenbureau.workflow import intake_support
from klachtenbureau.workflow.intake_support import ANONYMOUS, EXISTING, NEW_RELATION, EarlierComplaint, RelationMatch
from klachtenbureau.workflow.operations import new_operation_id
from klachtenbureau.workflow.report_fields import RELATION_FIELDS, RULES

SEARCH_DELAY_MS = 250
_PHONE_LIKE = re.compile(r"[+0-9][0-9 ()-]{5,}")
_POSTCODE_LIKE = re.compile(r"[0-9]{4}\s?[A-Za-z]{0,2}")
_CONTACT = ("phone", "email", "postcode", "street")  # what a possible duplicate is found by


class WhoPage(IntakePage):
    key = "who"
    title = N_("Wie meldt het?")

    def __init__(self, context, values):
        super().__init__(context, values)
        self.matches: list[RelationMatch] = []
        self._search_round = 0
        self._new_anyway: tuple[str, ...] | None = None  # the details the telephonist made a new complainant with
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)

        form = self.form()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("naam, telefoonnummer, postcode of e-mailadres"))
        self.search.setClearButtonEnabled(True)
        # The search is where a known complainant (the report's relation_id) is chosen.
        self.add_field(form, "relation_id", Field(_("&Zoeken"), self.search, _("Zoeken naar een bekende klager")))
        self.outer.addLayout(form)
        self.search.textChanged.connect(self._search_later)
        self.search.installEventFilter(self)

        self.status = QLabel()
        self.status.setStyleSheet("color: #555;")
        self.outer.addWidget(self.status)
        self.results = QTreeWidget()
        self.results.setAccessibleName(_("Gevonden klagers"))
        self.results.setHeaderLabels([_("Naam"), _("Adres"), _("Telefoon"), _("E-mail"), _("Eerdere klachten")])
        self.results.setRootIsDecorated(False)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setUniformRowHeights(True)
        self.results.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.results.header().setStretchLastSection(False)
        self.results.setMinimumHeight(120)
        self.results.currentItemChanged.connect(self._current_changed)
        self.results.installEventFilter(self)
        self.outer.addWidget(self.results, 2)
        self.outer.addWidget(self._earlier_box(), 2)

        self.who = RadioGroup([(EXISTING, _("&Gekozen uit de lijst")), (NEW_RELATION, _("&Nieuwe klager")),
                               (ANONYMOUS, _("&Anoniem"))], _("Wie meldt het"), columns=3)
        self.who.button(EXISTING).setEnabled(False)
        self.who.changed.connect(self._who_changed)
        self.watch(self.who)
        self.outer.addWidget(self.who)
        self.anonymous_note = QLabel(_(
            "Een anonieme klager krijgt geen brief of e-mail; zeg nu aan de telefoon wat er met de melding gebeurt."))
        self.anonymous_note.setWordWrap(True)
        self.outer.addWidget(self.anonymous_note)

        self.new_form = QWidget()
        new = self.form()
        new.setContentsMargins(0, 0, 0, 0)
        self.name = self._line(new, "name", _("Naa&m"), _("Naam van de klager"))
        self.phone = self._line(new, "phone", _("Tele&foon"), _("Telefoonnummer"))
        self.email = self._line(new, "email", _("E-ma&il"), _("E-mailadres"))
        self.street = self._line(new, "street", _("&Straat en huisnummer"), _("Straat en huisnummer"))
        self.postcode = self._line(new, "postcode", _("&Postcode"), _("Postcode"))
        self.postcode.setMaximumWidth(120)
        self.city = self._line(new, "city", _("&Woonplaats"), _("Woonplaats"))
        self.country = self._line(new, "country", _("&Land"), _("Land"))
        self.country.setPlaceholderText(_("leeg voor Nederland"))
        self.country.setMaximumWidth(220)
        self.relation_type = QComboBox()
        for code, label in RULES["relation_type"].choices.items():
            self.relation_type.addItem(_(label), code)
        self.add_field(new, "relation_type", Field(_("S&oort relatie"), self.relation_type, _("Soort relatie")))
        # After the details a call needs: a name and a number, Tab, Enter (the wizard's key-count tests).
        self.attention = self._line(new, "attention", _("T.a.v. (&contactpersoon)"),
                                    _("Ter attentie van: de contactpersoon van een organisatie"))
        self.attention.setPlaceholderText(_("bij een organisatie, bijvoorbeeld mevrouw P. de Boer"))
        self.salutation = self._line(new, "salutation", _("Aan&hef"), _("Aanhef in brieven"))
        self.salutation.setPlaceholderText(_("bijvoorbeeld Geachte mevrouw De Vries; leeg: Geachte en de naam"))
        self.new_form.setLayout(new)
        self.outer.addWidget(self.new_form, 3)
        self._show_mode("")

    def _earlier_box(self) -> QWidget:
        """The chosen caller's complaints: where each stands, not what it says (intake_support.earlier_complaints),
        and a contact moment for one of them ("where is my complaint?", "I have something to add")."""
        self.earlier_box = QWidget()
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        self.earlier.setTextFormat(Qt.TextFormat.PlainText)
        self.earlier_list = QTreeWidget()
        self.earlier_list.setAccessibleName(_("Eerdere klachten"))
        self.earlier_list.setHeaderLabels([_("Nummer"), _("Ontvangen"), _("Status"), _("Behandelaar"),
                                           _("Volgende datum")])
        self.earlier_list.setRootIsDecorated(False)
        self.earlier_list.setUniformRowHeights(True)
        self.earlier_list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.earlier_list.setMinimumHeight(90)
        self.earlier_list.currentItemChanged.connect(lambda *_args: self._earlier_changed())
        self.contact_button = QPushButton(_("Contactmoment &bij deze klacht…"))
        self.contact_button.setToolTip(_("Leg vast wat de beller over deze klacht zegt of vraagt"))
        self.contact_button.setAccessibleName(_("Contactmoment bij deze klacht"))
        self.contact_button.clicked.connect(self.add_contact)
        row = QHBoxLayout()
        row.addWidget(self.earlier, 1)
        row.addWidget(self.contact_button)
        layout = QVBoxLayout(self.earlier_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.earlier_list, 1)
        return self.earlier_box

    def _line(self, form, name: str, label: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        self.add_field(form, name, Field(label, edit, accessible))
        return edit

    # --- searching ---------------------------------------------------------------

    def _search_later(self) -> None:
        if not self._loading:
            self._timer.start()

    def _search(self) -> None:
        text = self.search.text().strip()
        self._search_round += 1
        current = self._search_round
        if len(text) < 2:
            self._show_matches([], "")
            return
        self.status.setText(_("Zoeken…"))
        user = self.context.session.user
        operations.query(self, lambda: intake_support.find_relations(text, user),
                         lambda found: current == self._search_round and self._show_matches(found, text),
                         lambda problem: current == self._search_round and self.status.setText(
                             _("Zoeken lukt nu niet: {reason}").format(reason=problem.message)))

    def _show_matches(self, found: list[RelationMatch], text: str) -> None:
        self.matches = found
        self.results.blockSignals(True)
        self.results.clear()
        for match in found:
            item = QTreeWidgetItem([match.name, match.address, match.phone, match.email, str(len(match.earlier))])
            item.setData(0, Qt.ItemDataRole.UserRole, match.id)
            self.results.addTopLevelItem(item)
        self.results.blockSignals(False)
        self.earlier.clear()
        if not text:
            self.status.setText("")
        elif found:
            self.status.setText(_("{n} gevonden; pijltje omlaag en Enter om te kiezen.").format(n=len(found)))
        else:
            self.status.setText(_("Niemand gevonden voor “{text}”. Kies Nieuwe klager (Alt+N) of Anoniem (Alt+A).")
                                .format(text=text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """Arrow down from the search box into the results, arrow up from the first result back."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        if watched is self.search and event.key() == Qt.Key.Key_Down and self.results.topLevelItemCount():
            self.results.setFocus()
            if self.results.currentItem() is None:
                self.results.setCurrentItem(self.results.topLevelItem(0))
            return True
        if (watched is self.results and event.key() == Qt.Key.Key_Up
                and self.results.currentItem() is self.results.topLevelItem(0)):
            self.search.setFocus()
            return True
        return super().eventFilter(watched, event)

    def _current_changed(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        self._choose(next(m for m in self.matches if m.id == item.data(0, Qt.ItemDataRole.UserRole)))

    def _choose(self, match: RelationMatch) -> None:
        self.values.update(relation_id=match.id, relation_email=match.email, relation_has_address=match.has_address,
                           relation_label=", ".join(p for p in (match.name, match.address) if p))
        self._show_earlier(match)
        self.who.button(EXISTING).setEnabled(True)
        self.who.set_value(EXISTING)
        self._existing_label()
        self.on_change()

    def _show_earlier(self, match: RelationMatch) -> None:
        self.earlier_list.clear()
        self.earlier_list.setVisible(bool(match.earlier))
        if not match.earlier:
            self.earlier.setText(_("Van {name} zijn geen eerdere klachten die u kunt inzien.").format(name=match.name))
        else:
            self.earlier.setText(_("Eerdere klachten van {name} ({n}):").format(name=match.name, n=len(match.earlier)))
        for c in match.earlier:
            item = QTreeWidgetItem([c.number, format_date(c.received, "d MMM yyyy"), c.status, c.handler or "–",
                                    format_date(c.next_date, "d MMM yyyy") if c.next_date else "–"])
            item.setData(0, Qt.ItemDataRole.UserRole, c)
            self.earlier_list.addTopLevelItem(item)
        if match.earlier:
            self.earlier_list.setCurrentItem(self.earlier_list.topLevelItem(0))
        self._earlier_changed()

    def chosen_earlier(self) -> EarlierComplaint | None:
        item = self.earlier_list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _earlier_changed(self) -> None:
        chosen = self.chosen_earlier()
        self.contact_button.setEnabled(chosen is not None and chosen.may_add_contact)

    def add_contact(self) -> FormDialog | None:
        """A contact moment on the chosen earlier complaint, with the caller on the line: phone, incoming."""
        chosen, relation_id = self.chosen_earlier(), self.values.get("relation_id")
        if chosen is None or not chosen.may_add_contact or not relation_id:
            return None
        user, operation_id = self.context.session.user, new_operation_id()
        inputs = [
            Input("summary", _("S&amenvatting:"), "text", lines=5,
                  hint=_("Wat vraagt of meldt de beller over deze klacht?")),
            Input("method", _("&Hoe:"), "combo", choices=[(code, _(label)) for code, label in CONTACT_METHODS.items()],
                  value="phone"),
            Input("direction", _("&Richting:"), "combo", choices=[(code, _(label)) for code, label in DIRECTIONS.items()],
                  value="in"),
        ]
        dialog = FormDialog(self, _("Contactmoment toevoegen – {number}").format(number=chosen.number), inputs,
                            _("Toevoegen"), lambda v: intake_support.add_caller_contact(
                                user, relation_id, chosen.id, v["summary"], v["method"], v["direction"], operation_id))
        dialog.accepted.connect(lambda: self._contact_added(chosen))
        dialog.open()
        return dialog

    def _contact_added(self, chosen: EarlierComplaint) -> None:
        self.status.setText(_("Het contactmoment staat bij klacht {number}.").format(number=chosen.number))
        self.context.session.changes.announce()

    def _existing_label(self) -> None:
        label = self.values.get("relation_label") or ""
        text = _("&Gekozen uit de lijst")
        self.who.button(EXISTING).setText(f"{text}: {label}" if label else text)

    # --- new / anonymous -----------------------------------------------------------

    def _who_changed(self, code: str) -> None:
        self._show_mode(code)
        if code == NEW_RELATION and not self._loading:
            self._prefill_from_search()
            self.name.setFocus()

    def _show_mode(self, code: str) -> None:
        self.earlier_box.setVisible(code == EXISTING)
        self.new_form.setVisible(code == NEW_RELATION)
        self.anonymous_note.setVisible(code == ANONYMOUS)

    def _prefill_from_search(self) -> None:
        """What was typed in the search box goes where it belongs in the new relation."""
        text = self.search.text().strip()
        if not text or any(e.text() for e in (self.name, self.phone, self.email, self.postcode)):
            return
        if "@" in text:
            self.email.setText(text)
        elif _POSTCODE_LIKE.fullmatch(text):
            self.postcode.setText(text)
        elif _PHONE_LIKE.fullmatch(text):
            self.phone.setText(text)
        else:
            self.name.setText(text)
            self.name.end(False)

    # --- the form ----------------------------------------------------------------

    def _edits(self) -> dict[str, QLineEdit]:
        """The new complainant's text fields by name (``report_fields.RELATION_FIELDS``)."""
        return {name: self.fields[name].editor for name in RELATION_FIELDS if name != "relation_type"}

    def read(self) -> None:
        self.values.update(who=self.who.value(), search=self.search.text(), relation={
            **{name: edit.text() for name, edit in self._edits().items()},
            "relation_type": self.relation_type.currentData() or "participant"})

    def load(self) -> None:
        v = self.values
        relation = v.get("relation") or {}
        self.search.setText(v.get("search", ""))
        for name, edit in self._edits().items():
            edit.setText(relation.get(name, ""))
        set_combo_data(self.relation_type, relation.get("relation_type", "participant"))
        self.who.button(EXISTING).setEnabled(bool(v.get("relation_id")))
        self._existing_label()
        self.who.set_value(v.get("who", ""))
        self._show_mode(v.get("who", ""))

    def clear(self) -> None:
        self._timer.stop()
        self._search_round += 1  # a search still running is no longer wanted
        self._new_anyway = None
        self._show_matches([], "")

    def ready_to_leave(self, go_on: Callable[[], None]) -> bool:
        """A new complainant with the e-mail, phone or address of a known one: offer those first (once for
        these details)."""
        relation = self.values["relation"]
        contact = tuple(str(relation.get(name, "")) for name in _CONTACT)
        if self.who.value() != NEW_RELATION or contact == self._new_anyway:
            return True
        try:
            found = intake_support.possible_duplicates(relation, self.context.session.user)
        except KlachtenbureauError:
            return True  # the database cannot tell now; the report waits on this PC if need be
        if not found:
            return True
        new = ", ".join(str(relation.get(name, "")).strip() for name in ("name", *_CONTACT)
                        if str(relation.get(name, "")).strip())
        dialog = DuplicatesDialog(found, new, self)
        dialog.finished.connect(lambda result: self._duplicates_answered(dialog, result, contact, go_on))
        dialog.open()
        return False

    def _duplicates_answered(self, dialog: DuplicatesDialog, result: int, contact: tuple[str, ...],
                             go_on: Callable[[], None]) -> None:
        if result == DuplicatesDialog.DialogCode.Accepted:
            self._choose(dialog.chosen())
        elif result == DuplicatesDialog.NEW_ANYWAY:
            self._new_anyway = contact
        else:
            self.name.setFocus()
            return
        go_on()

    def entered(self) -> None:
        if self.search.text().strip() and not self.matches:  # a restored draft: show its search again
            self._timer.start()

    def first_input(self) -> QWidget:
        if self.who.value() == NEW_RELATION:
            return self.name
        return self.search
