"""A confidential complaint stays confidential on every path (issue 13): the intake's complainant search, the
measures register, the dashboard click-through, the board report's exceptional list, and the command line, where
reading one is logged as from the desk. The walk over every read path for every role is tests/workflow/
test_role_paths.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from klachtenbureau import cli
from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.models import AuditEntry, Complaint, Measure, User, database
from klachtenbureau.workflow import (
    inbox, intake, intake_support, letters, measures, my_work, periods, permissions, relations, reporting, statistics,
)
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.inbox import InboxQuery

SECRET = {"name": "Wilhelmina Geheimhouder", "phone": "06 87654321", "email": "w.geheim@example.nl",
          "street": "Stille Gracht 7", "postcode": "3512 ZZ", "city": "Utrecht"}
OWN_WORDS = "De teamleider intimideert mij (kwartelkoning)."
TODAY = dt.date.today()


def register(user: User, description: str, **overrides) -> Complaint:
    values = dict(description=description, category="Niet ophalen", channel="phone")
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def secret(db, staff) -> Complaint:
    """Wilhelmina's only complaint, confidential, registered by the counsellor; and Els with an ordinary one."""
    register(staff["sanne"], "De taxi kwam niet.", relation={"name": "Els Bos", "phone": "06 12345678"})
    return register(staff["fatima"], OWN_WORDS, relation=SECRET, confidential=True)


def found(user: User) -> set[str]:
    """Every name the intake's search and duplicate check show ``user`` for Wilhelmina's details."""
    names = set()
    for text in ("Wilhelmina", "geheimhouder", "0687654", "w.geheim", "3512 ZZ"):
        names |= {m.name for m in intake_support.find_relations(text, user)}
    names |= {m.name for m in intake_support.possible_duplicates(SECRET, user)}
    names |= {r.name for r in relations.search_relations("Wilhelmina", user)}  # the merge and AVG dialogs
    return names


@pytest.mark.parametrize(("login", "finds"), [("sanne", False), ("petra", False), ("anouk", False),
                                              ("fatima", True), ("henk", True), ("admin", True)])
def test_a_complainant_whose_only_complaint_is_confidential_is_not_found_by_who_may_not_see_it(
        secret, staff, login, finds):
    assert found(staff[login]) == ({SECRET["name"]} if finds else set())


def test_who_took_the_confidential_complaint_in_finds_its_complainant(db, staff):
    register(staff["sanne"], OWN_WORDS, relation=SECRET, confidential=True)
    assert found(staff["sanne"]) == {SECRET["name"]}
    assert found(staff["petra"]) == set()


def test_an_ordinary_complaint_makes_the_complainant_findable_without_the_confidential_one(secret, staff):
    ordinary = register(staff["petra"], "Ook de taxi.", relation_id=secret.relation_id)
    [match] = intake_support.find_relations("Wilhelmina", staff["sanne"])
    assert [c.number for c in match.earlier] == [ordinary.number]


def test_a_new_report_from_the_hidden_complainant_is_registered_as_a_new_complainant(secret, staff):
    """The telephonist finds nobody and types the caller's details: a record of its own, which who may see the
    confidential complaint can merge later; the telephonist never learns of the first."""
    report = register(staff["sanne"], "Nieuwe klacht.", relation=SECRET)
    assert report.relation_id != secret.relation_id
    assert found(staff["sanne"]) == {SECRET["name"]}
    assert {m.id for m in intake_support.find_relations("Wilhelmina", staff["sanne"])} == {report.relation_id}
    assert {m.id for m in intake_support.find_relations("Wilhelmina", staff["fatima"])} == {
        report.relation_id, secret.relation_id}


# --- the measures register ------------------------------------------------------------------------------------


