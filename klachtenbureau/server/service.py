"""``klachtenbureau server run``: keep the office server up, announced and backed up until told to stop.

Why a loop of our own instead of leaving PostgreSQL to itself: something has
to (re)write the connection file when the shared folder comes back or this
PC gets another address, make the nightly dump, and start the server again
if it crashed. The loop does that once a minute. A stop asked for with
``klachtenbureau server stop`` leaves a marker in the data folder; the loop
then ends instead of starting the server again (and systemd's
``Restart=on-failure`` leaves it ended, as it exits with 0).

Before it first writes the connection file, the loop makes the database
ready for the desks (``roles.prepare``): an older schema is upgraded after a
dump, and a server from before the desks had their own role gets it. Only
the desks' role goes into the connection file.

Nothing here stops the loop except ``stop_event``: a share that is gone, a
dump that fails, are logged and tried again at the next round.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

from klachtenbureau.errors import KlachtenbureauError
from klachtenbureau.server import backups, connection_file, roles
from klachtenbureau.server.backups import BackupSchedule
from klachtenbureau.server.postgres import OfficeServer

log = logging.getLogger(__name__)

STOP_MARKER = "gestopt"
ANNOUNCE_EVERY = dt.timedelta(hours=1)


def stop_marker(server: OfficeServer) -> Path:
    return server.data_dir / STOP_MARKER


def request_stop(server: OfficeServer) -> None:
    """Stop the server and tell a running ``server run`` loop not to start it again."""
    if server.data_dir.is_dir():
        stop_marker(server).write_text("klachtenbureau server stop\n", encoding="utf-8")
    server.stop()


def announce(server: OfficeServer, share: Path, hosts: list[str] | None = None) -> Path:
    """Write the connection file: the desks' role and password, never the owner's (server/roles.py)."""
    values = server.settings()
    return connection_file.write(share, server.port, values["database"], values["desk_user"], values["desk_password"],
                                 hosts)


def serve(server: OfficeServer, share: Path, schedule: BackupSchedule, stop_event: threading.Event,
          tick_seconds: float = 5.0, hosts: list[str] | None = None) -> None:
    """Start the server, announce it, back it up on schedule, until ``stop_event``; then stop it cleanly."""
    stop_marker(server).unlink(missing_ok=True)
    server.start()
    announced: dt.datetime | None = None
    prepared = False
    first = True
    try:
        while True:
            now = dt.datetime.now()
            if not server.running():
                if stop_marker(server).exists():
                    log.info("Server gestopt op verzoek; de bewaking stopt ook.")
                    return
                log.warning("De server draaide niet meer; hij wordt opnieuw gestart.")
                try:
                    server.start()
                except KlachtenbureauError as exc:
                    log.error("Opnieuw starten mislukt: %s", exc.message)
            if not prepared:  # before the first announcement: a server from before the split gets the desks' role
                try:
                    applied = roles.prepare(server, before_upgrade=lambda: backups.dump(server.url(), share))
                    prepared = True
                    if applied:
                        log.info("Database bijgewerkt naar versie %d.", applied[-1])
                except KlachtenbureauError as exc:
                    log.error("De database van de server is niet klaargezet (volgende poging over een minuut): %s",
                              exc.message)
            if prepared and (announced is None or now - announced >= ANNOUNCE_EVERY):
                try:
                    announce(server, share, hosts)
                    announced = now
                except KlachtenbureauError as exc:
                    log.warning("Verbindingsbestand niet geschreven (volgende poging over een minuut): %s",
                                exc.message)
            try:
                schedule.tick(server.url(), now, at_start=first)
                first = False
            except KlachtenbureauError as exc:
                log.error("Reservekopie van de server mislukt: %s", exc.message)
            if stop_event.wait(tick_seconds):
                return
    finally:
        if not stop_marker(server).exists():
            server.stop()
