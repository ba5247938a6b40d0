"""`leaddesk audit`: every call touch with what allowed it, and the three counts that
must be 0 (issue 13, point 7).

The rows are read in pages of PAGE by key (at, id), so a million touches stream
through in constant memory on both engines (a plain psycopg2 cursor would fetch
the whole result at once). The audit trusts nothing the write path recorded
where it can recount: the calls to the number in the previous 24 h and the
suppression at the time are counted again in SQL from the touches and the lists
themselves, so a touch written around `log_outcome` is caught. A do-not-call request
is recorded as a call-channel touch but is no call (it may come at any hour): it is
left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.caps import company_caps
from leaddesk.core.domain.hours import NEVER_REFUSED
from leaddesk.core.domain.lead_state import NOT_A_CALL_TO_THE_LEAD
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.queue.blocked import exempt_leads
from leaddesk.core.store.db import from_ms, to_ms, tuples
from leaddesk.core.store.models import Rep, Suppression, Touch

PAGE = 2_000
DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class AuditRow:
    touch_id: int
    lead_id: int
    at: DateTime  # UTC
    lead_local: str  # the lead's local time, as the touch recorded it
    phone: str  # the number called, E.164
    rep: str
    outcome: str
    rules: list[str]  # the jurisdictions whose rules allowed it ("US", "US-FL")
    rules_version: str  # the packs' versions ("us@2026.12.1,ca@2026.12.1")
    outside_hours: bool  # logged outside the window by confirming it (the override)
    in_window: bool | None  # None: not recorded (touches older than migration 0008)
    calls_24h: int  # calls to the number in the 24 h before, recounted
    lead_calls_24h: int  # the lead record's own calls in the 24 h before (caps per lead)
    scrub_age_days: int | None  # the registry scrub's age at the call (None: no scrub yet)
    over_cap: bool  # the number (or, for a cap per lead, the lead) had reached a cap already
    suppressed: bool  # the number was on a do-not-call list at the time


@dataclass
class AuditSummary:
    calls: int = 0
    outside_any_window: int = 0  # outside the window WITHOUT the override flag
    over_a_cap: int = 0
    to_a_suppressed_number: int = 0

    def add(self, row: AuditRow) -> None:
        self.calls += 1
        self.outside_any_window += row.in_window is False and not row.outside_hours
        self.over_a_cap += row.over_cap
        self.to_a_suppressed_number += row.suppressed


def _query(since: DateTime | None, until: DateTime | None) -> pw.ModelSelect[Touch]:
    before, lists = Touch.alias(), Suppression.alias()
    earlier = (before.at < Touch.at) | ((before.at == Touch.at) & (before.id < Touch.id))
    recent = (before.channel == "call") & (before.at > Touch.at - DAY_MS) & earlier
    # `before.phone <> ''` lets SQLite count through the partial touch(phone, at)
    # (migration 0027): the outer row's own `phone <> ''` does not reach it.
    dialled = (before.phone == Touch.phone) & (before.phone != "")
    recount = before.select(pw.fn.COUNT(before.id)).where(dialled & recent)
    # As `blocked.lead_calls` counts them for a cap per lead record.
    own = before.select(pw.fn.COUNT(before.id)).where(
        (before.lead == Touch.lead) & recent & before.outcome.not_in(NOT_A_CALL_TO_THE_LEAD)
    )
    scrub = Suppression.select(pw.fn.MAX(Suppression.added_at)).where(
        (Suppression.source == "registry") & (Suppression.added_at <= Touch.at)
    )

    def on_list(registry: bool) -> pw.Function:
        # Strictly before the call: a `d` outcome lists its number at its own instant.
        active = (lists.added_at < Touch.at) & (
            lists.removed_at.is_null() | (lists.removed_at > Touch.at)
        )
        source = (lists.source == "registry") if registry else (lists.source != "registry")
        return pw.fn.EXISTS(
            lists.select(lists.id).where((lists.value == Touch.phone) & active & source)
        )

    where = (Touch.channel == "call") & (Touch.phone != "")
    where &= Touch.outcome.not_in(sorted(NEVER_REFUSED))
    if since is not None:
        where &= Touch.at >= since
    if until is not None:
        where &= Touch.at < until
    return (
        Touch.select(
            Touch.id, Touch.lead, Touch.at, Touch.lead_local, Touch.phone,
            pw.fn.COALESCE(Rep.name, ""), Touch.outcome, Touch.rules, Touch.rules_version,
            Touch.outside_hours, Touch.in_window, recount, own, scrub,
            on_list(registry=False), on_list(registry=True),
        ).join(Rep, pw.JOIN.LEFT_OUTER, on=(Touch.rep == Rep.id))
        .where(where).order_by(Touch.at, Touch.id).limit(PAGE)
    )  # fmt: skip


Caps = tuple[int | None, int | None]  # the strictest cap per number, per lead record
CapCache = dict[tuple[str, date], Caps]


def _caps(rules: str, day: date, settings: Settings, cache: CapCache) -> Caps:
    """The strictest caps that applied to a call under `rules` on `day` (a rule's
    effective dates decide), counted per number and per lead record."""
    if (rules, day) not in cache:
        ids = set(rules.split(",")) if rules else set()
        found = [
            (r.cap, r.per == "number")
            for r in settings.compliance.book.rules
            if r.id in ids and r.cap and r.in_force(day)
        ]
        found += [(c.calls, c.per_number) for c in company_caps(settings)]
        cache[rules, day] = (
            min((cap for cap, per_number in found if per_number), default=None),
            min((cap for cap, per_number in found if not per_number), default=None),
        )
    return cache[rules, day]


def _reached(cap: int | None, calls: int) -> bool:
    return cap is not None and calls >= cap


def audit_rows(
    settings: Settings, since: DateTime | None = None, until: DateTime | None = None
) -> Iterator[AuditRow]:
    """Every call touch in [since, until), oldest first, one page in memory at a time."""
    caps: CapCache = {}
    after: tuple[int, int] | None = None
    while True:
        query = _query(since, until)
        if after is not None:
            at, last = after
            # The range on `at` alone lets the index on touch(at) seek to the page.
            query = query.where((Touch.at >= at) & ((Touch.at > at) | (Touch.id > last)))
        rows = list(tuples(query))
        for row in rows:
            yield _row(row, settings, caps)
        if len(rows) < PAGE:
            return
        after = (to_ms(rows[-1][2]), rows[-1][0])


def _row(row: tuple[Any, ...], settings: Settings, caps: CapCache) -> AuditRow:
    (touch_id, lead_id, at, local, phone, rep, outcome, rules, version) = row[:9]
    (outside, in_window, recent, own, scrub, listed, registry) = row[9:]
    if scrub is not None and not isinstance(scrub, DateTime):
        scrub = from_ms(int(scrub))  # a subquery's MAX is not converted by the field
    # A registry listing yields to an established business relationship; a lead's own
    # request or a manual entry never does. Rare rows: asked one at a time.
    suppressed = bool(listed) or (bool(registry) and lead_id not in exempt_leads([lead_id], at))
    per_number, per_lead = _caps(rules, at.date(), settings, caps)
    return AuditRow(
        touch_id=touch_id,
        lead_id=lead_id,
        at=at,
        lead_local=local,
        phone=phone,
        rep=rep,
        outcome=outcome,
        rules=[r for r in rules.split(",") if r],
        rules_version=version,
        outside_hours=bool(outside),
        in_window=None if in_window is None else bool(in_window),
        calls_24h=int(recent),
        lead_calls_24h=int(own),
        scrub_age_days=None if scrub is None else (at - scrub).in_days(),
        over_cap=_reached(per_number, int(recent)) or _reached(per_lead, int(own)),
        suppressed=suppressed,
    )
