"""Smoke test for the throwaway PostgreSQL helper in tests/pgserver.py."""

from __future__ import annotations

import os
import time

import pytest

from tests.pgserver import PostgresServer, find_pg_bindir


def _require_postgres() -> None:
    if find_pg_bindir() is not None:
        return
    reason = (
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: "
        "install the 'postgresql' package"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is an error, not a skip)")
    pytest.skip(reason)


def test_postgres_server_lifecycle(tmp_path):
    _require_postgres()
    import psycopg2  # psycopg2-binary is a runtime dependency (klachtenbureau.server.postgres), not a test extra

    server = PostgresServer(tmp_path / "pg")
    t0 = time.monotonic()
    server.start()
    startup = time.monotonic() - t0
    try:
        assert server.running
        assert server.url == f"postgresql://klachten@127.0.0.1:{server.port}/postgres"
        print(f"PostgreSQL started in {startup:.2f}s on port {server.port}")

        url = server.create_database("klachten_smoke")
        assert url == f"postgresql://klachten@127.0.0.1:{server.port}/klachten_smoke"

        conn = psycopg2.connect(url)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("select 1")
                assert cur.fetchone() == (1,)
                cur.execute("create table klacht (id serial primary key, omschrijving text not null)")
                cur.execute("insert into klacht (omschrijving) values (%s) returning id", ("Geluidsoverlast é",))
                assert cur.fetchone() == (1,)
                cur.execute("select current_user, pg_encoding_to_char(encoding) from pg_database "
                            "where datname = current_database()")
                assert cur.fetchone() == ("klachten", "UTF8")
        finally:
            conn.close()

        server.drop_database("klachten_smoke")
        check = psycopg2.connect(server.url)
        try:
            with check.cursor() as cur:
                cur.execute("select count(*) from pg_database where datname = 'klachten_smoke'")
                assert cur.fetchone() == (0,)
        finally:
            check.close()
    finally:
        server.stop()

    assert not server.running
    server.stop()  # idempotent
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=server.port, user="klachten",
                         dbname="postgres", connect_timeout=3)
