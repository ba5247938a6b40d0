"""Several reps (processes) claiming from one small pool at once, on both engines: no
lead is ever held by two reps at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from leaddesk.core.store.schema import close_store

WORKER = Path(__file__).resolve().parents[2] / "claim_worker.py"
REPS, CLAIMS, POOL = 4, 500, 6


def overlaps(held: list[tuple[str, int, float, float]]) -> list[tuple]:
    """Pairs of holds of one lead by two reps whose intervals intersect."""
    found = []
    by_lead: dict[int, list] = {}
    for rep, lead, start, end in held:
        by_lead.setdefault(lead, []).append((start, end, rep))
    for holds in by_lead.values():
        holds.sort()
        latest_end, latest_rep = float("-inf"), None
        for start, end, rep in holds:
            if start < latest_end and rep != latest_rep:
                found.append((latest_rep, rep, start, latest_end))
            if end > latest_end:
                latest_end, latest_rep = end, rep
    return found


def test_the_overlap_check_can_fail():
    assert overlaps([("ana", 1, 0.0, 2.0), ("sam", 1, 1.0, 3.0)])
    assert not overlaps([("ana", 1, 0.0, 1.0), ("sam", 1, 1.5, 3.0), ("ana", 2, 0.5, 2.0)])


def test_four_reps_claiming_one_pool_never_hold_a_lead_together(
    store_target, store, make_lead, tmp_path
):
    leads = [make_lead(f"Lead {i}") for i in range(POOL)]
    close_store()
    outs = [tmp_path / f"rep{i}.json" for i in range(REPS)]
    pool = ",".join(map(str, leads))
    args = [sys.executable, str(WORKER), store_target]
    procs = [
        subprocess.Popen([*args, f"rep{i}", str(CLAIMS), pool, str(out)])
        for i, out in enumerate(outs)
    ]
    for proc in procs:
        assert proc.wait(timeout=300) == 0
    results = [json.loads(out.read_text()) for out in outs]
    held = [(r["rep"], lead, start, end) for r in results for lead, start, end in r["held"]]
    refused = sum(r["refused"] for r in results)
    assert len(held) == REPS * CLAIMS
    assert refused > 0  # the reps really did collide
    assert overlaps(held) == []
    print(f"{REPS} reps x {CLAIMS} claims on {POOL} leads: {refused} refused, 0 overlaps")
