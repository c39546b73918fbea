"""Finding complainants again: type-ahead search, earlier and similar complaints (seed 002).

Also keeping one record per complainant: the records a new complainant may
duplicate, and merging two records of the same person into one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import re
from collections.abc import Callable

import peewee

from klachtenbureau.errors import NotFoundError, ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Category, Complaint, Relation, User
from klachtenbureau.models.folding import fold
from klachtenbureau.workflow import permissions, queries
from klachtenbureau.workflow.operations import Outcome, fresh, perform, update_versioned
from klachtenbureau.workflow.validation import normalize_phone, normalize_postcode

_WORD = re.compile(r"\w{4,}", re.UNICODE)


def findable_by(user: User) -> peewee.Node:
    """The relations ``user`` may find: not a person whose every complaint is confidential and none of them theirs
    to see (issue 13), not even that the name is known; who sees every confidential complaint finds everyone.

    Such a person calling again is registered as a new complainant; who may see their confidential complaint can
    merge the two records later.
    """
    if permissions.sees_all_confidential(user):
        return peewee.SQL("1 = 1")
    theirs = Complaint.alias("theirs")
    of_relation = theirs.relation == Relation.id
    involved = (theirs.received_by == user.id) | (theirs.assigned_to == user.id)
    any_complaint = theirs.select(theirs.id).where(of_relation)
    shown = theirs.select(theirs.id).where(of_relation & ((theirs.confidential == False) | involved))  # noqa: E712
    return ~peewee.fn.EXISTS(any_complaint) | peewee.fn.EXISTS(shown)


def search_relations(text: str, user: User, limit: int = 20) -> list[Relation]:
    """Relations ``user`` may find (``findable_by``) whose name, phone, postcode or e-mail contain ``text``,
    whatever its accents and case."""
    text = text.strip()
    if len(text) < 2:
        return []
    plain = fold(text)
    conditions = [
        Relation.search_name.contains(plain),
        peewee.fn.LOWER(Relation.attention).contains(text.lower()),  # an organisation by its contact person
        Relation.email.contains(plain),
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
             .where(Relation.anonymized_at.is_null() & functools.reduce(operator.or_, conditions) & findable_by(user))
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


def similar_words(description: str) -> list[str]:
    """The five longest words of ``description`` (of four letters or more), lower case; of equal length the first
    written first, so a dossier shows the same similar complaints each time it opens."""
    return sorted(dict.fromkeys(w.lower() for w in _WORD.findall(description)), key=len, reverse=True)[:5]


def _years_on(moment: dt.datetime, years: int) -> dt.datetime:
    """The same moment ``years`` later (earlier when negative); from 29 February to the 28th."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def similar_complaints(complaint: Complaint, user: User, limit: int = 10) -> list[Complaint]:
    """The newest ``limit`` other complaints of the category that the user may see and that contain one of the
    description's ``similar_words``, received from a year before the complaint up to a year after it (seed 002:
    were there similar complaints, and what became of them).

    The year after holds the ones that came in while this one is handled: for a complaint of the last year, every
    one up to now. For an older one, the complaints of its own time rather than the register's newest. So the
    query walks one category's index (schema.PERFORMANCE_INDEXES) newest first through at most two years, and
    stops at ``limit``, whatever the size of the register: the visibility rule is in the SQL, so the limit is exact.
    """
    words = similar_words(complaint.description)
    window = Complaint.received_at.between(_years_on(complaint.received_at, -1), _years_on(complaint.received_at, 1))
    query = (Complaint.select()
             .where((Complaint.category == complaint.category_id) & window & (Complaint.id != complaint.id))
             .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(limit))
    if words:
        query = query.where(functools.reduce(operator.or_, [Complaint.description.contains(w) for w in words]))
    return list(queries.visible_to(query, user))



# --- one record per complainant ------------------------------------------------------

SAME_EMAIL, SAME_PHONE, SAME_ADDRESS = "email", "phone", "address"
_ADDRESS = ("street", "postcode", "city", "country")


def house_number(street: str) -> str:
    """The house number in 'Kerkstraat 12-2' or '2e Jan Steenstraat 14 A' (12, 14): the last word's digits."""
    numbers = re.findall(r"(?:^|\s)(\d+)", street)
    return numbers[-1] if numbers else ""


def _tidy(normalize: Callable[[str], str], value: str) -> str:
    """``value`` in the form it is stored in, or '' when it is no phone number or postcode (yet)."""
    try:
        return normalize(value)
    except ValidationError:
        return ""


