"""Finding a complainant again and their earlier and similar complaints (seed 002)."""

import datetime as dt
import json

import pytest

from klachtenbureau.errors import ConflictError, PermissionDeniedError, ValidationError
from klachtenbureau.models import AuditEntry, Complaint, Relation
from klachtenbureau.models.base import acting_at
from klachtenbureau.models.fulltext import matching_ids
from klachtenbureau.workflow import editing, intake, relations
from klachtenbureau.workflow.personal_data import retention


def add(user, name, postcode, phone="", email="", description="De taxi kwam niet opdagen.", street="Kerkstraat 1",
        **extra):
    with acting_at(dt.datetime(2026, 10, 5, 10, 0)):
        return intake.register(user, intake.NewReport(
            description=description, category="Niet ophalen",
            relation={"name": name, "postcode": postcode, "street": street, "city": "Utrecht",
                      "phone": phone, "email": email}, **extra))


def test_search_finds_by_part_of_name_postcode_phone_and_email(db, staff):
    add(staff["sanne"], "Marleen Hendriks", "3511 AB", phone="06 12345678", email="marleen@example.nl")
    add(staff["sanne"], "Theo Kramer", "6511 XY", phone="024 123 4567")
    names = lambda text: [r.name for r in relations.search_relations(text, staff["sanne"])]  # noqa: E731
    assert names("hendr") == ["Marleen Hendriks"]
    assert names("3511") == ["Marleen Hendriks"]
    assert names("3511a") == ["Marleen Hendriks"]
    assert names("6511 xy") == ["Theo Kramer"]
    assert names("0612345") == ["Marleen Hendriks"]
    assert names("024 1234") == ["Theo Kramer"]
    assert names("example.nl") == ["Marleen Hendriks"]
    assert names("x") == []  # too short to search


def test_search_treats_like_wildcards_as_text(db, staff):
    add(staff["sanne"], "Ria 100% Dekker", "3511 AB", phone="06 12345678")
    add(staff["sanne"], "Piet Bos", "3511 AC", phone="06 12345679")
    assert [r.name for r in relations.search_relations("0%", staff["sanne"])] == ["Ria 100% Dekker"]
    assert relations.search_relations("_i_", staff["sanne"]) == []


def test_earlier_complaints_respect_confidentiality(db, staff):
    first = add(staff["sanne"], "Joke de Wit", "3511 AB", phone="06 12345678")
    add(staff["sanne"], "x", "3511 AB", phone="06 12345678")
    second = intake.register(staff["sanne"], intake.NewReport(
        description="Vertrouwelijk", relation_id=first.relation_id, confidential=True))
    seen_by_petra = [c.number for c in relations.earlier_complaints(first.relation_id, staff["petra"])]
    seen_by_fatima = [c.number for c in relations.earlier_complaints(first.relation_id, staff["fatima"])]
    assert seen_by_petra == [first.number]
    assert set(seen_by_fatima) == {first.number, second.number}


def test_similar_complaints_share_category_and_words(db, staff):
    a = add(staff["sanne"], "A", "3511 AB", phone="06 12345678", description="Taxi kwam niet, lang gewacht")
    b = add(staff["sanne"], "B", "3511 AC", phone="06 12345679", description="Weer lang gewacht op de taxi")
    add(staff["sanne"], "C", "3511 AD", phone="06 12345670", description="Koffie was koud")
    assert [c.id for c in relations.similar_complaints(a, staff["petra"])] == [b.id]


def received(user, when, description, category="Niet ophalen", **extra):
    with acting_at(when):
        return intake.register(user, intake.NewReport(description=description, category=category, anonymous=True,
                                                      **extra))


def test_similar_complaints_reach_a_year_back_and_a_year_on_newest_first(db, staff):
    sanne, day = staff["sanne"], dt.datetime(2025, 6, 2, 10, 0)
    this = received(sanne, day, "De rolstoelbus kwam niet opdagen")
    received(sanne, day - dt.timedelta(days=366), "De rolstoelbus weer niet")
    year_before = received(sanne, day - dt.timedelta(days=364), "Rolstoelbus te laat")
    same_moment = received(sanne, day, "Weer geen rolstoelbus")
    later = received(sanne, day + dt.timedelta(days=200), "Rolstoelbus vergeten")
    received(sanne, day + dt.timedelta(days=367), "Rolstoelbus niet gekomen")  # not of this complaint's time
    received(sanne, day, "De rolstoelbus", category="Overig")
    received(sanne, day, "Koffie was koud")
    assert [c.id for c in relations.similar_complaints(this, staff["petra"])] == [later.id, same_moment.id,
                                                                                 year_before.id]


