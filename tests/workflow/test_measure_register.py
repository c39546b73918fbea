"""Reading and editing the register of improvement measures: views, overdue, versioned updates."""

from __future__ import annotations

import datetime as dt

import pytest

from klachtenbureau.errors import ConflictError, PermissionDeniedError, ValidationError
from klachtenbureau.models import AuditEntry, Measure
from klachtenbureau.workflow import intake, measures

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def register(db, staff) -> dict[str, Measure]:
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Geen koffie.", anonymous=True))
    anouk, ruud, petra = staff["anouk"], staff["ruud"], staff["petra"]
    made = {
        "late": measures.create(anouk, "Koffie regelen", ruud, dt.date(2026, 5, 1), complaint_ids=[complaint.id]),
        "soon": measures.create(anouk, "Training", petra, dt.date(2026, 7, 1), source="trend"),
        "checking": measures.create(anouk, "Folder", ruud, dt.date(2026, 4, 1), source="review"),
    }
    measures.implement(ruud, made["checking"], True)
    made["complaint"] = complaint
    return made


def titles(rows) -> list[str]:
    return [row.measure.title for row in rows]


def test_views_of_the_register(register, staff):
    anouk, ruud = staff["anouk"], staff["ruud"]
    assert titles(measures.list_measures(anouk, "all", TODAY)) == ["Koffie regelen", "Folder", "Training"]
    assert titles(measures.list_measures(anouk, "overdue", TODAY)) == ["Koffie regelen"]
    assert titles(measures.list_measures(anouk, "awaiting_check", TODAY)) == ["Folder"]
    assert titles(measures.list_measures(ruud, "mine", TODAY)) == ["Koffie regelen", "Folder"]
    assert measures.view_counts(anouk, TODAY) == {"all": 3, "mine": 0, "overdue": 1, "awaiting_check": 1}
    late = measures.list_measures(anouk, "overdue", TODAY)[0]
    assert late.overdue and late.owner_name == "Ruud Bakker"
    assert late.complaint_numbers == (register["complaint"].number,)


def test_colleagues_who_are_not_managers_see_only_their_own_measures(register, staff):
    assert measures.list_measures(staff["sanne"], "all", TODAY) == []


def test_update_changes_the_measure_and_logs_it(register, staff):
    measure = register["soon"]
    measures.update(staff["petra"], measure, {"title": "Training voor vrijwilligers", "due_date": dt.date(2026, 8, 1),
                                              "owner": staff["ruud"]})
    stored = Measure.get_by_id(measure.id)
    assert (stored.title, stored.due_date, stored.owner_id, stored.version) == (
        "Training voor vrijwilligers", dt.date(2026, 8, 1), staff["ruud"].id, measure.version)
    entry = AuditEntry.select().where(AuditEntry.action == "measure_update").get()
    assert entry.entity_id == measure.id and "due_date" in entry.changes


def test_update_against_an_old_version_is_refused(register, staff):
    mine = Measure.get_by_id(register["soon"].id)
    theirs = Measure.get_by_id(register["soon"].id)
    measures.update(staff["anouk"], theirs, {"description": "Door de coördinator."})
    with pytest.raises(ConflictError):
        measures.update(staff["petra"], mine, {"title": "Andere titel"})
    assert Measure.get_by_id(mine.id).title == "Training"


def test_update_checks_the_fields_and_who_may_change_them(register, staff):
    with pytest.raises(ValidationError) as info:
        measures.update(staff["petra"], register["soon"], {"title": "  ", "source": "gerucht"})
    assert set(info.value.errors) == {"title", "source"}
    with pytest.raises(PermissionDeniedError):
        measures.update(staff["sanne"], register["soon"], {"title": "Iets"})


def test_complaint_numbers_typed_with_any_separator(register, staff):
    number = register["complaint"].number
    assert measures.complaint_ids_for_numbers(f" {number.lower()} ;{number}", staff["anouk"]) == [
        register["complaint"].id]
    with pytest.raises(ValidationError) as info:
        measures.complaint_ids_for_numbers(f"{number}, K1999-0001", staff["anouk"])
    assert "K1999-0001" in info.value.errors["complaints"]
