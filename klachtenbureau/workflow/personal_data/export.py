"""Exporting complaints as CSV or JSON, whole or anonymised.

The anonymised export (seed 003: "de gegevens zijn geanonimiseerd en
opvraagbaar") has no complainant name, address, phone number or e-mail
address anywhere: the complainant columns are left out (only the kind of
relation stays), "people involved" is left out, and every free-text field is
cleaned by ``personal_data.scrub`` and ``personal_data.deidentify``. Rows stream from the database, so an export of
100,000 complaints does not hold them all in memory.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Category, Complaint, Relation, User
from klachtenbureau.workflow import permissions
from klachtenbureau.workflow.operations import Outcome, perform
from klachtenbureau.workflow.queries import visible_to
from klachtenbureau.workflow.personal_data.deidentify import Deidentifier
from klachtenbureau.workflow.personal_data.scrub import Complainant
from klachtenbureau.workflow.periods import Period
from klachtenbureau.workflow.statistics import received_in

FORMATS = ("csv", "json")
PROGRESS_EVERY = 500  # rows between two progress reports
Handler = User.alias("handler")

BASE_COLUMNS = [
    "number", "kind", "channel", "category", "status", "received_at", "acknowledge_by", "acknowledged_at",
    "acknowledgement_method", "answer_by", "answered_at", "extension_count", "waiting_for", "waiting_until",
    "aftercare_by", "closed_at", "handler",
    "severity", "complex_sensitive", "confidential", "anonymous", "involved_party", "police_report_advised",
    "resolved_at_intake", "verdict", "remedies", "compensation_amount", "escalation_level", "satisfaction",
    "relation_type",
]
FREE_TEXT = ["description", "desired_outcome", "findings_facts", "findings_circumstances", "findings_causes",
             "findings_damage", "verdict_motivation", "remedy_note", "answer", "escalation_reason", "closure_note",
             "waiting_reason"]
_COMPLAINANT = ("name", "attention", "street", "postcode", "city", "country", "phone", "email")
PERSONAL = [f"complainant_{name}" for name in _COMPLAINANT] + ["people_involved"]


def columns(anonymize: bool) -> list[str]:
    return BASE_COLUMNS + FREE_TEXT + ([] if anonymize else PERSONAL)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+cmd``, ``-2+3``, ``@SUM``) gets a
    leading apostrophe, as OWASP advises: Excel and LibreOffice then show it as the text it is."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _query(user: User, period: Period | None) -> peewee.ModelSelect:
    query = (Complaint.select(Complaint, Category.id, Category.name, Relation, Handler.id, Handler.login)
             .join(Category, on=(Complaint.category == Category.id)).switch(Complaint)
             .join(Relation, peewee.JOIN.LEFT_OUTER, on=(Complaint.relation == Relation.id)).switch(Complaint)
             .join(Handler, peewee.JOIN.LEFT_OUTER, on=(Complaint.assigned_to == Handler.id))
             .order_by(Complaint.received_at, Complaint.id))
    if period is not None:
        query = query.where(received_in(period))
    return visible_to(query, user)


def count(user: User, period: Period | None = None) -> int:
    """How many complaints an export by ``user`` holds: the whole a progress bar counts towards."""
    permissions.require_manager(user)
    select = Complaint.select(Complaint.id)
    return visible_to(select.where(received_in(period)) if period is not None else select, user).count()


def all_complainant_names() -> list[str]:
    """Every complainant's name and contact person, for the scrubber: a complaint may name someone who complained
    before."""
    names = Relation.select(Relation.name).union(Relation.select(Relation.attention).where(Relation.attention != ""))
    return [name for (name,) in names.tuples()]


def records(user: User, anonymize: bool, period: Period | None = None) -> Iterator[dict[str, Any]]:
    """The export's rows as dicts with ``columns(anonymize)`` as keys, oldest first."""
    permissions.require_manager(user)
    # Third parties named in the texts go too (deduce's worker ends with the export).
    with Deidentifier(all_complainant_names()) if anonymize else contextlib.nullcontext() as scrubber:
        for c in _query(user, period).iterator():
            relation = c.relation if c.relation_id else None
            row: dict[str, Any] = {name: _value(getattr(c, name)) for name in BASE_COLUMNS
                                   if name not in ("category", "handler", "relation_type")}
            row["category"] = c.category.name
            row["handler"] = c.assigned_to.login if c.assigned_to_id else ""
            row["relation_type"] = relation.relation_type if relation else ""
            own = Complainant.of(relation) if relation else None
            for name in FREE_TEXT:
                text = getattr(c, name) or ""
                row[name] = scrubber.text(text, own) if scrubber else text
            if not anonymize:
                for name in _COMPLAINANT:
                    row[f"complainant_{name}"] = getattr(relation, name) if relation else ""
                row["people_involved"] = c.people_involved
            yield {name: row[name] for name in columns(anonymize)}


def write(user: User, out: TextIO, fmt: str = "csv", anonymize: bool = False, period: Period | None = None,
          progress: Callable[[int], None] | None = None) -> int:
    """Write the export to ``out`` and log it; returns the number of complaints. ``progress`` hears the rows done."""
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Kies csv of json.")})
    count = 0
    rows = records(user, anonymize, period)
    if fmt == "csv":
        # CRLF between rows, as spreadsheets expect; a field holding a line break or a lone CR is then quoted
        # and stays one cell.
        writer = csv.DictWriter(out, fieldnames=columns(anonymize), lineterminator="\r\n")
        writer.writeheader()
    else:
        out.write("[")
    for row in rows:
        if fmt == "csv":
            writer.writerow({k: "" if v is None else spreadsheet_safe(v) for k, v in row.items()})
        else:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(row, ensure_ascii=False))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    _log(user, fmt, anonymize, period, count)
    return count


def _log(user: User, fmt: str, anonymize: bool, period: Period | None, count: int) -> None:
    """An export leaves a trace in the audit log: who took how many complaints, with or without personal data."""
    perform(user, "export", lambda: Outcome(user, {"format": fmt, "anonymized": anonymize, "complaints": count,
                                                   "period": period.code if period else ""}))


def write_file(user: User, path: Path, fmt: str = "csv", anonymize: bool = False, period: Period | None = None,
               progress: Callable[[int], None] | None = None) -> int:
    """Write the export to ``path``: readable by its owner only (it may hold personal data), and whole or not at all,
    so an interrupted export never leaves a half file that looks complete. Returns the number of complaints."""
    part = path.with_name(path.name + ".part")
    try:
        handle = os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8",
                           newline="")
    except OSError as exc:
        raise ValidationError({"output": _("Kan {path} niet schrijven: {reason}").format(
            path=path, reason=exc.strerror or exc)}) from exc
    try:
        with handle:
            number = write(user, handle, fmt, anonymize, period, progress)
        os.replace(part, path)
    except OSError as exc:
        raise ValidationError({"output": _("Kan {path} niet schrijven: {reason}").format(
            path=path, reason=exc.strerror or exc)}) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
    return number
