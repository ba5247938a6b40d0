"""PostgreSQL at 1k / 100k / 1M leads, beside SQLite in the same run (issue 15, point 5).

For each size: the demo fill on PostgreSQL (its phases timed: the rows made in
Python, the COPY, the search indexes built at the end, the rollups, VACUUM ANALYZE;
the client's CPU, and the server's per phase), then on
each engine the desk's hot paths — the DUE page, the DUE/LATER counts, the lead
view, log outcome, an outcome key's job up to the next lead and whole, the
change check — and the bytes on disk per lead (PostgreSQL: every table and
index by `pg_total_relation_size` / `pg_relation_size`).

`python -m bench.pg_scale --sizes 1000,100000,1000000` runs it alone (the stores
are the cached ones `python -m bench` fills; `--sqlite 1000000=PATH` measures a
copy of an existing SQLite store for a size instead of filling one; `--pg-url
1000000=postgresql://…` measures an existing PostgreSQL database for a size, in place,
instead of filling one: it must hold the bench's demo at that size, and its rows are
left as they were, every write undone);
`python -m bench` runs it after the team figures unless `--no-pg-scale`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

FILL_TARGET_S = 300.0  # the demo fill of 1M leads
RATIO_TARGET = 1.3  # a hot path at 1M against its 1k figure
COUNTS_TARGET_MS = 5.0
COUNT_CAP = 1000  # i15b's cap on the queue counts
KEY_RUNS = 60  # outcome keys (+ an untimed undo each): each one writes


def _bench() -> Any:
    import bench.__main__ as bench  # lazily: `python -m bench` imports this module

    return bench


# --- the PostgreSQL fill, its phases timed ---------------------------------------------


# An end-phase statement's first words → its phase (the rest of the fill's time is Python)
PHASES = (
    ("CREATE INDEX", "index_build_s"), ("ALTER TABLE ", "index_build_s"),
    ("SELECT leaddesk_index_", "index_build_s"), ("ANALYZE ", "index_build_s"),
    ("VACUUM ", "vacuum_analyze_s"), ("INSERT INTO call_tally", "rollups_s"),
    ("INSERT INTO first_connect", "rollups_s"), ("INSERT INTO speed_tally", "rollups_s"),
    ("UPDATE lead SET first_attempt_at", "rollups_s"),
)  # fmt: skip


def server_cpu(db: Any) -> Callable[[], float] | None:
    """The CPU seconds (user + system) of every process of the server behind `db`'s
    connection so far — the postmaster's children, exited ones included (its cutime and
    cstime) — or None when the server's processes are not on this machine."""
    (backend,) = db.execute_sql("SELECT pg_backend_pid()").fetchone()
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[str]:
        # after the command's closing parenthesis: state is field 3, ppid 4, utime 14
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    try:
        postmaster = int(fields(backend)[1])
        fields(postmaster)
    except (OSError, ValueError, IndexError):
        return None

    def seconds() -> float:
        ticks = sum(map(int, fields(postmaster)[13:15]))  # children that exited
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        for child in children:
            with suppress(OSError):  # exited meanwhile: counted in the postmaster's
                ticks += sum(map(int, fields(int(child))[11:15]))
        return ticks / tick

    return seconds


