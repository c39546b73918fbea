"""Searching without regard to accents and case: ``Zoë`` is found by ``zoe``, ``Öztürk`` by ``OZTURK``.

One folding: Unicode's compatibility decomposition (NFKD) splits ``ë`` into
``e`` and a combining accent; the accents are dropped, the letters Unicode
does not split (ø, ł, æ, ß, ı, …) get their plain form, and then all is
lower case. It is used in three places:

* ``fold(text)`` in Python: for what is typed into a search box, and for the
  complainant's name as the search compares it (``Relation.search_name``,
  filled whenever the name is written);
* the SQL function ``kb_fold`` on PostgreSQL, for its full-text index: the
  same steps in plain SQL (``normalize``, PostgreSQL 13 or newer), so no
  extension such as ``unaccent`` has to be installed and the result does not
  depend on the server's locale for Latin letters (a cluster in the C locale,
  which the office server gets where C.UTF-8 does not exist, lower-cases
  only A–Z, but by then the accented letters are plain A–Z);
* SQLite's full-text tokenizer removes accents itself but keeps the letters
  Unicode does not split; the common ones are replaced in SQL before it sees
  the text (``sqlite_letters``).
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not split into a plain letter and an accent, and what they are searched as.
OWN_LETTERS = {
    "æ": "ae", "Æ": "ae", "ð": "d", "Ð": "d", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h", "ı": "i", "ł": "l",
    "Ł": "l", "ŋ": "n", "Ŋ": "n", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ß": "ss", "ẞ": "ss", "ŧ": "t",
    "Ŧ": "t", "þ": "th", "Þ": "th",
}
_ACCENTS = range(0x300, 0x370)  # the combining accents NFKD splits off
_ACCENTS_SQL = f"'[\\u{_ACCENTS[0]:04x}-\\u{_ACCENTS[-1]:04x}]'"  # the same, as a PostgreSQL regular expression
_TABLE = {ord(letter): plain for letter, plain in OWN_LETTERS.items()} | {code: None for code in _ACCENTS}


def fold(text: str) -> str:
    """``text`` in lower case without accents: ``Łukasz Öztürk`` -> ``lukasz ozturk``."""
    return unicodedata.normalize("NFKD", text).translate(_TABLE).lower()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _replaced(expression: str, letters: dict[str, str]) -> str:
    for letter, plain in letters.items():
        expression = f"replace({expression}, {_literal(letter)}, {_literal(plain)})"
    return expression


def postgres_function() -> str:
    """``CREATE FUNCTION kb_fold``: ``fold`` in SQL."""
    single = {letter: plain for letter, plain in OWN_LETTERS.items() if len(plain) == 1}
    longer = {letter: plain for letter, plain in OWN_LETTERS.items() if len(plain) > 1}
    without_accents = f"regexp_replace(normalize(value, NFKD), {_ACCENTS_SQL}, '', 'g')"
    body = (f"lower(translate({_replaced(without_accents, longer)}, {_literal(''.join(single))}, "
            f"{_literal(''.join(single.values()))}))")
    return f"CREATE OR REPLACE FUNCTION kb_fold(value text) RETURNS text AS $$ SELECT {body} $$ LANGUAGE sql IMMUTABLE"


# The letters of OWN_LETTERS in the names and words of a Dutch office (Turkish, Polish, Scandinavian,
# German, French, Croatian): SQLite's parser takes about twenty nested replace() at most.
_SQLITE_LETTERS = "ıłŁøØæÆßœŒđĐ"


def sqlite_letters(expression: str) -> str:
    """SQL for ``expression`` with the letters SQLite's full-text tokenizer keeps (ı, ł, ø, æ, ß, …) made plain."""
    return _replaced(expression, {letter: OWN_LETTERS[letter] for letter in _SQLITE_LETTERS})
