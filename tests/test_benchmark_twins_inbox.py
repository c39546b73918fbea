"""The benchmark's hand-written inbox (benchmarks/bench_inbox.py ``raw_click``) reads what the inbox shows.

Its time is the floor the app's ``inbox.snapshot`` is measured against; a twin that reads less (no counts, no
visibility rule, a clock that runs while the office waits) flatters the app. So on a small generated register, on
SQLite and PostgreSQL, both are asked for every filter and a few searches and must agree.
"""

import datetime as dt

from benchmarks import Context, bench_inbox
from klachtenbureau.models import Complaint, User
from klachtenbureau.workflow import inbox, intake, procedure


def _shown(snapshot: inbox.Snapshot) -> dict:
    return {"ids": list(snapshot.ids), "numbers": {i: row.number for i, row in snapshot.rows.items()},
            "category": snapshot.category_counts, "channel": snapshot.channel_counts, "counts": snapshot.counts}


def test_the_raw_inbox_twin_reads_what_each_filter_click_and_search_shows(generated_db, monkeypatch):
    monkeypatch.setattr(inbox, "HEAD", 50)  # both read only the first ids, as the view does at the top of the list
    petra, henk = User.get(User.login == "petra"), User.get(User.login == "henk")
    today = dt.date.today()
    # What the generator leaves out: a complaint the coordinator may not see, and a clock that stands still.
    hidden = intake.register(henk, intake.NewReport(description="Vertrouwelijk: de chauffeur was grof.",
                                                    anonymous=True, confidential=True))
    waiting = Complaint.get_by_id(inbox.complaint_ids(petra, inbox.InboxQuery(filter="overdue"), today)[0])
    procedure.wait(petra, waiting, "complainant", "Welke rit bedoelt u?", today + dt.timedelta(days=10))
    ctx = Context(user=petra, url="", complaints=300)
    sample = Complaint.get_by_id(inbox.complaint_ids(petra, inbox.InboxQuery(filter="all"), today)[40])
    word = max(sample.description.split(), key=len).strip(".,!?").lower()
    held = inbox.counts(petra, inbox.InboxQuery(), today)
    for name in inbox.FILTERS:
        for search, counts in (("", False), ("", True), (word, True), (sample.number, True)):
            shown = _shown(bench_inbox.click(ctx, today, name, search, None if counts else held))
            twin = bench_inbox.raw_click(petra.id, today, name, search, counts)
            if not counts:
                shown.pop("counts")
            assert twin == shown, (name, search)
    everything = bench_inbox.raw_click(petra.id, today, "all")
    assert hidden.id not in everything["ids"] and waiting.id not in bench_inbox.raw_click(petra.id, today, "overdue")["ids"]
    assert everything["counts"]["overdue"] > 0 and len(everything["category"]) > 3  # it compares something
    assert bench_inbox.raw_click(petra.id, today, "all", sample.number)["ids"] == [sample.id]
