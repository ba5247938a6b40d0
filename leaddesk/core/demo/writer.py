"""Demo templates and identities as rows, in batches for the one batch writer.

No database here: ids start from the first free ones it is given, so a worker process
can make the rows (making.py). For PostgreSQL the rows come as COPY's text, each
template's fixed runs rendered once: made a value at a time in the inserting process
(`store.batch.copy_rows`), that text was 43 % of a 100k fill's client CPU, and the
worker sends one string a table instead of a pickled tuple a row (BENCHMARKS.md).

A template's rows are the same for every lead that reuses it but for a few columns
(ids, the identity's fields, the number dialled, the ids inside an undo record), so
each template is laid out once as tuples with those gaps (`_Layout`) and every lead
fills them in: no per-row dict, date conversion or JSON (at 1M leads the rows were
half the fill's Python).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pendulum

from leaddesk.core.demo.history import before_json, ms_or_none
from leaddesk.core.demo.identities import Identity, area_groups, region_of
from leaddesk.core.demo.places import OVERRIDE_ZONES
from leaddesk.core.demo.scenarios import Template
from leaddesk.core.domain.settings import Settings
from leaddesk.core.reads.queue.rows import places_of
from leaddesk.core.store.batch import RowShape, copy_field, copy_line
from leaddesk.core.store.db import BaseModel, to_ms
from leaddesk.core.store.models import CHANNELS, Appointment, Lead, Phone, Touch

Run = tuple[Any, ...]
# the tables the demo fills, parents first
TABLES: tuple[type[BaseModel], ...] = (Lead, Phone, Touch, Appointment)
# A batch of rows: each of TABLES' rows, in its column order (as tuples, or as lines of
# COPY's text joined in one string); the zone keys they use.
Batch = tuple[tuple[list[Run] | str, ...], list[str]]

# Lead columns an identity decides; the template decides the rest.
WHO = ("id", "name", "company", "title", "email", "address", "city", "region", "postcode",
       "country", "source", "first_contact_on", "tags", "notes")  # fmt: skip


def _fields(run: Run, before: str = "", after: str = "") -> str:
    """A run of values as COPY fields, each with `before` and `after` it (a tab on one
    side, so that an empty run adds nothing)."""
    return "".join(before + copy_field(v) + after for v in run)


def _gaps(names: Sequence[str], values: dict[str, Any], gaps: Sequence[str]) -> list[Run]:
    """The row's fixed values cut at each gap: len(gaps) + 1 runs, in column order."""
    assert [n for n in names if n in gaps] == list(gaps), (names, gaps)
    runs: list[Run] = []
    run: list[Any] = []
    for name in names:
        if name in gaps:
            runs.append(tuple(run))
            run = []
        else:
            run.append(values[name])
    runs.append(tuple(run))
    return runs


@dataclass
class _Touch:
    a: Run  # the columns between `lead` and `phone`
    b: Run  # between `phone` and `before`
    phone: int | None  # position of the number dialled
    before: str | None  # the undo record, when it names no ids
    before_lead: str
    closed: tuple[int, ...]  # promises kept, by position in the history
    bad_phone: int | None

    def __post_init__(self) -> None:
        # as COPY fields, each followed by its tab
        self.a_text, self.b_text = _fields(self.a, after="\t"), _fields(self.b, after="\t")


@dataclass
class _Layout:
    """One template's rows with gaps for what each lead brings."""

    lead: list[Any]  # the lead row, WHO columns left None
    received: tuple[Run, Run]  # the received touch, cut at its note
    touches: list[_Touch]
    promises: list[tuple[Run, int, Run]]  # (before the touch id, touch index, after)
    bad: list[bool]
    first_contact: list[str]  # received minus 0..5 days (trade-show leads)

    def __post_init__(self) -> None:
        # as COPY fields: the lead's (WHO's to be filled in), the received touch's (a
        # tab after each of the first run, before each of the second), the promises'
        self.lead_text = [copy_field(v) for v in self.lead]
        a, b = self.received
        self.received_text = (_fields(a, after="\t"), _fields(b, before="\t"))
        self.promises_text = [
            (_fields(a, after="\t"), index, _fields(b, before="\t"))
            for a, index, b in self.promises
        ]


