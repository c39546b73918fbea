"""A rotating log file in the user's log folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from klachtenbureau import config


def log_file() -> Path:
    return config.log_dir() / "klachtenbureau.log"


def setup(level: int = logging.INFO) -> Path:
    path = log_file()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except OSError:  # a read-only profile must not stop the desk from working
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
