"""The bench's sizes and the SQLite figures at scale (issue 15, point 3).

- `parse_sizes("1000,100k,1m")` -> [1000, 100000, 1000000]: the `--sizes` of `python -m bench`.
- `migration_files()`: the schema's migrations, wherever the package keeps them, so the
  cached stores' signature moves with every schema change.
- `scale_figures(...)`: the point-3 targets side by side (each figure against its 1k
  value), the DUE/LATER counts, and bytes on disk per lead (`dbstat`).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$")
_UNITS = {"": 1, "k": 1_000, "m": 1_000_000}

# What `--only` may name: the groups of figures `run_size` measures.
GROUPS = (
    "due_query",  # the DUE page's SQL, peewee and raw
    "queue",  # due_page, counts, LATER, the header, snapshots
    "log_outcome",  # log_outcome and undo_last
    "lead_view",
    "stats",
    "team_stats",
    "search",
    "change_check",
    "blocked_by",
    "dnc_scrub",
    "keypress",  # the real desk: key 'n' -> next lead painted
    "find_keys",
    "disk",  # bytes on disk per lead (dbstat)
    "paired",  # point 3's ratios again, 1k and the largest size side by side (bench/paired.py)
    # the parts after the per-size table
    "team",  # PostgreSQL beside SQLite
    "desks",  # twenty desks at once
    "import",
    "startup",
    "month",  # the simulated month
)

# Point 3 of issue 15: these figures at the largest size within 1.3x of 1k.
SCALE_RATIO = 1.3
SCALE_FIGURES = (
    ("DUE page (due_page)", ("due_page",)),
    ("lead view", ("lead_view",)),
    ("log outcome (1 transaction)", ("log_outcome",)),
    ("key 'n' -> next lead painted", ("keypress", "key_to_next_lead_painted")),
)
COUNTS_MS = 5.0  # the DUE/LATER counts at 1M


def parse_sizes(text: str) -> list[int]:
    """`1000,100k,1m` -> lead counts; a bad entry is a ValueError naming it."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        found = _SIZE.match(part)
        if found is None:
            raise ValueError(f"--sizes: {part!r} is not a count (1000, 100k, 1m)")
        size = int(float(found.group(1)) * _UNITS[found.group(2)])
        if size < 1:
            raise ValueError(f"--sizes: {part!r} is not a positive count")
        sizes.append(size)
    return sizes


def parse_only(text: str | None) -> set[str] | None:
    """`--only queue,keypress` -> those groups (None: every group)."""
    if not text:
        return None
    chosen = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(chosen - set(GROUPS))
    if unknown:
        raise ValueError(f"--only: unknown {', '.join(unknown)} (one of {', '.join(GROUPS)})")
    return chosen


# `--store 1m=/tmp/copy.db`: measure that file for that size instead of filling one.
ADOPTED: dict[int, Path] = {}


def adopt(entries: list[str]) -> None:
    """`SIZE=PATH` entries of `--store`: a store filled elsewhere (e.g. by `leaddesk demo
    --leads 1000000 --now 2026-11-23T19:00:00Z`), measured in place — pass a copy you own:
    it is migrated, ANALYZEd and written to (every outcome is undone)."""
    for entry in entries:
        size, _, path = entry.partition("=")
        (count,) = parse_sizes(size)
        if not Path(path).is_file():
            raise ValueError(f"--store: {path!r} is not a file")
        ADOPTED[count] = Path(path)


def adopted_store(size: int) -> tuple[Path, dict[str, Any]] | None:
    """The adopted store for `size` and its meta (as `build_store` gives), or None."""
    path = ADOPTED.get(size)
    if path is None:
        return None
    from leaddesk.core.store.schema import close_store, open_store

    db = open_store(str(path))
    try:
        if not db.execute_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            # as build_store does for its own stores; a sampled ANALYZE keeps it to seconds
            db.execute_sql("PRAGMA analysis_limit = 1000")
            db.execute_sql("ANALYZE")
        counts = {
            table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in ("lead", "phone", "touch", "appointment")
        }
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_store()
    meta = {
        "leads": counts["lead"],
        "rows": counts,
        "rows_total": sum(counts.values()),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "adopted": str(path),
    }
    return path, meta


def is_adopted(path: Path) -> bool:
    return path in ADOPTED.values()


def wanted(only: set[str] | None, group: str) -> bool:
    return only is None or group in only


def migration_files() -> list[Path]:
    """Every migration script, from the package itself (not a path kept by hand)."""
    from leaddesk.core.store.migrations import DIRECTORY

    return sorted(DIRECTORY.glob("*.py"))


