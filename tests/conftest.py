"""Shared fixtures: a real database per test, on SQLite and on a throwaway PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from klachtenbureau.models import User, database  # noqa: E402
from klachtenbureau.models.people import ADMIN, COORDINATOR, COUNSELLOR, DIRECTOR, INTAKE, QUALITY  # noqa: E402
from klachtenbureau.workflow import store  # noqa: E402
from tests.pgserver import PostgresServer, find_pg_bindir  # noqa: E402

IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep every test's settings, logs and drafts away from the developer's own."""
    monkeypatch.setenv("KLACHTENBUREAU_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("KLACHTENBUREAU_DB", raising=False)


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
