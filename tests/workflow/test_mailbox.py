"""The office's IMAP mailbox against a real Dovecot (tests/imapserver.py): list, fetch, mark, typed errors."""

from __future__ import annotations

import dataclasses
import email.utils
import re
import socket

import pytest

from klachtenbureau.models import IncomingMail, now
from klachtenbureau.workflow.mail import mailbox
from klachtenbureau.workflow.mail.mail_settings import MailSettings
from tests.imapserver import PASSWORD, USER
from tests.workflow import mail_mix


@pytest.fixture
def mail_settings(imap_server) -> MailSettings:
    """An empty INBOX on the session's Dovecot, reached in plain text (the TLS tests set up their own)."""
    imap_server.empty()
    return MailSettings(imap_host="127.0.0.1", imap_port=imap_server.port, imap_security="none", imap_user=USER,
                        imap_password=PASSWORD, imap_folder="INBOX")


def _flags(imap_server, folder: str = "INBOX") -> dict[int, set[str]]:
    conn = imap_server.connect()
    try:
        conn.select(mailbox.folder_name(folder), readonly=True)
        typ, data = conn.uid("FETCH", "1:*", "(FLAGS)")
    finally:
        conn.logout()
    found = {}
    for line in data or []:
        if isinstance(line, bytes):
            uid, flags = re.search(rb"UID (\d+)", line), re.search(rb"FLAGS \(([^)]*)\)", line)
            found[int(uid.group(1))] = set(flags.group(1).decode().split()) - {"\\Recent"}
    return found


def test_new_messages_are_listed_newest_first_with_their_text_and_stay_unread(sqlite_db, imap_server, mail_settings):
    for raw in (mail_mix.utf8_dutch(), mail_mix.windows_1252(), mail_mix.html_only(), mail_mix.reply("K2026-0042")):
        imap_server.append(raw)

    listed = mailbox.new_messages(mail_settings, limit=10)

    assert [m.message_id for m in listed] == ["reply-K2026-0042@example.nl", "html-only@example.nl",
                                             "cp1252@example.nl", "utf8-1@example.nl"]
    reply, html, cp1252, utf8 = listed
    assert (utf8.sender_name, utf8.sender_address) == ("Zoë van Dijk", "zoe@example.nl")
    assert utf8.sender == "Zoë van Dijk <zoe@example.nl>"
    assert utf8.preview.startswith("Geachte heer, mevrouw, De maaltijd was koud")
    assert (cp1252.sender_name, cp1252.subject) == ("René Müller", "Factuur klopt niet € 45")
    assert "“niets”" in cp1252.preview
    assert "rolstoelbus kwam twee uur te laat" in html.preview
    assert reply.complaint_number == "K2026-0042"
    assert utf8.date == email.utils.parsedate_to_datetime(mail_mix.DATE).astimezone().replace(tzinfo=None)
    assert all(m.size > 100 for m in listed)
    assert all("\\Seen" not in flags for flags in _flags(imap_server).values())  # looking marks nothing as read


def test_the_list_leaves_out_what_the_database_handled_and_pages_by_uid(sqlite_db, imap_server, mail_settings):
    imap_server.append_many([mail_mix.numbered(n) for n in range(1, 8)])
    IncomingMail.create(message_id="bench-6@example.nl", status="not_complaint", reason="dubbel")

    first = mailbox.new_messages(mail_settings, limit=3)
    second = mailbox.new_messages(mail_settings, limit=3, before_uid=first[-1].uid)
    last = mailbox.new_messages(mail_settings, limit=3, before_uid=second[-1].uid)

    assert [m.subject for m in first] == ["Klacht nummer 7", "Klacht nummer 5", "Klacht nummer 4"]
    assert [m.subject for m in second] == ["Klacht nummer 3", "Klacht nummer 2", "Klacht nummer 1"]
    assert last == []


def test_listing_finds_new_messages_behind_a_batch_of_handled_ones(sqlite_db, imap_server, mail_settings,
                                                                   monkeypatch):
    monkeypatch.setattr(mailbox, "BATCH", 4)
    imap_server.append_many([mail_mix.numbered(n) for n in range(1, 11)])
    for n in range(4, 11):  # the newest seven, more than a batch, were dealt with
        IncomingMail.create(message_id=f"bench-{n}@example.nl", status="complaint")

    assert [m.subject for m in mailbox.new_messages(mail_settings, limit=5)] == [
        "Klacht nummer 3", "Klacht nummer 2", "Klacht nummer 1"]


def test_a_message_without_message_id_gets_the_hash_that_reading_it_gives(sqlite_db, imap_server, mail_settings):
    imap_server.append(b"From: iemand@example.nl\r\nSubject: Zonder kenmerk\r\n\r\nGeen Message-ID hier.\r\n")

    [listed] = mailbox.new_messages(mail_settings)
    fetched = mailbox.fetch(mail_settings, listed.uid)

    assert listed.message_id.startswith("sha256:")
    assert fetched.message_id == listed.message_id


def test_fetch_returns_the_whole_message_with_a_big_attachment(sqlite_db, imap_server, mail_settings):
    imap_server.append(mail_mix.big_attachment(10))
    [listed] = mailbox.new_messages(mail_settings)
    assert listed.size > 10 * 1024 * 1024

    message = mailbox.fetch(mail_settings, listed.uid)

    assert message.message_id == "big@example.nl"
    [attachment] = message.attachments
    assert attachment.name == "brief.pdf" and len(attachment.content) > 10 * 1024 * 1024
    assert "\\Seen" not in _flags(imap_server)[listed.uid]


