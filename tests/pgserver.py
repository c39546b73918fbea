"""Throwaway PostgreSQL cluster for the test suite.

Usage::

    server = PostgresServer(tmp_path / "pg")
    server.start()
    url = server.create_database("klachten_test")   # postgresql://klachten@127.0.0.1:PORT/klachten_test
    ...
    server.drop_database("klachten_test")
    server.stop()

The cluster uses trust authentication, listens only on 127.0.0.1 on a free
port, keeps its unix socket inside the base directory and runs with
``fsync=off`` / ``full_page_writes=off``: it is for tests only.

When the tests run as root (initdb refuses to run as root), all PostgreSQL
programs are started as the ``postgres`` system user via ``runuser``.  That
user is created by the Debian ``postgresql`` package; it is not created here.

This module has no pytest dependency and imports psycopg2 lazily.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["find_pg_bindir", "PostgresServer", "SUPERUSER"]

SUPERUSER = "klachten"
OS_USER = "postgres"
_REQUIRED_PROGRAMS = ("initdb", "pg_ctl", "postgres")
# sizeof(sockaddr_un.sun_path) is 108 on Linux, including the trailing NUL.
_MAX_SOCKET_PATH = 107


def _is_bindir(path: Path | str | None) -> bool:
    if not path:
        return False
    p = Path(path)
    return all(os.access(p / prog, os.X_OK) for prog in _REQUIRED_PROGRAMS)


def _version_key(path: str) -> tuple:
    # /usr/lib/postgresql/<version>/bin -> sort numerically on <version>
    version = Path(path).parent.name
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def find_pg_bindir() -> Path | None:
    """Directory containing initdb, pg_ctl and postgres, or None.

    Tries ``pg_config --bindir``, then /usr/lib/postgresql/*/bin (newest
    version first), then the directory of ``initdb`` on PATH.
    """
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if _is_bindir(out):
            return Path(out)

    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        if _is_bindir(candidate):
            return Path(candidate)

    initdb = shutil.which("initdb")
    if initdb:
        # /usr/local/bin/initdb is often a symlink into the real bindir.
        for directory in (Path(initdb).parent, Path(initdb).resolve().parent):
            if _is_bindir(directory):
                return directory
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"<could not read {path}: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


def _conf_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresServer:
    """A private PostgreSQL cluster living in ``basedir``.

    Layout (normally all inside ``basedir``)::

        basedir/postgres.log   server + initdb/pg_ctl output
        basedir/data/          the cluster (PGDATA)
        basedir/run/           unix socket directory

    If ``basedir`` cannot be reached by the ``postgres`` user (running as
    root, e.g. under pytest's 0700 /tmp/pytest-of-root) or its path is too
    long for a unix socket, data/ and run/ are placed in a private temporary
    directory instead (``self.clusterdir``), which stop() removes again.
    The log file always stays in ``basedir``.
    """

    def __init__(self, basedir: Path, bindir: Path | None = None):
        self.basedir = Path(basedir).absolute()
        self.bindir = Path(bindir) if bindir else None
        self.port: int | None = None
        self.clusterdir: Path = self.basedir
        self.logfile = self.basedir / "postgres.log"
        self._owned_clusterdir: Path | None = None
        self._as_postgres = os.geteuid() == 0
        self._running = False
        self._locale_opts: list[str] | None = None

    # ------------------------------------------------------------------ paths
    @property
    def datadir(self) -> Path:
        return self.clusterdir / "data"

    @property
    def socketdir(self) -> Path:
        return self.clusterdir / "run"

    @property
    def url(self) -> str:
        """URL of the default ``postgres`` database."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        if self.port is None:
            raise RuntimeError("PostgresServer is not started")
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    @property
    def running(self) -> bool:
        return self._running

    # -------------------------------------------------------------- commands
    def _cmd(self, program: str, *args: str) -> list[str]:
        assert self.bindir is not None
        cmd = [str(self.bindir / program), *args]
        if self._as_postgres:
            cmd = ["runuser", "-u", OS_USER, "--", *cmd]
        return cmd

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"  # the cluster locale is passed to initdb explicitly
        return env

    def _run(self, program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run a PostgreSQL program, appending its output to the log file."""
        cmd = self._cmd(program, *args)
        with open(self.logfile, "ab") as log:
            log.write(f"\n$ {' '.join(cmd)}\n".encode())
            log.flush()
            # The started postmaster inherits this root-opened descriptor, so
            # the log is writable even though the server runs as 'postgres'.
            return subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(self.clusterdir),
                env=self._env(),
                timeout=timeout,
            )

    def _fail(self, message: str) -> RuntimeError:
        return RuntimeError(
            f"{message}\n--- tail of {self.logfile} ---\n{_tail(self.logfile)}"
        )

    # ---------------------------------------------------------- preparation
    def _check_os_user(self) -> pwd.struct_passwd:
        try:
            pw = pwd.getpwnam(OS_USER)
        except KeyError:
            raise RuntimeError(
                "Running as root, but initdb refuses to run as root and there is no "
                f"'{OS_USER}' system user to run PostgreSQL as. Install the Debian "
                "'postgresql' package (it creates that user) or run the tests as a "
                "normal user."
            ) from None
        if shutil.which("runuser") is None:  # pragma: no cover - util-linux is essential
            raise RuntimeError("Running as root but 'runuser' (util-linux) is not available")
        return pw

    def _reachable_by_postgres(self, path: Path) -> bool:
        probe = subprocess.run(
            ["runuser", "-u", OS_USER, "--", "test", "-w", str(path), "-a", "-x", str(path)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            cwd="/",
        )
        return probe.returncode == 0

    def _prepare_dirs(self) -> None:
        self.basedir.mkdir(parents=True, exist_ok=True)
        self.logfile.touch()
        self.clusterdir = self.basedir
        socket_path_len = len(str(self.basedir / "run" / ".s.PGSQL.65535"))
        usable = socket_path_len <= _MAX_SOCKET_PATH

        if self._as_postgres:
            pw = self._check_os_user()
            if usable:
                os.chown(self.basedir, pw.pw_uid, pw.pw_gid)
                usable = self._reachable_by_postgres(self.basedir)

        if not usable:
            tmp = Path(tempfile.mkdtemp(prefix="klachten-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
            if self._as_postgres:
                os.chown(tmp, pw.pw_uid, pw.pw_gid)
            self._owned_clusterdir = tmp
            self.clusterdir = tmp
            try:
                (self.basedir / "cluster").symlink_to(tmp)
            except OSError:
                pass

        for d in (self.datadir, self.socketdir):
            d.mkdir(mode=0o700, exist_ok=True)
            if self._as_postgres:
                os.chown(d, pw.pw_uid, pw.pw_gid)

    def _initdb(self) -> None:
        base = ["-D", str(self.datadir), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-sync"]
        for locale_opts in (["--locale=C.UTF-8"], ["--locale=C"]):
            self._locale_opts = locale_opts
            result = self._run("initdb", *base, *locale_opts)
            if result.returncode == 0:
                return
            # Retry with plain C locale from an empty data directory.
            if self.datadir.exists():
                for child in self.datadir.iterdir():
                    if child.is_dir() and not child.is_symlink():
                        shutil.rmtree(child)
                    else:
                        child.unlink()
        raise self._fail(f"initdb failed (exit code {result.returncode})")

    def _write_config(self, port: int) -> None:
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(port),
            "unix_socket_directories": str(self.socketdir),
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
            "logging_collector": "off",
            "log_destination": "stderr",
            "max_connections": "100",
            "shared_buffers": "32MB",
            "dynamic_shared_memory_type": "mmap",
        }
        lines = ["# Written by tests/pgserver.py (test-only settings)"]
        for key, value in settings.items():
            if value.isdigit() or value in ("on", "off"):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f"{key} = {_conf_quote(value)}")
        conf = self.datadir / "postgresql.auto.conf"
        conf.write_text("\n".join(lines) + "\n")
        if self._as_postgres:
            pw = pwd.getpwnam(OS_USER)
            os.chown(conf, pw.pw_uid, pw.pw_gid)

    # ---------------------------------------------------------------- public
    def start(self) -> None:
        """initdb + pg_ctl start -w. Raises RuntimeError (with log tail) on failure."""
        if self._running:
            return
        if self.bindir is None:
            self.bindir = find_pg_bindir()
        if self.bindir is None or not _is_bindir(self.bindir):
            raise RuntimeError(
                "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; "
                "install the 'postgresql' package"
            )

        self._prepare_dirs()
        if not (self.datadir / "PG_VERSION").exists():
            self._initdb()

        atexit.register(self.stop)
        last_error = ""
        for _attempt in range(5):
            port = _free_port()
            self._write_config(port)
            self.port = port
            self._running = True  # so stop() cleans up a half-started server
            try:
                result = self._run(
                    "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.datadir), timeout=90
                )
            except subprocess.TimeoutExpired:
                result = None
            if result is not None and result.returncode == 0:
                return
            self._stop_server()
            last_error = _tail(self.logfile)
            if "could not bind" in last_error or "already in use" in last_error:
                continue  # lost the race for the port: try another one
            break
        self._running = False
        self.port = None
        self._cleanup()
        atexit.unregister(self.stop)
        raise self._fail("could not start PostgreSQL")

    def _connect(self, dbname: str = "postgres"):
        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=dbname, connect_timeout=10
        )
        conn.autocommit = True
        return conn

    def create_database(self, name: str, template: str = "template0") -> str:
        """CREATE DATABASE name (a copy of ``template``, empty by default); returns its URL."""
        from psycopg2 import sql

        conn = self._connect()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
        finally:
            conn.close()
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE IF EXISTS name, disconnecting any remaining sessions."""
        from psycopg2 import sql

        conn = self._connect()
        try:
            with conn.cursor() as cur:
                force = sql.SQL(" WITH (FORCE)") if conn.server_version >= 130000 else sql.SQL("")
                cur.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force
                )
        finally:
            conn.close()

    def _stop_server(self) -> None:
        if self.bindir is None or not (self.datadir / "postmaster.pid").exists():
            return
        try:
            self._run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", str(self.datadir), timeout=60)
        except (OSError, subprocess.SubprocessError):
            pass

    def _cleanup(self) -> None:
        if self._owned_clusterdir is not None:
            shutil.rmtree(self._owned_clusterdir, ignore_errors=True)
            link = self.basedir / "cluster"
            if link.is_symlink():
                try:
                    link.unlink()
                except OSError:
                    pass
            self._owned_clusterdir = None
            self.clusterdir = self.basedir

    def stop(self) -> None:
        """pg_ctl stop -m immediate. Safe to call more than once."""
        try:
            atexit.unregister(self.stop)
        except Exception:  # pragma: no cover
            pass
        if not self._running:
            return
        self._running = False
        self._stop_server()
        self._cleanup()

    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port={self.port}" if self._running else "stopped"
        return f"<PostgresServer {self.basedir} {state}>"
