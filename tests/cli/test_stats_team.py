"""`leaddesk stats --team`: one row per rep and the totals, as JSON and as text.

The figures themselves are checked by hand on both engines in
tests/core/reads/test_team_stats.py; here: the command, its shape, its errors.
"""

from __future__ import annotations

import json

NOW = "2026-11-23T15:00:00-05:00"  # Monday afternoon in New York
FIELDS = {
    "dials", "connects", "contact_rate", "voicemails", "appointments", "wins", "new_leads",
    "speed_to_lead_median_minutes", "within_hour_pct", "abandoned_after_two_or_fewer",
}  # fmt: skip


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def add(cli, name: str, owner: str) -> int:
    out = ok(cli("add", "--name", name, "--phone", "(212) 555-0142", "--owner", owner, "--json",
                 now="2026-11-23T13:50:00-05:00"))  # fmt: skip
    return json.loads(out)["id"]


def team_of_two(cli) -> None:
    for rep in ("ana", "ben"):
        ok(cli("rep", "add", rep))
    dana, lee = add(cli, "Dana", "ana"), add(cli, "Lee", "ben")
    ok(cli("--rep", "ana", "log", str(dana), "connected", now="2026-11-23T14:00:00-05:00"))
    ok(cli("--rep", "ben", "log", str(lee), "no-answer", now="2026-11-23T14:30:00-05:00"))
    ok(cli("--rep", "ben", "log", str(lee), "voicemail", now="2026-11-23T14:45:00-05:00"))


def test_team_json_has_every_field_per_period_per_rep_and_totals(cli):
    team_of_two(cli)
    data = json.loads(ok(cli("stats", "--team", "--json", now=NOW)))
    assert data["now"] == "2026-11-23T14:00:00-06:00" and data["timezone"] == "America/Chicago"
    assert list(data["periods"]) == ["today", "week", "days30"]
    reps = {row["rep"]: row for row in data["reps"]}
    assert list(reps) == ["ana", "ben"]
    for row in [*data["reps"], data["totals"]]:
        assert set(row) == {"rep", "leads_owned", "overdue_promises", "today", "week", "days30"}
        assert all(set(row[key]) == FIELDS for key in ("today", "week", "days30"))
    ana, ben, total = reps["ana"]["today"], reps["ben"]["today"], data["totals"]["today"]
    assert (ana["dials"], ana["connects"], ana["contact_rate"]) == (1, 1, 1.0)
    assert (ben["dials"], ben["connects"], ben["contact_rate"]) == (2, 0, 0.0)
    # Dana was called 10 min after arriving (ana's lead), Lee 40 min (ben's)
    assert (ana["speed_to_lead_median_minutes"], ben["speed_to_lead_median_minutes"]) == (10, 40)
    assert (total["dials"], total["connects"], total["speed_to_lead_median_minutes"]) == (3, 1, 25)
    assert (reps["ana"]["leads_owned"], data["totals"]["leads_owned"]) == (1, 2)
    assert data["totals"]["rep"] is None


def test_team_text_is_a_table_per_period_by_connects(cli):
    team_of_two(cli)
    lines = ok(cli("stats", "--team", now=NOW)).splitlines()
    assert lines[0] == "The team's numbers · America/Chicago · Mon 2026-11-23 14:00"
    today = lines[lines.index(next(x for x in lines if x.startswith("today"))) :]
    assert [line.split()[0] for line in today[1:4]] == ["ana", "ben", "total"]
    assert max(len(line) for line in lines) <= 80


def test_since_does_not_go_with_team(cli):
    result = cli("stats", "--team", "--since", "2026-11-01", now=NOW)
    assert result.exit_code == 2 and "Traceback" not in result.output
    said = result.stderr.strip().splitlines()
    assert len(said) == 1
    assert said[0].startswith("leaddesk: --since does not go with --team (today, week, 30 days)")
