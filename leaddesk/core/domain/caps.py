"""Caps on calls per called number, and the first reason a call may not be placed.

Pure: the callers load the calls of the last hours (per number, and per lead for
a cap counted per lead record) and a number's suppression, and ask here. The
company's own cap is `Cap("cap", max_calls_per_24h)`; a jurisdiction's cap (a
rule pack's "US-FL: 3 calls per 24 h per number") is one more `Cap` with its
rule id, so the packs plug in as data. When several block at once, a
jurisdiction's rule is named before the company's own (issue 13, point 6).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pendulum import DateTime

from leaddesk.core.domain.lead_state import epoch_ms
from leaddesk.core.domain.record import Frozen
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz

COMPANY_CAP = "cap"  # `blocked_by` for the company's own `max_calls_per_24h`
DNC = "dnc"  # `blocked_by` for a suppressed number


class Cap(Frozen):
    """A cap on calls (a plain class, as `Block`: `domain.record`)."""

    __slots__ = ("rule", "calls", "per_hours", "per_number")  # noqa: RUF023 (field order)
    rule: str  # "cap" (the company's), or a jurisdiction's rule id ("US-FL")
    calls: int  # at most this many calls …
    per_hours: int  # … in any rolling window this long
    per_number: bool  # counted per called number (False: per lead record)

    def __init__(self, rule: str, calls: int, per_hours: int = 24, per_number: bool = True) -> None:
        self._set(rule=rule, calls=calls, per_hours=per_hours, per_number=per_number)


# Where the called number goes in a Block's text: it is spelled out (phonenumbers,
# ~40 ms to import) only when the message is read, so `leaddesk due --json`, which
# gives the reason alone, never loads it (issue 15).
NUMBER = "\x00number\x00"


class Block(Frozen):
    """Why a call may not be placed now, and until when. (A plain class, not a frozen
    dataclass: built on `leaddesk due`'s path, `domain.record`.)"""

    __slots__ = ("reason", "said", "free_at", "number")  # noqa: RUF023 (field order)
    reason: str  # a rule id: "US-FL", "cap", "dnc"
    said: str  # the message, with NUMBER where `number` goes
    free_at: DateTime | None  # None: until the suppression is lifted
    number: str  # the called number (E.164) the message names, if any

    def __init__(
        self, reason: str, said: str, free_at: DateTime | None = None, number: str = ""
    ) -> None:
        self._set(reason=reason, said=said, free_at=free_at, number=number)

    @property
    def message(self) -> str:
        """ "cap: 3 calls to +1 305 555 0142 in 24 h; free Tue 14:05"."""
        return self.said.replace(NUMBER, spaced(self.number)) if self.number else self.said


def company_caps(settings: Settings) -> tuple[Cap, ...]:
    rules = settings.rules
    if not rules.max_calls_per_24h:
        return ()
    return (Cap(COMPANY_CAP, rules.max_calls_per_24h, 24, rules.cap_scope == "number"),)


def rule_caps(places: tuple[str, ...], settings: Settings, day: date) -> tuple[Cap, ...]:
    """The caps of the rule packs governing a lead's places ("US-FL": 3 calls per number)."""
    return tuple(
        Cap(r.id, r.cap, 24, r.per == "number")
        for r in settings.compliance.book.for_places(places)
        if r.cap and r.in_force(day)
    )


def spaced(e164: str) -> str:
    """+1 305 555 0142: the number as refusals name it."""
    from leaddesk.core.domain.phone_text import pretty  # phonenumbers only when a cap is shown

    return pretty(e164).replace("-", " ")


def _in_window(calls: Sequence[DateTime], cap: Cap, now: DateTime) -> list[DateTime]:
    end = epoch_ms(now)
    start = end - cap.per_hours * 3600 * 1000
    return sorted(c for c in calls if start < epoch_ms(c) <= end)


def cap_blocks(
    number: str,
    number_calls: Sequence[DateTime],
    lead_calls: Sequence[DateTime],
    caps: Sequence[Cap],
    now: DateTime,
    zone: str,
) -> list[Block]:
    """Every cap the next call at `now` would break: jurisdictions' first, then the company's.

    `number_calls` are the calls to `number` by any lead and rep, `lead_calls`
    the lead's own (for a cap counted per lead); both at least `per_hours` back.
    """
    found = []
    for cap in sorted(caps, key=lambda c: c.rule == COMPANY_CAP):
        calls = _in_window(number_calls if cap.per_number else lead_calls, cap, now)
        if not cap.calls or len(calls) < cap.calls:
            continue
        free = calls[-cap.calls].add(hours=cap.per_hours)
        to = f"to {NUMBER}" if cap.per_number else "to this lead"
        when = free.in_timezone(tz(zone))
        said = f"{cap.rule}: {len(calls)} calls {to} in {cap.per_hours} h; free {when:%a %H:%M}"
        found.append(Block(cap.rule, said, free, number if cap.per_number else ""))
    return found


def free_at(blocks: Sequence[Block]) -> DateTime | None:
    """When every cap in `blocks` has freed (None: nothing blocks, or a suppression)."""
    times = [b.free_at for b in blocks if b.free_at is not None]
    if not times or len(times) < len(blocks):
        return None
    return max(times)


def calls_before(calls: Sequence[DateTime], now: DateTime, hours: int = 24) -> int:
    """How many of `calls` fall in the `hours` before `now` (what a call touch records)."""
    return len(_in_window(calls, Cap("", 0, hours), now))


SOURCES = {"lead": "request by lead {lead}", "manual": "added by {by}", "registry": "registry"}


def dnc_block(
    value: str, source: str, added_at: DateTime, lead_id: int | None, added_by: str, zone: str
) -> Block:
    """A suppressed number or address: "dnc: +1 305 555 0142 on the do-not-call list since
    2026-11-02 (request by lead 412)"."""
    number = value if value.startswith("+") else ""
    said = f"{DNC}: {NUMBER if number else value} " + list_warning(
        source, added_at, lead_id, added_by, zone
    )
    return Block(DNC, said, number=number)


def list_warning(
    source: str, added_at: DateTime, lead_id: int | None, added_by: str, zone: str
) -> str:
    """ "on the do-not-call list since 2026-11-02 (request by lead 412)": names the list."""
    since = added_at.in_timezone(tz(zone)).to_date_string()
    why = SOURCES.get(source, source).format(lead=lead_id, by=added_by or "someone")
    return f"on the do-not-call list since {since} ({why})"


def first_block(blocks: Sequence[Block]) -> Block | None:
    """The reason to name: a suppression (it never frees by itself), then a jurisdiction's
    rule, then the company's own."""
    order = {DNC: 0, COMPANY_CAP: 2}
    return min(blocks, key=lambda b: order.get(b.reason, 1), default=None)
