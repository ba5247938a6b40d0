"""A queue row as the desk and `leaddesk due` show it, built from the raw columns.

Both sections (DUE and LATER) read the same columns (`where.COLUMNS`) and turn
them into `QueueRow`s here: the tier, whether a call is allowed now, when the
calling window opens, how long a new lead has waited, and the "why now" line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.hours import blocked_by
from leaddesk.core.domain.jurisdictions import split_key, window_key
from leaddesk.core.domain.record import Frozen
from leaddesk.core.domain.rules import waiting_heat
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.text import minutes_between
from leaddesk.core.domain.tiers import TIER_NAMES, TIER_NEW, TIER_PROMISE
from leaddesk.core.domain.windows import next_open, zones_or_rep
from leaddesk.core.reads.handoffs import is_handoff, owners
from leaddesk.core.reads.queue.reasons import handoff_why, why_now
from leaddesk.core.reads.scope import scope_for
from leaddesk.core.store.sql import current, from_ms, in_list

DUE, LATER = "due", "later"


class QueueRow(Frozen):
    """One row of the queue (a plain class, not a dataclass: `domain.record`)."""

    __slots__ = (  # noqa: RUF023 (the field order: repr, positional arguments)
        "lead_id", "name", "company", "tier", "section", "due_at", "channel", "callable",
        "reason", "attempts", "step", "steps", "status", "opens_at", "waited_minutes", "heat",
        "zone", "blocked_by", "handoff_from",
    )  # fmt: skip
    lead_id: int
    name: str
    company: str
    tier: str
    section: str  # due | later
    due_at: DateTime
    channel: str
    callable: bool  # a call is allowed right now
    reason: str
    attempts: int  # every attempt so far
    step: int  # the cadence step due (0-based); == steps when the cadence is done
    steps: int
    status: str
    opens_at: DateTime | None  # when the calling window opens (later section)
    waited_minutes: int | None  # new leads: time since received
    heat: str  # hot | warm | cold for new leads, "" otherwise
    zone: str  # the lead's zone (or the rep's)
    # Why a call may not be placed now: a jurisdiction's rule id ("US-FL"), or
    # "company-hours"; None when nothing blocks it (domain/hours.blocked_by).
    blocked_by: str | None
    # Team mode: the owner this lead is handed off from ("" when it is no hand-off);
    # the row marks it ("↪ ana"), the reason says why.
    handoff_from: str

    def __init__(
        self,
        lead_id: int,
        name: str,
        company: str,
        tier: str,
        section: str,
        due_at: DateTime,
        channel: str,
        callable: bool,
        reason: str,
        attempts: int,
        step: int,
        steps: int,
        status: str,
        opens_at: DateTime | None,
        waited_minutes: int | None,
        heat: str,
        zone: str,
        blocked_by: str | None = None,
        handoff_from: str = "",
    ) -> None:
        self._set(
            lead_id=lead_id, name=name, company=company, tier=tier, section=section,
            due_at=due_at, channel=channel, callable=callable, reason=reason,
            attempts=attempts, step=step, steps=steps, status=status, opens_at=opens_at,
            waited_minutes=waited_minutes, heat=heat, zone=zone, blocked_by=blocked_by,
            handoff_from=handoff_from,
        )  # fmt: skip


# The desk's DUE / LATER / tomorrow counts stop at this many rows (issue 15): each
# count stops in the index, so it costs the same at 1k or 1M leads. A count that
# reached it is shown as "1,000+" (`domain.text.count_text`), never as an exact number.
COUNT_CAP = 1000


class QueueCounts(Frozen):
    """Each count is exact below `cap`; at it, the section holds that many or more.
    (A plain class: `domain.record`.)"""

    __slots__ = ("due", "later", "tomorrow", "cap")  # noqa: RUF023 (field order)
    due: int
    later: int
    tomorrow: int  # calls due whose window opens only after the rep's midnight
    cap: int | None  # None: counted in full

    def __init__(self, due: int, later: int, tomorrow: int = 0, cap: int | None = None) -> None:
        self._set(due=due, later=later, tomorrow=tomorrow, cap=cap)

    def _values(self) -> tuple[int, ...]:
        # `cap` is not compared: equal counts are equal, however counted.
        return (self.due, self.later, self.tomorrow)

    @property
    def capped(self) -> tuple[bool, bool, bool]:
        """Whether DUE, LATER, tomorrow stopped at the cap (show "1,000+", `count_text`)."""

        def at_cap(n: int) -> bool:
            return self.cap is not None and n >= self.cap

        return (at_cap(self.due), at_cap(self.later), at_cap(self.tomorrow))


def zones_of(key: str) -> tuple[str, ...]:
    """The zones of a window key ("America/New_York|US US-FL" -> the zone)."""
    return split_key(key)[0] if key else ()


def places_of(key: str) -> tuple[str, ...]:
    """The jurisdictions of a window key ("America/New_York|US US-FL" -> US, US-FL)."""
    return split_key(key)[1] if key else ()


def zone_key(zones: Sequence[str], places: tuple[str, ...] = ()) -> str:
    return window_key(list(zones), places)


def _promises(lead_ids: list[int]) -> dict[int, tuple[str, DateTime]]:
    if not lead_ids:
        return {}
    earliest: dict[int, tuple[str, int]] = {}
    # Each lead's earliest open promise, picked here rather than by ORDER BY: with an
    # ORDER BY, SQLite may walk every open promise in `appointment_done_at` order
    # instead of these leads' few (36 ms against 0.3 ms on a 1M store whose
    # statistics PRAGMA optimize had sampled). Written out, as `due_rows` is, and only
    # each lead's earliest made an instant (50 promised leads on a 1M store's page:
    # 0.55 ms of the page's 2.5 when every row was one, against 0.06).
    db = current()
    sql = (
        'SELECT "lead_id", "kind", "at" FROM "appointment"'
        f' WHERE "lead_id" IN {in_list(db.param, len(lead_ids))} AND "done" = {db.param}'
    )
    for lead_id, kind, at in db.execute_sql(sql, [*lead_ids, False]).fetchall():
        if lead_id not in earliest or at < earliest[lead_id][1]:
            earliest[lead_id] = (kind, at)
    return {lead_id: (kind, from_ms(at)) for lead_id, (kind, at) in earliest.items()}


def queue_rows(
    rows: Sequence[tuple[Any, ...]],
    section: str,
    now: DateTime,
    settings: Settings,
    open_keys: list[str],
) -> list[QueueRow]:
    """`rows` (the `where.COLUMNS`, instants as DateTime) as QueueRows of `section`."""
    promise_ids = [r[0] for r in rows if r[3] == TIER_PROMISE]
    promises = _promises(promise_ids)
    scope = scope_for(settings)
    names = owners((r[13] for r in rows if is_handoff(r[13], scope)), now, scope)
    open_set = set(open_keys)
    opening: dict[tuple[str, DateTime], DateTime] = {}
    blocking: dict[tuple[str, DateTime, str], str | None] = {}
    result = []
    for (
        lead_id, name, company, priority, due_at, channel, zones_key,
        attempts, status, cadence, received_at, last_touch_at, step, owner,
    ) in rows:  # fmt: skip
        zones = zones_of(zones_key)
        zone = zones_or_rep(zones, settings)[0]
        is_call = channel == "call"
        can_call = is_call and zones_key in open_set and due_at <= now
        opens_at = blocked = None
        if is_call and not can_call:
            start = max(due_at, now)
            # Overdue rows share `start == now`: one window search per zone set.
            key = (zones_key, start)
            if key not in opening:
                rules = settings.compliance.book.for_places(places_of(zones_key))
                opening[key] = next_open(start, zones, settings, rules=rules)
            opens_at = opening[key] if opening[key] > start else None
            if (zones_key, start, "why") not in blocking:
                why = blocked_by(start, zones, places_of(zones_key), settings)
                blocking[(zones_key, start, "why")] = why
            blocked = blocking[(zones_key, start, "why")]
        waited = minutes_between(received_at, now) if priority == TIER_NEW else None
        steps = len(settings.cadence(cadence).steps)
        promise = promises.get(lead_id)
        handed = ""
        if owner in names:
            owner_name, away = names[owner]
            handed = owner_name
            late = minutes_between(due_at, now)
            kind = promise[0] if promise else None
            reason = handoff_why(priority, owner_name, away, waited or 0, late, kind)
        else:
            reason = why_now(
                priority, status, channel, step, steps, due_at, now, zone, waited,
                promise, last_touch_at, opens_at, name,
            )  # fmt: skip
        result.append(
            QueueRow(
                lead_id=lead_id,
                name=name,
                company=company,
                tier=TIER_NAMES[priority],
                section=section,
                due_at=due_at,
                channel=channel,
                callable=can_call,
                reason=reason,
                attempts=attempts,
                step=step,
                steps=steps,
                status=status,
                opens_at=opens_at,
                waited_minutes=waited,
                heat=waiting_heat(waited, settings) if waited is not None else "",
                zone=zone,
                blocked_by=blocked,
                handoff_from=handed,
            )
        )
    return result
