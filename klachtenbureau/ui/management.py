"""The dialogs of the Beheer menu: users, categories, organisation details, deadline profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPushButton, QSpinBox, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models import User
from klachtenbureau.models.people import INTAKE, ROLES
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field, RadioGroup, fit_to_screen, row_table
from klachtenbureau.workflow import admin, identity, letter_settings, settings
from klachtenbureau.workflow.deadlines import PROFILES



def _button_row(dialog: QDialog, actions: tuple[tuple[str, Callable[[], None]], ...]) -> QHBoxLayout:
    """The dialog's buttons on one line, with Sluiten at the right."""
    row = QHBoxLayout()
    for text, slot in actions:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    close = QPushButton(_("&Sluiten"))
    close.clicked.connect(dialog.accept)
    row.addWidget(close)
    return row

class FormDialog(QDialog):
    """A dialog of labelled fields whose Dutch messages appear at the field that is wrong."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.fields: dict[str, Field] = {}
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)

    def add(self, name: str, label: str, editor: QWidget, accessible: str, hint: str = "") -> QWidget:
        field = Field(label, editor, accessible, hint)
        self.fields[name] = field
        self.form.addRow(field.label, field)
        return editor

    def add_buttons(self, save_text: str = "") -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(save_text or _("&Opslaan"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.layout_.addWidget(buttons)

    def attempt(self, work: Callable[[], object]) -> bool:
        """Run a workflow call; its problems are shown at the fields (or in a message) and the dialog stays."""
        for field in self.fields.values():
            field.set_problem(None)
        try:
            work()
        except ValidationError as exc:
            shown = [name for name in exc.errors if name in self.fields]
            for name in shown:
                self.fields[name].set_problem(exc.errors[name])
            if shown:
                self.fields[shown[0]].editor.setFocus()
            else:
                QMessageBox.warning(self, self.windowTitle(), exc.message)
            return False
        except KlachtenbureauError as exc:
            QMessageBox.warning(self, self.windowTitle(), exc.message)
            return False
        return True

    def save(self) -> None:
        raise NotImplementedError


# --- users -----------------------------------------------------------------------------


class UserDialog(FormDialog):
    """A new colleague, or the details of an existing one."""

    def __init__(self, actor: User, user: User | None, parent: QWidget | None = None):
        super().__init__(_("Gebruiker wijzigen") if user else _("Nieuwe gebruiker"), parent)
        self.actor, self.user = actor, user
        self.login = self.add("login", _("&Inlognaam"), QLineEdit(user.login if user else ""), _("Inlognaam"),
                              _("Zoals bij het aanmelden op Windows, bijvoorbeeld sanne."))
        self.login.setReadOnly(user is not None)
        self.full_name = self.add("full_name", _("&Naam"), QLineEdit(user.full_name if user else ""), _("Naam"))
        self.role = QComboBox()
        for code, label in ROLES.items():
            self.role.addItem(_(label), code)
        self.role.setCurrentIndex(self.role.findData(user.role if user else INTAKE))
        self.add("role", _("&Rol"), self.role, _("Rol"))
        self.email = self.add("email", _("&E-mail"), QLineEdit(user.email if user else ""), _("E-mailadres"))
        self.windows_account = self.add(
            "windows_account", _("Win&dows-account"), QLineEdit(user.windows_account if user else ""),
            _("Windows-account"), _("DOMEIN\\naam, bijvoorbeeld KANTOOR\\sanne: meldt zich daarmee aan zonder "
                                    "wachtwoord als ‘Aanmelden met het Windows-account’ aanstaat. Leeg: niet."))
        self.confidential = QCheckBox(_("Mag &vertrouwelijke klachten zien"))
        self.confidential.setChecked(bool(user and user.confidential_access))
        self.add("confidential_access", "", self.confidential, _("Vertrouwelijke klachten"))
        self.active = QCheckBox(_("&Actief (mag zich aanmelden)"))
        self.active.setChecked(user.active if user else True)
        if user is not None:  # a new colleague is always active
            self.add("active", "", self.active, _("Actief"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        if user is None:
            self.add("password", _("&Wachtwoord"), self.password, _("Wachtwoord"),
                     _("Mag leeg blijven: dan kiest de gebruiker alleen zijn naam. Wie vertrouwelijke klachten ziet "
                       "(vertrouwenspersoon, directeur, beheerder) meldt zich pas aan met een wachtwoord of het "
                       "Windows-account."))
        self.add_buttons()

    def save(self) -> None:
        if self.user is None:
            work = lambda: admin.add_user(  # noqa: E731
                self.actor, self.login.text(), self.full_name.text(), self.role.currentData(), self.email.text(),
                self.confidential.isChecked(), self.password.text(), self.windows_account.text())
        else:
            work = lambda: admin.update_user(  # noqa: E731
                self.actor, self.user, self.full_name.text(), self.role.currentData(), self.email.text(),
                self.active.isChecked(), self.confidential.isChecked(), windows_account=self.windows_account.text())
        if self.attempt(work):
            self.accept()


class PasswordDialog(FormDialog):
    def __init__(self, actor: User, user: User, parent: QWidget | None = None):
        super().__init__(_("Wachtwoord van {name}").format(name=user.full_name), parent)
        self.actor, self.user = actor, user
        self.first = self.add("password", _("&Nieuw wachtwoord"), QLineEdit(), _("Nieuw wachtwoord"),
                              _("Leeg laten en opslaan haalt het wachtwoord weg."))
        self.second = self.add("repeat", _("&Herhaal"), QLineEdit(), _("Herhaal het wachtwoord"))
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_buttons()

    def save(self) -> None:
        if self.first.text() != self.second.text():
            self.fields["repeat"].set_problem(_("De twee wachtwoorden zijn niet gelijk."))
            return
        if self.attempt(lambda: admin.set_password(self.actor, self.user, self.first.text() or None)):
            self.accept()


class UsersDialog(QDialog):
    COLUMNS = (N_("Naam"), N_("Inlognaam"), N_("Rol"), N_("Actief"), N_("Wachtwoord"), N_("Windows-account"))

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Gebruikers"))
        fit_to_screen(self, 760, 420)
        layout = QVBoxLayout(self)
        self.windows = QCheckBox(_("Aan&melden met het Windows-account (zonder wachtwoord)"))
        self.windows.setChecked(bool(settings.get("windows_sign_in")))
        self.windows.toggled.connect(self._windows_toggled)
        layout.addWidget(self.windows)
        self.table = row_table([_(c) for c in self.COLUMNS], _("Gebruikers"))
        self.table.doubleClicked.connect(self._edit)
        layout.addWidget(self.table)
        layout.addLayout(_button_row(self, ((_("&Nieuwe gebruiker…"), self._add), (_("&Wijzigen…"), self._edit),
                                            (_("W&achtwoord…"), self._password))))
        self._load()

    def _load(self) -> None:
        self.users = admin.all_users()
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            cells = (user.full_name, user.login, _(ROLES[user.role]), _("ja") if user.active else _("nee"),
                     _("ingesteld") if user.password_hash else _("nodig, nog niet ingesteld") if
                     identity.proof_for(user) is identity.Proof.MISSING else _("geen"), user.windows_account)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _windows_toggled(self, on: bool) -> None:
        try:
            settings.put(self.session.user, "windows_sign_in", on)
        except KlachtenbureauError as exc:
            QMessageBox.warning(self, _("Gebruikers"), exc.message)
            self.windows.blockSignals(True)
            self.windows.setChecked(not on)
            self.windows.blockSignals(False)

    def _selected(self) -> User | None:
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def _add(self) -> None:
        if UserDialog(self.session.user, None, self).exec():
            self._load()

    def _edit(self) -> None:
        if (user := self._selected()) and UserDialog(self.session.user, user, self).exec():
            self._load()

    def _password(self) -> None:
        if (user := self._selected()) and PasswordDialog(self.session.user, user, self).exec():
            self._load()


# --- categories --------------------------------------------------------------------------


class CategoriesDialog(FormDialog):
    """Seed 000 step 3: the list grows as the office goes; an unused category is switched off, not deleted."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(_("Categorieën"), parent)
        self.session = session
        fit_to_screen(self, 560, 520)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Categorieën"))
        self.list.currentItemChanged.connect(self._picked)
        self.layout_.insertWidget(0, self.list)
        self.name = self.add("name", _("&Naam"), QLineEdit(), _("Naam van de categorie"),
                             _("Kies een categorie om die te wijzigen, of typ een nieuwe naam en kies Toevoegen."))
        self.active = QCheckBox(_("&Actief (wordt aangeboden bij een nieuwe melding)"))
        self.add("active", "", self.active, _("Actief"))
        self.layout_.addLayout(_button_row(self, ((_("&Toevoegen"), self._add),
                                                  (_("&Wijziging opslaan"), self._change))))
        self._load()

    def _load(self, select: int | None = None) -> None:
        self.categories = admin.categories(include_inactive=True)
        self.list.clear()
        for category in self.categories:
            item = QListWidgetItem(category.name if category.active else
                                   _("{name} (niet actief)").format(name=category.name))
            item.setData(Qt.ItemDataRole.UserRole, category.id)
            if not category.active:
                item.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(item)
            if category.id == select:
                self.list.setCurrentItem(item)

    def _picked(self, item: QListWidgetItem | None) -> None:
        category = self._current()
        self.name.setText(category.name if category else "")
        self.active.setChecked(category.active if category else True)

    def _current(self):
        item = self.list.currentItem()
        wanted = item.data(Qt.ItemDataRole.UserRole) if item else None
        return next((c for c in self.categories if c.id == wanted), None)

    def _add(self) -> None:
        made = []
        if self.attempt(lambda: made.append(admin.add_category(self.session.user, self.name.text()))):
            self._load(made[0].id)

    def _change(self) -> None:
        category = self._current()
        if category is not None and self.attempt(lambda: admin.change_category(
                self.session.user, category, self.name.text(), self.active.isChecked())):
            self._load(category.id)

    def save(self) -> None:
        self.accept()


