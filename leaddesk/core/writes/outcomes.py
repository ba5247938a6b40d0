"""The only writers. Each public function is one transaction: read, decide
(through `rules`), write — so an acknowledged change is a committed one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import peewee as pw
from pendulum import DateTime

from leaddesk.core.domain.caps import cap_blocks, company_caps, free_at, rule_caps
from leaddesk.core.domain.errors import CallBlocked, LeadDeskError, NothingToUndo
from leaddesk.core.domain.hours import check_calling_hours, governed, promise_warning, touch_text
from leaddesk.core.domain.lead_state import LIST_OUTCOMES, LeadState, outcome
from leaddesk.core.domain.record import fields, replace
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.text import clean_text, next_contact
from leaddesk.core.domain.touches import plan_touch, wait_for_number
from leaddesk.core.reads.leads import get_lead, recent_calls, state_of
from leaddesk.core.reads.queue.blocked import (
    JurisdictionCaps,
    blocked_by,
    no_jurisdiction_caps,
    number_calls,
)
from leaddesk.core.reads.queue.rows import places_of, zones_of
from leaddesk.core.store.db import atomic_write, from_ms, lock_row
from leaddesk.core.store.models import Appointment, Lead, Phone, Rep, Suppression, Touch
from leaddesk.core.writes.handoffs import HANDOFF
from leaddesk.core.writes.holds import hold_carriers, release
from leaddesk.core.writes.suppressions import suppress
from leaddesk.core.writes.team import check_not_claimed, ensure_rep

T = TypeVar("T")
SHIFTED = "shifted"  # the outcome of the history touch a vacation shift leaves


@dataclass(frozen=True)
class LogResult:
    touch_id: int
    lead_id: int
    name: str
    outcome: str
    label: str
    next_due_at: DateTime | None
    next_channel: str
    status: str
    lead_zone: str
    summary: str  # "no answer · next: call Thu 10:00 their time (09:00 yours)"
    outside_hours: bool = False  # logged outside the calling hours, confirmed by the rep
    channel: str = "call"  # call | email | letter | meeting: the touch's channel
    warning: str = ""  # a promise set outside the lead's calling window (hours.promise_warning)


@dataclass(frozen=True)
class UndoResult:
    lead_id: int
    name: str
    outcome: str
    summary: str
    touch_id: int = 0  # the touch removed


_TIME_FIELDS = {f.name for f in fields(LeadState) if f.name.endswith("_at")}


def log_outcome(
    lead_id: int,
    name: str,
    now: DateTime,
    settings: Settings,
    *,
    next_at: DateTime | None = None,
    note: str = "",
    duration_s: int | None = None,
    confirmed: bool = False,
    cadence: str | None = None,
    dialled_at: DateTime | None = None,
    outside_hours: bool = False,
    jurisdiction_caps: JurisdictionCaps = no_jurisdiction_caps,
    message_id: str = "",
) -> LogResult:
    """Log one touch, apply the scheduling rule and save — one transaction.

    `confirmed` answers the give-up guard (`lost` before enough attempts raises
    NeedsConfirmation otherwise); `cadence` names the target of a `cadence` move.
    `now` is when the touch happened. A call outside the lead's calling hours
    (judged at `dialled_at` when the desk timed the dial, else at `now`) raises
    OutsideHours unless `outside_hours` confirms it; then the touch is marked.
    A call to a suppressed number, or one at its cap, raises CallBlocked (a
    do-not-call request itself is always recorded). `d` and `dnm` put the
    number (address) on the list for every lead carrying it.
    `message_id` is a sent email's Message-ID (core.transfer.mailing).
    """
    spec = outcome(name)
    note = clean_text(note, "note", 20_000)

    def write() -> LogResult:
        lock_row(Lead, lead_id)
        lead = get_lead(lead_id)
        check_not_claimed(lead, now, settings)
        phones = list(lead.phones.order_by(Phone.position))
        is_call = spec.channel == "call"
        number = next((p.e164 for p in phones if not p.bad), "") if is_call else ""
        to_number = sorted(number_calls([number], now).get(number, [])) if number else []
        by_number = settings.rules.cap_scope == "number" and number
        open_promises = list(
            Appointment.select()
            .where((Appointment.lead == lead) & (Appointment.done == False))  # noqa: E712
            .order_by(Appointment.at)
        )
        plan = plan_touch(
            state_of(
                lead, phones, [], tuple(to_number) if by_number else recent_calls(lead.id, now)
            ),
            [p.bad for p in phones],
            [p.at for p in open_promises],
            name,
            now,
            settings,
            next_at=next_at,
            note=note,
            confirmed=confirmed,
            cadence=cadence,
            who=f"lead {lead_id} ({lead.name})",
            replies=[p.kind == "reply" for p in open_promises],
        )
        # After the plan (its refusals — do-not-call, no phone — come first), before any write.
        if is_call and name != "dnc":
            block = blocked_by([lead.id], now, settings, jurisdiction_caps).get(lead.id)
            if block is not None:
                raise CallBlocked(f"{lead.name}: {block.message} — not logged", block)
        zones, places = zones_of(lead.call_zones), places_of(lead.call_zones)
        marked = check_calling_hours(
            name, lead.name, zones, now, settings,
            places=places, dialled_at=dialled_at, confirmed=outside_hours,
        )  # fmt: skip
        # The audit's record: which rules (and pack versions) allowed this call.
        allowed = settings.compliance.book.for_places(places) if spec.channel == "call" else ()
        decision = plan.decision
        held: list[list[int]] = []
        free = None
        if number:  # any call rang the number, a wrong number too
            caps = [
                c
                for c in (
                    *rule_caps(places, settings, now.date()),
                    *jurisdiction_caps(number),
                    *company_caps(settings),
                )
                if c.per_number
            ]
            free = free_at(cap_blocks(number, [*to_number, now], [], caps, now, plan.zone))
        if free is not None:
            # This call takes the number to its cap: this lead and every other one
            # about to dial it wait until it frees (writes/holds.py).
            decision = replace(
                decision, state=wait_for_number(decision.state, free, zones, settings)
            )
            held = hold_carriers(number, free, lead.id, now, settings)
        listed = _put_number_on_list(lead, name, number, now, settings)
        closing = [open_promises[i].id for i in plan.closed]
        bad_phone = phones[plan.bad_phone].id if plan.bad_phone is not None else None
        touch = Touch.create(
            lead=lead,
            at=now,
            channel=plan.channel,
            outcome=name,
            note=plan.note,
            rep=ensure_rep(settings.rep_name),
            duration_s=duration_s,
            phone=phones[plan.phone].e164 if plan.phone is not None else "",
            lead_local=plan.lead_local,
            # Judged when the dial began, as the refusal is: a call dialled at 20:59 and
            # logged at 21:02 was placed in the window (the audit reads this).
            in_window=not marked if governed(name) else plan.in_window,
            outside_hours=marked if spec.channel == "call" else None,
            rules=",".join(sorted(r.id for r in allowed)),
            rules_version=settings.compliance.book.version if spec.channel == "call" else "",
            calls_24h=len(to_number) if is_call else None,
            message_id=message_id,
            counted=decision.counted,
            scheduled_due_at=decision.state.next_due_at,
            scheduled_channel=decision.state.next_channel,
            before=json.dumps(
                {"lead": plan.before, "closed": closing, "bad_phone": bad_phone, **listed}
                | ({"held": held} if held else {})
            ),
        )
        for field_name in LeadState.SCHEDULE_FIELDS:
            setattr(lead, field_name, getattr(decision.state, field_name))
        lead.updated_at = now
        lead.claimed_by = lead.claimed_until = None  # an outcome ends the call's claim
        lead.save()
        if closing:
            Appointment.update(done=True, done_at=now).where(Appointment.id.in_(closing)).execute()
        if decision.promise:
            kind, at = decision.promise
            Appointment.create(lead=lead, at=at, kind=kind, touch=touch, created_at=now, note=note)
        if bad_phone is not None:
            Phone.update(bad=True).where(Phone.id == bad_phone).execute()
        s, zone = decision.state, plan.zone
        summary = f"{touch_text(spec.label, marked)} · " + next_contact(
            s.next_due_at, s.next_channel, zone, settings.rep_timezone, now
        )
        warning = (
            promise_warning(decision.promise[1], zones, settings, places)
            if decision.promise
            else ""
        )
        if warning:
            summary += f" · {warning}"
        if listed.get("listed"):
            others = len(listed["listed"])
            what = "number" if name == "dnc" else "address"
            summary += f" · on the list for {others} more lead{'s' * (others > 1)} with this {what}"
        return LogResult(
            touch_id=touch.id,
            lead_id=lead.id,
            name=lead.name,
            outcome=name,
            label=spec.label,
            next_due_at=s.next_due_at,
            next_channel=s.next_channel,
            status=s.status,
            lead_zone=zone,
            summary=summary,
            outside_hours=marked,
            channel=spec.channel,
            warning=warning,
        )

    return atomic_write(write)


def _put_number_on_list(
    lead: Lead, name: str, number: str, now: DateTime, settings: Settings
) -> dict[str, Any]:
    """`d` (`dnm`): the number (address) on the list, and every other lead carrying it off
    the phone (mail). What undo needs: the suppression row and the other leads' touches."""
    kind, value = ("phone", number) if name == "dnc" else ("email", lead.email.lower())
    if name not in ("dnc", "dnm") or not value:
        return {}
    row, warning, others = suppress(value, kind, "lead", now, settings, lead_id=lead.id)
    return {"suppression": row, "listed": put_on_list(others, kind, warning, now, settings)}


