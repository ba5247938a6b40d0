"""config.toml -> Settings: defaults, one clear error per mistake, warnings for the unknown."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from leaddesk import paths
from leaddesk.config import DEFAULT_CONFIG, ConfigError, load_settings
from leaddesk.core.domain.settings import WEEKDAYS, CadenceStep, Rules, Settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_gives_the_defaults(tmp_path):
    settings, warnings = load_settings(tmp_path / "nope.toml")
    assert warnings == []
    defaults = Settings()
    assert settings.calling_hours == defaults.calling_hours
    assert settings.cadences == defaults.cadences
    assert settings.rules == Rules()
    assert settings.rep_name and settings.rep_timezone
    assert load_settings(None)[1] == []


def test_the_machine_fills_only_what_rep_leaves_out(tmp_path, monkeypatch):
    """The login and this machine's zone are the defaults of [rep] name and timezone,
    looked up only for a key the file leaves out (start-up: getpass is not loaded)."""
    import getpass

    from leaddesk import config

    asked: list[str] = []

    def login() -> str:
        asked.append("login")
        return "dana"

    def zone() -> str:
        asked.append("zone")
        return "America/Denver"

    monkeypatch.setattr(getpass, "getuser", login)
    monkeypatch.setattr(config, "local_timezone", zone)
    settings, _ = load_settings(write(tmp_path, "[rules]\nmorning_hour = 8\n"))
    assert (settings.rep_name, settings.rep_timezone) == ("dana", "America/Denver")
    assert sorted(asked) == ["login", "zone"]
    asked.clear()
    settings, _ = load_settings(write(tmp_path, '[rep]\nname = "ana"\n'))
    assert (settings.rep_name, settings.rep_timezone, asked) == ("ana", "America/Denver", ["zone"])
    asked.clear()
    named = '[rep]\nname = "ana"\ntimezone = "Europe/Oslo"\n'
    settings, _ = load_settings(write(tmp_path, named))
    assert (settings.rep_name, settings.rep_timezone, asked) == ("ana", "Europe/Oslo", [])
    with pytest.raises(ConfigError, match=r"rep\.name"):
        load_settings(write(tmp_path, '[rep]\nname = ""\n'))


def test_the_documented_default_file_is_the_defaults(tmp_path):
    settings, warnings = load_settings(write(tmp_path, DEFAULT_CONFIG))
    assert warnings == []
    assert settings.calling_hours == Settings().calling_hours
    assert settings.rules == Rules()
    assert settings.cadences == Settings().cadences


def test_every_rule_is_documented_with_its_default():
    from leaddesk.core.domain.record import fields

    for f in fields(Rules):
        default = list(f.default) if isinstance(f.default, tuple) else f.default  # TOML list
        default = f'"{default}"' if isinstance(default, str) else default  # a TOML string
        assert f"# {f.name} = {default}" in DEFAULT_CONFIG, f.name


def test_the_attempt_cap_is_configurable(tmp_path):
    settings, warnings = load_settings(write(tmp_path, "[rules]\nmax_calls_per_24h = 5\n"))
    assert warnings == [] and settings.rules.max_calls_per_24h == 5
    assert Rules().max_calls_per_24h == 3


def test_the_cap_counts_per_number_unless_the_config_says_per_lead(tmp_path):
    assert Rules().cap_scope == "number"
    settings, warnings = load_settings(write(tmp_path, '[rules]\ncap_scope = "lead"\n'))
    assert warnings == [] and settings.rules.cap_scope == "lead"
    with pytest.raises(ConfigError, match=r'line 2: rules.cap_scope: must be "number" or "lead"'):
        load_settings(write(tmp_path, '[rules]\ncap_scope = "team"\n'))


def test_default_calling_hours_and_cadence():
    s = Settings()
    assert s.calling_hours["mon"] == ((time(8, 0), time(21, 0)),)
    assert s.calling_hours["sat"] == ((time(8, 0), time(21, 0)),)
    assert s.calling_hours["sun"] == ()
    steps = s.cadence("new-lead").steps
    days = [step.after_minutes / (24 * 60) for step in steps]
    assert days == [0, 1 / 24, 1, 2, 4, 6, 9, 14, 21, 30]
    assert len(steps) == 10
    assert s.cadence("no-such-cadence") is s.cadence("new-lead")


def test_everything_can_be_set(tmp_path):
    settings, warnings = load_settings(
        write(
            tmp_path,
            """
[rep]
name = " dana "
timezone = "Europe/London"
default_region = "gb"

[calling_hours]
mon = "08:00-12:00, 13:00-21:00"
sat = ""
sun = "10:00-14:00"
fri = "09:30-24:00"

[rules]
busy_retry_minutes = 45
not_interested_nurture_days = 60
morning_hour = 10

[cadences.hot]
steps = ["0 call", "30m call", "1h email", "1d call", "1w letter"]

[keys]
undo = "u,ctrl+z"

