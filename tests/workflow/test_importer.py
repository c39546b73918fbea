"""Importing the website form's export: all rows checked first, every problem with its row number."""

import csv
import datetime as dt
import io
import json
import uuid

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
    rows = [GOOD, {**GOOD, "description": ""}, {**GOOD, "description": "Weer niets."}]
    result = importer.import_rows(staff["admin"], rows, skip_invalid=True)
    assert len(result.imported) == 2 and [p.row for p in result.problems] == [2]


def test_progress_is_told_after_each_saved_batch(db, staff, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    steps = []
    rows = [{**GOOD, "description": f"Klacht {n}."} for n in range(5)]
    importer.import_rows(staff["petra"], [*rows[:2], {**GOOD, "description": ""}, *rows[2:]], skip_invalid=True,
                         progress=lambda done, total: steps.append((done, total, Complaint.select().count())))
    assert steps == [(2, 5, 2), (4, 5, 4), (5, 5, 5)]


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
    writer = csv.DictWriter(buffer, fieldnames=[*GOOD, "submission_id"])
    writer.writeheader()  # each example its own submission: the same text twice is one submission, imported once
    writer.writerow({**GOOD, "description": description, "name": name, "submission_id": uuid.uuid4().hex})
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


# --- Files as spreadsheets and other programs write them (issue 13) ---

HEADER = "received_at;channel;kind;name;email;description"


def _excel_row(name: str, description: str) -> str:
    return f'2026-03-03T09:00;website;complaint;{name};ria@example.nl;"{description}"'


def test_excel_dutch_csv_in_windows_1252_is_read(tmp_path):
    """Excel's "CSV (gescheiden door lijstscheidingsteken)": semicolons, Windows-1252, CRLF."""
    path = tmp_path / "formulier.csv"
    path.write_bytes(f"{HEADER}\r\n{_excel_row('René Visser', 'Kaartje van €12,50; niet terugbetaald.')}\r\n"
                     .encode("cp1252"))
    [row] = importer.read_rows(path)
    assert row["name"] == "René Visser" and row["description"] == "Kaartje van €12,50; niet terugbetaald."


def test_excel_utf8_csv_with_bom_and_semicolons_is_read(tmp_path):
    path = tmp_path / "formulier.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\r\n{_excel_row('Zoë Çelik', 'Te laat €')}\r\n".encode())
    [row] = importer.read_rows(path)
    assert list(row)[0] == "received_at" and row["name"] == "Zoë Çelik" and row["description"] == "Te laat €"


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_utf16_exports_with_bom_are_read(tmp_path, encoding, bom, delimiter):
    """Excel's "Unicode-tekst" is UTF-16 with tabs; other programs write semicolons."""
    text = f"{HEADER}\r\n{_excel_row('Ana Đorđević', 'Twee€ regels')}\r\n".replace(";", delimiter)
    path = tmp_path / "formulier.txt"
    path.write_bytes(bom + text.encode(encoding))
    [row] = importer.read_rows(path)
    assert row["name"] == "Ana Đorđević" and row["description"] == "Twee€ regels"


def test_comma_csv_with_semicolons_in_the_text_keeps_its_commas(tmp_path):
    path = tmp_path / "formulier.csv"
    path.write_bytes(b'name,description\r\nRia,"a;b;c;d"\r\n')
    assert importer.read_rows(path) == [{"name": "Ria", "description": "a;b;c;d"}]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_line_breaks_inside_a_quoted_field_survive(tmp_path, newline):
    description = f"Eerste regel.{newline}Tweede regel.{newline}{newline}Na een lege regel."
    path = tmp_path / "formulier.csv"
    path.write_bytes(f"{HEADER}\r\n{_excel_row('Ria', description)}\r\n".encode("cp1252"))
    [row] = importer.read_rows(path)
    assert row["description"] == description


def test_line_breaks_inside_a_field_reach_the_complaint(db, staff, tmp_path):
    description = "Eerste regel.\r\nTweede\rderde\nvierde."
    path = tmp_path / "formulier.csv"
    path.write_bytes(f"{HEADER}\r\n{_excel_row('Ria Dekker', description)}\r\n".encode("cp1252"))
    [made] = importer.import_rows(staff["admin"], importer.read_rows(path)).imported
    assert Complaint.get_by_id(made.id).description == description


