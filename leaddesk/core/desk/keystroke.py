"""A keystroke on the desk as one job on the database thread.

An outcome key writes the touch, reads the next DUE page and the lead to show
next, and holds that lead for this rep (a claim) — one call, one answer. A
cursor move lets the previous lead go, claims the next and reads it — one
call too. What the desk does next (stay on the lead or move on, which way
`M` toggles) is decided here from the lead's state in the store, never from
a row the desk cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import DateTime

from leaddesk.core.desk.snapshot import DeskSnapshot, desk_snapshot
from leaddesk.core.domain.errors import NotFound
from leaddesk.core.domain.rules import OUTCOMES
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.leads import LeadView, get_lead, lead_view
from leaddesk.core.store.db import atomic_write
from leaddesk.core.writes.outcomes import LogResult, log_outcome
from leaddesk.core.writes.team import ClaimedElsewhere, claim, release

# `M`: do-not-mail on when it is off, off when it is on — as the store has it.
TOGGLE_MAIL = "dnm-toggle"
HISTORY = 100  # touches read with the lead shown


@dataclass(frozen=True)
class Page:
    """Where the desk's DUE page is: its offset, its size, the cursor's index."""

    offset: int
    limit: int
    focus: int | None


@dataclass(frozen=True)
class Claimed:
    """The lead this rep holds after the keystroke, or why the wanted one was refused."""

    lead_id: int | None
    refused: str = ""  # "lead 7 is being called by ana (…)": another rep got it first


@dataclass(frozen=True)
class OutcomeKeystroke:
    logged: LogResult
    stay: bool  # a decision about a lead still open: the desk stays on it
    snapshot: DeskSnapshot  # the DUE page, with the lead to show next in `.lead`
    claim: Claimed


@dataclass(frozen=True)
class CursorKeystroke:
    view: LeadView | None
    claim: Claimed


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
) -> OutcomeKeystroke:
    """Log `name` on `lead_id`, then read what the desk shows next and claim it.

    `name` may be TOGGLE_MAIL. `held` is the lead the desk holds a claim on
    (let go when the desk moves elsewhere). The core's refusals (the give-up
    guard, calling hours, do-not-call, …) are raised before anything is read.
    """

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
        full=False,  # LATER and today's counts follow after the paint
        focus=page.focus,
        avoid_lead=None if stay else lead_id,
        lead_id=lead_id if stay else None,
    )
    # log_outcome ended the claim on the logged lead: nothing else to let go.
    others = None if held == lead_id else held
    target = snap.lead.id if snap.lead is not None else None
    return OutcomeKeystroke(logged, stay, snap, move_claim(others, target, now, settings))


def cursor_key(
    lead_id: int | None, held: int | None, now: DateTime, settings: Settings
) -> CursorKeystroke:
    """The cursor moved to `lead_id`: let `held` go, claim `lead_id`, read it."""
    claimed = move_claim(held, lead_id, now, settings)
    view = None
    if lead_id is not None:
        try:
            view = lead_view(lead_id, now, settings, HISTORY)
        except NotFound:
            view = None  # deleted meanwhile: the next reload drops its row
    return CursorKeystroke(view, claimed)


def move_claim(held: int | None, target: int | None, now: DateTime, settings: Settings) -> Claimed:
    """Let `held` go (unless it is `target`) and claim `target` (renewing it)."""
    if held is not None and held != target:
        release(held, settings)
    if target is None:
        return Claimed(None)
    try:
        claim(target, now, settings)
    except ClaimedElsewhere as exc:
        return Claimed(None, refused=str(exc))
    except NotFound:
        return Claimed(None)
    return Claimed(target)
