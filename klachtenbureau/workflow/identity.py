"""Proving who signs in (issue 13): a password, or the Windows account this PC is signed in with.

The desk (ui/signin.py) and the command line (cli.py) both end in :func:`sign_in`, which checks the proof, logs
the attempt (never the password) and refuses a name whose password was guessed wrong too often. Who sees every
confidential complaint never signs in by a name alone (``permissions.needs_proof_of_identity``).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import enum
import os
import socket
import sys

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _
from klachtenbureau.models import AuditEntry, User
from klachtenbureau.models.base import now
from klachtenbureau.workflow import admin, permissions, settings
from klachtenbureau.workflow.operations import Outcome, perform
from klachtenbureau.workflow.passwords import verify_password

MAX_FAILURES = 5  # wrong passwords for one name within LOCK_TIME, then that name waits
LOCK_TIME = dt.timedelta(minutes=15)
DESK, COMMAND_LINE = "desk", "command_line"  # where an attempt was made, for the audit log


class Proof(enum.Enum):
    """What signing in as a user takes on this PC now."""

    NONE = "none"  # picking the name: no password, and not a role that needs proof
    WINDOWS = "windows"  # this PC's Windows account is the user's
    PASSWORD = "password"
    CHOOSE_PASSWORD = "choose_password"  # the first administrator to prove themself after an upgrade sets one now
    MISSING = "missing"  # needs proof and has none: the administrator sets a password


class SignInRefused(KlachtenbureauError):
    """A wrong or missing password, or a name locked after too many wrong ones."""


def os_account() -> str:
    """``DOMEIN\\naam`` of the account this program runs as, asked of the system, not of environment variables
    (USERNAME and USERDOMAIN are whatever whoever starts the program sets); '' when the system does not say.
    Tests replace this function: the signed-in account is outside the application."""
    if sys.platform == "win32":
        size = ctypes.c_ulong(0)
        get_name = ctypes.windll.secur32.GetUserNameExW  # type: ignore[attr-defined]
        get_name(2, None, ctypes.byref(size))  # 2: NameSamCompatible, DOMEIN\naam
        buffer = ctypes.create_unicode_buffer(size.value or 1)
        return buffer.value if size.value and get_name(2, buffer, ctypes.byref(size)) else ""
    import pwd

    try:
        return f"{socket.gethostname()}\\{pwd.getpwuid(os.getuid()).pw_name}"
    except (KeyError, OSError):
        return ""


def clean_account(text: str) -> str:
    """A Windows account as stored and compared: ``DOMEIN\\naam``, trimmed, in lower case."""
    return text.strip().lower()


def windows_user() -> User | None:
    """The active user whose Windows account this program runs as, when the office signs in that way."""
    account = clean_account(os_account())
    if not account or "\\" not in account or not settings.get("windows_sign_in"):
        return None
    return next((u for u in admin.sign_in_users() if u.windows_account == account), None)


def proof_for(user: User) -> Proof:
    """What signing in as ``user`` takes here; PASSWORD for whoever has one, whatever their role."""
    windows = windows_user()
    if windows is not None and windows.id == user.id:
        return Proof.WINDOWS
    if user.password_hash:
        return Proof.PASSWORD
    if not permissions.needs_proof_of_identity(user):
        return Proof.NONE
    by_windows = bool(settings.get("windows_sign_in"))
    if permissions.is_admin(user) and not any(permissions.is_admin(u) and (
            u.password_hash or (by_windows and u.windows_account)) for u in admin.sign_in_users()):
        return Proof.CHOOSE_PASSWORD
    return Proof.MISSING


def missing_message(user: User) -> str:
    """Why ``user`` cannot sign in without a password, and whom to ask."""
    admins = [u.full_name for u in admin.sign_in_users() if permissions.is_admin(u) and u.id != user.id]
    return _("{name} ziet vertrouwelijke klachten en meldt zich daarom aan met een wachtwoord of het "
             "Windows-account. Er is nog geen wachtwoord ingesteld: vraag de beheerder ({admins}) dat te doen "
             "bij Beheer › Gebruikers.").format(name=user.full_name, admins=", ".join(admins) or _("geen"))


def _failures_since(user: User, since: dt.datetime) -> int:
    last_success = (AuditEntry.select(AuditEntry.at)
                    .where((AuditEntry.action == "sign_in") & (AuditEntry.entity == User._meta.table_name)
                           & (AuditEntry.entity_id == user.id))
                    .order_by(AuditEntry.id.desc()).limit(1).scalar())
    if last_success is not None and last_success > since:
        since = last_success
    return (AuditEntry.select()
            .where((AuditEntry.action == "sign_in_failed") & (AuditEntry.entity == User._meta.table_name)
                   & (AuditEntry.entity_id == user.id) & (AuditEntry.at > since))
            .count())


def _log(user: User, action: str, changes: dict[str, str]) -> None:
    def body() -> Outcome:
        return Outcome(user, {**changes, "account": os_account()})

    perform(user, action, body)


def sign_in(user: User, password: str | None, where: str = DESK) -> User:
    """``user`` when the proof holds (logged as ``sign_in``); otherwise SignInRefused, logged as ``sign_in_failed``
    (or ``sign_in_locked`` while a name waits after MAX_FAILURES wrong passwords within LOCK_TIME)."""
    proof = proof_for(user)
    if proof is Proof.WINDOWS or proof is Proof.NONE:
        _log(user, "sign_in", {"method": proof.value, "where": where})
        return user
    if proof is not Proof.PASSWORD:
        _log(user, "sign_in_failed", {"reason": proof.value, "where": where})
        raise SignInRefused(missing_message(user) if proof is Proof.MISSING else _(
            "Kies eerst een wachtwoord: meld u aan in Klachtenbureau op het bureaublad."))
    if _failures_since(user, now() - LOCK_TIME) >= MAX_FAILURES:
        _log(user, "sign_in_locked", {"where": where})
        raise SignInRefused(_("Te vaak een verkeerd wachtwoord voor {name}. Probeer het over {minutes} minuten "
                              "opnieuw, of vraag de beheerder.").format(name=user.full_name,
                                                                        minutes=int(LOCK_TIME.total_seconds() // 60)))
    if not password or not verify_password(password, user.password_hash):
        _log(user, "sign_in_failed", {"reason": "password", "where": where})
        raise SignInRefused(_("Dit wachtwoord klopt niet. Probeer het opnieuw of vraag de beheerder."))
    _log(user, "sign_in", {"method": proof.value, "where": where})
    return user


def choose_first_password(user: User, password: str, where: str = DESK) -> User:
    """The first administrator after an upgrade to version 7 sets their password and is signed in with it."""
    if proof_for(user) is not Proof.CHOOSE_PASSWORD:
        raise SignInRefused(_("Er is al een beheerder met een wachtwoord; vraag die om uw wachtwoord."))
    user = admin.set_password(user, user, password)
    _log(user, "sign_in", {"method": "new_password", "where": where})
    return user
