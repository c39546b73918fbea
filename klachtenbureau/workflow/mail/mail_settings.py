"""The office's mail set-up: one setting "mail" in the database, made by the administrator in Beheer → E-mail.

The passwords (SMTP and IMAP) are stored in that setting, in the office database, and not on one PC: every
PC of the office sends and reads with the same account, and a PC that never saw the dialog must be able to
send. Whoever can read the database file or the server can read them, so the administrator uses an app
password made for this application where the provider offers one. ``load()`` is for the workflow that
connects; what is shown to a person (``public``, the dialog) or written to the audit log ("wachtwoord
gewijzigd") never holds a password.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import N_, _
from klachtenbureau.models import User
from klachtenbureau.workflow import permissions, settings
from klachtenbureau.workflow.operations import CHANGED
from klachtenbureau.workflow.validation import normalize_email

KEY = "mail"
SMTP_SECURITY = {"starttls": N_("STARTTLS (meestal poort 587)"), "ssl": N_("SSL/TLS (meestal poort 465)"),
                 "none": N_("Geen versleuteling (alleen binnen het eigen netwerk)")}
IMAP_SECURITY = {"ssl": N_("SSL/TLS (meestal poort 993)"), "starttls": N_("STARTTLS (meestal poort 143)"),
                 "none": N_("Geen versleuteling (alleen binnen het eigen netwerk)")}
AUTHS = {"password": N_("Wachtwoord of app-wachtwoord"), "microsoft365": N_("Microsoft 365 (aanmelden via OAuth2)")}
SECRETS = ("smtp_password", "imap_password")


@dataclasses.dataclass(frozen=True)
class MailSettings:
    """How this office sends (SMTP) and reads (IMAP) mail. Passwords are left out of ``repr``."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls | ssl | none
    smtp_user: str = ""
    smtp_password: str = dataclasses.field(default="", repr=False)
    auth: str = "password"  # password | microsoft365 (then the users are the Microsoft 365 accounts)
    from_address: str = ""
    from_name: str = ""
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "ssl"  # ssl | starttls | none
    imap_user: str = ""
    imap_password: str = dataclasses.field(default="", repr=False)
    imap_folder: str = "INBOX"
    imap_done_folder: str = ""  # where a handled message is moved; empty: it is flagged where it is
    m365_tenant: str = ""  # the directory (tenant) id or domain; empty: any work or school account
    m365_client_id: str = ""  # the application (client) id of the office's app registration
    form_mapping: dict[str, str] = dataclasses.field(default_factory=dict)  # form label -> intake field name

    def smtp_ready(self) -> bool:
        """Enough is set up to send: a server, an address to send from, and a way to sign in."""
        if not (self.smtp_host and self.from_address):
            return False
        return bool(self.m365_client_id and self.smtp_user) if self.auth == "microsoft365" else True

    def imap_ready(self) -> bool:
        if not (self.imap_host and self.imap_user and self.imap_folder):
            return False
        return bool(self.m365_client_id) if self.auth == "microsoft365" else bool(self.imap_password)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MailSettings:
        """From the stored setting; keys this version does not know are left out."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in names})

    def public(self) -> MailSettings:
        """The same without the passwords: for a form, a message, a log line."""
        return dataclasses.replace(self, smtp_password="", imap_password="")

    def with_stored_passwords(self, stored: MailSettings) -> MailSettings:
        """A password left empty in the form keeps the stored one (the form never shows it)."""
        return dataclasses.replace(self, **{name: getattr(self, name) or getattr(stored, name) for name in SECRETS})


def load() -> MailSettings:
    """The office's mail set-up, passwords included: for the workflow that connects, not for showing."""
    return MailSettings.from_json(settings.get(KEY))


def _port_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        return _("Een poort is een getal van 1 tot en met 65535.")
    return None


def _host_problem(value: str) -> str | None:
    if value and (any(c.isspace() for c in value) or "/" in value or ":" in value or "@" in value):
        return _("Vul alleen de naam van de server in, zoals smtp.voorbeeld.nl (zonder https:// of poort).")
    return None


def clean(s: MailSettings) -> MailSettings:
    """``s`` with its text trimmed and the address normalised; a ValidationError names every bad field."""
    s = dataclasses.replace(s, **{f.name: getattr(s, f.name).strip() for f in dataclasses.fields(s)
                                  if isinstance(getattr(s, f.name), str) and f.name not in SECRETS})
    errors: dict[str, str] = {}
    for name in ("smtp_host", "imap_host"):
        problem = _host_problem(getattr(s, name))
        if problem:
            errors[name] = problem
    for name in ("smtp_port", "imap_port"):
        problem = _port_problem(getattr(s, name))
        if problem:
            errors[name] = problem
    if s.smtp_security not in SMTP_SECURITY:
        errors["smtp_security"] = _("Kies STARTTLS, SSL/TLS of geen versleuteling.")
    if s.imap_security not in IMAP_SECURITY:
        errors["imap_security"] = _("Kies SSL/TLS, STARTTLS of geen versleuteling.")
    if s.auth not in AUTHS:
        errors["auth"] = _("Kies aanmelden met een wachtwoord of met Microsoft 365.")
    try:
        s = dataclasses.replace(s, from_address=normalize_email(s.from_address))
    except ValidationError as exc:
        errors["from_address"] = exc.errors["email"]
    if s.smtp_host and not s.from_address and "from_address" not in errors:
        errors["from_address"] = _("Vul het e-mailadres in waarvandaan de brieven verstuurd worden.")
    if s.imap_host and not s.imap_user:
        errors["imap_user"] = _("Vul de gebruikersnaam van de mailbox in (meestal het e-mailadres).")
    if s.imap_host and not s.imap_folder:
        errors["imap_folder"] = _("Vul de map in waarin de klachten binnenkomen, bijvoorbeeld INBOX.")
    if s.auth == "microsoft365":
        if not s.m365_client_id:
            errors["m365_client_id"] = _("Vul de toepassings-id (client-id) van de app-registratie in; zie de "
                                         "handleiding voor beheerders.")
        if s.smtp_host and not s.smtp_user:
            errors["smtp_user"] = _("Vul het Microsoft 365-account in waarmee verstuurd wordt.")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in s.form_mapping.items()):
        errors["form_mapping"] = _("De koppeling van het websiteformulier is niet leesbaar.")
    if errors:
        raise ValidationError(errors)
    return s


def save(user: User, s: MailSettings, operation_id: str | None = None) -> MailSettings:
    """Store the office's mail set-up (administrators only); the audit log says only that a password changed."""
    permissions.require_admin(user)
    cleaned = clean(s)
    stored = load()
    secret_changed = any(getattr(cleaned, name) != getattr(stored, name) for name in SECRETS)
    settings.put(user, KEY, cleaned.to_json(), operation_id, audit={"password": CHANGED} if secret_changed else None)
    return cleaned
