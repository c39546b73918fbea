"""Complaints, their categories, timeline and documents.

The codes stored in the database are English; the labels the office reads
are Dutch and translated at display time.
"""

from __future__ import annotations

import peewee

from klachtenbureau.i18n import N_
from klachtenbureau.models.base import BaseModel, VersionedModel, now
from klachtenbureau.models.people import Relation, User

COMPLAINT = "complaint"
INQUIRY = "inquiry"
KINDS = {COMPLAINT: N_("Klacht"), INQUIRY: N_("Navraag")}

CHANNELS = {
    "phone": N_("Telefoon"),
    "post": N_("Post"),
    "email": N_("E-mail"),
    "in_person": N_("Persoonlijk"),
    "volunteer": N_("Via een vrijwilliger"),
    "website": N_("Websiteformulier"),
    "social_media": N_("Sociale media"),
}

# Status codes; the allowed moves between them live in workflow.procedure.
NEW = "new"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
ANSWERED = "answered"
ESCALATED = "escalated"
CLOSED = "closed"
STATUSES = {
    NEW: N_("Nieuw"),
    ACKNOWLEDGED: N_("Ontvangst bevestigd"),
    IN_PROGRESS: N_("In behandeling"),
    ANSWERED: N_("Beantwoord"),
    ESCALATED: N_("Geëscaleerd"),
    CLOSED: N_("Afgesloten"),
}
OPEN_STATUSES = (NEW, ACKNOWLEDGED, IN_PROGRESS, ANSWERED, ESCALATED)

SEVERITIES = {1: N_("Laag"), 2: N_("Gemiddeld"), 3: N_("Hoog"), 4: N_("Zeer ernstig")}

INVOLVED_PARTIES = {
    "": N_("Niet van toepassing"),
    "volunteer": N_("Vrijwilliger"),
    "employee": N_("Medewerker"),
    "participant": N_("Mede-deelnemer"),
    "third_party": N_("Derde / leverancier"),
}

ACK_METHODS = {"letter": N_("Brief"), "email": N_("E-mail"), "phone": N_("Telefonisch")}

VERDICTS = {
    "founded": N_("Gegrond"),
    "partly_founded": N_("Deels gegrond"),
    "unfounded": N_("Ongegrond"),
    "undetermined": N_("Niet vast te stellen"),
}

REMEDIES = {
    "apology": N_("Excuses"),
    "restore": N_("Herstel van de dienstverlening"),
    "redo": N_("Opnieuw en foutloos leveren"),
    "compensation": N_("Schadeloosstelling"),
    "talk": N_("Ondersteunend gesprek"),
}

ESCALATION_LEVELS = {
    "director": N_("Directeur"),
    "board": N_("Bestuur"),
    "counsellor": N_("Vertrouwenspersoon"),
    "third_party": N_("Onafhankelijke derde"),
    "mediation": N_("Mediation"),
    "disputes_body": N_("Geschilleninstantie / rechter"),
}

WAITING_COMPLAINANT = "complainant"
WAITING_THIRD_PARTY = "third_party"
WAITING = {WAITING_COMPLAINANT: N_("Wachten op klager"), WAITING_THIRD_PARTY: N_("Wachten op derde")}

SATISFACTION = {"yes": N_("Tevreden"), "partly": N_("Deels tevreden"), "no": N_("Niet tevreden")}

# Timeline entry kinds and contact methods.
ENTRY_KINDS = {
    "contact": N_("Contactmoment"),
    "hearing": N_("Hoorzitting / gesprek"),
    "note": N_("Notitie"),
    "step": N_("Stap in de procedure"),
    "letter": N_("Brief"),
    "document": N_("Document"),
}
CONTACT_METHODS = {"phone": N_("Telefoon"), "letter": N_("Brief"), "email": N_("E-mail"), "visit": N_("Bezoek")}
DIRECTIONS = {"in": N_("Inkomend"), "out": N_("Uitgaand")}


class Category(VersionedModel):
    name = peewee.CharField(max_length=120, unique=True)
    position = peewee.IntegerField(default=0)
    active = peewee.BooleanField(default=True)


class NumberCounter(BaseModel):
    """Last number handed out per year; updated inside the registering transaction."""

    year = peewee.IntegerField(primary_key=True)
    last = peewee.IntegerField(default=0)


