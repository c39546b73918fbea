"""Settings of this PC (not of the office): paths, the last database, window state.

Office-wide settings live in the shared database (workflow.settings). This
file holds what differs per PC and per user. ``KLACHTENBUREAU_HOME`` moves
every folder below one directory (tests, portable installs).
"""

from __future__ import annotations

import dataclasses
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


@dataclasses.dataclass
class PcSettings:
    """Every setting of this PC, with its default: the one place that says what ``instellingen.json`` holds.

    A value of the wrong type in the file (edited by hand, written by an older version) counts as absent.
    """

    database_url: str = ""  # the database used last; empty: the default file in data_dir()
    language: str = "nl"  # the desk's language (ui/language.py checks it is a known one)
    window_geometry: str = ""  # the main window's QWidget.saveGeometry(), base64
    last_tabs: dict[str, str] = dataclasses.field(default_factory=dict)  # login -> tab used last on this PC


def load() -> PcSettings:
    try:
        stored = json.loads(_settings_file().read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        stored = {}
    settings = PcSettings()
    for field in dataclasses.fields(PcSettings):
        value = stored.get(field.name) if isinstance(stored, dict) else None
        if isinstance(value, type(getattr(settings, field.name))):
            setattr(settings, field.name, value)
    return settings


def save(settings: PcSettings) -> None:
    path = _settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(settings), indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def update(**changes: Any) -> PcSettings:
    """Change some settings of this PC and keep the rest as they are in the file."""
    settings = dataclasses.replace(load(), **changes)
    save(settings)
    return settings


def database_url(explicit: str | None = None) -> str:
    """The database to open: --db, then $KLACHTENBUREAU_DB, then the last one used, then the default."""
    return explicit or os.environ.get("KLACHTENBUREAU_DB") or load().database_url or default_database_url()
