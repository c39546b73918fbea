"""This PC's ledger looked up again (``recheck.verify``), as the desk does every status cycle and at every start.

A busy telephone PC confirms some 100 writes a day; the ledger keeps four weeks: 2,800 operation ids, checked
against the audit log of the generated database (all present, so nothing is re-applied). The ledger lives in a
temporary ``KLACHTENBUREAU_HOME`` so no real PC's ledger is touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile

from benchmarks import Context, timed
from klachtenbureau.models import AuditEntry
from klachtenbureau.models.database import identity
from klachtenbureau.workflow import ledger, recheck

PER_DAY = 100


def run(ctx: Context) -> dict[str, list[float]]:
    ids = [row[0] for row in AuditEntry.select(AuditEntry.operation_id).where(AuditEntry.operation_id.is_null(False))
           .order_by(AuditEntry.id.desc()).limit(PER_DAY * ledger.KEEP_DAYS).tuples()]
    before = os.environ.get("KLACHTENBUREAU_HOME")
    with tempfile.TemporaryDirectory() as home:
        os.environ["KLACHTENBUREAU_HOME"] = home
        try:
            folder = ledger.ledger_dir()
            folder.mkdir(parents=True)
            today = dt.date.today()
            for day in range(ledger.KEEP_DAYS):  # yesterday and the days before: all old enough to check
                date = today - dt.timedelta(days=day + 1)
                chunk = ids[day * PER_DAY:(day + 1) * PER_DAY]
                with open(folder / f"{date.isoformat()}.jsonl", "w", encoding="utf-8") as out:
                    for operation_id in chunk:
                        entry = ledger.Confirmed(operation_id, "contact", ctx.user.login, identity(ctx.url),
                                                 {"number": "", "arguments": {}}, f"{date.isoformat()}T09:00:00")
                        out.write(json.dumps(dataclasses.asdict(entry)) + "\n")
            checked = recheck.verify(ctx.url, check_after=dt.timedelta(0))
            assert checked.checked == len(ids) and not checked.lost, "the benchmark's ledger should all be present"
            return {f"recheck_{len(ids)}_confirmed_writes": timed(
                lambda: recheck.verify(ctx.url, check_after=dt.timedelta(0)), ctx.repeat)}
        finally:
            if before is None:
                os.environ.pop("KLACHTENBUREAU_HOME", None)
            else:
                os.environ["KLACHTENBUREAU_HOME"] = before
