"""Taking third parties' names, addresses and phone numbers out of free text with deduce, in a worker process.

The known-names scrubber (``scrub.Scrubber``) only knows complainants; a
description also names volunteers, neighbours and staff ("vrijwilliger Jan
Pietersen", "mevrouw Anna de Groot"). deduce, a maintained Dutch
de-identification library, finds person names, places, streets with house
numbers, postcodes, phone numbers, e-mail addresses and dates in free text.

deduce holds its lookup lists in memory: building them takes ~15-20 s, loading
them from the cache ~2.5 s (with the cycle collector paused, ``serve``), and
~1.1 GB, far beyond the desk's budget. So it runs in a worker process
(``python -m klachtenbureau.workflow.personal_data.deidentify``, in the bundle
``klachtenbureau-admin --deidentify-worker``) started once per export or
report, which reads JSON lines on stdin and answers each with one JSON line:
its memory goes when the export or report is done. The worker only loads the
lookup cache that was built at installation (``--build``: .ci/test, the
bundle's spec); it never builds it in front of a user.

Placeholders follow the scrubber's: a person is ``[naam]`` (a form of address
or a role before the name stays: "vrijwilliger [naam]"), a street with a
number ``[adres]``, a postcode ``[postcode]``, a town or a street without a
number ``[plaats]``, phone ``[telefoonnummer]``, e-mail ``[e-mailadres]``, a
link ``[link]``, a BSN or other identifying number ``[nummer]``, an age that
deduce considers identifying ``[leeftijd]``. Dates stay: the procedure's
dates ("op 3 maart belde zij") are what the board reads about and do not
identify anyone. A birth date does, so a date after "geboren"/"geboortedatum"
or one more than ``BIRTH_YEARS`` years back (a complaint is about recent
events) becomes ``[geboortedatum]``. Names of hospitals and care
institutions stay: organisations, not people.

Without deduce (not installed, or its cache missing) the scrubber works
alone: that is logged once, and the report says third parties' names were
not removed.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from klachtenbureau.i18n import _
from klachtenbureau.workflow.personal_data import scrub
from klachtenbureau.workflow.personal_data.scrub import ADDRESS, EMAIL, NAME, PHONE, POSTCODE, TITLES, \
    Complainant, Scrubber

log = logging.getLogger(__name__)

WORKER_ARG = "--deidentify-worker"  # the bundle's executables start the worker with this first argument
PLACE = "[plaats]"
LINK = "[link]"
NUMBER = "[nummer]"
AGE = "[leeftijd]"
BIRTH_DATE = "[geboortedatum]"
BIRTH_YEARS = 16
# "off": the scrubber alone, as without deduce. The test suite sets it (a worker start costs ~15 s and ~1.1 GB);
# the tests of this module switch it on again.
SWITCH_ENV = "KLACHTENBUREAU_DEIDENTIFY"
_TAGS = {"persoon": NAME, "patient": NAME, "telefoonnummer": PHONE, "emailadres": EMAIL, "url": LINK,
         "bsn": NUMBER, "id": NUMBER, "leeftijd": AGE}
_KEPT_TAGS = frozenset({"ziekenhuis", "zorginstelling"})
# Words deduce takes into a name that the reader needs: how someone was addressed or what they do.
ROLES = frozenset({"vrijwilliger", "vrijwilligster", "deelnemer", "deelneemster", "klant", "cliënt", "client",
                   "buurman", "buurvrouw", "buren", "chauffeur", "medewerker", "medewerkster", "collega",
                   "coördinator", "begeleider", "begeleidster", "behandelaar", "directeur", "bestuurder",
                   "telefonist", "telefoniste", "zoon", "dochter", "moeder", "vader", "broer", "zus", "oom",
                   "tante", "neef", "nicht", "partner", "echtgenoot", "echtgenote", "man", "vrouw", "heer",
                   "mijnheer", "mej", "mevr", "collega's", "stagiair", "stagiaire", "bewoner", "bewoonster"}) | TITLES
_POSTCODE = re.compile(r"\d{4}\s?[A-Za-z]{2}")
_BIRTH = re.compile(r"(?i)\b(?:geb(?:oren|oortedatum|\.)|geboortedag)\W*(?:op\W+)?$")
_YEAR = re.compile(r"(?<!\d)(\d{4}|\d{2})$")
_PLACEHOLDER = re.compile(r"\[[a-z-]+\]")
_WORDS = re.compile(r"\S+")


def _is_birth_date(before: str, date: str, today: dt.date) -> bool:
    if _BIRTH.search(before[-40:]):
        return True
    match = _YEAR.search(date.strip())
    if match is None:
        return False
    year = int(match.group(1))
    if year < 100:  # "12-04-51": a year after this one is last century's
        year += 2000 if year <= today.year % 100 else 1900
    return year <= today.year - BIRTH_YEARS


def _person(found: str) -> str:
    """``[naam]``, after the leading words that address or describe the person ("mevrouw", "vrijwilliger")."""
    words = list(_WORDS.finditer(found))
    keep = 0
    lowered = [word.group().lower().rstrip(".:,") for word in words]
    while keep < len(words) - 1 and (lowered[keep] in ROLES or lowered[keep:keep + 2] == ["de", "heer"]):
        keep += 1
    return (found[:words[keep].start()] if keep else "") + NAME


def _placeholder(tag: str, found: str, before: str, today: dt.date) -> str | None:
    """What replaces one of deduce's findings; None where the text stays."""
    if tag in _KEPT_TAGS:
        return None
    if tag == "datum":
        return BIRTH_DATE if _is_birth_date(before, found, today) else None
    if tag in ("persoon", "patient"):
        return _person(found)
    if tag == "locatie":
        if _POSTCODE.match(found.strip()):  # "3811 AB Amersfoort" comes as one finding
            return POSTCODE
        return ADDRESS if any(ch.isdigit() for ch in found) else PLACE
    return _TAGS.get(tag, NAME)


