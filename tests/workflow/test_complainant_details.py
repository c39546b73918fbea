"""A complainant's contact person (t.a.v.), country and salutation: checked, stored, corrected and anonymised."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import AuditEntry, Relation, database
from klachtenbureau.workflow import editing, intake, intake_support, relations
from klachtenbureau.workflow.personal_data import retention


def test_a_contact_person_typed_into_the_name_gets_its_own_field():
    clean = intake.validate_relation({"name": "Stichting De Brug, t.a.v. mevrouw P. de Boer", "phone": "0612345678"})
    assert (clean["name"], clean["attention"]) == ("Stichting De Brug", "mevrouw P. de Boer")
    typed = intake.validate_relation({"name": "Stichting De Brug", "attention": "T.a.v. P. de Boer",
                                      "phone": "0612345678"})
    assert typed["attention"] == "P. de Boer"  # the letter prints "t.a.v." itself
    person = intake.validate_relation({"name": "Gustav Tavenier", "phone": "0612345678"})
    assert (person["name"], person["attention"]) == ("Gustav Tavenier", "")


def test_a_foreign_address_keeps_its_postcode_and_the_netherlands_needs_no_country():
    foreign = intake.validate_relation({"name": "Anna Peeters", "street": "Meir 10", "postcode": " 2000 ",
                                        "city": "Antwerpen", "country": "België"})
    assert (foreign["postcode"], foreign["country"]) == ("2000", "België")
    with pytest.raises(ValidationError) as error:
        intake.validate_relation({"name": "Anna Peeters", "street": "Meir 10", "postcode": "2000", "city": "Antwerpen"})
    assert "vier cijfers en twee letters" in error.value.errors["postcode"]
    home = intake.validate_relation({"name": "Jan de Vries", "street": "Dorpsstraat 12", "postcode": "1234ab",
                                     "city": "Amsterdam", "country": "Nederland"})
    assert (home["postcode"], home["country"]) == ("1234 AB", "")


def test_the_intake_form_checks_a_foreign_postcode_only_as_typed():
    relation = {"name": "Anna Peeters", "street": "Meir 10", "postcode": "2000", "city": "Antwerpen",
                "relation_type": "participant"}
    fields = {**intake_support.default_fields(), "who": intake_support.NEW_RELATION, "relation": relation}
    assert "postcode" in intake_support.page_problems("who", fields)
    assert intake_support.page_problems("who", {**fields, "relation": {**relation, "country": "België"}}) == {}


def test_a_salutation_is_stored_without_the_comma_the_letter_adds():
    clean = intake.validate_relation({"name": "Els de Vries", "phone": "0612345678",
                                      "salutation": " Geachte mevrouw De Vries, "})
    assert clean["salutation"] == "Geachte mevrouw De Vries"


def test_the_dossier_corrects_contact_person_country_and_salutation_without_them_in_the_audit_log(db, staff):
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Te laat.", relation={
        "name": "Stichting De Brug", "street": "Meir 10", "postcode": "2000", "city": "Antwerpen",
        "country": "België"}))
    relation = editing.update_relation(staff["petra"], complaint, complaint.relation, {
        "attention": "mevrouw P. de Boer", "salutation": "Geachte mevrouw De Boer", "country": "Belgique"})
    stored = Relation.get_by_id(relation.id)
    assert (stored.attention, stored.salutation, stored.country, stored.postcode) == (
        "mevrouw P. de Boer", "Geachte mevrouw De Boer", "Belgique", "2000")
    changes = json.loads(AuditEntry.select().where(AuditEntry.action == "edit_relation").get().changes)
    assert "De Boer" not in json.dumps(changes) and changes["attention"] == "(gewijzigd)"


def test_anonymising_a_complainant_clears_contact_person_salutation_and_country(db, staff):
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Te laat.", relation={
        "name": "Stichting De Brug", "attention": "mevrouw P. de Boer", "salutation": "Geachte mevrouw De Boer",
        "street": "Meir 10", "postcode": "2000", "city": "Antwerpen", "country": "België"}))
    with database.db.atomic():
        retention.scrub_relation(complaint.relation_id, dt.datetime.now())
    stored = Relation.get_by_id(complaint.relation_id)
    assert (stored.attention, stored.salutation, stored.country, stored.street) == ("", "", "", "")


def test_an_organisation_is_found_by_its_contact_person(db, staff):
    complaint = intake.register(staff["sanne"], intake.NewReport(description="Te laat.", relation={
        "name": "Stichting De Brug", "attention": "mevrouw P. de Boer", "phone": "030 123 4567"}))
    assert [r.id for r in relations.search_relations("de boer", staff["sanne"])] == [complaint.relation_id]
