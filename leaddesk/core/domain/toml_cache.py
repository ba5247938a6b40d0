"""TOML parsed once per text: each file's parsed form kept in the user cache folder.

`leaddesk due` reads its config and the shipped rule packs on every run; importing
tomllib (its patterns are compiled as it loads) and parsing them cost ~25 M of its
~306 M instructions. An entry holds the very text it was parsed from and answers only
for that text, so an edited file, another release's pack or a cache that is stale,
corrupt, unreadable or unwritable all end in a plain parse — the same answer, more
slowly. An entry is written only when it reads back equal to what tomllib gave.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from leaddesk import paths

FORMAT = 1  # bump when the entry's layout changes: older entries are then misses
# A JSON object {_TAG: [kind, isoformat]} stands for a TOML date, time or date-time
# (JSON has none). A document with a table of that one key would read back as a
# date: the check on writing keeps it out of the cache.
_TAG = "\x00toml"
_KINDS: dict[str, Any] = {"datetime": datetime, "date": date, "time": time}
# What a bad cache can raise while read or written: a missing, unreadable or
# unwritable file (OSError), text that is not JSON or not an entry (ValueError,
# TypeError, UnicodeDecodeError), nesting too deep to decode (RecursionError), no
# home folder to put it in (RuntimeError, from platformdirs).
_BAD_CACHE = (OSError, ValueError, TypeError, RecursionError, RuntimeError)


class TomlError(ValueError):
    """The text is not TOML; the message is tomllib's (line and column)."""


def parse(text: str, key: str | None) -> dict[str, Any]:
    """`tomllib.loads(text)`, from the cache when it holds `text` under `key` (the
    file's path: one entry per file; None: no cache). A TomlError when the text is
    not TOML."""
    place = _place(key) if key is not None else None
    found = _read(place, text) if place is not None else None
    if found is not None:
        return found
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlError(str(exc)) from None
    if place is not None:
        _write(place, text, data)
    return data


def _place(key: str) -> Path | None:
    # zlib here, not hashlib: a name for the file, not a check of it (the entry's
    # text is compared whole); two keys on one name only take turns.
    import zlib

    try:
        return paths.cache_dir() / "toml" / f"{zlib.crc32(key.encode()):08x}.json"
    except _BAD_CACHE:
        return None


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and _TAG in obj:
        kind, text = obj[_TAG]
        return _KINDS[kind].fromisoformat(text)
    return obj


def _encode(value: Any) -> dict[str, list[str]]:
    # datetime first: it is a date too
    for kind in ("datetime", "date", "time"):
        if isinstance(value, _KINDS[kind]):
            return {_TAG: [kind, value.isoformat()]}
    raise TypeError(f"{type(value).__name__} is not a TOML value")


def _read(place: Path, text: str) -> dict[str, Any] | None:
    try:
        entry = json.loads(place.read_text(encoding="utf-8"), object_hook=_decode)
        if entry["format"] == FORMAT and entry["text"] == text:
            data = entry["data"]
            return data if isinstance(data, dict) else None
    except (*_BAD_CACHE, KeyError, IndexError):
        pass  # a miss: parse the text
    return None


def _write(place: Path, text: str, data: dict[str, Any]) -> None:
    partial = place.with_name(f"{place.name}.{os.getpid()}.partial")
    try:
        encoded = json.dumps({"format": FORMAT, "text": text, "data": data}, default=_encode)
        if json.loads(encoded, object_hook=_decode)["data"] != data:
            return  # a value JSON cannot carry back (NaN, a table named like _TAG)
        place.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # owner-only: a config names the rep and the team's database
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(encoded)
        os.replace(partial, place)  # whole or not at all, for a reader at the same moment
    except _BAD_CACHE:
        # no cache this time (the next run parses again), and no partial file left
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
