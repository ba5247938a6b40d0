"""The JSONL export written by the database (fulldump_sql) is byte for byte the one
Python builds (compact JSON), on both engines: every kind of column, NULLs, instants before 1970
and at the edges of a second, and text holding every character JSON escapes."""

from __future__ import annotations

import io
import json

import pendulum
import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.store.db import database, is_sqlite, to_ms
from leaddesk.core.store.models import STATUSES, Appointment, Lead, Phone, Touch
from leaddesk.core.transfer import fulldump
from leaddesk.core.transfer.exporting import lead_id_chunks
from leaddesk.core.transfer.fulldump_sql import lines_sql, row_json

# every control character, the two JSON escapes, DEL, the line separators JavaScript
# cares about, accents, a character outside the BMP, and a lone percent sign
AWKWARD = "".join(chr(c) for c in range(1, 32)) + '"\\/\x7f\u2028\u2029 é ü 漢字 🎉 %s %'


def _both_ways(statuses: tuple[str, ...] = ()) -> tuple[str, str]:
    chunks = list(lead_id_chunks(statuses, 3))  # several batches, a gap among the ids
    by_python, by_sql = io.StringIO(), io.StringIO()
    fulldump._records(by_python, chunks)
    query = lines_sql(database.obj, Lead, fulldump.CHILDREN, len(statuses))
    assert query is not None
    fulldump._lines_from_sql(by_sql, query, list(statuses), size=3)
    return by_python.getvalue(), by_sql.getvalue()


def test_every_model_of_the_export_has_a_sql_form(store):
    for model in (Lead, Phone, Touch, Appointment):
        assert row_json(model, database.obj) is not None, model.__name__


# zeros a trimming writer would drop (.100, .010, .000), the last instant Python can write,
# the first, and whole seconds beyond 2^53 microseconds either side of 1970 (the years
# 1, 999, 3000: a float8 would drop the fraction, and the line would not be JSON)
@pytest.mark.parametrize(
    "ms",
    [0, 10, 100, 999, 1_000, -1, -999, -1_000, -86_400_001, 1_789_652_562_120,
     253_402_300_799_999, -62_135_596_800_000, -30_610_224_000_001, 32_503_680_000_000],
)  # fmt: skip
def test_an_instant_is_written_as_python_writes_it(store, ms):
    cursor = database.obj.execute_sql(
        f"SELECT {row_json(Lead, database.obj)} FROM lead WHERE id = {database.obj.param}",
        (_lead(received_at=ms, claimed_until=ms),),
    )
    (text,) = cursor.fetchone()
    data = json.loads(text)
    assert data["received_at"] == data["claimed_until"] == fulldump.iso_ms(ms)


def _lead(**values) -> int:
    now = pendulum.datetime(2026, 11, 23, 19, tz="UTC")
    base = dict(name="Dana", received_at=now, created_at=now, updated_at=now)
    lead_id: int = Lead.insert(**{**base, **values}).execute()
    return lead_id


def test_the_database_writes_the_export_byte_for_byte(store, now, settings):
    fill_demo(12, now, settings, seed=3)
    Lead.delete_by_id(Lead.select(Lead.id).order_by(Lead.id).offset(4).scalar())
    awkward = _lead(
        name=AWKWARD, company=AWKWARD, notes=AWKWARD * 3, tags="", tz_override=None,
        first_contact_on="1969-07-20", do_not_call=True, priority=None,
        received_at=to_ms(now) - 17, claimed_until=-1_234,
    )  # fmt: skip
    Phone.insert(lead=awkward, raw=AWKWARD, e164="+12125550100", label="wörk", bad=True).execute()
    Touch.insert(
        lead=awkward, at=to_ms(now) + 999, channel="note", outcome="note", note=AWKWARD,
        before=json.dumps({"status": AWKWARD}), calls_24h=None, in_window=None,
    ).execute()  # fmt: skip
    # a later id with an earlier instant: the touch index's order is not the export's
    Touch.insert(lead=awkward, at=to_ms(now) - 5_000, channel="note", outcome="note").execute()
    Appointment.insert(
        lead=awkward, at=now, kind="callback", note=AWKWARD, created_at=now, done=False
    ).execute()
    by_python, by_sql = _both_ways()
    lines = [json.loads(line) for line in by_sql.split("\n")[:-1]]
    assert AWKWARD in "".join(line["lead"]["name"] for line in lines)
    assert [t["id"] for t in lines[-1]["touches"]] == sorted(t["id"] for t in lines[-1]["touches"])
    assert by_sql == by_python
    assert by_sql.count("\n") == Lead.select().count()


