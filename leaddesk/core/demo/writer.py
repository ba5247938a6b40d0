"""Demo templates and identities as rows, through the one batch writer."""

from __future__ import annotations

import random

import pendulum

from leaddesk.core.demo.history import before_json, ms_or_none
from leaddesk.core.demo.identities import Identity, area_groups, region_of
from leaddesk.core.demo.places import OVERRIDE_ZONES
from leaddesk.core.demo.scenarios import Template
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.queue.rows import places_of
from leaddesk.core.store.batch import BatchWriter
from leaddesk.core.store.db import to_ms
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch

# --- writing ------------------------------------------------------------------


class Writer:
    """Turns templates and identities into rows, with ids assigned here."""

    def __init__(self, rep: int, settings: Settings | None = None) -> None:
        self.rep = rep
        self.book = (settings or Settings()).compliance.book
        self.batch = BatchWriter((Lead, Phone, Touch, Appointment))
        self.made = 0

    def add(self, tpl: Template, who: Identity, rng: random.Random) -> None:
        h = tpl.h
        s = h.state
        take = self.batch.take
        lead_id = take(Lead)
        phone0 = take(Phone, len(who.phones))
        touch0 = take(Touch, len(h.touches) + 1)
        promise0 = take(Appointment, len(h.promises))
        received = to_ms(h.received)
        first_contact = None
        if who.source == "trade show":
            first_contact = h.received.subtract(days=rng.randint(0, 5)).date().isoformat()
        timezone, tz_source, zones = tpl.zone
        country = who.country or (region_of(who.phones[0][1]) if who.phones else "")
        self.batch.zone_keys.add(zones)
        # the audit's record on each call, as log_outcome writes it
        rules = ",".join(sorted(r.id for r in self.book.for_places(places_of(zones))))
        add = self.batch.add_raw
        add(Lead, {
            "id": lead_id, "name": who.name, "company": who.company, "title": who.title,
            "email": who.email.lower(), "address": who.address, "city": who.city,
            "region": who.region, "postcode": who.postcode, "country": country,
            "tz_override": tpl.shape.tz_override, "timezone": timezone,
            "timezone_source": tz_source, "call_zones": zones, "source": who.source,
            "interest": tpl.shape.interest, "first_contact_on": first_contact,
            "received_at": received, "status": s.status, "owner": None,
            "do_not_call": s.do_not_call, "dnc_at": ms_or_none(s.dnc_at),
            "do_not_mail": s.do_not_mail, "email_bad": False,
            "dnm_at": None, "no_count": s.no_count, "attempts": s.attempts,
            "cadence": s.cadence, "cadence_step": s.cadence_step,
            "cadence_started_at": ms_or_none(s.cadence_started_at),
            "last_touch_at": ms_or_none(s.last_touch_at), "next_due_at": ms_or_none(s.next_due_at),
            "next_channel": s.next_channel, "priority": s.priority, "closed_early": False,
            "tags": who.tags, "notes": who.notes, "created_at": received,
            "updated_at": h.touches[-1].at if h.touches else received,
            "claimed_by": None, "claimed_until": None,
            "first_attempt_at": None,  # the touches' triggers set it (migration 0018)
        })  # fmt: skip
        for position, (raw, e164, label) in enumerate(who.phones):
            add(Phone, {
                "id": phone0 + position, "lead": lead_id, "position": position, "label": label,
                "raw": raw, "e164": e164, "bad": h.bad[position],
            })  # fmt: skip
        via = f" ({who.source})" if who.source else ""
        add(Touch, {
            "id": touch0, "lead": lead_id, "at": received, "channel": "system",
            "outcome": "received", "note": f"received{via}", "rep": None, "duration_s": None,
            "phone": "", "lead_local": "", "in_window": None, "outside_hours": None,
            "message_id": "", "counted": False, "scheduled_due_at": None, "scheduled_channel": "",
            "before": "", "rules": "", "rules_version": "", "calls_24h": None,
        })  # fmt: skip
        for i, t in enumerate(h.touches):
            before = tpl.before_full[i]
            if before is None:
                closed = [promise0 + p for p in t.closed]
                bad_phone = phone0 + t.bad_phone if t.bad_phone is not None else None
                before = before_json(t.before_lead, closed, bad_phone)
            add(Touch, {
                "id": touch0 + 1 + i, "lead": lead_id, "at": t.at, "channel": t.channel,
                "outcome": t.outcome, "note": t.note, "rep": self.rep,
                "duration_s": t.duration_s,
                "phone": who.phones[t.phone][1] if t.phone is not None else "",
                "lead_local": t.lead_local, "in_window": t.in_window,
                # demo calls are placed inside the window: never an override (as log_outcome marks)
                "outside_hours": False if t.channel == "call" else None,
                "message_id": "", "counted": t.counted, "calls_24h": t.calls_24h,
                "scheduled_due_at": t.scheduled_due_at,
                "scheduled_channel": t.scheduled_channel, "before": before,
                "rules": rules if t.channel == "call" else "",
                "rules_version": self.book.version if t.channel == "call" else "",
            })  # fmt: skip
        for j, p in enumerate(h.promises):
            add(Appointment, {
                "id": promise0 + j, "lead": lead_id, "at": to_ms(p.at), "kind": p.kind,
                "note": p.note, "done": p.done_at is not None, "done_at": ms_or_none(p.done_at),
                "touch": touch0 + 1 + p.touch, "created_at": to_ms(p.created_at),
                "ical_uid": "", "ical_sequence": 0,
            })  # fmt: skip
        self.made += 1


def hold_zones(settings: Settings) -> list[object]:
    names = {settings.rep_timezone, "UTC"}
    names.update(z for zones, _, _ in area_groups() for z in zones)
    names.update(OVERRIDE_ZONES)
    return [pendulum.timezone(name) for name in sorted(names)]
