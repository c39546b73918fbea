"""Office settings stored in the shared database."""

import pytest

from klachtenbureau.errors import ValidationError
from klachtenbureau.models import Setting
from klachtenbureau.workflow import settings


def test_defaults_until_changed_then_stored_value(db, staff):
    assert settings.get("deadline_profile") == "klachtenregeling"
    settings.put(staff["admin"], "deadline_profile", "awb")
    assert settings.get("deadline_profile") == "awb"
    assert settings.deadline_profile().answer_weeks == 6


def test_partial_dict_setting_keeps_the_other_defaults(db, staff):
    settings.put(staff["admin"], "organisation", {"name": "Stichting Vier het Leven"})
    organisation = settings.get("organisation")
    assert organisation["name"] == "Stichting Vier het Leven" and "postcode" in organisation


@pytest.mark.parametrize("key, value", [("deadline_profile", "snel"), ("retention_years", 1),
                                        ("closing_days", ["31-12-2026"])])
def test_bad_setting_is_refused(db, staff, key, value):
    with pytest.raises(ValidationError):
        settings.put(staff["admin"], key, value)
    assert not Setting.select().where(Setting.key == key).exists()


def test_only_an_admin_changes_office_settings(db, staff):
    from klachtenbureau.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        settings.put(staff["petra"], "deadline_profile", "wkkgz")
    settings.put(staff["petra"], "letter_texts", {"acknowledgement": "Beste {naam},"})
    assert settings.get("deadline_profile") == "klachtenregeling"


def test_organisation_details_are_normalised_for_the_letterhead(db, staff):
    settings.put(staff["admin"], "organisation", {"name": " Stichting X ", "postcode": "1015cx",
                                                  "phone": "0201234567", "email": "info@Voorbeeld.NL"})
    organisation = settings.get("organisation")
    assert (organisation["name"], organisation["postcode"], organisation["phone"], organisation["email"]) == (
        "Stichting X", "1015 CX", "020 123 4567", "info@voorbeeld.nl")
    with pytest.raises(ValidationError) as info:
        settings.put(staff["admin"], "organisation", {"name": "", "postcode": "1015"})
    assert set(info.value.errors) == {"name", "postcode"}


def test_settings_as_installed_are_named_before_a_letter_quietly_loses_them(db, staff):
    from klachtenbureau.workflow import letter_settings

    assert letter_settings.missing_settings("acknowledgement") == ["telefoonnummer of e-mailadres", "vertrouwenspersoon"]
    assert letter_settings.missing_settings("answer_founded") == [
        "telefoonnummer of e-mailadres", "vertrouwenspersoon", "instantie daarna", "adres van die instantie",
        "termijn voor de klager"]
    assert "Beheer › Organisatiegegevens" in letter_settings.settings_warning("extension")
    settings.put(staff["admin"], "organisation", {"name": "Stichting X", "email": "info@x.nl", "counsellor": "B. Bos",
                                                  "onward_body": "De Geschillencommissie", "onward_address": "Den Haag",
                                                  "onward_term": "binnen een jaar"})
    assert [letter_settings.settings_warning(kind) for kind in ("acknowledgement", "answer_unfounded")] == ["", ""]


def test_a_setting_the_office_text_does_not_use_is_not_asked_for(db, staff):
    from klachtenbureau.workflow import letter_settings

    texts, version = letter_settings.load_texts()
    texts["acknowledgement"]["body"] = "Geachte heer/mevrouw,\n\nBel ons via {contact}."
    letter_settings.save_texts(staff["petra"], texts, version)
    assert letter_settings.missing_settings("acknowledgement") == ["telefoonnummer of e-mailadres"]


def test_every_deadline_profile_has_its_own_example_of_the_route_onward():
    from klachtenbureau.workflow import letter_settings
    from klachtenbureau.workflow.deadlines import PROFILES

    assert set(letter_settings.EXAMPLES) == set(PROFILES)  # a new profile would otherwise show another's example
    assert letter_settings.example("awb")["onward_body"] == "de Nationale ombudsman"
    assert "klachtenfunctionaris" in letter_settings.example("wkkgz")["counsellor"]
