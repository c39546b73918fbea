"""Admin commands. Thin: parse, call the workflow or reports, print.

Expected problems print one Dutch line on stderr and exit 1; anything else is
a bug: its traceback goes to the log file and the user gets one line naming it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import peewee

from klachtenbureau import __version__, config, logs
from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _, format_date
from klachtenbureau.models import User, database
from klachtenbureau.models.complaints import CHANNELS, KINDS, STATUSES
from klachtenbureau.workflow import demo, importer, queries, store

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_BUG = 0, 1, 70


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help=_("database: sqlite:///pad/klachten.db of postgresql://…"))
    parser.add_argument("--user", metavar="LOGIN", help=_("handel als deze gebruiker"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="klachtenbureau", description=_("Klachtenbureau: de klachtenbalie van uw kantoor."))
    parser.add_argument("--version", action="version", version=f"Klachtenbureau {__version__}")
    _common(parser)
    parser.add_argument("--demo", action="store_true",
                        help=_("open de standaarddatabase en vul die eerst met voorbeeldgegevens als ze leeg is"))
    sub = parser.add_subparsers(dest="command", metavar=_("opdracht"))

    p = sub.add_parser("demo", help=_("vul een database met realistische voorbeeldgegevens"))
    _common(p)
    p.add_argument("--complaints", type=int, default=200, metavar="N")
    p.add_argument("--seed", type=int, default=None, metavar="S")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help=_("importeer klachten van het websiteformulier (JSON of CSV)"))
    _common(p)
    p.add_argument("file", type=Path)
    p.add_argument("--skip-invalid", action="store_true", help=_("importeer de goede rijen en meld de rest"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("show", help=_("toon één klacht"))
    _common(p)
    p.add_argument("number")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("list", help=_("lijst van klachten"))
    _common(p)
    p.add_argument("--status", choices=["open", *STATUSES])
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("db", help=_("database beheren"))
    _common(p)
    p.add_argument("action", choices=["init", "check", "backup", "upgrade"])
    p.add_argument("-o", "--output", type=Path, help=_("bestand voor de reservekopie"))
    p.set_defaults(func=cmd_db)
    return parser


def _acting_user(login: str | None) -> User:
    if not login:
        return store.system_user()
    user = User.get_or_none(User.login == login.strip().lower())
    if user is None or not user.active:
        raise ValidationError({"user": _("Gebruiker {login} bestaat niet of is niet actief.").format(login=login)})
    return user


def _open(args: argparse.Namespace, create: bool = False) -> None:
    store.open_database(config.database_url(args.db), create=create)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.complaints < 0:
        raise ValidationError({"complaints": _("Het aantal klachten kan niet negatief zijn.")})
    _open(args, create=True)
    made = demo.generate(args.complaints, seed=args.seed)
    print(_("{n} voorbeeldklachten gemaakt.").format(n=made))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    rows = importer.read_rows(args.file)
    _open(args)
    user = _acting_user(args.user)
    try:
        result = importer.import_rows(user, rows, skip_invalid=args.skip_invalid)
    except importer.ImportRejected as exc:
        print(exc.message, file=sys.stderr)
        for problem in exc.problems:
            print("  " + str(problem), file=sys.stderr)
        return EXIT_ERROR
    print(_("{n} klacht(en) geïmporteerd: {numbers}").format(
        n=len(result.imported), numbers=", ".join(c.number for c in result.imported) or "-"))
    for problem in result.problems:
        print(_("Overgeslagen: {problem}").format(problem=problem), file=sys.stderr)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    _open(args)
    user = _acting_user(args.user) if args.user else None
    complaint = queries.get_complaint(args.number, user)
    data = queries.complaint_dict(complaint)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    who = data["complainant"]["name"] if data["complainant"] else _("anoniem")
    print(f"{data['number']}  {_(KINDS[data['kind']])} · {_(CHANNELS[data['channel']])} · {_(STATUSES[data['status']])}")
    print(_("Klager: {who}").format(who=who))
    print(_("Categorie: {category}").format(category=data["category"]))
    print(_("Antwoord uiterlijk: {date}").format(date=format_date(complaint.answer_by)))
    print(data["description"])
    for entry in data["timeline"]:
        print(f"  {entry['at']}  {entry['summary']}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    _open(args)
    user = _acting_user(args.user) if args.user else None
    query = queries.list_complaints(user, status=args.status, overdue=args.overdue)
    if args.json:
        print(json.dumps([queries.complaint_dict(c, timeline=False) for c in query], ensure_ascii=False, indent=2))
        return EXIT_OK
    for c in query:
        who = c.relation.name if c.relation_id else _("anoniem")
        print(f"{c.number}\t{c.received_at:%Y-%m-%d}\t{_(STATUSES[c.status])}\t{c.answer_by}\t{who}\t{c.category.name}")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    url = config.database_url(args.db)
    if args.action == "init":
        store.open_database(url, create=True)
        print(_("Database klaar: {url}").format(url=url))
    elif args.action == "check":
        store.open_database(url, upgrade=False)
        store.full_check()
        print(_("Database in orde: {url}").format(url=url))
    elif args.action == "backup":
        store.open_database(url)
        print(_("Reservekopie gemaakt: {path}").format(path=store.backup(args.output)))
    elif args.action == "upgrade":
        from klachtenbureau.models import schema

        store.open_database(url, upgrade=False)
        applied = schema.upgrade()
        print(_("Bijgewerkt naar databaseversie {v}.").format(v=schema.SCHEMA_VERSION) if applied
              else _("De database is al bij (versie {v}).").format(v=schema.SCHEMA_VERSION))
    return EXIT_OK


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except KlachtenbureauError as exc:
        print(_("Fout: {message}").format(message=exc.message), file=sys.stderr)
        return EXIT_ERROR
    except peewee.OperationalError as exc:
        print(_("Fout: {message}").format(message=database.explain(exc).message), file=sys.stderr)
        return EXIT_ERROR
    except Exception:
        path = logs.log_file()
        log.exception("Onverwachte fout in opdracht %s", args.command)
        print(_("Onverwachte fout; de details staan in {path}").format(path=path), file=sys.stderr)
        return EXIT_BUG


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.setup()
    if args.command is None:
        from klachtenbureau.ui.app import run_gui

        return run_gui(args)
    return run_command(args.func, args)
