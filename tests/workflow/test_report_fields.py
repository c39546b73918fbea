"""One table of field rules: every way a report or a correction comes in refuses a bad value with the same words."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Complaint
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import editing, importer, intake, intake_support
from klachtenbureau.workflow.offline import drafts, write_queue
from klachtenbureau.workflow.report_fields import RULES

CALLER = {"name": "Ria Dekker", "phone": "020 123 4567"}
ROW = {"received_at": "2026-03-03T14:30:00", "description": "Geen bevestiging.", **CALLER}
LONG_NAME = "Stichting " + "x" * 191  # 201 characters: one more than the column holds


def problems_of(action) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        action()
    return info.value.errors


def test_a_bad_channel_is_refused_in_the_same_words_by_the_wizard_register_the_dossier_and_the_import(db, staff):
    said = "Kies hoe de melding binnenkwam."
    form = {**intake_support.default_fields(), "channel": "fax"}
    assert intake_support.page_problems("arrival", form)["channel"] == said
    assert problems_of(lambda: intake.register(staff["sanne"], intake.NewReport(
        description="Te laat.", channel="fax", relation=CALLER)))["channel"] == said
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Te laat.", relation=CALLER))
    assert problems_of(lambda: editing.update_registration(staff["petra"], complaint, {"channel": "fax"})) == {
        "channel": said}
    with acting_at(dt.datetime(2026, 3, 4, 9, 0)), pytest.raises(importer.ImportRejected) as info:
        importer.import_rows(staff["admin"], [{**ROW, "channel": "fax"}])
    # The file holds codes: the import names them after the same words.
    assert info.value.problems[0].errors["channel"] == said + " In het bestand: " + ", ".join(RULES["channel"].choices) + "."


def test_a_name_longer_than_the_column_is_refused_everywhere_before_the_database_sees_it(db, staff):
    said = "Dit is te lang: hooguit 200 tekens, het zijn er 201."
    form = intake_support.default_fields()
    form.update(who=intake_support.NEW_RELATION, relation={**form["relation"], **CALLER, "name": LONG_NAME})
    assert intake_support.page_problems("who", form)["name"] == said
    assert problems_of(lambda: intake.register(staff["sanne"], intake.NewReport(
        description="Te laat.", relation={**CALLER, "name": LONG_NAME}))) == {"name": said}
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Te laat.", relation=CALLER))
    assert problems_of(lambda: editing.update_relation(staff["petra"], complaint, complaint.relation,
                                                       {"name": LONG_NAME})) == {"name": said}
    with acting_at(dt.datetime(2026, 3, 4, 9, 0)), pytest.raises(importer.ImportRejected) as info:
        importer.import_rows(staff["admin"], [{**ROW, "name": LONG_NAME}])
    assert info.value.problems[0].errors == {"name": said}
    assert Complaint.select().count() == 1


def test_a_description_is_asked_for_in_the_words_of_its_kind_wherever_it_is_missing(db, staff):
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Te laat.", relation=CALLER))
    assert editing.update_registration(staff["petra"], complaint, {"kind": "inquiry"}).kind == "inquiry"
    assert problems_of(lambda: editing.update_registration(staff["petra"], complaint, {"description": " "})) == {
        "description": "Beschrijf de vraag."}
    assert problems_of(lambda: intake.register(staff["sanne"], intake.NewReport(description="", relation=CALLER))) == {
        "description": "Beschrijf de klacht."}


def test_a_report_survives_the_queue_as_json(db, staff):
    report = intake.NewReport(description="Te laat.", relation=CALLER, received_at=dt.datetime(2026, 3, 3, 9, 30),
                              incident_date=dt.date(2026, 3, 2), assign_to=staff["petra"].id)
    assert intake.NewReport.from_json(json.loads(json.dumps(report.to_json()))) == report


def test_a_registration_queued_by_the_previous_version_is_registered_after_the_upgrade(sqlite_db, staff):
    """A PC that lost the database with a report in its queue, and was upgraded before it came back."""
    payload = {"description": "Tijdens de storing.", "category": 3, "kind": "complaint", "channel": "post",
               "received_at": "2026-03-03T09:30:00", "relation_id": None,
               "relation": {"name": "Ria Dekker", "attention": "", "street": "Havenkade 4", "postcode": "1012ab",
                            "city": "Amsterdam", "country": "", "phone": "", "email": "", "relation_type": "participant",
                            "salutation": ""},
               "anonymous": False, "desired_outcome": "", "incident_date": "2026-03-01", "involved_party": "",
               "people_involved": "", "severity": 2, "complex_sensitive": False, "confidential": False,
               "police_report_advised": False, "acknowledgement_method": "", "acknowledgement_to_send": "letter",
               "resolved_now": False, "resolution": "", "complainant_agrees": False, "assign_to": staff["petra"].id,
               "advisory_committee": False}
    write_queue.queue_dir().mkdir(parents=True)
    (write_queue.queue_dir() / "op-old.json").write_text(json.dumps({
        "operation_id": "op-old", "action": "register", "user_login": "sanne", "database_url": sqlite_db,
        "payload": payload, "created_at": "2026-03-03T09:30:05", "attempts": 1, "problem": ""}), encoding="utf-8")
    with acting_at(dt.datetime(2026, 3, 4, 9, 0)):
        assert write_queue.retry_pending(sqlite_db).sent == ["op-old"]
    complaint = Complaint.get()
    assert (complaint.relation.postcode, complaint.incident_date, complaint.acknowledgement_method) == (
        "1012 AB", dt.date(2026, 3, 1), "letter")


def test_a_draft_written_by_the_previous_version_is_read_in_the_reports_shape(tmp_path):
    old = {"format": 1, "id": "abc123", "operation_id": "f" * 32, "database_url": "sqlite:///x.db", "user_login": "sanne",
           "started_at": "2026-03-03T09:30:00", "updated_at": None, "page": 4, "fields": {
               "channel": "post", "received_date": "2-3-2026", "who": "new", "search": "Ria", "name": "Ria Dekker",
               "street": "Havenkade 4", "postcode": "1012ab", "city": "Amsterdam", "relation_type": "participant",
               "kind": "complaint", "description": "Te laat.", "category_id": 3, "loss": True, "outcome": "handover",
               "agrees": False, "coordinator_id": 7, "ack": "letter", "confirmed_dates": {"received_date": "2026-03-02"}}}
    (tmp_path / "abc123.json").write_text(json.dumps(old), encoding="utf-8")
    fields = drafts.load("abc123", tmp_path).fields
    assert fields["relation"] == {"name": "Ria Dekker", "street": "Havenkade 4", "postcode": "1012ab",
                                  "city": "Amsterdam", "relation_type": "participant"}
    assert (fields["received_at"], fields["category"], fields["assign_to"], fields["police_report_advised"]) == (
        "2-3-2026", 3, 7, True)
    assert (fields["resolved_now"], intake_support.ack_choice(fields)) == (False, "letter")
    assert fields["confirmed_dates"] == {"received_at": "2026-03-02"} and fields["search"] == "Ria"
    report = intake_support.to_report({**intake_support.default_fields(), **fields}, dt.datetime(2026, 3, 3, 9, 30))
    assert (report.relation["name"], report.acknowledgement_to_send, report.assign_to) == ("Ria Dekker", "letter", 7)
