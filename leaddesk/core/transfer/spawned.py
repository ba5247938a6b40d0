"""Work done ahead in a second process, handed over in chunks: an import's reading
(read_ahead.py) and a demo fill's rows (demo/making.py).

The worker is spawned (never forked: the desk runs an import or a fill in a thread,
and a fork of a threaded process may inherit a held lock), sends what it makes in
chunks through a pipe — whose small buffer holds it back when the writer falls
behind, so memory stays flat — and is stopped when the writer stops reading (a
cancel, an error): it never outlives the work. An error in the worker reaches the
writer after every chunk before it, as it would in one process, as one message.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from leaddesk.core.domain.errors import InvalidInput, LeadDeskError

Chunk = TypeVar("Chunk")


def made_in_worker(
    make: Callable[..., Iterable[Chunk]], args: tuple[Any, ...], *, name: str, what: str
) -> Iterator[Chunk]:
    """The chunks `make(*args)` yields, made by a spawned process meanwhile. `make` must
    be a module-level function (a spawn imports it by name); `what` names the work in
    the messages ("reading leads.csv")."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work,
        args=(send, make, args, what),
        name=name,
        daemon=True,  # never outlives the writer, whatever stops it
    )
    with _stderr_with_a_descriptor():
        worker.start()
    send.close()  # the worker's end: EOF here when it dies
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:
                raise InvalidInput(f"{what}: the process doing it stopped unexpectedly") from None
            if kind == "chunk":
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
    send: Connection, make: Callable[..., Iterable[Any]], args: tuple[Any, ...], what: str
) -> None:
    """The worker: send each chunk `make` yields, then ("end", None)."""
    try:
        for chunk in make(*args):
            send.send(("chunk", chunk))
        send.send(("end", None))
    except LeadDeskError as exc:
        send.send(("error", _plain(exc)))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the writer stopped reading
    except Exception:
        # a bug, not the input's fault: the writer raises it as one, with where it was
        trace = traceback.format_exc()
        send.send(("error", RuntimeError(f"{what} failed:\n{trace}")))
    finally:
        send.close()


def _plain(exc: LeadDeskError) -> Any:
    """The error as the writer can receive it (every LeadDeskError takes its text)."""
    try:
        return type(exc)(str(exc))
    except TypeError:  # pragma: no cover - an error class with other arguments
        return InvalidInput(str(exc))
