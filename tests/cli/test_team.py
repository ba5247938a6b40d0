"""Team mode from the command line, on both engines: selecting the shared database,
reps, owners and the pool, claims, reassigning, per-rep undo."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from leaddesk.cli import main
from leaddesk.core.store.schema import close_store

NOW = "2026-11-23T14:00:00-05:00"  # Monday 14:00 in New York


@pytest.fixture
def team(store_target, tmp_path):
    """run(*args, rep="ana") -> click Result, against a fresh store on each engine."""
    config = tmp_path / "config.toml"
    config.write_text('[rep]\ntimezone = "America/Chicago"\n')
    runner = CliRunner()

    def run(*args: str, rep: str | None = "ana", now: str = NOW, db: str | None = store_target):
        argv = ["--config", str(config), "--now", now]
        if db is not None:
            argv += ["--db", db]
        if rep is not None:
            argv += ["--rep", rep]
        return runner.invoke(main, [*argv, *args], env={"LEADDESK_DB": None})

    run.config = config
    run.target = store_target
    yield run
    close_store()


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def failed(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr


def add(team, name: str, *extra: str, rep: str = "ana") -> int:
    out = ok(team("add", "--name", name, "--phone", "(212) 555-0142", "--json", *extra, rep=rep))
    return json.loads(out)["id"]


def test_the_config_file_selects_the_shared_database(team):
    team.config.write_text(
        f'[rep]\ntimezone = "America/Chicago"\n[team]\ndatabase = "{team.target}"\n'
    )
    lead_id = add(team, "Dana Whitfield")
    shown = json.loads(ok(team("show", str(lead_id), "--json", db=None)))
    assert shown["name"] == "Dana Whitfield"


def test_an_empty_rep_name_is_refused(team):
    assert "--rep needs a name" in failed(team("due", rep=" "))


def test_claim_keeps_a_lead_from_other_reps_until_released(team):
    lead = add(team, "Dana Whitfield")
    assert "yours until 13:05" in ok(team("claim", str(lead)))  # the rep is in Chicago
    assert "being called by ana" in failed(team("claim", str(lead), rep="sam"))
    assert "being called by ana" in failed(team("log", str(lead), "no-answer", rep="sam"))
    assert [row["id"] for row in json.loads(ok(team("due", "--json", rep="sam")))] == []
    assert [row["id"] for row in json.loads(ok(team("due", "--json")))] == [lead]
    assert json.loads(ok(team("show", str(lead), "--json", rep="sam")))["claimed_by"] == "ana"
    assert "not claimed by sam" in ok(team("release", str(lead), rep="sam"))
    assert "released" in ok(team("release", str(lead)))
    assert "yours" in ok(team("claim", str(lead), rep="sam"))


def test_owners_round_robin_and_reassigning(team):
    for name in ("ana", "bob"):
        ok(team("rep", "add", name))
    first = add(team, "First", "--owner", "round-robin")
    second = add(team, "Second", "--owner", "round-robin")
    third = add(team, "Third", "--owner", "round-robin")
    listing = ok(team("rep"))
    assert "ana" in listing and "bob" in listing
    owners = [
        json.loads(ok(team("show", str(i), "--json")))["owner"] for i in (first, second, third)
    ]
    assert owners == ["ana", "bob", "ana"]
    assert "assigned to bob (was ana)" in ok(team("assign", str(first), "bob"))
    assert "assigned to the pool" in ok(team("assign", str(first), "pool"))
    assert "no rep named 'zoe'" in failed(team("assign", str(first), "zoe"))
    assert "undone: assigned" in ok(team("undo"))


def test_an_unreachable_server_is_one_line_without_the_password(tmp_path):
    url = "postgresql://ana:s3cret@/leads?host=" + str(tmp_path / "no-server-here")
    result = CliRunner().invoke(main, ["--db", url, "due"], env={"LEADDESK_DB": None})
    assert result.exit_code == 1 and "Traceback" not in result.output
    message = result.stderr.strip()
    assert "\n" not in message and "s3cret" not in message
    assert message.startswith("leaddesk: database postgresql://ana:***@/leads")


def test_a_colleagues_touches_are_named_in_the_history(team):
    lead = add(team, "Dana Whitfield")
    ok(team("log", str(lead), "no-answer", rep="sam"))
    assert "sam: no answer" in ok(team("show", str(lead)))  # ana sees who called
    assert "sam:" not in ok(team("show", str(lead), rep="sam"))  # sam's own are plain


def test_import_gives_new_leads_to_a_rep_or_round_robin(team, tmp_path):
    for name in ("ana", "bob"):
        ok(team("rep", "add", name))
    sheet = tmp_path / "leads.csv"
    sheet.write_text(
        "Name,Phone\nAl One,(212) 555-0101\nBo Two,(212) 555-0102\nCy Three,(212) 555-0103\n"
    )
    summary = json.loads(ok(team("import", str(sheet), "--owner", "round-robin", "--json")))
    assert summary["imported"] == 3
    owners = [json.loads(ok(team("show", str(i), "--json")))["owner"] for i in (1, 2, 3)]
    assert owners == ["ana", "bob", "ana"]
    more = tmp_path / "more.csv"
    more.write_text("Name,Phone\nDee Four,(212) 555-0104\n")
    assert "no rep named 'zoe'" in failed(team("import", str(more), "--owner", "zoe"))
    assert json.loads(ok(team("import", str(more), "--owner", "bob", "--json")))["imported"] == 1
    assert json.loads(ok(team("show", "4", "--json")))["owner"] == "bob"


def test_an_inactive_rep_gets_no_round_robin_leads_and_their_new_lead_is_handed_off(team):
    for name in ("ana", "bob", "cy"):
        ok(team("rep", "add", name))
    assert ok(team("rep", "deactivate", "bob")) == "rep bob inactive\n"
    assert "no rep named 'zoe'" in failed(team("rep", "deactivate", "zoe"))
    leads = [add(team, f"Lead {i}", "--owner", "round-robin") for i in range(3)]
    owners = [json.loads(ok(team("show", str(i), "--json")))["owner"] for i in leads]
    assert owners == ["ana", "cy", "ana"]
    assert ok(team("rep", "activate", "bob")) == "rep bob active\n"
    bobs = add(team, "Bob's", "--owner", "bob")
    assert bobs not in [row["id"] for row in json.loads(ok(team("due", "--json", rep="cy")))]
    ok(team("rep", "deactivate", "bob"))
    due = {row["id"]: row for row in json.loads(ok(team("due", "--json", rep="cy")))}
    assert due[bobs]["reason"] == "new 0 min, bob is not working"
    out = ok(team("claim", str(bobs), rep="cy"))
    assert "handed off to you: new 0 min, bob is not working" in out


def test_team_keys_are_checked_with_one_line(team):
    team.config.write_text('[rep]\ntimezone = "America/Chicago"\n[team]\nnew_lead_minutes = -1\n')
    message = failed(team("due"))
    assert "team.new_lead_minutes: must be a whole number of minutes, 1 to 1440" in message
    team.config.write_text('[team]\nreassign_on_handoff = "yes"\n')
    assert "team.reassign_on_handoff: must be true or false, not 'yes'" in failed(team("due"))
