"""The demo data reads like a real office's: answer letters whose text fits the verdict."""

from __future__ import annotations

import datetime as dt

from klachtenbureau.models import Complaint, User
from klachtenbureau.workflow import demo, letters
from tests.reports.pdftools import normalised, text


def test_demo_answer_letters_fit_their_verdict_and_apologise_only_where_due(sqlite_db):
    demo.generate(80, seed=7, today=dt.date(2026, 3, 4))
    petra = User.get(User.login == "petra")
    postal = (Complaint.select().where(Complaint.answer != "", Complaint.verdict != "", Complaint.relation.is_null(False),
                                       Complaint.confidential == False)  # noqa: E712 (peewee)
              .order_by(Complaint.id))
    by_verdict = {complaint.verdict: complaint for complaint in postal}
    assert set(by_verdict) == set(demo.ANSWERS)
    for verdict, complaint in by_verdict.items():
        content = normalised(text(letters.letter_pdf(petra, complaint, "answer")))
        assert normalised(demo.ANSWERS[verdict]) in content
        assert ("excuses" in content) == (verdict in ("founded", "partly_founded")), verdict
