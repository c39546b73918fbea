"""The rows of the website form's export that were imported (workflow/importer.py), so none is imported twice.

``key`` is the form's submission id when the export has one, otherwise a hash of the row's content (when it came
in, from whom, what it says); neither holds personal data as such. The key stays when its complaint is erased:
importing the old file again must not bring the complaint back.
"""

from __future__ import annotations

import peewee

from klachtenbureau.models.base import BaseModel, now
from klachtenbureau.models.complaints import Complaint


class ImportedRow(BaseModel):
    key = peewee.CharField(max_length=64, unique=True)
    complaint = peewee.ForeignKeyField(Complaint, null=True, on_delete="SET NULL")
    imported_at = peewee.DateTimeField(default=now)
