"""Every role against every read path and every step of the procedure, on SQLite and PostgreSQL (issue 15).

The handler (people.HANDLER) sees the complaints passed to them and those they registered, works on the first
(investigation, verdict, remedy, waiting, a proposed answer, contact moments) and decides nothing the coordinator
decides; the other roles keep the rights they had. The steps are enumerated from ``procedure.ACTIONS``: a new step
without a line in STEPS below fails ``test_every_step_is_walked``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import io
import pkgutil
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import peewee
import pytest

from klachtenbureau import workflow
from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.models import AuditEntry, Complaint, Relation, User
from klachtenbureau.models.complaints import WAITING_THIRD_PARTY
from klachtenbureau.models.people import HANDLER
from klachtenbureau.workflow import (
    dossier_data, editing, inbox, intake, intake_support, letters, measures, my_work, periods, permissions, procedure,
    queries, relations, reminders, reporting, settings, standard_paragraphs, statistics,
)
from klachtenbureau.workflow import deadlines as terms
from klachtenbureau.workflow.inbox import InboxQuery
from klachtenbureau.workflow.mail import sorting
from klachtenbureau.workflow.mail.incoming import IncomingMessage
from klachtenbureau.workflow.personal_data import export, privacy
from klachtenbureau.workflow.upkeep import store
from tests.reports import pdftools

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


# --- a confidential complaint on every read path (issue 13) ------------------------------------------------------
#
# Every public function of the workflow that takes a ``user`` is either a read path, called below for every role
# with a confidential and an ordinary complaint in the database, or named in NOT_READ with why it is no read. A new
# function is neither until someone decides: ``test_every_read_path_is_walked`` fails. Functions without a user
# that hand out complaints or complainants are listed too (USERLESS), each with who may call them.

ODILIA = {"name": "Odilia Zwijgers", "phone": "06 55512345", "email": "odilia@example.nl",
          "street": "Stille Gracht 7", "postcode": "3512 ZZ", "city": "Utrecht"}
SEES_SECRET = {"henk", "fatima", "admin"}


@pytest.fixture
def marked(db, people):
    """Odilia's only complaint, confidential and taken in by the director, with a note and a measure; and Bart's
    ordinary one. What names Odilia's complaint: ``marks``."""
    henk = people["henk"]
    secret = register(henk, "De chauffeur zei iets over mijn zwaluwstaart.", relation=ODILIA, confidential=True)
    document = editing.attach_document(henk, secret, "mail.eml", "message/rfc822",
                                       b"From: odilia@example.nl\r\nSubject: zwaluwstaart\r\n\r\nzwaluwstaart\r\n")
    ordinary = register(people["petra"], "Gewone klacht.", relation={"name": "Bart Gewoon", "phone": "06 12121212"})
    measure = measures.create(henk, "Gedragscode na de klacht van Odilia", henk, dt.date.today(), "zwaluwstaart",
                              complaint_ids=[secret.id])
    return {"secret": secret, "ordinary": ordinary, "document": document.id, "measure": measure,
            "marks": (secret.number, "Odilia", "Zwijgers", ODILIA["phone"], ODILIA["email"], "zwaluwstaart")}


def _mail(number: str = "", sender: str = ODILIA["email"]) -> IncomingMessage:
    return IncomingMessage("m1@example.nl", "Odilia", sender, None, f"Re: {number}", "Hoe staat het?", "", (),
                           number, (), b"", "m1.eml")


def _period() -> periods.Period:
    return periods.Period(dt.date.today().replace(month=1, day=1), dt.date.today().replace(month=12, day=31))


def _fresh(ctx) -> Complaint:
    return Complaint.get_by_id(ctx["secret"].id)


