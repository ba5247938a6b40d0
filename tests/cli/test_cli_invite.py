"""`leaddesk log LEAD appointment --next WHEN --invite` (issue 16 point 5): the
invitation on a real SMTP server on loopback; a refusal keeps the appointment."""

from __future__ import annotations

import json

from test_cli_mail import add, ok, with_mail

PHONE = "+1 212 555 0142"


def test_invite_sends_a_request_a_move_updates_it_and_lost_cancels_it(cli, tmp_path, smtp_server):
    with_mail(tmp_path, smtp_server.port)
    lead = add(cli, "Dana Whitfield", "dana@example.com", "--phone", PHONE)
    first = json.loads(
        ok(cli("log", str(lead), "appointment", "--next", "thu 3pm", "--invite", "--json"))
    )
    [invited] = first["invitations"]
    assert (invited["method"], invited["sequence"], invited["to"]) == (
        "REQUEST", 0, "dana@example.com",
    )  # fmt: skip
    moved = json.loads(
        ok(cli("log", str(lead), "appointment", "--next", "fri 10am", "--invite", "--json"))
    )
    [update] = moved["invitations"]
    assert (update["uid"], update["sequence"]) == (invited["uid"], 1)
    assert update["subject"].startswith("Moved: our appointment Friday")
    closed = json.loads(ok(cli("log", str(lead), "lost", "--yes", "--invite", "--json")))
    [cancel] = closed["invitations"]  # one event: the moved time is not cancelled again
    assert (cancel["method"], cancel["uid"], cancel["sequence"]) == ("CANCEL", invited["uid"], 2)
    assert [m.get_content_type() for m in smtp_server.messages] == ["multipart/alternative"] * 3


def test_a_refused_invitation_keeps_the_appointment(cli, tmp_path, smtp_server):
    with_mail(tmp_path, smtp_server.port)
    lead = add(cli, "Dana Whitfield", "dana@example.com", "--phone", PHONE)
    smtp_server.answer = "554 5.7.1 rejected"
    result = cli("log", str(lead), "appointment", "--next", "thu 3pm", "--invite")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "leaddesk: appointment set; invitation not sent: 127.0.0.1 answered 554 5.7.1 rejected"
    )
    shown = json.loads(ok(cli("show", str(lead), "--json")))
    assert shown["status"] == "appointment"
    assert [t["channel"] for t in shown["touches"]][:1] == ["call"]


def test_invite_without_mail_settings_logs_nothing(cli, tmp_path):
    lead = add(cli, "Dana Whitfield", "dana@example.com", "--phone", PHONE)
    result = cli("log", str(lead), "appointment", "--next", "thu 3pm", "--invite")
    assert result.exit_code != 0 and "--invite needs [mail]" in result.stderr
    assert json.loads(ok(cli("show", str(lead), "--json")))["status"] == "new"
