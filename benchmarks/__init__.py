"""Performance measurements on large generated databases (not timed tests).

Run ``python -m benchmarks --complaints 100000 [--db URL] [--only NAME]``.
Each module ``bench_*.py`` here has ``run(ctx) -> dict[str, list[float]]``:
figure name -> the times of its repetitions in milliseconds; the runner prints
the median of each as ``name: median ms``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from klachtenbureau.models import User


@dataclasses.dataclass
class Context:
    """What a benchmark module gets: the acting user, the database and its size."""

    user: User  # a coordinator, the inbox's main user
    url: str
    complaints: int
    repeat: int = 15


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``fn`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times