# name -> how the path is called for ``u`` (the user under test) with ``x`` (the ``marked`` fixture)
READS: dict[str, Callable[[User, dict], object]] = {
    "dossier_data.load": lambda u, x: dossier_data.load(u, x["secret"].id),
    "dossier_data.archive": lambda u, x: dossier_data.archive(u, x["secret"].id),
    "dossier_data.document": lambda u, x: dossier_data.document(u, x["document"]).content,
    "editing.clean_registration": lambda u, x: editing.clean_registration(u, _fresh(x), {"severity": 2}),
    "inbox.filter_condition": lambda u, x: inbox.complaint_ids(u, InboxQuery(filter="all")),
    "inbox.ids_query": lambda u, x: list(inbox.ids_query(u, InboxQuery(filter="all", search="zwaluwstaart"))),
    "inbox.complaint_ids": lambda u, x: [Complaint.get_by_id(i).number for i in inbox.complaint_ids(
        u, InboxQuery(filter="all", search="Odilia"))],
    "inbox.counts": lambda u, x: _known(inbox.counts(u, InboxQuery(filter="all", search="Odilia"))["all"]),
    "inbox.category_counts": lambda u, x: _known(sum(inbox.category_counts(
        u, InboxQuery(filter="all", search="Odilia")).values())),
    "inbox.channel_counts": lambda u, x: _known(sum(inbox.channel_counts(
        u, InboxQuery(filter="all", search="Odilia")).values())),
    "inbox.counted_together": lambda u, x: _known(inbox.counted_together(
        u, InboxQuery(filter="all", search="Odilia"), dt.date.today())[0]["all"]),
    "inbox.rows": lambda u, x: inbox.rows(u, [x["secret"].id, x["ordinary"].id]),
    "inbox.snapshot": lambda u, x: inbox.snapshot(u, InboxQuery(filter="all", search="Odilia"), dt.date.today(),
                                                  lambda ids: ids).rows,  # the refresh after a change, off the UI
    "intake_support.find_relations": lambda u, x: [intake_support.find_relations(t, u) for t in (
        "Odilia", "0655512", "odilia@", "3512 ZZ")],
    "intake_support.possible_duplicates": lambda u, x: intake_support.possible_duplicates(ODILIA, u),
    "intake_support.earlier_complaints": lambda u, x: intake_support.earlier_complaints(u, x["secret"].relation_id),
    "letters.complaint_for": lambda u, x: letters.complaint_for(u, x["secret"].id),
    "letters.build_letter": lambda u, x: letters.build_letter(u, _fresh(x), "acknowledgement"),
    "letters.letter_pdf": lambda u, x: letters.letter_pdf(u, _fresh(x), "acknowledgement"),
    "letters.dossier_pdf": lambda u, x: letters.dossier_pdf(u, _fresh(x)),
    "letters.acknowledgements_to_send": lambda u, x: letters.acknowledgements_to_send(u),
    "letters.acknowledgement_batch": lambda u, x: letters.acknowledgement_batch(u, [_fresh(x)]),
    "letters.letter_email": lambda u, x: letters.letter_email(u, _fresh(x), "acknowledgement"),
    "letters.signer": lambda u, x: letters.signer(_fresh(x), u),
    "mail.sorting.suggest_complaint": lambda u, x: [sorting.suggest_complaint(u, m) for m in (
        _mail(), _mail(x["secret"].number, "iemand@example.nl"))],
    "measures.view_condition": lambda u, x: measures.list_measures(u, "mine"),
    "measures.list_measures": lambda u, x: measures.list_measures(u),
    "measures.readable_by": lambda u, x: list(measures.Measure.select().where(measures.readable_by(u))),
    "measures.view_counts": lambda u, x: measures.view_counts(u),
    "measures.get_measure": lambda u, x: measures.get_measure(u, x["measure"].id),
    "measures.complaint_ids_for_numbers": lambda u, x: measures.complaint_ids_for_numbers(x["secret"].number, u),
    "my_work.items": lambda u, x: _work(u),
    "personal_data.export.records": lambda u, x: list(export.records(u, anonymize=False)),
    "personal_data.export.write": lambda u, x: written(lambda out: export.write(u, out, "json")),
    "personal_data.export.write_file": lambda u, x: exported_file(u),
    "personal_data.privacy.record_view": lambda u, x: privacy.record_view(u, _fresh(x)),
    "personal_data.privacy.record_view_of": lambda u, x: privacy.record_view_of(u, x["secret"].id),
    "personal_data.privacy.audit_history": lambda u, x: privacy.audit_history(u),
    "personal_data.privacy.person_export": lambda u, x: privacy.person_export(u, x["secret"].relation_id),
    "queries.get_complaint": lambda u, x: queries.complaint_dict(queries.get_complaint(x["secret"].number, u)),
    "queries.visible_to": lambda u, x: [queries.complaint_dict(c) for c in queries.visible_to(Complaint.select(), u)],
    "queries.list_complaints": lambda u, x: [queries.complaint_dict(c) for c in queries.list_complaints(u)],
    "relations.findable_by": lambda u, x: list(Relation.select().where(relations.findable_by(u))),
    "relations.search_relations": lambda u, x: relations.search_relations("Odilia", u),
    "relations.earlier_complaints": lambda u, x: relations.earlier_complaints(x["secret"].relation_id, u),
    "relations.similar_complaints": lambda u, x: relations.similar_complaints(
        register(store.system_user(), "Ook mij zei de chauffeur iets."), u),
    "relations.possible_duplicates": lambda u, x: relations.possible_duplicates(u, email=ODILIA["email"]),
    "reminders.reminder": lambda u, x: [reminders.reminder(i, u) for i in _work(u)],
    "reminders.to_send": lambda u, x: reminders.to_send(u, _LATER),
    "reminders.summary": lambda u, x: reminders.summary(u, _LATER),
    "report_reviews.load": lambda u, x: reporting.gather_with_review(u, _period())[1],
    "reporting.gather": lambda u, x: reporting.gather(u, _period()),
    "reporting.gather_with_review": lambda u, x: reporting.gather_with_review(u, _period()),
    "reporting.make": lambda u, x: reporting.make(u, str(dt.date.today().year)),
    "standard_paragraphs.matching": lambda u, x: standard_paragraphs.matching(u, _fresh(x), "answer"),
    "statistics.filter_query": lambda u, x: [queries.complaint_dict(c) for c in statistics.filter_query(
        statistics.figures(u, _period(), None).filter(), u)],
    "statistics.figures": lambda u, x: statistics.figures(u, _period(), None),
}

