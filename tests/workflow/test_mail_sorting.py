"""What becomes of each mail from the mailbox, against a real Dovecot: once per Message-ID, marked after the write."""

from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3

import pytest

from klachtenbureau.models import Complaint, Document, IncomingMail, TimelineEntry, User, database
from klachtenbureau.models.complaints import CLOSED
from klachtenbureau.workflow import intake
from klachtenbureau.workflow.mail import incoming, mailbox, sorting
from klachtenbureau.workflow.mail.incoming import IncomingMessage
from klachtenbureau.workflow.mail.mail_settings import MailSettings
from klachtenbureau.workflow.upkeep import store
from tests.imapserver import PASSWORD, USER
from tests.workflow import mail_mix


@pytest.fixture
def mail_settings(imap_server) -> MailSettings:
    imap_server.empty()
    return MailSettings(imap_host="127.0.0.1", imap_port=imap_server.port, imap_security="none", imap_user=USER,
                        imap_password=PASSWORD, imap_folder="INBOX")


def report_for(message: IncomingMessage) -> intake.NewReport:
    """The intake as the wizard prefills it (incoming.intake_fields), accepted as it is."""
    fields = incoming.intake_fields(message, incoming.DEFAULT_FORM_MAPPING)
    relation = {k: v for k, v in fields["relation"].items() if v}
    anonymous = not relation.get("name")  # the malformed mail's sender could not be read
    return intake.NewReport(description=fields["description"] or message.subject or "(leeg)",
                            channel=fields["channel"], received_at=fields["received_at"],
                            relation=None if anonymous else relation, anonymous=anonymous)


def sort_all(user: User, settings: MailSettings) -> dict[str, object]:
    """Deal with every listed message as the desk would: the result per Message-ID."""
    results = {}
    for listed in mailbox.new_messages(settings, limit=100):
        message = mailbox.fetch(settings, listed.uid)
        if "aanbiedingen" in message.subject:
            results[listed.message_id] = sorting.not_a_complaint(user, message, "Nieuwsbrief", uid=listed.uid,
                                                                 mail_settings=settings)
        elif (complaint := sorting.suggest_complaint(user, message)) is not None:
            results[listed.message_id] = sorting.add_to_complaint(user, complaint, message, uid=listed.uid,
                                                                  mail_settings=settings)
        else:
            results[listed.message_id] = sorting.register_from_mail(user, report_for(message), message,
                                                                    uid=listed.uid, mail_settings=settings)
    return results


def _existing(user: User, email: str = "jan@example.nl") -> Complaint:
    return intake.register(user, intake.NewReport(description="Bus te laat.", channel="email",
                                                  relation={"name": "Jan de Boer", "email": email}),
                           number="K2026-0042")


MIX = [mail_mix.utf8_dutch(), mail_mix.windows_1252(), mail_mix.html_only(), mail_mix.reply("K2026-0042"),
       mail_mix.website_form(), mail_mix.big_attachment(10), mail_mix.malformed(), mail_mix.newsletter()]


def test_each_mail_of_a_mixed_mailbox_ends_where_it_should(sqlite_db, staff, imap_server, mail_settings):
    petra = staff["petra"]
    existing = _existing(petra)
    imap_server.append_many(MIX)

    results = sort_all(petra, mail_settings)

    assert len(results) == 8
    by_id = {m: r for m, r in results.items()}
    utf8 = by_id["utf8-1@example.nl"]
    assert (utf8.channel, utf8.relation.name, utf8.relation.email) == ("email", "Zoë van Dijk", "zoe@example.nl")
    assert "De maaltijd was koud" in utf8.description
    assert [(d.kind, d.content) for d in utf8.documents] == [("email", mail_mix.utf8_dutch())]
    assert "€ 45" in by_id["cp1252@example.nl"].description
    assert "rolstoelbus kwam twee uur te laat" in by_id["html-only@example.nl"].description
    form = by_id["form-1@example.org"]
    assert (form.channel, form.relation.name, form.relation.email) == ("website", "Petra Smit",
                                                                      "petra.smit@example.nl")
    big = by_id["big@example.nl"]
    assert sorted((d.kind, d.size > 10_000_000) for d in big.documents) == [("email", True), ("scan", True)]
    assert Document.get((Document.complaint == big.id) & (Document.kind == "scan")).name == "brief.pdf"
    assert "De lift is al weken stuk." in by_id["malformed@example.nl"].description
    assert by_id["malformed@example.nl"].documents[0].content == mail_mix.malformed()
    added = by_id["reply-K2026-0042@example.nl"]
    assert added.complaint_id == existing.id and added.kind == "email"
    contact = TimelineEntry.get((TimelineEntry.complaint == existing.id) & (TimelineEntry.kind == "contact"))
    assert (contact.method, contact.direction) == ("email", "in")
    assert by_id["news-12@example.com"].reason == "Nieuwsbrief"

    assert Complaint.select().count() == 7  # the existing one and six new
    statuses = sorted(IncomingMail.select(IncomingMail.status).tuples())
    assert statuses == [("added",)] + [("complaint",)] * 6 + [("not_complaint",)]
    assert IncomingMail.select().where(IncomingMail.marked_at.is_null()).count() == 0
    assert mailbox.new_messages(mail_settings) == []
    conn = imap_server.connect()
    conn.select("INBOX", readonly=True)
    assert len(conn.uid("SEARCH", "KEYWORD", mailbox.KEYWORD)[1][0].split()) == 8
    conn.logout()


