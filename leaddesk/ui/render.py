"""Small rendering helpers: safe text, colours, time labels for widgets."""

from __future__ import annotations

from rich.text import Text

from leaddesk.core.domain.text import one_line


def safe(value: object) -> str:
    """User text for a widget: terminal controls (ESC, C1, bidi overrides) become
    visible placeholders, line breaks ⏎. Markup is never parsed: widgets build
    `Text` objects from it."""
    return one_line(value)


def plain(value: object, style: str = "") -> Text:
    return Text(safe(value), style=style, no_wrap=True, overflow="ellipsis")


HEAT = {"hot": "bold red", "warm": "dark_orange", "cold": "steel_blue"}
TIER_ICON = {"promise": "◆", "new": "●", "cadence": "○", "nurture": "◇"}
TIER_STYLE = {"promise": "bold yellow", "new": "red", "cadence": "", "nurture": "green"}
CHANNEL_ICON = {"email": "✉", "letter": "✎", "call": ""}
