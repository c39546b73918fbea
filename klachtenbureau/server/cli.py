"""``klachtenbureau server …``: set up, run, check, stop and back up the office server.

Thin, like ``klachtenbureau/cli.py``: parse, call the server package, print one
Dutch line per result. Expected problems are raised as ``KlachtenbureauError``
and printed by the main command line's ``run_command`` ("Fout: …", exit 1).
``klachtenbureau/cli.py`` adds the ``server`` command with ``add_parser``.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.server import autostart, backups, roles, service
from klachtenbureau.server.postgres import OfficeServer

ACTIONS = ("setup", "run", "status", "stop", "backup", "restore", "install-autostart")
EXIT_OK, EXIT_ERROR = 0, 1


def add_parser(subparsers: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = subparsers.add_parser("server", help=_("de kantoorserver op deze pc: inrichten, draaien, stoppen, "
                                               "reservekopie"))
    common(p)
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("backup_file", nargs="?", type=Path, metavar=_("BESTAND"),
                   help=_("bij restore: de reservekopie die wordt teruggezet"))
    p.add_argument("--share", type=Path, metavar=_("MAP"),
                   help=_("de gedeelde map die de andere pc's gebruiken (verbindingsbestand en reservekopieën)"))
    p.add_argument("--from", dest="source", metavar="sqlite:///…",
                   help=_("bij setup: het gedeelde databasebestand dat naar de server verhuist"))
    p.add_argument("--data-dir", type=Path, metavar=_("MAP"),
                   help=_("waar de server zijn gegevens bewaart, op de eigen schijf van deze pc"))
    p.add_argument("--port", type=int, metavar="N", help=_("bij setup: de poort van de server (standaard 5433)"))
    p.add_argument("--os-user", metavar=_("GEBRUIKER"),
                   help=_("als root: de systeemgebruiker waaronder de server draait (standaard postgres)"))
    p.add_argument("--keep-days", type=int, default=backups.DEFAULT_KEEP_DAYS, metavar="N",
                   help=_("reservekopieën zo veel dagen bewaren (standaard 14)"))
    p.add_argument("--backup-hour", type=int, default=backups.DEFAULT_HOUR, metavar="UUR",
                   help=_("vanaf dit uur de nachtelijke reservekopie maken (standaard 2)"))
    p.add_argument("--unit-path", type=Path, metavar=_("BESTAND"),
                   help=_("bij install-autostart op Linux: waar de systemd-unit komt"))
    p.set_defaults(func=cmd_server)


def _need_share(args: argparse.Namespace) -> Path:
    if args.share is None:
        raise ValidationError({"share": _("Geef de gedeelde map op met --share MAP.")})
    return args.share.absolute()


def _server(args: argparse.Namespace) -> OfficeServer:
    if args.port is not None and not 1024 <= args.port <= 65535:
        raise ValidationError({"port": _("Kies een poort tussen 1024 en 65535.")})
    if not 0 <= args.backup_hour <= 23:
        raise ValidationError({"backup_hour": _("Kies een uur tussen 0 en 23.")})
    if args.keep_days < 1:
        raise ValidationError({"keep_days": _("Bewaar reservekopieën minstens 1 dag.")})
    return OfficeServer(args.data_dir, port=args.port, os_user=args.os_user)


def cmd_setup(args: argparse.Namespace) -> int:
    from klachtenbureau.server import setup

    share = _need_share(args)
    _server(args)  # checks the numbers before anything is set up
    result = setup.set_up(share, args.data_dir, args.source, port=args.port, os_user=args.os_user, progress=print)
    for note in result.notes:
        print(note)
    print(_("De server draait op poort {port}. Laat deze pc aan staan; de andere pc's kiezen de map {share} als "
            "database.").format(port=result.server.port, share=share))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    share = _need_share(args)
    server = _server(args)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()

    signals = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else [])
    previous = {sig: signal.signal(sig, on_signal) for sig in signals}
    try:
        print(_("De server draait (gegevens in {path}); stoppen met Ctrl+C.").format(path=server.data_dir),
              flush=True)
        service.serve(server, share, backups.BackupSchedule(share, args.backup_hour, args.keep_days), stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(_("De server is gestopt."))
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    status = _server(args).status()
    if not status.initialised:
        print(_("In {path} is geen server ingericht.").format(path=status.data_dir))
        return EXIT_ERROR
    if not status.running:
        print(_("De server in {path} is gestopt.").format(path=status.data_dir))
        return EXIT_ERROR
    print(_("De server draait op poort {port} (proces {pid}); gegevens in {path}.").format(
        port=status.port, pid=status.pid, path=status.data_dir))
    return EXIT_OK


def cmd_stop(args: argparse.Namespace) -> int:
    server = _server(args)
    server.settings()  # 'no server set up here' as the error
    service.request_stop(server)
    print(_("De server is gestopt; de andere pc's kunnen niet meer opslaan tot hij weer draait."))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    share = _need_share(args)
    server = _server(args)
    made = backups.dump(server.url(), share)
    removed = backups.rotate(share, args.keep_days)
    print(_("Reservekopie gemaakt: {path} ({n} oude verwijderd).").format(path=made, n=len(removed)))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a dump back as the owner: the desks' role may not replace the tables (roles.py)."""
    if args.backup_file is None:
        raise ValidationError({"backup": _("Noem de reservekopie: klachtenbureau server restore BESTAND")})
    server = _server(args)
    server.start()
    print(_("Laat iedereen Klachtenbureau afsluiten; wat na de reservekopie is opgeslagen, gaat verloren "
            "op de server."), flush=True)
    backups.restore(args.backup_file, server.url())
    roles.prepare(server)  # a dump of an older version is upgraded; the desks get their rights again
    print(_("Reservekopie {backup} teruggezet op de server. Start Klachtenbureau op de andere pc's opnieuw: elke "
            "pc voegt dan zelf toe wat hij sinds de reservekopie heeft opgeslagen.").format(backup=args.backup_file))
    return EXIT_OK


def cmd_install_autostart(args: argparse.Namespace) -> int:
    share = _need_share(args)
    server = _server(args)
    print(autostart.install_autostart(server.data_dir, share, args.unit_path))
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "setup": cmd_setup, "run": cmd_run, "status": cmd_status, "stop": cmd_stop, "backup": cmd_backup,
    "restore": cmd_restore, "install-autostart": cmd_install_autostart,
}


def cmd_server(args: argparse.Namespace) -> int:
    return HANDLERS[args.action](args)
