"""The manager's view (`leaddesk stats --team`, the Team tab of `F`) on the bench's store.

The demo store has one rep and no owners; a team is made for the measurement —
its calls dealt round five reps, four fifths of its leads owned by them, the
rest in the pool — inside a transaction that is rolled back afterwards, so the
other figures of the run see the store as it was.

`python -m bench.team_stats [--size N] [--runs N]` measures it alone (it uses
the cached store `python -m bench` fills).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

REPS = ("bench", "ana", "ben", "cy", "dee")


def cpu_timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """CPU seconds of this process per call: what the figure costs when other
    work shares the cores (the wall clock then mostly measures the waiting)."""
    samples = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        samples.append(time.process_time() - start)
    return samples


def bench_team_stats(runs: int) -> dict[str, Any]:
    """team_report at the open store's size, over a team of five (rolled back)."""
    from bench.__main__ import NOW, SETTINGS, summary, timed
    from leaddesk.core.reads.stats.team import team_report
    from leaddesk.core.store.db import database
    from leaddesk.core.writes.sessions import your_numbers
    from leaddesk.core.writes.team import ensure_rep

    db = database.obj
    with db.atomic() as tx:
        ids = [ensure_rep(name) for name in REPS]
        deal = " ".join(f"WHEN {i} THEN {rep}" for i, rep in enumerate(ids))
        db.execute_sql(f"UPDATE touch SET rep_id = CASE id % 5 {deal} END WHERE rep_id IS NOT NULL")
        db.execute_sql(f"UPDATE lead SET owner_id = CASE id % 5 {deal} END WHERE id % 5 <> 4")
        report = team_report(NOW, SETTINGS)
        heavy = max(runs // 15, 10)
        timing = summary(timed(lambda: team_report(NOW, SETTINGS), heavy, 2))
        cpu = summary(cpu_timed(lambda: team_report(NOW, SETTINGS), heavy))
        # a rep's own report in the same conditions: the ratio holds under load
        own = summary(timed(lambda: your_numbers(NOW, SETTINGS), heavy, 2))
        tx.rollback()
    return {
        "report": timing,
        "report_cpu": cpu,
        "own_report_same_run": own,
        "reps": len(report.reps),
        "calls_30_days": report.totals.period("days30").tally.dials,
        "leads_owned": report.totals.leads_owned,
    }


def main(argv: list[str] | None = None) -> int:
    from bench.__main__ import SEED, build_store, work_copy
    from leaddesk.core.store.schema import close_store, open_store

    parser = argparse.ArgumentParser(prog="python -m bench.team_stats")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args(argv)
    cached, _ = build_store(args.size, SEED, rebuild=False)
    work = work_copy(cached, args.size)
    open_store(str(work))
    try:
        result = bench_team_stats(args.runs)
    finally:
        close_store()
        for leftover in work.parent.glob(f"{work.name}*"):
            leftover.unlink()
    print(json.dumps({str(args.size): result}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
