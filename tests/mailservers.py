"""A real SMTP server for the mail tests: aiosmtpd in a thread on localhost, with TLS and AUTH when asked.

``SmtpServer`` receives into ``messages`` (the raw bytes as they arrived), can refuse recipients with a 550,
answer DATA with a 4xx, or drop the connection after the whole message arrived and before answering (the
unknown outcome). TLS uses a self-signed certificate for localhost made here with ``cryptography``; a client
trusts it through ``SSL_CERT_FILE`` (``trust``), as Python's default context reads that.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import email
import email.policy
import ipaddress
import logging
import socket
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd warns of its own deprecations on every AUTH


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (and 127.0.0.1): (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "localhost.pem", folder / "localhost.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def server_context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@dataclasses.dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, smtp: SMTP, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.server.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, session: Any, envelope: Any) -> str:
        if self.server.busy:
            return "451 4.3.0 Try again later"
        self.server.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if self.server.on_data is not None:
            self.server.on_data()
        if self.server.drop_after_data:
            smtp.transport.abort()  # the message is here; the client never hears the answer
        return "250 2.0.0 Ok: queued"

    async def auth_XOAUTH2(self, smtp: SMTP, args: list[str]) -> AuthResult:
        """RFC 7628-style XOAUTH2 as Microsoft 365 and Gmail speak it; the token must be ``server.token``."""
        blob = base64.b64decode(args[1]) if len(args) == 2 else await smtp.challenge_auth("")
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        if fields.get("auth") == f"Bearer {self.server.token}" and fields.get("user") == self.server.login:
            self.server.signed_in.append(fields["user"])
            return AuthResult(success=True, auth_data=fields["user"])
        await smtp.challenge_auth(b'{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/"}')
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """One aiosmtpd server on localhost; ``start``/``stop`` (or ``with``), ``messages`` what it received.

    ``tls``: "starttls" or "ssl" with a certificate made in ``folder``; ``login``/``password``: AUTH LOGIN/PLAIN
    required with these; ``token``: XOAUTH2 accepted with this bearer token for ``login``.
    """

    def __init__(self, port: int | None = None, tls: str = "none", folder: Path | None = None,
                 login: str = "", password: str = "", token: str = ""):
        self.port = port or free_port()
        self.tls, self.login, self.password, self.token = tls, login, password, token
        self.messages: list[Received] = []
        self.signed_in: list[str] = []
        self.refuse: set[str] = set()
        self.busy = False
        self.drop_after_data = False
        self.on_data: Callable[[], None] | None = None  # runs in the server's thread once a message is in
        self.cert_file: Path | None = None
        context = None
        if tls != "none":
            assert folder is not None
            self.cert_file, key_file = make_certificate(folder)
            context = server_context(self.cert_file, key_file)
        kwargs: dict[str, Any] = {}
        if tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif tls == "ssl":
            kwargs.update(ssl_context=context)
        if login:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=tls != "none")
        self._kwargs = kwargs
        self.controller: Controller | None = None

    def _authenticate(self, smtp: SMTP, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
                self.login, self.password):
            self.signed_in.append(self.login)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def start(self) -> SmtpServer:
        self.controller = Controller(_Handler(self), hostname=HOST, port=self.port, **self._kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        assert self.controller is not None
        self.controller.stop()
        self.controller.loop.close()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def settings(self, **changes: Any) -> Any:
        """MailSettings that send to this server (as the administrator would fill them in)."""
        from klachtenbureau.workflow.mail.mail_settings import MailSettings

        values: dict[str, Any] = {"smtp_host": "localhost", "smtp_port": self.port, "smtp_security": self.tls,
                                  "smtp_user": self.login, "smtp_password": self.password,
                                  "from_address": "klachten@vierhetleven.nl", "from_name": "Stichting Vier het Leven"}
        return MailSettings(**{**values, **changes})
