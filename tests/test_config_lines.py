"""A broken config file names the file, the line and the key; unknown keys are
warnings with their line; the program stops with one line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaddesk.config import ConfigError, load_settings
from leaddesk.config_errors import key_line

CLOSED_WEEK = "[calling_hours]\n" + "".join(
    f'{day} = ""\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
PREAMBLE = '# my settings\n\n[rep]\nname = "dana"\n\n'  # the mistakes below start on line 6


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(PREAMBLE + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("[rules]\nbusy_retry_minutes = 'soon'\n", 7, "rules.busy_retry_minutes"),
        ("[rules]\nnurture_every_days = 30\nmorning_hour = 25\n", 8, "rules.morning_hour"),
        ("[rules]\n  min_call_gap_minutes   =   -5   # typo\n", 7, "rules.min_call_gap_minutes"),
        ("[calling_hours]\nmon = '08:00-21:00'\ntue = '9-5'\n", 8, "calling_hours.tue"),
        ("[ calling_hours ]\nsat = '21:00-08:00'\n", 7, "calling_hours.sat"),
        ("[cadences.hot]\nsteps = ['0 fax']\n", 6, "cadences.hot"),
        ("[cadences]\nwarm = 3\n", 7, "cadences.warm"),
        ("[keys]\nundo = 3\n", 7, "keys.undo"),
        ("[dialer]\ncommand = ['xdg-open']\n", 7, "dialer.command"),
        (CLOSED_WEEK, 6, "calling_hours"),
    ],
)
def test_a_wrong_value_names_file_line_and_key(tmp_path, text, line, key):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line {line}: {key}"), message
    assert "\n" not in message


def test_a_wrong_value_in_the_rep_table_names_its_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[rep]\nname = "dana"\ntimezone = "Mars/Olympus_Mons"\n')
    with pytest.raises(ConfigError, match=r"config.toml, line 3: rep.timezone: 'Mars"):
        load_settings(path)


def test_a_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "[rules]\nbusy_retry_minutes = = 3\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(path) in str(info.value) and "line 7" in str(info.value)


def test_unknown_keys_are_warned_with_their_line(tmp_path):
    path = write(tmp_path, "[rules]\ncoffee_breaks = 3\n\n[colours]\ntheme = 'dark'\n")
    _, warnings = load_settings(path)
    assert any(w.startswith(f"{path}, line 7: rules.coffee_breaks") for w in warnings), warnings
    assert any(w.startswith(f"{path}, line 9: colours") for w in warnings), warnings


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("rep.name", 3),
        ("rep.nick name", 4),
        ("cadences.hot", 5),
        ("cadences.warm", 8),
        ("rules.busy_retry_minutes", 10),
        ("rules.missing", 9),  # not there: its table
        ("nowhere", None),
    ],
)
def test_key_line(key, line):
    text = """# comment
[rep]
name = 'x'
"nick name" = 3
[cadences.hot]
steps = []
[cadences]
warm = 3
[rules]
busy_retry_minutes = 'soon'  # and a comment
"""
    assert key_line(text, key) == line


def test_the_program_stops_with_one_line_naming_the_line(cli, tmp_path):
    (tmp_path / "config.toml").write_text(
        "[rep]\ntimezone = 'America/Chicago'\n[rules]\nmorning_hour = 99\n"
    )
    result = cli("due")
    assert result.exit_code == 1 and "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert "config.toml, line 4: rules.morning_hour" in line
