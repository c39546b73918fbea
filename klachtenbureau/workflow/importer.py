"""Importing complaints from the website form's export (JSON list or CSV with a header row).

Every row is checked before anything is written. With a bad row nothing is
imported unless the caller asks to skip invalid rows; each problem is
reported with its row number (the first data row is row 1).

A row imported before (the form's ``submission_id``, or without one the same moment, sender and text) is
reported and skipped, so importing the same file twice doubles nothing. The rows are written in batches of
``BATCH_SIZE``, each its own short transaction, so colleagues can save between them; a run that stops half-way
keeps its whole batches and is simply run again.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee

from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import N_, _, ngettext
from klachtenbureau.models import Complaint, Relation, TimelineEntry, User
from klachtenbureau.models.database import retry_on_busy, write_transaction
from klachtenbureau.models.imports import ImportedRow
from klachtenbureau.workflow import db_errors, intake, permissions
from klachtenbureau.workflow.operations import Outcome, fresh, perform, update_versioned
from klachtenbureau.workflow.report_fields import RULES

KEYS = ("received_at", "channel", "kind", "name", "attention", "email", "phone", "street", "postcode", "city",
        "country", "salutation", "description", "category", "anonymous", "submission_id")
BATCH_SIZE = 200  # rows per write transaction: a colleague's save waits for one batch at most, not for the file
# A known complainant's details the file may bring anew, each group kept whole (a street with another's city is
# nobody's address), with how the dossier names it.
DETAILS = ((("street", "postcode", "city", "country"), N_("adres")), (("phone",), N_("telefoonnummer")))
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
class CheckedRow:
    """A row that passed: its number in the file, the report, the complainant's details as stored, its key."""

    row: int
    report: intake.NewReport
    relation: dict[str, str] | None
    key: str


@dataclasses.dataclass
class ImportResult:
    imported: list[Complaint]
    problems: list[RowProblem]
    duplicates: list[int] = dataclasses.field(default_factory=list)  # numbers of the rows imported before


def already_imported_text(duplicates: list[int]) -> str:
    """'3 rijen waren al geïmporteerd (rij 1, 2, 5) en zijn overgeslagen.', for the desk and the command line."""
    shown = ", ".join(map(str, duplicates[:20])) + (" …" if len(duplicates) > 20 else "")
    return ngettext("{n} rij was al geïmporteerd (rij {rows}) en is overgeslagen.",
                    "{n} rijen waren al geïmporteerd (rij {rows}) en zijn overgeslagen.",
                    len(duplicates)).format(n=len(duplicates), rows=shown)


class ImportRejected(ValidationError):
    """Rows that did not pass; nothing was imported."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__({f"row{p.row}": str(p) for p in problems},
                         _("Niets geïmporteerd: {n} rij(en) met fouten.").format(n=len(problems)))


class ImportInterrupted(KlachtenbureauError):
    """A batch failed after earlier ones were saved: those stay, and importing the file again adds the rest."""

    def __init__(self, imported: list[Complaint], total: int, cause: KlachtenbureauError):
        self.imported, self.cause = imported, cause
        super().__init__(_("Het importeren is gestopt na {done} van {total} rijen: {reason} De {done} "
                           "geïmporteerde klachten blijven bewaard. Importeer hetzelfde bestand nog eens om de rest "
                           "toe te voegen; wat al is geïmporteerd, wordt dan overgeslagen.").format(
            done=len(imported), total=total, reason=cause.message))


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
        if key == "submission_id" and isinstance(value, int) and not isinstance(value, bool):  # a form's number
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


def _check_row(number: int, row: dict[str, Any]) -> CheckedRow:
    """Row ``number`` checked for intake.register; raises with every problem of the row."""
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
    relation_fields = None
    try:
        _tidy, relation_fields, _category = intake.validate_report(report)
    except ValidationError as exc:
        for name, message in exc.errors.items():  # "not text" says more than "fill in the name"
            errors.setdefault(name, message)
        for name in set(exc.errors) & {"kind", "channel"}:  # the file holds codes, not the labels the wizard shows
            errors[name] += " " + _("In het bestand: {codes}.").format(codes=", ".join(RULES[name].choices))
    if errors:
        raise ValidationError(errors)
    return CheckedRow(number, report, relation_fields, _row_key(row, report, relation_fields))


def _row_key(row: dict[str, Any], report: intake.NewReport, relation: dict[str, str] | None) -> str:
    """What makes a row the same as one imported before: the form's submission id when it has one, otherwise when
    it came in, from whom and what it says, as stored (so a CSV and a JSON export of one submission agree)."""
    submission = row.get("submission_id")
    if isinstance(submission, int) or (isinstance(submission, str) and submission.strip()):
        content: list[Any] = ["submission", str(submission).strip()]
    else:
        person = relation or {}
        content = ["row", report.received_at.replace(microsecond=0).isoformat() if report.received_at else "",
                   person.get("name", ""), person.get("email", "").lower(), person.get("phone", ""),
                   re.sub(r"\r\n?", "\n", report.description.strip())]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


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


def check_rows(rows: list[dict[str, Any]]) -> tuple[list[CheckedRow], list[RowProblem]]:
    """The good rows and the problems of the others; the desk shows these before importing."""
    checked: list[CheckedRow] = []
    problems: list[RowProblem] = []
    for number, row in enumerate(rows, start=1):
        try:
            checked.append(_check_row(number, row))
        except ValidationError as exc:
            problems.append(RowProblem(number, exc.errors))
    return checked, problems


def _imported_keys(keys: list[str]) -> set[str]:
    """Those of ``keys`` imported before, looked up a page at a time (a query has a limit on its parameters)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(key for key, in ImportedRow.select(ImportedRow.key)
                     .where(ImportedRow.key.in_(keys[start:start + 500])).tuples())
    return found


