"""The complainant's contact person (t.a.v.), country and salutation: typed in the intake and corrected in the
dossier, by keyboard, and stored as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from klachtenbureau.models import Relation
from klachtenbureau.ui.dossier.form_dialog import FormDialog
from klachtenbureau.ui.intake import IntakeWizard
from tests.ui.keys import show
from tests.ui.test_dossier_window import coordinator, dossier, register, type_into, when_dialog  # noqa: F401
from tests.ui.test_intake_wizard import focused_name, page_key, registered


def test_an_organisation_with_contact_person_salutation_and_foreign_address_is_typed_by_keyboard(
        qtbot, session, keyboard):
    wizard = show(qtbot, IntakeWizard(session))
    keyboard.alt("p")  # Post (brief)
    qtbot.waitUntil(lambda: wizard.values["channel"] == "post")
    keyboard.enter()
    keyboard.alt("n")  # Nieuwe klager
    qtbot.waitUntil(lambda: focused_name() == "Naam van de klager")
    keyboard.type("Stichting De Brug")
    keyboard.tab(3)
    assert focused_name() == "Straat en huisnummer"
    keyboard.type("Meir 10")
    keyboard.tab()
    keyboard.type("2000")
    keyboard.tab()
    keyboard.type("Antwerpen")
    keyboard.tab()
    assert focused_name() == "Land"
    keyboard.type("Belgie")  # QTest types no non-ASCII letter as itself
    keyboard.alt("c")  # T.a.v. (contactpersoon)
    assert focused_name() == "Ter attentie van: de contactpersoon van een organisatie"
    keyboard.type("mevrouw P. de Boer")
    keyboard.alt("h")  # Aanhef
    keyboard.type("Geachte mevrouw De Boer")
    assert not wizard.pages[1].fields["postcode"].problem()  # a Belgian postcode, not a Dutch one
    keyboard.enter()
    assert page_key(wizard) == "kind"
    keyboard.enter()
    keyboard.dictate("Er is twee keer afgeschreven.")
    keyboard.tab()
    keyboard.type("Gee")
    keyboard.enter()
    keyboard.enter()
    relation = registered(qtbot, wizard).relation
    assert (relation.name, relation.attention, relation.salutation) == (
        "Stichting De Brug", "mevrouw P. de Boer", "Geachte mevrouw De Boer")
    assert (relation.street, relation.postcode, relation.city, relation.country) == (
        "Meir 10", "2000", "Antwerpen", "Belgie")


def test_contact_person_country_and_salutation_are_corrected_from_the_dossier(qtbot, coordinator, staff):  # noqa: F811
    c = register(staff["sanne"], relation={"name": "Stichting De Brug t.a.v. P. de Boer", "street": "Meir 10",
                                           "postcode": "3511 AB", "city": "Utrecht"})
    window = dossier(qtbot, coordinator, c.id)

    def correct(dialog: FormDialog) -> None:
        assert (dialog.editors["name"].text(), dialog.editors["attention"].text()) == ("Stichting De Brug",
                                                                                       "P. de Boer")
        type_into(qtbot, dialog.editors["salutation"], "Geachte mevrouw De Boer")
        dialog.editors["postcode"].clear()
        type_into(qtbot, dialog.editors["postcode"], "2000")
        type_into(qtbot, dialog.editors["country"], "Belgie")  # QTest.keyClicks aborts on a non-ASCII letter
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, correct)
    qtbot.mouseClick(window.relation_button, Qt.MouseButton.LeftButton)
    stored = Relation.get_by_id(c.relation_id)
    assert (stored.attention, stored.salutation, stored.postcode, stored.country) == (
        "P. de Boer", "Geachte mevrouw De Boer", "2000", "Belgie")
