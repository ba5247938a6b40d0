"""Small rendering helpers: safe text, colours, time labels for widgets."""

from __future__ import annotations

import re

from rich.text import Text

# Control characters (incl. ESC) would reach the terminal raw; show them as
# visible placeholders instead. Markup is never parsed: we build Text objects.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(value: object) -> str:
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(value or "")).replace("\n", " ⏎ ")


def plain(value: object, style: str = "") -> Text:
    return Text(safe(value), style=style, no_wrap=True, overflow="ellipsis")


HEAT = {"hot": "bold red", "warm": "dark_orange", "cold": "steel_blue"}
TIER_ICON = {"promise": "◆", "new": "●", "cadence": "○", "nurture": "◇"}
TIER_STYLE = {"promise": "bold yellow", "new": "red", "cadence": "", "nurture": "green"}
CHANNEL_ICON = {"email": "✉", "letter": "✎", "call": ""}
