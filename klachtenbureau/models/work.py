"""What a user has already been told or has looked at (workflow/my_work.py): reminders at most once a day.

One row per user and key: ``notified:<item>`` is the last day a reminder about that item was sent,
``seen:<list>`` when the user last looked at a list (the colleagues' direct resolutions, say). Marks are
shared by the user's PCs, so a reminder seen on one PC is not repeated on the other.
"""

from __future__ import annotations

import peewee

from klachtenbureau.models.base import BaseModel, now
from klachtenbureau.models.people import User


class WorkMark(BaseModel):
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    key = peewee.CharField(max_length=80)
    at = peewee.DateTimeField(default=now)

    class Meta:
        indexes = ((("user", "key"), True),)
