"""How every write happens: one short transaction, an audit entry, an operation id.

The operation id is made by the client before it writes. When the outcome
of a commit is unknown (the share dropped at the wrong moment), the caller
sends the same operation again with the same id: if the first attempt did
commit, its audit entry is found and its result returned instead of writing
twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import peewee

from klachtenbureau.errors import ConflictError
from klachtenbureau.models import AuditEntry, User, audit
from klachtenbureau.models.base import BaseModel, VersionedModel, now
from klachtenbureau.models.database import retry_on_busy, write_transaction
from klachtenbureau.workflow import db_errors
from klachtenbureau.workflow.offline import resilience

# Free text that may hold personal data is never copied into the audit log, which is
# never rewritten; the log records that such a field changed, not what it said.
PRIVATE_FIELDS = frozenset({
    "name", "attention", "salutation", "street", "postcode", "city", "phone", "email", "description",
    "desired_outcome", "people_involved", "findings_facts", "findings_circumstances", "findings_causes",
    "findings_damage", "verdict_motivation", "remedy_note", "answer", "proposed_answer", "escalation_reason",
    "closure_note",
    "waiting_reason",
    "summary", "content",
    "password_hash", "value", "check_method", "check_conclusion",
})
CHANGED = "(gewijzigd)"


def new_operation_id() -> str:
    return uuid.uuid4().hex


@dataclasses.dataclass
class Outcome:
    """What an operation's body did, for the audit entry."""

    instance: BaseModel
    changes: dict[str, Any]
    complaint_id: int | None = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return value.get_id()
    return value


def audit_value(field: str, value: Any) -> Any:
    if field in PRIVATE_FIELDS:
        return CHANGED if value not in (None, "") else ""
    return _jsonable(value)


def perform(user: User, action: str, body: Callable[[], Outcome], operation_id: str | None = None) -> BaseModel:
    """Run ``body`` in one write transaction and log it; replay-safe by ``operation_id``."""
    op_id = operation_id or new_operation_id()

    @retry_on_busy
    def attempt() -> BaseModel:
        with write_transaction():
            done = AuditEntry.get_or_none(AuditEntry.operation_id == op_id)
            if done is not None:
                return _replay(done)
            outcome = body()
            instance = outcome.instance
            audit.append(
                operation_id=op_id,
                user_login=user.login,
                action=action,
                entity=instance._meta.table_name,
                entity_id=instance.get_id(),
                complaint_id=outcome.complaint_id,
                changes=json.dumps(
                    {k: audit_value(k, v) for k, v in outcome.changes.items()},
                    ensure_ascii=False, sort_keys=True),
            )
            return instance

    try:
        result = attempt()
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        typed = db_errors.translate(exc)  # share gone, read-only, disk full, locked, damage: typed and Dutch
        if typed is None or typed is exc:
            raise
        raise typed from exc
    resilience.verify_written(op_id)  # the commit returned; make sure the write is really there
    return result


def _replay(entry: AuditEntry) -> BaseModel:
    for model in _models():
        if model._meta.table_name == entry.entity:
            return model.get_by_id(entry.entity_id)
    raise LookupError(entry.entity)


def _models() -> list[type[BaseModel]]:
    from klachtenbureau.models.schema import TABLES

    return TABLES


def fresh(instance: VersionedModel) -> VersionedModel:
    """The row as it is now, refusing when someone else saved since ``instance`` was loaded."""
    model = type(instance)
    current = model.get_or_none(model._meta.primary_key == instance.get_id())
    if current is None or current.version != instance.version:
        raise ConflictError()
    return current


def update_versioned(instance: VersionedModel, expected_version: int, fields: dict[str, Any],
                     touch: bool = True) -> dict[str, Any]:
    """Save ``fields`` only if the row still has ``expected_version``; returns what changed."""
    model = type(instance)
    changes = {name: value for name, value in fields.items() if getattr(instance, name) != value}
    values = dict(fields)
    values["version"] = expected_version + 1
    if touch and "updated_at" in model._meta.fields:
        values["updated_at"] = now()
    updated = (model.update(**values)
               .where((model._meta.primary_key == instance.get_id()) & (model.version == expected_version))
               .execute())
    if updated != 1:
        raise ConflictError()
    for name, value in values.items():
        setattr(instance, name, value)
    return changes


def copy_into(target: BaseModel, source: BaseModel) -> BaseModel:
    """Bring the caller's instance up to date with what was saved, so its version is current."""
    for name in source._meta.fields:
        setattr(target, name, getattr(source, name))
    return target
