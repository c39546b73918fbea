"""Settings of this PC (not of the office): paths, the last database, window state.

Office-wide settings live in the shared database (workflow.settings). This
file holds what differs per PC and per user. ``KLACHTENBUREAU_HOME`` moves
every folder below one directory (tests, portable installs).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

APP = "Klachtenbureau"


def _base(kind: str) -> Path:
    home = os.environ.get("KLACHTENBUREAU_HOME")
    if home:
        return Path(home) / kind
    return Path({
        "data": platformdirs.user_data_dir(APP, appauthor=False),
        "config": platformdirs.user_config_dir(APP, appauthor=False),
        "log": platformdirs.user_log_dir(APP, appauthor=False),
    }[kind])


def data_dir() -> Path:
    return _base("data")


def config_dir() -> Path:
    return _base("config")


def log_dir() -> Path:
    return _base("log")


def drafts_dir() -> Path:
    """Unfinished intakes, kept on this PC so they survive a lost network drive."""
    return data_dir() / "concepten"


def default_database_url() -> str:
    return f"sqlite:///{(data_dir() / 'klachten.db').as_posix()}"


def _settings_file() -> Path:
    return config_dir() / "instellingen.json"


def load() -> dict[str, Any]:
    try:
        return json.loads(_settings_file().read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def save(values: dict[str, Any]) -> None:
    path = _settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(values, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def database_url(explicit: str | None = None) -> str:
    """The database to open: --db, then $KLACHTENBUREAU_DB, then the last one used, then the default."""
    return explicit or os.environ.get("KLACHTENBUREAU_DB") or load().get("database_url") or default_database_url()
