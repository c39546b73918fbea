"""The request for more information (seed 004, 1.3): its question and date, who may send it, the letter read back,
what the timeline keeps, and the office's own text for it."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest

from klachtenbureau import cli
from klachtenbureau.errors import PermissionDeniedError, TransitionNotAllowedError, ValidationError
from klachtenbureau.i18n import format_date
from klachtenbureau.models import Document, TimelineEntry, database
from klachtenbureau.reports import letter_texts, pdfa
from klachtenbureau.workflow import letter_settings, letters, procedure, settings
from klachtenbureau.workflow.upkeep import store
from tests.reports.conftest import answered
from tests.reports.pdftools import normalised, text

TODAY = dt.date(2026, 3, 4)
REQUEST = letters.InformationRequest(
    "Op welke dag en hoe laat had de taxi u moeten ophalen?\n- Wie heeft de rit voor u geboekt?\n"
    "- Heeft u de chauffeur gebeld?", dt.date(2026, 3, 18))  # for letters dated TODAY
LATER = letters.InformationRequest(REQUEST.question, dt.date.today() + dt.timedelta(days=14))  # for letters of today


def test_reply_date_proposed_is_ten_working_days_on_the_office_calendar(db, staff):
    assert letters.default_reply_by(dt.date(2026, 4, 22)) == dt.date(2026, 5, 7)  # over Koningsdag, 27 April
    settings.put(staff["admin"], "liberation_day_every_year", True)
    settings.put(staff["admin"], "closing_days", ["2026-04-24"])
    assert letters.default_reply_by(dt.date(2026, 4, 22)) == dt.date(2026, 5, 11)


def test_question_and_reply_date_are_checked_each_at_its_field():
    with pytest.raises(ValidationError) as missing:
        letters.information_request(" \n  ", None, TODAY)
    assert missing.value.errors == {"question": "Typ de vraag aan de klager.",
                                    "reply_by": "Kies de datum waarop de klager uiterlijk reageert."}
    for day in (TODAY, TODAY - dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as past:
            letters.information_request("Wanneer was dat?", day, TODAY)
        assert past.value.errors == {"reply_by": "Kies een datum na vandaag: de klager heeft tijd nodig om te "
                                                 "reageren."}
    request = letters.information_request("  Wanneer was dat?  \r\n- En waar?  \n", TODAY + dt.timedelta(days=1),
                                          TODAY)
    assert request == letters.InformationRequest("Wanneer was dat?\n- En waar?", dt.date(2026, 3, 5))


def test_request_letter_asks_the_question_and_names_the_date_and_the_complaint_number(register, staff):
    complaint = register()
    pdf = letters.letter_pdf(staff["petra"], complaint, "information_request", today=TODAY, request=REQUEST)
    content = normalised(text(pdf))
    for needle in ("Jan de Vries", "1234 AB AMSTERDAM", "Geachte Jan de Vries,",
                   "Wij hebben meer informatie nodig over uw klacht", f"met nummer {complaint.number}",
                   "Op welke dag en hoe laat had de taxi u moeten ophalen?", "• Wie heeft de rit voor u geboekt?",
                   "• Heeft u de chauffeur gebeld?", "Wilt u ons uiterlijk 18 maart 2026 antwoorden?",
                   "telefoonnummer 020 123 4567", "Dan beoordelen wij uw klacht met de informatie die wij nu hebben.",
                   "Met vriendelijke groet,", "Pagina 1 van 1"):
        assert needle in content, needle
    assert "{" not in content
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        assert pdfa.unembedded_fonts(document) == []


def test_request_letter_is_not_made_without_its_question(register, staff):
    complaint = register()
    with pytest.raises(ValidationError) as refused:
        letters.letter_pdf(staff["petra"], complaint, "information_request")
    assert set(refused.value.errors) == {"question", "reply_by"}
    with pytest.raises(ValidationError, match="datum na vandaag"):
        letters.build_letter(staff["petra"], complaint, "information_request", today=REQUEST.reply_by,
                             request=REQUEST)


def test_recorded_request_is_an_outgoing_letter_on_the_timeline_with_its_reply_date(register, staff):
    complaint = register()
    pdf = letters.letter_pdf(staff["petra"], complaint, "information_request", request=LATER)
    updated = letters.record_letter(staff["petra"], complaint, "information_request", pdf, printed=False,
                                    request=LATER)
    assert updated.status == "new" and updated.acknowledged_at is None  # asking is not acknowledging
    entry = TimelineEntry.get((TimelineEntry.complaint == complaint.id) & (TimelineEntry.kind == "letter"))
    assert (entry.method, entry.direction) == ("letter", "out")
    assert entry.summary == ("Verzoek om aanvullende informatie opgeslagen als PDF. Reactie gevraagd uiterlijk "
                             f"{format_date(LATER.reply_by)}.")
    document = Document.get(Document.complaint == complaint.id)
    assert bytes(document.content) == pdf
    assert document.name.startswith(f"{complaint.number} verzoek om aanvullende informatie ")
    with pytest.raises(ValidationError):
        letters.record_letter(staff["petra"], complaint, "information_request", pdf, printed=True)
    assert Document.select().where(Document.complaint == complaint.id).count() == 1


def test_only_who_may_add_to_the_complaint_asks_for_information(register, staff):
    karin = store.create_user(store.system_user(), "karin", "Karin Mol", "intake", confidential_access=True)
    complaint = register(confidential=True)
    letters.require_information_request(staff["sanne"], complaint)  # she registered it
    with pytest.raises(PermissionDeniedError):
        letters.require_information_request(karin, complaint)
    pdf = letters.letter_pdf(karin, complaint, "information_request", request=LATER)
    with pytest.raises(PermissionDeniedError):
        letters.record_letter(karin, complaint, "information_request", pdf, printed=True, request=LATER)
    assert Document.select().count() == 0


def test_closed_complaint_is_reopened_before_asking_for_information(register, staff):
    complaint = procedure.close(staff["petra"], answered(register(), staff["petra"]))
    for attempt in (lambda: letters.require_information_request(staff["petra"], complaint),
                    lambda: letters.letter_pdf(staff["petra"], complaint, "information_request", request=LATER),
                    lambda: letters.record_letter(staff["petra"], complaint, "information_request", b"%PDF",
                                                  printed=True, request=LATER)):
        with pytest.raises(TransitionNotAllowedError, match="heropen de klacht"):
            attempt()
    reopened = procedure.reopen(staff["petra"], complaint, "De klager belde met nieuwe feiten.")
    letters.require_information_request(staff["petra"], reopened)


def test_anonymous_complainant_without_address_gets_no_request_letter(register, staff):
    complaint = register(anonymous=True, relation=None)
    with pytest.raises(ValidationError, match="anoniem"):
        letters.require_information_request(staff["petra"], complaint)


def test_request_by_email_needs_only_an_email_address(register, staff):
    complaint = register(channel="email", relation={"name": "Els Bakker", "email": "els@example.nl"})
    with pytest.raises(ValidationError, match="postadres"):
        letters.require_information_request(staff["petra"], complaint)
    letters.require_information_request(staff["petra"], complaint, by_email=True)
    letter = letters.build_letter(staff["petra"], complaint, "information_request", by_email=True, request=LATER)
    assert letter.recipient == ["Els Bakker", "els@example.nl"]
    assert "Wie heeft de rit voor u geboekt?" in letter.body and format_date(LATER.reply_by) in letter.body
    message = letters.letter_email(staff["petra"], complaint, "information_request", request=LATER)
    assert message.to == "els@example.nl" and message.subject == "Wij hebben meer informatie nodig over uw klacht"
    assert message.body.startswith(letter.body) and "Petra Jansen" in message.body
    with pytest.raises(ValidationError):  # never a mail that lost its question
        letters.letter_email(staff["petra"], complaint, "information_request")


def test_office_can_adapt_the_request_text_and_a_wrong_placeholder_is_refused(register, staff):
    texts, version = letter_settings.load_texts()
    assert "{vraag}" in texts["information_request"]["body"]
    texts["information_request"]["body"] = ("{aanhef},\n\nGraag horen wij vóór {reactie_uiterlijk} van u over "
                                            "klacht {klachtnummer}:\n{vraag}\n\nMet vriendelijke groet,")
    letter_settings.save_texts(staff["petra"], texts, version)
    assert set(settings.get("letter_texts")) == {"information_request"}
    complaint = register()
    content = normalised(text(letters.letter_pdf(staff["petra"], complaint, "information_request",
                                                 request=LATER)))
    assert f"Graag horen wij vóór {format_date(LATER.reply_by)} van u over klacht {complaint.number}:" in content
    assert "Op welke dag en hoe laat had de taxi u moeten ophalen?" in content
    texts["information_request"]["body"] = "{aanhef},\n\n{vraagje}"
    with pytest.raises(ValidationError) as refused:
        letter_settings.save_texts(staff["petra"], texts, version)
    assert "{vraagje}" in refused.value.errors["information_request.body"]


def test_settings_preview_fills_the_request_with_an_example_question(office, staff):
    default = letter_texts.default_text("information_request")
    content = normalised(text(letter_settings.preview_pdf(default["subject"], default["body"])))
    assert "Op welke dag en hoe laat had de taxi u moeten ophalen?" in content and "{" not in content


def test_command_line_makes_and_records_the_request(db, register, capsys, tmp_path, cli_signed_in):
    number = register().number
    cli_signed_in()
    database.close()
    target = tmp_path / "verzoek.pdf"
    code = cli.main(["letter", "information", number, "--db", db, "-o", str(target), "--question",
                     "Wie heeft de rit geboekt?", "--reply-by", LATER.reply_by.isoformat()])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "") and number in out
    content = normalised(text(target.read_bytes()))
    assert "Wie heeft de rit geboekt?" in content and format_date(LATER.reply_by) in content
    store.open_database(db)
    assert TimelineEntry.get(TimelineEntry.kind == "letter").summary.endswith(
        f"Reactie gevraagd uiterlijk {format_date(LATER.reply_by)}.")
    database.close()
    for arguments, message in ((["--reply-by", "18-03-2026", "--question", "Wie?"], "Schrijf de datum als JJJJ-MM-DD"),
                               ([], "Typ de vraag aan de klager.")):
        code = cli.main(["letter", "information", number, "--db", db, "-o", str(target), *arguments])
        out, err = capsys.readouterr()
        assert (code, out) == (1, "") and err.startswith("Fout: ") and message in err and err.count("\n") == 1
        database.close()
