"""What happens when a letter is printed or saved, the postal to-do list, e-mail, and the letter texts."""

from __future__ import annotations

import hashlib

import pytest

from klachtenbureau.errors import PermissionDeniedError, ValidationError
from klachtenbureau.models import AuditEntry, Document, TimelineEntry
from klachtenbureau.reports import letter_texts
from klachtenbureau.workflow import letter_settings, letters, procedure, settings
from klachtenbureau.workflow.upkeep import store
from tests.reports.conftest import answered
from tests.reports.pdftools import normalised
from tests.reports.pdftools import text as pdf_text


def _entries(complaint) -> list[TimelineEntry]:
    return list(TimelineEntry.select().where(TimelineEntry.complaint == complaint.id).order_by(TimelineEntry.id))


def test_printed_acknowledgement_is_stored_and_counts_as_sent_by_letter(register, staff):
    complaint = register()
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement")
    updated = letters.record_letter(staff["petra"], complaint, "acknowledgement", pdf, printed=True)
    assert (updated.status, updated.acknowledgement_method) == ("acknowledged", "letter")
    assert updated.acknowledged_at is not None
    document = Document.get(Document.complaint == complaint.id)
    assert (document.kind, document.mime_type, bytes(document.content)) == ("letter", "application/pdf", pdf)
    assert document.sha256 == hashlib.sha256(pdf).hexdigest() and document.created_by_id == staff["petra"].id
    assert document.name.startswith(f"{complaint.number} ontvangstbevestiging ")
    summaries = [e.summary for e in _entries(complaint)]
    assert "Ontvangstbevestiging afgedrukt." in summaries and "Ontvangst bevestigd (brief)." in summaries
    letter_entry = next(e for e in _entries(complaint) if e.kind == "letter")
    assert (letter_entry.method, letter_entry.direction) == ("letter", "out")
    assert AuditEntry.select().where((AuditEntry.complaint_id == complaint.id)
                                     & (AuditEntry.action == "letter")).count() == 1


def test_reprinted_acknowledgement_is_stored_without_acknowledging_again(register, staff):
    complaint = procedure.acknowledge(staff["petra"], register(), "phone")
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement")
    updated = letters.record_letter(staff["petra"], complaint, "acknowledgement", pdf, printed=False)
    assert (updated.status, updated.acknowledgement_method) == ("acknowledged", "phone")
    assert "Ontvangstbevestiging opgeslagen als PDF." in [e.summary for e in _entries(complaint)]


def test_same_operation_sent_twice_stores_the_letter_once(register, staff):
    complaint = register()
    pdf = letters.letter_pdf(staff["petra"], complaint, "acknowledgement")
    letters.record_letter(staff["petra"], complaint, "acknowledgement", pdf, printed=True, operation_id="op-1")
    letters.record_letter(staff["petra"], complaint, "acknowledgement", pdf, printed=True, operation_id="op-1")
    assert Document.select().where(Document.complaint == complaint.id).count() == 1


def test_telephonist_records_the_acknowledgement_of_what_she_registered(register, staff):
    complaint = register(assign_to=staff["petra"].id)
    letters.require_record(staff["sanne"], complaint, "acknowledgement")
    pdf = letters.letter_pdf(staff["sanne"], complaint, "acknowledgement")
    updated = letters.record_letter(staff["sanne"], complaint, "acknowledgement", pdf, printed=True)
    assert (updated.status, updated.acknowledgement_method) == ("in_progress", "letter")


def test_telephonist_who_only_reads_a_complaint_cannot_acknowledge_it_and_nothing_is_stored(register, staff):
    karin = store.create_user(store.system_user(), "karin", "Karin Mol", "intake", confidential_access=True)
    complaint = register(confidential=True)
    with pytest.raises(PermissionDeniedError):
        letters.require_record(karin, complaint, "acknowledgement")  # before the letter is even made
    pdf = letters.letter_pdf(karin, complaint, "acknowledgement")
    with pytest.raises(PermissionDeniedError):
        letters.record_letter(karin, complaint, "acknowledgement", pdf, printed=True)
    assert Document.select().count() == 0


def test_acknowledgements_to_send_by_letter_follow_the_way_chosen_at_the_intake(register, staff):
    by_letter = register(channel="phone", acknowledgement_to_send="letter")
    register(acknowledgement_to_send="email")  # came by post, to be confirmed by e-mail
    assert (by_letter.acknowledgement_method, by_letter.acknowledged_at) == ("letter", None)
    assert [c.number for c in letters.acknowledgements_to_send(staff["petra"])] == [by_letter.number]


