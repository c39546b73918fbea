"""Beheer › Brieventeksten when a colleague saved in between (issue 13): refused, nothing of either lost."""

from __future__ import annotations

from klachtenbureau.ui.letter_texts_dialog import LetterTextsDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import letter_settings, settings
from tests.ui.keys import show

PETRA = "Wij ontvingen uw klacht {klachtnummer}"
RUUD = "Uw klacht {klachtnummer} is binnen"
LATER = "Uw antwoord komt later"


def ruud_saves_meanwhile(staff, **subjects: str) -> None:
    texts, version = letter_settings.load_texts()
    for kind, subject in subjects.items():
        texts[kind]["subject"] = subject
    letter_settings.save_texts(staff["ruud"], texts, version)


def open_loaded(qtbot, sqlite_db, staff) -> LetterTextsDialog:
    dialog = show(qtbot, LetterTextsDialog(Session(staff["petra"], sqlite_db)))
    qtbot.waitUntil(lambda: bool(dialog.texts), timeout=10_000)
    return dialog


def type_subject(qtbot, keyboard, dialog: LetterTextsDialog, subject: str) -> None:
    keyboard.alt("o")  # Onderwerp
    dialog.subject.selectAll()
    keyboard.dictate(subject)


def test_a_colleagues_save_in_between_refuses_mine_and_loads_theirs_with_mine_in_it(qtbot, keyboard, sqlite_db,
                                                                                     staff, tmp_path):
    dialog = open_loaded(qtbot, sqlite_db, staff)
    type_subject(qtbot, keyboard, dialog, PETRA)  # Ontvangstbevestiging, the first letter
    ruud_saves_meanwhile(staff, acknowledgement=RUUD, extension=LATER)

    keyboard.alt("l")  # Opslaan: refused
    qtbot.waitUntil(lambda: "Een collega heeft de brieventeksten" in dialog.message.text.text(), timeout=10_000)
    assert "U wijzigde allebei: “Ontvangstbevestiging”. Daar staat nu uw tekst." in dialog.message.text.text()
    assert settings.get("letter_texts") == {"acknowledgement": {"subject": RUUD}, "extension": {"subject": LATER}}
    assert dialog.subject.text() == PETRA and dialog.texts["extension"]["subject"] == LATER  # both kept
    assert dialog.is_dirty()
    dialog.grab().save(str(tmp_path / "brieventeksten-collega.png"))

    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        keyboard.alt("l")  # saved again, now against Ruud's version: his extension stays
    assert settings.get("letter_texts") == {"acknowledgement": {"subject": PETRA}, "extension": {"subject": LATER}}
    assert not dialog.is_dirty()


def test_i_can_drop_my_changes_for_the_colleagues_texts(qtbot, keyboard, sqlite_db, staff):
    dialog = open_loaded(qtbot, sqlite_db, staff)
    type_subject(qtbot, keyboard, dialog, PETRA)
    ruud_saves_meanwhile(staff, extension=LATER)
    keyboard.alt("l")
    qtbot.waitUntil(lambda: "Een collega heeft de brieventeksten" in dialog.message.text.text(), timeout=10_000)
    assert "allebei" not in dialog.message.text.text() and dialog.subject.text() == PETRA

    keyboard.alt("c")  # Alleen de teksten van mijn collega
    qtbot.waitUntil(lambda: dialog.subject.text() != PETRA)
    assert not dialog.is_dirty() and dialog.texts["extension"]["subject"] == LATER
    assert dialog.message.text.text() == "De teksten zijn zoals uw collega ze opsloeg; uw wijzigingen zijn weggelaten."
    dialog.reject()  # nothing unsaved: closes without asking
    assert not dialog.isVisible()
    assert settings.get("letter_texts") == {"extension": {"subject": LATER}}
