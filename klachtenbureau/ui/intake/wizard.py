"""The intake wizard: the telephonist registers a report while the caller is on the line.

Keyboard first: Enter goes on, also from a text box (Shift+Enter starts a
new line there), Escape asks before throwing the report away, every field
has a mnemonic and Alt with any other letter types nothing. Nothing is
lost: every change is written to a local draft, a draft left behind by a
crash is offered again, and a registration goes through this PC's write
queue with the draft's operation id. When the database is out of reach the
report waits in that queue (and is registered once, by the main window, when
the database is back), so the telephonist finishes the call and takes the next.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QStackedWidget, QVBoxLayout,
    QWidget,
)

from klachtenbureau import config
from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import N_, _, format_datetime
from klachtenbureau.models import Complaint
from klachtenbureau.models.complaints import CHANNELS, INQUIRY
from klachtenbureau.ui import operations
from klachtenbureau.ui.intake.arrival_page import ArrivalPage
from klachtenbureau.ui.intake.confirmation_page import ConfirmationPage
from klachtenbureau.ui.intake.kind_page import KindPage
from klachtenbureau.ui.intake.outcome_page import OutcomePage
from klachtenbureau.ui.intake.page import IntakeContext, IntakePage
from klachtenbureau.ui.intake.what_page import WhatPage
from klachtenbureau.ui.intake.who_page import WhoPage
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import AltTypesNothing, CtrlEnterFilter, MessageBar, ask_about_date
from klachtenbureau.workflow import intake, intake_support
from klachtenbureau.workflow.mail import incoming
from klachtenbureau.workflow.offline import drafts, write_queue
from klachtenbureau.workflow.offline.drafts import Draft

log = logging.getLogger(__name__)

STEP_NAMES = [N_("Binnenkomst"), N_("Klager"), N_("Klacht of navraag"), N_("Wat is er gebeurd"),
              N_("Afhandeling"), N_("Bevestiging")]
INQUIRY_STEP_NAMES = {3: N_("Wat is de vraag")}  # an inquiry asks something; nothing happened
MAIL_SUFFIXES = (".eml", ".msg")


def dropped_mail(mime: QMimeData) -> Path | None:
    """The first local .eml or .msg file in a drag (Outlook's own drag brings no file: save the mail first)."""
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in MAIL_SUFFIXES:
            return Path(url.toLocalFile())
    return None


class IntakeWizard(QWidget):
    registered = Signal(object)  # the Complaint
    print_acknowledgement_requested = Signal(int)  # complaint id; the letters module prints it

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(_("Nieuwe melding"))
        self.session = session
        self.context = IntakeContext.load(session)
        self.values: dict[str, Any] = intake_support.default_fields(today=self.context.today)
        self.draft: Draft | None = None
        self._pending: intake.NewReport | None = None
        self.mail: incoming.IncomingMessage | None = None  # dropped on the wizard: kept with the complaint
        self.setAcceptDrops(True)

        outer = QVBoxLayout(self)
        self.offer = MessageBar()
        outer.addWidget(self.offer)
        self.message = MessageBar()
        outer.addWidget(self.message)
        body = QHBoxLayout()
        self.steps = QLabel()
        self.steps.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.steps.setFixedWidth(200)
        self.steps.setAccessibleName(_("Stappen"))
        self.steps.setStyleSheet("QLabel { background: #f4f6f8; border-right: 1px solid #d5dbe1; padding: 10px; }")
        body.addWidget(self.steps)
        self.stack = QStackedWidget()
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)

        self.pages: list[IntakePage] = [cls(self.context, self.values) for cls in (
            ArrivalPage, WhoPage, KindPage, WhatPage, OutcomePage, ConfirmationPage)]
        for page in self.pages:
            self.stack.addWidget(page)
            page.changed.connect(self._changed)
        self.confirmation: ConfirmationPage = self.pages[-1]
        self.confirmation.new_report_requested.connect(self.reset)
        self.confirmation.print_requested.connect(self.print_acknowledgement_requested)
        self._go_on = CtrlEnterFilter(self, enter_goes_on=True)
        self._go_on.activated.connect(self.go_next)
        self._no_alt_typing = AltTypesNothing(self)
        for page in self.pages:
            for field in page.fields.values():
                if field.editor.inherits("QPlainTextEdit"):
                    field.editor.installEventFilter(self._go_on)
            for editor in page.findChildren(QWidget):
                if isinstance(editor, (QLineEdit, QPlainTextEdit, QComboBox)):
                    editor.installEventFilter(self._no_alt_typing)

        buttons = QHBoxLayout()
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #555;")
        buttons.addWidget(self.hint, 1)
        self.back_button = QPushButton(_("← &Terug"))
        self.next_button = QPushButton(_("&Verder →"))
        self.register_button = QPushButton(_("&Registreren"))
        for button, slot, name in ((self.back_button, self.go_back, _("Terug")),
                                   (self.next_button, self.go_next, _("Verder")),
                                   (self.register_button, self.go_next, _("Registreren"))):
            button.setAccessibleName(name)
            button.setAutoDefault(True)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        outer.addLayout(buttons)
        self.reset()

    def reload_lists(self) -> None:
        """Offer the current categories and coordinators (after a change in the management dialogs)."""
        fresh = IntakeContext.load(self.session)
        self.context.categories, self.context.handovers = fresh.categories, fresh.handovers
        self.context.today = fresh.today
        for page in self.pages:
            page.reload_lists()

    # --- moving through the pages ------------------------------------------------------

    def current_page(self) -> IntakePage:
        return self.pages[self.stack.currentIndex()]

    def focus_first_input(self) -> None:
        """Put the cursor where the telephonist types next, so a call can start without the mouse."""
        target = self.current_page().first_input()
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def show_page(self, index: int) -> None:
        page = self.pages[index]
        if page is not self.confirmation:
            page.load_values()
            page.entered()
        self.stack.setCurrentIndex(index)
        last_form_page = len(self.pages) - 2
        self.back_button.setVisible(0 < index <= last_form_page)
        self.next_button.setVisible(index < last_form_page)
        self.register_button.setVisible(index == last_form_page)
        self.hint.setText(_("Alt+N: nieuwe melding") if page is self.confirmation else
                          _("Enter: verder · Shift+Enter: nieuwe regel in een tekstvak · Esc: melding weggooien"))
        names = [INQUIRY_STEP_NAMES.get(i, name) if self.values.get("kind") == INQUIRY else name
                 for i, name in enumerate(STEP_NAMES)]
        self.steps.setText("<br><br>".join(
            (f"<b>{i + 1}. {_(name)}</b>" if i == index else f"<span style='color:#666'>{i + 1}. {_(name)}</span>")
            for i, name in enumerate(names)))
        self.focus_first_input()
        if self.draft is not None and page is not self.confirmation:
            self._save_draft()

    def go_next(self) -> None:
        page = self.current_page()
        if page is self.confirmation or self._pending is not None:
            return
        page.read()
        problems = page.problems()
        if problems:
            page.show_problems(problems)
            return
        if doubt := page.doubt():
            self.ask_about_date(page, *doubt)
            return
        if not page.ready_to_leave(self.go_next):
            return
        if page.key == intake_support.PAGES[-1]:
            self._register()
        else:
            self.show_page(self.stack.currentIndex() + 1)

    def ask_about_date(self, page: IntakePage, name: str, question: str) -> None:
        """An unlikely date: go on once the telephonist says it is right (not asked again), else correct it."""
        ask_about_date(self, page.fields[name].editor.accessibleName(),
                       intake_support.parse_date(str(self.values[name]), self.context.today), question,
                       lambda sure: self._date_answered(page, name, sure))

    def _date_answered(self, page: IntakePage, name: str, sure: bool) -> None:
        if sure:
            intake_support.confirm_date(name, self.values, self.context.today)
            page.show_date_hint(name)
            self.go_next()
        else:
            page.fields[name].editor.setFocus()
            page.fields[name].editor.selectAll()

    def go_back(self) -> None:
        index = self.stack.currentIndex()
        if 0 < index < len(self.pages) - 1 and self._pending is None:
            self.show_page(index - 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            self.go_next()
        elif event.key() == Qt.Key.Key_Escape and self._pending is None:  # never while it is being saved
            self.ask_discard()
        else:
            super().keyPressEvent(event)

    # --- an e-mail dropped on the wizard ------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt name)
        if self._pending is None and dropped_mail(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt name)
        path = dropped_mail(event.mimeData())
        if path is not None and self._pending is None:
            event.acceptProposedAction()
            self.fill_from_mail(path)

    def fill_from_mailbox(self, message: incoming.IncomingMessage, uid: int) -> None:
        """Prefill the form from a mail of the office mailbox (Binnengekomen); registering it claims the mail.

        The mail is kept as a file on this PC, as a dropped one is, so a draft of the report keeps it too.
        """
        path = config.data_dir() / "binnengekomen" / f"{uid}-{message.raw_name}"
        try:
            drafts.write_bytes(path, message.raw)
        except OSError as exc:
            self.message.show_message(_("De e-mail kon niet op deze computer worden bewaard: {reason}").format(
                reason=exc.strerror or exc), "error")
            return
        self.fill_from_mail(path, message)
        self.values["mailbox_uid"] = uid
        self._changed()

    def fill_from_mail(self, path: Path, message: incoming.IncomingMessage | None = None) -> None:
        """Prefill the form from an .eml or .msg: the sender (the search finds a known one by the address), the
        date, the text; a website form mail's fields. A file that cannot be read changes nothing."""
        try:
            message = message or incoming.parse_file(path)
        except OSError as exc:
            self.message.show_message(_("{name} kon niet worden gelezen: {reason}").format(
                name=path.name, reason=exc.strerror or exc), "error")
            return
        try:
            mapping = incoming.form_mapping()
        except KlachtenbureauError:  # the database is away: the usual labels
            mapping = incoming.DEFAULT_FORM_MAPPING
        fields = incoming.intake_fields(message, mapping)
        if self.current_page() is self.confirmation:
            self.reset()
        channel, received = fields.pop("channel"), fields.pop("received_at")
        self.values.update(channel=channel, **intake_support.ack_fields(intake_support.default_ack(channel)))
        if received is not None and received.date() <= self.context.today:
            self.values["received_at"] = intake_support.short_date(received.date())
        self.values["relation"] = {**self.values["relation"], **fields.pop("relation")}
        self.values.pop("mailbox_uid", None)  # a dropped file is no mail of the mailbox
        self.values.update(fields, who=intake_support.NEW_RELATION, mail_file=str(path))
        self.mail = message
        self._changed()
        self.show_page(0)
        text = _("E-mail ingelezen: “{subject}” van {sender}. Controleer de gegevens; de e-mail wordt bij de "
                 "melding bewaard.").format(subject=message.subject or _("(zonder onderwerp)"),
                                            sender=message.sender_name or message.sender_address or _("onbekend"))
        self.message.show_message(" ".join([text, *message.problems]), "warning" if message.problems else "info")

    # --- the draft -------------------------------------------------------------------

    def _changed(self) -> None:
        if self.draft is None:
            self.draft = Draft(database_url=self.session.database_url, user_login=self.session.user.login)
            self.offer.clear()
        self._save_draft()

    def _save_draft(self) -> None:
        self.draft.fields = self.values
        self.draft.page = min(self.stack.currentIndex(), len(intake_support.PAGES) - 1)
        try:
            drafts.save(self.draft)
        except OSError as exc:
            self.message.show_message(_("Let op: de melding kon niet op deze computer worden bewaard ({reason}). "
                                        "Rond de melding af voordat u iets anders doet.").format(reason=exc.strerror
                                                                                                  or exc), "error")

    def has_input(self) -> bool:
        return self.draft is not None

    def has_unregistered_report(self) -> bool:
        """Something is filled in that is neither registered nor waiting in this PC's queue."""
        return self.has_input() and self.current_page() is not self.confirmation

    def save_unsaved_work(self) -> bool:
        """Write the draft once more (the crash handler asks before it reports a bug); True if there is one."""
        if self.draft is None:
            return False
        self._save_draft()
        return True

    def reset(self) -> None:
        """An empty form on the first page; offers drafts left behind."""
        self._pending = None
        self.draft = None
        self.mail = None
        self.context.today = dt.date.today()
        self.values.clear()
        self.values.update(intake_support.default_fields(today=self.context.today))
        self.message.clear()
        for page in self.pages:
            page.clear()
            for field in page.fields.values():
                field.set_problem(None)
        self.show_page(0)
        self._offer_drafts()

    def _offer_drafts(self) -> None:
        waiting = drafts.list_drafts(self.session.database_url)
        if not waiting:
            self.offer.clear()
            return
        newest = waiting[0]
        text = _("Er is een melding die nog niet is geregistreerd, van {when}: {summary}.").format(
            when=format_datetime(newest.updated_at or newest.started_at), summary=self._summary(newest))
        if len(waiting) > 1:
            text += " " + _("(Nog {n} andere daarna.)").format(n=len(waiting) - 1)
        self.offer.show_message(text, "warning", [(_("&Openen en verder invullen"), lambda: self.restore(newest)),
                                                  (_("Weg&gooien"), lambda: self._drop_offer(newest))])

    @staticmethod
    def _summary(draft: Draft) -> str:
        fields = draft.fields
        who = fields.get("relation_label") or (fields.get("relation") or {}).get("name") or (
            _("anoniem") if fields.get("who") == intake_support.ANONYMOUS else _("klager nog onbekend"))
        channel = _(CHANNELS.get(fields.get("channel", ""), "")).lower()
        description = " ".join(str(fields.get("description", "")).split())
        if len(description) > 60:
            description = description[:57] + "…"
        return ", ".join(part for part in (who, channel, f"“{description}”" if description else "") if part)

    def _drop_offer(self, draft: Draft) -> None:
        drafts.remove(draft.id)
        self._offer_drafts()

    def restore(self, draft: Draft) -> None:
        """Carry on with a draft; it keeps its operation id, so a second try is never a second complaint."""
        self.reset()
        self.offer.clear()
        self.values.update(draft.fields)
        self.draft = draft
        self.show_page(max(0, min(draft.page, len(intake_support.PAGES) - 1)))
        self.message.show_message(_("De melding van {when} is teruggezet; vul haar verder in.").format(
            when=format_datetime(draft.started_at)), "info")
        if draft.fields.get("mail_file"):  # the draft names the mail file; the mail itself is not in it
            try:
                self.mail = incoming.parse_file(Path(draft.fields["mail_file"]))
            except OSError as exc:
                self.message.show_message(_("De e-mail van deze melding ({path}) is niet meer te lezen ({reason}); "
                                            "ze wordt niet bij de melding bewaard.").format(
                    path=draft.fields["mail_file"], reason=exc.strerror or exc), "warning")

    def ask_discard(self) -> None:
        if not self.has_unregistered_report():
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Melding weggooien?"),
                          _("Wilt u deze melding weggooien? Wat u hebt ingevuld, gaat dan verloren."),
                          QMessageBox.StandardButton.NoButton, self)
        discard = box.addButton(_("&Weggooien"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("&Doorgaan met invullen"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(lambda _result: box.clickedButton() is discard and self.discard())
        box.open()

    def ask_close(self, close: Callable[[], None]) -> None:
        """Before the desk closes (Alt+F4, Ctrl+Q, another database): ``close`` only if the telephonist says so."""
        box = QMessageBox(QMessageBox.Icon.Question, _("Klachtenbureau afsluiten?"),
                          _("De melding die u invult, is nog niet geregistreerd. Sluit u af, dan blijft ze op deze "
                            "computer bewaard en wordt ze bij de volgende start weer aangeboden."),
                          QMessageBox.StandardButton.NoButton, self)
        leave = box.addButton(_("&Afsluiten"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(_("&Doorgaan met invullen"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.finished.connect(lambda _result: box.clickedButton() is leave and close())
        box.open()

    def discard(self) -> None:
        if self.draft is not None:
            drafts.remove(self.draft.id)
        self.reset()

    # --- registering -------------------------------------------------------------------

    def _register(self) -> None:
        incomplete = intake_support.first_problem_page(self.values, self.context.today)
        if incomplete is not None:
            key, problems = incomplete
            self.show_page(intake_support.PAGES.index(key))
            self.current_page().show_problems(problems)
            return
        if self.draft is None:
            self._changed()
        self._pending = intake_support.to_report(self.values, self.draft.started_at)
        if self.mail is not None:
            self._pending.mail = incoming.mail_document(self.mail)
        self._attempt_register()

    def _attempt_register(self) -> None:
        if self._pending is None:
            return
        self._set_busy(True)
        self.message.show_message(_("Bezig met opslaan…"), "info")
        user, url, operation_id = self.session.user, self.session.database_url, self.draft.operation_id
        payload = write_queue.report_payload(self._pending)
        action = "register"
        if self.mail is not None and self.values.get("mailbox_uid") is not None:  # claims the mailbox's mail
            action, payload["mailbox_uid"] = "register_mail", self.values["mailbox_uid"]
        operations.write(self, self.session, lambda: write_queue.submit(user, action, payload, url, operation_id),
                         self._registered, lambda problem: self._failed(problem, operation_id), always=self._answered)

    def _answered(self) -> None:
        """The database answered, or a bug stopped the work (the crash dialog keeps the draft): the form is free."""
        self._pending = None
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.back_button, self.next_button, self.register_button):
            button.setEnabled(not busy)
        self.stack.setEnabled(not busy)

    def _finished_with_draft(self) -> None:
        """The report is registered, or waits in this PC's queue: the draft has done its work (and the copy of a
        mailbox's mail kept for it: the complaint, or the queue, has the mail now)."""
        if self.draft is not None:
            drafts.remove(self.draft.id)
        kept = Path(self.values.get("mail_file") or "")
        if self.values.get("mailbox_uid") is not None and kept.parent == config.data_dir() / "binnengekomen":
            kept.unlink(missing_ok=True)
        self.draft = None
        self.message.clear()

    def _registered(self, complaint: Complaint) -> None:
        self._finished_with_draft()
        self.confirmation.show_complaint(complaint)
        self.show_page(len(self.pages) - 1)
        self.registered.emit(complaint)

    def _failed(self, problem: KlachtenbureauError, operation_id: str) -> None:
        if self.draft is None or self.draft.operation_id != operation_id:  # the form was reset meanwhile
            return
        if isinstance(problem, write_queue.WriteQueuedError):
            self._queued(problem)
        elif isinstance(problem, ValidationError):
            self._show_report_problems(problem.errors)
        else:
            self.message.show_message(problem.message, "error")

    def _queued(self, exc: write_queue.WriteQueuedError) -> None:
        """The database is out of reach: the report waits in this PC's queue, the draft is no longer needed."""
        log.warning("Registreren: database niet bereikbaar, de melding wacht op deze computer: %s", exc.cause)
        self._finished_with_draft()
        self.confirmation.show_queued()
        self.show_page(len(self.pages) - 1)

    def _show_report_problems(self, problems: dict[str, str]) -> None:
        """intake.register's problems at their fields: the form's fields are named as the report's."""
        for index, page in enumerate(self.pages):
            mine = {name: message for name, message in problems.items() if name in page.fields}
            if mine:
                self.show_page(index)
                page.show_problems(mine)
                break
        self.message.show_message(_("De melding is niet opgeslagen: {problems}").format(
            problems=" ".join(problems.values())), "error")