def redact(text: str, annotations: Iterable[tuple[int, int, str]], today: dt.date | None = None) -> str:
    """``text`` with deduce's findings ``(start, end, tag)`` replaced by our placeholders; what lies in or over a
    placeholder the scrubber put there already stays as it is."""
    today = today or dt.date.today()
    protected = [m.span() for m in _PLACEHOLDER.finditer(text)]
    parts, at = [], 0
    for start, end, tag in sorted(annotations):
        if start < at or any(start < p_end and p_start < end for p_start, p_end in protected):
            continue
        replacement = _placeholder(tag, text[start:end], text[:start], today)
        if replacement is None:
            continue
        parts += [text[at:start], replacement]
        at = end
    return "".join(parts) + text[at:]


# --- the worker ----------------------------------------------------------------------------------------------------


def _cache_path() -> Path | None:
    """Where the bundle keeps deduce's lookup cache; None: deduce's own place in site-packages.

    In the bundle the cache lies apart from deduce's source lists, so deduce's check that no list is newer than
    the cache (it compares folder times, which an installer sets to the moment of installation) cannot send it
    rebuilding for minutes in a read-only program folder; it still checks the deduce version.
    """
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "deduce_cache"
    return None


class CacheMissing(RuntimeError):
    """deduce's lookup cache was not built at installation."""


