"""`blocked_by`: why a lead may not be called now — a suppressed number, or a cap on
calls to its number — read for many leads at once (a page of `due --json`), or
for one (dial, log). Four small queries whatever the number of leads; the rules
themselves are `domain.caps` (pure).

The queue itself never needs this to stay correct: a call that takes a number
to its cap holds back every lead carrying it (`writes.holds`), and a suppression
takes its leads off the phone (`writes.suppressions`). This is the check at
the moment of a call, and the audit of what the queue offers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.caps import (
    COMPANY_CAP,
    Block,
    Cap,
    cap_blocks,
    company_caps,
    dnc_block,
    first_block,
    rule_caps,
)
from leaddesk.core.domain.exemptions import is_enquiry, registry_exemption
from leaddesk.core.domain.lead_state import NOT_A_CALL_TO_THE_LEAD
from leaddesk.core.domain.record import Frozen
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.windows import zones_or_rep
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.store.sql import chunked, current, from_ms, in_list, to_ms

JurisdictionCaps = Callable[[str], Sequence[Cap]]  # a number -> its rule packs' caps


def no_jurisdiction_caps(number: str) -> Sequence[Cap]:
    return ()


class Listed(Frozen):
    """An active suppression of a number or address (a plain class: `domain.record`)."""

    __slots__ = ("value", "source", "added_at", "lead_id", "added_by")  # noqa: RUF023 (field order)
    value: str
    source: str  # lead | manual | registry
    added_at: DateTime
    lead_id: int | None
    added_by: str

    def __init__(
        self, value: str, source: str, added_at: DateTime, lead_id: int | None, added_by: str
    ) -> None:
        self._set(value=value, source=source, added_at=added_at, lead_id=lead_id, added_by=added_by)


def current_numbers(lead_ids: Iterable[int]) -> dict[int, str]:
    """Each lead's number a call would dial: its first good phone."""
    found: dict[int, str] = {}
    db = current()
    for chunk in chunked(list(lead_ids), 500):
        ids = in_list(db.param, len(chunk))
        sql = (
            f'SELECT "lead_id", "e164" FROM "phone" WHERE "lead_id" IN {ids}'
            f' AND "bad" = {db.param} AND "e164" != {db.param} ORDER BY "lead_id", "position"'
        )
        for lead_id, e164 in db.execute_sql(sql, [*chunk, False, ""]).fetchall():
            found.setdefault(lead_id, e164)
    return found


def listed(values: Iterable[str]) -> dict[str, list[Listed]]:
    """The active suppressions of `values` (numbers or addresses)."""
    found: dict[str, list[Listed]] = {}
    db = current()
    for chunk in chunked(sorted(set(values)), 500):
        sql = (
            'SELECT "value", "source", "added_at", "lead_id", "added_by" FROM "suppression"'
            f' WHERE "value" IN {in_list(db.param, len(chunk))} AND "removed_at" IS NULL'
            ' ORDER BY "added_at", "id"'
        )
        for value, source, added_at, lead_id, added_by in db.execute_sql(sql, chunk).fetchall():
            entry = Listed(value, source, from_ms(added_at), lead_id, added_by)
            found.setdefault(value, []).append(entry)
    return found


def _calls_by(
    column: str,
    keys: Iterable[Any],
    now: DateTime,
    hours: int,
    not_outcomes: Sequence[str] = (),
) -> dict[Any, list[DateTime]]:
    """Call touches in (now - hours, now] grouped by `column`'s value among `keys`
    (touches with an outcome in `not_outcomes` left out)."""
    since = to_ms(now) - hours * 3600 * 1000
    found: dict[Any, list[DateTime]] = {}
    db = current()
    p = db.param
    for chunk in chunked(sorted(set(keys)), 500):
        sql = (
            f'SELECT "{column}", "at" FROM "touch" WHERE "{column}" IN {in_list(p, len(chunk))}'
            f' AND "at" > {p} AND "at" <= {p} AND "channel" = {p}'
        )
        params = [*chunk, since, to_ms(now), "call"]
        if column == "phone":
            # touch(phone, at) holds dialled numbers only (migration 0027); SQLite
            # uses a partial index only when the WHERE states its condition, which
            # `phone IN (…)` does not: https://www.sqlite.org/partialindex.html (3.)
            sql += """ AND "phone" <> ''"""
        if not_outcomes:
            sql += f' AND "outcome" NOT IN {in_list(p, len(not_outcomes))}'
            params += not_outcomes
        for key, at in db.execute_sql(sql, params).fetchall():
            found.setdefault(key, []).append(from_ms(at))
    return found


