"""Several PCs on one SQLite file: presence, the cooperative lock probe and the refusal, with real processes.

Every "other PC" here is a real second Python process with its own guard, its own heartbeat thread and its
own write queue (its own KLACHTENBUREAU_HOME), working on the same folder and taking real byte-range locks
on the same probe file. Nothing is mocked.

On one machine and one file system, POSIX locks always cross between processes, so the local probe passes.
The *failing* probe needs a share that does not carry locks between PCs; the real one is in
tests/smb/test_two_pcs.py (two SMB mounts with ``nobrl`` in the VM). Here the failing branch is reached
honestly but artificially: the other process follows the whole protocol, but is started with
``KLACHTENBUREAU_PROBE_FILE`` pointing at a different probe file, so its locks are invisible to this one,
which is exactly what a ``nobrl`` share looks like from either side. What is tested with it is the decision
logic (who refuses, what is queued, when it lifts), not the share.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import peewee
import pytest

from klachtenbureau.models import Complaint, database
from klachtenbureau.workflow import db_errors, intake
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.shared_file import (
    FAILED,
    NO_ANSWER,
    PASSED,
    SharedFileGuard,
    SharedFileUnsafeError,
    presence_folder,
)
from tests.ui.keys import finish_background_work

INTERVAL = 0.4  # heartbeats in tests; the desk uses 10 s
TIMEOUT = 30.0  # seconds anything may take before a test gives up

CHILD = textwrap.dedent("""
    import json, sys
    from klachtenbureau.models import User
    from klachtenbureau.workflow import intake, shared_file
    from klachtenbureau.workflow.offline import write_queue
    from klachtenbureau.workflow.upkeep import store
    url, interval, answer_timeout = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    store.open_database(url)
    guard = shared_file.SharedFileGuard(url, interval=interval, answer_timeout=answer_timeout)
    guard.start()

    def say(**data):
        print(json.dumps(data), flush=True)

    say(ready=guard.pc_id)
    for line in sys.stdin:
        command, _sep, argument = line.strip().partition(" ")
        if command == "state":
            state = guard.state()
            say(others=[o.host for o in state.others], verdict=state.verdict, may_write=state.may_write,
                message=state.message)
        elif command == "register":
            user = User.get(User.login == "sanne")
            report = intake.NewReport(description=argument, anonymous=True, channel="website")
            try:
                say(saved=write_queue.submit(user, "register", write_queue.report_payload(report), url).number)
            except write_queue.WriteQueuedError as exc:
                say(queued=exc.operation_id, cause=type(exc.cause).__name__, message=exc.message)
        elif command == "retry":
            report = write_queue.retry_pending(url)
            say(sent=len(report.sent), waiting=len(report.waiting))
        elif command == "stop":
            guard.stop()
            say(stopped=True)
            break
