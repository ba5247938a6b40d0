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
from dataclasses import dataclass
from typing import Any

import peewee as pw
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
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.windows import zones_or_rep
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.store.db import to_ms, tuples
from leaddesk.core.store.models import Lead, Phone, Suppression, Touch

JurisdictionCaps = Callable[[str], Sequence[Cap]]  # a number -> its rule packs' caps


def no_jurisdiction_caps(number: str) -> Sequence[Cap]:
    return ()


@dataclass(frozen=True)
class Listed:
    """An active suppression of a number or address."""

    value: str
    source: str  # lead | manual | registry
    added_at: DateTime
    lead_id: int | None
    added_by: str


def current_numbers(lead_ids: Iterable[int]) -> dict[int, str]:
    """Each lead's number a call would dial: its first good phone."""
    found: dict[int, str] = {}
    ids = list(lead_ids)
    for chunk in pw.chunked(ids, 500):
        rows = tuples(
            Phone.select(Phone.lead, Phone.e164)
            .where(Phone.lead.in_(chunk) & (Phone.bad == False) & (Phone.e164 != ""))  # noqa: E712
            .order_by(Phone.lead, Phone.position)
        )
        for lead_id, e164 in rows:
            found.setdefault(lead_id, e164)
    return found


def listed(values: Iterable[str]) -> dict[str, list[Listed]]:
    """The active suppressions of `values` (numbers or addresses)."""
    found: dict[str, list[Listed]] = {}
    for chunk in pw.chunked(sorted(set(values)), 500):
        rows = tuples(
            Suppression.select(
                Suppression.value, Suppression.source, Suppression.added_at,
                Suppression.lead_id, Suppression.added_by,
            ).where(Suppression.value.in_(chunk) & Suppression.removed_at.is_null())
            .order_by(Suppression.added_at, Suppression.id)
        )  # fmt: skip
        for row in rows:
            found.setdefault(row[0], []).append(Listed(*row))
    return found


def _calls_by(
    column: pw.Field,
    keys: Iterable[Any],
    now: DateTime,
    hours: int,
    extra: pw.Expression | None = None,
) -> dict[Any, list[DateTime]]:
    """Call touches in (now - hours, now] grouped by `column`'s value among `keys`."""
    since = to_ms(now) - hours * 3600 * 1000
    found: dict[Any, list[DateTime]] = {}
    for chunk in pw.chunked(sorted(set(keys)), 500):
        where = column.in_(chunk) & (Touch.at > since) & (Touch.at <= now)
        where &= Touch.channel == "call"
        if extra is not None:
            where &= extra
        rows = tuples(Touch.select(column, Touch.at).where(where))
        for key, at in rows:
            found.setdefault(key, []).append(at)
    return found


def number_calls(
    numbers: Iterable[str], now: DateTime, hours: int = 24
) -> dict[str, list[DateTime]]:
    """Calls to each number in (now - hours, now], by any lead and rep (touch(phone, at))."""
    return _calls_by(Touch.phone, numbers, now, hours)


def lead_calls(
    lead_ids: Iterable[int], now: DateTime, hours: int = 24
) -> dict[int, list[DateTime]]:
    """The leads' own calls in (now - hours, now], as the per-lead attempt cap counts them."""
    attempts = Touch.outcome.not_in(NOT_A_CALL_TO_THE_LEAD)
    return _calls_by(Touch.lead, lead_ids, now, hours, attempts)


def exempt_leads(lead_ids: list[int], now: DateTime) -> set[int]:
    """Leads an established business relationship exempts from the registry at `now`."""
    if not lead_ids:
        return set()
    sales: dict[int, DateTime] = dict(
        tuples(
            Touch.select(Touch.lead, pw.fn.MAX(Touch.at))
            .where(Touch.lead.in_(lead_ids) & (Touch.outcome == "won") & (Touch.at <= now))
            .group_by(Touch.lead)
        )
    )
    exempt = set()
    rows = Lead.select(Lead.id, Lead.source, Lead.tags, Lead.received_at)
    for lead_id, source, tags, received_at in tuples(rows.where(Lead.id.in_(lead_ids))):
        enquiry = received_at if is_enquiry(source, tags) else None
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
    zones: dict[int, str] = dict(
        tuples(Lead.select(Lead.id, Lead.call_zones).where(Lead.id.in_(list(numbers))))
    )
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
