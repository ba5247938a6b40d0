"""Email steps from the command line (issue 16): the templates, the email steps
due (a dry run unless `--send --yes`), and one lead's next email."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from leaddesk.cli.base import Env, echo_json, fail, main, parse_lead_id, pass_env
from leaddesk.core.domain.when import parse_when
from leaddesk.output import pick


def templates_dir(env: Env) -> Path | None:
    folder = env.settings.mail.templates_dir  # set by `main`: the config folder's templates/
    return Path(folder) if folder else None


@main.command("templates")
@click.option("--check", is_flag=True, help="Check every file; exit 1 if one is wrong.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def templates_command(env: Env, check, as_json):
    """The mail templates (built in, and the config folder's templates/*.md)."""
    from leaddesk.core.domain.templates import FIELDS, check_templates

    found, problems = check_templates(templates_dir(env))
    if as_json:
        listed = [pick(t, "name subject fields origin") for t in found]
        echo_json({"templates": listed, "problems": problems} if check else listed)
    else:
        for t in found:
            fields = " ".join(f"{{{f}}}" for f in t.fields) or "(no fields)"
            click.echo(f"{t.name:<16} {t.subject}  [{fields}]  {t.origin}")
        if check:
            click.echo(f"fields: {', '.join(FIELDS)}", err=True)
    for problem in problems:
        click.echo(f"leaddesk: {problem}", err=True)
    if check and problems:
        sys.exit(1)


@main.group()
def mail():
    """Email: send steps through the [mail] account; read replies back (check).

    \b
    [mail] keys in config.toml (see the README):
      sending: from, host, port, security (none|starttls|tls), user,
               password_command, sendmail_command, per_minute
      inbox:   maildir, or imap_host, imap_port, imap_user, imap_folder,
               imap_security (tls|starttls|none)
    No password is kept in the file: password_command, else the keyring.
    """


def loaded_templates(env: Env):
    from leaddesk.core.domain.templates import load_templates

    return load_templates(templates_dir(env))


@mail.command("due")
@click.option("--until", "until_text", metavar="WHEN", help="Due by then (default: now).")
@click.option("--send", is_flag=True, help="Send them (with --yes).")
@click.option("--yes", is_flag=True, help="Confirm --send.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def mail_due(env: Env, until_text, send, yes, as_json):
    """Every email step due, rendered (a dry run unless --send --yes)."""
    from leaddesk.core.domain.clock import monotonic, pause
    from leaddesk.core.transfer.mailing import email_due, send_batch
    from leaddesk.core.transfer.transport import transport_for

    if send and not yes:
        fail("--send sends email: add --yes to confirm (run without --send to preview)", code=2)
    clock = env.clock()
    now = clock.now()
    until = now
    if until_text:
        until = parse_when(
            until_text, now, env.settings.rep_timezone, env.settings.rules.morning_hour
        )
    templates = loaded_templates(env)
    transport = transport_for(env.settings.mail) if send else None
    env.open()
    due = email_due(until, now, env.settings, templates)
    for problem in due.problems:
        click.echo(f"leaddesk: skipped: {problem}", err=True)
    for held in due.unconfirmed:
        click.echo(
            f"leaddesk: skipped: lead {held.lead_id}: a message ({held.subject}) may have gone "
            f"out already (unconfirmed); `leaddesk mail send {held.lead_id} --resend` after "
            "checking your Sent folder",
            err=True,
        )
    if transport is None:
        if as_json:
            echo_json([pick(d, "lead_id template subject to") for d in due.drafts])
        else:
            for d in due.drafts:
                click.echo(f"#{d.lead_id:<6} {d.template:<14} {d.to:<32} {d.subject}")
            click.echo(f"{len(due.drafts)} email(s) due (not sent; --send --yes sends)", err=True)
        return
    with click.progressbar(
        length=len(due.drafts), label="sending", file=sys.stderr, show_pos=True
    ) as bar:
        result = send_batch(
            due.drafts,
            until,
            clock.now,
            env.settings,
            transport,
            sleep=pause,
            monotonic=monotonic,
            progress=lambda _d, _s: bar.update(1),
        )
    for line in result.skipped:
        click.echo(f"leaddesk: skipped: {line}", err=True)
    if as_json:
        echo_json([pick(s, "lead_id message_id subject touch_id to") for s in result.sent])
    else:
        click.echo(f"sent {len(result.sent)} email(s); {len(result.skipped)} skipped")


@mail.command("send")
@click.argument("lead")
@click.option("--template", "template_name", metavar="NAME", help="Not the step's own.")
@click.option("--yes", is_flag=True, help="Send without asking.")
@click.option("--resend", is_flag=True, help="Send again after an unconfirmed send.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def mail_send(env: Env, lead, template_name, yes, resend, as_json):
    """Send LEAD's next email now (shows it and asks, unless --yes)."""
    from leaddesk.core.transfer.mailing import draft_for, send_draft
    from leaddesk.core.transfer.transport import transport_for

    lead_id = parse_lead_id(lead)
    now = env.clock().now()
    templates = loaded_templates(env)
    transport = transport_for(env.settings.mail)
    env.open()
    draft = draft_for(lead_id, templates, env.settings, now, template_name)
    if not yes:
        click.echo(f"To: {draft.to}\nSubject: {draft.subject}\n\n{draft.body}", err=True)
        if not click.confirm("send it?", default=False, err=True):
            fail("not sent")
    sent = send_draft(draft, now, env.settings, transport, resend=resend)
    if as_json:
        echo_json(pick(sent, "lead_id message_id subject touch_id"))
    else:
        click.echo(f"sent to {sent.to}: {sent.subject} (touch {sent.touch_id})")


@mail.command()
@click.option("--json", "as_json", is_flag=True, help="counts as JSON")
@pass_env
def check(env: Env, as_json):
    """Read the inbox once: log replies (the lead goes on top of the queue), mark
    bounces, set do-not-mail for unsubscribes; a message is handled only once."""
    from leaddesk.core.transfer.mail_check import check_mail, summary

    now = env.clock().now()
    env.open()
    result = check_mail(now, env.settings)
    if as_json:
        echo_json(result.counts())
        return
    click.echo(summary(result))
    for line in result.skipped:
        click.echo(f"  left for the next check: {line}")
