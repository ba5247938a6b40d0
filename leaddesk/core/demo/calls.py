"""What happens on a call, and how a busy rep works a lead as it falls due."""

from __future__ import annotations

import random
from collections.abc import Callable
from itertools import accumulate

from pendulum import DateTime

from leaddesk.core.demo.history import History

# --- what happens on a call --------------------------------------------------

Mix = tuple[tuple[str, ...], tuple[float, ...]]


def _mix(*pairs: tuple[str, float]) -> Mix:
    names = tuple(n for n, _ in pairs)
    return names, tuple(accumulate(w for _, w in pairs))


ATTEMPTS_ONLY = _mix(("no-answer", 50), ("voicemail", 28), ("gatekeeper", 14), ("busy", 8))
# A call's outcome by the lead's status: most calls on a cold list do not connect.
CALL_MIX: dict[str, Mix] = {
    "new": _mix(
        ("no-answer", 44), ("voicemail", 25), ("gatekeeper", 10), ("busy", 5),
        ("connected", 7), ("callback", 3), ("not-interested", 3), ("appointment", 1),
        ("wrong-number", 1), ("dnc", 0.5),
    ),
    "engaged": _mix(
        ("connected", 25), ("voicemail", 22), ("no-answer", 22), ("appointment", 8),
        ("callback", 8), ("won", 4), ("not-interested", 10), ("dnc", 2),
    ),
    "appointment": _mix(
        ("connected", 50), ("won", 15), ("not-interested", 15), ("no-answer", 10),
        ("callback", 10),
    ),
    "nurture": _mix(
        ("no-answer", 48), ("voicemail", 32), ("connected", 5), ("not-interested", 8),
        ("callback", 3), ("dnc", 2), ("won", 1),
    ),
    "won": _mix(("connected", 60), ("voicemail", 25), ("no-answer", 15)),
}  # fmt: skip
CALL_MIX["working"] = CALL_MIX["new"]

NOTES: dict[str, tuple[str, ...]] = {
    "connected": (
        "asked for pricing on {interest}",
        "wants a site visit first",
        "comparing three quotes",
        "budget opens next quarter",
        "needs sign-off from the owner",
        "sent spec sheet",
        "happy with samples, checking lead times",
        "",
    ),
    "callback": ("in a meeting, call back", "driving, asked for a call later", "call back"),
    "appointment": ("site visit booked", "demo of {interest} booked", "meeting at their office"),
    "not-interested": (
        "went with a competitor",
        "no budget this year",
        "not a fit right now",
        "already has a supplier",
    ),
    "dnc": ("asked not to be called; email is fine", "do not call — prefers email"),
    "won": ("signed for {interest}", "PO received", "deposit paid"),
    "wrong-number": ("number belongs to someone else", "disconnected"),
    "gatekeeper": ("spoke to the front desk", "assistant took a message", ""),
    "voicemail": ("", "", "left VM with callback number"),
    "email": ("", "follow-up email: {interest} brochure"),
    "letter": ("", "mailed catalogue"),
}
# seconds on the phone, by outcome (None: the rep did not record one)
DURATIONS: dict[str, tuple[int, int]] = {
    "connected": (90, 1500),
    "callback": (30, 120),
    "appointment": (180, 900),
    "not-interested": (30, 240),
    "dnc": (15, 90),
    "won": (300, 1800),
    "voicemail": (25, 60),
    "gatekeeper": (30, 150),
}


# --- choosing what happens --------------------------------------------------

Policy = Callable[[History, DateTime, random.Random], tuple[str, DateTime | None]]


def _pick(rng: random.Random, mix: Mix) -> str:
    names, cum = mix
    return rng.choices(names, cum_weights=cum)[0]


def local_slot(at: DateTime, zone: str, days: int, hour: int, minute: int = 0) -> DateTime:
    local = at.in_timezone(zone).add(days=days)
    return local.set(hour=hour, minute=minute, second=0, microsecond=0).in_timezone("UTC")


def round_up(at: DateTime, zone: str, step_minutes: int) -> DateTime:
    local = at.in_timezone(zone).set(second=0, microsecond=0)
    extra = (-local.minute) % step_minutes or step_minutes
    return local.add(minutes=extra).in_timezone("UTC")


def _callback_time(h: History, at: DateTime, rng: random.Random) -> DateTime:
    choice = rng.random()
    if choice < 0.4:
        return round_up(at.add(minutes=rng.randint(60, 180)), h.zone, 15)
    if choice < 0.8:
        return local_slot(at, h.zone, 1, rng.choice((9, 10, 11, 14, 15, 16)))
    return local_slot(at, h.zone, rng.randint(2, 5), rng.choice((10, 11, 14)), 30)


def _appointment_time(h: History, at: DateTime, rng: random.Random) -> DateTime:
    slot = local_slot(at, h.zone, rng.randint(1, 6), rng.choice((9, 10, 11, 13, 14, 15, 16)))
    while slot.in_timezone(h.zone).weekday() >= 5:
        slot = slot.add(days=1)
    return slot


def natural(h: History, at: DateTime, rng: random.Random) -> tuple[str, DateTime | None]:
    channel = h.state.next_channel
    if channel != "call":
        return channel, None
    status = h.state.status
    name = _pick(rng, CALL_MIX.get(status, CALL_MIX["new"]))
    if status in ("engaged", "appointment") and rng.random() < min(0.15 * h.talks, 0.9):
        # after a few conversations a deal is won or the lead says no
        name = (
            "won" if rng.random() < (0.5 if status == "appointment" else 0.3) else "not-interested"
        )
    slack = h.settings.rules.promise_slack_minutes
    if name == "dnc" and (
        status in ("engaged", "appointment")
        or any(h.promises[i].at > at.add(minutes=slack) for i in h.open_promises())
    ):
        # An engaged lead put on DNC gets an email step that logging the email
        # never advances (see the report on rules.plan_outcome); and a DNC lead
        # with an appointment still open would be called.
        name = "voicemail"
    if name == "callback":
        return name, _callback_time(h, at, rng)
    if name == "appointment":
        return name, _appointment_time(h, at, rng)
    return name, None


def attempts_only(h: History, at: DateTime, rng: random.Random) -> tuple[str, DateTime | None]:
    channel = h.state.next_channel
    return (channel, None) if channel != "call" else (_pick(rng, ATTEMPTS_ONLY), None)


def _note(rng: random.Random, name: str, interest: str) -> str:
    options = NOTES.get(name)
    return rng.choice(options).format(interest=interest) if options else ""


def _duration(rng: random.Random, name: str) -> int | None:
    span = DURATIONS.get(name)
    return rng.randint(*span) if span else None


def act(
    h: History,
    name: str,
    at: DateTime,
    next_at: DateTime | None,
    rng: random.Random,
    interest: str,
) -> None:
    h.log(name, at, next_at, _note(rng, name, interest), _duration(rng, name))


def work_until(
    h: History, until: DateTime, policy: Policy, rng: random.Random, interest: str
) -> DateTime | None:
    """Work the lead as it falls due until `until`; return the next pending action time."""
    for _ in range(80):
        at = h.act_at(rng)
        if at is None or at > until:
            return at
        if h.state.next_channel == "call" and not h.can_call():
            return None
        name, next_at = policy(h, at, rng)
        due = h.state.next_due_at
        act(h, name, at, next_at, rng, interest)
        if h.state.next_due_at == due and due is not None and due <= at:
            return None  # the rules did not move it: stop rather than log it again
    return None
