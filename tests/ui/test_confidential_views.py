"""What the telephonist's search and the coordinator's measures register show with a confidential complainant in
the database (issue 13): not the person, not the complaint's number, not what its measure says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from klachtenbureau.models import Complaint
from klachtenbureau.ui.intake import IntakeWizard
from klachtenbureau.ui.measures_view import MeasuresView
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake, measures
from tests.ui.keys import show

SHOTS = Path("/tmp/confidential")
ADDRESS = {"street": "Stille Gracht 7", "postcode": "3512 ZZ", "city": "Utrecht"}


@pytest.fixture
def complaints(sqlite_db, staff) -> dict[str, Complaint]:
    """Two neighbours: Els with an ordinary complaint, Wilhelmina with only a confidential one."""
    ordinary = intake.register(staff["petra"], intake.NewReport(
        description="De taxi kwam niet.", category="Niet ophalen", relation={"name": "Els Bos", **ADDRESS}))
    secret = intake.register(staff["fatima"], intake.NewReport(
        description="De teamleider intimideert mij.", category="Niet ophalen", confidential=True,
        relation={"name": "Wilhelmina Geheimhouder", "phone": "06 87654321", **ADDRESS}))
    return {"ordinary": ordinary, "secret": secret}


def test_the_telephonist_finds_the_neighbour_but_not_the_confidential_complainant(qtbot, keyboard, session,
                                                                                  complaints):
    wizard = show(qtbot, IntakeWizard(session))
    wizard.resize(1366, 768)
    keyboard.enter()  # Telefoon, today: on "Wie meldt het?"
    keyboard.type("3512 ZZ")
    page = wizard.pages[1]
    qtbot.waitUntil(lambda: page.results.topLevelItemCount() == 1)
    found = [page.results.topLevelItem(0).text(i) for i in range(4)]
    assert found[0] == "Els Bos" and "06 87654321" not in found
    SHOTS.mkdir(exist_ok=True)
    wizard.grab().save(str(SHOTS / "intake-zoeken-telefonist.png"))


def test_the_coordinator_sees_that_a_measure_exists_not_what_it_says(qtbot, sqlite_db, staff, complaints):
    secret, ordinary = complaints["secret"], complaints["ordinary"]
    measures.create(staff["henk"], "Gedragscode teamleider na klacht Geheimhouder", staff["ruud"],
                    dt.date.today() + dt.timedelta(days=14), "Wilhelmina werd geïntimideerd.",
                    complaint_ids=[secret.id, ordinary.id])
    measures.create(staff["petra"], "Ritplanning controleren", staff["ruud"], dt.date.today() + dt.timedelta(days=30),
                    complaint_ids=[ordinary.id])
    view = MeasuresView(Session(staff["petra"], sqlite_db))
    show(qtbot, view)
    view.resize(1366, 768)
    with qtbot.waitSignal(view.loaded):
        view.reload()
    cells = [[view.model.index(r, c).data() for c in range(view.model.columnCount())]
             for r in range(view.model.rowCount())]
    assert cells[0][0] == "Maatregel bij een vertrouwelijke klacht"
    assert cells[0][-1] == f"{ordinary.number}, 1 vertrouwelijke klacht"
    assert cells[1][0] == "Ritplanning controleren"
    view.table.selectRow(0)
    assert view.description.toPlainText() == "" and not view.title.isEnabled()
    assert secret.number not in repr(cells) + view.complaints_label.text()
    SHOTS.mkdir(exist_ok=True)
    view.grab().save(str(SHOTS / "maatregelen-coordinator.png"))
