"""The complaint dossier (klachtdossier): one window with everything about one complaint.

The header tells where the complaint stands; the buttons on the right are the
steps of the procedure, enabled only where the state machine and the user's
role allow them; the tabs hold the registration (editable as the role allows),
the complainant with earlier and similar complaints, the timeline, the
investigation and answer, attachments (drop files onto the window), linked
improvement measures and the audit history.

The window re-reads the complaint when anyone changes it. A save that a
colleague beat is refused by the workflow; the window then shows who did it
and keeps the user's input (ui/dossier/conflict.py).

Steps and contact moments wait on this PC when the database is out of reach
(workflow/write_queue); the window shows what waits and holds back the next
step until it has been sent. While the session is offline or read-only, what
needs the database at once (letters, attachments, editing the complainant) is
held back with a banner saying why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee
import shiboken6
from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication, QDialog, QFrame, QHBoxLayout, QLabel, QMenu, QMessageBox, QPushButton, QTabWidget,
    QTextBrowser, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import DatabaseUnavailableError, KlachtenbureauError, NotFoundError, PermissionDeniedError
from klachtenbureau.i18n import _, format_datetime, ngettext
from klachtenbureau.models.complaints import CHANNELS, KINDS, STATUSES
from klachtenbureau.ui import files
from klachtenbureau.ui.dossier import panels
from klachtenbureau.ui.dossier.actions import BY_LETTER, contact_dialog, relation_dialog, step_dialog
from klachtenbureau.ui.dossier.attachments import AttachmentsPanel, dropped_files
from klachtenbureau.ui.dossier.conflict import KEEP, ConflictDialog
from klachtenbureau.ui.dossier.form_dialog import CONFLICT, QUEUED, FormDialog
from klachtenbureau.ui.dossier.registration import RegistrationForm
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen, run_for
from klachtenbureau.workflow import (
    db_errors, dossier_data, drafts, editing, inbox, letters, privacy, procedure, write_queue,
)
from klachtenbureau.workflow.dossier_data import Dossier

RECHECK_MS = 1000
_open_windows: dict[tuple[str, int, int], DossierWindow] = {}


def open_dossier(parent: QWidget | None, session: Session, complaint_id: int) -> DossierWindow:
    """Show the dossier of ``complaint_id``; a dossier already open is brought to the front instead."""
    key = (session.database_url, session.user.id, complaint_id)
    window = _open_windows.get(key)
    if window is not None and shiboken6.isValid(window) and window.isVisible():
        window.showNormal()
        window.raise_()
        window.activateWindow()
        return window
    window = DossierWindow(session, complaint_id, parent)
    _open_windows[key] = window
    window.destroyed.connect(lambda _obj=None: _open_windows.pop(key, None))
    window.show()
    return window


class DossierWindow(QWidget):
    saved = Signal()  # something was written: the inbox refreshes at once

    TABS = ("registration", "complainant", "timeline", "handling", "attachments", "measures", "history")

    def __init__(self, session: Session, complaint_id: int, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.user = session.user
        self.complaint_id = complaint_id
        self.dossier: Dossier | None = None
        self._stamp: tuple[int, int] | None = None
        self.setAcceptDrops(True)
        fit_to_screen(self, 1150, 780)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.deadline = QLabel()
        self.deadline.setWordWrap(True)
        self.message = MessageBar()
        self.connection = session.connection
        self._online_tips: dict[QWidget, str] = {}
        self.connection_bar = MessageBar()  # offline or read-only: the same state as the main window's
        self.pending_bar = MessageBar()  # steps of this complaint waiting on this PC, or refused later
        self.kept_bar = MessageBar()  # input kept on this PC when the desk crashed
        self.changed_bar = MessageBar()  # a colleague saved while the registration holds unsaved changes

        self.form = RegistrationForm(self.user, inbox.categories())
        self.form.saved.connect(lambda _c: self._after_save(_("De registratie is opgeslagen.")))
        self.form.conflict.connect(self._registration_conflict)
        self.form.unreachable.connect(self.connection.lost)
        self.browsers: dict[str, QTextBrowser] = {}
        self.attachments = AttachmentsPanel(self.user)
        self.attachments.add_files.connect(self.attach)
        self.attachments.problem.connect(lambda text: self.message.show_message(text, "error"))
        self.tabs = QTabWidget()
        # No mnemonics on the tabs (Ctrl+Tab moves between them): the form's fields need the letters.
        self.tabs.addTab(self.form, _("Registratie"))
        self.tabs.addTab(self._complainant_tab(), _("Klager"))
        self.tabs.addTab(self._browser("timeline"), _("Tijdlijn"))
        self.tabs.addTab(self._browser("handling"), _("Onderzoek en afhandeling"))
        self.tabs.addTab(self.attachments, _("Bijlagen"))
        self.tabs.addTab(self._browser("measures"), _("Maatregelen"))
        self.tabs.addTab(self._browser("history"), _("Historie"))

        self.step_buttons: dict[str, QPushButton] = {}
        side = QVBoxLayout()
        heading = QLabel(_("Stappen"))
        heading.setStyleSheet("font-weight: bold;")
        side.addWidget(heading)
        for action, (_sources, label) in procedure.ACTIONS.items():
            button = QPushButton(_(label))
            button.clicked.connect(lambda _checked=False, a=action: self.run_step(a))
            self.step_buttons[action] = button
            side.addWidget(button)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        side.addWidget(line)
        self.contact_button = QPushButton(_("Contact&moment toevoegen…"))
        self.contact_button.clicked.connect(self.add_contact)
        side.addWidget(self.contact_button)
        side.addWidget(self._letters_button())
        self.dossier_pdf_button = QPushButton(_("Dossier als PD&F…"))
        self.dossier_pdf_button.setToolTip(_("Het volledige klachtdossier als PDF/A om te archiveren"))
        self.dossier_pdf_button.clicked.connect(self.save_dossier_pdf)
        side.addWidget(self.dossier_pdf_button)
        side.addStretch(1)

        body = QHBoxLayout()
        body.addWidget(self.tabs, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.deadline)
        for bar in (self.connection_bar, self.pending_bar, self.kept_bar, self.changed_bar, self.message):
            layout.addWidget(bar)
        layout.addLayout(body, 1)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.form.save)
        QShortcut(QKeySequence.StandardKey.Close, self, activated=self.close)

        self._checking = False  # a stamp is being read off the UI thread
        self._check_later = QTimer(self, singleShot=True, interval=RECHECK_MS)  # after a dialog of this window
        self._check_later.timeout.connect(self._check_for_changes)
        self.connection.changed.connect(self._show_connection)
        self.connection.queue_changed.connect(self._queue_changed)
        if self._record_view():
            self.reload()
        self._show_connection()
        self.session.changes.changed.connect(self._check_for_changes)
        self.session.changes.watch(self)

    # ---- building ---------------------------------------------------------------------------
    def _browser(self, name: str) -> QTextBrowser:
        browser = QTextBrowser()
        browser.setOpenLinks(False)
        browser.anchorClicked.connect(self._link)
        self.browsers[name] = browser
        return browser

    def _complainant_tab(self) -> QWidget:
        tab = QWidget()
        self.relation_button = QPushButton(_("Gegevens klager &wijzigen…"))
        self.relation_button.clicked.connect(self.edit_relation)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.relation_button)
        layout = QVBoxLayout(tab)
        layout.addWidget(self._browser("complainant"), 1)
        layout.addLayout(row)
        return tab

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "complaint":
            open_dossier(self.parentWidget(), self.session, int(url.path()))

    # ---- loading ----------------------------------------------------------------------------
    def _record_view(self) -> bool:
        """Opening a confidential dossier is logged (privacy.record_view); if it cannot be, it stays shut."""
        try:
            privacy.record_view_of(self.user, self.complaint_id)
        except KlachtenbureauError as exc:
            self._lock(exc.message)
            return False
        return True

    def reload(self) -> None:
        try:
            dossier = dossier_data.load(self.user, self.complaint_id)
            self._stamp = dossier_data.stamp(self.complaint_id)
        except (NotFoundError, PermissionDeniedError) as exc:
            self._lock(exc.message)
            return
        except (KlachtenbureauError, peewee.DatabaseError) as exc:
            self.message.show_message(getattr(exc, "message", None) or str(exc), "error",
                                      [(_("Opnieuw proberen"), self.reload)])
            return
        self.dossier = dossier
        self._show(dossier)

    def _lock(self, text: str) -> None:
        """The complaint is gone or no longer for this user: show why, offer nothing."""
        self.dossier = None
        self.message.show_message(text, "error")
        self.tabs.setEnabled(False)
        for button in [*self.step_buttons.values(), self.contact_button]:
            button.setEnabled(False)

    def _show(self, d: Dossier) -> None:
        c = d.complaint
        self.setWindowTitle(_("Klachtdossier {number}").format(number=c.number))
        title = f"{c.number}  ·  {_(KINDS[c.kind])}  ·  {_(STATUSES[c.status])}"
        if c.confidential:
            title += "  ·  <span style='color:#a4161a'>" + _("Vertrouwelijk") + "</span>"
        self.title.setText(title)
        handler = c.assigned_to.full_name if c.assigned_to_id else _("nog niemand")
        self.subtitle.setText(_("Ontvangen {moment} ({channel}), geregistreerd door {intake} · Behandelaar: {handler}")
                              .format(moment=format_datetime(c.received_at), channel=_(CHANNELS[c.channel]).lower(),
                                      intake=c.received_by.full_name, handler=handler))
        self.deadline.setText(panels.deadline_html(d))
        self.form.load(d)
        self.changed_bar.clear()  # what is shown is the complaint as it now is
        self.browsers["complainant"].setHtml(panels.complainant_html(d))
        self.browsers["timeline"].setHtml(panels.timeline_html(d))
        self.browsers["handling"].setHtml(panels.handling_html(d))
        self.browsers["measures"].setHtml(panels.measures_html(d))
        self.browsers["history"].setHtml(panels.history_html(d))
        self.attachments.load(d)
        self.relation_button.setVisible(c.relation_id is not None)
        self.relation_button.setEnabled(d.can_edit)
        self.tabs.setEnabled(True)
        for action, button in self.step_buttons.items():
            allowed = action in d.actions
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else self._why_not(d, action))
        self.contact_button.setEnabled(d.can_add_contact)
        self._show_pending()
        self._show_kept()
        self._show_connection()

    def _why_not(self, d: Dossier, action: str) -> str:
        if d.complaint.status in procedure.ACTIONS[action][0]:  # the state allows it, the role does not
            return _("Alleen de coördinator of de behandelaar zet deze stap.")
        return _("Kan niet bij de status “{status}”.").format(status=_(STATUSES[d.complaint.status]))

    # ---- the database out of reach, and what waits on this PC ----------------------------------
    def _show_connection(self) -> None:
        """Offline or read-only: a banner, and what needs the database at once is held back."""
        online = self.connection.online
        if online:
            self.connection_bar.clear()
        else:
            self.connection_bar.show_message(self.connection.banner_text(), "error")
        d = self.dossier
        for widget, allowed in ((self.letters_button, d is not None), (self.dossier_pdf_button, d is not None),
                                (self.relation_button, d is not None and d.can_edit)):
            tip = self._online_tips.setdefault(widget, widget.toolTip())
            widget.setEnabled(allowed and online)
            widget.setToolTip(tip if online else _("Kan pas weer als de database bereikbaar is."))

    def _queue_changed(self) -> None:
        """Writes waiting on this PC were sent: show the complaint as it now is."""
        if self.dossier is not None and not self._dialog_open():
            self.reload()

    def _waiting(self) -> list[write_queue.PendingWrite]:
        if self.dossier is None:
            return []
        return write_queue.for_complaint(self.session.database_url, self.dossier.complaint.number)

    def _show_pending(self) -> None:
        """What of this complaint waits on this PC; a step that waits holds the next one back."""
        items = self._waiting()
        refused = [item for item in items if item.problem]
        waiting = [item for item in items if not item.problem]
        if refused:
            item = refused[0]
            text = _("{what} van {time} is niet opgeslagen: {problem} Uw invoer is bewaard.").format(
                what=write_queue.label(item), time=format_datetime(dt.datetime.fromisoformat(item.created_at)),
                problem=item.problem)
            self.pending_bar.show_message(text, "warning", [
                (_("Opnieuw &invullen"), lambda: self._fill_in_again(item)),
                (_("Tekst &kopiëren"), lambda: self._copy(write_queue.text(item))),
                (_("Weg&gooien"), lambda: self._discard(item))])
        elif waiting:
            self.pending_bar.show_message(ngettext(
                "Wacht op de database: {what}. Bewaard op deze computer; wordt vanzelf opgeslagen.",
                "Wachten op de database: {what}. Bewaard op deze computer; worden vanzelf opgeslagen.",
                len(waiting)).format(what="; ".join(write_queue.label(item) for item in waiting)), "info")
        else:
            self.pending_bar.clear()
        if any(write_queue.blocks_steps(item) for item in items):
            for button in self.step_buttons.values():
                button.setEnabled(False)
                button.setToolTip(_("Eerst moet de stap die op deze computer wacht, worden opgeslagen."))

    def _fill_in_again(self, item: write_queue.PendingWrite) -> None:
        values = item.payload.get("form") or {}
        if item.action == "contact":
            self.add_contact(values, replaces=item.operation_id)
        elif self.dossier is not None and item.action in self.dossier.actions:
            self.run_step(item.action, values, replaces=item.operation_id)
        else:
            self.message.show_message(_("Deze stap kan nu niet meer. Uw eerdere invoer:") + "\n\n"
                                      + write_queue.text(item), "warning")
        self._show_pending()

    def _copy(self, text: str) -> None:
        QApplication.clipboard().setText(text)
        self.message.show_message(_("De tekst staat op het klembord."), "info")

    def _discard(self, item: write_queue.PendingWrite) -> None:
        answer = QMessageBox.question(self, _("Weggooien?"), _(
            "{what} is niet opgeslagen. Wilt u uw invoer weggooien?").format(what=write_queue.label(item)))
        if answer == QMessageBox.StandardButton.Yes:
            write_queue.discard(item.operation_id)
            self._show_pending()

    def _show_kept(self) -> None:
        """Input this PC kept for this complaint when the desk crashed: offered until the user deals with it."""
        if self.dossier is None:
            return
        kept = drafts.kept_inputs(self.session.database_url, self.dossier.complaint.number)
        if not kept:
            self.kept_bar.clear()
            return
        first = kept[0]
        when = format_datetime(dt.datetime.fromisoformat(first.saved_at))
        self.kept_bar.show_message(
            _("Invoer van {time} die niet is opgeslagen, is op deze computer bewaard:").format(time=when)
            + "\n\n" + first.text, "warning",
            [(_("Tekst &kopiëren"), lambda: self._copy(first.text)),
             (_("Kl&aar"), lambda: (drafts.drop_input(first), self._show_kept()))])

    def save_unsaved_work(self) -> bool:
        """Keep what was typed here and not saved (the crash handler asks); True if there was any."""
        if self.dossier is None:
            return False
        texts = []
        changed = self.form.changed_fields() if self.form.has_unsaved_changes() else {}
        if changed:
            texts.append(_("Registratie") + ":\n" + self.form.describe(changed))
        for child in self.findChildren(FormDialog):
            if child.isVisible() and child.changed_values():
                texts.append(child.windowTitle() + ":\n" + child.describe(child.changed_values()))
        if texts:
            drafts.keep_input(self.session.database_url, self.dossier.complaint.number, "\n\n".join(texts))
        return bool(texts)

    # ---- keeping up with others ---------------------------------------------------------------
    def _check_for_changes(self) -> None:
        """Someone saved something: read this complaint's stamp off the UI thread and compare."""
        if self.dossier is None or self._checking:
            return
        if self._dialog_open():
            self._check_later.start()  # reloading now would pull the complaint from under the dialog
            return
        self._checking = True
        complaint_id = self.complaint_id
        run_for(self, lambda: dossier_data.stamp(complaint_id), self._compare_stamp, self._stamp_failed)

    def _stamp_failed(self, exc: BaseException) -> None:
        self._checking = False
        typed = exc if isinstance(exc, KlachtenbureauError) else db_errors.translate(exc)
        if typed is None:
            raise exc  # a bug: to the crash dialog
        if isinstance(typed, DatabaseUnavailableError):
            self.connection.lost(typed)  # the main window reconnects; the next change is checked again

    def _compare_stamp(self, stamp: tuple[int, int] | None) -> None:
        self._checking = False
        if self.dossier is None or stamp == self._stamp:
            return
        if self._dialog_open():
            self._check_later.start()
            return
        if self.form.has_unsaved_changes():
            self._stamp = stamp
            self.changed_bar.show_message(_("Iemand anders heeft deze klacht intussen gewijzigd. Uw wijzigingen zijn "
                                            "nog niet opgeslagen."), "warning",
                                          [(_("Opnieuw laden"), self._reload_keeping_input)])
        else:
            self.reload()

    def _reload_keeping_input(self) -> None:
        changed = self.form.changed_fields()
        text = self.form.describe(changed)
        self.reload()
        if changed:
            self.form.keep(changed, text)

    # ---- writing -----------------------------------------------------------------------------
    def _after_save(self, text: str) -> None:
        self.reload()
        self.message.show_message(text, "success")
        self.saved.emit()

    def run_step(self, action: str, values: dict[str, Any] | None = None, replaces: str | None = None) -> None:
        """Open the dialog of one procedure step, pre-filled with ``values`` after a conflict.

        ``replaces`` is a refused write from the queue this dialog fills in again: it leaves the queue
        once the new one is saved (or waits in its place).
        """
        if self.dossier is None:
            return
        dialog = step_dialog(self, self.session, self.dossier, action)
        label = _(procedure.ACTIONS[action][1])
        self._run_dialog(dialog, values, _("{step}: vastgelegd.").format(step=label),
                         lambda kept: self._step_again(action, kept), replaces)

    def _step_again(self, action: str, values: dict[str, Any]) -> bool:
        if self.dossier is None or action not in self.dossier.actions:
            return False  # the colleague's change made this step impossible now
        self.run_step(action, values)
        return True

    def _letters_button(self) -> QPushButton:
        button = QPushButton(_("B&rief…"))
        button.setToolTip(_("Een brief aan de klager bekijken, afdrukken of als PDF bewaren"))
        menu = QMenu(button)
        for kind, label in letters.KINDS.items():
            menu.addAction(_(label) + "…", lambda k=kind: self.open_letter(k))
        button.setMenu(menu)
        self.letters_button = button
        return button

    def open_letter(self, kind: str) -> QDialog:
        """The letter's preview; an acknowledgement of an e-mailed complaint goes as e-mail text."""
        from klachtenbureau.ui.email_acknowledgement import open_acknowledgement
        from klachtenbureau.ui.printing import open_letter_preview

        if kind == "acknowledgement" and self.dossier is not None:
            dialog = open_acknowledgement(self, self.session, self.dossier.complaint)
        else:
            dialog = open_letter_preview(self, self.session, self.complaint_id, kind)
        dialog.finished.connect(lambda _result: self.reload())
        return dialog

    def _acknowledge_by_letter(self) -> None:
        """Acknowledging by letter: the letter's preview; printing or saving it records the acknowledgement."""
        from klachtenbureau.ui.printing import open_letter_preview

        self.message.show_message(_("Druk de brief af of sla hem op als PDF; pas dan staat de ontvangst als "
                                    "bevestigd genoteerd."), "info")
        dialog = open_letter_preview(self, self.session, self.complaint_id, "acknowledgement")
        dialog.recorded.connect(lambda _complaint: self._after_save(
            _("De ontvangstbevestiging is per brief verstuurd en vastgelegd.")))

    def save_dossier_pdf(self) -> None:
        if self.dossier is None:
            return
        complaint = self.dossier.complaint
        path = files.save_file_name(self, _("Klachtdossier opslaan"), f"klachtdossier-{complaint.number}.pdf",
                                    _("PDF-bestanden (*.pdf)"))
        if not path:
            return
        user = self.user
        self.dossier_pdf_button.setEnabled(False)
        self.message.show_message(_("Het klachtdossier wordt gemaakt…"), "info")

        def work() -> str:
            Path(path).write_bytes(letters.dossier_pdf(user, complaint))
            return path

        def done(saved: str) -> None:
            self.dossier_pdf_button.setEnabled(True)
            self.message.show_message(_("Klachtdossier opgeslagen in {path}.").format(path=saved), "success")

        def failed(exc: BaseException) -> None:
            self.dossier_pdf_button.setEnabled(True)
            if not isinstance(exc, (KlachtenbureauError, OSError)):
                raise exc
            self.message.show_message(_("Het klachtdossier is niet opgeslagen: {reason}").format(
                reason=getattr(exc, "message", None) or exc.strerror or str(exc)), "error")

        run_for(self, work, done, failed)

    def add_contact(self, values: dict[str, Any] | None = None, replaces: str | None = None) -> None:
        if self.dossier is None:
            return
        self._run_dialog(contact_dialog(self, self.session, self.dossier), values,
                         _("Het contactmoment staat op de tijdlijn."), lambda kept: self.add_contact(kept) or True,
                         replaces)

    def edit_relation(self, values: dict[str, Any] | None = None) -> None:
        if self.dossier is None or self.dossier.complaint.relation_id is None:
            return
        self._run_dialog(relation_dialog(self, self.user, self.dossier), values,
                         _("De gegevens van de klager zijn opgeslagen."), lambda kept: self.edit_relation(kept) or True)

    def _run_dialog(self, dialog: FormDialog, values: dict[str, Any] | None, done: str,
                    again: Callable[[dict[str, Any]], bool], replaces: str | None = None) -> None:
        if values:
            dialog.set_values(values)
        dialog.unreachable.connect(self.connection.lost)
        result = dialog.exec()
        if replaces and result in (QDialog.DialogCode.Accepted, QUEUED):
            write_queue.discard(replaces)
        if result == QDialog.DialogCode.Accepted and dialog.result_value == BY_LETTER:
            self._acknowledge_by_letter()
        elif result == QDialog.DialogCode.Accepted:
            self._after_save(done)
        elif result == QUEUED:
            self.message.clear()
            self._show_pending()  # says it waits on this PC
        elif result == CONFLICT:
            kept = dialog.changed_values()
            text = dialog.describe(kept)
            if self._conflict(text) == KEEP and not again(kept):
                self.message.show_message(_("Deze stap kan nu niet meer. Uw eerdere invoer:") + "\n\n" + text,
                                          "warning")

    def _conflict(self, text: str) -> int:
        number = self.dossier.complaint.number if self.dossier else ""
        try:
            changed_by = dossier_data.last_change(self.complaint_id)
        except (KlachtenbureauError, peewee.DatabaseError):
            changed_by = None
        dialog = ConflictDialog(self, number, changed_by, text)
        choice = dialog.exec()
        self.reload()
        self.saved.emit()  # the colleague's change: the inbox may not have seen it yet
        return choice

    def _registration_conflict(self, values: dict[str, Any], text: str) -> None:
        if self._conflict(text) == KEEP:
            self.form.keep(values, text)

    def attach(self, paths: list[Path]) -> None:
        """Store files with the complaint, off the UI thread; reports per file what happened."""
        if self.dossier is None:
            return
        complaint, user = self.dossier.complaint, self.user
        self.message.show_message(ngettext("Bezig met {n} bijlage…", "Bezig met {n} bijlagen…", len(paths))
                                  .format(n=len(paths)), "info")

        def work() -> list[tuple[str, str | None]]:
            outcome = []
            for path in paths:
                try:
                    editing.attach_document(user, complaint, path.name, None, path.read_bytes())
                    outcome.append((path.name, None))
                except KlachtenbureauError as exc:
                    outcome.append((path.name, exc.message))
                except OSError as exc:
                    outcome.append((path.name, _("{name} kon niet worden gelezen: {reason}").format(
                        name=path.name, reason=exc.strerror or exc)))
            return outcome

        run_for(self, work, self._attached, lambda exc: self.message.show_message(
            getattr(exc, "message", None) or str(exc), "error"))

    def _attached(self, outcome: list[tuple[str, str | None]]) -> None:
        stored = [name for name, problem in outcome if problem is None]
        problems = [problem for _name, problem in outcome if problem]
        self.reload()
        if stored:
            self.saved.emit()
        text = ngettext("{n} bijlage bewaard: {names}.", "{n} bijlagen bewaard: {names}.", len(stored)).format(
            n=len(stored), names=", ".join(stored)) if stored else ""
        self.message.show_message(" ".join([text, *problems]).strip(), "error" if problems else "success")

    # ---- Qt events ---------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt name)
        if (self.dossier is not None and self.dossier.can_attach and self.connection.online
                and dropped_files(event.mimeData())):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt name)
        paths = dropped_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.tabs.setCurrentWidget(self.attachments)
            self.attach(paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if self.form.has_unsaved_changes():
            answer = QMessageBox.question(
                self, _("Wijzigingen opslaan?"),
                _("U heeft de registratie van {number} gewijzigd maar nog niet opgeslagen.").format(
                    number=self.dossier.complaint.number),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                event.ignore()
                return
            if answer == QMessageBox.StandardButton.Save:
                self.form.save()
                if self.form.has_unsaved_changes() and self.connection.online:
                    event.ignore()  # refused (a problem at a field, a conflict): the form says why
                    return
                if self.form.has_unsaved_changes():  # the database is away: keep the changes on this PC
                    self.save_unsaved_work()
                    QMessageBox.information(self, _("Op deze computer bewaard"), _(
                        "De database is niet bereikbaar. Uw wijzigingen aan {number} zijn op deze computer "
                        "bewaard en staan klaar als u het dossier weer opent.").format(
                            number=self.dossier.complaint.number))
        self.session.changes.unwatch(self)
        self._check_later.stop()
        super().closeEvent(event)

    def _dialog_open(self) -> bool:
        """A dialog of this window is open: reloading now would pull the complaint from under it."""
        return any(isinstance(child, QDialog) and child.isVisible() for child in self.children())
