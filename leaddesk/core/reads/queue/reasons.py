"""Why a lead is in the queue now: the one line the desk shows under its name."""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.domain.text import minutes_between, span_words, when_local
from leaddesk.core.domain.tiers import TIER_NEW, TIER_NURTURE, TIER_PROMISE


def why_now(
    priority: int,
    status: str,
    channel: str,
    step: int,
    steps: int,
    due_at: DateTime,
    now: DateTime,
    zone: str,
    waited: int | None,
    promise: tuple[str, DateTime] | None,
    last_touch_at: DateTime | None,
    opens_at: DateTime | None,
    name: str = "",
) -> str:
    """One line: why this lead is in the queue now."""
    late = minutes_between(due_at, now)
    when = when_local(due_at, zone, now)
    if priority == TIER_PROMISE:
        kind = promise[0] if promise else "callback"
        label = "promised callback" if kind == "callback" else "appointment"
        text = f"{label} {when}"
        text += f", {span_words(late)} overdue" if late > 0 else (", now" if late == 0 else "")
        if kind == "reply":
            text = f"reply from {(name.split() or ['the lead'])[0]} — answer"
    elif priority == TIER_NEW:
        text = f"new lead, waiting {span_words(waited or 0)}"
    elif priority == TIER_NURTURE:
        if status == "won":
            text = "customer check-in"
        elif last_touch_at is not None:
            days = minutes_between(last_touch_at, now) // (24 * 60)
            text = f"nurture, {days} days since last touch"
        else:
            text = "nurture touch"
    elif status in ("engaged", "appointment"):
        text = f"follow-up after talking, due {'since ' if late > 0 else ''}{when}"
    else:
        what = "attempt" if channel == "call" else f"{channel} step"
        since = "since " if late > 0 else ""
        text = f"{what} {min(step + 1, steps)} of {steps}, due {since}{when}"
    if opens_at is not None:
        text += f" · window opens {when_local(opens_at, zone, now)} their time"
    return text


def handoff_why(
    priority: int, owner: str, presence: str, waited: int, late: int, kind: str | None
) -> str:
    """Why another owner's lead is offered to this rep: "new 7 min, not yet called by ana".

    `presence`: "" (their desk is on), "away" (silent for `[team] away_minutes`) or
    "inactive" (`leaddesk rep deactivate`); `kind` the open promise's kind.
    """
    who = {"": f"not yet called by {owner}", "away": f"{owner} is away"}.get(
        presence, f"{owner} is not working"
    )
    if priority == TIER_NEW:
        return f"new {span_words(waited)}, {who}"
    label = "appointment" if kind == "appointment" else "promised callback"
    return f"{label} {span_words(max(late, 0))} overdue, {who}"


def handoff_claimed(owner: str, why: str) -> str:
    """What the desk says when its claim took a hand-off: "claimed from ana — new 7 min,
    not yet called by ana" ("" when `why` is empty: no hand-off)."""
    return f"claimed from {owner} — {why}" if why else ""