def test_bytes_that_are_no_text_in_any_encoding_are_a_clear_message(tmp_path):
    path = tmp_path / "formulier.csv"
    path.write_bytes(b"name;description\r\nRia;\x81\x8d\x8f\x90\x9d\r\n")  # undefined in Windows-1252
    with pytest.raises(ValidationError, match="geen leesbare tekst") as info:
        importer.read_rows(path)
    assert str(path) in info.value.errors["file"]


# --- Malformed input: a typed Dutch message with the row, nothing written, on both engines (issue 13) ---

def _rejected(staff, rows):
    with pytest.raises(importer.ImportRejected) as info:
        importer.import_rows(staff["admin"], rows)
    assert not Complaint.select().exists() and not Relation.select().exists()
    return {p.row: p.errors for p in info.value.problems}


def test_nul_character_is_refused_with_its_row(db, staff):
    problems = _rejected(staff, importer.parse_rows(json.dumps([GOOD, {**GOOD, "description": "a\u0000b"}])))
    assert list(problems) == [2] and "NUL" in problems[2]["description"]


def test_lone_surrogate_is_refused_with_its_row(db, staff):
    text = json.dumps([GOOD, GOOD, {**GOOD, "name": "Ria"}]).replace('"Ria"', '"Ri\\ud800a"')
    problems = _rejected(staff, importer.parse_rows(text))
    assert list(problems) == [3] and "ongeldig teken" in problems[3]["name"]


def test_nul_or_surrogate_in_a_column_name_is_refused_readably(db, staff):
    problems = _rejected(staff, [{**GOOD, "x\u0000\ud800": "1"}])
    assert "\\x00" in problems[1]["columns"] and "\\ud800" in problems[1]["columns"]
    str(importer.ImportRejected([importer.RowProblem(1, problems[1])])).encode("utf-8")  # printable as it is


def test_very_deeply_nested_json_is_a_clear_message():
    with pytest.raises(ValidationError, match="te diep genest"):
        importer.parse_rows("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValidationError, match="te diep genest"):
        importer.parse_rows('[{"description": ' + "[" * 100_000 + "]" * 100_000 + "}]")


def test_json_with_an_overlong_number_is_a_clear_message():
    with pytest.raises(ValidationError, match="onleesbaar"):
        importer.parse_rows('[{"phone": ' + "9" * 5000 + "}]")


def test_name_over_the_column_length_is_refused_on_both_engines(db, staff):
    problems = _rejected(staff, [GOOD, {**GOOD, "name": "R" * 300}, {**GOOD, "city": "A" * 121}])
    assert "hooguit 200" in problems[2]["name"] and "hooguit 120" in problems[3]["city"]


@pytest.mark.parametrize("value", [["a"], {"a": 1}, float("nan"), 42, 3.5, True])
def test_non_text_values_are_refused_with_the_field_named(db, staff, value):
    problems = _rejected(staff, [{**GOOD, "name": value}])
    assert list(problems[1]) == ["name"] and "tekst" in problems[1]["name"]


def test_nan_from_a_json_file_is_not_stored_as_text(db, staff):
    problems = _rejected(staff, importer.parse_rows('[{"description": NaN, "name": "Ria", "phone": "0201234567"}]'))
    assert "tekst" in problems[1]["description"]


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
              st.text(alphabet=st.one_of(st.characters(), st.sampled_from(["\x00", "\ud800", "\udfff"])), max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda b: b'[{"description": "' + b + b'"}]'),
    st.binary(max_size=200).map(lambda b: b"name;description\r\n" + b),
    st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"]).flatmap(
        lambda bom: st.binary(max_size=200).map(lambda b: bom + b)),
    st.integers(1_000, 100_000).map(lambda n: b"[" * n + b"]" * n),
    st.lists(st.dictionaries(st.sampled_from(importer.KEYS), json_values, max_size=8), min_size=1, max_size=3)
    .map(lambda rows: json.dumps(rows).encode()),  # ASCII: lone surrogates become \\ud800, NaN stays NaN
))
def test_reading_and_checking_arbitrary_bytes_raises_only_typed_errors(sqlite_db, tmp_path, data):
    path = tmp_path / "formulier.csv"
    path.write_bytes(data)
    try:
        importer.check_rows(importer.read_rows(path))
    except ValidationError as exc:
        assert exc.errors and all(isinstance(m, str) and m for m in exc.errors.values())
