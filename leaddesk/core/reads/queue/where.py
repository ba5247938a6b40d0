"""Which leads are in which section, as peewee expressions over the `lead` table
(for the desk's `locate` and the writers; the queue's own read is written SQL).

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

from leaddesk.core.domain.tiers import TIER_NEW

# Re-exported: the desk's and the writers' callers take them from here.
from leaddesk.core.reads.queue.keys import end_of_rep_day as end_of_rep_day
from leaddesk.core.reads.queue.keys import key_opens as key_opens
from leaddesk.core.reads.queue.keys import new_lead_cut as new_lead_cut
from leaddesk.core.reads.queue.keys import open_zone_keys as open_zone_keys
from leaddesk.core.reads.queue.keys import opening_today_keys as opening_today_keys
from leaddesk.core.reads.queue.keys import shut_today_keys as shut_today_keys
from leaddesk.core.reads.queue.keys import zone_set_keys as zone_set_keys
from leaddesk.core.reads.scope import Scope
from leaddesk.core.reads.scope_where import scope_where
from leaddesk.core.store.db import database
from leaddesk.core.store.models import Lead

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


# The DUE page as peewee builds it: the reference the written SQL of `due.due_rows`
# is checked against, row for row (tests/core/reads/test_queue.py).
BANDS = 4
_ORDER = ("priority", "next_due_at", "id")


def _band_where(band: int, cut: DateTime) -> pw.Expression:
    if band == 0:
        return Lead.priority < TIER_NEW
    if band == 1:
        return (Lead.priority == TIER_NEW) & (Lead.next_due_at >= cut)
    if band == 2:
        return (Lead.priority == TIER_NEW) & (Lead.next_due_at < cut)
    return Lead.priority > TIER_NEW


def due_query(
    now: DateTime,
    open_keys: list[str],
    cut: DateTime,
    offset: int,
    limit: int,
    scope: Scope | None = None,
) -> pw.SelectBase:
    """The DUE page (rows offset … offset + limit) as peewee builds it; `due_rows` is
    the same SQL written out. `cut`: `new_lead_cut(now, settings)`. Its rows are
    raw (instants in ms, the band last): `_converted` makes them `due_rows` rows.
    `scope`: one rep's queue (team mode); None is every lead."""
    where = due_where(now, open_keys)
    if scope is not None:
        where &= scope_where(scope, now)
    query: pw.SelectBase | None = None
    for band in range(BANDS):
        inner = (
            Lead.select(*COLUMNS, pw.SQL(f'{band} AS "band"'))
            .where(where & _band_where(band, cut))
            .order_by(Lead.priority, Lead.next_due_at, Lead.id)
            .limit(offset + limit)
        )
        part = pw.Select([inner.alias(f"b{band}")], [pw.SQL("*")])
        query = part if query is None else query.union_all(part)
    assert query is not None
    order = [pw.SQL(f'"{c}"') for c in ("band", *_ORDER)]
    return query.order_by(*order).limit(limit).offset(offset).bind(database)
