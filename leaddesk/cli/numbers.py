"""Your numbers and the program's health: `stats` and `doctor`."""

from __future__ import annotations

import sys

import click
from pendulum import DateTime

from leaddesk import paths
from leaddesk.cli.base import Env, echo_json, main, pass_env


@main.command()
@click.option("--since", "since_text", metavar="DATE", help="Also a period from DATE (YYYY-MM-DD).")
@click.option("--team", is_flag=True, help="Every rep side by side, and the totals.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def stats(env: Env, since_text, team, as_json):
    """Your numbers: today, this week, 30 days (and the running session).

    Dials, connects, contact rate, voicemails, appointments, wins, speed to
    lead, leads abandoned after two or fewer attempts; best hour to call,
    dials before a connect, pipeline, overdue promises, 30-day dials.
    With --team: one row per rep (and the totals) for today, this week and
    30 days, with the leads each owns and their overdue promises.
    """
    from leaddesk.core.reads.stats_text import report_json, report_lines, since_date
    from leaddesk.core.writes.sessions import your_numbers

    now = env.clock().now()
    if team:
        if since_text:
            raise click.UsageError("--since does not go with --team (today, week, 30 days)")
        team_stats(env, now, as_json)
        return
    since = since_date(since_text, now, env.settings.rep_timezone) if since_text else None
    env.open()
    report = your_numbers(now, env.settings, since)
    if as_json:
        echo_json(report_json(report))
    else:
        for line in report_lines(report):
            click.echo(line)


def team_stats(env: Env, now: DateTime, as_json: bool) -> None:
    from leaddesk.core.reads.stats.team import team_report
    from leaddesk.core.reads.team_text import team_json, team_lines

    env.open()
    report = team_report(now, env.settings)
    if as_json:
        echo_json(team_json(report))
    else:
        for line in team_lines(report):
            click.echo(line)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_env
def doctor(env: Env, as_json):
    """Versions, paths, the database's schema and integrity, config problems.

    Changes nothing; exits 1 when it finds a problem.
    """
    from leaddesk.doctor import as_text, diagnose

    report = diagnose(env.target, env.config_path or paths.config_file(), env.config_error,
                      env.warnings, env.clock().now())  # fmt: skip
    if as_json:
        echo_json(report.as_dict())
    else:
        for line in as_text(report):
            click.echo(line)
    if not report.healthy:
        sys.exit(1)
