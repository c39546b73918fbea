"""This PC's ledger of the writes it confirmed, kept so they can be checked again later (``recheck``).

No Qt. A SQLite file on a share whose locks do not reach every PC can lose a
write *after* it was committed and read back (another PC writes over the
page). So every write the desk confirmed through the write queue is kept
here, on this PC's own disk, with what is needed to make it again: one
JSON line in a file per day (``config.data_dir() / 'grootboek'``), the last
``KEEP_DAYS`` days. Like the write queue it holds what was typed, so it
stays on this PC and is removed after those days.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any

from klachtenbureau import config
from klachtenbureau.models.database import identity
from klachtenbureau.workflow.offline.drafts import private

log = logging.getLogger(__name__)

KEEP_DAYS = 28
HANDED_OVER = "aan-gebruiker.txt"  # operation ids no longer checked: went to the user, or made again under a new id


def ledger_dir() -> Path:
    return config.data_dir() / "grootboek"


@dataclasses.dataclass
class Confirmed:
    """One write this PC confirmed: enough to make it again with the same operation id."""

    operation_id: str
    action: str
    user_login: str
    database_url: str
    payload: dict[str, Any]
    confirmed_at: str
    number: str = ""  # for a registration: the number the caller was told


def record(entry: Confirmed) -> None:
    """Add a confirmed write to today's ledger file (appended and fsynced before the caller goes on)."""
    folder = ledger_dir()
    folder.mkdir(parents=True, exist_ok=True)
    line = json.dumps(dataclasses.asdict(entry), ensure_ascii=False) + "\n"
    with open(folder / f"{dt.date.today().isoformat()}.jsonl", "a", encoding="utf-8", opener=private) as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def hand_over(operation_id: str) -> None:
    """Stop checking ``operation_id``: it is the user's now (in the write queue), or was made again under a new id."""
    folder = ledger_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / HANDED_OVER, "a", encoding="utf-8") as handle:
        handle.write(operation_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def entries(database_url: str, today: dt.date | None = None) -> list[Confirmed]:
    """The confirmed writes for ``database_url`` of the last ``KEEP_DAYS`` days still to be checked, oldest first.

    A later line for the same operation id replaces an earlier one (a registration made again under another
    number). Older day files are removed; a line that cannot be read (a power cut while it was appended) is skipped.
    """
    today = today or dt.date.today()
    first = today - dt.timedelta(days=KEEP_DAYS)
    found: dict[str, Confirmed] = {}
    folder = ledger_dir()
    try:
        handed_over = set((folder / HANDED_OVER).read_text(encoding="utf-8").split())
    except FileNotFoundError:
        handed_over = set()
    for path in sorted(folder.glob("*.jsonl")) if folder.exists() else []:
        try:
            day = dt.date.fromisoformat(path.stem)
        except ValueError:
            continue
        if day < first:
            path.unlink(missing_ok=True)
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = Confirmed(**json.loads(line))
            except (ValueError, TypeError):
                log.warning("Onleesbare regel in het grootboek %s overgeslagen", path)
                continue
            if identity(entry.database_url) == identity(database_url) and entry.operation_id not in handed_over:
                found[entry.operation_id] = entry
    return list(found.values())
