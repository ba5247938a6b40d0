"""`leaddesk templates`, `mail due`, `mail send` and `letters --format text` against
a real SMTP server on loopback (issue 16)."""

from __future__ import annotations

import json

import pendulum

from leaddesk.core.store.models import Lead

NOW = "2026-11-23T14:00:00-05:00"


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def with_mail(tmp_path, port: int, extra: str = "") -> None:
    (tmp_path / "config.toml").write_text(
        '[rep]\nname = "tester"\ntimezone = "America/Chicago"\n'
        f'[mail]\nfrom = "Tester <tester@example.com>"\nhost = "127.0.0.1"\nport = {port}\n'
        f'security = "none"\nper_minute = 10000\n{extra}'
    )


def add(cli, name: str, email: str, *more: str) -> int:
    return int(ok(cli("add", "--name", name, "--email", email, *more)).split()[0].lstrip("#"))


def test_templates_lists_the_built_in_ones_and_checks_the_rep_s_own(cli, tmp_path):
    listed = json.loads(ok(cli("templates", "--json")))
    names = [t["name"] for t in listed]
    assert {"email", "new-lead-4", "new-lead-7", "nurture", "letter"} <= set(names)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "nurture.md").write_text("Subject: Hello {first_name}\n\nHi {first_name}\n")
    (folder / "broken.md").write_text("Subject: Hi {frist_name}\n\nbody\n")
    checked = cli("templates", "--check")
    assert checked.exit_code == 1
    assert f"template {folder / 'broken.md'}: unknown field {{frist_name}}" in checked.stderr
    assert "nurture          Hello {first_name}" in checked.stdout


def test_mail_send_json_and_the_history(cli, tmp_path, smtp_server):
    with_mail(tmp_path, smtp_server.port)
    lead = add(cli, "Dana Whitfield", "dana@example.com", "--interest", "metal roof")
    sent = json.loads(ok(cli("mail", "send", str(lead), "--yes", "--json")))
    assert list(sent) == ["lead_id", "message_id", "subject", "touch_id"]
    assert sent["lead_id"] == lead and sent["subject"] == "Following up, Dana"
    [msg] = smtp_server.messages
    assert msg["Message-ID"] == sent["message_id"]
    touches = json.loads(ok(cli("show", str(lead), "--json")))["touches"]
    assert (touches[0]["channel"], touches[0]["note"]) == ("email", "Following up, Dana")


def test_mail_send_asks_first_and_no_sends_nothing(cli, tmp_path, smtp_server):
    with_mail(tmp_path, smtp_server.port)
    lead = add(cli, "Dana Whitfield", "dana@example.com")
    asked = cli("mail", "send", str(lead), input="n\n")
    assert asked.exit_code == 1 and "Subject: Following up, Dana" in asked.stderr
    assert "leaddesk: not sent" in asked.stderr
    assert smtp_server.messages == []


def test_mail_due_is_a_dry_run_and_send_needs_yes(cli, tmp_path, smtp_server):
    with_mail(tmp_path, smtp_server.port)
    add(cli, "Dana Whitfield", "dana@example.com")
    ok(cli("log", str(add(cli, "Noel Mail", "noel@example.com")), "dnm"))
    due = json.loads(ok(cli("mail", "due", "--json")))
    assert due == [
        {"lead_id": 1, "template": "email", "subject": "Following up, Dana",
         "to": "dana@example.com"}
    ]  # fmt: skip
    refused = cli("mail", "due", "--send")
    assert refused.exit_code == 2 and "add --yes" in refused.stderr
    assert smtp_server.messages == []
    sent = cli("mail", "due", "--send", "--yes")
    assert "sent 1 email(s)" in ok(sent)
    assert json.loads(ok(cli("mail", "due", "--json"))) == []


def test_a_server_that_is_down_is_one_line(cli, tmp_path):
    from mail_server import free_port

    with_mail(tmp_path, free_port())
    lead = add(cli, "Dana Whitfield", "dana@example.com")
    failed = cli("mail", "send", str(lead), "--yes")
    assert failed.exit_code == 1
    assert failed.stderr.startswith("leaddesk: not sent: cannot reach 127.0.0.1:")
    assert len(failed.stderr.splitlines()) == 1
    touches = json.loads(ok(cli("show", str(lead), "--json")))["touches"]
    assert [t["channel"] for t in touches] == ["system"]  # received; no email


def test_a_password_in_the_config_is_refused(cli, tmp_path):
    with_mail(tmp_path, 25, 'password = "hunter2-Secret"\n')
    failed = cli("mail", "due")
    assert failed.exit_code == 1 and "use password_command or the keyring" in failed.stderr
    assert "hunter2-Secret" not in failed.stderr


def test_letters_as_rendered_text(cli, tmp_path):
    ok(cli("add", "--name", "Ada Post", "--address", "1 Mill Rd\nSpringfield"))
    ok(cli("add", "--name", "Bo Post", "--address", "2 Mill Rd"))
    text = ok(cli("letters", "--format", "text", "--mark-sent"))
    first, second = text.split("\n" + "-" * 72 + "\n\n")
    assert first.startswith("Ada Post\n1 Mill Rd\nSpringfield\n\nNovember 23, 2026\n\nDear Ada,")
    assert "Dear Bo," in second and "tester" in second
    assert ok(cli("letters", "--format", "text")) == ""


def test_a_nurture_month_on_200_demo_leads_sends_each_due_email_once(cli, tmp_path, smtp_server):
    with_mail(tmp_path, smtp_server.port)
    start = pendulum.parse(NOW)
    ok(cli("demo", "--leads", "200", "--seed", "16", now=start.isoformat()))
    from leaddesk.core.store.schema import open_store

    open_store(str(tmp_path / "cli.db"))
    # A lead's own request wins: ten leads whose next step is an email ask not to be mailed.
    asked = Lead.select().where((Lead.next_channel == "email") & (Lead.email != "")).limit(10)
    for lead in list(asked):
        ok(cli("log", str(lead.id), "dnm", now=start.isoformat()))
    do_not_mail = {lead.email for lead in Lead.select().where(Lead.do_not_mail == True)}  # noqa: E712
    assert len(do_not_mail) >= 10
    days_sent = []
    for day in range(30):
        at = start.add(days=day).isoformat()
        ok(cli("mail", "due", "--send", "--yes", now=at))
        days_sent.append(len(smtp_server.messages))
        assert json.loads(ok(cli("mail", "due", "--json", now=at))) == []  # nothing left due
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == len(set(ids)) > 0
    assert not {m["To"] for m in smtp_server.messages} & do_not_mail
    print(
        f"nurture month: {len(ids)} emails to {len({m['To'] for m in smtp_server.messages})} "
        f"leads; sent by day {days_sent}; {len(do_not_mail)} do-not-mail leads got none"
    )
