"""The first start asks what the letters need, so they do not quietly lose a paragraph later."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from klachtenbureau.ui.first_run import SetUpDialog
from klachtenbureau.workflow import letter_settings, settings
from tests.ui.keys import show


def test_first_start_asks_for_the_counsellor_and_the_body_onward(qtbot, sqlite_db, keyboard):
    setup = show(qtbot, SetUpDialog())
    assert setup.org["onward_body"].placeholderText() == "De Geschillencommissie"  # the default profile's example
    keyboard.type("Stichting Samen Uit")
    for text in ("Havenkade 4", "8011 ab", "Zwolle", "038 123 4567", "info@samenuit.nl",
                 "mevrouw B. Bos, telefoon 06 1111 2222"):
        keyboard.tab()
        keyboard.type(text)
    keyboard.alt("d")
    keyboard.type("De Geschillencommissie")
    keyboard.alt("r")
    keyboard.type("www.degeschillencommissie.nl")
    keyboard.alt("m")
    keyboard.type("binnen twaalf maanden nadat u uw klacht bij ons indiende")
    keyboard.alt("u")
    keyboard.type("Ingrid Dekker")
    keyboard.enter()  # the first administrator signs in with a password (issue 13): refused without
    assert setup.result() != QDialog.DialogCode.Accepted
    assert setup.fields["password"].problem().startswith("Kies een wachtwoord")
    keyboard.alt("w")
    keyboard.type("lange wandeling")
    keyboard.alt("h")
    keyboard.type("lange wandeling")
    keyboard.enter()
    assert setup.result() == QDialog.DialogCode.Accepted
    organisation = settings.get("organisation")
    assert (organisation["counsellor"], organisation["onward_body"]) == (
        "mevrouw B. Bos, telefoon 06 1111 2222", "De Geschillencommissie")
    assert [letter_settings.missing_settings(kind) for kind in ("acknowledgement", "answer_founded")] == [[], []]
