"""Finding complainants again: type-ahead search, earlier and similar complaints (seed 002)."""

from __future__ import annotations

import functools
import operator
import re

import peewee

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Category, Complaint, Relation, User
from klachtenbureau.workflow import permissions
from klachtenbureau.workflow.validation import normalize_phone

_WORD = re.compile(r"\w{4,}", re.UNICODE)


def search_relations(text: str, limit: int = 20) -> list[Relation]:
    """Relations whose name, phone, postcode or e-mail contain ``text`` (case-insensitive)."""
    text = text.strip()
    if len(text) < 2:
        return []
    conditions = [
        Relation.name.contains(text),
        Relation.email.contains(text),
        peewee.fn.REPLACE(Relation.postcode, " ", "").contains(text.upper().replace(" ", "")),
    ]
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3:
        try:
            conditions.append(Relation.phone == normalize_phone(text))
        except ValidationError:  # a partial number: match on the digits typed so far
            pass
        conditions.append(peewee.fn.REPLACE(Relation.phone, " ", "").contains(digits))
    query = (Relation.select()
             .where(Relation.anonymized_at.is_null() & functools.reduce(operator.or_, conditions))
             .order_by(Relation.name)
             .limit(limit))
    return list(query)


def earlier_complaints(relation_id: int, user: User, exclude: int | None = None) -> list[Complaint]:
    """The relation's complaints the user may see, newest first."""
    query = (Complaint.select(Complaint, Category).join(Category)
             .where(Complaint.relation == relation_id).order_by(Complaint.received_at.desc()))
    if exclude is not None:
        query = query.where(Complaint.id != exclude)
    return [c for c in query if permissions.can_see(user, c)]


def similar_complaints(complaint: Complaint, user: User, limit: int = 10) -> list[Complaint]:
    """Other complaints in the same category from the last year that share words with the description."""
    words = sorted({w.lower() for w in _WORD.findall(complaint.description)}, key=len, reverse=True)[:5]
    since = complaint.received_at.replace(year=complaint.received_at.year - 1)
    query = (Complaint.select()
             .where((Complaint.id != complaint.id) & (Complaint.category == complaint.category_id)
                    & (Complaint.received_at >= since))
             .order_by(Complaint.received_at.desc()))
    if words:
        query = query.where(functools.reduce(operator.or_, [Complaint.description.contains(w) for w in words]))
    return [c for c in query.limit(limit * 3) if permissions.can_see(user, c)][:limit]

