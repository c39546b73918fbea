"""The database on a real SMB share: several PCs at once, conflicts, the share dropping, a killed writer, backups.

Nothing may be lost and nothing may be saved twice. These run only inside the VM of
../shared/tools/smb-vm-test.sh (see conftest.py); the VM is software-emulated, so the suite stays small.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from klachtenbureau.errors import ConflictError
from klachtenbureau.models import Complaint, User, database
from klachtenbureau.workflow import db_errors, intake, procedure
from klachtenbureau.workflow.offline import resilience, write_queue
from klachtenbureau.workflow.upkeep import backups, store
from tests.smb.conftest import DEADLINE, ON_SHARE, SKIP_REASON, python

# On a real share the desk's warnings (a read error, a busy file, retried) are part of what is measured;
# these tests assert on the outcome: nothing lost, nothing doubled, every message Dutch.
pytestmark = [pytest.mark.smb, pytest.mark.skipif(not ON_SHARE, reason=SKIP_REASON), pytest.mark.expect_log]


def report(text: str) -> intake.NewReport:
    return intake.NewReport(description=text, anonymous=True, channel="website")


def described(text: str) -> int:
    return Complaint.select().where(Complaint.description == text).count()


def staff() -> tuple[User, User]:
    actor = store.system_user()
    return (store.create_user(actor, "sanne", "Sanne de Vries", "intake"),
            store.create_user(actor, "petra", "Petra Jansen", "coordinator"))


WRITER = textwrap.dedent("""
    import sys
    from klachtenbureau.models import User
    from klachtenbureau.workflow import intake
    from klachtenbureau.workflow.upkeep import store
    url, login, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store.open_database(url)
    user = User.get(User.login == login)
    for i in range(count):
        intake.register(user, intake.NewReport(description=f"{login} {i}", anonymous=True, channel="website"))
""")


def test_several_pcs_register_at_once_with_unique_numbers(share_url):
    staff()
    database.close()
    per_pc = 8
    pcs = [python(WRITER, share_url, login, str(per_pc)) for login in ("sanne", "petra", "systeem")]
    results = [pc.communicate(timeout=600) for pc in pcs]
    assert [pc.returncode for pc in pcs] == [0, 0, 0], [err for _out, err in results]
    store.open_database(share_url)
    numbers = sorted(c.number for c in Complaint.select(Complaint.number))
    year = numbers[0][1:5]
    assert numbers == [f"K{year}-{i:04d}" for i in range(1, 3 * per_pc + 1)]
    for login in ("sanne", "petra", "systeem"):
        assert sorted(c.description for c in Complaint.select().join(User, on=Complaint.received_by)
                      .where(User.login == login)) == sorted(f"{login} {i}" for i in range(per_pc))
    store.full_check()


ACKNOWLEDGER = textwrap.dedent("""
    import sys
    from klachtenbureau.models import Complaint, User
    from klachtenbureau.workflow import procedure
    from klachtenbureau.workflow.upkeep import store
    store.open_database(sys.argv[1])
    procedure.acknowledge(User.get(User.login == "petra"), Complaint.get(Complaint.number == sys.argv[2]), "letter")
""")


def test_a_save_against_what_another_pc_changed_is_refused(share_url):
    sanne, petra = staff()
    mine = intake.register(sanne, report("Twee pc's tegelijk."))
    other_pc = python(ACKNOWLEDGER, share_url, mine.number)
    _out, err = other_pc.communicate(timeout=300)
    assert other_pc.returncode == 0, err
    with pytest.raises(ConflictError):
        procedure.acknowledge(petra, mine, "email")  # still the version loaded before the other PC saved
    fresh = Complaint.get_by_id(mine.id)
    assert fresh.acknowledgement_method == "letter"
    procedure.assign(petra, fresh, petra)
    assert Complaint.get_by_id(mine.id).assigned_to_id == petra.id


def test_the_share_disappears_mid_work_and_comes_back(share_url, samba):
    sanne, _petra = staff()
    intake.register(sanne, report("Voor de storing."))
    samba.stop()
    with pytest.raises(write_queue.WriteQueuedError) as info:
        write_queue.submit(sanne, "register", write_queue.report_payload(report("Tijdens de storing.")), share_url)
    assert isinstance(info.value.cause, db_errors.ShareUnavailableError), info.value.message
    with pytest.raises(db_errors.ShareUnavailableError):
        resilience.reconnect(share_url)
    assert [w.operation_id for w in write_queue.pending(share_url)] == [info.value.operation_id]
    samba.start()
    resilience.wait_for_database(share_url, timeout=DEADLINE)
    assert write_queue.retry_pending(share_url).sent == [info.value.operation_id]
    assert write_queue.retry_pending(share_url).sent == []
    assert described("Voor de storing.") == 1 and described("Tijdens de storing.") == 1
    intake.register(sanne, report("Na de storing."))
    assert Complaint.select().count() == 3
    store.full_check()


def test_a_read_only_share_can_be_read_but_not_written(share_url, samba):
    sanne, _petra = staff()
    intake.register(sanne, report("Al opgeslagen."))
    samba.stop()
    samba.start(read_only=True)
    resilience.wait_for_database(share_url, timeout=DEADLINE)
    assert described("Al opgeslagen.") == 1
    with pytest.raises(db_errors.ReadOnlyError) as info:
        intake.register(sanne, report("Lukt niet."))
    assert info.value.message.startswith("De database kan alleen gelezen worden")
    samba.stop()
    samba.start()
    resilience.wait_for_database(share_url, timeout=DEADLINE)
    intake.register(sanne, report("Weer schrijfbaar."))
    assert described("Lukt niet.") == 0 and described("Weer schrijfbaar.") == 1


KILLED = textwrap.dedent("""
    import sys
    from klachtenbureau.models import Complaint, User
    from klachtenbureau.workflow import operations
    from klachtenbureau.workflow.upkeep import store
    store.open_database(sys.argv[1])

    def body():
        row = Complaint.select().dicts().get()
        complaint = Complaint.create(**{**row, "id": None, "number": "K-HALF", "description": "Half geschreven"})
        print("midden", flush=True)
        sys.stdin.readline()  # waits here, inside the transaction, until it is killed
        return operations.Outcome(complaint, {})

    operations.perform(User.get(User.login == "sanne"), "half", body)
""")


def test_a_writer_killed_mid_transaction_loses_only_its_own_write(share_url):
    sanne, _petra = staff()
    intake.register(sanne, report("Heel."))
    database.close()
    writer = python(KILLED, share_url, stdin=-1)
    assert writer.stdout.readline().strip() == "midden", writer.stderr.read()
    assert os.path.exists(database.sqlite_path(share_url).with_name("klachten.db-journal"))
    writer.kill()
    writer.communicate()
    resilience.reconnect(share_url)
    assert [c.description for c in Complaint.select()] == ["Heel."]
    store.full_check()
    intake.register(sanne, report("Daarna."))
    assert described("Daarna.") == 1


def test_daily_backup_on_the_share_is_checked_and_can_be_put_back(share_url):
    sanne, _petra = staff()
    intake.register(sanne, report("In de kopie."))
    copy = backups.daily_backup()
    assert copy is not None and copy.parent.parent == database.sqlite_path(share_url).parent
    backups.check_backup(copy)
    intake.register(sanne, report("Na de kopie."))
    aside = backups.restore(copy, share_url)
    assert aside.exists()
    store.open_database(share_url)
    assert [c.description for c in Complaint.select()] == ["In de kopie."]
    store.full_check()
