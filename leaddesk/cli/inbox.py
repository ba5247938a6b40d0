"""`leaddesk mail check`: read replies, bounces and unsubscribes back from the inbox
([mail] maildir or imap_*). The core does the work (core/transfer/mail_check.py).

When the sending commands (`mail send`, `mail due`) arrive in their own module,
`check` joins their `mail` group: one group, two modules.
"""

from __future__ import annotations

import click

from leaddesk.cli.base import Env, echo_json, main, pass_env


@main.group()
def mail():
    """Email: read replies, bounces and unsubscribes back from the inbox."""


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
