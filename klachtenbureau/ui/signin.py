"""Signing in: choose your name (the operating-system login is chosen already), then prove it where that is
needed: a password, or nothing more when the office signs in with the Windows account (workflow.identity)."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QVBoxLayout,
    QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import User
from klachtenbureau.models.people import ROLES
from klachtenbureau.ui.widgets import Field
from klachtenbureau.workflow import admin, identity
from klachtenbureau.workflow.identity import Proof


def os_login() -> str:
    """The login of whoever is signed in to this computer ('' when the system does not say): the name offered first.
    It proves nothing (the environment says it); identity.os_account asks the system."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


class SignInDialog(QDialog):
    def __init__(self, users: list[User], preselect: User | None = None, locked: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Aanmelden – Klachtenbureau"))
        self.setMinimumWidth(480)
        self.users = users
        self.user: User | None = None
        self.proof = Proof.NONE
        layout = QVBoxLayout(self)
        intro = QLabel(_("Kies uw naam om te beginnen."))
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QComboBox()
        for user in users:
            self.name.addItem(f"{user.full_name} ({_(ROLES[user.role]).lower()})", user.id)
        if preselect is not None:
            self.name.setCurrentIndex(self.name.findData(preselect.id))
        self.name.setEnabled(not locked)
        self.name_field = Field(_("&Naam"), self.name, _("Uw naam"))
        form.addRow(self.name_field.label, self.name_field)
        self.password = QLineEdit()
        self.password_field = Field(_("&Wachtwoord"), self.password, _("Wachtwoord"))
        form.addRow(self.password_field.label, self.password_field)
        self.repeat = QLineEdit()  # only when choosing the first administrator's password
        self.repeat_field = Field(_("&Herhaal wachtwoord"), self.repeat, _("Herhaal wachtwoord"))
        form.addRow(self.repeat_field.label, self.repeat_field)
        for edit in (self.password, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addLayout(form)
        self.note = QLabel()  # how this name signs in, when that needs saying
        self.note.setWordWrap(True)
        self.note.setAccessibleName(_("Aanmelden – melding"))
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("&Aanmelden"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Afsluiten"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.name.currentIndexChanged.connect(self._chosen)
        self._chosen()

    def chosen_user(self) -> User | None:
        return next((u for u in self.users if u.id == self.name.currentData()), None)

    def _chosen(self) -> None:
        user = self.chosen_user()
        self.proof = identity.proof_for(user) if user is not None else Proof.NONE
        asks = self.proof in (Proof.PASSWORD, Proof.CHOOSE_PASSWORD)
        for field, shown in ((self.password_field, asks), (self.repeat_field, self.proof is Proof.CHOOSE_PASSWORD)):
            field.setVisible(shown)
            field.label.setVisible(shown)
            field.set_problem(None)
            field.editor.clear()
        self.password_field.hint.setText(_("Minstens 8 tekens; hiermee meldt u zich voortaan aan."))
        self.password_field.hint.setVisible(self.proof is Proof.CHOOSE_PASSWORD)
        notes = {
            Proof.WINDOWS: _("U bent op deze computer aangemeld met uw Windows-account; een wachtwoord is niet "
                             "nodig."),
            Proof.CHOOSE_PASSWORD: _("Een beheerder meldt zich aan met een wachtwoord, en er is er nog geen. Kies "
                                     "nu uw wachtwoord."),
            Proof.MISSING: identity.missing_message(user) if user is not None else "",
        }
        self.note.setText(notes.get(self.proof, ""))
        self.note.setVisible(self.proof in notes)
        self.ok.setEnabled(self.proof is not Proof.MISSING)
        (self.password if asks else self.name).setFocus()
        self.adjustSize()

    def accept(self) -> None:
        user = self.chosen_user()
        if user is None:
            self.name_field.set_problem(_("Kies uw naam uit de lijst."))
            return
        try:
            if self.proof is Proof.CHOOSE_PASSWORD:
                if self.password.text() != self.repeat.text():
                    raise ValidationError({"repeat": _("De twee wachtwoorden zijn niet gelijk.")})
                self.user = identity.choose_first_password(user, self.password.text())
            else:
                self.user = identity.sign_in(user, self.password.text() or None)
        except ValidationError as exc:
            field = self.repeat_field if "repeat" in exc.errors else self.password_field
            field.set_problem(exc.errors.get("repeat") or exc.errors.get("password") or exc.message)
            field.editor.setFocus()
            self.adjustSize()
            return
        except KlachtenbureauError as exc:  # a wrong password, a name that waits, the database gone
            target = self.password_field if self.password_field.isVisibleTo(self) else self.name_field
            target.set_problem(exc.message)
            self.password.clear()
            target.editor.setFocus()
            self.adjustSize()
            return
        super().accept()


def sign_in(login: str | None = None, parent: QWidget | None = None) -> User | None:
    """The user who signs in, or None when they close the window.

    With ``login`` (``--user``) the choice is skipped; a password is still asked where one is needed. Without it,
    this PC's Windows account (where the office signs in that way) or else its login is offered first.
    """
    users = admin.sign_in_users()
    user = admin.get_user(login) if login else None
    if login and user is None:
        QMessageBox.warning(parent, _("Aanmelden"), _(
            "Gebruiker {login} bestaat niet of is niet actief; kies uw naam uit de lijst.").format(login=login))
    if user is not None:
        dialog = SignInDialog([user], user, locked=True, parent=parent)
        if dialog.proof in (Proof.NONE, Proof.WINDOWS):
            dialog.accept()  # signs in (and logs it) without asking; a problem is shown in the dialog below
            if dialog.user is not None:
                return dialog.user
    else:
        first = identity.windows_user() or admin.match_login(os_login(), users)
        dialog = SignInDialog(users, first, parent=parent)
    return dialog.user if dialog.exec() else None
