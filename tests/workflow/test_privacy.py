"""Roles enforced in the workflow, viewing confidential dossiers logged, the audit viewer, AVG export and erasure."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from klachtenbureau.errors import NotFoundError, PermissionDeniedError, ValidationError
from klachtenbureau.models import AuditEntry, Complaint, IncomingMail, Relation
from klachtenbureau.workflow import admin, intake, procedure, queries
from klachtenbureau.workflow.personal_data import privacy
from tests.workflow.past import PDF, closed_complaint
from tests.workflow.test_retention import statistics, text_hits

JOZEFIEN = {"name": "Jozefien Ruitenbeek", "email": "jozefien@example.nl", "phone": "06 13572468",
            "street": "Lindelaan 12", "postcode": "6525 XZ", "city": "Brakkenstein"}


def register(user, description="Te laat opgehaald.", **extra):
    return intake.register(user, intake.NewReport(description=description, anonymous=True, **extra))


def test_telephonist_sees_only_what_she_registered(db, staff):
    own = register(staff["sanne"])
    other = register(staff["petra"])
    assert queries.get_complaint(own.number, staff["sanne"]).id == own.id
    with pytest.raises(PermissionDeniedError):
        queries.get_complaint(other.number, staff["sanne"])
    with pytest.raises(PermissionDeniedError):
        privacy.record_view(staff["sanne"], other)
    assert [c.id for c in queries.list_complaints(staff["sanne"])] == [own.id]
    with pytest.raises(PermissionDeniedError):
        procedure.acknowledge(staff["sanne"], Complaint.get_by_id(other.id), "phone")
    with pytest.raises(PermissionDeniedError):
        procedure.add_contact(staff["sanne"], Complaint.get_by_id(other.id), "Even gebeld.")


def test_confidential_complaint_only_for_the_allowed_roles_and_people(db, staff):
    secret = register(staff["sanne"], "Ongewenst gedrag van een vrijwilliger.", confidential=True)
    allowed = {login for login, user in staff.items() if queries.list_complaints(user)
               .where(Complaint.id == secret.id).exists()}
    assert allowed == {"sanne", "henk", "fatima", "admin"}  # who registered it, director, counsellor, admin
    for login in ("petra", "ruud", "anouk"):
        with pytest.raises(PermissionDeniedError):
            queries.get_complaint(secret.number, staff[login])
    with pytest.raises(PermissionDeniedError):
        procedure.assign(staff["petra"], Complaint.get_by_id(secret.id), staff["ruud"])
    procedure.assign(staff["henk"], Complaint.get_by_id(secret.id), staff["ruud"])
    assert queries.get_complaint(secret.number, staff["ruud"]).id == secret.id  # now the handler
    trusted = admin.update_user(staff["admin"], staff["anouk"], "Anouk Visser", "quality", "", True, True)
    assert queries.get_complaint(secret.number, trusted).id == secret.id


def test_viewing_a_confidential_dossier_is_logged_and_a_refusal_too(db, staff):
    secret = register(staff["sanne"], "Vertrouwelijk.", confidential=True)
    ordinary = register(staff["sanne"])
    assert privacy.record_view(staff["fatima"], secret) is True
    assert privacy.record_view(staff["petra"], ordinary) is False
    with pytest.raises(PermissionDeniedError):
        privacy.record_view(staff["petra"], secret)
    views = [(e.user_login, e.action, e.complaint_id) for e in AuditEntry.select()
             .where(AuditEntry.action.in_(["view", "view_refused"])).order_by(AuditEntry.id)]
    assert views == [("fatima", "view", secret.id), ("petra", "view_refused", secret.id)]


def test_audit_history_is_for_admin_director_and_quality_only(db, staff):
    register(staff["sanne"])
    for login in ("admin", "henk", "anouk"):
        assert privacy.audit_history(staff[login])
    for login in ("sanne", "petra", "fatima"):
        with pytest.raises(PermissionDeniedError):
            privacy.audit_history(staff[login])


def test_audit_history_filters_and_hides_confidential_entries_from_quality(db, staff):
    ordinary = register(staff["sanne"], "Gewone klacht.")
    secret = register(staff["sanne"], "Vertrouwelijk.", confidential=True)
    privacy.record_view(staff["henk"], secret)
    procedure.acknowledge(staff["petra"], Complaint.get_by_id(ordinary.id), "email")

    rows = privacy.audit_history(staff["admin"], complaint_id=ordinary.id)
    assert [(r.action, r.login, r.complaint_number) for r in rows] == [
        ("acknowledge", "petra", ordinary.number), ("register", "sanne", ordinary.number)]
    assert rows[0].action_label == "Ontvangst bevestigd" and rows[0].user_name == "Petra Jansen"
    assert rows[0].changes["acknowledgement_method"] == "email"
    assert rows[1].changes["received_by"] == "Sanne de Vries"  # a colleague's id is shown as the name

    procedure.assign(staff["petra"], Complaint.get_by_id(ordinary.id), staff["petra"])
    [assigned] = [r for r in privacy.audit_history(staff["admin"], complaint_id=ordinary.id) if r.action == "assign"]
    assert assigned.changes["assigned_to"] == "Petra Jansen"

    assert {r.action for r in privacy.audit_history(staff["admin"], login="HENK")} == {"view"}
    assert secret.id in {r.entity_id for r in privacy.audit_history(staff["henk"]) if r.entity == "complaint"}
    quality_sees = {r.complaint_number for r in privacy.audit_history(staff["anouk"])}
    assert ordinary.number in quality_sees and secret.number not in quality_sees

    later = AuditEntry.select().order_by(AuditEntry.id.desc()).first().at + dt.timedelta(seconds=1)
    assert privacy.audit_history(staff["admin"], since=later) == []
    assert privacy.complaint_id_for_number(f" {ordinary.number.lower()} ") == ordinary.id
    with pytest.raises(NotFoundError):
        privacy.complaint_id_for_number("K1999-0001")


def test_person_export_holds_everything_about_one_person_and_is_logged(db, staff):
    first = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Niet opgehaald bij de Lindelaan.",
                             relation=JOZEFIEN, contact="Gebeld met Jozefien.", document=PDF + b"brief",
                             document_name="ontvangst.pdf", answer="Beste mevrouw Ruitenbeek, excuses.")
    second = register(staff["sanne"], "Tweede klacht.")
    Complaint.update(relation=first.relation_id, anonymous=False).where(Complaint.id == second.id).execute()
    register(staff["sanne"], "Van iemand anders.")

    export = privacy.person_export(staff["admin"], first.relation_id)
    json.dumps(export)  # plain JSON values only
    assert {k: export["relation"][k] for k in ("name", "email", "phone", "street", "postcode", "city")} == {
        "name": "Jozefien Ruitenbeek", "email": "jozefien@example.nl", "phone": "06 13572468",
        "street": "Lindelaan 12", "postcode": "6525 XZ", "city": "Brakkenstein"}
    assert [c["number"] for c in export["complaints"]] == [first.number, second.number]
    complaint = export["complaints"][0]
    assert complaint["description"] == "Niet opgehaald bij de Lindelaan."
    assert complaint["answer"] == "Beste mevrouw Ruitenbeek, excuses." and complaint["verdict"] == "founded"
    assert complaint["findings"]["facts"].startswith("Feiten over")
    assert "Gebeld met Jozefien." in [e["summary"] for e in complaint["timeline"]]
    assert [(d["name"], d["size"]) for d in complaint["documents"]] == [("ontvangst.pdf", len(PDF) + 5)]
    assert {"Geregistreerd", "Bijlage toegevoegd", "Afgesloten"} <= {e["action"] for e in complaint["access_log"]}
    logged = AuditEntry.get(AuditEntry.action == "export_person")
    assert (logged.user_login, logged.entity, logged.entity_id) == ("admin", "relation", first.relation_id)
    assert json.loads(logged.changes) == {"complaints": [first.number, second.number]}
    with pytest.raises(PermissionDeniedError):
        privacy.person_export(staff["petra"], first.relation_id)


def test_find_relation_by_number_or_email(db, staff):
    complaint = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "x", relation=JOZEFIEN)
    assert privacy.find_relation(str(complaint.relation_id)).id == complaint.relation_id
    assert privacy.find_relation(" Jozefien@Example.nl ").id == complaint.relation_id
    with pytest.raises(NotFoundError):
        privacy.find_relation("niemand@example.nl")
    with pytest.raises(NotFoundError):
        privacy.find_relation("99999")
    with pytest.raises(ValidationError):
        privacy.find_relation("geen adres")


def test_erasure_anonymises_the_person_keeps_the_statistics_and_is_logged(db, staff):
    mine = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Mijn buurvrouw Poelstra werd vergeten.",
                            relation=JOZEFIEN, contact="Gebeld met Jozefien.", document=PDF + b"Ruitenbeek",
                            document_name="brief-ruitenbeek.pdf", people_involved="chauffeur Bartholomeus")
    other = closed_complaint(staff, dt.datetime(2025, 3, 4, 10), "Klacht van een ander.",
                             relation={"name": "Andere Klager", "phone": "06 87654321"})
    # A mail of hers that the office set aside as no complaint, in another case than her stored address.
    IncomingMail.create(message_id="m1@example.nl", sender_name="Jozefien Ruitenbeek", status="not_complaint",
                        sender_address="Jozefien@Example.nl", subject="Nog een vraag over Lindelaan", reason="vraag")
    before = statistics()
    result = privacy.erase_person(staff["admin"], mine.relation_id, "AVG-verzoek per brief van 2 maart")
    assert result.numbers == [mine.number] and result.documents == 1
    assert statistics() == before
    for secret in ("Jozefien", "Ruitenbeek", "Lindelaan", "Poelstra", "Bartholomeus", "13572468"):
        assert text_hits(secret) == [], secret
    assert Relation.get_by_id(other.relation_id).name == "Andere Klager"
    assert Complaint.get_by_id(other.id).description == "Klacht van een ander."
    entry = AuditEntry.get(AuditEntry.action == "erase_person", AuditEntry.entity == "relation")
    assert json.loads(entry.changes) == {"reason": "AVG-verzoek per brief van 2 maart", "complaints": [mine.number]}
    assert [e.complaint_id for e in AuditEntry.select().where(
        (AuditEntry.action == "erase_person") & (AuditEntry.entity == "complaint"))] == [mine.id]


def test_erasure_is_refused_without_reason_for_open_complaints_and_for_non_admins(db, staff):
    done = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Oud.", relation=JOZEFIEN)
    with pytest.raises(ValidationError) as info:
        privacy.erase_person(staff["admin"], done.relation_id, "  ")
    assert "reason" in info.value.errors
    with pytest.raises(PermissionDeniedError):
        privacy.erase_person(staff["henk"], done.relation_id, "verzoek")
    still = intake.register(staff["sanne"], intake.NewReport(description="Nog open.", relation_id=done.relation_id))
    with pytest.raises(ValidationError) as info:
        privacy.erase_person(staff["admin"], done.relation_id, "verzoek")
    assert still.number in info.value.errors["relation"]
    assert Relation.get_by_id(done.relation_id).name == "Jozefien Ruitenbeek"
    assert not AuditEntry.select().where(AuditEntry.action == "erase_person").exists()
