"""`leaddesk stats` and `stats --team` at scale (issue 15, point 3): ≤ 300 ms at 10M touches.

Both reports read the rollups of migration 0018 (reads/stats/rollup.py). Beside
them, the figures the rollups replaced are timed as they were, off `touch`
(reads/stats/reference.py: the rep's calls over 30 days, the best hour, dials
before a connect, speed to lead): the "before" of the same run.

`python -m bench.stats_scale --db PATH [--runs N]` measures one store alone
(a copy: opening it applies the migrations), e.g. a copy of the 1M demo store;
`make bench` runs it at every size on the cached stores (bench/__main__.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

TARGET_MS = 300.0


def _timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    from bench.__main__ import summary

    fn()  # warm the caches once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return summary(samples)


def bench_stats_scale(runs: int) -> dict[str, Any]:
    """`stats` (every figure, 3 periods + since) and `stats --team` on the open store."""
    from bench.__main__ import NOW, SETTINGS
    from leaddesk.core.domain.record import replace
    from leaddesk.core.reads.stats import reference
    from leaddesk.core.reads.stats.periods import periods
    from leaddesk.core.reads.stats.report import stats_report
    from leaddesk.core.reads.stats.tallies import rep_of
    from leaddesk.core.reads.stats.team import team_report
    from leaddesk.core.store.db import database, to_ms
    from leaddesk.core.writes.team import ensure_rep

    # a store filled by `leaddesk demo` has the config's rep: measure whoever made the calls
    busiest = database.obj.execute_sql(
        "SELECT r.name FROM rep r JOIN call_tally c ON c.rep_id = r.id"
        " GROUP BY r.name ORDER BY SUM(c.n) DESC LIMIT 1"
    ).fetchone()
    settings = replace(SETTINGS, rep_name=busiest[0]) if busiest else SETTINGS
    rep = rep_of(settings) or ensure_rep(settings.rep_name)
    starts = [p.start for p in periods(NOW, settings.rep_timezone)]
    month = starts[2]
    heavy = max(runs // 15, 10)
    report = stats_report(NOW, settings)
    before = {
        "calls over 30 days (touch)": lambda: reference.calls_by_outcome(
            rep, to_ms(month), to_ms(NOW) + 1
        ),
        "best hour (touch)": lambda: reference.by_hour(rep, month, NOW),
        "dials before a connect (touch)": lambda: reference.attempts_before_connect(
            rep, month, NOW
        ),
        "speed to lead (touch)": lambda: reference.speed_histograms(starts, NOW),
    }
    count = database.obj.execute_sql("SELECT COUNT(*) FROM touch").fetchone()[0]
    return {
        "stats": _timed(lambda: stats_report(NOW, settings), heavy),
        "stats_team": _timed(lambda: team_report(NOW, settings), heavy),
        # the old aggregates: a few runs are enough to show what they cost
        "before": {name: _timed(fn, 3) for name, fn in before.items()},
        "touches": count,
        "calls_30_days": report.period("days30").tally.dials if report.period("days30") else 0,
    }


def rows(row: Callable[[str, Callable[[dict[str, Any]], Any]], None]) -> None:
    """The bench table's lines (`row(label, pick)` as bench/__main__.py's table takes them)."""
    row("stats (rollups; target ≤ 300 ms)", lambda r: r["stats_scale"]["stats"])
    row("stats --team (rollups; ≤ 300 ms)", lambda r: r["stats_scale"]["stats_team"])
    for name in (
        "calls over 30 days (touch)",
        "best hour (touch)",
        "dials before a connect (touch)",
        "speed to lead (touch)",
    ):
        row(f"  before: {name}", lambda r, n=name: r["stats_scale"]["before"][n])


def main(argv: list[str] | None = None) -> int:
    from leaddesk.core.store.schema import close_store, open_store

    parser = argparse.ArgumentParser(prog="python -m bench.stats_scale")
    parser.add_argument("--db", required=True, help="a store (a copy: it is migrated)")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    open_store(args.db)
    opened_s = time.perf_counter() - start
    try:
        result = {"open_and_migrate_s": round(opened_s, 2), **bench_stats_scale(args.runs)}
    finally:
        close_store()
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
