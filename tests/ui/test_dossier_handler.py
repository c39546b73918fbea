"""The dossier as the handler sees it (issue 15): his work and a proposed answer, none of the coordinator's steps;
the coordinator's "Beantwoorden" starts from his proposal."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from klachtenbureau.models import Complaint
from klachtenbureau.models.people import HANDLER
from klachtenbureau.ui.dossier.form_dialog import FormDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, procedure
from klachtenbureau.workflow.upkeep import store
from tests.ui.test_dossier_window import dossier, when_dialog

SHOTS = Path("/tmp/roles")


@pytest.fixture
def kees(staff):
    return store.create_user(store.system_user(), "kees", "Kees Mulder", HANDLER)


@pytest.fixture
def judged(sqlite_db, staff, kees) -> Complaint:
    """Passed to Kees, investigated and judged by him: ready to be answered."""
    c = intake.register(staff["sanne"], intake.NewReport(
        description="De taxi kwam niet.", category="Niet ophalen", channel="phone", acknowledgement_method="phone",
        relation={"name": "Els Bos", "phone": "06 12345678"}))
    procedure.assign(staff["petra"], c, kees)
    procedure.investigate(kees, c, "De rit stond niet in de planning.")
    return procedure.record_verdict(kees, c, "founded")


def test_the_handler_proposes_the_answer_and_is_offered_only_his_steps(qtbot, sqlite_db, judged, kees):
    window = dossier(qtbot, Session(kees, sqlite_db), judged.id)
    window.resize(1366, 768)
    enabled = {action for action, button in window.step_buttons.items() if button.isEnabled()}
    assert enabled == {"investigate", "verdict", "remedy", "propose_answer", "wait"}
    assert window.step_buttons["answer"].toolTip() == "Deze stap zet de coördinator."
    assert window.contact_button.isEnabled()
    window.letters.offer_letters()
    offered = {kind for kind, action in window.letters.letter_actions.items() if action.isEnabled()}
    assert offered == {"acknowledgement", "information_request", "aftercare"}

    def propose(dialog: FormDialog) -> None:
        dialog.editors["proposed_answer"].setPlainText("Wij bieden u excuses aan; de rit staat nu vast.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, propose)
    qtbot.mouseClick(window.step_buttons["propose_answer"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Complaint.get_by_id(judged.id).proposed_answer != "")
    assert Complaint.get_by_id(judged.id).status == "in_progress"  # proposed, not sent
    qtbot.waitUntil(lambda: "de rit staat nu vast" in window.browsers["handling"].toPlainText())
    window.tabs.setCurrentIndex(3)
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "dossier-behandelaar.png"))


def test_the_coordinators_answer_starts_from_the_proposal(qtbot, sqlite_db, staff, judged, kees):
    procedure.propose_answer(kees, judged, "Wij bieden u excuses aan.")
    window = dossier(qtbot, Session(staff["petra"], sqlite_db), judged.id)

    def answer(dialog: FormDialog) -> None:
        assert dialog.editors["answer"].toPlainText() == "Wij bieden u excuses aan."
        dialog.editors["answer"].appendPlainText("Met vriendelijke groet.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_dialog(qtbot, answer)
    qtbot.mouseClick(window.step_buttons["answer"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Complaint.get_by_id(judged.id).status == "answered")
    assert Complaint.get_by_id(judged.id).answer == "Wij bieden u excuses aan.\nMet vriendelijke groet."
