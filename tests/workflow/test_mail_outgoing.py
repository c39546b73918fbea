"""Letters by e-mail against a real SMTP server (aiosmtpd, tests/mailservers.py): nothing lost, nothing sent twice."""

from __future__ import annotations

import email
import email.policy
import smtplib
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from klachtenbureau.errors import MailError, MailQueuedError, MailUncertainError
from klachtenbureau.models import Complaint, Document, TimelineEntry, database
from klachtenbureau.workflow import intake, letters, procedure, settings
from klachtenbureau.workflow.mail import mail_settings, oauth, outgoing
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.upkeep import store
from tests.conftest import make_url
from tests.mailservers import SmtpServer, free_port
from tests.reports.conftest import JAN, ORGANISATION, answered
from tests.reports.pdftools import text as pdf_text

ELS = {"name": "Els Bakker", "email": "els@example.nl"}  # wrote through the website: no postal address


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path) -> Iterator[str]:
    """The database, on SQLite in a folder of its own (the share that can go away) and on PostgreSQL."""
    if request.param == "sqlite":
        (tmp_path / "share").mkdir()
        url = f"sqlite:///{(tmp_path / 'share' / 'klachten.db').as_posix()}"
    else:
        url = make_url("postgres", tmp_path, request)
    store.open_database(url, create=True)
    yield url
    database.close()


@pytest.fixture
def staff(url, staff):
    settings.put(staff["admin"], "organisation", ORGANISATION)
    return staff


@pytest.fixture
def server(tmp_path) -> Iterator[SmtpServer]:
    with SmtpServer() as running:
        yield running


@pytest.fixture
def sending(server, staff) -> SmtpServer:
    """The administrator set up the test server in Beheer → E-mail."""
    mail_settings.save(staff["admin"], server.settings())
    return server


def register(staff, relation=None) -> Complaint:
    report = intake.NewReport(description="De taxi kwam veertig minuten te laat.", category="Tijdstip ophalen",
                              channel="email", relation=dict(relation or JAN))
    return intake.register(staff["sanne"], report)


def acknowledgement(staff, complaint: Complaint) -> tuple[bytes, letters.EmailText]:
    user = staff["petra"]
    return (letters.letter_pdf(user, complaint, "acknowledgement", by_email=True),
            letters.letter_email(user, complaint, "acknowledgement"))


def entries(complaint: Complaint) -> list[str]:
    return [e.summary for e in TimelineEntry.select().where(TimelineEntry.complaint == complaint.id)
            .order_by(TimelineEntry.id)]


def mails(complaint: Complaint) -> list[Document]:
    return list(Document.select().where((Document.complaint == complaint.id) & (Document.kind == "email")))


def ids(items: list[outgoing.OutboxItem]) -> list[str]:
    return [item.operation_id for item in items]


def parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


class DatabaseAway:
    """Called (from the mail server's thread), the share goes (SQLite) or the server drops this PC (PostgreSQL)."""

    def __init__(self, url: str):
        self.url = url
        self.folder = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite") else None
        self.pid = None if self.folder else database.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]

    def __call__(self) -> None:
        if self.folder is not None:
            self.folder.rename(self.folder.with_name("weg"))
            return
        killer = psycopg2.connect(self.url)
        try:
            killer.cursor().execute("SELECT pg_terminate_backend(%s)", (self.pid,))
        finally:
            killer.close()

    def back(self) -> None:
        if self.folder is not None:
            self.folder.with_name("weg").rename(self.folder)


# --- the message -------------------------------------------------------------------------------

def test_the_acknowledgement_goes_with_number_text_html_and_the_pdf_and_is_recorded(sending, staff, url):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    result = outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url, operation_id="op1")

    [received] = sending.messages
    assert received.rcpt_tos == ["jan.devries@example.nl"] and received.mail_from == "klachten@vierhetleven.nl"
    message = received.message
    assert message["From"] == "Stichting Vier het Leven <klachten@vierhetleven.nl>"
    assert message["To"] == "jan.devries@example.nl" and message["Date"]
    assert message["Subject"] == f"[{complaint.number}] Ontvangstbevestiging van uw klacht"
    assert message["Message-ID"] == result.message_id == "<op1@vierhetleven.nl>"
    plain = message.get_body(("plain",)).get_content()
    assert plain.startswith("Geachte Jan de Vries,") and complaint.number in plain and "Petra Jansen" in plain
    html = message.get_body(("html",)).get_content()
    assert "<p>Geachte Jan de Vries,</p>" in html and "src=" not in html and "http" not in html.lower()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == letters.letter_file_name(complaint, "acknowledgement")
    assert attachment.get_content() == pdf and "jan.devries@example.nl" in pdf_text(pdf)

    assert (result.complaint.status, result.complaint.acknowledgement_method) == ("acknowledged", "email")
    [document] = mails(complaint)
    assert (document.mime_type, bytes(document.content)) == ("message/rfc822", received.content)
    assert document.name.endswith(".eml")
    assert "Ontvangstbevestiging per e-mail verstuurd aan jan.devries@example.nl." in entries(complaint)
    assert outgoing.outbox_items() == [] and write_queue.pending(url) == []


