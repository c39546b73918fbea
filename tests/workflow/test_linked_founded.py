"""The report's share of founded complaints that led to a measure counts exactly those of its period."""

import datetime as dt

from klachtenbureau.models import Complaint
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import intake, measures, reporting
from klachtenbureau.workflow.periods import half_year


def test_founded_complaints_of_the_period_linked_to_a_measure(db, staff):
    def complaint(received: dt.datetime, verdict: str) -> int:
        with acting_at(received):
            made = intake.register(staff["sanne"], intake.NewReport(description="De taxi kwam niet.", anonymous=True))
        Complaint.update(verdict=verdict).where(Complaint.id == made.id).execute()
        return made.id

    linked = [complaint(dt.datetime(2026, 2, 3, 10), "founded"), complaint(dt.datetime(2026, 3, 3, 10), "partly_founded"),
              complaint(dt.datetime(2026, 3, 4, 10), "unfounded"), complaint(dt.datetime(2025, 11, 3, 10), "founded")]
    complaint(dt.datetime(2026, 2, 4, 10), "founded")  # founded, but no measure came of it
    with acting_at(dt.datetime(2026, 3, 10, 10)):
        measures.create(staff["anouk"], "Chauffeurs bellen aan", staff["ruud"], dt.date(2026, 5, 1),
                        complaint_ids=linked[:2])
        measures.create(staff["anouk"], "Ritten controleren", staff["ruud"], dt.date(2026, 5, 1),
                        complaint_ids=linked[1:])  # the second one twice: counted once
    assert reporting._linked_founded(half_year(2026, 1)) == 2
    assert reporting._linked_founded(half_year(2025, 2)) == 1
