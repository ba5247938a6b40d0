"""`F`: your numbers — the periods side by side, best hour to call, dials before
a connect, pipeline, overdue promises and a 30-day dials sparkline; for a
manager (`[rep] manager = true`) a Team tab too (ui/screens/team_stats.py).

Read on the database thread in one call each (`sessions.your_numbers`,
`team.team_report`); this screen only lays the reports out. `escape` or `F`
closes it, `r` reloads, `t` switches tabs and `p` turns the team's period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static, TabbedContent, TabPane

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.reads.stats.report import StatsReport
from leaddesk.core.reads.stats.team import TeamReport, team_report
from leaddesk.core.reads.stats_text import best_hours, period_rows, rate_text
from leaddesk.core.writes.sessions import your_numbers
from leaddesk.ui.render import safe
from leaddesk.ui.screens.team_stats import TeamChart, board_table

if TYPE_CHECKING:
    from leaddesk.ui.host import DeskHost

BAR = "▇"
BAR_WIDTH = 30


def _bar(value: float, top: float, width: int = BAR_WIDTH) -> str:
    return BAR * round(width * value / top) if top > 0 else ""


def periods_table(report: StatsReport) -> Table:
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    table.add_column("")
    for p in report.periods:
        table.add_column(p.period.label, justify="right")
    for label, values in period_rows(report):
        table.add_row(Text(label, style="dim"), *values)
    return table


def hours_text(report: StatsReport) -> Text:
    """Connect rate by the lead's local hour, hours with dials only; the best marked."""
    text = Text("BEST TIME TO CALL", style="bold")
    text.append("  connect rate by the lead's local hour, 30 days", style="dim")
    hours = [h for h in report.by_hour if h.dials]
    if not hours:
        text.append("\nno dials yet", style="dim")
        return text
    best = {h.hour for h in best_hours(report)[:3]}
    top = max(h.rate or 0 for h in hours)
    for h in hours:
        text.append(f"\n{h.hour:02d}:00 ", style="bold" if h.hour in best else "")
        text.append(f"{rate_text(h.rate):>4} ", style="bold" if h.hour in best else "")
        text.append(
            _bar(h.rate or 0, top).ljust(BAR_WIDTH), style="green" if h.hour in best else ""
        )
        text.append(f" {h.connects}/{h.dials}", style="dim")
    return text


def attempts_text(report: StatsReport) -> Text:
    text = Text("DIALS BEFORE THE FIRST CONNECT", style="bold")
    text.append("  leads first reached in the last 30 days", style="dim")
    top = max((n for _, n in report.attempts_before_connect), default=0)
    if top == 0:
        text.append("\nno first connects yet", style="dim")
        return text
    for label, n in report.attempts_before_connect:
        text.append(f"\n{label:>3} ")
        text.append(_bar(n, top).ljust(BAR_WIDTH), style="cyan")
        text.append(f" {n}", style="dim")
    return text


def pipeline_text(report: StatsReport) -> Text:
    text = Text("PIPELINE  ", style="bold")
    text.append(" · ".join(f"{status} {n:,}" for status, n in report.pipeline))
    return text


def overdue_text(report: StatsReport) -> Text:
    zone = report.zone
    text = Text("OVERDUE PROMISES  ", style="bold")
    if not report.overdue_count:
        text.append("none — every callback and appointment kept", style="green")
        return text
    text.append(f"{report.overdue_count:,}", style="bold red")
    text.append("  oldest first, your time", style="dim")
    for o in report.overdue:
        text.append(f"\n  {o.at.in_timezone(zone):%a %d %b %H:%M}  {o.kind:<11} ")
        text.append(safe(o.name))
        text.append(f"  #{o.lead_id}", style="dim")
    return text


TEAM_PERIODS = (("today", "today"), ("week", "this week"), ("days30", "30 days"))


class StatsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,F", "close", "close", id="stats-close"),
        Binding("r", "reload", "refresh", id="stats-refresh"),
        Binding("t", "switch_tab", "you / team", id="stats-tab"),
        Binding("p", "next_period", "period", id="stats-period"),
    ]

    app: DeskHost

    def __init__(self, *, team: bool = False) -> None:
        super().__init__()
        self.report: StatsReport | None = None
        self.team: TeamReport | None = None
        self.period = 0  # the team's period: an index of TEAM_PERIODS
        self.open_on_team = team

    @property
    def manager(self) -> bool:
        return self.app.settings.role.manager

    def compose(self) -> ComposeResult:
        yield Static(Text("YOUR NUMBERS", style="bold"), id="stats-title")
        if not self.manager:
            yield from self._yours()
        else:
            start = "team" if self.open_on_team else "you"
            with TabbedContent(initial=start, id="stats-tabs"):
                with TabPane("You", id="you"):
                    yield from self._yours()
                with TabPane("Team", id="team"), VerticalScroll(id="team-body"):
                    yield Static(Text("loading…", style="dim"), id="team-heading")
                    yield Static("", id="team-board")
                    yield Static(Text("DIALS AND CONNECTS", style="bold"), id="team-chart-title")
                    yield TeamChart(id="team-chart")
        yield Footer()

    def _yours(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static(Text("loading…", style="dim"), id="stats-periods")
            yield Static(Text("DIALS PER DAY, LAST 30 DAYS", style="bold"), id="stats-spark-title")
            yield Sparkline([], id="stats-spark")
            yield Static("", id="stats-spark-axis")
            yield Static("", id="stats-hours")
            yield Static("", id="stats-attempts")
            yield Static("", id="stats-pipeline")
            yield Static("", id="stats-overdue")

    def on_mount(self) -> None:
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("switch_tab", "next_period"):
            return self.manager
        return True

    def action_reload(self) -> None:
        self.run_worker(self._load, group="stats", exclusive=True)

    async def _load(self) -> None:
        now, settings = self.app.now(), self.app.settings
        try:
            report = await self.app.db.run(your_numbers, now, settings)
            team = await self.app.db.run(team_report, now, settings) if self.manager else None
        except LeadDeskError as exc:
            self._failed(str(exc))
            return
        self.report, self.team = report, team
        self._show(report)
        if team is not None:
            self._show_team(team)

    def _show_team(self, team: TeamReport) -> None:
        key, label = TEAM_PERIODS[self.period]
        heading = Text("THE TEAM", style="bold")
        reps = f"{len(team.reps)} rep{'' if len(team.reps) == 1 else 's'}"
        heading.append(f"  {label} · {reps} · by connects · p: period", "dim")
        self.query_one("#team-heading", Static).update(heading)
        self.query_one("#team-board", Static).update(board_table(team, key))
        self.query_one("#team-chart", TeamChart).show(team, key)

    def action_switch_tab(self) -> None:
        tabs = self.query_one("#stats-tabs", TabbedContent)
        tabs.active = "you" if tabs.active == "team" else "team"

    def action_next_period(self) -> None:
        self.period = (self.period + 1) % len(TEAM_PERIODS)
        if self.team is not None:
            self._show_team(self.team)

    def _failed(self, message: str) -> None:
        failed = Text("✗ " + safe(message), "bold red")
        self.query_one("#stats-periods", Static).update(failed)
        if self.manager:
            self.query_one("#team-heading", Static).update(failed)

    def _show(self, report: StatsReport) -> None:
        title = Text("YOUR NUMBERS", style="bold")
        local = report.now.in_timezone(report.zone)
        title.append(f"  {safe(report.rep)} · {report.zone} · {local:%a %d %b %H:%M}", "dim")
        self.query_one("#stats-title", Static).update(title)
        self.query_one("#stats-periods", Static).update(periods_table(report))
        days = [n for _, n in report.sparkline]
        self.query_one("#stats-spark", Sparkline).data = [float(n) for n in days]
        first, last = report.sparkline[0][0], report.sparkline[-1][0]
        axis = f"{first:%d %b} … {last:%d %b} · most {max(days, default=0)} · today {days[-1]}"
        self.query_one("#stats-spark-axis", Static).update(Text(axis, style="dim"))
        self.query_one("#stats-hours", Static).update(hours_text(report))
        self.query_one("#stats-attempts", Static).update(attempts_text(report))
        self.query_one("#stats-pipeline", Static).update(pipeline_text(report))
        self.query_one("#stats-overdue", Static).update(overdue_text(report))

    def action_close(self) -> None:
        self.dismiss(None)