def disk_use(path: Path, leads: int) -> dict[str, Any]:
    """Bytes on disk per lead: the whole file and each table and index (`dbstat`)."""
    size = path.stat().st_size
    found: dict[str, Any] = {"file_bytes": size, "bytes_per_lead": round(size / max(leads, 1))}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            rows = db.execute(
                "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
            ).fetchall()
        except sqlite3.OperationalError:  # SQLite built without SQLITE_ENABLE_DBSTAT_VTAB
            return {**found, "objects": None}
    per_lead = {name: {"bytes": n, "per_lead": round(n / max(leads, 1), 1)} for name, n in rows}
    found["objects"] = per_lead
    return found


def _get(figures: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any] | None:
    value: Any = figures
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, dict) and "median_ms" in value else None


def scale_targets(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Point 3: each figure at the largest size against its 1k figure, in the same run."""
    sizes = sorted(int(s) for s in results)
    if len(sizes) < 2 or sizes[0] > 1000 or sizes[-1] < 1_000_000:
        return []
    small, large = results[str(sizes[0])], results[str(sizes[-1])]
    checks = []
    for label, path in SCALE_FIGURES:
        a, b = _get(small, path), _get(large, path)
        if a is None or b is None:
            continue
        ratio = round(b["median_ms"] / a["median_ms"], 2)
        checks.append(
            {
                "what": f"{label} at {sizes[-1]:,} / at {sizes[0]:,}",
                "value": ratio,
                "target": f"≤ {SCALE_RATIO}×",
                "pass": ratio <= SCALE_RATIO,
            }
        )
    counts = _get(large, ("counts",))
    if counts is not None:
        checks.append(
            {
                "what": f"DUE/LATER counts at {sizes[-1]:,} (ms)",
                "value": counts["median_ms"],
                "target": f"≤ {COUNTS_MS:g} ms",
                "pass": counts["median_ms"] <= COUNTS_MS,
            }
        )
    return checks


# --- a large store from a smaller one ------------------------------------------------

# Each table copied, and its columns that hold ids of the copied tables.
_COPIED = {
    "lead": ("id",),
    "phone": ("id", "lead_id"),
    "touch": ("id", "lead_id"),
    "appointment": ("id", "lead_id", "touch_id"),
}


def replicate(source: Path, target: Path, times: int) -> dict[str, Any]:
    """`target` = `times` copies of the demo store `source`, ids shifted per copy.

    A stand-in for a `times`-fold fill when there is no time for one: the demo
    itself reuses 4,000 replayed histories under new identities, so copies keep its
    mix of tiers, due times and history lengths (not its names and numbers, which
    repeat). Rows go in with INSERT … SELECT in one transaction, with the indexes
    and the search index built once at the end (as the demo fill does).
    """
    import shutil

    from leaddesk.core.reads.search import bulk_indexing
    from leaddesk.core.store.batch import deferred_indexes
    from leaddesk.core.store.db import atomic_write
    from leaddesk.core.store.models import Appointment, Lead, Phone, Touch
    from leaddesk.core.store.schema import close_store, open_store

    shutil.copyfile(source, target)
    db = open_store(str(target))
    try:
        top = {t: db.execute_sql(f'SELECT MAX(id) FROM "{t}"').fetchone()[0] for t in _COPIED}

        def copy() -> None:
            with deferred_indexes(db, (Lead, Phone, Touch, Appointment)), bulk_indexing(db):
                for k in range(1, times):
                    for table, shifted in _COPIED.items():
                        info = db.execute_sql(f'PRAGMA table_info("{table}")')
                        columns = [row[1] for row in info]
                        picks = []
                        for c in columns:
                            owner = {"id": table, "lead_id": "lead", "touch_id": "touch"}.get(c)
                            if c in shifted and owner is not None:
                                picks.append(f'"{c}" + {k * top[owner]}')
                            else:
                                picks.append(f'"{c}"')
                        names = ", ".join(f'"{c}"' for c in columns)
                        db.execute_sql(
                            f'INSERT INTO "{table}" ({names}) SELECT {", ".join(picks)}'
                            f' FROM "{table}" WHERE id <= {top[table]}'
                        )

        atomic_write(copy)
        db.execute_sql("PRAGMA analysis_limit = 1000")
        db.execute_sql("ANALYZE")
        counts = {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _COPIED}
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_store()
    return {"rows": counts, "file_mb": round(target.stat().st_size / 1e6, 1)}


if __name__ == "__main__":
    import argparse
    import json
    import time

    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("source", type=Path, help="a demo store (e.g. bench/out/demo-100000-….db)")
    parser.add_argument("target", type=Path)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    start = time.perf_counter()
    found = replicate(args.source, args.target, args.times)
    print(json.dumps({**found, "seconds": round(time.perf_counter() - start, 1)}))
