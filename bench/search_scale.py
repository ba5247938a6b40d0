"""Search at scale (issues 14 and 15): p50/p95 per keystroke on each engine and size.

Every keystroke of `search_keystrokes` (real names, companies, email domains,
numbers in three formats and note words, typed letter by letter) is one
`search.search(text, 30)`, as the find screen runs it. Target: ≤ 10 ms p95 at
100k leads on PostgreSQL and at 1M leads on both engines.

`make bench` runs it on its cached stores (`--no-search-scale` skips it). Alone,
on stores you already have (e.g. a copy of a 1M demo file):

    .venv/bin/python -m bench.search_scale --size 1000000 --sqlite /tmp/m1.db
    .venv/bin/python -m bench.search_scale --size 100000 --pg postgresql://…
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

TARGET_MS = 10.0
TARGET_SIZES = {"sqlite": 1_000_000, "postgresql": 100_000}  # the smallest size each target names


def measure(size: int) -> dict[str, Any]:
    """Every keystroke once (after a warm-up of 20) on the open store."""
    from bench.__main__ import search_keystrokes, summary
    from leaddesk.core.reads.search import default_engine, search
    from leaddesk.core.reads.search_engines import search_method
    from leaddesk.core.store.db import database

    strokes = search_keystrokes(size)
    engine = default_engine()
    for _, text in strokes[:20]:
        search(text, 30, engine)
    every: list[float] = []
    slowest = (0.0, "")
    for _, text in strokes:
        start = time.perf_counter()
        search(text, 30, engine)
        took = time.perf_counter() - start
        every.append(took)
        slowest = max(slowest, (took, text))
    return {
        "method": search_method(database.obj),
        "keystrokes": len(strokes),
        "per_keystroke": summary(every),
        "slowest": {"ms": round(slowest[0] * 1000, 2), "text": slowest[1]},
        "load_average": round(os.getloadavg()[0], 2),
    }


def on_store(target: str, size: int) -> dict[str, Any]:
    from leaddesk.core.store.schema import close_store, open_store

    open_store(target)
    try:
        return measure(size)
    finally:
        close_store()


def verdicts(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """engine → size → figures, as `run` returns them, into the bench's target rows."""
    rows = []
    for engine, sizes in results.items():
        for size, figures in sizes.items():
            if int(size) < TARGET_SIZES[engine]:
                continue
            p95 = figures["per_keystroke"]["p95_ms"]
            rows.append({
                "what": f"search per keystroke p95, {engine}, {int(size):,} leads",
                "value": p95,
                "target": f"≤ {TARGET_MS:g} ms",
                "pass": p95 <= TARGET_MS,
            })  # fmt: skip
    return rows


def run(sizes: list[int], seed: int, rebuild: bool) -> dict[str, Any]:
    """Both engines at every size of the run from 100k up, on the bench's cached stores."""
    from bench.__main__ import build_store, pg_store, work_copy

    results: dict[str, dict[str, Any]] = {"sqlite": {}, "postgresql": {}}
    for size in [s for s in sizes if s >= 100_000] or [max(sizes)]:
        print(f"search at {size:,} leads, SQLite …", file=sys.stderr, flush=True)
        work = work_copy(build_store(size, seed, rebuild)[0], size)
        try:
            results["sqlite"][str(size)] = on_store(str(work), size)
        finally:
            for leftover in work.parent.glob(f"{work.name}*"):
                leftover.unlink()
        print(f"search at {size:,} leads, PostgreSQL …", file=sys.stderr, flush=True)
        url, server, _ = pg_store(size, seed, rebuild)
        try:
            results["postgresql"][str(size)] = on_store(url, size)
        finally:
            server.cleanup()
    return {"results": results, "targets": verdicts(results)}


def table(report: dict[str, Any]) -> str:
    lines = ["search per keystroke (ms: median / p95, slowest)"]
    for engine, sizes in report["results"].items():
        for size, f in sizes.items():
            k = f["per_keystroke"]
            lines.append(
                f"  {engine:<11}{int(size):>10,}  {k['median_ms']:.2f} / {k['p95_ms']:.2f}"
                f"  slowest {f['slowest']['ms']} ({f['slowest']['text']!r})"
                f"  load {f['load_average']}  [{f['method']}]"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_scale")
    parser.add_argument("--size", type=int, required=True, help="leads in the store(s) given")
    parser.add_argument("--sqlite", help="a SQLite store (a copy: opening it migrates it)")
    parser.add_argument("--pg", help="a PostgreSQL URL holding a demo store")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {"sqlite": {}, "postgresql": {}}
    if args.sqlite:
        results["sqlite"][str(args.size)] = on_store(args.sqlite, args.size)
    if args.pg:
        results["postgresql"][str(args.size)] = on_store(args.pg, args.size)
    report = {"results": results, "targets": verdicts(results)}
    print(table(report))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
