"""Which window keys are open now, and the queue's instants (the rep's midnight, the
new-lead cut): decided in Python, then handed to the queue's SQL as parameters.

A lead's window is known by its zone set (`lead.call_zones`, one of the few rows of
`zone_set`), so "open now" is one IN over the open zone sets. No peewee here: the
queue's read runs without it (store/sql.py).
"""

from __future__ import annotations

from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.tz import tz
from leaddesk.core.domain.windows import next_open, window_open
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.store.sql import current, from_ms

# The raw columns of a queue row, in the order `rows.queue_rows` unpacks them
# (`where.COLUMNS` are the same, as peewee fields). `owner_id`: another rep's lead in
# this rep's queue is a hand-off (its reason says so).
COLUMN_NAMES = (
    "id", "name", "company", "priority", "next_due_at", "next_channel", "call_zones",
    "attempts", "status", "cadence", "received_at", "last_touch_at", "cadence_step",
    "owner_id",
)  # fmt: skip
COLUMNS_SQL = ", ".join(f'"lead"."{c}"' for c in COLUMN_NAMES)


def converted(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A raw row of `COLUMN_NAMES` with its instants as DateTime (a 15th column, the
    band of `where.due_query`, is dropped)."""
    # Columns 4, 10, 11 are instants (next_due_at, received_at, last_touch_at).
    values = list(row[: len(COLUMN_NAMES)])
    values[4] = from_ms(values[4])
    values[10] = from_ms(values[10])
    if values[11] is not None:
        values[11] = from_ms(values[11])
    return tuple(values)


def zone_set_keys() -> list[str]:
    """Every window key in the store (one small read; a caller needing them for
    several section reads reads them once and passes them on)."""
    return [key for (key,) in current().execute_sql('SELECT "key" FROM "zone_set"').fetchall()]


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


def shut_today_keys(
    open_keys: list[str], opening_keys: list[str], known: list[str] | None = None
) -> list[str]:
    """The window keys neither open now nor opening before the rep's midnight."""
    today = set(open_keys) | set(opening_keys)
    return [k for k in (zone_set_keys() if known is None else known) if k not in today]


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
