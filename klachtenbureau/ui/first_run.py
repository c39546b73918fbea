"""First start on an empty machine: where the database is, and (for a new one) the office and its first admin.

Two short dialogs. :class:`DatabaseDialog` chooses a new database on this PC,
an existing file on the network drive, or a PostgreSQL server (also used by
Bestand › Andere database kiezen). :class:`SetUpDialog` asks a database
without users for the organisation details and the first administrator.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from klachtenbureau import config
from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import User
from klachtenbureau.models.database import sqlite_path
from klachtenbureau.ui import files
from klachtenbureau.ui.management import FormDialog, add_route_fields
from klachtenbureau.ui.signin import os_login
from klachtenbureau.ui.widgets import Field, RadioGroup, browse_row, fit_to_screen
from klachtenbureau.workflow import admin, settings
from klachtenbureau.workflow.upkeep import store

NEW, EXISTING, SERVER = "new", "existing", "server"


def sqlite_url(path: str) -> str:
    """``sqlite:///`` URL for a file path, also for a Windows drive or a ``\\\\server\\share`` path."""
    text = path.strip().replace("\\", "/")
    if text.startswith("//"):  # a network path: the server goes where a URL has its host
        return f"sqlite:{text}"
    if len(text) > 1 and text[1] == ":":  # C:/Klachten/klachten.db
        return f"sqlite:///{text}"
    return f"sqlite:///{Path(text).expanduser().absolute().as_posix()}"


