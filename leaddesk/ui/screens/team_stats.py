"""The Team tab of `F` (managers): a leaderboard by connects and a bar chart of
every rep's dials and connects, for one period at a time (`p` turns it).

Renders a `TeamReport` read by the stats screen on the database thread; the
order of the board comes from the core (`team_text.leaderboard`).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from leaddesk.core.reads.stats.team import TeamReport
from leaddesk.core.reads.team_text import TEAM_COLUMNS, leaderboard
from leaddesk.ui.render import safe

EIGHTHS = " ▏▎▍▌▋▊▉"  # a bar's last cell, in eighths of a cell
FULL = "█"
NAME_WIDTH = 12
DIALS_STYLE, CONNECTS_STYLE = "cyan", "green"


def bar(value: int, top: int, width: int) -> str:
    """A bar of `value` out of `top` over `width` cells, to an eighth of a cell;
    anything above zero shows at least a sliver."""
    if top <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(8 * width * value / top))
    whole, part = divmod(eighths, 8)
    return FULL * whole + (EIGHTHS[part] if part else "")


def _name(text: str) -> str:
    text = safe(text)
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "…"


def board_table(report: TeamReport, key: str) -> Table:
    """The leaderboard: one row per rep by connects in period `key` (the leader in
    bold), then the totals. One space between columns: it fits 80 columns."""
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, header_style="bold")
    table.add_column("rep", no_wrap=True)
    for head, _ in TEAM_COLUMNS:
        table.add_column(head, justify="right", no_wrap=True)
    table.add_column("owned", justify="right", no_wrap=True)
    table.add_column("late", justify="right", no_wrap=True)
    board = leaderboard(report, key)
    for place, row in enumerate([*board, report.totals], start=1):
        p = row.period(key)
        lead = place == 1 and p.tally.connects > 0
        table.add_row(
            Text(_name(row.name), style="bold" if lead or row is report.totals else ""),
            *(show(p) for _, show in TEAM_COLUMNS),
            f"{row.leads_owned:,}",
            Text(str(row.overdue_promises), style="bold red" if row.overdue_promises else ""),
            end_section=place == len(board),
        )
    return table


def chart_text(report: TeamReport, key: str, width: int) -> Text:
    """Each rep's dials and connects as two bars side by side on one scale, in
    the leaderboard's order; `width` is the cells the chart may use."""
    rows = leaderboard(report, key)
    text = Text()
    text.append("█", style=DIALS_STYLE)
    text.append(" dials  ", style="dim")
    text.append("█", style=CONNECTS_STYLE)
    text.append(" connects", style="dim")
    if not rows:
        text.append("\nno reps yet: they appear when they log a call or own a lead", "dim")
        return text
    top = max(r.period(key).tally.dials for r in rows)
    figures = max(len(str(top)), 1)
    span = max(width - NAME_WIDTH - 2 * figures - 5, 4) // 2  # two bars share the row
    for row in rows:
        tally = row.period(key).tally
        text.append(f"\n{_name(row.name).ljust(NAME_WIDTH)} ")
        text.append(f"{tally.dials:>{figures}} ", style="dim")
        text.append(bar(tally.dials, top, span).ljust(span), style=DIALS_STYLE)
        text.append(f" {tally.connects:>{figures}} ", style="dim")
        text.append(bar(tally.connects, top, span), style=CONNECTS_STYLE)
    return text


class TeamChart(Widget):
    """The bar chart, drawn to the width it is given (80 columns or 200)."""

    DEFAULT_CSS = "TeamChart { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report: TeamReport | None = None
        self.key = "today"

    def show(self, report: TeamReport, key: str) -> None:
        self.report, self.key = report, key
        self.refresh(layout=True)

    def render(self) -> Text:
        if self.report is None:
            return Text("loading…", style="dim")
        return chart_text(self.report, self.key, self.size.width)