def split_imported(checked: list[CheckedRow]) -> tuple[list[CheckedRow], list[int]]:
    """The rows still to import, and the numbers of those imported before (or earlier in the same file)."""
    known = _imported_keys([c.key for c in checked])
    new: list[CheckedRow] = []
    duplicates: list[int] = []
    for row in checked:
        if row.key in known:
            duplicates.append(row.row)
        else:
            known.add(row.key)
            new.append(row)
    return new, duplicates


def import_rows(user: User, rows: list[dict[str, Any]], skip_invalid: bool = False,
                progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Register the rows not imported before, ``BATCH_SIZE`` per transaction; ``progress(done, total)`` is called
    after each batch is saved (in the caller's thread).

    Every row is checked before the first batch, so a bad row still stops the whole import. When a later batch
    fails (the share gone, the disk full) the earlier ones stay: ImportInterrupted says so, and running the
    import again adds the rest without doubling what is there.
    """
    permissions.require_import_reports(user)
    checked, problems = check_rows(rows)
    if problems and not skip_invalid:
        raise ImportRejected(problems)
    todo, duplicates = split_imported(checked)
    made: list[Complaint] = []
    for start in range(0, len(todo), BATCH_SIZE):
        try:
            batch_made, batch_skipped = _write_batch(user, todo[start:start + BATCH_SIZE])
        except KlachtenbureauError as exc:
            if made:
                raise ImportInterrupted(made, len(todo), exc) from exc
            raise
        made += batch_made
        duplicates += batch_skipped
        if progress is not None:
            progress(min(start + BATCH_SIZE, len(todo)), len(todo))
    return ImportResult(made, problems, sorted(duplicates))


def _write_batch(user: User, batch: list[CheckedRow]) -> tuple[list[Complaint], list[int]]:
    """One batch in one write transaction: all of it or none of it. Rows another PC imported meanwhile (the same
    file, at the same time) are looked up inside the transaction and skipped; on PostgreSQL, where that PC may
    save them between the look-up and this write, the batch is written again and looks once more."""

    @retry_on_busy
    def attempt() -> tuple[list[Complaint], list[int]]:
        with write_transaction():
            known = _imported_keys([row.key for row in batch])
            made = [_register(user, row) for row in batch if row.key not in known]
            return made, [row.row for row in batch if row.key in known]

    try:
        try:
            return attempt()
        except peewee.IntegrityError:  # PostgreSQL: another PC saved some of these rows' keys just before; look again
            return attempt()
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        typed = db_errors.translate(exc)  # share gone, read-only, disk full, locked: typed and Dutch
        if typed is None or typed is exc:
            raise
        raise typed from exc


def _register(user: User, row: CheckedRow) -> Complaint:
    """Register one row, with the complainant found again when known (in this transaction, so a complainant from
    an earlier row of the same file is found too) and the new address or phone the file brings kept."""
    report = row.report
    known = _existing_relation(row.relation) if row.relation is not None else None
    if known is not None:
        report = dataclasses.replace(report, relation=None, relation_id=known.id)
    complaint = intake.register(user, report)
    ImportedRow.create(key=row.key, complaint=complaint.id)
    if known is not None:
        _keep_new_details(user, known, row.relation, complaint)
    return complaint


def _new_details(relation: Relation, fields: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The details in ``fields`` (as stored) that differ from ``relation``'s, and what they are, in Dutch. A detail
    the file leaves empty is no news; a difference in case only is none."""
    changed: dict[str, str] = {}
    labels: list[str] = []
    for names, label in DETAILS:
        theirs = {name: fields[name] for name in names}
        if any(theirs.values()) and any(getattr(relation, n).casefold() != v.casefold() for n, v in theirs.items()):
            changed.update(theirs)
            labels.append(_(label))
    return changed, labels


def _keep_new_details(user: User, relation: Relation, fields: dict[str, str], complaint: Complaint) -> None:
    """Update the known complainant with the file's address or phone, version-checked and audited (which fields,
    not their values), and say so on the new complaint's timeline."""
    changed, labels = _new_details(relation, fields)
    if not changed:
        return

    def body() -> Outcome:
        current = fresh(relation)
        changes = update_versioned(current, relation.version, changed, touch=False)
        TimelineEntry.create(complaint=complaint.id, user=user.id, kind="note", summary=_(
            "Gegevens klager bijgewerkt bij import: {details}.").format(details=", ".join(labels)))
        return Outcome(current, {**changes, "source": "import"}, complaint.id)

    perform(user, "edit_relation", body)