def test_postal_acknowledgements_to_send_lists_only_new_postal_complaints(register, staff):
    first = register()
    second = register(relation={"name": "Els Bos", "street": "Kerkweg 3", "postcode": "9711AA", "city": "Groningen"})
    register(channel="email")
    done = register()
    procedure.acknowledge(staff["petra"], done, "phone")
    secret = register(confidential=True)
    assert [c.number for c in letters.acknowledgements_to_send(staff["petra"])] == [first.number, second.number]
    assert secret.number in [c.number for c in letters.acknowledgements_to_send(staff["henk"])]


def test_the_email_text_of_a_letter_is_the_letters_own_text_with_a_signature(register, staff):
    complaint = register(channel="email")
    message = letters.letter_email(staff["petra"], complaint, "acknowledgement")
    assert message.to == "jan.devries@example.nl"
    assert message.subject == "Ontvangstbevestiging van uw klacht"  # the mail puts [K…] before it
    assert message.body.startswith("Geachte Jan de Vries,") and complaint.number in message.body
    assert "{" not in message.body and "Petra Jansen" in message.body
    edited = letters.letter_email(staff["petra"], complaint, "acknowledgement", subject="Uw klacht",
                                  body="Geachte heer De Vries,\n\nWij bellen u morgen.")
    assert edited.subject == "Uw klacht" and edited.body.startswith("Geachte heer De Vries,\n\nWij bellen u morgen.")


def test_a_complainant_with_only_an_email_address_gets_the_answer_letter_for_an_email(register, staff):
    complaint = answered(register(channel="email", relation={"name": "Els Bakker", "email": "els@example.nl"}),
                         staff["petra"])
    with pytest.raises(ValidationError, match="geen volledig postadres"):
        letters.letter_pdf(staff["petra"], complaint, "answer")
    text = normalised(pdf_text(letters.letter_pdf(staff["petra"], complaint, "answer", by_email=True)))
    assert "Els Bakker els@example.nl" in text and complaint.number in text
    no_email = register(relation={"name": "Kees Smit", "street": "Kerkstraat 1", "postcode": "1234AB",
                                  "city": "Amsterdam"})
    with pytest.raises(ValidationError, match="geen e-mailadres bekend"):
        letters.letter_pdf(staff["petra"], no_email, "acknowledgement", by_email=True)


def test_anonymous_complaint_has_no_email_address(register, staff):
    with pytest.raises(ValidationError, match="geen e-mailadres"):
        letters.letter_email(staff["petra"], register(anonymous=True, relation=None), "acknowledgement")


def test_saved_letter_texts_are_used_and_only_differences_are_stored(register, staff):
    texts, version = letter_settings.load_texts()
    texts["acknowledgement"]["subject"] = "Wij hebben uw klacht {klachtnummer} ontvangen"
    letter_settings.save_texts(staff["petra"], texts, version)
    assert settings.get("letter_texts") == {"acknowledgement": {"subject": texts["acknowledgement"]["subject"]}}
    complaint = register()
    built = letters.build_letter(staff["petra"], complaint, "acknowledgement")
    assert built.subject == f"Wij hebben uw klacht {complaint.number} ontvangen"


def test_letter_text_with_an_unknown_placeholder_is_refused(office, staff):
    texts, version = letter_settings.load_texts()
    texts["extension"]["body"] += "\n\nTot {datum}."
    with pytest.raises(ValidationError) as error:
        letter_settings.save_texts(staff["petra"], texts, version)
    assert error.value.errors == {
        "extension.body": "Onbekende invulplek {datum} in “Uitstelbericht”; kies er een uit de lijst."}


def test_only_managers_change_letter_texts(office, staff):
    with pytest.raises(PermissionDeniedError):
        letter_settings.save_texts(staff["sanne"], *letter_settings.load_texts())


def test_preview_fills_the_text_for_a_made_up_complaint(office):
    text = letter_texts.default_text("answer_founded")
    content = normalised(pdf_text(letter_settings.preview_pdf(text["subject"], text["body"])))
    assert "Geachte J. de Vries," in content and "{" not in content and "Stichting Vier het Leven" in content
