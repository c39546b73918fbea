"""The dialog for a refused save: someone else saved the same complaint first.

It says who and when, shows what the user typed (selectable, with a copy
button) and offers two ways on: load the colleague's version and drop the
typing, or load it and keep the typing at hand to copy over. Either way the
colleague's work is not overwritten and the user's text is not silently lost.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from klachtenbureau.i18n import _, format_datetime

RELOAD = 1
KEEP = 2


class ConflictDialog(QDialog):
    def __init__(self, parent: QWidget | None, number: str, changed_by: tuple[str, dt.datetime] | None,
                 my_text: str):
        super().__init__(parent)
        self.setWindowTitle(_("Iemand anders was u voor – {number}").format(number=number))
        self.setMinimumWidth(520)
        if changed_by:
            who = _("{name} heeft klacht {number} gewijzigd ({moment}), nadat u hem opende.").format(
                name=changed_by[0], number=number, moment=format_datetime(changed_by[1]))
        else:
            who = _("Iemand anders heeft klacht {number} gewijzigd nadat u hem opende.").format(number=number)
        intro = QLabel(who + " " + _("Uw wijziging is daarom niet opgeslagen: zo gaat het werk van uw collega "
                                     "niet verloren. Laad de klacht opnieuw en kijk of uw wijziging nog nodig is."))
        intro.setWordWrap(True)
        self.mine = QPlainTextEdit(my_text)
        self.mine.setReadOnly(True)
        self.mine.setAccessibleName(_("Uw niet-opgeslagen invoer"))
        mine_label = QLabel(_("Uw niet-opgeslagen invoer:"))
        mine_label.setBuddy(self.mine)
        copy = QPushButton(_("&Kopiëren"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(my_text))
        self.reload_button = QPushButton(_("&Opnieuw laden"))
        self.reload_button.setToolTip(_("Toon de gegevens zoals ze nu zijn; uw invoer vervalt."))
        self.reload_button.clicked.connect(lambda: self.done(RELOAD))
        self.keep_button = QPushButton(_("Opnieuw laden en mijn &tekst bewaren"))
        self.keep_button.setToolTip(_("Toon de gegevens zoals ze nu zijn en houd uw invoer ernaast om over te nemen."))
        self.keep_button.clicked.connect(lambda: self.done(KEEP))
        self.keep_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(copy)
        buttons.addStretch(1)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(mine_label)
        layout.addWidget(self.mine, 1)
        layout.addLayout(buttons)

    def reject(self) -> None:
        # Closing the dialog must not throw the user's text away: it counts as "keep my text".
        self.done(KEEP)
