"""Whether this desk can reach its database right now: one state every window of the session shares.

A window that meets an unreachable or read-only database says so here
(``lost``); the main window checks again on a short timer while the state
lasts, sends what waited on this PC once the database is back, and says so
(``restored``). Windows listen to ``changed`` to show the state in their own
banner and to hold back what cannot be done meanwhile.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QObject, Signal

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.i18n import _, format_datetime
from klachtenbureau.workflow.db_errors import ReadOnlyError


class Connection(QObject):
    changed = Signal()  # online <-> offline / read-only, or the reason changed
    queue_changed = Signal()  # what waited in this PC's queue was sent (or refused by the database)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.problem: KlachtenbureauError | None = None
        self.since: dt.datetime | None = None

    @property
    def online(self) -> bool:
        return self.problem is None

    @property
    def read_only(self) -> bool:
        return isinstance(self.problem, ReadOnlyError)

    def lost(self, problem: KlachtenbureauError) -> None:
        """The database cannot be reached (or written); ``problem`` is the typed error with its Dutch message."""
        if self.problem is None:
            self.since = dt.datetime.now()
        elif type(self.problem) is type(problem) and self.problem.message == problem.message:
            return
        self.problem = problem
        self.changed.emit()

    def restored(self) -> None:
        if self.problem is None:
            return
        self.problem = None
        self.since = None
        self.changed.emit()

    def banner_text(self) -> str:
        """What a window says while the state lasts (the state, since when, and the typed error's message)."""
        if self.problem is None:
            return ""
        since = format_datetime(self.since, "HH:mm")
        if self.read_only:
            head = _("Alleen lezen sinds {time}.").format(time=since)
        else:
            head = _("Zonder verbinding sinds {time}.").format(time=since)
        tail = _("Wat u ziet, kan verouderd zijn.")
        return f"<b>{head}</b> {html.escape(self.problem.message)} {tail}"
