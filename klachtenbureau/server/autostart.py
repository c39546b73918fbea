"""The office server comes back by itself after a reboot.

Why: the other PCs can only work while the server runs; after a power cut or
a Windows update nobody should have to remember to start it.

* **Linux**: a systemd unit ``klachtenbureau-server.service`` that runs
  ``klachtenbureau server run --data-dir … --share …`` with
  ``Restart=on-failure``. As an ordinary user it is a user unit in
  ``~/.config/systemd/user/`` (for it to start at boot without anybody
  signing in, run ``loginctl enable-linger <user>`` once); as root a system
  unit in ``/etc/systemd/system/``. ``KillMode=mixed``: on stop only our
  process gets SIGTERM and stops PostgreSQL cleanly itself; systemd kills
  what is left only after the timeout.
* **Windows**: a scheduled task that starts at boot
  (``schtasks /Create /SC ONSTART /RU SYSTEM /TN Klachtenbureau-server /TR "…"``).
  Two things to know: ``/TR`` is limited to 261 characters (a longer command
  goes into a small ``.cmd`` file next to the data), and the SYSTEM account
  reaches a network share only by its UNC path (``\\\\nas\\klachten``, never a
  drive letter) and, outside a Windows domain, usually not at all. Then give
  ``run_as`` an account that can open the shared folder (schtasks asks for
  its password).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _

SERVICE = "klachtenbureau-server.service"
TASK_NAME = "Klachtenbureau-server"
TR_LIMIT = 261


def server_command(data_dir: Path, share: Path, executable: str | None = None) -> list[str]:
    """The command that runs the server: python -m klachtenbureau, or the bundle's admin executable."""
    if executable is None:
        if getattr(sys, "frozen", False):
            here = Path(sys.executable).parent
            admin = here / ("klachtenbureau-admin.exe" if os.name == "nt" else "klachtenbureau-admin")
            base = [str(admin if admin.exists() else Path(sys.executable))]
        else:
            base = [sys.executable, "-m", "klachtenbureau"]
    else:
        base = [executable] if getattr(sys, "frozen", False) else [executable, "-m", "klachtenbureau"]
    return [*base, "server", "run", "--data-dir", str(data_dir), "--share", str(share)]


# --- Linux: systemd ----------------------------------------------------------------------


def _systemd_quote(word: str) -> str:
    """One word of an ExecStart= line: double-quoted when needed, ``%`` doubled, ``\\`` and ``"`` escaped."""
    escaped = word.replace("%", "%%")
    if escaped and not any(ch in escaped for ch in ' \t"\'\\;$'):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def default_unit_path(system: bool | None = None) -> Path:
    system = (os.name == "posix" and os.geteuid() == 0) if system is None else system
    if system:
        return Path("/etc/systemd/system") / SERVICE
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user" / SERVICE


def unit_text(data_dir: Path, share: Path, executable: str | None = None, system: bool = False) -> str:
    command = " ".join(_systemd_quote(word) for word in server_command(data_dir, share, executable))
    after = "After=network-online.target\nWants=network-online.target\n" if system else ""
    return (
        "# Written by Klachtenbureau (klachtenbureau server install-autostart).\n"
        "[Unit]\n"
        "Description=Klachtenbureau kantoorserver (PostgreSQL)\n"
        f"{after}"
        "\n[Service]\n"
        "Type=simple\n"
        f"ExecStart={command}\n"
        "Restart=on-failure\n"
        "RestartSec=10\n"
        "KillMode=mixed\n"
        "TimeoutStopSec=120\n"
        "\n[Install]\n"
        f"WantedBy={'multi-user.target' if system else 'default.target'}\n"
    )


def install_systemd(data_dir: Path, share: Path, unit_path: Path | None = None, executable: str | None = None,
                    enable: bool = True, system: bool | None = None) -> Path:
    """Write the unit (and with ``enable`` run systemctl daemon-reload + enable); returns the unit's path.

    ``system`` (default: when root) makes it a system unit, else a user unit.
    """
    system = (os.name == "posix" and os.geteuid() == 0) if system is None else system
    path = Path(unit_path or default_unit_path(system))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(unit_text(data_dir, share, executable, system), encoding="utf-8")
    tmp.replace(path)
    if enable:
        systemctl = shutil.which("systemctl")
        if systemctl is None:
            raise ValidationError({"autostart": _("systemctl ontbreekt; de unit staat in {path} maar is niet "
                                                  "ingeschakeld.").format(path=path)})
        scope = [] if system else ["--user"]
        for args in (["daemon-reload"], ["enable", path.name]):
            result = subprocess.run([systemctl, *scope, *args], capture_output=True, text=True)
            if result.returncode != 0:
                raise ValidationError({"autostart": _("systemctl {args} is mislukt: {reason}").format(
                    args=" ".join(args), reason=result.stderr.strip())})
    return path


# --- Windows: Task Scheduler -----------------------------------------------------------------


def _windows_quote(word: str) -> str:
    return f'"{word}"' if any(ch in word for ch in ' \t&()^') or not word else word


def schtasks_command(data_dir: Path, share: Path, executable: str | None = None, run_as: str = "SYSTEM",
                     script_dir: Path | None = None) -> list[str]:
    """The ``schtasks /Create`` argument list for a task that starts the server at boot (not run here).

    When the command is longer than /TR allows, it is written into
    ``script_dir / 'klachtenbureau-server.cmd'`` and the task runs that.
    """
    run = " ".join(_windows_quote(word) for word in server_command(data_dir, share, executable))
    if len(run) > TR_LIMIT:
        script = Path(script_dir or data_dir) / "klachtenbureau-server.cmd"
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(f"@echo off\r\n{run}\r\n", encoding="utf-8")
        run = _windows_quote(str(script))
    return ["schtasks", "/Create", "/SC", "ONSTART", "/RU", run_as, "/TN", TASK_NAME, "/TR", run,
            "/RL", "HIGHEST", "/F"]


def start_now(data_dir: Path, share: Path, executable: str | None = None) -> subprocess.Popen:
    """Run ``server run`` now, apart from the desk: the nightly backups and restarts start today, not after a reboot.

    The desk may close; the loop goes on until ``klachtenbureau server stop`` or the PC shuts down.
    """
    flags = 0
    if os.name == "nt":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW
    return subprocess.Popen(server_command(data_dir, share, executable), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True,
                            start_new_session=os.name != "nt", creationflags=flags)


def install_autostart(data_dir: Path, share: Path, unit_path: Path | None = None, executable: str | None = None,
                      enable: bool = True, run_as: str = "SYSTEM", system: bool | None = None) -> str:
    """Make the server start at boot on this PC; returns what was done, in one Dutch line."""
    if os.name == "nt":
        command = schtasks_command(data_dir, share, executable, run_as)
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise ValidationError({"autostart": _("De geplande taak kon niet worden gemaakt: {reason}").format(
                reason=(result.stderr or result.stdout).strip())})
        return _("Geplande taak {task} gemaakt: de server start voortaan bij het opstarten van deze pc.").format(
            task=TASK_NAME)
    path = install_systemd(data_dir, share, unit_path, executable, enable, system)
    if enable:
        return _("Systemd-unit {path} geschreven en ingeschakeld: de server start voortaan bij het opstarten.").format(
            path=path)
    return _("Systemd-unit {path} geschreven (nog niet ingeschakeld).").format(path=path)