class Writer:
    """Turns templates and identities into rows, with ids assigned here."""

    def __init__(
        self, rep: int, first: dict[str, int], settings: Settings | None = None, text: bool = False
    ) -> None:
        """`first`: the first free id of each of `TABLES`, by table name; `text`: rows as
        lines of COPY's text (PostgreSQL), not tuples."""
        self.rep = rep
        self.text = text
        self.book = (settings or Settings()).compliance.book
        self.version = self.book.version
        self.names = {m: RowShape(m, with_id=True).names for m in TABLES}
        self.next: dict[type[BaseModel], int] = {m: first[m._meta.table_name] for m in TABLES}
        self.rows: dict[type[BaseModel], list[Any]] = {m: [] for m in TABLES}
        self.zone_keys: set[str] = set()
        self.who = [self.names[Lead].index(n) for n in WHO]
        assert self.names[Phone] == ["id", "lead", "position", "label", "raw", "e164", "bad"]
        self.layouts: dict[int, _Layout] = {}  # by id(template): the pool keeps them alive
        self.made = 0

    def take(self) -> Batch:
        """The rows made since the last call, with the zone keys they use."""
        made = (("".join(self.rows[m]) if self.text else self.rows[m]) for m in TABLES)
        batch = (tuple(made), sorted(self.zone_keys))
        self.rows = {m: [] for m in TABLES}
        self.zone_keys = set()
        return batch

    def _ids(self, model: type[BaseModel], count: int = 1) -> int:
        first = self.next[model]
        self.next[model] = first + count
        return first

    def add(self, tpl: Template, who: Identity, rng: random.Random) -> None:
        layout = self.layouts.get(id(tpl))
        if layout is None:
            layout = self.layouts[id(tpl)] = self._layout(tpl)
        h = tpl.h
        take = self._ids
        lead_id = take(Lead)
        phone0 = take(Phone, len(who.phones))
        touch0 = take(Touch, len(h.touches) + 1)
        promise0 = take(Appointment, len(h.promises))
        first_contact = None
        if who.source == "trade show":
            first_contact = layout.first_contact[rng.randint(0, 5)]
        country = who.country or (region_of(who.phones[0][1]) if who.phones else "")
        self.zone_keys.add(tpl.zone[2])
        values = (lead_id, who.name, who.company, who.title, who.email.lower(), who.address,
                  who.city, who.region, who.postcode, country, who.source, first_contact,
                  who.tags, who.notes)  # fmt: skip
        text = self.text
        row: list[Any] = (layout.lead_text if text else layout.lead).copy()
        for index, value in zip(self.who, values, strict=True):
            row[index] = copy_field(value) if text else value
        self.rows[Lead].append("\t".join(row) + "\n" if text else tuple(row))
        phones = self.rows[Phone]
        for position, (raw, e164, label) in enumerate(who.phones):
            number = (phone0 + position, lead_id, position, label, raw, e164, layout.bad[position])
            phones.append(copy_line(number) if text else number)
        touches = self.rows[Touch]
        via = f" ({who.source})" if who.source else ""
        if text:
            a_text, b_text = layout.received_text
            touches.append(f"{touch0}\t{lead_id}\t{a_text}{copy_field(f'received{via}')}{b_text}\n")
        else:
            a, b = layout.received
            touches.append((touch0, lead_id, *a, f"received{via}", *b))
        tid = touch0
        for t in layout.touches:
            tid += 1
            before = t.before
            if before is None:
                closed = [promise0 + p for p in t.closed]
                bad_phone = phone0 + t.bad_phone if t.bad_phone is not None else None
                before = before_json(t.before_lead, closed, bad_phone)
            phone = who.phones[t.phone][1] if t.phone is not None else ""
            if text:
                line = f"{tid}\t{lead_id}\t{t.a_text}{copy_field(phone)}\t{t.b_text}"
                touches.append(line + copy_field(before) + "\n")
            else:
                touches.append((tid, lead_id, *t.a, phone, *t.b, before))
        promises = self.rows[Appointment]
        if text:
            for j, (a_text, index, b_text) in enumerate(layout.promises_text):
                promise = f"{promise0 + j}\t{lead_id}\t{a_text}{touch0 + 1 + index}{b_text}\n"
                promises.append(promise)
        else:
            for j, (a, index, b) in enumerate(layout.promises):
                promises.append((promise0 + j, lead_id, *a, touch0 + 1 + index, *b))
        self.made += 1

    def _layout(self, tpl: Template) -> _Layout:
        h = tpl.h
        s = h.state
        received = to_ms(h.received)
        timezone, tz_source, zones = tpl.zone
        # the audit's record on each call, as log_outcome writes it
        rules = ",".join(sorted(r.id for r in self.book.for_places(places_of(zones))))
        attempts = [t.at for t in h.touches if t.channel in CHANNELS]
        lead = {
            "tz_override": tpl.shape.tz_override, "timezone": timezone,
            "timezone_source": tz_source, "call_zones": zones,
            "interest": tpl.shape.interest, "received_at": received, "status": s.status,
            "owner": None, "do_not_call": s.do_not_call, "dnc_at": ms_or_none(s.dnc_at),
            "do_not_mail": s.do_not_mail, "email_bad": False,
            "dnm_at": None, "no_count": s.no_count, "attempts": s.attempts,
            "cadence": s.cadence, "cadence_step": s.cadence_step,
            "cadence_started_at": ms_or_none(s.cadence_started_at),
            "last_touch_at": ms_or_none(s.last_touch_at), "next_due_at": ms_or_none(s.next_due_at),
            "next_channel": s.next_channel, "priority": s.priority, "closed_early": False,
            "created_at": received,
            "updated_at": h.touches[-1].at if h.touches else received,
            "claimed_by": None, "claimed_until": None,
            # what the touches' triggers would set (migration 0018), so the rollups'
            # catch-up has no lead to rewrite
            "first_attempt_at": min(attempts) if attempts else None,
        }  # fmt: skip
        names = self.names[Lead]
        assert set(names) == set(lead) | set(WHO), set(names) ^ (set(lead) | set(WHO))
        touch_names = self.names[Touch]
        system = {
            "at": received, "channel": "system", "outcome": "received", "rep": None,
            "duration_s": None, "phone": "", "lead_local": "", "in_window": None,
            "outside_hours": None, "message_id": "", "counted": False, "scheduled_due_at": None,
            "scheduled_channel": "", "before": "", "rules": "", "rules_version": "",
            "calls_24h": None,
        }  # fmt: skip
        _, _, a, b = _gaps(touch_names, system, ("id", "lead", "note"))
        touches = []
        for i, t in enumerate(h.touches):
            call = t.channel == "call"
            values = {
                "at": t.at, "channel": t.channel, "outcome": t.outcome, "note": t.note,
                "rep": self.rep, "duration_s": t.duration_s, "lead_local": t.lead_local,
                "in_window": t.in_window,
                # demo calls are placed inside the window: never an override (as log_outcome)
                "outside_hours": False if call else None,
                "message_id": "", "counted": t.counted, "calls_24h": t.calls_24h,
                "scheduled_due_at": t.scheduled_due_at, "scheduled_channel": t.scheduled_channel,
                "rules": rules if call else "", "rules_version": self.version if call else "",
            }  # fmt: skip
            empty, _, ta, tb, end = _gaps(touch_names, values, ("id", "lead", "phone", "before"))
            assert empty == end == ()
            touches.append(
                _Touch(ta, tb, t.phone, tpl.before_full[i], t.before_lead, t.closed, t.bad_phone)
            )
        promise_names = self.names[Appointment]
        promises = []
        for p in h.promises:
            values = {
                "at": to_ms(p.at), "kind": p.kind, "note": p.note, "done": p.done_at is not None,
                "done_at": ms_or_none(p.done_at), "created_at": to_ms(p.created_at),
                "ical_uid": "", "ical_sequence": 0,
            }  # fmt: skip
            _, _, pa, pb = _gaps(promise_names, values, ("id", "lead", "touch"))
            promises.append((pa, p.touch, pb))
        first_contact = [h.received.subtract(days=d).date().isoformat() for d in range(6)]
        return _Layout(
            [lead.get(name) for name in names],
            (a, b),
            touches,
            promises,
            list(h.bad),
            first_contact,
        )


def hold_zones(settings: Settings) -> list[object]:
    names = {settings.rep_timezone, "UTC"}
    names.update(z for zones, _, _ in area_groups() for z in zones)
    names.update(OVERRIDE_ZONES)
    return [pendulum.timezone(name) for name in sorted(names)]
