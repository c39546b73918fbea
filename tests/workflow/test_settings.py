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
