"""Importing complaints from the website form's export (JSON list or CSV with a header row).

Every row is checked before anything is written. With a bad row nothing is
imported unless the caller asks to skip invalid rows; each problem is
reported with its row number (the first data row is row 1).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Complaint, Relation, User
from klachtenbureau.models.database import retry_on_busy, write_transaction
from klachtenbureau.workflow import intake, permissions
from klachtenbureau.workflow.report_fields import RULES

KEYS = ("received_at", "channel", "kind", "name", "attention", "email", "phone", "street", "postcode", "city",
        "country", "salutation", "description", "category", "anonymous")
TRUE_WORDS = {"1", "true", "yes", "ja", "waar", "y", "j"}
FALSE_WORDS = {"", "0", "false", "no", "nee", "onwaar", "n"}
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclasses.dataclass
class RowProblem:
    row: int
    errors: dict[str, str]

    def __str__(self) -> str:
        return _("Rij {row}: {problems}").format(row=self.row, problems="; ".join(
            f"{field}: {message}" for field, message in self.errors.items()))


@dataclasses.dataclass
class ImportResult:
    imported: list[Complaint]
    problems: list[RowProblem]


class ImportRejected(ValidationError):
    """Rows that did not pass; nothing was imported."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__({f"row{p.row}": str(p) for p in problems},
                         _("Niets geïmporteerd: {n} rij(en) met fouten.").format(n=len(problems)))


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSON or CSV file, by its content (a JSON file starts with '[')."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ValidationError({"file": _("Het bestand {path} bestaat niet.").format(path=path)}) from exc
    except OSError as exc:  # a folder, no access, locked by another program, the share gone
        raise ValidationError({"file": _("Het bestand {path} kan niet worden gelezen: {reason}").format(
            path=path, reason=exc.strerror or exc)}) from exc
    return parse_rows(_decode(data, path))


def _decode(data: bytes, path: Path) -> str:
    """The text of a file as the form's site, Excel or another program wrote it: a byte order mark says UTF-8
    or UTF-16 (Excel's "Unicode-tekst"); without one it is UTF-8 or else Windows-1252 (Excel's Dutch "CSV
    (gescheiden door lijstscheidingsteken)"). Read as bytes so that line breaks inside a field stay as written."""
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("Het bestand {path} is geen leesbare tekst (UTF-8, UTF-16 of Windows-1252)."
                                     ).format(path=path)})


def parse_rows(text: str) -> list[dict[str, Any]]:
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError({"file": _("Het JSON-bestand is onleesbaar (regel {line}): {reason}").format(
                line=exc.lineno, reason=exc.msg)}) from exc
        except RecursionError as exc:
            raise ValidationError({"file": _("Het JSON-bestand is te diep genest om te lezen.")}) from exc
        except ValueError as exc:  # a number of thousands of digits
            raise ValidationError({"file": _("Het JSON-bestand is onleesbaar: {reason}").format(reason=exc)}) from exc
        if not all(isinstance(r, dict) for r in rows):
            raise ValidationError({"file": _("Het JSON-bestand moet een lijst van objecten zijn.")})
        return rows
    # The delimiter is the one used most in the header row, outside quotes: csv.Sniffer guesses quoting from the
    # data and then mangles descriptions that contain quotes, and on the header alone it prefers a comma to more
    # semicolons. No delimiter at all: one column, a comma.
    header = re.sub(r'"[^"]*"', "", re.split(r"\r\n?|\n", text, maxsplit=1)[0])
    delimiter = max(",;\t", key=header.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter)
    try:
        if reader.fieldnames is None or "description" not in [f.strip() for f in reader.fieldnames]:
            raise ValidationError({"file": _("De CSV mist een kopregel met ten minste de kolom description.")})
        return [{(k or "").strip(): v for k, v in row.items()} for row in reader]
    except csv.Error as exc:  # a field beyond the csv module's limit
        raise ValidationError({"file": _("De CSV is onleesbaar (regel {line}): {reason}").format(
            line=reader.line_num, reason=exc)}) from exc


def _text(row: dict[str, Any], key: str) -> str:
    """The text in a column; a number, list or object is not text (``_value_problems`` says so)."""
    value = row.get(key)
    return value if isinstance(value, str) else ""


