"""Moving an office from the shared file to the office server, in one step.

``set_up(share, data_dir, source_url)``: set up and start the server on this
PC, copy the shared SQLite file into it with ``move_to_server.migrate`` (which
counts and checksums every table on both sides, and leaves the server's
database empty if anything differs), write the connection file into the
shared folder (naming the desks' role, not the owner: ``roles.py``), and mark the old file as moved (``store.mark_moved``: it then
refuses to be opened or written and names the server), so a PC that still
has the old file's address cannot go on writing into it.

The order matters: the connection file is written before the old file is
marked, so there is never a moment when neither leads anywhere. Everybody
should close Klachtenbureau before (the copy holds the old file's write lock
while it reads, so nobody can save half-way, but a save right after the copy
and before the marking would stay behind in the old file).

Without a source the server gets an empty, ready database. Run again after a
failure it continues: an initialised server is reused, and the migration
refuses only a database that already has tables.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import database
from klachtenbureau.server import connection_file, roles, service
from klachtenbureau.server.local_disk import check_local_disk
from klachtenbureau.server.postgres import OfficeServer

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclasses.dataclass
class SetupResult:
    server: OfficeServer
    url: str                      # as the desk on this PC reaches it (127.0.0.1, the desks' role)
    connection_file: Path
    tables: int = 0               # tables moved and checked
    rows: int = 0                 # rows moved and checked
    complaints: int = 0           # of which complaints
    marked_moved: bool = False    # the old file now refuses to be used
    notes: list[str] = dataclasses.field(default_factory=list)


def _check_share(share: Path) -> None:
    if not share.is_dir():
        raise ValidationError({"share": _("De gedeelde map {folder} bestaat niet of is niet bereikbaar.").format(
            folder=share)})
    probe = share / ".klachtenbureau-schrijftest"
    try:
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise ValidationError({"share": _("In de gedeelde map {folder} kan niet worden geschreven: {reason}").format(
            folder=share, reason=exc.strerror or exc)}) from exc


def set_up(share: Path, data_dir: Path | None = None, source_url: str | None = None, port: int | None = None,
           os_user: str | None = None, progress: Progress | None = None,
           hosts: list[str] | None = None) -> SetupResult:
    """Set up and start the server, move ``source_url`` into it, write the connection file, mark the old file.

    ``hosts`` overrides the names written into the connection file (default:
    this PC's name and IPv4 addresses).
    """
    from klachtenbureau.workflow.upkeep import move_to_server, store

    def say(text: str) -> None:
        log.info("%s", text)
        if progress is not None:
            progress(text)

    share = Path(share).absolute()
    _check_share(share)
    server = OfficeServer(data_dir, port=port, os_user=os_user)
    check_local_disk(server.data_dir)
    if source_url is None and (share / connection_file.SQLITE_NAME).is_file():
        raise ValidationError({"source": _(
            "In de gedeelde map staat al een database ({file}). Geef die op als bron (--from), zodat alle "
            "klachten meegaan naar de server.").format(file=share / connection_file.SQLITE_NAME)})
    if source_url is not None and not source_url.startswith("sqlite:///"):
        raise ValidationError({"source": _("De bron moet het gedeelde bestand zijn (sqlite:///…).")})

    if server.initialised():
        say(_("De server in {path} bestaat al en wordt gebruikt.").format(path=server.data_dir))
        server.start()
    else:
        say(_("De server wordt ingericht in {path}…").format(path=server.data_dir))
        server.init()
    url = server.url()
    result = SetupResult(server, url, share / connection_file.FILE_NAME)

    if source_url is not None:
        # Marked first: from now on no PC writes to the old file (what they save waits on their PC and follows
        # them to the server), so nothing saved during the move is left behind in it.
        store.mark_moved(source_url, share)
        result.marked_moved = True
        say(_("Het oude bestand is gemarkeerd als verhuisd; wat collega's nu opslaan, wacht op hun pc."))
        say(_("De klachten worden overgezet en gecontroleerd…"))
        try:
            checks = move_to_server.migrate(source_url, url)
        except BaseException:
            store.clear_moved(source_url)  # the move failed: the shared file is the database again
            result.marked_moved = False
            raise
        result.tables, result.rows = len(checks), sum(check.rows for check in checks)
        result.complaints = sum(check.rows for check in checks if check.table == "complaint")
        say(_("{tables} tabellen met {rows} rijen overgezet; alles gecontroleerd.").format(
            tables=result.tables, rows=result.rows))
    else:
        say(_("Een lege database wordt klaargezet…"))
        try:
            store.open_database(url, create=True)
        finally:
            database.close()
    roles.prepare(server)  # the owner keeps the tables; the other PCs get a role that cannot rewrite the audit log
    result.url = server.desk_url()
    result.connection_file = service.announce(server, share, hosts)
    say(_("Het verbindingsbestand staat in {path}.").format(path=result.connection_file))
    return result
