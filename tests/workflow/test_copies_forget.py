"""Retention and erasure reach every copy: this PC's drafts, kept input, queue, outbox and ledger, another PC's at
its next start, and the backups of the shared file (searched byte for byte, inside the SQLite copies too)."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from klachtenbureau import config, logs
from klachtenbureau.errors import MailQueuedError
from klachtenbureau.models import AuditEntry, Complaint, database, db, schema
from klachtenbureau.models.database import identity
from klachtenbureau.workflow import letters, ledger, settings
from klachtenbureau.workflow.mail import mail_settings, outgoing
from klachtenbureau.workflow.offline import drafts, local_copies, write_queue
from klachtenbureau.workflow.operations import new_operation_id
from klachtenbureau.workflow.personal_data import privacy, retention
from klachtenbureau.workflow.upkeep import backups, store
from tests.mailservers import SmtpServer, free_port
from tests.reports.conftest import ORGANISATION
from tests.workflow.past import closed_complaint, years_ago

MARKER = "Zwaluwstaart"  # nobody else in the tests is called this
PERSON = {"name": f"Quirijntje {MARKER}", "email": "q.zwaluwstaart@example.nl", "phone": "06 24689753",
          "street": "Lijsterbeslaan 7", "postcode": "6524 QZ", "city": "Nijmegen"}
QUEUED_WRITE_GONE = "Wachtende wijziging 'Contactmoment' .* is van deze computer verwijderd"


@pytest.fixture
def staff_on_share(tmp_path, request):
    """The shared file in a folder of its own (its backups beside it), staff, a letterhead and a mail server that
    does not answer (so a mail waits in the outbox)."""
    (tmp_path / "share").mkdir()
    url = f"sqlite:///{(tmp_path / 'share' / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    staff = request.getfixturevalue("staff")
    settings.put(staff["admin"], "organisation", ORGANISATION)
    mail_settings.save(staff["admin"], SmtpServer(port=free_port()).settings())
    yield url, staff
    database.close()


def hits(needle: str, *folders: Path) -> list[Path]:
    """Every file under ``folders`` whose bytes hold ``needle`` in any case."""
    wanted = needle.lower().encode()
    return sorted(path for folder in folders for path in folder.rglob("*")
                  if path.is_file() and wanted in path.read_bytes().lower())


def leave_traces(staff, complaint: Complaint, url: str) -> None:
    """Everything this PC keeps about ``complaint`` and its complainant outside the database."""
    user, name = staff["petra"], PERSON["name"]
    drafts.save(drafts.Draft(database_url=url, user_login="sanne", fields={
        "who": "existing", "relation_id": complaint.relation_id, "description": f"Belt opnieuw: {name}."}))
    drafts.keep_input(url, complaint.number, f"Niet opgeslagen notitie over {name}.")
    write_queue.keep_refused(write_queue.PendingWrite(
        new_operation_id(), "contact", user.login, identity(url),
        write_queue.step_payload(complaint, {"summary": f"Gebeld met {name}."}, "Contactmoment",
                                 f"Gebeld met {name}."), problem="Iemand anders wijzigde deze klacht."))
    write_queue.submit(user, "contact", write_queue.step_payload(
        Complaint.get_by_id(complaint.id), {"summary": f"Nagebeld met {name}."}), url)  # into the ledger
    pdf = letters.letter_pdf(user, complaint, "acknowledgement", by_email=True)
    text = letters.letter_email(user, complaint, "acknowledgement")
    outgoing.draft_eml(user, complaint, "acknowledgement", pdf, text)
    with pytest.raises(MailQueuedError):
        outgoing.send_letter(user, complaint, "acknowledgement", pdf, text, url)


def back_up_everything(url: str) -> Path:
    """A daily copy, one by hand, one before an upgrade, and the file a restore set aside."""
    daily = backups.daily_backup()
    store.backup()
    database.sqlite_backup(db.obj, schema.backup_path_for(Path(db.obj.database), "voor-v7"))
    aside = backups.restore(daily, url)
    store.open_database(url)
    return aside


@pytest.mark.expect_log(QUEUED_WRITE_GONE)
def test_erasure_leaves_the_person_in_no_file_of_this_pc_nor_in_any_backup(staff_on_share, tmp_path):
    url, staff = staff_on_share
    complaint = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), f"Taxi te laat, zegt {PERSON['name']}.",
                                 relation=PERSON)
    leave_traces(staff, complaint, url)
    aside = back_up_everything(url)
    data, backup_folder = config.data_dir(), tmp_path / "share" / "backups"
    before = hits(MARKER, data, tmp_path)
    for folder in ("concepten", "onbewaard", "wachtrij", "uitgaand", "grootboek"):
        assert any(path.parent.name == folder for path in before), folder
    assert len([p for p in before if p.parent == backup_folder]) == 4 and aside.name in {p.name for p in before}

    result = privacy.erase_person(staff["admin"], complaint.relation_id,
                                  f"Verzoek van {PERSON['name']} per mail van {PERSON['email']}.")

    assert hits(MARKER, data, tmp_path) == [] and hits(PERSON["email"], data, tmp_path) == []
    assert result.files >= 7 and result.backups == 4
    for copy in backups.copies(Path(db.obj.database)):
        assert backups.check_backup(copy) == schema.SCHEMA_VERSION  # still a whole, usable copy
    assert drafts.kept_inputs(url, complaint.number) == [] and write_queue.pending() == []
    assert outgoing.outbox_items() == []


@pytest.mark.expect_log(QUEUED_WRITE_GONE)
def test_retention_leaves_the_complaint_in_no_file_of_this_pc_nor_in_any_backup(staff_on_share, tmp_path):
    url, staff = staff_on_share
    old = closed_complaint(staff, years_ago(dt.date.today(), 4), f"Te laat, meldt {PERSON['name']}.",
                           relation=PERSON)
    recent = closed_complaint(staff, years_ago(dt.date.today(), 1), "Recent: Kwartelkoning belde.",
                              relation={"name": "Kwartelkoning", "phone": "06 31112222"})
    leave_traces(staff, old, url)
    drafts.keep_input(url, recent.number, "Notitie over Kwartelkoning.")
    back_up_everything(url)
    assert hits(MARKER, config.data_dir(), tmp_path)

    result = retention.anonymise(staff["admin"], retention.due_for_anonymisation(), dry_run=False)

    assert result.numbers == [old.number] and result.backups == 4
    assert hits(MARKER, config.data_dir(), tmp_path) == []
    # What is still kept stays everywhere: in this PC's files and in every backup.
    assert [k.text for k in drafts.kept_inputs(url, recent.number)] == ["Notitie over Kwartelkoning."]
    assert len([p for p in hits("Kwartelkoning", tmp_path) if p.parent.name == "backups"]) == 4


@pytest.mark.expect_log(QUEUED_WRITE_GONE)
def test_another_pc_cleans_its_own_files_at_its_next_start(db, staff, tmp_path, monkeypatch, caplog):
    complaint = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Te laat.", relation=PERSON)
    kept = closed_complaint(staff, dt.datetime(2025, 4, 3, 10), "Ook te laat.", relation={"name": "Ander Iemand", "phone": "06 31113333"})
    other_pc = tmp_path / "andere-pc"
    monkeypatch.setenv("KLACHTENBUREAU_HOME", str(other_pc))
    settings.put(staff["admin"], "organisation", ORGANISATION)
    mail_settings.save(staff["admin"], SmtpServer(port=free_port()).settings())
    leave_traces(staff, complaint, db)
    drafts.keep_input(db, kept.number, "Over een andere klacht.")
    assert hits(MARKER, other_pc)
    monkeypatch.setenv("KLACHTENBUREAU_HOME", str(tmp_path / "deze-pc"))

    privacy.erase_person(staff["admin"], complaint.relation_id, "verzoek per brief")
    assert hits(MARKER, other_pc)  # out of this PC's reach

    monkeypatch.setenv("KLACHTENBUREAU_HOME", str(other_pc))
    cleaned = local_copies.clean()
    assert hits(MARKER, other_pc) == [] and cleaned.writes == ["Contactmoment"]
    assert "de klacht of klager is geanonimiseerd" in caplog.text
    assert [k.text for k in drafts.kept_inputs(db, kept.number)] == ["Over een andere klacht."]


def test_files_older_than_the_retention_period_go_and_other_databases_files_stay(sqlite_db, staff, tmp_path):
    old_draft = drafts.save(drafts.Draft(database_url=sqlite_db, fields={"description": "Heel oud concept."}))
    new_draft = drafts.save(drafts.Draft(database_url=sqlite_db, fields={"description": "Van vandaag."}))
    elsewhere = drafts.save(drafts.Draft(database_url="sqlite:///elders/klachten.db",
                                         fields={"description": "Andere database."}))
    kept_mail = config.data_dir() / "binnengekomen" / "7-oud.eml"
    drafts.write_bytes(kept_mail, b"Subject: oud\r\n\r\nOude mail.\r\n")
    long_ago = (dt.datetime.now() - dt.timedelta(days=3 * 366 + 2)).timestamp()
    for path in (old_draft, elsewhere, kept_mail):
        os.utime(path, (long_ago, long_ago))
    assert sorted(local_copies.clean().files) == sorted([old_draft, kept_mail])
    assert new_draft.exists() and elsewhere.exists()


def test_rotation_removes_copies_by_hand_before_upgrade_and_set_aside_older_than_the_retention_period(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    names = ["klachten-20190105-101010.db", "klachten-20190105-101010-voor-v5.db", "klachten-vervangen-20190105-"
             "101010.db", "klachten-20250105-101010.db", "klachten-20190105-dagelijks.db",
             "klachten-test-20190105-101010.db", "anders-20190105-101010.db"]
    for name in names:
        (folder / name).write_bytes(b"")
    (folder / "klachten-vervangen-20190105-101010.db-journal").write_bytes(b"")
    removed = backups.rotate_others(tmp_path / "klachten.db", dt.datetime(2023, 1, 1))
    assert sorted(p.name for p in removed) == sorted(names[:3])
    assert sorted(p.name for p in folder.iterdir()) == sorted(names[3:])


def test_the_erasure_reason_is_kept_without_the_persons_details(db, staff):
    complaint = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Te laat.", relation=PERSON)
    privacy.erase_person(staff["admin"], complaint.relation_id,
                         f"Verzoek van {PERSON['name']} ({PERSON['email']}, {PERSON['phone']}), brief van 3 maart; "
                         f"mevrouw {MARKER} belde ook 0612345678.")
    entry = AuditEntry.get((AuditEntry.action == "erase_person") & (AuditEntry.entity == "relation"))
    assert json.loads(entry.changes)["reason"] == (
        "Verzoek van [naam] ([e-mailadres], [telefoonnummer]), brief van 3 maart; mevrouw [naam] belde ook "
        "[telefoonnummer].")


def private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_files_with_personal_data_are_readable_by_their_owner_only(staff_on_share, tmp_path):
    url, staff = staff_on_share
    previous = os.umask(0o022)  # what most systems give a new file: readable by everyone
    try:
        complaint = closed_complaint(staff, dt.datetime(2025, 3, 3, 10), "Te laat.", relation=PERSON)
        leave_traces(staff, complaint, url)
        export = tmp_path / "inzage.json"
        privacy.save_person_export(privacy.person_export(staff["admin"], complaint.relation_id), export)
        path = logs.setup()
        try:
            logs.logging.getLogger("klachtenbureau.test").info("een regel")
        finally:
            for handler in [h for h in logs.logging.getLogger().handlers if isinstance(h, logs.PrivateLogHandler)]:
                logs.logging.getLogger().removeHandler(handler)
                handler.close()
    finally:
        os.umask(previous)
    written = [p for p in config.data_dir().rglob("*") if p.is_file()]
    assert {p.parent.name for p in written} >= {"concepten", "onbewaard", "wachtrij", "uitgaand", "grootboek"}
    assert [p for p in [*written, export, path] if not private(p)] == []
    assert ledger.entries(url)  # the ledger still reads its private file
