"""Bulk work at scale (issue 15, point 4): `python -m bench --bulk`, or alone
`python -m bench.bulk --sizes 100000,1000000 --store100k FILE --store1m FILE`.

- **import**: a generated spreadsheet of N rows (bench/imports.generate: names,
  companies, four phone formats, emails, ~2 % duplicates, ~1 % rows that cannot
  be reached) into an empty SQLite store by the real program
  (`leaddesk import --json`) under `/usr/bin/time -v` (peak memory = its max RSS).
  Meanwhile a second process plays an open desk on the same file: every 100 ms
  it logs an outcome through the desk's keystroke job (core/desk/keystroke.py:
  write, next page, next claim) and times it; the figure is how long the rep
  waits while the import runs, beside the same keystroke before it started.
- **export**: `leaddesk export --format jsonl` of a COPY of a demo store (never
  the file itself), under `/usr/bin/time -v`.
- **shift**: `shift_schedule(3, …)` on a copy of a demo store, in a fresh process.

Every figure is one run (these take minutes at 1M), wall-clock, with the load
average beside it: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LEADDESK = str(Path(sys.executable).with_name("leaddesk"))
NOW = "2026-11-23T19:00:00Z"  # the bench's now: 14:00 in New York, 10:00 in Anchorage
DESK_LEADS = 3000  # leads the desk logs on, one keystroke each (Anchorage numbers)
TARGETS = {  # issue 15, point 4
    "import_1m_s": 100.0,
    "import_1m_rss_mb": 150.0,
    "export_1m_s": 60.0,
    "shift_100k_s": 5.0,
    "desk_wait_max_s": 1.0,
}


def load() -> float:
    return round(os.getloadavg()[0], 1)


def timed_run(argv: list[str]) -> dict[str, Any]:
    """Run the program under /usr/bin/time -v: wall seconds, max RSS, its stdout."""
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *argv], capture_output=True, text=True, cwd=ROOT, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr[-2000:]}")
    report = {
        line.split(":")[0].strip(): line.split(":")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("\t")
    }
    return {
        "seconds": round(seconds, 2),
        # CPU time: steadier than the wall on a shared machine
        "cpu_s": round(
            float(report["User time (seconds)"]) + float(report["System time (seconds)"]), 2
        ),
        "rss_mb": round(int(report["Maximum resident set size (kbytes)"]) / 1024, 1),
        "stdout": done.stdout,
    }


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup (the source may be in use)."""
    for leftover in target.parent.glob(target.name + "*"):
        leftover.unlink()
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def remove_store(path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


# --- the import, with a desk logging outcomes meanwhile --------------------------------

_DESK = """
import json, os, sys, time
import pendulum
from leaddesk.core.desk.keystroke import Page, outcome_key
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import open_store
db, go, stop = sys.argv[1:4]
first, count = int(sys.argv[4]), int(sys.argv[5])
open_store(db)
import leaddesk.core.desk.keystroke as keystroke
writes = []  # the keystroke's write alone (log_outcome: its transaction, lock wait included)
def timed_write(*args, _log=keystroke.log_outcome, **kwargs):
    start = time.perf_counter()
    try:
        return _log(*args, **kwargs)
    finally:
        writes.append(time.perf_counter() - start)
keystroke.log_outcome = timed_write
settings = Settings(rep_name="desk", rep_timezone="America/Anchorage")
now = pendulum.parse(sys.argv[6])
before, during, errors, before_writes, during_writes = [], [], [], [], []
for n, lead in enumerate(range(first, first + count)):
    if os.path.exists(stop):
        break
    phase = during if os.path.exists(go) else before
    if phase is before and len(before) >= 30:
        open(go + ".ready", "w").close()  # the baseline is taken: start the import
    start = time.perf_counter()
    try:
        outcome_key(lead, "no-answer", now.add(seconds=n), settings, Page(0, 50, 0))
    except Exception as exc:  # counted, not hidden
        errors.append(f"{type(exc).__name__}: {exc}")
        continue
    phase.append(time.perf_counter() - start)
    (during_writes if phase is during else before_writes).append(writes[-1])
    time.sleep(0.1)  # a rep's pace, roughly; the wait is what we measure
print(json.dumps({"before": before, "during": during, "errors": errors[:5],
                  "before_writes": before_writes, "during_writes": during_writes,
                  "error_count": len(errors)}))
"""


def desk_leads(path: Path, count: int) -> Path:
    """A small file of leads on Anchorage numbers (none of the big file's area codes)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("Name,Phone,Email\n")
        for n in range(count):
            handle.write(f"Desk Lead {n},(907) 555-{n:04d},desk{n}@example.org\n")
    return path


def waits(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    ms = sorted(s * 1000 for s in samples)
    return {
        "n": len(ms),
        "median_ms": round(ms[len(ms) // 2], 1),
        "p95_ms": round(ms[max(0, math.ceil(0.95 * len(ms)) - 1)], 1),
        "max_ms": round(ms[-1], 1),
    }


def bench_import(rows: int, desk: bool = True) -> dict[str, Any]:
    from bench.imports import generate

    OUT.mkdir(parents=True, exist_ok=True)
    csv = OUT / f"bulk-{rows}.csv"
    made_path = csv.with_suffix(".json")
    if not (csv.exists() and made_path.exists()):
        print(f"generating {rows:,} rows …", file=sys.stderr, flush=True)
        made_path.write_text(json.dumps(generate(csv, rows)))
    made = json.loads(made_path.read_text())
    db = OUT / f"bulk-import-{rows}.db"
    remove_store(db)
    base = [LEADDESK, "--db", str(db), "--now", NOW]
    subprocess.run(
        [*base, "import", str(desk_leads(OUT / "bulk-desk.csv", DESK_LEADS)), "--json"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    go, stop = OUT / "bulk-go", OUT / "bulk-stop"
    for flag in (go, stop, OUT / "bulk-go.ready"):
        flag.unlink(missing_ok=True)
    desk_proc = None
    if desk:
        desk_proc = subprocess.Popen(
            [sys.executable, "-c", _DESK, str(db), str(go), str(stop), "1", str(DESK_LEADS), NOW],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        while not (OUT / "bulk-go.ready").exists():
            if desk_proc.poll() is not None:
                raise RuntimeError("the desk process stopped before the import began")
            time.sleep(0.05)
        go.touch()
    print(f"importing {rows:,} rows (load {load()}) …", file=sys.stderr, flush=True)
    started_load = load()
    try:
        run = timed_run([*base, "import", str(csv), "--json", "--rejects", str(db) + ".rej"])
    finally:
        stop.touch()
    result: dict[str, Any] = {
        "rows": rows,
        "file_mb": round(csv.stat().st_size / 1e6, 1),
        "generated": made,
        "seconds": run["seconds"],
        "cpu_s": run["cpu_s"],
        "rss_mb": run["rss_mb"],
        "load": started_load,
        "rows_per_s": round(rows / run["seconds"]),
    }
    summary = json.loads(run["stdout"])
    result["summary"] = {
        k: summary[k] for k in ("rows_read", "imported", "skipped_duplicate", "rejected")
    }
    if desk_proc is not None:
        out, _ = desk_proc.communicate(timeout=120)
        seen = json.loads(out)
        result["desk"] = {
            "before_import": waits(seen["before"]),
            "during_import": waits(seen["during"]),
            # the write alone (log_outcome's transaction): the lock's share of the wait
            "write_before": waits(seen["before_writes"]),
            "write_during": waits(seen["during_writes"]),
            "errors": seen["error_count"],
            "first_errors": seen["errors"],
        }
    for flag in (go, stop, OUT / "bulk-go.ready"):
        flag.unlink(missing_ok=True)
    remove_store(db)
    Path(str(db) + ".rej").unlink(missing_ok=True)
    return result


# --- export and shift on copies of demo stores -----------------------------------------


def bench_export(work: Path, label: str) -> dict[str, Any]:
    target = OUT / f"bulk-export-{label}.jsonl"
    try:
        started_load = load()
        run = timed_run(
            [LEADDESK, "--db", str(work), "--now", NOW, "export", "--format", "jsonl",
             "-o", str(target)]
        )  # fmt: skip
        with open(target, "rb") as lines:
            leads = sum(1 for _ in lines) - 1
        return {
            "leads": leads,
            "seconds": run["seconds"],
            "cpu_s": run["cpu_s"],
            "rss_mb": run["rss_mb"],
            "mb": round(target.stat().st_size / 1e6),
            "load": started_load,
        }
    finally:
        target.unlink(missing_ok=True)


_SHIFT = """
import json, sys, time
import pendulum
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import open_store
from leaddesk.core.writes.shift import shift_schedule
open_store(sys.argv[1])
settings = Settings(rep_name="bench", rep_timezone="America/Chicago")
start, cpu = time.perf_counter(), time.process_time()
result = shift_schedule(3, pendulum.parse(sys.argv[2]), settings)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu_s": time.process_time() - cpu,
                  "moved": result.moved, "kept": result.kept}))