def test_a_complainant_with_only_an_email_address_gets_the_answer_as_edited(sending, staff, url):
    complaint = answered(register(staff, ELS), staff["petra"])
    text = letters.letter_email(staff["petra"], complaint, "answer", subject="Uw klacht over de taxi",
                                body="Geachte mevrouw Bakker,\n\nU heeft gelijk: <de taxi> was te laat & dat spijt ons.")
    pdf = letters.letter_pdf(staff["petra"], complaint, "answer", by_email=True)
    outgoing.send_letter(staff["petra"], complaint, "answer", pdf, text, url, adapted=True)
    message = sending.messages[0].message
    assert message["Subject"] == f"[{complaint.number}] Uw klacht over de taxi"
    assert "<de taxi> was te laat & dat" in message.get_body(("plain",)).get_content()
    assert "&lt;de taxi&gt; was te laat &amp; dat" in message.get_body(("html",)).get_content()
    assert entries(complaint)[-1] == "Antwoordbrief per e-mail verstuurd aan els@example.nl (tekst aangepast)."
    assert Complaint.get_by_id(complaint.id).status == "answered"


@pytest.mark.parametrize("kind", ["information_request", "answer", "extension", "aftercare"])
def test_every_letter_kind_has_its_email_text(staff, url, kind):
    complaint = procedure.acknowledge(staff["petra"], register(staff), "phone")
    request = None
    if kind == "information_request":
        request = letters.information_request("Op welke dag was de rit?", complaint.answer_by)
    elif kind == "extension":
        new_date = settings.calendar().add_working_days(complaint.answer_by, 5)
        complaint = procedure.extend(staff["petra"], complaint, new_date, "wij wachten op de vervoerder", True)
    else:
        complaint = answered(complaint, staff["petra"])
    text = letters.letter_email(staff["petra"], complaint, kind, request=request)
    assert text.to == "jan.devries@example.nl" and "{" not in text.body and text.subject
    assert {"information_request": "Op welke dag was de rit?", "extension": "Wij wachten op de vervoerder.",
            "answer": "planning was gewijzigd", "aftercare": complaint.number}[kind] in text.body


def test_no_mail_server_set_up_says_so_and_sends_nothing(staff, url):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    with pytest.raises(MailError, match="nog geen mailserver ingesteld"):
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url)
    assert outgoing.outbox_items() == [] and mails(complaint) == []


def test_draft_is_an_unsent_eml_with_the_pdf_and_is_not_recorded(staff, url):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    path = outgoing.draft_eml(staff["petra"], complaint, "acknowledgement", pdf, text)
    assert path.suffix == ".eml" and path.is_relative_to(outgoing.config.data_dir())
    message = parsed(path.read_bytes())
    assert message["X-Unsent"] == "1" and message["Message-ID"] is None
    assert message["Subject"] == f"[{complaint.number}] Ontvangstbevestiging van uw klacht"
    assert next(message.iter_attachments()).get_content() == pdf
    assert mails(complaint) == [] and Complaint.get_by_id(complaint.id).status == "new"


# --- nothing lost, nothing sent twice ---------------------------------------------------------------

def test_server_down_the_mail_waits_and_goes_exactly_once_when_it_is_back(staff, url, tmp_path):
    port = free_port()
    mail_settings.save(staff["admin"], SmtpServer(port=port).settings())
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    with pytest.raises(MailQueuedError, match="geen verbinding.*staat klaar op deze computer"):
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url)
    [item] = outgoing.outbox_items(url)
    assert (item.state, item.to) == ("wacht", "jan.devries@example.nl") and "geen verbinding" in item.problem
    assert mails(complaint) == [] and Complaint.get_by_id(complaint.id).status == "new"
    assert ids(outgoing.send_waiting(url).waiting) == [item.operation_id]

    with SmtpServer(port=port) as server:
        report = outgoing.send_waiting(url)
        assert ids(report.sent) == [item.operation_id]
        assert outgoing.send_waiting(url).sent == []
        [received] = server.messages
    assert received.message["Message-ID"] == item.message_id
    assert len(mails(complaint)) == 1 and Complaint.get_by_id(complaint.id).acknowledgement_method == "email"
    assert outgoing.outbox_items() == []


