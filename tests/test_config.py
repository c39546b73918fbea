"""The settings of this PC: declared once, with defaults, robust against a hand-edited file."""

import json

from klachtenbureau import config


def test_without_a_file_every_setting_has_its_default():
    assert config.load() == config.PcSettings()
    assert config.database_url() == config.default_database_url()


def test_update_keeps_the_other_settings(tmp_path):
    config.update(language="en", last_tabs={"petra": "inbox"})
    config.update(database_url="sqlite:///x.db")
    assert config.load() == config.PcSettings(database_url="sqlite:///x.db", language="en",
                                              last_tabs={"petra": "inbox"})
    assert config.database_url() == "sqlite:///x.db"


def test_a_value_of_the_wrong_type_or_a_broken_file_counts_as_absent():
    path = config.config_dir() / "instellingen.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"language": 3, "last_tabs": ["x"], "database_url": "sqlite:///y.db",
                                "window": {"width": 900}}), encoding="utf-8")
    assert config.load() == config.PcSettings(database_url="sqlite:///y.db")
    path.write_bytes(b"\xff{not json")
    assert config.load() == config.PcSettings()
