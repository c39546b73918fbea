"""Beheer → E-mail: the office's mail server for sending letters and the mailbox complaints arrive in.

The administrator fills it in once for every PC (workflow/mail/mail_settings.py). The password fields stay
empty: a stored password is never shown, and an empty field keeps it. "Testmail versturen" tries the form as
it is, before it is saved, off the UI thread; its result appears in the bar at the top.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.ui import operations
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import Field, MessageBar, fit_to_screen
from klachtenbureau.workflow.mail import incoming, mail_settings, oauth, outgoing
from klachtenbureau.workflow.mail.mail_settings import MailSettings


def _combo(choices: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    for code, label in choices.items():
        combo.addItem(_(label), code)
    return combo


def _port() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, 65535)
    spin.setGroupSeparatorShown(False)
    return spin


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class MailSettingsDialog(QDialog):
    """The form for MailSettings; saved through ``operations.write``, tried with a test mail."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("E-mail instellen"))
        self.message = MessageBar(self)
        stored = mail_settings.load()
        self._kept = stored.public()
        self.fields: dict[str, Field] = {}
        self.edits: dict[str, QWidget] = {}

        smtp_box, smtp = self._group(_("Verzenden (SMTP): brieven per e-mail"))
        self._add(smtp, "smtp_host", _("&Server:"), QLineEdit(), _("Server voor verzenden"))
        self._add(smtp, "smtp_port", _("&Poort:"), _port(), _("Poort voor verzenden"))
        self._add(smtp, "smtp_security", _("&Beveiliging:"), _combo(mail_settings.SMTP_SECURITY),
                  _("Beveiliging bij verzenden"))
        self._add(smtp, "auth", _("&Aanmelden met:"), _combo(mail_settings.AUTHS), _("Aanmelden met"))
        self._add(smtp, "smtp_user", _("&Gebruikersnaam:"), QLineEdit(), _("Gebruikersnaam voor verzenden"))
        self._add(smtp, "smtp_password", _("&Wachtwoord:"), _password(), _("Wachtwoord voor verzenden"))
        self._add(smtp, "from_address", _("Af&zenderadres:"), QLineEdit(), _("Afzenderadres"))
        self._add(smtp, "from_name", _("Afzender&naam:"), QLineEdit(), _("Afzendernaam"))

        imap_box, imap = self._group(_("Ontvangen (IMAP): de mailbox met klachten"))
        self._add(imap, "imap_host", _("Ser&ver:"), QLineEdit(), _("Server voor ontvangen"))
        self._add(imap, "imap_port", _("Poo&rt:"), _port(), _("Poort voor ontvangen"))
        self._add(imap, "imap_security", _("Bevei&liging:"), _combo(mail_settings.IMAP_SECURITY),
                  _("Beveiliging bij ontvangen"))
        self._add(imap, "imap_user", _("Gebr&uikersnaam:"), QLineEdit(), _("Gebruikersnaam van de mailbox"))
        self._add(imap, "imap_password", _("Wachtwoor&d:"), _password(), _("Wachtwoord van de mailbox"))
        self._add(imap, "imap_folder", _("Map met &klachten:"), QLineEdit(), _("Map met klachten"))
        self._add(imap, "imap_done_folder", _("Na a&fhandelen naar:"), QLineEdit(),
                  _("Map voor afgehandelde berichten"))
        self.fields["imap_done_folder"].set_hint(_("Leeg: het bericht blijft staan en krijgt een vlag."))

        form_box, form = self._group(_("Websiteformulier: welke regel van de e-mail welk veld vult"))
        self.mapping = QPlainTextEdit()
        self.mapping.setTabChangesFocus(True)
        self.mapping.setMaximumHeight(110)
        self.fields["form_mapping"] = Field(_("Velden &herkennen:"), self.mapping,
                                            _("Veldnamen van het websiteformulier"))
        self.fields["form_mapping"].set_hint(_("Eén per regel: veldnaam in de e-mail = veld. Leeg: de gebruikelijke "
                                               "Nederlandse veldnamen."))
        form.addRow(self.fields["form_mapping"].label, self.fields["form_mapping"])

        m365_box, m365 = self._group(_("Microsoft 365 (alleen bij aanmelden met Microsoft 365)"))
        self._add(m365, "m365_tenant", _("&Tenant:"), QLineEdit(), _("Tenant van Microsoft 365"))
        self._add(m365, "m365_client_id", _("&Client-id:"), QLineEdit(), _("Client-id van de app-registratie"))
        self.fields["m365_client_id"].set_hint(_("Uit de app-registratie in Microsoft Entra; zie de handleiding "
                                                 "voor beheerders, “E-mail instellen”."))
        self.sign_in_button = QPushButton(_("Aanmelden bij &Microsoft 365…"))
        self.sign_in_button.clicked.connect(self._sign_in)
        m365.addRow(QWidget(), self.sign_in_button)

        self.test_to = QLineEdit()
        self.test_to.setAccessibleName(_("Testmail naar"))
        self.test_to.setPlaceholderText(_("uw eigen e-mailadres"))
        test_label = QLabel(_("T&estmail naar:"))
        test_label.setBuddy(self.test_to)
        self.test_button = QPushButton(_("Testma&il versturen"))
        self.test_button.clicked.connect(self._test)
        test_row = QHBoxLayout()
        test_row.addWidget(test_label)
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("&Opslaan"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Annuleren"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(smtp_box)
        left.addWidget(form_box)
        left.addStretch(1)
        columns.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(imap_box)
        right.addWidget(m365_box)
        right.addStretch(1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(columns)
        layout.addLayout(test_row)
        layout.addWidget(buttons)

        self._fill(stored)
        self.edits["auth"].currentIndexChanged.connect(self._auth_changed)
        self._auth_changed()
        fit_to_screen(self, 1100, self.sizeHint().height() + 80)  # room for the bar and a message at a field

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        return box, QFormLayout(box)

    def _add(self, form: QFormLayout, name: str, label: str, editor: QWidget, accessible: str) -> None:
        field = Field(label, editor, accessible)
        self.fields[name] = field
        self.edits[name] = editor
        form.addRow(field.label, field)

    def _fill(self, stored: MailSettings) -> None:
        for name, edit in self.edits.items():
            value = getattr(stored, name)
            if isinstance(edit, QSpinBox):
                edit.setValue(int(value))
            elif isinstance(edit, QComboBox):
                edit.setCurrentIndex(max(0, edit.findData(value)))
            elif name in mail_settings.SECRETS:
                edit.setPlaceholderText(_("opgeslagen; leeg laten om het te houden") if value else "")
            else:
                edit.setText(str(value))
        self.mapping.setPlainText(incoming.mapping_text(stored.form_mapping or incoming.DEFAULT_FORM_MAPPING))

    def form(self) -> MailSettings:
        """The settings as the form holds them; an empty password field means "keep the stored one".

        Raises ValidationError when a line of the website form's field names cannot be read.
        """
        values: dict[str, object] = {"form_mapping": incoming.parse_mapping(self.mapping.toPlainText())}
        for name, edit in self.edits.items():
            if isinstance(edit, QSpinBox):
                values[name] = edit.value()
            elif isinstance(edit, QComboBox):
                values[name] = edit.currentData()
            else:
                values[name] = edit.text()
        return dataclasses.replace(self._kept, **values)

    def _auth_changed(self) -> None:
        microsoft = self.edits["auth"].currentData() == "microsoft365"
        for name in mail_settings.SECRETS:
            self.edits[name].setEnabled(not microsoft)
        for name in ("m365_tenant", "m365_client_id"):
            self.edits[name].setEnabled(microsoft)
        self.sign_in_button.setEnabled(microsoft)

    def _show_problem(self, problem: KlachtenbureauError) -> None:
        if isinstance(problem, ValidationError):
            shown = [name for name in problem.errors if name in self.fields]
            for name in shown:
                self.fields[name].set_problem(problem.errors[name])
            if shown:
                (self.mapping if shown[0] == "form_mapping" else self.edits[shown[0]]).setFocus()
        self.message.show_message(problem.message, "error")

    def _clear_problems(self) -> None:
        for field in self.fields.values():
            field.set_problem(None)
        self.message.clear()

    def _test(self) -> None:
        self._clear_problems()
        try:
            settings, to = self.form(), self.test_to.text()
        except ValidationError as problem:
            self._show_problem(problem)
            return
        self.test_button.setEnabled(False)
        self.message.show_message(_("Testmail wordt verstuurd…"))

        def sent(_result: None) -> None:
            self.message.show_message(_("De testmail is verstuurd naar {to}. Kijk of hij is aangekomen.").format(
                to=to.strip()), "success")

        operations.query(self, lambda: outgoing.send_test_mail(
            settings.with_stored_passwords(mail_settings.load()), to), sent, self._show_problem,
            always=lambda: self.test_button.setEnabled(True))

    def _sign_in(self) -> None:
        self._clear_problems()
        try:
            settings = self.form()
        except ValidationError as problem:
            self._show_problem(problem)
            return
        self.sign_in_button.setEnabled(False)
        self.message.show_message(_("Meld u aan in de browser die nu opent…"))
        operations.query(self, lambda: oauth.sign_in(settings, settings.smtp_user or settings.imap_user),
                         lambda account: self.message.show_message(
                             _("Deze computer is aangemeld bij Microsoft 365 als {account}.").format(account=account),
                             "success"),
                         self._show_problem, always=self._auth_changed)

    def save(self) -> None:
        self._clear_problems()
        try:
            settings, user = self.form(), self.session.user
        except ValidationError as problem:
            self._show_problem(problem)
            return
        self.save_button.setEnabled(False)
        operations.write(self, self.session,
                         lambda: mail_settings.save(user, settings.with_stored_passwords(mail_settings.load())),
                         lambda _saved: self.accept(), self._show_problem,
                         always=lambda: self.save_button.setEnabled(True))
