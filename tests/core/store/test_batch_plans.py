"""Every statement an import batch runs reads its own rows by key or range, never a
whole table or index: once per 1,000-row batch, a scan makes a million-row import
quadratic (issue 15). SQLite's plans, read with EXPLAIN QUERY PLAN on a store with
history (a demo fill), as the import runs them."""

from __future__ import annotations

import re

import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.store.db import database
from leaddesk.core.transfer.importing import import_file, open_source

# a full pass over one of these (a co-routine's or a temp b-tree's rows are fine)
BIG = re.compile(r"^SCAN (lead|touch|phone|appointment|first_connect)\b")


@pytest.mark.sqlite_only
def test_an_import_batch_scans_no_table(store, settings, now, tmp_path):
    fill_demo(40, now.subtract(days=3), settings, seed=5)
    # no ANALYZE: without statistics SQLite plans as for big tables (a million rows
    # each), which is what these statements meet at scale
    path = tmp_path / "rows.csv"
    path.write_text(
        "Name,Phone,Email,Street\n"
        + "".join(f"Lead {i},(212) 555-{i:04d},l{i}@example.org,{i} Main St\n" for i in range(30))
        + "Post Only,,,9 Elm St\n"
    )
    statements: list[str] = []
    connection = database.obj.connection()
    connection.set_trace_callback(statements.append)
    try:
        import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    finally:
        connection.set_trace_callback(None)
    scans = []
    for sql in statements:
        text = sql.strip()
        if not re.match(r"(?is)^(SELECT|INSERT|UPDATE|DELETE|WITH)\b", text):
            continue
        if text.upper().startswith("INSERT") and " SELECT " not in text.upper():
            continue  # VALUES: nothing read
        for row in connection.execute("EXPLAIN QUERY PLAN " + text):
            if BIG.match(str(row[-1])):
                scans.append(f"{row[-1]}  <-  {text[:160]}")
    assert not scans, "\n".join(scans)
