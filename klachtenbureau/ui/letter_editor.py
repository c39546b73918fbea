"""The text of one letter, open for editing, with the standard paragraphs that fit it.

The handler adapts this one letter before it goes out (the office-wide texts
stay the templates). The text is already filled in; the same rules as the
letter texts apply: an empty line starts a paragraph, "- " a bullet. A
standard paragraph goes in at the cursor with a double-click or Enter.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel, QLineEdit, QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from klachtenbureau.i18n import _
from klachtenbureau.ui.widgets import HINT_STYLE, InsertList
from klachtenbureau.workflow.standard_paragraphs import FilledParagraph

RULES = ("Een lege regel begint een nieuwe alinea; een regel die met “- ” begint, wordt een opsommingsteken. "
         "Wat u hier wijzigt, geldt alleen voor deze brief.")


class LetterEditor(QWidget):
    edited = Signal()
    restore = Signal()  # the handler asks for the office's text again

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.subject = QLineEdit()
        self.subject.setAccessibleName(_("Onderwerp"))
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.body.setAccessibleName(_("Tekst van de brief"))
        rules = QLabel(_(RULES))
        rules.setWordWrap(True)
        rules.setStyleSheet(HINT_STYLE)
        self.paragraphs = InsertList(_("Standaardalinea's"))
        self.paragraphs.setMaximumHeight(150)
        self.paragraphs.chosen.connect(self.insert)
        self.restore_button = QPushButton(_("Oorspronkelijke tekst &herstellen"))
        self.restore_button.setToolTip(_("De tekst zoals de brieventeksten van het kantoor hem maken"))
        self.restore_button.clicked.connect(self.restore)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        for label, widget in ((_("&Onderwerp:"), self.subject), (_("&Tekst:"), self.body),
                              (_("&Standaardalinea's (dubbelklik of Enter: invoegen):"), self.paragraphs)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            column.addWidget(caption)
            column.addWidget(widget, 1 if widget is self.body else 0)
            if widget is self.body:
                column.addWidget(rules)
        column.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.subject.returnPressed.connect(self.body.setFocus)  # Enter in the subject goes on to the text
        self.subject.textEdited.connect(self.edited)
        self.body.textChanged.connect(self.edited)
        QWidget.setTabOrder(self.subject, self.body)
        QWidget.setTabOrder(self.body, self.paragraphs)
        QWidget.setTabOrder(self.paragraphs, self.restore_button)

    def text(self) -> tuple[str, str]:
        return self.subject.text(), self.body.toPlainText()

    def set_text(self, subject: str, body: str) -> None:
        """Show ``subject`` and ``body``; not an edit, so no ``edited`` signal."""
        self.subject.setText(subject)
        self.body.blockSignals(True)
        self.body.setPlainText(body)
        self.body.blockSignals(False)

    def set_paragraphs(self, paragraphs: list[FilledParagraph]) -> None:
        self.paragraphs.clear()
        for paragraph in paragraphs:
            item = QListWidgetItem(paragraph.title)
            item.setData(Qt.ItemDataRole.UserRole, paragraph.text)
            if paragraph.text:
                item.setToolTip(paragraph.text)
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(_("Blijft bij deze klacht leeg: een invulplek erin heeft hier geen waarde."))
            self.paragraphs.addItem(item)
        if not paragraphs:
            item = QListWidgetItem(_("Geen standaardalinea's voor deze brief (Beheer › Standaardalinea's…)."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.paragraphs.addItem(item)
        self.paragraphs.setCurrentRow(0)

    def insert(self, item: QListWidgetItem | None) -> None:
        """Put the paragraph in at the cursor of the text, and go on typing there."""
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return
        self.body.insertPlainText(item.data(Qt.ItemDataRole.UserRole))
        self.body.setFocus()