def test_a_retry_sends_the_same_message_with_the_same_message_id(sending, staff, url):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    sending.busy = True  # 451 at the end of DATA: the server did not take it
    with pytest.raises(MailQueuedError, match="451"):
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url, operation_id="op-451")
    queued = outgoing.message_bytes(outgoing.outbox_items()[0])
    sending.busy = False
    outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url, operation_id="op-451")
    [received] = sending.messages
    assert received.content == queued and received.message["Message-ID"] == "<op-451@vierhetleven.nl>"
    # The caller repeating the same operation after success sends nothing and records nothing more.
    outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url, operation_id="op-451")
    assert len(sending.messages) == 1 and len(mails(complaint)) == 1


@pytest.mark.parametrize("decision", ["mark_sent", "resend", "discard"])
def test_an_unknown_outcome_is_never_sent_again_unless_the_user_says_so(sending, staff, url, decision):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    sending.drop_after_data = True
    with pytest.raises(MailUncertainError, match="Misschien is de e-mail verstuurd"):
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url, operation_id="op-x")
    sending.drop_after_data = False
    [item] = outgoing.outbox_items()
    assert item.state == "onzeker"
    assert ids(outgoing.send_waiting(url).uncertain) == [item.operation_id]
    with pytest.raises(MailUncertainError):
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url, operation_id="op-x")
    assert len(sending.messages) == 1 and mails(complaint) == []

    if decision == "discard":
        outgoing.discard(item)
        assert mails(complaint) == []
    else:
        getattr(outgoing, decision)(item)
        assert len(mails(complaint)) == 1
        assert Complaint.get_by_id(complaint.id).acknowledgement_method == "email"
    assert len(sending.messages) == (2 if decision == "resend" else 1)
    assert outgoing.outbox_items() == []


def test_the_desk_stopping_while_handing_over_leaves_the_mail_uncertain(sending, staff, url, monkeypatch):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    real_send = smtplib.SMTP.send

    def power_cut_after_the_message(self, data):
        real_send(self, data)
        if isinstance(data, bytes) and data.endswith(b"\r\n.\r\n"):
            raise KeyboardInterrupt  # nothing of the desk runs after this

    monkeypatch.setattr(smtplib.SMTP, "send", power_cut_after_the_message)
    with pytest.raises(KeyboardInterrupt):
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url)
    monkeypatch.setattr(smtplib.SMTP, "send", real_send)
    [item] = outgoing.outbox_items()
    assert item.state == "onzeker" and "onderbroken" in item.problem
    assert ids(outgoing.send_waiting(url).uncertain) == [item.operation_id] and len(sending.messages) == 1


def test_accepted_mail_with_the_database_away_is_recorded_later_and_not_sent_again(sending, staff, url):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    away = DatabaseAway(url)
    sending.on_data = away  # right after the server took the mail
    with pytest.raises(write_queue.WriteQueuedError, match="is verstuurd.*niet nog een keer") as info:
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url)
    away.back()
    assert isinstance(info.value, outgoing.MailRecordQueuedError)
    assert outgoing.outbox_items() == []
    [pending] = write_queue.pending(url)
    assert pending.action == "record_mail" and pending.payload["number"] == complaint.number
    assert outgoing.send_waiting(url).sent == []
    assert write_queue.recover(url).sent == [pending.operation_id]
    assert len(sending.messages) == 1 and len(mails(complaint)) == 1
    assert bytes(mails(complaint)[0].content) == sending.messages[0].content
    assert Complaint.get_by_id(complaint.id).acknowledgement_method == "email"
    assert write_queue.recover(url).sent == [] and len(mails(complaint)) == 1


def test_a_refused_address_stays_with_the_reason_and_is_not_retried(sending, staff, url):
    complaint = register(staff)
    pdf, text = acknowledgement(staff, complaint)
    sending.refuse.add("jan.devries@example.nl")
    with pytest.raises(MailError, match="weigert het adres jan.devries@example.nl: 550") as info:
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url)
    assert not isinstance(info.value, (MailQueuedError, MailUncertainError))
    [item] = outgoing.outbox_items()
    assert item.state == "geweigerd" and "User unknown" in item.problem
    assert ids(outgoing.send_waiting(url).refused) == [item.operation_id]
    assert sending.messages == [] and mails(complaint) == []


# --- the test mail and signing in -----------------------------------------------------------------

