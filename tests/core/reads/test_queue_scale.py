"""The queue's hot paths at a million leads (issue 15, point 3), on both engines: the
shapes that stay flat read the same rows and counts as the reference queries
(`where.later_where`, `where.tomorrow_where`, `due.due_query`), and say "or more"
above the cap."""

from __future__ import annotations

import pytest

from leaddesk.core.desk.snapshot import desk_snapshot
from leaddesk.core.reads.leads import lead_count
from leaddesk.core.reads.queue.due import _converted, band_counts, due_rows
from leaddesk.core.reads.queue.later import later_count, later_rows, tomorrow_count
from leaddesk.core.reads.queue.sections import counts
from leaddesk.core.reads.queue.where import (
    COLUMNS,
    due_query,
    end_of_rep_day,
    later_where,
    new_lead_cut,
    open_zone_keys,
    opening_today_keys,
    shut_today_keys,
    tomorrow_where,
)
from leaddesk.core.reads.scope import scope_for
from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import Lead
from leaddesk.core.writes.outcomes import log_outcome

AREAS = ("212", "213", "312")  # New York, Los Angeles, Chicago: open at the tests' now
SYDNEY = "+61 2 9999 99"  # opens 08:00 Sydney = 15:00 Chicago: later today at the tests' now


def _mixed(make_lead, settings, now) -> None:
    """Due, later-today (a window that opens, a retry due later) and tomorrow's leads,
    over every tier, several at one instant."""
    for i in range(6):
        make_lead(f"Syd {i}", phone=f"{SYDNEY}{i:02d}", minutes_ago=5 + i)
    for i in range(9):
        lead = make_lead(f"Due {i}", phone=f"+1 {AREAS[i % 3]} 555 01{i:02d}", minutes_ago=3)
        if i % 3 == 0:  # promises, three due at one instant (a tie broken by id)
            log_outcome(lead, "callback", now.subtract(hours=3), settings,
                        next_at=now.subtract(hours=1))  # fmt: skip
        elif i % 3 == 1:  # retries due later today
            log_outcome(lead, "busy", now.subtract(minutes=10), settings)


def _reference_later(now, settings, keys, limit: int) -> list[int]:
    where = later_where(
        now,
        end_of_rep_day(now, settings),
        opening_today_keys(now, settings, keys),
        scope_for(settings),
    )
    query = Lead.select(*COLUMNS).where(where).order_by(Lead.next_due_at, Lead.id).limit(limit)
    return sorted(row[0] for row in tuples(query))


@pytest.mark.parametrize("hours", [0, 7, -7])  # the tests' afternoon, evening, early morning
def test_later_and_tomorrow_read_what_the_reference_reads(make_lead, settings, now, hours):
    _mixed(make_lead, settings, now)
    at = now.add(hours=hours)
    keys = open_zone_keys(at, settings)
    scope = scope_for(settings)
    opening = opening_today_keys(at, settings, keys)
    reference = Lead.select().where(later_where(at, end_of_rep_day(at, settings), opening, scope))
    assert later_count(at, settings, keys) == reference.count()
    shut = shut_today_keys(keys, opening)
    expected = Lead.select().where(tomorrow_where(at, shut, scope)).count() if shut else 0
    assert tomorrow_count(at, settings, keys) == expected
    for limit in (1, 4, 100):
        got = sorted(r.lead_id for r in later_rows(at, settings, limit, keys))
        assert got == _reference_later(at, settings, keys, limit)


def test_the_afternoon_store_has_both_later_arms(make_lead, settings, now):
    """The case above at the tests' now holds a window opening and work due later."""
    _mixed(make_lead, settings, now)
    keys = open_zone_keys(now, settings)
    rows = later_rows(now, settings, 100, keys)
    assert {r.opens_at is not None for r in rows} == {True, False}
    assert later_count(now, settings, keys) == len(rows) == 9


def test_later_counted_above_the_cap_says_or_more(make_lead, settings, now):
    _mixed(make_lead, settings, now)
    capped = counts(now, settings, cap=4)
    assert capped.later == 4 and capped.capped[1]
    assert counts(now, settings, cap=9).capped[1]  # exactly at the cap: "9+"
    exact = counts(now, settings, cap=10)
    assert exact.later == 9 and not exact.capped[1]
    # the first arm alone fills a small cap; the second is not read
    assert later_count(now, settings, open_zone_keys(now, settings), cap=2) == 2


def test_segments_are_counted_in_due_order_until_the_cap(make_lead, settings, now):
    _mixed(make_lead, settings, now)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    exact = band_counts(now, keys, cut)
    assert exact[0] == 3 and sum(exact) == 6
    assert band_counts(now, keys, cut, cap=2) == (2, 0, 0, 0, 0)
    assert band_counts(now, keys, cut, cap=4) == (3, 1, 0, 0, 0)
    assert band_counts(now, keys, cut, cap=50) == exact
    for offset in range(6):
        expected = [_converted(r) for r in due_query(now, keys, cut, offset, 2).tuples()]
        assert due_rows(now, keys, offset, 2, cut) == expected  # ties in id order


def test_the_total_is_counted_only_up_to_the_cap(make_lead, settings, now):
    _mixed(make_lead, settings, now)
    assert lead_count() == 15 and lead_count(cap=4) == 4 and lead_count(cap=50) == 15
    snap = desk_snapshot(now, settings, 0, 5, count_cap=4)
    assert snap.extras is not None and snap.extras.total_leads == 4


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN; PostgreSQL's planner chooses by its statistics
def test_each_later_arm_and_tomorrow_is_an_index_range(make_lead, store, settings, now):
    _mixed(make_lead, settings, now)
    statements: list[str] = []

    def plan_of(sql: str, params: list) -> None:
        steps = [row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        statements.append(" | ".join(steps))

    real = store.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.lstrip().upper().startswith("SELECT") and '"lead"' in sql:
            plan_of(sql, params or [])
        return real(sql, params, *args, **kwargs)

    keys = open_zone_keys(now, settings)
    store.execute_sql = spy
    try:
        later_count(now, settings, keys)
        later_rows(now, settings, 100, keys)
        tomorrow_count(now.add(hours=7), settings, open_zone_keys(now.add(hours=7), settings))
    finally:
        del store.execute_sql
    assert statements
    for plan in statements:
        assert "SCAN lead" not in plan and "SCAN t1" not in plan, plan  # no walk of leads
        assert "lead_zone_queue" in plan or "lead_queue" in plan, plan
        # sorted: only the few ids kept (LIST SUBQUERY), or one window key's range after another
        sorted_ok = "LIST SUBQUERY" in plan or "lead_zone_queue" in plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan or sorted_ok, plan
    zone = [plan for plan in statements if "lead_zone_queue" in plan]
    assert zone and all("COVERING INDEX lead_zone_queue" in plan for plan in zone), zone


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN
def test_a_page_of_leads_due_at_one_instant_needs_no_sort(make_lead, store, settings, now):
    from leaddesk.core.reads.queue.due import due_statements

    _mixed(make_lead, settings, now)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    for sql, params in due_statements(
        store.param, now, keys, cut, 0, 5, band_counts(now, keys, cut), None
    ):
        plan = [row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        assert not any("TEMP B-TREE" in step for step in plan), plan
