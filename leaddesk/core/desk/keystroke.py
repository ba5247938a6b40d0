"""A keystroke on the desk as one job on the database thread.

An outcome key writes the touch, reads the next DUE page and the lead to show
next, and holds that lead for this rep (a claim) — one call, one answer. A
cursor move lets the previous lead go, claims the next and reads it — one
call too. Each job also answers with the store's change token read after its
own commits, so the desk's change check does not reload after the desk's own
writes (see `own_token`). What the desk does next (stay on the lead or move on, which way
`M` toggles) is decided here from the lead's state in the store, never from
a row the desk cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from pendulum import DateTime

from leaddesk.core.desk.cursor import Claimed, move_claim, own_token
from leaddesk.core.desk.snapshot import DeskSnapshot, desk_extras, desk_snapshot
from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.leads import get_lead
from leaddesk.core.store.db import atomic_write
from leaddesk.core.store.schema import change_token
from leaddesk.core.writes.outcomes import LogResult, log_outcome

# `M`: do-not-mail on when it is off, off when it is on — as the store has it.
TOGGLE_MAIL = "dnm-toggle"


@dataclass(frozen=True)
class Page:
    """Where the desk's DUE page is: its offset, its size, the cursor's index."""

    offset: int
    limit: int
    focus: int | None


@dataclass(frozen=True)
class OutcomeKeystroke:
    logged: LogResult
    stay: bool  # a decision about a lead still open: the desk stays on it
    snapshot: DeskSnapshot  # the DUE page, the header's figures, the next lead in `.lead`
    claim: Claimed
    token: object = None  # the store's change token after this job; None: keep the old one


def outcome_key(
    lead_id: int,
    name: str,
    now: DateTime,
    settings: Settings,
    page: Page,
    *,
    held: int | None = None,
    next_at: DateTime | None = None,
    duration_s: int | None = None,
    confirmed: bool = False,
    cadence: str | None = None,
    dialled_at: DateTime | None = None,
    outside_hours: bool = False,
    seen: object = None,
    first: Callable[[OutcomeKeystroke], None] | None = None,
) -> OutcomeKeystroke:
    """Log `name` on `lead_id`, then read what the desk shows next and claim it.

    `name` may be TOGGLE_MAIL. `held` is the lead the desk holds a claim on
    (let go when the desk moves elsewhere). `seen` is the change token the
    desk last saw. The core's refusals (the give-up guard, calling hours,
    do-not-call, …) are raised before anything is read.

    `first`, when given, is called (on this thread) with the logged touch, the
    DUE page and the next lead as soon as they are read — before the slower
    LATER section, the header's figures and the claim — so the desk can paint
    the next lead while the same job finishes; the returned value is complete.
    """
    before = change_token()

    def write() -> LogResult:
        outcome = name
        if name == TOGGLE_MAIL:
            outcome = "dnm-clear" if get_lead(lead_id).do_not_mail else "dnm"
        return log_outcome(
            lead_id,
            outcome,
            now,
            settings,
            next_at=next_at,
            duration_s=duration_s,
            confirmed=confirmed,
            cadence=cadence,
            dialled_at=dialled_at,
            outside_hours=outside_hours,
        )

    # One transaction: the toggle reads the flag it flips under the write lock.
    logged = atomic_write(write) if name == TOGGLE_MAIL else write()
    stay = OUTCOMES[logged.outcome].channel == "system" and logged.status != "lost"
    snap = desk_snapshot(
        now,
        settings,
        page.offset,
        page.limit,
        full=first is None,
        focus=page.focus,
        avoid_lead=None if stay else lead_id,
        lead_id=lead_id if stay else None,
    )
    target = snap.lead.id if snap.lead is not None else None
    if first is not None:
        # LATER, the totals and the header cost ~35 ms at 100k leads: paint first.
        first(OutcomeKeystroke(logged, stay, snap, Claimed(None)))
        snap = replace(snap, extras=desk_extras(now, settings))
    # log_outcome ended the claim on the logged lead: nothing else to let go.
    others = None if held == lead_id else held
    claimed = move_claim(others, target, now, settings)
    return OutcomeKeystroke(logged, stay, snap, claimed, own_token(seen, before))
