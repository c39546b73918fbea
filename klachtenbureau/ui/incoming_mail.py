"""Binnengekomen: the office mailbox as a channel, in the inbox tab.

The mails of the mailbox folder the administrator connected (Beheer → E-mail) that nobody has dealt with yet,
newest first, read in the background (workflow/mail/mailbox.py never marks a mail while listing it). For the
selected mail, one of:

- **Nieuwe melding**: the intake wizard opens prefilled from the mail; registering it claims the mail;
- **Bij klacht voegen**: an incoming contact moment on a complaint, suggested by the number in the subject or
  the sender being its complainant;
- **Geen klacht**: with a reason; it leaves the list.

Each claims the mail's Message-ID in the database (workflow/mail/sorting.py), so two people looking at the list
at once cannot make it two complaints; the mail is marked on the server only after that write.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout, QInputDialog, QLabel, QPlainTextEdit, QPushButton,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import N_, _, format_datetime, ngettext
from klachtenbureau.models import Complaint
from klachtenbureau.ui import operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, row_table
from klachtenbureau.workflow import queries
from klachtenbureau.workflow.mail import mail_settings, mailbox, sorting
from klachtenbureau.workflow.mail.incoming import IncomingMessage

COLUMNS = (N_("Ontvangen"), N_("Van"), N_("Onderwerp"))
REFRESH_MS = 60_000  # while the list is in view
PAGE = 50


class IncomingMailView(QWidget):
    """The list of mails to sort, with the three ways out."""

    new_report_requested = Signal(object, int)  # the IncomingMessage and its uid: the wizard takes it from here
    counted = Signal(int)  # how many mails wait, after each refresh
    sorted_out = Signal()  # a mail was added to a complaint or set aside

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.listed: list[mailbox.Listed] = []
        self.busy = False
        self.unreachable = False  # the last refresh failed: its message goes once the mailbox answers
        self.message = MessageBar()
        self.table = row_table([_(title) for title in COLUMNS], _("Binnengekomen e-mail"))
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _index: self.new_report())
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(_("Begin van de e-mail"))
        self.preview.setMaximumHeight(140)
        self.new_button = QPushButton(_("&Nieuwe melding…"))
        self.new_button.setToolTip(_("De melding invullen met de gegevens uit deze e-mail (Enter)"))
        self.add_button = QPushButton(_("Bij klacht &voegen…"))
        self.add_button.setToolTip(_("De e-mail als contactmoment bij een bestaande klacht bewaren"))
        self.dismiss_button = QPushButton(_("&Geen klacht…"))
        self.dismiss_button.setToolTip(_("Reclame, een nieuwsbrief, verkeerd adres: de e-mail gaat uit de lijst"))
        self.new_button.clicked.connect(self.new_report)
        self.add_button.clicked.connect(self.add_to_complaint)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.status = QLabel()
        buttons = QHBoxLayout()
        for button in (self.new_button, self.add_button, self.dismiss_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Refresh, self, activated=self.refresh)
        self._selected()

    # --- the list ----------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().hideEvent(event)
        self.timer.stop()

    def refresh(self) -> None:
        if self.busy:
            return
        self.busy = True

        def work() -> list[mailbox.Listed]:
            settings = mail_settings.load()
            mailbox.mark_pending(settings)  # what was dealt with while marking it on the server failed
            return mailbox.new_messages(settings, limit=PAGE)

        def failed(problem: KlachtenbureauError) -> None:
            self.unreachable = True
            self.message.show_message(problem.message, "error")

        operations.query(self, work, self._show, failed, always=self._done)

    def _done(self) -> None:
        self.busy = False

    def _show(self, listed: list[mailbox.Listed]) -> None:
        current = self.current()
        self.listed = listed
        if self.unreachable:
            self.unreachable = False
            self.message.clear()  # the mailbox answers again
        self.table.setRowCount(len(listed))
        for row, mail in enumerate(listed):
            received = format_datetime(mail.date, "d MMM HH:mm") if mail.date else ""
            for column, text in enumerate((received, mail.sender, mail.subject or _("(zonder onderwerp)"))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, min(260, max(140, self.table.sizeHintForColumn(1))))
        uids = [mail.uid for mail in listed]
        if listed:
            self.table.selectRow(uids.index(current.uid) if current is not None and current.uid in uids else 0)
        self.status.setText(ngettext("{n} e-mail", "{n} e-mails", len(listed)).format(n=len(listed))
                            if len(listed) < PAGE else _("de nieuwste {n} e-mails").format(n=PAGE))
        self._selected()
        self.counted.emit(len(listed))

    def current(self) -> mailbox.Listed | None:
        row = self.table.currentRow()
        return self.listed[row] if 0 <= row < len(self.listed) and self.table.selectedItems() else None

    def _selected(self) -> None:
        mail = self.current()
        self.preview.setPlainText(mail.preview if mail is not None else "")
        for button in (self.new_button, self.add_button, self.dismiss_button):
            button.setEnabled(mail is not None)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current() is not None:
            self.new_report()
            return
        super().keyPressEvent(event)

    # --- the three ways out ---------------------------------------------------------------------------

    def _with_message(self, then) -> None:
        """Fetch the whole selected mail off the UI thread, then ``then(listed, message, settings)``."""
        mail = self.current()
        if mail is None:
            return
        self.message.show_message(_("De e-mail wordt opgehaald…"))

        def work() -> tuple[IncomingMessage, mail_settings.MailSettings]:
            settings = mail_settings.load()
            return mailbox.fetch(settings, mail.uid), settings

        def fetched(result: tuple[IncomingMessage, mail_settings.MailSettings]) -> None:
            self.message.clear()
            then(mail, *result)

        operations.query(self, work, fetched, self.message)

    def new_report(self) -> None:
        self._with_message(lambda mail, message, _settings: self.new_report_requested.emit(message, mail.uid))

    def add_to_complaint(self) -> None:
        user = self.session.user

        def ask(mail: mailbox.Listed, message: IncomingMessage, settings: mail_settings.MailSettings) -> None:
            operations.query(self, lambda: sorting.suggest_complaint(user, message),
                             lambda suggested: self._ask_number(mail, message, settings, suggested), self.message)

        self._with_message(ask)

    def _ask_number(self, mail: mailbox.Listed, message: IncomingMessage, settings: mail_settings.MailSettings,
                    suggested: Complaint | None) -> None:
        dialog = self._input(_("Bij klacht voegen"), _("&Klachtnummer:"), suggested.number if suggested else "")
        user = self.session.user

        def chosen(number: str) -> None:
            def work() -> Complaint:
                complaint = queries.get_complaint(number.strip().upper(), user)
                sorting.add_to_complaint(user, complaint, message, uid=mail.uid, mail_settings=settings)
                return complaint

            def done(complaint: Complaint) -> None:
                self.message.show_message(_("De e-mail staat als contactmoment bij klacht {number}.").format(
                    number=complaint.number), "success")
                self.sorted_out.emit()
                self.refresh()

            operations.write(self, self.session, work, done, self.message)

        dialog.textValueSelected.connect(chosen)
        dialog.open()

    def dismiss(self) -> None:
        user = self.session.user

        def ask(mail: mailbox.Listed, message: IncomingMessage, settings: mail_settings.MailSettings) -> None:
            dialog = self._input(_("Geen klacht"), _("&Waarom is dit geen klacht?"), "")

            def chosen(reason: str) -> None:
                def done(_handled: object) -> None:
                    self.message.show_message(_("De e-mail is uit de lijst: {reason}").format(reason=reason.strip()),
                                              "success")
                    self.sorted_out.emit()
                    self.refresh()

                operations.write(self, self.session, lambda: sorting.not_a_complaint(
                    user, message, reason, uid=mail.uid, mail_settings=settings), done, self.message)

            dialog.textValueSelected.connect(chosen)
            dialog.open()

        self._with_message(ask)

    def _input(self, title: str, label: str, value: str) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        dialog.setOkButtonText(_("&OK"))
        dialog.setCancelButtonText(_("&Annuleren"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog
