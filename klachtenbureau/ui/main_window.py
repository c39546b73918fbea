"""The main window: tabs for intake, inbox, dashboard and measures; menus; a status bar.

A click on a dashboard figure or bar opens the inbox filtered to exactly those complaints.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Callable
from urllib.parse import urlparse

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from klachtenbureau import __version__, config
from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError, KlachtenbureauError, MailError
from klachtenbureau.i18n import N_, _, format_datetime, format_number, ngettext
from klachtenbureau.models.database import sqlite_path
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, HANDLER, INTAKE, QUALITY, ROLES
from klachtenbureau.ui import management, operations
from klachtenbureau.ui.audit_viewer import AuditViewer
from klachtenbureau.ui.dashboard_view import DashboardView
from klachtenbureau.ui.first_run import DatabaseDialog
from klachtenbureau.ui.export_dialog import ExportDialog
from klachtenbureau.ui.import_dialog import ImportDialog
from klachtenbureau.ui.inbox_view import InboxView
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.ui.letter_texts_dialog import open_letter_texts_dialog
from klachtenbureau.ui.mail_settings_dialog import MailSettingsDialog
from klachtenbureau.ui.measures_view import MeasuresView
from klachtenbureau.ui.merge_relations_dialog import MergeRelationsDialog
from klachtenbureau.ui.my_work_view import MyWorkView
from klachtenbureau.ui.outbox_dialog import OutboxDialog
from klachtenbureau.ui.printing import open_acknowledgement_batch, open_letter_preview
from klachtenbureau.ui.privacy_dialogs import PersonRightsDialog, RetentionDialog
from klachtenbureau.ui.reminders import Notifier, TrayNotifier
from klachtenbureau.ui.report_view import ReportView
from klachtenbureau.ui.server_dialog import ServerDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.shared_file_status import SharedFileStatus
from klachtenbureau.ui.standard_paragraphs_dialog import StandardParagraphsDialog
from klachtenbureau.workflow.shared_file import SharedFileState
from klachtenbureau.ui.pending_writes import PendingWritesDialog
from klachtenbureau.ui.widgets import MessageBar, fit_to_screen
from klachtenbureau.workflow import inbox, permissions, recheck, statistics
from klachtenbureau.workflow.my_work import WorkItem
from klachtenbureau.workflow.reminders import Reminder
from klachtenbureau.workflow.mail import outgoing
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.statistics import ComplaintFilter

TABS = {
    "intake": N_("Nieuwe melding"),
    "inbox": N_("Postvak"),
    "my_work": N_("Mijn werk"),  # the first tab for who works the complaints (permissions.starts_with_my_work)
    "dashboard": N_("Dashboard"),
    "measures": N_("Verbetermaatregelen"),
    "reports": N_("Rapportage"),  # only for who makes the board reports (permissions.can_make_reports)
}
# The tab each role starts in, until the person has used the desk on this PC.
ROLE_TABS = {INTAKE: "intake", COORDINATOR: "my_work", HANDLER: "my_work", COUNSELLOR: "inbox", ADMIN: "inbox",
             QUALITY: "measures", DIRECTOR: "dashboard"}
STATUS_INTERVAL_MS = 60_000
OFFLINE_INTERVAL_MS = 5_000  # while the database is away: try again soon, without hammering the share
DEFAULT_SIZE = (1360, 820)  # the inbox needs the width; office screens are 1920 wide

SHORTCUTS = N_(
    "<table cellpadding='3'>"
    "<tr><td><b>Ctrl+1 … Ctrl+{last}</b></td><td>{tabs}</td></tr>"
    "<tr><td><b>Enter</b></td><td>verder naar de volgende stap van de melding, ook vanuit een tekstvak</td></tr>"
    "<tr><td><b>Shift+Enter</b></td><td>nieuwe regel in een tekstvak</td></tr>"
    "<tr><td><b>Esc</b></td><td>melding weggooien (u wordt eerst gevraagd)</td></tr>"
    "<tr><td><b>Alt + onderstreepte letter</b></td><td>naar dat veld of die knop</td></tr>"
    "<tr><td><b>Pijltjes</b></td><td>kiezen tussen rondjes; omlaag vanuit Zoeken naar de gevonden klagers</td></tr>"
    "<tr><td><b>Ctrl+Q</b></td><td>afsluiten</td></tr>"
    "</table>")


def describe_database(url: str) -> str:
    """Where the database is, for people (a PostgreSQL password is never shown)."""
    path = sqlite_path(url)
    parsed = urlparse(url)
    if path is not None:
        text = str(path)
        # sqlite:////srv/klachten.db keeps a double slash that only confuses people.
        return text[1:] if text.startswith("//") and not parsed.netloc and os.sep == "/" else text
    return f"PostgreSQL {parsed.hostname or 'localhost'}{f':{parsed.port}' if parsed.port else ''}/" \
           f"{parsed.path.lstrip('/')}"


class MainWindow(QMainWindow):
    """The desk. ``switch_database_requested`` asks the application to start again on another database."""

    switch_database_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None, notifier: Notifier | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Klachtenbureau")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.connection = session.connection
        self.connection_bar = MessageBar()  # the offline / read-only state, for the whole window
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.connection_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.intake = IntakeWizard(session)
        self.intake.registered.connect(lambda _complaint: self.refresh_status())
        self.intake.print_acknowledgement_requested.connect(self._print_acknowledgement)
        self.inbox = InboxView(session)
        if self.inbox.incoming is not None:
            self.inbox.incoming.new_report_requested.connect(self._report_from_mail)
        self.dashboard = DashboardView(session)
        self.dashboard.filter_requested.connect(self.show_in_inbox)
        self.measures = MeasuresView(session)
        self.reports = ReportView(session) if permissions.can_make_reports(session.user) else None
        self.my_work = MyWorkView(session)
        self.my_work.open_requested.connect(self.open_work_item)
        self.my_work.counted.connect(self._show_work_count)
        self.my_work.summary.connect(self._show_work_summary)
        self.my_work.reminders_due.connect(self._remind)
        if self.inbox.incoming is not None:
            self.inbox.incoming.counted.connect(self.my_work.set_mail_count)
        self.notifier = notifier if notifier is not None else TrayNotifier(self) if TrayNotifier.available() else None
        if self.notifier is not None:
            self.notifier.clicked.connect(self._reminder_clicked)
        views = {"intake": self.intake, "inbox": self.inbox, "my_work": self.my_work, "dashboard": self.dashboard,
                 "measures": self.measures, "reports": self.reports}
        # The tabs of this person, in order: Mijn werk first for who works the complaints, else after the inbox.
        self.tab_names = [name for name in TABS if views[name] is not None]
        if permissions.starts_with_my_work(session.user):
            self.tab_names.remove("my_work")
            self.tab_names.insert(0, "my_work")
        for name in self.tab_names:
            self.tabs.addTab(views[name], _(TABS[name]))
        for index in range(len(self.tab_names)):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.tabs.setCurrentIndex(i))
            self.addAction(action)
        self._lost_writes: list[str] = []
        self._sending_mail = False  # a round of this PC's outbox is under way
        self._leaving = False  # closing was confirmed with a report not yet registered
        self._showing_refusal = False  # the connection bar holds the shared file's refusal
        self._build_menus()
        self._build_status_bar()
        self._status_timer = QTimer(self, interval=STATUS_INTERVAL_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        self.connection.changed.connect(self._show_connection)
        self._restore_layout()
        self.tabs.currentChanged.connect(self._focus_tab)
        self.refresh_status()

    # --- tabs ------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._focus_tab()

    def _focus_tab(self) -> None:
        if self.tabs.currentWidget() is self.intake:
            self.intake.focus_first_input()
        elif self.tabs.currentWidget() is self.my_work:  # Enter opens the first line at once
            self.my_work.list.setFocus()

    def show_in_inbox(self, selection: ComplaintFilter) -> None:
        self.inbox.show_selection(selection)
        self.tabs.setCurrentWidget(self.inbox)

    def tab_widget(self, name: str) -> QWidget:
        return self.tabs.widget(self.tab_names.index(name))

    # --- Mijn werk and reminders ---------------------------------------------------------

    def open_work_item(self, item: WorkItem) -> None:
        """Open what a line of Mijn werk (or a reminder) is about, where the desk shows it elsewhere."""
        if item.complaint_id is not None:
            from klachtenbureau.ui.dossier_window import open_dossier

            open_dossier(self, self.session, item.complaint_id)
        elif item.measure_id is not None or item.place == "measures":
            self.tabs.setCurrentWidget(self.measures)
            if item.measure_id is not None:
                self.measures.show_measure(item.measure_id)
        elif item.place == "queue":
            self.show_pending_writes()
        elif item.place == "mail":
            self.tabs.setCurrentWidget(self.inbox)
            self.inbox.show_mailbox(True)
        elif item.place.startswith("inbox:"):
            self.inbox.filters.setCurrentRow(list(inbox.FILTERS).index(item.place.removeprefix("inbox:")))
            self.tabs.setCurrentWidget(self.inbox)

    def _show_work_count(self, count: int) -> None:
        index = self.tab_names.index("my_work")
        self.tabs.setTabText(index, _("Mijn werk ({n})").format(n=count) if count else _(TABS["my_work"]))

    def _show_work_summary(self, text: str) -> None:
        """Once, at sign-in: in the status bar and, where there is one, from the tray."""
        self.statusBar().showMessage(text, 30_000)
        if self.notifier is not None:
            self.notifier.show_summary(text)

    def _remind(self, due: list[Reminder]) -> None:
        if self.notifier is not None:
            self.notifier.notify(due)

    def _reminder_clicked(self, item: WorkItem | None) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()
        if item is None:
            self.tabs.setCurrentWidget(self.my_work)
        else:
            self.open_work_item(item)

    # --- menus -----------------------------------------------------------------------

    def _action(self, menu, text: str, slot, enabled: bool = True, tooltip: str = "",
                shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        if tooltip:
            action.setToolTip(tooltip)
            action.setStatusTip(tooltip)
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _build_menus(self) -> None:
        user = self.session.user
        admin = permissions.is_admin(user)
        manager = permissions.is_manager(user)
        only_admin = "" if admin else _("Alleen een beheerder kan dit wijzigen.")
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&Bestand"))
        file_menu.setToolTipsVisible(True)
        self._action(file_menu, _("&Andere database kiezen…"), self._choose_database)
        backup = self._action(file_menu, _("&Reservekopie maken"), self._backup, manager,
                              "" if manager else _("Alleen een coördinator of beheerder maakt reservekopieën."))
        batch = self._action(file_menu, _("&Ontvangstbevestigingen afdrukken…"),
                             lambda: open_acknowledgement_batch(self, self.session), manager,
                             "" if manager else _("Alleen een coördinator verstuurt ontvangstbevestigingen."))
        importing = permissions.can_import_reports(user)
        import_reports = self._action(
            file_menu, _("&Importeren van websiteformulier…"), lambda: ImportDialog(self.session, self).exec(),
            importing, _("Meldingen uit een export van het klachtformulier op de website (JSON of CSV)") if importing
            else _("Alleen een telefonist, coördinator of beheerder importeert meldingen."))
        self._action(file_menu, _("&Klachten exporteren…"), lambda: ExportDialog(self.session, self).exec(), manager,
                     _("De klachten als CSV of JSON, geanonimiseerd of met persoonsgegevens") if manager
                     else _("Alleen een coördinator, kwaliteitsmedewerker, directeur of beheerder exporteert."))
        self._action(file_menu, _("&Wachtende wijzigingen…"), self.show_pending_writes, tooltip=_(
            "Wat op deze computer bewaard is omdat de database niet bereikbaar was"))
        self._action(file_menu, _("&Uitgaande e-mail…"), self.show_outbox, tooltip=_(
            "E-mails die op deze computer wachten op de mailserver, of waarover u moet beslissen"))
        file_menu.addSeparator()
        self._action(file_menu, _("Af&sluiten"), self.close, shortcut=QKeySequence.StandardKey.Quit)

        manage = bar.addMenu(_("B&eheer"))
        manage.setToolTipsVisible(True)
        self.manage_menu = manage
        self._action(manage, _("&Gebruikers…"), lambda: self._manage(management.UsersDialog), admin, only_admin)
        self._action(manage, _("&Categorieën…"), lambda: self._manage(management.CategoriesDialog), manager,
                     "" if manager else _("Alleen een coördinator of beheerder kan dit wijzigen."))
        self._action(manage, _("&Organisatiegegevens…"), lambda: self._manage(management.OrganisationDialog),
                     admin, only_admin)
        self._action(manage, _("&Termijnprofiel…"), lambda: self._manage(management.DeadlineProfileDialog),
                     admin, only_admin)
        self._action(manage, _("&E-mail…"), lambda: self._manage(MailSettingsDialog), admin, only_admin or _(
            "De mailserver voor brieven per e-mail en de mailbox met klachten"))
        self.letter_texts_action = self._action(
            manage, _("&Brieventeksten…"), lambda: open_letter_texts_dialog(self, self.session), manager,
            "" if manager else _("Alleen een coördinator of beheerder kan dit wijzigen."))
        self._action(manage, _("Stan&daardalinea's…"), lambda: self._manage(StandardParagraphsDialog), manager,
                     _("Alinea's die de behandelaar in een brief invoegt, per categorie en oordeel") if manager
                     else _("Alleen een coördinator of beheerder kan dit wijzigen."))
        merging = permissions.can_merge_relations(user)
        self._action(manage, _("&Klagers samenvoegen…"), lambda: self._manage(MergeRelationsDialog), merging,
                     _("Eén persoon die twee keer is ingevoerd weer één klager maken") if merging
                     else _("Alleen een coördinator of beheerder voegt klagers samen."))
        manage.addSeparator()
        audit = permissions.can_read_audit(user)
        self._action(manage, _("&Logboek…"), lambda: self._manage(AuditViewer), audit, "" if audit else _(
            "Alleen de beheerder, de directeur of de kwaliteitsmedewerker ziet het logboek."))
        self._action(manage, _("Be&waartermijn…"), lambda: self._manage(RetentionDialog), admin, only_admin)
        self._action(manage, _("&Persoonsgegevens (AVG)…"), lambda: self._manage(PersonRightsDialog), admin,
                     only_admin)
        manage.addSeparator()
        self._action(manage, _("Deze pc als &server gebruiken…"), self._become_server, admin, only_admin or _(
            "Voor een kantoor waar op meer computers tegelijk wordt gewerkt: deze computer bewaart de klachten"))

        help_menu = bar.addMenu(_("&Help"))
        self._action(help_menu, _("&Sneltoetsen"), self._show_shortcuts, shortcut=QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, _("&Over Klachtenbureau"), self._show_about)
        # What needs the database at once is held back while it is away (steps and intakes wait on this PC).
        self._needs_database = [action for action in (backup, batch, import_reports, *manage.actions())
                                if action.isEnabled() and not action.isSeparator()]

    def _manage(self, dialog_class) -> None:
        dialog = dialog_class(self.session, self)
        dialog.exec()
        self.intake.reload_lists()

    def _report_from_mail(self, message, uid: int) -> None:
        """Binnengekomen → Nieuwe melding: the wizard prefilled from the mail, unless a report is half done there."""
        self.tabs.setCurrentWidget(self.intake)
        if self.intake.has_unregistered_report():
            self.intake.message.show_message(_("Rond eerst deze melding af of gooi haar weg; kies daarna de e-mail "
                                               "opnieuw in Binnengekomen."), "warning")
            return
        self.intake.fill_from_mailbox(message, uid)

    def _print_acknowledgement(self, complaint_id: int) -> None:
        open_letter_preview(self, self.session, complaint_id, "acknowledgement")

    def _choose_database(self) -> None:
        dialog = DatabaseDialog(self.session.database_url, self)
        if dialog.exec() and dialog.url and dialog.url != self.session.database_url:
            self._switch_database(dialog.url)

    def _become_server(self) -> None:
        dialog = ServerDialog(self.session.database_url, self)
        if dialog.exec() and dialog.result is not None:
            # The old file now sends every PC to the server, this one too (with what waits in its queue).
            self._switch_database(self.session.database_url if dialog.result.marked_moved else str(dialog.share))

    def _backup(self) -> None:
        self.statusBar().showMessage(_("Reservekopie maken…"))
        operations.query(self, store.backup, lambda path: QMessageBox.information(
            self, _("Reservekopie"), _("Reservekopie gemaakt: {path}").format(path=path)),
            lambda problem: QMessageBox.warning(self, _("Reservekopie"), problem.message))

    def _show_shortcuts(self) -> None:
        QMessageBox.information(self, _("Sneltoetsen"), _(SHORTCUTS).format(  # this person's tabs, in their order
            last=len(self.tab_names), tabs=", ".join(_(TABS[name]) for name in self.tab_names)))

    def _show_about(self) -> None:
        QMessageBox.about(self, _("Over Klachtenbureau"), _(
            "<p><b>Klachtenbureau {version}</b></p><p>De klachtenbalie van uw kantoor: registreren, "
            "afhandelen, brieven en rapportage.</p><p>Database: {database}</p>").format(
                version=__version__, database=describe_database(self.session.database_url)))

    # --- status bar ------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.database_label = QLabel()
        self.database_label.setAccessibleName(_("Database"))
        self.user_label = QLabel(_("Aangemeld: {name} ({role})").format(
            name=self.session.user.full_name, role=_(ROLES[self.session.user.role]).lower()))
        self.user_label.setAccessibleName(_("Aangemelde gebruiker"))
        self.overdue_label = QLabel()
        self.overdue_label.setAccessibleName(_("Klachten over tijd"))
        self.overdue_label.setToolTip(_("Alle meldingen die u mag zien en die nu over de termijn zijn, uit elke "
                                        "periode en van elke soort (het dashboard telt alleen de gekozen periode)."))
        self.outbox_label = QLabel()  # mails waiting on this PC for the mail server, or for a decision
        self.outbox_label.setAccessibleName(_("Uitgaande e-mail"))
        self.outbox_label.setContentsMargins(8, 0, 8, 0)
        self.outbox_label.hide()
        bar.addPermanentWidget(self.outbox_label)
        self.lost_writes_label = QLabel()  # the alarm of ``recheck``: stays until the desk closes
        self.lost_writes_label.setAccessibleName(_("Verloren wijzigingen"))
        self.lost_writes_label.hide()
        bar.addPermanentWidget(self.lost_writes_label)
        self.shared_file_label = SharedFileStatus(self.session.shared_file)
        self.shared_file_label.state_changed.connect(self._shared_file_changed)
        if self.shared_file_label.state is not None:
            self._show_shared_file(self.shared_file_label.state)  # refused from the start: say why at once
        bar.addPermanentWidget(self.shared_file_label)
        for label in (self.database_label, self.user_label, self.overdue_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self._show_database_state(None)

    def _show_database_state(self, reachable: bool | None) -> None:
        where = describe_database(self.session.database_url)
        if reachable is None:
            state, colour = _("verbinden…"), "#555"
        elif reachable:
            state, colour = _("verbonden"), "#1d6b2f"
        else:
            since = format_datetime(self.connection.since or dt.datetime.now(), "HH:mm")
            state = (_("alleen-lezen sinds {time}") if self.connection.read_only
                     else _("niet bereikbaar sinds {time}")).format(time=since)
            colour = "#a4161a"
        self.database_label.setText(_("Database: {where} · <span style='color:{colour}'>{state}</span>").format(
            where=html.escape(where), colour=colour, state=state))
        self.database_label.setToolTip(where)

    def refresh_status(self) -> None:
        """Check the database off the UI thread and count the overdue complaints.

        Online with nothing waiting, that is one query. Away, or with writes
        waiting on this PC, it first reconnects (``quick_check``), makes sure the
        database takes writes, and sends what waited — each with its own
        operation id, so nothing is lost or doubled. Mails waiting in this PC's outbox go in a round of their
        own (``send_mail``): a mail server that does not answer never holds up the database's state.
        """
        user, url = self.session.user, self.session.database_url
        online = self.connection.online and not write_queue.pending(url)

        def check() -> tuple[write_queue.RetryReport | None, int, recheck.VerifyReport]:
            report = None if online else write_queue.recover(url)
            # This PC's confirmed writes, looked up again: a shared file may have lost one since.
            return report, statistics.overdue_count(user), recheck.verify(url)

        operations.query(self, check, self._status_ok, self._status_failed, session=self.session)
        self.my_work.refresh(remind=True)  # and what to remind of now
        self.send_mail()

    def send_mail(self) -> None:
        """Send what waits in this PC's outbox, off the UI thread; one round at a time."""
        url = self.session.database_url
        if self._sending_mail:
            return
        if not outgoing.outbox_items(url):
            self.outbox_label.hide()
            return
        self._sending_mail = True

        def send() -> outgoing.SendReport:
            try:
                return outgoing.send_waiting(url)
            except MailError:  # no mail server set up (any more): the mails keep waiting, the label says so
                return outgoing.SendReport(waiting=outgoing.outbox_items(url))

        def done() -> None:
            self._sending_mail = False

        operations.query(self, send, self._show_outbox_state,
                         lambda problem: self.statusBar().showMessage(problem.message, 10_000), always=done)

    def _status_ok(self, outcome: tuple[write_queue.RetryReport | None, int, recheck.VerifyReport]) -> None:
        report, count, verified = outcome
        was_away = not self.connection.online
        self.connection.restored()
        self.connection_bar.setToolTip("")
        self._show_database_state(True)
        text = ngettext("{n} klacht over tijd", "{n} klachten over tijd", count).format(n=format_number(count))
        colour = "#a4161a" if count else "#1d6b2f"
        self.overdue_label.setText(f"<span style='color:{colour}'>{text}</span>")
        if report is not None:
            self._show_sent(report, was_away)
        if verified.lost:
            self._show_lost_writes(verified)  # after the rest: the alarm is what must stay in view

    def _show_sent(self, report: write_queue.RetryReport, was_away: bool) -> None:
        if report.sent or report.refused:
            self.connection.queue_changed.emit()
        if report.sent:
            self.session.changes.announce()  # what waited on this PC is in the database now: every view re-reads
        parts = []
        if was_away:
            parts.append(_("De verbinding met de database is hersteld."))
        if report.sent:
            parts.append(ngettext("{n} wijziging die op deze computer wachtte, is opgeslagen.",
                                  "{n} wijzigingen die op deze computer wachtten, zijn opgeslagen.",
                                  len(report.sent)).format(n=len(report.sent)))
        if report.refused:
            parts.append(ngettext(
                "{n} bewaarde wijziging kon niet worden opgeslagen, omdat de klacht intussen is veranderd. "
                "Uw tekst is niet weg.", "{n} bewaarde wijzigingen konden niet worden opgeslagen, omdat de "
                "klachten intussen zijn veranderd. Uw tekst is niet weg.", len(report.refused)).format(
                    n=len(report.refused)))
            self.connection_bar.show_message(" ".join(parts), "warning",
                                             [(_("Be&kijken…"), self.show_pending_writes)])
        elif parts:
            self.connection_bar.show_message(" ".join(parts), "success", [(_("&Sluiten"), self.connection_bar.clear)])

    def _show_lost_writes(self, verified: recheck.VerifyReport) -> None:
        """The alarm: the shared file lost what this PC had confirmed; what was made again, and where to go."""
        details = [done.message() for done in verified.reapplied]
        self._lost_writes.extend(details)
        self.lost_writes_label.setText(
            "<span style='color:#a4161a; font-weight:bold'>{}</span>".format(html.escape(_("Wijzigingen kwijtgeraakt"))))
        self.lost_writes_label.setToolTip("\n".join(self._lost_writes))
        self.lost_writes_label.show()
        actions = [(_("Be&kijken…"), self.show_pending_writes)] if verified.refused else []
        self.connection_bar.show_message(" ".join([verified.alarm(), *details]), "error", actions)
        if verified.refused or verified.reapplied:
            self.connection.queue_changed.emit()
            self.session.changes.announce()

    def _shared_file_changed(self, state: SharedFileState | None) -> None:
        """The status bar has the short line; the reason goes on top, and what waited goes once writing is safe."""
        self._show_shared_file(state)
        self.refresh_status()

    def _show_shared_file(self, state: SharedFileState | None) -> None:
        refused = state is not None and not state.may_write
        if refused:
            self.connection_bar.show_message(state.details, "warning")
        elif self._showing_refusal:
            self.connection_bar.clear()
        self._showing_refusal = refused

    def _status_failed(self, problem: KlachtenbureauError) -> None:
        if isinstance(problem, DatabaseUnavailableError):
            return  # told to the connection, which this window follows (_show_connection)
        self.overdue_label.setText(_("aantal over tijd onbekend"))
        if isinstance(problem, DatabaseCorruptError):
            self._show_database_state(False)
            self.connection_bar.show_message(problem.message, "error")
            return
        raise problem  # another expected problem: a plain message (ui/crash.py)

    def _show_connection(self) -> None:
        """The whole window follows the state: a banner, a quicker check, what needs the database held back."""
        online = self.connection.online
        self._status_timer.setInterval(STATUS_INTERVAL_MS if online else OFFLINE_INTERVAL_MS)
        for action in self._needs_database:
            action.setEnabled(online)
        if online:
            return  # _status_ok says it is back, with what was sent
        self._show_database_state(False)
        self.overdue_label.setText(_("aantal over tijd onbekend"))
        self.connection_bar.show_message(self.connection.banner_text(), "error",
                                         [(_("&Opnieuw verbinden"), self.refresh_status)])
        self.connection_bar.setToolTip(self.connection.problem.message)

    def _show_outbox_state(self, mail: outgoing.SendReport) -> None:
        if mail.sent:
            self.statusBar().showMessage(ngettext("{n} e-mail verstuurd die op deze computer wachtte.",
                                                  "{n} e-mails verstuurd die op deze computer wachtten.",
                                                  len(mail.sent)).format(n=len(mail.sent)), 10_000)
        deciding = len(mail.uncertain) + len(mail.refused)
        if deciding:
            text = ngettext("{n} e-mail: u beslist (Bestand → Uitgaande e-mail)",
                            "{n} e-mails: u beslist (Bestand → Uitgaande e-mail)", deciding).format(n=deciding)
            self.outbox_label.setText(f"<span style='color:#a4161a'>{html.escape(text)}</span>")
        elif mail.waiting:
            self.outbox_label.setText(ngettext("{n} e-mail wacht op de mailserver", "{n} e-mails wachten op de "
                                               "mailserver", len(mail.waiting)).format(n=len(mail.waiting)))
        self.outbox_label.setVisible(bool(deciding or mail.waiting))

    def show_outbox(self) -> None:
        dialog = OutboxDialog(self.session, self)
        dialog.changed.connect(self.send_mail)
        dialog.exec()

    def show_pending_writes(self) -> None:
        PendingWritesDialog(self.session, self).exec()

    # --- remembering the layout --------------------------------------------------------

    def _restore_layout(self) -> None:
        values = config.load()
        geometry = QByteArray.fromBase64(values.window_geometry.encode("ascii"))
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            fit_to_screen(self, *DEFAULT_SIZE)
        elif not self.isMaximized():
            fit_to_screen(self, self.width(), self.height())  # a size from a bigger screen too
        user = self.session.user
        # The tab this person used last on this PC, else the one their role works in: a telephonist who signs
        # in after the quality officer does not land on the measures register.
        last = values.last_tabs.get(user.login) or ROLE_TABS.get(user.role, "intake")
        if last in self.tab_names:
            self.tabs.setCurrentIndex(self.tab_names.index(last))

    def save_layout(self) -> None:
        values = config.load()
        config.update(window_geometry=self.saveGeometry().toBase64().data().decode("ascii"),
                      last_tabs={**values.last_tabs, self.session.user.login: self.tab_names[self.tabs.currentIndex()]},
                      database_url=self.session.remembered_as or self.session.database_url)

    def _ask_leave(self, leave: Callable[[], None]) -> None:
        """A report is being filled in: ``leave`` (close, start again on another database) only when the
        telephonist says so; its draft stays on this PC and is offered again."""
        self.tabs.setCurrentWidget(self.intake)

        def confirmed() -> None:
            self._leaving = True
            leave()

        self.intake.ask_close(confirmed)

    def _switch_database(self, url: str) -> None:
        if self.intake.has_unregistered_report():
            self._ask_leave(lambda: self.switch_database_requested.emit(url))
        else:
            self.switch_database_requested.emit(url)

    def save_unsaved_work(self) -> bool:
        """Keep what the user typed; the crash handler (ui/crash.py) asks this before it reports a bug."""
        return self.intake.save_unsaved_work()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if not self._leaving and self.intake.has_unregistered_report():
            event.ignore()
            self._ask_leave(self.close)
            return
        if self.reports is not None and self.reports.dirty():  # the board report's text, typed and not yet saved
            event.ignore()
            self.tabs.setCurrentWidget(self.reports)
            self.reports.ask_leave(self.close)
            return
        self.save_layout()
        self._status_timer.stop()  # a closed window checks nothing more, and nothing watches for changes
        self.session.changes.stop()
        self.my_work.stop()
        if self.session.shared_file is not None:
            self.session.shared_file.stop()  # this PC leaves the shared file: another may take over writing
        super().closeEvent(event)
