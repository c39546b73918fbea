"""Nightly backups of the office server into the shared folder, and putting one back.

Why in the shared folder: the server's data lives on one PC's local disk; if
that disk dies, the dumps are on the other machine (the NAS or file server
the office already backs up). ``pg_dump -Fc`` (the wheel's own, the same
PostgreSQL version as the server) writes
``<share>/reservekopieen-server/klachtenbureau-YYYYMMDD-HHMMSS.dump``: first
under a temporary name, then checked with ``pg_restore --list`` and only then
renamed, so a dump that is in the folder under its real name is whole.
Dumps older than ``keep_days`` days are removed, but never the newest one.

``BackupSchedule.tick`` is what the ``server run`` loop calls every minute:
a dump when none was made today after the configured hour (default 02:00),
and at start also when the newest dump is older than 24 hours (the PC was off
at night).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from klachtenbureau.errors import DatabaseUnavailableError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import database
from klachtenbureau.server import roles
from klachtenbureau.server.postgres import run_tool

log = logging.getLogger(__name__)

FOLDER = "reservekopieen-server"
PREFIX = "klachtenbureau-"
SUFFIX = ".dump"
STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^klachtenbureau-(\d{8}-\d{6})\.dump$")
DEFAULT_KEEP_DAYS = 14
DEFAULT_HOUR = 2


def backup_dir(share: Path) -> Path:
    return Path(share) / FOLDER


def _connection(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from a postgresql:// URL; the password goes in PGPASSWORD."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgresql", "postgres"):
        raise ValidationError({"url": _("Een reservekopie van de server kan alleen van een postgresql://-adres.")})
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432),
            "-U", unquote(parsed.username or ""), "-d", unquote(parsed.path.lstrip("/"))]
    env = {"PGPASSWORD": unquote(parsed.password)} if parsed.password else {}
    env["PGCONNECT_TIMEOUT"] = "10"
    return args, env


def stamp_of(path: Path) -> dt.datetime | None:
    match = _NAME.match(Path(path).name)
    return dt.datetime.strptime(match.group(1), STAMP) if match else None


def dumps(share: Path) -> list[Path]:
    """The finished dumps in the shared folder, oldest first."""
    folder = backup_dir(share)
    found = [p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if stamp_of(p) is not None] if folder.is_dir() else []
    return sorted(found, key=lambda p: stamp_of(p))  # type: ignore[arg-type,return-value]


def check_dump(path: Path) -> int:
    """``pg_restore --list``: the dump can be read back; returns the number of entries in it."""
    result = run_tool("pg_restore", ["--list", str(path)], timeout=300)
    entries = [line for line in result.stdout.splitlines() if line.strip() and not line.startswith(";")]
    if result.returncode != 0 or not entries:
        raise DatabaseUnavailableError(_("De reservekopie {path} is onleesbaar: {reason}").format(
            path=path, reason=(result.stderr.strip() or _("leeg")).splitlines()[0]))
    return len(entries)


def dump(url: str, share: Path, now: dt.datetime | None = None) -> Path:
    """``pg_dump -Fc`` of the server's database into the shared folder, checked; returns the file."""
    now = now or dt.datetime.now()
    folder = backup_dir(share)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailableError(_("De map {folder} voor reservekopieën kan niet worden gemaakt: {reason}")
                                       .format(folder=folder, reason=exc.strerror or exc)) from exc
    target = folder / f"{PREFIX}{now.strftime(STAMP)}{SUFFIX}"
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    args, env = _connection(url)
    try:
        result = run_tool("pg_dump", ["-Fc", "--no-owner", "-f", str(tmp), *args], env=env, timeout=3600)
        if result.returncode != 0:
            raise DatabaseUnavailableError(_("pg_dump is mislukt: {reason}").format(
                reason=result.stderr.strip() or result.returncode))
        check_dump(tmp)
        tmp.chmod(0o600)  # a copy of every complaint: for its owner's eyes, not the whole machine's
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def rotate(share: Path, keep_days: int = DEFAULT_KEEP_DAYS, now: dt.datetime | None = None) -> list[Path]:
    """Remove dumps older than ``keep_days`` days (never the newest); returns what was removed."""
    now = now or dt.datetime.now()
    existing = dumps(share)
    limit = now - dt.timedelta(days=keep_days)
    removed = []
    for path in existing[:-1]:
        stamp = stamp_of(path)
        if stamp is not None and stamp < limit:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def restore(dump_file: Path, url: str) -> None:
    """Put ``dump_file`` back into the server's database (``pg_restore --clean --if-exists``), all or nothing.

    Everybody should close Klachtenbureau first: what was saved after the
    dump is gone afterwards.
    """
    dump_file = Path(dump_file)
    if not dump_file.is_file():
        raise ValidationError({"dump": _("De reservekopie {path} bestaat niet.").format(path=dump_file)})
    check_dump(dump_file)
    args, env = _connection(url)
    _check_owner(url)
    result = run_tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                                     "--exit-on-error", *args, str(dump_file)], env=env, timeout=3600)
    if result.returncode != 0:
        raise DatabaseUnavailableError(_("Terugzetten is mislukt; de database is onveranderd: {reason}").format(
            reason=result.stderr.strip() or result.returncode))
    roles.grant_url(url)  # a dump from before the desks had their own role brings no rights for them


def _check_owner(url: str) -> None:
    """Only the owner of the tables may replace them: the desks' role of the office server is told where to go."""
    target = database.make_database(url)
    try:
        target.connect()
        allowed = database.may_change_schema(target)
    except peewee.OperationalError as exc:
        raise DatabaseUnavailableError(_("De server is niet bereikbaar: {reason}").format(
            reason=str(exc).strip().splitlines()[0] if str(exc).strip() else exc)) from exc
    finally:
        target.close()
    if not allowed:
        raise ValidationError({"url": _(
            "Een reservekopie van de kantoorserver zet u terug op de server-pc zelf, met: klachtenbureau server "
            "restore BESTAND. De pc's verbinden met een rol die de tabellen niet mag vervangen.")})


@dataclasses.dataclass
class BackupSchedule:
    """When the ``server run`` loop makes its dump (see the module docstring)."""

    share: Path
    hour: int = DEFAULT_HOUR
    keep_days: int = DEFAULT_KEEP_DAYS

    def due(self, now: dt.datetime, at_start: bool = False) -> bool:
        existing = dumps(self.share)
        last = stamp_of(existing[-1]) if existing else None
        if at_start and (last is None or now - last > dt.timedelta(hours=24)):
            return True
        today_at = now.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        return now >= today_at and (last is None or last < today_at)

    def tick(self, url: str, now: dt.datetime | None = None, at_start: bool = False) -> Path | None:
        """Make (and rotate) a dump if one is due; returns it, or None."""
        now = now or dt.datetime.now()
        if not self.due(now, at_start):
            return None
        made = dump(url, self.share, now)
        removed = rotate(self.share, self.keep_days, now)
        log.info("Reservekopie van de server gemaakt: %s (%d oude verwijderd)", made, len(removed))
        return made