class DatabaseDialog(QDialog):
    """Which database to use. With ``open_now`` the choice is opened (and made, if new) before the dialog closes."""

    def __init__(self, current_url: str = "", parent: QWidget | None = None, open_now: bool = False):
        super().__init__(parent)
        self.open_now = open_now
        self.url = ""
        self.remember = ""  # for the next start: the office's shared folder, or the URL
        self.setWindowTitle(_("Database kiezen – Klachtenbureau"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        intro = QLabel(_("<b>Welkom bij Klachtenbureau.</b> Waar staat de database met de klachten?") if open_now
                       else _("Kies de database. Klachtenbureau start daarna opnieuw en vraagt u zich aan te melden."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.choice = RadioGroup([
            (NEW, _("Een &nieuwe database op deze computer")),
            (EXISTING, _("De &gedeelde map van het kantoor, of een bestaand databasebestand")),
            (SERVER, _("Een &PostgreSQL-server")),
        ], _("Soort database"))
        layout.addWidget(self.choice)
        form = QFormLayout()
        self.path = QLineEdit()
        self.path_field = Field(_("Map of be&stand"), self.path, _("Gedeelde map of databasebestand"),
                                body=browse_row(self.path, _("B&laderen…"), self._browse))
        form.addRow(self.path_field.label, self.path_field)
        self.server = QLineEdit()
        self.server.setPlaceholderText("postgresql://gebruiker:wachtwoord@server/klachtenbureau")
        self.server_field = Field(_("&Adres"), self.server, _("Adres van de PostgreSQL-server"))
        form.addRow(self.server_field.label, self.server_field)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Verder") if open_now else _("&Openen"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.choice.changed.connect(self._chosen)
        if current_url.startswith(("postgresql://", "postgres://")):
            self.server.setText(current_url)
            self.choice.set_value(SERVER)
        else:  # a file, or the shared folder the office server is found through
            path = sqlite_path(current_url) if current_url.startswith("sqlite:") else current_url
            self.choice.set_value(NEW if open_now and not current_url else EXISTING)
            self.path.setText(str(path or config.data_dir() / "klachten.db"))

    def _chosen(self, code: str) -> None:
        for widget in (self.path_field, self.path_field.label):
            widget.setVisible(code != SERVER)
        for widget in (self.server_field, self.server_field.label):
            widget.setVisible(code == SERVER)
        if code == NEW and not self.path.text():
            self.path.setText(str(config.data_dir() / "klachten.db"))

    def _browse(self) -> None:
        if self.choice.value() == NEW:
            name = files.save_file_name(self, _("Nieuwe database"), self.path.text(), _("Database (*.db)"))
        else:  # the shared folder: it leads to the office server or holds klachten.db (a file can be typed)
            name = files.existing_folder(self, _("Gedeelde map van het kantoor"), self.path.text())
        if name:
            self.path.setText(name)

    def chosen_url(self) -> str:
        """The URL chosen; raises ValidationError (field 'path' or 'server') when it cannot be right."""
        code = self.choice.value()
        if code == SERVER:
            url = self.server.text().strip()
            if not url.startswith(("postgresql://", "postgres://")):
                raise ValidationError({"server": _("Een serveradres begint met postgresql://")})
            return url
        text = self.path.text().strip()
        if not text:
            raise ValidationError({"path": _("Vul in waar het databasebestand staat.")})
        path = Path(text)
        if code == EXISTING and path.is_dir():
            return str(path)  # the shared folder: the office server's connection file, or klachten.db in it
        if code == EXISTING and not path.is_file():
            raise ValidationError({"path": _(
                "Deze map of dit bestand bestaat niet, of de netwerkschijf is niet bereikbaar.")})
        if code == NEW and path.exists():
            raise ValidationError({"path": _(
                "Hier staat al een bestand; kies ‘bestaande database’ of een andere naam.")})
        return sqlite_url(text)

    def accept(self) -> None:
        for field in (self.path_field, self.server_field):
            field.set_problem(None)
        try:
            url = self.chosen_url()
            if self.open_now:
                if self.choice.value() == NEW:
                    Path(self.path.text().strip()).parent.mkdir(parents=True, exist_ok=True)
                if self.choice.value() == EXISTING:
                    url, remember = store.open_office_database(url)
                else:
                    store.open_database(url, create=True)
                    remember = url
        except KlachtenbureauError as exc:
            field = self.server_field if self.choice.value() == SERVER else self.path_field
            message = exc.message
            if isinstance(exc, ValidationError):
                message = exc.errors.get("server") or exc.errors.get("path") or message
            field.set_problem(message)
            field.editor.setFocus()
            return
        except OSError as exc:
            self.path_field.set_problem(_("De map kan niet worden gemaakt: {reason}").format(reason=exc.strerror))
            return
        self.url = url
        self.remember = remember if self.open_now else url
        super().accept()


class SetUpDialog(FormDialog):
    """A database without users: the organisation details and the first administrator."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(_("Eerste keer – Klachtenbureau"), parent)
        self.admin: User | None = None
        intro = QLabel(_("Deze database is nieuw. Vul de gegevens van uw organisatie in (die staan op de brieven; "
                         "wat nog niet bekend is, vult u later aan bij Beheer › Organisatiegegevens) en maak de "
                         "eerste beheerder."))
        intro.setWordWrap(True)
        self.layout_.insertWidget(0, intro)
        current = settings.get("organisation")
        self.org = {}
        for name, label in (("name", _("&Naam organisatie")), ("street", _("&Straat en huisnummer")),
                            ("postcode", _("&Postcode")), ("city", _("Pla&ats")), ("phone", _("&Telefoon")),
                            ("email", _("&E-mail"))):
            # The defaults are placeholders ("Stichting Voorbeeld"): shown as a hint, not as a value.
            edit = QLineEdit()
            edit.setPlaceholderText(str(current.get(name, "")))
            self.org[name] = self.add(name, label, edit, label.replace("&", ""))
        self.org.update(add_route_fields(self, current, settings.get("deadline_profile")))
        heading = QLabel(_("<b>Eerste beheerder</b>"))
        self.form.addRow(heading)
        self.login = self.add("login", _("&Inlognaam"), QLineEdit(os_login()), _("Inlognaam"),
                              _("Uw aanmeldnaam op deze computer; dan staat uw naam straks al klaar."))
        self.full_name = self.add("full_name", _("&Uw naam"), QLineEdit(), _("Uw naam"))
        self.password = self.add("password", _("&Wachtwoord"), QLineEdit(), _("Wachtwoord"),
                                 _("Minstens 8 tekens; hiermee meldt u zich als beheerder aan."))
        self.repeat = self.add("repeat", _("&Herhaal wachtwoord"), QLineEdit(), _("Herhaal wachtwoord"))
        for edit in (self.password, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_buttons(_("&Beginnen"))
        fit_to_screen(self, 720, self.layout_.totalHeightForWidth(720))  # Qt would open it at 2/3 of the screen

    def save(self) -> None:
        def work() -> None:
            errors = {}
            try:
                values = settings.clean_organisation({name: edit.text() for name, edit in self.org.items()})
            except ValidationError as exc:
                errors.update(exc.errors)
            if self.password.text() != self.repeat.text():
                errors["repeat"] = _("De twee wachtwoorden zijn niet gelijk.")
            if not self.full_name.text().strip():
                errors["full_name"] = _("Vul uw naam in.")
            if errors:
                raise ValidationError(errors)
            user = admin.create_first_admin(self.login.text(), self.full_name.text(), self.password.text())
            settings.put(user, "organisation", {**settings.get("organisation"), **values})
            self.admin = user

        if self.attempt(work):
            self.accept()
