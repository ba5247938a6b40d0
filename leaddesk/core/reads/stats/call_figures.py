"""When calls work: connects by the lead's local hour, and dials before a first connect."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.lead_state import NOT_A_CALL_TO_THE_LEAD
from leaddesk.core.reads.stats.tallies import CONNECT_OUTCOMES, calls_where
from leaddesk.core.store.db import database, portable_sql, to_ms, tuples
from leaddesk.core.store.models import Touch

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
    """Dials and connects by the hour of the lead's local day (best time to call).

    The hour is read from the touch's stored local time (`lead_local`, ISO
    text: characters 12-13), through the covering index
    touch(rep, channel, outcome, at, lead_local, lead_id).
    """
    hours = {h: [0, 0] for h in range(24)}
    if rep is not None:
        hour = pw.fn.SUBSTR(Touch.lead_local, 12, 2)
        query = tuples(
            Touch.select(hour, Touch.outcome, pw.fn.COUNT(Touch.id))
            .where(calls_where(rep, start, Touch.at <= now))
            .group_by(hour, Touch.outcome)
        )
        for text, outcome, n in query:
            if not (text or "").isdigit() or int(text) not in hours:
                continue  # a touch without a stored local time
            hours[int(text)][0] += n
            if outcome in CONNECT_OUTCOMES:
                hours[int(text)][1] += n
    return tuple(HourRate(h, d, c) for h, (d, c) in hours.items())


def attempts_before_connect(
    rep: int | None, start: DateTime, now: DateTime
) -> tuple[tuple[str, int], ...]:
    """How many dials it took: for each lead first reached in [start, now] by this
    rep, the calls to it before that first connect (0 … 9, "10+").

    Wrong numbers rang someone else and do not count. Each lead's earliest
    connect in the period comes off the index touch(rep, channel, outcome, at,
    …, lead); then two reads of touch(lead, at, channel, outcome): was there
    an earlier connect (it stops at the first), and if not, the calls before.
    """
    counts = [0] * (ATTEMPT_BUCKETS + 1)
    if rep is not None:
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
        for n, k in database.obj.execute_sql(sql, params).fetchall():
            counts[min(n, ATTEMPT_BUCKETS)] += k
    labels = [str(i) for i in range(ATTEMPT_BUCKETS)] + [f"{ATTEMPT_BUCKETS}+"]
    return tuple(zip(labels, counts, strict=True))