"""


def bench_shift(work: Path) -> dict[str, Any]:
    started_load = load()
    done = subprocess.run(
        [sys.executable, "-c", _SHIFT, str(work), NOW],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(done.stdout)
    result["seconds"], result["cpu_s"] = round(result["seconds"], 2), round(result["cpu_s"], 2)
    return {**result, "load": started_load}


# --- all of it --------------------------------------------------------------------------


def run(sizes: list[int], stores: dict[int, Path], desk: bool = True) -> dict[str, Any]:
    """Import at each size; export and shift on the demo stores given (by size)."""
    report: dict[str, Any] = {"import": {}, "export": {}, "shift": {}}
    for rows in sizes:
        report["import"][str(rows)] = bench_import(rows, desk)
    for size, store in sorted(stores.items()):
        # one copy (a few GB at 1M): opened once untimed (this branch's migrations),
        # shifted, then exported
        print(f"copying the {size:,}-lead store …", file=sys.stderr, flush=True)
        work = copy_store(store, OUT / f"bulk-{size}.db")
        try:
            opened = [LEADDESK, "--db", str(work), "--now", NOW, "due", "--limit", "1", "--json"]
            subprocess.run(opened, capture_output=True, check=True, cwd=ROOT)
            report["shift"][str(size)] = bench_shift(work)
            report["export"][str(size)] = bench_export(work, str(size))
        finally:
            remove_store(work)
    report["targets"] = targets(report)
    return report


def from_bench(sizes: list[int], store: Callable[[int], Path]) -> dict[str, Any]:
    """`python -m bench --bulk`: imports of 100k and 1M rows; export and shift on the
    bench's own demo stores at its sizes from 100k up."""
    return run([100_000, 1_000_000], {n: store(n) for n in sizes if n >= 100_000})


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def check(what: str, value: float | None, target: float) -> None:
        ok = None if value is None else value <= target
        out.append({"what": what, "value": value, "target": f"≤ {target:g}", "pass": ok})

    big = report["import"].get("1000000")
    if big:
        check("import of 1M spreadsheet rows (s)", big["seconds"], TARGETS["import_1m_s"])
        check("import of 1M rows: max RSS (MB)", big["rss_mb"], TARGETS["import_1m_rss_mb"])
    for rows, r in report["import"].items():
        if "desk" in r:
            wait = r["desk"]["write_during"].get("max_ms")
            check(
                f"desk keystroke's write during a {int(rows):,}-row import: max wait (s)",
                None if wait is None else round(wait / 1000, 3),
                TARGETS["desk_wait_max_s"],
            )
    if "1000000" in report["export"]:
        e = report["export"]["1000000"]["seconds"]
        check("JSONL export of 1M leads (s)", e, TARGETS["export_1m_s"])
    if "100000" in report["shift"]:
        s = report["shift"]["100000"]
        check(f"shift of {s['moved']:,} leads (100k store) (s)", s["seconds"], 5.0)
    return out