def test_a_malformed_message_is_listed_and_fetched_with_what_could_be_read(sqlite_db, imap_server, mail_settings):
    imap_server.append(mail_mix.malformed())
    [listed] = mailbox.new_messages(mail_settings)
    message = mailbox.fetch(mail_settings, listed.uid)
    assert "De lift is al weken stuk." in listed.preview
    assert message.problems and message.raw == mail_mix.malformed()


def test_a_message_gone_from_the_folder_is_told_plainly(sqlite_db, mail_settings):
    with pytest.raises(mailbox.MessageGoneError, match="niet meer in de map INBOX"):
        mailbox.fetch(mail_settings, 4242)


def test_marking_flags_the_message_and_the_server_skips_it_from_then_on(sqlite_db, imap_server, mail_settings):
    imap_server.append_many([mail_mix.numbered(1), mail_mix.numbered(2)])
    IncomingMail.create(message_id="bench-2@example.nl", status="complaint")
    [listed] = [m for m in mailbox.new_messages(mail_settings) if m.message_id == "bench-1@example.nl"]

    mailbox.mark_done(mail_settings, listed.uid, listed.message_id)

    assert _flags(imap_server)[listed.uid] == {"\\Seen", mailbox.KEYWORD}
    assert _flags(imap_server)[listed.uid + 1] == set()  # only the one asked for
    assert mailbox.new_messages(mail_settings) == []
    assert IncomingMail.get(IncomingMail.message_id == "bench-2@example.nl").marked_at is None


def test_marking_moves_to_the_done_folder_made_when_missing(sqlite_db, imap_server, mail_settings):
    settings = dataclasses.replace(mail_settings, imap_done_folder="Klachten/Verwerkt door büro")
    imap_server.append_many([mail_mix.numbered(1), mail_mix.numbered(2)])
    first = mailbox.new_messages(settings)[-1]

    mailbox.mark_done(settings, first.uid)

    assert [m.subject for m in mailbox.new_messages(settings)] == ["Klacht nummer 2"]
    moved = _flags(imap_server, "Klachten.Verwerkt door büro")  # Dovecot's maildir separates folders with "."
    assert list(moved.values()) == [{"\\Seen", mailbox.KEYWORD}]
    mailbox.mark_done(settings, mailbox.new_messages(settings)[0].uid)  # the folder is there now: fine too
    assert len(_flags(imap_server, "Klachten.Verwerkt door büro")) == 2


def test_pending_marks_are_made_later_by_message_id(sqlite_db, imap_server, mail_settings):
    imap_server.append_many([mail_mix.numbered(1), mail_mix.numbered(2), mail_mix.numbered(3)])
    for n in (1, 3):  # handled while the server could not be marked; the uid is not relied on
        IncomingMail.create(message_id=f"bench-{n}@example.nl", uid=99, folder="INBOX", status="complaint")
    IncomingMail.create(message_id="elders@example.nl", folder="INBOX", status="not_complaint", marked_at=now())

    assert mailbox.mark_pending(mail_settings) == 2
    flags = [f for _uid, f in sorted(_flags(imap_server).items())]
    assert [mailbox.KEYWORD in f for f in flags] == [True, False, True]
    assert IncomingMail.select().where(IncomingMail.marked_at.is_null()).count() == 0
    assert mailbox.mark_pending(mail_settings) == 0


def test_ssl_and_starttls_connect_when_the_certificate_is_trusted(sqlite_db, imap_server, mail_settings, monkeypatch):
    imap_server.append(mail_mix.numbered(1))
    monkeypatch.setenv("SSL_CERT_FILE", str(imap_server.cert))
    for security, port in (("ssl", imap_server.ssl_port), ("starttls", imap_server.port)):
        settings = dataclasses.replace(mail_settings, imap_security=security, imap_port=port)
        assert mailbox.check(settings) == 1
        assert [m.subject for m in mailbox.new_messages(settings)] == ["Klacht nummer 1"]


def test_an_untrusted_certificate_is_refused(sqlite_db, imap_server, mail_settings):
    settings = dataclasses.replace(mail_settings, imap_security="ssl", imap_port=imap_server.ssl_port)
    with pytest.raises(mailbox.MailboxUnreachableError, match="certificaat"):
        mailbox.new_messages(settings)


def test_a_server_that_is_away_is_a_typed_error(sqlite_db):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = MailSettings(imap_host="127.0.0.1", imap_port=port, imap_security="ssl", imap_user=USER,
                            imap_password=PASSWORD)
    with pytest.raises(mailbox.MailboxUnreachableError, match=f"127.0.0.1 \\(poort {port}\\) is niet bereikbaar"):
        mailbox.new_messages(settings)
    with pytest.raises(mailbox.MailboxUnreachableError):
        mailbox.mark_done(settings, 1)


def test_a_refused_login_and_a_missing_folder_are_told_plainly(sqlite_db, mail_settings):
    with pytest.raises(mailbox.MailboxLoginError, match="weigert de aanmelding van klachten@example.org"):
        mailbox.new_messages(dataclasses.replace(mail_settings, imap_password="fout"))
    with pytest.raises(mailbox.MailboxFolderError, match="De map Klachtjes bestaat niet"):
        mailbox.new_messages(dataclasses.replace(mail_settings, imap_folder="Klachtjes"))


def test_folder_names_outside_ascii_are_modified_utf7():
    assert mailbox.folder_name("Verwerkt door büro") == '"Verwerkt door b&APw-ro"'
    assert mailbox.folder_name('R&D "oud"') == '"R&-D \\"oud\\""'