def _value_problems(row: dict[str, Any]) -> dict[str, str]:
    """Values that cannot be stored as they are: not text (JSON's numbers, NaN, lists, objects), a NUL character
    (PostgreSQL refuses it) or half a UTF-16 pair (a JSON ``\\ud800``, which no database can store)."""
    problems = {}
    for key in KEYS:
        value = row.get(key)
        if value is None or (key == "anonymous" and (isinstance(value, bool) or value in (0, 1))):
            continue
        if not isinstance(value, str):
            problems[key] = _("Hier hoort tekst (tussen aanhalingstekens), geen getal, lijst of object.")
        elif "\x00" in value:
            problems[key] = _("Bevat een NUL-teken (\\0); dat kan niet worden opgeslagen.")
        elif _SURROGATE.search(value):
            problems[key] = _("Bevat een ongeldig teken (een losse helft van een UTF-16-paar, zoals \\ud800).")
    return problems


def _shown(name: str) -> str:
    """A column name as it can be printed and read: control characters and invalid ones escaped."""
    return name if name.isprintable() and not _SURROGATE.search(name) else ascii(name)[1:-1]


def _flag(row: dict[str, Any], key: str, errors: dict[str, str]) -> bool:
    value = row.get(key)
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    word = _text(row, key).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        errors[key] = _("Gebruik ja of nee.")
    return False


def row_to_report(row: dict[str, Any]) -> intake.NewReport:
    """One row as a report for intake.register; raises with every problem of the row."""
    errors = _value_problems(row)
    unknown = sorted(set(row) - set(KEYS))
    if unknown:
        errors["columns"] = _("Onbekende kolom(men): {names}.").format(names=", ".join(map(_shown, unknown)))
    received = None
    raw_received = _text(row, "received_at").strip()
    try:
        received = dt.datetime.fromisoformat(raw_received.replace("Z", "+00:00"))
        if received.tzinfo is not None:
            received = received.astimezone().replace(tzinfo=None)
    except ValueError:
        errors.setdefault("received_at", _("Geen geldige datum en tijd (ISO 8601, bijvoorbeeld 2026-03-03T14:30)."))
    anonymous = _flag(row, "anonymous", errors)
    report = intake.NewReport(
        description=_text(row, "description"), category=_text(row, "category").strip() or None,
        kind=_text(row, "kind").strip() or "complaint", channel=_text(row, "channel").strip() or "website",
        received_at=received, anonymous=anonymous,
        relation=None if anonymous else {k: _text(row, k) for k in intake.RELATION_FIELDS if k != "relation_type"},
    )
    try:
        _tidy, relation_fields, _category = intake.validate_report(report)
    except ValidationError as exc:
        for name, message in exc.errors.items():  # "not text" says more than "fill in the name"
            errors.setdefault(name, message)
        for name in set(exc.errors) & {"kind", "channel"}:  # the file holds codes, not the labels the wizard shows
            errors[name] += " " + _("In het bestand: {codes}.").format(codes=", ".join(RULES[name].choices))
    else:
        if relation_fields is not None and not errors:  # a value no database takes is not looked up either
            existing = _existing_relation(relation_fields)
            if existing is not None:
                report.relation, report.relation_id = None, existing.id
    if errors:
        raise ValidationError(errors)
    return report


def _existing_relation(fields: dict[str, str]) -> Relation | None:
    """The same complainant as before: same name and the same e-mail or phone."""
    if not (fields["email"] or fields["phone"]):
        return None
    match = Relation.select().where(Relation.name == fields["name"])
    if fields["email"]:
        match = match.where(Relation.email == fields["email"])
    else:
        match = match.where(Relation.phone == fields["phone"])
    return match.order_by(Relation.id).first()


def check_rows(rows: list[dict[str, Any]]) -> tuple[list[intake.NewReport], list[RowProblem]]:
    """The good rows as reports and the problems of the others; the desk shows these before importing."""
    reports: list[intake.NewReport] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=1):
        try:
            reports.append(row_to_report(row))
        except ValidationError as exc:
            problems.append(RowProblem(number, exc.errors))
    return reports, problems


def import_rows(user: User, rows: list[dict[str, Any]], skip_invalid: bool = False,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Register the rows; ``progress(done, total)`` is called after each one (in the caller's thread)."""
    permissions.require_import_reports(user)
    reports, problems = check_rows(rows)
    if problems and not skip_invalid:
        raise ImportRejected(problems)

    @retry_on_busy
    def write_all() -> list[Complaint]:
        # One transaction: an import that fails half-way leaves nothing behind.
        with write_transaction():
            made = []
            for report in reports:
                made.append(intake.register(user, report))
                if progress is not None:
                    progress(len(made), len(reports))
            return made

    return ImportResult(write_all(), problems)
