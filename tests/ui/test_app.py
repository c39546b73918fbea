"""Starting the desk: --demo, --db with --user, and the first start on an empty machine."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QDialog

from klachtenbureau import config
from klachtenbureau.models import Complaint, database
from klachtenbureau.ui import app
from klachtenbureau.ui.first_run import DatabaseDialog, SetUpDialog
from klachtenbureau.workflow import admin, settings
from klachtenbureau.workflow.upkeep import store
from klachtenbureau.workflow.passwords import verify_password
from tests.models.damage import scribble_over
from tests.ui.keys import show


def start(qtbot, **options):
    args = argparse.Namespace(**{"demo": False, "db": None, "user": None, **options})
    window = app.start_desk(args)
    if window is not None:
        qtbot.addWidget(window)
    return window


def test_demo_opens_a_working_desk_signed_in_as_petra(qtbot, monkeypatch, request):
    monkeypatch.setattr(app, "DEMO_COMPLAINTS", 30)  # the full 300 only take longer
    request.addfinalizer(database.close)
    window = start(qtbot, demo=True)
    assert window.session.user.login == "petra"
    assert window.session.database_url == config.default_database_url()
    assert Complaint.select().count() == 30
    assert config.load().database_url == config.default_database_url()
    qtbot.waitUntil(lambda: "over tijd" in window.overdue_label.text())


def test_db_and_user_options_open_the_desk_without_questions(qtbot, sqlite_db, staff):
    window = start(qtbot, db=sqlite_db, user="sanne")
    assert window.session.user.login == "sanne" and window.session.database_url == sqlite_db


@pytest.mark.expect_log("^Integriteitscontrole")
def test_damage_found_after_the_window_is_shown_stays_in_view_with_what_to_do(qtbot, sqlite_db, staff):
    from klachtenbureau.workflow import demo

    demo.generate(10, seed=2)
    scribble_over(sqlite_db, "relation_postcode")  # opening does not read it: the check after the start does
    window = start(qtbot, db=sqlite_db, user="sanne")
    qtbot.waitUntil(lambda: "klachtenbureau db recover" in window.connection_bar.text.text())
    assert window.connection_bar.isVisible()


def test_the_desk_starts_without_the_pdf_stack():
    """ReportLab, pikepdf, pypdfium2 and PIL load with the first letter, PDF or preview, not with the desk."""
    code = ("import sys, klachtenbureau.ui.app; "
            "print(sorted(m for m in ('reportlab', 'pikepdf', 'pypdfium2', 'PIL') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                            capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_first_start_is_recognised_until_a_database_is_chosen(sqlite_db):
    assert app._first_start(None)
    assert not app._first_start(sqlite_db)
    config.update(database_url=sqlite_db)
    assert not app._first_start(None)


def test_first_start_makes_a_database_the_office_and_its_first_administrator(qtbot, tmp_path, keyboard, request):
    request.addfinalizer(database.close)
    chooser = show(qtbot, DatabaseDialog(open_now=True))
    assert chooser.choice.value() == "new"
    keyboard.alt("s")  # Bestand
    chooser.path.selectAll()
    keyboard.type(str(tmp_path / "kantoor" / "klachten.db"))
    keyboard.enter()
    assert chooser.result() == QDialog.DialogCode.Accepted
    assert (tmp_path / "kantoor" / "klachten.db").is_file()

    setup = show(qtbot, SetUpDialog())
    keyboard.type("Stichting Samen Uit")
    for text in ("Havenkade 4", "8011 ab", "Zwolle", "038 123 4567", "info@samenuit.nl"):
        keyboard.tab()
        keyboard.type(text)
    keyboard.alt("i")
    setup.login.selectAll()
    keyboard.type("ingrid")
    for text in ("Ingrid Dekker", "lange wandeling", "lange wandeling"):
        keyboard.tab()
        keyboard.type(text)
    keyboard.enter()
    assert setup.result() == QDialog.DialogCode.Accepted
    assert (setup.admin.login, setup.admin.role) == ("ingrid", "admin")
    assert verify_password("lange wandeling", setup.admin.password_hash)
    organisation = settings.get("organisation")
    assert (organisation["name"], organisation["postcode"]) == ("Stichting Samen Uit", "8011 AB")
    assert [u.login for u in admin.sign_in_users()] == ["ingrid"]


def test_existing_database_that_is_not_there_is_refused_at_the_field(qtbot, tmp_path, keyboard):
    chooser = show(qtbot, DatabaseDialog(open_now=True))
    keyboard.alt("g")  # de gedeelde map of een bestaande database
    qtbot.waitUntil(lambda: chooser.choice.value() == "existing")
    chooser.path.setText(str(tmp_path / "nergens.db"))
    keyboard.enter()
    assert chooser.result() != QDialog.DialogCode.Accepted
    assert "bestaat niet" in chooser.path_field.problem()


def test_the_shared_folder_of_the_office_opens_the_database_in_it(qtbot, tmp_path, keyboard):
    share = tmp_path / "gedeeld"
    share.mkdir()
    store.open_database(f"sqlite:///{(share / 'klachten.db').as_posix()}", create=True)
    database.close()
    chooser = show(qtbot, DatabaseDialog(open_now=True))
    keyboard.alt("g")
    qtbot.waitUntil(lambda: chooser.choice.value() == "existing")
    chooser.path.setText(str(share))
    keyboard.enter()
    assert chooser.result() == QDialog.DialogCode.Accepted, chooser.path_field.problem()
    assert chooser.url == f"sqlite:///{(share / 'klachten.db').as_posix()}" and chooser.remember == str(share)
    database.close()


@pytest.mark.parametrize("text", ["mysql://server/db", ""])
def test_server_address_must_be_postgresql(qtbot, keyboard, text):
    chooser = show(qtbot, DatabaseDialog(open_now=True))
    keyboard.alt("p")
    qtbot.waitUntil(lambda: chooser.choice.value() == "server")
    chooser.server.setText(text)
    keyboard.enter()
    assert chooser.server_field.problem() == "Een serveradres begint met postgresql://"
