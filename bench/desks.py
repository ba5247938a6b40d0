"""Twenty desks at once (issue 14 point 7): a load test of team mode on one PostgreSQL.

`python -m bench.desks [--desks 20] [--seconds 120]` (and `make bench`, unless
`--no-desks`) starts a throwaway PostgreSQL (pgserver, as the tests do), fills a
shared pool of 2,000 new leads owned round-robin by the reps (a fifth in the
pool), and runs one process per desk. Each does what a rep's desk does through
the same core calls (core/desk/keystroke.py): claim the top lead of its queue,
log an outcome (`outcome_key`: write, next page, next claim — one job), again;
a refused claim reloads the page and takes the next lead (`cursor_key`); every
1.5 s the change check, which is also the heartbeat (core/desk/heartbeat.py).

Hand-offs are on: the simulated clock runs 60× (a second is a minute), so new
leads go overdue within seconds and are offered to every rep; cadence steps
an hour ahead come back during a 2-minute run.

Reports throughput, the p50/p95 of the keystroke's database work, claims refused,
hand-offs taken, and checks that no lead was held by two reps at once (each worker
logs when it surely held each lead, by the wall clock) and that no touch was lost
(every outcome a worker was told was saved is in the store, and no other).
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pendulum

from leaddesk.core.domain.settings import Settings, Team

# Monday 14:00 in New York: the leads' calling window is open for hours.
NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
SPEED = 60  # simulated seconds per real second
LEADS = 2_000
POOL_SHARE = 5  # every fifth lead is in the pool, the rest owned round-robin
CHECK_SECONDS = 1.5  # the desk's change check
PAGE = 30
OUTCOMES = ("no-answer", "no-answer", "voicemail", "busy", "gatekeeper", "connected")


def rep_settings(rep: str) -> Settings:
    # Claims of 30 simulated minutes (30 s here): a slow moment of an overloaded
    # machine must not let a claim expire while its desk is still on the lead.
    return Settings(rep_name=rep, rep_timezone="America/New_York", team=Team(claim_minutes=30))


def fill(url: str, reps: list[str], seed: int) -> None:
    """2,000 new leads received over the last hour, owners round-robin (a fifth pooled)."""
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.store.models import Lead, Rep
    from leaddesk.core.store.schema import close_store, open_store
    from leaddesk.core.writes.leads import add_lead
    from leaddesk.core.writes.team import add_rep

    open_store(url)
    rng = random.Random(seed)
    settings = rep_settings("manager")
    for rep in reps:
        add_rep(rep)
    ids = {name: rep_id for rep_id, name in Rep.select(Rep.id, Rep.name).tuples()}
    for i in range(LEADS):
        received = NOW.subtract(minutes=rng.randrange(60))
        phone = f"+1212{2_000_000 + i * 37:07d}"  # distinct New York numbers
        draft = LeadDraft(name=f"Lead {i:04d}", phones=[(phone, "")], received_at=received)
        lead = add_lead(draft, received, settings)
        if i % POOL_SHARE:
            owner = ids[reps[i % len(reps)]]
            Lead.update(owner=owner).where(Lead.id == lead).execute()
    close_store()


def worker(url: str, rep: str, start_at: float, seconds: float, out: str) -> None:
    """One desk: claim → outcome → next until `seconds` have passed; results as JSON."""
    from leaddesk.core.desk.cursor import cursor_key
    from leaddesk.core.desk.heartbeat import check_in
    from leaddesk.core.desk.keystroke import Page, outcome_key
    from leaddesk.core.desk.snapshot import desk_snapshot
    from leaddesk.core.domain.errors import LeadDeskError
    from leaddesk.core.store.schema import close_store, open_store

    open_store(url, migrate=False)
    settings = rep_settings(rep)
    rng = random.Random(rep)
    t0 = start_at

    def now() -> pendulum.DateTime:
        return NOW.add(microseconds=int((time.time() - t0) * SPEED * 1e6))

    held: int | None = None
    held_since = 0.0
    acked: list[int] = []
    holds: list[tuple[int, float, float]] = []
    keys_s: list[float] = []
    refused = reloads = idle = errors = 0
    token: object = None
    beat = None
    next_check = start_at + CHECK_SECONDS

    def take_top(avoid: int | None) -> None:
        """The desk's reload after a refusal or an empty queue: claim the top lead."""
        nonlocal held, held_since, refused, reloads
        reloads += 1
        snap = desk_snapshot(now(), settings, 0, PAGE, full=False)
        rows = [r.lead_id for r in snap.due if r.lead_id != avoid]
        if not rows:
            return
        moved = cursor_key(rows[0], held, now(), settings)
        held = moved.claim.lead_id
        held_since = time.time()
        if moved.claim.refused:
            refused += 1

    time.sleep(max(0.0, start_at - time.time()))
    end = start_at + seconds
    take_top(None)
    while time.time() < end:
        if time.time() >= next_check:
            checked = check_in(token, beat, now(), settings)
            token, beat = checked.token, checked.beat_at
            next_check += CHECK_SECONDS
        if held is None:
            idle += 1
            time.sleep(0.2)
            take_top(None)
            continue
        lead = held
        before = time.time()
        holds.append((lead, held_since, before))
        try:
            key = outcome_key(
                lead, rng.choice(OUTCOMES), now(), settings, Page(0, PAGE, 0),
                held=lead, first=lambda _k: None, confirmed=True,
            )  # fmt: skip
        except LeadDeskError:
            errors += 1  # a refusal from the core: nothing written; take another lead
            take_top(lead)
            continue
        keys_s.append(time.time() - before)
        acked.append(key.logged.touch_id)
        held = key.claim.lead_id
        held_since = time.time()
        if key.claim.refused:
            refused += 1
            take_top(None)
    close_store()
    Path(out).write_text(
        json.dumps(
            {
                "rep": rep,
                "acked": acked,
                "holds": holds,
                "keys_s": keys_s,
                "refused": refused,
                "reloads": reloads,
                "idle": idle,
                "errors": errors,
            }
        )
    )