def test_years_before_1000_are_written_alike(store, now, settings):
    """The year 1 and the year 999 with four digits, by Python and by the database."""
    year_1, year_999 = -62_135_596_800_000, -30_636_384_832_911
    lead = _lead(received_at=year_1, claimed_until=year_999)
    Touch.insert(lead=lead, at=year_999, channel="call", outcome="no-answer").execute()
    Appointment.insert(
        lead=lead, at=year_1, kind="callback", created_at=year_999, done=False
    ).execute()
    by_python, by_sql = _both_ways()
    assert by_sql == by_python
    assert '"received_at":"0001-01-01T00:00:00.000Z"' in by_python
    assert '"at":"0999-03-04T05:06:07.089Z"' in by_python


# Each alone in a row otherwise plain: PostgreSQL writes a row's texts as they are when
# one check finds nothing to escape in all of them (fulldump_sql._plain_row), so a
# character that check let through would be written unescaped. A backslash before a
# letter makes a valid JSON escape; a lone one, or one at the end, does not.
ONE_BY_ONE = [chr(c) for c in range(1, 32)] + [
    '"',
    "\\",
    "\\n",
    "\\u0041",
    "x\\",
    "\x7f",
    "\u2028",
    "\u2029",
    "é",
    "🎉",
    "/",
    "%",
    "%s",
    "'",
]


# every status: PostgreSQL then reads each lead's rows by a subquery per lead, not by
# the batch's range (fulldump_sql.LinesQuery): both forms go through every character
@pytest.mark.parametrize("statuses", [(), STATUSES])
@pytest.mark.parametrize("server_version", [None, 150000])
def test_each_character_alone_is_written_as_python_writes_it(
    store, now, monkeypatch, server_version, statuses
):
    if server_version is not None:
        if is_sqlite(database.obj):
            pytest.skip("a PostgreSQL server's version")
        monkeypatch.setattr(database.obj, "server_version", server_version)
    for text in ONE_BY_ONE:
        for column in ("name", "notes", "tz_override"):  # a short, a long, a nullable text
            _lead(**{column: f"a{text}b"})
        plain = _lead()
        Touch.insert(
            lead=plain, at=to_ms(now), channel="call", outcome="talked", note=f"{text}"
        ).execute()
        Phone.insert(lead=plain, raw=f"{text}1", e164="+12125550100").execute()
        Appointment.insert(
            lead=plain, at=now, kind="callback", ical_uid=f"{text}", created_at=now
        ).execute()
    by_python, by_sql = _both_ways(statuses)
    assert by_sql.count("\n") == 4 * len(ONE_BY_ONE)
    assert by_sql == by_python


def test_postgresql_checks_a_row_once_before_writing_its_texts_plain(store):
    sql = row_json(Touch, database.obj)
    assert sql is not None
    if is_sqlite(database.obj):
        assert "IS JSON" not in sql  # SQLite's json_object escapes at C speed
    else:
        assert sql.count("IS JSON") == 1 and sql.count("to_json") > 1


def test_postgresql_reads_a_batch_by_its_range_unless_statuses_are_asked_for(store):
    """Without a status filter a batch is one range of lead ids, each table read once for
    it; with one, the range could span any number of other leads' rows."""
    ranged = lines_sql(database.obj, Lead, fulldump.CHILDREN, 0)
    filtered = lines_sql(database.obj, Lead, fulldump.CHILDREN, 2)
    assert ranged is not None and filtered is not None
    assert not filtered.ranged and "LIMIT" in filtered.sql
    assert filtered.args(5, 9, ["new", "won"], 3) == [5, "new", "won", 3]
    if is_sqlite(database.obj):
        assert not ranged.ranged
        return
    assert ranged.ranged == 1 + len(fulldump.CHILDREN) and "LIMIT" not in ranged.sql
    assert ranged.args(5, 9, [], 3) == [5, 9] * ranged.ranged
    assert ranged.args(5, None, [], 3)[1] > 2**62  # the last batch: every id after


def test_the_database_form_keeps_to_the_statuses_asked_for(store, now, settings):
    fill_demo(12, now, settings, seed=3)
    statuses = ("new", "working")
    by_python, by_sql = _both_ways(statuses)
    assert by_sql == by_python
    wanted = Lead.select().where(Lead.status.in_(statuses)).count()
    assert 0 < by_sql.count("\n") == wanted < Lead.select().count()


def test_the_export_uses_the_database_form(store, now, settings, monkeypatch):
    fill_demo(3, now, settings, seed=1)
    monkeypatch.setattr(fulldump, "_records", None)  # the Python form would fail
    out = io.StringIO()
    assert fulldump.export_jsonl(out, now) == 3
