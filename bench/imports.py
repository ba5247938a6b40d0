"""The import benchmark: generate a realistic spreadsheet of N rows in
bench/out/ (never committed), import it into an empty store in a fresh process
and report seconds, rows/s and peak memory (max RSS); then the same file again
(every row a duplicate) and a dry run.

Peak memory is measured for two sizes so "memory does not grow with file size"
is a number, not a claim.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
HEADER = (
    "First Name", "Last Name", "Company", "Phone", "Mobile", "Email", "Street", "City",
    "State", "Zip", "Lead Source", "Created Date", "Notes",
)  # fmt: skip
AREAS = (
    ("212", "New York", "NY", "100"), ("718", "Brooklyn", "NY", "112"),
    ("312", "Chicago", "IL", "606"), ("773", "Chicago", "IL", "606"),
    ("213", "Los Angeles", "CA", "900"), ("415", "San Francisco", "CA", "941"),
    ("206", "Seattle", "WA", "981"), ("305", "Miami", "FL", "331"),
    ("404", "Atlanta", "GA", "303"), ("512", "Austin", "TX", "787"),
    ("617", "Boston", "MA", "021"), ("303", "Denver", "CO", "802"),
    ("602", "Phoenix", "AZ", "850"), ("713", "Houston", "TX", "770"),
    ("215", "Philadelphia", "PA", "191"), ("313", "Detroit", "MI", "482"),
)  # fmt: skip
FIRST = (
    "Dana", "Ravi", "Lee", "Sam", "Maria", "James", "Aisha", "Tom", "Mei", "Carlos",
    "Priya", "Owen", "Keisha", "Luis", "Erin", "Wei", "Megan", "Tyrone", "Sofia", "Ahmed",
)  # fmt: skip
LAST = (
    "Whitfield", "Patel", "Okafor", "Ito", "Garcia", "Nguyen", "Smith", "Chen", "Novak",
    "Rivera", "Mitchell", "Coleman", "Schmidt", "Haddad", "Johnson", "Sato", "Cooper",
)  # fmt: skip
SOURCES = ("web form", "trade show", "referral", "cold list", "webinar", "partner")


def _phone(rng: random.Random, area: str, n: int) -> str:
    # unique per row: the row number picks exchange and subscriber
    exchange = 200 + (n // 10_000) % 800
    subscriber = n % 10_000
    digits = f"{area}{exchange}{subscriber:04d}"
    style = rng.randrange(4)
    if style == 0:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    if style == 1:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if style == 2:
        return f"+1 {digits[:3]} {digits[3:6]} {digits[6:]}"
    return digits


def generate(path: Path, rows: int, seed: int = 1) -> dict[str, int]:
    """Write `rows` data rows: ~2% repeat an earlier person, ~1% cannot be reached."""
    rng = random.Random(seed)
    made = {"rows": rows, "duplicates": 0, "bad": 0}
    recent: list[list[str]] = []
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            roll = rng.random()
            if roll < 0.02 and recent:
                writer.writerow(rng.choice(recent))
                made["duplicates"] += 1
                continue
            area, city, state, zip3 = rng.choice(AREAS)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            company = f"{rng.choice(LAST)} {rng.choice(('Roofing', 'Builders', 'LLC', 'Inc'))}"
            phone = _phone(rng, area, n)
            mobile = _phone(rng, rng.choice(AREAS)[0], n + 5_000_000) if rng.random() < 0.3 else ""
            email = f"{first}.{last}{n}@example{n % 97}.com".lower() if rng.random() < 0.9 else ""
            street = f"{rng.randint(1, 9999)} Main St"
            if roll < 0.03:
                phone, mobile, email, street = "12", "", "", ""
                made["bad"] += 1
            notes = "called in about a quote\nprefers mornings" if rng.random() < 0.05 else ""
            day = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2025"
            created = f"{day} {rng.randint(1, 12)}:{rng.randint(0, 59):02d} PM"
            row = [first, last, company, phone, mobile, email, street,
                   city, state, f"{zip3}{rng.randint(0, 99):02d}", rng.choice(SOURCES), created,
                   notes]  # fmt: skip
            writer.writerow(row)
            if len(recent) < 1000:
                recent.append(row)
    return made


_RUN = """
import json, resource, sys, time
import pendulum
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import open_store
path, db, dry = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
settings = Settings(rep_name="bench", rep_timezone="America/Chicago")
now = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
open_store(db)
start = time.perf_counter()
cpu = time.process_time()
source = open_source(path)
summary = import_file(source, now, settings, dry_run=dry, rejects_path=db + ".rejects.csv")
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu
# VmHWM: this process's own peak. ru_maxrss would carry the parent's peak
# across fork+exec (Linux keeps it), i.e. the benchmark's 100k-lead store.
try:
    status = open("/proc/self/status").read()
    peak_kb = int(status.split("VmHWM:")[1].split()[0])
except (OSError, IndexError):
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_rss_mb": peak_kb / 1024,
                  "summary": {k: v for k, v in summary.as_json().items()
                              if k in ("rows_read", "imported", "updated", "skipped_duplicate",
                                       "rejected", "warnings")}}))
"""


def _run(path: Path, db: Path, dry: bool = False) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(path), str(db), "1" if dry else "0"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(done.stdout)
    rows = result["summary"]["rows_read"]
    result["rows_per_s"] = round(rows / result["seconds"]) if result["seconds"] else None
    result["seconds"] = round(result["seconds"], 3)
    result["cpu_seconds"] = round(result["cpu_seconds"], 3)
    result["peak_rss_mb"] = round(result["peak_rss_mb"], 1)
    return result


def bench_import(sizes: tuple[int, ...] = (10_000, 100_000)) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    for rows in sizes:
        path = OUT / f"import-{rows}.csv"
        made = generate(path, rows)
        db = OUT / f"import-{rows}.db"
        for leftover in OUT.glob(f"import-{rows}.db*"):
            leftover.unlink()
        print(f"importing {rows:,} rows …", file=sys.stderr, flush=True)
        first = _run(path, db)
        again = _run(path, db)
        dry = _run(path, db, dry=True)
        results[str(rows)] = {
            "file_mb": round(path.stat().st_size / 1e6, 2),
            "generated": made,
            "first": first,
            "again": again,
            "dry_run_again": dry,
        }
        for leftover in OUT.glob(f"import-{rows}.db*"):
            leftover.unlink()
    return results


def table(results: dict[str, Any]) -> str:
    lines = ["import (fresh process)            rows  file MB  seconds  cpu s  rows/s  peak RSS MB"]
    for rows, r in results.items():
        for label in ("first", "again", "dry_run_again"):
            x = r[label]
            lines.append(
                f"  {label:<30} {int(rows):>7,}  {r['file_mb']:>6}  {x['seconds']:>7}"
                f"  {x['cpu_seconds']:>5}  {x['rows_per_s']:>6}  {x['peak_rss_mb']:>10}"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sizes = tuple(int(s) for s in (sys.argv[1:] or ["10000", "100000"]))
    out = bench_import(sizes)
    print(table(out))
    print(json.dumps(out, indent=2))
