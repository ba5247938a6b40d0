"""`[compliance]` in config.toml: which rule packs apply, and a rep's own pack.

    [compliance]
    packs = ["us", "ca"]          # shipped packs (leaddesk/core/domain/rulepacks/)
    extra = "my-rules.toml"       # your own pack, relative to this file

A rule in `extra` may add a jurisdiction's rule or tighten a shipped one (same
id); one that loosens a shipped rule is kept but named as a warning, which
`leaddesk doctor` shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from leaddesk.config_errors import ConfigError
from leaddesk.core.domain.compliance import Compliance, load_book
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings

Where = Callable[[Path, str, str], str]


def compliance(
    settings: Settings,
    data: dict[str, Any],
    path: Path,
    text: str,
    warnings: list[str],
    where: Where,
) -> Settings:
    """`settings` with the [compliance] table of `data` applied; a ConfigError for a
    bad value, naming the file, line and key."""
    table = data.get("compliance", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where(path, 'compliance', text)}: must be a table ([compliance])")
    if not table:
        return settings
    packs, extra = settings.compliance.packs, ""
    for key, value in table.items():
        at = where(path, f"compliance.{key}", text)
        if key == "packs":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f'{at}: must be a list of pack names, like ["us", "ca"]')
            packs = tuple(dict.fromkeys(v.strip().lower() for v in value if v.strip()))
        elif key == "extra":
            if not isinstance(value, str):
                raise ConfigError(f'{at}: must be a file name, like "my-rules.toml"')
            extra = value.strip()
        else:
            warnings.append(f"{at}: unknown key ignored (packs, extra)")
    own = (path.parent / Path(extra).expanduser()) if extra else None
    try:
        book = load_book(packs, own)
    except InvalidInput as exc:
        key = "compliance.extra" if own is not None and str(own) in str(exc) else "compliance.packs"
        raise ConfigError(f"{where(path, key, text)}: {exc}") from None
    at = where(path, "compliance.extra", text)
    warnings.extend(f"{at}: loosens a shipped rule — {why}" for why in book.loosened)
    return replace(settings, compliance=Compliance(packs, extra, book))
