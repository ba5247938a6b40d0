"""`leaddesk audit` (issue 13, point 7): text, JSON and CSV agree, dates bound it."""

from __future__ import annotations

import csv
import io
import json

NOW = "2026-11-23T14:00:00-05:00"
LATE = "2026-11-23T22:30:00-05:00"


def ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def test_audit_lists_each_call_with_its_rules_and_the_summary(cli):
    out = ok(cli("add", "--name", "Ana Alvarez", "--phone", "(305) 555-0142", "--json", now=NOW))
    lead = str(json.loads(out)["id"])
    ok(cli("log", lead, "no-answer", now=NOW))
    ok(cli("log", lead, "voicemail", "--outside-hours", now=LATE))
    data = json.loads(ok(cli("audit", "--json", now=LATE)))
    assert [r["outcome"] for r in data["rows"]] == ["no-answer", "voicemail"]
    assert data["rows"][0]["rules"] == ["US", "US-FL"] and data["rows"][0]["calls_24h"] == 0
    assert data["rows"][1]["outside_hours"] is True and data["rows"][1]["calls_24h"] == 1
    assert data["summary"] == {
        "calls": 2, "outside_any_window": 0, "over_a_cap": 0, "to_a_suppressed_number": 0,
    }  # fmt: skip
    text = ok(cli("audit", now=LATE)).splitlines()
    assert len(text) == 3 and "US,US-FL" in text[0]
    assert text[-1] == (
        "2 calls · 0 outside any window without the override · 0 over a cap"
        " · 0 to a suppressed number"
    )
    result = cli("audit", "--format", "csv", now=LATE)
    assert result.exit_code == 0 and result.stderr.startswith("2 calls · 0 outside")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    # A leading + is neutralised as the lead export does it: a spreadsheet shows text.
    assert [r["phone"] for r in table] == ["'+13055550142"] * 2
    assert [r["outside_hours"] for r in table] == ["False", "True"]
    later = json.loads(ok(cli("audit", "--since", "2026-11-24", "--json", now=LATE)))
    assert later["rows"] == [] and later["summary"]["calls"] == 0
    until = json.loads(ok(cli("audit", "--until", "2026-11-23", "--json", now=LATE)))
    assert until["summary"]["calls"] == 2


def test_a_bad_date_is_one_line(cli):
    bad = cli("audit", "--since", "last week")
    assert bad.exit_code == 1 and "--since: 'last week' is not a date" in bad.output
    assert "Traceback" not in bad.output
