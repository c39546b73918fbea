"""What one complaint's dossier holds, as plain facts ready to show in Dutch.

workflow.dossier_data gathers them once; the dossier window and the archive
PDF (reports.dossier) both draw these, so they show the same facts in the
same words. Nothing here is a database object. Every date in a dossier goes
through ``day`` and every moment through ``moment``: one style throughout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from klachtenbureau.i18n import format_date, format_datetime

Pairs = list[tuple[str, str]]  # (label, value); only what was recorded, so no value is empty
NOTHING = "—"  # a value that was cleared, in the audit trail


def day(value: dt.date | None) -> str:
    """``3 mrt 2026``: short enough for a table column, the same month names as ``moment``."""
    return format_date(value, "d MMM yyyy") if value else ""


def moment(value: dt.datetime | None) -> str:
    """``3 mrt 2026 14:05``."""
    return format_datetime(value, "d MMM yyyy HH:mm") if value else ""


@dataclasses.dataclass(frozen=True)
class DocumentInfo:
    """A stored attachment without its content (that is fetched only when opened or archived)."""

    id: int
    kind: str  # code: "letter" (kept as sent), "scan", "email"
    name: str
    mime_type: str
    size: int
    created_at: dt.datetime
    created_by: str
    sha256: str = ""
    kind_label: str = ""


@dataclasses.dataclass(frozen=True)
class TimelineLine:
    at: str
    by: str
    kind: str  # "Contactmoment"
    detail: str  # "telefoon, uitgaand"
    summary: str


@dataclasses.dataclass(frozen=True)
class MeasureLine:
    title: str
    description: str
    owner: str
    due: str
    status: str
    check: str  # how the effect is checked, and the conclusion


@dataclasses.dataclass(frozen=True)
class AuditLine:
    at: str
    by: str  # full name, or the login of someone no longer known
    action: str
    changes: str


@dataclasses.dataclass(frozen=True)
class DossierFacts:
    number: str
    confidential: bool
    anonymous: bool
    summary: Pairs  # status, confidentiality, retention
    registration: Pairs
    complainant: Pairs  # empty: anonymous
    description: str
    desired_outcome: str
    circumstances: Pairs  # incident date, who was involved
    findings: Pairs  # (title, text) of the investigation, only those written
    outcome: Pairs  # verdict, remedy, answer, escalation, aftercare, closure
    answer: str
    measures: list[MeasureLine]
    timeline: list[TimelineLine]
    documents: list[DocumentInfo]
    history: list[AuditLine]
