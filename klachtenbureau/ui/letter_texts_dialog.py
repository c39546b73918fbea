"""Beheer › Brieventeksten: the office's own letter texts, with a live preview.

Each kind of letter has a subject and a text with {invulplekken}. The
preview on the right shows the letter as it will be printed, filled in for a
made-up complaint, a moment after typing stops. Nothing typed is lost:
switching between letters keeps the edits, and closing with unsaved changes
asks first (in the message bar, not in a pop-up). The texts are saved against
the version they were loaded at: when a colleague saved in between, nothing
is overwritten, the colleague's texts are loaded with the user's own changes
kept in them, and the user looks and saves again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QSplitter,
    QVBoxLayout, QWidget,
)

from klachtenbureau.errors import ConflictError, KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.reports import letter_texts
from klachtenbureau.ui import operations
from klachtenbureau.ui.printing import PagePreview
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import PROBLEM_STYLE, MessageBar, fit_to_screen, placeholder_list
from klachtenbureau.workflow import letter_settings

PREVIEW_DELAY_MS = 400
RULES = ("Een lege regel begint een nieuwe alinea; een regel die met “- ” begint, wordt een opsommingsteken. "
         "Een alinea met een invulplek die bij een klacht leeg blijft (bijvoorbeeld geen maatregelen), "
         "wordt weggelaten.")


class LetterTextsDialog(QDialog):
    loaded = Signal()
    preview_updated = Signal()
    saved = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.texts: dict[str, dict[str, str]] = {}
        self.stored: dict[str, dict[str, str]] = {}
        self.version = 0  # of the texts as loaded: a save against an older one is refused
        self.kind = ""
        self._previewing = False
        self._preview_again = False
        self.last_preview = b""
        self.setWindowTitle(_("Brieventeksten"))
        self.message = MessageBar(self)

        self.kinds = QListWidget()
        self.kinds.setAccessibleName(_("Soort brief"))
        for kind, label in letter_texts.LETTER_KINDS.items():
            item = QListWidgetItem(_(label))
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.kinds.addItem(item)
        self.kinds.setFixedWidth(220)
        self.kinds.currentItemChanged.connect(self._kind_changed)

        self.subject = QLineEdit()
        self.subject.setAccessibleName(_("Onderwerp"))
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setAccessibleName(_("Tekst van de brief"))
        self.problem = QLabel()
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        self.problem.hide()
        rules = QLabel(_(RULES))
        rules.setWordWrap(True)
        rules.setStyleSheet("color: #555;")
        self.placeholders = placeholder_list()
        self.placeholders.chosen.connect(self._insert_placeholder)
        self.placeholders.setMaximumHeight(150)
        self.reset_button = QPushButton(_("&Standaardtekst herstellen"))
        self.reset_button.clicked.connect(self._reset)
        self._last_editor: QWidget = self.body

        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(0, 0, 0, 0)
        for label, widget in ((_("&Onderwerp:"), self.subject), (_("&Tekst:"), self.body)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            column.addWidget(caption)
            column.addWidget(widget, 1 if widget is self.body else 0)
        column.addWidget(self.problem)
        column.addWidget(rules)
        caption = QLabel(_("&Invulplekken:"))
        caption.setBuddy(self.placeholders)
        column.addWidget(caption)
        column.addWidget(self.placeholders)
        column.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.preview = PagePreview()
        self.preview.setMinimumWidth(520)
        splitter = QSplitter()
        splitter.addWidget(editor)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        self.save_button = QPushButton(_("Ops&laan"))  # Alt+O is Onderwerp
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton(_("&Annuleren"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel)

        middle = QHBoxLayout()
        middle.addWidget(self.kinds)
        middle.addWidget(splitter, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(middle, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1280, 820)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self._update_preview)
        self.subject.textEdited.connect(self._edited)
        self.body.textChanged.connect(self._edited)
        self.subject.installEventFilter(self)
        self.body.installEventFilter(self)
        operations.query(self, letter_settings.load_texts, self._loaded, self.message)

    # --- loading and switching ------------------------------------------------------

    def _loaded(self, found: tuple[dict[str, dict[str, str]], int]) -> None:
        texts, self.version = found
        self.texts = {kind: dict(text) for kind, text in texts.items()}
        self.stored = {kind: dict(text) for kind, text in texts.items()}
        self.save_button.setEnabled(True)
        self.kinds.setCurrentRow(0)
        if not self.kind:  # row 0 was current already, so no change was signalled
            self._kind_changed(self.kinds.currentItem())
        self.loaded.emit()

    def _kind_changed(self, item: QListWidgetItem | None) -> None:
        if item is None or not self.texts:
            return
        self.kind = item.data(Qt.ItemDataRole.UserRole)
        text = self.texts[self.kind]
        self.subject.setText(text["subject"])
        self.body.blockSignals(True)
        self.body.setPlainText(text["body"])
        self.body.blockSignals(False)
        self._check()
        self._update_preview()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() == event.Type.FocusIn and watched in (self.subject, self.body):
            self._last_editor = watched
        return super().eventFilter(watched, event)

    # --- editing ------------------------------------------------------------------------

    def _edited(self) -> None:
        if not self.kind:
            return
        self.texts[self.kind] = {"subject": self.subject.text(), "body": self.body.toPlainText()}
        self._check()
        self.timer.start()

    def _check(self) -> None:
        text = self.texts.get(self.kind, {})
        unknown = letter_texts.unknown_placeholders(text.get("subject", "") + "\n" + text.get("body", ""))
        message = _("Onbekende invulplek {names}; kies er een uit de lijst.").format(
            names=", ".join("{" + name + "}" for name in unknown)) if unknown else ""
        self.problem.setText(message)
        self.problem.setVisible(bool(message))

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        token = "{" + item.data(Qt.ItemDataRole.UserRole) + "}"
        if self._last_editor is self.subject:
            self.subject.insert(token)
            self._edited()
        else:
            self.body.insertPlainText(token)
        self._last_editor.setFocus()

    def _reset(self) -> None:
        default = letter_texts.default_text(self.kind)
        self.subject.setText(default["subject"])
        self.body.setPlainText(default["body"])
        self._edited()

    def is_dirty(self) -> bool:
        return self.texts != self.stored

    # --- preview -----------------------------------------------------------------------

    def _update_preview(self) -> None:
        if self._previewing:
            self._preview_again = True
            return
        self._previewing = True
        text = dict(self.texts[self.kind])

        def done(pdf: bytes) -> None:
            self.last_preview = pdf
            self.preview.show_pdf(pdf)
            if self._preview_again:
                self._preview_again = False
                self._update_preview()
            else:
                self.preview_updated.emit()

        operations.query(self, lambda: letter_settings.preview_pdf(text["subject"], text["body"]), done, self.message,
                         always=lambda: setattr(self, "_previewing", False))

    # --- saving and closing ------------------------------------------------------------

    def save(self) -> None:
        texts, version = {kind: dict(text) for kind, text in self.texts.items()}, self.version
        self.save_button.setEnabled(False)

        def done(new_version: int) -> None:
            self.stored, self.version = texts, new_version
            self.message.show_message(_("De brieventeksten zijn opgeslagen."), "success")
            self.saved.emit()

        def failed(problem: KlachtenbureauError) -> None:
            if isinstance(problem, ConflictError):
                operations.query(self, letter_settings.load_texts, self._colleague_saved, self.message)
            elif isinstance(problem, ValidationError):
                first = next(iter(problem.errors)).split(".")[0]
                if first in letter_texts.LETTER_KINDS:
                    self.kinds.setCurrentRow(list(letter_texts.LETTER_KINDS).index(first))
                self.message.show_message("\n".join(problem.errors.values()), "error")
            else:
                self.message.show_message(problem.message, "error")

        operations.write(self, self.session, lambda: letter_settings.save_texts(self.session.user, texts, version),
                         done, failed, always=lambda: self.save_button.setEnabled(True))

    def _colleague_saved(self, found: tuple[dict[str, dict[str, str]], int]) -> None:
        """A colleague saved the texts after this dialog loaded them: theirs come in, with this user's own changes
        kept in the letters they changed; letters both changed are named, so nobody's text goes unseen."""
        theirs, self.version = found
        mine = {kind: text for kind, text in self.texts.items() if text != self.stored.get(kind)}
        both = [kind for kind, text in mine.items() if theirs[kind] not in (self.stored.get(kind), text)]
        self.stored = {kind: dict(text) for kind, text in theirs.items()}
        self.texts = {kind: dict(mine.get(kind, text)) for kind, text in theirs.items()}
        self._kind_changed(self.kinds.currentItem())
        message = _("Een collega heeft de brieventeksten intussen opgeslagen. Uw wijzigingen zijn daarom niet "
                    "opgeslagen: zo gaat het werk van uw collega niet verloren. De teksten van uw collega zijn nu "
                    "geladen, met uw eigen wijzigingen erin; kijk ze na en sla opnieuw op.")
        if both:
            message += " " + _("U wijzigde allebei: {letters}. Daar staat nu uw tekst.").format(
                letters=", ".join(f"“{_(letter_texts.LETTER_KINDS[kind])}”" for kind in both))
        self.message.show_message(message, "warning", [(_("Alleen de teksten van mijn &collega"), self._take_theirs)])

    def _take_theirs(self) -> None:
        """Drop this user's unsaved changes: the texts as the colleague saved them."""
        self.texts = {kind: dict(text) for kind, text in self.stored.items()}
        self._kind_changed(self.kinds.currentItem())
        self.message.show_message(_("De teksten zijn zoals uw collega ze opsloeg; uw wijzigingen zijn weggelaten."))

    def reject(self) -> None:
        if not self.is_dirty():
            super().reject()
            return
        self.message.show_message(_("Er zijn wijzigingen die nog niet zijn opgeslagen."), "warning", [
            (_("&Niet opslaan en sluiten"), lambda: QDialog.reject(self)),
            (_("&Terug naar de teksten"), self.message.clear),
        ])


def open_letter_texts_dialog(parent: QWidget | None, session: Session) -> LetterTextsDialog:
    """Beheer › Brieventeksten…: opens the dialog (window-modal) and returns it."""
    dialog = LetterTextsDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
