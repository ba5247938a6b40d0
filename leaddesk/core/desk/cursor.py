"""A cursor move as one job on the database thread: let the lead held go, claim
the next and read it (keystroke.py's outcome keys end with the same claim).

Its own module, not keystroke.py's: the desk claims its first lead right after
painting it, and the outcome keys' machinery (keystroke.py, the outcome writes)
loads after that paint (issue 15 point 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.leads import LeadView, lead_view
from leaddesk.core.reads.queue.reasons import handoff_claimed
from leaddesk.core.store.schema import change_token
from leaddesk.core.writes.team import ClaimedElsewhere, claim, release

HISTORY = 100  # touches read with the lead shown


@dataclass(frozen=True)
class Claimed:
    """The lead this rep holds after the keystroke, or why the wanted one was refused."""

    lead_id: int | None
    refused: str = ""  # "lead 7 is being called by ana (…)": another rep got it first
    # "claimed from ana — new 7 min, not yet called by ana": this claim took a hand-off
    handoff: str = ""


@dataclass(frozen=True)
class CursorKeystroke:
    view: LeadView | None
    claim: Claimed
    token: object = None  # as in OutcomeKeystroke


def cursor_key(
    lead_id: int | None,
    held: int | None,
    now: DateTime,
    settings: Settings,
    seen: object = None,
    read: bool = True,
) -> CursorKeystroke:
    """The cursor moved to `lead_id`: let `held` go, claim `lead_id`, read it
    (`read=False`: the desk read it with its page; the view is None).

    With `lead_id == held` this renews the claim (a long call).
    """
    before = change_token()
    claimed = move_claim(held, lead_id, now, settings)
    view = None
    if lead_id is not None and read:
        try:
            view = lead_view(lead_id, now, settings, HISTORY)
        except NotFound:
            view = None  # deleted meanwhile: the next reload drops its row
    return CursorKeystroke(view, claimed, own_token(seen, before))


def own_token(seen: object, before: object) -> object:
    """The change token to adopt after a job's own commits, or None to keep `seen`.

    `before` was read when the job started. If it differs from `seen`, someone
    else wrote since the desk last looked: adopting nothing lets the next
    check reload. Otherwise the token read now covers only this job's commits
    (SQLite's data_version ignores them anyway; PostgreSQL's snapshot moves
    for them). On PostgreSQL a commit by another rep inside this job's few
    milliseconds is folded in too; the desk still reloads when the minute turns.
    """
    if before is None or before != seen:
        return None
    return change_token()


def move_claim(held: int | None, target: int | None, now: DateTime, settings: Settings) -> Claimed:
    """Let `held` go (unless it is `target`) and claim `target` (renewing it)."""
    if held is not None and held != target:
        release(held, settings)
    if target is None:
        return Claimed(None)
    try:
        taken = claim(target, now, settings)
    except ClaimedElsewhere as exc:
        return Claimed(None, refused=str(exc))
    except NotFound:
        return Claimed(None)
    return Claimed(target, handoff=handoff_claimed(taken.handed_from, taken.handoff))
