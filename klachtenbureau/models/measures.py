"""Improvement measures (verbetermaatregelen): seed 001 steps 4 and 5.

The tables only. What may happen to a measure, by whom and when, is ``workflow/measures.py``.
"""

from __future__ import annotations

import peewee

from klachtenbureau.i18n import N_
from klachtenbureau.models.base import BaseModel, VersionedModel, now
from klachtenbureau.models.complaints import Complaint
from klachtenbureau.models.people import User

MEASURE_SOURCES = {
    "complaint": N_("Klacht(en)"),
    "trend": N_("Trendanalyse"),
    "review": N_("Directiebeoordeling"),
}
MEASURE_STATUSES = {
    "open": N_("Open"),
    "implemented": N_("Ingevoerd, te toetsen"),
    "effective": N_("Effectief"),
    "not_effective": N_("Niet effectief, terug naar eigenaar"),
}


class Measure(VersionedModel):
    title = peewee.CharField(max_length=200)
    description = peewee.TextField(default="")
    source = peewee.CharField(max_length=12, default="complaint")
    owner = peewee.ForeignKeyField(User, backref="measures", on_delete="RESTRICT")
    due_date = peewee.DateField(index=True)
    status = peewee.CharField(max_length=16, default="open", index=True)
    team_informed = peewee.BooleanField(default=False)
    implemented_at = peewee.DateTimeField(null=True)
    check_method = peewee.TextField(default="")
    check_conclusion = peewee.TextField(default="")
    checked_at = peewee.DateTimeField(null=True)
    checked_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = peewee.DateTimeField(default=now)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")


class MeasureComplaint(BaseModel):
    measure = peewee.ForeignKeyField(Measure, backref="complaint_links", on_delete="CASCADE")
    complaint = peewee.ForeignKeyField(Complaint, backref="measure_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("measure", "complaint"), True),)