def number_calls(
    numbers: Iterable[str], now: DateTime, hours: int = 24
) -> dict[str, list[DateTime]]:
    """Calls to each number in (now - hours, now], by any lead and rep (touch(phone, at))."""
    return _calls_by("phone", numbers, now, hours)


def lead_calls(
    lead_ids: Iterable[int], now: DateTime, hours: int = 24
) -> dict[int, list[DateTime]]:
    """The leads' own calls in (now - hours, now], as the per-lead attempt cap counts them."""
    return _calls_by("lead_id", lead_ids, now, hours, NOT_A_CALL_TO_THE_LEAD)


def exempt_leads(lead_ids: list[int], now: DateTime) -> set[int]:
    """Leads an established business relationship exempts from the registry at `now`."""
    if not lead_ids:
        return set()
    db = current()
    ids = in_list(db.param, len(lead_ids))
    won = (
        f'SELECT "lead_id", MAX("at") FROM "touch" WHERE "lead_id" IN {ids}'
        f' AND "outcome" = {db.param} AND "at" <= {db.param} GROUP BY "lead_id"'
    )
    sales: dict[int, DateTime] = {
        lead_id: from_ms(at)
        for lead_id, at in db.execute_sql(won, [*lead_ids, "won", to_ms(now)]).fetchall()
    }
    exempt = set()
    leads = f'SELECT "id", "source", "tags", "received_at" FROM "lead" WHERE "id" IN {ids}'
    for lead_id, source, tags, received_at in db.execute_sql(leads, lead_ids).fetchall():
        enquiry = from_ms(received_at) if is_enquiry(source, tags) else None
        sale = sales.get(lead_id)
        if registry_exemption(sale, enquiry, now) is not None:
            exempt.add(lead_id)
    return exempt


def blocked_by(
    lead_ids: Sequence[int],
    now: DateTime,
    settings: Settings,
    jurisdiction_caps: JurisdictionCaps = no_jurisdiction_caps,
) -> dict[int, Block]:
    """The first reason each lead may not be called at `now` (leads absent: nothing blocks)."""
    numbers = current_numbers(lead_ids)
    if not numbers:
        return {}
    db = current()
    sql = f'SELECT "id", "call_zones" FROM "lead" WHERE "id" IN {in_list(db.param, len(numbers))}'
    zones: dict[int, str] = dict(db.execute_sql(sql, list(numbers)).fetchall())
    lists = listed(numbers.values())
    on_registry = [
        i for i, n in numbers.items() if any(e.source == "registry" for e in lists.get(n, []))
    ]
    exempt = exempt_leads(on_registry, now)
    caps = {n: (*jurisdiction_caps(n), *company_caps(settings)) for n in set(numbers.values())}
    hours = max((c.per_hours for cs in caps.values() for c in cs), default=24)
    by_number = number_calls(numbers.values(), now, hours)
    per_lead = any(not c.per_number for cs in caps.values() for c in cs)
    by_lead = lead_calls(numbers, now, hours) if per_lead else {}
    found = {}
    for lead_id, number in numbers.items():
        zone = zones_or_rep(zones_of(zones.get(lead_id, "")), settings)[0]
        blocks = [
            dnc_block(number, e.source, e.added_at, e.lead_id, e.added_by, zone)
            for e in lists.get(number, [])
            if e.source != "registry" or lead_id not in exempt
        ][:1]
        blocks += cap_blocks(
            number,
            by_number.get(number, []),
            by_lead.get(lead_id, []),
            (*rule_caps(places_of(zones.get(lead_id, "")), settings, now.date()), *caps[number]),
            now,
            zone,
        )
        block = first_block(blocks)
        if block is not None:
            found[lead_id] = block
    return found


COMPANY_REASONS = ("company-hours", COMPANY_CAP)


def first_reason(window: str | None, block: Block | None) -> str | None:
    """One `blocked_by` for a row from its window's reason and its cap/list block.

    A jurisdiction's rule (window, then cap) is named before the company's own
    (issue 13 point 6); a do-not-call entry before the company's hours and cap.
    """
    reasons = [r for r in (window, block.reason if block else None) if r]
    if not reasons:
        return None

    def rank(reason: str) -> int:
        if reason == "dnc":
            return 2
        if reason in COMPANY_REASONS:
            return 3 + COMPANY_REASONS.index(reason)
        return 0 if reason == window else 1

    return min(reasons, key=rank)
