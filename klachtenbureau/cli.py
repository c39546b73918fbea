"""Admin commands. Thin: parse, call the workflow or reports, print.

Expected problems print one Dutch line on stderr and exit 1; anything else is
a bug: its traceback goes to the log file and the user gets one line naming it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import os
import sqlite3
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import peewee

from klachtenbureau import __version__, config, logs
from klachtenbureau.errors import KlachtenbureauError, ValidationError
from klachtenbureau.i18n import _, format_date, ngettext
from klachtenbureau.models import Complaint, User, database
from klachtenbureau.models.complaints import CHANNELS, KINDS, STATUSES, WAITING_COMPLAINANT
from klachtenbureau.models.people import ROLES
from klachtenbureau.server import cli as server_cli
from klachtenbureau.workflow import admin, db_errors, demo, identity, importer, permissions, queries, recheck
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.shared_file import SharedFileGuard

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_BUG = 0, 1, 70
# For scripts (docs/administrator.md names the risk: whoever can read the script or its environment has the password).
USER_ENV, PASSWORD_ENV = "KLACHTENBUREAU_USER", "KLACHTENBUREAU_PASSWORD"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help=_(
        "database: sqlite:///pad/klachten.db, postgresql://… of de gedeelde map van het kantoor"))
    parser.add_argument("--user", metavar="LOGIN", help=_(
        "meld u aan als deze gebruiker (standaard: {user_env}, of uw Windows-account als het kantoor dat "
        "gebruikt); het wachtwoord wordt gevraagd, of komt uit {password_env}").format(
            user_env=USER_ENV, password_env=PASSWORD_ENV))


def demo_users() -> str:
    """The demo's sign-in names and roles, for --help (the password of those who need one: demo.DEMO_PASSWORD)."""
    return ", ".join(f"{login} ({_(ROLES[role]).lower()})" for login, _name, role in demo.USERS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="klachtenbureau", description=_("Klachtenbureau: de klachtenbalie van uw kantoor."))
    parser.add_argument("--version", action="version", version=f"Klachtenbureau {__version__}")
    _common(parser)
    parser.add_argument("--demo", action="store_true", help=_(
        "open de standaarddatabase en vul die eerst met voorbeeldgegevens als ze leeg is; aangemeld als petra, "
        "of een andere demogebruiker met --user: {users}; wie vertrouwelijke klachten ziet, heeft het wachtwoord "
        "{password}").format(users=demo_users(), password=demo.DEMO_PASSWORD))
    parser.add_argument("--self-test", action="store_true",
                        help=_("controleer deze installatie (database, brief, dossier, venster) en stop"))
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
    p.add_argument("action", choices=["init", "check", "backup", "upgrade", "restore", "recover", "migrate"])
    p.add_argument("backup_file", nargs="?", type=Path, metavar="BACKUP",
                   help=_("bij restore: de reservekopie die wordt teruggezet"))
    p.add_argument("-o", "--output", type=Path, help=_("bestand voor de reservekopie"))
    p.add_argument("--from", dest="source", metavar="URL", help=_("bij migrate: de huidige database (sqlite:///…)"))
    p.add_argument("--to", dest="target", metavar="URL",
                   help=_("bij migrate: de nieuwe, lege database (postgresql://…)"))
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("retention", help=_("anonimiseer klachten die langer dan de bewaartermijn gesloten zijn"))
    _common(p)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help=_("toon alleen wat er zou gebeuren"))
    mode.add_argument("--apply", action="store_true", help=_("anonimiseer echt (niet terug te draaien)"))
    p.set_defaults(func=cmd_retention)

    p = sub.add_parser("person-export", help=_("alle gegevens over één persoon als JSON (AVG-inzageverzoek)"))
    _common(p)
    p.add_argument("person", metavar="RELATIENUMMER_OF_EMAIL")
    p.add_argument("-o", "--output", type=Path, metavar="FILE.json")
    p.set_defaults(func=cmd_person_export)

    p = sub.add_parser("person-erase", help=_("wis de gegevens van één persoon op verzoek (AVG)"))
    _common(p)
    p.add_argument("person", metavar="RELATIENUMMER_OF_EMAIL")
    p.add_argument("--reason", required=True, metavar="TEKST", help=_("waarom (bijvoorbeeld: verzoek van 3 maart)"))
    p.set_defaults(func=cmd_person_erase)

    p = sub.add_parser("letter", help=_("maak een brief aan de klager (PDF) en leg die vast bij de klacht"))
    _common(p)
    p.add_argument("kind", choices=list(LETTER_COMMANDS))
    p.add_argument("number")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    p.add_argument("--their-reference", default="", metavar="TEKST", help=_("uw kenmerk van de klager"))
    p.add_argument("--question", default="", metavar="TEKST",
                   help=_("bij information: wat u de klager vraagt"))
    p.add_argument("--reply-by", metavar="JJJJ-MM-DD",
                   help=_("bij information: datum waarop de klager uiterlijk reageert (standaard over 10 "
                          "werkdagen)"))
    p.add_argument("--no-record", action="store_true", help=_("alleen het bestand maken, niets vastleggen"))
    p.set_defaults(func=cmd_letter)

    p = sub.add_parser("dossier", help=_("maak het klachtdossier als PDF/A voor het archief"))
    _common(p)
    p.add_argument("number")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_dossier)

    p = sub.add_parser("report", help=_("maak de geanonimiseerde halfjaar- of jaarrapportage (PDF)"))
    _common(p)
    p.add_argument("--period", required=True, metavar="2026H1|2026",
                   help=_("2026H1 of 2026H2 voor een halfjaarrapportage, 2026 voor het jaarverslag"))
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help=_("exporteer klachten als CSV of JSON (naar het scherm, of -o bestand)"))
    _common(p)
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--anonymize", action="store_true",
                   help=_("zonder namen, adressen, telefoonnummers en e-mailadressen van klagers"))
    p.add_argument("--period", metavar="2026H1|2026", help=_("alleen klachten ontvangen in deze periode"))
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.set_defaults(func=cmd_export)

    server_cli.add_parser(sub, _common)
    return parser


