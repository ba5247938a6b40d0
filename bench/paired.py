"""`python -m bench.paired`: the scale ratios of issue 15 point 3, measured side by side.

`python -m bench` measures every figure at 1k, then every figure at 1M, minutes
apart: a busy moment of the shared machine (another engineer's suite, the page
cache taken by a PostgreSQL run) lands on one size and not the other. Six runs of
record on 2026-12-07 put the 1M DUE page at 1.11-2.05x its 1k figure and log
outcome at 1.23-1.93x while the CPU each call takes did not move (BENCHMARKS.md,
"the hot-path ratios side by side"). Here both stores are open in one process and
each figure is taken on one, then the other, call by call (the order swapped each
round), as bench/startup.py runs whole processes in turn: a busy moment hits both
sizes alike. Each call's CPU time (this thread's, `time.thread_time`) is kept
beside its wall clock: contention inflates it far less, though it leaves out what
the call waits for (log outcome's fsync).

    python -m bench.paired --store 1k=SMALL.db --store 1m=LARGE.db --runs 200
    python -m bench.paired ... --read-only   # DUE page and lead view only

Each store is measured in place: log outcome writes and undoes (untimed) on it, as
`python -m bench --store` does, so pass copies you own. `--read-only` opens each
file immutable (`file:…?immutable=1`: no lock, no -wal or -shm, nothing written), for
stores no one may write to, such as the cached ones of bench/out.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee

from bench import scale
from bench.__main__ import NOW, PAGE, SETTINGS, WRITES, summary
from leaddesk.core.store.db import database, make_database

OUTCOMES = ("no-answer", "voicemail", "busy", "gatekeeper", "connected")
Sample = tuple[float, float]  # (wall s, CPU s) of one call


def open_db(path: Path, read_only: bool) -> peewee.Database:
    if read_only:
        db: peewee.Database = peewee.SqliteDatabase(
            f"file:{path}?immutable=1", uri=True, pragmas={"cache_size": -32_000}
        )
    else:
        db = make_database(str(path))
    db.connect()
    return db


def call(fn: Callable[[], Any]) -> Sample:
    cpu, start = time.thread_time(), time.perf_counter()
    fn()
    return time.perf_counter() - start, time.thread_time() - cpu


class Figures:
    """One store's figures, each one call at a time (its store made current first)."""

    def __init__(self, db: peewee.Database, writes: bool) -> None:
        from leaddesk.core.reads.queue.blocked import blocked_by
        from leaddesk.core.reads.queue.due import due_page
        from leaddesk.core.reads.queue.where import open_zone_keys

        self.db = db
        self.use()
        self.keys = open_zone_keys(NOW, SETTINGS)
        self.views = random.Random(7)
        # random leads of the store, as bench_lead_view picks them
        self.leads = database.execute_sql('SELECT MAX("id") FROM "lead"').fetchone()[0]
        self.logs = 0
        self.callable: list[int] = []
        if writes:  # as bench_log_outcome picks them
            rows = [r for r in due_page(NOW, SETTINGS, 0, 400, self.keys) if r.callable]
            blocked = blocked_by([r.lead_id for r in rows], NOW, WRITES)
            self.callable = [r.lead_id for r in rows if r.lead_id not in blocked]

    def use(self) -> None:
        database.initialize(self.db)

    def due_page(self) -> Sample:
        from leaddesk.core.reads.queue.due import due_page

        self.use()
        return call(lambda: due_page(NOW, SETTINGS, 0, PAGE, self.keys))

    def lead_view(self) -> Sample:
        from leaddesk.core.reads.leads import lead_view

        self.use()
        lead_id = self.views.randint(1, self.leads)
        return call(lambda: lead_view(lead_id, NOW, SETTINGS))

    def log_outcome(self) -> Sample:
        from leaddesk.core.writes.outcomes import log_outcome, undo_last

        self.use()
        lead_id = self.callable[self.logs % len(self.callable)]
        outcome = OUTCOMES[self.logs % len(OUTCOMES)]
        self.logs += 1
        taken = call(lambda: log_outcome(lead_id, outcome, NOW, WRITES))
        undo_last(NOW, WRITES)
        return taken


