"""`leaddesk log` under the core's calling-hours policy (issue 11 point 5): refused
outside the lead's window with one line, `--outside-hours` logs and marks it,
`--at` says when the call happened in the picker's words, in the lead's zone."""

from __future__ import annotations

import json

from test_cli import add_dana, as_json, ok

NIGHT = "2026-11-23T21:30:00-05:00"  # Monday 21:30 in New York: the window shut at 21:00


def test_a_call_outside_the_window_is_refused_in_one_line(cli):
    lead_id = add_dana(cli)
    result = cli("log", str(lead_id), "no-answer", now=NIGHT)
    assert result.exit_code == 1
    assert result.stderr == (
        # the federal rule shuts at 21:00 too, and a jurisdiction is named first (issue 13)
        "leaddesk: Dana Whitfield: US: calls 08:00–21:00 their time — 21:30 their time,"
        " opens Tue 08:00; add --outside-hours to log it anyway\n"
    )
    assert result.stdout == ""
    shown = as_json(cli("show", str(lead_id), "--json", now=NIGHT))
    assert [t["outcome"] for t in shown["touches"]] == ["received"]


def test_outside_hours_logs_it_and_the_history_says_so(cli):
    lead_id = add_dana(cli)
    logged = as_json(cli("log", str(lead_id), "no-answer", "--outside-hours", "--json", now=NIGHT))
    assert logged["outside_hours"] is True
    assert logged["summary"].startswith("no answer · outside hours (confirmed) · next:")
    shown = as_json(cli("show", str(lead_id), "--json", now=NIGHT))
    assert [t["outside_hours"] for t in shown["touches"]] == [True, False]
    text = ok(cli("show", str(lead_id), now=NIGHT))
    assert "call   no answer · outside hours (confirmed)" in text


def test_email_is_never_refused_at_night(cli):
    lead_id = add_dana(cli)
    ok(cli("log", str(lead_id), "email", now=NIGHT))


def test_at_inside_the_window_is_logged_then_whenever_it_is_logged(cli):
    lead_id = add_dana(cli)
    logged = as_json(cli("log", str(lead_id), "no-answer", "--at", "8:55pm", "--json", now=NIGHT))
    assert logged["outside_hours"] is False
    shown = as_json(cli("show", str(lead_id), "--json", now=NIGHT))
    assert shown["touches"][0]["at"] == "2026-11-24T01:55:00+00:00"  # 20:55 in New York


def test_at_reads_free_text_in_the_leads_zone(cli):
    lead_id = add_dana(cli, now="2026-11-19T09:00:00-05:00")
    ok(cli("log", str(lead_id), "voicemail", "--at", "thu 3pm"))  # Monday now: last Thursday
    ok(cli("log", str(lead_id), "busy", "--at", "2026-11-23 10:30"))
    ok(cli("log", str(lead_id), "connected", "--at", "30 minutes ago"))
    shown = as_json(cli("show", str(lead_id), "--json"))
    assert [t["at"] for t in shown["touches"][:3]] == [
        "2026-11-23T18:30:00+00:00",  # 13:30 in New York
        "2026-11-23T15:30:00+00:00",  # 10:30 there (the rep is in Chicago)
        "2026-11-19T20:00:00+00:00",  # Thursday 15:00 there
    ]


def test_at_yesterday_on_a_sunday_is_outside_and_refused(cli):
    lead_id = add_dana(cli, now="2026-11-20T09:00:00-05:00")
    result = cli("log", str(lead_id), "voicemail", "--at", "yesterday 14:00")  # a Sunday
    assert result.exit_code == 1
    assert "14:00 their time, opens Mon 08:00" in result.stderr


def test_at_in_the_future_is_refused_in_one_line(cli):
    lead_id = add_dana(cli)
    result = cli("log", str(lead_id), "no-answer", "--at", "in 2 weeks")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "in the future" in result.stderr
    assert "Traceback" not in result.output


def test_at_and_outside_hours_together(cli):
    lead_id = add_dana(cli, now="2026-11-19T09:00:00-05:00")
    ok(cli("log", str(lead_id), "busy", "--at", "thu 10pm", "--outside-hours"))
    shown = json.loads(ok(cli("show", str(lead_id), "--json")))
    touch = shown["touches"][0]
    assert touch["at"] == "2026-11-20T03:00:00+00:00"  # last Thursday 22:00 in New York
    assert touch["outside_hours"] is True
