"""A spreadsheet's rows read and checked ahead of the writer, in a second process.

Reading a row — the CSV, its cells, phones, dates, the validator — is about half
of an import's CPU and needs nothing from the store, so a big file has it done
by a worker process on the machine's other core while this one writes the
batches (issue 15: a million rows). Both ways run the same `RowReader` over the
same records and hand the importer the same events in the same order, so the
outcome cannot differ: only where the reading runs does.

The worker (spawned.py) sends its events in chunks and is stopped when the
importer stops reading (a cancel, an error). An error while reading (a quote left
open) reaches the importer after every row before it, as it does in one process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

from pendulum import DateTime

from leaddesk.core.domain.errors import LeadDeskError
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.bulk_settings import cores as _cores
from leaddesk.core.transfer.lead_writer import prepare
from leaddesk.core.transfer.mapping import Mapping
from leaddesk.core.transfer.rows import Candidate, Reread, RowReader
from leaddesk.core.transfer.spawned import made_in_worker
from leaddesk.core.transfer.tabular import Table

# One row: (line, cells — of a rejected row only —, the candidate — or the reason it
# is rejected, or None for a blank line —, the warnings reading it gave).
Event = tuple[int, list[str], Candidate | str | None, list[str]]
CHUNK = 250  # rows per message: large enough that a message's overhead is nothing
# Below this a second process costs more than it saves (its start-up ~0.3 s of CPU,
# measured; a row ~80 µs): ~25,000 rows of a typical lead list.
MIN_BYTES = 3 << 20


def worth_a_worker(size: int) -> bool:
    """Whether a file of `size` bytes is read in a second process: big enough, and a
    second core to run it on."""
    return size >= MIN_BYTES and _cores() >= 2


def events(
    table: Table, header_line: int, reader: RowReader, now: DateTime, reread: Reread | None = None
) -> Iterator[tuple[list[Event], int]]:
    """The rows after the header, a chunk at a time, each chunk with the bytes
    read so far (for progress). In this process; `reread`, for events sent to
    another: how that one reads a row again (a candidate crosses with its cells)."""
    chunk: list[Event] = []
    try:
        for record in table.records():
            if record.line <= header_line:
                continue
            if record.blank:
                chunk.append((record.line, record.fields, None, []))
            else:
                warnings: list[str] = []
                outcome = reader.read(record, now, warnings.append)
                if isinstance(outcome, str):
                    chunk.append((record.line, record.fields, outcome, warnings))
                else:
                    outcome.rows = prepare(
                        outcome.draft, outcome.phones, now, reader.settings, outcome.email
                    )
                    if reread is not None:
                        outcome.source = reread, record.fields
                    chunk.append((record.line, [], outcome, warnings))  # cells: for a reject
            if len(chunk) >= CHUNK:
                yield chunk, table.position
                chunk = []
    except LeadDeskError:
        if chunk:  # the rows before the one that stops the file, as one process sees them
            yield chunk, table.size
        raise
    if chunk:
        yield chunk, table.size  # read to the end (and closed: no position to ask)


def events_in_worker(
    path: Path,
    encoding: str,
    delimiter: str,
    header_line: int,
    mapping: Mapping,
    settings: Settings,
    now: DateTime,
) -> Iterator[tuple[list[Event], int]]:
    """`events`, read by a worker process (spawned.py)."""
    return made_in_worker(
        _read,
        (str(path), encoding, delimiter, header_line, mapping, settings, now),
        name="leaddesk-import-reader",
        what=f"reading {path.name}",
    )


def _read(
    path: str,
    encoding: str,
    delimiter: str,
    header_line: int,
    mapping: Mapping,
    settings: Settings,
    now: DateTime,
) -> Iterator[tuple[list[Event], int]]:
    """The worker's half: the file's events, read there."""
    # What the worker holds before its first row (its modules, phonenumbers' metadata)
    # lives as long as it does: out of the collector's sight, its full passes over
    # a million rows' garbage stop walking it again and again.
    gc.freeze()
    table = Table(path, encoding, delimiter)
    reread = Reread(mapping, settings, now)
    yield from events(table, header_line, RowReader(mapping, settings), now, reread)
