"""`python -m bench`: time the desk's hot paths on synthetic stores of 1k and 100k leads.

Each store is filled by `fill_demo` (~10 touches per lead), ANALYZEd and
cached in bench/out/ under a signature of everything that shapes its rows
(schema, models, rules, demo generator, seed, size, `now`), so reruns skip
the fill. Every run works on a fresh copy, so the cached file never drifts.

Prints a table and JSON, and writes bench/out/results.json. See BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
from pendulum import DateTime

from bench import scale, stats_scale
from bench.compliance import bench_blocked, bench_scrub
from leaddesk.core.domain.record import replace
from leaddesk.core.domain.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
# Monday 14:00 in New York: every US calling window is open, as in a work day.
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
SETTINGS = Settings(rep_name="bench", rep_timezone="America/Chicago")
SEED = 1
# The writes' figures (log outcome, the outcome key) count calls per lead record: the
# demo deals its leads a few thousand fictional 555-01xx numbers (core/demo/numbers.py),
# so at 1M each number is shared by ~200 leads and the company's per-number cap
# refuses every lead of the first DUE pages; a real store has a number per lead.
WRITES = replace(SETTINGS, rules=replace(SETTINGS.rules, cap_scope="lead"))
PAGE = 50
# Files whose changes change the rows `fill_demo` writes.
DEMO_MODULES = (
    "__init__", "making", "places", "identities", "history", "calls", "scenarios", "writer",
)  # fmt: skip
SIGNED_SOURCES = (
    "leaddesk/core/store/models.py",
    *(f"leaddesk/core/demo/{name}.py" for name in DEMO_MODULES),
    "leaddesk/core/domain/rules.py",
    "leaddesk/core/domain/lead_state.py",
    "leaddesk/core/domain/windows.py",
    "leaddesk/core/domain/touches.py",
    "leaddesk/core/store/batch.py",
    "leaddesk/core/writes/outcomes.py",
    "leaddesk/core/writes/leads.py",
    "leaddesk/core/domain/validate.py",
    "leaddesk/core/domain/tiers.py",
    "leaddesk/core/domain/settings.py",
    "leaddesk/core/domain/phones.py",
)
TARGET_SIZE = 100_000
TARGET_DUE_MS = 2.0
TARGET_DUE_RATIO = 3.0
TARGET_KEY_MS = 50.0
TARGET_STATS_MS = 300.0
TARGET_SEARCH_MS = 50.0  # per keystroke in the find screen
TARGET_PG_SEARCH_MS = 10.0  # the search itself on PostgreSQL, p95 (issue 14)
TARGET_IMPORT_ROWS = 100_000
TARGET_IMPORT_S = 10.0


# --- timing helpers -----------------------------------------------------------


def summary(samples_s: list[float]) -> dict[str, float]:
    """Median, p95, min and mean of samples, in milliseconds."""
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    return {
        "median_ms": round(statistics.median(ms), 4),
        "p95_ms": round(p95, 4),
        "min_ms": round(ms[0], 4),
        "mean_ms": round(statistics.fmean(ms), 4),
        "runs": len(ms),
    }


def timed(fn: Callable[[], Any], runs: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        fn()
    gc.collect()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


# --- the stores -----------------------------------------------------------------


def signature(size: int, seed: int) -> str:
    digest = hashlib.sha256()
    digest.update(f"v1 size={size} seed={seed} now={NOW.isoformat()} {SETTINGS!r}".encode())
    for path in [*scale.migration_files(), *(ROOT / p for p in SIGNED_SOURCES)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_store(size: int, seed: int, rebuild: bool) -> tuple[Path, dict[str, Any]]:
    """The cached, ANALYZEd store for `size` leads (filled now if missing or stale)."""
    from leaddesk.core.demo import fill_demo
    from leaddesk.core.store.schema import close_store, open_store

    if (found := scale.adopted_store(size)) is not None:
        return found
    OUT.mkdir(parents=True, exist_ok=True)
    sig = signature(size, seed)
    path = OUT / f"demo-{size}-{sig}.db"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists() and not rebuild:
        meta = json.loads(meta_path.read_text())
        return path, {**meta, "cached": True}
    for old in OUT.glob(f"demo-{size}-*"):
        old.unlink()
    partial = OUT / f"building-{size}.db"
    for stale in OUT.glob(f"building-{size}.db*"):
        stale.unlink()
    print(f"filling {size:,} leads (seed {seed}) …", file=sys.stderr, flush=True)
    db = open_store(str(partial))
    start = time.perf_counter()
    made = fill_demo(size, NOW, SETTINGS, seed=seed)
    fill_s = time.perf_counter() - start
    start = time.perf_counter()
    db.execute_sql("ANALYZE")
    analyze_s = time.perf_counter() - start
    counts = {
        table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for table in ("lead", "phone", "touch", "appointment")
    }
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_store()
    partial.rename(path)  # only a finished fill is ever cached
    meta = {
        "leads": made,
        "rows": counts,
        "rows_total": sum(counts.values()),
        "fill_s": round(fill_s, 2),
        "analyze_s": round(analyze_s, 2),
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "signature": sig,
    }
    meta_path.write_text(json.dumps(meta, indent=2))
    print(f"  filled in {fill_s:.1f} s ({meta['rows_total']:,} rows)", file=sys.stderr)
    return path, {**meta, "cached": False}


def work_copy(path: Path, size: int) -> Path:
    if scale.is_adopted(path):  # the caller's own copy, measured in place
        return path
    work = OUT / f"work-{size}.db"
    for stale in OUT.glob(f"work-{size}.db*"):
        stale.unlink()
    shutil.copyfile(path, work)
    return work


# --- the measurements -----------------------------------------------------------


def bench_due_query(work: Path, runs: int) -> dict[str, Any]:
    """The DUE page (first 50 rows) read as the desk runs it (`queue.due_rows`:
    one written statement per band the page overlaps, through peewee's
    connection, timestamps converted; the band counts are known, as they are
    on the desk) against the same statements through a raw sqlite3 connection;
    plus peewee's query builder (`due_query(...).tuples()`, the reference),
    which compiles the SQL on every call.
    """
    from leaddesk.core.reads.queue.due import _converted, band_counts, due_rows, due_statements
    from leaddesk.core.reads.queue.where import due_query, new_lead_cut, open_zone_keys
    from leaddesk.core.store.db import database

    keys = open_zone_keys(NOW, SETTINGS)
    cut = new_lead_cut(NOW, SETTINGS)
    bands = band_counts(NOW, keys, cut)

    def through_store() -> list[tuple]:
        return due_rows(NOW, keys, 0, PAGE, cut, bands)

    def through_builder() -> list[tuple]:
        return list(due_query(NOW, keys, cut, 0, PAGE).tuples())

    statements = due_statements(database.obj.param, NOW, keys, cut, 0, PAGE, bands)
    raw = sqlite3.connect(work)
    try:

        def through_sqlite3() -> list[tuple]:
            rows = []
            for sql, params in statements:
                rows += raw.execute(sql, params).fetchall()
            return rows

        if through_store() != [_converted(row) for row in through_builder()]:
            raise AssertionError("the written SQL and peewee's query disagree")
        if [r[0] for r in through_store()] != [r[0] for r in through_sqlite3()]:
            raise AssertionError("peewee and sqlite3 disagree on the due page")
        plan = [
            row[-1]
            for sql, params in statements
            for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)
        ]
        # Interleave them so a slow phase of the machine hits all alike.
        store_samples: list[float] = []
        builder_samples: list[float] = []
        raw_samples: list[float] = []
        for _ in range(4):
            store_samples += timed(through_store, runs // 4)
            builder_samples += timed(through_builder, runs // 4)
            raw_samples += timed(through_sqlite3, runs // 4)
    finally:
        raw.close()
    store_stats, raw_stats = summary(store_samples), summary(raw_samples)
    return {
        "peewee": store_stats,
        "builder": summary(builder_samples),
        "sqlite3": raw_stats,
        "ratio": round(store_stats["median_ms"] / raw_stats["median_ms"], 2),
        "open_zone_sets": len(keys),
        "plan": plan,
    }


def bench_queue(runs: int) -> dict[str, Any]:
    from leaddesk.core.desk.snapshot import day_counts, desk_snapshot
    from leaddesk.core.reads.queue.due import due_page
    from leaddesk.core.reads.queue.later import later_rows
    from leaddesk.core.reads.queue.sections import counts
    from leaddesk.core.reads.queue.where import open_zone_keys

    keys = open_zone_keys(NOW, SETTINGS)
    found = counts(NOW, SETTINGS, keys)
    return {
        "due_count": found.due,
        "later_count": found.later,
        "open_zone_keys": summary(timed(lambda: open_zone_keys(NOW, SETTINGS), runs)),
        "due_page": summary(timed(lambda: due_page(NOW, SETTINGS, 0, PAGE, keys), runs)),
        "counts": summary(timed(lambda: counts(NOW, SETTINGS, keys), runs)),
        # the other parts of a desk refresh
        "later_rows": summary(timed(lambda: later_rows(NOW, SETTINGS, 100, keys), runs // 4, 3)),
        "day_counts": summary(timed(lambda: day_counts(NOW, SETTINGS), runs // 4, 3)),
        "touches_today": day_counts(NOW, SETTINGS).dials,
        "desk_snapshot": summary(
            timed(lambda: desk_snapshot(NOW, SETTINGS, 0, 2 * PAGE), max(runs // 4, 20), 3)
        ),
        # what the desk reads between an outcome key and the next lead
        "keystroke_snapshot": summary(
            timed(lambda: desk_snapshot(NOW, SETTINGS, 0, 2 * PAGE, full=False), runs)
        ),
    }


def bench_log_outcome(runs: int) -> dict[str, Any]:
    """log_outcome on varied due leads, each undone (untimed) so the store stays the same."""
    from leaddesk.core.reads.queue.due import due_page
    from leaddesk.core.reads.queue.where import open_zone_keys
    from leaddesk.core.writes.outcomes import log_outcome, undo_last

    keys = open_zone_keys(NOW, SETTINGS)
    rows = [r for r in due_page(NOW, SETTINGS, 0, 400, keys) if r.callable]
    # The demo's numbers come from a small pool of fictional 555-01xx numbers shared by
    # many leads: leave out those whose number is at its cap (log_outcome refuses them).
    from leaddesk.core.reads.queue.blocked import blocked_by

    blocked = blocked_by([r.lead_id for r in rows], NOW, WRITES)
    rows = [r for r in rows if r.lead_id not in blocked]
    if not rows:
        return {"skipped": "no callable lead is due"}
    outcomes = ("no-answer", "voicemail", "busy", "gatekeeper", "connected")
    logs: list[float] = []
    undos: list[float] = []
    for i in range(runs + 5):
        lead_id = rows[i % len(rows)].lead_id
        start = time.perf_counter()
        log_outcome(lead_id, outcomes[i % len(outcomes)], NOW, WRITES)
        middle = time.perf_counter()
        undo_last(NOW, WRITES)
        end = time.perf_counter()
        if i >= 5:  # warm-up
            logs.append(middle - start)
            undos.append(end - middle)
    return {"log_outcome": summary(logs), "undo_last": summary(undos), "leads": len(rows)}


def bench_change_check(runs: int) -> dict[str, Any]:
    """What the desk pays every CHANGE_CHECK_SECONDS to learn whether another
    program wrote to the file (it reloads only then, or when the minute turns)."""
    from leaddesk.core.store.schema import change_token

    return summary(timed(change_token, runs))


def bench_lead_view(size: int, runs: int) -> dict[str, Any]:
    from leaddesk.core.reads.leads import lead_view

    rng = random.Random(7)
    ids = [rng.randint(1, size) for _ in range(runs + 10)]
    it = iter(ids)
    return summary(timed(lambda: lead_view(next(it), NOW, SETTINGS), runs))


def bench_stats(runs: int) -> dict[str, Any]:
    """Your numbers (`F`, `leaddesk stats`) and the session header, on the whole store.

    A session is started two hours before NOW (untimed) so the report has its
    four periods and the header its live session count, as during a session.
    """
    from leaddesk.core.store.models import CallSession
    from leaddesk.core.writes.sessions import start_session

    started = start_session(NOW.subtract(hours=2), SETTINGS, goal=60)
    try:
        return _stats_figures(runs)
    finally:
        # A store given with --store is measured in place: leave it as it was (a
        # session left open made the next run's start_session refuse).
        CallSession.delete().where(CallSession.id == started.id).execute()


def _stats_figures(runs: int) -> dict[str, Any]:
    from leaddesk.core.reads.stats import call_figures, lead_figures, periods, tallies
    from leaddesk.core.writes.sessions import current_session, your_numbers

    rep = tallies.rep_of(SETTINGS)
    found = periods.periods(NOW, SETTINGS.rep_timezone, session_start=NOW.subtract(hours=2))
    starts = [p.start for p in found]
    days = periods.day_starts(NOW, SETTINGS.rep_timezone)
    month = starts[2]
    heavy = max(runs // 15, 10)
    report = your_numbers(NOW, SETTINGS)
    parts = {
        "daily_tallies (30 days, 1 statement)": lambda: tallies.daily_tallies(rep, days, NOW),
        "speed_to_lead (every period)": lambda: lead_figures.speed_to_lead(starts, NOW),
        "abandoned (every period)": lambda: lead_figures.abandoned(starts, NOW),
        "by_hour (30 days)": lambda: call_figures.by_hour(rep, month, NOW),
        "attempts_before_connect (30 days)": lambda: call_figures.attempts_before_connect(
            rep, month, NOW
        ),
        "pipeline": lead_figures.pipeline,
        "overdue_promises": lambda: lead_figures.overdue_promises(NOW),
    }
    return {
        "report": summary(timed(lambda: your_numbers(NOW, SETTINGS), heavy, 2)),
        "parts": {name: summary(timed(fn, heavy, 2)) for name, fn in parts.items()},
        "session_header": summary(timed(lambda: current_session(NOW, SETTINGS), runs // 4, 3)),
        "touches_30_days": report.period("days30").tally.dials,
        "session_dials": report.period("session").tally.dials,
    }


def search_keystrokes(size: int, leads: int = 12) -> list[tuple[str, str]]:
    """(kind, text) for every keystroke of typing real names, companies, numbers in
    several formats, email fragments and note words from the store, letter by letter."""
    from leaddesk.core.store.db import database

    db = database.obj
    rng = random.Random(11)
    queries: list[tuple[str, str]] = []
    for lead_id in rng.sample(range(1, size + 1), leads):
        name, company, email = db.execute_sql(
            f"SELECT name, company, email FROM lead WHERE id = {db.param}", (lead_id,)
        ).fetchone()
        queries.append(("name", name))
        if company:
            queries.append(("company", company.split()[0]))
        if email:
            queries.append(("email", email.split("@")[1][:10]))
        phone = db.execute_sql(
            f"SELECT e164 FROM phone WHERE lead_id = {db.param} ORDER BY id", (lead_id,)
        ).fetchone()
        if phone and phone[0].startswith("+1"):
            digits = phone[0][2:]
            queries.append(("phone", digits))
            queries.append(("phone", f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"))
            queries.append(("phone", f"{digits[3:6]}-{digits[6:]}"))
    notes = [row[0] for row in db.execute_sql(
        "SELECT DISTINCT note FROM touch WHERE note != '' AND channel != 'system'"
        " ORDER BY note LIMIT 6"
    )]  # fmt: skip
    queries += [("note", note[:18]) for note in notes]
    return [(kind, text[:n]) for kind, text in queries for n in range(1, len(text) + 1)]


def bench_search(size: int) -> dict[str, Any]:
    """`search.search` as the find screen runs it: once per keystroke (30 results)."""
    from leaddesk.core.reads.search import LikeEngine, search

    strokes = search_keystrokes(size)
    for _kind, text in strokes[:20]:  # warm-up
        search(text, 30)
    by_kind: dict[str, list[float]] = {}
    every: list[float] = []
    slowest = (0.0, "")
    for kind, text in strokes:
        start = time.perf_counter()
        search(text, 30)
        took = time.perf_counter() - start
        by_kind.setdefault(kind, []).append(took)
        every.append(took)
        slowest = max(slowest, (took, text))
    like = LikeEngine()
    like_samples = [
        statistics.median(timed(lambda t=text: search(t, 30, engine=like), 3, 1))
        for _, text in strokes[:: max(len(strokes) // 25, 1)]
    ]
    return {
        "keystrokes": len(strokes),
        "per_keystroke": summary(every),
        "by_kind": {kind: summary(samples) for kind, samples in by_kind.items()},
        "slowest": {"ms": round(slowest[0] * 1000, 3), "text": slowest[1]},
        "like_fallback": summary(like_samples),
    }


def bench_keypress(db_path: Path, now: DateTime, presses: int = 30) -> dict[str, Any]:
    """Outcome key to the next lead painted on screen, measured inside the app.

    The clock starts when the desk's outcome action runs and stops at the end
    of the first screen paint after the detail pane switched to the next lead
    — the work the rep waits for, without the test pilot's own cost. Each
    press is undone (untimed) so every press meets the same queue. For
    reference the pilot's press+pause round trip is reported too (FACTS.md:
    60-80 ms whatever the app does).
    """
    try:
        from textual.screen import Screen

        from leaddesk.ui.app import make_app
        from leaddesk.ui.desk import loading, screen
    except ImportError as exc:
        return {"skipped": f"skipped (UI not importable: {exc})"}
    from leaddesk.core.domain.clock import FixedClock

    marks: dict[str, float] = {}
    original_action = screen.DeskScreen.action_act
    original_show = loading.DeskLoader.show_lead
    original_paint = Screen._compositor_refresh

    def action(self: Any, action_id: str) -> None:
        if action_id.startswith("outcome-"):
            marks.clear()
            marks["key"] = time.perf_counter()
        original_action(self, action_id)

    def show(self: Any, view: Any, at: DateTime) -> None:
        original_show(self, view, at)
        if "key" in marks and "shown" not in marks:
            marks["shown"] = time.perf_counter()

    def paint(self: Any) -> None:
        original_paint(self)
        if "shown" in marks and "painted" not in marks:
            marks["painted"] = time.perf_counter()

    async def run() -> dict[str, Any]:
        app = make_app(WRITES, FixedClock(now), str(db_path))
        to_paint: list[float] = []
        to_shown: list[float] = []
        pilot_round: list[float] = []
        outcome_trips: list[int] = []
        cursor_trips: list[int] = []
        async with app.run_test(size=(120, 35)) as pilot:

            async def settle(predicate: Callable[[], bool], what: str) -> None:
                for _ in range(400):
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    if predicate():
                        return
                raise TimeoutError(f"the desk never showed {what}")

            def shown() -> int | None:
                return getattr(app.screen.query_one("#detail"), "lead_id", None)

            await settle(lambda: shown() is not None, "a lead")
            for i in range(presses + 3):
                before = shown()
                trips = app.db.trips
                await pilot.press("n")
                await settle(lambda b=before: "painted" in marks and shown() != b, "the next")
                # the database jobs the key cost, counted through the DbThread (anything
                # that follows the paint included)
                await app.workers.wait_for_complete()
                outcome_trips.append(app.db.trips - trips)
                if i >= 3:  # warm-up
                    to_paint.append(marks["painted"] - marks["key"])
                    to_shown.append(marks["shown"] - marks["key"])
                await pilot.press("u")
                await settle(lambda b=before: shown() == b, "the undone lead again")
                trips = app.db.trips
                await pilot.press("j")
                await settle(lambda b=before: shown() != b, "the lead below")
                await app.workers.wait_for_complete()
                cursor_trips.append(app.db.trips - trips)
                await pilot.press("k")
                await settle(lambda b=before: shown() == b, "the lead above")
                start = time.perf_counter()
                await pilot.press("f12")
                await pilot.pause()
                pilot_round.append(time.perf_counter() - start)
        return {
            "key_to_next_lead_painted": summary(to_paint),
            "key_to_next_lead_in_panes": summary(to_shown),
            "pilot_press_pause_overhead": summary(pilot_round),
            # median: the desk's own change check (every 1.5 s) lands in some presses
            "trips_per_outcome_key": statistics.median(outcome_trips),
            "trips_per_cursor_move": statistics.median(cursor_trips),
            "trips_max": [max(outcome_trips), max(cursor_trips)],
        }

    from leaddesk.core.store.schema import close_store, open_store

    open_store(str(db_path))
    screen.DeskScreen.action_act = action
    loading.DeskLoader.show_lead = show
    Screen._compositor_refresh = paint
    try:
        return asyncio.run(run())
    except Exception as exc:  # report a mismatch, never crash the whole bench
        return {"skipped": f"skipped (desk does not match the benchmark: {exc!r})"}
    finally:
        screen.DeskScreen.action_act = original_action
        loading.DeskLoader.show_lead = original_show
        Screen._compositor_refresh = original_paint
        close_store()


def bench_find_keys(db_path: Path, now: DateTime, size: int) -> dict[str, Any]:
    """A key typed in the find screen (`/`) until its results are painted, in the app.

    The clock starts when the screen starts the search for the changed text
    (its handler's first step) and stops at the end of the first paint after
    the results for that text were listed. Typed
    key by key (name, phone digits in several formats, email, note words).
    """
    try:
        from textual.screen import Screen

        from leaddesk.ui.app import make_app
        from leaddesk.ui.screens import find
    except ImportError as exc:
        return {"skipped": f"skipped (UI not importable: {exc})"}
    from leaddesk.core.domain.clock import FixedClock
    from leaddesk.core.store.schema import close_store, open_store

    open_store(str(db_path))
    strokes = search_keystrokes(size, leads=3)
    marks: dict[str, float] = {}
    original_search = find.FindScreen._search
    original_paint = Screen._compositor_refresh

    def search(self: Any, text: str) -> Any:
        # (the @on handler is registered at class creation: hook what it calls)
        marks.clear()
        marks["key"] = time.perf_counter()
        return original_search(self, text)

    def paint(self: Any) -> None:
        original_paint(self)
        screen = self.app.screen
        if (
            "key" in marks
            and "painted" not in marks
            and isinstance(screen, find.FindScreen)
            and screen.searched == screen.query_one("#find-text").value
        ):
            marks["painted"] = time.perf_counter()

    async def run() -> dict[str, Any]:
        app = make_app(SETTINGS, FixedClock(now), str(db_path))
        samples: list[float] = []
        async with app.run_test(size=(120, 35)) as pilot:

            async def settle(predicate: Callable[[], bool]) -> None:
                for _ in range(400):
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    if predicate():
                        return
                raise TimeoutError("the find screen never showed its results")

            await settle(lambda: app.screen.query("#detail").first().lead_id is not None)
            previous = ""
            for _kind, text in strokes:
                if not text.startswith(previous) or not isinstance(app.screen, find.FindScreen):
                    if isinstance(app.screen, find.FindScreen):
                        await pilot.press("escape")
                    await pilot.press("slash")
                    await settle(lambda: isinstance(app.screen, find.FindScreen))
                    previous = ""
                key = text[len(previous) :]
                await pilot.press(*["space" if c == " " else c for c in key])
                await settle(lambda: "painted" in marks)
                samples.append(marks["painted"] - marks["key"])
                previous = text
        return {"key_to_results_painted": summary(samples)}

    find.FindScreen._search = search
    Screen._compositor_refresh = paint
    try:
        return asyncio.run(run())
    except Exception as exc:  # report a mismatch, never crash the whole bench
        return {"skipped": f"skipped (find screen does not match the benchmark: {exc!r})"}
    finally:
        find.FindScreen._search = original_search
        Screen._compositor_refresh = original_paint
        close_store()


def run_size(
    size: int, seed: int, runs: int, rebuild: bool, ui: bool, only: set[str] | None = None
) -> dict[str, Any]:
    from bench import team_stats
    from leaddesk.core.store.schema import close_store, open_store

    def want(group: str) -> bool:
        return scale.wanted(only, group)

    cached, meta = build_store(size, seed, rebuild)
    work = work_copy(cached, size)
    print(f"measuring {size:,} leads …", file=sys.stderr, flush=True)
    open_store(str(work))
    try:
        result: dict[str, Any] = {"store": meta}
        if want("due_query"):
            result["due_query"] = bench_due_query(work, runs)
        if want("queue"):
            result.update(bench_queue(runs))
        if want("log_outcome"):
            result.update(bench_log_outcome(runs))
        if want("lead_view"):
            result["lead_view"] = bench_lead_view(size, runs)
        if want("stats"):
            result["stats"] = bench_stats(runs)
        if want("team_stats"):
            result["team_stats"] = team_stats.bench_team_stats(runs)
        if want("stats"):
            result["stats_scale"] = stats_scale.bench_stats_scale(runs)
        if want("search"):
            result["search"] = bench_search(size)
        if want("change_check"):
            result["change_check"] = bench_change_check(runs)
        if want("blocked_by"):
            result["blocked_by"] = bench_blocked(NOW, SETTINGS, PAGE, runs, timed, summary)
        if want("dnc_scrub"):
            result["dnc_scrub"] = bench_scrub(NOW, SETTINGS, OUT)
    finally:
        close_store()
    if ui and want("keypress"):
        result["keypress"] = bench_keypress(work, NOW)
    if ui and want("find_keys"):
        result["find_keys"] = bench_find_keys(work, NOW, size)
    if want("disk"):
        result["disk"] = scale.disk_use(cached, meta["leads"])
    for leftover in OUT.glob(f"work-{size}.db*"):
        leftover.unlink()
    return result


def run_paired(sizes: list[int], seed: int, runs: int, only: set[str] | None) -> dict[str, Any]:
    """Point 3's ratios with 1k and the largest size measured side by side, call by call
    (bench/paired.py): the per-size figures above are taken minutes apart, and a busy
    moment of a shared machine moved their 1M ratios by up to 2x between runs."""
    from bench import paired

    small, large = min(sizes), max(sizes)
    if not scale.wanted(only, "paired") or small > 1000 or large < 1_000_000:
        return {}
    print(f"measuring {small:,} and {large:,} leads side by side …", file=sys.stderr, flush=True)
    stores = {size: work_copy(build_store(size, seed, False)[0], size) for size in (small, large)}
    try:
        return paired.run(stores, runs)
    finally:
        for size in (small, large):
            for leftover in OUT.glob(f"work-{size}.db*"):
                leftover.unlink()


# --- team mode: PostgreSQL beside SQLite --------------------------------------------


def pg_store(
    size: int, seed: int, rebuild: bool, fill: Callable[[], dict[str, Any]] | None = None
) -> tuple[str, Any, dict[str, Any]]:
    """A throwaway PostgreSQL server (pgserver, data kept in bench/out/pgdata so the
    filled database is reused) and the URL of a database holding `size` demo leads.
    `fill` (bench/pg_scale.py: the fill's phases timed) fills the open store instead
    of `fill_demo`; what it returns is kept with the database for cached runs."""
    import pgserver
    import psycopg2

    from leaddesk.core.demo import fill_demo
    from leaddesk.core.store.schema import close_store, open_store

    home = OUT / "pgdata"
    OUT.mkdir(parents=True, exist_ok=True)
    OUT.chmod(0o755)  # as root, pgserver runs the server as its own user
    server = pgserver.get_server(home, cleanup_mode="stop")
    socket_dir = server.get_uri().split("host=", 1)[1]
    name = f"demo_{size}_{signature(size, seed)}"
    admin = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir)
    admin.autocommit = True
    url = f"postgresql://postgres@/{name}?host={socket_dir}"
    meta: dict[str, Any] = {"cached": True}
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cursor.fetchone() is not None
        if exists and rebuild:
            cursor.execute(f"DROP DATABASE {name}")
            exists = False
        if not exists:
            for stale in ("building",):
                cursor.execute(f"DROP DATABASE IF EXISTS {stale}")
            cursor.execute("CREATE DATABASE building")
            print(f"filling {size:,} leads on PostgreSQL …", file=sys.stderr, flush=True)
            open_store(f"postgresql://postgres@/building?host={socket_dir}")
            start = time.perf_counter()
            phases = fill() if fill else {}  # fill_demo ends with VACUUM ANALYZE on PostgreSQL
            if not fill:
                fill_demo(size, NOW, SETTINGS, seed=seed)
            meta = {"fill_s": round(time.perf_counter() - start, 2), **phases}
            close_store()
            # The fill leaves its last WAL-forced checkpoint writing and syncing: in
            # the run of 2026-12-07 the 100k and 1M hot paths (07:01:08–07:01:18,
            # 07:13:25–07:13:38) were timed inside one (the server log: 07:00:39–
            # 07:01:18, 07:13:06–07:13:38), the 1k ones on a quiet server — DUE page
            # 5.3 ms at 1k, 8.3 and 8.8 ms after. Written out here, timed apart.
            settle = time.perf_counter()
            cursor.execute("CHECKPOINT")
            meta["checkpoint_s"] = round(time.perf_counter() - settle, 2)
            (OUT / f"{name}.json").write_text(json.dumps(meta))
            cursor.execute(f"ALTER DATABASE building RENAME TO {name}")
            meta["cached"] = False
        elif (OUT / f"{name}.json").exists():
            meta.update(json.loads((OUT / f"{name}.json").read_text()), cached=True)
    admin.close()
    return url, server, meta


def bench_engine(runs: int, size: int) -> dict[str, Any]:
    """The team hot paths on the open store: a rep's DUE page (mine+pool, others'
    claims skipped), log-outcome (+ undo), claim and release, the change token,
    and search as the find screen runs it (with the LIKE scan it replaced)."""
    from leaddesk.core.reads.queue.due import band_counts, due_rows
    from leaddesk.core.reads.queue.where import new_lead_cut, open_zone_keys
    from leaddesk.core.reads.scope import scope_for
    from leaddesk.core.store.schema import change_token
    from leaddesk.core.writes.team import claim, release

    keys = open_zone_keys(NOW, SETTINGS)
    cut = new_lead_cut(NOW, SETTINGS)
    scope = scope_for(SETTINGS)
    bands = band_counts(NOW, keys, cut, scope)
    result: dict[str, Any] = {
        "due_rows": summary(timed(lambda: due_rows(NOW, keys, 0, PAGE, cut, bands, scope), runs)),
        "band_counts": summary(timed(lambda: band_counts(NOW, keys, cut, scope), runs // 2)),
        "change_token": summary(timed(change_token, runs)),
    }
    result.update(bench_log_outcome(runs))
    rows = due_rows(NOW, keys, 0, 200, cut, bands, scope)
    claims: list[float] = []
    releases: list[float] = []
    for i in range(runs + 5):
        lead_id = rows[i % len(rows)][0]
        start = time.perf_counter()
        claim(lead_id, NOW, SETTINGS)
        middle = time.perf_counter()
        release(lead_id, SETTINGS)
        end = time.perf_counter()
        if i >= 5:
            claims.append(middle - start)
            releases.append(end - middle)
    result["claim"], result["release"] = summary(claims), summary(releases)
    result["search"] = bench_search(size)
    result["stats_scale"] = stats_scale.bench_stats_scale(runs)  # issue 15: stats on this engine
    return result


def run_team(size: int, seed: int, runs: int, rebuild: bool) -> dict[str, Any]:
    from leaddesk.core.store.schema import close_store, open_store

    cached, _ = build_store(size, seed, rebuild)
    work = work_copy(cached, size)
    print(f"measuring team paths on SQLite, {size:,} leads …", file=sys.stderr, flush=True)
    open_store(str(work))
    try:
        results = {"sqlite": bench_engine(runs, size)}
    finally:
        close_store()
        for leftover in OUT.glob(f"work-{size}.db*"):
            leftover.unlink()
    url, server, meta = pg_store(size, seed, rebuild)
    print(f"measuring team paths on PostgreSQL, {size:,} leads …", file=sys.stderr, flush=True)
    try:
        open_store(url)
        try:
            results["postgresql"] = {"store": meta, **bench_engine(runs, size)}
        finally:
            close_store()
    finally:
        server.cleanup()
    return results


def team_table(size: int, team: dict[str, Any]) -> str:
    lines = [
        f"\nteam mode at {size:,} leads (median / p95 ms)",
        f"{'':<34}{'SQLite':>18}{'PostgreSQL':>18}",
    ]
    for label, key in (
        ("rep's DUE page (50 rows)", "due_rows"),
        ("rep's DUE counts", "band_counts"),
        ("log_outcome (one transaction)", "log_outcome"),
        ("undo_last", "undo_last"),
        ("claim (conditional UPDATE)", "claim"),
        ("release", "release"),
        ("change_token", "change_token"),
        ("search, per keystroke", ("search", "per_keystroke")),
        ("search, LIKE scan (reference)", ("search", "like_fallback")),
        ("stats (rollups)", ("stats_scale", "stats")),
        ("stats --team (rollups)", ("stats_scale", "stats_team")),
    ):
        cells = [_cell(_at(team[engine], key)) for engine in ("sqlite", "postgresql")]
        lines.append(f"{label:<34}{cells[0]:>18}{cells[1]:>18}")
    return "\n".join(lines)


def _at(figures: dict[str, Any], key: str | tuple[str, ...]) -> Any:
    for part in (key,) if isinstance(key, str) else key:
        figures = figures.get(part) if isinstance(figures, dict) else None
    return figures


def team_targets(team: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 14: search on PostgreSQL as fast as on SQLite (≤ 10 ms p95 a keystroke)."""
    found = _at(team, ("postgresql", "search", "per_keystroke"))
    if not found or team.get("size") != TARGET_SIZE:
        return []
    p95 = found["p95_ms"]
    what = "search per keystroke on PostgreSQL (p95)"
    limit = f"≤ {TARGET_PG_SEARCH_MS} ms"
    return [{"what": what, "value": p95, "target": limit, "pass": p95 <= TARGET_PG_SEARCH_MS}]


# --- report ---------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import peewee
    import textual

    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "peewee": peewee.__version__,
        "textual": getattr(textual, "__version__", "?"),
        "platform": platform.platform(),
    }


