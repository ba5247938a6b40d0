"""Spreadsheet import: read, map, validate, dedupe and write — never losing or
duplicating a row.

Every data row ends up in exactly one of four counts — imported, updated,
skipped as a duplicate, rejected — so they add up to the rows read. A rejected
row goes to the rejects file with its original line number, the reason and its
original fields (fix it there and import that file).

A spreadsheet goes in one transaction per batch of rows (BATCH): a million-row
import holds the write lock for a fraction of a second at a time, so an open
desk's keystrokes on the same file land in between (issue 15; `make bench
--bulk` measures their wait). A kill or a cancel keeps the batches committed so
far — each batch whole: leads with their phones and history — and importing the
same file again finishes it (those rows come back as duplicates). The CLI's
import and the desk's both go in batches. With `whole_file` (all or nothing) or
`dry_run` the file is ONE transaction, rolled back for the dry run, which runs
exactly the same code and so shows exactly what would happen (its write lock is
held for the whole file: another writer waits for it, up to its busy timeout).

A file of a few MB or more is read, checked and turned into rows by a second
process while this one dedupes and writes (`read_ahead`): the same events in the
same order, so the same outcome.

Rows go in with `executemany` on peewee's connection, a batch at a time;
duplicates are looked up per batch against the database, which by then also
holds the earlier rows of this file — so memory stays flat however long the
file is.

A leaddesk JSONL export (see `fulldump`) is recognised by its first line and
imported with full fidelity instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput, LeadDeskError
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.bulk_settings import relaxed_sync
from leaddesk.core.store.db import atomic_write, database
from leaddesk.core.transfer.dedupe import Key, known_keys, update_leads
from leaddesk.core.transfer.fulldump import is_export
from leaddesk.core.transfer.fulldump_import import import_records
from leaddesk.core.transfer.import_report import (
    MAX_NOTES,
    ImportCancelled,
    ImportSummary,
    Progress,
    RejectsFile,
    RowNote,
    preview_lines,
)
from leaddesk.core.transfer.lead_writer import LeadWriter
from leaddesk.core.transfer.mapping import Mapping, parse_overrides, plan_mapping
from leaddesk.core.transfer.read_ahead import Event, events, events_in_worker, worth_a_worker
from leaddesk.core.transfer.rows import Candidate, RowReader
from leaddesk.core.transfer.tabular import Table

# The names callers (CLI, the desk's import screen) use, all here.
__all__ = [
    "ImportCancelled",
    "ImportSummary",
    "RowNote",
    "Source",
    "import_file",
    "open_source",
    "preview_lines",
]

BATCH = 1000  # rows per dedupe lookup and executemany round
ON_DUPLICATE = ("skip", "update")
T = TypeVar("T")


@dataclass
class Source:
    """A file ready to import: what it is and how its columns map."""

    path: Path
    kind: str  # csv | jsonl
    table: Table | None = None
    header: list[str] = field(default_factory=list)
    header_line: int = 0
    mapping: Mapping | None = None

    @property
    def encoding(self) -> str:
        return self.table.encoding if self.table else "utf-8"

    @property
    def delimiter(self) -> str:
        return self.table.delimiter if self.table else ""

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def open_source(
    path: str | Path,
    *,
    overrides: Sequence[str] = (),
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Source:
    """Inspect a file: JSONL export or delimited text; for text, its header and mapping.

    Raises InvalidInput when it cannot be imported at all (no such file, no
    header, no column that names a person or a way to reach them).
    """
    p = Path(path).expanduser()
    if is_export(p):
        if overrides:
            raise InvalidInput("--map does not apply to a leaddesk JSONL export")
        return Source(p, "jsonl")
    table = Table(p, encoding, delimiter)
    header: list[str] | None = None
    header_line = 0
    for record in table.records():
        if not record.blank:
            header, header_line = [h.strip() for h in record.fields], record.line
            break
    if header is None:
        raise InvalidInput(f"{p.name} has no header row (the file holds only blank lines)")
    mapping = plan_mapping(header, parse_overrides(list(overrides)))
    _check_mapping(mapping, header, p)
    return Source(p, "csv", table, header, header_line, mapping)


def _check_mapping(mapping: Mapping, header: list[str], path: Path) -> None:
    fields = mapping.fields()
    shown = ", ".join(repr(h) for h in header[:12] if h) + (" …" if len(header) > 12 else "")
    hint = "; name them with --map COLUMN=field"
    if not fields & {"phone", "email", "street", "address"}:
        raise InvalidInput(f"{path.name}: no phone, email or address column among {shown}{hint}")
    if not fields & {"name", "first_name", "last_name", "company"}:
        raise InvalidInput(f"{path.name}: no name or company column among {shown}{hint}")


def import_file(
    source: Source,
    now: DateTime,
    settings: Settings,
    *,
    dry_run: bool = False,
    on_duplicate: str = "skip",
    rejects_path: str | Path | None = None,
    progress: Progress | None = None,
    owner: str | None = None,
    whole_file: bool = False,
) -> ImportSummary:
    """Import `source`: a spreadsheet one transaction per batch, a JSONL export, a
    dry run (rolled back) or `whole_file` in one transaction.

    Rejected rows are written to `rejects_path` (default for a real import:
    `<file>.rejects.csv` beside the input) only when there are any. `owner`
    gives new leads to a rep by name, or "round-robin" across the reps (team
    mode); without it they go to the pool.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidInput(f"--on-duplicate {on_duplicate!r}: use skip or update")
    summary = ImportSummary(
        file=str(source.path),
        kind=source.kind,
        encoding=source.encoding,
        delimiter=source.delimiter,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        mapping=source.mapping,
    )
    if rejects_path is None and not dry_run:
        rejects_path = default_rejects_path(source.path)
    target = Path(rejects_path).expanduser() if rejects_path else None
    rejects = RejectsFile(target, source.path, source.header)

    batches = source.kind == "csv" and not (dry_run or whole_file)

    def work() -> ImportSummary:
        if source.kind == "jsonl":
            import_records(source.path, summary, now, settings, rejects, progress)
        else:
            commit = atomic_write if batches else _inside
            _CsvImport(source, summary, now, settings, rejects, progress, owner, commit).run()
        if dry_run:
            raise _RollBack()
        return summary

    try:
        work() if batches else atomic_write(work)
    except _RollBack:
        pass
    except LeadDeskError as exc:
        rejects.discard()
        kept = summary.imported + summary.updated
        if batches and kept:
            raise type(exc)(
                f"{exc} — {kept:,} rows were imported before it stopped; import the same "
                "file again to finish (those rows are skipped as duplicates)"
            ) from exc
        raise
    except BaseException:
        rejects.discard()
        raise
    summary.rejects_file = rejects.finish()
    return summary


