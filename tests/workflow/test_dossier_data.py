"""What the dossier window reads in one call, and the changes it notices: on SQLite and PostgreSQL."""

import datetime as dt
import re
import subprocess
import sys
import textwrap

import pytest

from klachtenbureau.errors import NotFoundError, PermissionDeniedError
from klachtenbureau.i18n import format_amount
from klachtenbureau.reports.dossier_facts import day
from klachtenbureau.workflow import dossier_data, intake, measures, procedure
from klachtenbureau.workflow.offline.changes import ChangeWatcher


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
    assert d.facts.number == c.number and ("Naam", "Els Bos") in d.facts.complainant
    last = d.facts.timeline[-1]
    assert (last.summary, last.by, last.kind, last.detail) == ("Klaagster gebeld.", "Petra Jansen", "Contactmoment",
                                                               "telefoon, uitgaand")
    assert [(m.title, m.owner) for m in d.facts.measures] == [(measure.title, "Ruud Bakker")]
    assert [(a.by, a.action) for a in d.facts.history] == [
        ("Sanne de Vries", "Geregistreerd"), ("Petra Jansen", "Ontvangst bevestigd"),
        ("Petra Jansen", "Contactmoment vastgelegd")]
    assert "categorie: Niet ophalen" in d.facts.history[0].changes
    assert [e.id for e in d.earlier] == [earlier.id]
    assert d.actions == procedure.allowed_actions(c, petra) and "assign" in d.actions
    handlers = [u.full_name for u in d.handlers]
    assert "Ruud Bakker" in handlers and "Sanne de Vries" not in handlers
    assert d.can_edit and d.can_attach and d.can_add_contact and not d.can_change_confidential


def test_audit_trail_reads_in_dutch_without_codes_or_python_values(db, staff):
    petra = staff["petra"]
    c = register(staff["sanne"], incident_date=dt.date.today() - dt.timedelta(days=2), advisory_committee=False)
    c = procedure.acknowledge(petra, c, "letter")
    c = procedure.assign(petra, c, petra)
    c = procedure.investigate(petra, c, "De rit stond niet in de planning.")
    c = procedure.record_verdict(petra, c, "founded")
    c = procedure.record_remedy(petra, c, ["apology", "compensation"], amount="25")
    c = procedure.answer(petra, c, "Excuses.")
    procedure.aftercare(petra, c, "yes")
    history = {a.action: a.changes for a in dossier_data.load(petra, c.id).facts.history}
    registered = history["Geregistreerd"]
    assert "naar de klachtencommissie: nee" in registered and "omschrijving ingevuld" in registered
    assert f"datum voorval: {day(dt.date.today() - dt.timedelta(days=2))}" in registered
    assert "kanaal: post" in registered and "termijnprofiel: Eigen klachtenregeling" in registered
    assert "geregistreerd door: Sanne de Vries" in registered
    assert history["Ontvangst bevestigd"].endswith("bevestiging per: brief; status: ontvangst bevestigd")
    assert history["Herstel vastgelegd"] == f"bedrag: {format_amount(25)}; herstel: excuses, schadeloosstelling"
    assert history["Nazorg vastgelegd"].endswith("tevredenheid: tevreden")
    everything = " ".join(history.values())
    for python_or_code in ("False", "True", "None", "_", "yes", "founded", "letter"):
        assert python_or_code not in everything, python_or_code
    assert not re.search(r"\d{4}-\d\d-\d\d", everything)  # no ISO dates


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
            from klachtenbureau.workflow import procedure
            from klachtenbureau.workflow.upkeep import store
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
