"""Several PCs on one SQLite file on a network share: who else works in it, and whether this PC may write.

Why this exists: measured, two PCs writing one SQLite file over SMB lose confirmed writes and corrupt the
file whenever the share does not carry byte-range locks between PCs (a share mounted with ``nobrl``, NAS
boxes and clients that keep locks to themselves). One PC cannot see that on its own: its own locks always
work locally. So the PCs find out together:

* **Aanmelding (presence).** Every running desk writes a small JSON file next to the database
  (``klachten.db.pcs/pc-<id>.json``: host, user, pid, started, last seen) and a daemon heartbeat thread
  refreshes it. Plain files, written atomically: this never needs the database or its lock, so it keeps
  working while another PC holds the database.
* **Slotproef (lock probe).** A PC that finds another PC already active asks it to take part in a check on
  a probe file in the same folder. The joiner takes an exclusive byte-range lock on an agreed byte (the
  same kind of lock SQLite takes: POSIX ``fcntl`` record locks, ``msvcrt.locking`` on Windows) and writes a
  request; the other PC tries the same byte (it must be refused), locks a second byte and answers; the
  joiner tries that second byte (it must be refused too). Only when both directions are blocked do locks
  cross between the two PCs, and may both write. A PC that does not answer counts as *not verified*.
* **Weigering (refusal).** Until the check has passed, the PC that joined later does not write: a write
  guard registered in ``models.database`` raises ``SharedFileUnsafeError``. Because that is a
  ``DatabaseUnavailableError``, the write queue keeps the input on this PC and sends it once it is safe:
  when the other PC has gone (its presence went stale), or a new check passed. The PC that was there first
  keeps writing, so exactly one PC of a pair that failed the check writes.

Who was "first" is decided by the pair ``(started_at, pc_id)`` both PCs read from the presence files, so
both come to the same answer even when they started at the same moment.

Limits, honestly: a PC's presence is judged by its own clock (``last_seen``) and by whether this PC sees the
file change; a live PC whose clock runs behind by more than three heartbeats can look gone for one
heartbeat after this PC starts. Two desks started within seconds of each other may not see each other's
brand-new presence file at once (SMB clients cache folder listings: about 1 s on Linux, up to 10 s on
Windows); during that moment the later one may still write, and is refused once its heartbeat sees the
other. A refused PC still *reads* the file (the inbox, the checks before a write). An older Klachtenbureau
without this module does not announce itself.

The environment variable ``KLACHTENBUREAU_PROBE_FILE`` (tests only) makes a process lock another probe
file than the agreed one: exactly what a share that does not pass locks between PCs looks like to the
other side, so the refusing branch can be tested with real processes and real locks on one machine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import getpass
import json
import logging
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from klachtenbureau.i18n import _, format_datetime
from klachtenbureau.models import database
from klachtenbureau.workflow.db_errors import ReadOnlyError

log = logging.getLogger(__name__)

PASSED = "passed"  # a lock taken on one PC was seen on the other, both ways
FAILED = "failed"  # a lock was not seen: the share does not carry locks between these PCs
NO_ANSWER = "no_answer"  # the other PC is listed as active but did not take part in time: not verified

PC_NAME_ENV = "KLACHTENBUREAU_PC_NAME"  # overrides the host name (tests, two desks on one machine)
PROBE_FILE_ENV = "KLACHTENBUREAU_PROBE_FILE"  # tests only: lock this file instead of the agreed probe file

PROBE_FILE = "slotproef"
_BASE_BYTE = 1 << 20  # the agreed bytes lie far into the probe file; it holds no data
_SLOTS = 1 << 16
_FOLDER_SUFFIX = ".pcs"


class SharedFileUnsafeError(ReadOnlyError):
    """This PC must not write to the shared SQLite file now (locks do not cross, or not verified yet).

    A read-only state on purpose: the desk shows "Alleen lezen" with this reason, and the write queue keeps
    the input on this PC and sends it again once writing is safe, exactly as for a read-only share.
    """

    def __init__(self, message: str, verdict: str | None, hosts: tuple[str, ...]):
        super().__init__(message)
        self.verdict = verdict  # FAILED, NO_ANSWER or None (not checked yet)
        self.hosts = hosts


class ProbeLockError(OSError):
    """A lock could not even be tried (the share refuses locks altogether): nothing is verified."""


# --- what the PCs write ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Presence:
    """One PC's announcement, as read from its file."""

    pc_id: str
    host: str
    user: str
    pid: int
    started_at: dt.datetime
    last_seen: dt.datetime
    interval: float
    beat: int = 0
    probes: Mapping[str, str] = dataclasses.field(default_factory=dict)  # pc id -> verdict of its own probe

    @property
    def order(self) -> tuple[dt.datetime, str]:
        """Who came first: both PCs compute the same order from the same files."""
        return (self.started_at, self.pc_id)

    def label(self) -> str:
        return f"{self.host} ({self.user})" if self.user else self.host

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Presence:
        return cls(pc_id=str(data["pc_id"]), host=str(data.get("host", "?")), user=str(data.get("user", "")),
                   pid=int(data.get("pid", 0)), started_at=_parse_time(data["started_at"]),
                   last_seen=_parse_time(data["last_seen"]), interval=float(data.get("interval", 10.0)),
                   beat=int(data.get("beat", 0)), probes=dict(data.get("probes") or {}))


