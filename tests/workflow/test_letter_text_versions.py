"""Letter texts carry a version (issue 13): two managers editing them at once do not undo each other's work."""

from __future__ import annotations

import json

import pytest

from klachtenbureau.errors import ConflictError
from klachtenbureau.models import AuditEntry
from klachtenbureau.workflow import letter_settings, settings


def test_the_second_manager_saving_an_older_version_is_refused_and_nothing_is_lost(db, staff):
    petras, petra_version = letter_settings.load_texts()
    ruuds, ruud_version = letter_settings.load_texts()
    petras["acknowledgement"]["subject"] = "Ontvangen: uw klacht {klachtnummer}"
    new_version = letter_settings.save_texts(staff["petra"], petras, petra_version)
    assert new_version > petra_version

    ruuds["extension"]["subject"] = "Uw antwoord komt later"
    with pytest.raises(ConflictError):
        letter_settings.save_texts(staff["ruud"], ruuds, ruud_version)
    assert settings.get("letter_texts") == {"acknowledgement": {"subject": "Ontvangen: uw klacht {klachtnummer}"}}

    fresh, version = letter_settings.load_texts()  # Ruud loads again and adds his change to Petra's
    assert version == new_version
    fresh["extension"]["subject"] = ruuds["extension"]["subject"]
    letter_settings.save_texts(staff["ruud"], fresh, version)
    assert settings.get("letter_texts") == {"acknowledgement": {"subject": "Ontvangen: uw klacht {klachtnummer}"},
                                            "extension": {"subject": "Uw antwoord komt later"}}
    saves = [json.loads(e.changes) for e in AuditEntry.select().where(AuditEntry.action == "setting")]
    assert [(s["key"], s["value"]) for s in saves] == [("letter_texts", "(gewijzigd)")] * 2


def test_the_first_save_ever_is_version_checked_too(db, staff):
    """Nobody saved letter texts yet (version 0): of two managers starting from the defaults, one wins."""
    texts, version = letter_settings.load_texts()
    assert version == 0
    letter_settings.save_texts(staff["petra"], texts, version)
    with pytest.raises(ConflictError):
        letter_settings.save_texts(staff["ruud"], texts, version)
