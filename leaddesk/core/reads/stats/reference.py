"""The stats' figures aggregated over `touch` itself, as they were before the rollups
of migration 0018: the reference the rollup-based figures must equal exactly
(tests/core/reads/test_stats_rollups.py) and the bench's "before" (bench/stats_scale.py),
as the bench keeps `due_query`. Nothing in the program reads these.
"""

from __future__ import annotations

from collections import Counter

from pendulum import DateTime

from leaddesk.core.domain.lead_state import NOT_A_CALL_TO_THE_LEAD
from leaddesk.core.reads.stats.lead_figures import (
    ATTEMPT_CHANNELS,
    HOUR_MS,
    MINUTE_MS,
    OWNER_SQL,
    Owner,
    band_case,
    latest_first,
)
from leaddesk.core.reads.stats.rollup import CALL_OUTCOMES
from leaddesk.core.reads.stats.tallies import CONNECT_OUTCOMES
from leaddesk.core.store.db import database, portable_sql, to_ms


def calls_by_outcome(rep: int | None, start: int, end: int) -> dict[tuple[int, str], int]:
    """Calls in [start, end) ms by (rep, outcome); every rep when `rep` is None."""
    marks = ", ".join("?" * len(CALL_OUTCOMES))
    mine = "AND rep_id = ?" if rep is not None else "AND rep_id IS NOT NULL"
    sql = portable_sql(
        f"""SELECT rep_id, outcome, COUNT(*) FROM touch
        WHERE channel = ? AND outcome IN ({marks}) AND "at" >= ? AND "at" < ? {mine}
        GROUP BY rep_id, outcome"""
    )
    params = ["call", *CALL_OUTCOMES, start, end, *([rep] if rep is not None else [])]
    return {(r, o): n for r, o, n in database.obj.execute_sql(sql, params).fetchall()}


def by_hour(rep: int, start: DateTime, now: DateTime) -> dict[int, tuple[int, int]]:
    """Dials and connects by the lead's local hour in [start, now] (hours with calls)."""
    marks = ", ".join("?" * len(CALL_OUTCOMES))
    sql = portable_sql(
        f"""SELECT SUBSTR(lead_local, 12, 2), outcome, COUNT(*) FROM touch
        WHERE rep_id = ? AND channel = ? AND outcome IN ({marks}) AND "at" >= ? AND "at" <= ?
        GROUP BY SUBSTR(lead_local, 12, 2), outcome"""
    )
    params = [rep, "call", *CALL_OUTCOMES, to_ms(start), to_ms(now)]
    hours: dict[int, tuple[int, int]] = {}
    for text, outcome, n in database.obj.execute_sql(sql, params).fetchall():
        if not (text or "").isdigit() or not 0 <= int(text) < 24:
            continue
        dials, connects = hours.get(int(text), (0, 0))
        hours[int(text)] = (dials + n, connects + (n if outcome in CONNECT_OUTCOMES else 0))
    return hours


def attempts_before_connect(rep: int, start: DateTime, now: DateTime) -> Counter[int]:
    """For each lead first reached in [start, now] by `rep`: the calls before (not capped)."""
    marks = ", ".join("?" * len(CONNECT_OUTCOMES))
    sql = portable_sql(
        f"""SELECT n, COUNT(*) FROM (
          SELECT (SELECT COUNT(*) FROM touch p
                  WHERE p.lead_id = f.lead_id AND p."at" < f.first
                    AND p.channel = ? AND p.outcome <> ?) AS n
          FROM (SELECT c.lead_id AS lead_id, MIN(c."at") AS first FROM touch c
                WHERE c.rep_id = ? AND c.channel = ? AND c.outcome IN ({marks})
                  AND c."at" >= ? AND c."at" <= ?
                GROUP BY c.lead_id) f
          WHERE NOT EXISTS (SELECT 1 FROM touch p
                            WHERE p.lead_id = f.lead_id AND p."at" < f.first
                              AND p.channel = ? AND p.outcome IN ({marks}))
        ) x GROUP BY n"""
    )
    params = [
        "call",
        NOT_A_CALL_TO_THE_LEAD[0],
        rep,
        "call",
        *CONNECT_OUTCOMES,
        to_ms(start),
        to_ms(now),
        "call",
        *CONNECT_OUTCOMES,
    ]
    return Counter(dict(database.obj.execute_sql(sql, params).fetchall()))


def speed_histograms(
    starts: list[DateTime], now: DateTime, *, by_owner: bool = False
) -> dict[Owner, list[Counter[int]]]:
    """`lead_figures.speed_histograms` read from the touches (the first attempt per lead)."""
    _, edges = latest_first(starts)
    now_ms = to_ms(now)
    owner = OWNER_SQL.format("l.") if by_owner else "NULL"
    sql = portable_sql(
        f"""SELECT owner, band, m, COUNT(*) FROM (
          SELECT {owner} AS owner, {band_case("l.received_at", edges)} AS band,
            COALESCE(
              (SELECT (t."at" - l.received_at) / {MINUTE_MS} FROM touch t
               WHERE t.lead_id = l.id AND t."at" <= ? AND t.channel IN (?, ?, ?)
               ORDER BY t."at" LIMIT 1),
              CASE WHEN l.received_at > ? THEN -1 ELSE -2 END) AS m
          FROM lead l WHERE l.received_at >= ? AND l.received_at <= ?
        ) x GROUP BY owner, band, m"""
    )
    params = [*edges, now_ms, *ATTEMPT_CHANNELS, now_ms - HOUR_MS, edges[-1], now_ms]
    found: dict[Owner, list[Counter[int]]] = {}
    for who, band, minutes, n in database.obj.execute_sql(sql, params).fetchall():
        if band < len(edges):
            found.setdefault(who, [Counter() for _ in edges])[band][minutes] += n
    return found
