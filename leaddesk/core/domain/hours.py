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

from leaddesk.core.domain.compliance import COMPANY, Rule
from leaddesk.core.domain.errors import OutsideHours
from leaddesk.core.domain.lead_state import OUTCOMES
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import next_open, rule_open, window_open, zones_or_rep

# Respecting a "do not call" never waits for a window (the request may arrive by
# letter at midnight), so the one call outcome that only records a refusal is exempt.
NEVER_REFUSED = frozenset({"dnc"})


def governed(outcome_name: str) -> bool:
    """True when the calling-hours rule applies to this outcome (a call to the lead)."""
    spec = OUTCOMES.get(outcome_name)
    return spec is not None and spec.channel == "call" and outcome_name not in NEVER_REFUSED


def blocking_rule(
    at: DateTime, zones: tuple[str, ...], places: tuple[str, ...], settings: Settings
) -> Rule | None:
    """The first jurisdiction rule whose window is closed at `at` (the most specific first)."""
    for rule in settings.compliance.book.for_places(places):
        if not rule_open(at, zones, settings, rule):
            return rule
    return None


def blocked_by(
    at: DateTime, zones: tuple[str, ...], places: tuple[str, ...], settings: Settings
) -> str | None:
    """Why a call at `at` may not be placed, as one word: a jurisdiction's rule id
    ("US-FL", "CA"), "company-hours" for the company's own window, or None when it
    may. A jurisdiction is named before the company. Other checks (caps, do-not-call)
    add their reasons here, in the order they should be named."""
    rule = blocking_rule(at, zones, places, settings)
    if rule is not None:
        return rule.id
    if not window_open(at, zones, settings):
        return COMPANY
    return None


def check_calling_hours(
    outcome_name: str,
    lead_name: str,
    zones: tuple[str, ...],
    at: DateTime,
    settings: Settings,
    *,
    places: tuple[str, ...] = (),
    dialled_at: DateTime | None = None,
    confirmed: bool = False,
) -> bool:
    """Whether this touch is logged outside the calling hours (and must be marked).

    `at` is when the touch happened; `dialled_at` when its dial started, if the
    desk timed it; `places` the lead's jurisdictions, whose rules apply too.
    Raises OutsideHours, naming the rule and when the window opens, for a call
    outside a window that the rep has not `confirmed`.
    """
    if not governed(outcome_name):
        return False
    began = dialled_at if dialled_at is not None else at
    rules = settings.compliance.book.for_places(places)
    if window_open(began, zones, settings, rules=rules):
        return False
    if confirmed:
        return True
    raise OutsideHours(
        refusal(lead_name, began, zones, places, settings, dialled=dialled_at is not None),
        opens_at=next_open(began, zones, settings, rules=rules),
        zone=zones_or_rep(zones, settings)[0],
    )


def refusal(
    lead_name: str,
    at: DateTime,
    zones: tuple[str, ...],
    places: tuple[str, ...],
    settings: Settings,
    *,
    dialled: bool = False,
) -> str:
    """Why a call at `at` is refused, naming the rule: "Dana: US-FL: calls 08:00–20:00
    their time; opens Tue 08:00"; the company's own window as it always was."""
    zone = zones_or_rep(zones, settings)[0]
    rules = settings.compliance.book.for_places(places)
    opens = next_open(at, zones, settings, rules=rules).in_timezone(tz(zone))
    local = at.in_timezone(tz(zone))
    rule = blocking_rule(at, zones, places, settings)
    when = f"{local:%H:%M} their time"
    if dialled:
        when = f"dialled at {when}"
    if rule is not None:
        hours = rule.hours_text(local.date())
        return f"{lead_name}: {rule.id}: calls {hours} their time — {when}, opens {opens:%a %H:%M}"
    return f"{lead_name}: outside calling hours — {when}, opens {opens:%a %H:%M}"


def promise_warning(
    at: DateTime, zones: tuple[str, ...], settings: Settings, places: tuple[str, ...] = ()
) -> str:
    """A callback or appointment the lead asked for is kept at its time even outside
    the calling window (their words beat the default hours); the rep is told so.
    The window is the lead's: the company's hours and every rule of `places` (the
    lead's jurisdictions). "" when `at` is inside it."""
    rules = settings.compliance.book.for_places(places)
    if window_open(at, zones, settings, rules=rules):
        return ""
    zone = zones_or_rep(zones, settings)[0]
    opens = next_open(at, zones, settings, rules=rules)
    return (
        f"⚠ {at.in_timezone(tz(zone)):%a %H:%M} their time is outside their calling hours"
        f" (the window opens {opens.in_timezone(tz(zone)):%a %H:%M})"
    )


MARK = "outside hours (confirmed)"


def touch_text(label: str, outside_hours: bool) -> str:
    """How the history names a touch: "no answer · outside hours (confirmed)"."""
    return f"{label} · {MARK}" if outside_hours else label
