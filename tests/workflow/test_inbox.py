"""The inbox's filters, counts, sorting, rows and full-text search, on SQLite and PostgreSQL."""

import dataclasses
import datetime as dt

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Category, Relation
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import editing, inbox, intake, procedure
from klachtenbureau.workflow.inbox import InboxQuery
from klachtenbureau.workflow.periods import Period
from klachtenbureau.workflow.statistics import ComplaintFilter

TODAY = dt.date(2026, 3, 9)  # a Monday; the week ends on Sunday 15 March


def register(user, received, description="De taxi kwam niet.", name="Jan de Jong", **overrides):
    values = dict(description=description, category="Niet ophalen", channel="phone", received_at=received,
                  relation={"name": name, "phone": "06 12345678"})
    values.update(overrides)
    with acting_at(received):
        return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def office(db, staff):
    """Six complaints whose filters are known for TODAY (see each one's comment)."""
    sanne, petra, ruud, admin, fatima = (staff[k] for k in ("sanne", "petra", "ruud", "admin", "fatima"))
    c = {}
    # A: not acknowledged, due 4 March -> overdue, unassigned, open
    c["A"] = register(sanne, dt.datetime(2026, 3, 2, 10), "Niemand belde over de ophaaltijd.", "Gül Öztürk",
                      category="Te laat of niet gebeld m.b.t. ophaaltijd")
    # B: acknowledged on the phone, petra's, answer due Thu 12 March -> this week, mine, open
    c["B"] = register(sanne, dt.datetime(2026, 3, 5, 10), "De taxi kwam te laat bij het theater.", "Els Bos",
                      acknowledgement_method="phone", assign_to=petra.id)
    # C: not acknowledged, due Tue 10 March -> this week, due soon, unassigned, open; by e-mail
    c["C"] = register(sanne, dt.datetime(2026, 3, 6, 10), "Geen lift in het theater.", "Kees Smit", channel="email")
    # D: resolved during the call -> closed
    c["D"] = register(sanne, dt.datetime(2026, 2, 2, 10), "Vraag over de reservering.", "Wim Vos", kind="inquiry",
                      category="Overig", resolved_now=True, resolution="Uitgelegd.")
    # E: confidential, registered by the admin for the counsellor -> hidden from petra and sanne
    c["E"] = register(admin, dt.datetime(2026, 3, 5, 11), "Vertrouwelijke klacht over een vrijwilliger.", "Ria Dekker",
                      confidential=True, assign_to=fatima.id, acknowledgement_method="phone")
    # F: registered by petra for ruud, answer due 16 March -> open, not this week
    c["F"] = register(petra, dt.datetime(2026, 3, 9, 9), "Slechte plekken achter een pilaar.", "Noor de Boer",
                      acknowledgement_method="phone", assign_to=ruud.id, category="Slechte plekken theater")
    with acting_at(dt.datetime(2026, 3, 9, 11)):
        procedure.add_contact(petra, c["C"], "Voicemail ingesproken; vraagt naar de rolstoelplaats.", "phone", "out")
    return c


def ids(user, **query):
    return list(inbox.complaint_ids(user, InboxQuery(**query), TODAY))


def named(office, result):
    by_id = {c.id: name for name, c in office.items()}
    return [by_id[i] for i in result]


@pytest.mark.parametrize("name, expected", [
    ("mine", {"B"}), ("unassigned", {"A", "C"}), ("overdue", {"A"}), ("due_this_week", {"B", "C"}),
    ("open", {"A", "B", "C", "F"}), ("closed", {"D"}), ("all", {"A", "B", "C", "D", "F"}),
])
def test_each_filter_shows_the_coordinator_exactly_its_complaints(office, staff, name, expected):
    assert set(named(office, ids(staff["petra"], filter=name))) == expected


