"""Taking complainants' personal data out of free text, for anonymised exports and reports.

Seed 003: the reports to the board are anonymised. Structured fields
(name, address, phone, e-mail) are simply left out by the callers; this
module cleans what people typed: a description may say "mevrouw Jansen,
bereikbaar op 06-12345678". Removed are

* the complaint's own complainant: full name, surname and first name, street
  with house number, postcode (with the town after it), phone number however
  it is written, e-mail;
* the full name of *any* known complainant (a complaint about a fellow
  participant may name them), matched on whole words;
* anything shaped like an e-mail address or a phone number (nine digits or
  more, with or without +31 and separators).

Single words are only removed for the complaint's own complainant: removing
every surname of every relation everywhere would blank out ordinary words.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any
from collections.abc import Iterable

from klachtenbureau.i18n import _

NAME = "[naam]"
EMAIL = "[e-mailadres]"
PHONE = "[telefoonnummer]"
ADDRESS = "[adres]"
POSTCODE = "[postcode]"

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits with separators that holds at least nine digits: phone numbers, not dates or amounts.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[\s().\-/]{0,3}\d){8,14}(?!\w)")
_WORD = re.compile(r"\w+", re.UNICODE)  # double names (Jansen-de Vries) match word by word
# Dutch name particles: never removed on their own, never a name part by themselves.
PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "la", "le", "du",
                       "da", "di", "von", "el", "al", "bin", "t"})
# Forms of address in a contact person's name ("mevrouw P. de Boer"): part of the name, never a name part.
TITLES = frozenset({"mevrouw", "mevr", "mw", "meneer", "heer", "dhr", "mr", "dr", "ir", "drs", "prof"})
MAX_NAME_WORDS = 6


@dataclasses.dataclass(frozen=True)
class Complainant:
    """The personal data of one complaint's complainant, as stored."""

    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    attention: str = ""  # the contact person of an organisation ("t.a.v."): a name as much as ``name``

    @classmethod
    def of(cls, relation: Any) -> Complainant:
        """The personal data of a stored complainant (a ``Relation``)."""
        return cls(relation.name, relation.street, relation.postcode, relation.city, relation.phone,
                   relation.email, relation.attention)

    def names(self) -> list[str]:
        return [name for name in (self.name, self.attention) if name.strip()]


def _loose(text: str) -> str:
    """A pattern for ``text`` that allows any spacing (and any case) between its words."""
    return r"\s*".join(re.escape(part) for part in text.split())


class Scrubber:
    """Cleans free text; build one per export or report with every complainant name in it."""

    def __init__(self, known_names: Iterable[str] = ()):
        self.names = {key for key in map(self._key, known_names) if " " in key}
        self._done: dict[str, str] = {}

    @staticmethod
    def _key(name: str) -> str:
        """The name's words in lower case, without a leading form of address ("mevrouw P. de Boer")."""
        words = [word.lower() for word in _WORD.findall(name or "")]
        while words and words[0] in TITLES:
            words.pop(0)
        return " ".join(words)

    def text(self, text: str, own: Complainant | None = None) -> str:
        if not text:
            return ""
        if own is not None and _may_mention(text, own):
            pattern = _own_pattern(own)
            if pattern is not None:
                text = pattern.sub(_replacement, text)
        return self._generic(text)

    def _generic(self, text: str) -> str:
        # Free texts repeat a lot ("Drukke avond."): remember the last few thousand results.
        done = self._done.get(text)
        if done is None:
            done = self._known_names(_PHONE.sub(PHONE, _EMAIL.sub(EMAIL, text)))
            if len(self._done) > 5000:
                self._done.clear()
            self._done[text] = done
        return done

    def _known_names(self, text: str) -> str:
        """Replace word runs that spell a known complainant's full name."""
        if not self.names:
            return text
        words = list(_WORD.finditer(text))
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            for length in range(min(MAX_NAME_WORDS, len(words) - i), 1, -1):
                run = words[i:i + length]
                if " ".join(w.group().lower() for w in run) in self.names:
                    spans.append((run[0].start(), run[-1].end()))
                    i += length
                    break
            else:
                i += 1
        for start, end in reversed(spans):
            text = text[:start] + NAME + text[end:]
        return text


