"""The administrator's privacy dialogs: retention (bewaartermijn) and a person's AVG rights.

Both show first what will happen and ask for an explicit tick before
anything irreversible; the work itself runs off the UI thread through the
same workflow functions the command line uses.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import N_, _, format_date, ngettext
from klachtenbureau.models import Complaint, Relation
from klachtenbureau.models.complaints import STATUSES
from klachtenbureau.ui import files, operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field, MessageBar, fit_to_screen, row_table
from klachtenbureau.workflow import permissions, relations, settings
from klachtenbureau.workflow.personal_data import privacy, retention

WHAT_GOES = N_(
    "Weg gaan: naam, adres, telefoon en e-mail van de klager (als die geen recentere klacht heeft), de "
    "omschrijving, het onderzoek, het antwoord, notities en documenten. Categorie, datums, kanaal, ernst, "
    "oordeel en tevredenheid blijven, zodat de cijfers in de rapportages niet veranderen.")


COPIES = N_(
    "Ook de bestanden op deze pc (concepten, wachtende wijzigingen en e-mails) en de reservekopieën in de map "
    "backups worden geanonimiseerd; andere pc's ruimen hun bestanden op bij hun volgende start. Langer bewaard "
    "blijven de nachtelijke kopieën van de kantoorserver (standaard 14 dagen), kopieën die elders zijn gezet en "
    "de back-up van uw server of NAS: zie de beheerdershandleiding.")


def copies_done(files: int, backups: int) -> str:
    """What went outside the database too, in a sentence (empty when nothing did)."""
    parts = []
    if files:
        parts.append(ngettext("{n} bestand op deze pc verwijderd.", "{n} bestanden op deze pc verwijderd.",
                              files).format(n=files))
    if backups:
        parts.append(ngettext("{n} reservekopie bijgewerkt.", "{n} reservekopieën bijgewerkt.",
                              backups).format(n=backups))
    return " ".join(parts)


class RetentionDialog(QDialog):
    """Shows what the retention period would anonymise (a dry run) and does it after a tick. Admins only."""

    loaded = Signal(int)
    applied = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.due: list[Complaint] = []
        self.mails = 0  # mails set aside as no complaint, past the period
        self.setWindowTitle(_("Bewaartermijn: oude klachten anonimiseren"))
        fit_to_screen(self, 760, 560)
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.intro = QLabel(_(WHAT_GOES))
        self.intro.setWordWrap(True)
        self.intro.setMinimumHeight(self.intro.fontMetrics().lineSpacing() * 4)
        layout.addWidget(self.intro)
        self.copies = QLabel(_(COPIES))
        self.copies.setWordWrap(True)
        self.copies.setAccessibleName(_("Kopieën"))
        layout.addWidget(self.copies)
        self.table = row_table([_("Klacht"), _("Afgesloten op"), _("Categorie")],
                               _("Klachten die geanonimiseerd worden"))
        self.table.setColumnWidth(0, 120)
        self.table.setColumnWidth(1, 160)
        layout.addWidget(self.table, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Samenvatting"))
        layout.addWidget(self.summary)
        self.confirm = QCheckBox(_("Ik begrijp dat dit &niet ongedaan kan worden gemaakt"))
        self.confirm.toggled.connect(self._update_button)
        layout.addWidget(self.confirm)
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton(_("&Anonimiseren"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.clicked.connect(self.apply)
        close = buttons.addButton(_("Sluiten"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._update_button()
        if not permissions.is_admin(session.user):
            self.message.show_message(_("Alleen een beheerder kan de bewaartermijn toepassen."), "warning")
            self.confirm.setEnabled(False)
            return
        self.reload()

    def _update_button(self) -> None:
        self.apply_button.setEnabled(bool(self.due or self.mails) and self.confirm.isChecked())

    def reload(self) -> None:
        self.summary.setText(_("Bezig met nagaan welke klachten over de termijn zijn…"))
        user = self.session.user

        def work() -> tuple[int, list[Complaint], retention.RetentionResult]:
            due = retention.due_for_anonymisation()
            return int(settings.get("retention_years")), due, retention.anonymise(user, due, dry_run=True)

        operations.query(self, work, self._show_plan, self._failed)

    def _show_plan(self, found: tuple[int, list[Complaint], retention.RetentionResult]) -> None:
        years, self.due, plan = found
        self.mails = plan.mails
        self.intro.setText(_("De bewaartermijn is {years} jaar. Klachten die langer geleden zijn afgesloten "
                             "worden geanonimiseerd.").format(years=years) + " " + _(WHAT_GOES))
        self.table.setRowCount(len(self.due))
        for row, complaint in enumerate(self.due):
            for column, text in enumerate((complaint.number, format_date(complaint.closed_at.date()),
                                           complaint.category.name)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.due:
            self.summary.setText(ngettext(
                "{n} klacht wordt geanonimiseerd; {relations} klager(s) helemaal, {documents} document(en).",
                "{n} klachten worden geanonimiseerd; {relations} klager(s) helemaal, {documents} document(en).",
                len(self.due)).format(n=len(self.due), relations=plan.relations, documents=plan.documents))
        elif not self.mails:
            self.summary.setText(_("Er zijn geen klachten over de bewaartermijn; er hoeft niets te gebeuren."))
        else:
            self.summary.clear()
        if self.mails:
            self.summary.setText(" ".join(filter(None, [self.summary.text(), ngettext(
                "Van {n} e-mail die geen klacht was, worden afzender en onderwerp vergeten.",
                "Van {n} e-mails die geen klacht waren, worden afzender en onderwerp vergeten.",
                self.mails).format(n=self.mails)])))
        self.confirm.setChecked(False)
        self._update_button()
        self.loaded.emit(len(self.due))

    def apply(self) -> None:
        if not ((self.due or self.mails) and self.confirm.isChecked()):
            return
        user, due = self.session.user, list(self.due)
        self.apply_button.setEnabled(False)
        self.confirm.setEnabled(False)
        self.summary.setText(_("Bezig met anonimiseren…"))
        operations.write(self, self.session, lambda: retention.anonymise(user, due, dry_run=False), self._done,
                         self._failed)

    def _done(self, result: retention.RetentionResult) -> None:
        self.confirm.setEnabled(True)
        self.message.show_message(" ".join([ngettext(
            "{n} klacht geanonimiseerd.", "{n} klachten geanonimiseerd.", len(result.numbers)).format(
                n=len(result.numbers)), copies_done(result.files, result.backups)]).strip(), "success")
        self.applied.emit(result)
        self.reload()

    def _failed(self, problem: KlachtenbureauError) -> None:
        self.confirm.setEnabled(True)
        self.summary.clear()
        self.message.show_message(problem.message, "error")
        self._update_button()


class PersonRightsDialog(QDialog):
    """Find one person; export everything about them, or erase it on their request (AVG). Admins only."""

    found = Signal(int)
    exported = Signal(str)
    erased = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Persoonsgegevens (AVG): inzage en wissen"))
        fit_to_screen(self, 720, 640)
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)

        search_row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("naam, e-mailadres, telefoonnummer of postcode"))
        self.search_field = Field(_("&Zoek persoon"), self.search_edit, _("Zoek persoon"))
        form = QFormLayout()
        form.addRow(self.search_field.label, self.search_field)
        search_row.addLayout(form, 1)
        self.search_button = QPushButton(_("Zoeken"))
        self.search_button.clicked.connect(self.search)
        self.search_edit.returnPressed.connect(self.search)
        search_row.addWidget(self.search_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(search_row)
        self.people = QListWidget()
        self.people.setAccessibleName(_("Gevonden personen"))
        self.people.currentItemChanged.connect(self._person_chosen)
        layout.addWidget(self.people, 1)
        self.complaints = QLabel()
        self.complaints.setWordWrap(True)
        self.complaints.setAccessibleName(_("Klachten van deze persoon"))
        layout.addWidget(self.complaints)

        export_box = QGroupBox(_("Inzage: alles over deze persoon opslaan als bestand"))
        export_layout = QHBoxLayout(export_box)
        self.destination = QLineEdit()
        self.destination_field = Field(_("&Bestand"), self.destination, _("Bestand voor de inzage"))
        browse = QPushButton(_("Bladeren…"))
        browse.clicked.connect(self._browse)
        self.export_button = QPushButton(_("&Exporteren"))
        self.export_button.clicked.connect(self.export)
        export_form = QFormLayout()
        export_form.addRow(self.destination_field.label, self.destination_field)
        export_layout.addLayout(export_form, 1)
        export_layout.addWidget(browse, 0, Qt.AlignmentFlag.AlignTop)
        export_layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(export_box)

        erase_box = QGroupBox(_("Wissen op verzoek: de gegevens van deze persoon anonimiseren"))
        erase_layout = QVBoxLayout(erase_box)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("bijvoorbeeld: verzoek per brief van 3 maart; noem geen namen"))
        self.reason_field = Field(_("&Reden"), self.reason, _("Reden van het wissen"))
        reason_form = QFormLayout()
        reason_form.addRow(self.reason_field.label, self.reason_field)
        erase_layout.addLayout(reason_form)
        self.confirm = QCheckBox(_("Ik begrijp dat dit &niet ongedaan kan worden gemaakt"))
        self.confirm.toggled.connect(self._update_buttons)
        self.reason.textChanged.connect(self._update_buttons)
        self.erase_button = QPushButton(_("Gegevens &wissen"))
        self.erase_button.clicked.connect(self.erase)
        row = QHBoxLayout()
        row.addWidget(self.confirm, 1)
        row.addWidget(self.erase_button)
        erase_layout.addLayout(row)
        layout.addWidget(erase_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Sluiten"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update_buttons()
        if not permissions.is_admin(session.user):
            self.message.show_message(_("Alleen een beheerder kan persoonsgegevens exporteren of wissen."), "warning")
            for widget in (self.search_edit, self.search_button, self.people, export_box, erase_box):
                widget.setEnabled(False)

    def relation_id(self) -> int | None:
        item = self.people.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_buttons(self) -> None:
        chosen = self.relation_id() is not None
        self.export_button.setEnabled(chosen)
        self.erase_button.setEnabled(chosen and bool(self.reason.text().strip()) and self.confirm.isChecked())

    # --- finding the person -------------------------------------------------------------

    def search(self) -> None:
        text, user = self.search_edit.text(), self.session.user
        self.search_field.set_problem(None)
        operations.query(self, lambda: relations.search_relations(text, user, limit=50), self._show_people,
                         self._failed)

    def _show_people(self, found: list[Relation]) -> None:
        self.people.clear()
        for relation in found:
            details = " · ".join(part for part in (relation.email, relation.phone, relation.city) if part)
            item = QListWidgetItem(_("{name} — {details} (relatie {id})").format(
                name=relation.name, details=details or _("geen contactgegevens"), id=relation.id))
            item.setData(Qt.ItemDataRole.UserRole, relation.id)
            self.people.addItem(item)
        if found:
            self.people.setCurrentRow(0)
        else:
            self.search_field.set_problem(_("Niemand gevonden; zoek op een deel van de naam, het e-mailadres, "
                                            "het telefoonnummer of de postcode."))
        self.found.emit(len(found))

    def _person_chosen(self) -> None:
        relation_id = self.relation_id()
        self._update_buttons()
        if relation_id is None:
            self.complaints.clear()
            return
        self.destination.setText(files.in_documents(f"avg-inzage-relatie-{relation_id}.json"))
        user = self.session.user
        operations.query(self, lambda: relations.earlier_complaints(relation_id, user), self._show_complaints,
                         self._failed)

    def _show_complaints(self, complaints: list[Complaint]) -> None:
        if not complaints:
            self.complaints.setText(_("Deze persoon heeft geen klachten."))
            return
        listed = ", ".join(f"{c.number} ({_(STATUSES[c.status]).lower()})" for c in complaints)
        self.complaints.setText(_("Klachten: {list}").format(list=listed))

    def _browse(self) -> None:
        path = files.save_file_name(self, _("Inzage opslaan"), self.destination.text(), _("JSON-bestanden (*.json)"))
        if path:
            self.destination.setText(path)

    # --- export and erase ----------------------------------------------------------------

    def export(self) -> None:
        relation_id, user = self.relation_id(), self.session.user
        target = Path(self.destination.text().strip()).expanduser()
        self.destination_field.set_problem(None)
        if relation_id is None:
            return
        if not self.destination.text().strip() or not target.parent.is_dir():
            self.destination_field.set_problem(_("Kies een bestand in een bestaande map."))
            return

        def work() -> str:
            data = privacy.person_export(user, relation_id)
            try:
                privacy.save_person_export(data, target)
            except OSError as exc:  # the file, not the database: said at the field
                raise ValidationError({"destination": _("Kan het bestand niet schrijven: {reason}").format(
                    reason=exc.strerror or exc)}) from exc
            return str(target)

        operations.write(self, self.session, work, self._exported, self._failed)

    def _exported(self, path: str) -> None:
        self.message.show_message(_("Alle gegevens van deze persoon zijn opgeslagen in {path}.").format(path=path),
                                  "success")
        self.exported.emit(path)

    def erase(self) -> None:
        relation_id, user, reason = self.relation_id(), self.session.user, self.reason.text()
        if relation_id is None or not self.confirm.isChecked():
            return
        self.reason_field.set_problem(None)
        self.erase_button.setEnabled(False)
        operations.write(self, self.session, lambda: privacy.erase_person(user, relation_id, reason), self._erased,
                         self._failed)

    def _erased(self, result: privacy.ErasureResult) -> None:
        self.message.show_message(" ".join([ngettext(
            "De gegevens zijn gewist; {n} klacht is geanonimiseerd.",
            "De gegevens zijn gewist; {n} klachten zijn geanonimiseerd.", len(result.numbers)).format(
                n=len(result.numbers)), copies_done(result.files, result.backups)]).strip(), "success")
        self.people.clear()
        self.reason.clear()
        self.confirm.setChecked(False)
        self.erased.emit(result)

    def _failed(self, problem: KlachtenbureauError) -> None:
        self._update_buttons()
        errors = problem.errors if isinstance(problem, ValidationError) else {}
        if "reason" in errors:
            self.reason_field.set_problem(errors["reason"])
        elif "destination" in errors:
            self.destination_field.set_problem(errors["destination"])
        else:
            self.message.show_message(problem.message, "error")

