"""Which leads are in which section, as peewee expressions over the `lead` table.

DUE: queued, due by now, and actionable now (a call whose calling window is
open, or an email or letter step). LATER: calls due whose window is closed but
opens before the rep's midnight, and anything due later in the rep's day; a
window that opens tomorrow is tomorrow's work ("tomorrow: N"), not today's.
A lead's window is known by its zone set (`Lead.call_zones`), so "open now" is
one IN over the open zone sets.
"""

from __future__ import annotations

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import next_open, window_open
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.reads.scope import Scope, scope_where
from leaddesk.core.store.db import database
from leaddesk.core.store.models import Lead, ZoneSet

# The raw columns of a queue row, in the order `rows.queue_rows` unpacks them.
COLUMNS = (
    Lead.id,
    Lead.name,
    Lead.company,
    Lead.priority,
    Lead.next_due_at,
    Lead.next_channel,
    Lead.call_zones,
    Lead.attempts,
    Lead.status,
    Lead.cadence,
    Lead.received_at,
    Lead.last_touch_at,
    Lead.cadence_step,
    Lead.owner,  # another rep's lead in this rep's queue is a hand-off (its reason says so)
)


def zone_set_keys() -> list[str]:
    """Every window key in the store (one small read; a caller needing them for
    several section reads reads them once and passes them on)."""
    # Fetched as plain rows: peewee's row wrapping cost ~1 µs a key, a few hundred keys.
    sql = f'SELECT "key" FROM "{ZoneSet._meta.table_name}"'
    return [key for (key,) in database.obj.execute_sql(sql).fetchall()]


def key_opens(now: DateTime, key: str, settings: Settings) -> DateTime:
    """When a window key's calling window opens next (now, when open)."""
    rules = settings.compliance.book.for_places(places_of(key))
    return next_open(now, zones_of(key), settings, rules=rules)


def open_zone_keys(now: DateTime, settings: Settings, known: list[str] | None = None) -> list[str]:
    """The window keys (zones and jurisdictions) whose calling window is open at `now`.

    Most places have no rule of their own (New York and Pennsylvania share the
    federal one), so the window is decided once per zones and rules in force.
    """
    book, decided, found = settings.compliance.book, {}, []
    for key in zone_set_keys() if known is None else known:
        zones, rules = zones_of(key), book.for_places(places_of(key))
        what = (zones, tuple(r.id for r in rules))
        if what not in decided:
            decided[what] = window_open(now, zones, settings, rules=rules)
        if decided[what]:
            found.append(key)
    return found


def opening_today_keys(
    now: DateTime, settings: Settings, open_keys: list[str], known: list[str] | None = None
) -> list[str]:
    """The closed window keys whose calling window opens before the rep's midnight
    (`known`: `zone_set_keys()` when the caller has read them)."""
    end = end_of_rep_day(now, settings)
    shut, book = set(open_keys), settings.compliance.book
    decided: dict[tuple[tuple[str, ...], tuple[str, ...]], bool] = {}
    found = []
    for key in zone_set_keys() if known is None else known:
        if key in shut:
            continue
        # as in open_zone_keys: one window search per zones and rules in force
        zones, rules = zones_of(key), book.for_places(places_of(key))
        what = (zones, tuple(r.id for r in rules))
        if what not in decided:
            decided[what] = next_open(now, zones, settings, rules=rules) < end
        if decided[what]:
            found.append(key)
    return found


def end_of_rep_day(now: DateTime, settings: Settings) -> DateTime:
    """The next midnight in the rep's zone: an exclusive bound.

    (`end_of("day")` is 23:59:59.999999, which rounds up to midnight when
    stored as milliseconds.)
    """
    today = now.in_timezone(tz(settings.rep_timezone)).start_of("day")
    return today.add(days=1).in_timezone("UTC")


def new_lead_cut(now: DateTime, settings: Settings) -> DateTime:
    """New leads due at or after this instant are inside their first hour."""
    return now.subtract(minutes=settings.rules.new_lead_cold_minutes)


def _queued() -> pw.Expression:
    return Lead.priority.is_null(False)


def _callable_now(open_keys: list[str]) -> pw.Expression:
    is_call = Lead.next_channel == "call"
    if not open_keys:
        return is_call & (Lead.id < 0)  # no zone open: nothing callable
    return is_call & Lead.call_zones.in_(open_keys)


def due_where(now: DateTime, open_keys: list[str]) -> pw.Expression:
    return (
        _queued()
        & (Lead.next_due_at <= now)
        & (_callable_now(open_keys) | Lead.next_channel.in_(["email", "letter"]))
    )


def _closed_calls(now: DateTime, keys: list[str]) -> pw.Expression:
    """Calls due by now whose zone set is one of `keys`."""
    calls = (Lead.next_due_at <= now) & (Lead.next_channel == "call")
    return calls & Lead.call_zones.in_(keys) if keys else calls & (Lead.id < 0)


def later_where(
    now: DateTime,
    end_of_day: DateTime,
    opening_keys: list[str],
    scope: Scope | None = None,
) -> pw.Expression:
    """LATER TODAY; `opening_keys` are the closed zone sets that open before `end_of_day`."""
    closed = _closed_calls(now, opening_keys)
    upcoming = (Lead.next_due_at > now) & (Lead.next_due_at < end_of_day)
    where = _queued() & (closed | upcoming)
    # Hand-offs are offered where they can be called now (DUE), not as later work.
    return where & scope_where(scope, now, handoffs=False) if scope is not None else where


def shut_today_keys(
    open_keys: list[str], opening_keys: list[str], known: list[str] | None = None
) -> list[str]:
    """The window keys neither open now nor opening before the rep's midnight."""
    today = set(open_keys) | set(opening_keys)
    return [k for k in (zone_set_keys() if known is None else known) if k not in today]


def tomorrow_where(
    now: DateTime, shut_keys: list[str], scope: Scope | None = None
) -> pw.Expression:
    """Calls due by now whose window stays closed until after the rep's midnight.

    IN the few keys that stay shut, not NOT IN the many open ones: the scan of due
    calls can stop at a count's cap only when matches are what it looks for.
    """
    calls = _queued() & (Lead.next_due_at <= now) & (Lead.next_channel == "call")
    where = calls & Lead.call_zones.in_(shut_keys) if shut_keys else calls & (Lead.id < 0)
    return where & scope_where(scope, now, handoffs=False) if scope is not None else where
