"""Two PCs on one SQLite file over a real SMB share: the lock probe decides who writes.

The VM of ../shared/tools/smb-vm-test.sh mounts the share at /mnt/smb; with ``SMB_OPTS2=…,nosharesock`` it
mounts the same share again at /mnt/smb2 as a separate SMB session: a second PC. PC1 works through
/mnt/smb, PC2 through /mnt/smb2, each in its own process with its own guard and its own write queue.

* With ``nobrl`` (the default ``vers=3.0,cache=strict,nobrl``) a lock taken through one mount is not seen
  through the other, exactly like two PCs on a share that does not pass locks: the probe fails, PC2 (which
  joined second) writes nothing and keeps its input in its queue, and sends it once PC1 has gone.
* With ``vers=1.0`` and no ``nobrl`` locks cross between the sessions: the probe passes and both write
  (``test_locks_carried_*``; .ci/smb runs it in a second, short VM run).

Counted for each PC: writes confirmed (``submit`` returned), queued (``WriteQueuedError``), other errors;
afterwards: lost (confirmed but not in the file), doubled (a description more than once), duplicate numbers,
``PRAGMA integrity_check``, and whether any message a user would see contains raw English from SQLite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from klachtenbureau.models import Complaint, database
from klachtenbureau.workflow.upkeep import store
from tests.smb.conftest import ON_SHARE, SHARE, SKIP_REASON

# On a real share the desk's warnings (a read error, a busy file, retried) are part of what is measured;
# these tests assert on the outcome: nothing lost, nothing doubled, every message Dutch.
pytestmark = [pytest.mark.smb, pytest.mark.skipif(not ON_SHARE, reason=SKIP_REASON), pytest.mark.expect_log]

SHARE2 = Path("/mnt/smb2")
PER_PC = 40
INTERVAL = 1.0  # heartbeat; the VM is software-emulated, so not much smaller
ANSWER_TIMEOUT = 15.0
DEADLINE = 300.0
DRAIN = 120.0  # seconds a PC may take to send what waited in its queue

# Raw text of SQLite / Python / peewee that must never reach a user.
ENGLISH = re.compile(r"database is locked|disk i/o|malformed|no such|unable to open|not a database|readonly "
                     r"database|sqlite|error|exception|traceback|errno", re.IGNORECASE)


def _mount_options(mountpoint: Path) -> list[str] | None:
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) > 3 and fields[1] == str(mountpoint) and fields[2] in ("cifs", "smb3"):
            return fields[3].split(",")
    return None


def _carries_locks(options: list[str] | None) -> bool:
    return options is not None and "vers=1.0" in options and "nobrl" not in options


def _two_mounts() -> tuple[list[str], list[str]]:
    first, second = _mount_options(SHARE), _mount_options(SHARE2)
    if second is None:
        if os.environ.get("KLACHTENBUREAU_REQUIRE_SMB2") == "1":
            pytest.fail(f"{SHARE2} is not mounted; .ci/smb sets SMB_OPTS2 so the VM mounts it")
        pytest.skip(f"no second mount of the share at {SHARE2} (run the VM with SMB_OPTS2=…,nosharesock)")
    if first is None:
        pytest.fail(f"{SHARE} is not mounted")
    return first, second


PC = textwrap.dedent("""
    import json, logging, sys, time
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    from klachtenbureau.errors import KlachtenbureauError
    from klachtenbureau.models import User
    from klachtenbureau.workflow import intake, shared_file
    from klachtenbureau.workflow.offline import write_queue
    from klachtenbureau.workflow.upkeep import store
    url, interval, answer_timeout = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    for attempt in range(5):  # as the desk does: a share that hiccups at the first connection is tried again
        try:
            store.open_database(url)
            break
        except Exception:
            if attempt == 4:
                raise
            time.sleep(1)
    guard = shared_file.SharedFileGuard(url, interval=interval, answer_timeout=answer_timeout)
    guard.start()
    name = shared_file.host_name()

    def say(**data):
        print(json.dumps(data, ensure_ascii=False), flush=True)

    def state():
        s = guard.state()
        return dict(others=[o.host for o in s.others], verdict=s.verdict, may_write=s.may_write,
                    message=s.message, details=s.details)

    say(ready=guard.pc_id, state=state())
    for line in sys.stdin:
        command, _sep, argument = line.strip().partition(" ")
        if command == "state":
            say(state=state())
        elif command == "write":
            user = User.get(User.login == "sanne")
            confirmed, queued, errors, messages = [], [], [], []
            for i in range(int(argument)):
                text = f"{name} {i}"
                report = intake.NewReport(description=text, anonymous=True, channel="website")
                try:
                    write_queue.submit(user, "register", write_queue.report_payload(report), url)
                    confirmed.append(text)
                except write_queue.WriteQueuedError as exc:
                    queued.append(text)
                    messages.append(exc.message)
                except KlachtenbureauError as exc:
                    errors.append(text)
                    messages.append(exc.message)
                except Exception as exc:  # a bug: counted and shown, so the figures still come out
                    errors.append(text)
                    messages.append("BUG " + repr(exc))
            say(confirmed=confirmed, queued=queued, errors=errors, messages=messages, state=state())
        elif command == "drain":  # wait until this PC may write again, then send what waited, as the desk does
            deadline = time.monotonic() + float(argument)
            sent, messages = [], []
            while write_queue.pending(url) and time.monotonic() < deadline:
                if guard.state().may_write:
                    try:
                        report = write_queue.recover(url)  # reconnect, check it takes writes, send
                        sent += report.sent
                        messages += [item.problem for item in report.refused]
                    except KlachtenbureauError as exc:
                        messages.append(exc.message)
                    except Exception as exc:
                        messages.append("BUG " + repr(exc))
                time.sleep(0.5)
            say(sent=len(sent), waiting=len(write_queue.pending(url)), messages=messages, state=state())
        elif command == "stop":
            guard.stop()
            say(stopped=True)
            break
