"""Every string the user sees has an English translation that keeps its placeholders.

The strings are extracted from the code the same way scripts/update_translations.py
does, so a new ``_("...")`` without a translation fails here until the script
is run and the .po filled in.
"""

from __future__ import annotations

import importlib.util
import re
import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from klachtenbureau import i18n

ROOT = Path(__file__).resolve().parent.parent


def _load_script():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tools = _load_script()
LANGUAGES = tools.languages()


@pytest.fixture(scope="module")
def template() -> Catalog:
    return tools.extract()


@pytest.fixture(autouse=True)
def _dutch_afterwards():
    yield
    i18n.set_language("nl")


def _catalogue(language: str) -> Catalog:
    return tools.read_catalogue(tools.po_path(language), language)


def test_english_is_a_shipped_language():
    assert LANGUAGES == ["en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_has_a_translation(language, template):
    missing = tools.untranslated(_catalogue(language), template)
    assert missing == [], (f"{len(missing)} string(s) without a {language} translation; run "
                           f"`python scripts/update_translations.py` and translate them in {tools.po_path(language)}")


def test_no_string_to_translate_hides_inside_an_f_string():
    """Babel's extraction reads an f-string as one token on this Python: a ``_("…")`` inside it is never extracted,
    so it stays Dutch in every language. Translate outside, then put it in."""
    inside = re.compile(r"""\bf(["']).*\{[^{}]*\b(?:_|ngettext)\(\s*["']""")
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "klachtenbureau").rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if inside.search(line)]
    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_markup_and_shortcut_of_the_dutch(language):
    assert tools.mismatches(_catalogue(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_holds_exactly_the_translations_of_the_po_file(language):
    assert not tools.stale_mo(language), \
        f"{tools.mo_path(language)} is out of date: run `python scripts/update_translations.py`"


def test_the_check_finds_a_new_string_without_translation(tmp_path):
    package = tmp_path / "klachtenbureau"
    package.mkdir()
    (tmp_path / "babel.cfg").write_text("[python: klachtenbureau/**.py]\n", encoding="utf-8")
    (package / "nieuw.py").write_text(textwrap.dedent("""
        from klachtenbureau.i18n import N_, _, ngettext
        A = N_("Postvak")
        B = _("Een gloednieuwe zin die nog niemand vertaalde")
        C = ngettext("{n} klacht", "{n} klachten", 2)
    """), encoding="utf-8")
    missing = tools.untranslated(_catalogue("en"), tools.extract(tmp_path))
    assert missing == ["Een gloednieuwe zin die nog niemand vertaalde"]


@pytest.mark.parametrize(("source", "translation"), [
    ("Klacht {number} is opgeslagen.", "Complaint {numbr} has been saved."),
    ("<b>Let op:</b> {text}", "Note: {text}"),
    ("&Opslaan", "Save"),
])
def test_the_check_finds_a_translation_that_lost_a_placeholder_tag_or_shortcut(source, translation):
    catalogue = Catalog(locale="en")
    catalogue.add(source, translation)
    assert len(tools.mismatches(catalogue)) == 1


def test_switching_to_english_translates_labels_plurals_and_dates():
    import datetime as dt

    from klachtenbureau.models.complaints import COMPLAINT, KINDS

    i18n.set_language("en")
    assert i18n._(KINDS[COMPLAINT]) == "Complaint"
    assert i18n.ngettext("{n} klacht over tijd", "{n} klachten over tijd", 3).format(n=3) == "3 complaints overdue"
    assert i18n.format_date(dt.date(2026, 3, 3)) == "3 March 2026"
    i18n.set_language("nl")
    assert i18n._(KINDS[COMPLAINT]) == "Klacht"
