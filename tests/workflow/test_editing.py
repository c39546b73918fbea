"""Correcting a registration and the complainant's details, and attaching documents, from the dossier."""

import datetime as dt
import hashlib
import json

import pytest

from klachtenbureau.errors import ConflictError, PermissionDeniedError, ValidationError
from klachtenbureau.models import AuditEntry, Category, Complaint, Document, Relation, TimelineEntry
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import dossier_data, editing, intake, permissions, procedure

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EML = b"From: klager@example.nl\r\nSubject: Klacht\r\n\r\nDe taxi kwam niet.\r\n"


def register(user, **overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", channel="phone",
                  relation={"name": "Els Bos", "phone": "06 12345678"})
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


def test_coordinator_corrects_registration_and_the_audit_log_records_it(db, staff):
    petra = staff["petra"]
    c = register(staff["sanne"])
    other = Category.get(Category.name == "Tijdstip ophalen")
    editing.update_registration(petra, c, {"description": "  De taxi kwam een uur te vroeg.  ", "severity": 3,
                                           "category": other.id, "incident_date": dt.date(2026, 3, 1)})
    stored = Complaint.get_by_id(c.id)
    assert (stored.description, stored.severity, stored.category_id, stored.version) == (
        "De taxi kwam een uur te vroeg.", 3, other.id, 2)
    assert stored.incident_date == dt.date(2026, 3, 1)
    assert c.version == 2  # the caller's instance is up to date for its next save
    entry = AuditEntry.select().where(AuditEntry.action == "edit_registration").get()
    assert entry.complaint_id == c.id and entry.user_login == "petra"
    changes = json.loads(entry.changes)
    assert changes["severity"] == 3 and changes["description"] == "(gewijzigd)"  # private text is not copied


def test_saving_what_was_loaded_unchanged_writes_nothing(db, staff):
    c = register(staff["sanne"])
    editing.update_registration(staff["petra"], c, {"description": c.description, "severity": c.severity})
    assert Complaint.get_by_id(c.id).version == 1
    assert not AuditEntry.select().where(AuditEntry.action == "edit_registration").exists()


def test_save_over_a_colleagues_newer_save_is_refused(db, staff):
    petra, ruud = staff["petra"], staff["ruud"]
    c = register(staff["sanne"])
    mine = Complaint.get_by_id(c.id)
    theirs = Complaint.get_by_id(c.id)
    editing.update_registration(ruud, theirs, {"severity": 4})
    with pytest.raises(ConflictError):
        editing.update_registration(petra, mine, {"description": "Mijn tekst."})
    stored = Complaint.get_by_id(c.id)
    assert (stored.severity, stored.description) == (4, "De taxi kwam niet.")


def test_bad_fields_are_all_reported_in_dutch(db, staff):
    c = register(staff["sanne"])
    with pytest.raises(ValidationError) as info:
        editing.update_registration(staff["petra"], c, {"description": "  ", "severity": 9, "channel": "fax",
                                                        "incident_date": dt.date.today() + dt.timedelta(days=2)})
    assert set(info.value.errors) == {"description", "severity", "channel", "incident_date"}
    assert info.value.errors["description"] == "Beschrijf de klacht."  # the rule says what this one is


def test_telephonist_may_correct_her_new_complaint_but_not_once_it_is_handled(db, staff):
    sanne, petra = staff["sanne"], staff["petra"]
    c = register(sanne)
    editing.update_registration(sanne, c, {"desired_outcome": "Excuses"})
    procedure.acknowledge(petra, c, "letter")
    with pytest.raises(PermissionDeniedError):
        editing.update_registration(sanne, c, {"desired_outcome": "Geld terug"})
    assert not permissions.can_edit_registration(sanne, c)


def test_closed_complaint_is_read_only_until_reopened(db, staff):
    c = register(staff["sanne"], resolved_now=True, resolution="Direct uitgelegd.", complainant_agrees=True)
    with pytest.raises(PermissionDeniedError, match="heropen"):
        editing.update_registration(staff["petra"], c, {"severity": 3})


