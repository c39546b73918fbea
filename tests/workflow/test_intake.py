"""Registering reports: numbers, deadlines, timeline and audit, on SQLite and PostgreSQL."""

import datetime as dt
import json

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import AuditEntry, Complaint, Relation, TimelineEntry
from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import intake, settings

CALLER = {"name": "Jan de Jong", "street": "Kerkstraat 12", "postcode": "1012ab", "city": "Amsterdam",
          "phone": "0612345678", "email": "jan@example.nl"}


def phone_report(**overrides) -> intake.NewReport:
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", relation=dict(CALLER),
                  acknowledgement_method="phone")
    values.update(overrides)
    return intake.NewReport(**values)


def test_phone_complaint_gets_number_deadlines_timeline_and_audit(db, staff):
    with acting_at(dt.datetime(2026, 12, 23, 10, 0)):  # Wednesday before Christmas
        complaint = intake.register(staff["sanne"], phone_report(assign_to=staff["petra"].id))
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.number == "K2026-0001"
    assert complaint.status == "in_progress"  # acknowledged by phone and handed over
    assert complaint.received_by_id == staff["sanne"].id
    assert complaint.assigned_to_id == staff["petra"].id
    # 2 working days: 24 Dec, (25/26 Christmas, weekend) 28 Dec; 5 working days: 24, 28, 29, 30, 31 Dec
    assert complaint.acknowledge_by == dt.date(2026, 12, 28)
    assert complaint.answer_by == dt.date(2026, 12, 31)
    relation = complaint.relation
    assert (relation.postcode, relation.phone) == ("1012 AB", "06 12345678")
    summaries = [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == complaint.id)]
    assert summaries[0].startswith("Klacht geregistreerd (telefoon) door Sanne de Vries")
    assert any("Overgedragen aan Petra Jansen" in s for s in summaries)
    entry = AuditEntry.get(AuditEntry.complaint_id == complaint.id)
    assert (entry.action, entry.user_login) == ("register", "sanne")
    changes = json.loads(entry.changes)
    assert changes["number"] == "K2026-0001" and changes["description"] == "(gewijzigd)"


def test_inquiry_answered_on_the_spot_is_closed_at_once(db, staff):
    complaint = intake.register(staff["sanne"], phone_report(
        kind="inquiry", description="Is het theater toegankelijk?", resolved_now=True,
        resolution="Ja, er is een lift.", acknowledgement_method=""))
    assert complaint.status == "closed"
    assert complaint.answer == "Ja, er is een lift." and complaint.resolved_at_intake
    assert complaint.closed_at is not None and complaint.answered_at is not None


def test_complaint_resolved_during_call_needs_the_complainants_agreement(db, staff):
    with pytest.raises(ValidationError) as info:
        intake.register(staff["sanne"], phone_report(resolved_now=True, resolution="Excuses gemaakt."))
    assert "complainant_agrees" in info.value.errors
    assert not Complaint.select().exists()


def test_anonymous_complaint_has_no_relation(db, staff):
    complaint = intake.register(staff["sanne"], intake.NewReport(
        description="Onbeschofte chauffeur.", channel="website", anonymous=True, relation=dict(CALLER)))
    assert complaint.relation_id is None and complaint.anonymous
    assert not Relation.select().exists()


def test_every_problem_of_a_report_is_listed_at_once(db, staff):
    with pytest.raises(ValidationError) as info:
        intake.register(staff["sanne"], intake.NewReport(
            description=" ", category="Bestaat niet", channel="fax",
            relation={"name": "", "postcode": "0123 AB", "email": "geen-adres"}))
    assert {"description", "category", "channel", "name", "postcode", "email"} <= set(info.value.errors)


def test_new_relation_needs_a_way_to_answer(db, staff):
    with pytest.raises(ValidationError) as info:
        intake.register(staff["sanne"], phone_report(relation={"name": "Piet"}))
    assert "phone" in info.value.errors


def test_inactive_category_cannot_be_chosen(db, staff):
    from klachtenbureau.models import Category

    Category.update(active=False).where(Category.name == "Geluid theaters").execute()
    with pytest.raises(ValidationError) as info:
        intake.register(staff["sanne"], phone_report(category="Geluid theaters"))
    assert "category" in info.value.errors


def test_deadlines_follow_the_profile_chosen_in_the_settings(db, staff):
    settings.put(staff["admin"], "deadline_profile", "wkkgz")
    with acting_at(dt.datetime(2026, 3, 16, 9, 0)):
        complaint = intake.register(staff["sanne"], phone_report())
    assert complaint.deadline_profile == "wkkgz"
    # six weeks after Monday 16 March is Koningsdag, Monday 27 April: the term runs on to the 28th
    assert complaint.answer_by == dt.date(2026, 4, 28)
    assert complaint.acknowledge_by == dt.date(2026, 3, 18)


def test_office_closing_day_moves_the_acknowledgement(db, staff):
    settings.put(staff["admin"], "closing_days", ["2026-03-03"])
    with acting_at(dt.datetime(2026, 3, 2, 9, 0)):  # Monday
        complaint = intake.register(staff["sanne"], phone_report())
    assert complaint.acknowledge_by == dt.date(2026, 3, 5)


def test_numbers_restart_each_year(db, staff):
    with acting_at(dt.datetime(2026, 12, 31, 16, 0)):
        last = intake.register(staff["sanne"], phone_report())
    with acting_at(dt.datetime(2027, 1, 4, 9, 0)):
        first = intake.register(staff["sanne"], phone_report())
    assert (last.number, first.number) == ("K2026-0001", "K2027-0001")


def test_impossible_dates_are_refused_whoever_registers(db, staff):
    """The wizard asks about unlikely dates; the workflow refuses impossible ones, also from an import or a queue."""
    with acting_at(dt.datetime(2026, 12, 7, 10, 0)):
        with pytest.raises(ValidationError) as info:
            intake.register(staff["sanne"], phone_report(received_at=dt.datetime(1990, 1, 1, 10, 0),
                                                         incident_date=dt.date(1989, 12, 31)))
        assert set(info.value.errors) == {"received_at"}  # no K1990-0001, read out as 9407 working days late
        assert "meer dan een jaar terug" in info.value.errors["received_at"]
        with pytest.raises(ValidationError) as info:
            intake.register(staff["sanne"], phone_report(received_at=dt.datetime(2026, 11, 2, 10, 0),
                                                         incident_date=dt.date(2026, 11, 3)))
        assert info.value.errors == {"incident_date": "Het voorval kan niet na de ontvangst van de melding zijn "
                                                      "gebeurd; controleer beide datums."}
        with pytest.raises(ValidationError) as info:
            intake.register(staff["sanne"], phone_report(incident_date=dt.date(2026, 12, 8)))
        assert info.value.errors == {"incident_date": "De datum van het voorval ligt in de toekomst."}
        assert not Complaint.select().exists()
        # Unlikely is not impossible: eleven months back, an incident years before.
        complaint = intake.register(staff["sanne"], phone_report(received_at=dt.datetime(2026, 1, 8, 10, 0),
                                                                 incident_date=dt.date(2019, 5, 1)))
    assert complaint.number == "K2026-0001" and complaint.incident_date == dt.date(2019, 5, 1)
