"""Every lead, a page at a time, in name order, filtered by status, source, tag, owner.

Pages come from SQL (the `lead(name)` index of migration 0004); nothing ever
loads all leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw
from pendulum import DateTime

from leaddesk.core.store.db import tuples
from leaddesk.core.store.models import STATUSES, Lead, Rep

UNASSIGNED = "(nobody)"  # the owner filter for leads no rep owns


@dataclass(frozen=True)
class LeadFilter:
    status: str = ""  # "" = any
    source: str = ""
    tag: str = ""
    owner: str = ""  # a rep's name, or UNASSIGNED

    def describe(self) -> str:
        parts = [f"{k} {v}" for k, v in vars(self).items() if v]
        return ", ".join(parts) or "all leads"


@dataclass(frozen=True)
class ListRow:
    lead_id: int
    name: str
    company: str
    status: str
    source: str
    tags: str
    owner: str
    next_due_at: DateTime | None
    next_channel: str


@dataclass(frozen=True)
class ListPage:
    total: int  # leads matching the filter
    offset: int
    rows: tuple[ListRow, ...]


@dataclass(frozen=True)
class FilterChoices:
    statuses: tuple[str, ...]
    sources: tuple[str, ...]
    tags: tuple[str, ...]
    owners: tuple[str, ...]


def _where(f: LeadFilter) -> pw.ColumnBase:
    where: pw.ColumnBase = pw.Value(True)
    if f.status:
        where &= Lead.status == f.status
    if f.source:
        # one source whatever the case (rows saved before spellings were kept as one)
        where &= pw.fn.LOWER(Lead.source) == f.source.lower()
    if f.tag:
        # Tags are "a, b": compare as ",a,b," without spaces, case-insensitively.
        packed = pw.Value(",").concat(pw.fn.REPLACE(Lead.tags, " ", "")).concat(",")
        where &= packed ** f"%,{f.tag.replace(' ', '')},%"
    if f.owner == UNASSIGNED:
        where &= Lead.owner.is_null()
    elif f.owner:
        where &= Lead.owner.in_(Rep.select(Rep.id).where(Rep.name == f.owner))
    return where


def lead_page(f: LeadFilter, offset: int, limit: int) -> ListPage:
    """Rows offset … offset + limit of the filtered list, and how many match."""
    where = _where(f)
    total = Lead.select().where(where).count()
    offset = max(0, min(offset, max(total - 1, 0)))
    query = tuples(
        Lead.select(
            Lead.id,
            Lead.name,
            Lead.company,
            Lead.status,
            Lead.source,
            Lead.tags,
            Rep.name,
            Lead.next_due_at,
            Lead.next_channel,
        )
        .join(Rep, pw.JOIN.LEFT_OUTER, on=(Lead.owner == Rep.id))
        .where(where)
        .order_by(Lead.name, Lead.id)
        .limit(limit)
        .offset(offset)
    )
    rows = tuple(
        ListRow(lead_id, name, company, status, source, tags, owner or "", due, channel)
        for lead_id, name, company, status, source, tags, owner, due, channel in query
    )
    return ListPage(total, offset, rows)


def filter_choices() -> FilterChoices:
    """The values each filter offers: those in use (statuses: all of them)."""
    sources: dict[str, str] = {}
    for (source,) in tuples(
        Lead.select(Lead.source).where(Lead.source != "").distinct().order_by(Lead.source)
    ):
        sources.setdefault(source.lower(), source)
    tags: dict[str, str] = {}
    for (text,) in tuples(Lead.select(Lead.tags).where(Lead.tags != "").distinct()):
        for tag in text.split(","):
            tag = " ".join(tag.split())
            if tag:
                tags.setdefault(tag.lower(), tag)
    owners = [name for (name,) in tuples(Rep.select(Rep.name).order_by(Rep.name))]
    return FilterChoices(
        statuses=STATUSES,
        sources=tuple(sorted(sources.values(), key=str.lower)),
        tags=tuple(sorted(tags.values(), key=str.lower)),
        owners=(*owners, UNASSIGNED),
    )