def test_only_confidential_roles_mark_a_complaint_confidential(db, staff):
    c = register(staff["sanne"])
    with pytest.raises(PermissionDeniedError, match="vertrouwelijk"):
        editing.update_registration(staff["petra"], c, {"confidential": True})
    assert not Complaint.get_by_id(c.id).confidential
    editing.update_registration(staff["henk"], c, {"confidential": True})
    assert Complaint.get_by_id(c.id).confidential


def test_complainant_details_are_normalised_and_versioned(db, staff):
    petra = staff["petra"]
    c = register(staff["sanne"])
    relation = Relation.get_by_id(c.relation_id)
    stale = Relation.get_by_id(c.relation_id)
    editing.update_relation(petra, c, relation, {"postcode": "8011aa", "city": "Zwolle", "street": "Molenweg 3"})
    stored = Relation.get_by_id(c.relation_id)
    assert (stored.postcode, stored.name) == ("8011 AA", "Els Bos")
    assert AuditEntry.get(AuditEntry.action == "edit_relation").complaint_id == c.id
    with pytest.raises(ConflictError):
        editing.update_relation(petra, c, stale, {"name": "Els de Bos"})
    with pytest.raises(ValidationError) as info:
        editing.update_relation(petra, c, relation, {"email": "els@", "phone": ""})
    assert "email" in info.value.errors


def test_dropped_scan_and_email_are_stored_with_the_complaint(db, staff):
    petra = staff["petra"]
    c = register(staff["sanne"])
    scan = editing.attach_document(petra, c, r"C:\Scans\brief klager.pdf", None, PDF)
    mail = editing.attach_document(petra, c, "klacht.eml", "application/octet-stream", EML)
    assert (scan.name, scan.kind, scan.mime_type) == ("brief klager.pdf", "scan", "application/pdf")
    assert scan.size == len(PDF)
    assert (mail.kind, mail.mime_type) == ("email", "message/rfc822")
    stored = Document.get_by_id(scan.id)
    assert bytes(stored.content) == PDF and stored.sha256 == hashlib.sha256(PDF).hexdigest()
    notes = [e.summary for e in TimelineEntry.select().where(TimelineEntry.kind == "document")]
    assert notes == ["Bijlage toegevoegd: brief klager.pdf", "Bijlage toegevoegd: klacht.eml"]
    assert [d.name for d in dossier_data.load(petra, c.id).documents] == ["brief klager.pdf", "klacht.eml"]
    assert bytes(dossier_data.document(petra, mail.id).content) == EML


def test_attachment_that_is_not_a_scan_or_email_or_is_empty_or_twice_is_refused(db, staff):
    petra = staff["petra"]
    c = register(staff["sanne"])
    with pytest.raises(ValidationError, match="alleen PDF"):
        editing.attach_document(petra, c, "virus.exe", None, b"MZ")
    with pytest.raises(ValidationError, match="leeg"):
        editing.attach_document(petra, c, "leeg.pdf", None, b"")
    editing.attach_document(petra, c, "brief.pdf", None, PDF)
    with pytest.raises(ValidationError, match="al bij deze klacht"):
        editing.attach_document(petra, c, "brief-kopie.pdf", None, PDF)
    assert Document.select().count() == 1


def test_attachments_only_by_who_works_on_the_complaint(db, staff):
    c = register(staff["sanne"], confidential=True)
    with pytest.raises(PermissionDeniedError):
        editing.attach_document(staff["petra"], c, "brief.pdf", None, PDF)
    editing.attach_document(staff["sanne"], c, "brief.pdf", None, PDF)  # she registered it
    with pytest.raises(PermissionDeniedError):
        dossier_data.document(staff["petra"], Document.get().id)


def test_incident_after_the_receipt_is_refused(db, staff):
    with acting_at(dt.datetime(2026, 11, 2, 10, 0)):
        c = register(staff["sanne"], channel="post")
    with pytest.raises(ValidationError) as info:
        editing.update_registration(staff["petra"], c, {"incident_date": dt.date(2026, 11, 3)})
    assert info.value.errors == {"incident_date": "Het voorval kan niet na de ontvangst van de melding zijn gebeurd; "
                                                  "controleer beide datums."}
    editing.update_registration(staff["petra"], c, {"incident_date": dt.date(2026, 11, 2)})
    assert Complaint.get_by_id(c.id).incident_date == dt.date(2026, 11, 2)
