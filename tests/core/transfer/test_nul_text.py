"""Text holding a NUL character is refused by the one validator, per field, on both
engines — PostgreSQL would otherwise raise a raw ValueError from the driver."""

from __future__ import annotations

import pytest

from leaddesk.core.domain.errors import InvalidDraft, InvalidInput
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.store.models import Lead, Touch
from leaddesk.core.store.schema import close_store
from leaddesk.core.transfer.importing import import_file, open_source
from leaddesk.core.writes.leads import add_lead
from leaddesk.core.writes.outcomes import log_outcome

NY_PHONE = "(212) 555-0142"


def test_the_add_form_refuses_a_nul_per_field(store, settings, now):
    draft = LeadDraft(name="Dana\x00Whitfield", phones=[(NY_PHONE, "wo\x00rk")], title="O\x00wner")
    with pytest.raises(InvalidDraft) as caught:
        add_lead(draft, now, settings)
    errors = caught.value.errors
    assert set(errors) == {"name", "phones.0", "title"}
    assert all("NUL" in text for text in errors.values()), errors
    assert Lead.select().count() == 0


def test_a_note_with_a_nul_is_refused_before_anything_is_written(store, settings, now):
    lead_id = add_lead(LeadDraft(name="Dana", phones=[(NY_PHONE, "")]), now, settings)
    with pytest.raises(InvalidInput, match="NUL"):
        log_outcome(lead_id, "no-answer", now, settings, note="rang\x00out")
    assert Touch.select().where(Touch.lead == lead_id).count() == 1  # the received touch


def test_cli_add_refuses_a_nul_in_one_line(store_target, cli):
    result = cli("add", "--name", "Dana\x00Whitfield", "--phone", NY_PHONE, db_path=store_target)
    close_store()
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "NUL" in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_import_rejects_a_nul_row_naming_line_column_and_reason(store, settings, now, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text(
        "Name,Phone,Company\n"
        f"Dana Whitfield,{NY_PHONE},Whitfield Roofing\n"
        "Ravi\x00Patel,(212) 555-0143,Patel Builders\n"
        "Lee Okafor,(212) 555-0144,Oka\x00for Homes\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    summary = import_file(open_source(path), now, settings, rejects_path=rejects)
    assert (summary.imported, summary.rejected) == (1, 2)
    reasons = {note.line: note.text for note in summary.rejects}
    assert "NUL" in reasons[3] and "column 'Name'" in reasons[3], reasons
    assert "NUL" in reasons[4] and "column 'Company'" in reasons[4], reasons
    assert [lead.name for lead in Lead.select()] == ["Dana Whitfield"]
    kept = rejects.read_text(encoding="utf-8-sig").splitlines()
    assert kept[0] == "line,reason,Name,Phone,Company"
    assert [row.split(",")[0] for row in kept[1:]] == ["3", "4"]
