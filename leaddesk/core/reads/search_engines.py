"""The search engines: what `reads.search` asks a database for (ids, newest first).

- SQLite: `Fts5Engine` reads the FTS5 indexes of migrations 0004 and 0009.
- PostgreSQL: `TrigramEngine` (`search_trigram`) narrows the LIKE scan with the GIN trigram
  indexes of migration 0014 (built-in GIN over `leaddesk_trigrams()`, no
  extension needed), then rechecks with the same ILIKE, so it finds exactly
  what `LikeEngine` finds, from an index. With migration 0021, `PostingEngine`
  (`search_postings`) reads the lead fields from the ordered posting table
  `search_gram` instead, and with 0024 touch notes and phones from
  `search_note_gram` and `search_phone_gram`.
- Anything else (or a store whose indexes could not be made): `LikeEngine`,
  which scans — correct, not fast.
"""

from __future__ import annotations

import functools
import operator
import re
import weakref
from collections.abc import Iterable
from typing import Any

import peewee as pw

from leaddesk.core.domain.text import fold
from leaddesk.core.store.db import is_sqlite, tuples
from leaddesk.core.store.models import Lead, Phone, Touch

TRIGRAMS = "leaddesk_trigrams"  # the SQL function of migration 0014
NAME_INDEX = "lead_name_trigrams"  # its index on the folded name (doctor looks for it)
INITIALS = "leaddesk_initials"  # the SQL function of migration 0020
INITIALS_INDEX = "lead_name_initials"  # its index: the first letter of each word of the name
TRIGRAM_INDEXES = (NAME_INDEX, "lead_text_trigrams", "phone_e164_trigrams", "touch_note_trigrams")
POSTINGS_INDEX = "search_gram_pkey"  # migration 0021's posting table (it drops the lead's GIN)
NOTE_POSTINGS_INDEX = "search_note_gram_pkey"  # migration 0024's posting tables
PHONE_POSTINGS_INDEX = "search_phone_gram_pkey"


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like_term(term: str) -> str:
    # LIKE's wildcards mean nothing to a rep: search for the other characters.
    return re.sub(r"[%_\\]", "", term)