def test_the_test_mail_arrives_over_starttls_with_a_password(staff, url, tmp_path, monkeypatch):
    with SmtpServer(tls="starttls", folder=tmp_path / "tls", login="klachten", password="app-wachtwoord") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert_file))
        outgoing.send_test_mail(server.settings(), "beheer@vierhetleven.nl")
        assert server.signed_in == ["klachten"]
        [received] = server.messages
        assert received.rcpt_tos == ["beheer@vierhetleven.nl"]
        assert received.message["Subject"] == "Testmail van Klachtenbureau"
        with pytest.raises(MailError, match="weigert de aanmelding van klachten: 535.*Beheer → E-mail"):
            outgoing.send_test_mail(server.settings(smtp_password="fout"), "beheer@vierhetleven.nl")


def test_the_test_mail_over_ssl(staff, url, tmp_path, monkeypatch):
    with SmtpServer(tls="ssl", folder=tmp_path / "tls") as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert_file))
        outgoing.send_test_mail(server.settings(smtp_port=server.port), "beheer@vierhetleven.nl")
        assert len(server.messages) == 1


@pytest.mark.parametrize("problem, message", [
    ("host", "niet te vinden"), ("port", "geen verbinding aan"), ("tls", "beveiligde verbinding .* is mislukt"),
    ("no starttls", "ondersteunt dit niet"), ("address", "klopt niet"),
])
def test_each_test_mail_failure_has_its_own_dutch_message(staff, url, tmp_path, problem, message):
    with SmtpServer(tls="starttls" if problem == "tls" else "none", folder=tmp_path / "tls") as server:
        s, to = server.settings(), "beheer@vierhetleven.nl"
        if problem == "host":
            s = server.settings(smtp_host="smtp.bestaat-niet.invalid")
        elif problem == "port":
            s = server.settings(smtp_port=free_port())
        elif problem == "no starttls":
            s = server.settings(smtp_security="starttls")
        elif problem == "address":
            to = "beheer@"
        with pytest.raises(MailError, match=message) as info:
            outgoing.send_test_mail(s, to)
        assert type(info.value) is MailError and server.messages == []


def test_xoauth2_is_user_and_bearer_token_between_ctrl_a(staff, url):
    assert oauth.xoauth2("klachten@vierhetleven.nl", "tok") == "user=klachten@vierhetleven.nl\x01auth=Bearer tok\x01\x01"
    assert oauth.xoauth2_base64("a@b.nl", "t") == "dXNlcj1hQGIubmwBYXV0aD1CZWFyZXIgdAEB"


class FakeMsal:
    """The part of msal.PublicClientApplication the desk uses, with a token Microsoft would have given."""

    token = "eyJ0eXAi.token-van-microsoft"

    def __init__(self, client_id, authority=None, token_cache=None):
        assert client_id == "8c4f6f2e-0000-4000-8000-000000000001"
        assert authority == "https://login.microsoftonline.com/vierhetleven.nl"

    def get_accounts(self):
        return [{"username": "klachten@vierhetleven.nl"}]

    def acquire_token_silent(self, scopes, account):
        assert scopes == [oauth.SMTP_SCOPE] and account["username"] == "klachten@vierhetleven.nl"
        return {"access_token": self.token}


def test_microsoft_365_sends_with_xoauth2_and_a_token_from_msal(staff, url, tmp_path, monkeypatch):
    monkeypatch.setattr("msal.PublicClientApplication", FakeMsal)  # oauth imports msal when it signs in
    with SmtpServer(tls="starttls", folder=tmp_path / "tls", login="klachten@vierhetleven.nl",
                    token=FakeMsal.token) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.cert_file))
        m365 = server.settings(auth="microsoft365", smtp_password="", m365_tenant="vierhetleven.nl",
                               m365_client_id="8c4f6f2e-0000-4000-8000-000000000001")
        mail_settings.save(staff["admin"], m365)
        complaint = register(staff)
        pdf, text = acknowledgement(staff, complaint)
        outgoing.send_letter(staff["petra"], complaint, "acknowledgement", pdf, text, url)
        assert server.signed_in == ["klachten@vierhetleven.nl"] and len(server.messages) == 1
        monkeypatch.setattr(FakeMsal, "token", "verlopen")
        with pytest.raises(MailError, match="weigert de aanmelding"):
            outgoing.send_test_mail(m365, "beheer@vierhetleven.nl")
        monkeypatch.setattr(FakeMsal, "get_accounts", lambda self: [])
        with pytest.raises(oauth.SignInNeededError, match="nog niet aangemeld bij Microsoft 365"):
            outgoing.send_test_mail(m365, "beheer@vierhetleven.nl")
