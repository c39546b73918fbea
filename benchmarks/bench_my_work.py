"""Mijn werk and the reminders (goal: a refresh under 100 ms, off the UI thread, at any size of the register).

``my_work_coordinator`` is what the tab reads on each status round and after each change for the coordinator
(her complaints and the unassigned ones, measures, colleagues' direct resolutions); ``my_work_handler`` the same
for one of the handlers, who holds about a third of the assigned complaints; ``reminders_round`` the status
round's question what to notify (nothing new: no write).
"""

from __future__ import annotations

import datetime as dt

from benchmarks import Context, timed
from klachtenbureau.models import User
from klachtenbureau.workflow import my_work, reminders


def run(ctx: Context) -> dict[str, list[float]]:
    today = dt.date.today()
    handler = User.get(User.login == "ruud")
    reminders.to_send(ctx.user, today)  # claim today's reminders once: the timed rounds are the usual quiet ones
    return {
        "my_work_coordinator": timed(lambda: my_work.items(ctx.user, today), ctx.repeat),
        "my_work_handler": timed(lambda: my_work.items(handler, today), ctx.repeat),
        "reminders_round": timed(lambda: reminders.to_send(ctx.user, today), ctx.repeat),
    }
