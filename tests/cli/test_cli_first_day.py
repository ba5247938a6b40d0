"""Issue 12, the CLI side of a rep's first day: duplicates on `add`, doubtful
numbers and extensions, and a command the empty desk can print as typed."""

from __future__ import annotations

import json
import stat

import pytest
from test_cli import add_dana, ok


def test_add_warns_about_a_phone_or_email_already_on_a_lead(cli):
    first = add_dana(cli)
    result = cli("add", "--name", "Dana W.", "--phone", "212.555.0142", "--json")
    made = json.loads(ok(result))
    assert made["duplicates"] == [
        {"id": first, "name": "Dana Whitfield", "matches": ["phone +1 212-555-0142"]}
    ]
    assert made["id"] == first + 1  # the default is to add it, with the warning
    assert f"already on lead {first} (Dana Whitfield)" in result.stderr


def test_on_duplicate_skip_adds_nothing(cli):
    first = add_dana(cli)
    result = cli("add", "--name", "Dana W.", "--phone", "(212) 555-0142", "--on-duplicate", "skip")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "not added" in result.stderr
    assert cli("show", str(first + 1)).exit_code == 1  # no such lead


@pytest.mark.parametrize("typed", ["555-0104", "(999) 555-0121"])
def test_a_number_that_is_not_valid_is_kept_and_flagged(cli, typed):
    result = cli("add", "--name", "Ina Valid", "--phone", typed)
    lead_id = int(ok(result))
    assert f"phone {typed} is not a valid number (kept as typed" in result.stderr
    shown = ok(cli("show", str(lead_id)))
    assert f"{typed} (not a valid number)" in shown
    assert "+1 5550104" not in shown and "+1 999-555-0121" not in shown


def test_an_extension_is_kept_shown_and_exported(cli):
    lead_id = int(ok(cli("add", "--name", "Exa Tension", "--phone", "(212) 555-0142 ext 3")))
    assert "+1 212-555-0142 ext. 3" in ok(cli("show", str(lead_id)))
    assert "+12125550142 ext. 3" in ok(cli("export"))


# --- the command the empty desk prints (point 1) ---------------------------------------


def test_how_to_run_is_a_command_that_works_as_typed(tmp_path):
    from leaddesk.cli.desk import how_to_run

    script = tmp_path / ".venv" / "bin" / "leaddesk"
    script.parent.mkdir(parents=True)
    script.write_text("")
    py = "/usr/bin/python3"
    # started by `make run` from the checkout: that path, not a `leaddesk` off the PATH
    assert how_to_run(".venv/bin/leaddesk", py, None, tmp_path) == ".venv/bin/leaddesk"
    assert how_to_run(str(script), py, "/usr/bin/leaddesk", tmp_path) == ".venv/bin/leaddesk"
    # from elsewhere: the full path
    assert how_to_run(str(script), py, None, tmp_path / "x") == str(script)
    # installed (`make install`): the name on the PATH is this program
    assert how_to_run(str(script), py, str(script), tmp_path / "x") == "leaddesk"
    assert (
        how_to_run("/m/leaddesk/__main__.py", py, None, tmp_path) == "/usr/bin/python3 -m leaddesk"
    )


def test_the_cli_says_how_to_add_with_a_command_that_works(cli, monkeypatch):
    monkeypatch.setattr("sys.argv", ["/nowhere/.venv/bin/leaddesk"])
    out = ok(cli("due"))
    assert "Nothing due. (/nowhere/.venv/bin/leaddesk add …" in out


# --- the first run's config (point 2) --------------------------------------------------


def test_the_first_config_is_checked_and_written_owner_only(tmp_path):
    from leaddesk.config import (
        ConfigError,
        RepAnswer,
        first_config_text,
        load_settings,
        write_first_config,
    )

    path = tmp_path / "leaddesk" / "config.toml"
    assert first_config_text(RepAnswer(' Dana  "D" Whit ', "America/Chicago")) == (
        '[rep]\nname = "Dana \\"D\\" Whit"\ntimezone = "America/Chicago"\n'
    )
    with pytest.raises(ConfigError, match="not an IANA time zone"):
        write_first_config(path, RepAnswer("Dana", "Chicago time"))
    with pytest.raises(ConfigError, match="name is empty"):
        write_first_config(path, RepAnswer("  ", "UTC"))
    assert not path.exists()
    written = write_first_config(path, RepAnswer(" Dana ", "Europe/London"))
    assert written == RepAnswer("Dana", "Europe/London")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings, warnings = load_settings(path)
    assert (settings.rep_name, settings.rep_timezone, warnings) == ("Dana", "Europe/London", [])
    with pytest.raises(ConfigError, match="exists already"):
        write_first_config(path, RepAnswer("Eve", "UTC"))


def test_a_machine_in_utc_is_warned_about(monkeypatch):
    from leaddesk import config

    monkeypatch.setattr(config, "local_timezone", lambda: "UTC")
    guess, warning = config.first_run_guess("dana")
    assert guess == config.RepAnswer("dana", "UTC") and "says UTC" in warning
    monkeypatch.setattr(config, "local_timezone", lambda: "America/Chicago")
    assert config.first_run_guess("dana")[1] == ""