def load(build: bool = False) -> Any:
    """A ``deduce.Deduce``, from the cache only unless ``build``. Imported here: the desk never loads deduce."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)  # before deduce's own, which logs to stdout
    import deduce.deduce
    import deduce.lookup_structs

    if not build:
        def cached_only(lookup_path: Path, cache_path: Path, tokenizer: Any, deduce_version: str,
                        **_kwargs: Any) -> Any:
            structs = deduce.lookup_structs.load_lookup_structs_from_cache(cache_path, deduce_version)
            if structs is None:
                raise CacheMissing(f"no valid lookup cache under {cache_path}")
            return structs

        deduce.deduce.get_lookup_structs = cached_only
    cache = _cache_path()
    kwargs: dict[str, Any] = {"build_lookup_structs": build}
    if cache is not None:
        kwargs["cache_path"] = cache
    return deduce.Deduce(**kwargs)


def serve(stdin: IO[str], stdout: IO[str]) -> int:
    """The worker: one line ``{"ready": …}``, then for each ``{"text": …}`` read one ``{"text": …}`` written."""
    started = time.monotonic()
    # Unpickling the lookup lists makes millions of objects, and the cycle collector would walk them all again and
    # again while they come in (8.4 s instead of 2.5 s). None of them is garbage: they live as long as this process,
    # so once loaded they are frozen out of every later collection too (which would take 3.7 s each).
    gc.disable()
    try:
        model = load()
    except Exception as exc:  # not installed, cache missing or broken: the caller falls back to the scrubber
        stdout.write(json.dumps({"ready": False, "reason": f"{type(exc).__name__}: {exc}"}) + "\n")
        stdout.flush()
        return 1
    finally:
        gc.freeze()
        gc.enable()
    stdout.write(json.dumps({"ready": True, "seconds": round(time.monotonic() - started, 1)}) + "\n")
    stdout.flush()
    today = dt.date.today()
    for line in stdin:
        text = json.loads(line)["text"]
        found = [(a.start_char, a.end_char, a.tag) for a in model.deidentify(text).annotations]
        stdout.write(json.dumps({"text": redact(text, found, today)}, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def _cache_is_current() -> bool:
    """Whether deduce's lookup cache in site-packages exists and is newer than every source list (the test deduce
    makes itself, without loading 74 MB to read the version in it: a new version brings new lists)."""
    import importlib.util

    spec = importlib.util.find_spec("deduce")
    base = Path(spec.origin).parent / "data" / "lookup" if spec and spec.origin else None
    cache = base / "cache" / "lookup_structs.pickle" if base else None
    if cache is None or not cache.exists():
        return False
    built = cache.stat().st_mtime
    return all(path.stat().st_mtime <= built for path in [base / "src", *(base / "src").rglob("*")])


def worker_main(argv: list[str]) -> int:
    """``--build``: build deduce's lookup cache (at installation; ``--build-if-missing``: unless it is current);
    otherwise serve on stdin/stdout."""
    if "--build-if-missing" in argv and _cache_is_current():
        print("deduce lookup cache is current", file=sys.stderr)
        return 0
    if "--build" in argv or "--build-if-missing" in argv:
        started = time.monotonic()
        load(build=True)
        print(f"deduce lookup cache built in {time.monotonic() - started:.0f} s", file=sys.stderr)
        return 0
    protocol = sys.stdout
    sys.stdout = sys.stderr  # whatever a library prints must not end up in the answers
    stdin = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)  # noqa: SIM115 (the process's own stdin)
    out = open(protocol.fileno(), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    code = serve(stdin, out)
    out.flush()
    sys.stderr.flush()
    # Ended at once: tearing down the millions of objects of deduce's lists takes 0.5 s, which every report and
    # anonymised export would wait for when it closes the worker. Nothing is left to write or release.
    os._exit(code)


def worker_command() -> list[str]:
    """How to start the worker: this Python with ``-m``, or the bundle's admin executable (it has a console's
    standard streams even on Windows)."""
    if getattr(sys, "frozen", False):
        here = Path(sys.executable).parent
        admin = here / ("klachtenbureau-admin.exe" if os.name == "nt" else "klachtenbureau-admin")
        return [str(admin if admin.exists() else Path(sys.executable)), WORKER_ARG]
    return [sys.executable, "-m", __name__]


# --- the desk's side -----------------------------------------------------------------------------------------------

_warned = False


class Deidentifier(Scrubber):
    """The scrubber's known names first, then deduce in the worker; close it (or use ``with``) to end the worker.

    The worker is started at once and loads while the caller gathers its data; the first text waits for it.
    ``complete`` is False when deduce could not run: then only the scrubber's removals were made.
    """

    def __init__(self, known_names: Iterable[str] = (), command: list[str] | None = None):
        super().__init__(known_names)
        self._cleaned: dict[str, str] = {}
        self._ready: bool | None = None
        self.complete = True
        self.started = time.monotonic()
        self.load_seconds: float | None = None
        if os.environ.get(SWITCH_ENV) == "off":  # chosen, not failed: nothing to warn about
            self._process, self._ready, self.complete = None, False, False
            return
        try:
            self._process: subprocess.Popen[str] | None = subprocess.Popen(
                command or worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, encoding="utf-8", bufsize=1,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except OSError as exc:
            self._process = None
            self._give_up(str(exc))

    def __enter__(self) -> Deidentifier:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _give_up(self, reason: str) -> None:
        global _warned
        self.complete = False
        self._ready = False
        if not _warned:
            _warned = True
            log.warning("Namen van derden worden niet uit vrije tekst verwijderd (deduce werkt niet: %s)", reason)
        self.close()

    def _wait_ready(self) -> bool:
        if self._ready is None and self._process is not None:
            line = self._process.stdout.readline() if self._process.stdout else ""
            answer = json.loads(line) if line.strip() else {"ready": False, "reason": "worker stopped"}
            if answer.get("ready"):
                self._ready = True
                self.load_seconds = time.monotonic() - self.started
            else:
                self._give_up(answer.get("reason", ""))
        return bool(self._ready)

    def text(self, text: str, own: Complainant | None = None) -> str:
        text = super().text(text, own)
        if not text.strip() or not self._wait_ready():
            return text
        done = self._cleaned.get(text)
        if done is None:
            done = self._ask(text)
            if len(self._cleaned) > 5000:
                self._cleaned.clear()
            self._cleaned[text] = done
        return done

    def _ask(self, text: str) -> str:
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
            return json.loads(line)["text"]
        except (OSError, ValueError, KeyError) as exc:  # the worker died (out of memory, killed)
            self._give_up(f"{type(exc).__name__}: {exc}")
            return text

    def close(self) -> None:
        process, self._process = getattr(self, "_process", None), None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        finally:
            if process.stdout:
                process.stdout.close()

    __del__ = close  # a caller that stopped half-way (an exception, a cancelled export) ends the worker too

    def known_names_only(self) -> Scrubber:
        """A plain scrubber with the same known names, for texts that need no worker."""
        plain = Scrubber()
        plain.names = self.names
        return plain

    def legend(self) -> str:
        """The sentence a report prints to say what was removed and what the bracketed words mean."""
        self._wait_ready()
        if not self.complete:
            return scrub.legend() + " " + _("Namen van derden zijn niet verwijderd: de tekst is alleen op namen van "
                                            "klagers nagekeken.")
        return _("Persoonsgegevens zijn weggelaten, ook van anderen die in een tekst genoemd worden; in citaten "
                 "staat daarvoor {name}, {address}, {postcode}, {place}, {phone}, {email} of {birth}."
                 ).format(name=NAME, address=ADDRESS, postcode=POSTCODE, place=PLACE, phone=PHONE, email=EMAIL,
                          birth=BIRTH_DATE)


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
