"""`leaddesk rules`: the calling rules in use, where they come from, which apply now."""

from __future__ import annotations

import click

from leaddesk.cli.base import Env, echo_json, main, pass_env


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_env
def rules(env: Env, as_json: bool) -> None:
    """The calling rules by jurisdiction in use ([compliance] packs and extra).

    A call is placed only when every rule of the lead's jurisdictions and the
    company's own [calling_hours] are open. An aid, not legal advice.
    """
    from leaddesk.core.domain.compliance import describe, hours_summary
    from leaddesk.core.domain.tz import tz

    today = env.clock().now().in_timezone(tz(env.settings.rep_timezone)).date()
    book = env.settings.compliance.book
    if as_json:
        echo_json({"version": book.version, "rules": [describe(r, today) for r in book.rules]})
        return
    click.echo(f"rule packs {book.version}")
    for rule in book.rules:
        cap = f" · cap {rule.cap}/24 h per {rule.per}" if rule.cap else ""
        since = "" if rule.in_force(today) else " · not in force today"
        click.echo(f"  {rule.id:<8} {hours_summary(rule)}{cap}{since}")
        click.echo(f"           {rule.source}" + (f" — {rule.link}" if rule.link else ""))