def timed_fill(size: int, seed: int) -> Callable[[], dict[str, Any]]:
    """A `fill` for `pg_store`: fill_demo, with the seconds spent in COPY, in the end
    phase's index work (the search postings' keys and primary keys, the other indexes,
    the statistics they need), in the rollups and in VACUUM ANALYZE counted apart (the
    rest is Python); with the client's CPU, and the server's per phase when its
    processes are on this machine (`server_cpu`)."""

    def fill() -> dict[str, Any]:
        from leaddesk.core.demo import fill_demo
        from leaddesk.core.store import batch
        from leaddesk.core.store.db import database

        names = ("copy_s", "index_build_s", "rollups_s", "vacuum_analyze_s")
        spent = dict.fromkeys(names, 0.0)
        served = dict.fromkeys(names, 0.0)
        db = database.obj
        probe = server_cpu(db)
        server = probe or (lambda: 0.0)
        # (every COPY goes through copy_text: rows made into text here, or in the worker)
        copy_text, execute_sql = batch.copy_text, db.execute_sql

        @contextmanager
        def counted(phase: str | None) -> Any:
            if not phase:
                yield
                return
            start, cpu = time.perf_counter(), server()
            yield
            spent[phase] += time.perf_counter() - start
            served[phase] += server() - cpu

        def copy(*args: Any) -> None:
            with counted("copy_s"):
                copy_text(*args)

        def sql(statement: str, *args: Any, **kwargs: Any) -> Any:
            phase = next((p for words, p in PHASES if statement.startswith(words)), None)
            with counted(phase):
                return execute_sql(statement, *args, **kwargs)

        batch.copy_text, db.execute_sql = copy, sql
        start, client, cpu = time.perf_counter(), time.process_time(), server()
        try:
            fill_demo(size, _bench().NOW, _bench().SETTINGS, seed=seed)
        finally:
            batch.copy_text = copy_text
            del db.execute_sql
        total = time.perf_counter() - start
        python = total - sum(spent.values())
        result = {**{k: round(v, 2) for k, v in spent.items()}, "python_s": round(python, 2)}
        result["client_cpu_s"] = round(time.process_time() - client, 2)
        if probe is not None:
            result["server_cpu_s"] = round(server() - cpu, 2)
            result.update({f"{k[:-2]}_server_cpu_s": round(v, 2) for k, v in served.items()})
        return result

    return fill


# --- the hot paths, on whichever store is open ---------------------------------------------


def hot_paths(size: int, runs: int) -> dict[str, Any]:
    from leaddesk.core.desk.keystroke import Page, outcome_key
    from leaddesk.core.reads.queue.blocked import blocked_by
    from leaddesk.core.reads.queue.due import due_page
    from leaddesk.core.reads.queue.sections import counts
    from leaddesk.core.reads.queue.where import open_zone_keys
    from leaddesk.core.store.schema import change_token
    from leaddesk.core.writes.outcomes import undo_last

    b = _bench()
    now, settings, page = b.NOW, b.SETTINGS, b.PAGE
    keys = open_zone_keys(now, settings)
    found = counts(now, settings, keys)
    result: dict[str, Any] = {
        "due_count": found.due,
        "later_count": found.later,
        "due_page": b.summary(b.timed(lambda: due_page(now, settings, 0, page, keys), runs)),
        "counts": b.summary(b.timed(lambda: counts(now, settings, keys), runs)),
        "counts_capped": b.summary(b.timed(lambda: capped_counts(keys), runs)),
        "lead_view": b.bench_lead_view(size, runs),
        "change_check": b.summary(b.timed(change_token, runs)),
    }
    result.update(b.bench_log_outcome(min(runs, 200)))
    writes = b.WRITES  # calls counted per lead record, as bench_log_outcome (why: bench/__main__)
    rows = [r for r in due_page(now, writes, 0, 400, keys) if r.callable]
    blocked = blocked_by([r.lead_id for r in rows], now, writes)
    leads = [r.lead_id for r in rows if r.lead_id not in blocked]
    to_next: list[float] = []
    whole: list[float] = []
    for i in range(KEY_RUNS + 5):
        painted: list[float] = []
        start = time.perf_counter()
        outcome_key(
            leads[i % len(leads)],
            "no-answer",
            now,
            writes,
            Page(0, 2 * page, 0),
            first=lambda _, painted=painted: painted.append(time.perf_counter()),
        )
        end = time.perf_counter()
        undo_last(now, writes)
        if i >= 5:  # warm-up
            to_next.append(painted[0] - start)
            whole.append(end - start)
    result["key_to_next_lead"] = b.summary(to_next)
    result["key_job"] = b.summary(whole)
    return result


