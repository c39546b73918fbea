"""Bring the translations up to date with the code, with babel's Python API.

    python scripts/update_translations.py          # extract, update the .po files, compile the .mo files
    python scripts/update_translations.py --check  # change nothing; exit 1 and list what is missing

Source strings are Dutch and live in the code (``_()``, ``N_()`` and
``ngettext()`` from klachtenbureau/i18n.py, files listed in babel.cfg). Each
other language has resources/locale/<lang>/LC_MESSAGES/klachtenbureau.po:
new strings are added with an empty translation (or, when a similar string
was translated before, that translation marked fuzzy for review), strings
that left the code are removed. The compiled .mo next to it is committed, so
a checkout and the Windows bundle work without a build step;
tests/test_translations.py fails when it is stale, when a string has no
(or only a fuzzy) translation, or when a translation's {placeholders},
markup or &-shortcut differ from the Dutch.

After running it, fill in the empty ``msgstr ""`` lines of the .po (any PO
editor, e.g. Poedit, or a text editor; remove the ``#, fuzzy`` line once a
suggestion is checked) and run it again to compile.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from klachtenbureau import __version__, i18n  # noqa: E402 (after the path is set)

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
SOURCE_LANGUAGE = "nl"
PO_WIDTH = 100
SHOWN = 25
HEADER = ("# Klachtenbureau: translations into '{language}' of the Dutch strings in the code.\n"
          "# Kept up to date with scripts/update_translations.py; see its docstring.\n#")

_FIELD = re.compile(r"\{[^{}\s]*\}")
_PERCENT = re.compile(r"%(?:\(\w+\))?[sdif]")
_TAG = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
# A Qt mnemonic: one '&' before a character, not '&&' and not an HTML entity such as '&nbsp;'.
_SHORTCUT = re.compile(r"(?<!&)&(?!&|#?\w+;|\s)")


def languages() -> list[str]:
    return [language for language in i18n.LANGUAGES if language != SOURCE_LANGUAGE]


def po_path(language: str) -> Path:
    return i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract(root: Path = ROOT) -> Catalog:
    """Every translatable string in the code, as a template catalogue."""
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="Klachtenbureau", version=__version__, charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def read_catalogue(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, domain=i18n.DOMAIN, project="Klachtenbureau", version=__version__,
                       charset="utf-8", fuzzy=False, header_comment=HEADER.format(language=language),
                       last_translator="Klachtenbureau", language_team=language)
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=i18n.DOMAIN)


def updated(catalogue: Catalog, template: Catalog) -> Catalog:
    # A stable creation date keeps the compiled header, and so the .mo, unchanged between runs.
    catalogue.update(template, update_creation_date=False)
    catalogue.obsolete.clear()  # strings that left the code; git keeps their history
    return catalogue


def po_bytes(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    # Without line numbers, a string moving in its file does not change the .po.
    write_po(out, catalogue, width=PO_WIDTH, ignore_obsolete=True, include_lineno=False)
    return out.getvalue()


def mo_bytes(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


# --- checks (also used by tests/test_translations.py) --------------------------------------------

def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def is_translated(message: Message) -> bool:
    return not message.fuzzy and all(_strings(message)) and bool(message.string)


def untranslated(catalogue: Catalog, template: Catalog) -> list[str]:
    """Strings of the code that have no (or only a fuzzy) translation in ``catalogue``."""
    missing = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id, wanted.context)
        if message is None or not is_translated(message) or _ids(message) != _ids(wanted):
            missing.append(_ids(wanted)[0])
    return missing


def _marks(text: str) -> dict[str, list[str]]:
    return {
        "placeholders": sorted(set(_FIELD.findall(text)) | set(_PERCENT.findall(text))),
        "markup": sorted(tag.lower() for tag in _TAG.findall(text)),
        "shortcut": ["&"] * min(1, len(_SHORTCUT.findall(text))),
    }


def mismatches(catalogue: Catalog) -> list[str]:
    """Translations whose placeholders, HTML tags or &-shortcut differ from the Dutch source."""
    problems = []
    for message in catalogue:
        if not message.id or not is_translated(message):
            continue
        ids, strings = _ids(message), _strings(message)
        for index, string in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            expected, found = _marks(source), _marks(string)
            for kind in expected:
                if expected[kind] != found[kind]:
                    problems.append(f"{kind}: {source!r} has {expected[kind]}, translation {string!r} has {found[kind]}")
    return problems


def compiled(catalogue: Catalog) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {_ids(message): _strings(message) for message in catalogue if message.id and is_translated(message)}


def stale_mo(language: str) -> bool:
    """True when the committed .mo does not hold exactly the translations of the .po."""
    path = mo_path(language)
    if not path.exists():
        return True
    with path.open("rb") as file:
        in_mo = read_mo(file)
    # Compared as read back, so a .mo written by another babel version with the same content is fine.
    expected = read_mo(io.BytesIO(mo_bytes(read_catalogue(po_path(language), language))))
    return compiled(in_mo) != compiled(expected)


# --- the command ---------------------------------------------------------------------------------

def update(check: bool) -> int:
    template = extract()
    problems = 0
    for language in languages():
        po = po_path(language)
        catalogue = updated(read_catalogue(po, language), template)
        new_po = po_bytes(catalogue)
        if check:
            changed = not po.exists() or po.read_bytes() != new_po or stale_mo(language)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            po.write_bytes(new_po)
            mo_path(language).write_bytes(mo_bytes(catalogue))
            changed = False
        missing, wrong = untranslated(catalogue, template), mismatches(catalogue)
        total = sum(1 for message in template if message.id)
        print(f"{language}: {total} strings, {total - len(missing)} translated, {len(missing)} to do"
              + (", .po/.mo out of date: run without --check" if changed else ""))
        _list("to translate", missing)
        _list("to correct", wrong)
        problems += len(missing) + len(wrong) + changed
    return 1 if check and problems else 0


def _list(title: str, items: Iterable[str]) -> None:
    items = list(items)
    if items:
        print(f"  {title}:")
        for item in items[:SHOWN]:
            print(f"    {item[:100]!r}")
        if len(items) > SHOWN:
            print(f"    … and {len(items) - SHOWN} more (see the .po file)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when something is to do")
    return update(parser.parse_args(argv).check)


if __name__ == "__main__":
    sys.exit(main())