def put_on_list(
    lead_ids: Sequence[int], kind: str, warning: str, now: DateTime, settings: Settings
) -> list[int]:
    """Inside a write: each lead off the phone (kind "phone") or mail, with a history line
    naming the list. The touches written (a lead already off that channel gets none)."""
    name = "dnc-list" if kind == "phone" else "dnm-list"
    flag = Lead.do_not_call if kind == "phone" else Lead.do_not_mail
    touches = []
    for lead_id in lead_ids:
        if Lead.select().where((Lead.id == lead_id) & (flag == True)).exists():  # noqa: E712
            continue
        try:
            touches.append(log_outcome(lead_id, name, now, settings, note=warning).touch_id)
        except LeadDeskError:
            # A colleague holds it right now: its next dial and log still refuse (blocked_by).
            continue
    return touches


def _restore(touch: Touch, now: DateTime) -> Lead:
    """Put the touch's lead back as it was before it, and delete what the touch made."""
    lock_row(Lead, touch.lead_id)
    lead = touch.lead
    before = json.loads(touch.before) if touch.before else {"lead": {}}
    for name, value in before["lead"].items():
        if name in _TIME_FIELDS and value is not None:
            value = from_ms(value)
        setattr(lead, name, value)
    lead.updated_at = now
    lead.save()
    if before.get("closed"):
        Appointment.update(done=False, done_at=None).where(
            Appointment.id.in_(before["closed"])
        ).execute()
    if before.get("bad_phone"):
        Phone.update(bad=False).where(Phone.id == before["bad_phone"]).execute()
    release(before.get("held", []))
    if before.get("suppression"):
        Suppression.delete().where(Suppression.id == before["suppression"]).execute()
    for listed in Touch.select().where(Touch.id.in_(before.get("listed", []))):
        # Only where nothing was logged on that lead since.
        if (
            not Touch.select()
            .where((Touch.lead == listed.lead_id) & (Touch.id > listed.id))
            .exists()
        ):
            _restore(listed, now)
    Appointment.delete().where(Appointment.touch == touch).execute()
    touch.delete_instance()
    return lead


