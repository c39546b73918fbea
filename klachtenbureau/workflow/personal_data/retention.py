"""Retention (bewaartermijn, seed 004 step 7): anonymising complaints closed longer ago than the period.

After the retention period (office setting ``retention_years``, at least 3)
the personal data of a closed complaint goes: the free text (description,
desired outcome, people involved, findings, remedy note, answer, closing
note), the timeline's summaries and the documents' content and names. What
the statistics count stays: category, dates, channel, kind, severity,
verdict, remedies and amount, satisfaction, status and the steps of the
timeline. The complainant's name, address, phone and e-mail go too, once
they have no complaint left that is still kept (open, or closed recently).

Every run is written to the audit log, one entry per complaint. The same
scrubbing serves a person's right to erasure (personal_data.privacy). After
either, the copies outside the database forget it too (``forget_copies``):
this PC's drafts, queue and outbox (offline.local_copies; other PCs at their
next start) and the SQLite backups beside the shared file
(upkeep.anonymised_backups).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePath

import peewee

from klachtenbureau.i18n import _
from klachtenbureau.models import (
    Category, Complaint, Document, IncomingMail, Relation, TimelineEntry, User, audit, db, now,
)
from klachtenbureau.models.complaints import CLOSED
from klachtenbureau.models.database import is_sqlite, retry_on_busy, write_transaction
from klachtenbureau.workflow import permissions, settings
from klachtenbureau.workflow.operations import Outcome, new_operation_id, perform

# Free text of a complaint that may hold personal data; non-empty text becomes ANONYMISED.
COMPLAINT_TEXT = ("description", "desired_outcome", "people_involved", "findings_facts", "findings_circumstances",
                  "findings_causes", "findings_damage", "verdict_motivation", "remedy_note", "answer",
                  "proposed_answer", "escalation_reason", "closure_note", "waiting_reason")
RELATION_DATA = ("attention", "salutation", "street", "postcode", "city", "country", "phone", "email")
BATCH = 100  # complaints per write transaction: short enough not to hold the shared file for long
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def anonymised_text() -> str:
    return _("[geanonimiseerd]")


def anonymised_name() -> str:
    return _("Geanonimiseerd")


def cutoff(today: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def retention_limit(today: dt.date) -> dt.datetime:
    """The moment the retention period (office setting) reaches back to from ``today``."""
    return dt.datetime.combine(cutoff(today, int(settings.get("retention_years"))), dt.time.min)


def due_for_anonymisation(today: dt.date | None = None) -> list[Complaint]:
    """Closed complaints whose closing lies longer ago than the retention period, not yet anonymised."""
    limit = retention_limit(today or dt.date.today())
    return list(Complaint.select(Complaint, Category).join(Category)
                .where((Complaint.status == CLOSED) & Complaint.closed_at.is_null(False)
                       & (Complaint.closed_at < limit) & Complaint.anonymized_at.is_null())
                .order_by(Complaint.closed_at, Complaint.id))


@dataclasses.dataclass
class RetentionResult:
    """What a run anonymised, or (dry run) would anonymise."""

    dry_run: bool
    numbers: list[str] = dataclasses.field(default_factory=list)
    relations: int = 0
    timeline_entries: int = 0
    documents: int = 0
    mails: int = 0  # mails of the mailbox set aside as no complaint, handled longer ago than the period
    files: int = 0  # files on this PC (drafts, queue, outbox, …) removed with what they held
    backups: int = 0  # backup copies of the shared file that were anonymised as well


def forget_copies(texts: Sequence[str] = (), senders: Sequence[str] = (),
                  mails_before: dt.datetime | None = None) -> tuple[int, int]:
    """After anonymising: this PC's files and the shared file's backups forget it too; (files, backups).

    ``texts`` are an erased person's details (any file on this PC that mentions them goes), ``senders`` their
    e-mail addresses and ``mails_before`` the retention's limit for mails set aside (both for the backups).
    Other PCs clean their own files at their next start (``local_copies.clean``).
    """
    from klachtenbureau.workflow.offline import local_copies  # both use this module's fields and period
    from klachtenbureau.workflow.upkeep import anonymised_backups

    files = local_copies.clean(texts).files
    return len(files), len(anonymised_backups.anonymise_copies(senders, mails_before))


def _set_aside_mails(today: dt.date) -> peewee.Expression:
    limit = retention_limit(today)
    return IncomingMail.complaint.is_null() & (IncomingMail.handled_at < limit) & (IncomingMail.sender_address != "")


def _chunks(values: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """Keep every IN (...) list well below SQLite's limit on query parameters."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _relations_to_anonymise(complaint_ids: Sequence[int]) -> list[int]:
    """Relations of these complaints that keep no other complaint which is not anonymised."""
    wanted = set(complaint_ids)
    relation_ids = sorted({r for chunk in _chunks(complaint_ids) for (r,) in Complaint.select(Complaint.relation)
                           .where(Complaint.id.in_(chunk) & Complaint.relation.is_null(False)).tuples()})
    kept = set()
    for chunk in _chunks(relation_ids):
        for cid, relation_id in (Complaint.select(Complaint.id, Complaint.relation)
                                 .where(Complaint.relation.in_(chunk) & Complaint.anonymized_at.is_null()).tuples()):
            if cid not in wanted:
                kept.add(relation_id)
    return [r for r in relation_ids if r not in kept]


def scrub_relation(relation_id: int, moment: dt.datetime) -> None:
    """Remove a relation's name, address, phone and e-mail; its type stays for the statistics."""
    (Relation.update({Relation.name: anonymised_name(), **{getattr(Relation, f): "" for f in RELATION_DATA},
                      Relation.anonymized_at: moment, Relation.version: Relation.version + 1})
     .where(Relation.id == relation_id).execute())


