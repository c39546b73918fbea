"""One letter whose text the handler edited before it went out: that text is what is printed and stored."""

from __future__ import annotations

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Document, TimelineEntry
from klachtenbureau.workflow import letters, settings
from tests.reports.conftest import answered
from tests.reports.pdftools import normalised, text

OWN_BODY = ("Beste Jan de Vries,\n\nWij hebben de ritgegevens van de vervoerder bekeken. Volgens die gegevens "
            "kwam de taxi op tijd.\n\n- de rit stond om 19.00 uur gepland\n- de chauffeur belde om 19.02 uur aan"
            "\n\nMet vriendelijke groet,")


def test_the_edited_answer_is_the_letter_that_is_stored(register, staff):
    complaint = answered(register(), staff["petra"], verdict="unfounded", remedies=())
    verdict_paragraph = letters.build_letter(staff["petra"], complaint, "answer").body.split("\n\n")[2]
    pdf = letters.letter_pdf(staff["petra"], complaint, "answer", subject="Ons antwoord op uw klacht over de rit",
                             body=OWN_BODY)
    letters.record_letter(staff["petra"], complaint, "answer", pdf, printed=True, adapted=True)
    stored = normalised(text(bytes(Document.get(Document.complaint == complaint.id).content)))
    assert "Ons antwoord op uw klacht over de rit" in stored
    assert "Volgens die gegevens kwam de taxi op tijd." in stored and "de chauffeur belde om 19.02 uur aan" in stored
    assert normalised(verdict_paragraph)[:60] not in stored  # the office-wide text says "ongegrond" its own way
    summaries = [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == complaint.id)]
    assert "Antwoordbrief afgedrukt (tekst aangepast)." in summaries
    assert settings.get("letter_texts") == {}  # the office-wide text stays as it was


def test_an_unedited_letter_says_nothing_about_its_text(register, staff):
    complaint = register()
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement")
    letters.record_letter(staff["petra"], complaint, "acknowledgement", pdf, printed=False)
    summaries = [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == complaint.id)]
    assert "Ontvangstbevestiging opgeslagen als PDF." in summaries
    assert not any("aangepast" in summary for summary in summaries)


@pytest.mark.parametrize("field, value, message", [
    ("body", "Beste {naam},\n\nUw klacht is ongegrond.", "Er staat nog een invulplek in de brief: {naam}."),
    ("body", "Beste Jan,\n\nZie {hier invullen}.", "Er staat nog een invulplek in de brief: {hier invullen}."),
    ("subject", "Klacht {klachtnummer}", "Er staat nog een invulplek in de brief: {klachtnummer}."),
    ("body", " \n\n ", "De tekst van de brief is leeg."),
])
def test_an_edited_letter_with_a_placeholder_left_is_refused(register, staff, field, value, message):
    complaint = register()
    with pytest.raises(ValidationError) as info:
        letters.letter_pdf(staff["petra"], complaint, "acknowledgement", **{field: value})
    assert info.value.errors[field].startswith(message)
