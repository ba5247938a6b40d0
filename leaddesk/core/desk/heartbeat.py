"""The desk's change check, which is also its rep's heartbeat (`[team] away_minutes`).

Every few seconds the desk asks whether another program wrote to the store. The
same job stamps `rep.seen_at` at most once a minute, so a desk that stops checking
in (closed, crashed, its laptop asleep) makes its rep "away" and their leads are
handed off (core/reads/scope.py) — with no trip of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.schema import change_token
from leaddesk.core.writes.team import seen

BEAT_SECONDS = 60  # the heartbeat writes at most this often


@dataclass(frozen=True)
class CheckIn:
    token: object  # the store's change token after this job (None: not cheaply known)
    moved: bool  # another program wrote since `seen` (this job's own write does not count)
    beat_at: DateTime | None  # when this rep was last stamped as seen


def check_in(
    seen_token: object, beat_at: DateTime | None, now: DateTime, settings: Settings
) -> CheckIn:
    """Read the change token; stamp the rep as seen when the last stamp is a minute old.

    The token is read before the stamp, to tell another program's writes from
    this one, and again after it, so the next check does not take the stamp
    for someone else's write (PostgreSQL's snapshot moves for our own commits).
    """
    before = change_token()
    if beat_at is not None and (now - beat_at).total_seconds() < BEAT_SECONDS and now >= beat_at:
        return CheckIn(before, before != seen_token, beat_at)
    seen(now, settings)
    return CheckIn(change_token(), before != seen_token, now)
