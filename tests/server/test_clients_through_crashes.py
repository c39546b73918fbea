"""Three PCs register 200 complaints each through the write queue while the office server is killed twice.

The server is the wheel's PostgreSQL, killed with SIGKILL (a power cut for the
server process) in the middle of the work and started again. Every PC keeps
what it could not send in its own queue and sends it again with the same
operation id: afterwards every registration is there exactly once, and the
numbers run from 0001 to 0600 without a gap.
"""

from __future__ import annotations

import os
import signal
import subprocess
import textwrap
import time

import psycopg2
import pytest

from klachtenbureau.models import Complaint, User, database
from klachtenbureau.workflow.upkeep import store
from tests.server.conftest import PYTHON, child_env

PCS = ("sanne", "petra", "ruud")
PER_PC = 200

CLIENT = textwrap.dedent("""
    import sys, time
    from klachtenbureau.errors import DatabaseUnavailableError
    from klachtenbureau.models import User
    from klachtenbureau.workflow import intake
    from klachtenbureau.workflow.offline import write_queue
    from klachtenbureau.workflow.upkeep import store
    url, pc, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

    def drain():
        while True:
            try:
                report = write_queue.recover(url)
            except DatabaseUnavailableError:
                time.sleep(0.2)
                continue
            if report.refused:
                print("geweigerd", [item.problem for item in report.refused], flush=True)
                sys.exit(3)
            if not write_queue.pending(url):
                return
            time.sleep(0.2)

    while True:
        try:
            store.open_database(url)
            break
        except DatabaseUnavailableError:
            time.sleep(0.2)
    user = User.get(User.login == pc)
    queued = 0
    for i in range(count):
        report = intake.NewReport(description=f"{pc} {i}", anonymous=True, channel="website")
        try:
            write_queue.submit(user, "register", write_queue.report_payload(report), url)
        except write_queue.WriteQueuedError:
            queued += 1
            drain()
    drain()
    print("klaar", queued, flush=True)
""")


def _count(server) -> int | None:
    try:
        with psycopg2.connect(server.url(), connect_timeout=2) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM complaint")
            result = cursor.fetchone()[0]
        connection.close()
        return result
    except psycopg2.Error:
        return None


def _wait_for(server, at_least: int, clients, deadline: float) -> None:
    while time.monotonic() < deadline:
        if any(c.poll() is not None for c in clients):
            return
        found = _count(server)
        if found is not None and found >= at_least:
            return
        time.sleep(0.1)
    raise AssertionError(f"not {at_least} complaints in time")


@pytest.mark.slow
def test_three_pcs_600_registrations_server_killed_twice(server, tmp_path):
    url = server.url()
    store.open_database(url, create=True)
    actor = store.system_user()
    for login in PCS:
        store.create_user(actor, login, login.title(), "intake")
    database.close()

    started = time.monotonic()
    clients = []
    for pc in PCS:
        home = tmp_path / pc
        clients.append(subprocess.Popen([PYTHON, "-c", CLIENT, url, pc, str(PER_PC)], env=child_env(home),
                                        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    deadline = started + 180
    kills = []
    try:
        for at_least in (150, 380):
            _wait_for(server, at_least, clients, deadline)
            pid = server.pid()
            assert pid is not None and all(c.poll() is None for c in clients), "clients finished before the kill"
            os.kill(pid, signal.SIGKILL)
            down = time.monotonic()
            time.sleep(1.0)  # the PCs notice the server is gone and queue what they were sending
            server.start()
            kills.append(round(time.monotonic() - down, 2))
        results = [c.communicate(timeout=max(10, deadline - time.monotonic())) for c in clients]
    finally:
        for c in clients:
            if c.poll() is None:
                c.kill()
    elapsed = time.monotonic() - started
    assert [c.returncode for c in clients] == [0, 0, 0], [err[-3000:] for _out, err in results]
    queued = [int(out.split()[-1]) for out, _err in results]
    print(f"\n600 registrations in {elapsed:.1f} s; queued writes per PC {queued}; down+restart {kills} s")

    store.open_database(url)
    try:
        descriptions = [c.description for c in Complaint.select(Complaint.description)]
        expected = [f"{pc} {i}" for pc in PCS for i in range(PER_PC)]
        assert sorted(descriptions) == sorted(expected)  # every one present, none doubled
        assert len(set(descriptions)) == len(descriptions) == 600
        numbers = sorted(c.number for c in Complaint.select(Complaint.number))
        year = numbers[0][1:5]
        assert numbers == [f"K{year}-{i:04d}" for i in range(1, 601)]
        for pc in PCS:
            mine = (Complaint.select().join(User, on=Complaint.received_by).where(User.login == pc).count())
            assert mine == PER_PC
    finally:
        database.close()
    for pc in PCS:
        queue = tmp_path / pc / "data" / "wachtrij"
        assert not list(queue.glob("*.json")) if queue.exists() else True
    assert sum(queued) >= 2  # the kills really hit writes in flight