@dataclasses.dataclass(frozen=True)
class OtherPc:
    """Another PC working in the same file, for the status bar."""

    pc_id: str
    host: str
    user: str
    last_seen: dt.datetime
    joined_after_me: bool
    verdict: str | None  # the pair's check: PASSED / FAILED / NO_ANSWER, or None while not checked

    def label(self) -> str:
        return f"{self.host} ({self.user})" if self.user else self.host


@dataclasses.dataclass(frozen=True)
class SharedFileState:
    """What the status bar shows: who else is active, and whether this PC writes."""

    enabled: bool  # False for PostgreSQL or a guard that was not started
    others: tuple[OtherPc, ...]
    verdict: str  # "alone", "passed", "failed", "no_answer", "checking" (or "off")
    may_write: bool
    message: str  # one line for the status bar, Dutch; empty when there is nothing to say
    details: str  # a few lines for the tooltip


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _parse_time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(str(text))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Temp file + replace: another PC reads the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # gone meanwhile, being replaced, or unreadable: as if not there this time
    return data if isinstance(data, dict) else None


def host_name() -> str:
    return os.environ.get(PC_NAME_ENV) or socket.gethostname() or "?"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def presence_folder(db_path: Path) -> Path:
    """``<dbdir>/<dbname>.pcs``: next to the database, so every PC that opens the file finds it."""
    return db_path.with_name(db_path.name + _FOLDER_SUFFIX)


# --- byte-range locks, the kind SQLite uses -------------------------------------------------


