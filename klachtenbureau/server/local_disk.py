"""The office server keeps its data on this PC's own disk: a data folder on a network drive is refused.

PostgreSQL on a network drive has the same problem as SQLite there (locks and
flushes that do not reach the disk), so the whole point of the server would be
lost. Linux reads the mount table, Windows asks GetDriveTypeW (and a UNC path
is always remote).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _

# File systems that are a network drive under another name (Linux /proc/mounts fstype).
NETWORK_FILESYSTEMS = frozenset({
    "cifs", "smb3", "smbfs", "smb2", "nfs", "nfs4", "9p", "afs", "ceph", "glusterfs", "fuse.glusterfs",
    "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "ncpfs", "lustre", "gpfs", "beegfs", "fuse.rclone",
    "fuse.s3fs", "coda", "ocfs2", "gfs2",
})
DRIVE_REMOTE = 4  # GetDriveTypeW


def _unescape_mount(field: str) -> str:
    r"""/proc/mounts writes a space as \040, a tab as \011, a backslash as \134."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and i + 4 <= len(field) and field[i + 1:i + 4].isdigit():
            out.append(chr(int(field[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def filesystem_type(path: Path, mounts: str | None = None) -> str | None:
    """The fstype of the mount holding ``path`` (Linux: ``/proc/mounts``, or the ``mounts`` text given)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, fstype = _unescape_mount(fields[1]), fields[2]
        inside = point == "/" or target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type


def _windows_remote(path: Path, drive_type: int | None) -> bool:
    text = str(path)
    if text.startswith(("\\\\?\\UNC\\", "//")) or (text.startswith("\\\\") and not text.startswith("\\\\?\\")):
        return True
    if drive_type is None:
        import ctypes

        root = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
        drive_type = ctypes.windll.kernel32.GetDriveTypeW(root)  # type: ignore[attr-defined]
    return drive_type == DRIVE_REMOTE


def check_local_disk(path: Path, mounts: str | None = None, drive_type: int | None = None,
                     windows: bool | None = None) -> None:
    """Refuse a data folder on a network drive: PostgreSQL's files must be on this PC's own disk.

    ``mounts`` (a /proc/mounts-like table) and ``drive_type`` (what
    GetDriveTypeW answered) can be handed in, so the refusal can be tested
    without a network drive.
    """
    windows = os.name == "nt" if windows is None else windows
    if windows:
        remote, kind = _windows_remote(Path(path), drive_type), "netwerkschijf"
    elif mounts is not None or sys.platform.startswith("linux"):
        kind = filesystem_type(Path(path), mounts)
        remote = kind in NETWORK_FILESYSTEMS
    else:  # macOS: no /proc/mounts; the folder the application chooses by default is local
        remote, kind = False, None
    if remote:
        raise ValidationError({"data_dir": _(
            "De map {path} staat op een netwerkschijf ({kind}). De server moet zijn gegevens op de eigen schijf "
            "van deze computer bewaren; kies een map op deze computer.").format(path=path, kind=kind)})