@pytest.mark.parametrize("login", ["petra", "sanne", "fatima", "henk", "anouk"])
def test_counts_beside_the_filters_match_the_rows_they_show(office, staff, login):
    """For every role (what it may see), whether the counts are kept by the database (models/tally.py) or counted
    from the complaints (a search, or a filter by date)."""
    user = staff[login]
    niet_ophalen = Category.get(Category.name == "Niet ophalen").id
    for query in (InboxQuery(), InboxQuery(search="theater"), InboxQuery(channel="phone"),
                  InboxQuery(category_id=niet_ophalen)):
        counts = inbox.counts(user, query, TODAY)
        for name in inbox.FILTERS:
            shown = InboxQuery(filter=name, category_id=query.category_id, channel=query.channel, search=query.search)
            assert counts[name] == len(inbox.complaint_ids(user, shown, TODAY)), name
            per_channel = inbox.channel_counts(user, shown, TODAY)
            for channel in ("phone", "email", "website"):
                assert per_channel.get(channel, 0) == len(inbox.complaint_ids(
                    user, dataclasses.replace(shown, channel=channel), TODAY)), (name, channel)
            per_category = inbox.category_counts(user, shown, TODAY)
            assert per_category.get(niet_ophalen, 0) == len(inbox.complaint_ids(
                user, dataclasses.replace(shown, category_id=niet_ophalen), TODAY)), name


def test_category_and_channel_narrow_the_list_and_count_per_choice(office, staff):
    petra = staff["petra"]
    niet_ophalen = Category.get(Category.name == "Niet ophalen").id
    assert set(named(office, ids(petra, filter="open", category_id=niet_ophalen))) == {"B", "C"}
    assert named(office, ids(petra, filter="all", channel="email")) == ["C"]
    assert inbox.category_counts(petra, InboxQuery(filter="open"), TODAY)[niet_ophalen] == 2
    assert inbox.channel_counts(petra, InboxQuery(filter="open"), TODAY) == {"phone": 3, "email": 1}
    with pytest.raises(ValidationError):
        ids(petra, channel="pigeon")


def test_intake_sees_what_she_registered_and_mine_means_registered_by_her(office, staff):
    sanne = staff["sanne"]
    assert set(named(office, ids(sanne, filter="all"))) == {"A", "B", "C", "D"}
    assert set(named(office, ids(sanne, filter="mine"))) == {"A", "B", "C", "D"}


def test_confidential_complaint_only_for_the_roles_allowed(office, staff):
    for login in ("petra", "ruud", "anouk"):
        assert "E" not in named(office, ids(staff[login], filter="all")), login
    for login in ("henk", "fatima", "admin"):
        assert "E" in named(office, ids(staff[login], filter="all")), login


def test_default_order_puts_the_most_urgent_deadline_first(office, staff):
    assert named(office, ids(staff["petra"])) == ["A", "C", "B", "F"]
    assert named(office, ids(staff["petra"], descending=True)) == ["F", "B", "C", "A"]


def test_sorting_by_a_column_happens_in_the_query(office, staff):
    petra = staff["petra"]
    assert named(office, ids(petra, filter="all", sort="complainant")) == ["B", "A", "C", "F", "D"]
    assert named(office, ids(petra, filter="all", sort="received", descending=True)) == ["F", "C", "B", "A", "D"]
    assert named(office, ids(petra, filter="all", sort="handler")) == ["A", "C", "D", "B", "F"]
    assert named(office, ids(petra, filter="all", sort="number")) == ["A", "B", "C", "D", "F"]
    assert named(office, ids(petra, filter="all", sort="channel"))[0] == "C"  # E-mail before Telefoon
    for sort in inbox.SORTS:
        assert len(ids(petra, filter="all", sort=sort)) == 5


def test_rows_tell_the_deadline_and_how_urgent_it_is(office, staff):
    rows = inbox.rows(staff["petra"], [c.id for c in office.values()], TODAY)
    a, b, c, d = (rows[office[k].id] for k in "ABCD")
    assert (a.deadline, a.acknowledging, a.overdue, a.days_left) == (dt.date(2026, 3, 4), True, True, -3)
    assert (b.deadline, b.acknowledging, b.overdue, b.due_soon, b.days_left) == (dt.date(2026, 3, 12), False, False,
                                                                              False, 3)
    assert (c.deadline, c.due_soon, c.days_left) == (dt.date(2026, 3, 10), True, 1)
    assert (d.deadline, d.overdue, d.status) == (None, False, "closed")
    assert (a.complainant, b.handler, a.handler) == ("Gül Öztürk", "Petra Jansen", "")
    assert office["E"].id not in rows  # asked for, but not the coordinator's to see