class _ProbeFile:
    """One open handle on the probe file for the guard's whole life.

    POSIX record locks belong to the process and *closing any handle* on the file drops all of them, so
    the file is opened once and every lock goes through this handle. Windows locks belong to the handle
    and are taken at the file position, so seek and lock happen under one mutex.
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._mutex = threading.Lock()

    def open(self) -> None:
        """Open it now: see ``SharedFileGuard.start`` for why every PC keeps it open from the start."""
        with self._mutex:
            self._handle()

    def _handle(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        return self._fd

    def try_lock(self, offset: int) -> bool:
        """Take an exclusive lock on one byte without waiting: True if taken, False if someone holds it."""
        with self._mutex:
            fd = self._handle()
            try:
                if sys.platform == "win32":
                    import msvcrt

                    os.lseek(fd, offset, os.SEEK_SET)
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl

                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, offset, os.SEEK_SET)  # F_SETLK
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EAGAIN, getattr(errno, "EDEADLOCK", errno.EDEADLK)):
                    return False
                raise ProbeLockError(exc.errno, f"lock on {self.path} at {offset}: {exc}") from exc
            return True

    def unlock(self, offset: int) -> None:
        with self._mutex:
            if self._fd is None:
                return
            try:
                if sys.platform == "win32":
                    import msvcrt

                    os.lseek(self._fd, offset, os.SEEK_SET)
                    msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)
                else:
                    import fcntl

                    fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, offset, os.SEEK_SET)
            except OSError as exc:  # the share went away: the lock went with it
                log.debug("Slotproef: vrijgeven van byte %s mislukte: %s", offset, exc)

    def close(self) -> None:
        with self._mutex:
            if self._fd is not None:
                try:
                    os.close(self._fd)
                except OSError:
                    pass
                self._fd = None


def _probe_bytes(probe_id: str) -> tuple[int, int]:
    first = _BASE_BYTE + (int(probe_id[:8], 16) % _SLOTS) * 2
    return first, first + 1


# --- the guard -------------------------------------------------------------------------------


class SharedFileGuard:
    """Presence, lock probe and write refusal for one SQLite database file; thread-safe.

    ``start()`` announces this PC, starts the heartbeat thread (which also answers other PCs' probes),
    probes every PC that was there first, and registers the write guard; ``stop()`` undoes all of it.
    For a ``postgresql://`` URL the guard does nothing: a database server has real locks.
    """

    def __init__(self, database_path: str | Path, interval: float = 10.0, answer_timeout: float | None = None):
        path: Path | None
        if isinstance(database_path, Path):
            path = database_path
        elif "://" in str(database_path) or str(database_path).startswith(("sqlite:", "postgres")):
            path = database.sqlite_path(str(database_path))
        else:
            path = Path(database_path)
        self.db_path = path
        self.enabled = path is not None
        self.folder = presence_folder(path) if path is not None else None
        self.interval = float(interval)
        self.poll = max(0.02, min(1.0, self.interval / 4))  # how often requests and others are looked at
        self.answer_timeout = answer_timeout if answer_timeout is not None else max(5.0, 2 * self.interval)
        self.pc_id = uuid.uuid4().hex
        self.host = host_name()
        self.user = os_user()
        self.started_at: dt.datetime | None = None

        self._lock = threading.RLock()  # guards every field below
        self._scan_lock = threading.Lock()  # one scan of the folder at a time
        self._probe_mutex = threading.Lock()  # one probe of ours at a time
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._prober: threading.Thread | None = None
        self._running = False
        self._beat = 0
        self._active: dict[str, Presence] = {}  # other PCs seen within their stale window
        self._changed_at: dict[str, tuple[str, float]] = {}  # pc id -> (last_seen text, monotonic when it changed)
        self._verdicts: dict[str, tuple[str, float, str]] = {}  # pc id -> (verdict, monotonic when, detail)
        self._answered: set[str] = set()  # probe ids this PC answered
        self._holding: dict[str, tuple[int, Path, Path, float]] = {}  # probe id -> (byte, request, answer, deadline)
        self._last_scan = 0.0
        self._probe_file: _ProbeFile | None = None
        if self.folder is not None:
            self._probe_file = _ProbeFile(Path(os.environ.get(PROBE_FILE_ENV) or self.folder / PROBE_FILE))

    # --- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Announce this PC, probe the PCs that were here first (synchronously), and guard every write.

        The heartbeat thread starts before the probe, so this PC already answers others meanwhile. A share
        that cannot be written (read-only, gone) does not stop the desk: its writes fail on their own.
        """
        if not self.enabled or self._running:
            return
        with self._lock:
            self._running = True
            self._stop.clear()
            self.started_at = _utcnow()
        database.add_write_guard(self.check)  # refuse from the first moment until the picture is known
        try:
            self.folder.mkdir(exist_ok=True)
            # Open the probe file *before* announcing, and keep it open: an SMB client that is the only
            # one with a file open gets an exclusive oplock and then keeps byte-range locks to itself,
            # pushing them to the server only when another PC opens the file (measured: too late, the
            # push fails). With every announced PC holding it open, no PC has it to itself, and each lock
            # goes to the server at once, as SQLite's locks on the database file do.
            self._probe_file.open()
            self._announce()
        except OSError as exc:
            log.warning("Aanmelding naast de database mislukt (%s): %s", self.folder, exc)
        self._refresh(force=True)
        self._thread = threading.Thread(target=self._run, name="klachtenbureau-aanmelding", daemon=True)
        self._thread.start()
        self._probe_earlier(wait=True)
        if not self.state().may_write:
            # This thread's connection was opened read-write before the verdict; the next one is read-only
            # (database.SharedSqliteDatabase), so reading cannot roll back another PC's journal either.
            database.close()

    def stop(self) -> None:
        """Leave cleanly: no more guard, locks released, this PC's files removed."""
        if not self._running:
            return
        database.remove_write_guard(self.check)
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=max(5.0, 4 * self.poll))
        prober = self._prober
        if prober is not None and prober is not threading.current_thread():
            prober.join(timeout=max(5.0, 4 * self.poll))
        with self._lock:
            self._running = False
            holding = list(self._holding.items())
            self._holding.clear()
        for _probe_id, (offset, _request, answer, _deadline) in holding:
            if self._probe_file is not None:
                self._probe_file.unlock(offset)
            answer.unlink(missing_ok=True)
        if self._probe_file is not None:
            self._probe_file.close()
        try:
            self._presence_path().unlink(missing_ok=True)
        except OSError as exc:
            log.debug("Aanmelding verwijderen mislukte: %s", exc)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- presence -------------------------------------------------------------------------------

    def _presence_path(self) -> Path:
        return self.folder / f"pc-{self.pc_id}.json"

    def _announce(self) -> None:
        with self._lock:
            self._beat += 1
            data = {"pc_id": self.pc_id, "host": self.host, "user": self.user, "pid": os.getpid(),
                    "started_at": self.started_at.isoformat(), "last_seen": _utcnow().isoformat(),
                    "interval": self.interval, "beat": self._beat,
                    "probes": {pc: verdict for pc, (verdict, _when, _detail) in self._verdicts.items()}}
        _write_atomically(self._presence_path(), data)

    def _is_me_first(self, other: Presence) -> bool:
        return (self.started_at, self.pc_id) < other.order

    def _refresh(self, force: bool = False) -> None:
        """Read the folder: who is active now. Cheap; skipped when done less than a poll ago."""
        if self.folder is None:
            return
        with self._scan_lock:
            now_mono = time.monotonic()
            if not force and now_mono - self._last_scan < self.poll:
                return
            try:
                names = os.listdir(self.folder)
            except OSError:
                return  # the share is gone; the writes themselves will say so
            now_wall = _utcnow()
            active: dict[str, Presence] = {}
            for name in names:
                if not (name.startswith("pc-") and name.endswith(".json")) or name == self._presence_path().name:
                    continue
                data = _read_json(self.folder / name)
                try:
                    other = Presence.from_json(data) if data is not None else None
                except (KeyError, TypeError, ValueError):
                    other = None
                if other is None:
                    # Listed but not readable this time (being replaced over SMB, which is not atomic for a
                    # reader): judged as it was at the last scan, so a live PC does not flicker away and back,
                    # which would throw away the pair's verdict and refuse writes until a new probe.
                    other = self._active.get(name[3:-5])
                    if other is None:
                        continue
                    seen_text = self._changed_at.get(other.pc_id, ("", 0.0))[0]
                else:
                    seen_text = str(data.get("last_seen", ""))
                age = (now_wall - other.last_seen).total_seconds()
                previous = self._changed_at.get(other.pc_id)
                if previous is None:  # first sight: as old as its own clock says
                    self._changed_at[other.pc_id] = (seen_text, now_mono - max(0.0, age))
                elif previous[0] != seen_text:  # it changed while this PC watched: alive, whatever its clock
                    self._changed_at[other.pc_id] = (seen_text, now_mono)
                window = 3 * max(other.interval, self.poll)
                changed_recently = now_mono - self._changed_at[other.pc_id][1] <= window
                if changed_recently or age <= window:
                    active[other.pc_id] = other
                elif age > max(3600.0, 100 * other.interval):
                    self._remove_quietly(self.folder / name)  # a PC that died long ago
            with self._lock:
                gone = set(self._active) - set(active)
                for pc_id in gone | (set(self._verdicts) - set(active)):
                    # when it comes back it is checked again
                    self._verdicts.pop(pc_id, None)
                self._active = active
                self._last_scan = now_mono
            self._prune(names, now_wall)

    def _prune(self, names: list[str], now_wall: dt.datetime) -> None:
        """Requests, answers and temp files left behind by a PC that died mid-probe."""
        limit = max(600.0, 10 * self.answer_timeout)
        for name in names:
            if name.startswith(("verzoek-", "antwoord-")) or name.endswith(".tmp"):
                path = self.folder / name
                try:
                    age = now_wall.timestamp() - path.stat().st_mtime
                except OSError:
                    continue
                if age > limit:
                    self._remove_quietly(path)

    @staticmethod
    def _remove_quietly(path: Path) -> None:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass

    def others(self) -> list[Presence]:
        """The other PCs seen within the last few heartbeats, first-come first."""
        self._refresh()
        with self._lock:
            return sorted(self._active.values(), key=lambda p: p.order)

    # --- the heartbeat thread -------------------------------------------------------------------

    def _run(self) -> None:
        next_announce = time.monotonic() + self.interval
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_announce:
                    self._announce()
                    next_announce = time.monotonic() + self.interval
                self._refresh(force=True)
                self._answer_requests()
                self._release_answers()
                self._start_prober()
            except OSError as exc:  # the share is away or read-only: the writes themselves will say so
                log.debug("Aanmelding: hartslag mislukte: %s", exc)
            except Exception:  # the heartbeat must outlive one bad moment on the share
                log.warning("Aanmelding: hartslag mislukte", exc_info=True)
            self._wake.wait(self.poll)
            self._wake.clear()

    # --- answering another PC's probe -----------------------------------------------------------

    def _answer_requests(self) -> None:
        try:
            names = [n for n in os.listdir(self.folder) if n.startswith("verzoek-") and n.endswith(".json")]
        except OSError:
            return
        for name in names:
            request_path = self.folder / name
            request = _read_json(request_path)
            if request is None or request.get("to") != self.pc_id:
                continue
            probe_id = str(request.get("probe_id", ""))
            with self._lock:
                if not probe_id or probe_id in self._answered:
                    continue
                self._answered.add(probe_id)
            try:
                first, second = int(request["byte1"]), int(request["byte2"])
            except (KeyError, TypeError, ValueError):
                continue  # not a request this version understands
            answer: dict[str, Any] = {"probe_id": probe_id, "from": self.pc_id, "to": request.get("from"),
                                      "host": self.host, "first_blocked": False, "holding_second": False,
                                      "error": ""}
            try:
                got_first = self._probe_file.try_lock(first)
                if got_first:
                    self._probe_file.unlock(first)  # the joiner's lock did not reach this PC
                answer["first_blocked"] = not got_first
                answer["holding_second"] = self._probe_file.try_lock(second)
            except (ProbeLockError, OSError) as exc:
                answer["error"] = str(exc)
            answer_path = self.folder / f"antwoord-{probe_id}.json"
            if answer["holding_second"]:
                with self._lock:
                    self._holding[probe_id] = (second, request_path, answer_path,
                                               time.monotonic() + 2 * self.answer_timeout)
            try:
                _write_atomically(answer_path, answer)
            except OSError as exc:
                log.debug("Slotproef: antwoord schrijven mislukte: %s", exc)
            log.info("Slotproef %s van %s beantwoord: eerste byte %s", probe_id, request.get("from_host"),
                     "geblokkeerd" if answer["first_blocked"] else "NIET geblokkeerd")

    def _release_answers(self) -> None:
        """Hold the second byte until the joiner has tried it (it removes its request), or too long passed."""
        with self._lock:
            items = list(self._holding.items())
        for probe_id, (offset, request_path, answer_path, deadline) in items:
            if request_path.exists() and time.monotonic() < deadline:
                continue
            self._probe_file.unlock(offset)
            self._remove_quietly(answer_path)
            with self._lock:
                self._holding.pop(probe_id, None)

    # --- probing a PC that was here first ---------------------------------------------------------

    def _needs_probe(self) -> list[Presence]:
        with self._lock:
            now_mono = time.monotonic()
            wanted = []
            for other in sorted(self._active.values(), key=lambda p: p.order):
                if self._is_me_first(other):
                    continue
                verdict = self._verdicts.get(other.pc_id)
                if verdict is None or (verdict[0] == NO_ANSWER and now_mono - verdict[1] >= 3 * self.interval):
                    wanted.append(other)
            return wanted

    def _start_prober(self) -> None:
        """Probe in a thread of its own, so the heartbeat keeps announcing and answering meanwhile."""
        if self._needs_probe() and not self._probe_mutex.locked() and not self._stop.is_set():
            thread = threading.Thread(target=self._probe_earlier, name="klachtenbureau-slotproef", daemon=True)
            with self._lock:
                self._prober = thread
            thread.start()

    def _probe_earlier(self, wait: bool = False) -> None:
        if not self._probe_mutex.acquire(blocking=wait):
            return  # a probe is under way already
        try:
            for other in self._needs_probe():
                if self._stop.is_set():
                    return
                verdict, detail = self.probe(other)
                with self._lock:
                    if other.pc_id in self._active or verdict != NO_ANSWER:
                        self._verdicts[other.pc_id] = (verdict, time.monotonic(), detail)
                log.info("Slotproef met %s: %s %s", other.label(), verdict, detail)
                try:
                    self._announce()  # the other PC reads the pair's result from here
                except OSError:
                    pass
        finally:
            self._probe_mutex.release()

    def probe(self, other: Presence) -> tuple[str, str]:
        """Check together with ``other`` that a lock on one PC is seen on the other, both ways.

        Returns (verdict, detail). Never raises for a share problem: anything that keeps the check from
        completing leaves the pair unverified (NO_ANSWER) or, when a lock cannot be taken at all, FAILED.
        """
        probe_id = uuid.uuid4().hex
        first, second = _probe_bytes(probe_id)
        request_path = self.folder / f"verzoek-{probe_id}.json"
        answer_path = self.folder / f"antwoord-{probe_id}.json"
        try:
            if not self._probe_file.try_lock(first):
                return NO_ANSWER, "probe byte in use"
        except (ProbeLockError, OSError) as exc:
            return FAILED, f"lock not possible here: {exc}"
        try:
            _write_atomically(request_path, {"probe_id": probe_id, "from": self.pc_id, "from_host": self.host,
                                             "to": other.pc_id, "byte1": first, "byte2": second,
                                             "created_at": _utcnow().isoformat()})
            deadline = time.monotonic() + self.answer_timeout
            answer = None
            while answer is None and time.monotonic() < deadline and not self._stop.is_set():
                answer = _read_json(answer_path)
                if answer is None:
                    time.sleep(min(0.05, self.poll / 2))
            if answer is None:
                return NO_ANSWER, f"no answer within {self.answer_timeout:.0f} s"
            if answer.get("error"):
                return FAILED, f"the other PC could not lock: {answer['error']}"
            got_second = self._probe_file.try_lock(second)
            if got_second:
                self._probe_file.unlock(second)
            first_seen = bool(answer.get("first_blocked"))
            second_seen = bool(answer.get("holding_second")) and not got_second
            detail = f"this PC's lock seen there: {first_seen}; that PC's lock seen here: {second_seen}"
            return (PASSED if first_seen and second_seen else FAILED), detail
        except (ProbeLockError, OSError) as exc:
            return NO_ANSWER, f"probe interrupted: {exc}"
        finally:
            self._probe_file.unlock(first)
            self._remove_quietly(request_path)
            self._remove_quietly(answer_path)

    # --- the write guard --------------------------------------------------------------------------

    def _blockers(self) -> list[tuple[Presence, str | None]]:
        """Active PCs that were here first, with this pair's verdict, where that is not PASSED."""
        with self._lock:
            blockers = []
            for other in sorted(self._active.values(), key=lambda p: p.order):
                if self._is_me_first(other):
                    continue
                verdict = self._verdicts.get(other.pc_id)
                if verdict is None or verdict[0] != PASSED:
                    blockers.append((other, verdict[0] if verdict else None))
            return blockers

    def check(self) -> None:
        """The write guard: raise SharedFileUnsafeError when this PC must not write now."""
        if not self._running:
            return
        self._refresh()
        blockers = self._blockers()
        if not blockers:
            return
        self._wake.set()  # have the heartbeat probe now where that is due
        raise self._refusal(blockers)

    def _refusal(self, blockers: list[tuple[Presence, str | None]]) -> SharedFileUnsafeError:
        hosts = tuple(other.host for other, _verdict in blockers)
        names = ", ".join(other.label() for other, _verdict in blockers)
        verdicts = {verdict for _other, verdict in blockers}
        server = _("Werkt u vaak met meer pc's tegelijk, gebruik dan de kantoorserver "
                   "(Beheer → Deze pc als server gebruiken…).")
        if FAILED in verdicts:
            verdict: str | None = FAILED
            reason = _("Deze pc schrijft niet in het gedeelde databasebestand: de netwerkschijf geeft "
                       "vergrendelingen niet door tussen pc's, en {names} werkt er al in. Tegelijk schrijven "
                       "kan gegevens kwijtmaken of het bestand beschadigen.").format(names=names)
        elif NO_ANSWER in verdicts:
            verdict = NO_ANSWER
            reason = _("Deze pc schrijft (nog) niet in het gedeelde databasebestand: {names} werkt er ook in, "
                       "maar gaf geen antwoord op de controle of de netwerkschijf vergrendelingen doorgeeft. "
                       "De controle wordt straks herhaald.").format(names=names)
        else:
            verdict = None
            reason = _("Deze pc schrijft nog niet in het gedeelde databasebestand: samen met {names} wordt "
                       "eerst gecontroleerd of de netwerkschijf vergrendelingen doorgeeft.").format(names=names)
        kept = _("Uw invoer blijft op deze pc bewaard en wordt verstuurd zodra dat veilig kan.")
        return SharedFileUnsafeError(f"{reason} {kept} {server}", verdict, hosts)

    # --- for the status bar -----------------------------------------------------------------------

    def state(self, refresh: bool = True) -> SharedFileState:
        """Who else is active, this PC's verdict and a Dutch line for the status bar.

        ``refresh=False`` uses what the heartbeat thread last read: for the UI thread, which must never wait
        on a network share that hangs.
        """
        if not self.enabled or not self._running:
            return SharedFileState(False, (), "off", True, "", "")
        if refresh:
            self._refresh()
        with self._lock:
            others = []
            for other in sorted(self._active.values(), key=lambda p: p.order):
                later = self._is_me_first(other)
                if later:
                    verdict = other.probes.get(self.pc_id)  # that PC checked with this one
                else:
                    mine = self._verdicts.get(other.pc_id)
                    verdict = mine[0] if mine else None
                others.append(OtherPc(other.pc_id, other.host, other.user, other.last_seen, later, verdict))
        blockers = self._blockers()
        if not others:
            return SharedFileState(True, (), "alone", True, "", _("Alleen deze pc werkt in dit databasebestand."))
        if blockers:
            refusal = self._refusal(blockers)
            overall = refusal.verdict or "checking"
            names = ", ".join(other.host for other, _verdict in blockers)  # short: the tooltip has the rest
            if refusal.verdict == FAILED:
                line = _("Alleen lezen: vergrendelingen komen niet over met {names}").format(names=names)
            elif refusal.verdict == NO_ANSWER:
                line = _("Alleen lezen: {names} antwoordt niet").format(names=names)
            else:
                line = _("Alleen lezen: controle met {names} loopt nog…").format(names=names)
            details = refusal.message
        else:
            overall = PASSED
            line = _("Ook actief: {names}").format(names=", ".join(o.label() for o in others))
            details = ""
        lines = [self._describe(other) for other in others]
        return SharedFileState(True, tuple(others), overall, not blockers, line,
                               "\n".join(([details, ""] if details else []) + lines))

    @staticmethod
    def _describe(other: OtherPc) -> str:
        seen = format_datetime(other.last_seen.astimezone().replace(tzinfo=None), "HH:mm:ss")
        if other.verdict == PASSED:
            check = _("vergrendelingen gaan goed over en weer")
        elif other.verdict == FAILED:
            check = (_("vergrendelingen komen niet over; die pc slaat niets op") if other.joined_after_me
                     else _("vergrendelingen komen niet over"))
        elif other.verdict == NO_ANSWER:
            check = _("gaf geen antwoord op de controle")
        else:
            check = _("nog niet gecontroleerd")
        return _("{name}, laatst gezien {time}: {check}").format(name=other.label(), time=seen, check=check)
