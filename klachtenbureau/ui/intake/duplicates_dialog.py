"""Before a new complainant is made: known ones with the same e-mail, phone or address, to choose instead.

Keyboard first: the first candidate is chosen, Enter takes it, Alt+N makes
the new complainant all the same, Escape goes back to the form.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from klachtenbureau.i18n import _, ngettext
from klachtenbureau.workflow.intake_support import RelationMatch


class DuplicatesDialog(QDialog):
    NEW_ANYWAY = 2  # the result code besides Accepted (a candidate chosen) and Rejected (back to the form)

    def __init__(self, matches: list[RelationMatch], new: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.matches = matches
        self.setWindowTitle(_("Is dit een bekende klager?"))
        self.resize(820, 280)
        layout = QVBoxLayout(self)
        intro = QLabel(ngettext(
            "De nieuwe klager ({new}) heeft hetzelfde e-mailadres, telefoonnummer of adres als een bekende klager. "
            "Is het dezelfde persoon? Kies die dan, zodat alle klachten van iemand bij elkaar staan.",
            "De nieuwe klager ({new}) heeft hetzelfde e-mailadres, telefoonnummer of adres als {n} bekende klagers. "
            "Is het een van hen? Kies die dan, zodat alle klachten van iemand bij elkaar staan.", len(matches)).format(
                n=len(matches), new=new))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(intro)
        self.list = QTreeWidget()
        self.list.setAccessibleName(_("Bekende klagers die dezelfde kunnen zijn"))
        self.list.setHeaderLabels([_("Naam"), _("Adres"), _("Telefoon"), _("E-mail"), _("Hetzelfde"),
                                   _("Eerdere klachten")])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for match in matches:
            self.list.addTopLevelItem(QTreeWidgetItem([match.name, match.address, match.phone, match.email,
                                                      ", ".join(match.same), str(len(match.earlier))]))
        self.list.setCurrentItem(self.list.topLevelItem(0))
        self.list.itemDoubleClicked.connect(self.accept)
        layout.addWidget(self.list, 1)

        buttons = QDialogButtonBox()
        choose = buttons.addButton(_("&Deze klager kiezen"), QDialogButtonBox.ButtonRole.AcceptRole)
        new_anyway = buttons.addButton(_("Toch een &nieuwe klager"), QDialogButtonBox.ButtonRole.ActionRole)
        back = buttons.addButton(_("&Terug naar het formulier"), QDialogButtonBox.ButtonRole.RejectRole)
        choose.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        new_anyway.clicked.connect(lambda: self.done(self.NEW_ANYWAY))
        for button, name in ((choose, _("Deze klager kiezen")), (new_anyway, _("Toch een nieuwe klager")),
                             (back, _("Terug naar het formulier"))):
            button.setAccessibleName(name)
        layout.addWidget(buttons)
        self.list.setFocus()

    def chosen(self) -> RelationMatch:
        return self.matches[self.list.indexOfTopLevelItem(self.list.currentItem())]
