"""Reading spreadsheets as real files come: the encoding, the delimiter, and
every record with the line it started on.

Excel, Google Contacts, Outlook and CRMs write UTF-8 with or without a BOM,
UTF-16 ("Unicode text", usually tab-delimited) or Windows-1252; commas,
semicolons (European Excel) or tabs; quoted fields with newlines inside. A
record is therefore not a line: each one carries the physical line it starts
on, which is what a rep sees in an editor.

Files are streamed: memory does not grow with their size.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO

from leaddesk.core.domain.errors import InvalidInput

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SAMPLE_BYTES = 64 * 1024
CHUNK = 1 << 20
# A quote that never closes swallows the rest of the file into one field;
# csv stops at this size instead of reading gigabytes into memory.
FIELD_LIMIT = 1 << 20
_EOF = "\x00leaddesk-end-of-file\x00"
_SEP_LINE = re.compile(r"^sep=(.)\r?\n?$")  # Excel's "sep=;" first line


@dataclass(frozen=True)
class Record:
    line: int  # the physical line the record starts on (1-based)
    fields: list[str]

    @property
    def blank(self) -> bool:
        # as `not any(f.strip() for f in fields)`, in one pass over the joined text
        return not "".join(self.fields).strip()


def detect_encoding(path: Path) -> str:
    """The codec to read `path` with: BOMs first, then UTF-16 without a BOM
    (every other byte NUL), then UTF-8 if the whole file decodes, else
    Windows-1252 (what Excel writes as "CSV" on Windows)."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    guess = _utf16_without_bom(head[:4096])
    if guess:
        return guess
    return "utf-8" if _all_utf8(path) else "cp1252"


def _utf16_without_bom(sample: bytes) -> str | None:
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0 : pairs * 2 : 2].count(0)
    odd_nul = sample[1 : pairs * 2 : 2].count(0)
    # ASCII text in UTF-16 has a NUL in every code unit's high byte.
    if odd_nul >= 0.4 * pairs and even_nul <= 0.05 * pairs:
        return "utf-16-le"
    if even_nul >= 0.4 * pairs and odd_nul <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _all_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: the one that splits the header into several
    columns and the rows into as many (quote-aware, so a newline or a comma
    inside a quoted field does not mislead it, as it does csv.Sniffer)."""
    best, best_score = ",", (False, 0.0, 0)
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    for delimiter in DELIMITERS:
        try:
            records = [
                r for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(trim_trailing(records[0]))
        rows = records[1:-1] or records[1:]  # the last may be cut by the sample
        fits = [len(r) >= width and len(trim_trailing(r)) <= width for r in rows]
        score = (width > 1, sum(fits) / len(fits) if fits else 1.0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def trim_trailing(fields: list[str]) -> list[str]:
    """Without trailing empty cells (Excel pads rows to the widest one)."""
    end = len(fields)
    while end and not fields[end - 1].strip():
        end -= 1
    return fields[:end]


class Table:
    """A delimited text file read record by record.

    `records()` yields every record (blank ones too) with its starting line;
    `position` is how many bytes have been consumed, for progress.
    """

    def __init__(
        self, path: str | Path, encoding: str | None = None, delimiter: str | None = None
    ) -> None:
        self.path = Path(path).expanduser()
        _check_readable(self.path)
        self.size = self.path.stat().st_size
        if self.size == 0:
            raise InvalidInput(f"{self.path} is empty")
        _refuse_workbooks(self.path)
        self.encoding = encoding or detect_encoding(self.path)
        try:
            codecs.lookup(self.encoding)
        except LookupError:
            raise InvalidInput(f"unknown encoding {self.encoding!r}") from None
        first, sample = self._sample()
        self._skip_sep = False
        sep = _SEP_LINE.match(first)
        if delimiter:
            self.delimiter = _delimiter(delimiter)
        elif sep:
            self.delimiter = sep.group(1)
        else:
            self.delimiter = detect_delimiter(sample)
        self._skip_sep = bool(sep)
        self._binary: IO[bytes] | None = None

    def _open_text(self) -> tuple[IO[bytes], io.TextIOWrapper]:
        binary = open(self.path, "rb")  # noqa: SIM115 - the caller closes both
        # Undecodable bytes in a legacy file become U+FFFD (visible in the
        # rejects file) rather than aborting a 100k-row import.
        errors = "strict" if self.encoding == "utf-8" else "replace"
        text = io.TextIOWrapper(binary, encoding=self.encoding, errors=errors, newline="")
        return binary, text

    def _sample(self) -> tuple[str, str]:
        binary, text = self._open_text()
        with binary, text:
            sample = text.read(SAMPLE_BYTES)
        first = sample.split("\n", 1)[0] + "\n" if sample else ""
        return first, sample

    @property
    def position(self) -> int:
        return self._binary.tell() if self._binary is not None else 0

    @property
    def description(self) -> str:
        return f"{self.encoding}, {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}"

    def records(self) -> Iterator[Record]:
        binary, text = self._open_text()
        self._binary = binary
        with binary, text:
            offset = 0
            lines: Iterator[str] = text
            if self._skip_sep:
                next(text, None)
                offset = 1
            first = next(text, None)
            if first is None:
                return
            # A UTF-8 BOM read as Windows-1252 or a stray one in UTF-8 text. The
            # sentinel line tells a clean end from a quote left open at the end
            # (csv then silently returns the rest of the file as one field).
            lines = chain([first.lstrip("\ufeff")], text, [_EOF + "\n"])
            reader = csv.reader(lines, delimiter=self.delimiter, quotechar='"', strict=False)
            previous = 0
            old_limit = csv.field_size_limit(FIELD_LIMIT)
            try:
                while True:
                    try:
                        fields = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:
                        raise InvalidInput(
                            f"{self.path.name}: line {offset + reader.line_num}: {exc}"
                            " (is a quote left open?)"
                        ) from None
                    if fields and fields[-1].rstrip("\r\n").endswith(_EOF):
                        if fields == [_EOF]:
                            return
                        raise InvalidInput(
                            f"{self.path.name}: line {offset + previous + 1}: a quoted field"
                            ' starts in this record and never ends (an unmatched ")'
                        )
                    yield Record(offset + previous + 1, fields)
                    previous = reader.line_num
            except UnicodeDecodeError as exc:
                raise InvalidInput(
                    f"{self.path.name} is not valid {self.encoding}: {exc}"
                ) from None
            finally:
                csv.field_size_limit(old_limit)


WORKBOOK_MAGIC = {
    b"PK\x03\x04": "a spreadsheet workbook (.xlsx or .ods)",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
}


def _refuse_workbooks(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(4)
    for magic, what in WORKBOOK_MAGIC.items():
        if head == magic:
            raise InvalidInput(
                f"{path.name} is {what}, not a CSV file: save it as CSV (UTF-8) and import that"
            )


def _delimiter(text: str) -> str:
    names = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
    value = names.get(text.lower(), text)
    if len(value) != 1 or value in '"\r\n':
        raise InvalidInput(f"delimiter {text!r}: use one character, or comma, semicolon, tab")
    return value


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InvalidInput(f"no file {path}")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a file")
