"""The manager's view, checked against figures worked out by hand from one history,
on both engines (the `store` fixture).

Three reps — ana, ben and cy (who has done nothing yet) — and the pool. Leads
are in New York (UTC-5); the reps' periods start at Chicago midnights
(today: 06:00 UTC Nov 25, this week: Mon Nov 23 06:00 UTC, 30 days: Oct 27
05:00 UTC). Every touch goes through `log_outcome`, as the desk writes it.
"""

from __future__ import annotations

import pendulum
import pytest
from playhouse.test_utils import count_queries

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.stats.report import stats_report
from leaddesk.core.reads.stats.tallies import Tally
from leaddesk.core.reads.stats.team import team_report
from leaddesk.core.reads.team_text import leaderboard, team_json, team_lines
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.core.writes.team import ensure_rep

CHICAGO = "America/Chicago"
NY = "+1 212 555 0142"
# Wednesday 2026-11-25 19:00 UTC = 13:00 in Chicago, 14:00 in New York.
NOW = pendulum.datetime(2026, 11, 25, 19, 0, tz="UTC")
ANA = Settings(rep_name="ana", rep_timezone=CHICAGO)
BEN = Settings(rep_name="ben", rep_timezone=CHICAGO)
CY = Settings(rep_name="cy", rep_timezone=CHICAGO)
PERIODS = ("today", "week", "days30")


def utc(*parts: int) -> pendulum.DateTime:
    return pendulum.datetime(*parts, tz="UTC")


def lead(name: str, received: pendulum.DateTime, owner: int | None) -> int:
    draft = LeadDraft(name=name, phones=[(NY, "")], received_at=received, owner=owner)
    return add_lead(draft, received, ANA)


@pytest.fixture
def history(store) -> dict[str, int]:
    reps = {s.rep_name: ensure_rep(s.rep_name) for s in (ANA, BEN, CY)}
    ana, ben = reps["ana"], reps["ben"]
    # ana's L1: arrives today 13:00, ana no answer 20 min later, ana talks at 15:00.
    l1 = lead("L1", utc(2026, 11, 25, 13, 0), ana)
    log_outcome(l1, "no-answer", utc(2026, 11, 25, 13, 20), ANA)
    log_outcome(l1, "connected", utc(2026, 11, 25, 15, 0), ANA)
    # ana's L2: arrives Monday 15:00, ben leaves a voicemail at 17:30 (150 min),
    # ana sets an appointment today (for Friday: not overdue).
    l2 = lead("L2", utc(2026, 11, 23, 15, 0), ana)
    log_outcome(l2, "voicemail", utc(2026, 11, 23, 17, 30), BEN)
    log_outcome(l2, "appointment", utc(2026, 11, 25, 14, 0), ANA, next_at=utc(2026, 11, 27, 15))
    # ben's L3: arrives Monday 10:00, never attempted (waited over an hour).
    lead("L3", utc(2026, 11, 23, 10, 0), ben)
    # ben's L4: two attempts on Nov 10 (5 min) and 11, then dropped: abandoned.
    l4 = lead("L4", utc(2026, 11, 10, 14, 0), ben)
    log_outcome(l4, "no-answer", utc(2026, 11, 10, 14, 5), BEN)
    log_outcome(l4, "busy", utc(2026, 11, 11, 15, 0), BEN)
    # the pool's L5: ana wins it exactly 60 min after it arrived (not within the hour).
    l5 = lead("L5", utc(2026, 11, 5, 15, 0), None)
    log_outcome(l5, "won", utc(2026, 11, 5, 16, 0), ANA)
    # ben's L6: a callback asked 30 min after arriving, for Tuesday 15:00: overdue.
    l6 = lead("L6", utc(2026, 11, 16, 14, 0), ben)
    log_outcome(l6, "callback", utc(2026, 11, 16, 14, 30), BEN, next_at=utc(2026, 11, 24, 15))
    # the pool's L7: arrived 30 min ago, not yet attempted (counts neither way).
    lead("L7", utc(2026, 11, 25, 18, 30), None)
    return reps


def figures(report, name: str) -> dict[str, tuple]:
    row = report.totals if name == "total" else next(r for r in report.reps if r.name == name)
    return {
        key: (
            row.period(key).tally,
            row.period(key).speed.received,
            row.period(key).speed.median_minutes,
            row.period(key).speed.within_hour_pct,
            row.period(key).abandoned,
        )
        for key in PERIODS
    } | {"now": (row.overdue_promises, row.leads_owned)}