@pytest.mark.parametrize("text, expected", [
    ("taxi", {"B"}),                       # a word of the description
    ("thea", {"B", "C"}),                  # the start of a word
    ("taxi theater", {"B"}),               # every word must match
    ("taxi lift", set()),
    ("ozturk", {"A"}),                     # without the accents
    ("Öztürk", {"A"}),
    ("rolstoelplaats", {"C"}),             # a contact moment's note
    ("smit", {"C"}),                       # the complainant's name
])
def test_search_finds_number_name_description_and_notes(office, staff, text, expected):
    assert set(named(office, ids(staff["petra"], filter="all", search=text))) == expected


def test_search_by_complaint_number(office, staff):
    number = office["C"].number
    assert named(office, ids(staff["petra"], filter="all", search=number)) == ["C"]
    assert named(office, ids(staff["petra"], filter="all", search=number.lower())) == ["C"]


def test_search_ignores_the_staff_named_in_procedure_steps(office, staff):
    # every step entry says "geregistreerd door Sanne de Vries"; no complainant is called De Vries
    assert ids(staff["petra"], filter="all", search="vries") == []


def test_search_text_with_query_syntax_is_taken_literally(office, staff):
    for text in ('"', "taxi AND", "NOT taxi", "taxi*", "(theater", "a:b", "-", "&|!"):
        ids(staff["petra"], filter="all", search=text)  # no syntax error from the search engine
    assert set(named(office, ids(staff["petra"], filter="all", search='"taxi" OR'))) == set()


def test_search_follows_edits_of_description_and_complainant_name(office, staff):
    petra = staff["petra"]
    editing.update_registration(petra, office["B"], {"description": "De chauffeur reed naar het verkeerde adres."})
    assert ids(petra, filter="all", search="taxi") == []
    assert named(office, ids(petra, filter="all", search="chauffeur")) == ["B"]
    relation = Relation.get_by_id(office["F"].relation_id)
    editing.update_relation(petra, office["F"], relation, {"name": "Noor Hoogendoorn"})
    assert named(office, ids(petra, filter="all", search="hoogendoorn")) == ["F"]
    assert ids(petra, filter="all", search="boer") == []


def test_search_within_a_filter(office, staff):
    assert named(office, ids(staff["petra"], filter="closed", search="reservering")) == ["D"]
    assert ids(staff["petra"], filter="open", search="reservering") == []


def test_unknown_filter_or_column_is_a_clear_error(office, staff):
    with pytest.raises(ValidationError, match="filter"):
        ids(staff["petra"], filter="urgent")
    with pytest.raises(ValidationError, match="kolom"):
        ids(staff["petra"], sort="colour")


def test_due_this_week_at_the_weekend_looks_at_the_coming_week():
    assert inbox.end_of_week(dt.date(2026, 3, 9)) == dt.date(2026, 3, 15)
    assert inbox.end_of_week(dt.date(2026, 3, 13)) == dt.date(2026, 3, 15)
    assert inbox.end_of_week(dt.date(2026, 3, 14)) == dt.date(2026, 3, 22)
    assert inbox.end_of_week(dt.date(2026, 3, 15)) == dt.date(2026, 3, 22)


