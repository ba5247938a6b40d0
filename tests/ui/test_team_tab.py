"""`F` for a manager: a Team tab with the leaderboard and the dials/connects chart;
for everyone else the stats screen as it was, with no Team tab."""

from __future__ import annotations

from desk_helpers import DESK_NOW, keys, lead, screen_text, settle
from textual.widgets import TabbedContent

from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Role, Settings
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.core.writes.team import ensure_rep
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.screens.stats import StatsScreen
from leaddesk.ui.screens.team_stats import bar

ANA = Settings(rep_name="ana", rep_timezone="America/Chicago")
BEN = Settings(rep_name="ben", rep_timezone="America/Chicago")


def manager(settings: Settings) -> Settings:
    return replace(settings, role=Role(manager=True))


def two_reps(settings: Settings) -> None:
    """ana: 2 dials, 2 connects today; ben: 3 dials, 1 connect (his leads all)."""
    ana, ben = ensure_rep("ana"), ensure_rep("ben")
    for n, (rep, outcomes) in enumerate(
        ((ANA, ("connected", "connected")), (BEN, ("no-answer", "voicemail", "connected")))
    ):
        for i, outcome in enumerate(outcomes):
            owner = ana if rep is ANA else ben
            lead_id = lead(settings, f"{rep.rep_name} lead {i}", f"(212) 555-01{n}{i}", 60,
                           owner=owner)  # fmt: skip
            log_outcome(lead_id, outcome, DESK_NOW.subtract(minutes=30 - i), rep)


async def open_stats(pilot) -> StatsScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, DeskScreen), "the desk")
    await pilot.press("F")
    await settle(
        pilot,
        lambda: isinstance(pilot.app.screen, StatsScreen) and pilot.app.screen.report is not None,
        "the stats screen",
    )
    return pilot.app.screen


def team_lines(app) -> list[str]:
    return [line.strip() for line in screen_text(app).splitlines() if line.strip()]


def named_rows(app) -> list[list[str]]:
    """The Team tab's rows that start with a rep's name or "total", split in words."""
    return [line.split() for line in team_lines(app) if line.split()[0] in ("ana", "ben", "total")]


async def test_a_manager_sees_the_leaderboard_and_the_chart(new_app, desk_settings):
    two_reps(desk_settings)
    app = new_app(manager(desk_settings))
    async with app.run_test(size=(120, 35)) as pilot:
        stats = await open_stats(pilot)
        assert "YOUR NUMBERS" in screen_text(app) and "THE TEAM" not in screen_text(app)
        await pilot.press("t")
        # the board's three rows and the chart's two: the chart is drawn to its width,
        # after the layout that the heading and the board do not wait for
        await settle(pilot, lambda: len(named_rows(app)) >= 5, "the Team tab's board and chart")
        lines = team_lines(app)
        assert any(line.startswith("THE TEAM  today · 2 reps · by connects") for line in lines)
        board = named_rows(app)
        # the board (by connects: ana first), then the chart in the same order
        assert board[0][:4] == ["ana", "2", "2", "100%"]
        assert board[1][:4] == ["ben", "3", "1", "33%"]
        assert board[2][:4] == ["total", "5", "3", "60%"]
        # the chart, one scale: name, dials, its bar, connects, its bar
        ana, ben = board[3], board[4]
        assert (ana[0], ana[1], ana[3], ben[0], ben[1], ben[3]) == (
            "ana",
            "2",
            "2",
            "ben",
            "3",
            "1",
        )
        assert len(ben[2]) > len(ana[2]) == len(ana[4]) > len(ben[4]) > 0
        assert set(ben[2]) == {"█"}  # the most dials: a full bar

        await pilot.press("p")
        await settle(pilot, lambda: "THE TEAM  this week" in screen_text(app), "this week")
        await pilot.press("t")
        await settle(pilot, lambda: stats.query_one(TabbedContent).active == "you", "back on You")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "back at the desk")


async def test_the_team_tab_fits_80_columns(new_app, desk_settings):
    two_reps(desk_settings)
    app = new_app(manager(desk_settings))
    async with app.run_test(size=(80, 30)) as pilot:
        await open_stats(pilot)
        await pilot.press("t")
        await settle(pilot, lambda: "THE TEAM" in screen_text(app), "the Team tab")
        heads = next(line for line in team_lines(app) if line.startswith("rep "))
        # every column is there, none cut off
        assert heads.split() == ["rep", "dials", "conn", "rate", "appts", "wins", "new",
                                 "to", "lead", "≤1h", "aband", "owned", "late"]  # fmt: skip
        assert all(len(line) <= 80 for line in screen_text(app).splitlines())


async def test_the_palette_opens_the_team_tab_for_a_manager(new_app, desk_settings):
    two_reps(desk_settings)
    app = new_app(manager(desk_settings))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "the desk")
        await pilot.press("ctrl+p", *keys("stats: the team"))
        await settle(pilot, lambda: "stats: the team's numbers" in screen_text(app), "listed")
        await pilot.press("enter")
        await settle(pilot, lambda: "THE TEAM  today" in screen_text(app), "the Team tab")


async def test_no_team_tab_for_a_rep_who_is_no_manager(new_app, desk_settings):
    two_reps(desk_settings)
    app = new_app(desk_settings)
    async with app.run_test(size=(120, 35)) as pilot:
        stats = await open_stats(pilot)
        await pilot.press("t", "p")
        await settle(pilot, lambda: "YOUR NUMBERS" in screen_text(app), "your numbers")
        text = screen_text(app)
        assert "THE TEAM" not in text and "Team" not in text and "you / team" not in text
        assert not stats.query(TabbedContent) and stats.team is None
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DeskScreen), "back at the desk")
        await pilot.press("ctrl+p", *keys("stats: the team"))
        await settle(pilot, lambda: "stats: your numbers" not in screen_text(app), "filtered")
        assert "the team's numbers" not in screen_text(app)


def test_a_bar_is_drawn_to_an_eighth_of_a_cell():
    assert bar(3, 3, 10) == "█" * 10
    assert bar(1, 16, 2) == "▏"  # an eighth of a cell
    assert bar(1, 1000, 10) == "▏"  # anything above zero shows
    assert bar(5, 8, 3) == "█▉"  # 15 eighths: one cell and seven eighths
    assert bar(0, 8, 3) == bar(2, 0, 3) == ""
