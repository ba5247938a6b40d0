"""CSV for spreadsheets (safe against formula injection), iCalendar of promises,
letters due as a mail-merge CSV and logged as sent in one transaction."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import threading
from datetime import timedelta

import pytest
from core_helpers import lead_columns
from icalendar import Calendar

from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.transfer import exporting
from leaddesk.core.transfer.exporting import (
    CSV_COLUMNS,
    check_statuses,
    export_csv,
    export_ics,
    letters_due,
    neutralise,
    take_letters,
    write_letters,
    write_output,
)
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome


def exported(settings, statuses=()) -> list[dict[str, str]]:
    out = io.StringIO()
    export_csv(out, settings, statuses)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


# --- CSV ------------------------------------------------------------------------


def test_one_row_per_lead_with_status_attempts_last_touch_and_next_due(make_lead, now, settings):
    lead_id = make_lead("Dana Whitfield", "+1 212 555 0142", company="Whitfield Roofing")
    log_outcome(lead_id, "no-answer", now, settings)
    make_lead("Ravi Patel", "+1 312 555 0177")
    rows = exported(settings)
    assert [r["name"] for r in rows] == ["Dana Whitfield", "Ravi Patel"]
    dana = rows[0]
    assert list(dana) == list(CSV_COLUMNS)
    lead = Lead.get_by_id(lead_id)
    assert (dana["status"], dana["attempts"], dana["last_touch"]) == (
        "working",
        "1",
        "call: no answer",
    )
    assert dana["last_touch_at"] == now.isoformat()
    assert dana["next_due_at"] == lead.next_due_at.in_timezone("UTC").isoformat()
    assert dana["next_due_local"] == lead.next_due_at.in_timezone("America/New_York").isoformat()
    assert dana["next_due_local"].endswith("-05:00")
    assert dana["lead_zone"] == "America/New_York"
    assert rows[1]["last_touch"] == "", "the 'received' system touch is not a touch by the rep"


@pytest.mark.parametrize(
    "danger",
    ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
     "\tTAB", "\rCR"],
)  # fmt: skip
def test_every_cell_a_spreadsheet_would_evaluate_is_neutralised(make_lead, settings, danger):
    lead_id = make_lead("x", "+1 212 555 0142")
    # as stored (another program, or a tab kept inside by an import), not stripped
    Lead.update(name=danger, company=danger, notes=danger, tags=danger).where(
        Lead.id == lead_id
    ).execute()
    out = io.StringIO()
    export_csv(out, settings)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    for column in ("name", "company", "notes", "tags"):
        assert row[column] == "'" + danger, column
    assert row["email"] == "" and row["city"] == "", "harmless cells are left as they are"


def test_phone_numbers_are_text_not_formulas(make_lead, settings):
    make_lead("Dana", phones=["+1 212 555 0142", "+44 20 7946 0958"])
    row = exported(settings)[0]
    assert row["phone"] == "'+12125550142"
    assert row["phones"] == "'+12125550142; +442079460958"


def test_neutralise_leaves_other_values_alone():
    assert neutralise("Dana") == "Dana"
    assert neutralise(42) == 42
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"


def test_an_exported_csv_imports_back_without_the_quotes(make_lead, store, settings, now, tmp_path):
    make_lead('=HYPERLINK("x")', "+1 212 555 0142", email="dana@example.com")
    path = tmp_path / "out.csv"
    write_output(str(path), lambda out: export_csv(out, settings), bom=True)
    again = import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    assert (again.imported, again.skipped_duplicate) == (0, 1), "the same leads: duplicates"
    close_store()
    open_store(str(tmp_path / "fresh.db"))
    fresh = import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    assert fresh.imported == 1
    lead = Lead.get()
    assert lead.name == '=HYPERLINK("x")'
    assert [p.e164 for p in lead.phones] == ["+12125550142"]


def test_file_output_is_private_complete_and_optionally_with_a_bom(make_lead, settings, tmp_path):
    make_lead("Dana", "+1 212 555 0142")
    path = tmp_path / "leads.csv"
    written = write_output(str(path), lambda out: export_csv(out, settings), bom=True)
    assert (written.count, written.path) == (1, str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,name,")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def broken(out) -> int:
        out.write("half a file")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_output(str(tmp_path / "broken.csv"), broken)
    # nothing of the broken file is left (the SQLite store's own files aside)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("t.db")) == [
        "leads.csv"
    ]


def test_status_filter(make_lead, now, settings):
    won = make_lead("Won", "+1 212 555 0142")
    log_outcome(won, "won", now, settings)
    make_lead("New", "+1 312 555 0177")
    assert [r["name"] for r in exported(settings, check_statuses(["won,lost"]))] == ["Won"]
    with pytest.raises(InvalidInput, match="unknown status 'vip'"):
        check_statuses(["vip"])


# --- iCalendar ---------------------------------------------------------------------


def test_upcoming_promises_become_events_in_the_leads_zone(make_lead, now, settings):
    dana = make_lead("Dana Whitfield", "+1 212 555 0142", company="Whitfield Roofing")
    ravi = make_lead("Ravi Patel", "+1 312 555 0177")
    sam = make_lead("Sam Ito", "+1 213 555 0150")
    callback_at = now.add(days=1).in_timezone("America/New_York").set(hour=10, minute=0)
    log_outcome(
        dana, "callback", now, settings, next_at=callback_at, note="after the board meeting"
    )
    appt_at = now.add(days=2).in_timezone("America/Chicago").set(hour=15, minute=30)
    log_outcome(ravi, "appointment", now, settings, next_at=appt_at)
    log_outcome(sam, "callback", now.subtract(hours=3), settings, next_at=now.subtract(hours=1))

    def calendar() -> Calendar:
        out = io.StringIO()
        assert export_ics(out, now, settings) == 2, "the past callback is not upcoming"
        return Calendar.from_ical(out.getvalue())

    cal = calendar()
    events = cal.walk("VEVENT")
    first, second = events
    assert first["SUMMARY"] == "Call back Dana Whitfield (Whitfield Roofing)"
    start = first.decoded("DTSTART")
    assert (str(start.tzinfo), start.hour, start.minute) == ("America/New_York", 10, 0)
    assert first.decoded("DTEND") - start == timedelta(minutes=15)
    assert "+1 212-555-0142" in first["DESCRIPTION"]
    assert "after the board meeting" in first["DESCRIPTION"]
    assert second["SUMMARY"] == "Appointment: Ravi Patel"
    assert str(second.decoded("DTSTART").tzinfo) == "America/Chicago"
    assert {tz["TZID"] for tz in cal.walk("VTIMEZONE")} == {"America/New_York", "America/Chicago"}
    again = calendar().walk("VEVENT")
    assert [e["UID"] for e in again] == [e["UID"] for e in events], "UIDs are stable"


# --- letters -------------------------------------------------------------------------


def post_lead(settings, now, name, **extra) -> int:
    draft = LeadDraft(
        name=name, address="1 Mill Rd\nUnit 2", city="Leeds", postcode="LS1 1AA", country="GB",
        **extra,
    )  # fmt: skip
    return add_lead(draft, now, settings)


def test_letters_due_as_a_mail_merge_csv(store, now, settings):
    due = post_lead(settings, now.subtract(days=1), "Ada Post", company="Post Co")
    post_lead(settings, now.add(days=3), "Later Letter")
    out = io.StringIO()
    assert write_letters(out, letters_due(now, settings)) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows == [
        {
            "lead_id": str(due), "name": "Ada Post", "company": "Post Co",
            "address_1": "1 Mill Rd", "address_2": "Unit 2", "address_3": "", "city": "Leeds",
            "region": "", "postcode": "LS1 1AA", "country": "GB",
            "due_at": now.subtract(days=1).in_timezone(settings.rep_timezone).isoformat(),
        }
    ]  # fmt: skip
    assert len(letters_due(now.add(days=4), settings)) == 2


@pytest.mark.sqlite_only  # the twin store is a copy of the file
def test_marking_letters_sent_is_the_m_key_for_each_in_one_transaction(
    store, now, settings, tmp_path
):
    ids = [post_lead(settings, now.subtract(hours=h), f"Lead {h}") for h in (1, 2, 3)]
    store.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    twin = tmp_path / "twin.db"
    shutil.copy(tmp_path / "t.db", twin)
    written: list = []
    taken = take_letters(now, now, settings, mark_sent=True, write=written.extend)
    assert [x.lead_id for x in taken] == ids[::-1], "oldest due first"
    assert Touch.select().where(Touch.channel == "letter").count() == 3
    after = {i: lead_columns(i) for i in ids}
    close_store()
    open_store(str(twin))  # the same letters logged one by one, as the `m` key does
    for lead_id in ids[::-1]:
        log_outcome(lead_id, "letter", now, settings, note="mail merge")
    assert {i: lead_columns(i) for i in ids} == after


def test_a_failure_while_marking_letters_logs_none(store, now, settings, monkeypatch):
    for h in (1, 2, 3):
        post_lead(settings, now.subtract(hours=h), f"Lead {h}")
    real = exporting.log_outcome
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise InvalidInput("printer jammed")
        return real(*args, **kwargs)

    monkeypatch.setattr(exporting, "log_outcome", flaky)
    with pytest.raises(InvalidInput):
        take_letters(now, now, settings, mark_sent=True, write=lambda letters: None)
    assert Touch.select().where(Touch.channel == "letter").count() == 0
    assert len(letters_due(now, settings)) == 3


def test_do_not_mail_leads_get_no_letter(store, now, settings):
    lead_id = post_lead(settings, now.subtract(hours=1), "No Mail")
    Lead.update(do_not_mail=True).where(Lead.id == lead_id).execute()
    assert letters_due(now, settings) == []


def _drained(fifo) -> tuple[threading.Thread, list[bytes]]:
    """A reader on the other end of `fifo`, as a shell's `| gzip` would be."""
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as end:
            got.append(end.read())

    reader = threading.Thread(target=read, daemon=True)  # a failing writer never opens it
    reader.start()
    return reader, got


def test_a_pipe_or_device_is_written_in_place_not_replaced(make_lead, settings, tmp_path):
    # `export -o /dev/null` as root had renamed a file over /dev/null itself
    make_lead("Dana", "+1 212 555 0142")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader, got = _drained(fifo)
    written = write_output(str(fifo), lambda out: export_csv(out, settings), bom=True)
    reader.join(timeout=60)
    assert written.count == 1
    assert got[0].startswith(b"\xef\xbb\xbfid,name,") and b"Dana" in got[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode), "still the pipe, not a file renamed over it"
    assert not (tmp_path / "pipe.partial").exists()


def test_a_rejects_report_to_a_pipe_is_written_in_place(store, settings, now, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("name,phone\nDana,+1 212 555 0142\n,\n,not a phone\n", encoding="utf-8")
    fifo = tmp_path / "rejects"
    os.mkfifo(fifo)
    reader, got = _drained(fifo)
    summary = import_file(open_source(source), now, settings, rejects_path=fifo)
    reader.join(timeout=60)
    assert summary.imported == 1
    assert b"not a phone" in got[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