def table(report: dict[str, Any]) -> str:
    lines = ["bulk work (issue 15)            size  wall s (cpu s)  max RSS MB  load  notes"]
    for rows, r in report["import"].items():
        s = r["summary"]
        note = f"{s['imported']:,} new, {s['skipped_duplicate']:,} dup, {s['rejected']:,} rejected"
        lines.append(
            f"  import CSV                 {int(rows):>9,}  {_wall(r):>14}  {r['rss_mb']:>10}"
            f"  {r['load']:>4}  {note}"
        )
        if "desk" in r:
            d = r["desk"]
            lines.append(
                f"    desk keystroke before: {d['before_import']}; during: {d['during_import']}"
                f"; errors {d['errors']}"
            )
            lines.append(
                f"    its write alone before: {d['write_before']}; during: {d['write_during']}"
            )
    for size, e in report["export"].items():
        lines.append(
            f"  export JSONL               {int(size):>9,}  {_wall(e):>14}  {e['rss_mb']:>10}"
            f"  {e['load']:>4}  {e['leads']:,} leads, {e['mb']:,} MB"
        )
    for size, s in report["shift"].items():
        lines.append(
            f"  shift 3 business days      {int(size):>9,}  {_wall(s):>14}  {'':>10}"
            f"  {s['load']:>4}  {s['moved']:,} moved, {s['kept']:,} kept (promises)"
        )
    for t in report.get("targets", []):
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[t["pass"]]
        lines.append(f"  {verdict:<4}  {t['what']}: {t['value']} (target {t['target']})")
    return "\n".join(lines)


def _wall(r: dict[str, Any]) -> str:
    return f"{r['seconds']} ({r['cpu_s']})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk")
    parser.add_argument("--sizes", default="100000,1000000", help="spreadsheet rows")
    parser.add_argument("--store", action="append", default=[], metavar="SIZE=FILE",
                        help="a demo store to copy for export and shift (repeatable)")  # fmt: skip
    parser.add_argument("--no-desk", action="store_true", help="import without the desk")
    args = parser.parse_args(argv)
    stores = {int(s.split("=", 1)[0]): Path(s.split("=", 1)[1]) for s in args.store}
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    report = run(sizes, stores, not args.no_desk)
    print(table(report))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