def possible_duplicates(user: User, phone: str = "", email: str = "", postcode: str = "", street: str = "",
                        limit: int = 10) -> list[tuple[Relation, list[str]]]:
    """Relations ``user`` may find (``findable_by``) that may be the person about to be added: the same e-mail
    address, phone number, or postcode and house number. Each with what is the same (SAME_EMAIL, SAME_PHONE,
    SAME_ADDRESS), by name.

    Numbers are compared as they are stored (``validation.normalize_phone``: '+31 6 1234 5678', '0031 6
    12345678' and '06-12345678' are all '06 12345678'), e-mail addresses whatever their case; each through an
    index, so this stays quick on a large file.
    """
    phone, postcode = _tidy(normalize_phone, phone), _tidy(normalize_postcode, postcode)
    email, number = email.strip().lower(), house_number(street)
    conditions = []
    if email:
        conditions.append(peewee.fn.LOWER(Relation.email) == email)  # schema.RELATION_INDEXES
    if phone:
        conditions.append(Relation.phone == phone)
    if postcode and number:
        conditions.append(Relation.postcode == postcode)
    if not conditions:
        return []
    found = []
    for relation in (Relation.select()
                     .where(Relation.anonymized_at.is_null() & functools.reduce(operator.or_, conditions)
                            & findable_by(user))
                     .order_by(Relation.name, Relation.id)):
        same = [reason for reason, alike in (
            (SAME_EMAIL, bool(email) and relation.email.lower() == email),
            (SAME_PHONE, bool(phone) and relation.phone == phone),
            (SAME_ADDRESS, relation.postcode == postcode and house_number(relation.street) == number)) if alike]
        if same:  # the same postcode alone is a neighbour
            found.append((relation, same))
    return found[:limit]


@dataclasses.dataclass
class MergePlan:
    """What merging ``other`` into ``keep`` does; shown before it is done."""

    keep: Relation
    other: Relation
    complaints: list[str]  # the numbers of all of the other's complaints: they move to ``keep``
    filled: dict[str, str]  # details ``keep`` lacks, taken from ``other``
    lost: dict[str, str]  # the other's details that differ from the ones ``keep`` has: they are not kept


def _plan(keep: Relation, other: Relation) -> MergePlan:
    if keep.id == other.id:
        raise ValidationError({"relation": _("Kies twee verschillende klagers.")})
    if keep.anonymized_at is not None or other.anonymized_at is not None:
        raise ValidationError({"relation": _("Een geanonimiseerde klager kan niet worden samengevoegd.")})
    filled, lost = {}, {}
    # The address goes as a whole: a street from one record with the city of the other is nobody's address.
    for fields in (("phone",), ("email",), ("attention",), ("salutation",), _ADDRESS):
        theirs = {f: getattr(other, f) for f in fields if getattr(other, f)}
        if not any(getattr(keep, f) for f in fields):
            filled.update(theirs)
        elif any(getattr(keep, f).casefold() != value.casefold() for f, value in theirs.items()):
            lost.update(theirs)
    numbers = [number for number, in Complaint.select(Complaint.number).where(Complaint.relation == other.id)
               .order_by(Complaint.received_at, Complaint.id).tuples()]
    return MergePlan(keep, other, numbers, filled, lost)


def _relation(relation_id: int) -> Relation:
    relation = Relation.get_or_none(Relation.id == relation_id)
    if relation is None:
        raise NotFoundError(_("Klager {id} bestaat niet (meer).").format(id=relation_id))
    return relation


def merge_plan(keep_id: int, other_id: int) -> MergePlan:
    """What ``merge_relations`` would do with these two records."""
    return _plan(_relation(keep_id), _relation(other_id))


def merge_relations(user: User, plan: MergePlan, operation_id: str | None = None) -> Relation:
    """Merge ``plan.other`` into ``plan.keep``: all its complaints move, ``keep``'s missing details are filled in
    from it, and the other record is removed. Refused when either record changed since the plan was made."""
    permissions.require_merge_relations(user)

    def body() -> Outcome:
        keep, other = fresh(plan.keep), fresh(plan.other)
        now_plan = _plan(keep, other)
        moved = (Complaint.update(relation=keep.id, version=Complaint.version + 1)
                 .where(Complaint.relation == other.id).execute())
        changes = update_versioned(keep, keep.version, now_plan.filled, touch=False)
        other.delete_instance()
        return Outcome(keep, {"relation_removed": other.id, "relation_kept": keep.id, "complaints_moved": moved,
                              "complaints": now_plan.complaints, **changes})

    return perform(user, "merge_relations", body, operation_id)