""")


class Pc:
    """One PC: a process with its own name, mount, guard and write queue."""

    def __init__(self, name: str, url: str):
        home = Path(os.environ.get("TMPDIR", "/tmp")) / f"home-{name}-{uuid.uuid4().hex[:6]}"
        env = {**os.environ, "PYTHONPATH": os.getcwd(), "PYTHONDONTWRITEBYTECODE": "1",
               "KLACHTENBUREAU_HOME": str(home), "KLACHTENBUREAU_PC_NAME": name}
        env.pop("KLACHTENBUREAU_PROBE_FILE", None)
        self.name = name
        self.process = subprocess.Popen([sys.executable, "-c", PC, url, str(INTERVAL), str(ANSWER_TIMEOUT)],
                                        env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.ready: dict = {}

    def wait_ready(self) -> Pc:
        self.ready = self.read()
        return self

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=60)
            raise AssertionError(f"{self.name} stopped: {self.process.stderr.read()}")
        return json.loads(line)

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def ask(self, command: str) -> dict:
        self.send(command)
        return self.read()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=60)
        print(f"--- log of {self.name} ---\n{self.process.stderr.read()}")  # shown on failure (or with -s)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


@pytest.fixture
def two_urls():
    """One new database, reached through both mounts: (url via /mnt/smb, url via /mnt/smb2)."""
    _two_mounts()
    folder = f"t-{uuid.uuid4().hex[:10]}"
    (SHARE / folder).mkdir()
    first = f"sqlite:///{(SHARE / folder / 'klachten.db').as_posix()}"
    second = f"sqlite:///{(SHARE2 / folder / 'klachten.db').as_posix()}"
    store.open_database(first, create=True)
    actor = store.system_user()
    store.create_user(actor, "sanne", "Sanne de Vries", "intake")
    database.close()  # the test process itself is no PC
    pcs: list[Pc] = []
    yield first, second, pcs
    for pc in pcs:
        pc.close()
    database.close()


def _wait_until_seen(pc: Pc, other: str) -> dict:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        state = pc.ask("state")["state"]
        if other in state["others"]:
            return state
        time.sleep(0.5)
    raise AssertionError(f"{pc.name} never saw {other}")


def _settled(pc: Pc) -> dict:
    """PC's state once its check with the other PC has a result.

    Usually that is already so when its guard's start() returns; but a PC that started a moment after the
    other may not see the other's brand-new presence file in its first listing (the SMB client caches
    directory listings, 1 s here), and then the heartbeat finds it and checks a moment later.
    """
    deadline = time.monotonic() + DEADLINE
    state = pc.ready["state"]
    while state["verdict"] in ("alone", "checking") and time.monotonic() < deadline:
        time.sleep(0.5)
        state = pc.ask("state")["state"]
    return state


def _check_file(url: str, confirmed: list[str], all_texts: list[str]) -> dict:
    """Open the file afresh and count what matters; returns the figures for the report."""
    store.open_database(url)
    try:
        descriptions = Counter(c.description for c in Complaint.select(Complaint.description))
        numbers = Counter(c.number for c in Complaint.select(Complaint.number))
        integrity = [r[0] for r in database.db.execute_sql("PRAGMA integrity_check").fetchall()]
    finally:
        database.close()
    return {"lost": sorted(t for t in confirmed if descriptions[t] == 0),
            "missing": sorted(t for t in all_texts if descriptions[t] == 0),
            "doubled": sorted(t for t, n in descriptions.items() if n > 1),
            "duplicate_numbers": sorted(n for n, k in numbers.items() if k > 1),
            "integrity": integrity, "rows": sum(descriptions.values())}


def _english(messages: list[str]) -> list[str]:
    return [m for m in messages if ENGLISH.search(m)]


def test_without_cross_pc_locks_the_second_pc_is_refused_and_sends_its_queue_later(two_urls):
    first_url, second_url, pcs = two_urls
    options1, options2 = _two_mounts()
    if _carries_locks(options1) or _carries_locks(options2) or "nobrl" not in options2:
        pytest.skip("this test is for mounts that do not carry locks between sessions (nobrl)")
    pc1 = Pc("PC1", first_url)
    pcs.append(pc1)
    pc1.wait_ready()
    pc2 = Pc("PC2", second_url)  # joins second: probes PC1 across the two mounts
    pcs.append(pc2)
    pc2.wait_ready()
    joined = _settled(pc2)
    print("PC2 at start:", joined)
    assert joined["others"] == ["PC1"], joined
    assert joined["verdict"] == "failed" and not joined["may_write"], joined
    assert joined["message"].startswith("Alleen lezen: vergrendelingen komen niet over met PC1")
    seen_by_1 = _wait_until_seen(pc1, "PC2")
    assert seen_by_1["may_write"], seen_by_1  # the PC that was there first keeps writing

    pc1.send(f"write {PER_PC}")  # both at once
    pc2.send(f"write {PER_PC}")
    one, two = pc1.read(), pc2.read()
    print("PC1:", {k: len(v) for k, v in one.items() if isinstance(v, list)})
    print("PC2:", {k: len(v) for k, v in two.items() if isinstance(v, list)}, two["messages"][:1])
    # A passing read error on the share can make even PC1 queue a write (measured: 4 of 40 in one CI run);
    # like the desk, it sends them on its next round. Then PC1 leaves and PC2 may write.
    drained1 = pc1.ask(f"drain {DRAIN}")
    print("PC1 messages:", one["messages"][:3], "drained:", {k: v for k, v in drained1.items() if k != "state"})
    assert pc1.ask("stop") == {"stopped": True}
    drained = pc2.ask(f"drain {DRAIN}")
    print("PC2 after PC1 left:", {k: v for k, v in drained.items() if k != "state"})
    assert pc2.ask("stop") == {"stopped": True}

    texts = [f"PC1 {i}" for i in range(PER_PC)] + [f"PC2 {i}" for i in range(PER_PC)]
    figures = _check_file(first_url, one["confirmed"] + two["confirmed"], texts)
    print("figures:", {k: (v if k == "integrity" else len(v) if isinstance(v, list) else v)
                       for k, v in figures.items()})
    messages = one["messages"] + two["messages"] + drained1["messages"] + drained["messages"] + [
        joined["message"], joined["details"]]
    assert figures["lost"] == [] and figures["doubled"] == [] and figures["duplicate_numbers"] == []
    assert figures["integrity"] == ["ok"]
    assert len(one["confirmed"]) + drained1["sent"] == PER_PC and drained1["waiting"] == 0 and one["errors"] == []
    assert not [m for m in one["messages"] if "Deze pc schrijft niet" in m]  # PC1, there first, is never refused
    assert two["confirmed"] == [] and len(two["queued"]) == PER_PC and two["errors"] == [], two["messages"][:3]
    assert drained["sent"] == PER_PC and drained["waiting"] == 0
    assert figures["missing"] == [] and figures["rows"] == 2 * PER_PC
    assert _english(messages) == []
    # Each refusal points to the office server. A passing read error on the share may queue one of PC2's writes
    # before the guard is asked (as for PC1 above); that write says the database was away, and is sent all the same.
    refusals = [m for m in two["messages"] if "Deze pc schrijft" in m]
    print("PC2 queued for another reason:", sorted(set(two["messages"]) - set(refusals)))
    assert len(refusals) >= PER_PC // 2
    assert all("Beheer → Deze pc als server gebruiken" in m for m in refusals)


def test_locks_carried_between_pcs_both_pass_the_probe_and_both_write(two_urls):
    """Only the guard's part is asserted strictly (probe passes, both may write, nothing lost or doubled).

    Measured on this VM: SQLite itself over SMB1 with POSIX locks is flaky with two sessions, with or
    without the guard (the kernel logs ``cifs_setlk failed rc=-9``; some writes end in "disk I/O error" and
    wait in the queue; a connection can keep a lock it failed to release until it closes). So what waited is
    sent afterwards, PC1 first and then, with PC1 gone, PC2.
    """
    first_url, second_url, pcs = two_urls
    options1, options2 = _two_mounts()
    if not (_carries_locks(options1) and _carries_locks(options2)):
        pytest.skip("this test needs mounts that carry locks between sessions (vers=1.0 without nobrl)")
    pc1 = Pc("PC1", first_url)
    pcs.append(pc1)
    pc1.wait_ready()
    pc2 = Pc("PC2", second_url)
    pcs.append(pc2)
    pc2.wait_ready()
    joined = _settled(pc2)
    print("PC2 at start:", joined)
    assert joined["others"] == ["PC1"] and joined["verdict"] == "passed" and joined["may_write"], joined
    assert joined["message"].startswith("Ook actief: PC1")
    seen_by_1 = _wait_until_seen(pc1, "PC2")
    assert seen_by_1["may_write"], seen_by_1

    pc1.send(f"write {PER_PC}")
    pc2.send(f"write {PER_PC}")
    one, two = pc1.read(), pc2.read()
    print("PC1:", {k: len(v) for k, v in one.items() if isinstance(v, list)}, one["messages"][:1])
    print("PC2:", {k: len(v) for k, v in two.items() if isinstance(v, list)}, two["messages"][:1])
    drained1 = pc1.ask(f"drain {DRAIN}")
    assert pc1.ask("stop") == {"stopped": True}
    drained2 = pc2.ask(f"drain {DRAIN}")
    assert pc2.ask("stop") == {"stopped": True}
    print("drained:", [{k: v for k, v in d.items() if k != "state"} for d in (drained1, drained2)])

    texts = [f"PC1 {i}" for i in range(PER_PC)] + [f"PC2 {i}" for i in range(PER_PC)]
    figures = _check_file(first_url, one["confirmed"] + two["confirmed"], texts)
    print("figures:", {k: (v if k == "integrity" else len(v) if isinstance(v, list) else v)
                       for k, v in figures.items()})
    assert figures["lost"] == [] and figures["doubled"] == [] and figures["duplicate_numbers"] == []
    assert figures["integrity"] == ["ok"]
    assert one["confirmed"] or drained1["sent"], "PC1 wrote"
    assert two["confirmed"] or drained2["sent"], "PC2 wrote"
    assert drained1["waiting"] == 0 and drained2["waiting"] == 0 and figures["missing"] == []
    assert _english(one["messages"] + two["messages"] + drained1["messages"] + drained2["messages"]) == []
