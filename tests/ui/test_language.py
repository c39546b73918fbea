"""The language setting of this PC: our strings, Qt's standard buttons and date names follow it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDialogButtonBox

from klachtenbureau import config, i18n
from klachtenbureau.ui import language


@pytest.fixture
def untranslated_afterwards(qapp):
    yield
    language.uninstall(qapp)


def cancel_text(qtbot) -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    return box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")


def test_without_a_setting_the_desk_and_qt_dialogs_are_dutch(qtbot, qapp, untranslated_afterwards):
    assert language.configured_language() == "nl"
    assert language.install(qapp)
    assert i18n._("Postvak") == "Postvak"
    assert cancel_text(qtbot) == "Annuleren"
    assert QLocale().monthName(3) == "maart"
    assert QLocale().toString(QDate(2026, 3, 3), "d MMMM yyyy") == "3 maart 2026"


def test_english_setting_translates_our_strings_and_qt_stays_english(qtbot, qapp, untranslated_afterwards):
    config.update(language="en")
    assert language.configured_language() == "en"
    language.install(qapp)
    assert i18n.language() == "en"
    assert i18n._("Postvak") == "Inbox"
    assert cancel_text(qtbot) == "Cancel"
    assert QLocale().monthName(3) == "March"


def test_an_unknown_language_in_the_settings_falls_back_to_dutch():
    config.update(language="fr")
    assert language.configured_language() == "nl"


def test_uninstall_leaves_qt_untranslated(qtbot, qapp):
    language.install(qapp, "nl")
    language.uninstall(qapp)
    assert cancel_text(qtbot) == "Cancel"
    assert i18n.language() == "nl"
