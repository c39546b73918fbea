"""Finding a complainant again and their earlier and similar complaints (seed 002)."""

import datetime as dt

from klachtenbureau.models.base import acting_at
from klachtenbureau.workflow import intake, relations


def add(user, name, postcode, phone="", email="", description="De taxi kwam niet opdagen.", **extra):
    with acting_at(dt.datetime(2026, 10, 5, 10, 0)):
        return intake.register(user, intake.NewReport(
            description=description, category="Niet ophalen",
            relation={"name": name, "postcode": postcode, "street": "Kerkstraat 1", "city": "Utrecht",
                      "phone": phone, "email": email}, **extra))


def test_search_finds_by_part_of_name_postcode_phone_and_email(db, staff):
    add(staff["sanne"], "Marleen Hendriks", "3511 AB", phone="06 12345678", email="marleen@example.nl")
    add(staff["sanne"], "Theo Kramer", "6511 XY", phone="024 123 4567")
    names = lambda text: [r.name for r in relations.search_relations(text)]  # noqa: E731
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
    assert [r.name for r in relations.search_relations("0%")] == ["Ria 100% Dekker"]
    assert relations.search_relations("_i_") == []


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
