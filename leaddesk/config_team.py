"""The `[team]` table of config.toml: the shared database, whose queue, claims, hand-offs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from leaddesk.core.domain.errors import LeadDeskError
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
    error: type[LeadDeskError],
) -> Team:
    """`team` with the keys of `values` applied; `error` (config's ConfigError, passed
    in because config imports this module) is one line naming a bad value; an unknown
    key is a warning."""
    for key, value in values.items():
        where = f"{path}: team.{key}"
        if key == "database":
            if not isinstance(value, str):
                raise error(f"{where}: must be a string like 'postgresql://host/leads'")
            team = replace(team, database=value.strip())
        elif key == "queue":
            if value not in TEAM_QUEUES:
                choices = ", ".join(repr(q) for q in TEAM_QUEUES)
                raise error(f"{where}: must be one of {choices}, not {value!r}")
            team = replace(team, queue=value)
        elif key in _MINUTES:
            low, high = _MINUTES[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise error(f"{where}: must be a whole number of minutes, {low} to {high}")
            minutes: dict[str, Any] = {key: value}
            team = replace(team, **minutes)
        elif key == "reassign_on_handoff":
            if not isinstance(value, bool):
                raise error(f"{where}: must be true or false, not {value!r}")
            team = replace(team, reassign_on_handoff=value)
        else:
            warnings.append(f"{where}: unknown key ignored")
    return team