def test_similar_complaints_of_a_complaint_received_on_29_february(db, staff):
    sanne = staff["sanne"]
    leap = received(sanne, dt.datetime(2024, 2, 29, 9, 0), "Rolstoelbus kwam niet")
    before = received(sanne, dt.datetime(2023, 2, 28, 9, 0), "Rolstoelbus kwam niet")
    after = received(sanne, dt.datetime(2025, 2, 28, 9, 0), "Rolstoelbus kwam niet")
    assert [c.id for c in relations.similar_complaints(leap, staff["petra"])] == [after.id, before.id]


def test_similar_complaints_fill_the_limit_with_what_the_user_may_see(db, staff):
    sanne, day = staff["sanne"], dt.datetime(2025, 6, 2, 10, 0)
    this = received(sanne, day, "Rolstoelbus kwam niet")
    seen = [received(sanne, day - dt.timedelta(days=20 + n), "Rolstoelbus te laat") for n in range(2)]
    hidden = [received(staff["henk"], day - dt.timedelta(days=n + 1), "Rolstoelbus te laat", confidential=True)
              for n in range(6)]
    assert [c.id for c in relations.similar_complaints(this, staff["petra"], limit=2)] == [s.id for s in seen]
    assert [c.id for c in relations.similar_complaints(this, staff["fatima"], limit=2)] == [h.id for h in hidden[:2]]
    assert relations.similar_complaints(this, staff["petra"], limit=0) == []


@pytest.mark.parametrize(("typed", "name"), [
    ("zoe", "Zoë de Wit"), ("ZOË", "Zoë de Wit"), ("ozturk", "Gül Öztürk"), ("GÜL ÖZ", "Gül Öztürk"),
    ("lukasz", "Łukasz Nowak"), ("Renée", "Renee Smit"), ("yilmaz", "Ayşe Yılmaz"), ("öZTÜrk@EXAMPLE", "Gül Öztürk"),
])
def test_search_ignores_accents_and_case(db, staff, typed, name):
    add(staff["sanne"], "Zoë de Wit", "3511 AB", phone="06 12345678")
    add(staff["sanne"], "Gül Öztürk", "3511 AC", email="ozturk@example.nl")
    add(staff["sanne"], "Łukasz Nowak", "3511 AD", phone="06 12345670")
    add(staff["sanne"], "Renee Smit", "3511 AE", phone="06 12345671")
    add(staff["sanne"], "Ayşe Yılmaz", "3511 AF", phone="06 12345672")
    assert [r.name for r in relations.search_relations(typed, staff["sanne"])] == [name]


def test_the_searched_name_follows_the_name_and_goes_with_it_after_the_retention_period(db, staff):
    complaint = add(staff["sanne"], "Zoe Jansen", "3511 AB", phone="06 12345678")
    editing.update_relation(staff["petra"], complaint, complaint.relation, {"name": "Zoë Ölmez"})
    assert [r.id for r in relations.search_relations("olmez", staff["sanne"])] == [complaint.relation_id]
    assert relations.search_relations("jansen", staff["sanne"]) == []
    retention.scrub_relation(complaint.relation_id, dt.datetime(2030, 1, 1))
    assert Relation.get_by_id(complaint.relation_id).search_name == "geanonimiseerd"


def test_possible_duplicates_share_email_phone_or_postcode_and_house_number(db, staff):
    same_mail = add(staff["sanne"], "Marleen Hendriks", "3511 AB", email="M.Hendriks@Example.nl").relation
    same_phone = add(staff["sanne"], "Theo Kramer", "6511 XY", phone="06 12345678").relation
    same_house = add(staff["sanne"], "Jan Vos", "3512 CD", phone="030 123 4567", street="Dorpsstraat 12").relation
    add(staff["sanne"], "Piet Vos", "3512 CD", phone="030 123 4568", street="Dorpsstraat 14")  # a neighbour

    def found(**new):
        return [(r.id, same) for r, same in relations.possible_duplicates(staff["sanne"], **new)]

    assert found(email="m.hendriks@example.NL") == [(same_mail.id, [relations.SAME_EMAIL])]
    assert found(phone="+31 6 1234 5678") == [(same_phone.id, [relations.SAME_PHONE])]
    assert found(phone="0031612345678") == [(same_phone.id, [relations.SAME_PHONE])]
    assert found(phone="06-1234 5678") == [(same_phone.id, [relations.SAME_PHONE])]
    assert found(postcode="3512cd", street="Dorpsstraat 12-2") == [(same_house.id, [relations.SAME_ADDRESS])]
    assert found(phone="030 123 4567", postcode="3512 CD", street="Dorpsstraat 12 A") == [
        (same_house.id, [relations.SAME_PHONE, relations.SAME_ADDRESS])]
    assert found(postcode="3512 CD", street="Dorpsstraat 16") == []
    assert found(postcode="3512 CD") == []  # a postcode without a house number is a street, not a person
    assert found(phone="06 99999999", email="iemand@example.nl") == []


