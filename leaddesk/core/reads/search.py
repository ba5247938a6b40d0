"""Find a lead as you type: names, company, email, the lead's notes, touch notes,
and phone digits in any formatting ("2125550142", "555-0142", "(212) 555").

`search(text, limit)` is engine-neutral: it asks an engine for matching ids in
four passes (phones, names, any lead field, touch notes) and ranks and labels
the hits itself. On SQLite the engine reads the FTS5 trigram indexes of
migration 0004; on PostgreSQL the posting tables of migrations 0021 (lead fields)
and 0024 (touch notes, numbers) — a few ms per keystroke at 100k leads on either,
see BENCHMARKS.md; elsewhere
(or where those indexes could not be made) it falls back to LIKE, which
scans. The engines live in `search_engines.py`.

Accents and case do not matter: the query is folded (`text.fold`: "Ångström"
→ "angstrom"); on SQLite the word index of migration 0009 (diacritics removed)
finds a folded word's start, on PostgreSQL the ILIKE folds the column (and
the index holds the same folded text).

Trigrams need three characters: shorter terms narrow the candidates of the
longer ones, and a query made only of short terms matches the start of a
word in the name (on SQLite from the name's word index of migration 0022,
else a scan of the lead table).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import Protocol

import peewee as pw

from leaddesk.core.domain.phone_text import pretty
from leaddesk.core.domain.text import fold
from leaddesk.core.reads.search_engines import (
    Fts5Engine,
    LikeEngine,
    has_fts,
    has_trigram_index,
)
from leaddesk.core.reads.search_postings import PostingEngine, bulk_postings, has_postings
from leaddesk.core.reads.search_trigram import TrigramEngine
from leaddesk.core.store.db import database

MIN_TERM = 3  # the trigram tokenizer matches substrings of three characters or more
MAX_LIMIT = 200
EXCERPT = 60
# A query that is only digits and the usual phone punctuation is a number.
_PHONE_LIKE = re.compile(r"^[\d\s().+\-/]+$")
_LEAD_FIELDS = ("name", "company", "email", "notes")


@dataclass(frozen=True)
class Hit:
    lead_id: int
    name: str
    company: str
    status: str
    field: str  # name | company | email | notes | phone | note (a touch's note)
    excerpt: str  # what matched, as the rep would recognise it


@dataclass(frozen=True)
class Query:
    text: str  # folded (no accents, no case), single-spaced
    terms: tuple[str, ...]
    digits: str  # the number's digits when the query is phone-like, else ""

    @property
    def long_terms(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if len(t) >= MIN_TERM)

    @property
    def short_terms(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if len(t) < MIN_TERM)


def parse_query(text: str) -> Query:
    clean = " ".join(fold(text).split())[:200]
    digits = re.sub(r"\D", "", clean) if _PHONE_LIKE.match(clean or "x") else ""
    terms = tuple(dict.fromkeys(t for t in re.split(r"[\s\"]+", clean) if t))
    return Query(clean, terms, digits if len(digits) >= MIN_TERM else "")


class Engine(Protocol):
    """What `search` needs from a database: ids in newest-first order."""

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        """(lead id, E.164, label) of numbers containing one of `digits`."""
        ...

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        """Leads with every term (≥ 3 characters) in one of `fields`."""
        ...

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        """Leads with a word of the name starting with each (short) term."""
        ...

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        """(lead id, note) of touches whose note holds every term (≥ 3 characters)."""
        ...


def search(text: str, limit: int = 20, engine: Engine | None = None) -> list[Hit]:
    """Leads matching `text`, best first: numbers, names, other fields, touch notes."""
    query = parse_query(text)
    limit = max(1, min(limit, MAX_LIMIT))
    if not query.terms:
        return []
    engine = engine or default_engine()
    # Candidates beyond `limit` leave room for short terms to filter and for ranking.
    pool = limit * 5 if query.short_terms else limit * 2
    found: dict[int, tuple[str, str]] = {}  # lead id -> (field, excerpt), first wins
    numbers: dict[int, tuple[str, str]] = {}  # lead id -> (E.164, label) of its phone hit

    def take(field: str, lead_id: int, excerpt: str = "") -> None:
        found.setdefault(lead_id, (field, excerpt))

    if query.digits:
        # "020 7946 …" typed with the trunk 0 is stored as +44 20 7946 …
        national = query.digits.lstrip("0")
        variants = tuple(dict.fromkeys(d for d in (query.digits, national) if len(d) >= MIN_TERM))
        for lead_id, e164, label in engine.phones(variants, pool):
            numbers.setdefault(lead_id, (e164, label))
            take("phone", lead_id)
    long_terms = query.long_terms
    if long_terms:
        for lead_id in engine.leads(long_terms, ("name",), pool):
            take("name", lead_id)
        for lead_id in engine.leads(long_terms, _LEAD_FIELDS, pool):
            take("", lead_id)
        for lead_id, note in engine.notes(long_terms, pool):
            if _holds(note, query.short_terms):
                take("note", lead_id, _excerpt(note, query.terms))
    elif not query.digits and any(c.isalpha() for c in query.text):
        # (the first digits of a number typed: no name starts with them — skip the scan)
        for lead_id in engine.name_starts(query.terms, pool):
            take("name", lead_id)
    # only the numbers shown are formatted (the parser costs ~50 µs a number)
    return [
        replace(hit, excerpt=f"{pretty(numbers[hit.lead_id][0])} {numbers[hit.lead_id][1]}".strip())
        if hit.field == "phone"
        else hit
        for hit in _ranked(query, found, limit)
    ]


RANK = {"phone": 0, "name": 2, "company": 3, "email": 4, "notes": 5, "note": 6}


def _ranked(query: Query, found: dict[int, tuple[str, str]], limit: int) -> list[Hit]:
    """Hits in rank order (a name starting with the text first), newest first within."""
    if not found:
        return []
    db = database.obj
    # plain SQL: peewee's per-value conversions cost more than the read (~0.5 ms a keystroke)
    marks = ", ".join([db.param] * len(found))
    sql = f'SELECT id, name, company, status, email, notes FROM "lead" WHERE id IN ({marks})'
    rows = {row[0]: row[1:] for row in db.execute_sql(sql, list(found)).fetchall()}
    hits: list[tuple[tuple[int, int], Hit]] = []
    for order, (lead_id, (field, excerpt)) in enumerate(found.items()):
        if lead_id not in rows:
            continue
        name, company, status, email, notes = rows[lead_id]
        values = {"name": name, "company": company, "email": email, "notes": notes}
        if field in ("name", "") and not _holds(" ".join(values.values()), query.short_terms):
            continue  # a short term narrows what the long ones found
        if field == "":
            field = _field_of(query.long_terms, values)
            excerpt = "" if field == "name" else _excerpt(values[field], query.terms)
        rank = RANK[field]
        if field == "name" and fold(name).startswith(query.text):
            rank = 1
        hits.append(((rank, order), Hit(lead_id, name, company, status, field, excerpt)))
    hits.sort(key=lambda pair: pair[0])
    return [hit for _, hit in hits[:limit]]


def _holds(value: str, terms: tuple[str, ...]) -> bool:
    low = fold(value)
    return all(t in low for t in terms)


def _field_of(terms: tuple[str, ...], values: dict[str, str]) -> str:
    """The first field holding every term, else the first holding one."""
    for field in _LEAD_FIELDS:
        if _holds(values[field], terms):
            return field
    for field in _LEAD_FIELDS:
        if any(t in fold(values[field]) for t in terms):
            return field
    return "name"


def _excerpt(text: str, terms: tuple[str, ...]) -> str:
    """About EXCERPT characters of `text` around the first term, on one line."""
    flat = " ".join((text or "").split())
    # (folding keeps a precomposed letter one character, so positions agree)
    low = fold(flat)
    at = min((low.find(t) for t in terms if t in low), default=0)
    start = max(0, at - EXCERPT // 3)
    if start:
        space = flat.find(" ", start, at)
        start = space + 1 if space >= 0 else start  # begin at a word
    piece = flat[start : start + EXCERPT]
    return ("…" if start else "") + piece + ("…" if start + EXCERPT < len(flat) else "")


def default_engine() -> Engine:
    db = database.obj
    if has_fts(db):
        return Fts5Engine(db)
    if has_postings(db):
        return PostingEngine(db)
    return TrigramEngine(db) if has_trigram_index(db) else LikeEngine()


# --- bulk writes ----------------------------------------------------------------------

# The insert triggers of migration 0004, and how to index in one statement what
# each would have indexed row by row: (trigger, table, INSERT … SELECT of rows
# with an id above the given one).
_BULK = (
    (
        "lead_fts_insert",
        "lead",
        "INSERT INTO lead_fts(rowid, name, company, email, notes)"
        " SELECT id, name, company, email, notes FROM lead WHERE id > ?",
    ),
    (
        "lead_words_insert",
        "lead",
        "INSERT INTO lead_words(rowid, name, company, email, notes)"
        " SELECT id, name, company, email, notes FROM lead WHERE id > ?",
    ),
    (
        "lead_names_insert",
        "lead",
        "INSERT INTO lead_names(rowid, name) SELECT id, name FROM lead WHERE id > ?",
    ),
    (
        "name_fts_insert",
        "lead",
        "INSERT INTO name_fts(rowid, name) SELECT id, name FROM lead WHERE id > ?",
    ),
    (
        "phone_fts_insert",
        "phone",
        "INSERT INTO phone_fts(rowid, digits, typed) SELECT id, substr(e164, 2),"
        " replace(replace(replace(replace(replace(replace(raw, ' ', ''), '-', ''), '(', ''),"
        " ')', ''), '.', ''), '+', '') FROM phone WHERE id > ?",
    ),
    (
        "note_fts_insert",
        "touch",
        "INSERT INTO note_fts(rowid, note) SELECT id, note FROM touch"
        " WHERE id > ? AND note != '' AND channel != 'system'",
    ),
)


@contextmanager
def bulk_indexing(db: pw.Database, adding: int | None = None) -> Iterator[None]:
    """Index rows inserted in bulk once, at the end, instead of row by row.

    Call inside the transaction that inserts them. Fired by one `executemany`
    row at a time, the triggers make FTS5 flush at every statement (~40 µs a
    row at 100k leads, against ~3 µs in one INSERT … SELECT; BENCHMARKS.md).
    This drops the insert triggers, indexes every row with a higher id than
    before at the end and puts the triggers back — in the caller's
    transaction, so no reader ever sees a half-indexed store, and an error
    rolls the triggers back with the rest.
    Rows may only be inserted meanwhile: the update and delete triggers stay
    and expect every row they meet to be indexed.
    On SQLite, when `adding` leads are at least as many as the store holds, the lead
    indexes are merged into one segment each at the end ('optimize').
    On PostgreSQL the leads' keys of migration 0021 go in once at the end
    (`search_postings.bulk_postings`); when `adding` leads are at least as many as
    the store holds, the GIN trigram indexes of migration 0014 and the posting
    table's key are dropped and built again at the end (`_rebuilt_trigram_indexes`);
    a smaller batch keeps them.
    """
    # the demo's `deferred_indexes` may have dropped 0014's GIN indexes already: the
    # posting table is then what is left to fill in bulk
    if has_trigram_index(db) or has_postings(db):
        fresh = adding is not None and not _holds_more_leads(db, adding)
        postings = bulk_postings(db, fresh) if has_postings(db) else nullcontext()
        with postings, _rebuilt_trigram_indexes(db) if fresh else nullcontext():
            yield
        return
    if not has_fts(db):
        # a PostgreSQL store without our trigram indexes (search scans): nothing to index
        yield
        return
    # a fill at least as big as the store (a demo into a new one) leaves each index in
    # many segments, all read by every query: merged into one, a query costs half
    merge = adding is not None and not _holds_more_leads(db, adding)
    names = tuple(name for name, _, _ in _BULK)
    marks = ", ".join(["?"] * len(names))
    saved = dict(
        db.execute_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
            names,
        ).fetchall()
    )
    first = {
        table: db.execute_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()[0]
        for _, table, _ in _BULK
    }
    for name in saved:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    yield
    for name, table, index in _BULK:
        if name in saved:
            db.execute_sql(index, (first[table],))
            db.execute_sql(saved[name])
    for table in _MERGED if merge else ():
        if f"{table}_insert" in saved:
            db.execute_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")


# The lead indexes a big fill merges (phone_fts gains little; note_fts is the biggest)
_MERGED = ("lead_fts", "lead_words", "lead_names", "name_fts")


_TRIGRAM_INDEXES = ("lead_name_trigrams", "lead_text_trigrams", "phone_e164_trigrams",
                    "touch_note_trigrams")  # fmt: skip


def _holds_more_leads(db: pw.Database, than: int) -> bool:
    row = db.execute_sql(
        f'SELECT COUNT(*) FROM (SELECT 1 FROM "lead" LIMIT {db.param}) AS "some"', (than + 1,)
    ).fetchone()
    return bool(row and row[0] > than)


@contextmanager
def _rebuilt_trigram_indexes(db: pw.Database) -> Iterator[None]:
    """PostgreSQL: the search's GIN indexes dropped, then built once over every row.

    Kept up row by row, each GIN index makes every inserted row compute its
    trigrams and update the pending list; one build sorts them all at once
    (https://www.postgresql.org/docs/16/gin-tips.html, "Create vs. insert";
    its build time "is very sensitive to the maintenance_work_mem setting").
    The definitions are read back from the catalog, so the rebuilt indexes are
    exactly migration 0014's; in the caller's transaction, so no reader ever sees
    them missing: DROP INDEX locks its table until the commit, so readers of the
    lead, phone and touch tables wait for the whole fill — hence only for a fill
    at least as big as the store (a demo into a new store), never for a small one.
    """
    saved = db.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes"
        " WHERE schemaname = current_schema() AND indexname = ANY(%s)",
        (list(_TRIGRAM_INDEXES),),
    ).fetchall()
    for name, _ in saved:
        db.execute_sql(f'DROP INDEX "{name}"')
    yield
    # a GIN build sorts its entries in maintenance_work_mem (64 MB by default)
    db.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for _, definition in saved:
        db.execute_sql(definition)
