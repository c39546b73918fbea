"""The base model and the small helpers every table shares."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

import peewee

from klachtenbureau.models.database import db

_acting_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("acting_at", default=None)


def now() -> dt.datetime:
    """Local wall-clock time without microseconds: what the office reads on its clocks."""
    moment = _acting_at.get()
    return moment if moment is not None else dt.datetime.now().replace(microsecond=0)


@contextlib.contextmanager
def acting_at(moment: dt.datetime) -> Iterator[None]:
    """Record steps as taken at ``moment``: for demo histories and back-dated entries of paper files."""
    token = _acting_at.set(moment.replace(microsecond=0))
    try:
        yield
    finally:
        _acting_at.reset(token)


class BaseModel(peewee.Model):
    class Meta:
        database = db
        legacy_table_names = False


class VersionedModel(BaseModel):
    """A record that two people may edit at once: saves carry the version they started from."""

    version = peewee.IntegerField(default=1)
