"""The `[team]` table of config.toml: the shared database, whose queue, claims, hand-offs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leaddesk.config_errors import ConfigError
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import TEAM_QUEUES, Team

# Whole minutes each key may hold, inclusive.
_MINUTES = {
    "claim_minutes": (1, 240),
    "new_lead_minutes": (1, 24 * 60),
    "promise_minutes": (1, 24 * 60),
    "away_minutes": (1, 24 * 60),
}


def team_settings(
    values: dict[str, Any],
    path: Path,
    team: Team,
    warnings: list[str],
) -> Team:
    """`team` with the keys of `values` applied; a bad value is one ConfigError line
    naming it; an unknown key is a warning."""
    for key, value in values.items():
        where = f"{path}: team.{key}"
        if key == "database":
            if not isinstance(value, str):
                raise ConfigError(f"{where}: must be a string like 'postgresql://host/leads'")
            team = replace(team, database=value.strip())
        elif key == "queue":
            if value not in TEAM_QUEUES:
                choices = ", ".join(repr(q) for q in TEAM_QUEUES)
                raise ConfigError(f"{where}: must be one of {choices}, not {value!r}")
            team = replace(team, queue=value)
        elif key in _MINUTES:
            low, high = _MINUTES[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ConfigError(f"{where}: must be a whole number of minutes, {low} to {high}")
            minutes: dict[str, Any] = {key: value}
            team = replace(team, **minutes)
        elif key == "reassign_on_handoff":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: must be true or false, not {value!r}")
            team = replace(team, reassign_on_handoff=value)
        else:
            warnings.append(f"{where}: unknown key ignored")
    return team