def capped_counts(keys: list[str], cap: int = COUNT_CAP) -> tuple[int, int]:
    """DUE and LATER counted only up to `cap` rows of the index each ("1,000+"), the
    shape branch i15b gives `counts`: what they cost on each engine before that merge."""
    import peewee as pw

    from leaddesk.core.reads.queue.due import band_params, band_where_sql
    from leaddesk.core.reads.queue.where import (
        end_of_rep_day,
        later_where,
        new_lead_cut,
        opening_today_keys,
    )
    from leaddesk.core.reads.scope import scope_for
    from leaddesk.core.store.db import database
    from leaddesk.core.store.models import Lead

    b = _bench()
    now, settings, db = b.NOW, b.SETTINGS, database.obj
    cut, scope = new_lead_cut(now, settings), scope_for(settings)
    parts, params = [], []
    for band in range(5):  # the DUE segments, each a range of the lead_queue index
        where = band_where_sql(db.param, len(keys), band, scope.queue)
        parts.append(f'(SELECT COUNT(*) FROM (SELECT 1 FROM "lead" WHERE {where} LIMIT {cap}) c)')
        params += band_params(band, now, keys, cut, scope)
    due = sum(db.execute_sql("SELECT " + ", ".join(parts), params).fetchone())
    opening = opening_today_keys(now, settings, keys)
    later_rows = Lead.select(pw.SQL("1")).where(
        later_where(now, end_of_rep_day(now, settings), opening, scope)
    )
    return min(due, cap), later_rows.limit(cap).count()


def pg_bytes(leads: int) -> dict[str, Any]:
    """Bytes on disk of every table (heap, TOAST, maps) and index, and per lead."""
    from leaddesk.core.store.db import database

    rows = database.obj.execute_sql(
        "SELECT c.relname, c.relkind, CASE c.relkind WHEN 'r' THEN pg_table_size(c.oid)"
        " ELSE pg_relation_size(c.oid) END, COALESCE(t.relname, '')"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') ORDER BY 3 DESC"
    ).fetchall()
    total = sum(size for _, _, size, _ in rows)
    return {
        "total_mb": round(total / 1e6, 1),
        "per_lead": round(total / leads),
        "tables": {name: size for name, kind, size, _ in rows if kind == "r"},
        "indexes": {f"{table}.{name}": size for name, kind, size, table in rows if kind == "i"},
    }


# --- a size on both engines ---------------------------------------------------------------


def run_size(
    size: int,
    seed: int,
    runs: int,
    rebuild: bool,
    sqlite: Path | None,
    engines: tuple[str, ...],
    pg_url: str | None = None,
) -> dict[str, Any]:
    from leaddesk.core.store.schema import close_store, open_store

    b = _bench()
    result: dict[str, Any] = {}
    if "postgresql" in engines:
        if pg_url is not None:  # adopted as it is: no server of ours, no fill
            url, server, meta = pg_url, None, {"adopted": True}
        else:
            url, server, meta = b.pg_store(size, seed, rebuild, timed_fill(size, seed))
        print(f"pg_scale: PostgreSQL, {size:,} leads …", file=sys.stderr, flush=True)
        try:
            open_store(url)
            try:
                result["postgresql"] = {"fill": meta, **hot_paths(size, runs)}
                result["postgresql"]["bytes"] = pg_bytes(size)
            finally:
                close_store()
        finally:
            if server is not None:
                server.cleanup()
    if "sqlite" in engines:
        source = sqlite or b.build_store(size, seed, rebuild)[0]
        work = b.OUT / f"pgscale-{size}.db"
        shutil.copyfile(source, work)
        print(f"pg_scale: SQLite, {size:,} leads …", file=sys.stderr, flush=True)
        open_store(str(work))
        try:
            result["sqlite"] = hot_paths(size, runs)
            result["sqlite"]["bytes"] = {"per_lead": round(work.stat().st_size / size)}
        finally:
            close_store()
            for leftover in b.OUT.glob(f"pgscale-{size}.db*"):
                leftover.unlink()
    return result


ENGINES = ("sqlite", "postgresql")


def run(
    sizes: list[int],
    seed: int,
    runs: int,
    rebuild: bool,
    sqlite: dict[int, Path] | None = None,
    engines: tuple[str, ...] = ENGINES,
    pg_urls: dict[int, str] | None = None,
) -> dict[str, Any]:
    results = {
        str(s): run_size(
            s, seed, runs, rebuild, (sqlite or {}).get(s), engines, (pg_urls or {}).get(s)
        )
        for s in sizes
    }
    return {"sizes": results, "targets": targets(results)}


