"""Load `Settings` from config.toml. Every key is optional; see DEFAULT_CONFIG.

A broken file gives one ConfigError naming the file, line and key; unknown keys are warnings.
"""

from __future__ import annotations

import json
import re
from datetime import time
from pathlib import Path
from typing import Any

import pendulum
from pendulum.tz.local_timezone import get_local_timezone

from leaddesk.config_caps import with_cap_scope
from leaddesk.config_compliance import compliance
from leaddesk.config_errors import ConfigError, config_where
from leaddesk.config_mail import parse_mail
from leaddesk.config_mail_in import read_mail_in
from leaddesk.config_role import with_role
from leaddesk.config_team import team_settings
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.holidays import check_country
from leaddesk.core.domain.record import Frozen, replace
from leaddesk.core.domain.settings import (
    DEFAULT_FALLBACK,
    WEEKDAYS,
    Cadence,
    CadenceStep,
    Rules,
    Settings,
)
from leaddesk.core.domain.toml_cache import TomlError, parse
from leaddesk.core.store.files import open_private

DEFAULT_CONFIG = """\
# leaddesk configuration. Every key is optional; the values shown are the defaults.

[rep]
# name = "dana"                 # default: your login name
# timezone = "America/Chicago"  # default: this computer's zone
# default_region = "US"         # for phone numbers typed without +country

[calling_hours]
# Local time of the lead; "" closes the day. Several windows: "08:00-12:00,13:00-21:00".
# mon = "08:00-21:00"
# tue = "08:00-21:00"
# wed = "08:00-21:00"
# thu = "08:00-21:00"
# fri = "08:00-21:00"
# sat = "08:00-21:00"
# sun = ""
# holidays = ["US"]     # countries whose public holidays close the window (and are no
#                       # business days) for leads in that country; default: none

[rules]
# busy_retry_minutes = 30
# min_call_gap_minutes = 30     # between two calls to a lead, busy retry included
# max_calls_per_24h = 3         # calls in any rolling 24 hours; 0 = no cap
# cap_scope = "number"          # count them per called number (every lead, every rep) or "lead"
# connected_followup_business_days = 2
# not_interested_nurture_days = 90
# nurture_every_days = 30
# won_checkin_days = 30
# morning_hour = 9          # "tomorrow morning" in the picker
# new_lead_hot_minutes = 5
# new_lead_cold_minutes = 60
# appointment_notice_minutes = 10   # announce an appointment this many minutes ahead
# min_attempts_before_lost = 8      # closing a lead as lost sooner asks for a confirming key
# promise_slack_minutes = 60        # a call up to this long before a promised time keeps it
# call_dayparts = [9, 12, 15, 18]   # day-later call steps rotate through these local hours
# window_end_margin_minutes = 15    # no computed call this close to the window's end

# [cadences]
# default = "new-lead"          # the cadence new and imported leads start on
#
# [cadences.new-lead]           # offsets count from the first attempt; channel call|email|letter
# steps = ["0 call", "1h call", "1d call", "2d email", "4d call", "6d call",
#          "9d email", "14d call", "21d letter", "30d call"]
# fallback = ["call", "email", "letter"]   # a step the lead cannot receive (no email,
#                               # no address, do-not-mail) becomes the first of these it
#                               # can; [] skips such steps
#
# [cadences.re-engage]          # define more; move a lead with `leaddesk cadence ID NAME`
# steps = ["0 call", "2d email", "7d call"]

[keys]
# Remap by binding id, e.g.:
# outcome-no-answer = "n"
# undo = "u,ctrl+z"

[dialer]
# command = "xdg-open {tel}"   # {tel} = tel:+12125550142, {e164} = +12125550142
# command = "copy"            # never run a program: copy the number to the clipboard
# (default: the desktop's tel: handler where one is registered, else copy)

[team]
# database = "postgresql://ana@db.example.com/leads"   # one shared database for the team
# queue = "mine+pool"     # mine+pool: my leads and unowned ones | mine | all
# claim_minutes = 5       # a lead selected to call is kept from the others this long
# new_lead_minutes = 5    # an owner's new lead not called this long after it fell due is
# promise_minutes = 15    # offered to every rep, as is a promise this overdue
# reassign_on_handoff = false   # the rep who claims a hand-off becomes its owner
# away_minutes = 10       # a rep whose desk has been silent this long is away: hand off at once
"""


# Patterns as text: `re` compiles each on first use and caches it, so a config
# with no cadence and no mistake to point at compiles none of them.
_DURATION = r"^(\d+)\s*(m|min|h|d|w)?$"
_UNIT_MINUTES = {None: 1, "m": 1, "min": 1, "h": 60, "d": 1440, "w": 10080}