[dialer]
command = "xdg-open {tel}"
""",
        )
    )
    assert warnings == []
    assert (settings.rep_name, settings.rep_timezone, settings.default_region) == (
        "dana",
        "Europe/London",
        "GB",
    )
    assert settings.calling_hours["mon"] == (
        (time(8, 0), time(12, 0)),
        (time(13, 0), time(21, 0)),
    )
    assert settings.calling_hours["sat"] == ()
    assert settings.calling_hours["sun"] == ((time(10, 0), time(14, 0)),)
    assert settings.calling_hours["fri"][0][1] >= time(23, 59)
    assert settings.calling_hours["tue"] == Settings().calling_hours["tue"]  # untouched
    assert settings.rules.busy_retry_minutes == 45
    assert settings.rules.not_interested_nurture_days == 60
    assert settings.rules.morning_hour == 10
    assert settings.rules.min_call_gap_minutes == Rules().min_call_gap_minutes
    assert settings.cadences["hot"].steps == (
        CadenceStep(0, "call"),
        CadenceStep(30, "call"),
        CadenceStep(60, "email"),
        CadenceStep(1440, "call"),
        CadenceStep(10080, "letter"),
    )
    assert "new-lead" in settings.cadences
    assert settings.keys == {"undo": "u,ctrl+z"}
    assert settings.dialer == "xdg-open {tel}"


def test_a_toml_syntax_error_names_the_file_and_line(tmp_path):
    path = write(tmp_path, '[rep]\nname = "dana"\ntimezone = \n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 3" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[rules]\nbusy_retry_minutes = 'soon'\n", "rules.busy_retry_minutes"),
        ("[rules]\nbusy_retry_minutes = true\n", "rules.busy_retry_minutes"),
        ("[rules]\nmin_call_gap_minutes = -5\n", "rules.min_call_gap_minutes"),
        ("[rules]\nmorning_hour = 25\n", "rules.morning_hour"),
        ("[rep]\nname = 3\n", "rep.name"),
        ("[rep]\ntimezone = 'Mars/Olympus_Mons'\n", "rep.timezone"),
        ("[calling_hours]\nmon = 8\n", "calling_hours.mon"),
        ("[calling_hours]\nmon = '8-21'\n", "calling_hours.mon"),
        ("[calling_hours]\nmon = '21:00-08:00'\n", "calling_hours.mon"),
        ("[calling_hours]\nmon = '08:00-25:00'\n", "calling_hours.mon"),
        ("[cadences.hot]\nsteps = ['0 fax']\n", "cadences.hot"),
        ("[cadences.hot]\nsteps = ['1y call']\n", "cadences.hot"),
        ("[cadences.hot]\nsteps = []\n", "cadences.hot"),
        ("[cadences]\nhot = 3\n", "cadences.hot"),
        ("[keys]\nundo = 3\n", "keys.undo"),
        ("[dialer]\ncommand = ['xdg-open']\n", "dialer.command"),
        ("rules = 3\n", "rules"),
    ],
)
def test_wrong_values_name_the_key(tmp_path, text, names):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message and names in message, message


def test_closing_every_day_is_refused(tmp_path):
    text = "[calling_hours]\n" + "".join(f'{day} = ""\n' for day in WEEKDAYS)
    with pytest.raises(ConfigError, match="closes every day"):
        load_settings(write(tmp_path, text))


def test_unknown_keys_are_warnings_not_errors(tmp_path):
    settings, warnings = load_settings(
        write(
            tmp_path,
            """
[rep]
nickname = "dd"
[calling_hours]
holiday = "10:00-12:00"
[rules]
coffee_breaks = 3
[colours]
theme = "dark"
""",
        )
    )
    assert len(warnings) == 4
    for needle in ("rep.nickname", "calling_hours.holiday", "rules.coffee_breaks", "[colours]"):
        assert any(needle in w for w in warnings), needle
    assert all(str(tmp_path) in w for w in warnings)
    assert settings.rules == Rules()


def test_an_unreadable_file_is_one_config_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00 not utf-8")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(path)
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path)  # a directory


def test_config_path_can_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEADDESK_CONFIG", str(tmp_path / "c.toml"))
    assert paths.config_file() == tmp_path / "c.toml"
    monkeypatch.delenv("LEADDESK_CONFIG")
    assert paths.config_file().name == "config.toml"
    assert paths.default_database().endswith("leaddesk.db")


# --- holidays and cadences -----------------------------------------------------------


def test_observed_holidays_are_countries(tmp_path):
    settings, warnings = load_settings(
        write(tmp_path, '[calling_hours]\nholidays = ["us", "GB", "US"]\n')
    )
    assert warnings == [] and settings.holidays == ("US", "GB")
    assert Settings().holidays == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('holidays = ["Narnia"]', "'Narnia' is not a country with known public holidays"),
        ('holidays = "US"', "must be a list of country codes"),
    ],
)
def test_bad_holidays_name_the_key(tmp_path, text, message):
    path = write(tmp_path, f"[calling_hours]\n{text}\n")
    with pytest.raises(ConfigError, match=r"calling_hours\.holidays") as info:
        load_settings(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_the_default_cadence_can_be_another_one(tmp_path):
    text = '[cadences]\ndefault = "quick"\n[cadences.quick]\nsteps = ["0 call", "1d call"]\n'
    settings, _ = load_settings(write(tmp_path, text))
    assert settings.default_cadence == "quick"
    assert [s.after_minutes for s in settings.cadence("quick").steps] == [0, 1440]
    assert set(settings.cadences) == {"new-lead", "quick"}


def test_an_unknown_default_cadence_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"cadences.default: no cadence named 'nope'"):
        load_settings(write(tmp_path, '[cadences]\ndefault = "nope"\n'))


def test_cadence_steps_must_be_in_order(tmp_path):
    text = '[cadences.back]\nsteps = ["1d call", "1h call"]\n'
    with pytest.raises(ConfigError, match=r"cadences\.back: steps must be in order"):
        load_settings(write(tmp_path, text))
