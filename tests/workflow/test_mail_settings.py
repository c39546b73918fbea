"""The office's mail set-up (Beheer → E-mail): stored once for every PC, checked, administrators only."""

import dataclasses
import json

import pytest

from klachtenbureau.errors import PermissionDeniedError, ValidationError
from klachtenbureau.models import AuditEntry, Setting
from klachtenbureau.workflow import audit_text
from klachtenbureau.workflow.mail import mail_settings
from klachtenbureau.workflow.mail.mail_settings import MailSettings

SMTP = MailSettings(smtp_host="smtp.vierhetleven.nl", smtp_port=587, smtp_user="klachten@vierhetleven.nl",
                    smtp_password="geheim-1", from_address="Klachten@VierHetLeven.NL", from_name="Klachtenbureau")


def test_nothing_is_set_up_until_the_administrator_saves(db, staff):
    assert mail_settings.load() == MailSettings()
    assert not mail_settings.load().smtp_ready() and not mail_settings.load().imap_ready()


def test_saved_settings_are_loaded_on_every_pc_with_the_password(db, staff):
    mail_settings.save(staff["admin"], SMTP)
    loaded = mail_settings.load()
    assert loaded.smtp_password == "geheim-1" and loaded.from_address == "Klachten@vierhetleven.nl"
    assert loaded.smtp_ready()
    stored = json.loads(Setting.get(Setting.key == "mail").value)
    assert stored["smtp_host"] == "smtp.vierhetleven.nl"


def test_the_password_never_reaches_the_audit_log_or_a_repr(db, staff):
    mail_settings.save(staff["admin"], SMTP)
    mail_settings.save(staff["admin"], mail_settings.load())  # unchanged: no password line
    mail_settings.save(staff["admin"], mail_settings.load().with_stored_passwords(mail_settings.load()))
    mail_settings.save(staff["admin"], dataclasses.replace(mail_settings.load(), smtp_password="nieuw-2"))
    entries = list(AuditEntry.select().where(AuditEntry.action == "setting").order_by(AuditEntry.id))
    assert all("geheim-1" not in e.changes and "nieuw-2" not in e.changes for e in entries)
    described = [audit_text.describe(e.action, e.changes) for e in entries]
    assert "wachtwoord gewijzigd" in described[0] and "wachtwoord gewijzigd" in described[-1]
    assert not any("wachtwoord" in text for text in described[1:-1])
    assert "nieuw-2" not in repr(mail_settings.load()) and mail_settings.load().public().smtp_password == ""


def test_an_empty_password_in_the_form_keeps_the_stored_one(db, staff):
    mail_settings.save(staff["admin"], SMTP)
    form = mail_settings.load().public()
    assert form.with_stored_passwords(mail_settings.load()).smtp_password == "geheim-1"


def test_only_an_administrator_sets_up_mail(db, staff):
    for login in ("petra", "henk", "sanne"):
        with pytest.raises(PermissionDeniedError, match="beheerder"):
            mail_settings.save(staff[login], SMTP)
    assert mail_settings.load() == MailSettings()


@pytest.mark.parametrize("changes, field, message", [
    ({"smtp_port": 0}, "smtp_port", "1 tot en met 65535"),
    ({"smtp_port": 70000}, "smtp_port", "1 tot en met 65535"),
    ({"imap_port": "993"}, "imap_port", "1 tot en met 65535"),
    ({"from_address": "klachten@"}, "from_address", "naam@voorbeeld.nl"),
    ({"from_address": ""}, "from_address", "waarvandaan"),
    ({"smtp_security": "tls"}, "smtp_security", "STARTTLS"),
    ({"imap_security": "plain"}, "imap_security", "SSL/TLS"),
    ({"auth": "oauth"}, "auth", "Microsoft 365"),
    ({"smtp_host": "https://smtp.voorbeeld.nl"}, "smtp_host", "alleen de naam van de server"),
    ({"auth": "microsoft365"}, "m365_client_id", "client-id"),
    ({"imap_host": "imap.voorbeeld.nl", "imap_user": ""}, "imap_user", "gebruikersnaam"),
])
def test_bad_settings_are_refused_in_dutch_at_the_field(db, staff, changes, field, message):
    with pytest.raises(ValidationError) as info:
        mail_settings.save(staff["admin"], MailSettings(**{**SMTP.to_json(), **changes}))
    assert message in info.value.errors[field]
    assert not Setting.select().where(Setting.key == "mail").exists()


def test_microsoft_365_needs_the_client_id_and_the_account(db, staff):
    m365 = MailSettings(**{**SMTP.to_json(), "auth": "microsoft365", "smtp_password": "",
                           "m365_client_id": "8c4f6f2e-0000-4000-8000-000000000001"})
    assert mail_settings.save(staff["admin"], m365).smtp_ready()
    assert not MailSettings(**{**m365.to_json(), "smtp_user": ""}).smtp_ready()
