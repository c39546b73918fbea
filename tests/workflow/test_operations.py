"""Writes: optimistic locking, operation ids and the append-only audit log."""

import peewee
import pytest

from klachtenbureau.errors import ConflictError, ValidationError
from klachtenbureau.models import AuditEntry, Category, Complaint, User, db as proxy
from klachtenbureau.workflow import intake, settings
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.operations import update_versioned


def test_save_against_an_old_version_is_refused(db, staff):
    first = Category.get(Category.name == "Overig")
    second = Category.get(Category.name == "Overig")
    update_versioned(first, first.version, {"position": 99})
    with pytest.raises(ConflictError):
        update_versioned(second, second.version, {"position": 1})
    assert Category.get_by_id(first.id).position == 99


def test_registering_twice_with_one_operation_id_registers_once(db, staff):
    report = intake.NewReport(description="Dubbel?", anonymous=True, channel="website")
    a = intake.register(staff["sanne"], report, operation_id="same-op")
    b = intake.register(staff["sanne"], report, operation_id="same-op")
    assert a.id == b.id and a.number == b.number
    assert Complaint.select().count() == 1


def test_audit_log_cannot_be_rewritten(db, staff):
    settings.put(staff["admin"], "retention_years", 5)
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    with pytest.raises((peewee.IntegrityError, peewee.InternalError, peewee.OperationalError)):
        with proxy.atomic():
            AuditEntry.update(action="x").where(AuditEntry.id == entry.id).execute()
    with pytest.raises((peewee.IntegrityError, peewee.InternalError, peewee.OperationalError)):
        with proxy.atomic():
            AuditEntry.delete().where(AuditEntry.id == entry.id).execute()
    assert AuditEntry.get_by_id(entry.id).action == "setting"


def test_personal_text_never_enters_the_audit_log(db, staff):
    intake.register(staff["sanne"], intake.NewReport(
        description="Mijn buurman Karel Appel", relation={"name": "Geheime Naam", "phone": "0612345678"}))
    logged = " ".join(e.changes for e in AuditEntry.select())
    assert "Karel Appel" not in logged and "Geheime Naam" not in logged and "0612345678" not in logged


def test_user_logins_are_unique(db, staff):
    with pytest.raises(ValidationError) as info:
        store.create_user(staff["admin"], "Petra", "Nog een Petra", "coordinator")
    assert "bestaat al" in info.value.errors["login"]
    assert User.select().where(User.login == "petra").count() == 1
