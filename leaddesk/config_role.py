"""`[rep] manager = true`: the rep's role, read from the `[rep]` table of config.toml.

Kept apart from config.py (at its size limit): config.py hands the table over
and parses the keys that remain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leaddesk.config_errors import ConfigError
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Role, Settings

ROLE_KEYS = ("manager",)


def with_role(
    rep: dict[str, Any],
    settings: Settings,
    where: Callable[[str], str],
) -> tuple[Settings, dict[str, Any]]:
    """Settings with the role from `rep` ([rep] table), and the table without its keys.

    `where(key)` names the file and line of a bad value (a ConfigError).
    """
    value = rep.get("manager", False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where('rep.manager')}: must be true or false, not {value!r}")
    rest = {key: v for key, v in rep.items() if key not in ROLE_KEYS}
    return replace(settings, role=Role(manager=value)), rest
