"""The calling-hours policy for logging a call: one rule for the desk and the CLI.

A call is in-window when its dial started inside the lead's calling window
(the desk's call timer gives `dialled_at`), or, with no dial, when the touch's
own time is inside it (the CLI's `--at`, else now). An in-window call may be
logged at any later moment: a call dialled at 20:58 and logged at 21:03 is
fine. Anything else is refused with `OutsideHours` unless the rep confirms,
and a confirmed one is marked in the history.
"""

from __future__ import annotations

from pendulum import DateTime

from leaddesk.core.domain.errors import OutsideHours
from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import next_open, window_open, zones_or_rep

# Respecting a "do not call" never waits for a window (the request may arrive by
# letter at midnight), so the one call outcome that only records a refusal is exempt.
NEVER_REFUSED = frozenset({"dnc"})


def governed(outcome_name: str) -> bool:
    """True when the calling-hours rule applies to this outcome (a call to the lead)."""
    spec = OUTCOMES.get(outcome_name)
    return spec is not None and spec.channel == "call" and outcome_name not in NEVER_REFUSED


def check_calling_hours(
    outcome_name: str,
    lead_name: str,
    zones: tuple[str, ...],
    at: DateTime,
    settings: Settings,
    *,
    dialled_at: DateTime | None = None,
    confirmed: bool = False,
) -> bool:
    """Whether this touch is logged outside the calling hours (and must be marked).

    `at` is when the touch happened; `dialled_at` when its dial started, if the
    desk timed it. Raises OutsideHours, saying why and when the window opens,
    for a call outside the window that the rep has not `confirmed`.
    """
    if not governed(outcome_name):
        return False
    began = dialled_at if dialled_at is not None else at
    if window_open(began, zones, settings):
        return False
    if confirmed:
        return True
    zone = zones_or_rep(zones, settings)[0]
    opens = next_open(began, zones, settings)
    when = f"{began.in_timezone(tz(zone)):%H:%M} their time"
    if dialled_at is not None:
        when = f"dialled at {when}"
    raise OutsideHours(
        f"{lead_name}: outside calling hours — {when}, "
        f"opens {opens.in_timezone(tz(zone)):%a %H:%M}",
        opens_at=opens,
        zone=zone,
    )


def promise_warning(at: DateTime, zones: tuple[str, ...], settings: Settings) -> str:
    """A callback or appointment the lead asked for is kept at its time even outside
    the calling window (their words beat the default hours); the rep is told so.
    "" when `at` is inside the window."""
    if window_open(at, zones, settings):
        return ""
    zone = zones_or_rep(zones, settings)[0]
    opens = next_open(at, zones, settings)
    return (
        f"⚠ {at.in_timezone(tz(zone)):%a %H:%M} their time is outside their calling hours"
        f" (the window opens {opens.in_timezone(tz(zone)):%a %H:%M})"
    )


MARK = "outside hours (confirmed)"


def touch_text(label: str, outside_hours: bool) -> str:
    """How the history names a touch: "no answer · outside hours (confirmed)"."""
    return f"{label} · {MARK}" if outside_hours else label