def overlaps(results: list[dict[str, Any]]) -> int:
    """Leads two reps surely held at the same wall-clock moment."""
    by_lead: dict[int, list[tuple[float, float, str]]] = {}
    for r in results:
        for lead, start, end in r["holds"]:
            by_lead.setdefault(lead, []).append((start, end, r["rep"]))
    clashes = 0
    for spans in by_lead.values():
        spans.sort()
        for (_s1, e1, rep1), (s2, _e2, rep2) in itertools.pairwise(spans):
            if rep1 != rep2 and s2 < e1:
                clashes += 1
    return clashes


def verify(url: str, results: list[dict[str, Any]]) -> dict[str, int]:
    from leaddesk.core.store.models import Rep, Touch
    from leaddesk.core.store.schema import close_store, open_store
    from leaddesk.core.writes.handoffs import HANDOFF

    open_store(url, migrate=False)
    acked = {t for r in results for t in r["acked"]}
    stored = {
        t
        for (t,) in Touch.select(Touch.id)
        .join(Rep, on=(Touch.rep == Rep.id))
        .where(Rep.name.startswith("desk") & (Touch.channel == "call"))
        .tuples()
    }
    handoffs = Touch.select().where(Touch.outcome == HANDOFF).count()
    close_store()
    return {
        "lost_touches": len(acked - stored),
        "unacknowledged_touches": len(stored - acked),
        "handoffs_taken": handoffs,
        "double_holds": overlaps(results),
    }


def pick(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run_desks(desks: int = 20, seconds: float = 120.0, seed: int = 1) -> dict[str, Any]:
    import pgserver
    import psycopg2

    home = Path(tempfile.mkdtemp(prefix="leaddesk-desks-"))
    home.chmod(0o755)  # as root, pgserver runs the server as its own user
    server = pgserver.get_server(home / "data", cleanup_mode="stop")
    try:
        socket_dir = server.get_uri().split("host=", 1)[1]
        admin = psycopg2.connect(dbname="postgres", user="postgres", host=socket_dir)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("CREATE DATABASE desks")
        admin.close()
        url = f"postgresql://postgres@/desks?host={socket_dir}"
        reps = [f"desk{n:02d}" for n in range(desks)]
        print(f"filling {LEADS:,} leads for {desks} desks …", file=sys.stderr, flush=True)
        fill(url, reps, seed)
        ctx = multiprocessing.get_context("spawn")
        start_at = time.time() + 3.0  # every process imported and connected by then
        outs = [home / f"{rep}.json" for rep in reps]
        procs = [
            ctx.Process(target=worker, args=(url, rep, start_at, seconds, str(out)))
            for rep, out in zip(reps, outs, strict=True)
        ]
        print(f"{desks} desks for {seconds:g} s …", file=sys.stderr, flush=True)
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        failed = [p.exitcode for p in procs if p.exitcode != 0]
        if failed:
            raise SystemExit(f"{len(failed)} desk processes failed: exit codes {failed}")
        results = [json.loads(out.read_text()) for out in outs]
        keys = [s for r in results for s in r["keys_s"]]
        report: dict[str, Any] = {
            "desks": desks,
            "seconds": seconds,
            "leads": LEADS,
            "outcomes": len(keys),
            "outcomes_per_s": round(len(keys) / seconds, 1),
            "key_p50_ms": round(pick(keys, 0.5), 1) if keys else None,
            "key_p95_ms": round(pick(keys, 0.95), 1) if keys else None,
            "key_mean_ms": round(statistics.mean(keys) * 1000, 1) if keys else None,
            "claims_refused": sum(r["refused"] for r in results),
            "reloads": sum(r["reloads"] for r in results),
            "idle_waits": sum(r["idle"] for r in results),
            "core_refusals": sum(r["errors"] for r in results),
            **verify(url, results),
        }
        return report
    finally:
        server.cleanup()
        shutil.rmtree(home, ignore_errors=True)


def table(report: dict[str, Any]) -> str:
    lines = [f"\n{report['desks']} desks on one PostgreSQL for {report['seconds']:g} s"]
    for label, key in (
        ("outcomes logged", "outcomes"),
        ("outcomes per second (all desks)", "outcomes_per_s"),
        ("keystroke's database work p50 ms", "key_p50_ms"),
        ("keystroke's database work p95 ms", "key_p95_ms"),
        ("claims refused (another rep first)", "claims_refused"),
        ("hand-offs taken", "handoffs_taken"),
        ("leads held by two reps at once", "double_holds"),
        ("touches acknowledged but lost", "lost_touches"),
        ("touches stored but never acknowledged", "unacknowledged_touches"),
    ):
        lines.append(f"  {label:<40}{report[key]!s:>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.desks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--desks", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args(argv)
    report = run_desks(args.desks, args.seconds)
    print(table(report))
    print(json.dumps(report, indent=2))
    bad = report["double_holds"] or report["lost_touches"] or report["unacknowledged_touches"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
