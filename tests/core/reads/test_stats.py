"""Your numbers, checked against figures computed by hand from a fixed history.

Every touch is logged through `writes.outcomes.log_outcome` at a fixed instant; the
expected numbers below are worked out in the comments, not by the code under
test. The rep is in Chicago; leads are in New York.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pendulum
import pytest
from playhouse.test_utils import count_queries

from leaddesk.core.domain.settings import Rules, Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.reads.stats.periods import day_starts, periods
from leaddesk.core.reads.stats.report import stats_report
from leaddesk.core.reads.stats.tallies import Tally, rep_of, rep_tally
from leaddesk.core.reads.stats_text import report_json, report_lines, spark
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome

CHICAGO = "America/Chicago"
NY = "+1 212 555 0142"
# Wednesday 2026-11-25 19:00 UTC = 13:00 in Chicago, 14:00 in New York.
NOW = pendulum.datetime(2026, 11, 25, 19, 0, tz="UTC")
# Its leads share one number: the caps count per lead here (per number: test_caps.py).
ME = Settings(rep_name="tester", rep_timezone=CHICAGO, rules=Rules(cap_scope="lead"))
OTHER = Settings(rep_name="other", rep_timezone=CHICAGO)


def utc(*parts: int) -> pendulum.DateTime:
    return pendulum.datetime(*parts, tz="UTC")


def lead(name: str, received: pendulum.DateTime, phones: tuple[str, ...] = (NY,)) -> int:
    draft = LeadDraft(name=name, phones=[(p, "") for p in phones], received_at=received)
    return add_lead(draft, received, ME)


@pytest.fixture
def history(store) -> dict[str, int]:
    """The history the expected numbers are computed from (times UTC; NY = UTC-5)."""
    ids = {}
    # Ana: arrives today 13:00, no answer 20 min later, talked at 15:00.
    ids["ana"] = a = lead("Ana", utc(2026, 11, 25, 13, 0))
    log_outcome(a, "no-answer", utc(2026, 11, 25, 13, 20), ME)
    log_outcome(a, "connected", utc(2026, 11, 25, 15, 0), ME)
    # Ben: arrives Monday 15:00, voicemail at 17:30 (150 min), appointment today.
    ids["ben"] = b = lead("Ben", utc(2026, 11, 23, 15, 0))
    log_outcome(b, "voicemail", utc(2026, 11, 23, 17, 30), ME)
    log_outcome(b, "appointment", utc(2026, 11, 25, 14, 0), ME, next_at=utc(2026, 11, 27, 15))
    # Eve: arrives Monday 10:00, never attempted. Fay: arrived 30 min ago, not yet.
    ids["eve"] = lead("Eve", utc(2026, 11, 23, 10, 0))
    ids["fay"] = lead("Fay", utc(2026, 11, 25, 18, 30))
    # Dan: two attempts on Nov 10 and 11, then dropped (abandoned).
    ids["dan"] = d = lead("Dan", utc(2026, 11, 10, 14, 0))
    log_outcome(d, "no-answer", utc(2026, 11, 10, 14, 5), ME)
    log_outcome(d, "busy", utc(2026, 11, 11, 15, 0), ME)
    # Gus: won on the first call, exactly 60 min after arriving.
    ids["gus"] = g = lead("Gus", utc(2026, 11, 5, 15, 0))
    log_outcome(g, "won", utc(2026, 11, 5, 16, 0), ME)
    # Wu: a wrong number on the first phone, then talked on the second.
    ids["wu"] = w = lead("Wu", utc(2026, 11, 20, 14, 0), (NY, "+1 212 555 0199"))
    log_outcome(w, "wrong-number", utc(2026, 11, 20, 14, 10), ME)
    log_outcome(w, "connected", utc(2026, 11, 20, 14, 20), ME)
    # Kim: first reached on Oct 1 (before the 30 days), talked again Tuesday.
    ids["kim"] = k = lead("Kim", utc(2026, 10, 1, 14, 0))
    log_outcome(k, "connected", utc(2026, 10, 1, 15, 0), ME)
    log_outcome(k, "connected", utc(2026, 11, 24, 15, 0), ME)
    # Otto: arrives Tuesday 14:00, another rep's no answer 30 min later.
    ids["otto"] = o = lead("Otto", utc(2026, 11, 24, 14, 0))
    log_outcome(o, "no-answer", utc(2026, 11, 24, 14, 30), OTHER)
    # Mia: arrives Tuesday 13:00, an email 10 min later (an attempt, not a dial).
    ids["mia"] = m = lead("Mia", utc(2026, 11, 24, 13, 0))
    log_outcome(m, "email", utc(2026, 11, 24, 13, 10), ME)
    # Cal: asks on Nov 16 to be called back Tuesday 15:00 — now overdue.
    ids["cal"] = c = lead("Cal", utc(2026, 11, 16, 14, 0))
    log_outcome(c, "callback", utc(2026, 11, 16, 14, 30), ME, next_at=utc(2026, 11, 24, 15))
    return ids


def test_periods_start_at_the_reps_local_midnights():
    found = {p.key: p.start for p in periods(NOW, CHICAGO, since=date(2026, 11, 24))}
    assert found == {
        "today": utc(2026, 11, 25, 6),  # CST, UTC-6
        "week": utc(2026, 11, 23, 6),  # Monday
        "days30": utc(2026, 10, 27, 5),  # Oct 27 is still CDT, UTC-5
        "since": utc(2026, 11, 24, 6),
    }
    assert [p.label for p in periods(NOW, CHICAGO)] == ["today", "this week", "30 days"]


def test_period_tallies(history):
    report = stats_report(NOW, ME, since=date(2026, 11, 24))
    tallies = {p.period.key: p.tally for p in report.periods}
    # today: Ana no answer + talked, Ben appointment.
    assert tallies["today"] == Tally(dials=3, connects=2, voicemails=0, appointments=1, wins=0)
    # week: + Ben's voicemail (Mon), Kim talked (Tue); Mia's email is no dial,
    # Otto's no answer is another rep's.
    assert tallies["week"] == Tally(dials=5, connects=3, voicemails=1, appointments=1, wins=0)
    # 30 days: + Dan x2, Gus won, Cal callback, Wu wrong number + talked.
    assert tallies["days30"] == Tally(dials=11, connects=6, voicemails=1, appointments=1, wins=1)
    # since Tuesday: Kim, Ana x2, Ben's appointment.
    assert tallies["since"] == Tally(dials=4, connects=3, voicemails=0, appointments=1, wins=0)
    assert tallies["week"].contact_rate == pytest.approx(3 / 5)
    assert Tally().contact_rate is None


def test_speed_to_lead(history):
    speed = {p.period.key: p.speed for p in stats_report(NOW, ME).periods}
    # today: Ana (20 min), Fay (30 min old, not attempted: undecided).
    assert (speed["today"].received, speed["today"].attempted) == (2, 1)
    assert speed["today"].median_minutes == 20
    assert speed["today"].within_hour_pct == 100.0
    # week: + Ben 150, Otto 30 (any rep), Mia 10 (email), Eve never (decided: over an hour).
    # attempted 10, 20, 30, 150 -> median (20 + 30) // 2; within the hour 3 of 5 decided.
    week = speed["week"]
    assert (week.received, week.attempted, week.decided, week.within_hour) == (6, 4, 5, 3)
    assert (week.median_minutes, week.within_hour_pct) == (25, 60.0)
    # 30 days: + Dan 5, Gus 60 (not within: under 60 min counts), Wu 10 (the wrong
    # number was an attempt), Cal 30. Sorted: 5 10 10 20 | 30 30 60 150.
    month = speed["days30"]
    assert (month.received, month.attempted, month.decided, month.within_hour) == (10, 8, 9, 6)
    assert (month.median_minutes, month.within_hour_pct) == (25, 66.7)


def test_abandoned_after_two_or_fewer_attempts(history):
    dropped = {p.period.key: p.abandoned for p in stats_report(NOW, ME).periods}
    # Only Dan: 2 attempts, never reached, last touched Nov 11, next step 14 days overdue.
    # Ana/Ben/Wu/Cal were reached, Otto's next call is due only since yesterday.
    assert dropped == {"today": 0, "week": 0, "days30": 1}
    # Something planned ahead means it is not abandoned.
    Lead.update(next_due_at=NOW.add(days=1)).where(Lead.id == history["dan"]).execute()
    assert stats_report(NOW, ME).period("days30").abandoned == 0


def test_best_hour_and_dials_before_the_first_connect(history):
    report = stats_report(NOW, ME)
    by_hour = {h.hour: (h.dials, h.connects) for h in report.by_hour if h.dials}
    # New York hours: Ana 08:20; Dan 09:05, Cal 09:30, Wu 09:10 + 09:20, Ben 09:00;
    # Dan 10:00, Kim 10:00, Ana 10:00; Gus 11:00; Ben's voicemail 12:30.
    assert by_hour == {8: (1, 0), 9: (5, 3), 10: (3, 2), 11: (1, 1), 12: (1, 0)}
    assert sum(h.dials for h in report.by_hour) == report.period("days30").tally.dials
    # First reached in the 30 days: Gus, Cal, Wu (wrong number not counted) after 0
    # dials; Ana and Ben after 1. Kim was first reached on Oct 1: not counted.
    assert dict(report.attempts_before_connect) == {
        **{str(i): 0 for i in range(10)},
        "10+": 0,
        "0": 3,
        "1": 2,
    }


def test_pipeline_overdue_promises_and_sparkline(history):
    report = stats_report(NOW, ME)
    expected = Counter(status for (status,) in Lead.select(Lead.status).tuples())
    assert {s: n for s, n in report.pipeline if n} == dict(expected)
    assert [s for s, _ in report.pipeline][:3] == ["new", "working", "engaged"]
    assert report.overdue_count == 1
    (cal,) = report.overdue
    assert (cal.lead_id, cal.name, cal.kind, cal.at) == (
        history["cal"],
        "Cal",
        "callback",
        utc(2026, 11, 24, 15),
    )
    days = dict(report.sparkline)
    assert len(report.sparkline) == 30
    assert report.sparkline[0][0] == date(2026, 10, 27)
    assert {d.isoformat(): n for d, n in days.items() if n} == {
        "2026-11-05": 1,
        "2026-11-10": 1,
        "2026-11-11": 1,
        "2026-11-16": 1,
        "2026-11-20": 2,
        "2026-11-23": 1,
        "2026-11-24": 1,
        "2026-11-25": 3,
    }


def test_the_json_shape(history):
    data = report_json(stats_report(NOW, ME, since=date(2026, 11, 24)))
    for key in ("today", "week", "days30", "since"):
        assert {
            "dials",
            "connects",
            "contact_rate",
            "voicemails",
            "appointments",
            "wins",
            "speed_to_lead_median_minutes",
            "within_hour_pct",
            "abandoned_after_two_or_fewer",
        } <= set(data[key])
    assert "session" not in data
    assert data["today"]["contact_rate"] == 0.6667
    assert data["today"]["start"] == "2026-11-25T00:00:00-06:00"
    assert data["week"]["speed_to_lead_median_minutes"] == 25
    assert data["by_hour"][9] == {"hour": 9, "dials": 5, "connects": 3, "contact_rate": 0.6}
    assert data["attempts_before_connect"]["0"] == 3
    assert data["overdue_promises"]["count"] == 1
    assert data["sparkline"][-1] == {"date": "2026-11-25", "dials": 3}


def test_the_human_table(history):
    lines = report_lines(stats_report(NOW, ME))
    assert lines[0].startswith("Your numbers · tester · America/Chicago · Wed 2026-11-25 13:00")
    table = {line.split("  ")[0]: line.split() for line in lines[2:13]}
    assert table["dials"][-3:] == ["3", "5", "11"]
    assert table["contact rate"][-3:] == ["67%", "60%", "55%"]
    assert spark([0, 1, 2, 4]) == "▁▃▅█"
    assert spark([0, 0]) == "▁▁"


def test_counts_are_aggregates_whatever_the_history(store, history):
    """The number of statements does not grow with the touches: nothing is looped over."""
    with count_queries() as small:
        stats_report(NOW, ME)
    for i in range(30):
        extra = lead(f"Extra {i}", utc(2026, 11, 24, 13, i))
        log_outcome(extra, "no-answer", utc(2026, 11, 24, 14, i), ME)
    with count_queries() as large:
        report = stats_report(NOW, ME)
    assert large.count == small.count
    assert report.period("week").tally.dials == 5 + 30


def test_every_call_touch_records_the_leads_local_time(history):
    # The best-hour figure reads the hour out of `lead_local`.
    calls = Touch.select(Touch.lead_local).where(Touch.channel == "call")
    assert calls.count() == 13
    assert all(len(t.lead_local) >= 16 and t.lead_local[13] == ":" for t in calls)


def test_a_rep_with_no_history_gets_zeros(store):
    report = stats_report(NOW, ME)
    assert rep_of(ME) is None
    assert all(p.tally == Tally() for p in report.periods)
    assert all(h.dials == 0 for h in report.by_hour)
    assert report.period("today").speed.median_minutes is None
    assert rep_tally(None, NOW, NOW) == Tally()


# --- day and period boundaries in the rep's zone, across DST ------------------------


def test_a_day_across_the_autumn_change_has_25_hours_and_spring_23():
    autumn = day_starts(utc(2026, 11, 2, 12), CHICAGO)
    assert autumn[-3:] == [utc(2026, 11, 1, 5), utc(2026, 11, 2, 6), utc(2026, 11, 3, 6)]
    spring = day_starts(utc(2026, 3, 9, 12), CHICAGO)
    assert spring[-3:] == [utc(2026, 3, 8, 6), utc(2026, 3, 9, 5), utc(2026, 3, 10, 5)]
    assert len(autumn) == 31


def test_touches_fall_in_the_reps_local_day_in_a_dst_week(store):
    # Sunday 2026-11-01 12:00 in Chicago (CST since 02:00): the week began Monday Oct 26 (CDT).
    now = utc(2026, 11, 1, 18)
    found = {p.key: p.start for p in periods(now, CHICAGO)}
    assert found == {
        "today": utc(2026, 11, 1, 5),  # midnight was still CDT
        "week": utc(2026, 10, 26, 5),
        "days30": utc(2026, 10, 3, 5),
    }
    ids = [lead(f"L{i}", utc(2026, 10, 30, 14)) for i in range(5)]
    log_outcome(
        ids[0],
        "no-answer",
        utc(2026, 11, 1, 4, 59, 59).add(microseconds=999_000),
        ME,
        outside_hours=True,
    )
    log_outcome(
        ids[1], "no-answer", utc(2026, 11, 1, 5, 0), ME, outside_hours=True
    )  # 00:00 CDT: today
    log_outcome(ids[2], "no-answer", utc(2026, 11, 1, 6, 30), ME, outside_hours=True)  # 01:30 CDT
    log_outcome(
        ids[3], "no-answer", utc(2026, 11, 1, 7, 30), ME, outside_hours=True
    )  # 01:30 CST, again
    log_outcome(
        ids[4], "no-answer", utc(2026, 10, 26, 4, 59), ME, outside_hours=True
    )  # Sunday before: not this week
    report = stats_report(now, ME)
    dials = {p.period.key: p.tally.dials for p in report.periods}
    assert dials == {"today": 3, "week": 4, "days30": 5}
    days = {d.isoformat(): n for d, n in report.sparkline if n}
    assert days == {"2026-10-25": 1, "2026-10-31": 1, "2026-11-01": 3}


def test_the_end_of_a_period_is_now_inclusive(store):
    a = lead("Now", utc(2026, 11, 25, 18))
    log_outcome(a, "no-answer", NOW, ME)
    assert stats_report(NOW, ME).period("today").tally.dials == 1
    assert stats_report(NOW.subtract(seconds=1), ME).period("today").tally.dials == 0
