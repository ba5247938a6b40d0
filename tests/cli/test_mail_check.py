"""`leaddesk mail check` against a real IMAP server (Dovecot), on both engines."""

from __future__ import annotations

import json

import mail_samples as mail
import pytest
from click.testing import CliRunner
from dovecot_server import PASSWORD, USER

from leaddesk.cli import main
from leaddesk.core.store.schema import close_store

NOW = "2026-11-23T14:00:00-05:00"  # Monday 14:00 in New York


@pytest.fixture
def run(store_target, tmp_path, dovecot):
    config = tmp_path / "config.toml"

    def configure(password: str = PASSWORD) -> None:
        config.write_text(
            '[rep]\nname = "tester"\ntimezone = "America/Chicago"\n'
            f'[mail]\nimap_host = "127.0.0.1"\nimap_port = {dovecot.imaps_port}\n'
            f'imap_user = "{USER}"\nimap_security = "tls"\n'
            f"password_command = \"printf '%s' {password}\"\n"
        )

    configure()
    runner = CliRunner()

    def invoke(*args: str, now: str = NOW):
        argv = ["--config", str(config), "--db", store_target, "--now", now, *args]
        return runner.invoke(main, argv, env={"LEADDESK_DB": None})

    invoke.configure = configure
    yield invoke
    close_store()


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_mail_check_json_counts_and_the_reply_on_top(run, dovecot):
    for name, email in (("Dana Whitfield", "dana@example.com"), ("Sam Ito", "sam@example.com")):
        ok(run("add", "--name", name, "--phone", "+1 212 555 0142", "--email", email,
               "--received", "2026-11-20T10:00:00-05:00"))  # fmt: skip
    dovecot.deliver(
        mail.reply("dana@example.com", "<r1@example.com>"),
        mail.out_of_office("sam@example.com", "<o1@example.com>"),
        mail.classic_bounce("sam@example.com", "<b1@mx>"),
        mail.to_unsubscribe_mailbox("sam@example.com", "<u1@example.com>"),
    )
    counts = json.loads(ok(run("mail", "check", "--json")))
    assert counts == {"replies": 1, "auto_replies": 1, "bounces": 1, "unsubscribes": 1}
    top = json.loads(ok(run("due", "--json")))[0]
    assert top["name"] == "Dana Whitfield"
    assert top["reason"] == "reply from Dana — answer"
    assert ok(run("mail", "check")).strip() == (
        "mail: 0 replies, 0 automatic, 0 bounces, 0 unsubscribed"
    )


def test_a_refused_login_is_one_line_on_stderr(run, dovecot):
    run.configure(password="not-the-password")
    result = run("mail", "check", "--json")
    assert result.exit_code != 0
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "refused rep" in line and "not-the-password" not in line
