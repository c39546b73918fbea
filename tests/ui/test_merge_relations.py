"""Beheer → Klagers samenvoegen, from the keyboard: find both records, read what will happen, confirm."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from klachtenbureau.models import AuditEntry, Complaint, Relation
from klachtenbureau.ui.merge_relations_dialog import MergeRelationsDialog
from klachtenbureau.ui.session import Session
from klachtenbureau.workflow import intake
from tests.ui.keys import activate, active_modal, show


def register(user, relation):
    return intake.register(user, intake.NewReport(description="De bus was te laat.", relation=relation))


def find(qtbot, keyboard, picker, text):
    keyboard.type(text)
    with qtbot.waitSignal(picker.found, timeout=10_000):
        keyboard.enter()


def test_coordinator_merges_a_complainant_entered_twice(qtbot, keyboard, sqlite_db, staff, tmp_path):
    first = register(staff["sanne"], {"name": "Zoë de Wit", "phone": "06 12345678", "street": "Kerkstraat 3",
                                      "postcode": "3511 AB", "city": "Utrecht"})
    second = register(staff["sanne"], {"name": "Zoe de Wit", "phone": "06 87654321", "email": "zoe@example.nl"})
    dialog = show(qtbot, MergeRelationsDialog(Session(staff["petra"], sqlite_db)))
    keyboard.alt("b")  # Blijft
    find(qtbot, keyboard, dialog.keep, "3511")
    assert dialog.keep.relation_id() == first.relation_id
    keyboard.alt("g")  # Gaat op in de eerste
    find(qtbot, keyboard, dialog.other, "ZOE DE WIT")  # finds both, whatever the accents and case
    assert dialog.other.list.topLevelItemCount() == 2
    keyboard.tab()
    assert keyboard.focus() is dialog.other.list
    if dialog.other.relation_id() != second.relation_id:
        keyboard.press(Qt.Key.Key_Down)
    assert dialog.other.relation_id() == second.relation_id
    qtbot.waitUntil(dialog.merge_button.isEnabled)
    summary = dialog.summary.text()
    assert f"1 klacht van Zoe de Wit (klager {second.relation_id}) gaat naar Zoë de Wit" in summary
    assert "Aangevuld bij Zoë de Wit: e-mail zoe@example.nl." in summary
    assert "Vervalt, omdat Zoë de Wit al andere heeft: telefoon 06 87654321." in summary
    dialog.grab().save(str(tmp_path / "samenvoegen.png"))

    keyboard.alt("s")  # Samenvoegen…
    box = active_modal(qtbot)
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Klagers samenvoegen?"
    assert "niet ongedaan" in box.informativeText() and "gaat naar Zoë de Wit" in box.informativeText()
    box.grab().save(str(tmp_path / "samenvoegen-bevestigen.png"))
    keyboard.enter()  # the default is Annuleren
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert Relation.select().count() == 2

    activate(qtbot, dialog)
    keyboard.alt("s")
    active_modal(qtbot)
    with qtbot.waitSignal(dialog.merged, timeout=10_000) as merged:
        keyboard.alt("s")  # Samenvoegen
    assert merged.args[0].id == first.relation_id
    assert [r.id for r in Relation.select()] == [first.relation_id]
    assert Complaint.get_by_id(second.id).relation_id == first.relation_id
    assert Relation.get_by_id(first.relation_id).email == "zoe@example.nl"
    changes = json.loads(AuditEntry.get(AuditEntry.action == "merge_relations").changes)
    assert (changes["relation_removed"], changes["complaints_moved"]) == (second.relation_id, 1)
    assert "Samengevoegd" in dialog.message.text.text()
    assert dialog.other.relation_id() is None and not dialog.merge_button.isEnabled()


def test_only_a_coordinator_or_administrator_merges(qtbot, sqlite_db, staff):
    dialog = show(qtbot, MergeRelationsDialog(Session(staff["sanne"], sqlite_db)))
    assert "Alleen een coördinator of beheerder" in dialog.message.text.text()
    assert not dialog.keep.isEnabled() and not dialog.other.isEnabled() and not dialog.merge_button.isEnabled()
