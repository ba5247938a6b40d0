"""The one formatter for rates: the header, the session summary and the stats agree."""

from __future__ import annotations

import pendulum
from rich.console import Console

from leaddesk.core.reads.stats.tallies import Tally
from leaddesk.core.reads.stats_text import rate_text
from leaddesk.core.writes.sessions import SessionView
from leaddesk.ui.screens.session import summary_table
from leaddesk.ui.widgets.status import DeskHeader

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")


def test_twelve_of_thirty_two_is_38_percent_everywhere():
    tally = Tally(dials=32, connects=12)
    session = SessionView(1, NOW.subtract(hours=1), None, None, tally)
    header = DeskHeader("America/Chicago")
    header.now = NOW
    console = Console(width=120, record=True)
    console.print(summary_table(session, NOW))
    assert "(38%)" in header._session_text(session)
    assert "38%" in console.export_text()
    assert rate_text(tally.contact_rate) == "38%"
