"""Who is signed in, on which database: handed to every view."""

from __future__ import annotations

import dataclasses

from klachtenbureau.models import User


@dataclasses.dataclass
class Session:
    user: User
    database_url: str
