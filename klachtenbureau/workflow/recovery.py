"""Recovering a damaged shared file without losing work: ``klachtenbureau db recover``.

No Qt. The latest backup that passes its check is put back (the damaged file
is kept aside, never deleted), then the writes this PC confirmed since are
applied again from its ledger (``recheck``), each with its own operation id,
so what the backup already holds is not doubled. The other PCs do the same
with their own ledgers by themselves: the desk checks its ledger at every
start and every few minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from klachtenbureau.errors import DatabaseCorruptError, DatabaseUnavailableError
from klachtenbureau.i18n import _
from klachtenbureau.models import database
from klachtenbureau.workflow import backups, recheck, store

_ASIDE = "-vervangen-"  # a file ``backups.restore`` moved aside: the damaged one, never a candidate


@dataclasses.dataclass
class RecoveryReport:
    backup: Path
    aside: Path | None
    recheck: recheck.VerifyReport


def candidates(database_file: Path) -> list[Path]:
    """Every backup of ``database_file`` (daily, by hand, before an upgrade), newest first."""
    folder = backups.backup_dir(database_file)
    found = [path for path in folder.glob(f"{database_file.stem}-*{database_file.suffix}")
             if _ASIDE not in path.name] if folder.exists() else []
    return sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)


def latest_good_backup(database_file: Path) -> Path:
    """The newest backup that passes its integrity check."""
    problems = []
    for path in candidates(database_file):
        try:
            backups.check_backup(path)
            return path
        except (DatabaseCorruptError, DatabaseUnavailableError) as exc:
            problems.append(exc.message)
    raise DatabaseUnavailableError(_(
        "Er is geen bruikbare reservekopie in {folder}; er is niets veranderd.").format(
            folder=backups.backup_dir(database_file)) + (" " + " ".join(problems[:2]) if problems else ""))


def recover(url: str) -> RecoveryReport:
    """Put the latest good backup back at ``url`` and apply again what this PC confirmed since."""
    path = database.sqlite_path(url)
    if path is None:
        raise DatabaseUnavailableError(_(
            "Herstellen kan hier alleen voor een gedeeld databasebestand. Zet op de kantoorserver een nachtelijke "
            "reservekopie terug met: klachtenbureau db restore BESTAND --db URL"))
    good = latest_good_backup(path)
    aside = backups.restore(good, url)
    store.open_database(url)
    report = recheck.verify(url, check_after=dt.timedelta(0))
    return RecoveryReport(good, aside, report)
