"""The tables of the shared database (peewee; no Qt)."""

from klachtenbureau.models.audit import AuditEntry, Setting
from klachtenbureau.models.base import now
from klachtenbureau.models.complaints import (
    Category,
    Complaint,
    Document,
    NumberCounter,
    TimelineEntry,
)
from klachtenbureau.models.database import db
from klachtenbureau.models.mail import IncomingMail
from klachtenbureau.models.measures import Measure, MeasureComplaint
from klachtenbureau.models.people import Relation, User
from klachtenbureau.models.reviews import Recommendation, ReportReview
from klachtenbureau.models.work import WorkMark

__all__ = [
    "AuditEntry", "Category", "Complaint", "Document", "IncomingMail", "Measure", "MeasureComplaint",
    "NumberCounter", "Recommendation", "Relation", "ReportReview", "Setting", "TimelineEntry", "User", "WorkMark",
    "db", "now",
]
