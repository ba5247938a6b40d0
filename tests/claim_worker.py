"""One rep in the concurrency test (tests/core/writes/test_claim_race.py), as its own process.

python claim_worker.py TARGET REP CLAIMS LEADS OUT: claims CLAIMS times a lead picked
at random among LEADS ids, holds it for a few statements, releases it; writes one
JSON line per successful claim: [lead, start, end] with the wall-clock seconds just
after the claim committed and just before the release began (inside the true hold).
"""

from __future__ import annotations

import json
import random
import sys
import time

from leaddesk.core.domain.clock import SystemClock
from leaddesk.core.domain.settings import Settings, Team
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.writes.team import ClaimedElsewhere, claim, release


def main(target: str, rep: str, claims: int, leads: list[int], out: str) -> None:
    open_store(target, migrate=False)
    settings = Settings(rep_name=rep, team=Team(claim_minutes=5))
    clock = SystemClock()
    rng = random.Random(rep)
    held, refused = [], 0
    while len(held) < claims:
        lead = rng.choice(leads)
        try:
            claim(lead, clock.now(), settings)
        except ClaimedElsewhere:
            refused += 1
            continue
        start = time.time()
        time.sleep(rng.random() * 0.001)  # the rep "dials" for a moment
        end = time.time()
        release(lead, settings)
        held.append((lead, start, end))
    close_store()
    with open(out, "w") as f:
        json.dump({"rep": rep, "held": held, "refused": refused}, f)


if __name__ == "__main__":
    target, rep, claims, leads, out = sys.argv[1:6]
    main(target, rep, int(claims), [int(x) for x in leads.split(",")], out)
