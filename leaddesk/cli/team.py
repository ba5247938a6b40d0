"""Team commands: claim and release a lead, assign it to a rep, list and add reps.

The core does the work (leaddesk/core/writes/team.py).
"""

from __future__ import annotations

import click

from leaddesk.cli.base import Env, echo_json, main, parse_lead_id, pass_env


@main.command()
@click.argument("lead")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def claim(env: Env, lead, as_json):
    """Hold a lead for a few minutes so no other rep calls it ([team] claim_minutes)."""
    from leaddesk.core.writes.team import claim as claim_lead

    lead_id = parse_lead_id(lead)
    now = env.clock().now()
    env.open()
    held = claim_lead(lead_id, now, env.settings)
    if as_json:
        echo_json(held)
    else:
        until = held.until.in_timezone(env.settings.rep_timezone)
        click.echo(f"lead {lead_id} is yours until {until:%H:%M}")
        if held.handoff:
            click.echo(f"handed off to you: {held.handoff}")


@main.command()
@click.argument("lead")
@pass_env
def release(env: Env, lead):
    """Let go of a lead you claimed."""
    from leaddesk.core.writes.team import release as release_lead

    lead_id = parse_lead_id(lead)
    env.open()
    if release_lead(lead_id, env.settings):
        click.echo(f"lead {lead_id} released")
    else:
        click.echo(f"lead {lead_id} was not claimed by {env.settings.rep_name}")


@main.command()
@click.argument("lead")
@click.argument("rep")
@pass_env
def assign(env: Env, lead, rep):
    """Give a lead to REP (or to the pool: REP = pool); kept in its history."""
    from leaddesk.core.writes.team import assign as assign_lead

    lead_id = parse_lead_id(lead)
    now = env.clock().now()
    env.open()
    click.echo(assign_lead(lead_id, None if rep == "pool" else rep, now, env.settings))


@main.group(invoke_without_command=True)
@click.pass_context
def rep(ctx: click.Context):
    """List the team's reps (and how many leads each owns)."""
    if ctx.invoked_subcommand is not None:
        return
    from leaddesk.core.reads.scope_where import rep_names

    env = ctx.find_object(Env)
    if env is None:  # the main group always makes one; a bare call of the group does not
        raise click.UsageError("run as `leaddesk rep`")
    env.open()
    for name, owned in rep_names():
        me = "  (you)" if name == env.settings.rep_name else ""
        click.echo(f"{name:<20} {owned:>6} leads{me}")


@rep.command("add")
@click.argument("name")
@pass_env
def rep_add(env: Env, name):
    """Add a rep to the team (reps are also added when they first log a call)."""
    from leaddesk.core.writes.team import add_rep

    env.open()
    add_rep(name)
    click.echo(f"rep {name.strip()} added")


@rep.command("deactivate")
@click.argument("name")
@pass_env
def rep_deactivate(env: Env, name):
    """Mark a rep as not working: round-robin skips them, their new leads and promises
    are handed off at once ([team] new_lead_minutes, promise_minutes)."""
    from leaddesk.core.writes.team import set_active

    env.open()
    click.echo(set_active(name, False))


@rep.command("activate")
@click.argument("name")
@pass_env
def rep_activate(env: Env, name):
    """Mark a rep as working again."""
    from leaddesk.core.writes.team import set_active

    env.open()
    click.echo(set_active(name, True))