def targets(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    r = results.get(str(TARGET_SIZE))
    if r is None:
        return []
    checks = []
    due = r.get("due_query")
    if due:
        checks += [
            ("due query median (through peewee)", due["peewee"]["median_ms"],
             f"≤ {TARGET_DUE_MS} ms", due["peewee"]["median_ms"] <= TARGET_DUE_MS),
            ("due query / same SQL in raw sqlite3", due["ratio"], f"≤ {TARGET_DUE_RATIO}×",
             due["ratio"] <= TARGET_DUE_RATIO),
        ]  # fmt: skip
    report = r.get("stats", {}).get("report")
    if report:
        median = report["median_ms"]
        checks.append(("stats report (F, leaddesk stats)", median, f"≤ {TARGET_STATS_MS} ms",
                       median <= TARGET_STATS_MS))  # fmt: skip
    team = r.get("team_stats", {}).get("report")
    if team:
        median = team["median_ms"]
        checks.append(("team stats (stats --team, 5 reps)", median, f"≤ {TARGET_STATS_MS} ms",
                       median <= TARGET_STATS_MS))  # fmt: skip
    found = r.get("search", {}).get("per_keystroke")
    if found:
        p95 = found["p95_ms"]
        checks.append(("search per keystroke (p95)", p95, f"≤ {TARGET_SEARCH_MS} ms",
                       p95 <= TARGET_SEARCH_MS))  # fmt: skip
    key = r.get("keypress", {}).get("key_to_next_lead_painted")
    label = "outcome key → next lead painted"
    if key:
        median = key["median_ms"]
        checks.append((label, median, f"≤ {TARGET_KEY_MS} ms", median <= TARGET_KEY_MS))
    else:
        checks.append((label, None, f"≤ {TARGET_KEY_MS} ms", None))
    return [
        {"what": what, "value": value, "target": target, "pass": ok}
        for what, value, target, ok in checks
    ]


def run_import(rows: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The spreadsheet import (bench/imports.py): a generated file of `rows` rows
    and one of a tenth of that, each into an empty store in a fresh process."""
    from bench.imports import bench_import

    results = bench_import((rows // 10, rows))
    checks = []
    if rows >= TARGET_IMPORT_ROWS:
        seconds = results[str(rows)]["first"]["seconds"]
        checks.append(
            {
                "what": f"import of {rows:,} spreadsheet rows (seconds)",
                "value": seconds,
                "target": f"< {TARGET_IMPORT_S:g} s",
                "pass": seconds < TARGET_IMPORT_S,
            }
        )
    return results, checks


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        if "skipped" in value:
            return "skipped"
        return f"{value['median_ms']:.3f} / {value['p95_ms']:.3f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table(results: dict[str, dict[str, Any]]) -> str:
    sizes = list(results)
    lines: list[tuple[str, ...]] = [
        ("metric (ms: median / p95)", *(f"{int(s):,} leads" for s in sizes))
    ]

    def row(label: str, get: Callable[[dict[str, Any]], Any]) -> None:
        cells = []
        for s in sizes:
            try:
                cells.append(_cell(get(results[s])))
            except (KeyError, TypeError):
                cells.append("-")
        lines.append((label, *cells))

    row("fill_demo (s)", lambda r: r["store"]["fill_s"])
    row("rows in store", lambda r: f"{r['store']['rows_total']:,}")
    row("bytes on disk per lead", lambda r: f"{r['disk']['bytes_per_lead']:,}")
    row("due now / later today", lambda r: f"{r['due_count']:,} / {r['later_count']:,}")
    row("due query, as the desk runs it", lambda r: r["due_query"]["peewee"])
    row("due query, peewee builder .tuples()", lambda r: r["due_query"]["builder"])
    row("due query, raw sqlite3", lambda r: r["due_query"]["sqlite3"])
    row("due query ratio desk/raw", lambda r: f"{r['due_query']['ratio']:.2f}×")
    row("due_page (50 rows + reasons)", lambda r: r["due_page"])
    row("counts (due + later)", lambda r: r["counts"])
    row("open_zone_keys", lambda r: r["open_zone_keys"])
    row("later_rows (100 rows + reasons)", lambda r: r["later_rows"])
    row("day_counts (header; calls today)", lambda r: r["day_counts"])
    row("calls logged 'today' in store", lambda r: f"{r['touches_today']:,}")
    row("desk_snapshot (whole refresh)", lambda r: r["desk_snapshot"])
    row("desk_snapshot (keystroke: DUE page only)", lambda r: r["keystroke_snapshot"])
    row("log_outcome (1 transaction)", lambda r: r["log_outcome"])
    row("undo_last", lambda r: r["undo_last"])
    row("lead_view (detail + history)", lambda r: r["lead_view"])
    row("stats report (4 periods, every figure)", lambda r: r["stats"]["report"])
    for part in (
        "daily_tallies (30 days, 1 statement)",
        "speed_to_lead (every period)",
        "abandoned (every period)",
        "by_hour (30 days)",
        "attempts_before_connect (30 days)",
        "pipeline",
        "overdue_promises",
    ):
        row(f"  stats: {part}", lambda r, part=part: r["stats"]["parts"][part])
    row(
        "calls in the 30 days / in the session",
        lambda r: f"{r['stats']['touches_30_days']:,} / {r['stats']['session_dials']:,}",
    )
    row("session header (current_session)", lambda r: r["stats"]["session_header"])
    row("team stats (stats --team, 5 reps, 3 periods)", lambda r: r["team_stats"]["report"])
    row("  team stats, CPU time", lambda r: r["team_stats"]["report_cpu"])
    stats_scale.rows(row)
    row("search, per keystroke (all kinds)", lambda r: r["search"]["per_keystroke"])
    for kind in ("name", "company", "email", "phone", "note"):
        row(f"  search: {kind}", lambda r, k=kind: r["search"]["by_kind"][k])
    row("search, slowest keystroke (ms)", lambda r: r["search"]["slowest"]["ms"])
    row("search, LIKE fallback (reference)", lambda r: r["search"]["like_fallback"])
    row("find screen: key → results painted", lambda r: r["find_keys"]["key_to_results_painted"])
    row("change check (another writer?)", lambda r: r["change_check"])
    row("key 'n' → next lead in the panes", lambda r: r["keypress"]["key_to_next_lead_in_panes"])
    row("key 'n' → next lead painted", lambda r: r["keypress"]["key_to_next_lead_painted"])
    row("(pilot press+pause, for reference)", lambda r: r["keypress"]["pilot_press_pause_overhead"])
    row("database trips per outcome key", lambda r: r["keypress"]["trips_per_outcome_key"])
    row("database trips per cursor move", lambda r: r["keypress"]["trips_per_cursor_move"])
    width = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell.ljust(width[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in width))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="1000,100000", help="comma-separated lead counts (1000, 100k, 1m)"
    )
    parser.add_argument("--only", help=f"only these figures ({', '.join(scale.GROUPS)})")
    parser.add_argument(
        "--store", action="append", default=[], metavar="SIZE=PATH",
        help="measure this SQLite file (a copy you own) for SIZE instead of filling one",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="1k leads only")
    parser.add_argument("--runs", type=int, default=300, help="timed runs per figure (≥ 200)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rebuild", action="store_true", help="refill cached stores")
    parser.add_argument("--no-ui", action="store_true", help="skip the Textual keypress figure")
    parser.add_argument(
        "--no-team", action="store_true", help="skip PostgreSQL beside SQLite (team mode)"
    )
    parser.add_argument("--no-import", action="store_true", help="skip the spreadsheet import")
    parser.add_argument("--no-pg-scale", action="store_true", help="skip bench/pg_scale.py")
    parser.add_argument(
        "--no-desks", action="store_true", help="skip 20 desks at once on PostgreSQL"
    )
    parser.add_argument(
        "--seconds", type=float, default=120.0, help="how long the 20 desks run (default 120)"
    )
    parser.add_argument(
        "--no-startup", action="store_true", help="skip start-up (bench/startup.py)"
    )
    parser.add_argument(
        "--no-month", action="store_true", help="skip the simulated month (compliance_month.py)"
    )
    parser.add_argument("--no-search-scale", action="store_true", help="skip search_scale.py")
    parser.add_argument("--bulk", action="store_true", help="bulk work (bench/bulk.py): slow")
    args = parser.parse_args(argv)
    try:
        sizes = [1000] if args.quick else scale.parse_sizes(args.sizes)
        only = scale.parse_only(args.only)
        scale.adopt(args.store)
    except ValueError as exc:
        parser.error(str(exc))
    runs = max(args.runs, 8)
    results: dict[str, dict[str, Any]] = {}
    for size in sizes:
        results[str(size)] = run_size(size, args.seed, runs, args.rebuild, not args.no_ui, only)
    paired = run_paired(sizes, args.seed, runs, only)
    team: dict[str, Any] = {}
    if not args.no_team and scale.wanted(only, "team"):
        team_size = max(sizes)
        team = {"size": team_size, **run_team(team_size, args.seed, runs, args.rebuild)}
        report_targets = team_targets(team)
    else:
        report_targets = []
    report = {
        "machine": machine(),
        "now": NOW.isoformat(),
        "results": results,
        "targets": targets(results) + scale.scale_targets(results) + report_targets,
        "team": team,
    }
    if paired:
        from bench.paired import targets as paired_targets

        report["paired"] = paired
        report["targets"] += paired_targets(paired)
    # --only names what to measure: a 1M size must not fill PostgreSQL (~21 min) unasked
    if not args.no_team and not args.no_pg_scale and scale.wanted(only, "team"):
        from bench import pg_scale  # the hot paths on both engines at every size

        report["pg_scale"] = pg_scale.run(sizes, args.seed, runs, args.rebuild)
        report["targets"] += report["pg_scale"]["targets"]
    if not args.no_desks and scale.wanted(only, "desks"):
        from bench.desks import run_desks

        report["desks"] = run_desks(20, args.seconds, args.seed)
    if not args.no_import and scale.wanted(only, "import"):
        report["import"], import_targets = run_import(10_000 if args.quick else TARGET_IMPORT_ROWS)
        report["targets"] += import_targets
    if not args.no_startup and scale.wanted(only, "startup"):
        from bench import startup

        # the desk's launch at every size from 100k up (the targets' sizes), else the largest
        desk_sizes = [s for s in sizes if s >= TARGET_SIZE] or [max(sizes)]
        report["startup"] = startup.run(
            desk_sizes, 20, lambda size: build_store(size, args.seed, args.rebuild)[0]
        )
        report["targets"] += report["startup"]["targets"]
    if not args.no_month and scale.wanted(only, "month"):
        from bench.compliance_month import run_month

        # 30 days of calling with --now; every refusal and audit count must be 0.
        report["month"] = run_month(1_000 if args.quick else 10_000)
    if not args.no_search_scale and scale.wanted(only, "search"):
        from bench import search_scale

        report["search_scale"] = search_scale.run(sizes, args.seed, args.rebuild)
        report["targets"] += report["search_scale"]["targets"]
    if args.bulk:  # a 1M-row import, export and shift: minutes, so only when asked
        from bench import bulk

        report["bulk"] = bulk.from_bench(
            sizes, lambda n: build_store(n, args.seed, args.rebuild)[0]
        )
        report["targets"] += report["bulk"]["targets"]
    OUT.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)  # a fresh checkout measuring given stores
    (OUT / "results.json").write_text(json.dumps(report, indent=2))
    print(table(results))
    if team:
        print(team_table(team["size"], team))
    if "paired" in report:
        from bench.paired import table as paired_table

        print("\n" + paired_table(report["paired"]))
    if "pg_scale" in report:
        from bench.pg_scale import table as pg_scale_table

        print(pg_scale_table(report["pg_scale"]))
    if "desks" in report:
        from bench.desks import table as desks_table

        print(desks_table(report["desks"]))
    if "import" in report:
        from bench.imports import table as import_table

        print("\n" + import_table(report["import"]))
    if "startup" in report:
        from bench.startup import table as startup_table

        print("\n" + startup_table(report["startup"]))
    if "search_scale" in report:
        from bench.search_scale import table as search_table

        print("\n" + search_table(report["search_scale"]))
    if "bulk" in report:
        print("\n" + bulk.table(report["bulk"]))
    if "month" in report:
        print("\nsimulated month (issue 13): " + json.dumps(report["month"]))
    if not report["targets"]:
        print(f"\n(targets apply at {TARGET_SIZE:,} leads: run without --quick)")
    else:
        print(f"\ntargets at {TARGET_SIZE:,} leads")
        for t in report["targets"]:
            verdict = {True: "PASS", False: "FAIL", None: "n/a"}[t["pass"]]
            print(f"  {verdict:<4}  {t['what']}: {t['value']} (target {t['target']})")
    print("\n" + json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
