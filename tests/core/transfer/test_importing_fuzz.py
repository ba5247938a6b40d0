"""Property tests: whatever the file holds, the importer never crashes and never
imports part of a file.

Either the file is refused whole (InvalidInput, nothing written) or the
summary adds up and the database grew by exactly the rows it says it
imported; importing the same file again then adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from contextlib import contextmanager

import pendulum
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.settings import Settings
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.transfer.importing import import_file, open_source

NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")
SETTINGS = Settings(rep_name="fuzz", rep_timezone="America/Chicago")
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = [
    "Name", "First Name", "Last Name", "Company", "Phone", "Mobile", "Email", "Street",
    "City", "Zip", "Country", "Created Date", "Notes", "Tags", "Time Zone", "Phone 1 - Value",
    "Phone 1 - Type", "Lead Source", "", "Whatever",
]  # fmt: skip
PHONES = st.from_regex(r"\(?[2-9]\d{2}\)? ?\d{3}-\d{4}", fullmatch=True)
EMAILS = st.from_regex(r"[a-zA-Z]{1,8}@[a-z]{1,8}\.(com|org)", fullmatch=True)
CELLS = st.one_of(
    st.text(max_size=30),
    PHONES,
    EMAILS,
    st.sampled_from(["Dana", "Ravi Patel", "Acme", "1 Main St"]),
    st.sampled_from(
        [
            "(212) 555-0142", "+1 312 555 0177", "12", "dana@example.com", "DANA@EXAMPLE.COM",
            "not@", "2026-11-20", "31/31/2026", "=SUM(A1)", "'+12125550142", "a\nb", '"',
            "America/New_York", "Mars/Base", "x" * 300, " ::: ", "\x00", "\r", ";", "\t",
        ]
    ),
)  # fmt: skip


def totals() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (Lead, Phone, Touch, Appointment)}


@contextmanager
def fresh_store(tmp_path):
    """A new database for one example (examples must not see each other's leads)."""
    path = tmp_path / f"fuzz-{uuid.uuid4().hex}.db"
    open_store(str(path))
    try:
        yield
    finally:
        close_store()
        for leftover in tmp_path.glob(path.name + "*"):
            leftover.unlink()


def attempt(path, tmp_path, record=event):
    """(summary or None when refused, lead delta); checks nothing half-written."""
    before = totals()
    try:
        source = open_source(path)
        summary = import_file(source, NOW, SETTINGS, rejects_path=tmp_path / "rejects.csv")
    except InvalidInput:
        assert totals() == before, "a refused file wrote nothing"
        record("refused whole")
        return None, 0
    assert summary.balanced, summary.as_json()
    after = totals()
    assert after["Lead"] - before["Lead"] == summary.imported
    assert after["Touch"] - before["Touch"] == summary.imported  # one "received" each
    record("imported some" if summary.imported else "imported none")
    return summary, after["Lead"] - before["Lead"]


@FUZZ
@given(
    head=st.sampled_from([b"", b"Name,Phone,Email\n", b"Name;Phone\r\n", b"\xff\xfeN\x00"]),
    data=st.binary(max_size=2000),
)
def test_random_bytes_never_crash_nor_half_import(store, tmp_path, head, data):
    path = tmp_path / "random.csv"
    path.write_bytes(head + data)
    attempt(path, tmp_path)


@FUZZ
@given(
    header=st.tuples(
        st.sampled_from(["Name", "First Name", "Company", "Whatever"]),
        st.sampled_from(["Phone", "Email", "Street", "Mobile", "Phone 1 - Value"]),
        st.lists(st.sampled_from(HEADERS), max_size=6),
    ).map(lambda t: [t[0], t[1], *t[2]]),
    rows=st.lists(
        st.tuples(
            st.one_of(st.sampled_from(["Dana", "Ravi Patel", "Acme"]), CELLS),
            st.one_of(PHONES, EMAILS, CELLS),
            st.lists(CELLS, max_size=7),
        ).map(lambda t: [t[0], t[1], *t[2]]),
        min_size=1,
        max_size=12,
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    blank_lines=st.booleans(),
)
def test_random_csv_imports_whole_and_only_once(
    store, tmp_path, header, rows, delimiter, encoding, blank_lines
):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if blank_lines:
            out.write("\r\n")
    path = tmp_path / "random.csv"
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))
    with fresh_store(tmp_path):
        first, _ = attempt(path, tmp_path)
        if first is None:
            return
        again, added = attempt(path, tmp_path)
        assert again is not None and added == 0, "the same file twice adds nothing"
        assert again.rows_read == first.rows_read


@FUZZ
@given(lines=st.lists(st.one_of(st.text(max_size=80), st.builds(json.dumps, st.dictionaries(
    st.sampled_from(["lead", "phones", "touches", "appointments", "x"]),
    st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=3),
              st.fixed_dictionaries({"id": st.integers(), "name": st.text(max_size=5)})),
))), max_size=8))  # fmt: skip
def test_random_export_records_never_crash(store, tmp_path, lines):
    header = {"format": "leaddesk-export", "version": 1, "schema": 1, "reps": [], "zone_sets": []}
    path = tmp_path / "random.jsonl"
    path.write_text("\n".join([json.dumps(header), *lines]) + "\n", encoding="utf-8")
    summary, _ = attempt(path, tmp_path)
    if summary is not None:
        assert summary.kind == "jsonl"


@pytest.mark.parametrize("size", [1, 2, 3])
def test_tiny_files(store, tmp_path, size):
    path = tmp_path / "tiny.csv"
    path.write_bytes(b"a,b,c"[:size])
    attempt(path, tmp_path, record=lambda _: None)
