"""The desk's "Deze pc als server gebruiken…" dialog, doing the real set-up off the UI thread."""

from __future__ import annotations

import pytest

from klachtenbureau.models import database
from klachtenbureau.server import backups, connection_file, service
from klachtenbureau.server.postgres import OfficeServer
from klachtenbureau.ui.server_dialog import ServerDialog
from klachtenbureau.workflow import demo
from klachtenbureau.workflow.upkeep import store
from tests.server.conftest import free_port


@pytest.fixture
def shared_file(tmp_path):
    share = tmp_path / "gedeeld"
    share.mkdir()
    url = f"sqlite:///{(share / 'klachten.db').as_posix()}"
    store.open_database(url, create=True)
    demo.generate(5, seed=1)
    database.close()
    return share, url


def test_the_dialog_moves_the_shared_file_to_this_pc(qtbot, shared_file, server_dir):
    share, url = shared_file
    dialog = ServerDialog(url, data_dir=server_dir, port=free_port(), hosts=["127.0.0.1"], offer_autostart=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.folder.text() == str(share)
    assert str(share / "klachten.db") in dialog.source_label.text()
    assert dialog.size().width() <= 1366 and dialog.size().height() <= 768
    dialog.start_button.click()
    assert not dialog.start_button.isEnabled() and dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.result is not None or dialog.message.text.text() != "", timeout=60000)
    assert dialog.result is not None, dialog.message.text.text()
    assert "deze computer is nu de server" in dialog.message.text.text()
    assert dialog.share == share
    assert connection_file.resolve(str(share)) == dialog.result.url
    dialog.grab().save(str(share.parent / "server_dialog_klaar.png"))
    # the server loop runs on without the desk (nightly backups); 'server stop' ends it
    assert dialog.service is not None
    qtbot.waitUntil(lambda: backups.dumps(share) != [], timeout=60000)  # its first backup, made at start
    assert dialog.service.poll() is None
    service.request_stop(OfficeServer(server_dir))
    assert dialog.service.wait(timeout=120) == 0


def test_the_dialog_says_what_is_wrong_with_the_folder(qtbot, tmp_path):
    dialog = ServerDialog("", offer_autostart=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "lege database" in dialog.source_label.text()
    dialog.start_button.click()
    assert dialog.folder_field.problem() == "Kies de gedeelde map."
    dialog.folder.setText(str(tmp_path / "bestaat-niet"))
    dialog.start_button.click()
    assert "bestaat niet" in dialog.folder_field.problem()
    assert dialog.result is None
