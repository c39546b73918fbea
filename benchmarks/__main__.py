"""``python -m benchmarks --complaints 100000 [--db URL] [--only NAME] [--repeat N]``.

Builds (or reuses) a generated database — a SQLite file under
``benchmarks/.data/`` by default, or the PostgreSQL database at ``--db`` — then
runs every ``bench_*.py`` module and prints one line per figure:
``name: median ms``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import statistics
import sys
import time
from pathlib import Path

import benchmarks
from benchmarks import Context, generate
from klachtenbureau.models import Complaint, User
from klachtenbureau.models.database import sqlite_path
from klachtenbureau.workflow.upkeep import store

DATA = Path(__file__).resolve().parent / ".data"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000, metavar="N",
                        help="size of the generated database (default 100000)")
    parser.add_argument("--db", metavar="URL", help="postgresql://… (default: a SQLite file in benchmarks/.data/)")
    parser.add_argument("--only", metavar="NAME", action="append",
                        help="run only this module (inbox, letters, …); may be repeated")
    parser.add_argument("--repeat", type=int, default=15, metavar="N", help="timed repetitions per figure")
    return parser


def prepare(url: str, complaints: int) -> int:
    """Open ``url`` and fill it up to ``complaints`` complaints; returns how many it holds."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    store.open_database(url, create=True)
    have = Complaint.select().count()
    if have < complaints:
        print(f"# generating {complaints - have} complaints into {url} …", file=sys.stderr, flush=True)
        start = time.perf_counter()
        def progress(made: int) -> None:
            if made % 10_000 < generate.BATCH:
                print(f"#   {have + made}", file=sys.stderr, flush=True)

        generate.generate(complaints - have, seed=have + 1, progress=progress)
        print(f"# generated in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
        have = Complaint.select().count()
    elif have > complaints:
        print(f"# note: {url} holds {have} complaints, more than the {complaints} asked for", file=sys.stderr)
    return have


def modules(only: list[str] | None) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    if only:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in only}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark module(s): {', '.join(sorted(unknown))}; have {', '.join(names)}")
        names = [name for name in names if name in wanted]
    return names


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = args.db or f"sqlite:///{(DATA / f'bench-{args.complaints}.db').as_posix()}"
    count = prepare(url, args.complaints)
    user = User.get(User.login == "petra")
    ctx = Context(user=user, url=url, complaints=count, repeat=args.repeat)
    print(f"# {count} complaints, {url}")
    for name in modules(args.only):
        figures = importlib.import_module(f"benchmarks.{name}").run(ctx)
        for figure, times in figures.items():
            unit = "MB" if figure.endswith("_mb") else "ms"  # peak memory, from bench_start
            print(f"{figure}: {statistics.median(times):.1f} {unit}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
