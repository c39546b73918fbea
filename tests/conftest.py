"""Shared fixtures: a real database per test, on SQLite and on a throwaway PostgreSQL server."""

from __future__ import annotations

import logging
import os
import re
import shutil
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from klachtenbureau.models import User, database  # noqa: E402
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, INTAKE, QUALITY  # noqa: E402
from klachtenbureau.workflow.upkeep import store
from tests.pgserver import PostgresServer, find_pg_bindir  # noqa: E402
from tests.imapserver import ImapServer, find_dovecot  # noqa: E402

IN_CI = os.environ.get("CI") == "true"


class _LogFailHandler(logging.Handler):
    """Collects every WARNING-or-worse record of the klachtenbureau loggers during one test."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_unexpected_log(request):
    """Fail a test that makes the desk log a warning or error it did not announce (qutebrowser's logfail).

    A test that provokes such a record on purpose says so with ``@pytest.mark.expect_log(pattern, ...)``:
    records whose message matches one of the regular expressions are then allowed (and should be asserted
    with caplog); a bare ``@pytest.mark.expect_log`` allows any record.
    """
    handler = _LogFailHandler()
    logger = logging.getLogger("klachtenbureau")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    patterns = [pattern for mark in request.node.iter_markers("expect_log") for pattern in mark.args]
    allow_all = any(not mark.args for mark in request.node.iter_markers("expect_log"))
    unexpected = [record for record in handler.records
                  if not allow_all and not any(re.search(p, record.getMessage()) for p in patterns)]
    if unexpected:
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in unexpected)
        pytest.fail(f"unexpected log records (mark the test with @pytest.mark.expect_log if they are intended):\n"
                    f"{lines}", pytrace=False)


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep every test's settings, logs and drafts away from the developer's own."""
    monkeypatch.setenv("KLACHTENBUREAU_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("KLACHTENBUREAU_DB", raising=False)
    # deduce's worker takes ~15 s and ~1.1 GB to start: only tests/workflow/test_deidentify.py starts it.
    monkeypatch.setenv("KLACHTENBUREAU_DEIDENTIFY", "off")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    if find_pg_bindir() is None:
        if IN_CI:
            pytest.fail("CI=true but no PostgreSQL server binaries were found (install the postgresql package)")
        pytest.skip("PostgreSQL-serverprogramma's (initdb, pg_ctl) niet gevonden; installeer het pakket postgresql")
    server = PostgresServer(tmp_path_factory.mktemp("pg"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def imap_server(tmp_path_factory):
    """A real Dovecot IMAP server (tests/imapserver.py) for the whole session; tests empty its mailbox first."""
    if find_dovecot() is None:
        if IN_CI:
            pytest.fail("CI=true but Dovecot was not found (install the dovecot-imapd package)")
        pytest.skip("Dovecot (IMAP-server) niet gevonden; installeer het pakket dovecot-imapd")
    server = ImapServer(tmp_path_factory.mktemp("imap"))
    server.start()
    yield server
    server.stop()


def make_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{(tmp_path / 'klachten.db').as_posix()}"
    server = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name)
    request.addfinalizer(lambda: (database.close(), server.drop_database(name)))
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    return make_url(request.param, tmp_path, request)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{(tmp_path / 'klachten.db').as_posix()}"


@pytest.fixture
def db(db_url):
    """A fresh, initialised database bound to the models."""
    store.open_database(db_url, create=True)
    yield db_url
    database.close()


_GENERATED: dict[str, str] = {}  # engine -> the generated register every test of ``generated_db`` starts from


@pytest.fixture(params=["sqlite", "postgres"])
def generated_db(request, tmp_path, tmp_path_factory) -> str:
    """A copy of one register of 300 generated complaints (benchmarks/generate.py, seed 19), bound to the models,
    once for SQLite and once for PostgreSQL: generated once per session, copied for each test."""
    from benchmarks import generate

    kind = request.param
    if kind not in _GENERATED:
        template = (f"sqlite:///{(tmp_path_factory.mktemp('generated') / 'klachten.db').as_posix()}" if kind == "sqlite"
                    else request.getfixturevalue("pg_server").create_database("generated_register"))
        store.open_database(template, create=True)
        generate.generate(300, seed=19)
        database.close()
        _GENERATED[kind] = template
    if kind == "sqlite":
        url = f"sqlite:///{(tmp_path / 'klachten.db').as_posix()}"
        shutil.copyfile(database.sqlite_path(_GENERATED[kind]), database.sqlite_path(url))
    else:
        server, name = request.getfixturevalue("pg_server"), f"t_{uuid.uuid4().hex[:12]}"
        url = server.create_database(name, template="generated_register")
        request.addfinalizer(lambda: (database.close(), server.drop_database(name)))
    store.open_database(url)
    yield url
    database.close()


@pytest.fixture
def sqlite_db(sqlite_url):
    store.open_database(sqlite_url, create=True)
    yield sqlite_url
    database.close()


@pytest.fixture
def staff(request) -> dict[str, User]:
    """One user per role (plus a second coordinator), created through the workflow."""
    actor = store.system_user()
    people = [("sanne", "Sanne de Vries", INTAKE), ("petra", "Petra Jansen", COORDINATOR),
              ("ruud", "Ruud Bakker", COORDINATOR), ("anouk", "Anouk Visser", QUALITY),
              ("henk", "Henk Smit", DIRECTOR), ("fatima", "Fatima Yilmaz", COUNSELLOR),
              ("admin", "Beheerder", ADMIN)]
    return {login: store.create_user(actor, login, name, role) for login, name, role in people}


@pytest.fixture
def cli_signed_in(monkeypatch):
    """The command line signs in as ``admin`` with the demo's password, as a script would (KLACHTENBUREAU_USER and
    KLACHTENBUREAU_PASSWORD: cli.py); the demo makes that admin. For another database call the returned function
    (with the URL, or without while the database is open) to give it that admin."""
    from klachtenbureau.workflow import admin, demo

    monkeypatch.setenv("KLACHTENBUREAU_USER", "admin")
    monkeypatch.setenv("KLACHTENBUREAU_PASSWORD", demo.DEMO_PASSWORD)

    def prepare(url: str | None = None) -> None:
        if url is not None:
            store.open_database(url)
        user = admin.get_user("admin")
        if user is None:
            admin.create_first_admin("admin", "Beheerder", demo.DEMO_PASSWORD)
        elif not admin.check_password(user, demo.DEMO_PASSWORD):
            admin.set_password(store.system_user(), user, demo.DEMO_PASSWORD)
        if url is not None:
            database.close()

    return prepare
