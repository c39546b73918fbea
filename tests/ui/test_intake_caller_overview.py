"""The telephonist, with a known caller on the line, sees where the caller's complaints stand and notes a contact
moment on one of them from the intake, by keyboard alone (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from klachtenbureau.i18n import format_date
from klachtenbureau.models import Complaint, Relation, TimelineEntry
from klachtenbureau.models.folding import fold
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.workflow import intake, procedure
from tests.ui.keys import active_modal, show
from tests.ui.test_intake_wizard import focused_name, page_key

SHOTS = Path("/tmp/roles")


@pytest.fixture
def wizard(qtbot, session) -> IntakeWizard:
    wizard = show(qtbot, IntakeWizard(session))
    wizard.resize(1366, 768)
    return wizard


@pytest.fixture
def complaints(staff) -> dict[str, Complaint]:
    """Maria's complaint the coordinator passed to Ruud, and a confidential one the telephonist may not know of."""
    petra = staff["petra"]
    ordinary = intake.register(petra, intake.NewReport(
        description="De chauffeur was onvriendelijk.", category="Niet ophalen", channel="phone",
        relation={"name": "Maria Bakker", "phone": "06 11112222"}))
    procedure.acknowledge(petra, ordinary, "phone")
    procedure.assign(petra, ordinary, staff["ruud"])
    secret = intake.register(staff["henk"], intake.NewReport(
        description="Vertrouwelijk.", relation_id=ordinary.relation_id, confidential=True))
    return {"ordinary": ordinary, "secret": secret}


def test_the_caller_hears_where_her_complaint_stands_and_her_news_is_noted(qtbot, wizard, keyboard, complaints,
                                                                         staff):
    ordinary = complaints["ordinary"]
    keyboard.enter()  # Telefoon, today: on "Wie meldt het?"
    keyboard.type("Bakker")
    page = wizard.pages[1]
    qtbot.waitUntil(lambda: page.results.topLevelItemCount() == 1)
    keyboard.press(Qt.Key.Key_Down)  # Maria is chosen
    listed = page.earlier_list
    assert listed.isVisible() and listed.topLevelItemCount() == 1  # the confidential one is not even counted
    row = [listed.topLevelItem(0).text(i) for i in range(5)]
    assert row == [ordinary.number, format_date(ordinary.received_at.date(), "d MMM yyyy"), "In behandeling",
                   "Ruud Bakker", format_date(ordinary.answer_by, "d MMM yyyy")]
    assert "onvriendelijk" not in page.earlier.text()
    SHOTS.mkdir(exist_ok=True)
    wizard.grab().save(str(SHOTS / "beller-eerdere-klachten.png"))

    keyboard.alt("b")  # Contactmoment bij deze klacht
    dialog = active_modal(qtbot)
    assert focused_name() == "Samenvatting"
    assert dialog.editors["method"].currentData() == "phone" and dialog.editors["direction"].currentData() == "in"
    keyboard.dictate("Vraagt hoe het staat; heeft nog een foto van de bus.")
    dialog.grab().save(str(SHOTS / "beller-contactmoment.png"))
    keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    entry = TimelineEntry.get(TimelineEntry.complaint == ordinary.id, TimelineEntry.kind == "contact")
    assert (entry.summary, entry.method, entry.direction, entry.user_id) == (
        "Vraagt hoe het staat; heeft nog een foto van de bus.", "phone", "in", staff["sanne"].id)
    assert ordinary.number in page.status.text()
    assert page_key(wizard) == "who"  # the call goes on: a new report can still be taken


def test_without_earlier_complaints_there_is_nothing_to_add_to(qtbot, wizard, keyboard, staff):
    # A caller whose only complaint is confidential is not found at all (issue 13, test_confidential_views.py):
    # a record without complaints, as a merge or an import could leave one, stands for a caller with none to see.
    Relation.create(name="Piet Klaassen", search_name=fold("Piet Klaassen"), phone="06 12345678")
    keyboard.enter()
    keyboard.type("Klaassen")
    page = wizard.pages[1]
    qtbot.waitUntil(lambda: page.results.topLevelItemCount() == 1)
    keyboard.press(Qt.Key.Key_Down)
    assert not page.earlier_list.isVisible() and not page.contact_button.isEnabled()
    assert "geen eerdere klachten" in page.earlier.text()
    assert page.add_contact() is None
