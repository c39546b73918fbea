"""``klachtenbureau --self-test`` exits 0 only when every step worked, and says which step failed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from klachtenbureau import selftest

ROOT = Path(__file__).resolve().parent.parent


def run_self_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "KLACHTENBUREAU_HOME": str(tmp_path / "home"), **env}
    return subprocess.run([sys.executable, "-m", "klachtenbureau", "--self-test"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=180)


def test_self_test_passes_every_check_and_leaves_nothing_behind(tmp_path):
    parent = tmp_path / "tijdelijk"
    parent.mkdir()
    result = run_self_test(tmp_path, **{selftest.DIR_ENV: str(parent)})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [f"ok    {name}" for name, _check in selftest.CHECKS]
    assert lines[-1] == "Zelftest geslaagd."
    assert list(parent.iterdir()) == []  # the temporary database and its folder are gone
    assert not (tmp_path / "home" / "config").exists()  # the user's own settings were not touched


def test_self_test_fails_with_the_reason_when_it_cannot_write_its_folder(tmp_path):
    not_a_folder = tmp_path / "bestand.txt"
    not_a_folder.write_text("geen map", encoding="utf-8")
    result = run_self_test(tmp_path, **{selftest.DIR_ENV: str(not_a_folder)})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("FOUT  Tijdelijke map: NotADirectoryError")
    assert all(line.startswith("--    ") and line.endswith("overgeslagen") for line in lines[1:-1])
    assert lines[-1] == "Zelftest mislukt."
