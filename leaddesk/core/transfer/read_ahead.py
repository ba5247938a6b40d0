"""A spreadsheet's rows read and checked ahead of the writer, in a second process.

Reading a row — the CSV, its cells, phones, dates, the validator — is about half
of an import's CPU and needs nothing from the store, so a big file has it done
by a worker process on the machine's other core while this one writes the
batches (issue 15: a million rows). Both ways run the same `RowReader` over the
same records and hand the importer the same events in the same order, so the
outcome cannot differ: only where the reading runs does.

The worker is spawned (never forked: the desk runs an import in a thread, and a
fork of a threaded process may inherit a held lock), sends its events in chunks
through a pipe — whose small buffer holds it back when the writer falls behind,
so memory stays flat — and is stopped when the importer stops reading (a cancel,
an error). An error while reading (a quote left open) reaches the importer after
every row before it, as it does in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pendulum import DateTime

from leaddesk.core.domain.errors import InvalidInput, LeadDeskError
from leaddesk.core.domain.settings import Settings
from leaddesk.core.transfer.lead_writer import prepare
from leaddesk.core.transfer.mapping import Mapping
from leaddesk.core.transfer.rows import Candidate, RowReader
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


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def events(
    table: Table, header_line: int, reader: RowReader, now: DateTime
) -> Iterator[tuple[list[Event], int]]:
    """The rows after the header, a chunk at a time, each chunk with the bytes
    read so far (for progress). In this process."""
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
    """`events`, read by a worker process."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work,
        args=(send, str(path), encoding, delimiter, header_line, mapping, settings, now),
        name="leaddesk-import-reader",
        daemon=True,  # never outlives the importer, whatever stops it
    )
    with _stderr_with_a_descriptor():
        worker.start()
    send.close()  # the worker's end: EOF here when it dies
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                raise InvalidInput(
                    f"{path.name}: the process reading it stopped unexpectedly"
                ) from None
            if kind == "rows":
                yield payload
            elif kind == "error":
                raise payload
            else:
                return
    finally:
        receive.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


@contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """A spawn starts multiprocessing's resource tracker with `sys.stderr.fileno()`
    among the descriptors it keeps; in the desk Textual has replaced sys.stderr with
    a capture whose fileno() is -1, and the start failed ("bad value(s) in
    fds_to_keep": the desk closed on a traceback). There the tracker gets /dev/null:
    nothing it might say belongs on the rep's screen."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    captured = sys.stderr
    with open(os.devnull, "w") as sink:
        sys.stderr = sink
        try:
            yield
        finally:
            sys.stderr = captured


def _work(
    send: Connection,
    path: str,
    encoding: str,
    delimiter: str,
    header_line: int,
    mapping: Mapping,
    settings: Settings,
    now: DateTime,
) -> None:
    """The worker: read the file and send its events, then ("end", None)."""
    try:
        table = Table(path, encoding, delimiter)
        reader = RowReader(mapping, settings)
        for chunk in events(table, header_line, reader, now):
            send.send(("rows", chunk))
        send.send(("end", None))
    except LeadDeskError as exc:
        send.send(("error", _plain(exc)))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the importer stopped reading
    except Exception:
        # a bug, not the file's fault: the importer raises it as one, with where it was
        trace = traceback.format_exc()
        send.send(("error", RuntimeError(f"reading {Path(path).name} failed:\n{trace}")))
    finally:
        send.close()


def _plain(exc: LeadDeskError) -> Any:
    """The error as the importer can receive it (every LeadDeskError takes its text)."""
    try:
        return type(exc)(str(exc))
    except TypeError:  # pragma: no cover - an error class with other arguments
        return InvalidInput(str(exc))
