"""Beheer → Klagers samenvoegen: one person who was entered twice becomes one complainant again.

The coordinator looks up the record that stays and the one that goes into
it; the dialog says what will happen (which complaints move, which details
are added or dropped) and asks once more before it is done. The work runs
off the UI thread through ``workflow.relations``, which checks the rights
and writes the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, ngettext
from klachtenbureau.models import Relation, User
from klachtenbureau.ui import operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field, MessageBar
from klachtenbureau.workflow import permissions, relations
from klachtenbureau.workflow.relations import MergePlan

DETAILS = {"phone": N_("telefoon"), "email": N_("e-mail"), "street": N_("straat en huisnummer"),
           "postcode": N_("postcode"), "city": N_("woonplaats"), "country": N_("land"), "attention": N_("t.a.v."),
           "salutation": N_("aanhef")}


def _who(relation: Relation) -> str:
    return _("{name} (klager {id})").format(name=relation.name, id=relation.id)


def describe_plan(plan: MergePlan) -> str:
    """What merging will do, in Dutch, one sentence a line."""
    keep, other, n = _who(plan.keep), _who(plan.other), len(plan.complaints)
    lines = [ngettext("{n} klacht van {other} gaat naar {keep}.", "{n} klachten van {other} gaan naar {keep}.",
                      n).format(n=n, other=other, keep=keep)]
    for details, sentence in ((plan.filled, _("Aangevuld bij {keep}: {details}.")),
                              (plan.lost, _("Vervalt, omdat {keep} al andere heeft: {details}."))):
        if details:
            lines.append(sentence.format(keep=plan.keep.name, details="; ".join(
                f"{_(DETAILS[name])} {value}" for name, value in details.items())))
    lines.append(_("Daarna wordt {other} verwijderd. Het logboek legt vast wat er is samengevoegd.").format(
        other=other))
    return "\n".join(lines)


class RelationPicker(QGroupBox):
    """Look up one complainant: a search box and what it finds."""

    chosen = Signal()
    found = Signal(int)

    def __init__(self, user: User, title: str, label: str, accessible: str,
                 on_failure: Callable[[KlachtenbureauError], None]):
        super().__init__(title)
        self.user, self.on_failure = user, on_failure
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("naam, telefoonnummer, postcode of e-mailadres; Enter om te zoeken"))
        self.search.setClearButtonEnabled(True)
        self.search_field = Field(label, self.search, _("Zoek: {what}").format(what=accessible))
        form = QFormLayout()
        form.addRow(self.search_field.label, self.search_field)
        layout.addLayout(form)
        self.list = QTreeWidget()
        self.list.setAccessibleName(accessible)
        self.list.setHeaderLabels([_("Naam"), _("Adres"), _("Telefoon"), _("E-mail"), _("Nummer")])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.setMinimumHeight(110)
        layout.addWidget(self.list)
        self.search.returnPressed.connect(self.search_now)
        self.list.currentItemChanged.connect(self.chosen)

    def relation_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def search_now(self) -> None:
        text, user = self.search.text(), self.user
        self.search_field.set_problem(None)
        operations.query(self, lambda: relations.search_relations(text, user, limit=50), self._show, self.on_failure)

    def _show(self, found: list[Relation]) -> None:
        self.list.clear()
        for relation in found:
            address = ", ".join(p for p in (relation.street, " ".join(
                x for x in (relation.postcode, relation.city) if x)) if p)
            item = QTreeWidgetItem([relation.name, address, relation.phone, relation.email, str(relation.id)])
            item.setData(0, Qt.ItemDataRole.UserRole, relation.id)
            self.list.addTopLevelItem(item)
        if found:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        else:
            self.search_field.set_problem(_("Niemand gevonden; zoek op een deel van de naam, het e-mailadres, "
                                            "het telefoonnummer of de postcode."))
        self.found.emit(len(found))


class MergeRelationsDialog(QDialog):
    """Merge the record of a complainant who was entered twice into the other one. Coordinators and admins."""

    merged = Signal(object)  # the Relation that was kept

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.plan: MergePlan | None = None
        self._round = 0
        self.setWindowTitle(_("Klagers samenvoegen"))
        self.resize(820, 600)
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        intro = QLabel(_("Staat één persoon twee keer in het bestand? Zoek eerst de klager die blijft, dan de "
                         "klager die daarin opgaat. Alle klachten gaan naar de klager die blijft; de andere "
                         "wordt verwijderd."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.keep = RelationPicker(session.user, _("1. De klager die blijft"), _("&Blijft"), _("Klager die blijft"),
                                   self._failed)
        self.other = RelationPicker(session.user, _("2. De klager die daarin opgaat en verdwijnt"),
                                    _("&Gaat op in de eerste"), _("Klager die opgaat in de eerste"), self._failed)
        for picker in (self.keep, self.other):
            picker.chosen.connect(self._plan_later)
            layout.addWidget(picker, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName(_("Wat er gebeurt"))
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 4)
        layout.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.merge_button = QPushButton(_("&Samenvoegen…"))
        self.merge_button.clicked.connect(self.confirm)
        close = QPushButton(_("S&luiten"))
        close.clicked.connect(self.reject)
        for button in (self.merge_button, close):
            button.setAutoDefault(False)  # Enter in a search box searches; it never merges
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.merge_button.setEnabled(False)
        if not permissions.can_merge_relations(session.user):
            self.message.show_message(_("Alleen een coördinator of beheerder kan klagers samenvoegen."), "warning")
            for picker in (self.keep, self.other):
                picker.setEnabled(False)

    # --- what will happen ----------------------------------------------------------------

    def _plan_later(self) -> None:
        self._round += 1
        current = self._round
        self._show_plan(None)
        keep_id, other_id = self.keep.relation_id(), self.other.relation_id()
        if keep_id is None or other_id is None:
            return
        operations.query(self, lambda: relations.merge_plan(keep_id, other_id),
                         lambda plan: current == self._round and self._show_plan(plan),
                         lambda problem: current == self._round and self.summary.setText(problem.message))

    def _show_plan(self, plan: MergePlan | None) -> None:
        self.plan = plan
        self.summary.setText(describe_plan(plan) if plan is not None else "")
        self.merge_button.setEnabled(plan is not None)

    # --- doing it ----------------------------------------------------------------------------

    def confirm(self) -> None:
        """Ask once more, saying what will happen; Annuleren is the default."""
        plan = self.plan
        if plan is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, _("Klagers samenvoegen?"), _(
            "{other} samenvoegen met {keep}?").format(other=_who(plan.other), keep=_who(plan.keep)),
            QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText(describe_plan(plan) + "\n\n" + _("Dit kan niet ongedaan worden gemaakt."))
        merge = box.addButton(_("&Samenvoegen"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(_("Annuleren"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.finished.connect(lambda _result: box.clickedButton() is merge and self._merge(plan))
        box.open()

    def _merge(self, plan: MergePlan) -> None:
        user = self.session.user
        self.merge_button.setEnabled(False)
        operations.write(self, self.session, lambda: relations.merge_relations(user, plan), self._merged, self._failed)

    def _merged(self, kept: Relation) -> None:
        self.message.show_message(_("Samengevoegd: alle klachten staan nu bij {keep}.").format(keep=_who(kept)),
                                  "success")
        self.other.search.clear()
        self.other.list.clear()
        self.keep.search_now()  # the kept record as it is now
        self.merged.emit(kept)

    def _failed(self, problem: KlachtenbureauError) -> None:
        self.message.show_message(problem.message, "error")
        self._plan_later()  # someone may have changed a record meanwhile: what would happen now
