"""Standaardalinea's: kept by the coordinator, checked, saved against the version they started from, matched."""

from __future__ import annotations

import pytest

from klachtenbureau.errors import ConflictError, PermissionDeniedError, ValidationError
from klachtenbureau.models import Category, Complaint
from klachtenbureau.workflow import intake, settings
from klachtenbureau.workflow import standard_paragraphs as sp
from tests.reports.conftest import JAN, answered


def category(name: str) -> int:
    return Category.get(Category.name == name).id


def answered_complaint(staff, verdict: str, category_name: str = "Tijdstip ophalen", **kwargs) -> Complaint:
    report = intake.NewReport(description="De taxi kwam veertig minuten te laat.", category=category_name,
                              channel="post", relation=dict(JAN))
    return answered(intake.register(staff["sanne"], report), staff["petra"], verdict, **kwargs)


def test_nothing_stored_is_an_empty_list_at_version_zero(db):
    assert sp.load() == ([], 0)


def test_saved_paragraphs_come_back_in_the_same_order_tidied(db, staff):
    version = sp.save(staff["petra"], [
        sp.StandardParagraph("  Excuses   taxi ", "Wij bieden u excuses aan.\n\n", category("Tijdstip ophalen")),
        sp.StandardParagraph("Gesprek", "Wij hebben met de chauffeur gesproken.", verdict="unfounded"),
    ], expected_version=0)
    paragraphs, stored_version = sp.load()
    assert stored_version == version == 1
    assert paragraphs == [
        sp.StandardParagraph("Excuses taxi", "Wij bieden u excuses aan.", category("Tijdstip ophalen"), ""),
        sp.StandardParagraph("Gesprek", "Wij hebben met de chauffeur gesproken.", None, "unfounded"),
    ]


def test_every_problem_is_named_in_dutch_at_once(db, staff):
    with pytest.raises(ValidationError) as info:
        sp.save(staff["petra"], [
            sp.StandardParagraph("", "Tekst."),
            sp.StandardParagraph("Leeg", "  "),
            sp.StandardParagraph("Oud", "Tekst.", category_id=99_999),
            sp.StandardParagraph("Raar oordeel", "Tekst.", verdict="half"),
            sp.StandardParagraph("Tikfout", "Beste {nam},"),
            sp.StandardParagraph("leeg", "Dubbel."),
        ], expected_version=0)
    assert info.value.errors == {
        "0.title": "Geef de standaardalinea een titel.",
        "1.text": "De tekst van “Leeg” is leeg.",
        "2.category": "De categorie van “Oud” bestaat niet (meer).",
        "3.verdict": "Onbekend oordeel bij “Raar oordeel”.",
        "4.text": "Onbekende invulplek {nam} in “Tikfout”; kies er een uit de lijst.",
        "5.title": "Er is al een standaardalinea met de titel “leeg”.",
    }
    assert sp.load() == ([], 0)


def test_a_save_over_a_colleagues_newer_list_is_refused(db, staff):
    sp.save(staff["petra"], [sp.StandardParagraph("Eerste", "Tekst een.")], expected_version=0)
    _mine, version = sp.load()
    sp.save(staff["ruud"], [sp.StandardParagraph("Van Ruud", "Tekst twee.")], expected_version=version)
    with pytest.raises(ConflictError):
        sp.save(staff["petra"], [sp.StandardParagraph("Van Petra", "Tekst drie.")], expected_version=version)
    assert [p.title for p in sp.load()[0]] == ["Van Ruud"]
    with pytest.raises(ConflictError):  # two first saves at once: the second finds the list made
        sp.save(staff["petra"], [sp.StandardParagraph("Ook eerste", "Tekst.")], expected_version=0)


def test_other_settings_stay_last_writer_wins(db, staff):
    settings.put(staff["admin"], "retention_years", 5)
    settings.put(staff["admin"], "retention_years", 7)
    assert settings.get_with_version("retention_years") == (7, 2)
    with pytest.raises(ConflictError):
        settings.put(staff["admin"], "retention_years", 9, expected_version=1)


def test_only_a_manager_keeps_the_standard_paragraphs(db, staff):
    with pytest.raises(PermissionDeniedError):
        sp.save(staff["sanne"], [sp.StandardParagraph("Titel", "Tekst.")], expected_version=0)


def test_the_paragraphs_of_a_letter_follow_category_verdict_and_kind(db, staff):
    taxi = answered_complaint(staff, "unfounded")
    other = answered_complaint(staff, "founded", "Niet ophalen")
    sp.save(staff["petra"], [
        sp.StandardParagraph("Algemeen", "Voor iedereen."),
        sp.StandardParagraph("Taxi", "Over het tijdstip.", category("Tijdstip ophalen")),
        sp.StandardParagraph("Ongegrond", "Niet terecht.", verdict="unfounded"),
        sp.StandardParagraph("Taxi ongegrond", "Beide.", category("Tijdstip ophalen"), "unfounded"),
        sp.StandardParagraph("Gegrond", "Terecht.", verdict="founded"),
    ], expected_version=0)

    def titles(complaint: Complaint, kind: str) -> list[str]:
        return [p.title for p in sp.matching(staff["petra"], complaint, kind)]

    assert titles(taxi, "answer") == ["Taxi ongegrond", "Taxi", "Ongegrond", "Algemeen"]
    assert titles(taxi, "aftercare") == ["Taxi", "Algemeen"]  # a verdict is for the answer letter
    assert titles(other, "answer") == ["Gegrond", "Algemeen"]


def test_placeholders_are_filled_with_the_complaints_values(db, staff):
    complaint = answered_complaint(staff, "unfounded", remedies=())
    sp.save(staff["petra"], [
        sp.StandardParagraph("Gesprek", "Beste {naam}, wij spraken over klacht {klachtnummer}."),
        sp.StandardParagraph("Maatregelen", "Wij doen dit:\n{maatregelen}"),
    ], expected_version=0)
    filled = {p.title: p.text for p in sp.matching(staff["petra"], complaint, "answer")}
    assert filled == {"Gesprek": f"Beste Jan de Vries, wij spraken over klacht {complaint.number}.",
                      "Maatregelen": ""}  # no measures: the paragraph falls away, as in a letter text
