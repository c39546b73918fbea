"""Importing the website form's export: all rows checked first, every problem with its row number."""

import csv
import datetime as dt
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klachtenbureau.errors import PermissionDeniedError, ValidationError
from klachtenbureau.models import Complaint, Relation
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import importer
from klachtenbureau.workflow.upkeep import store

GOOD = {"received_at": "2026-03-03T14:30:00", "channel": "website", "kind": "complaint", "name": "Ria Dekker",
        "email": "ria@example.nl", "phone": "020 123 4567", "street": "Havenkade 4", "postcode": "1012AB",
        "city": "Amsterdam", "description": "Geen bevestiging ontvangen."}


@pytest.fixture(autouse=True)
def _imported_the_next_day():
    """The rows came in on 3 March 2026; a year later an import rightly refuses them."""
    with acting_at(dt.datetime(2026, 3, 4, 9, 0)):
        yield


def test_json_rows_are_imported_with_defaults(db, staff):
    rows = [GOOD, {**GOOD, "name": "Kees Bos", "email": "kees@example.nl", "category": "Geluid theaters",
                   "kind": "inquiry"}]
    result = importer.import_rows(staff["admin"], importer.parse_rows(json.dumps(rows)))
    assert [c.category.name for c in result.imported] == ["Overig", "Geluid theaters"]
    first = Complaint.get(Complaint.number == result.imported[0].number)
    assert first.received_at.isoformat() == "2026-03-03T14:30:00"
    assert first.relation.postcode == "1012 AB" and first.channel == "website"


def test_any_bad_row_stops_the_whole_import_and_names_each_row(db, staff):
    rows = [GOOD, {**GOOD, "postcode": "12345"}, GOOD, {**GOOD, "received_at": "gisteren", "channel": "fax"}]
    with pytest.raises(importer.ImportRejected) as info:
        importer.import_rows(staff["admin"], rows)
    assert [(p.row, sorted(p.errors)) for p in info.value.problems] == [
        (2, ["postcode"]), (4, ["channel", "received_at"])]
    assert not Complaint.select().exists()


def test_skip_invalid_imports_the_good_rows(db, staff):
    rows = [GOOD, {**GOOD, "description": ""}, GOOD]
    result = importer.import_rows(staff["admin"], rows, skip_invalid=True)
    assert len(result.imported) == 2 and [p.row for p in result.problems] == [2]


def test_progress_is_told_after_each_registered_row(db, staff):
    steps = []
    importer.import_rows(staff["petra"], [GOOD, {**GOOD, "description": ""}, GOOD], skip_invalid=True,
                         progress=lambda done, total: steps.append((done, total)))
    assert steps == [(1, 2), (2, 2)]


def test_only_the_telephonist_coordinator_or_administrator_imports(db, staff):
    for login in ("henk", "anouk", "fatima"):
        with pytest.raises(PermissionDeniedError, match="websiteformulier importeren mag alleen"):
            importer.import_rows(staff[login], [GOOD])
    assert not Complaint.select().exists()
    assert len(importer.import_rows(staff["sanne"], [GOOD]).imported) == 1


def test_csv_with_semicolons_and_anonymous_flag(db, staff):
    text = "received_at;channel;kind;name;email;phone;street;postcode;city;description;anonymous\n" \
           "2026-03-03T09:00;email;complaint;;;;;;;Anoniem bericht;ja\n"
    result = importer.import_rows(staff["admin"], importer.parse_rows(text))
    assert result.imported[0].anonymous and result.imported[0].relation_id is None


def test_returning_complainant_is_recognised_by_name_and_email(db, staff):
    importer.import_rows(staff["admin"], [GOOD])
    importer.import_rows(staff["admin"], [{**GOOD, "description": "Weer niets ontvangen."}])
    assert Relation.select().count() == 1


def test_unknown_column_is_reported(db, staff):
    with pytest.raises(importer.ImportRejected) as info:
        importer.import_rows(staff["admin"], [{**GOOD, "telefoon": "x"}])
    assert "telefoon" in info.value.problems[0].errors["columns"]


def test_unreadable_json_is_a_clear_message():
    with pytest.raises(ValidationError, match="onleesbaar"):
        importer.parse_rows('[{"a": 1,,}]')


tricky_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=80,
).filter(lambda s: s.strip() == s and s.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=tricky_text, name=tricky_text)
def test_any_text_round_trips_exactly_through_csv_import(sqlite_db, description, name):
    actor = store.system_user()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(GOOD))
    writer.writeheader()
    writer.writerow({**GOOD, "description": description, "name": name})
    result = importer.import_rows(actor, importer.parse_rows(buffer.getvalue()))
    stored = Complaint.get_by_id(result.imported[0].id)
    assert stored.description == description
    assert stored.relation.name == name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(row=st.dictionaries(st.sampled_from(importer.KEYS + ("extra",)),
                           st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none()), max_size=12))
def test_importer_never_crashes_on_arbitrary_rows(sqlite_db, row):
    try:
        importer.import_rows(store.system_user(), [row])
    except importer.ImportRejected as exc:
        assert exc.problems and exc.problems[0].row == 1
