"""Automatic daily backups with rotation, checking a copy, and putting one back.

The first start of the day (on any PC) makes a copy of the shared SQLite
file with SQLite's online backup API, so colleagues can keep working while
it is made, and checks the copy with ``integrity_check`` before it counts.
Daily copies older than the office setting ``backup_keep_days`` are removed
(the newest one always stays); copies made by hand, before an upgrade or set
aside by a restore go once they are older than the retention period, and
every copy forgets what retention or an erasure anonymised
(``anonymised_backups``). On PostgreSQL the server's own backups are the
administrator's job (docs/administrator.md).

``restore`` checks the copy first, then moves the current file aside (it is
never deleted) and puts the copy in its place.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import uuid
from pathlib import Path
from urllib.parse import quote

from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError
from klachtenbureau.i18n import _
from klachtenbureau.models import database, db
from klachtenbureau.models.schema import SCHEMA_VERSION
from klachtenbureau.workflow import settings
from klachtenbureau.workflow.db_errors import LockedTooLongError
from klachtenbureau.workflow.personal_data import retention

DAILY = "dagelijks"
_DAILY_NAME = re.compile(r"^(?P<stem>.+)-(?P<day>\d{8})-" + DAILY + r"(?P<suffix>\.\w+)?$")
_MADE = re.compile(r"-(?P<day>\d{8})-\d{6}")  # the day a copy by hand, before an upgrade or set aside was made
LOCK_WAIT_SECONDS = 5


def backup_dir(database_file: Path) -> Path:
    """Backups live next to the database, in ``backups`` (the same place as ``db backup`` and upgrades)."""
    return database_file.parent / "backups"


def daily_path(database_file: Path, day: dt.date) -> Path:
    return backup_dir(database_file) / f"{database_file.stem}-{day:%Y%m%d}-{DAILY}{database_file.suffix}"


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open a copy read-only (a URI that also works for a Windows drive and a UNC path)."""
    posix = path.resolve().as_posix()
    prefix = "//" if posix.startswith("/") else "///"
    return sqlite3.connect(f"file:{prefix}{quote(posix, safe='/:')}?mode=ro", uri=True)


