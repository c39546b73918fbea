"""This PC's own copies of what was typed about people, kept no longer than the database keeps it.

Drafts of intakes and letters, input kept from a dossier, writes waiting in
the queue, mails in the outbox, mails from the mailbox kept for a draft and
the ledger of confirmed writes all live on this PC's disk
(``config.data_dir()``), out of reach of the retention run or an erasure on
the database. ``clean`` checks them against the open database: whatever
belongs to a complaint or a complainant that has been anonymised goes, and
so does every file older than the retention period. The PC that anonymises
cleans its files at once; every other PC does it at its next start, because
the anonymisation is in the database they share.

A waiting write about an anonymised complaint cannot be saved any more in a
way that means something: it is removed, and the log says which one and why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import json
import logging
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from klachtenbureau import config
from klachtenbureau.models import Complaint, Relation, database, db
from klachtenbureau.workflow import ledger
from klachtenbureau.workflow.mail import outgoing
from klachtenbureau.workflow.offline import drafts, write_queue

log = logging.getLogger(__name__)

MIN_TEXT = 5  # shorter names or numbers would match ordinary words in other people's drafts


@dataclasses.dataclass
class _Copy:
    """One file (or, for the ledger, one line) and what it is about."""

    paths: list[Path]
    database_url: str | None  # None: the file does not say (a letter draft, a kept mail)
    number: str = ""
    relation_id: int | None = None
    label: str = ""  # for a waiting write: what it was, for the log


@dataclasses.dataclass
class Cleaned:
    """What ``clean`` removed from this PC."""

    files: list[Path] = dataclasses.field(default_factory=list)
    writes: list[str] = dataclasses.field(default_factory=list)  # waiting writes that can no longer be saved


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # unreadable: only its age and its text decide


def _relation_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _copies() -> Iterator[_Copy]:
    """Every file of this PC that may hold personal data, with the complaint or complainant it is about."""
    for path in sorted(config.drafts_dir().glob("*")) if config.drafts_dir().is_dir() else []:
        if path.suffix == drafts.SUFFIX:
            data = _read_json(path)
            fields = data.get("fields") if isinstance(data, dict) and isinstance(data.get("fields"), dict) else {}
            kept_mail = Path(str(fields.get("mail_file") or ""))
            paths = [path] + ([kept_mail] if kept_mail.parent == _kept_mail_dir() else [])
            yield _Copy(paths, str(data.get("database_url", "")) if isinstance(data, dict) else None,
                        relation_id=_relation_id(fields.get("relation_id")))
        elif path.suffix == ".eml":  # a letter opened in the mail program: "K2026-0042 antwoord 2026-03-03.eml"
            yield _Copy([path], None, number=path.name.split(" ", 1)[0])
    for folder in (drafts.kept_dir(), outgoing.outbox_dir()):  # both name the complaint by its number
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            data = _read_json(path)
            data = data if isinstance(data, dict) else {}
            mail = [path.with_suffix(".eml")] if folder == outgoing.outbox_dir() else []
            yield _Copy([path, *mail], data.get("database_url"), number=str(data.get("number") or ""))
    folder = write_queue.queue_dir()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = _read_json(path)
        data = data if isinstance(data, dict) else {}
        payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
        yield _Copy([path], data.get("database_url"), number=str(payload.get("number") or ""),
                    relation_id=_relation_id(payload.get("relation_id")),
                    label=str(payload.get("label") or data.get("action") or path.stem))
    folder = _kept_mail_dir()
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        yield _Copy([path], None)


def _kept_mail_dir() -> Path:
    """Mails of the office mailbox kept on this PC for an intake that is not registered yet (ui/intake/wizard)."""
    return config.data_dir() / "binnengekomen"


def is_open_database(url: str | None) -> bool:
    """Whether ``url`` (as a file on this PC names it, without password) is the database that is open now."""
    if not isinstance(url, str) or not url:
        return False
    path = database.sqlite_path(url)
    if database.is_sqlite():
        return path is not None and path.resolve() == Path(db.obj.database).resolve()
    parsed, params = urlparse(url), db.obj.connect_params
    return (path is None and parsed.path.lstrip("/") == db.obj.database
            and (parsed.hostname or "localhost") == (params.get("host") or "localhost")
            and (parsed.port or 5432) == int(params.get("port") or 5432))


def _anonymised(copies: list[_Copy]) -> tuple[set[str], set[int]]:
    """Of the complaints and complainants these copies are about, those the open database has anonymised."""
    numbers = sorted({c.number for c in copies if c.number})
    relation_ids = sorted({c.relation_id for c in copies if c.relation_id is not None})
    gone_numbers: set[str] = set()
    gone_relations: set[int] = set()
    for start in range(0, len(numbers), 500):
        gone_numbers.update(n for (n,) in Complaint.select(Complaint.number).where(
            Complaint.number.in_(numbers[start:start + 500]) & Complaint.anonymized_at.is_null(False)).tuples())
    for start in range(0, len(relation_ids), 500):
        gone_relations.update(r for (r,) in Relation.select(Relation.id).where(
            Relation.id.in_(relation_ids[start:start + 500]) & Relation.anonymized_at.is_null(False)).tuples())
    return gone_numbers, gone_relations


def _text_of(path: Path) -> str:
    """The file's text in lower case; a mail decoded (quoted-printable would break a name over two lines)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return ""
    parts = [raw.decode("utf-8", errors="replace")]
    if path.suffix == ".eml" or path.parent == _kept_mail_dir():
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts += [str(value) for value in message.values()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                try:
                    parts.append(part.get_content())
                except (LookupError, ValueError):
                    continue
    return "\n".join(parts).casefold()


def _mentions(path: Path, texts: Collection[str]) -> bool:
    return bool(texts) and path.is_file() and any(text in _text_of(path) for text in texts)


def _older_than(path: Path, limit: dt.datetime | None) -> bool:
    try:
        return limit is not None and dt.datetime.fromtimestamp(path.stat().st_mtime) < limit
    except OSError:
        return False


def _ledger_lines() -> Iterator[tuple[Path, list[str], list[dict[str, Any]]]]:
    """Each day file of the ledger: its lines, and each line read (an unreadable one as {})."""
    folder = ledger.ledger_dir()
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        try:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        except (OSError, UnicodeDecodeError):
            continue
        yield path, lines, [_read_line(line) for line in lines]


def _read_line(line: str) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _ledger_copies() -> Iterator[_Copy]:
    """The ledger's lines as copies (no file of their own: ``_clean_ledger`` rewrites the day file)."""
    for path, _lines, entries in _ledger_lines():
        for data in entries:
            payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
            yield _Copy([path], data.get("database_url"), str(data.get("number") or payload.get("number") or ""),
                        _relation_id(payload.get("relation_id")))


def _clean_ledger(numbers: set[str], relation_ids: set[int], texts: Collection[str]) -> list[Path]:
    """Drop the ledger's lines about what was anonymised; a day file with nothing left goes."""
    changed = []
    for path, lines, entries in _ledger_lines():
        kept = []
        for line, data in zip(lines, entries, strict=True):
            payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
            mine = is_open_database(data.get("database_url"))
            if mine and ({str(data.get("number") or ""), str(payload.get("number") or "")} & numbers
                         or _relation_id(payload.get("relation_id")) in relation_ids):
                continue
            if any(text in line.casefold() for text in texts):
                continue
            kept.append(line)
        if len(kept) == len(lines):
            continue
        try:
            if kept:
                drafts.write_bytes(path, "".join(kept).encode("utf-8"))
            else:
                path.unlink(missing_ok=True)
        except OSError as exc:  # the next start tries again
            log.warning("Grootboek %s kon niet worden opgeschoond: %s", path, exc)
            continue
        changed.append(path)
    return changed


def clean(texts: Collection[str] = (), today: dt.date | None = None) -> Cleaned:
    """Remove this PC's files about anonymised complaints and complainants, or older than the retention period.

    ``texts`` (an erased person's name, e-mail address, phone) also remove any file that mentions one of them:
    an intake not registered yet does not know which complainant it will be. Needs the open database.
    """
    from klachtenbureau.workflow.personal_data import retention  # it cleans through this module

    wanted = {t.strip().casefold() for t in texts if len(t.strip()) >= MIN_TEXT}
    limit = retention.retention_limit(today or dt.date.today())
    copies = [c for c in _copies() if c.database_url is None or is_open_database(c.database_url)]
    numbers, relation_ids = _anonymised(copies + [c for c in _ledger_copies() if is_open_database(c.database_url)])
    cleaned = Cleaned()
    for copy in copies:
        about = (copy.number in numbers or copy.relation_id in relation_ids)
        if not (about or _older_than(copy.paths[0], limit) or any(_mentions(p, wanted) for p in copy.paths)):
            continue
        if copy.label:
            log.warning("Wachtende wijziging '%s' (%s) is van deze computer verwijderd: de klacht of klager is "
                        "geanonimiseerd, of de wijziging is ouder dan de bewaartermijn; ze kan niet meer "
                        "worden opgeslagen.", copy.label, copy.number or copy.paths[0].stem)
            cleaned.writes.append(copy.label)
        for path in copy.paths:
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:  # open in another program: the next start tries again
                log.warning("%s kon niet worden verwijderd: %s", path, exc)
                continue
            cleaned.files.append(path)
    cleaned.files += _clean_ledger(numbers, relation_ids, wanted)
    return cleaned
