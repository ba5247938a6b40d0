"""The one error a broken config file gives, shared by config.py and its section
parsers, and where in the file it points (the line of the key)."""

import re
from pathlib import Path

from leaddesk.core.domain.errors import LeadDeskError


class ConfigError(LeadDeskError):
    pass


def config_where(path: Path, key: str, text: str = "") -> str:
    """`config.toml, line 12: rules.busy_retry_minutes` — the line when it can be found."""
    line = key_line(text, key)
    return f"{path}, line {line}: {key}" if line else f"{path}: {key}"


_HEADER = r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$"
_KEY = r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.\s-])+?)\s*="""


def _dotted(name: str) -> str:
    parts = re.findall(r""""([^"]*)"|'([^']*)'|([^.\s]+)""", name)
    return ".".join(next(p for p in groups if p) for groups in parts)


def key_line(text: str, key: str) -> int | None:
    """The line (1-based) that sets `key` ("rules.morning_hour") in TOML `text`;
    else the line of its table header; None when neither is found."""
    table, header_line = "", None
    for number, line in enumerate(text.splitlines(), start=1):
        if match := re.match(_HEADER, line):
            table = _dotted(match.group(1))
            if table == key:
                header_line = number
            continue
        if match := re.match(_KEY, line):
            name = _dotted(match.group(1))
            if (f"{table}.{name}" if table else name) == key:
                return number
    if header_line is None and "." in key:
        return key_line(text, key.rsplit(".", 1)[0])
    return header_line