# --- verdicts and the table -------------------------------------------------------------------

PATHS = (
    ("DUE page (50 rows)", "due_page"),
    ("DUE/LATER counts", "counts"),
    ("DUE/LATER counts, capped at 1,000", "counts_capped"),
    ("lead view", "lead_view"),
    ("log outcome", "log_outcome"),
    ("key → next lead (job, to the paint)", "key_to_next_lead"),
    ("key job, whole", "key_job"),
    ("change check", "change_check"),
)


def targets(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    small, large = results.get("1000"), results.get("1000000")
    checks = []
    for engine in ("sqlite", "postgresql"):
        name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[engine]
        if large is None or engine not in large:
            continue
        at = large[engine]
        if small is not None and engine in small:
            for label, key in (
                p for p in PATHS if p[1] not in ("counts", "counts_capped", "change_check")
            ):
                ratio = at[key]["median_ms"] / small[engine][key]["median_ms"]
                checks.append((f"{name}: {label}, 1M / 1k", round(ratio, 2),
                               f"≤ {RATIO_TARGET}×", ratio <= RATIO_TARGET))  # fmt: skip
        for label, key in (("", "counts"), (", capped at 1,000", "counts_capped")):
            counted = at[key]["median_ms"]
            checks.append((f"{name}: DUE/LATER counts{label} at 1M (ms)", counted,
                           f"≤ {COUNTS_TARGET_MS} ms", counted <= COUNTS_TARGET_MS))  # fmt: skip
    fill = (large or {}).get("postgresql", {}).get("fill", {}).get("fill_s")
    if fill is not None:
        checks.append(("PostgreSQL: demo fill of 1M leads (s)", fill, f"≤ {FILL_TARGET_S:g} s",
                       fill <= FILL_TARGET_S))  # fmt: skip
    return [{"what": w, "value": v, "target": t, "pass": ok} for w, v, t, ok in checks]


def table(report: dict[str, Any]) -> str:
    results = report["sizes"]
    sizes = list(results)
    columns = [(s, e) for s in sizes for e in ENGINES if e in results[s]]
    head = "".join(f"{f'{int(s):,} {e[:6]}':>19}" for s, e in columns)
    lines = [f"\nPostgreSQL beside SQLite (median ms)\n{'':<38}{head}"]
    for label, key in PATHS:
        cells = "".join(f"{results[s][e][key]['median_ms']:>19.2f}" for s, e in columns)
        lines.append(f"{label:<38}{cells}")
    cells = "".join(f"{results[s][e]['bytes']['per_lead']:>19,}" for s, e in columns)
    lines.append(f"{'bytes on disk per lead':<38}{cells}")
    for s in sizes:
        fill = results[s].get("postgresql", {}).get("fill")
        if fill:
            lines.append(f"PostgreSQL fill at {int(s):,}: {json.dumps(fill)}")
    for t in report["targets"]:
        verdict = {True: "PASS", False: "FAIL"}[t["pass"]]
        lines.append(f"  {verdict}  {t['what']}: {t['value']} (target {t['target']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_scale", description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--sqlite", action="append", default=[], metavar="SIZE=PATH")
    parser.add_argument("--pg-url", action="append", default=[], metavar="SIZE=URL")
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args(argv)
    engines = tuple(e for e in ENGINES if e in args.engines.split(","))
    sqlite = {int(k): Path(v) for k, v in (item.split("=", 1) for item in args.sqlite)}
    pg_urls = {int(k): v for k, v in (item.split("=", 1) for item in args.pg_url)}
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    report = run(sizes, args.seed, args.runs, args.rebuild, sqlite, engines, pg_urls)
    out = _bench().OUT / f"pg_scale-{'-'.join(map(str, sizes))}-{'-'.join(engines)}.json"
    print(table(report))  # first: a run of many minutes is never lost to the file
    out.parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout measuring given stores
    out.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
