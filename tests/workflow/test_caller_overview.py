"""The telephonist answers "where is my complaint?" for a known caller (issue 15): where each of the caller's
complaints stands, never what it says, never a confidential one; and a contact moment on one of them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.models import TimelineEntry
from klachtenbureau.models.complaints import WAITING_COMPLAINANT
from klachtenbureau.models.people import HANDLER
from klachtenbureau.workflow import intake, intake_support, permissions, procedure
from klachtenbureau.workflow.upkeep import store


def register(user, description, **overrides):
    values = dict(description=description, category="Niet ophalen", channel="phone",
                  desired_outcome="Geld terug", relation={"name": "Maria Bakker", "phone": "06 11112222"})
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def caller(db, staff):
    """Maria's complaints, none registered by Sanne: one passed to Ruud and waiting for her, one new, one
    confidential; and Jan, another caller, with one complaint."""
    petra = staff["petra"]
    waiting = register(petra, "Geheime tekst een: de chauffeur schold.")
    procedure.acknowledge(petra, waiting, "phone")
    procedure.assign(petra, waiting, staff["ruud"])
    procedure.wait(petra, waiting, WAITING_COMPLAINANT, "Wij vroegen de ritdatum.", dt.date.today() + dt.timedelta(7))
    new = register(petra, "Geheime tekst twee.", relation_id=waiting.relation_id, relation=None)
    secret = register(staff["henk"], "Geheime tekst drie.", relation_id=waiting.relation_id, relation=None,
                      confidential=True)
    other = register(petra, "Jan zijn klacht.", relation={"name": "Jan Smit", "phone": "06 33334444"})
    return {"waiting": waiting, "new": new, "secret": secret, "other": other, "relation_id": waiting.relation_id}


def test_the_telephonist_sees_where_each_ordinary_complaint_of_the_caller_stands(caller, staff):
    sanne = staff["sanne"]
    assert permissions.can_see_caller_overview(sanne)
    overview = intake_support.earlier_complaints(sanne, caller["relation_id"])
    assert [c.number for c in overview] == [caller["new"].number, caller["waiting"].number]  # newest first
    new, waiting = overview
    assert waiting.handler == "Ruud Bakker" and new.handler == ""
    assert waiting.status.startswith("In behandeling, wachten op klager tot ")
    assert new.status == "Nieuw" and new.next_date == caller["new"].acknowledge_by
    assert waiting.next_date == caller["waiting"].answer_by
    assert all(c.may_add_contact for c in overview)
    assert not permissions.can_see(sanne, caller["waiting"])  # seeing where it stands is not opening it


def test_a_confidential_complaint_is_not_even_counted(caller, staff):
    sanne = staff["sanne"]
    numbers = [c.number for c in intake_support.earlier_complaints(sanne, caller["relation_id"])]
    assert caller["secret"].number not in numbers
    [match] = intake_support.find_relations("Maria", sanne)
    assert len(match.earlier) == 2
    # who may see it, sees it as before
    assert caller["secret"].number in [c.number for c in intake_support.earlier_complaints(
        staff["henk"], caller["relation_id"])]


def test_no_word_of_what_a_complaint_says_is_in_the_overview(caller, staff):
    overview = intake_support.earlier_complaints(staff["sanne"], caller["relation_id"])
    everything = repr([dataclasses.asdict(c) for c in overview])
    for secret in ("Geheime", "chauffeur", "Geld terug", "ritdatum", "Niet ophalen"):
        assert secret not in everything


def test_a_handler_sees_no_overview_beyond_his_own(caller, staff):
    kees = store.create_user(store.system_user(), "kees", "Kees Mulder", HANDLER)
    assert not permissions.can_see_caller_overview(kees)
    assert intake_support.earlier_complaints(kees, caller["relation_id"]) == []


def test_the_telephonist_adds_a_contact_moment_for_the_caller_on_the_line(caller, staff):
    sanne, waiting = staff["sanne"], caller["waiting"]
    entry = intake_support.add_caller_contact(sanne, caller["relation_id"], waiting.id, "Belt met de ritdatum: 3 mei.")
    assert (entry.complaint_id, entry.method, entry.direction, entry.user_id) == (waiting.id, "phone", "in", sanne.id)
    assert not permissions.can_see(sanne, waiting)


@pytest.mark.parametrize("which", ["other", "secret"])
def test_no_contact_moment_on_a_complaint_of_another_caller_or_a_confidential_one(caller, staff, which):
    with pytest.raises(PermissionDeniedError):
        intake_support.add_caller_contact(staff["sanne"], caller["relation_id"], caller[which].id, "Gebeld.")
    with pytest.raises(PermissionDeniedError):  # nor by naming the other complaint's own caller, unseen
        procedure.add_contact(staff["sanne"], caller[which], "Gebeld.", "phone", "in")
    assert not TimelineEntry.select().where(TimelineEntry.summary == "Gebeld.").exists()
