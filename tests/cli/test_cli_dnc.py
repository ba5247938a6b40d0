"""`leaddesk dnc` and `due --json`'s `blocked_by` (issue 13, points 5 and 6)."""

from __future__ import annotations

import json

NOW = "2026-11-23T14:00:00-05:00"


def ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def add(cli, name: str, phone: str) -> int:
    out = ok(cli("add", "--name", name, "--phone", phone, "--json", now=NOW))
    return int(json.loads(out)["id"])


def test_dnc_add_list_remove(cli):
    lead = add(cli, "Ana Alvarez", "(305) 555-0142")
    out = json.loads(ok(cli("dnc", "add", "305 555 0142", "--reason", "letter", "--json")))
    assert (out["value"], out["kind"], out["leads"]) == ("+13055550142", "phone", 1)
    assert out["warning"].startswith("on the do-not-call list since 2026-11-23 (added by tester)")
    listed = json.loads(ok(cli("dnc", "list", "--json")))
    assert [e["value"] for e in listed["entries"]] == ["+13055550142"]
    refused = cli("log", str(lead), "no-answer")
    assert refused.exit_code == 1 and "do-not-call" in refused.output
    assert "Traceback" not in refused.output
    ok(cli("dnc", "remove", "+1 305 555 0142"))
    assert json.loads(ok(cli("dnc", "list", "--json")))["entries"] == []
    lifted = json.loads(ok(cli("dnc", "list", "--all", "--json")))["entries"]
    assert lifted[0]["removed_by"] == "tester"


def test_dnc_import_names_bad_rows_in_one_line_and_writes_nothing(cli, tmp_path):
    scrub = tmp_path / "scrub.csv"
    scrub.write_text("phone\n305-555-0142\nnope\n")
    bad = cli("dnc", "import", str(scrub))
    assert bad.exit_code == 1
    assert "line 3:" in bad.output and "nothing imported" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    scrub.write_text("phone\n305-555-0142\n")
    out = json.loads(ok(cli("dnc", "import", str(scrub), "--as-of", "2026-10-01", "--json")))
    assert out["numbers"] == 1
    doctor = cli("doctor")
    assert "registry scrub 53 days old (over 31)" in doctor.output


def test_due_json_rows_carry_blocked_by(cli):
    add(cli, "Ana Alvarez", "(305) 555-0142")
    rows = json.loads(ok(cli("due", "--json")))
    assert [r["blocked_by"] for r in rows] == [None]
