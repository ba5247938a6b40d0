"""`[rep] manager`: read beside the other [rep] keys, one clear line when it is wrong."""

from __future__ import annotations

import pytest

from leaddesk.config import ConfigError, load_settings


def test_a_manager_is_said_in_the_rep_table(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[rep]\nname = "ana"\nmanager = true\n', encoding="utf-8")
    settings, warnings = load_settings(path)
    assert (settings.rep_name, settings.role.manager, warnings) == ("ana", True, [])


def test_a_rep_is_no_manager_by_default(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[rep]\nname = "ana"\n', encoding="utf-8")
    assert load_settings(path)[0].role.manager is False


def test_a_manager_flag_that_is_not_true_or_false_names_its_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[rep]\nname = "ana"\nmanager = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}, line 3: rep.manager: must be true or false, not 'yes'"
