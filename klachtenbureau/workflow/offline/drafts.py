"""Unfinished intakes, kept as small JSON files on this PC (``config.drafts_dir()``).

A draft is written on every change, atomically (a temporary file, flushed to
disk, then renamed over the old one), so a crash, a power cut or a lost
network drive never costs what the telephonist typed. It carries the
operation id its registration will use: a draft sent again after an unknown
outcome is recognised by the database instead of registered twice. The draft
is removed once the report is registered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import uuid
from pathlib import Path
from typing import Any

from klachtenbureau import config
from klachtenbureau.models.database import identity
from klachtenbureau.workflow.operations import new_operation_id
from klachtenbureau.workflow.report_fields import RELATION_FIELDS

log = logging.getLogger(__name__)

SUFFIX = ".json"
FORMAT = 2  # the form in the report's shape (intake_support.default_fields)
_FORMAT_1_NAMES = {"received_date": "received_at", "category_id": "category", "agrees": "complainant_agrees",
                   "coordinator_id": "assign_to", "loss": "police_report_advised"}


def _from_format_1(fields: dict[str, Any]) -> dict[str, Any]:
    """A form as kept before issue 18: names of its own, the complainant loose, one acknowledgement choice."""
    ack, names = fields.get("ack"), _FORMAT_1_NAMES
    form = {names.get(name, name): value for name, value in fields.items()
            if name not in (*RELATION_FIELDS, "outcome", "ack")}
    form.update(confirmed_dates={names.get(k, k): v for k, v in (fields.get("confirmed_dates") or {}).items()},
                relation={name: fields[name] for name in RELATION_FIELDS if name in fields},
                resolved_now=fields.get("outcome") == "resolved", acknowledgement_method="phone" if ack == "phone"
                else "", acknowledgement_to_send=ack if ack in ("letter", "email") else "")
    return form


@dataclasses.dataclass
class Draft:
    """One unfinished intake: the form's fields as plain JSON values and where it stood."""

    id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)
    operation_id: str = dataclasses.field(default_factory=new_operation_id)
    database_url: str = ""
    user_login: str = ""
    started_at: dt.datetime = dataclasses.field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    updated_at: dt.datetime | None = None
    page: int = 0
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["database_url"] = identity(self.database_url)  # the office server's password stays off this PC
        data["format"] = FORMAT
        data["started_at"] = self.started_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat() if self.updated_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        return cls(
            id=str(data["id"]),
            operation_id=str(data["operation_id"]),
            database_url=str(data.get("database_url", "")),
            user_login=str(data.get("user_login", "")),
            started_at=dt.datetime.fromisoformat(data["started_at"]),
            updated_at=dt.datetime.fromisoformat(data["updated_at"]) if data.get("updated_at") else None,
            page=int(data.get("page", 0)),
            fields=(dict if data.get("format", 1) >= 2 else _from_format_1)(dict(data.get("fields") or {})),
        )


def _path(draft_id: str, folder: Path | None = None) -> Path:
    if not draft_id or not all(ch in "0123456789abcdef" for ch in draft_id):
        raise ValueError(f"bad draft id {draft_id!r}")
    return (folder or config.drafts_dir()) / f"{draft_id}{SUFFIX}"


def private(path: str | os.PathLike[str], flags: int) -> int:
    """An ``opener`` for ``open``: a new file is readable by this user only (it may hold personal data)."""
    return os.open(path, flags, 0o600)


def write_bytes(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` so that a crash or power cut leaves the old file or the new, never half of one.

    The file is readable by this user only: drafts, queued writes and mails hold what was typed about people.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)  # a leftover keeps its old mode
    with open(tmp, "wb", opener=private) as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_json(path: Path, data: Any) -> None:
    """``data`` as JSON, written as ``write_bytes`` does."""
    write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def save(draft: Draft, folder: Path | None = None) -> Path:
    """Write ``draft`` atomically; returns the file."""
    path = _path(draft.id, folder)
    draft.updated_at = dt.datetime.now().replace(microsecond=0)
    write_json(path, draft.to_json())
    return path


def load(draft_id: str, folder: Path | None = None) -> Draft | None:
    try:
        return Draft.from_json(json.loads(_path(draft_id, folder).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def remove(draft_id: str, folder: Path | None = None) -> None:
    _path(draft_id, folder).unlink(missing_ok=True)


def list_drafts(database_url: str | None = None, folder: Path | None = None) -> list[Draft]:
    """Drafts on this PC, newest first; with ``database_url``, only those meant for that database.

    A file that cannot be read (hand-edited, or written by a newer version) is
    skipped and logged, never deleted: someone may still want what is in it.
    """
    folder = folder or config.drafts_dir()
    drafts = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            draft = Draft.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("Concept %s is niet te lezen en wordt overgeslagen: %s", path, exc)
            continue
        if database_url is None or identity(draft.database_url) == identity(database_url):
            drafts.append(draft)
    drafts.sort(key=lambda d: d.updated_at or d.started_at, reverse=True)
    return drafts


# --- input typed in a dossier that could not be saved ------------------------------------------


@dataclasses.dataclass
class KeptInput:
    """Text typed in the dossier of complaint ``number`` that was not saved (kept when the desk crashed)."""

    number: str
    text: str
    database_url: str
    saved_at: str = dataclasses.field(default_factory=lambda: dt.datetime.now().replace(microsecond=0).isoformat())
    id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)


def kept_dir() -> Path:
    return config.data_dir() / "onbewaard"


def keep_input(database_url: str, number: str, text: str) -> KeptInput:
    """Store ``text`` for complaint ``number`` on this PC; the dossier offers it the next time it opens."""
    kept = KeptInput(number, text, identity(database_url))  # no password in a file on this PC
    write_json(kept_dir() / f"{kept.id}{SUFFIX}", dataclasses.asdict(kept))
    return kept


def kept_inputs(database_url: str, number: str) -> list[KeptInput]:
    """What was kept for complaint ``number`` on ``database_url``, oldest first; unreadable files are skipped."""
    found = []
    folder = kept_dir()
    for path in folder.glob(f"*{SUFFIX}") if folder.exists() else []:
        try:
            kept = KeptInput(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            log.warning("Bewaarde invoer %s is niet te lezen en wordt overgeslagen: %s", path, exc)
            continue
        if identity(kept.database_url) == identity(database_url) and kept.number == number:
            found.append(kept)
    return sorted(found, key=lambda k: k.saved_at)


def drop_input(kept: KeptInput) -> None:
    if not all(ch in "0123456789abcdef" for ch in kept.id):
        raise ValueError(f"bad id {kept.id!r}")
    (kept_dir() / f"{kept.id}{SUFFIX}").unlink(missing_ok=True)
