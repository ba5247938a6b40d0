"""`[rules] cap_scope`: whether the company's own call cap counts per called number
(the default: every lead sharing it, every rep) or per lead record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leaddesk.config_errors import ConfigError
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Rules

CAP_SCOPES = ("number", "lead")


def with_cap_scope(
    values: dict[str, Any], rules: Rules, where: Callable[[str], str]
) -> tuple[Rules, dict[str, Any]]:
    """`rules` with `cap_scope` applied, and the other `[rules]` keys left to parse."""
    rest = dict(values)
    if "cap_scope" not in rest:
        return rules, rest
    scope = rest.pop("cap_scope")
    if scope not in CAP_SCOPES:
        shown = " or ".join(f'"{s}"' for s in CAP_SCOPES)
        raise ConfigError(f"{where('rules.cap_scope')}: must be {shown}, not {scope!r}")
    return replace(rules, cap_scope=scope), rest
