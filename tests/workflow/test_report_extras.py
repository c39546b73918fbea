"""The periodic report's extra counts (``reporting._extras``), read from the kept counts per day, equal the same counts
taken from the complaints themselves, on a generated register on both engines."""

import datetime as dt

from klachtenbureau.models import Complaint
from klachtenbureau.models.complaints import COMPLAINT
from klachtenbureau.workflow import periods, reporting


def counted_from_the_complaints(period: periods.Period) -> dict[str, int]:
    start, end = (dt.datetime.combine(day, dt.time()) for day in (period.start, period.end + dt.timedelta(days=1)))
    found: dict[str, int] = dict.fromkeys(("escalated", "extended", "confidential", "aftercare", "acknowledged",
                                           "founded", "marked", "marked_severe", "marked_sensitive",
                                           "marked_escalated", "marked_several"), 0)
    for c in Complaint.select().where((Complaint.received_at >= start) & (Complaint.received_at < end)
                                      & (Complaint.kind == COMPLAINT)):
        found["escalated"] += c.escalation_level != ""
        found["extended"] += c.extension_count > 0
        found["confidential"] += c.confidential
        found["aftercare"] += c.satisfaction != ""
        found["acknowledged"] += c.acknowledged_at is not None
        found["founded"] += c.verdict in ("founded", "partly_founded")
        marks = [c.severity == 4, c.complex_sensitive, c.escalation_level != ""]
        if not c.confidential and any(marks):
            found["marked"] += 1
            found["marked_severe"] += marks[0]
            found["marked_sensitive"] += marks[1]
            found["marked_escalated"] += marks[2]
            found["marked_several"] += sum(marks) > 1
    return found


def test_the_reports_extra_counts_equal_those_of_the_complaints(generated_db):
    ids = [c.id for c in Complaint.select(Complaint.id).where(Complaint.kind == COMPLAINT).order_by(Complaint.id)]
    # What the generator leaves out, written as any program may write it: the triggers keep the counts.
    Complaint.update(extension_count=1).where(Complaint.id.in_(ids[:40:4])).execute()
    Complaint.update(complex_sensitive=True).where(Complaint.id.in_(ids[1:60:3])).execute()
    Complaint.update(severity=4, escalation_level="director").where(Complaint.id.in_(ids[2:80:5])).execute()
    Complaint.update(confidential=True).where(Complaint.id.in_(ids[4:80:10])).execute()
    today = dt.date.today()
    for preset in ("this_half_year", "this_year", "last_year"):
        period = periods.preset(preset, today)
        expected = counted_from_the_complaints(period)
        assert reporting._extras(period) == expected, preset
    whole = periods.Period(today - dt.timedelta(days=800), today)
    expected = counted_from_the_complaints(whole)
    assert reporting._extras(whole) == expected
    # It compares something: every count is there, with marked complaints in each way and some left out.
    assert all(expected.values()), expected
    assert expected["marked"] < sum(1 for c in Complaint.select() if c.severity == 4 or c.complex_sensitive
                                    or c.escalation_level)


def test_the_exceptional_complaints_are_chosen_from_their_own_index(sqlite_db, staff, monkeypatch):
    """The list reads only the marked complaints (some 9 % of a register: 1 s -> 25 ms for a year of a million), as
    long as its condition stays word for word the partial index's (models/schema.py, MARKED)."""
    from klachtenbureau.models import database
    from klachtenbureau.workflow import intake
    from klachtenbureau.workflow.personal_data.scrub import Scrubber

    intake.register(staff["sanne"], intake.NewReport(description="De lift was kapot.", anonymous=True, severity=4))
    plans = []
    execute = database.db.obj.execute_sql

    def explained(sql, params=None, *args, **kwargs):
        if "LIMIT" in sql and "escalation_level" in sql:
            plans.append(" | ".join(row[3] for row in execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.db.obj, "execute_sql", explained)
    period = periods.preset("this_year", dt.date.today())
    found, _notes = reporting._exceptional(period, Scrubber([]), reporting._extras(period))
    assert len(found) == 0 and len(plans) == 1 and "INDEX complaint_marked" in plans[0], plans
