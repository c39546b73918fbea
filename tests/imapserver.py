"""Throwaway Dovecot IMAP server for the test suite.

Usage::

    server = ImapServer(tmp_path / "imap")
    server.start()          # plaintext + STARTTLS on server.port, IMAPS on server.ssl_port
    server.append(raw_bytes)                      # into the test user's INBOX, over IMAP
    ...
    server.stop()

Everything lives in the base directory: the configuration, a self-signed certificate made with the openssl
command (``server.cert``: trust it with ``SSL_CERT_FILE``), a passwd-file with one user (``USER`` /
``PASSWORD``), the maildirs, the log and Dovecot's runtime directory. Dovecot runs as the current user (root
included: then every service and the mail user are root too), listens on 127.0.0.1 on free ports, and is stopped
with ``doveadm stop``. It is for tests only: plaintext logins are allowed without TLS.

This module has no pytest dependency.
"""

from __future__ import annotations

import atexit
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["find_dovecot", "ImapServer", "USER", "PASSWORD"]

USER = "klachten@example.org"
PASSWORD = "geheim-Wachtwoord-1"
_START_TIMEOUT = 30.0


def find_dovecot() -> Path | None:
    """The dovecot binary (with doveadm next to it on PATH or in /usr/bin), or None."""
    found = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None)
    if found and (shutil.which("doveadm") or os.access("/usr/bin/doveadm", os.X_OK)):
        return Path(found)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"<could not read {path}: {exc}>"


class ImapServer:
    """A private Dovecot living in ``basedir`` (its unix sockets in a short temporary directory)."""

    def __init__(self, basedir: Path):
        self.basedir = Path(basedir).absolute()
        self.port: int | None = None       # plaintext, STARTTLS offered
        self.ssl_port: int | None = None   # IMAPS
        self.conf = self.basedir / "dovecot.conf"
        self.cert = self.basedir / "cert.pem"
        self.logfile = self.basedir / "dovecot.log"
        self.home: Path | None = None
        self._private: Path | None = None
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def _make_cert(self) -> None:
        key = self.basedir / "key.pem"
        result = subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
             str(self.cert), "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"openssl could not make the test certificate: {result.stderr}")

    def _write_config(self) -> None:
        me = pwd.getpwuid(os.getuid())
        group = grp.getgrgid(os.getgid()).gr_name
        # Dovecot refuses root for its login processes and for the mail user: as root, the users the Debian
        # package made take those parts. Whatever reads the base directory (pytest's is private) runs as me.
        login, internal = ("dovenull", "dovecot") if os.getuid() == 0 else (me.pw_name, me.pw_name)
        mail_user = pwd.getpwnam(internal)
        (self.basedir / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::\n")
        # The unix sockets must stay below 108 bytes and the mail user must reach the maildir: both live in a
        # short private directory outside pytest's.
        self._private = Path(tempfile.mkdtemp(prefix="kb-imap-"))
        os.chmod(self._private, 0o755)
        run, state, self.home = self._private / "run", self._private / "state", self._private / "home"
        for directory in (run, state, self.home):
            directory.mkdir()
        os.chown(self.home, mail_user.pw_uid, mail_user.pw_gid)
        self.conf.write_text(f"""# Written by tests/imapserver.py (test-only settings)
base_dir = {run}
state_dir = {state}
log_path = {self.logfile}
info_log_path = {self.logfile}
protocols = imap
listen = 127.0.0.1
default_internal_user = {internal}
default_internal_group = {group if internal == me.pw_name else internal}
default_login_user = {login}
first_valid_uid = {mail_user.pw_uid}
last_valid_uid = {mail_user.pw_uid}
first_valid_gid = 0
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.basedir / 'key.pem'}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.basedir / 'passwd'}
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={self.home}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {me.pw_name}
}}
service auth-worker {{
  user = {me.pw_name}
}}
""")

    def _reachable(self) -> bool:
        try:
            with imaplib.IMAP4("127.0.0.1", self.port, timeout=2) as conn:
                return conn.welcome.startswith(b"* OK")
        except (OSError, imaplib.IMAP4.error):
            return False

    def start(self) -> None:
        """Start Dovecot and wait until it greets. Raises RuntimeError (with the log's tail) on failure."""
        if self._running:
            return
        dovecot = find_dovecot()
        if dovecot is None:
            raise RuntimeError("Dovecot not found; install the Debian package dovecot-imapd")
        self.basedir.mkdir(parents=True, exist_ok=True)
        if not self.cert.exists():
            self._make_cert()
        self.port, self.ssl_port = _free_port(), _free_port()
        self._write_config()
        atexit.register(self.stop)
        self._running = True  # so stop() cleans up a half-started server
        with open(self.logfile, "ab") as log:  # the daemon keeps its output open: a file, never a pipe
            result = subprocess.run([str(dovecot), "-c", str(self.conf)], stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, timeout=60)
        if result.returncode != 0:
            self.stop()
            raise RuntimeError(f"dovecot did not start (exit code {result.returncode})\n{_tail(self.logfile)}")
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._reachable():
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dovecot did not answer on port {self.port}\n{_tail(self.logfile)}")
            time.sleep(0.05)

    def stop(self) -> None:
        """``doveadm stop``; safe to call more than once."""
        try:
            atexit.unregister(self.stop)
        except Exception:  # pragma: no cover
            pass
        if not self._running:
            return
        self._running = False
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        subprocess.run([doveadm, "-c", str(self.conf), "stop"], capture_output=True, timeout=60)
        master = self._private / "run" / "master.pid" if self._private else None
        deadline = time.monotonic() + 10
        while master is not None and master.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    # ------------------------------------------------------------------ the mailbox
    def connect(self) -> imaplib.IMAP4:
        """A logged-in plaintext IMAP connection as the test user."""
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        conn.login(USER, PASSWORD)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        with self.connect() as conn:
            conn.append(folder, flags or None, None, raw)
            conn.logout()

    def append_many(self, messages: list[bytes], folder: str = "INBOX") -> None:
        """Put many messages in over one connection (the 5,000-message mailbox of the benchmark)."""
        conn = self.connect()
        try:
            for raw in messages:
                conn.append(folder, None, None, raw)
        finally:
            conn.logout()

    def empty(self) -> None:
        """Remove every folder's messages and every folder but INBOX: a fresh mailbox for the next test."""
        conn = self.connect()
        try:
            typ, listing = conn.list()
            folders = [line.decode().rsplit(' "', 1)[-1].strip('"') if b' "' in line else line.decode().split()[-1]
                       for line in listing or [] if line]
            for folder in folders:
                if folder.upper() != "INBOX":
                    conn.delete(f'"{folder}"')
            if int(conn.select("INBOX")[1][0]):
                conn.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                conn.expunge()
        finally:
            conn.logout()

    def __enter__(self) -> ImapServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port={self.port} ssl_port={self.ssl_port}" if self._running else "stopped"
        return f"<ImapServer {self.basedir} {state}>"
