"""The backups of the shared file forget what the database forgot.

A daily copy is kept for ``backup_keep_days``; a copy made by hand, before
an upgrade or set aside by a restore longer (``backups.rotate_others``: at
most the retention period). Without this module each of them would still
hold a complainant that retention or an erasure anonymised, and putting one
back would bring the person back. So after every anonymisation each SQLite
copy in the ``backups`` folder is anonymised in place the same way: the
complaints and complainants the open database has anonymised, the mails of
an erased person and the mails set aside longer ago than the period. SQLite's
``secure_delete`` overwrites the old text in the file itself, and the search
index (kept by the copy's own triggers) is optimised so its old words go too.

Copies elsewhere (``db backup -o`` to another folder, the office's own tape
or cloud backup, the office server's dumps) are out of reach; the
administrator's guide says how long they keep data.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Collection, Sequence
from pathlib import Path

from klachtenbureau.models import Complaint, Document, IncomingMail, Relation, TimelineEntry, database, db, now
from klachtenbureau.models.folding import fold
from klachtenbureau.workflow.personal_data import retention
from klachtenbureau.workflow.upkeep.backups import LOCK_WAIT_SECONDS, copies

log = logging.getLogger(__name__)

CHUNK = 500  # well below SQLite's limit on query parameters


def _chunks(values: Sequence, size: int = CHUNK) -> list[Sequence]:
    return [values[start:start + size] for start in range(0, len(values), size)]


def _columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def _anonymise(connection: sqlite3.Connection, numbers: Sequence[str], relation_ids: Sequence[int],
               senders: Collection[str], mails_before: dt.datetime | None) -> int:
    """Anonymise one copy (an older schema too: only the columns it has); returns the rows changed."""
    moment, text, changed = now().isoformat(" "), retention.anonymised_text(), 0
    table = Complaint._meta.table_name
    have = _columns(connection, table)
    ids: list[int] = []
    for chunk in _chunks(list(numbers)):
        ids += [row[0] for row in connection.execute(
            f'SELECT id FROM "{table}" WHERE anonymized_at IS NULL AND number IN ({_marks(chunk)})', chunk)]
    texts = [getattr(Complaint, f).column_name for f in retention.COMPLAINT_TEXT
             if getattr(Complaint, f).column_name in have]
    assignments = ", ".join([f'"{c}" = CASE WHEN "{c}" = \'\' THEN \'\' ELSE ? END' for c in texts]
                            + ["anonymized_at = ?"])
    entries, documents, mails = (TimelineEntry._meta.table_name, Document._meta.table_name,
                                 IncomingMail._meta.table_name)
    for chunk in _chunks(ids):
        changed += connection.execute(f'UPDATE "{table}" SET {assignments} WHERE id IN ({_marks(chunk)})',
                                      [text] * len(texts) + [moment, *chunk]).rowcount
        connection.execute(f'UPDATE "{entries}" SET summary = ? WHERE complaint_id IN ({_marks(chunk)})',
                           [text, *chunk])
        for document_id, kind, name in connection.execute(
                f'SELECT id, kind, name FROM "{documents}" WHERE complaint_id IN ({_marks(chunk)})', chunk).fetchall():
            connection.execute(f'UPDATE "{documents}" SET content = ?, size = 0, sha256 = ?, name = ? WHERE id = ?',
                               (b"", retention.EMPTY_SHA256, retention.anonymised_document_name(
                                   Document(id=document_id, kind=kind, name=name)), document_id))
        connection.execute(f'UPDATE "{mails}" SET sender_name = \'\', sender_address = \'\', subject = \'\', '
                           f'reason = \'\' WHERE complaint_id IN ({_marks(chunk)})', chunk)
    forgotten = [s.strip().lower() for s in senders if s.strip()]
    if forgotten:
        changed += connection.execute(
            f'UPDATE "{mails}" SET sender_name = \'\', sender_address = \'\', subject = \'\', reason = \'\' '
            f'WHERE lower(sender_address) IN ({_marks(forgotten)})', forgotten).rowcount
    if mails_before is not None:
        changed += connection.execute(
            f'UPDATE "{mails}" SET sender_name = \'\', sender_address = \'\', subject = \'\', reason = \'\' '
            f"WHERE complaint_id IS NULL AND sender_address <> '' AND handled_at < ?",
            (mails_before.isoformat(" "),)).rowcount
    relations = Relation._meta.table_name
    have = _columns(connection, relations)
    name = retention.anonymised_name()
    values = {"name": name, "search_name": fold(name), "anonymized_at": moment,
              **{getattr(Relation, f).column_name: "" for f in retention.RELATION_DATA}}
    values = {column: value for column, value in values.items() if column in have}
    assignments = ", ".join(f'"{column}" = ?' for column in values)
    for chunk in _chunks(list(relation_ids)):
        changed += connection.execute(
            f'UPDATE "{relations}" SET {assignments} WHERE anonymized_at IS NULL AND id IN ({_marks(chunk)})',
            [*values.values(), *chunk]).rowcount
    return changed


def anonymise_copies(senders: Collection[str] = (), mails_before: dt.datetime | None = None) -> list[Path]:
    """Anonymise in every backup of the open SQLite file what the file itself has anonymised; returns the copies
    that changed. A copy that cannot be changed (in use, damaged) is logged and left as it is."""
    if not database.is_sqlite():
        return []
    numbers = [n for (n,) in Complaint.select(Complaint.number).where(Complaint.anonymized_at.is_null(False))
               .tuples()]
    relation_ids = [r for (r,) in Relation.select(Relation.id).where(Relation.anonymized_at.is_null(False)).tuples()]
    changed = []
    for path in copies(Path(db.obj.database)):
        try:
            connection = sqlite3.connect(str(path), timeout=LOCK_WAIT_SECONDS, isolation_level=None)
            try:
                connection.execute("PRAGMA secure_delete = ON")
                connection.execute("BEGIN IMMEDIATE")
                rows = _anonymise(connection, numbers, relation_ids, senders, mails_before)
                connection.execute("COMMIT")
                if rows and connection.execute(
                        "SELECT 1 FROM sqlite_master WHERE name = 'complaint_fts'").fetchone() is not None:
                    connection.execute("INSERT INTO complaint_fts (complaint_fts) VALUES ('optimize')")
            finally:
                connection.close()
            os.chmod(path, 0o600)  # a copy made before copies were private
        except (sqlite3.Error, OSError) as exc:
            log.warning("Reservekopie %s kon niet worden geanonimiseerd: %s", path, exc)
            continue
        if rows:
            changed.append(path)
    return changed