@pytest.mark.parametrize("name, index", [
    ("all", "complaint_deadline"), ("overdue", "complaint_deadline"), ("due_this_week", "complaint_deadline"),
    ("closed", "complaint_inbox"), ("mine", "complaint_handler"), ("unassigned", "complaint_handler"),
])
def test_inbox_list_comes_in_order_from_an_index_alone(sqlite_db, staff, name, index):
    """The query's sort key must stay the very expression the indexes hold (schema.INBOX_SORT_KEY)."""
    from klachtenbureau.models import database

    for descending in (False, True):
        sql, params = inbox.ids_query(staff["petra"], InboxQuery(filter=name, descending=descending), TODAY).sql()
        plan = " | ".join(row[3] for row in database.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert f"COVERING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("login", ["petra", "sanne", "henk"])
def test_a_snapshot_counts_together_what_each_count_alone_finds(office, staff, login):
    """The snapshot of a search (or a dashboard selection) counts filters, categories and channels together, of a
    dated filter categories and channels together; each must be what ``counts``, ``category_counts`` and
    ``channel_counts`` find on their own."""
    user = staff[login]
    niet_ophalen = Category.get(Category.name == "Niet ophalen").id
    selection = ComplaintFilter(period=Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), kind=None)
    for query in (InboxQuery(search="theater"), InboxQuery(filter="open", search="taxi", channel="phone"),
                  InboxQuery(filter="overdue", search="ophaaltijd", category_id=niet_ophalen),
                  InboxQuery(filter="all", selection=selection), InboxQuery(filter="mine", search="taxi"),
                  InboxQuery(filter="open", selection=selection, channel="email"),
                  InboxQuery(filter="all", selection=selection, category_id=niet_ophalen),
                  InboxQuery(filter="overdue"), InboxQuery(filter="due_this_week", channel="email"),
                  InboxQuery(filter="due_this_week", category_id=niet_ophalen)):
        shot = inbox.snapshot(user, query, TODAY, lambda found: found)
        assert shot.counts == inbox.counts(user, query, TODAY), query
        assert shot.category_counts == inbox.category_counts(user, query, TODAY), query
        assert shot.channel_counts == inbox.channel_counts(user, query, TODAY), query


def test_the_first_ids_of_a_search_read_along_the_sorts_index_are_the_first_of_the_whole_list(office, staff,
                                                                                              monkeypatch):
    """Along the index (a search with many matches, workflow/inbox.py ``complaint_ids``) or not: the same ids."""
    monkeypatch.setattr(inbox, "ALONG_SORT_FROM", 2)  # this register's two or more matches count as many
    compared = 0
    for login in ("petra", "sanne", "henk"):
        for name in ("all", "open", "overdue", "due_this_week"):
            for sort in ("deadline", "received", "number", "complainant"):
                for descending in (False, True):
                    for words in ("theater", "de", "lift"):
                        query = InboxQuery(filter=name, search=words, sort=sort, descending=descending)
                        whole = list(inbox.complaint_ids(staff[login], query, TODAY))
                        assert list(inbox.complaint_ids(staff[login], query, TODAY, 2)) == whole[:2], query
                        compared += len(whole) > 2
    assert compared > 20  # lists longer than the first ids, so the order decides


def test_a_search_with_many_matches_walks_the_deadline_index_instead_of_sorting(sqlite_db, staff, monkeypatch):
    from klachtenbureau.models import database

    petra = staff["petra"]
    register(staff["sanne"], dt.datetime(2026, 3, 2, 10), "De lift in het theater deed het niet.")
    register(staff["sanne"], dt.datetime(2026, 3, 3, 10), "Weer geen lift in het theater.")
    for name in ("all", "due_this_week"):
        sql, params = inbox.ids_query(petra, InboxQuery(filter=name, search="lift"), TODAY, along_sort=True).sql()
        plan = " | ".join(row[3] for row in database.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params))
        assert "COVERING INDEX complaint_deadline" in plan and "TEMP B-TREE" not in plan, plan
    asked = []
    real = inbox.ids_query
    monkeypatch.setattr(inbox, "ids_query", lambda *a, **k: asked.append(k["along_sort"]) or real(*a, **k))
    for many in (2, 3):  # two matches: many from two on, not from three
        monkeypatch.setattr(inbox, "ALONG_SORT_FROM", many)
        inbox.complaint_ids(petra, InboxQuery(filter="all", search="lift"), TODAY, inbox.HEAD)
    inbox.complaint_ids(petra, InboxQuery(filter="all", search="lift"), TODAY)  # every id: the matches sorted, all are needed
    inbox.complaint_ids(petra, InboxQuery(filter="all", search="lift", sort="number"), TODAY, inbox.HEAD)  # in order already
    inbox.complaint_ids(petra, InboxQuery(filter="open", search="lift"), TODAY, inbox.HEAD)  # few enough to sort
    assert asked == [True, False, False, False, False]