""")


class OtherPc:
    """A second desk in its own process: its own guard, heartbeat, locks and write queue."""

    def __init__(self, url: str, name: str, home: Path, interval: float = INTERVAL, answer_timeout: float = 3.0,
                 probe_file: Path | None = None):
        env = {**os.environ, "PYTHONPATH": os.getcwd(), "KLACHTENBUREAU_HOME": str(home),
               "KLACHTENBUREAU_PC_NAME": name}
        env.pop("KLACHTENBUREAU_PROBE_FILE", None)
        if probe_file is not None:
            env["KLACHTENBUREAU_PROBE_FILE"] = str(probe_file)
        self.process = subprocess.Popen([sys.executable, "-c", CHILD, url, str(interval), str(answer_timeout)],
                                        env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        self.pc_id = self._read()["ready"]

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"the other PC stopped: {self.process.stderr.read()}")
        return json.loads(line)

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.ask("stop")
            finally:
                self.process.stdin.close()
                self.process.wait(timeout=TIMEOUT)
        self.process.stdout.close()
        self.process.stderr.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


@pytest.fixture
def other_pcs(sqlite_db, tmp_path):
    started: list[OtherPc] = []

    def start(name: str, **kwargs) -> OtherPc:
        pc = OtherPc(sqlite_db, name, tmp_path / f"home-{name}", **kwargs)
        started.append(pc)
        return pc

    yield start
    for pc in started:
        if pc.process.returncode is None:
            pc.kill()


@pytest.fixture
def guards():
    made: list[SharedFileGuard] = []

    def make(url: str, **kwargs) -> SharedFileGuard:
        guard = SharedFileGuard(url, **{"interval": INTERVAL, "answer_timeout": 3.0, **kwargs})
        made.append(guard)
        return guard

    yield make
    for guard in made:
        guard.stop()


def eventually(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


def described(text: str) -> int:
    return Complaint.select().where(Complaint.description == text).count()


def report(text: str) -> intake.NewReport:
    return intake.NewReport(description=text, anonymous=True, channel="website")


def submit(user, text: str, url: str):
    return write_queue.submit(user, "register", write_queue.report_payload(report(text)), url)


def test_two_pcs_see_each_other_check_their_locks_together_and_both_write(sqlite_db, staff, other_pcs, guards,
                                                                           monkeypatch):
    monkeypatch.setenv("KLACHTENBUREAU_PC_NAME", "PC-BALIE")
    here = guards(sqlite_db)
    here.start()
    assert here.state().verdict == "alone" and here.state().message == ""
    there = other_pcs("PC-KANTOOR")  # joins second: it asks this PC to take part in the probe
    eventually(lambda: [p.host for p in here.others()] == ["PC-KANTOOR"], "this PC sees the other")
    state = there.ask("state")
    assert state["others"] == ["PC-BALIE"] and state["verdict"] == PASSED and state["may_write"], state
    assert state["message"].startswith("Ook actief: PC-BALIE")
    # this PC reads the pair's result from the joiner's presence file
    mine = eventually(lambda: (s := here.state()).others and s.others[0].verdict == PASSED and s,
                      "the joiner's verdict shows here")
    assert mine.may_write and mine.message.startswith("Ook actief: PC-KANTOOR")
    assert "vergrendelingen gaan goed over en weer" in mine.details
    for i in range(3):
        assert "saved" in there.ask(f"register daar {i}")
        intake.register(staff["sanne"], report(f"hier {i}"))
    assert all(described(f"{where} {i}") == 1 for where in ("hier", "daar") for i in range(3))
    folder = presence_folder(database.sqlite_path(sqlite_db))
    assert not list(folder.glob("verzoek-*")) and not list(folder.glob("antwoord-*")), "probe files cleaned up"
    there.stop()
    eventually(lambda: here.others() == [], "a PC that stopped cleanly is gone at once")
    here.stop()
    assert sorted(p.name for p in folder.glob("pc-*.json")) == []


def test_a_pc_that_died_goes_stale_and_a_long_dead_one_is_removed(sqlite_db, staff, other_pcs, guards):
    folder = presence_folder(database.sqlite_path(sqlite_db))
    crashed = other_pcs("PC-CRASH")
    crashed.kill()  # no clean stop: its presence file stays behind
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat()
    dead = folder / f"pc-{uuid.uuid4().hex}.json"
    dead.write_text(json.dumps({"pc_id": dead.stem[3:], "host": "PC-OUD", "user": "jan", "pid": 1,
                                "started_at": long_ago, "last_seen": long_ago, "interval": INTERVAL}),
                    encoding="utf-8")  # what a PC that died two days ago left behind
    assert len(list(folder.glob("pc-*.json"))) == 2
    here = guards(sqlite_db)
    here.start()  # joins while the crashed PC's file still looks fresh: refused until it goes stale
    assert [p.host for p in here.others()] in (["PC-CRASH"], [])
    eventually(lambda: here.others() == [], "the crashed PC goes stale after three heartbeats")
    assert here.state().may_write
    submit(staff["sanne"], "na de crash", sqlite_db)
    assert described("na de crash") == 1
    assert not dead.exists(), "a presence file of a PC that died days ago is removed"


def test_when_locks_do_not_cross_the_joiner_is_refused_its_input_waits_and_is_sent_later(
        sqlite_db, staff, other_pcs, guards, tmp_path, monkeypatch):
    """The first PC keeps writing; the joiner refuses with SharedFileUnsafeError through the write queue.

    The first PC locks another probe file (KLACHTENBUREAU_PROBE_FILE): to this PC it behaves exactly like a
    PC across a share that does not pass locks. See the module docstring.
    """
    first = other_pcs("PC-BALIE", probe_file=tmp_path / "elders" / "slotproef")
    monkeypatch.setenv("KLACHTENBUREAU_PC_NAME", "PC-KANTOOR")
    here = guards(sqlite_db)
    here.start()
    state = here.state()
    assert state.verdict == FAILED and not state.may_write
    assert state.message == "Alleen lezen: vergrendelingen komen niet over met PC-BALIE"
    with pytest.raises(write_queue.WriteQueuedError) as info:
        submit(staff["sanne"], "wacht op deze pc", sqlite_db)
    cause = info.value.cause
    assert isinstance(cause, SharedFileUnsafeError) and cause.verdict == FAILED and cause.hosts == ("PC-BALIE",)
    assert "Beheer → Deze pc als server gebruiken" in cause.message and "PC-BALIE" in cause.message
    assert db_errors.translate(cause) is cause and db_errors.offline(cause) is cause  # kept as it is
    assert [w.operation_id for w in write_queue.pending(sqlite_db)] == [info.value.operation_id]
    assert described("wacht op deze pc") == 0
    with pytest.raises(SharedFileUnsafeError):  # any write, not only the queued ones
        intake.register(staff["sanne"], report("rechtstreeks"))
    # the PC that was there first keeps writing, and sees the joiner saves nothing
    assert "saved" in first.ask("register eerste pc")
    seen_there = first.ask("state")
    assert seen_there["may_write"] and seen_there["message"] == "Ook actief: PC-KANTOOR (" + here.user + ")"
    assert write_queue.retry_pending(sqlite_db).sent == []  # still refused
    first.stop()
    eventually(lambda: here.state().may_write, "the refusal lifts when the first PC has gone")
    assert write_queue.retry_pending(sqlite_db).sent == [info.value.operation_id]
    assert described("wacht op deze pc") == 1 and described("eerste pc") == 1 and described("rechtstreeks") == 0


def test_a_pc_that_does_not_answer_is_not_verified_and_is_probed_again_when_back(sqlite_db, staff, other_pcs,
                                                                                  guards):
    """SIGSTOP freezes the first PC: its presence still looks fresh, but it cannot answer the probe."""
    first = other_pcs("PC-BALIE", interval=2.0)
    assert first.ask("state")["verdict"] == "alone"
    first.process.send_signal(signal.SIGSTOP)
    try:
        here = guards(sqlite_db, interval=0.5, answer_timeout=0.8)
        here.start()
        state = here.state()  # the frozen PC's presence is still fresh: not verified, so no writes
        assert state.verdict == NO_ANSWER and not state.may_write, state
        assert state.message == "Alleen lezen: PC-BALIE antwoordt niet"
        with pytest.raises(SharedFileUnsafeError) as info:
            intake.register(staff["sanne"], report("niet geverifieerd"))
        assert info.value.verdict == NO_ANSWER and "gaf geen antwoord" in info.value.message
        eventually(lambda: here.state().may_write and not here.state().others, "the frozen PC goes stale")
        intake.register(staff["sanne"], report("alleen"))
    finally:
        first.process.send_signal(signal.SIGCONT)
    # back: it is seen again and checked again before this PC writes on
    eventually(lambda: here.state().others, "the PC that came back is seen again")
    eventually(lambda: here.state().verdict == PASSED, "checked again, passed")
    intake.register(staff["sanne"], report("samen"))
    assert described("alleen") == 1 and described("samen") == 1


def test_a_presence_file_caught_half_replaced_does_not_drop_the_pc_or_its_verdict(sqlite_db, staff, other_pcs,
                                                                                   guards):
    """Over SMB a reader can meet a presence file mid-replace; that must not look like the PC left and came back."""
    first = other_pcs("PC-BALIE", interval=5.0)
    here = guards(sqlite_db, interval=0.2)
    here.start()
    eventually(lambda: here.state().verdict == PASSED, "checked with the first PC")
    presence = presence_folder(database.sqlite_path(sqlite_db)) / f"pc-{first.pc_id}.json"
    presence.write_text('{"pc_id": "', encoding="utf-8")  # what a reader can see half-way
    time.sleep(1.0)  # several scans of this PC's heartbeat
    state = here.state()
    assert [o.host for o in state.others] == ["PC-BALIE"] and state.verdict == PASSED and state.may_write
    intake.register(staff["sanne"], report("ondanks het halve bestand"))
    first.stop()


def test_postgres_needs_no_guard(tmp_path):
    guard = SharedFileGuard("postgresql://klachten@server/klachten")
    guard.start()
    assert not guard.enabled and guard.state().enabled is False and guard.state().may_write
    guard.check()
    guard.stop()


def test_a_guard_that_was_never_started_or_was_stopped_refuses_nothing(sqlite_db, staff, guards):
    guard = guards(sqlite_db)
    guard.start()
    guard.stop()
    assert guard.check not in database._write_guards
    intake.register(staff["sanne"], report("zonder bewaking"))
    assert described("zonder bewaking") == 1


def test_the_status_bar_label_shows_who_else_works_and_the_refusal_in_red(sqlite_db, other_pcs, guards, tmp_path,
                                                                          qtbot, monkeypatch):
    """The UI's label over a real guard (kept here, next to the guard's own tests; it is the guard's face)."""
    from klachtenbureau.ui.shared_file_status import REFUSED_COLOUR, SharedFileStatus

    monkeypatch.setenv("KLACHTENBUREAU_PC_NAME", "PC-KANTOOR")
    first = other_pcs("PC-BALIE", probe_file=tmp_path / "elders" / "slotproef")
    here = guards(sqlite_db)
    label = SharedFileStatus(here, interval_ms=50)
    qtbot.addWidget(label)
    assert label.isHidden()  # not started: nothing to say
    here.start()
    qtbot.waitUntil(lambda: "Alleen lezen" in label.text(), timeout=int(TIMEOUT * 1000))
    assert REFUSED_COLOUR in label.text() and "PC-BALIE" in label.text()
    assert "Beheer → Deze pc als server gebruiken" in label.toolTip()
    assert "vergrendelingen komen niet over" in label.toolTip()
    assert not label.grab().isNull() and label.grab().save(str(tmp_path / "geweigerd.png"))
    with qtbot.waitSignal(label.state_changed, timeout=int(TIMEOUT * 1000)):
        first.stop()  # the refusal lifts; alone again, so the label hides
    qtbot.waitUntil(label.isHidden, timeout=int(TIMEOUT * 1000))
    second = other_pcs("PC-BALIE-2")  # a joiner that passes the probe with this PC
    qtbot.waitUntil(lambda: label.text().startswith("Ook actief: PC-BALIE-2"), timeout=int(TIMEOUT * 1000))
    assert REFUSED_COLOUR not in label.text()
    qtbot.waitUntil(lambda: "vergrendelingen gaan goed over en weer" in label.toolTip(), timeout=int(TIMEOUT * 1000))
    second.stop()
    label.set_guard(None)
    assert label.isHidden() and not label.timer.isActive()


