"""The real network share: a Samba server in a throw-away VM, mounted with the kernel's SMB client at /mnt/smb.

Run with ``bash ../shared/tools/smb-vm-test.sh .venv/bin/python -m pytest -q -p no:cacheprovider -m smb
tests/smb`` (or ``.ci/smb``). Anywhere else these tests are skipped: there is no share to test on.
Inside the VM smbd's pid file is /run/smb/pid/smbd.pid and its configuration /run/smb.conf; stopping
and starting it makes the share disappear and come back under the running application.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from klachtenbureau.models import database
from klachtenbureau.workflow.upkeep import store

SHARE = Path("/mnt/smb")
SMBD_PID = Path("/run/smb/pid/smbd.pid")
SMB_CONF = Path("/run/smb.conf")
# .ci/smb sets KLACHTENBUREAU_REQUIRE_SMB inside the VM: there a missing share fails instead of skipping.
ON_SHARE = os.path.ismount(SHARE) or os.environ.get("KLACHTENBUREAU_REQUIRE_SMB") == "1"
SKIP_REASON = ("no SMB share mounted at /mnt/smb: run this suite through ../shared/tools/smb-vm-test.sh "
               "(see .ci/smb)")
DEADLINE = 90.0  # seconds a share may take to come back before a test gives up


@pytest.fixture
def share_url():
    """A fresh database in its own folder on the share."""
    if not os.path.ismount(SHARE):
        pytest.fail(f"{SHARE} is not mounted; the VM of ../shared/tools/smb-vm-test.sh should have mounted it")
    folder = SHARE / f"t-{uuid.uuid4().hex[:10]}"
    folder.mkdir()
    url = f"sqlite:///{(folder / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    yield url
    database.close()


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.getcwd(), "PYTHONDONTWRITEBYTECODE": "1"}


def python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    """Another PC: a separate process running ``code`` against the same file."""
    return subprocess.Popen([sys.executable, "-c", code, *args], env=child_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


class Samba:
    """The VM's smbd: stopped (every process of it, so the client's session really ends) and started again."""

    def _group(self) -> int | None:
        try:
            return os.getpgid(int(SMBD_PID.read_text().strip()))
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None

    def stop(self) -> None:
        group = self._group()
        assert group is not None, "smbd is not running"
        os.killpg(group, signal.SIGKILL)  # like a server that crashed or a cable that was pulled
        SMBD_PID.unlink(missing_ok=True)

    def start(self, read_only: bool = False) -> None:
        config = SMB_CONF
        if read_only:  # the same share, but nobody may write (as a share with read rights only)
            config = SMB_CONF.with_name("smb-alleen-lezen.conf")
            config.write_text(SMB_CONF.read_text().replace("read only = no", "read only = yes"))
        subprocess.run(["smbd", "-D", "-s", str(config)], check=True)
        subprocess.run(["sh", "-c", "for i in $(seq 300); do ss -ltn | grep -q ':445 ' && exit 0; sleep 0.1; done;"
                        " exit 1"], check=True)


@pytest.fixture
def samba():
    server = Samba()
    yield server
    if server._group() is None:  # never leave the rest of the suite without its share
        server.start()
