"""Retention: personal data of complaints closed longer ago than the period goes; the statistics stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee
import pytest

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.models import (
    AuditEntry, Category, Complaint, Document, IncomingMail, Relation, TimelineEntry, database, db,
)
from klachtenbureau.models.database import is_sqlite
from klachtenbureau.workflow import procedure, settings
from klachtenbureau.workflow.personal_data import retention
from tests.workflow.past import PDF, closed_complaint, years_ago

TODAY = dt.date.today()
# Personal data of the complaints that are due; none of it may survive anywhere in the database.
SECRETS = ["Jozefien", "Ruitenbeek", "jozefien@example.nl", "Lindelaan", "Poelstra", "Bartholomeus",
           "Zwanenburg", "Kwakernaat", "Brakkenstein", "Oudebrug"]


def build_history(staff):
    """Old complaints that are due, a recent one of a returning complainant, an open one, an anonymous one."""
    jozefien = {"name": "Jozefien Ruitenbeek", "email": "jozefien@example.nl", "phone": "06 13572468",
                "street": "Lindelaan 12", "postcode": "6525 XZ", "city": "Brakkenstein"}
    old = closed_complaint(
        staff, years_ago(TODAY, 4), "Mijn buurvrouw Gerda Poelstra werd niet opgehaald.", relation=jozefien,
        category="Niet ophalen", channel="post", verdict="founded",
        answer="Beste mevrouw Ruitenbeek, excuses.", contact="Gebeld met Jozefien over de taxi.",
        document=PDF + b"Brief aan Jozefien Ruitenbeek", document_name="brief-ruitenbeek.pdf",
        people_involved="chauffeur Bartholomeus", desired_outcome="Excuses van Zwanenburg")
    closed_complaint(staff, years_ago(TODAY, 6), "Anoniem: de koffie was koud bij Kwakernaat.",
                     category="Pauze: geen koffie, thee, pauze te kort", channel="website", verdict="unfounded",
                     answer="Wij hebben dit nagevraagd bij Kwakernaat.", satisfaction="no", severity=1)
    kees = {"name": "Kees Terugkeer", "phone": "020 123 4567", "street": "Havenkade 3", "city": "Zaandam"}
    returning_old = closed_complaint(staff, years_ago(TODAY, 5), "Te laat opgehaald bij de Oudebrug.",
                                     relation=kees, category="Tijdstip ophalen", verdict="partly_founded")
    closed_complaint(staff, years_ago(TODAY, 1), "Weer te laat opgehaald, nu bij het station.",
                     relation_id=returning_old.relation_id, category="Tijdstip ophalen", verdict="founded")
    still_open = closed_complaint(staff, years_ago(TODAY, 4, days=20), "Nooit afgesloten klacht.",
                                  relation={"name": "Open Dossier", "phone": "06 24681357"}, closed=False)
    just_kept = closed_complaint(staff, years_ago(TODAY, 3, days=-2), "Net binnen de termijn.",
                                 relation={"name": "Binnen Termijn", "phone": "06 11223344"})
    return old, returning_old, still_open, just_kept


def statistics() -> dict[str, list]:
    """What the half-year and year reports count."""
    def grouped(*fields):
        return sorted(Complaint.select(*fields, peewee.fn.COUNT(Complaint.id)).group_by(*fields).tuples())

    return {
        "category": sorted(Complaint.select(Category.name, peewee.fn.COUNT(Complaint.id)).join(Category)
                           .group_by(Category.name).tuples()),
        "verdict": grouped(Complaint.verdict),
        "channel": grouped(Complaint.channel),
        "severity": grouped(Complaint.severity),
        "satisfaction": grouped(Complaint.satisfaction),
        "status": grouped(Complaint.status, Complaint.kind),
        "remedies": grouped(Complaint.remedies, Complaint.compensation_amount),
        "dates": sorted(Complaint.select(Complaint.number, Complaint.received_at, Complaint.acknowledged_at,
                                         Complaint.answered_at, Complaint.closed_at, Complaint.answer_by).tuples()),
        "repeat": sorted(Complaint.select(Complaint.relation, peewee.fn.COUNT(Complaint.id))
                         .group_by(Complaint.relation).tuples(), key=str),
        "timeline": sorted(TimelineEntry.select(TimelineEntry.kind, TimelineEntry.status_to,
                                                peewee.fn.COUNT(TimelineEntry.id))
                           .group_by(TimelineEntry.kind, TimelineEntry.status_to).tuples()),
        "documents": [Document.select().count()],
    }


def text_hits(needle: str) -> list[str]:
    """Every table.column of the database (search tables and blobs included) that contains ``needle``."""
    hits = []
    if is_sqlite():
        tables = [r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        for table in tables:
            for column in [r[1] for r in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()]:
                sql = f'SELECT count(*) FROM "{table}" WHERE instr(lower(CAST("{column}" AS TEXT)), ?)'
                count = db.execute_sql(sql, (needle.lower(),)).fetchone()[0]
                if count:
                    hits.append(f"{table}.{column}")
        return hits
    columns = db.execute_sql(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'bytea', 'tsvector')").fetchall()
    for table, column, kind in columns:
        if kind == "bytea":
            condition = f'position(convert_to(%s, \'UTF8\') in "{column}") > 0'
            value = needle
        else:
            condition = f'position(%s in lower("{column}"::text)) > 0'
            value = needle.lower()
        if db.execute_sql(f'SELECT count(*) FROM "{table}" WHERE {condition}', (value,)).fetchone()[0]:
            hits.append(f"{table}.{column}")
    return hits


def test_due_means_closed_longer_ago_than_the_retention_period(db, staff):
    old, returning_old, still_open, just_kept = build_history(staff)
    due = {c.number for c in retention.due_for_anonymisation(TODAY)}
    assert old.number in due and returning_old.number in due
    assert still_open.number not in due and just_kept.number not in due
    assert len(due) == 3  # old, the anonymous one, returning_old
    settings.put(staff["admin"], "retention_years", 5)  # closed exactly five years ago today: kept one more day
    assert [c.number for c in retention.due_for_anonymisation(TODAY)] == [
        c.number for c in Complaint.select().where(Complaint.anonymous == True)]  # noqa: E712


def test_dry_run_shows_what_would_go_and_changes_nothing(db, staff):
    build_history(staff)
    due = retention.due_for_anonymisation(TODAY)
    before = (statistics(), AuditEntry.select().count(),
              sorted(Complaint.select(Complaint.id, Complaint.description, Complaint.version).tuples()))
    result = retention.anonymise(staff["admin"], due, dry_run=True)
    assert result.dry_run and sorted(result.numbers) == sorted(c.number for c in due)
    assert result.relations == 1  # Jozefien; Kees still has a recent complaint
    assert result.documents == 1 and result.timeline_entries > 10
    assert (statistics(), AuditEntry.select().count(),
            sorted(Complaint.select(Complaint.id, Complaint.description, Complaint.version).tuples())) == before
    assert text_hits("Ruitenbeek")


def test_apply_removes_every_personal_string_and_keeps_the_statistics(db, staff):
    old, returning_old, _open, just_kept = build_history(staff)
    before = statistics()
    result = retention.anonymise(staff["admin"], retention.due_for_anonymisation(TODAY), dry_run=False)
    assert not result.dry_run and len(result.numbers) == 3 and result.relations == 1
    assert statistics() == before
    assert {secret: text_hits(secret) for secret in SECRETS} == {secret: [] for secret in SECRETS}
    assert retention.due_for_anonymisation(TODAY) == []

    scrubbed = Complaint.get_by_id(old.id)
    assert scrubbed.anonymized_at is not None and scrubbed.version > old.version
    assert scrubbed.description == "[geanonimiseerd]" and scrubbed.answer == "[geanonimiseerd]"
    assert (scrubbed.verdict, scrubbed.channel, scrubbed.satisfaction) == ("founded", "post", "yes")
    person = Relation.get_by_id(old.relation_id)
    assert person.name == "Geanonimiseerd" and person.email == person.phone == person.street == ""
    assert person.anonymized_at is not None
    document = Document.get(Document.complaint == old.id)
    assert bytes(document.content) == b"" and document.size == 0 and "ruitenbeek" not in document.name
    # A complainant with a complaint still kept keeps their name and address; only the old text goes.
    kees = Relation.get_by_id(returning_old.relation_id)
    assert kees.name == "Kees Terugkeer" and kees.anonymized_at is None
    assert Complaint.get_by_id(returning_old.id).description == "[geanonimiseerd]"
    assert Complaint.get_by_id(just_kept.id).description == "Net binnen de termijn."
    # Every anonymised complaint's history says so.
    logged = {e.complaint_id for e in AuditEntry.select().where(AuditEntry.action == "anonymise")}
    assert logged == {Complaint.get(Complaint.number == n).id for n in result.numbers}
    assert AuditEntry.select().where(AuditEntry.action == "retention").count() == 1


def test_anonymised_text_is_gone_from_the_sqlite_file_itself(sqlite_db, staff):
    build_history(staff)
    retention.anonymise(staff["admin"], retention.due_for_anonymisation(TODAY), dry_run=False)
    database.close()
    raw = Path(database.sqlite_path(sqlite_db)).read_bytes()
    assert [s for s in SECRETS if s.encode() in raw or s.lower().encode() in raw] == []


def test_search_no_longer_finds_an_anonymised_complainant(db, staff):
    from klachtenbureau.models.fulltext import matching_ids

    old, *_rest = build_history(staff)
    assert Complaint.select().where(Complaint.id.in_(matching_ids("Ruitenbeek"))).count() == 1
    retention.anonymise(staff["admin"], retention.due_for_anonymisation(TODAY), dry_run=False)
    assert Complaint.select().where(Complaint.id.in_(matching_ids("Ruitenbeek"))).count() == 0
    assert Complaint.select().where(Complaint.id.in_(matching_ids("Poelstra"))).count() == 0


def test_a_complaint_reopened_after_the_list_was_made_is_left_alone(db, staff):
    old, *_rest = build_history(staff)
    due = retention.due_for_anonymisation(TODAY)
    procedure.reopen(staff["petra"], Complaint.get_by_id(old.id), "Klager belde opnieuw.")
    result = retention.anonymise(staff["admin"], due, dry_run=False)
    assert old.number not in result.numbers and len(result.numbers) == 2
    assert Complaint.get_by_id(old.id).description.startswith("Mijn buurvrouw")
    assert Relation.get_by_id(old.relation_id).name == "Jozefien Ruitenbeek"


def test_only_an_administrator_may_anonymise(db, staff):
    build_history(staff)
    due = retention.due_for_anonymisation(TODAY)
    for login in ("petra", "henk", "anouk", "sanne"):
        with pytest.raises(PermissionDeniedError):
            retention.anonymise(staff[login], due, dry_run=True)


@pytest.mark.parametrize("today, years, expected", [
    (dt.date(2028, 2, 29), 3, dt.date(2025, 2, 28)),
    (dt.date(2026, 3, 1), 3, dt.date(2023, 3, 1)),
])
def test_cutoff_is_the_same_calendar_day_years_earlier(today, years, expected):
    assert retention.cutoff(today, years) == expected


def test_the_mailboxs_mails_go_with_their_complaint_and_mails_set_aside_after_the_period(db, staff):
    old, _returning, _open, _kept = build_history(staff)
    IncomingMail.create(message_id="m1@example.nl", sender_name="Jozefien Ruitenbeek",
                        sender_address="jozefien@example.nl", subject="Klacht over Lindelaan", status="complaint",
                        complaint=old.id, handled_at=years_ago(TODAY, 4))
    IncomingMail.create(message_id="m2@example.nl", sender_name="Reclame Kwakernaat",
                        sender_address="info@kwakernaat.example", subject="Aanbieding", status="not_complaint",
                        reason="reclame van Oudebrug", handled_at=years_ago(TODAY, 4))
    recent = IncomingMail.create(message_id="m3@example.nl", sender_name="Nieuwsbrief Zorg",
                                 sender_address="nieuws@zorg.example", subject="December", status="not_complaint",
                                 reason="nieuwsbrief", handled_at=years_ago(TODAY, 0, days=30))
    assert retention.anonymise(staff["admin"], retention.due_for_anonymisation(TODAY), dry_run=True).mails == 1

    result = retention.anonymise(staff["admin"], retention.due_for_anonymisation(TODAY), dry_run=False)

    assert result.mails == 1
    assert {secret: text_hits(secret) for secret in SECRETS} == {secret: [] for secret in SECRETS}
    assert IncomingMail.select().count() == 3  # the Message-IDs stay: none of them comes back as new
    assert IncomingMail.get_by_id(recent.id).sender_name == "Nieuwsbrief Zorg"  # within the period: kept