# --- office settings ---------------------------------------------------------------------


def add_route_fields(dialog: FormDialog, current: dict[str, Any], profile: str) -> dict[str, QLineEdit]:
    """The counsellor and the body onward that the letters name, each showing the example for ``profile``.

    Left empty, the letters quietly lose those paragraphs; printing then warns (letter_settings.settings_warning).
    """
    shown = letter_settings.example(profile)
    edits = {}
    for name, label in (("counsellor", N_("&Vertrouwenspersoon")), ("onward_body", N_("Instantie &daarna")),
                        ("onward_address", N_("Ad&res of website")), ("onward_term", N_("Ter&mijn"))):
        if name == "onward_body":
            dialog.form.addRow(QLabel(_("<b>Als de klager het niet eens is met het antwoord</b>")))
            note = QLabel(shown["note"])
            note.setWordWrap(True)
            note.setStyleSheet("color: #555;")
            dialog.form.addRow(note)
        edit = QLineEdit(str(current.get(name) or ""))
        edit.setPlaceholderText(shown[name])
        edits[name] = dialog.add(name, _(label), edit, _(label).replace("&", ""))
    dialog.fields["counsellor"].set_hint(_("Naam en hoe de vertrouwenspersoon bereikbaar is; staat in de "
                                           "ontvangstbevestiging en de antwoorden."))
    dialog.fields["onward_term"].set_hint(_("In de antwoordbrief: “… voorleggen aan [instantie] ([adres]). "
                                            "Dat kan [termijn].”"))
    return edits


