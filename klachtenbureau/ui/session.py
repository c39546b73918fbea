"""Who is signed in, on which database: handed to every view."""

from __future__ import annotations

import dataclasses

from klachtenbureau.models import User
from klachtenbureau.ui.change_monitor import ChangeMonitor
from klachtenbureau.ui.connection import Connection
from klachtenbureau.workflow.shared_file import SharedFileGuard


@dataclasses.dataclass
class Session:
    user: User
    database_url: str
    remembered_as: str = ""  # what the next start opens: the office's shared folder, or this URL
    shared_file: SharedFileGuard | None = None  # on a shared SQLite file: who else is in it, may this PC write
    connection: Connection = dataclasses.field(default_factory=Connection)  # reachable or not, for all windows
    changes: ChangeMonitor = dataclasses.field(init=False)  # what the views subscribe to, to show what others saved

    def __post_init__(self) -> None:
        self.changes = ChangeMonitor(self.database_url)
