"""Signing in to Microsoft 365 for SMTP and IMAP (OAuth2 with MSAL), and the XOAUTH2 string both protocols send.

Microsoft 365 no longer takes a password over SMTP and IMAP for most tenants. The office registers the
application once in Microsoft Entra (docs/beheer.md, "E-mail instellen") and enters its client id and tenant in
Beheer → E-mail. Each PC then signs in once, in the browser or with a code (the mail account, not the desk
user's); MSAL keeps the refresh token in this PC's data folder and renews the access token silently.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from klachtenbureau import config
from klachtenbureau.errors import MailError
from klachtenbureau.i18n import _
from klachtenbureau.workflow.mail.mail_settings import MailSettings

if TYPE_CHECKING:
    import msal

log = logging.getLogger(__name__)

SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"
IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All"
SCOPES = [SMTP_SCOPE, IMAP_SCOPE]


class SignInNeededError(MailError):
    """No valid Microsoft 365 token on this PC: somebody has to sign in (Beheer → E-mail)."""


def xoauth2(user: str, access_token: str) -> str:
    """The SASL XOAUTH2 initial response, before base64 (smtplib and imaplib encode it)."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01"


def xoauth2_base64(user: str, access_token: str) -> str:
    return base64.b64encode(xoauth2(user, access_token).encode()).decode("ascii")


def cache_path() -> Path:
    return config.data_dir() / "microsoft365-tokens.json"


def _application(settings: MailSettings) -> tuple[msal.PublicClientApplication, msal.SerializableTokenCache]:
    import msal  # here, not at the top: msal and requests take 0.1 s of every start, and few offices sign in this way

    cache = msal.SerializableTokenCache()
    path = cache_path()
    if path.exists():
        try:
            cache.deserialize(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("Aanmeldgegevens van Microsoft 365 zijn niet te lezen; opnieuw aanmelden: %s", exc)
    authority = f"https://login.microsoftonline.com/{settings.m365_tenant or 'organizations'}"
    return msal.PublicClientApplication(settings.m365_client_id, authority=authority, token_cache=cache), cache


def _keep(cache: msal.SerializableTokenCache) -> None:
    """Write the cache back when MSAL changed it (a renewed token), whole or not at all."""
    if cache.has_state_changed:
        path = cache_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(cache.serialize(), encoding="utf-8")
        tmp.replace(path)


def _token(result: dict[str, Any] | None) -> str:
    if result and "access_token" in result:
        return str(result["access_token"])
    reason = (result or {}).get("error_description") or (result or {}).get("error") or ""
    raise SignInNeededError(_("Aanmelden bij Microsoft 365 is niet gelukt. Meld opnieuw aan via Beheer → E-mail."
                              " {reason}").format(reason=reason).strip())


def access_token(settings: MailSettings, account: str, scopes: list[str] | None = None) -> str:
    """A valid access token for ``account`` from this PC's cache, renewed silently; else SignInNeededError."""
    app, cache = _application(settings)
    accounts = [a for a in app.get_accounts() if a.get("username", "").lower() == account.lower()]
    if not accounts:
        raise SignInNeededError(_("Deze computer is nog niet aangemeld bij Microsoft 365 als {account}. Meld aan "
                                  "via Beheer → E-mail.").format(account=account))
    result = app.acquire_token_silent(scopes or SCOPES, account=accounts[0])
    _keep(cache)
    return _token(result)


def sign_in(settings: MailSettings, account: str, show_code: Callable[[str], None] | None = None) -> str:
    """Sign in to Microsoft 365 as ``account`` on this PC, once; returns the account name signed in with.

    In the browser (MSAL opens it and listens on localhost), or, with ``show_code``, with a code typed on
    microsoft.com/devicelogin: ``show_code`` gets the instruction in the user's language to show. Blocks until
    done: run it off the UI thread.
    """
    app, cache = _application(settings)
    if show_code is None:
        result = app.acquire_token_interactive(SCOPES, login_hint=account or None, timeout=300)
    else:
        flow = app.initiate_device_flow(SCOPES)
        if "user_code" not in flow:
            _token(flow)
        show_code(str(flow["message"]))
        result = app.acquire_token_by_device_flow(flow)
    _token(result)
    _keep(cache)
    claims = (result or {}).get("id_token_claims") or {}
    return str(claims.get("preferred_username") or account)