def _parse_windows(text: str, where: str) -> tuple[tuple[time, time], ...]:
    windows = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        match = re.match(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$", part)
        if not match:
            raise ConfigError(f"{where}: {part!r} is not a window like '08:00-21:00'")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start = time(h1, m1)
            end = time(23, 59, 59) if (h2, m2) == (24, 0) else time(h2, m2)
        except ValueError:
            raise ConfigError(f"{where}: {part!r} is not a time of day") from None
        if end <= start:
            raise ConfigError(f"{where}: {part!r} ends before it starts")
        windows.append((start, end))
    return tuple(windows)


def _parse_step(text: str, where: str) -> CadenceStep:
    parts = str(text).split()
    if len(parts) != 2 or parts[1] not in ("call", "email", "letter"):
        raise ConfigError(f"{where}: step {text!r} must be like '1d call' (call, email, letter)")
    match = re.match(_DURATION, parts[0])
    if not match:
        raise ConfigError(f"{where}: {parts[0]!r} is not a duration like 30m, 1h, 2d, 1w")
    return CadenceStep(int(match.group(1)) * _UNIT_MINUTES[match.group(2)], parts[1])


def _parse_countries(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}: must be a list of country codes like ["US", "CA"]')
    try:
        return tuple(dict.fromkeys(check_country(v) for v in value))
    except InvalidInput as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _parse_hours(value: Any, where: str) -> tuple[int, ...]:
    hours = value if isinstance(value, list) and value else [None]
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 23 for v in hours):
        raise ConfigError(f"{where}: must be a list of hours of the day, like [9, 12, 15, 18]")
    return tuple(value)


def _parse_fallback(value: Any, where: str) -> tuple[str, ...]:
    channels = ("call", "email", "letter")
    if not isinstance(value, list) or not all(v in channels for v in value):
        raise ConfigError(f'{where}.fallback: must be a list of channels, like ["call", "email"]')
    return tuple(dict.fromkeys(value))


def local_timezone() -> str:
    try:
        # pendulum.local_timezone is this function; mypy mistakes it for its module
        name = get_local_timezone().name
    except Exception:
        return "UTC"
    return name if "/" in name or name == "UTC" else "UTC"


def load_settings(path: Path | None) -> tuple[Settings, list[str]]:
    """Settings from `path` (missing file = defaults) and a list of warnings."""
    if path is None or not path.exists():
        return _machine_defaults({}), []
    try:
        text = path.read_text(encoding="utf-8")
        data = parse(text, str(path.absolute()))
    except TomlError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    return settings_from_dict(data, path, _machine_defaults(data.get("rep")), text)


def _machine_defaults(rep: Any) -> Settings:
    """Defaults from this machine (the login, its zone) for what [rep] leaves out.

    A key [rep] has is either used or refused by `settings_from_dict`, so its
    default is never read: the login (getpass) and the zone are not looked up.
    """
    given = rep if isinstance(rep, dict) else {}
    name = "me" if "name" in given else _login()
    zone = "UTC" if "timezone" in given else local_timezone()
    return Settings(rep_name=name, rep_timezone=zone)


