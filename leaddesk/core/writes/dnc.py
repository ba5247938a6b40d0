"""`leaddesk dnc`: add, lift and import do-not-call entries, each one transaction that
also takes the leads carrying them off the phone (`outcomes.put_on_list`)."""

from __future__ import annotations

from collections.abc import Sequence

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.caps import list_warning
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.queue.blocked import exempt_leads
from leaddesk.core.store.batch import execute_many, insert_sql
from leaddesk.core.store.db import atomic_write, database, to_ms, tuples
from leaddesk.core.store.models import Phone, Suppression
from leaddesk.core.writes.outcomes import put_on_list
from leaddesk.core.writes.suppressions import SuppressResult, normalise_value, suppress


def add_suppression(
    text: str, now: DateTime, settings: Settings, reason: str = ""
) -> SuppressResult:
    """`leaddesk dnc add`: one transaction."""
    value, kind = normalise_value(text, settings)

    def write() -> SuppressResult:
        _, warning, leads = suppress(value, kind, "manual", now, settings, reason=reason)
        done = put_on_list(leads, kind, warning, now, settings)
        return SuppressResult(value, kind, len(done), warning)

    return atomic_write(write)


def remove_suppression(text: str, now: DateTime, settings: Settings) -> int:
    """`leaddesk dnc remove`: every active entry of the value, recorded as lifted by whom.

    Leads stay as they are: a lead's own do-not-call is cleared on the lead (`dnc-clear`).
    """
    value, _ = normalise_value(text, settings)

    def write() -> int:
        active = (Suppression.value == value) & Suppression.removed_at.is_null()
        if not Suppression.select().where(active).exists():
            raise InvalidInput(f"{value} is not on the do-not-call or do-not-mail list")
        changed: int = (
            Suppression.update(removed_at=now, removed_by=settings.rep_name).where(active).execute()
        )
        return changed

    return atomic_write(write)


def import_registry(
    numbers: Sequence[str], as_of: DateTime, now: DateTime, settings: Settings
) -> tuple[int, int]:
    """A registry scrub: every number in one bulk write, then the leads carrying them
    (less those exempt at `now`) off the phone — one transaction. (rows, leads)."""

    def write() -> tuple[int, int]:
        db = database.obj
        fields = ("value", "kind", "source", "reason", "added_at", "added_by", "removed_by")
        rows = [(n, "phone", "registry", "", to_ms(as_of), settings.rep_name, "") for n in numbers]
        execute_many(db, insert_sql(Suppression, fields, db), rows)
        found: set[int] = set()
        for chunk in pw.chunked(sorted(set(numbers)), 500):
            query = Phone.select(Phone.lead).where(Phone.e164.in_(chunk) & (Phone.bad == False))  # noqa: E712
            found.update(i for (i,) in tuples(query))
        leads = sorted(found - exempt_leads(sorted(found), now))
        warning = list_warning("registry", as_of, None, "", settings.rep_timezone)
        return len(rows), len(put_on_list(leads, "phone", warning, now, settings))

    return atomic_write(write)