class OrganisationDialog(FormDialog):
    """Name and address on the letters; the confidential counsellor and the route onward the answers name."""

    FIELDS = (("name", "&Naam"), ("street", "&Straat en huisnummer"), ("postcode", "&Postcode"),
              ("city", "Pla&ats"), ("phone", "&Telefoon"), ("email", "&E-mail"), ("website", "&Website"))

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(_("Organisatiegegevens"), parent)
        self.session = session
        self.setMinimumWidth(640)
        current = settings.get("organisation")
        self.edits = {name: self.add(name, _(label), QLineEdit(str(current.get(name, ""))), _(label).replace("&", ""))
                      for name, label in self.FIELDS}
        self.edits.update(add_route_fields(self, current, settings.get("deadline_profile")))
        self.add_buttons()

    def save(self) -> None:
        def work() -> None:
            values = {name: edit.text() for name, edit in self.edits.items()}
            settings.put(self.session.user, "organisation", {**settings.get("organisation"), **values})

        if self.attempt(work):
            self.accept()


class DeadlineProfileDialog(FormDialog):
    """Which regime sets the terms (seed 003, the Wkkgz or the Awb); applies to complaints registered from now on."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(_("Termijnprofiel"), parent)
        self.session = session
        self.setMinimumWidth(620)
        choices = [(code, _(profile.label)) for code, profile in PROFILES.items()]
        self.profile = RadioGroup(choices, _("Termijnprofiel"))
        self.add("deadline_profile", _("&Profiel"), self.profile, _("Termijnprofiel"))
        self.fields["deadline_profile"].label.setBuddy(self.profile.button(choices[0][0]))
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.form.addRow(QWidget(), self.description)
        self.profile.changed.connect(lambda code: self.description.setText(_(PROFILES[code].description)))
        self.profile.set_value(settings.get("deadline_profile"))
        self.liberation = QCheckBox(_("&Bevrijdingsdag (5 mei) elk jaar vrij, niet alleen eens in de vijf jaar"))
        self.liberation.setChecked(bool(settings.get("liberation_day_every_year")))
        self.add("liberation_day_every_year", "", self.liberation, _("Bevrijdingsdag elk jaar vrij"))
        self.aftercare = QSpinBox()
        self.aftercare.setRange(1, 60)
        self.aftercare.setSuffix(" " + _("werkdagen"))
        self.aftercare.setValue(int(settings.get("aftercare_working_days")))
        self.add("aftercare_working_days", _("&Nazorg na:"), self.aftercare, _("Nazorg na"),
                 _("Zoveel werkdagen na het antwoord vraagt u de klager of de klacht naar tevredenheid is opgelost."))
        note = QLabel(_("Geldt voor meldingen die vanaf nu binnenkomen; lopende klachten houden hun termijnen."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.layout_.addWidget(note)
        self.add_buttons()

    def save(self) -> None:
        def work() -> None:
            settings.put(self.session.user, "deadline_profile", self.profile.value())
            settings.put(self.session.user, "liberation_day_every_year", self.liberation.isChecked())
            settings.put(self.session.user, "aftercare_working_days", self.aftercare.value())

        if self.attempt(work):
            self.accept()
