"""JSONL export: full fidelity. Into an empty database it reproduces every row of
every table; into a database with leads it renumbers consistently and dedupes."""

from __future__ import annotations

import io
import json

import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.models import Appointment, Lead, Phone, Touch
from leaddesk.core.store.schema import close_store, open_store
from leaddesk.core.transfer.fulldump import export_jsonl, iso_ms, ms_of, table_rows
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome, undo_last


def rich_store(now, settings) -> None:
    """Demo histories, plus the cases that shape ids and snapshots: an undone
    touch (a gap in the ids), a wrong number, a promise closed by a call, a
    time zone set by hand, a lead that was never touched."""
    fill_demo(80, now, settings, seed=11)
    a = add_lead(
        LeadDraft(name="Zed Hand", phones=[("+1 212 555 0100", "work"), ("+1 718 555 0101", "")],
                  tz_override="America/Denver", notes="two\nlines"),
        now.subtract(hours=5), settings,
    )  # fmt: skip
    log_outcome(a, "callback", now.subtract(hours=4), settings, next_at=now.subtract(hours=1))
    log_outcome(a, "wrong-number", now.subtract(minutes=50), settings)
    log_outcome(a, "no-answer", now.subtract(minutes=40), settings)
    log_outcome(a, "voicemail", now.subtract(minutes=10), settings)
    undo_last(now, settings)
    add_lead(LeadDraft(name="Never Touched", email="nt@example.com"), now, settings)


def export_text(now, statuses=()) -> str:
    out = io.StringIO()
    export_jsonl(out, now, statuses)
    return out.getvalue()


def test_import_into_an_empty_database_reproduces_every_row(tmp_path, now, settings):
    open_store(str(tmp_path / "a.db"))
    rich_store(now, settings)
    original = table_rows()
    path = tmp_path / "export.jsonl"
    path.write_text(export_text(now), encoding="utf-8")
    close_store()

    open_store(str(tmp_path / "b.db"))
    summary = import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    assert (summary.kind, summary.imported, summary.rejected) == ("jsonl", 82, 0)
    copy = table_rows()
    assert list(copy) == ["rep", "lead", "phone", "touch", "appointment", "zone_set"]
    for table, rows in original.items():
        assert len(rows) > 0, f"the fixture has {table} rows"
        assert copy[table] == rows, f"table {table} differs"
    # undo reads the `before` snapshots: it must act the same in both
    undone = undo_last(now, settings)
    after_b = table_rows()
    close_store()
    open_store(str(tmp_path / "a.db"))
    assert undo_last(now, settings) == undone
    assert table_rows() == after_b
    close_store()


def test_instants_keep_their_milliseconds():
    for ms in (0, 1, 999, 1_795_460_400_123, -1_000, -1):
        assert ms_of(iso_ms(ms)) == ms
    assert iso_ms(1_795_460_400_123) == "2026-11-23T19:00:00.123Z"


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        (-30_636_384_832_911, "0999-03-04T05:06:07.089Z"),
        (-30_610_224_000_001, "0999-12-31T23:59:59.999Z"),
    ],
)
def test_a_year_before_1000_has_four_digits(ms, text):
    """As both SQL forms write it (fulldump_sql), and as ms_of reads it back."""
    assert iso_ms(ms) == text
    assert ms_of(text) == ms


def test_into_a_database_with_leads_ids_are_renumbered_and_references_follow(
    tmp_path, now, settings
):
    open_store(str(tmp_path / "a.db"))
    rich_store(now, settings)
    path = tmp_path / "export.jsonl"
    path.write_text(export_text(now), encoding="utf-8")
    leads_in_export = Lead.select().count()
    close_store()

    open_store(str(tmp_path / "b.db"))
    # someone else's leads, one of them the same person as an exported lead
    add_lead(LeadDraft(name="Other", phones=[("+1 303 555 0199", "")]), now, settings)
    add_lead(LeadDraft(name="Zed again", phones=[("+1 212 555 0100", "")]), now, settings)
    summary = import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    assert summary.skipped_duplicate >= 1
    assert summary.imported + summary.skipped_duplicate == leads_in_export
    assert Lead.select().count() == 2 + summary.imported
    for touch in Touch.select():
        before = json.loads(touch.before) if touch.before else {}
        for appointment_id in before.get("closed", []):
            assert Appointment.get_by_id(appointment_id).lead_id == touch.lead_id
        if before.get("bad_phone"):
            assert Phone.get_by_id(before["bad_phone"]).lead_id == touch.lead_id
    for appointment in Appointment.select().where(Appointment.touch.is_null(False)):
        assert appointment.touch.lead_id == appointment.lead_id
    assert not Lead.select().where(Lead.name == "Zed Hand").exists(), "a duplicate is skipped"
    close_store()


def test_export_can_be_narrowed_by_status(store, now, settings):
    rich_store(now, settings)
    lines = export_text(now, ["won"]).splitlines()
    statuses = {json.loads(line)["lead"]["status"] for line in lines[1:]}
    assert statuses == {"won"}
    assert len(lines) - 1 == Lead.select().where(Lead.status == "won").count()
    # scattered ids are read by list, a full chunk by range: the same lines either way
    full = {json.loads(line)["lead"]["id"]: line for line in export_text(now).splitlines()[1:]}
    ids = [json.loads(line)["lead"]["id"] for line in lines[1:]]
    assert ids[-1] - ids[0] + 1 > len(ids), "the won leads are not one range"
    assert [full[i] for i in ids] == lines[1:]


HEADER = {"format": "leaddesk-export", "version": 1, "schema": 1, "reps": [], "zone_sets": []}


def write_export(tmp_path, *records, header=HEADER):
    path = tmp_path / "x.jsonl"
    lines = [json.dumps(header), *(r if isinstance(r, str) else json.dumps(r) for r in records)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_newer_export_is_refused(store, now, settings, tmp_path):
    path = write_export(tmp_path, header={**HEADER, "schema": 999})
    with pytest.raises(InvalidInput, match="newer leaddesk"):
        import_file(open_source(path), now, settings)


def test_damaged_records_are_rejected_with_their_line(store, now, settings, tmp_path):
    out = io.StringIO()
    add_lead(LeadDraft(name="Dana", phones=[("+1 212 555 0142", "")]), now, settings)
    export_jsonl(out, now)
    good = json.loads(out.getvalue().splitlines()[1])
    close_store()
    open_store(str(tmp_path / "fresh.db"))
    wrong_type = {**good, "lead": {**good["lead"], "attempts": "three"}}
    other_lead = {**good, "touches": [{**good["touches"][0], "lead": 999}]}
    path = write_export(tmp_path, "{not json", wrong_type, other_lead, good)
    summary = import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    assert (summary.imported, summary.rejected) == (1, 3)
    reasons = {n.line: n.text for n in summary.rejects}
    assert set(reasons) == {2, 3, 4}
    assert "attempts must be a whole number" in reasons[3]
    assert "another lead" in reasons[4]
    rejected = (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0] == "line,reason,record" and rejected[1].startswith("2,")


def test_an_export_repeating_ids_is_refused_whole(store, now, settings, tmp_path):
    out = io.StringIO()
    add_lead(LeadDraft(name="Dana", phones=[("+1 212 555 0142", "")]), now, settings)
    export_jsonl(out, now)
    record = out.getvalue().splitlines()[1]
    close_store()
    open_store(str(tmp_path / "fresh.db"))
    path = write_export(tmp_path, record, record)
    with pytest.raises(InvalidInput, match="clash with rows already there"):
        import_file(open_source(path), now, settings, rejects_path=tmp_path / "r.csv")
    assert Lead.select().count() == 0
