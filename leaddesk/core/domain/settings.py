"""Typed settings: every scheduling rule as data, with documented defaults.

Pure values — loading them from TOML lives in `leaddesk.config`.
"""

from __future__ import annotations

from datetime import time

from leaddesk.core.domain.compliance import WEEKDAYS, Compliance
from leaddesk.core.domain.mail import MailSettings
from leaddesk.core.domain.mail_in import MailIn
from leaddesk.core.domain.record import Record, field

__all__ = ["WEEKDAYS", "Compliance"]


class CadenceStep(Record):
    after_minutes: int  # offset from the first attempt
    channel: str  # call | email | letter


def _default_steps() -> tuple[CadenceStep, ...]:
    # PRODUCT.md: +0, +1 h, +1 d, +2 d, +4 d, +6 d, +9 d, +14 d, +21 d, +30 d.
    day = 24 * 60
    plan = [
        (0, "call"),
        (60, "call"),
        (day, "call"),
        (2 * day, "email"),
        (4 * day, "call"),
        (6 * day, "call"),
        (9 * day, "email"),
        (14 * day, "call"),
        (21 * day, "letter"),
        (30 * day, "call"),
    ]
    return tuple(CadenceStep(m, c) for m, c in plan)


# A step by a channel the lead cannot receive (no email, no address, do-not-mail)
# becomes the first of these it can: a phone-only lead gets every step as a call.
DEFAULT_FALLBACK = ("call", "email", "letter")


class Cadence(Record):
    name: str
    steps: tuple[CadenceStep, ...]
    fallback: tuple[str, ...] = DEFAULT_FALLBACK  # () = skip such steps


def _default_windows() -> dict[str, tuple[tuple[time, time], ...]]:
    day = ((time(8, 0), time(21, 0)),)
    return {d: (day if d != "sun" else ()) for d in WEEKDAYS}


class Rules(Record):
    busy_retry_minutes: int = 30
    min_call_gap_minutes: int = 30  # between two call attempts (0 = no gap)
    max_calls_per_24h: int = 3  # call attempts in any rolling 24 h (0 = no cap) …
    # … counted per called number, across every lead and rep ("number"), or per lead ("lead")
    cap_scope: str = "number"
    connected_followup_business_days: int = 2
    not_interested_nurture_days: int = 90
    nurture_every_days: int = 30
    won_checkin_days: int = 30
    morning_hour: int = 9  # "tomorrow morning" in the picker
    new_lead_hot_minutes: int = 5
    new_lead_cold_minutes: int = 60
    appointment_notice_minutes: int = 10  # the desk announces appointments this close
    min_attempts_before_lost: int = 8  # closing earlier asks for a confirming key
    promise_slack_minutes: int = 60  # a call this close before a promise keeps it
    # Day-later call steps land at these local hours in turn (morning, midday,
    # afternoon, evening), so one lead is not tried at the same minute every day.
    call_dayparts: tuple[int, ...] = (9, 12, 15, 18)
    window_end_margin_minutes: int = 15  # no computed call this close to the window's end


TEAM_QUEUES = ("mine+pool", "mine", "all")


class Team(Record):
    """Working as a team on one shared (PostgreSQL) database."""

    database: str = ""  # a postgresql:// URL; "" = --db, LEADDESK_DB or the local file
    queue: str = "mine+pool"  # whose leads a rep's queue holds: see TEAM_QUEUES
    claim_minutes: int = 5  # how long selecting a lead keeps it from the other reps
    # Hand-offs: an owner's new lead not attempted this long after it fell due,
    # or their promise this overdue, is offered to every rep's queue.
    new_lead_minutes: int = 5
    promise_minutes: int = 15
    reassign_on_handoff: bool = False  # the rep who claims a hand-off becomes its owner
    away_minutes: int = 10  # a desk silent this long: its rep's leads are handed off at once


class Role(Record):
    """What a rep sees beyond their own work (`[rep] manager`)."""

    manager: bool = False  # the Team tab of `F`: every rep's numbers side by side


class Settings(Record):
    rep_name: str = "me"
    rep_timezone: str = "UTC"
    default_region: str = "US"
    # Per weekday, the local times a call may be placed (start inclusive,
    # end exclusive). An empty tuple closes the day.
    calling_hours: dict[str, tuple[tuple[time, time], ...]] = field(
        default_factory=_default_windows
    )
    cadences: dict[str, Cadence] = field(
        default_factory=lambda: {"new-lead": Cadence("new-lead", _default_steps())}
    )
    default_cadence: str = "new-lead"
    rules: Rules = field(default_factory=Rules)
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    dialer: str = ""  # command with {tel} / {e164}; empty = copy the number
    # Countries whose public holidays close the calling window (and are no
    # business days) for leads in that country; empty = holidays are ignored.
    holidays: tuple[str, ...] = ()
    team: Team = field(default_factory=Team)
    role: Role = field(default_factory=Role)
    compliance: Compliance = field(default_factory=Compliance)  # [compliance]: rule packs
    mail: MailSettings = field(default_factory=MailSettings)  # [mail] (issue 16)
    mail_in: MailIn = field(default_factory=MailIn)  # where replies are read from

    def cadence(self, name: str) -> Cadence:
        return self.cadences.get(name) or self.cadences[self.default_cadence]
