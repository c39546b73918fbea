"""Signing in: choose your name (the operating-system login is chosen already); a password only if you have one."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QVBoxLayout,
    QWidget,
)

from klachtenbureau.i18n import _
from klachtenbureau.models import User
from klachtenbureau.models.people import ROLES
from klachtenbureau.ui.widgets import Field
from klachtenbureau.workflow import admin


def os_login() -> str:
    """The login of whoever is signed in to this computer ('' when the system does not say)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


class SignInDialog(QDialog):
    def __init__(self, users: list[User], preselect: User | None = None, locked: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Aanmelden – Klachtenbureau"))
        self.setMinimumWidth(440)
        self.users = users
        self.user: User | None = None
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
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field = Field(_("&Wachtwoord"), self.password, _("Wachtwoord"))
        form.addRow(self.password_field.label, self.password_field)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Aanmelden"))
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
        needs = user is not None and admin.needs_password(user)
        self.password_field.setVisible(needs)
        self.password_field.label.setVisible(needs)
        self.password_field.set_problem(None)
        self.password.clear()
        (self.password if needs else self.name).setFocus()
        self.adjustSize()

    def accept(self) -> None:
        user = self.chosen_user()
        if user is None:
            self.name_field.set_problem(_("Kies uw naam uit de lijst."))
            return
        if not admin.check_password(user, self.password.text()):
            self.password_field.set_problem(_("Dit wachtwoord klopt niet. Probeer het opnieuw of vraag de beheerder."))
            self.adjustSize()
            self.password.clear()
            self.password.setFocus()
            return
        self.user = user
        super().accept()


def sign_in(login: str | None = None, parent: QWidget | None = None) -> User | None:
    """The user who signs in, or None when they close the window.

    With ``login`` (``--user``) the choice is skipped; a password is still asked if that user has one.
    """
    users = admin.sign_in_users()
    user = admin.get_user(login) if login else None
    if login and user is None:
        QMessageBox.warning(parent, _("Aanmelden"), _(
            "Gebruiker {login} bestaat niet of is niet actief; kies uw naam uit de lijst.").format(login=login))
    if user is not None and not admin.needs_password(user):
        return user
    if user is not None:
        dialog = SignInDialog([user], user, locked=True, parent=parent)
    else:
        dialog = SignInDialog(users, admin.match_login(os_login(), users), parent=parent)
    return dialog.user if dialog.exec() else None
