"""`mail check`: read the inbox, write what each new message means.

Reading (the network, the Maildir) and writing (one transaction per message)
are separate steps so the desk can read off its database thread and write on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.inbox import AUTO_REPLY, BOUNCE, REPLY, UNSUBSCRIBE, parse_message
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.inbox import handled_ids
from leaddesk.core.transfer.inbox_fetch import MailboxError, fetch_new
from leaddesk.core.writes.inbox import UNMATCHED, handle_message


@dataclass(frozen=True)
class MailCheck:
    replies: int = 0
    auto_replies: int = 0
    bounces: int = 0
    unsubscribes: int = 0
    unmatched: int = 0  # from nobody we know, about nothing we sent
    replied: tuple[int, ...] = ()  # the leads that wrote back, in order read
    skipped: tuple[str, ...] = field(default=())  # one line each: left for the next check

    def counts(self) -> dict[str, int]:
        """The `mail check --json` contract."""
        return {
            "replies": self.replies,
            "auto_replies": self.auto_replies,
            "bounces": self.bounces,
            "unsubscribes": self.unsubscribes,
        }


def check_mail(now: DateTime, settings: Settings) -> MailCheck:
    """Read the configured inbox and handle every message not handled before."""
    if not settings.mail_in.configured:
        raise MailboxError("no inbox configured: set [mail] maildir or imap_host")
    return handle_raw(fetch_new(settings.mail_in, now, handled_ids), now, settings)


def handle_raw(raws: list[bytes], now: DateTime, settings: Settings) -> MailCheck:
    """Classify and write each message, one transaction each, in the order given."""
    tally: Counter[str] = Counter()
    replied: list[int] = []
    skipped: list[str] = []
    for raw in raws:
        item = parse_message(raw)
        try:
            kind, lead_id = handle_message(item, now, settings)
        except InvalidInput as exc:  # e.g. a colleague holds the lead: the next check retries
            skipped.append(f"{item.message_id}: {exc}")
            continue
        tally[kind] += 1
        if kind == REPLY and lead_id is not None:
            replied.append(lead_id)
    return MailCheck(
        replies=tally[REPLY],
        auto_replies=tally[AUTO_REPLY],
        bounces=tally[BOUNCE],
        unsubscribes=tally[UNSUBSCRIBE],
        unmatched=tally[UNMATCHED],
        replied=tuple(replied),
        skipped=tuple(skipped),
    )


def summary(result: MailCheck) -> str:
    """One line for the CLI and the desk's status line."""
    parts = [
        f"{result.replies} {'reply' if result.replies == 1 else 'replies'}",
        f"{result.auto_replies} automatic",
        f"{result.bounces} {'bounce' if result.bounces == 1 else 'bounces'}",
        f"{result.unsubscribes} unsubscribed",
    ]
    if result.unmatched:
        parts.append(f"{result.unmatched} from no lead")
    if result.skipped:
        parts.append(f"{len(result.skipped)} left for the next check")
    return "mail: " + ", ".join(parts)