NOT_READ = {
    # Rules, not reads: they answer yes or no (test_permission_rules.py keeps every rule there).
    "permissions.*": "rights",
    # The steps of the procedure write and return the complaint they were allowed on: test_each_role_takes_only...
    "procedure.*": "steps",
    # Writes that return what was written, refused by the same rules (tests per module).
    "admin.update_user": "write", "admin.set_password": "write", "admin.check_password": "a yes or no",
    "editing.update_registration": "write", "editing.update_relation": "write", "editing.attach_document": "write",
    "importer.import_rows": "write", "intake.register": "write", "intake_support.add_caller_contact": "write",
    "letter_settings.save_texts": "write", "letters.store_sent": "write", "letters.acknowledge_if_new": "write",
    "letters.record_letter": "write", "letters.require_information_request": "a refusal or nothing",
    "letters.require_record": "a refusal or nothing",
    "mail.incoming.add_mail_to_complaint": "write", "mail.mail_settings.save": "write",
    "mail.outgoing.letter_mail": "the mail of a letter already made by letters.letter_email (walked)",
    "mail.outgoing.draft_eml": "the same mail as a file", "mail.outgoing.record_sent": "write",
    "mail.outgoing.send_letter": "write", "mail.outgoing.record_own_send": "write",
    "mail.oauth.xoauth2": "``user`` is a mail account here", "mail.oauth.xoauth2_base64": "the same",
    "mail.sorting.register_from_mail": "write", "mail.sorting.add_to_complaint": "write",
    "mail.sorting.not_a_complaint": "write",
    "measures.create": "write", "measures.check_new": "a refusal or nothing", "measures.insert": "write",
    "measures.implement": "write", "measures.record_check": "write", "measures.update": "write",
    "my_work.mark_seen": "write", "statistics.overdue_count": "a number over queries.visible_to (walked)",
    "queries.visibility": "the condition queries.visible_to applies (walked)",
    "personal_data.export.count": "a number over export.records (walked)", "offline.write_queue.submit": "write", "operations.perform": "write",
    "personal_data.privacy.erase_person": "write", "personal_data.retention.log_per_complaint": "write",
    "personal_data.retention.anonymise": "write (the administrator's)", "relations.merge_relations": "write",
    "report_reviews.save": "write", "report_reviews.make_measure": "write", "settings.put": "write",
    "standard_paragraphs.save": "write",
    # Signing in (workflow/identity.py): about the user, never about a complaint.
    "identity.*": "signing in",
}

