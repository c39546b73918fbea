"""The board's half-yearly and yearly reports as the office finishes them (seed 001 step 7, seed 003).

The figures are computed afresh each time (workflow/reporting.py); what people add is kept here: the
quality officer's conclusions and recommendations, the conclusions of the management review, and the
directors' decision on each recommendation. What may happen to them is ``workflow/report_reviews.py``.
"""

from __future__ import annotations

import peewee

from klachtenbureau.i18n import N_
from klachtenbureau.models.base import VersionedModel, now
from klachtenbureau.models.measures import Measure
from klachtenbureau.models.people import User

ADOPTED = "adopted"
NOT_ADOPTED = "not_adopted"
LATER = "later"
DECISIONS = {ADOPTED: N_("Overgenomen"), NOT_ADOPTED: N_("Niet overgenomen"), LATER: N_("Later besluiten")}


class ReportReview(VersionedModel):
    """One report period ("2026-H2", "2026"): the people's part of its report."""

    period = peewee.CharField(max_length=10, unique=True)  # the code workflow/periods.py understands
    conclusions = peewee.TextField(default="")
    review_conclusions = peewee.TextField(default="")  # of the management review (directiebeoordeling)
    reviewed_on = peewee.DateField(null=True)
    updated_at = peewee.DateTimeField(default=now)
    updated_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")


class Recommendation(VersionedModel):
    """A recommendation in the report: generated from the figures (its text kept as it was decided on) or added."""

    review = peewee.ForeignKeyField(ReportReview, backref="recommendations", on_delete="CASCADE")
    position = peewee.IntegerField(default=0)
    text = peewee.TextField()
    generated = peewee.BooleanField(default=False)
    decision = peewee.CharField(max_length=12, default="")  # "" or a DECISIONS code
    decided_on = peewee.DateField(null=True)
    decision_note = peewee.TextField(default="")
    measure = peewee.ForeignKeyField(Measure, null=True, on_delete="SET NULL")  # the measure it became