def settings_from_dict(
    data: dict[str, Any], path: Path, base: Settings | None = None, text: str = ""
) -> tuple[Settings, list[str]]:
    """Settings from parsed TOML; `text` (the file's source) lets errors name lines."""
    settings = base or Settings()
    warnings: list[str] = []
    known = {"rep", "calling_hours", "rules", "cadences", "keys", "dialer", "team"}
    known |= {"compliance", "mail"}
    for key in data:
        if key not in known:
            warnings.append(f"{config_where(path, key, text)}: unknown section [{key}] ignored")

    def table(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"{config_where(path, name, text)}: must be a table ([{name}])")
        return value

    settings, rep = with_role(table("rep"), settings, lambda k: config_where(path, k, text))
    for key, value in rep.items():
        where = config_where(path, f"rep.{key}", text)
        if key not in ("name", "timezone", "default_region"):
            warnings.append(f"{where}: unknown key ignored")
            continue
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: must be a non-empty string")
        if key == "timezone":
            try:
                pendulum.timezone(value)
            except Exception:
                raise ConfigError(f"{where}: {value!r} is not an IANA time zone") from None
            settings = replace(settings, rep_timezone=value)
        elif key == "name":
            settings = replace(settings, rep_name=value.strip())
        else:
            settings = replace(settings, default_region=value.strip().upper())

    hours = dict(settings.calling_hours)
    for key, value in table("calling_hours").items():
        where = config_where(path, f"calling_hours.{key}", text)
        if key == "holidays":
            settings = replace(settings, holidays=_parse_countries(value, where))
            continue
        if key not in WEEKDAYS:
            warnings.append(f"{where}: unknown key ignored (use mon … sun)")
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{where}: must be a string like '08:00-21:00' or ''")
        hours[key] = _parse_windows(value, where)
    if not any(hours.values()):
        where = config_where(path, "calling_hours", text)
        raise ConfigError(f"{where}: closes every day; no call could be placed")
    settings = replace(settings, calling_hours=hours)

    rules, rest = with_cap_scope(
        table("rules"), settings.rules, lambda k: config_where(path, k, text)
    )
    for key, value in rest.items():
        where = config_where(path, f"rules.{key}", text)
        if not hasattr(Rules, key):
            warnings.append(f"{where}: unknown key ignored")
            continue
        if key == "call_dayparts":
            rules = replace(rules, call_dayparts=_parse_hours(value, where))
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}: must be a whole number ≥ 0, not {value!r}")
        if key == "morning_hour" and value > 23:
            raise ConfigError(f"{where}: must be an hour of the day, 0 to 23, not {value!r}")
        values: dict[str, Any] = {key: value}
        rules = replace(rules, **values)
    settings = replace(settings, rules=rules)

    cadences = dict(settings.cadences)
    default_cadence = settings.default_cadence
    for name, spec in table("cadences").items():
        where = config_where(path, f"cadences.{name}", text)
        if name == "default":
            if not isinstance(spec, str) or not spec.strip():
                raise ConfigError(f'{where}: must name a cadence, like "new-lead"')
            default_cadence = spec.strip()
            continue
        steps = spec.get("steps") if isinstance(spec, dict) else None
        if not isinstance(steps, list) or not steps:
            raise ConfigError(f'{where}: needs steps = ["0 call", "1h call", …]')
        parsed = tuple(_parse_step(s, where) for s in steps)
        offsets = [step.after_minutes for step in parsed]
        if offsets != sorted(offsets):
            raise ConfigError(f"{where}: steps must be in order, each no sooner than the last")
        fallback = _parse_fallback(spec.get("fallback", list(DEFAULT_FALLBACK)), where)
        cadences[name] = Cadence(name, parsed, fallback)
    if default_cadence not in cadences:
        names = ", ".join(sorted(cadences))
        where = config_where(path, "cadences.default", text)
        raise ConfigError(f"{where}: no cadence named {default_cadence!r} ({names})")
    settings = replace(settings, cadences=cadences, default_cadence=default_cadence)

    keys = {}
    for key, value in table("keys").items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f'{config_where(path, "keys." + key, text)}: must be a key like "n"')
        keys[key] = value.strip()
    settings = replace(settings, keys=keys)

    dialer = table("dialer")
    if "command" in dialer:
        if not isinstance(dialer["command"], str):
            raise ConfigError(f"{config_where(path, 'dialer.command', text)}: must be a string")
        settings = replace(settings, dialer=dialer["command"])
    team = team_settings(table("team"), path, settings.team, warnings)
    settings = replace(settings, team=team)
    settings = compliance(settings, data, path, text, warnings, config_where)
    settings = replace(settings, mail=parse_mail(table("mail"), path, warnings))
    settings = replace(settings, mail_in=read_mail_in(table("mail"), path, text, config_where))
    return settings, warnings


class RepAnswer(Frozen):
    """The first-run questions' answer: who the rep is and the zone they work in. (A
    plain class, `domain.record`: this module loads on `leaddesk due`'s path.)"""

    __slots__ = ("name", "timezone")
    name: str
    timezone: str

    def __init__(self, name: str, timezone: str) -> None:
        self._set(name=name, timezone=timezone)


def first_run_guess(name: str | None = None) -> tuple[RepAnswer, str]:
    """The answer to prefill (login name, this machine's zone) and a warning when
    the machine says UTC — a server's usual zone, rarely the rep's."""
    zone = local_timezone()
    utc = zone in ("UTC", "Etc/UTC")
    warning = "this computer says UTC, as servers usually do: type your own zone" if utc else ""
    return RepAnswer(name or _login(), zone), warning


def checked_answer(answer: RepAnswer) -> RepAnswer:
    """The answer made tidy; ConfigError (one line) for an empty name or unknown zone."""
    name, zone = " ".join(answer.name.split()), answer.timezone.strip()
    if not name:
        raise ConfigError("your name is empty: type the name your leads are kept under")
    try:
        return RepAnswer(name, pendulum.timezone(zone).name)
    except Exception:
        raise ConfigError(f"{zone!r} is not an IANA time zone (e.g. America/Chicago)") from None


def first_config_text(answer: RepAnswer) -> str:
    """What the first run writes to config.toml: the rep table."""
    ok = checked_answer(answer)  # a JSON string is a valid TOML basic string
    return f"[rep]\nname = {json.dumps(ok.name)}\ntimezone = {json.dumps(ok.timezone)}\n"


def write_first_config(path: Path, answer: RepAnswer) -> RepAnswer:
    """Write the first run's config.toml (owner-only), never over an existing file;
    return the answer as written."""
    text = first_config_text(answer)
    if path.exists():
        raise ConfigError(f"{path} exists already: not overwritten")
    with open_private(path, encoding="utf-8") as out:
        out.write(f"# written by leaddesk on its first run\n{text}")
    return checked_answer(answer)


def _login() -> str:
    try:
        import getpass  # here: a config naming the rep never asks for the login

        return getpass.getuser() or "me"
    except Exception:
        return "me"
