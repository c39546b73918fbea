"""A new caller who is already known: the wizard offers the known complainant before making a second record."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from klachtenbureau.models import Relation
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.ui.intake.duplicates_dialog import DuplicatesDialog
from klachtenbureau.workflow import intake
from tests.ui.keys import activate, active_modal, show
from tests.ui.test_intake_wizard import focused_name, page_key, registered


@pytest.fixture
def wizard(qtbot, session) -> IntakeWizard:
    return show(qtbot, IntakeWizard(session))


@pytest.fixture
def known(staff) -> Relation:
    return intake.register(staff["sanne"], intake.NewReport(description="De bus was te laat.", relation={
        "name": "Zoë de Vries", "phone": "06 12345678", "street": "Kerkstraat 3", "postcode": "3511 AB",
        "city": "Utrecht"})).relation


def new_caller_until_who_is_left(qtbot, wizard, keyboard) -> None:
    """The caller gives another name than the one on file (married name), and their usual mobile number."""
    keyboard.enter()
    keyboard.type("Jansen")
    keyboard.alt("n")  # Nieuwe klager
    qtbot.waitUntil(lambda: focused_name() == "Naam van de klager")
    keyboard.tab()
    keyboard.type("+31 6 1234 5678")
    keyboard.enter()


def finish_complaint(qtbot, wizard, keyboard):
    keyboard.enter()  # Klacht
    keyboard.dictate("De bus kwam weer niet.")
    keyboard.tab()
    keyboard.type("Ni")
    keyboard.enter()
    keyboard.enter()  # handed over: Registreren
    return registered(qtbot, wizard)


def test_known_caller_is_chosen_with_one_enter_instead_of_made_again(qtbot, wizard, keyboard, known, tmp_path):
    new_caller_until_who_is_left(qtbot, wizard, keyboard)
    dialog = active_modal(qtbot)
    assert isinstance(dialog, DuplicatesDialog) and page_key(wizard) == "who"
    row = dialog.list.topLevelItem(0)
    assert dialog.list.topLevelItemCount() == 1
    assert [row.text(i) for i in (0, 2, 4, 5)] == ["Zoë de Vries", "06 12345678", "zelfde telefoonnummer", "1"]
    assert focused_name() == "Bekende klagers die dezelfde kunnen zijn"
    dialog.grab().save(str(tmp_path / "mogelijk-dezelfde.png"))
    keyboard.enter()  # Deze klager kiezen
    qtbot.waitUntil(lambda: page_key(wizard) == "kind")
    activate(qtbot, wizard)
    complaint = finish_complaint(qtbot, wizard, keyboard)

    assert complaint.relation_id == known.id and Relation.select().count() == 1
    # As the everyday call (8) plus the one Enter that chose the known complainant.
    assert keyboard.presses == 9


def test_a_different_person_at_the_same_number_is_made_new_and_not_asked_about_again(qtbot, wizard, keyboard, known):
    new_caller_until_who_is_left(qtbot, wizard, keyboard)
    active_modal(qtbot)
    keyboard.alt("n")  # Toch een nieuwe klager
    qtbot.waitUntil(lambda: page_key(wizard) == "kind")
    activate(qtbot, wizard)
    keyboard.alt("t")  # Terug to the Who page, and on again with the same details
    qtbot.waitUntil(lambda: page_key(wizard) == "who")
    keyboard.enter()
    assert page_key(wizard) == "kind" and QApplication.activeModalWidget() is None
    complaint = finish_complaint(qtbot, wizard, keyboard)

    assert complaint.relation_id != known.id and complaint.relation.name == "Jansen"
    assert Relation.select().count() == 2


def test_escape_goes_back_to_the_form_to_correct_it(qtbot, wizard, keyboard, known):
    new_caller_until_who_is_left(qtbot, wizard, keyboard)
    active_modal(qtbot)
    keyboard.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    activate(qtbot, wizard)
    assert page_key(wizard) == "who" and focused_name() == "Naam van de klager"
    keyboard.enter()  # nothing was changed: asked again
    assert isinstance(active_modal(qtbot), DuplicatesDialog)