def _acting_user(login: str | None) -> User:
    """Who runs this command, once proved (workflow.identity): ``--user`` (or KLACHTENBUREAU_USER) with its password,
    or this PC's Windows account where the office signs in that way. Only db init/check/backup/upgrade (and
    restore/recover/migrate, which take the database's files themselves) run without."""
    login = login or os.environ.get(USER_ENV, "")
    if not login:
        user = identity.windows_user()
        if user is None:
            raise identity.SignInRefused(_(
                "Meld u aan met --user INLOGNAAM; het wachtwoord wordt dan gevraagd. Zonder aanmelden werken alleen "
                "db init, db check, db backup en db upgrade."))
        return identity.sign_in(user, None, identity.COMMAND_LINE)
    user = admin.get_user(login)
    if user is None:
        raise ValidationError({"user": _("Gebruiker {login} bestaat niet of is niet actief.").format(login=login)})
    password = None
    if identity.proof_for(user) is identity.Proof.PASSWORD:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            try:
                password = getpass.getpass(_("Wachtwoord van {login}: ").format(login=user.login))
            except (EOFError, KeyboardInterrupt):
                raise identity.SignInRefused(_("Aanmelden afgebroken: geen wachtwoord ingevoerd.")) from None
    return identity.sign_in(user, password, identity.COMMAND_LINE)


_guards: list[SharedFileGuard] = []  # this command's presence on a shared file; stopped when it ends


def _open(args: argparse.Namespace) -> None:
    url, _remember = store.open_office_database(config.database_url(args.db))
    guard = SharedFileGuard(url)  # nothing on the office server
    guard.start()  # with a desk active on the file, the two check their locks; unsafe: writes are refused
    _guards.append(guard)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.complaints < 0:
        raise ValidationError({"complaints": _("Het aantal klachten kan niet negatief zijn.")})
    store.open_database(config.database_url(args.db), create=True)
    if not demo.only_demo_users():  # demo staff with known passwords in an office's database: its administrator's call
        permissions.require_admin(_acting_user(args.user))
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
    if result.duplicates:
        print(importer.already_imported_text(result.duplicates))
    for problem in result.problems:
        print(_("Overgeslagen: {problem}").format(problem=problem), file=sys.stderr)
    return EXIT_OK


def shown(text: str, keep: str = "\n\t") -> str:
    """Text from the database as the terminal may print it: control and direction characters escaped (a
    complaint's text could otherwise move the cursor, clear the screen or reverse what follows), except ``keep``
    (a list of tab-separated lines keeps none)."""
    return "".join(ch if ch in keep or unicodedata.category(ch) not in ("Cc", "Cf") else f"\\u{ord(ch):04x}"
                   for ch in text)


def _read(number: str, user: User) -> Complaint:
    """The complaint a command prints or writes out: reading a confidential one is logged as from the desk, and so
    is a refused attempt (privacy.record_view)."""
    from klachtenbureau.workflow.personal_data import privacy

    complaint = queries.get_complaint(number)
    privacy.record_view(user, complaint)
    return complaint


