"""Every role against every read path and every step of the procedure, on SQLite and PostgreSQL (issue 15).

The handler (people.HANDLER) sees the complaints passed to them and those they registered, works on the first
(investigation, verdict, remedy, waiting, a proposed answer, contact moments) and decides nothing the coordinator
decides; the other roles keep the rights they had. The steps are enumerated from ``procedure.ACTIONS``: a new step
without a line in STEPS below fails ``test_every_step_is_walked``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.models import Complaint, User
from klachtenbureau.models.complaints import WAITING_THIRD_PARTY
from klachtenbureau.models.people import HANDLER
from klachtenbureau.workflow import (
    dossier_data, inbox, intake, measures, periods, permissions, procedure, queries, reporting, settings, statistics,
)
from klachtenbureau.workflow import deadlines as terms
from klachtenbureau.workflow.inbox import InboxQuery
from klachtenbureau.workflow.personal_data import export, privacy
from klachtenbureau.workflow.upkeep import store

ROLES = ("sanne", "petra", "anouk", "henk", "fatima", "admin", "kees", "joost")
MANAGERS = {"petra", "anouk", "henk", "admin"}
SEE_ALL = MANAGERS | {"fatima"}
# The handler's own work; everything else on "their" complaint stays with the coordinator.
KEES_STEPS = {"acknowledge", "investigate", "verdict", "remedy", "propose_answer", "wait", "resume", "aftercare",
              "contact"}
# Sanne registered the complaint the steps are taken on: she may confirm its receipt and add contact moments.
SANNE_STEPS = {"acknowledge", "contact"}


@pytest.fixture
def people(staff):
    actor = store.system_user()
    return dict(staff, kees=store.create_user(actor, "kees", "Kees Mulder", HANDLER),
                joost=store.create_user(actor, "joost", "Joost Vos", HANDLER))


def register(user: User, word: str, **overrides) -> Complaint:
    values = dict(description=f"De taxi kwam niet ({word}).", category="Niet ophalen", channel="phone",
                  relation={"name": "Els Bos", "phone": "06 12345678"})
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def complaints(db, people):
    """``kees``: passed to Kees; ``registered``: one Kees took in himself; ``other``: Ruud's; ``secret``: a
    confidential one passed to Kees by the director."""
    petra, kees = people["petra"], people["kees"]
    own = procedure.assign(petra, register(people["sanne"], "appelboom"), kees)
    registered = register(kees, "bananenschil")
    other = procedure.assign(petra, register(petra, "citroenpers"), people["ruud"])
    secret = procedure.assign(people["henk"], register(people["henk"], "druivenpit", confidential=True), kees)
    return {"kees": own, "registered": registered, "other": other, "secret": secret}


VISIBLE = {
    "sanne": {"kees"}, "petra": {"kees", "registered", "other"}, "anouk": {"kees", "registered", "other"},
    "henk": {"kees", "registered", "other", "secret"}, "fatima": {"kees", "registered", "other", "secret"},
    "admin": {"kees", "registered", "other", "secret"}, "kees": {"kees", "registered", "secret"}, "joost": set(),
}
WORDS = {"kees": "appelboom", "registered": "bananenschil", "other": "citroenpers", "secret": "druivenpit"}


def allowed(call: Callable[[], object]) -> bool:
    try:
        call()
    except PermissionDeniedError:
        return False
    return True


def seen_by_path(user: User, c: Complaint, word: str) -> dict[str, bool]:
    """Whether each read path shows ``c`` (found by the search ``word``) to ``user``."""
    ids = inbox.complaint_ids(user, InboxQuery(filter="all"))
    return {
        "get_complaint": allowed(lambda: queries.get_complaint(c.number, user)),
        "inbox_ids": c.id in ids,
        "inbox_rows": c.id in inbox.rows(user, [c.id]),
        "search": c.id in inbox.complaint_ids(user, InboxQuery(filter="all", search=word)),
        "list": c.id in {x.id for x in queries.list_complaints(user)},
        "dossier": allowed(lambda: dossier_data.load(user, c.id)),
        "archive": allowed(lambda: dossier_data.archive(user, c.id)),
    }


@pytest.mark.parametrize("login", ROLES)
def test_each_role_reads_what_it_may_see_by_every_path(complaints, people, login):
    user = people[login]
    for key, c in complaints.items():
        paths = seen_by_path(user, c, WORDS[key])
        assert paths == dict.fromkeys(paths, key in VISIBLE[login]), (login, key)
    expected = len(VISIBLE[login])
    assert inbox.counts(user, InboxQuery(filter="all"))["all"] == expected
    period = periods.Period(dt.date.today().replace(month=1, day=1), dt.date.today().replace(month=12, day=31))
    assert statistics.figures(user, period).received == expected
    assert queries.list_complaints(user).count() == expected


def _measure(user: User, people) -> None:
    measures.create(user, "Planning controleren", people["anouk"], dt.date.today() + dt.timedelta(days=30),
                    source="trend")


@pytest.mark.parametrize("login", ROLES)
def test_each_role_reaches_the_managing_paths_only_with_their_rights(complaints, people, login):
    user = people[login]
    _measure(people["petra"], people)
    period = periods.Period(dt.date.today().replace(month=1, day=1), dt.date.today().replace(month=12, day=31))
    relation_id = complaints["kees"].relation_id
    reach = {
        "measures_register": len(measures.list_measures(user)) == 1,
        "new_measure": allowed(lambda: _measure(user, people)),
        "export": allowed(lambda: list(export.records(user, anonymize=True))),
        "person_export": allowed(lambda: privacy.person_export(user, relation_id)),
        "report": allowed(lambda: reporting.gather(user, period)),
        "settings": allowed(lambda: settings.put(user, "deadline_profile", "klachtenregeling")),
    }
    manager = login in MANAGERS
    assert reach == {"measures_register": manager, "new_measure": manager, "export": manager,
                     "person_export": login == "admin", "report": manager, "settings": login == "admin"}


def _new(people, c):  # acknowledged nowhere yet: passed to Kees before its receipt was confirmed
    return c


def _in_progress(people, c):
    return procedure.acknowledge(people["petra"], c, "phone")


def _investigated(people, c):
    return procedure.investigate(people["petra"], _in_progress(people, c), "Vervoerder vergat de rit.")


def _judged(people, c):
    return procedure.record_verdict(people["petra"], _investigated(people, c), "founded")


def _answered(people, c):
    return procedure.answer(people["petra"], _judged(people, c), "Excuses.")


def _closed(people, c):
    return procedure.close(people["petra"], _answered(people, c))


def _waiting(people, c):
    return procedure.wait(people["petra"], _in_progress(people, c), WAITING_THIRD_PARTY, "Vervoerder zoekt het uit.",
                          dt.date.today() + dt.timedelta(days=7))


def _later(c):
    return terms.proposed_extension(terms.get_profile(c.deadline_profile), c.answer_by, settings.calendar())


# action -> (how far the complaint is first brought, the step as the user under test takes it)
STEPS: dict[str, tuple[Callable, Callable[[User, Complaint, dict], object]]] = {
    "acknowledge": (_new, lambda u, c, p: procedure.acknowledge(u, c, "phone")),
    "assign": (_in_progress, lambda u, c, p: procedure.assign(u, c, p["ruud"])),
    "investigate": (_in_progress, lambda u, c, p: procedure.investigate(u, c, "Rit vergeten.")),
    "verdict": (_investigated, lambda u, c, p: procedure.record_verdict(u, c, "founded")),
    "remedy": (_in_progress, lambda u, c, p: procedure.record_remedy(u, c, ["apology"])),
    "propose_answer": (_in_progress, lambda u, c, p: procedure.propose_answer(u, c, "Excuses, het komt goed.")),
    "answer": (_judged, lambda u, c, p: procedure.answer(u, c, "Excuses.")),
    "extend": (_in_progress, lambda u, c, p: procedure.extend(u, c, _later(c), "Vervoerder reageert later.", True)),
    "wait": (_in_progress, lambda u, c, p: procedure.wait(u, c, WAITING_THIRD_PARTY, "Vervoerder zoekt het uit.",
                                                         dt.date.today() + dt.timedelta(days=7))),
    "resume": (_waiting, lambda u, c, p: procedure.resume(u, c)),
    "escalate": (_in_progress, lambda u, c, p: procedure.escalate(u, c, "director", "Klager wil de directeur.")),
    "aftercare": (_answered, lambda u, c, p: procedure.aftercare(u, c, "yes")),
    "close": (_answered, lambda u, c, p: procedure.close(u, c)),
    "reopen": (_closed, lambda u, c, p: procedure.reopen(u, c, "Klager belde terug.")),
    "contact": (_in_progress, lambda u, c, p: procedure.add_contact(u, c, "Klager gebeld.", "phone", "out")),
}


def test_every_step_is_walked():
    assert set(STEPS) == {*procedure.ACTIONS, "contact"}


@pytest.mark.parametrize("action", sorted({*procedure.ACTIONS, "contact"}))
def test_each_role_takes_only_the_steps_it_may(db, people, action):
    """On a complaint Sanne registered and the coordinator passed to Kees, every role tries ``action``."""
    prepare, take = STEPS[action]
    outcome = {}
    for login in ROLES:
        c = prepare(people, procedure.assign(people["petra"], register(people["sanne"], "taxi"), people["kees"]))
        user = people[login]
        listed = (permissions.can_add_to(user, c) if action == "contact"
                  else action in procedure.allowed_actions(c, user))
        outcome[login] = allowed(lambda user=user, c=c: take(user, Complaint.get_by_id(c.id), people))
        assert listed == outcome[login], (login, action)  # the dossier offers exactly what the workflow allows
    expected = (MANAGERS if action == "assign" else SEE_ALL) | ({"kees"} if action in KEES_STEPS else set()) | (
        {"sanne"} if action in SANNE_STEPS else set())
    assert {login for login, ok in outcome.items() if ok} == expected


def test_the_handler_is_refused_the_decision_letters_of_his_complaint(complaints, people):
    from klachtenbureau.workflow import letters

    kees, own = people["kees"], complaints["kees"]
    letters.require_record(kees, own, "acknowledgement")
    letters.require_record(kees, own, "aftercare")
    for kind in ("answer", "extension"):
        with pytest.raises(PermissionDeniedError, match="coördinator"):
            letters.require_record(kees, own, kind)
        letters.require_record(people["petra"], own, kind)
    with pytest.raises(PermissionDeniedError):
        letters.require_record(kees, complaints["other"], "acknowledgement")


def test_a_proposed_answer_is_where_the_coordinators_answer_starts(complaints, people):
    kees, petra = people["kees"], people["petra"]
    c = _judged(people, complaints["kees"])
    procedure.propose_answer(kees, c, "  Wij bieden u onze excuses aan.  ")
    assert Complaint.get_by_id(c.id).proposed_answer == "Wij bieden u onze excuses aan."
    d = dossier_data.load(petra, c.id)
    assert "propose_answer" in d.actions and "answer" in d.actions
    assert "Antwoord voorgesteld." in [line.summary for line in d.facts.timeline]
    assert "answer" not in dossier_data.load(kees, c.id).actions
    with pytest.raises(PermissionDeniedError, match="coördinator"):
        procedure.answer(kees, c, "Zelf verstuurd.")
    with pytest.raises(PermissionDeniedError):
        procedure.propose_answer(people["joost"], c, "Niet van mij.")


def test_the_coordinator_can_pass_a_complaint_to_a_handler(complaints, people):
    assert people["kees"] in dossier_data.assignable_users()
    assert people["sanne"] not in dossier_data.assignable_users()
