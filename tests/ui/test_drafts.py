"""The local store of unfinished intakes (workflow.offline.drafts): atomic files, listed newest first."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from klachtenbureau import config
from klachtenbureau.workflow.offline import drafts
from klachtenbureau.workflow.offline.drafts import Draft


def test_saved_draft_reads_back_with_its_operation_id():
    draft = Draft(database_url="sqlite:///x.db", user_login="sanne", page=3,
                  fields={"name": "Jan de Vries", "severity": 2, "confidential": False, "relation_id": None})
    path = drafts.save(draft)
    assert path.parent == config.drafts_dir()
    again = drafts.load(draft.id)
    assert again == draft
    assert again.operation_id == draft.operation_id and len(again.operation_id) == 32


def test_every_save_replaces_the_file_whole(tmp_path):
    draft = Draft(fields={"description": "eerste"})
    drafts.save(draft, tmp_path)
    draft.fields["description"] = "tweede ✓"
    drafts.save(draft, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [f"{draft.id}.json"]  # no temporary file left behind
    saved = json.loads((tmp_path / f"{draft.id}.json").read_text(encoding="utf-8"))
    assert saved["fields"]["description"] == "tweede ✓"


def test_drafts_are_listed_newest_first_and_per_database(tmp_path):
    old = Draft(database_url="sqlite:///a.db")
    new = Draft(database_url="sqlite:///a.db")
    other = Draft(database_url="sqlite:///b.db")
    for draft in (old, new, other):
        drafts.save(draft, tmp_path)
    old.updated_at = dt.datetime(2020, 1, 1)
    (tmp_path / f"{old.id}.json").write_text(json.dumps(old.to_json()), encoding="utf-8")
    assert [d.id for d in drafts.list_drafts("sqlite:///a.db", tmp_path)] == [new.id, old.id]
    assert len(drafts.list_drafts(folder=tmp_path)) == 3


@pytest.mark.expect_log("is niet te lezen en wordt overgeslagen")
def test_unreadable_draft_is_skipped_but_kept(tmp_path, caplog):
    good = Draft()
    drafts.save(good, tmp_path)
    broken = tmp_path / "0123abcd.json"
    broken.write_text("{ half", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert [d.id for d in drafts.list_drafts(folder=tmp_path)] == [good.id]
    assert broken.exists() and "niet te lezen" in caplog.text


def test_removed_draft_is_gone_and_removing_twice_is_harmless(tmp_path):
    draft = Draft()
    drafts.save(draft, tmp_path)
    drafts.remove(draft.id, tmp_path)
    drafts.remove(draft.id, tmp_path)
    assert drafts.load(draft.id, tmp_path) is None and drafts.list_drafts(folder=tmp_path) == []


def test_a_draft_id_cannot_point_outside_the_folder(tmp_path):
    with pytest.raises(ValueError):
        drafts.load("../../etc/passwd", tmp_path)


@pytest.mark.expect_log("is niet te lezen en wordt overgeslagen")
def test_input_kept_for_a_dossier_is_found_per_database_and_complaint_and_a_damaged_file_is_skipped():
    kept = drafts.keep_input("sqlite:///a.db", "K2026-0001", "Feiten:\nHalf getypt")
    drafts.keep_input("sqlite:///b.db", "K2026-0001", "andere database")
    drafts.keep_input("sqlite:///a.db", "K2026-0002", "andere klacht")
    (drafts.kept_dir() / "kapot.json").write_text("{niet af", encoding="utf-8")
    assert [k.text for k in drafts.kept_inputs("sqlite:///a.db", "K2026-0001")] == ["Feiten:\nHalf getypt"]
    drafts.drop_input(kept)
    assert drafts.kept_inputs("sqlite:///a.db", "K2026-0001") == []
    assert (drafts.kept_dir() / "kapot.json").exists()  # never deleted: someone may still want what is in it


def test_the_office_servers_password_stays_out_of_the_files_on_this_pc(tmp_path):
    url = "postgresql://klachtenbureau_werkplek:geheim-wachtwoord@server:5432/klachtenbureau"
    draft = Draft(database_url=url, fields={"description": "Te laat."})
    drafts.save(draft, tmp_path)
    kept = drafts.keep_input(url, "K2026-0001", "Nog niet opgeslagen.")
    written = b"".join(path.read_bytes() for path in [*tmp_path.iterdir(), *drafts.kept_dir().iterdir()])
    assert b"geheim-wachtwoord" not in written and b"server:5432/klachtenbureau" in written
    assert [d.id for d in drafts.list_drafts(url, tmp_path)] == [draft.id]  # still found for its database
    assert drafts.kept_inputs(url, "K2026-0001") == [kept]