def cmd_show(args: argparse.Namespace) -> int:
    _open(args)
    user = _acting_user(args.user)
    complaint = _read(args.number, user)
    data = queries.complaint_dict(complaint)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    who = data["complainant"]["name"] if data["complainant"] else _("anoniem")
    print(f"{data['number']}  {_(KINDS[data['kind']])} · {_(CHANNELS[data['channel']])} · {_(STATUSES[data['status']])}")
    print(_("Klager: {who}").format(who=shown(who)))
    print(_("Categorie: {category}").format(category=shown(data["category"])))
    if complaint.waiting_for == WAITING_COMPLAINANT and complaint.answered_at is None:
        print(_("Termijn staat stil sinds {since}: nog {n} werkdagen na de reactie, verwacht uiterlijk {until}.").format(
            since=format_date(complaint.waiting_since), n=complaint.answer_days_left or 0,
            until=format_date(complaint.waiting_until)))
    else:
        print(_("Antwoord uiterlijk: {date}").format(date=format_date(complaint.answer_by)))
    print(shown(data["description"]))
    for entry in data["timeline"]:
        print(f"  {entry['at']}  {shown(entry['summary'])}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    _open(args)
    user = _acting_user(args.user)
    query = queries.list_complaints(user, status=args.status, overdue=args.overdue)
    if args.json:  # every word of each complaint, as ``show`` prints it: a confidential one is logged as read
        print(json.dumps([queries.complaint_dict(_read(c.number, user) if c.confidential else c, timeline=False)
                          for c in query], ensure_ascii=False, indent=2))
        return EXIT_OK
    for c in query:
        who = c.relation.name if c.relation_id else _("anoniem")
        print(f"{c.number}\t{c.received_at:%Y-%m-%d}\t{_(STATUSES[c.status])}\t{c.answer_by}\t{shown(who, '')}\t"
              f"{shown(c.category.name, '')}")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from klachtenbureau.server import connection_file

    url = config.database_url(args.db)
    if args.action not in ("init", "migrate"):
        url = connection_file.resolve(url)  # the shared folder of the office names its database too
    if args.action == "init":
        store.open_database(url, create=True)
        print(_("Database klaar: {url}").format(url=database.identity(url)))  # no password on the screen
    elif args.action == "check":
        store.open_database(url, upgrade=False)
        store.full_check()
        print(_("Database in orde: {url}").format(url=database.identity(url)))  # no password on the screen
        for note in store.check_notes():
            print(note)
    elif args.action == "backup":
        store.open_database(url)
        print(_("Reservekopie gemaakt: {path}").format(path=store.backup(args.output)))
    elif args.action == "upgrade":
        from klachtenbureau.models import schema

        store.open_database(url, upgrade=False)
        applied = store.upgrade_schema()
        print(_("Bijgewerkt naar databaseversie {v}.").format(v=schema.SCHEMA_VERSION) if applied
              else _("De database is al bij (versie {v}).").format(v=schema.SCHEMA_VERSION))
    elif args.action == "restore":
        return _db_restore(args, url)
    elif args.action == "recover":
        return _db_recover(url)
    elif args.action == "migrate":
        return _db_migrate(args)
    return EXIT_OK


def _db_restore(args: argparse.Namespace, url: str) -> int:
    from klachtenbureau.workflow.upkeep import backups

    if args.backup_file is None:
        raise ValidationError({"backup": _("Noem de reservekopie: klachtenbureau db restore BESTAND --db URL")})
    if database.sqlite_path(url) is None:  # the office server: a nightly pg_dump
        from klachtenbureau.server import backups as server_backups

        server_backups.restore(args.backup_file, url)
        print(_("Reservekopie {backup} teruggezet op de server.").format(backup=args.backup_file))
        store.open_database(url)
        _print_reapplied(recheck.verify(url, check_after=dt.timedelta(0)))
        return EXIT_OK
    aside = backups.restore(args.backup_file, url)
    print(_("Reservekopie {backup} teruggezet in {url}.").format(backup=args.backup_file, url=url))
    if aside is not None:
        print(_("De vorige database is bewaard als {path}.").format(path=aside))
    return EXIT_OK


def _print_reapplied(report: recheck.VerifyReport) -> None:
    """What this PC had confirmed since the backup, made again from its ledger."""
    for done in report.reapplied:
        print("  " + done.message())
    for entry in report.refused:
        print("  " + _("Niet opnieuw op te slaan (de klacht is intussen veranderd); staat bij de wachtende "
                       "wijzigingen: {what}").format(what=entry.payload.get("label") or entry.action))
    print(_("{n} wijziging(en) van deze computer opnieuw toegevoegd. De andere computers voegen hun eigen "
            "wijzigingen van na de reservekopie toe zodra Klachtenbureau daar weer draait.").format(
                n=len(report.reapplied)))


def _db_recover(url: str) -> int:
    from klachtenbureau.workflow import recovery

    print(_("Laat iedereen Klachtenbureau afsluiten; tijdens het herstellen kan niemand opslaan."))
    result = recovery.recover(url)
    if result.backup is None:
        print(_("Alleen de indexen van {url} waren beschadigd; ze zijn opnieuw opgebouwd. Er is niets verloren.").format(
            url=url))
    else:
        print(_("Reservekopie {backup} teruggezet in {url}.").format(backup=result.backup, url=url))
    if result.aside is not None:
        print(_("De beschadigde database is bewaard als {path}.").format(path=result.aside))
    if result.resealed is not None:
        print(_("De keten van controlegetallen van het logboek was gebroken bij regel {id} ({at}, {action} door "
                "{login}); hij is vanaf daar opnieuw vastgelegd. Dat staat zelf in het logboek.").format(
                    id=result.resealed["from_entry"], at=result.resealed["at"], action=result.resealed["action"],
                    login=result.resealed["login"]))
    _print_reapplied(result.recheck)
    return EXIT_OK


def _db_migrate(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow.upkeep import move_to_server

    if not args.source or not args.target:
        raise ValidationError(
            {"migrate": _("Gebruik: klachtenbureau db migrate --from sqlite:///… --to postgresql://…")})
    print(_("Laat iedereen Klachtenbureau afsluiten; tijdens het overzetten kan niemand opslaan."))
    checks = move_to_server.migrate(args.source, args.target)
    for check in checks:
        print(_("{table}: {rows} rij(en), controlegetal {checksum} — gelijk").format(
            table=check.table, rows=check.rows, checksum=check.checksum[:16]))
    print(_("Alles overgezet naar {url}. Stel op elke pc dit databaseadres in.").format(url=args.target))
    return EXIT_OK


def cmd_retention(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow import settings
    from klachtenbureau.workflow.personal_data import retention

    _open(args)
    user = _acting_user(args.user)
    due = retention.due_for_anonymisation()
    result = retention.anonymise(user, due, dry_run=args.dry_run)
    years = settings.get("retention_years")
    if args.dry_run:
        print(_("Proef: {n} klacht(en), langer dan {years} jaar gesloten, zouden worden geanonimiseerd "
                "({relations} klager(s) helemaal, {documents} document(en)).").format(
                    n=len(result.numbers), years=years, relations=result.relations, documents=result.documents))
    else:
        print(_("{n} klacht(en) geanonimiseerd ({relations} klager(s) helemaal, {documents} document(en)).").format(
            n=len(result.numbers), relations=result.relations, documents=result.documents))
    if result.mails:
        print(ngettext("Van {n} e-mail die geen klacht was, worden afzender en onderwerp vergeten.",
                       "Van {n} e-mails die geen klacht waren, worden afzender en onderwerp vergeten.",
                       result.mails).format(n=result.mails) if args.dry_run else ngettext(
            "Van {n} e-mail die geen klacht was, zijn afzender en onderwerp vergeten.",
            "Van {n} e-mails die geen klacht waren, zijn afzender en onderwerp vergeten.",
            result.mails).format(n=result.mails))
    for number in result.numbers:
        print(f"  {number}")
    if not args.dry_run:
        _print_copies(result.files, result.backups)
    return EXIT_OK


def _person(text: str) -> int:
    from klachtenbureau.workflow.personal_data import privacy

    return privacy.find_relation(text).id


def cmd_person_export(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow.personal_data import privacy

    _open(args)
    user = _acting_user(args.user)
    data = privacy.person_export(user, _person(args.person))
    if args.output is None:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    try:
        privacy.save_person_export(data, args.output)
    except OSError as exc:
        raise ValidationError({"output": _("Kan {path} niet schrijven: {reason}").format(
            path=args.output, reason=exc.strerror or exc)}) from exc
    print(_("Gegevens geëxporteerd naar {path}.").format(path=args.output))
    return EXIT_OK


def cmd_person_erase(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow.personal_data import privacy

    _open(args)
    user = _acting_user(args.user)
    result = privacy.erase_person(user, _person(args.person), args.reason)
    print(_("Gegevens gewist; {n} klacht(en) geanonimiseerd: {numbers}").format(
        n=len(result.numbers), numbers=", ".join(result.numbers) or "-"))
    _print_copies(result.files, result.backups)
    return EXIT_OK


def _print_copies(files: int, backups: int) -> None:
    """What went outside the database too (this PC's files, the backups of the shared file)."""
    if files or backups:
        print(_("Ook {files} bestand(en) op deze pc verwijderd en {backups} reservekopie(ën) bijgewerkt.").format(
            files=files, backups=backups))


LETTER_COMMANDS = {"ack": "acknowledgement", "information": "information_request", "answer": "answer",
                   "extension": "extension", "aftercare": "aftercare"}


def _write_pdf(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise ValidationError({"output": _("Kan {path} niet schrijven: {reason}").format(
            path=path, reason=exc.strerror or exc)}) from exc


def cmd_letter(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow import letters

    _open(args)
    user = _acting_user(args.user)
    complaint = _read(args.number, user)
    kind = LETTER_COMMANDS[args.kind]
    request = None
    if kind == "information_request":
        letters.require_information_request(user, complaint)
        try:
            reply_by = dt.date.fromisoformat(args.reply_by) if args.reply_by else letters.default_reply_by()
        except ValueError:
            raise ValidationError({"reply_by": _("Schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2026-03-18.")}) from None
        request = letters.information_request(args.question, reply_by)
    pdf = letters.letter_pdf(user, complaint, kind, their_reference=args.their_reference, request=request)
    _write_pdf(args.output, pdf)
    if args.no_record:
        print(_("Brief opgeslagen in {path}.").format(path=args.output))
    else:
        letters.record_letter(user, complaint, kind, pdf, printed=False, request=request)
        print(_("Brief opgeslagen in {path} en vastgelegd bij klacht {number}.").format(
            path=args.output, number=complaint.number))
    return EXIT_OK


def cmd_dossier(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow import letters

    _open(args)
    user = _acting_user(args.user)
    complaint = _read(args.number, user)
    _write_pdf(args.output, letters.dossier_pdf(user, complaint))
    print(_("Klachtdossier {number} opgeslagen in {path}.").format(number=complaint.number, path=args.output))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow import reporting

    period = reporting.report_period(args.period)
    _open(args)
    _write_pdf(args.output, reporting.make(_acting_user(args.user), period.code))
    print(_("Rapportage {period} opgeslagen in {path}.").format(period=period.label(), path=args.output))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from klachtenbureau.workflow import periods
    from klachtenbureau.workflow.personal_data import export

    period = periods.parse_period(args.period) if args.period else None
    _open(args)
    user = _acting_user(args.user)
    if args.output is None:
        count = export.write(user, sys.stdout, args.format, args.anonymize, period)
        sys.stdout.flush()
        print(_("{n} klacht(en) geëxporteerd.").format(n=count), file=sys.stderr)
        return EXIT_OK
    count = export.write_file(user, args.output, args.format, args.anonymize, period)
    print(_("{n} klacht(en) geëxporteerd naar {path}.").format(n=count, path=args.output))
    return EXIT_OK


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        result = func(args)
        sys.stdout.flush()
        return result
    except BrokenPipeError:  # the reader (`… | head`) stopped early: not a failure of the command
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KlachtenbureauError as exc:
        print(_("Fout: {message}").format(message=exc.message), file=sys.stderr)
        return EXIT_ERROR
    except (peewee.PeeweeException, sqlite3.Error) as exc:
        typed = db_errors.translate(exc)  # a database failure outside the workflow's own handling
        if typed is None:
            return _bug(args)
        print(_("Fout: {message}").format(message=typed.message), file=sys.stderr)
        return EXIT_ERROR
    except Exception:
        return _bug(args)
    finally:
        while _guards:
            _guards.pop().stop()


def _bug(args: argparse.Namespace) -> int:
    """A bug: the traceback (of the exception being handled) to the log file, one line to the user."""
    path = logs.log_file()
    log.exception("Onverwachte fout in opdracht %s", args.command)
    print(_("Onverwachte fout; de details staan in {path}").format(path=path), file=sys.stderr)
    return EXIT_BUG


def main(argv: Sequence[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else list(argv))[:1] == ["--deidentify-worker"]:
        # The bundle's de-identification worker (workflow/personal_data/deidentify.py): no parser, no log file.
        from klachtenbureau.workflow.personal_data import deidentify

        return deidentify.worker_main(list(sys.argv[2:] if argv is None else argv[1:]))
    parser = build_parser()
    args = parser.parse_args(argv)
    logs.setup()
    if args.self_test:
        from klachtenbureau import selftest

        return selftest.run()
    if args.command is None:
        from klachtenbureau.ui.app import run_gui

        return run_gui(args)
    return run_command(args.func, args)
