"""Complaints from the past, made through the real workflow at back-dated moments (for retention and privacy)."""

from __future__ import annotations

import datetime as dt

from klachtenbureau.models import Complaint, User
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import editing, intake, procedure

PDF = b"%PDF-1.4\n% test\n"


def closed_complaint(staff: dict[str, User], received: dt.datetime, description: str, *,
                     relation: dict[str, str] | None = None, relation_id: int | None = None,
                     category: str = "Overig", channel: str = "phone", verdict: str = "founded",
                     answer: str = "Wij bieden excuses aan.", contact: str = "", document: bytes = b"",
                     document_name: str = "brief.pdf", people_involved: str = "", desired_outcome: str = "",
                     satisfaction: str = "yes", severity: int = 2, confidential: bool = False,
                     closed: bool = True) -> Complaint:
    """A complaint received at ``received`` and handled to the end (closed) the same day."""
    coordinator, handler = staff["petra"], staff["ruud"]
    with acting_at(received):
        complaint = intake.register(staff["sanne"], intake.NewReport(
            description=description, category=category, channel=channel, received_at=received,
            relation=relation, relation_id=relation_id, anonymous=relation is None and relation_id is None,
            people_involved=people_involved, desired_outcome=desired_outcome, severity=severity,
            confidential=confidential))
        if confidential:
            coordinator = staff["henk"]
        complaint = procedure.acknowledge(coordinator, complaint, "email")
        complaint = procedure.assign(coordinator, complaint, handler)
        if contact:
            procedure.add_contact(handler, complaint, contact, method="phone", direction="out")
        if document:
            editing.attach_document(handler, complaint, document_name, "application/pdf", document)
        complaint = procedure.investigate(handler, complaint, facts=f"Feiten over: {description}",
                                          causes="Planning", damage="Gemiste avond")
        complaint = procedure.record_verdict(handler, complaint, verdict)
        complaint = procedure.answer(handler, complaint, answer)
        if not closed:
            return complaint
        complaint = procedure.aftercare(handler, complaint, satisfaction, note="Nagebeld.")
        complaint = procedure.close(handler, complaint, note="Afgehandeld.")
    return complaint


def years_ago(today: dt.date, years: int, days: int = 0) -> dt.datetime:
    return dt.datetime.combine(today.replace(year=today.year - years) - dt.timedelta(days=days), dt.time(10, 30))
