"""Before the first window on Linux: say in one Dutch line which system library Qt's window plugin lacks.

Without, say, ``libxcb-cursor0`` Qt aborts the whole process (SIGABRT) while
loading its ``xcb`` plugin and names the wrong library. This runs ``ldd`` on
that plugin first and turns a missing library into a sentence with the
Debian/Ubuntu package to install. On Windows and macOS the bundle carries
everything; there and with another platform (``offscreen``, ``wayland``)
nothing is checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from klachtenbureau.i18n import _

# The Debian/Ubuntu package of each library the xcb plugin and its helper library link to.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-shm.so.0": "libxcb-shm0", "libxcb-render.so.0": "libxcb-render0",
    "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6", "libxcb.so.1": "libxcb1",
    "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0", "libSM.so.6": "libsm6", "libICE.so.6": "libice6",
}


def missing_libraries(binary: Path) -> list[str]:
    """The shared libraries ``binary`` needs that the dynamic linker cannot find (``ldd``'s 'not found')."""
    if shutil.which("ldd") is None or not binary.exists():
        return []
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False)
    return [line.split("=>")[0].strip() for line in result.stdout.splitlines() if "not found" in line]


def _xcb_binaries() -> list[Path]:
    from PySide6 import QtCore

    qt = Path(QtCore.__file__).parent / "Qt"
    return [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]]


def problem(binaries: list[Path] | None = None) -> str | None:
    """One Dutch line when the window plugin will not load on this machine; None when all is there."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    missing: list[str] = []
    for binary in binaries if binaries is not None else _xcb_binaries():
        missing += [name for name in missing_libraries(binary) if name not in missing]
    return message(missing) if missing else None


def message(missing: list[str]) -> str:
    """The Dutch line for the libraries ``missing``, with the Debian/Ubuntu packages that hold them."""
    text = _("Klachtenbureau kan geen venster openen: de systeembibliotheek {libraries} ontbreekt.").format(
        libraries=", ".join(missing))
    packages = [PACKAGES[name] for name in missing if name in PACKAGES]
    if not packages:
        return text
    return text + " " + _("Installeer op Debian of Ubuntu: sudo apt-get install {packages}").format(
        packages=" ".join(dict.fromkeys(packages)))