_TOKENS = {"email": EMAIL, "phone": PHONE, "street": ADDRESS, "postcode": POSTCODE, "name": NAME, "part": NAME}


def _replacement(match: re.Match[str]) -> str:
    return _TOKENS[match.lastgroup or "name"]


@functools.lru_cache(maxsize=2048)
def _clues(own: Complainant) -> tuple[tuple[str, ...], str]:
    """Lower-case fragments, one of which any mention of ``own`` contains; and the phone's last digits."""
    words = [w.lower() for w in _WORD.findall(f"{own.name} {own.attention} {own.street} {own.email}")
             if w.lower() not in PARTICLES | TITLES and len(w) >= 2]
    postcode = re.sub(r"\s", "", own.postcode or "")[:4]
    return tuple(words + ([postcode] if len(postcode) >= 4 else [])), re.sub(r"\D", "", own.phone or "")[-6:]


def _may_mention(text: str, own: Complainant) -> bool:
    """A quick test that saves building the complainant's pattern for the many texts that cannot match."""
    fragments, phone_tail = _clues(own)
    lowered = text.lower()
    if any(fragment in lowered for fragment in fragments):
        return True
    return len(phone_tail) == 6 and phone_tail in re.sub(r"\D", "", text)


@functools.lru_cache(maxsize=2048)
def _own_pattern(own: Complainant) -> re.Pattern[str] | None:
    """One regular expression for everything of ``own`` that may occur in a text; None if nothing."""
    alternatives: list[tuple[str, str]] = []
    if own.email.strip():
        alternatives.append(("email", re.escape(own.email.strip())))
    digits = re.sub(r"\D", "", own.phone or "")
    if len(digits) >= 6:
        variants = {digits}
        if digits.startswith("31"):
            variants.add("0" + digits[2:])
        if digits.startswith("0"):
            variants.update({"31" + digits[1:], "0031" + digits[1:]})
        spaced = [r"[\s().\-/]{0,3}".join(re.escape(d) for d in v) for v in sorted(variants, key=len, reverse=True)]
        alternatives.append(("phone", r"(?<!\d)\+?(?:" + "|".join(spaced) + r")(?!\d)"))
    if own.street.strip():
        alternatives.append(("street", _loose(own.street)))
    code = re.sub(r"\s", "", own.postcode or "")
    if len(code) >= 4:
        town = rf"(?:,?\s+{_loose(own.city)}(?!\w))?" if own.city.strip() else ""  # "1234 AB Utrecht": all of it
        alternatives.append(("postcode", r"(?<!\w)" + r"\s*".join(re.escape(c) for c in code) + r"(?!\w)" + town))
    if own.names():
        alternatives.append(("name", r"(?<!\w)(?:" + "|".join(_loose(n) for n in own.names()) + r")(?!\w)"))
        parts = sorted({w for n in own.names() for w in _WORD.findall(n)
                        if w.lower() not in PARTICLES | TITLES and len(w) >= 2}, key=len, reverse=True)
        if parts:
            alternatives.append(("part", r"(?<!\w)(?:" + "|".join(re.escape(p) for p in parts) + r")(?!\w)"))
    if not alternatives:
        return None
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in alternatives), re.IGNORECASE)


def legend() -> str:
    """The sentence a report or export prints to say what the bracketed words mean."""
    return _("Persoonsgegevens van klagers zijn weggelaten; in citaten staat daarvoor {name}, {address}, "
             "{postcode}, {phone} of {email}.").format(name=NAME, address=ADDRESS, postcode=POSTCODE,
                                                        phone=PHONE, email=EMAIL)
