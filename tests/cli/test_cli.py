"""The command line: add / log / undo / due / show with --db and --now, stable JSON,
and one clear line on stderr (exit 1, no traceback) for every bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

# Monday 2026-11-23, 14:00 in New York.
NOW = "2026-11-23T14:00:00-05:00"
OFFSET = re.compile(r"[+-]\d\d:\d\d$")


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def as_json(result):
    return json.loads(ok(result))


def add_dana(cli, now: str = NOW) -> int:
    return int(
        ok(
            cli(
                "add",
                "--name",
                "Dana Whitfield",
                "--phone",
                "(212) 555-0142",
                "--email",
                "dana@whitfield.example",
                "--company",
                "Whitfield Roofing",
                "--source",
                "trade show",
                now=now,
            )
        ).strip()
    )


def test_add_prints_the_new_id(cli):
    assert add_dana(cli) == 1
    created = as_json(cli("add", "--name", "Ravi Patel", "--phone", "312 555 0177", "--json"))
    assert created == {"id": 2, "name": "Ravi Patel", "duplicates": []}


def test_show_json_shape(cli):
    lead_id = add_dana(cli)
    ok(cli("log", str(lead_id), "no-answer", "--note", "rang out", now="2026-11-23T14:05:00-05:00"))
    shown = as_json(cli("show", str(lead_id), "--json", now="2026-11-23T14:06:00-05:00"))
    for key in (
        "id",
        "name",
        "phone",
        "email",
        "timezone",
        "status",
        "attempts",
        "no_count",
        "do_not_call",
        "do_not_mail",
        "next_due_at",
        "next_channel",
        "touches",
    ):
        assert key in shown, key
    assert shown["id"] == lead_id
    assert shown["name"] == "Dana Whitfield"
    assert shown["phone"] == "+12125550142"
    assert shown["email"] == "dana@whitfield.example"
    assert shown["timezone"] == "America/New_York"
    assert (shown["status"], shown["attempts"], shown["no_count"]) == ("working", 1, 0)
    assert (shown["do_not_call"], shown["do_not_mail"]) == (False, False)
    assert shown["next_due_at"] == "2026-11-23T20:05:00+00:00"  # +1 h
    assert shown["next_channel"] == "call"
    touches = shown["touches"]
    assert [t["outcome"] for t in touches] == ["no-answer", "received"]  # newest first
    assert touches[0] == {
        "at": "2026-11-23T19:05:00+00:00",
        "channel": "call",
        "outcome": "no-answer",
        "note": "rang out",
        "scheduled_due_at": "2026-11-23T20:05:00+00:00",
        "outside_hours": False,
    }
    assert touches[1]["channel"] == "system"


def test_log_json_shape(cli):
    lead_id = add_dana(cli)
    logged = as_json(cli("log", str(lead_id), "connected", "--json"))
    assert logged["lead_id"] == lead_id and logged["outcome"] == "connected"
    assert logged["status"] == "engaged"
    assert logged["next_due_at"] == "2026-11-25T19:00:00+00:00"  # two business days
    assert logged["next_channel"] == "call"
    assert "their time" in logged["summary"]


def test_due_json_shape(cli):
    lead_id = add_dana(cli, now="2026-11-23T13:50:00-05:00")
    rows = as_json(cli("due", "--json"))
    (row,) = rows
    for key in ("id", "name", "tier", "reason", "due_at", "channel", "callable"):
        assert key in row, key
    assert (row["id"], row["name"], row["tier"]) == (lead_id, "Dana Whitfield", "new")
    assert row["reason"] == "new lead, waiting 10 min"
    assert OFFSET.search(row["due_at"])
    assert (row["channel"], row["callable"], row["section"]) == ("call", True, "due")


def test_no_answer_at_8_55_pm_is_next_due_at_8_am_next_morning(cli):
    """A New York lead logged no-answer at 20:55 local: due at/after 08:00 next morning."""
    lead_id = add_dana(cli, now="2026-11-23T20:50:00-05:00")
    logged = as_json(
        cli("log", str(lead_id), "no-answer", "--json", now="2026-11-23T20:55:00-05:00")
    )
    assert logged["next_due_at"] == "2026-11-24T13:00:00+00:00"  # 08:00 in New York
    shown = as_json(cli("show", str(lead_id), "--json", now="2026-11-23T21:00:00-05:00"))
    assert shown["next_due_at"] == "2026-11-24T13:00:00+00:00"
    # one minute before the window opens: not callable
    early = as_json(cli("due", "--json", now="2026-11-24T07:59:00-05:00"))
    assert [(r["id"], r["callable"]) for r in early] == [(lead_id, False)]
    # at 08:00 local it is due and callable
    (row,) = as_json(cli("due", "--json", now="2026-11-24T08:00:00-05:00"))
    assert (row["id"], row["callable"], row["section"]) == (lead_id, True, "due")
    assert row["due_local"] == "2026-11-24T08:00:00-05:00"


def test_the_same_scenario_over_the_dst_change(cli):
    """Saturday 20:55 EDT before the clocks go back: Monday 08:00 EST (Sunday is closed)."""
    lead_id = add_dana(cli, now="2026-10-31T20:50:00-04:00")
    logged = as_json(
        cli("log", str(lead_id), "no-answer", "--json", now="2026-10-31T20:55:00-04:00")
    )
    assert logged["next_due_at"] == "2026-11-02T13:00:00+00:00"


def test_log_next_is_read_in_the_leads_zone(cli):
    lead_id = add_dana(cli)
    logged = as_json(cli("log", str(lead_id), "callback", "--next", "tomorrow 9", "--json"))
    assert logged["next_due_at"] == "2026-11-24T14:00:00+00:00"  # 09:00 New York
    shown = as_json(cli("show", str(lead_id), "--json"))
    assert shown["promises"] == [{"at": "2026-11-24T14:00:00+00:00", "kind": "callback"}]


def test_undo_then_nothing_to_undo(cli):
    lead_id = add_dana(cli)
    before = as_json(cli("show", str(lead_id), "--json"))
    ok(cli("log", str(lead_id), "dnc"))
    assert as_json(cli("show", str(lead_id), "--json"))["do_not_call"] is True
    assert ok(cli("undo")).strip() == "undone: dnc on Dana Whitfield"
    assert as_json(cli("show", str(lead_id), "--json")) == before
    result = cli("undo")
    assert result.exit_code == 1
    assert result.stderr == "leaddesk: nothing to undo\n"


def test_due_text_output(cli):
    add_dana(cli, now="2026-11-23T13:50:00-05:00")
    text = ok(cli("due"))
    assert text.splitlines()[0] == "DUE NOW"
    assert "#1" in text and "Dana Whitfield · Whitfield Roofing" in text
    assert "new lead, waiting 10 min" in text


def test_due_on_an_empty_database(cli):
    assert "Nothing due" in ok(cli("due"))
    assert as_json(cli("due", "--json")) == []


def test_show_text_output(cli):
    lead_id = add_dana(cli)
    text = ok(cli("show", str(lead_id)))
    assert text.startswith("#1 Dana Whitfield · Whitfield Roofing")
    assert "+1 212-555-0142" in text and "America/New_York (phone)" in text


def test_a_config_warning_is_printed_but_the_command_runs(cli, tmp_path):
    (tmp_path / "config.toml").write_text('[rep]\ntimezone = "America/Chicago"\nnick = "d"\n')
    result = cli("due", "--json")
    assert result.exit_code == 0
    assert "leaddesk: warning:" in result.stderr and "rep.nick" in result.stderr


def one_clear_line(result) -> str:
    assert result.exit_code == 1, (result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("leaddesk: ")
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("show", "99"), "no lead with id 99"),
        (("log", "99", "no-answer"), "no lead with id 99"),
        (("log", "99", "no-answer", "--next", "tomorrow"), "no lead with id 99"),
        (("log", "1", "hung-up"), "unknown outcome 'hung-up'"),
        (("log", "abc", "no-answer"), "not a lead id"),
        (("log", "0", "no-answer"), "not a lead id"),
        (("log", "1", "callback"), "needs a time"),
        (("log", "1", "callback", "--next", "feb 30"), "no day 30"),
        (("log", "1", "callback", "--next", "in 99999999999 weeks"), "too far"),
        (("add", "--name", "X", "--phone", "12"), "wrong number of digits"),
        (("add", "--name", "X", "--email", "nope"), "not an email address"),
        (("add", "--name", "X", "--timezone", "Mars/Base"), "IANA"),
        (("add", "--name", "X", "--received", "yesterday-ish"), "ISO 8601"),
    ],
)
def test_bad_input_is_one_line_on_stderr(cli, args, needle):
    add_dana(cli)
    line = one_clear_line(cli(*args))
    assert needle in line, line


@pytest.mark.parametrize("now", ["garbage", "14:00", "2026-13-01T10:00"])
def test_a_bad_now_is_refused(cli, now):
    line = one_clear_line(cli("due", now=now))
    assert repr(now) in line


def test_bad_phone_writes_nothing(cli):
    one_clear_line(cli("add", "--name", "X", "--phone", "12"))
    assert as_json(cli("due", "--json")) == []


def test_a_directory_as_database(cli, tmp_path):
    line = one_clear_line(cli("due", db_path=str(tmp_path)))
    assert "is a directory" in line


def test_a_file_that_is_not_a_database(cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    line = one_clear_line(cli("due", db_path=str(notes)))
    assert "not a leaddesk database" in line


def test_a_database_under_a_file(cli, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    one_clear_line(cli("due", db_path=str(blocker / "t.db")))


def test_a_broken_config_file(cli, tmp_path):
    (tmp_path / "config.toml").write_text("[rep\nname = 1\n")
    line = one_clear_line(cli("due"))
    assert "config.toml" in line and "line 1" in line


# --- the installed program, in a real process ------------------------------------


def leaddesk_bin() -> str:
    found = Path(sys.executable).with_name("leaddesk")
    if not found.exists():
        pytest.skip("leaddesk is not installed in this environment")
    return str(found)


def test_the_installed_program(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[rep]\nname = "tester"\ntimezone = "America/Chicago"\n')
    base = [leaddesk_bin(), "--db", str(tmp_path / "p.db"), "--config", str(config)]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*args, now="2026-11-23T20:50:00-05:00"):
        return subprocess.run(
            [*base, "--now", now, *args], capture_output=True, text=True, env=env, timeout=60
        )

    added = run("add", "--name", "Dana", "--phone", "212 555 0142")
    assert added.returncode == 0, added.stderr
    lead_id = added.stdout.strip()
    logged = run("log", lead_id, "no-answer", "--json", now="2026-11-23T20:55:00-05:00")
    assert logged.returncode == 0, logged.stderr
    assert json.loads(logged.stdout)["next_due_at"] == "2026-11-24T13:00:00+00:00"
    due = run("due", "--json", now="2026-11-24T08:00:00-05:00")
    assert [(r["id"], r["callable"]) for r in json.loads(due.stdout)] == [(int(lead_id), True)]

    bad = run("show", "4242")
    assert bad.returncode == 1
    assert bad.stderr == "leaddesk: no lead with id 4242\n"
    assert bad.stdout == ""


def test_shift_moves_the_schedule_and_keeps_promises(cli):
    assert cli("add", "--name", "Dana", "--phone", "(212) 555-0142").exit_code == 0
    assert cli("add", "--name", "Ravi", "--phone", "(212) 555-0143").exit_code == 0
    assert cli("log", "1", "no-answer").exit_code == 0  # next step today 15:00 NY
    assert cli("log", "2", "callback", "--next", "tomorrow 10am").exit_code == 0
    result = cli("shift", "--days", "3")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("moved 1 lead by 3 business days (promises kept")
    shown = json.loads(cli("show", "1", "--json").output)
    assert shown["next_due_at"] == "2026-11-26T20:00:00+00:00"  # Thursday 15:00 NY
    again = json.loads(cli("shift", "--days", "1", "--json").output)
    assert again == {"moved": 1, "days": 1, "kept_promises": 1}


def test_shift_needs_a_positive_number_of_days(cli):
    result = cli("shift", "--days", "0")
    assert result.exit_code != 0 and "Traceback" not in result.output


# --- issue 3: closing as lost, flags, cadences -----------------------------------------


def test_closing_early_needs_yes_off_a_terminal(cli):
    lead = add_dana(cli)
    result = cli("log", str(lead), "lost")
    assert result.exit_code == 1
    assert "only 0 of 8 attempts" in result.stderr and "--yes" in result.stderr
    assert as_json(cli("show", str(lead), "--json"))["status"] == "new"
    closed = as_json(cli("log", str(lead), "lost", "--yes", "--json"))
    assert (closed["status"], closed["next_due_at"]) == ("lost", None)
    shown = as_json(cli("show", str(lead), "--json"))
    assert (shown["closed_early"], shown["tier"]) == (True, None)
    assert shown["touches"][0]["note"] == "closed early: after 0 of 8 attempts"
    assert all(row["id"] != lead for row in as_json(cli("due", "--json")))


def test_dnc_clear_and_dnm_through_the_cli(cli):
    lead = add_dana(cli)
    ok(cli("log", str(lead), "dnc"))
    shown = as_json(cli("show", str(lead), "--json"))
    assert shown["do_not_call"] and shown["dnc_at"] is not None
    assert shown["next_channel"] == "email"
    ok(cli("log", str(lead), "dnm"))
    shown = as_json(cli("show", str(lead), "--json"))
    assert shown["do_not_mail"] and shown["dnm_at"] is not None and shown["tier"] is None
    ok(cli("log", str(lead), "dnc-clear"))
    shown = as_json(cli("show", str(lead), "--json"))
    assert not shown["do_not_call"] and shown["next_channel"] == "call"
    assert [t["outcome"] for t in shown["touches"][:3]] == ["dnc-clear", "dnm", "dnc"]
    again = cli("log", str(lead), "dnc-clear")
    assert again.exit_code == 1 and "not on do-not-call" in again.stderr


def test_cadences_listed_and_a_lead_moved(cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[rep]\nname = "tester"\ntimezone = "America/Chicago"\n'
        '[cadences.re-engage]\nsteps = ["0 call", "2d email", "1w call"]\n'
    )
    listed = ok(cli("cadence"))
    assert "new-lead (default): 0m call, 1h call, 1d call" in listed
    assert "re-engage: 0m call, 2d email, 1w call" in listed
    lead = add_dana(cli)
    moved = as_json(cli("cadence", str(lead), "re-engage", "--json"))
    assert moved["status"] == "new"  # never touched: still a new lead
    shown = as_json(cli("show", str(lead), "--json"))
    assert (shown["cadence"], shown["cadence_step"], shown["cadence_steps"]) == ("re-engage", 1, 3)
    bad = cli("cadence", str(lead), "nope")
    assert bad.exit_code == 1 and "no cadence named 'nope'" in bad.stderr
    via_log = cli("log", str(lead), "cadence")
    assert via_log.exit_code == 1 and "leaddesk cadence LEAD NAME" in via_log.stderr


def test_show_json_carries_every_rule_field(cli):
    lead = add_dana(cli)
    shown = as_json(cli("show", str(lead), "--json"))
    for key in ("call_zones", "window_open", "window_opens_at", "holiday", "timezone_source",
                "dnc_at", "dnm_at", "closed_early", "cadence", "cadence_step"):  # fmt: skip
        assert key in shown, key
    assert shown["call_zones"] == ["America/New_York"] and shown["window_open"] is True
    (row,) = as_json(cli("due", "--json"))
    assert (row["step"], row["steps"]) == (1, 10)


def test_a_holiday_shows_in_show_and_due(cli, tmp_path):
    (tmp_path / "config.toml").write_text(
        '[rep]\nname = "tester"\ntimezone = "America/Chicago"\n[calling_hours]\nholidays = ["US"]\n'
    )
    thanksgiving = "2026-11-26T12:00:00-05:00"
    lead = add_dana(cli, now=thanksgiving)
    shown = as_json(cli("show", str(lead), "--json", now=thanksgiving))
    assert (shown["window_open"], shown["holiday"]) == (False, "Thanksgiving Day")
    assert shown["window_opens_at"].startswith("2026-11-27T13:00:00")  # 08:00 New York
    # the window opens tomorrow: not today's queue (LATER holds only today)
    assert as_json(cli("due", "--json", now=thanksgiving)) == []
    (row,) = as_json(cli("due", "--json", now="2026-11-27T08:00:00-05:00"))
    assert (row["id"], row["section"], row["callable"]) == (lead, "due", True)


def test_stats_json_is_an_object_per_period(cli):
    lead_id = add_dana(cli, now="2026-11-23T13:50:00-05:00")
    ok(cli("log", str(lead_id), "no-answer", now="2026-11-23T14:00:00-05:00"))
    ok(cli("log", str(lead_id), "connected", now="2026-11-23T14:40:00-05:00"))
    data = as_json(cli("stats", "--json", now="2026-11-23T15:00:00-05:00"))
    assert {"today", "week", "days30", "by_hour", "attempts_before_connect", "pipeline",
            "overdue_promises", "sparkline"} <= set(data)  # fmt: skip
    assert "session" not in data and "since" not in data
    today = data["today"]
    assert {k: today[k] for k in ("dials", "connects", "contact_rate", "voicemails")} == {
        "dials": 2,
        "connects": 1,
        "contact_rate": 0.5,
        "voicemails": 0,
    }
    assert (today["appointments"], today["wins"], today["abandoned_after_two_or_fewer"]) == (
        0,
        0,
        0,
    )
    assert (today["speed_to_lead_median_minutes"], today["within_hour_pct"]) == (10, 100.0)
    assert today["start"] == "2026-11-23T00:00:00-06:00"  # the rep is in Chicago
    assert data["by_hour"][14] == {"hour": 14, "dials": 2, "connects": 1, "contact_rate": 0.5}
    assert data["attempts_before_connect"]["1"] == 1
    assert data["pipeline"]["engaged"] == 1
    assert data["sparkline"][-1] == {"date": "2026-11-23", "dials": 2}


def test_stats_since_a_date_and_the_running_session(cli, tmp_path):
    from leaddesk.core.domain.settings import Settings
    from leaddesk.core.domain.when import parse_instant
    from leaddesk.core.store.schema import open_store
    from leaddesk.core.writes.sessions import start_session

    lead_id = add_dana(cli, now="2026-11-20T10:00:00-05:00")
    ok(cli("log", str(lead_id), "voicemail", now="2026-11-20T10:05:00-05:00"))
    open_store(str(tmp_path / "cli.db"))
    rep = Settings(rep_name="tester", rep_timezone="America/Chicago")
    start_session(parse_instant("2026-11-23T13:55:00-05:00", "UTC"), rep, goal=40)
    from leaddesk.core.store.schema import close_store

    close_store()
    ok(cli("log", str(lead_id), "connected", now="2026-11-23T14:00:00-05:00"))
    data = as_json(cli("stats", "--json", "--since", "2026-11-20"))
    assert (data["since"]["dials"], data["since"]["voicemails"]) == (2, 1)
    assert data["since"]["start"] == "2026-11-20T00:00:00-06:00"
    assert (data["session"]["dials"], data["session"]["connects"]) == (1, 1)
    assert data["week"]["dials"] == 1  # Monday's call only


def test_stats_human_table(cli):
    lead_id = add_dana(cli, now="2026-11-23T13:50:00-05:00")
    ok(cli("log", str(lead_id), "connected", now="2026-11-23T13:55:00-05:00"))
    lines = ok(cli("stats")).splitlines()
    assert lines[0] == "Your numbers · tester · America/Chicago · Mon 2026-11-23 13:00"
    assert lines[2].split() == ["today", "this", "week", "30", "days"]
    assert lines[3].split() == ["dials", "1", "1", "1"]
    assert lines[5].split() == ["contact", "rate", "100%", "100%", "100%"]
    assert not any(line.startswith("best hours") for line in lines)  # under 10 dials


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("2026-13-01", "--since: '2026-13-01' is not a date like 2026-11-01"),
        ("last week", "--since: 'last week' is not a date like 2026-11-01"),
        ("2026-11-24", "--since: 2026-11-24 is in the future"),
    ],
)
def test_stats_refuses_a_bad_since(cli, since, message):
    result = cli("stats", "--since", since)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"leaddesk: {message}"
    assert "Traceback" not in result.output


# --- find ----------------------------------------------------------------------------


def test_find_by_name_phone_email_and_notes(cli):
    dana = add_dana(cli)
    ravi = int(ok(cli("add", "--name", "Ravi Patel", "--phone", "312 555 0177")).strip())
    ok(cli("log", str(ravi), "no-answer", "--note", "wants a metal roof quote"))
    for text, lead_id, field in [
        ("dana", dana, "name"),
        ("555-0142", dana, "phone"),
        ("(312) 555", ravi, "phone"),
        ("whitfield.example", dana, "email"),
        ("metal roof", ravi, "note"),
    ]:
        hits = as_json(cli("find", text, "--json"))
        assert hits[0]["id"] == lead_id and hits[0]["field"] == field, (text, hits)
    assert set(hits[0]) == {"id", "name", "company", "status", "field", "excerpt"}
    text = ok(cli("find", "555-0142"))
    assert text.startswith(f"#{dana} ") and "Dana Whitfield · Whitfield Roofing" in text
    assert "phone +1 212-555-0142" in text


def test_find_limit_and_no_match(cli):
    for i in range(5):
        ok(cli("add", "--name", f"Jordan Lee {i}", "--phone", f"212 555 01{i:02d}"))
    assert len(as_json(cli("find", "jordan", "--limit", "3", "--json"))) == 3
    assert as_json(cli("find", "nobody", "--json")) == []
    assert "no lead matches 'nobody'" in ok(cli("find", "nobody"))
    refused = cli("find", "x", "--limit", "0")  # click's usage error, like `due --limit 0`
    assert refused.exit_code == 2 and "--limit" in refused.stderr


def test_add_reports_every_bad_field_in_one_line(cli):
    line = one_clear_line(cli("add", "--name", "X", "--phone", "12", "--email", "nope"))
    assert "wrong number of digits" in line and "not an email address" in line


def test_show_holds_everything_known_about_the_lead(cli, tmp_path):
    sheet = tmp_path / "one.csv"
    sheet.write_text(
        "name,phone,address,city,state,zip,country,tags,notes,source,interest,first contact\n"
        "Naomi Fischer,(212) 555-0142,12 Elm St,Albany,NY,12207,US,"
        '"vip, roof",met at booth 237,trade show,metal roof,2026-11-20\n',
        encoding="utf-8",
    )
    ok(cli("import", str(sheet), "--rejects", str(tmp_path / "r.csv")))
    shown = as_json(cli("show", "1", "--json"))
    expected = {
        "address": "12 Elm St",
        "city": "Albany",
        "region": "NY",
        "postcode": "12207",
        "country": "US",
        "tags": "vip, roof",
        "notes": "met at booth 237",
        "source": "trade show",
        "interest": "metal roof",
        "first_contact_on": "2026-11-20",
        "owner": None,
    }
    assert {key: shown[key] for key in expected} == expected
    assert shown["received_at"]
    text = ok(cli("show", "1"))
    for line in (
        "  where  12 Elm St, Albany, NY 12207, US",
        "  about  source trade show · interest metal roof",
        "  tags   vip, roof",
        "  notes  met at booth 237",
    ):
        assert line in text.splitlines(), text
    assert "first contact 2026-11-20" in text and "received 2026-11-23" in text


def test_add_takes_a_zone_as_reps_type_it(cli):
    ok(cli("add", "--name", "Pat", "--phone", "(415) 555-0100", "--timezone", "Eastern"))
    assert as_json(cli("show", "1", "--json"))["timezone"] == "America/New_York"
    line = one_clear_line(cli("add", "--name", "Ira", "--timezone", "IST"))
    assert "could be Asia/Kolkata or Europe/Dublin or Asia/Jerusalem" in line