def scrub_mail(which: peewee.Expression) -> int:
    """Forget who sent the mailbox's mails ``which`` and what they were about; their Message-ID stays, so none of
    them comes back as new in Binnengekomen."""
    return (IncomingMail.update(sender_name="", sender_address="", subject="", reason="")
            .where(which & (IncomingMail.sender_address != "")).execute())


def anonymised_document_name(document: Document) -> str:
    suffix = PurePath(document.name).suffix
    return f"{document.kind}-{document.id}{suffix if _SUFFIX.match(suffix) else ''}"


def scrub_complaint(complaint_id: int, moment: dt.datetime) -> tuple[int, int]:
    """Remove a complaint's personal text, timeline summaries and document content; (entries, documents)."""
    text = anonymised_text()
    values = {getattr(Complaint, f): peewee.Case(None, [(getattr(Complaint, f) == "", "")], text)
              for f in COMPLAINT_TEXT}
    (Complaint.update({**values, Complaint.anonymized_at: moment, Complaint.version: Complaint.version + 1})
     .where(Complaint.id == complaint_id).execute())
    entries = (TimelineEntry.update(summary=text)
               .where(TimelineEntry.complaint == complaint_id).execute())
    scrub_mail(IncomingMail.complaint == complaint_id)
    documents = list(Document.select(Document.id, Document.kind, Document.name)
                     .where(Document.complaint == complaint_id))
    for document in documents:
        (Document.update(content=b"", size=0, sha256=EMPTY_SHA256, name=anonymised_document_name(document))
         .where(Document.id == document.id).execute())
    return entries, len(documents)


def log_per_complaint(user: User, operation_id: str, action: str, complaint_ids: Sequence[int]) -> None:
    """One audit entry per complaint next to the run's own, so each complaint's history shows it."""
    for cid in complaint_ids:
        audit.append(operation_id=f"{operation_id}-{cid}", user_login=user.login, action=action,
                     entity=Complaint._meta.table_name, entity_id=cid, complaint_id=cid)


@retry_on_busy
def _optimize_search_index() -> None:
    if db.table_exists("complaint_fts"):
        with write_transaction():
            db.execute_sql("INSERT INTO complaint_fts (complaint_fts) VALUES ('optimize')")


@contextmanager
def erasing_for_good() -> Iterator[None]:
    """Overwrite deleted content in the SQLite file itself, and drop it from the search index.

    Without ``secure_delete`` the old text stays readable in the file's free
    pages; without ``optimize`` the full-text index keeps the old words in
    segments that are only marked as deleted.
    """
    if not is_sqlite():
        yield
        return
    previous = db.execute_sql("PRAGMA secure_delete").fetchone()[0]
    db.execute_sql("PRAGMA secure_delete = ON")
    try:
        yield
        _optimize_search_index()
    finally:
        db.execute_sql(f"PRAGMA secure_delete = {int(previous)}")


def _batch(user: User, ids: Sequence[int], result: RetentionResult) -> None:
    operation_id = new_operation_id()
    done = RetentionResult(dry_run=False)

    def body() -> Outcome:
        nonlocal done
        moment = now()
        # Someone may have reopened one since the list was made: only what is still closed and kept goes.
        still = [cid for (cid,) in Complaint.select(Complaint.id)
                 .where(Complaint.id.in_(ids) & (Complaint.status == CLOSED) & Complaint.anonymized_at.is_null())
                 .order_by(Complaint.id).tuples()]
        relations = _relations_to_anonymise(still)
        entries = documents = 0
        for cid in still:
            counted = scrub_complaint(cid, moment)
            entries, documents = entries + counted[0], documents + counted[1]
        for relation_id in relations:
            scrub_relation(relation_id, moment)
        log_per_complaint(user, operation_id, "anonymise", still)
        numbers = [n for (n,) in Complaint.select(Complaint.number).where(Complaint.id.in_(still))
                   .order_by(Complaint.id).tuples()]
        done = RetentionResult(False, numbers, len(relations), entries, documents)  # this attempt's, if it commits
        first = Complaint.get_by_id(still[0]) if still else User.get_by_id(user.id)
        return Outcome(first, {"complaints": numbers, "relations": len(relations),
                               "timeline_entries": entries, "documents": documents})

    perform(user, "retention", body, operation_id)
    result.numbers += done.numbers
    result.relations += done.relations
    result.timeline_entries += done.timeline_entries
    result.documents += done.documents


def anonymise(user: User, complaints: Sequence[Complaint], dry_run: bool) -> RetentionResult:
    """Anonymise ``complaints`` (see the module), or with ``dry_run`` only say what would go. Admins only."""
    permissions.require_admin(user)
    ids = [c.id for c in complaints]
    result = RetentionResult(dry_run=dry_run)
    if dry_run:
        result.numbers = [c.number for c in complaints]
        result.relations = len(_relations_to_anonymise(ids))
        for chunk in _chunks(ids):
            result.timeline_entries += TimelineEntry.select().where(TimelineEntry.complaint.in_(chunk)).count()
            result.documents += Document.select().where(Document.complaint.in_(chunk)).count()
        result.mails = IncomingMail.select().where(_set_aside_mails(dt.date.today())).count()
        return result
    with erasing_for_good():
        for start in range(0, len(ids), BATCH):
            _batch(user, ids[start:start + BATCH], result)
        set_aside = _set_aside_mails(dt.date.today())
        if IncomingMail.select().where(set_aside).exists():
            def forget() -> Outcome:
                result.mails = scrub_mail(set_aside)
                return Outcome(User.get_by_id(user.id), {"mails": result.mails})

            perform(user, "retention", forget, new_operation_id())
    result.files, result.backups = forget_copies(mails_before=retention_limit(dt.date.today()))
    return result