def _two_records(staff):
    first = add(staff["sanne"], "Zoë de Wit", "3511 AB", phone="06 12345678", description="De bus was te laat.")
    second = add(staff["sanne"], "Zoe de Wit", "", phone="06 87654321", email="zoe@example.nl", street="",
                 description="Weer te laat.")
    third = intake.register(staff["sanne"], intake.NewReport(description="Nu weer.", category="Niet ophalen",
                                                             relation_id=second.relation_id, confidential=True))
    return first, second, third


def test_coordinator_merges_two_records_of_one_complainant(db, staff):
    first, second, third = _two_records(staff)
    plan = relations.merge_plan(first.relation_id, second.relation_id)
    assert plan.complaints == [second.number, third.number]
    assert plan.filled == {"email": "zoe@example.nl"}
    assert plan.lost == {"phone": "06 87654321"}

    kept = relations.merge_relations(staff["petra"], plan)

    assert (kept.id, kept.name, kept.phone, kept.email) == (first.relation_id, "Zoë de Wit", "06 12345678",
                                                            "zoe@example.nl")
    assert Relation.get_or_none(Relation.id == second.relation_id) is None
    assert {c.relation_id for c in Complaint.select()} == {first.relation_id}
    assert Complaint.get_by_id(second.id).version == second.version + 1  # an open dossier must reload
    entry = AuditEntry.get(AuditEntry.action == "merge_relations")
    assert (entry.user_login, entry.entity, entry.entity_id) == ("petra", "relation", first.relation_id)
    assert json.loads(entry.changes) == {
        "relation_removed": second.relation_id, "relation_kept": first.relation_id, "complaints_moved": 2,
        "complaints": [second.number, third.number], "email": "(gewijzigd)"}
    assert sorted(c.id for c in Complaint.select().where(Complaint.id.in_(matching_ids("Zoë")))) == sorted(
        [first.id, second.id, third.id])


def test_merge_keeps_the_address_whole(db, staff):
    without = intake.register(staff["sanne"], intake.NewReport(description="Te laat.", relation={
        "name": "A", "phone": "06 12345678"}))
    city_only = add(staff["sanne"], "B", "", phone="06 12345678", street="")
    full = add(staff["sanne"], "C", "3512 CD", phone="06 12345678", street="Dorpsstraat 12")
    plan = relations.merge_plan(without.relation_id, full.relation_id)
    assert (plan.filled, plan.lost) == ({"street": "Dorpsstraat 12", "postcode": "3512 CD", "city": "Utrecht"}, {})
    plan = relations.merge_plan(city_only.relation_id, full.relation_id)  # no street from one and city from another
    assert (plan.filled, plan.lost) == ({}, {"street": "Dorpsstraat 12", "postcode": "3512 CD", "city": "Utrecht"})


def test_merge_is_refused_to_others_for_one_record_and_after_a_change(db, staff):
    first, second, _third = _two_records(staff)
    plan = relations.merge_plan(first.relation_id, second.relation_id)
    for login in ("sanne", "anouk", "henk"):
        with pytest.raises(PermissionDeniedError):
            relations.merge_relations(staff[login], plan)
    with pytest.raises(ValidationError):
        relations.merge_plan(first.relation_id, first.relation_id)
    editing.update_relation(staff["petra"], second, second.relation, {"city": "Zeist"})
    with pytest.raises(ConflictError):
        relations.merge_relations(staff["admin"], plan)
    assert Relation.select().count() == 2
    assert not AuditEntry.select().where(AuditEntry.action == "merge_relations").exists()
    relations.merge_relations(staff["admin"], relations.merge_plan(first.relation_id, second.relation_id))
    assert Relation.select().count() == 1
