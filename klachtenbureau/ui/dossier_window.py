"""The complaint dossier (klachtdossier): one window with everything about one complaint.

The header tells where the complaint stands; the buttons on the right are the
steps of the procedure, enabled only where the state machine and the user's
role allow them; the tabs hold the registration (editable as the role allows),
the complainant with earlier and similar complaints, the timeline, the
investigation and answer, attachments (drop files onto the window), linked
improvement measures and the audit history.

The window composes its parts from ui/dossier/: it re-reads the complaint when
anyone changes it (watch.py); a save that a colleague beat is refused by the
workflow, and the window shows who did it and keeps the user's input
(conflict.py). Steps and contact moments wait on this PC when the database is
out of reach (workflow/offline/write_queue); the window shows what waits and holds back
the next step until it has been sent (pending.py). While the session is offline
or read-only, what needs the database at once (letters, attachments, editing
the complainant) is held back with a banner saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTabWidget, QTextBrowser, QVBoxLayout,
    QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, NotFoundError, PermissionDeniedError
from klachtenbureau.i18n import _, ngettext
from klachtenbureau.models.complaints import ESCALATED, ESCALATION_LEVELS, STATUSES
from klachtenbureau.ui import operations
from klachtenbureau.ui.dossier import panels
from klachtenbureau.ui.dossier.actions import BY_EMAIL, BY_LETTER, contact_dialog, relation_dialog, step_dialog
from klachtenbureau.ui.dossier.attachments import (
    MAIL_SUFFIXES, AttachmentsPanel, dropped_files, store_files, stored_message,
)
from klachtenbureau.ui.dossier.conflict import KEEP, ConflictDialog
from klachtenbureau.ui.dossier.form_dialog import CONFLICT, QUEUED, FormDialog
from klachtenbureau.ui.dossier.letters_menu import LettersMenu
from klachtenbureau.ui.dossier.pending import PendingWork
from klachtenbureau.ui.dossier.registration import RegistrationForm
from klachtenbureau.ui.dossier.watch import ChangeWatch
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen
from klachtenbureau.workflow import dossier_data, inbox, permissions, procedure
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.personal_data import privacy
from klachtenbureau.workflow.dossier_data import Dossier

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
    TABS = ("registration", "complainant", "timeline", "handling", "attachments", "measures", "history")

    def __init__(self, session: Session, complaint_id: int, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.user = session.user
        self.complaint_id = complaint_id
        self.dossier: Dossier | None = None
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
        self.pending = PendingWork(self)  # this complaint's writes waiting on this PC, and input kept at a crash
        self.pending_bar, self.kept_bar = self.pending.pending_bar, self.pending.kept_bar
        self.watch = ChangeWatch(self)  # reloads when the complaint changed elsewhere
        self.changed_bar = self.watch.changed_bar

        self.form = RegistrationForm(self.user, [])  # the categories come with the dossier
        self.form.editors["category"].setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.form.saved.connect(lambda _c: self.after_save(_("De registratie is opgeslagen.")))
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
        self.letters = LettersMenu(self)
        self.letters_button, self.dossier_pdf_button = self.letters.letters_button, self.letters.dossier_pdf_button
        side.addWidget(self.letters_button)
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

        self.connection.changed.connect(self._show_connection)
        self._generation = 0  # of the reading whose result may still be shown; an older one arrives too late
        self._loading()
        self._show_connection()
        self.watch.start()
        self.load(first=True)

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
    def _loading(self) -> None:
        """The window shows at once; its parts wait for the dossier read off the UI thread."""
        self.setWindowTitle(_("Klachtdossier"))
        self.loading = True  # until the first reading has been shown (or has failed)
        self.title.setText(_("Dossier laden…"))
        policy = self.tabs.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the steps stay where they will be
        self.tabs.setSizePolicy(policy)
        self.tabs.hide()  # not a form of made-up values meanwhile
        for button in [*self.step_buttons.values(), self.contact_button]:
            button.setEnabled(False)

    def _focus_first(self) -> None:
        """The keyboard goes where it would have gone had the window opened with the dossier in it."""
        if self.focusWidget() is not None:
            return
        widget = self.nextInFocusChain()
        while widget is not self:
            if widget.isVisibleTo(self) and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            widget = widget.nextInFocusChain()

    def load(self, first: bool = False) -> None:
        """Read the dossier off the UI thread and show it. ``first``: the window opens, which is logged for a
        confidential dossier (privacy.record_view); if it cannot be, the window stays shut."""
        user, complaint_id = self.user, self.complaint_id
        self._generation += 1
        generation = self._generation

        def work() -> KlachtenbureauError | tuple[list[tuple[int, str]] | None, Dossier, tuple[int, int] | None]:
            if first:
                try:
                    privacy.record_view_of(user, complaint_id)
                except KlachtenbureauError as exc:
                    return exc
            return (inbox.categories() if first else None, dossier_data.load(user, complaint_id),
                    dossier_data.stamp(complaint_id))

        def loaded(result: KlachtenbureauError | tuple[list[tuple[int, str]] | None, Dossier,
                                                       tuple[int, int] | None]) -> None:
            self.loading = False
            self.tabs.show()
            if isinstance(result, KlachtenbureauError):
                self._lock(result.message)
                return
            categories, dossier, stamp = result
            if categories is not None:
                self.form.editors["category"].set_choices(categories)
                self.form.editors["category"].updateGeometry()  # sized to the names, as if it had had them at once
            if generation != self._generation:
                return  # a later reading (after a save of this window) shows the complaint as it is now
            if not first and self.form.has_unsaved_changes():
                self.watch.changed_meanwhile(stamp)  # typed into the form while this was read: nothing is lost
                return
            self.watch.stamp = stamp
            self.dossier = dossier
            self._show(dossier)
            if first:
                self._focus_first()

        def failed(problem: KlachtenbureauError) -> None:
            self.loading = False
            self.tabs.show()
            if isinstance(problem, (NotFoundError, PermissionDeniedError)):
                self._lock(problem.message)
            elif generation == self._generation:
                self.message.show_message(problem.message, "error",
                                          [(_("Opnieuw proberen"), lambda: self.load(first))])

        operations.query(self, work, loaded, failed)

    def reload(self) -> None:
        """Read the dossier again here, on the UI thread: after a save of this window, which shows it at once."""
        self._generation += 1
        try:
            dossier = dossier_data.load(self.user, self.complaint_id)
            self.watch.stamp = dossier_data.stamp(self.complaint_id)
        except (NotFoundError, PermissionDeniedError) as exc:
            self._lock(exc.message)
            return
        except KlachtenbureauError as exc:
            self.message.show_message(exc.message, "error", [(_("Opnieuw proberen"), self.reload)])
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
        self.title.setText(panels.title_html(d))
        self.subtitle.setText(panels.subtitle_text(d))
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
        self.pending.show_pending()
        self.pending.show_kept()
        self._show_connection()

    def _why_not(self, d: Dossier, action: str) -> str:
        if d.complaint.status in procedure.ACTIONS[action][0]:  # the state allows it, the role does not
            if permissions.works_on(self.user, d.complaint):  # a handler: the coordinator decides this one
                return _("Deze stap zet de coördinator.")
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

    def save_unsaved_work(self) -> bool:
        """Keep what was typed here and not saved (the crash handler asks); True if there was any."""
        return self.pending.save_unsaved_work()

    # ---- writing -----------------------------------------------------------------------------
    def after_save(self, text: str, announced: bool = False) -> None:
        """After a write of this window; one made through ui/operations.write was ``announced`` to the views."""
        self.reload()
        self.message.show_message(text, "success")
        if not announced:
            self.session.changes.announce()

    def run_step(self, action: str, values: dict[str, Any] | None = None, replaces: str | None = None) -> None:
        """Open the dialog of one procedure step, pre-filled with ``values`` after a conflict.

        ``replaces`` is a refused write from the queue this dialog fills in again: it leaves the queue
        once the new one is saved (or waits in its place).
        """
        if self.dossier is None or (action == "close" and not self._close_despite_escalation()):
            return
        dialog = step_dialog(self, self.session, self.dossier, action)
        label = _(procedure.ACTIONS[action][1]).rstrip("…")
        self._run_dialog(dialog, values, _("{step}: vastgelegd.").format(step=label),
                         lambda kept: self._step_again(action, kept), replaces)

    def _close_despite_escalation(self) -> bool:
        """Closing while an escalation runs ends it unanswered: only when the user says so (procedure.close)."""
        c = self.dossier.complaint
        if c.status != ESCALATED:
            return True
        level = _(ESCALATION_LEVELS[c.escalation_level]).lower() if c.escalation_level in ESCALATION_LEVELS else ""
        answer = QMessageBox.question(
            self, _("Toch afsluiten?"), _("De escalatie naar {level} loopt nog. Toch afsluiten?").format(level=level),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _step_again(self, action: str, values: dict[str, Any]) -> bool:
        if self.dossier is None or action not in self.dossier.actions:
            return False  # the colleague's change made this step impossible now
        self.run_step(action, values)
        return True

    def open_letter(self, kind: str) -> QDialog:
        return self.letters.open_letter(kind)

    def save_dossier_pdf(self) -> None:
        self.letters.save_dossier_pdf()

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
        if result == QDialog.DialogCode.Accepted and dialog.result_value in (BY_LETTER, BY_EMAIL):
            self.letters.acknowledge_with_letter(by_email=dialog.result_value == BY_EMAIL)
        elif result == QDialog.DialogCode.Accepted:
            self.after_save(done)
        elif result == QUEUED:
            self.message.clear()
            self.pending.show_pending()  # says it waits on this PC
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
        except KlachtenbureauError:
            changed_by = None
        dialog = ConflictDialog(self, number, changed_by, text)
        choice = dialog.exec()
        self.reload()
        self.session.changes.announce()  # the colleague's change: the inbox may not have seen it yet
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
        operations.write(self, self.session, lambda: store_files(user, complaint, paths), self._attached,
                         self.message)

    def _attached(self, outcome: list[tuple[str, str | None]]) -> None:
        self.reload()
        self.message.show_message(*stored_message(outcome))

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
            mails_only = all(path.suffix.lower() in MAIL_SUFFIXES for path in paths)  # contact moments
            self.tabs.setCurrentWidget(self.browsers["timeline"] if mails_only else self.attachments)
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
        self.watch.stop()
        super().closeEvent(event)
