"""How the other PCs find the office server: a small file in the shared folder they already use.

The server PC writes ``klachtenbureau-server.json`` into the shared folder: the
names under which the other PCs can reach it (its host name first, then its
IPv4 addresses as fallbacks for an office network whose name resolution does
not work), the port, the database, the user and the password. A PC that is
pointed at the shared folder (``--db \\\\nas\\klachten`` or the folder chosen
in the settings) calls ``resolve(folder)`` and gets the ``postgresql://`` URL;
a folder that still holds the shared file ``klachten.db`` gives that file.

What this means for access: **whoever can read the shared folder can connect
to the database**, because the file holds the password. Those are exactly the
people who could open the shared ``klachten.db`` before, so the server gives
nobody new access; who may use Klachtenbureau is still decided by the folder's
rights (and by the sign-in inside the application). Keep the shared folder
closed to people outside the complaint desk, as before. The file names the
desks' role, not the owner of the tables (``roles.py``): with it one can read
and write complaints but not empty or rewrite the audit log. Between the PCs the
traffic is not encrypted (the wheel's PostgreSQL has no TLS); the password
never crosses the network itself (SCRAM).

The file is written to a temporary name and then renamed over the old one,
so a PC never reads half a file.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from klachtenbureau.errors import DatabaseUnavailableError
from klachtenbureau.i18n import _

FILE_NAME = "klachtenbureau-server.json"
SQLITE_NAME = "klachten.db"
FORMAT = 1
CONNECT_TIMEOUT = 1.5  # seconds per host name when choosing the one that answers


def ipv4_addresses() -> list[str]:
    """This PC's IPv4 addresses the other PCs might reach, without 127.x; the outgoing one first."""
    found: list[str] = []
    try:  # the address of the interface a packet to the LAN would leave by (nothing is sent: UDP connect)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, only used to pick an interface
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    unique = []
    for address in found:
        if not address.startswith("127.") and address != "0.0.0.0" and address not in unique:
            unique.append(address)
    return unique


def host_names() -> list[str]:
    """``socket.gethostname()`` first, then this PC's IPv4 addresses."""
    names = [socket.gethostname()]
    return names + [a for a in ipv4_addresses() if a not in names]


def write(share: Path, port: int, database: str, user: str, password: str,
          hosts: list[str] | None = None) -> Path:
    """Write (or replace) the connection file in ``share``; returns its path."""
    share = Path(share)
    content = {
        "format": FORMAT,
        "hosts": hosts if hosts is not None else host_names(),
        "port": int(port),
        "database": database,
        "user": user,
        "password": password,
    }
    target = share / FILE_NAME
    tmp = share / f".{FILE_NAME}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(content, out, indent=2, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise DatabaseUnavailableError(_(
            "Het verbindingsbestand kon niet in de gedeelde map {folder} worden geschreven: {reason}").format(
                folder=share, reason=exc.strerror or exc)) from exc
    return target


def read(share: Path) -> dict:
    """The connection file's content; DatabaseUnavailableError when it is missing or unreadable."""
    path = Path(share) / FILE_NAME
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if not content["hosts"] or not all(content[key] for key in ("port", "database", "user", "password")):
            raise KeyError("empty")
    except FileNotFoundError:
        raise DatabaseUnavailableError(_("In {folder} staat geen verbindingsbestand van de server.").format(
            folder=share)) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DatabaseUnavailableError(_(
            "Het verbindingsbestand {path} is onleesbaar of onvolledig; start de server opnieuw, dan schrijft hij "
            "het opnieuw.").format(path=path)) from exc
    return content


def reachable(host: str, port: int, timeout: float = CONNECT_TIMEOUT) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def url_for(content: dict, host: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return (f"postgresql://{quote(content['user'], safe='')}:{quote(content['password'], safe='')}"
            f"@{shown}:{int(content['port'])}/{quote(content['database'], safe='')}")


def _folder(target: str) -> Path:
    if target.startswith("file:"):
        parsed = urlparse(target)
        path = unquote(parsed.path)
        if parsed.netloc and parsed.netloc != "localhost":  # file://nas/klachten -> \\nas\klachten
            return Path(f"//{parsed.netloc}{path}")
        if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":
            path = path[1:]  # file:///C:/map -> C:/map
        return Path(path)
    return Path(target).expanduser()


def resolve(target: str, timeout: float = CONNECT_TIMEOUT) -> str:
    """The database URL for ``target``: a URL as given, or what the shared folder ``target`` points to.

    * ``postgresql://…`` or ``sqlite:///…``: returned unchanged.
    * a folder (path or ``file://`` URL) with ``klachtenbureau-server.json``: the
      server's ``postgresql://`` URL, with the first host name that answers
      within ``timeout`` seconds (the first one if none answers now: the
      application then reports the server unreachable and retries as usual).
    * a folder with only ``klachten.db``: ``sqlite:///…/klachten.db``.
    * anything else: DatabaseUnavailableError.
    """
    if target.startswith(("postgresql://", "postgres://", "sqlite:///")):
        return target
    folder = _folder(target)
    if folder.name == FILE_NAME:
        folder = folder.parent
    if (folder / FILE_NAME).exists():
        content = read(folder)
        hosts = [str(h) for h in content["hosts"]]
        chosen = next((h for h in hosts if reachable(h, int(content["port"]), timeout)), hosts[0])
        return url_for(content, chosen)
    if (folder / SQLITE_NAME).is_file():
        return f"sqlite:///{(folder / SQLITE_NAME).absolute().as_posix()}"
    if folder.is_dir():
        raise DatabaseUnavailableError(_(
            "In de map {folder} staat geen Klachtenbureau-database: geen verbindingsbestand van de server "
            "({server}) en geen {file}.").format(folder=folder, server=FILE_NAME, file=SQLITE_NAME))
    raise DatabaseUnavailableError(_(
        "{target} is geen databaseadres en geen bereikbare map. Gebruik sqlite:///pad/naar/klachten.db, "
        "postgresql://… of de gedeelde map met de database.").format(target=target))