def _integrity(connection: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in connection.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def copy_checked(source: sqlite3.Connection, target: Path) -> Path:
    """Copy a live database with the online backup API; the copy only counts after ``integrity_check``.

    The copy is made under a name of its own and renamed into place, so two
    PCs making the same day's copy at once never write into one file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.touch(mode=0o600)  # a copy of every complaint: for its owner's eyes, not the whole machine's
        copy = sqlite3.connect(str(tmp))
        try:
            source.backup(copy)
            problems = _integrity(copy)
        finally:
            copy.close()
        if problems:
            raise DatabaseCorruptError(_("De reservekopie is beschadigd en is niet bewaard: {problem}").format(
                problem="; ".join(problems[:3])))
        os.replace(tmp, target)
    except OSError as exc:
        raise DatabaseUnavailableError(_("De reservekopie kon niet worden gemaakt in {folder}: {reason}").format(
            folder=target.parent, reason=exc.strerror or exc)) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def daily_backups(database_file: Path) -> list[tuple[dt.date, Path]]:
    """The automatic daily copies of ``database_file``, newest first."""
    folder = backup_dir(database_file)
    found = []
    for path in folder.glob(f"{database_file.stem}-*-{DAILY}{database_file.suffix}") if folder.exists() else []:
        match = _DAILY_NAME.match(path.name)
        if match is None or match["stem"] != database_file.stem:
            continue
        try:
            found.append((dt.datetime.strptime(match["day"], "%Y%m%d").date(), path))
        except ValueError:
            continue
    return sorted(found, reverse=True)


def rotate(database_file: Path, keep_days: int, today: dt.date) -> list[Path]:
    """Remove daily copies older than ``keep_days`` days (today counts as one); returns what went.

    The newest copy always stays, however old: if nobody started the
    application for a month, the last copy is still there.
    """
    first_kept = today - dt.timedelta(days=max(keep_days, 1) - 1)
    removed = []
    for day, path in daily_backups(database_file)[1:]:
        if day < first_kept:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def copies(database_file: Path) -> list[Path]:
    """Every copy of ``database_file`` in its backups folder: daily, made by hand (``db backup``), before an
    upgrade, or set aside by a restore (not those of another database in the same folder)."""
    folder = backup_dir(database_file)
    name = re.compile(rf"^{re.escape(database_file.stem)}-(?:vervangen-)?\d{{8}}-.*{re.escape(database_file.suffix)}$")
    return sorted(p for p in folder.iterdir() if name.match(p.name) and p.is_file()) if folder.is_dir() else []


def rotate_others(database_file: Path, limit: dt.datetime) -> list[Path]:
    """Remove the copies made by hand, before an upgrade or set aside by a restore that were made before ``limit``
    (the retention period): nothing in them may still be kept. Returns what went."""
    daily = {path for _day, path in daily_backups(database_file)}
    removed = []
    for path in copies(database_file):
        made = _MADE.search(path.name[len(database_file.stem):])
        if path not in daily and made is not None and dt.datetime.strptime(made["day"], "%Y%m%d") < limit:
            path.unlink(missing_ok=True)
            path.with_name(path.name + "-journal").unlink(missing_ok=True)
            removed.append(path)
    return removed


def daily_backup(today: dt.date | None = None) -> Path | None:
    """On the first start of the day: copy the open SQLite database, then rotate. Returns the new copy.

    None when today's copy already exists (another PC made it) or the database is PostgreSQL.
    """
    if not database.is_sqlite():
        return None
    today = today or dt.date.today()
    source = Path(db.obj.database)
    target = daily_path(source, today)
    made = None
    if not target.exists():
        made = copy_checked(db.obj.connection(), target)
    rotate(source, int(settings.get("backup_keep_days")), today)
    rotate_others(source, retention.retention_limit(today))
    return made


def check_backup(path: Path) -> int:
    """Check a copy before it is used: readable, intact, a Klachtenbureau database this version knows.

    Returns its schema version; raises DatabaseCorruptError (nothing is changed).
    """
    if not path.is_file():
        raise DatabaseUnavailableError(_("De reservekopie {path} bestaat niet.").format(path=path))
    try:
        connection = open_read_only(path)
        try:
            problems = _integrity(connection)
            version = None if problems else connection.execute("SELECT max(version) FROM schema_info").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorruptError(_("{path} is geen bruikbare Klachtenbureau-reservekopie ({reason}); "
                                     "er is niets veranderd.").format(path=path.name, reason=exc)) from exc
    if problems:
        raise DatabaseCorruptError(_("De reservekopie {path} is beschadigd ({problem}); er is niets veranderd.").format(
            path=path.name, problem="; ".join(problems[:3])))
    if version is None or version > SCHEMA_VERSION:
        raise DatabaseCorruptError(_("De reservekopie {path} is van een nieuwere versie van Klachtenbureau "
                                     "(databaseversie {found}); er is niets veranderd.").format(
                                         path=path.name, found=version))
    return version


def _nobody_writing(path: Path) -> None:
    """Take the write lock once: a PC in the middle of saving, or a crashed one's journal, is dealt with first."""
    connection = sqlite3.connect(str(path), timeout=LOCK_WAIT_SECONDS)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        connection.rollback()
    except sqlite3.OperationalError as exc:
        raise LockedTooLongError(_(
            "De database is in gebruik door een andere computer. Laat iedereen Klachtenbureau afsluiten en "
            "probeer het opnieuw; er is niets veranderd.")) from exc
    finally:
        connection.close()


def restore(backup_path: Path, url: str) -> Path | None:
    """Put ``backup_path`` in place of the database at ``url``; returns where the old file was moved.

    Everybody should have closed Klachtenbureau first. The copy is checked
    and written next to the database before anything is moved, so a failure
    half-way leaves the current database as it was.
    """
    target = database.sqlite_path(url)
    if target is None:
        raise DatabaseUnavailableError(_(
            "Terugzetten kan hier alleen voor een SQLite-database. Zet een PostgreSQL-reservekopie terug met "
            "psql of pg_restore (zie docs/administrator.md)."))
    check_backup(backup_path)
    if not target.parent.is_dir():
        raise DatabaseUnavailableError(_("De map {folder} bestaat niet of is niet bereikbaar.").format(
            folder=target.parent))
    database.close()
    incoming = target.with_name(f"{target.name}.terugzetten-{uuid.uuid4().hex[:8]}.tmp")
    source = open_read_only(backup_path)
    try:
        copy_checked(source, incoming)
    finally:
        source.close()
    aside = None
    try:
        if target.exists():
            _nobody_writing(target)
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = backup_dir(target) / f"{target.stem}-vervangen-{stamp}{target.suffix}"
            aside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, aside)
            journal = target.with_name(target.name + "-journal")
            if journal.exists():  # belongs to the old file: it must never be played onto the copy
                os.replace(journal, aside.with_name(aside.name + "-journal"))
        os.replace(incoming, target)
    except OSError as exc:
        if aside is not None and aside.exists() and not target.exists():
            os.replace(aside, target)
        raise DatabaseUnavailableError(_(
            "Terugzetten is niet gelukt ({reason}); is de database nog geopend op een andere computer? "
            "De huidige database is ongewijzigd.").format(reason=exc.strerror or exc)) from exc
    finally:
        incoming.unlink(missing_ok=True)
    return aside
