"""Handing one message to the office's SMTP server, with every failure sorted by what it means for the mail.

Three outcomes matter, and each has its own typed error with a Dutch message:

- not handed over (server or network away, DNS, a 4xx answer): ``MailQueuedError``; sending again is safe;
- refused for good (5xx, a recipient refused, sign-in refused, TLS failed): ``MailError``; a person must act;
- unknown (the connection broke after the whole message went, before the server answered): ``MailUncertainError``.
  The server may have delivered it, so it is never sent again without a person deciding.

The commands MAIL, RCPT and DATA are given one by one (not smtplib's sendmail) so the moment of hand-over is
known exactly: ``before_data`` runs just before the message goes, and may record that it is about to.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Callable

from klachtenbureau.errors import MailError, MailQueuedError, MailUncertainError
from klachtenbureau.i18n import _
from klachtenbureau.workflow.mail import oauth
from klachtenbureau.workflow.mail.mail_settings import MailSettings

TIMEOUT = 30.0  # seconds a mail server may take to answer one step


def _reply(code: int, reply: bytes | str) -> str:
    """The server's answer as it said it ("550 5.1.1 User unknown"), for the user and whoever helps them."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join([str(code), *text.split()])


def _connection_problem(exc: BaseException, s: MailSettings) -> MailError:
    """What went wrong before the message was handed over, as the error it is."""
    where = {"host": s.smtp_host, "port": s.smtp_port}
    if isinstance(exc, oauth.SignInNeededError):
        return exc
    if isinstance(exc, ssl.SSLError):  # before OSError: it is one
        return MailError(_("De beveiligde verbinding met mailserver {host} is mislukt ({reason}). Controleer de "
                           "poort en de beveiliging: meestal 587 met STARTTLS of 465 met SSL/TLS.").format(
            reason=getattr(exc, "verify_message", None) or exc.reason or exc, **where))
    if isinstance(exc, socket.gaierror):
        return MailQueuedError(_("Mailserver {host} is niet te vinden. Controleer de internetverbinding en de naam "
                                 "van de server in Beheer → E-mail.").format(**where))
    if isinstance(exc, ConnectionRefusedError):
        return MailQueuedError(_("Mailserver {host} neemt op poort {port} geen verbinding aan. Misschien is hij "
                                 "even weg, of klopt de poort niet.").format(**where))
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return MailQueuedError(_("Mailserver {host} antwoordt niet op poort {port}. Controleer de internetverbinding, "
                                 "de poort en de beveiliging.").format(**where))
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError(_("Mailserver {host} weigert de aanmelding van {user}: {reply}. Controleer de gebruikersnaam "
                           "en het (app-)wachtwoord in Beheer → E-mail.").format(
            user=s.smtp_user, reply=_reply(exc.smtp_code, exc.smtp_error), **where))
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError(_("Mailserver {host} ondersteunt dit niet: {reason}. Kies een andere beveiliging of "
                           "aanmelding in Beheer → E-mail.").format(reason=exc, **where))
    if isinstance(exc, smtplib.SMTPSenderRefused):
        if 400 <= exc.smtp_code < 500:
            return MailQueuedError(_("Mailserver {host} kan de e-mail nu niet aannemen: {reply}.").format(
                reply=_reply(exc.smtp_code, exc.smtp_error), **where))
        return MailError(_("Mailserver {host} weigert het afzenderadres {sender}: {reply}. Het afzenderadres in "
                           "Beheer → E-mail moet bij het account van de mailserver horen.").format(
            sender=exc.sender, reply=_reply(exc.smtp_code, exc.smtp_error), **where))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        (address, (code, reply)), *_rest = exc.recipients.items()
        if 400 <= code < 500:
            return MailQueuedError(_("Mailserver {host} kan de e-mail voor {to} nu niet aannemen: {reply}.").format(
                to=address, reply=_reply(code, reply), **where))
        return MailError(_("Mailserver {host} weigert het adres {to}: {reply}. Controleer het e-mailadres.").format(
            to=address, reply=_reply(code, reply), **where))
    if isinstance(exc, smtplib.SMTPResponseException):
        if 400 <= exc.smtp_code < 500:
            return MailQueuedError(_("Mailserver {host} kan de e-mail nu niet aannemen: {reply}.").format(
                reply=_reply(exc.smtp_code, exc.smtp_error), **where))
        return MailError(_("Mailserver {host} weigert de e-mail: {reply}.").format(
            reply=_reply(exc.smtp_code, exc.smtp_error), **where))
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        return MailQueuedError(_("De verbinding met mailserver {host} is verbroken ({reason}).").format(
            reason=exc.__class__.__name__, **where))
    raise exc


def connect(s: MailSettings, timeout: float = TIMEOUT) -> smtplib.SMTP:
    """An SMTP session with the office's server, encrypted and signed in as set up."""
    context = ssl.create_default_context()
    if s.smtp_security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=timeout)
    try:
        smtp.ehlo()
        if s.smtp_security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if s.auth == "microsoft365":
            token = oauth.access_token(s, s.smtp_user, [oauth.SMTP_SCOPE])
            initial = oauth.xoauth2(s.smtp_user, token)
            # A refused token gets a 334 with an error in JSON; the empty answer ends the exchange with a 535.
            smtp.auth("XOAUTH2", lambda challenge=None: initial if challenge is None else "")
        elif s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _dot_stuffed(raw: bytes) -> bytes:
    """The message as DATA carries it: CRLF line ends, a leading dot doubled, ended by a line with one dot."""
    data = re.sub(rb"(?m)^\.", b"..", re.sub(rb"\r?\n", b"\r\n", raw))
    return (data if data.endswith(b"\r\n") else data + b"\r\n") + b".\r\n"


def transmit(s: MailSettings, sender: str, recipients: list[str], raw: bytes,
             before_data: Callable[[], None] | None = None, timeout: float = TIMEOUT) -> None:
    """Hand ``raw`` to the server for ``recipients``; returns only once the server accepted it (250).

    Raises MailQueuedError, MailError or MailUncertainError as the module docstring says.
    """
    try:
        smtp = connect(s, timeout)
    except (smtplib.SMTPException, OSError, oauth.SignInNeededError) as exc:
        raise _connection_problem(exc, s) from exc
    try:
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            for address in recipients:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({address: (code, reply)})
            code, reply = smtp.docmd("DATA")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            if before_data is not None:
                before_data()
            smtp.send(_dot_stuffed(raw))  # failing here, the server has no end of the message: not delivered
        except (smtplib.SMTPException, OSError) as exc:
            raise _connection_problem(exc, s) from exc
        try:
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            raise MailUncertainError(_(
                "De verbinding met mailserver {host} viel weg nadat de e-mail was overgedragen, voordat de server "
                "antwoordde. Misschien is de e-mail verstuurd, misschien niet.").format(host=s.smtp_host)) from exc
        if code != 250:
            raise _connection_problem(smtplib.SMTPDataError(code, reply), s)
    finally:
        _quit(smtp)