def default_rejects_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejects.csv")


class _RollBack(Exception):
    """Raised inside the transaction of a dry run so nothing is kept."""


def _inside(fn: Callable[[], T]) -> T:
    """A batch of a whole-file import: already inside its one transaction."""
    return fn()


class _CsvImport:
    def __init__(
        self,
        source: Source,
        summary: ImportSummary,
        now: DateTime,
        settings: Settings,
        rejects: RejectsFile,
        progress: Progress | None,
        owner: str | None,
        commit: Callable[[Callable[[], None]], None],
    ) -> None:
        assert source.table is not None and source.mapping is not None
        self.source = source
        self.summary = summary
        self.now = now
        self.settings = settings
        self.rejects = rejects
        self.progress = progress
        self.commit = commit
        self.reader = RowReader(source.mapping, settings)
        self.writer = LeadWriter(now, settings, owner, dry_run=summary.dry_run)
        # Keys a skipped duplicate row brought that its lead does not hold (an
        # email beside a known phone). Only duplicates add to it.
        self.aliases: dict[Key, int] = {}

    def run(self) -> None:
        table = self.source.table
        assert table is not None
        size = table.size
        # Every batch but the last commits without an fsync; the last, at FULL, syncs
        # them all (`relaxed_sync`), so a batch is held until the next row comes.
        with relaxed_sync(database.obj):
            batch = self._batches(table, size)
        self.commit(partial(self._batch, batch))
        if self.progress:
            self.progress(size, size)

    def _batches(self, table: Table, size: int) -> list[Candidate]:
        """Read the file, committing every full batch; the last batch, not committed."""
        batch: list[Candidate] = []
        for chunk, position in self._events(table):
            for line, fields, outcome, warnings in chunk:
                if outcome is None:
                    self.summary.blank_lines += 1
                    continue
                self.summary.rows_read += 1
                for text in warnings:
                    self.summary.note("warning", line, text)
                if isinstance(outcome, str):
                    self._reject(line, outcome, fields)
                    continue
                if len(batch) >= BATCH:
                    self.commit(partial(self._batch, batch))
                    batch = []
                    if self.progress:  # between batches: a cancel keeps whole batches
                        self.progress(position, size)
                batch.append(outcome)
        return batch

    def _events(self, table: Table) -> Iterator[tuple[list[Event], int]]:
        """The rows, read here or — a big file — by a worker process meanwhile."""
        source = self.source
        if not worth_a_worker(table.size):
            yield from events(table, source.header_line, self.reader, self.now)
            return
        assert source.mapping is not None
        chunks = events_in_worker(
            table.path,
            table.encoding,
            table.delimiter,
            source.header_line,
            source.mapping,
            self.settings,
            self.now,
        )
        yield from chunks

    def _reject(self, line: int, reason: str, fields: Sequence[str]) -> None:
        self.summary.rejected += 1
        self.summary.note("reject", line, reason)
        self.rejects.add(line, reason, fields)

    def _batch(self, batch: list[Candidate]) -> None:
        """One batch, inside its transaction."""
        if not batch:
            return
        self.writer.begin(len(batch))
        known = known_keys(k for c in batch for k in c.keys)
        pending: dict[Key, int] = {}
        updates: list[tuple[Candidate, int]] = []
        aliases = self.aliases
        for c in batch:
            matches = set()
            for key in c.keys:
                matches |= known.get(key, set())
                if key in pending:
                    matches.add(pending[key])
                elif key in aliases:
                    matches.add(aliases[key])
            if not matches:
                lead_id = self.writer.add_prepared(c)
                for key in c.keys:
                    pending[key] = lead_id
                self.summary.imported += 1
                continue
            target = min(matches)
            if len(matches) == 1:
                # The row is that lead: its other phone or email finds it too,
                # in a later row of this file.
                for key in c.keys:
                    if key not in known and key not in pending:
                        aliases[key] = target
            if self.summary.on_duplicate == "update" and len(matches) == 1:
                updates.append((c, target))
                for key in c.keys:
                    pending[key] = target
                continue
            self._duplicate(c, sorted(matches))
        self.writer.end()
        done = update_leads([(lead_id, c.draft, c.phones) for c, lead_id in updates], self.now)
        for (c, lead_id), changed in zip(updates, done, strict=True):
            if changed:
                self.summary.updated += 1
            else:
                self._duplicate(c, [lead_id], "nothing new to update")

    def _duplicate(self, c: Candidate, lead_ids: list[int], why: str = "") -> None:
        self.summary.skipped_duplicate += 1
        if len(self.summary.duplicates) >= MAX_NOTES:
            return
        mine = self.writer.from_file
        shown = ", ".join(f"#{i}" + (" (from this file)" if mine(i) else "") for i in lead_ids)
        text = f"same phone or email as lead {shown}" + (f": {why}" if why else "")
        if len(lead_ids) > 1:
            text = f"matches several leads ({shown}); not merged"
        self.summary.note("duplicate", c.line, text)
