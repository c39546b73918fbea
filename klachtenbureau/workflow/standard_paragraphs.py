"""Standaardalinea's: paragraphs the coordinator keeps ready for letters, like canned responses at a helpdesk.

Each has a title, a text (with {invulplekken} if wanted) and optionally the
category and the verdict it is meant for; one with neither fits every letter.
They are one office setting ('standard_paragraphs'), saved as a whole and
version-checked: two coordinators editing the list at once do not undo each
other's work. The handler inserts them, filled in, when editing one letter.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from klachtenbureau.errors import ValidationError
from klachtenbureau.i18n import _
from klachtenbureau.models import Category, Complaint, User
from klachtenbureau.models.complaints import VERDICTS
from klachtenbureau.reports import letter_texts
from klachtenbureau.workflow import permissions, settings
from klachtenbureau.workflow.letters import letter_values

KEY = "standard_paragraphs"


@dataclasses.dataclass(frozen=True)
class StandardParagraph:
    title: str
    text: str
    category_id: int | None = None  # None: every category
    verdict: str = ""  # a key of VERDICTS; "": every letter (a verdict limits it to answer letters)

    def as_setting(self) -> dict[str, Any]:
        return {"title": self.title, "text": self.text, "category": self.category_id, "verdict": self.verdict}

    @classmethod
    def from_setting(cls, value: dict[str, Any]) -> StandardParagraph:
        return cls(title=str(value.get("title", "")), text=str(value.get("text", "")),
                   category_id=value.get("category"), verdict=value.get("verdict") or "")


@dataclasses.dataclass(frozen=True)
class FilledParagraph:
    """A standard paragraph as it goes into one letter; ``text`` is empty when a placeholder in it is."""

    title: str
    text: str


def load() -> tuple[list[StandardParagraph], int]:
    """The paragraphs in the coordinator's order, and the version to save against."""
    value, version = settings.get_with_version(KEY)
    return [StandardParagraph.from_setting(item) for item in value], version


def check(paragraphs: list[StandardParagraph]) -> None:
    """Every problem at once, keyed '<index>.<field>', in Dutch."""
    errors: dict[str, str] = {}
    known = {row[0] for row in Category.select(Category.id).tuples()}
    seen: set[str] = set()
    for index, paragraph in enumerate(paragraphs):
        title = paragraph.title.strip()
        label = title or _("alinea {n}").format(n=index + 1)
        if not title:
            errors[f"{index}.title"] = _("Geef de standaardalinea een titel.")
        elif title.casefold() in seen:
            errors[f"{index}.title"] = _("Er is al een standaardalinea met de titel “{title}”.").format(title=title)
        seen.add(title.casefold())
        if not paragraph.text.strip():
            errors[f"{index}.text"] = _("De tekst van “{title}” is leeg.").format(title=label)
        else:
            unknown = letter_texts.unknown_placeholders(paragraph.text)
            if unknown:
                errors[f"{index}.text"] = _(
                    "Onbekende invulplek {names} in “{title}”; kies er een uit de lijst.").format(
                    names=", ".join("{" + name + "}" for name in unknown), title=label)
        if paragraph.category_id is not None and paragraph.category_id not in known:
            errors[f"{index}.category"] = _("De categorie van “{title}” bestaat niet (meer).").format(title=label)
        if paragraph.verdict and paragraph.verdict not in VERDICTS:
            errors[f"{index}.verdict"] = _("Onbekend oordeel bij “{title}”.").format(title=label)
    if errors:
        raise ValidationError(errors)


def save(user: User, paragraphs: list[StandardParagraph], expected_version: int,
         operation_id: str | None = None) -> int:
    """Store the whole list; refused with a ConflictError when a colleague saved it since ``expected_version``.

    Returns the new version.
    """
    permissions.require_manager(user)
    cleaned = [dataclasses.replace(p, title=" ".join(p.title.split()), text=p.text.strip()) for p in paragraphs]
    check(cleaned)
    row = settings.put(user, KEY, [p.as_setting() for p in cleaned], operation_id, expected_version=expected_version)
    return row.version


def fits(paragraph: StandardParagraph, complaint: Complaint, kind: str) -> bool:
    """For this complaint's category (or any), and for its verdict in an answer letter (or any letter)."""
    if paragraph.category_id is not None and paragraph.category_id != complaint.category_id:
        return False
    return not paragraph.verdict or (kind == "answer" and paragraph.verdict == complaint.verdict)


def matching(user: User, complaint: Complaint, kind: str) -> list[FilledParagraph]:
    """The paragraphs that fit a letter of ``kind`` about ``complaint``, filled in; the most specific first."""
    permissions.require_see(user, complaint)
    paragraphs, _version = load()
    fitting = [p for p in paragraphs if fits(p, complaint, kind)]
    fitting.sort(key=lambda p: -((p.category_id is not None) + bool(p.verdict)))  # stable: keeps the office's order
    values = letter_values(complaint)
    return [FilledParagraph(p.title, letter_texts.fill(p.text, values)) for p in fitting]
