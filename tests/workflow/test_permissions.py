"""The rights in permissions.py, per role: what each colleague sees and may add to (issue 18 item 5)."""

import pytest

from klachtenbureau.errors import PermissionDeniedError
from klachtenbureau.models import Complaint, TimelineEntry
from klachtenbureau.models.people import INTAKE, QUALITY
from klachtenbureau.workflow import editing, intake, letters, permissions, procedure, queries
from klachtenbureau.workflow.upkeep import store

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def register(user, **overrides):
    values = dict(description="De taxi kwam niet.", category="Niet ophalen", channel="phone",
                  relation={"name": "Els Bos", "phone": "06 12345678"})
    values.update(overrides)
    return intake.register(user, intake.NewReport(**values))


@pytest.fixture
def colleagues(staff):
    """Everyone in ``staff``, a telephonist and a quality officer with confidential access, and a former colleague."""
    actor = store.system_user()
    people = dict(staff, mohamed=store.create_user(actor, "mohamed", "Mohamed El Amrani", INTAKE,
                                                   confidential_access=True),
                  karin=store.create_user(actor, "karin", "Karin Dekker", QUALITY, confidential_access=True),
                  gone=store.create_user(actor, "gone", "Oud Collega", QUALITY))
    people["gone"].active = False
    people["gone"].save()
    return people


def test_who_sees_which_complaint(db, colleagues):
    sanne = colleagues["sanne"]
    ordinary, confidential = register(sanne), register(sanne, confidential=True)
    assigned = procedure.assign(colleagues["henk"], register(sanne, confidential=True), colleagues["ruud"])
    seen = {login: {c.id for c in (ordinary, confidential, assigned) if permissions.can_see(user, c)}
            for login, user in colleagues.items()}
    everything = {ordinary.id, confidential.id, assigned.id}
    assert seen == {"sanne": everything, "petra": {ordinary.id}, "ruud": {ordinary.id, assigned.id},
                    "anouk": {ordinary.id}, "henk": everything, "fatima": everything, "admin": everything,
                    "mohamed": {confidential.id, assigned.id}, "karin": everything, "gone": set()}
    for login, user in colleagues.items():  # the inbox's SQL filter draws the same line
        assert {c.id for c in queries.visible_to(Complaint.select(), user)} == seen[login], login


def test_a_telephonist_who_sees_a_confidential_complaint_adds_nothing_to_it(db, colleagues):
    sanne, mohamed = colleagues["sanne"], colleagues["mohamed"]
    c = register(sanne, confidential=True)
    assert permissions.can_see(mohamed, c) and not permissions.can_add_to(mohamed, c)
    with pytest.raises(PermissionDeniedError, match="registreerde"):
        procedure.add_contact(mohamed, c, "Klager gebeld.", "phone", "out")
    with pytest.raises(PermissionDeniedError, match="registreerde"):
        editing.attach_document(mohamed, c, "brief.pdf", None, PDF)
    with pytest.raises(PermissionDeniedError, match="registreerde"):
        letters.require_record(mohamed, c, "acknowledgement")
    with pytest.raises(PermissionDeniedError):
        editing.update_registration(mohamed, c, {"desired_outcome": "Excuses"})
    assert TimelineEntry.select().where(TimelineEntry.summary == "Klager gebeld.").count() == 0
    procedure.add_contact(sanne, c, "Klager gebeld.", "phone", "out")  # she registered it
    letters.require_record(sanne, c, "acknowledgement")


def test_handlers_are_who_a_complaint_can_be_assigned_to(db, colleagues):
    assert {u.login for u in colleagues.values() if permissions.can_be_assigned(u)} == {
        "petra", "ruud", "anouk", "henk", "fatima", "karin"}
