"""The DUE / LATER / tomorrow counts stop at a cap (issue 15, point 4): a count that
reached it says "or more", one below it is exact, and the pages read with capped band
counts are the pages read with exact ones."""

from __future__ import annotations

import pytest

from leaddesk.core.desk.snapshot import desk_snapshot
from leaddesk.core.domain.text import count_text
from leaddesk.core.reads.queue.due import band_counts, band_params, due_rows, segment_count_sql
from leaddesk.core.reads.queue.sections import counts
from leaddesk.core.reads.queue.where import new_lead_cut, open_zone_keys
from leaddesk.core.writes.outcomes import log_outcome

AREAS = ("212", "213", "312")  # New York, Los Angeles, Chicago: open at the tests' now
SYDNEY = "+61 2 9999 9999"  # its window is closed at the tests' now: LATER


def _queue(make_lead, settings, now, due: int, later: int) -> list[int]:
    """`due` due leads over the DUE segments (promises, new, cadence) and `later` LATER ones."""
    ids = []
    for i in range(due):
        # a number each: a call to a shared number could hold the others back (caps)
        phone = f"+1 {AREAS[i % 3]} 555 01{i:02d}"
        lead_id = make_lead(f"Due {i}", phone=phone, minutes_ago=5 + 7 * i)
        if i % 3 == 0:
            log_outcome(lead_id, "callback", now.subtract(hours=3), settings,
                        next_at=now.subtract(hours=1))  # fmt: skip
        ids.append(lead_id)
    for i in range(later):
        make_lead(f"Later {i}", phone=f"{SYDNEY[:-2]}{i:02d}")
    return ids


def test_counts_at_the_cap_say_or_more_and_below_it_are_exact(make_lead, settings, now):
    _queue(make_lead, settings, now, due=9, later=4)
    capped = counts(now, settings, cap=5)
    assert (capped.due, capped.later) == (5, 4)
    assert capped.capped == (True, False, False)
    assert count_text(capped.due, capped.capped[0]) == "5+"
    exact = counts(now, settings, cap=50)
    assert (exact.due, exact.later) == (9, 4) and exact.capped == (False, False, False)
    assert count_text(exact.due, exact.capped[0]) == "9"
    assert counts(now, settings, cap=4).capped[1], "LATER reached its cap: 4 or more"


def test_the_desk_says_a_capped_due_count_and_pages_past_it(make_lead, settings, now):
    ids = _queue(make_lead, settings, now, due=9, later=4)
    order = [r.lead_id for r in desk_snapshot(now, settings, 0, 9, count_cap=50).due]
    assert sorted(order) == sorted(ids)
    top = desk_snapshot(now, settings, 0, 2, count_cap=4)
    assert (top.due_count, top.due_capped) == (4, True)
    assert top.extras is not None and top.extras.later_capped and top.extras.later_count == 4
    # deeper than the cap: counted one row past the page, the rows still in DUE order
    deep = desk_snapshot(now, settings, 5, 2, count_cap=4)
    assert (deep.due_count, deep.due_capped, deep.offset) == (8, True, 5)
    assert [r.lead_id for r in deep.due] == order[5:7]
    last = desk_snapshot(now, settings, 7, 2, count_cap=4)
    assert (last.due_count, last.due_capped) == (9, False)
    assert [r.lead_id for r in last.due] == order[7:9]
    whole = desk_snapshot(now, settings, 0, 2, count_cap=50)
    assert (whole.due_count, whole.due_capped) == (9, False)
    assert whole.extras is not None and not whole.extras.later_capped


def test_capped_band_counts_read_the_same_pages_as_exact_ones(make_lead, settings, now):
    _queue(make_lead, settings, now, due=12, later=0)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    exact = band_counts(now, keys, cut)
    assert sum(exact) == 12 and sum(1 for n in exact if n) >= 3
    for offset in range(12):
        for limit in (1, 3, 5):
            capped = band_counts(now, keys, cut, cap=offset + limit)
            assert sum(capped) == min(12, offset + limit)
            expected = due_rows(now, keys, offset, limit, cut, exact)
            assert due_rows(now, keys, offset, limit, cut, capped) == expected
            assert due_rows(now, keys, offset, limit, cut) == expected  # counted as it needs


@pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN; PostgreSQL reads the same index (test_postgresql)
def test_a_capped_count_stops_in_the_queue_index(make_lead, store, settings, now):
    _queue(make_lead, settings, now, due=6, later=0)
    keys = open_zone_keys(now, settings)
    cut = new_lead_cut(now, settings)
    for band in range(5):
        sql = segment_count_sql(store.param, len(keys), band)
        params = [*band_params(band, now, keys, cut), 10]
        plan = [row[-1] for row in store.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        searches = [step for step in plan if "lead_queue" in step]
        assert len(searches) == 1, plan
        assert "COVERING INDEX" in searches[0] and "next_due_at" in searches[0]
