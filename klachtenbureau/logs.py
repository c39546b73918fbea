"""A rotating log file in the user's log folder."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from klachtenbureau import config


def log_file() -> Path:
    return config.log_dir() / "klachtenbureau.log"


class PrivateLogHandler(logging.handlers.RotatingFileHandler):
    """Each log file, also after rotating, is readable by this user only: a message may name a complaint or a
    file with personal data."""

    def _open(self):  # type: ignore[no-untyped-def]  (logging's own signature)
        return open(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,
                    opener=lambda name, flags: os.open(name, flags, 0o600))


def setup(level: int = logging.INFO) -> Path:
    path = log_file()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = PrivateLogHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        for old in path.parent.glob(f"{path.name}*"):  # written before the log was private
            old.chmod(0o600)
    except OSError:  # a read-only profile must not stop the desk from working
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