def side_by_side(
    figures: dict[int, Figures], names: list[str], runs: int, warmup: int = 10
) -> dict[str, dict[int, list[Sample]]]:
    """Each figure `runs` times on every store in turn; the order of the stores is
    swapped each round, so neither always follows the other."""
    sizes = sorted(figures)
    found: dict[str, dict[int, list[Sample]]] = {n: {s: [] for s in sizes} for n in names}
    for round_ in range(warmup + runs):
        order = sizes if round_ % 2 == 0 else sizes[::-1]
        for name in names:
            for size in order:
                sample = getattr(figures[size], name)()
                if round_ >= warmup:
                    found[name][size].append(sample)
    return found


def report(found: dict[str, dict[int, list[Sample]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, by_size in found.items():
        sizes = sorted(by_size)
        small, large = sizes[0], sizes[-1]
        wall = {s: summary([w for w, _ in by_size[s]]) for s in sizes}
        cpu = {s: summary([c for _, c in by_size[s]]) for s in sizes}
        out[name] = {
            "wall": {str(s): v for s, v in wall.items()},
            "cpu": {str(s): v for s, v in cpu.items()},
            "ratio": round(wall[large]["median_ms"] / wall[small]["median_ms"], 2),
            "cpu_ratio": round(cpu[large]["median_ms"] / cpu[small]["median_ms"], 2),
        }
    return out


def table(result: dict[str, Any]) -> str:
    lines = ["figure        size        wall median / p95 ms    CPU median ms   ratio (CPU)"]
    for name, fig in result.items():
        for size in fig["wall"]:
            w, c = fig["wall"][size], fig["cpu"][size]
            lines.append(
                f"{name:<13} {int(size):>10,}  {w['median_ms']:8.3f} / {w['p95_ms']:8.3f}"
                f"     {c['median_ms']:8.3f}"
            )
        lines.append(f"{'':<13} {'':>10}  ratio {fig['ratio']:.2f}× ({fig['cpu_ratio']:.2f}×)")
    return "\n".join(lines)


def run(stores: dict[int, Path], runs: int, read_only: bool = False) -> dict[str, Any]:
    """Every figure side by side on `stores` (size -> path), each measured in place."""
    names = ["due_page", "lead_view"] + ([] if read_only else ["log_outcome"])
    dbs = {size: open_db(path, read_only) for size, path in stores.items()}
    try:
        figures = {size: Figures(db, not read_only) for size, db in dbs.items()}
        if not all(f.callable for f in figures.values()):
            names = names[:2]  # a store with no callable lead due: nothing to log
        return report(side_by_side(figures, names, runs))
    finally:
        for db in dbs.values():
            db.close()  # not close_store: no PRAGMA optimize on someone's store


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Point 3's ratios as measured here: the verdict on the wall clock, the CPU beside."""
    found = []
    for name, fig in result.items():
        small, large = (int(s) for s in (min(fig["wall"], key=int), max(fig["wall"], key=int)))
        found.append(
            {
                "what": f"{name} at {large:,} / at {small:,}, side by side "
                f"(CPU {fig['cpu_ratio']:.2f}×)",
                "value": fig["ratio"],
                "target": f"≤ {scale.SCALE_RATIO}×",
                "pass": fig["ratio"] <= scale.SCALE_RATIO,
            }
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.paired", description=__doc__)
    parser.add_argument(
        "--store", action="append", required=True, metavar="SIZE=PATH",
        help="a store and its size in leads (two or more; measured in place)",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--read-only", action="store_true",
        help="open the stores immutable and skip log outcome (it writes)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    stores = {}
    try:
        for entry in args.store:
            size, _, path = entry.partition("=")
            try:
                (count,) = scale.parse_sizes(size) if path else ()
            except ValueError:
                wrong = f"--store: {entry!r} is not SIZE=PATH (e.g. 1m=LARGE.db)"
                raise ValueError(wrong) from None
            if not Path(path).is_file():
                raise ValueError(f"--store: {path!r} is not a file")
            stores[count] = Path(path)
        if len(stores) < 2:
            raise ValueError("--store: give two sizes or more (e.g. 1k=SMALL.db 1m=LARGE.db)")
    except ValueError as exc:
        parser.error(str(exc))
    result = run(stores, args.runs, args.read_only)
    print(table(result), file=sys.stderr)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
