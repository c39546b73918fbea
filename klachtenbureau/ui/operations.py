"""Database work off the UI thread with one failure policy, in the manner of Anki's QueryOp/CollectionOp.

``query(parent, work, success, failure)`` runs ``work`` (which must not touch widgets) on the thread pool
(ui/background.py) and hands its result to ``success`` on the UI thread. What went wrong is sorted here only:
an expected problem (a ``KlachtenbureauError``, or a database failure ``workflow.db_errors.translate`` knows)
reaches ``failure`` typed: a MessageBar shows it, a callable is given it. A database out of reach is also told
to the session's Connection when the caller gives a ``session`` (every window's banner; the main window
reconnects). Anything else is a bug, raised again on the UI thread for the crash dialog (ui/crash.py).

``write`` is ``query`` for work that writes: its success is announced to every view at once
(``ChangeMonitor.announce``), not at the next tick of the watch. The callbacks are skipped once ``parent`` is
gone (its window closed meanwhile); a bug and the announcement are not. ``always`` runs before either callback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject

from klachtenbureau.errors import DatabaseUnavailableError, KlachtenbureauError
from klachtenbureau.ui.background import run_in_background
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.widgets import MessageBar
from klachtenbureau.workflow import db_errors
from klachtenbureau.workflow.offline.write_queue import WriteQueuedError

T = TypeVar("T")
Failure = MessageBar | Callable[[KlachtenbureauError], Any]


def query(parent: QObject, work: Callable[[], T], success: Callable[[T], Any], failure: Failure, *,
          session: Session | None = None, always: Callable[[], Any] | None = None) -> None:
    """Run ``work`` (which must not touch widgets) off the UI thread; see the module docstring."""
    _run(parent, work, success, failure, session, always, announce=False)


def write(parent: QObject, session: Session, work: Callable[[], T], success: Callable[[T], Any], failure: Failure, *,
          always: Callable[[], Any] | None = None) -> None:
    """``query`` for work that writes: a success is announced to every view of ``session``."""
    _run(parent, work, success, failure, session, always, announce=True)


def _run(parent: QObject, work: Callable[[], T], success: Callable[[T], Any], failure: Failure,
         session: Session | None, always: Callable[[], Any] | None, announce: bool) -> None:
    def succeeded(result: T) -> None:
        try:
            if shiboken6.isValid(parent):
                if always is not None:
                    always()
                success(result)
        finally:
            if announce and session is not None:
                session.changes.announce()

    def failed(exc: BaseException) -> None:
        problem = db_errors.translate(exc)
        alive = shiboken6.isValid(parent)
        if alive and always is not None:
            always()
        if problem is None:
            raise exc  # a bug: to the crash dialog
        if session is not None and isinstance(problem, DatabaseUnavailableError):
            session.connection.lost(problem.cause if isinstance(problem, WriteQueuedError) else problem)
        if not alive:
            return
        if isinstance(failure, MessageBar):
            failure.show_message(problem.message, "error")
        else:
            failure(problem)

    run_in_background(work, succeeded, failed)