def test_every_reps_figures_by_hand(history):
    report = team_report(NOW, ANA)
    assert [r.name for r in report.reps] == ["ana", "ben", "cy"]
    # ana's calls: L1 x2 and L2's appointment today, L5 won on Nov 5. Her leads:
    # L1 (20 min), L2 (150 min; ben's voicemail is the first attempt).
    assert figures(report, "ana") == {
        "today": (Tally(3, 2, 0, 1, 0), 1, 20, 100.0, 0),
        "week": (Tally(3, 2, 0, 1, 0), 2, 85, 50.0, 0),
        "days30": (Tally(4, 3, 0, 1, 1), 2, 85, 50.0, 0),
        "now": (0, 2),
    }
    # ben's calls: L2 voicemail Monday; L4 x2, L6 callback earlier. His leads:
    # L3 (never, decided), L4 (5 min, abandoned Nov 11), L6 (30 min, overdue callback).
    assert figures(report, "ben") == {
        "today": (Tally(), 0, None, None, 0),
        "week": (Tally(1, 0, 1, 0, 0), 1, None, 0.0, 0),
        "days30": (Tally(4, 1, 1, 0, 0), 3, 17, 66.7, 1),
        "now": (1, 3),
    }
    assert figures(report, "cy") == {
        **{key: (Tally(), 0, None, None, 0) for key in PERIODS},
        "now": (0, 0),
    }
    # Totals: the reps' calls added up; every lead, the pool's (L5, L7) included.
    # today L1 20, L7 young; week + L2 150, L3 waited -> 1 of 3 decided within;
    # 30 days: 5 20 30 60 150 -> median 30, within 3 of 6 decided.
    assert figures(report, "total") == {
        "today": (Tally(3, 2, 0, 1, 0), 2, 20, 100.0, 0),
        "week": (Tally(4, 2, 1, 1, 0), 4, 85, 33.3, 0),
        "days30": (Tally(8, 4, 1, 1, 1), 7, 30, 50.0, 1),
        "now": (1, 5),
    }


def test_a_reps_row_agrees_with_their_own_stats(history):
    team = team_report(NOW, ANA)
    for settings in (ANA, BEN, CY):
        own = stats_report(NOW, settings)
        row = next(r for r in team.reps if r.name == settings.rep_name)
        for key in PERIODS:
            assert row.period(key).tally == own.period(key).tally, (settings.rep_name, key)
            # a rep's own report counts every lead: the team's totals do too
            assert team.totals.period(key).speed == own.period(key).speed
            assert team.totals.period(key).abandoned == own.period(key).abandoned
        assert team.totals.overdue_promises == own.overdue_count


def test_the_leaderboard_is_by_connects(history):
    report = team_report(NOW, ANA)
    assert [r.name for r in leaderboard(report, "days30")] == ["ana", "ben", "cy"]
    # this week: ana 2 connects; ben and cy none, ben ahead on dials
    assert [r.name for r in leaderboard(report, "week")] == ["ana", "ben", "cy"]
    assert [r.name for r in leaderboard(report, "today")] == ["ana", "ben", "cy"]


def test_statements_do_not_grow_with_reps_or_history(history):
    with count_queries() as few:
        team_report(NOW, ANA)
    for n in range(5):
        name = f"rep{n}"
        ensure_rep(name)
        lead(f"more{n}", NOW.subtract(hours=3), ensure_rep(name))
    with count_queries() as many:
        team_report(NOW, ANA)
    assert many.count == few.count <= 6


def test_json_has_every_field_per_period_per_rep_and_totals(history):
    data = team_json(team_report(NOW, ANA))
    assert set(data) == {"now", "timezone", "periods", "reps", "totals"}
    assert data["periods"]["today"]["start"] == "2026-11-25T00:00:00-06:00"
    assert [r["rep"] for r in data["reps"]] == ["ana", "ben", "cy"]
    fields = {
        "dials", "connects", "contact_rate", "voicemails", "appointments", "wins", "new_leads",
        "speed_to_lead_median_minutes", "within_hour_pct", "abandoned_after_two_or_fewer",
    }  # fmt: skip
    for row in [*data["reps"], data["totals"]]:
        assert set(row) == {"rep", "leads_owned", "overdue_promises", *PERIODS}
        for key in PERIODS:
            assert set(row[key]) == fields
    assert data["totals"]["rep"] is None
    assert data["reps"][1]["days30"] == {
        "dials": 4, "connects": 1, "contact_rate": 0.25, "voicemails": 1, "appointments": 0,
        "wins": 0, "new_leads": 3, "speed_to_lead_median_minutes": 17, "within_hour_pct": 66.7,
        "abandoned_after_two_or_fewer": 1,
    }  # fmt: skip
    assert (data["totals"]["leads_owned"], data["totals"]["overdue_promises"]) == (5, 1)


def test_the_text_tables_fit_80_columns(history):
    lines = team_lines(team_report(NOW, ANA))
    assert max(len(line) for line in lines) <= 80
    assert lines[0].startswith("The team's numbers · America/Chicago")
    ana = next(line for line in lines if line.startswith("ana"))
    assert ana.split() == ["ana", "3", "2", "67%", "1", "0", "1", "20", "min", "100%", "0"]


def test_an_empty_store_has_no_reps_and_zero_totals(store):
    report = team_report(NOW, ANA)
    assert report.reps == ()
    assert report.totals.period("days30").tally == Tally()
    assert team_lines(report)[-1].split() == ["total", "0", "0"]