# Functions without a user that hand out complaints or complainants: who calls them, and why that is safe.
USERLESS = {
    "mail.outgoing.mark_sent": "this PC's own outbox, after sending a letter the user was allowed to send",
    "measures.linked": "asked by permissions.can_read_measure; the register shows only numbers the user may see",
    "personal_data.privacy.find_relation": "the administrator's AVG commands, after permissions.require_admin",
    "personal_data.retention.due_for_anonymisation": "retention, for the administrator: numbers only",
}


_LATER = dt.date.today() + dt.timedelta(days=60)  # every deadline of the fixture has come


def _known(count: int) -> str:
    """A search for her name that finds anything says she is known here."""
    return "Odilia" if count else ""


def _work(user: User) -> list[my_work.WorkItem]:
    return my_work.items(user, _LATER)


def written(write: Callable[[io.StringIO], object]) -> str:
    out = io.StringIO()
    write(out)
    return out.getvalue()


def exported_file(user: User) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        export.write_file(user, path, "json")
        return path.read_text(encoding="utf-8")


def _workflow_functions(with_user: bool) -> dict[str, Callable]:
    found = {}
    for info in pkgutil.walk_packages(workflow.__path__, "klachtenbureau.workflow."):
        module = importlib.import_module(info.name)
        short = info.name.removeprefix("klachtenbureau.workflow.")
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != info.name:
                continue
            signature = inspect.signature(function)
            takes_user = "user" in signature.parameters
            hands_out = re.search(r"\b(Complaint|Relation|Document|TimelineEntry)\b", str(signature.return_annotation))
            if takes_user if with_user else hands_out and not takes_user:
                found[f"{short}.{name}"] = function
    return found


def _excluded(name: str) -> bool:
    return name in NOT_READ or f"{name.split('.')[0]}.*" in NOT_READ


def test_every_read_path_is_walked():
    """A new workflow function that takes a user is a read path below, or NOT_READ says why not."""
    paths = _workflow_functions(with_user=True)
    assert sorted(name for name in paths if name not in READS and not _excluded(name)) == []
    assert sorted(set(READS) - set(paths)) == [] and sorted(name for name in READS if _excluded(name)) == []
    assert sorted(_workflow_functions(with_user=False)) == sorted(USERLESS)


def _text(value: object) -> str:
    """Everything a path returned, as text: model fields and what was joined, PDFs' text, nested containers."""
    if isinstance(value, bytes):
        return pdftools.text(value) if value.startswith(b"%PDF") else value.decode("latin-1")
    if isinstance(value, peewee.Model):
        return repr(value.__data__) + " ".join(_text(v) for v in value.__rel__.values())
    if isinstance(value, dict):
        return " ".join(f"{_text(k)}: {_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return " ".join(_text(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " ".join(_text(getattr(value, f.name)) for f in dataclasses.fields(value))
    return str(value)


@pytest.mark.parametrize("login", ROLES)
def test_no_read_path_shows_a_confidential_complaint_to_who_may_not_see_it(marked, people, login):
    """On both engines, for every role: the number, the complainant's name, phone and e-mail and the words of a
    confidential complaint come back only to who may see it; and each of its reads there is logged."""
    user = people[login]
    leaks, reach = {}, set()
    for name, call in READS.items():
        try:
            text = _text(call(user, marked))
        except PermissionDeniedError:
            continue
        if shown := [mark for mark in marked["marks"] if mark in text]:
            leaks[name] = shown
            reach.add(name)
    if login not in SEES_SECRET:
        assert leaks == {}
        return
    assert {"dossier_data.load", "letters.letter_pdf", "queries.get_complaint", "inbox.rows",
            "intake_support.find_relations", "relations.search_relations"} <= reach
    views = AuditEntry.select().where((AuditEntry.complaint_id == marked["secret"].id) & (AuditEntry.action == "view"))
    assert {e.user_login for e in views} == {login}  # privacy.record_view(_of), the batch, as the desk and cli do