class Fts5Engine:
    """SQLite: the FTS5 tables of migrations 0004, 0009 and 0022, newest rows first."""

    def __init__(self, db: pw.Database) -> None:
        self.db = db
        self.words = _has_table(db, "lead_words")  # migration 0009
        self.names = _has_table(db, "lead_names")  # migration 0022: the name's own indexes

    def _ids(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        return list(self.db.execute_sql(sql, params).fetchall())

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        sql = (
            "SELECT p.lead_id, p.e164, p.label FROM phone_fts f JOIN phone p ON p.id = f.rowid"
            " WHERE phone_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?"
        )
        match = " OR ".join(_fts_string(d) for d in digits)
        return [tuple(r) for r in self._ids(sql, [match, limit])]

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        if fields == ("name",) and self.names:
            # a name-only table: `{name}` on lead_fts walks every row holding the text
            # in any column (every gmail address for "gmail.c") to keep the names
            trigram, words, columns = "name_fts", "lead_names", ""
        else:
            trigram, words = "lead_fts", "lead_words"
            columns = "" if set(fields) == set(_LEAD_COLUMNS) else "{" + " ".join(fields) + "} : "
        match = " AND ".join(f"{columns}{_fts_string(t)}" for t in terms)
        sql = f"SELECT rowid FROM {trigram} WHERE {trigram} MATCH ? ORDER BY rowid DESC LIMIT ?"
        ids = {r[0] for r in self._ids(sql, [match, limit])}
        if self.words:
            # the start of a word, accents removed: "angstrom" finds "Ångström"
            match = " AND ".join(f"{columns}{_fts_string(t)}*" for t in terms)
            sql = f"SELECT rowid FROM {words} WHERE {words} MATCH ? ORDER BY rowid DESC LIMIT ?"
            ids.update(r[0] for r in self._ids(sql, [match, limit]))
        return sorted(ids, reverse=True)[:limit]

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        """The word index of the names (prefixes of one to three letters indexed) hands
        over every name with a word starting so, newest first; the scan's own LIKE
        then judges each, so the hits are exactly the scan's (the index also splits
        words at punctuation and drops accents: it offers more, never fewer)."""
        words = [_like_term(t) for t in terms]
        tokens = [w for w in words if _TOKEN.search(w)]
        if not self.names or not tokens:
            return LikeEngine().name_starts(terms, limit)
        match = " AND ".join(f"{_fts_string(w)}*" for w in tokens)
        judge = " AND ".join(["(l.name LIKE ? OR l.name LIKE ?)"] * len(words))
        sql = (
            "SELECT f.rowid FROM lead_names f JOIN lead l ON l.id = f.rowid"
            f" WHERE lead_names MATCH ? AND {judge} ORDER BY f.rowid DESC LIMIT ?"
        )
        likes = [p for w in words for p in (f"{w}%", f"% {w}%")]
        return [r[0] for r in self._ids(sql, [match, *likes, limit])]

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        match = " AND ".join(_fts_string(t) for t in terms)
        sql = (
            "SELECT t.lead_id, t.note FROM note_fts f JOIN touch t ON t.id = f.rowid"
            " WHERE note_fts MATCH ? ORDER BY f.rowid DESC LIMIT ?"
        )
        return [tuple(r) for r in self._ids(sql, [match, limit])]


_LEAD_COLUMNS = ("name", "company", "email", "notes")  # lead_fts's and lead_words's
# A character the unicode61 tokenizer keeps in a token (letters and digits; "_" separates)
_TOKEN = re.compile(r"[^\W_]")


def _any(conditions: Iterable[pw.ColumnBase]) -> pw.ColumnBase:
    return functools.reduce(operator.or_, conditions)


def _accent_table() -> tuple[str, str]:
    """(accented, plain) letters of Latin-1 and Latin Extended-A/B, for SQL translate()."""
    pairs = [(c, fold(c)) for c in map(chr, range(0xC0, 0x250))]
    kept = [(c, f) for c, f in pairs if len(f) == 1 and f.isascii() and f != c]
    return "".join(c for c, _ in kept), "".join(f for _, f in kept)


_ACCENTED, _PLAIN = _accent_table()


def _folded(column: pw.Field) -> pw.ColumnBase:
    """`column` without accents, on PostgreSQL (SQLite has no translate(); its
    word index does this there). ILIKE then ignores the case."""
    if is_sqlite():
        return column
    return pw.fn.translate(column, _ACCENTED, _PLAIN)


class LikeEngine:
    """Any database: LIKE (ILIKE on PostgreSQL) scans — correct, not fast."""

    def phones(self, digits: tuple[str, ...], limit: int) -> list[tuple[int, str, str]]:
        query = (
            Phone.select(Phone.lead, Phone.e164, Phone.label)
            .where(_any(Phone.e164 ** f"%{d}%" for d in digits))
            .order_by(Phone.id.desc())
            .limit(limit)
        )
        return list(tuples(query))

    def leads(self, terms: tuple[str, ...], fields: tuple[str, ...], limit: int) -> list[int]:
        where: pw.ColumnBase = pw.Value(True)
        for term in terms:
            pattern = f"%{_like_term(term)}%"
            where &= _any(_folded(getattr(Lead, f)) ** pattern for f in fields)
        query = Lead.select(Lead.id).where(where).order_by(Lead.id.desc()).limit(limit)
        return [r[0] for r in tuples(query)]

    def name_starts(self, terms: tuple[str, ...], limit: int) -> list[int]:
        where: pw.ColumnBase = pw.Value(True)
        for term in terms:
            word = _like_term(term)
            name = _folded(Lead.name)
            where &= (name ** f"{word}%") | (name ** f"% {word}%")
        query = Lead.select(Lead.id).where(where).order_by(Lead.id.desc()).limit(limit)
        return [r[0] for r in tuples(query)]

    def notes(self, terms: tuple[str, ...], limit: int) -> list[tuple[int, str]]:
        where = (Touch.note != "") & (Touch.channel != "system")
        for term in terms:
            where &= _folded(Touch.note) ** f"%{_like_term(term)}%"
        query = (
            Touch.select(Touch.lead, Touch.note).where(where).order_by(Touch.id.desc()).limit(limit)
        )
        return list(tuples(query))


# The texts migration 0014 indexes, exactly as it writes them (else no index is used).
def indexes_here(db: pw.Database) -> frozenset[str]:
    """Which of the search's PostgreSQL indexes (migrations 0014, 0020) this schema has.

    Asked once per connection (the catalog query costs a few ms a keystroke);
    a wrong answer would only cost speed: every engine finds the same rows."""
    if is_sqlite(db):
        return frozenset()
    cache = per_connection(db)
    if "indexes" not in cache:
        names = (*TRIGRAM_INDEXES, INITIALS_INDEX, POSTINGS_INDEX, NOTE_POSTINGS_INDEX,
                 PHONE_POSTINGS_INDEX)  # fmt: skip
        rows = db.execute_sql(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname = ANY(%s)",
            (list(names),),
        ).fetchall()
        cache["indexes"] = frozenset(r[0] for r in rows)
    found: frozenset[str] = cache["indexes"]
    return found


def has_trigram_index(db: pw.Database) -> bool:
    """Whether migration 0014 could make the trigram indexes here (PostgreSQL; 0021
    replaced those of `lead`)."""
    return not indexes_here(db).isdisjoint(TRIGRAM_INDEXES)


def per_connection(db: pw.Database) -> dict[Any, Any]:
    """What the search asked the catalog on this PostgreSQL connection (indexes,
    statistics), kept as long as the connection lives.

    Held by the connection object, weakly. Keyed by `id()` as it was, a closed
    connection's answers went to a new one that happened to reuse its address:
    the suite met another schema's "no trigram indexes" in the doctor's line."""
    return _PER_CONNECTION.setdefault(db.connection(), {})


_PER_CONNECTION: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()


def has_fts(db: pw.Database) -> bool:
    """Whether migration 0004 could build the FTS5 tables here."""
    return is_sqlite(db) and _has_table(db, "lead_fts")


def _has_table(db: pw.Database, name: str) -> bool:
    row = db.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return bool(row and row[0])


def search_method(db: pw.Database) -> str:
    """How search finds text in this store, in words (for `leaddesk doctor`)."""
    if has_fts(db):
        return "indexed (SQLite FTS5 trigrams)"
    here = indexes_here(db)
    # (0025 drops 0014's last GIN indexes where 0024's tables replace them: a store
    # with the posting tables may hold no trigram index at all)
    if has_trigram_index(db) or POSTINGS_INDEX in here:
        # pg_trgm would index the same ILIKE, but the bundled server (pgserver) ships
        # without it and a team's server may refuse CREATE EXTENSION: ours is in every
        # store, so both engines rank one corpus the same everywhere.
        row = db.execute_sql(
            "SELECT installed_version FROM pg_available_extensions WHERE name = 'pg_trgm'"
        ).fetchone()
        trgm = "not on this server" if row is None else "on this server, not needed"
        if POSTINGS_INDEX in here and NOTE_POSTINGS_INDEX in here:
            return (
                "indexed (PostgreSQL: lead fields from the posting table search_gram, newest"
                " first, migration 0021; notes and numbers from search_note_gram and"
                f" search_phone_gram, 0024; pg_trgm: {trgm})"
            )
        if POSTINGS_INDEX in here:
            return (
                "indexed (PostgreSQL: lead fields from the posting table search_gram, newest"
                " first, migration 0021; numbers and notes GIN over leaddesk_trigrams(),"
                f" 0014; pg_trgm: {trgm})"
            )
        one = "" if INITIALS_INDEX in here else "; one letter scans (no 0020 index)"
        return (
            "indexed (PostgreSQL GIN over leaddesk_trigrams(), migrations 0014 and 0020;"
            f" pg_trgm: {trgm}{one})"
        )
    if is_sqlite(db):
        return "scans (this SQLite has no FTS5 trigram tokenizer): slow on big stores"
    return (
        "scans: migration 0014 could not make its trigram indexes in this schema"
        " (a user without the right to create?): slow on big stores"
    )
