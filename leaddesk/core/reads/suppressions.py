"""The do-not-call and do-not-mail lists as `dnc list` shows them, and the scrub's age."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.store.db import from_ms, tuples
from leaddesk.core.store.models import Suppression

SCRUB_MAX_DAYS = 31  # a registry scrub older than this is flagged (issue 13, point 5)


@dataclass(frozen=True)
class ListEntry:
    value: str
    kind: str  # phone | email
    source: str  # lead | manual | registry
    reason: str
    added_at: DateTime
    added_by: str
    lead_id: int | None
    removed_at: DateTime | None
    removed_by: str


def list_entries(include_removed: bool = False, limit: int = 10_000) -> list[ListEntry]:
    """Newest first; registry rows are counted (`registry_size`), not listed."""
    where = Suppression.source != "registry"
    if not include_removed:
        where &= Suppression.removed_at.is_null()
    query = (
        Suppression.select(
            Suppression.value, Suppression.kind, Suppression.source, Suppression.reason,
            Suppression.added_at, Suppression.added_by, Suppression.lead_id,
            Suppression.removed_at, Suppression.removed_by,
        ).where(where).order_by(Suppression.added_at.desc(), Suppression.id.desc()).limit(limit)
    )  # fmt: skip
    return [ListEntry(*row) for row in tuples(query)]


def registry_size() -> int:
    """Distinct numbers on the registry lists imported and not lifted."""
    active = (Suppression.source == "registry") & Suppression.removed_at.is_null()
    count: int = (
        Suppression.select(pw.fn.COUNT(Suppression.value.distinct())).where(active).scalar()
    )
    return count or 0


def last_scrub() -> DateTime | None:
    """The as-of instant of the newest registry scrub imported (None: never)."""
    ms = (
        Suppression.select(pw.fn.MAX(Suppression.added_at))
        .where(Suppression.source == "registry")
        .scalar()
    )
    if ms is None or isinstance(ms, DateTime):  # peewee converts MAX(field) as the field
        return ms
    return from_ms(int(ms))


def scrub_warning(now: DateTime) -> str:
    """ "registry scrub 40 days old (over 31)" when the last scrub is stale; "" otherwise
    (also when no registry was ever imported: nothing to go stale)."""
    at = last_scrub()
    if at is None:
        return ""
    days = (now - at).in_days()
    return (
        f"registry scrub {days} days old (over {SCRUB_MAX_DAYS})" if days > SCRUB_MAX_DAYS else ""
    )
