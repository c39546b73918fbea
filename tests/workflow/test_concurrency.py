"""Several PCs at once on one SQLite file: nothing lost, nothing doubled."""

import os
import subprocess
import sys
import textwrap

import pytest

from klachtenbureau.models import Complaint, User, database
from klachtenbureau.workflow.upkeep import store

WRITER = textwrap.dedent("""
    import sys
    from klachtenbureau.models import User
    from klachtenbureau.workflow import intake
    from klachtenbureau.workflow.upkeep import store
    url, login, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store.open_database(url)
    user = User.get(User.login == login)
    for i in range(count):
        intake.register(user, intake.NewReport(description=f"{login} melding {i}", anonymous=True,
                                               channel="website"))
""")


@pytest.mark.slow
def test_four_processes_register_at_once_with_unique_numbers(sqlite_db, staff):
    database.close()
    per_process = 40
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    logins = ["sanne", "petra", "ruud", "anouk"]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, sqlite_db, login, str(per_process)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for login in logins]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _out, err in results]
    store.open_database(sqlite_db)
    numbers = [c.number for c in Complaint.select(Complaint.number)]
    assert len(numbers) == 4 * per_process
    assert len(set(numbers)) == len(numbers)
    year = numbers[0][1:5]
    assert sorted(numbers) == [f"K{year}-{i:04d}" for i in range(1, 4 * per_process + 1)]
    for login in logins:
        mine = Complaint.select().join(User, on=Complaint.received_by).where(User.login == login)
        assert {c.description for c in mine} == {f"{login} melding {i}" for i in range(per_process)}
    store.full_check()


@pytest.mark.slow
def test_several_demo_processes_fill_one_file_at_once(sqlite_url):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    procs = [subprocess.Popen([sys.executable, "-m", "klachtenbureau", "demo", "--db", sqlite_url,
                               "--complaints", "40", "--seed", str(seed)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for seed in (1, 2, 3)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _out, err in results]
    store.open_database(sqlite_url)
    numbers = [c.number for c in Complaint.select(Complaint.number)]
    assert len(numbers) == 120 and len(set(numbers)) == 120
    store.full_check()
