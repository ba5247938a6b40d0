"""Which inbox messages were handled already (by Message-ID)."""

from __future__ import annotations

from collections.abc import Iterable

import peewee as pw

from leaddesk.core.store.models import InboxMessage, Touch


def handled_ids(message_ids: Iterable[str]) -> set[str]:
    """The ids among `message_ids` that a check handled before, or that are our own
    sent mail (a copy in the folder read: never a reply)."""
    wanted = list(dict.fromkeys(i for i in message_ids if i))
    found: set[str] = set()
    for chunk in pw.chunked(wanted, 500):
        seen = InboxMessage.select(InboxMessage.message_id).where(
            InboxMessage.message_id.in_(chunk)
        )
        found.update(row.message_id for row in seen)
        # `<> ''` lets the planner use the partial index touch_message_id (migration 0017)
        where = Touch.message_id.in_(chunk) & (Touch.message_id != "")
        sent = Touch.select(Touch.message_id).where(where)
        found.update(row.message_id for row in sent)
    return found
