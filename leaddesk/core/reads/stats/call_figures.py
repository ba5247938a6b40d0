"""When calls work: connects by the lead's local hour, and dials before a first connect."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.reads.stats.rollup import HOUR_MS, call_counts, pieces
from leaddesk.core.reads.stats.tallies import CONNECT_OUTCOMES
from leaddesk.core.store.db import database, portable_sql, to_ms

# Attempts-before-connect buckets: 0 … 9, then "10+".
ATTEMPT_BUCKETS = 10


@dataclass(frozen=True)
class HourRate:
    hour: int  # the lead's local hour, 0-23
    dials: int
    connects: int

    @property
    def rate(self) -> float | None:
        return self.connects / self.dials if self.dials else None


def by_hour(rep: int | None, start: DateTime, now: DateTime) -> tuple[HourRate, ...]:
    """Dials and connects by the hour of the lead's local day (best time to call),
    in [start, now]: the rollup's `local_hour` (the touch's stored local time,
    characters 12-13) over the period's whole UTC hours, the touches for the rest."""
    hours = {h: [0, 0] for h in range(24)}
    if rep is not None:
        counts = call_counts([to_ms(start), to_ms(now) + 1], rep, by_local_hour=True)
        for (outcome, hour), n in counts.get((rep, 0), Counter()).items():
            if hour not in hours:
                continue  # a touch without a stored local time
            hours[hour][0] += n
            if outcome in CONNECT_OUTCOMES:
                hours[hour][1] += n
    return tuple(HourRate(h, d, c) for h, (d, c) in hours.items())


def attempts_before_connect(
    rep: int | None, start: DateTime, now: DateTime
) -> tuple[tuple[str, int], ...]:
    """How many dials it took: for each lead first reached in [start, now] by this
    rep, the calls to it before that first connect (0 … 9, "10+").

    Wrong numbers rang someone else and do not count. Each lead's first connect
    ever (by time, then id), who made it and the calls before it are kept by
    triggers in `first_connect` (migration 0018), rolled up per rep and UTC hour in
    `connect_tally`: the period's whole hours from that, the rest from first_connect.
    """
    counts = [0] * (ATTEMPT_BUCKETS + 1)
    if rep is not None:
        parts, params = [], []
        for _, low, high, whole in pieces([to_ms(start), to_ms(now) + 1]):
            if whole:  # the rollup connect_tally, kept by triggers on first_connect
                parts.append(
                    "SELECT calls_before, SUM(n) FROM connect_tally"
                    " WHERE rep_id = ? AND hour >= ? AND hour < ? GROUP BY calls_before"
                )
                params += [rep, low // HOUR_MS, high // HOUR_MS]
            else:
                parts.append(
                    "SELECT calls_before, COUNT(*) FROM first_connect"
                    ' WHERE rep_id = ? AND "at" >= ? AND "at" < ? GROUP BY calls_before'
                )
                params += [rep, low, high]
        sql = portable_sql(" UNION ALL ".join(parts))
        for n, k in database.obj.execute_sql(sql, params).fetchall():
            counts[min(n, ATTEMPT_BUCKETS)] += int(k)
    labels = [str(i) for i in range(ATTEMPT_BUCKETS)] + [f"{ATTEMPT_BUCKETS}+"]
    return tuple(zip(labels, counts, strict=True))
