"""Issue 13's "done when" figure: a simulated month of calling under the rule packs.

Builds demo leads (`fill_demo`, what `leaddesk demo` writes), then for 30 days
steps through each day every STEP minutes with a fixed `now` (as the CLI's
`--now` does), calls what DUE offers as callable through `log_outcome` (as
`leaddesk log` does) with random outcomes, now and then puts a number on the
do-not-call list, and at the end runs the audit over the month. Reports the
calls DUE offered that the write path refused for a window, a cap or a list,
the audit's three counts (all must be 0) and how many calls were made.

    .venv/bin/python -m bench.compliance_month --leads 10000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pendulum

from leaddesk.core.domain.settings import Settings

START = pendulum.datetime(2026, 11, 2, 7, 0, tz="America/Chicago")  # a Monday, before hours
SETTINGS = Settings(rep_name="bench", rep_timezone="America/Chicago")
STEP = 20  # minutes between looks at the queue
CALLS_PER_STEP = 12  # what one rep dials in STEP minutes
OUTCOMES = ("no-answer",) * 6 + ("voicemail",) * 3 + ("busy", "connected", "not-interested")
DNC_ODDS = 0.1  # a connected lead asks not to be called again


def run_month(leads: int, days: int = 30, seed: int = 1) -> dict[str, Any]:
    from leaddesk.core.demo import fill_demo
    from leaddesk.core.domain.errors import CallBlocked, OutsideHours
    from leaddesk.core.reads.audit import AuditSummary, audit_rows
    from leaddesk.core.reads.queue.due import due_page
    from leaddesk.core.store.schema import close_store, open_store
    from leaddesk.core.writes.outcomes import log_outcome

    rng = random.Random(seed)
    refused = {"outside_window": 0, "over_a_cap": 0, "suppressed": 0}
    made = 0
    with tempfile.TemporaryDirectory() as folder:
        open_store(str(Path(folder) / "month.db"))
        started = time.perf_counter()
        fill_demo(leads, START, SETTINGS, seed=seed)
        filled = time.perf_counter() - started
        for day in range(days):
            now = START.add(days=day)
            end = now.add(hours=16)  # 07:00–23:00 in Chicago: every US and CA window and beyond
            while now < end:
                rows = [r for r in due_page(now, SETTINGS, 0, CALLS_PER_STEP * 2) if r.callable]
                for row in rows[:CALLS_PER_STEP]:
                    name = rng.choice(OUTCOMES)
                    if name == "connected" and rng.random() < DNC_ODDS:
                        name = "dnc"
                    try:
                        log_outcome(row.lead_id, name, now, SETTINGS)
                        made += 1
                    except OutsideHours:
                        refused["outside_window"] += 1
                    except CallBlocked as exc:
                        refused["suppressed" if exc.block.reason == "dnc" else "over_a_cap"] += 1
                now = now.add(minutes=STEP)
        summary = AuditSummary()
        for row in audit_rows(SETTINGS, since=START):
            summary.add(row)
        seconds = time.perf_counter() - started
        close_store()
    return {
        "leads": leads,
        "days": days,
        "calls_made": made,
        "offered_but_refused": refused,
        "audit": summary.__dict__,
        "fill_seconds": round(filled, 1),
        "seconds": round(seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = run_month(args.leads, args.days, args.seed)
    print(json.dumps(result, indent=2))
    bad = sum(result["offered_but_refused"].values()) + sum(
        v for k, v in result["audit"].items() if k != "calls"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
