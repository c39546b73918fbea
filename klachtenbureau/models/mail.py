"""What became of each message from the office's mailbox (workflow/mail/sorting.py).

The database, not the mail server, is the truth: a row here means the message was dealt with, so it leaves the
list Binnengekomen even when marking it on the server failed (``marked_at`` stays empty and the mark is tried
again). The unique Message-ID is what keeps one mail from becoming two complaints, also from two PCs at once.
"""

from __future__ import annotations

import peewee

from klachtenbureau.i18n import N_
from klachtenbureau.models.base import BaseModel, now
from klachtenbureau.models.complaints import Complaint
from klachtenbureau.models.people import User

NEW = "new"
REGISTERED = "complaint"      # became a new complaint
ADDED = "added"               # added to an existing complaint
NOT_COMPLAINT = "not_complaint"
STATUSES = {NEW: N_("Nieuw"), REGISTERED: N_("Nieuwe melding"), ADDED: N_("Bij klacht gevoegd"),
            NOT_COMPLAINT: N_("Geen klacht")}


class IncomingMail(BaseModel):
    message_id = peewee.CharField(max_length=255, unique=True)  # without <>; "sha256:…" when the mail had none
    uid = peewee.BigIntegerField(null=True)                     # on the server, in ``folder``, when it was handled
    folder = peewee.CharField(max_length=255, default="")
    sender_name = peewee.CharField(max_length=255, default="")
    sender_address = peewee.CharField(max_length=255, default="")
    subject = peewee.TextField(default="")
    received_at = peewee.DateTimeField(null=True)
    status = peewee.CharField(max_length=16, choices=list(STATUSES.items()), default=NEW)
    complaint = peewee.ForeignKeyField(Complaint, backref="mails", null=True, on_delete="SET NULL")
    reason = peewee.TextField(default="")                       # why it is not a complaint
    handled_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    handled_at = peewee.DateTimeField(null=True)
    marked_at = peewee.DateTimeField(null=True, index=True)     # flagged or moved on the server
    created_at = peewee.DateTimeField(default=now)
