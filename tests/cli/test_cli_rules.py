"""`leaddesk rules`, `[compliance]`, and the CLI's refusals naming the rule (issue 13)."""

from __future__ import annotations

from test_cli import as_json, ok

MONDAY = "2026-11-23T14:00:00-05:00"
FL_1959 = "2026-11-23T19:59:00-05:00"
FL_2000 = "2026-11-23T20:00:00-05:00"


def add_florida(cli) -> int:
    return int(ok(cli("add", "--name", "Rachel Brooks", "--phone", "(305) 555-0142", now=MONDAY)))


def test_rules_lists_the_packs_in_use_with_their_sources(cli):
    text = ok(cli("rules"))
    assert text.splitlines()[0] == "rule packs us@2026.12.1,ca@2026.12.1"
    assert "  US-FL    08:00–20:00 every day · cap 3/24 h per number" in text
    assert "  US-TX    09:00–21:00 mon–sat, 12:00–21:00 sun" in text
    assert "Fla. Stat. 501.616(6)" in text
    data = as_json(cli("rules", "--json"))
    by_id = {r["id"]: r for r in data["rules"]}
    assert by_id["CA"]["hours"]["sat"] == ["10:00-18:00"]
    assert by_id["US-FL"]["from"] == "2021-07-01" and by_id["US-FL"]["in_force"] is True
    assert by_id["US-MD"]["in_force"] is True


def test_log_of_a_florida_call_at_20_00_is_refused_naming_the_rule(cli):
    lead_id = add_florida(cli)
    shown = as_json(cli("show", str(lead_id), "--json", now=FL_1959))
    assert shown["jurisdictions"] == ["US", "US-FL"] and shown["blocked_by"] is None
    refused = cli("log", str(lead_id), "no-answer", now=FL_2000)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        "leaddesk: Rachel Brooks: US-FL: calls 08:00–20:00 their time — 20:00 their time,"
        " opens Tue 08:00; add --outside-hours"
    )
    ok(cli("log", str(lead_id), "no-answer", now=FL_1959))
    ok(cli("log", str(lead_id), "no-answer", "--outside-hours", now=FL_2000))
    text = ok(cli("show", str(lead_id), now=FL_2000))
    assert "  rules  US-FL from phone" in text


def test_due_json_names_what_blocks_a_call(cli):
    lead_id = add_florida(cli)
    rows = as_json(cli("due", "--json", now=FL_1959))
    assert [(r["id"], r["callable"], r["blocked_by"]) for r in rows] == [(lead_id, True, None)]
    # at 20:00 Florida's window shut until tomorrow: nothing to list today
    assert as_json(cli("due", "--json", now=FL_2000)) == []


def _config(cli_tmp, text: str) -> None:
    path = cli_tmp / "config.toml"
    path.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n' + text)


def test_an_own_pack_adds_a_rule_and_a_loosening_one_is_a_doctor_warning(cli, tmp_path):
    (tmp_path / "own.toml").write_text(
        'pack = "acme"\nversion = "3"\n'
        '[[rule]]\nid = "US-FL"\nhours = { all = "08:00-21:00" }\nsource = "our lawyer"\n'
        '[[rule]]\nid = "ACME"\napplies = "US"\nhours = { all = "09:00-17:00" }\nsource = "us"\n'
    )
    _config(tmp_path, '[compliance]\npacks = ["us"]\nextra = "own.toml"\n')
    text = ok(cli("rules"))
    assert text.splitlines()[0] == "rule packs us@2026.12.1,acme@3"
    assert "  ACME     09:00–17:00 every day" in text
    report = cli("doctor")
    assert "compliance.extra: loosens a shipped rule — US-FL: calls mon 08:00–21:00" in (
        report.stdout
    )


def test_a_broken_own_pack_is_one_line_naming_file_rule_and_key(cli, tmp_path):
    (tmp_path / "own.toml").write_text(
        'pack = "acme"\nversion = "3"\n[[rule]]\nid = "ACME"\nhours = { all = "9 to 5" }\n'
        'source = "x"\n'
    )
    _config(tmp_path, '[compliance]\nextra = "own.toml"\n')
    result = cli("rules")
    assert result.exit_code != 0
    assert "own.toml: rule ACME: hours.all: '9 to 5' is not a window" in result.stderr
    assert "Traceback" not in result.output
