"""Backups and restores of a PostgreSQL store through the full-fidelity JSONL: every
row comes back, ids and sequences included; a restore asks first, keeps the
current content aside, and either replaces everything or changes nothing."""

from __future__ import annotations

import json
import stat

import pytest

from leaddesk.core.demo import fill_demo
from leaddesk.core.domain.errors import InvalidInput, StoreError
from leaddesk.core.store.models import CallSession, Lead, Touch
from leaddesk.core.transfer.backup_pg import TABLES, backup_pg, inspect_backup, restore_pg
from leaddesk.core.transfer.fulldump import table_rows
from leaddesk.core.writes.leads import add_note
from leaddesk.core.writes.outcomes import log_outcome
from leaddesk.core.writes.sessions import end_session, start_session

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def filled(store, settings, now):
    fill_demo(40, now, settings, seed=5)
    start_session(now.subtract(hours=2), settings, goal=30)
    end_session(now.subtract(hours=1), settings)
    start_session(now, settings)  # one still open
    return everything()


def everything():
    return table_rows(TABLES)


def test_a_backup_restores_every_row_and_the_sequences_follow(filled, tmp_path, settings, now):
    copy = tmp_path / "team.jsonl"
    made = backup_pg(copy, now)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert (made.leads, made.touches) == (40, Touch.select().count())
    assert CallSession.select().count() == 2
    lead = Lead.select().first().id
    log_outcome(lead, "no-answer", now.add(minutes=5), settings)  # after the backup
    add_note(lead, "written after the backup", now.add(minutes=6), settings)
    asked = []
    result = restore_pg(
        copy, now.add(hours=1), settings, tmp_path / "aside", lambda *a: asked.append(a) or True
    )
    assert result is not None and asked
    incoming, current, aside = asked[0]
    assert (incoming.leads, current.leads) == (40, 40)
    assert current.touches == incoming.touches + 2
    assert everything() == filled  # every row, every column, every id
    assert result.previous.touches == incoming.touches + 2  # what was replaced is kept
    assert inspect_backup(aside).touches == incoming.touches + 2
    # the id sequences are past the restored rows: new rows get fresh ids
    log_outcome(lead, "busy", now.add(hours=2), settings)
    assert Touch.select().count() == incoming.touches + 1
    end_session(now.add(hours=3), settings)  # the restored open session
    assert start_session(now.add(hours=4), settings)


def test_a_restore_refused_at_the_question_changes_nothing(filled, tmp_path, settings, now):
    copy = tmp_path / "team.jsonl"
    backup_pg(copy, now)
    Lead.delete().where(Lead.id == Lead.select().first().id).execute()
    before = everything()
    assert restore_pg(copy, now, settings, tmp_path / "aside", lambda *a: False) is None
    assert everything() == before
    assert not (tmp_path / "aside").exists()


def test_a_damaged_backup_fails_whole(filled, tmp_path, settings, now):
    copy = tmp_path / "team.jsonl"
    backup_pg(copy, now)
    lines = copy.read_text().splitlines()
    record = json.loads(lines[5])
    record["lead"]["status"] = 17  # not text
    lines[5] = json.dumps(record)
    copy.write_text("\n".join(lines) + "\n")
    before = everything()
    with pytest.raises(
        StoreError, match=r"^not restored: team.jsonl line 6: .*\(nothing changed\)"
    ):
        restore_pg(copy, now, settings, tmp_path / "aside", lambda *a: True)
    assert everything() == before


def test_only_a_leaddesk_backup_is_restored(store, tmp_path, settings, now):
    csv = tmp_path / "leads.csv"
    csv.write_text("name,phone\nDana,2125550142\n")
    with pytest.raises(InvalidInput, match="is not a leaddesk backup of a PostgreSQL store"):
        restore_pg(csv, now, settings, tmp_path, lambda *a: True)
    with pytest.raises(InvalidInput, match="no file"):
        inspect_backup(tmp_path / "missing.jsonl")


def test_a_backup_needs_an_existing_folder(store, tmp_path, now):
    with pytest.raises(InvalidInput, match="no folder"):
        backup_pg(tmp_path / "no" / "b.jsonl", now)
    with pytest.raises(InvalidInput, match="is a folder"):
        backup_pg(tmp_path, now)