def test_sorting_the_same_mails_again_creates_nothing_twice(sqlite_db, staff, imap_server, mail_settings):
    petra, ruud = staff["petra"], staff["ruud"]
    _existing(petra)
    imap_server.append_many([mail_mix.utf8_dutch(), mail_mix.reply("K2026-0042"), mail_mix.newsletter()])
    messages = [mailbox.fetch(mail_settings, m.uid) for m in mailbox.new_messages(mail_settings)]
    sort_all(petra, mail_settings)
    counts = (Complaint.select().count(), Document.select().count(), TimelineEntry.select().count())

    for message in messages:  # another PC that still showed the old list
        for action, *arguments in ((sorting.register_from_mail, report_for(message), message),
                                   (sorting.add_to_complaint, Complaint.get(), message),
                                   (sorting.not_a_complaint, message, "Spam")):
            with pytest.raises(sorting.AlreadyHandledError, match="Deze e-mail is al verwerkt door Petra Jansen op"):
                action(ruud, *arguments)

    assert (Complaint.select().count(), Document.select().count(), TimelineEntry.select().count()) == counts
    assert IncomingMail.select().count() == 3


def test_a_repeated_operation_id_returns_the_first_result(sqlite_db, staff, imap_server, mail_settings):
    imap_server.append(mail_mix.utf8_dutch())
    message = mailbox.fetch(mail_settings, mailbox.new_messages(mail_settings)[0].uid)
    first = sorting.register_from_mail(staff["petra"], report_for(message), message, operation_id="op-mail-1")
    again = sorting.register_from_mail(staff["petra"], report_for(message), message, operation_id="op-mail-1")
    assert again.id == first.id and Complaint.select().count() == 1


def _sort_in_another_process(url: str, settings: MailSettings, login: str, start, results) -> None:
    store.open_database(url)
    user = User.get(User.login == login)
    listed = mailbox.new_messages(settings, limit=100)
    made = refused = 0
    start.wait(timeout=60)
    for item in listed:
        message = mailbox.fetch(settings, item.uid)
        try:
            sorting.register_from_mail(user, report_for(message), message, uid=item.uid, mail_settings=settings)
            made += 1
        except sorting.AlreadyHandledError:
            refused += 1
    database.close()
    results.put((login, len(listed), made, refused))