def undo_last(now: DateTime, settings: Settings) -> UndoResult:
    """Reverse the most recent logged touch and everything it scheduled."""

    def write() -> UndoResult:
        # Per rep: in team mode each rep undoes their own newest touch, never a colleague's.
        mine = Touch.rep == ensure_rep(settings.rep_name)
        touch = (
            Touch.select()
            # A hand-off's touch records who took the lead; it is no change to undo.
            .where(Touch.outcome.not_in(("received", HANDOFF)) & mine)
            .order_by(Touch.id.desc())
            .first()
        )
        if touch is None:
            raise NothingToUndo("nothing to undo")
        later = (
            Touch.select(Touch.id, Rep.name)
            .join(Rep, pw.JOIN.LEFT_OUTER, on=(Touch.rep == Rep.id))
            .where((Touch.lead == touch.lead_id) & (Touch.id > touch.id))
            .tuples()
            .first()
        )
        if later is not None:
            # Restoring the lead as it was before this touch would erase theirs.
            raise NothingToUndo(
                f"{later[1] or 'someone'} has logged on this lead since your last change; "
                "it cannot be undone"
            )
        if touch.outcome in LIST_OUTCOMES:
            # The list still holds the number: the lead would be offered a call it forbids.
            raise NothingToUndo(
                "the last change put this lead on a do-not-call (-mail) list; "
                "lift the entry with: leaddesk dnc remove NUMBER|EMAIL"
            )
        if touch.outcome == "email" and touch.message_id:
            # The server accepted it: undoing the touch would let the step go out twice.
            raise NothingToUndo(
                f"sent mail cannot be unsent — {touch.note or 'the message'} went out; "
                "log what happens next instead"
            )
        if touch.outcome == SHIFTED:
            # Undoing an older touch now would restore a due time from before the
            # shift and silently drop the shift for that lead.
            raise NothingToUndo(
                "the last change was a schedule shift; it cannot be undone "
                "(shift again, or log the next outcome)"
            )
        label = touch.outcome.replace("-", " ")
        touch_id = touch.id
        lead = _restore(touch, now)
        summary = f"undone: {label} on {lead.name}"
        return UndoResult(lead.id, lead.name, touch.outcome, summary, touch_id)

    return atomic_write(write)