def test_the_desk_shows_the_refusal_and_sends_what_waited_once_the_first_pc_has_gone(
        sqlite_db, staff, other_pcs, guards, tmp_path, qtbot, monkeypatch):
    """The main window with this PC's guard: the red label, and the queue sent as soon as writing is safe."""
    from klachtenbureau.ui.main_window import MainWindow
    from klachtenbureau.ui.session import Session

    monkeypatch.setenv("KLACHTENBUREAU_PC_NAME", "PC-KANTOOR")
    first = other_pcs("PC-BALIE", probe_file=tmp_path / "elders" / "slotproef")
    here = guards(sqlite_db)
    here.start()
    window = MainWindow(Session(staff["petra"], sqlite_db, shared_file=here))
    qtbot.addWidget(window)
    window.shared_file_label.timer.setInterval(50)
    window.show()
    qtbot.waitUntil(lambda: "Alleen lezen" in window.shared_file_label.text(), timeout=int(TIMEOUT * 1000))
    assert "vergrendelingen" in window.connection_bar.text.text() and window.connection_bar.isVisible()
    window.resize(1366, 768)
    window.grab().save(str(tmp_path / "bureau-geweigerd.png"))
    with pytest.raises(write_queue.WriteQueuedError):
        submit(staff["sanne"], "tijdens de weigering", sqlite_db)
    first.stop()
    # sent once (the queue file goes after the commit and the ledger line, so wait for both)
    qtbot.waitUntil(lambda: write_queue.pending(sqlite_db) == [], timeout=int(TIMEOUT * 1000))
    assert described("tijdens de weigering") == 1
    assert (here.folder / f"pc-{here.pc_id}.json").exists()
    window.close()  # closing the desk takes this PC off the file
    assert not (here.folder / f"pc-{here.pc_id}.json").exists()
    finish_background_work()  # the views' last readings end with this test's database


def test_a_refused_pc_reads_through_a_read_only_connection(sqlite_db, staff, other_pcs, guards, tmp_path,
                                                          monkeypatch):
    """Reading cannot roll back the other PC's journal either: SQLite refuses to write through this connection."""
    other_pcs("PC-BALIE", probe_file=tmp_path / "elders" / "slotproef")
    here = guards(sqlite_db)
    here.start()
    assert not here.state().may_write
    assert Complaint.select().count() == 0  # reading works
    with pytest.raises(peewee.OperationalError, match="readonly"):
        database.db.execute_sql("PRAGMA user_version = 1")  # past the guards: the connection itself refuses