@pytest.fixture
def measure(secret, staff) -> Measure:
    """Set up by the director from the confidential complaint and an ordinary one; Ruud carries it out."""
    ordinary = Complaint.get(Complaint.confidential == False)  # noqa: E712
    return measures.create(staff["henk"], "Teamleider Geheimhouder-zaak: gedragscode", staff["ruud"],
                           TODAY - dt.timedelta(days=1), "Wilhelmina werd geïntimideerd.",
                           complaint_ids=[secret.id, ordinary.id])


def _row(user: User) -> measures.MeasureRow:
    [row] = measures.list_measures(user)
    return row


@pytest.mark.parametrize("login", ["petra", "anouk"])
def test_the_register_names_no_confidential_complaint_nor_what_its_measure_says(measure, secret, staff, login):
    row, ordinary = _row(staff[login]), Complaint.get(Complaint.confidential == False)  # noqa: E712
    assert (row.complaint_numbers, row.unseen, row.readable) == ((ordinary.number,), 1, False)
    shown = repr(dataclasses.asdict(row)) + repr(row.measure.__data__)
    for word in (secret.number, "Geheimhouder", "Wilhelmina", "geïntimideerd"):
        assert word not in shown
    assert row.measure.title == "Maatregel bij een vertrouwelijke klacht"
    assert (row.owner_name, row.overdue) == ("Ruud Bakker", True)  # that it exists and is late is no secret
    with pytest.raises(PermissionDeniedError, match="vertrouwelijke klacht"):
        measures.update(staff[login], measure, {"title": "Blind overschreven"})
    with pytest.raises(PermissionDeniedError):
        measures.get_measure(staff[login], measure.id)
    assert Measure.get_by_id(measure.id).title.startswith("Teamleider")


def test_the_owner_reads_the_measure_but_not_the_confidential_number(measure, secret, staff):
    row = _row(staff["ruud"])
    assert row.readable and row.measure.title.startswith("Teamleider") and row.unseen == 1
    assert secret.number not in row.complaint_numbers
    measures.implement(staff["ruud"], measure, team_informed=True)


def test_who_sees_the_confidential_complaint_reads_the_whole_measure(measure, secret, staff):
    row = _row(staff["henk"])
    assert row.readable and secret.number in row.complaint_numbers and row.unseen == 0


def test_the_quality_officer_is_not_asked_to_check_a_measure_she_may_not_read(measure, staff):
    measures.implement(staff["ruud"], measure, team_informed=True)
    items = my_work.items(staff["anouk"], TODAY + dt.timedelta(days=30))
    assert not [i for i in items if i.measure_id == measure.id]
    with pytest.raises(PermissionDeniedError):
        measures.record_check(staff["anouk"], measure, "Navraag.", "Werkt.", True)
    measures.record_check(staff["admin"], measure, "Navraag.", "Werkt.", True)


@pytest.mark.parametrize("login", ["sanne", "petra", "ruud", "anouk", "henk", "fatima", "admin"])
def test_the_sql_rule_for_readable_measures_is_the_permission_rule(measure, staff, login):
    user = staff[login]
    in_sql = Measure.select().where(measures.readable_by(user) & (Measure.id == measure.id)).exists()
    assert in_sql == permissions.can_read_measure(user, measure, measures.linked(measure.id))


# --- the dashboard and the board report -----------------------------------------------------------------------


def test_a_dashboard_figure_opens_no_confidential_complaint(secret, staff):
    period = periods.Period(TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31))
    petra = staff["petra"]
    figures = statistics.figures(petra, period, kind=None)
    for choice in ({}, {"category_id": secret.category_id}, {"channel": "phone"}, {"status_group": "open"}):
        selection = figures.filter(**choice)
        ids = inbox.complaint_ids(petra, InboxQuery(filter="all", selection=selection))
        assert secret.id not in ids and ids
        assert secret.id not in {c.id for c in statistics.filter_query(selection, petra)}
    assert figures.not_shown == 1  # counted as not shown, never listed


