"""A machine without one of Qt's system libraries gets one Dutch line naming it and the package, not a crash."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from klachtenbureau.ui import platform_check


@pytest.fixture
def binary_missing_a_library(tmp_path):
    """A real program linked against a real library of our own, which is then taken away."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed to build the program")
    (tmp_path / "lib.c").write_text("int cursor_thing(void) { return 1; }\n")
    (tmp_path / "main.c").write_text("int cursor_thing(void);\nint main(void) { return cursor_thing(); }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-Wl,-soname,libkb-vensterproef.so.0", "-o",
                    str(tmp_path / "libkb-vensterproef.so.0"), str(tmp_path / "lib.c")], check=True)
    subprocess.run(["gcc", "-o", str(tmp_path / "plugin"), str(tmp_path / "main.c"), str(tmp_path / "libkb-vensterproef.so.0")],
                   check=True)
    (tmp_path / "libkb-vensterproef.so.0").unlink()
    return tmp_path / "plugin"


def test_a_missing_library_is_named_with_the_package_that_holds_it(binary_missing_a_library, monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert platform_check.missing_libraries(binary_missing_a_library) == ["libkb-vensterproef.so.0"]
    assert platform_check.problem([binary_missing_a_library]) == (
        "Klachtenbureau kan geen venster openen: de systeembibliotheek libkb-vensterproef.so.0 ontbreekt.")
    assert platform_check.message(["libxcb-cursor.so.0", "libxkbcommon-x11.so.0"]).endswith(
        "ontbreekt. Installeer op Debian of Ubuntu: sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0")


def test_nothing_is_said_when_everything_is_there_or_another_platform_is_used(binary_missing_a_library,
                                                                             monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert platform_check.problem() is None  # this machine has Qt's libraries (.ci/run installs them)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.problem([binary_missing_a_library]) is None
