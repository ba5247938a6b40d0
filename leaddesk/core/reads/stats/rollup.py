"""The rep's calls counted from the rollup `call_tally` (migration 0018) for any periods.

`call_tally` holds calls per rep, UTC hour, outcome and hour of the lead's local
day, kept by triggers. A period is cut into the whole UTC hours it covers (read
from the rollup) and the pieces of an hour left at its ends — a local midnight at
:30 or :45, the hour running up to `now` — read from the touches through the index
touch(rep, channel, outcome, at, lead_local, …). So any zone, a DST day or a
change of the rep's zone is counted exactly, and no read walks the period's calls.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.core.store.db import database, portable_sql

CALL_OUTCOMES = tuple(name for name, spec in OUTCOMES.items() if spec.channel == "call")

HOUR_MS = 3_600_000
NO_HOUR = -1  # a call without a stored local time (or none asked for)

# (rep, interval) -> (outcome, lead's local hour) -> calls
Counts = dict[tuple[int, int], Counter[tuple[str, int]]]


def pieces(bounds: list[int]) -> list[tuple[int, int, int, bool]]:
    """[bounds[i], bounds[i+1]) cut into (i, start, end, from the rollup?) pieces."""
    found = []
    for i, (low, high) in enumerate(pairwise(bounds)):
        first, last = -(-low // HOUR_MS) * HOUR_MS, high // HOUR_MS * HOUR_MS
        if first < last:
            found += [(i, low, first, False)] if low < first else []
            found.append((i, first, last, True))
            found += [(i, last, high, False)] if last < high else []
        elif low < high:
            found.append((i, low, high, False))
    return found


def local_hour(text: str | int | None) -> int:
    """The rollup's local hour from a touch's `lead_local` characters 12-13 (as the trigger)."""
    if isinstance(text, int):
        return text
    if text and len(text) <= 2 and text.isascii() and text.isdigit():
        return int(text)
    return NO_HOUR


def call_counts(bounds: list[int], rep: int | None, *, by_local_hour: bool = False) -> Counts:
    """Calls by rep (every rep when `rep` is None) and outcome in each interval
    [bounds[i], bounds[i+1]) of UTC milliseconds; by the lead's local hour if asked.

    One statement: a UNION ALL of one part per piece (about one per interval).
    """
    marks = ", ".join("?" * len(CALL_OUTCOMES))
    who = "t.rep_id = ?" if rep is not None else "t.rep_id = r.id"
    # rep first (CROSS JOIN fixes the order on SQLite): each rep's range is a seek
    source = "{} t" if rep is not None else "rep r CROSS JOIN {} t"
    parts, params = [], []
    for i, start, end, whole in pieces(bounds):
        if whole:
            # text, as the touches' part gives it (PostgreSQL's UNION wants one type)
            hour = "CAST(t.local_hour AS VARCHAR(4))" if by_local_hour else str(NO_HOUR)
            parts.append(
                f"""SELECT {i}, t.rep_id, t.outcome, {hour}, SUM(t.n)
                FROM {source.format("call_tally")}
                WHERE {who} AND t.hour >= ? AND t.hour < ? AND t.outcome IN ({marks})
                GROUP BY t.rep_id, t.outcome{", t.local_hour" if by_local_hour else ""}"""
            )
            span: list[Any] = [start // HOUR_MS, end // HOUR_MS]
        else:
            hour = "SUBSTR(t.lead_local, 12, 2)" if by_local_hour else str(NO_HOUR)
            parts.append(
                f"""SELECT {i}, t.rep_id, t.outcome, {hour}, COUNT(*)
                FROM {source.format("touch")}
                WHERE {who} AND t.channel = ? AND t.outcome IN ({marks})
                  AND t."at" >= ? AND t."at" < ?
                GROUP BY t.rep_id, t.outcome{", " + hour if by_local_hour else ""}"""
            )
            span = ["call", start, end]
        # the parameters in the order the part names them
        params += ([rep] if rep is not None else []) + (
            [*span[:2], *CALL_OUTCOMES] if whole else [span[0], *CALL_OUTCOMES, *span[1:]]
        )
    found: Counts = {}
    if not parts:
        return found
    sql = portable_sql(" UNION ALL ".join(parts))
    for i, who_id, outcome, hour, n in database.obj.execute_sql(sql, params).fetchall():
        found.setdefault((who_id, i), Counter())[(outcome, local_hour(hour))] += int(n)
    return found


def by_outcome(counts: Counts, rep: int, interval: int) -> dict[str, int]:
    """One rep's calls by outcome in one interval."""
    found: Counter[str] = Counter()
    for (outcome, _), n in counts.get((rep, interval), Counter()).items():
        found[outcome] += n
    return dict(found)