def test_the_board_report_counts_a_confidential_exceptional_complaint_but_does_not_describe_it(secret, staff):
    Complaint.update(severity=4, complex_sensitive=True, escalation_level="board").where(
        Complaint.id == secret.id).execute()
    period = periods.Period(TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31))
    report = reporting.gather(staff["anouk"], period)
    assert report.confidential_count == 1
    text = repr(report)
    for word in (secret.number, "kwartelkoning", "teamleider", "Wilhelmina"):
        assert word not in text


def test_the_board_reports_measures_table_says_what_the_register_says_of_a_confidential_complaints_measure(
        measure, staff):
    period = periods.Period(TODAY.replace(month=1, day=1), TODAY.replace(month=12, day=31))
    [line] = reporting.gather(staff["anouk"], period).measures
    assert (line.title, line.check) == ("Maatregel bij een vertrouwelijke klacht", "")
    assert "Geheimhouder" not in repr(reporting.gather(staff["anouk"], period))


def test_the_audit_log_does_not_name_a_confidential_complaint_in_a_persons_entries(secret, staff):
    from klachtenbureau.workflow.personal_data import privacy

    ordinary = register(staff["fatima"], "Weer te laat.", relation_id=secret.relation_id)  # her second, ordinary
    privacy.person_export(staff["admin"], secret.relation_id)

    def exported(login: str) -> str:
        [row] = [r for r in privacy.audit_history(staff[login]) if r.action == "export_person"]
        return repr(row.changes)

    assert ordinary.number in exported("anouk") and secret.number not in exported("anouk")
    assert "[vertrouwelijk]" in exported("anouk")
    assert secret.number in exported("henk")  # the director sees every confidential complaint


# --- reads from the command line and the acknowledgement batch -----------------------------------------------


def _views(complaint: Complaint) -> list[tuple[str, str]]:
    return [(e.user_login, e.action) for e in AuditEntry.select().where(
        AuditEntry.complaint_id == complaint.id, AuditEntry.action.in_(["view", "view_refused"]))
        .order_by(AuditEntry.id)]


@pytest.fixture
def as_user(monkeypatch):
    """The command runs as ``--user`` without asking a password: signing in is tested in tests/test_cli*.py."""
    monkeypatch.setattr(cli, "_acting_user", lambda login: User.get(User.login == login))


@pytest.mark.parametrize("command", [["show"], ["show", "--json"], ["dossier", "-o", "{tmp}/d.pdf"],
                                     ["letter", "ack", "-o", "{tmp}/b.pdf", "--no-record"], ["list", "--json"]])
def test_reading_a_confidential_complaint_on_the_command_line_is_logged(db, secret, staff, as_user, capsys, tmp_path,
                                                                        command):
    args = [part.format(tmp=tmp_path) for part in command]
    if args[0] != "list":
        args.insert(2 if args[0] == "letter" else 1, secret.number)
    out, err = _run(db, capsys, *args, "--user", "fatima")
    assert ("kwartelkoning" in out) == (args[0] in ("show", "list"))
    assert _views(secret) == [("fatima", "view")]


def _run(url: str, capsys, *args: str, code: int = 0) -> tuple[str, str]:
    database.close()
    assert cli.main([*args, "--db", url]) == code
    out, err = capsys.readouterr()
    database.close()
    store.open_database(url)
    return out, err


def test_a_refused_read_on_the_command_line_is_logged_and_prints_nothing(db, secret, staff, as_user, capsys):
    out, err = _run(db, capsys, "show", secret.number, "--user", "petra", code=1)
    assert "geen toegang" in err and "kwartelkoning" not in out + err
    assert _views(secret) == [("petra", "view_refused")]


def test_printing_the_acknowledgements_logs_each_confidential_letter_as_a_read(secret, staff):
    Complaint.update(channel="post").where(Complaint.id == secret.id).execute()
    chosen = letters.acknowledgements_to_send(staff["fatima"])
    assert secret.id in {c.id for c in chosen}
    made = letters.acknowledgement_batch(staff["fatima"], chosen)
    assert len(made) == len(chosen)
    assert _views(secret) == [("fatima", "view")]
