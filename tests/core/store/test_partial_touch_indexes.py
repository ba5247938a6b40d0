"""Migration 0027 (issue 15, point 4): the two rep indexes of `touch` hold only touches
with a rep, `touch(phone, at)` only touches with a number dialled, so a received lead's
touch enters none of them. Every reader of those indexes still reads them: a rep's
figures (the header's counts of today, the stats, the team board) name the rep, which
proves `rep_id IS NOT NULL`; the caps' counts per number and the audit's recount say
`phone <> ''` — take it out and these plans fall back to another index or a scan."""

from __future__ import annotations

import re

import pytest
from core_helpers import plans_during, sqlite_plans_during

from leaddesk.core.desk.snapshot import day_counts
from leaddesk.core.reads.audit import audit_rows
from leaddesk.core.reads.queue.blocked import number_calls
from leaddesk.core.reads.stats.report import stats_report
from leaddesk.core.reads.stats.team import team_report
from leaddesk.core.store.db import is_sqlite
from leaddesk.core.store.models import Touch
from leaddesk.core.writes.outcomes import log_outcome

NUMBER = "+12125550142"
BY_NUMBER = re.compile(r"\btouch_phone_at\b")
# either rep index: PostgreSQL picks by cost between them on a small table
BY_REP = re.compile(r"\btouch_rep_id_(at_channel_outcome|channel_outcome_at_lead_local_lead_id)\b")


@pytest.fixture
def calls(make_lead, now, settings) -> int:
    lead = make_lead("Dana Whitfield", phones=["+1 212 555 0142"])
    log_outcome(lead, "no-answer", now.subtract(minutes=30), settings)
    log_outcome(lead, "connected", now.subtract(minutes=5), settings)
    return lead


def plans(store, marker: str, action) -> list[str]:
    """The plans of the statements holding `marker` that `action()` runs (PostgreSQL's
    with sequential scans off, as a small table would be scanned)."""
    if is_sqlite(store):
        return sqlite_plans_during(marker, action)
    return plans_during(marker, action)[0]


def test_a_received_touch_enters_none_of_the_three(store, calls):
    touches = {(t.outcome, t.rep_id is None, t.phone) for t in Touch.select()}
    assert ("received", True, "") in touches  # the lead's own, kept in the table
    if not is_sqlite(store):
        return
    (by_phone,) = store.execute_sql(
        'SELECT COUNT(*) FROM "touch" INDEXED BY "touch_phone_at" WHERE "phone" <> \'\''
    ).fetchone()
    (by_rep,) = store.execute_sql(
        'SELECT COUNT(*) FROM "touch" INDEXED BY "touch_rep_id_at_channel_outcome"'
        ' WHERE "rep_id" IS NOT NULL'
    ).fetchone()
    assert by_phone == by_rep == 2


def test_the_caps_count_calls_to_a_number_off_its_index(store, calls, now):
    found: list[dict] = []
    seen = plans(store, 'WHERE "phone" IN', lambda: found.append(number_calls([NUMBER], now)))
    assert len(found[0][NUMBER]) == 2
    assert len(seen) == 1 and BY_NUMBER.search(seen[0]), seen


def test_the_audit_recounts_a_numbers_calls_off_its_index(store, calls, settings):
    rows: list = []
    seen = plans(store, '"phone" = "t1"."phone"', lambda: rows.extend(audit_rows(settings)))
    assert [row.calls_24h for row in rows] == [0, 1]
    assert len(seen) == 1 and BY_NUMBER.search(seen[0]), seen


def test_the_headers_counts_of_today_read_a_rep_index(store, calls, now, settings):
    counts: list = []
    seen = plans(store, "SUM(CASE", lambda: counts.append(day_counts(now, settings)))
    assert (counts[0].dials, counts[0].connects) == (2, 1)
    assert len(seen) == 1 and BY_REP.search(seen[0]), seen


def test_a_reps_stats_read_a_rep_index(store, calls, now, settings):
    # the period's last, partial hour is counted from the touches themselves
    seen = plans(store, "AND t.channel = ", lambda: stats_report(now, settings))
    assert seen
    for plan in seen:
        assert BY_REP.search(plan), plan


@pytest.mark.sqlite_only  # PostgreSQL orders this join by cost: touch_at here, as before 0027
def test_the_team_board_reads_a_rep_index(store, calls, now, settings):
    seen = plans(store, "AND t.channel = ", lambda: team_report(now, settings))
    assert seen
    for plan in seen:
        assert BY_REP.search(plan), plan
