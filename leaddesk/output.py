"""What the command line writes: nothing a terminal would obey instead of show.

Lead names, notes and paths come from people and spreadsheets; an ESC in a
name must not recolour, retitle or clear the rep's terminal. Every command's
stdout and stderr pass through `guarded()`, so a command added later is
covered without remembering to; JSON escapes the same characters so the data
survives byte for byte.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, NoReturn, TextIO

from leaddesk.core.domain.record import Record, fields
from leaddesk.core.domain.text import CONTROLS, printable


class PrintableStream:
    """A text stream that shows terminal controls as placeholders."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("PrintableStream takes text")  # click probes with bytes
        self._stream.write(printable(text))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def guarded() -> Iterator[None]:
    """Route sys.stdout and sys.stderr through PrintableStream for a while."""
    saved = sys.stdout, sys.stderr
    sys.stdout = PrintableStream(sys.stdout)
    sys.stderr = PrintableStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def reader_gone() -> NoReturn:
    """The reader went away (`leaddesk due | head`): nothing to say, exit 1.

    __stdout__ too: the interpreter flushes it at exit and would complain again.
    """
    import os

    sys.stdout = sys.__stdout__ = open(os.devnull, "w")  # type: ignore[misc]  # noqa: SIM115
    sys.exit(1)


def json_text(data: Any) -> str:
    """JSON with every terminal control escaped (\\u009b), so it prints safely
    and still decodes to exactly the same strings."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    # json escapes C0 itself; C1 and bidi controls can only sit inside strings.
    return CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def plain(value: Any) -> Any:
    """Core values as JSON data: a dataclass or record becomes an object of its fields (in
    their order), a date or time ISO 8601, a tuple a list; anything else as is."""
    if value is None or isinstance(value, (str, int, float)):
        # Most values are these: answered before the dataclass test, which costs
        # a getattr on every one (`due --json` walks ~1,000 values).
        return value
    if isinstance(value, Record):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if hasattr(type(value), "__dataclass_fields__"):
        # A dataclass: its module is loaded already (its class was made by it), so
        # this costs nothing, where importing it at the top cost `due` ~40 M
        # instructions (with inspect and ast) for no dataclass it prints.
        import dataclasses

        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, date):  # a DateTime is a date too
        return value.isoformat()
    return value


def pick(obj: object, keys: str, **values: Any) -> dict[str, Any]:
    """The JSON object a command promises, taken from one core dataclass.

    `keys` lists the object's keys in order, each an attribute of `obj`, or
    `key=attribute` where the promised name differs from the field's; a key
    passed in `values` takes that value instead (a 1-based step, "" shown as
    null). Keys in `values` but not in `keys` come last.
    """
    out: dict[str, Any] = {}
    for item in keys.split():
        key, _, attr = item.partition("=")
        out[key] = values.pop(key) if key in values else getattr(obj, attr or key)
    out.update(values)
    return {key: plain(value) for key, value in out.items()}