class Complaint(VersionedModel):
    number = peewee.CharField(max_length=20, unique=True)
    kind = peewee.CharField(max_length=12, choices=list(KINDS.items()), default=COMPLAINT)
    channel = peewee.CharField(max_length=16, choices=list(CHANNELS.items()))
    status = peewee.CharField(max_length=16, choices=list(STATUSES.items()), default=NEW, index=True)

    received_at = peewee.DateTimeField(index=True)
    received_by = peewee.ForeignKeyField(User, backref="received", on_delete="RESTRICT")
    assigned_to = peewee.ForeignKeyField(User, backref="assigned", null=True, on_delete="SET NULL")

    relation = peewee.ForeignKeyField(Relation, backref="complaints", null=True, on_delete="SET NULL")
    anonymous = peewee.BooleanField(default=False)

    category = peewee.ForeignKeyField(Category, backref="complaints", on_delete="RESTRICT")
    description = peewee.TextField()
    desired_outcome = peewee.TextField(default="")
    incident_date = peewee.DateField(null=True)
    involved_party = peewee.CharField(max_length=16, default="")
    people_involved = peewee.TextField(default="")
    severity = peewee.IntegerField(default=2)
    complex_sensitive = peewee.BooleanField(default=False)
    confidential = peewee.BooleanField(default=False, index=True)
    police_report_advised = peewee.BooleanField(default=False)

    resolved_at_intake = peewee.BooleanField(default=False)

    deadline_profile = peewee.CharField(max_length=20)
    advisory_committee = peewee.BooleanField(default=False)
    acknowledge_by = peewee.DateField()
    acknowledged_at = peewee.DateTimeField(null=True)
    acknowledgement_method = peewee.CharField(max_length=10, default="")
    answer_by = peewee.DateField(index=True)
    extension_count = peewee.IntegerField(default=0)
    # Waiting (seed 004 1.3 and 3.2): for the complainant the answer clock stops and ``answer_days_left`` working
    # days remain; for a third party it runs on and the complaint comes back to the handler on ``waiting_until``.
    waiting_for = peewee.CharField(max_length=12, default="")  # "", WAITING_COMPLAINANT, WAITING_THIRD_PARTY
    waiting_reason = peewee.TextField(default="")
    waiting_since = peewee.DateField(null=True)
    waiting_until = peewee.DateField(null=True)
    answer_days_left = peewee.IntegerField(null=True)
    assigned_at = peewee.DateTimeField(null=True)  # when the present handler got it: "newly assigned to me"
    proposed_answer = peewee.TextField(default="")  # a handler's draft for the coordinator to send

    findings_facts = peewee.TextField(default="")
    findings_circumstances = peewee.TextField(default="")
    findings_causes = peewee.TextField(default="")
    findings_damage = peewee.TextField(default="")
    verdict = peewee.CharField(max_length=16, default="")
    verdict_motivation = peewee.TextField(default="")

    remedies = peewee.CharField(max_length=120, default="")  # comma-separated REMEDIES codes
    compensation_amount = peewee.DecimalField(max_digits=10, decimal_places=2, null=True)
    remedy_note = peewee.TextField(default="")

    answer = peewee.TextField(default="")
    answered_at = peewee.DateTimeField(null=True)

    escalation_level = peewee.CharField(max_length=16, default="")
    escalation_reason = peewee.TextField(default="")
    escalated_at = peewee.DateTimeField(null=True)

    satisfaction = peewee.CharField(max_length=8, default="")
    aftercare_by = peewee.DateField(null=True)  # set when the answer is sent (setting: N working days later)
    aftercare_at = peewee.DateTimeField(null=True)

    closed_at = peewee.DateTimeField(null=True, index=True)
    closure_note = peewee.TextField(default="")

    created_at = peewee.DateTimeField(default=now)
    updated_at = peewee.DateTimeField(default=now)
    anonymized_at = peewee.DateTimeField(null=True)

    @property
    def remedy_codes(self) -> list[str]:
        return [c for c in self.remedies.split(",") if c]


class TimelineEntry(BaseModel):
    """A contact moment, a note or a step of the procedure: the complaint's history as the office tells it."""

    complaint = peewee.ForeignKeyField(Complaint, backref="timeline", on_delete="CASCADE")
    at = peewee.DateTimeField(default=now, index=True)
    user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    kind = peewee.CharField(max_length=10, default="note")
    method = peewee.CharField(max_length=10, default="")
    direction = peewee.CharField(max_length=4, default="")
    summary = peewee.TextField()
    status_from = peewee.CharField(max_length=16, default="")
    status_to = peewee.CharField(max_length=16, default="")


class Document(BaseModel):
    """A generated letter or an attached scan / e-mail, stored in the database itself."""

    complaint = peewee.ForeignKeyField(Complaint, backref="documents", on_delete="CASCADE")
    kind = peewee.CharField(max_length=12)  # letter, scan, email
    name = peewee.CharField(max_length=255)
    mime_type = peewee.CharField(max_length=100)
    content = peewee.BlobField()
    size = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField(default=now)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
