"""What the dossier window reads in one call, and the changes it notices: on SQLite and PostgreSQL."""

import subprocess
import sys
import textwrap

import pytest

from klachtenbureau.errors import NotFoundError, PermissionDeniedError
from klachtenbureau.workflow import dossier_data, intake, measures, procedure
from klachtenbureau.workflow.changes import ChangeWatcher


def register(user, **overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", channel="post",
                  relation={"name": "Els Bos", "phone": "06 12345678"})
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


def test_dossier_holds_everything_about_the_complaint(db, staff):
    sanne, petra, ruud = staff["sanne"], staff["petra"], staff["ruud"]
    earlier = register(sanne, description="Vorige keer ook al geen taxi.")
    c = register(sanne, relation_id=earlier.relation_id, relation=None)
    procedure.acknowledge(petra, c, "letter")
    procedure.add_contact(petra, c, "Klaagster gebeld.", "phone", "out")
    measure = measures.create(petra, "Ritten een dag vooraf bevestigen", ruud, c.answer_by, complaint_ids=[c.id])
    d = dossier_data.load(petra, c.id)
    assert d.complaint.number == c.number and d.complaint.relation.name == "Els Bos"
    assert [e.summary for e in d.timeline][-1] == "Klaagster gebeld."
    assert [m.id for m in d.measures] == [measure.id] and d.measures[0].owner.full_name == "Ruud Bakker"
    assert [a.action for a in d.history] == ["register", "acknowledge", "contact"]
    assert [e.id for e in d.earlier] == [earlier.id]
    assert d.actions == procedure.allowed_actions(c, petra) and "assign" in d.actions
    handlers = [u.full_name for u in d.handlers]
    assert "Ruud Bakker" in handlers and "Sanne de Vries" not in handlers
    assert d.can_edit and d.can_attach and d.can_add_contact and not d.can_change_confidential
    assert d.names["petra"] == "Petra Jansen" and d.names[("category", c.category_id)] == "Niet ophalen"


def test_dossier_of_a_confidential_complaint_is_refused_to_the_coordinator(db, staff):
    c = register(staff["henk"], confidential=True)
    with pytest.raises(PermissionDeniedError):
        dossier_data.load(staff["petra"], c.id)
    assert dossier_data.load(staff["fatima"], c.id).complaint.confidential
    with pytest.raises(NotFoundError):
        dossier_data.load(staff["petra"], 999_999)


def test_telephonist_sees_her_complaint_but_may_not_take_steps(db, staff):
    c = register(staff["sanne"])
    procedure.acknowledge(staff["petra"], c, "letter")
    d = dossier_data.load(staff["sanne"], c.id)
    assert d.actions == [] and not d.can_edit and d.can_attach and d.can_add_contact


def test_stamp_moves_with_steps_and_with_timeline_notes(db, staff):
    c = register(staff["sanne"])
    first = dossier_data.stamp(c.id)
    procedure.add_contact(staff["petra"], c, "Klaagster gebeld.", "phone", "out")  # the complaint row is untouched
    second = dossier_data.stamp(c.id)
    procedure.acknowledge(staff["petra"], c, "letter")
    assert len({first, second, dossier_data.stamp(c.id)}) == 3
    assert dossier_data.last_change(c.id)[0] == "Petra Jansen"


def test_watcher_sees_a_commit_by_another_process(db, staff):
    c = register(staff["sanne"])
    watcher = ChangeWatcher(db)
    try:
        assert not watcher.changed()
        code = textwrap.dedent(f"""
            from klachtenbureau.models import Complaint, User
            from klachtenbureau.workflow import procedure, store
            store.open_database({db!r})
            procedure.acknowledge(User.get(User.login == "ruud"), Complaint.get_by_id({c.id}), "email")
        """)
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        assert watcher.changed()
        assert not watcher.changed()  # each change is told once
    finally:
        watcher.close()


def test_watcher_sees_this_programs_own_writes(db, staff):
    c = register(staff["sanne"])
    watcher = ChangeWatcher(db)
    try:
        procedure.acknowledge(staff["petra"], c, "letter")
        assert watcher.changed()
    finally:
        watcher.close()
