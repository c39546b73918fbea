"""Reading mails (.eml and Outlook .msg) into what the desk needs: text, sender, date, attachments, intake fields."""

from __future__ import annotations

import base64
import datetime as dt
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import AuditEntry, Complaint, Document, TimelineEntry
from klachtenbureau.workflow import intake
from klachtenbureau.workflow.mail import incoming, mail_settings
from klachtenbureau.workflow.offline import write_queue

SAMPLES = Path(__file__).parent.parent / "mail_samples"


def local(year, month, day, hour, minute, offset_hours):
    """A mail's moment with a zone, as the desk's naive local time (whatever zone the test machine is in)."""
    zone = dt.timezone(dt.timedelta(hours=offset_hours))
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone).astimezone().replace(tzinfo=None)


def mail(body: str = "De taxi kwam niet.", subject: str = "Klacht", sender: str = "Els Bos <els@example.nl>",
         html: str | None = None, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "klachten@kantoor.nl"
    message["Subject"] = subject
    message["Date"] = headers.pop("date", "Tue, 03 Mar 2026 10:15:00 +0100")
    message["Message-ID"] = headers.pop("message_id", "<abc123@example.nl>")
    if body:
        message.set_content(body)
    if html is not None:
        if body:
            message.add_alternative(html, subtype="html")
        else:
            message.set_content(html, subtype="html")
    return message.as_bytes()


def raw_mail(body: bytes, content_type: str = "text/plain; charset=utf-8", headers: bytes = b"") -> bytes:
    return (b"From: Els Bos <els@example.nl>\r\nSubject: Klacht\r\nDate: Tue, 03 Mar 2026 10:15:00 +0100\r\n"
            + headers + b"MIME-Version: 1.0\r\nContent-Type: " + content_type.encode()
            + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)


# --- what ends where -------------------------------------------------------------------------------


def test_dutch_utf8_mail_gives_sender_date_subject_and_body():
    raw = mail("Geachte heer,\n\nDe chauffeur was één uur te laat bij het café.\n\nMet vriendelijke groet,\nJosé",
               subject="=?utf-8?q?Klacht_over_de_rit_van_dinsdag_=E2=80=93_=C3=A9=C3=A9n_uur?=",
               sender="=?utf-8?q?Jos=C3=A9_de_Bo=C3=ABr?= <jose@example.nl>")
    message = incoming.parse_eml(raw)
    assert (message.sender_name, message.sender_address) == ("José de Boër", "jose@example.nl")
    assert message.subject == "Klacht over de rit van dinsdag – één uur"
    assert message.received_at == local(2026, 3, 3, 10, 15, 1)
    assert message.body == ("Geachte heer,\n\nDe chauffeur was één uur te laat bij het café.\n\n"
                            "Met vriendelijke groet,\nJosé")
    assert message.message_id == "abc123@example.nl" and message.problems == ()
    assert message.raw == raw and message.raw_name == "2026-03-03 Klacht over de rit van dinsdag – één uur.eml"
    assert message.complaint_number == "" and message.attachments == ()


@pytest.mark.parametrize("charset", ["windows-1252", "iso-8859-1"])
def test_windows_1252_text_keeps_euro_and_accents(charset):
    # Mails that say Latin-1 are in practice Windows-1252: byte 0x80 is the euro sign.
    message = incoming.parse_eml(raw_mail("Ik betaalde \x80 12,50 voor een caf\xe9 met Zo\xeb.".encode("latin-1"),
                                          f"text/plain; charset={charset}"))
    assert message.body == "Ik betaalde € 12,50 voor een café met Zoë."
    assert message.problems == ()


def test_unknown_charset_is_read_with_a_line_in_problems():
    message = incoming.parse_eml(raw_mail("De rit van één uur.".encode(), "text/plain; charset=x-klingon"))
    assert message.body == "De rit van één uur."
    assert any("onbekende tekenset (x-klingon)" in line for line in message.problems)


def test_undeclared_eight_bit_text_is_read_as_utf8_or_else_windows_1252():
    assert incoming.parse_eml(raw_mail("één café".encode(), "text/plain")).body == "één café"
    assert incoming.parse_eml(raw_mail("café € 5".encode("cp1252"), "text/plain")).body == "café € 5"


def test_text_that_does_not_fit_its_charset_is_replaced_and_said():
    message = incoming.parse_eml(raw_mail(b"Goed \xff\xfe kapot", "text/plain; charset=utf-8"))
    assert message.body == "Goed \ufffd\ufffd kapot"
    assert any("onleesbare tekens zijn vervangen" in line for line in message.problems)


def test_html_only_mail_becomes_readable_text():
    html = ("<html><head><style>p { color: red; }</style><title>Mail</title></head><body>"
            "<script>alert('x')</script><p>Geachte heer,</p><p>De rit kostte &euro;&nbsp;12 &amp; was "
            "<b>te laat</b>.<br>Tweede regel.</p><div>Groet,<br>Els</div></body></html>")
    message = incoming.parse_eml(mail(body="", html=html))
    assert message.body == "Geachte heer,\n\nDe rit kostte € 12 & was te laat.\nTweede regel.\n\nGroet,\nEls"
    assert "color" not in message.full_body and "alert" not in message.full_body
    assert message.problems == ()


def test_multipart_alternative_uses_the_plain_text():
    message = incoming.parse_eml(mail(body="Platte tekst.", html="<p>HTML-tekst.</p>"))
    assert message.body == "Platte tekst." and message.attachments == ()


REPLY = "Nee, de chauffeur belde niet.\n\nMet vriendelijke groet,\nEls Bos\n"
QUOTED = "> Geachte mevrouw Bos,\n> Belde de chauffeur u vooraf?\n"


@pytest.mark.parametrize("quote", [
    "Op di 3 mrt 2026 om 10:00 schreef Klachtenbureau <klachten@kantoor.nl>:\n" + QUOTED,
    "Op di 3 mrt 2026 om 10:00 schreef Klachtenbureau\n<klachten@kantoor.nl>:\n" + QUOTED,
    "On Tue, Mar 3, 2026 at 10:00 AM Klachtenbureau <klachten@kantoor.nl> wrote:\n" + QUOTED,
    "-----Oorspronkelijk bericht-----\nVan: Klachtenbureau <klachten@kantoor.nl>\nVerzonden: dinsdag 3 maart 2026 "
    "10:00\nAan: Els Bos\nOnderwerp: [K2026-0042] Uw klacht\n\nGeachte mevrouw Bos,\nBelde de chauffeur?\n",
    "Van: Klachtenbureau <klachten@kantoor.nl>\nVerzonden: dinsdag 3 maart 2026 10:00\nAan: Els Bos\n\n"
    "Geachte mevrouw Bos,\nBelde de chauffeur?\n",
    QUOTED,
], ids=["dutch", "dutch-wrapped", "english", "outlook", "outlook-no-dashes", "quote-lines"])
def test_reply_keeps_what_the_complainant_wrote_and_finds_the_number(quote):
    message = incoming.parse_eml(mail(REPLY + "\n" + quote, subject="Re: [K2026-0042] Uw klacht"))
    assert message.body == REPLY.strip()
    assert "Belde de chauffeur" in message.full_body
    assert message.complaint_number == "K2026-0042"


def test_signature_and_mobile_footer_go_the_greeting_stays():
    message = incoming.parse_eml(mail("De bus kwam niet.\n\nGroet,\nEls\n\nVerzonden vanaf mijn iPhone\n-- \n"
                                      "Els Bos | Directeur | 06-12345678\n"))
    assert message.body == "De bus kwam niet.\n\nGroet,\nEls"
    assert "Directeur" in message.full_body


def test_forwarded_mail_is_kept_whole():
    # A volunteer forwards what a participant wrote (seed 000): that is the complaint.
    text = ("Zie hieronder.\n\n---------- Doorgestuurd bericht ---------\nVan: Jan <jan@example.nl>\n"
            "Datum: 2 mrt 2026\n\nDe rolstoel paste niet in de bus.")
    assert "De rolstoel paste niet" in incoming.parse_eml(mail(text)).body


def test_a_mail_that_is_all_quote_keeps_its_text():
    message = incoming.parse_eml(mail("> Alleen een citaat.\n"))
    assert message.body == message.full_body == "> Alleen een citaat."


def test_big_attachment_is_kept_whole():
    message = EmailMessage()
    message["From"], message["Subject"] = "Els <els@example.nl>", "Foto's"
    message.set_content("Zie de foto.")
    photo = bytes(range(256)) * (10 * 1024 * 4)  # 10 MB
    message.add_attachment(photo, maintype="image", subtype="jpeg", filename="schade aan rolstoel.jpg")
    parsed = incoming.parse_eml(message.as_bytes())
    assert parsed.body == "Zie de foto."
    assert [(a.name, a.mime_type) for a in parsed.attachments] == [("schade aan rolstoel.jpg", "image/jpeg")]
    assert parsed.attachments[0].content == photo


def test_attached_mail_is_an_eml_attachment():
    inner = EmailMessage()
    inner["Subject"] = "Eerdere klacht"
    inner.set_content("Oud bericht.")
    outer = EmailMessage()
    outer["From"], outer["Subject"] = "Jan <jan@example.nl>", "Fwd"
    outer.set_content("Zie bijlage.")
    outer.add_attachment(inner)
    parsed = incoming.parse_eml(outer.as_bytes())
    assert parsed.body == "Zie bijlage."
    assert [(a.name, a.mime_type) for a in parsed.attachments] == [("Eerdere klacht.eml", "message/rfc822")]
    assert b"Oud bericht." in parsed.attachments[0].content


def test_malformed_headers_and_a_truncated_part_are_read_as_far_as_possible():
    raw = (b"From: <<<@@@>>> \"\r\nSubject: =?utf-8?B?####?= kapot\r\nDate: gisteren ergens\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\n"
           b"\r\nDe lift was kapot.\r\n--XYZ\r\nContent-Type: application/pdf; name=\"brief.pdf\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJ")  # cut off: no end of the part, no close
    message = incoming.parse_eml(raw)
    assert message.body == "De lift was kapot."
    assert message.received_at is None and message.sender_address == ""
    assert "kapot" in message.subject
    assert any("datum van de e-mail is onleesbaar" in line for line in message.problems)
    assert any("niet volgens de regels" in line for line in message.problems)
    assert message.message_id.startswith("sha256:") and message.raw == raw


def test_mail_without_any_text():
    message = incoming.parse_eml(b"Subject: \r\n\r\n")
    assert (message.body, message.full_body, message.sender_address, message.subject) == ("", "", "", "")
    assert message.problems == ("Deze e-mail bevat geen tekst.",)
    assert message.raw_name == "e-mail.eml" and message.preview() == ""


def test_preview_is_one_short_line():
    message = incoming.parse_eml(mail("Eerste regel.\n\n" + "lang " * 80))
    preview = message.preview(40)
    assert len(preview) <= 40 and preview.startswith("Eerste regel. lang") and preview.endswith("…")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_eml_never_raises_on_arbitrary_bytes(raw):
    message = incoming.parse_eml(raw)
    assert message.raw == raw and message.raw_name.endswith(".eml")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_parse_eml_never_raises_on_a_damaged_real_mail(data):
    raw = bytearray(mail("Één café.\n\n> citaat", html="<p>Één</p>"))
    for _ in range(data.draw(st.integers(1, 20))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    assert incoming.parse_eml(bytes(raw[:cut])).raw == bytes(raw[:cut])


# --- Outlook .msg ----------------------------------------------------------------------------------


def test_outlook_msg_with_sender_date_and_attached_mail():
    message = incoming.parse_file(SAMPLES / "other.msg")
    assert (message.sender_name, message.sender_address) == ("Mail Delivery Subsystem", "mailer-daemon@tjdpf.org.cn")
    assert message.subject == "投递状态通知 (Failure Notice)"
    assert message.received_at == local(2017, 11, 27, 9, 44, 0) + dt.timedelta(seconds=30)
    assert message.body.startswith("Hi. This is an automatically generated Delivery Status Notification")
    assert message.message_id == "99d78a$k8gjl@esa2.mentor.iphmx.com"
    assert message.raw == (SAMPLES / "other.msg").read_bytes() and message.raw_name.endswith(".msg")
    [attached] = message.attachments
    assert attached.mime_type == "application/vnd.ms-outlook" and attached.content.startswith(b"\xd0\xcf\x11\xe0")
    assert incoming.parse_msg(attached.content).subject  # the attached message is itself readable


def test_outlook_msg_without_sender_or_date():
    message = incoming.parse_msg((SAMPLES / "outer.msg").read_bytes())
    assert (message.subject, message.body, message.received_at, message.sender_address) == (
        "outer subject", "Outer body", None, "")
    assert message.message_id.startswith("sha256:") and message.raw_name == "outer subject.msg"


def test_a_file_that_is_no_outlook_message_is_said_not_raised(tmp_path):
    message = incoming.parse_msg(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert message.problems == ("Dit Outlook-bericht (.msg) kon niet worden gelezen.", "Deze e-mail bevat geen tekst.")
    path = tmp_path / "klacht.msg"  # named .msg but a plain mail: read by its content
    path.write_bytes(mail("Gewoon een e-mail."))
    assert incoming.parse_file(path).body == "Gewoon een e-mail."
    with pytest.raises(OSError):
        incoming.parse_file(tmp_path / "weg.eml")


# --- into the intake --------------------------------------------------------------------------------

FORM = """Er is een nieuw bericht verstuurd via het klachtenformulier.

Naam: Fatma Öztürk
E-mailadres: fatma@example.nl
TELEFOONNUMMER: 06-12345678
Adres: Kerkstraat 12, 1234 AB Amsterdam
Datum voorval: 28-2-2026
Uw klacht:
De chauffeur heeft mij niet opgehaald.
Ik heb een uur gewacht.

Gewenste oplossing: Excuses
"""


def test_website_form_mail_fills_the_intake():
    message = incoming.parse_eml(mail(FORM, sender="Website <noreply@kantoor.nl>", subject="Klachtenformulier"))
    fields = incoming.intake_fields(message, incoming.DEFAULT_FORM_MAPPING)
    assert fields["channel"] == "website" and fields["received_at"] == local(2026, 3, 3, 10, 15, 1)
    assert fields["description"] == "De chauffeur heeft mij niet opgehaald.\nIk heb een uur gewacht."
    assert fields["relation"] == {"name": "Fatma Öztürk", "attention": "", "street": "Kerkstraat 12",
                                  "postcode": "1234 AB", "city": "Amsterdam", "country": "", "phone": "06-12345678",
                                  "email": "fatma@example.nl", "salutation": ""}
    assert (fields["incident_date"], fields["desired_outcome"], fields["search"]) == (
        "28-2-2026", "Excuses", "fatma@example.nl")
    assert set(fields) <= {f.name for f in intake.dataclasses.fields(intake.NewReport)} | {"search"}


def test_labels_match_whatever_their_case_accents_and_colon():
    text = "NAAM :  Jan\nÉ-mail: jan@example.nl\nOmschrijving: Te laat."
    assert incoming.form_values(text, {"naam": "name", "e-mail": "email", "Omschrijving:": "description"}) == {
        "name": "Jan", "email": "jan@example.nl", "description": "Te laat."}


def test_a_plain_mail_gives_the_sender_and_the_trimmed_body():
    message = incoming.parse_eml(mail(REPLY + "\n" + QUOTED))
    fields = incoming.intake_fields(message, incoming.DEFAULT_FORM_MAPPING)
    assert fields["channel"] == "email" and fields["description"] == REPLY.strip()
    assert (fields["relation"]["name"], fields["relation"]["email"], fields["search"]) == (
        "Els Bos", "els@example.nl", "els@example.nl")


def test_the_offices_form_mapping_is_used(sqlite_db, staff):
    mail_settings.save(staff["admin"], mail_settings.MailSettings(
        form_mapping={"Naam deelnemer": "name", "Wat ging er mis": "description", "Mail": "email"}))
    message = incoming.parse_eml(mail("Naam deelnemer: Kees\nMail: kees@example.nl\nWat ging er mis: Geen koffie.",
                                      sender="noreply@kantoor.nl"))
    fields = incoming.intake_fields(message)
    assert (fields["channel"], fields["relation"]["name"], fields["description"]) == ("website", "Kees", "Geen koffie.")


# --- kept with the complaint ----------------------------------------------------------------------


def report(**overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", channel="email",
                  relation={"name": "Els Bos", "email": "els@example.nl"})
    values.update(overrides)
    return intake.NewReport(**values)


def test_registration_keeps_the_original_mail_also_through_the_write_queue(sqlite_db, staff):
    message = incoming.parse_msg((SAMPLES / "other.msg").read_bytes())
    payload = write_queue.report_payload(report(mail=incoming.mail_document(message)))
    json.dumps(payload)  # the queue and the ledger keep it as JSON
    complaint = write_queue.submit(staff["sanne"], "register", payload, sqlite_db)
    [document] = Document.select().where(Document.complaint == complaint.id)
    assert (document.kind, document.mime_type, document.name) == ("email", "application/vnd.ms-outlook",
                                                                 message.raw_name)
    assert bytes(document.content) == message.raw and document.size == len(message.raw)
    audit = json.loads(AuditEntry.get(AuditEntry.action == "register").changes)
    assert audit["documents"] == 1 and "Failure" not in json.dumps(audit, ensure_ascii=False)


def test_a_damaged_mail_in_a_report_is_refused(sqlite_db, staff):
    with pytest.raises(ValidationError) as caught:
        intake.register(staff["sanne"], report(mail={"name": "x.eml", "mime_type": "message/rfc822",
                                                     "content": "niet base64!"}))
    assert "mail" in caught.value.errors
    assert not Complaint.select().exists()


def test_mail_added_to_a_complaint_is_an_incoming_contact_with_the_mail(sqlite_db, staff):
    complaint = intake.register(staff["sanne"], report())
    message = incoming.parse_eml(mail("Nee, hij belde niet.", subject="Re: [K2026-0001] Uw klacht",
                                      date="Tue, 03 Mar 2026 10:15:00 +0100"))
    document = incoming.add_mail_to_complaint(staff["petra"], complaint, message, operation_id="op-1")
    again = incoming.add_mail_to_complaint(staff["petra"], complaint, message, operation_id="op-1")
    assert again.id == document.id  # the same write sent again is recognised
    assert (document.kind, document.mime_type, bytes(document.content)) == ("email", "message/rfc822", message.raw)
    [entry] = TimelineEntry.select().where((TimelineEntry.complaint == complaint.id)
                                           & (TimelineEntry.kind == "contact"))
    assert (entry.method, entry.direction, entry.summary) == ("email", "in", "E-mail ontvangen: Re: [K2026-0001] "
                                                                           "Uw klacht")
    assert entry.at == local(2026, 3, 3, 10, 15, 1)  # when the mail was sent, not when it was dropped
    with pytest.raises(ValidationError, match="al bij klacht"):
        incoming.add_mail_to_complaint(staff["petra"], complaint, message)
    assert Document.select().where(Document.complaint == complaint.id).count() == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_form_values_never_raise_and_keep_only_mapped_fields(text):
    assert set(incoming.form_values(text, incoming.DEFAULT_FORM_MAPPING)) <= incoming.FORM_FIELDS


def test_mail_document_round_trips():
    message = incoming.parse_eml(mail())
    assert base64.b64decode(incoming.mail_document(message)["content"]) == message.raw


def test_outlook_forward_is_kept_whole():
    text = ("Graag oppakken.\n\nVan: Jan <jan@example.nl>\nVerzonden: maandag 2 maart 2026 09:00\n"
            "Onderwerp: Rolstoel\n\nDe rolstoel paste niet in de bus.")
    assert "De rolstoel paste niet" in incoming.parse_eml(mail(text, subject="FW: Rolstoel")).body
