"""Beheer › Standaardalinea's, driven as the coordinator would: add, change, delete, and a colleague in between."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from klachtenbureau.models import Category
from klachtenbureau.ui.session import Session
from klachtenbureau.ui.standard_paragraphs_dialog import StandardParagraphsDialog
from klachtenbureau.workflow import standard_paragraphs as sp
from tests.ui.keys import show


@pytest.fixture
def dialog(qtbot, sqlite_db, staff) -> StandardParagraphsDialog:
    return show(qtbot, StandardParagraphsDialog(Session(staff["petra"], sqlite_db)))


def press(qtbot, keyboard, button, letter: str) -> None:
    """Alt+``letter``: a button's mnemonic clicks it once its short press animation is over."""
    keyboard.alt(letter)
    qtbot.waitUntil(lambda: not button.isDown())


def rows(dialog: StandardParagraphsDialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def test_a_paragraph_is_added_from_the_keyboard_with_category_verdict_and_placeholder(qtbot, keyboard, dialog):
    press(qtbot, keyboard, dialog.new_button, "n")
    assert dialog.title.hasFocus()
    keyboard.type("Ritgegevens")
    keyboard.alt("c")
    keyboard.type("Tijdstip")
    keyboard.alt("o")
    keyboard.type("Ongegrond")
    keyboard.alt("k")
    keyboard.type("Wij hebben de ritgegevens opgevraagd, ")
    keyboard.alt("i")
    while dialog.placeholders.currentItem().data(Qt.ItemDataRole.UserRole) != "naam":
        keyboard.press(Qt.Key.Key_Down)
    keyboard.enter()
    assert dialog.text.hasFocus() and dialog.isVisible()
    keyboard.type(".")
    press(qtbot, keyboard, dialog.add_button, "v")
    taxi = Category.get(Category.name == "Tijdstip ophalen").id
    assert sp.load() == ([sp.StandardParagraph("Ritgegevens", "Wij hebben de ritgegevens opgevraagd, {naam}.", taxi,
                                               "unfounded")], 1)
    assert rows(dialog) == ["Ritgegevens\n    Tijdstip ophalen, antwoordbrief bij “ongegrond”"]
    assert "toegevoegd" in dialog.message.text.text()


def test_a_paragraph_is_changed_and_deleted(qtbot, keyboard, dialog, staff):
    sp.save(staff["petra"], [sp.StandardParagraph("Slot", "Dank u wel."),
                             sp.StandardParagraph("Excuses", "Het spijt ons.")], expected_version=0)
    dialog.reload()
    dialog.list.setCurrentRow(1)
    assert dialog.title.text() == "Excuses" and dialog.change_button.isEnabled()
    keyboard.alt("k")
    keyboard.press(Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    keyboard.type(" Echt.")
    press(qtbot, keyboard, dialog.change_button, "s")
    assert [p.text for p in sp.load()[0]] == ["Dank u wel.", "Het spijt ons. Echt."]
    assert dialog.list.currentRow() == 1
    press(qtbot, keyboard, dialog.delete_button, "w")
    assert sp.load()[0][1].title == "Excuses"  # not before the coordinator confirms
    confirm, = (button for button in dialog.message.buttons() if "Ja, verwijderen" in button.text())
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert [p.title for p in sp.load()[0]] == ["Slot"] and rows(dialog) == ["Slot\n    elke brief"]


def test_a_problem_is_shown_at_its_field_and_nothing_is_saved(qtbot, keyboard, dialog):
    keyboard.alt("k")
    keyboard.type("Beste {nam},")
    keyboard.alt("t")
    keyboard.enter()  # Enter in the form adds it
    assert dialog.fields["title"].problem() == "Geef de standaardalinea een titel."
    assert "Onbekende invulplek {nam}" in dialog.fields["text"].problem()
    assert dialog.title.hasFocus() and sp.load() == ([], 0)


def test_a_colleagues_save_in_between_is_not_overwritten_and_the_typing_stays(qtbot, keyboard, dialog, staff):
    sp.save(staff["ruud"], [sp.StandardParagraph("Van Ruud", "Zijn tekst.")], expected_version=0)
    keyboard.alt("t")
    keyboard.type("Van Petra")
    keyboard.alt("k")
    keyboard.type("Haar tekst.")
    press(qtbot, keyboard, dialog.add_button, "v")
    assert "Een collega heeft de standaardalinea's intussen gewijzigd" in dialog.message.text.text()
    assert [p.title for p in sp.load()[0]] == ["Van Ruud"]
    assert rows(dialog) == ["Van Ruud\n    elke brief"]  # the list as it is now
    assert (dialog.title.text(), dialog.text.toPlainText()) == ("Van Petra", "Haar tekst.")
    press(qtbot, keyboard, dialog.add_button, "v")
    assert [p.title for p in sp.load()[0]] == ["Van Ruud", "Van Petra"]


def test_closing_with_typing_not_saved_asks_first(qtbot, keyboard, dialog):
    keyboard.alt("t")
    keyboard.type("Half af")
    keyboard.press(Qt.Key.Key_Escape)
    assert dialog.isVisible() and "nog niet opgeslagen" in dialog.message.text.text()
    leave, = (button for button in dialog.message.buttons() if "Niet opslaan" in button.text())
    qtbot.mouseClick(leave, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
