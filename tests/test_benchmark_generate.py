"""The benchmarks' bulk generator writes rows the application reads as its own: a whole audit chain, a full-text
index that finds them, and values of the types the models give back (it bypasses peewee's insert_many)."""

import datetime as dt

from klachtenbureau.models import AuditEntry, Complaint, Relation, TimelineEntry
from klachtenbureau.models.fulltext import matching_ids
from klachtenbureau.workflow.upkeep import store


def test_the_generated_register_passes_the_full_check_and_reads_back_as_the_models_write(generated_db):
    store.full_check()  # the audit chain links every bulk entry, the indexes match the tables

    bulk = Complaint.select().order_by(Complaint.id.desc()).get()  # the last of the bulk, not of demo.py's seed
    assert isinstance(bulk.received_at, dt.datetime) and isinstance(bulk.acknowledge_by, dt.date)
    assert type(bulk.confidential) is bool and type(bulk.anonymous) is bool  # as the models read them back
    assert f"{bulk.received_at.year}-" in bulk.number
    assert TimelineEntry.select().where(TimelineEntry.complaint == bulk).count() >= 1
    assert AuditEntry.select().where(AuditEntry.complaint_id == bulk.id).count() >= 1
    if bulk.relation_id:
        assert Relation.get_by_id(bulk.relation_id).search_name

    word = max(bulk.description.split(), key=len).strip(".,")
    assert bulk.id in {c.id for c in Complaint.select(Complaint.id).where(Complaint.id.in_(matching_ids(word)))}
