"""Damage of one b-tree page of a SQLite database file, as a bad disk or a lost write over a share leaves it."""

from __future__ import annotations

from klachtenbureau.models import database


def scribble_over(url: str, name: str) -> None:
    """Write garbage over the root page of table or index ``name`` (keeping its page header), then close."""
    db = database.db
    root = db.execute_sql("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    page_size = db.execute_sql("PRAGMA page_size").fetchone()[0]
    database.close()
    path = database.sqlite_path(url)
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 12:start + page_size] = b"\x07" * (page_size - 12)
    path.write_bytes(bytes(data))
