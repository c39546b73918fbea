"""Complaints to write letters about, registered through the real intake and procedure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from klachtenbureau.models import Complaint, User
from klachtenbureau.workflow import intake, measures, procedure, settings

ORGANISATION = {
    "name": "Stichting Vier het Leven", "street": "Keizersgracht 100", "postcode": "1015 CX",
    "city": "Amsterdam", "phone": "020 123 4567", "email": "klachten@vierhetleven.nl",
    "website": "www.vierhetleven.nl", "counsellor": "mevrouw J. de Boer, telefoon 06 1234 5678",
}
JAN = {"name": "Jan de Vries", "street": "Dorpsstraat 12", "postcode": "1234ab", "city": "Amsterdam",
       "email": "jan.devries@example.nl"}


@pytest.fixture
def office(db, staff) -> dict[str, str]:
    settings.put(staff["admin"], "organisation", ORGANISATION)
    return ORGANISATION


@pytest.fixture
def register(office, staff) -> Callable[..., Complaint]:
    """Register a complaint as the telephonist would; keyword arguments go to NewReport."""
    def make(**fields) -> Complaint:
        report = intake.NewReport(
            description="De taxi kwam veertig minuten te laat; ik heb het begin van de voorstelling gemist.",
            category="Tijdstip ophalen", channel="post", relation=dict(JAN))
        for name, value in fields.items():
            setattr(report, name, value)
        return intake.register(staff["sanne"], report)
    return make


def answered(complaint: Complaint, coordinator: User, verdict: str = "founded",
             remedies: tuple[str, ...] = ("apology", "compensation"), measure: str | None = None) -> Complaint:
    """Walk a complaint through acknowledgement, investigation, verdict, remedy and answer."""
    if complaint.acknowledged_at is None:
        complaint = procedure.acknowledge(coordinator, complaint, "phone")
    complaint = procedure.assign(coordinator, complaint, coordinator)
    complaint = procedure.investigate(coordinator, complaint, facts="De planning is gewijzigd zonder te bellen.")
    complaint = procedure.record_verdict(coordinator, complaint, verdict)
    if remedies:
        complaint = procedure.record_remedy(coordinator, complaint, list(remedies), amount="25")
    if measure:
        measures.create(coordinator, measure, coordinator, dt.date.today() + dt.timedelta(days=30),
                        complaint_ids=[complaint.id])
    return procedure.answer(coordinator, complaint, "De chauffeur kwam veertig minuten te laat doordat de "
                                                    "planning was gewijzigd zonder dat u werd gebeld.")