def test_two_processes_sorting_the_same_mailbox_make_each_complaint_once(db, staff, imap_server, mail_settings):
    imap_server.append_many([mail_mix.numbered(n) for n in range(1, 13)])
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_sort_in_another_process, args=(db, mail_settings, login, start, results))
               for login in ("petra", "ruud")]
    for worker in workers:
        worker.start()
    outcome = sorted(results.get(timeout=240) for _worker in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0

    assert [listed for _login, listed, _made, _refused in outcome] == [12, 12]  # both saw every mail
    assert sum(made for _login, _listed, made, _refused in outcome) == 12
    assert all(made + refused == 12 for _login, _listed, made, refused in outcome)
    assert Complaint.select().count() == 12
    assert IncomingMail.select().count() == 12
    assert sorted(c.description for c in Complaint.select()) == sorted(
        incoming.parse_eml(mail_mix.numbered(n)).body for n in range(1, 13))
    assert mailbox.new_messages(mail_settings) == []


def test_the_server_is_marked_only_after_the_write_is_committed(sqlite_db, staff, imap_server, mail_settings,
                                                                monkeypatch):
    imap_server.append(mail_mix.utf8_dutch())
    [listed] = mailbox.new_messages(mail_settings)
    message = mailbox.fetch(mail_settings, listed.uid)
    seen_committed = []
    real_mark = mailbox.mark_done

    def spying_mark(settings, uid, message_id=None):
        other = sqlite3.connect(database.sqlite_path(sqlite_db))  # another connection sees only what is committed
        seen_committed.append(other.execute("SELECT status FROM incoming_mail WHERE message_id = ?",
                                            (message.message_id,)).fetchall())
        other.close()
        real_mark(settings, uid, message_id)

    monkeypatch.setattr(mailbox, "mark_done", spying_mark)
    with pytest.raises(intake.ValidationError):  # a write that is refused marks nothing
        sorting.register_from_mail(staff["petra"], dataclasses.replace(report_for(message), description=""),
                                   message, uid=listed.uid, mail_settings=mail_settings)
    assert seen_committed == [] and IncomingMail.select().count() == 0
    assert [m.uid for m in mailbox.new_messages(mail_settings)] == [listed.uid]

    sorting.register_from_mail(staff["petra"], report_for(message), message, uid=listed.uid,
                               mail_settings=mail_settings)
    assert seen_committed == [[("complaint",)]]
    assert IncomingMail.get().marked_at is not None


@pytest.mark.expect_log("niet gemarkeerd op de server")
def test_a_mark_that_failed_leaves_the_mail_out_of_the_list_and_is_made_later(sqlite_db, staff, imap_server,
                                                                              mail_settings, caplog):
    imap_server.append(mail_mix.newsletter())
    [listed] = mailbox.new_messages(mail_settings)
    message = mailbox.fetch(mail_settings, listed.uid)
    server_away = dataclasses.replace(mail_settings, imap_password="verlopen")

    mail = sorting.not_a_complaint(staff["sanne"], message, "Reclame", uid=listed.uid, mail_settings=server_away)

    assert "niet gemarkeerd op de server" in caplog.text
    assert mail.marked_at is None and mail.folder == "INBOX"
    assert mailbox.new_messages(mail_settings) == []  # the database is the truth
    assert mailbox.mark_pending(mail_settings) == 1
    conn = imap_server.connect()
    conn.select("INBOX", readonly=True)
    assert conn.uid("SEARCH", "KEYWORD", mailbox.KEYWORD)[1][0].split() == [str(listed.uid).encode()]
    conn.logout()


def test_not_a_complaint_needs_a_reason(sqlite_db, staff):
    message = incoming.parse_eml(mail_mix.newsletter())
    with pytest.raises(intake.ValidationError, match="waarom dit geen klacht is"):
        sorting.not_a_complaint(staff["sanne"], message, "  ")
    assert IncomingMail.select().count() == 0


def test_the_suggested_complaint_is_by_number_then_by_sender_among_those_the_user_may_see(sqlite_db, staff):
    petra, sanne = staff["petra"], staff["sanne"]
    existing = _existing(petra)
    other = intake.register(petra, intake.NewReport(description="Nog een.", relation={
        "name": "Jan de Boer", "email": "Jan@Example.nl"}))
    closed = intake.register(petra, intake.NewReport(description="Oud.", relation={
        "name": "Els", "email": "els@example.nl"}))
    Complaint.update(status=CLOSED).where(Complaint.id == closed.id).execute()

    by_number = incoming.parse_eml(mail_mix.reply("K2026-0042", sender="iemand.anders@example.nl"))
    by_sender = incoming.parse_eml(mail_mix.reply("K2026-9999"))
    from_closed = incoming.parse_eml(mail_mix.reply("K2026-9999", sender="els@example.nl"))

    assert sorting.suggest_complaint(petra, by_number).id == existing.id
    assert sorting.suggest_complaint(petra, by_sender).id == other.id  # the newest open one of that complainant
    assert sorting.suggest_complaint(petra, from_closed) is None
    assert sorting.suggest_complaint(sanne, by_number) is None  # a telephonist sees only what she took in
