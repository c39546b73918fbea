"""Beheer › Standaardalinea's: the paragraphs the coordinator keeps ready for letters.

Each paragraph has a title, a text (with {invulplekken} if wanted) and
optionally the category and the verdict it is meant for. Every add, change or
delete is saved at once against the version the list was loaded at: when a
colleague saved in between, nothing is overwritten, the list is loaded again
and what was typed stays in the form to save again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import ConflictError, KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models.complaints import VERDICTS
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field, MessageBar, fit_to_screen, placeholder_list
from klachtenbureau.workflow import admin
from klachtenbureau.workflow import standard_paragraphs as sp


class StandardParagraphsDialog(QDialog):
    saved = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Standaardalinea's"))
        self.paragraphs: list[sp.StandardParagraph] = []
        self.version = 0  # of the list as loaded: a save against an older one is refused
        self.category_names: dict[int, str] = {}
        self.message = MessageBar(self)
        intro = QLabel(_("Alinea's die de behandelaar in een brief kan invoegen als hij de tekst van die brief "
                         "aanpast. Zonder categorie en oordeel verschijnt een alinea bij elke brief; met een "
                         "oordeel alleen bij de antwoordbrief van een klacht met dat oordeel."))
        intro.setWordWrap(True)

        self.list = QListWidget()
        self.list.setAccessibleName(_("Standaardalinea's"))
        self.list.currentRowChanged.connect(self._picked)
        list_label = QLabel(_("&Alinea's:"))
        list_label.setBuddy(self.list)
        left = QVBoxLayout()
        left.addWidget(list_label)
        left.addWidget(self.list, 1)

        self.title = QLineEdit()
        self.category = QComboBox()
        self.verdict = QComboBox()
        self.verdict.addItem(_("Elk oordeel, elke brief"), "")
        for code, label in VERDICTS.items():
            self.verdict.addItem(_("{verdict} (alleen de antwoordbrief)").format(verdict=_(label)), code)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.placeholders = placeholder_list()
        self.placeholders.chosen.connect(self._insert_placeholder)
        self.placeholders.setMaximumHeight(130)
        form = QFormLayout()
        self.fields = {name: Field(label, editor, accessible) for name, label, editor, accessible in (
            ("title", _("&Titel:"), self.title, _("Titel")),
            ("category", _("&Categorie:"), self.category, _("Categorie")),
            ("verdict", _("&Oordeel:"), self.verdict, _("Oordeel")),
            ("text", _("Te&kst:"), self.text, _("Tekst van de alinea")),
        )}
        for field in self.fields.values():
            form.addRow(field.label, field)
        placeholders_label = QLabel(_("&Invulplekken:"))
        placeholders_label.setBuddy(self.placeholders)
        form.addRow(placeholders_label, self.placeholders)
        self.fields["text"].set_hint(_("Een lege regel begint een nieuwe alinea; een regel die met “- ” begint, "
                                       "wordt een opsommingsteken. Invulplekken worden bij het invoegen ingevuld."))

        self.new_button = QPushButton(_("&Nieuw"))
        self.add_button = QPushButton(_("Toe&voegen"))
        self.change_button = QPushButton(_("Wijziging op&slaan"))
        self.delete_button = QPushButton(_("Ver&wijderen"))
        close = QPushButton(_("Sl&uiten"))
        self.new_button.clicked.connect(self.new)
        self.add_button.clicked.connect(self.add)
        self.change_button.clicked.connect(self.change)
        self.delete_button.clicked.connect(self.delete)
        close.clicked.connect(self.reject)
        for button in (self.new_button, self.delete_button, close):
            button.setAutoDefault(False)  # Enter in the form saves it (see _show); it never clears or deletes
        buttons = QHBoxLayout()
        for button in (self.new_button, self.add_button, self.change_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        middle = QHBoxLayout()
        middle.addLayout(left, 2)
        middle.addLayout(form, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1000, 640)
        self.reload()

    # --- the list ----------------------------------------------------------------------------

    def reload(self, select: str | None = None, keep_form: bool = False) -> None:
        """Load the list as it is now; ``select`` the paragraph with that title; ``keep_form``: what was typed."""
        typed = self.form_paragraph()
        try:
            self.paragraphs, self.version = sp.load()
            categories = admin.categories(include_inactive=True)
        except KlachtenbureauError as exc:
            self.message.show_message(exc.message, "error")
            return
        self.category_names = {c.id: c.name for c in categories}
        chosen = self.category.currentData()
        self.category.clear()
        self.category.addItem(_("Alle categorieën"), None)
        for category in categories:
            self.category.addItem(category.name if category.active else _("{name} (niet actief)").format(
                name=category.name), category.id)
        self.category.setCurrentIndex(max(0, self.category.findData(chosen)))
        self.list.blockSignals(True)
        self.list.clear()
        for paragraph in self.paragraphs:
            item = QListWidgetItem(f"{paragraph.title}\n{self._scope(paragraph)}")
            item.setToolTip(paragraph.text)
            self.list.addItem(item)
        titles = [p.title for p in self.paragraphs]
        self.list.setCurrentRow(titles.index(select) if select in titles else -1)
        self.list.blockSignals(False)
        self._show(typed if keep_form else self.selected())

    def _scope(self, paragraph: sp.StandardParagraph) -> str:
        parts = []
        if paragraph.category_id is not None:
            parts.append(self.category_names.get(paragraph.category_id, "?"))
        if paragraph.verdict:
            parts.append(_("antwoordbrief bij “{verdict}”").format(verdict=_(VERDICTS[paragraph.verdict]).lower()))
        return "    " + (", ".join(parts) if parts else _("elke brief"))

    def selected(self) -> sp.StandardParagraph | None:
        row = self.list.currentRow()
        return self.paragraphs[row] if 0 <= row < len(self.paragraphs) else None

    def _picked(self, _row: int) -> None:
        self._show(self.selected())

    # --- the form ----------------------------------------------------------------------------

    def _show(self, paragraph: sp.StandardParagraph | None) -> None:
        paragraph = paragraph or sp.StandardParagraph("", "")
        self.title.setText(paragraph.title)
        self.category.setCurrentIndex(max(0, self.category.findData(paragraph.category_id)))
        self.verdict.setCurrentIndex(max(0, self.verdict.findData(paragraph.verdict)))
        self.text.setPlainText(paragraph.text)
        for field in self.fields.values():
            field.set_problem(None)
        picked = self.selected() is not None
        self.change_button.setEnabled(picked)
        self.delete_button.setEnabled(picked)
        (self.change_button if picked else self.add_button).setDefault(True)

    def form_paragraph(self) -> sp.StandardParagraph:
        return sp.StandardParagraph(self.title.text(), self.text.toPlainText(), self.category.currentData(),
                                    self.verdict.currentData() or "")

    def is_dirty(self) -> bool:
        typed = self.form_paragraph()
        shown = self.selected() or sp.StandardParagraph("", "")
        return (typed.title.strip(), typed.text.strip(), typed.category_id, typed.verdict) != (
            shown.title, shown.text, shown.category_id, shown.verdict)

    def _insert_placeholder(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.text.insertPlainText("{" + item.data(Qt.ItemDataRole.UserRole) + "}")
            self.text.setFocus()

    # --- saving ------------------------------------------------------------------------------

    def new(self) -> None:
        self.message.clear()
        self.list.setCurrentRow(-1)
        self._show(None)
        self.title.setFocus()

    def add(self) -> None:
        typed = self.form_paragraph()
        title = " ".join(typed.title.split())
        self._save([*self.paragraphs, typed], len(self.paragraphs), title,
                   _("Standaardalinea “{title}” toegevoegd.").format(title=title))

    def change(self) -> None:
        row = self.list.currentRow()
        if self.selected() is None:
            return
        typed = self.form_paragraph()
        title = " ".join(typed.title.split())
        changed = [typed if index == row else p for index, p in enumerate(self.paragraphs)]
        self._save(changed, row, title, _("Wijziging van “{title}” opgeslagen.").format(title=title))

    def delete(self) -> None:
        paragraph = self.selected()
        if paragraph is None:
            return
        self.message.show_message(_("Standaardalinea “{title}” verwijderen?").format(title=paragraph.title),
                                  "warning", [(_("&Ja, verwijderen"), lambda: self._delete(paragraph)),
                                              (_("Nee, &behouden"), self.message.clear)])

    def _delete(self, paragraph: sp.StandardParagraph) -> None:
        self._save([p for p in self.paragraphs if p != paragraph], -1, None,
                   _("Standaardalinea “{title}” verwijderd.").format(title=paragraph.title))

    def _save(self, paragraphs: list[sp.StandardParagraph], row: int, select: str | None, done: str) -> None:
        """Save the whole list; problems of the paragraph in the form (at ``row``) are shown at its fields."""
        for field in self.fields.values():
            field.set_problem(None)
        try:
            sp.save(self.session.user, paragraphs, self.version)
        except ConflictError:
            picked = self.selected()
            self.reload(select=picked.title if picked else None, keep_form=True)
            self.message.show_message(_(
                "Een collega heeft de standaardalinea's intussen gewijzigd; uw wijziging is niet opgeslagen, "
                "zodat zijn of haar werk niet verloren gaat. De lijst is opnieuw geladen en wat u typte staat "
                "nog in het formulier: kijk of het nog nodig is en sla het opnieuw op."), "warning")
            return
        except ValidationError as exc:
            own = {key.split(".", 1)[1]: message for key, message in exc.errors.items()
                   if key.split(".", 1)[0] == str(row) and key.split(".", 1)[1] in self.fields}
            for name, message in own.items():
                self.fields[name].set_problem(message)
            if own:
                self.fields[next(iter(own))].editor.setFocus()
            others = [message for key, message in exc.errors.items() if key.split(".", 1)[0] != str(row)]
            if others:
                self.message.show_message("\n".join(others), "error")
            else:
                self.message.clear()
            return
        except KlachtenbureauError as exc:
            self.message.show_message(exc.message, "error")
            return
        self.reload(select=select)
        self.message.show_message(done, "success")
        self.saved.emit()

    def reject(self) -> None:
        if not self.is_dirty():
            super().reject()
            return
        self.message.show_message(_("Wat u in het formulier typte, is nog niet opgeslagen."), "warning", [
            (_("Niet opslaan en s&luiten"), lambda: QDialog.reject(self)),
            (_("Terug naar het &formulier"), self.message.clear),
        ])
