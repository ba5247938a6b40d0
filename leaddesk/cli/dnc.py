"""`leaddesk dnc`: the do-not-call (and do-not-mail) list — add, remove, list, import."""

from __future__ import annotations

from pathlib import Path

import click

from leaddesk.cli.base import Env, echo_json, main, pass_env
from leaddesk.output import pick


@main.group()
def dnc() -> None:
    """Numbers (and email addresses) no lead may be called (mailed) at."""


@dnc.command("add")
@click.argument("value", metavar="NUMBER|EMAIL")
@click.option("--reason", default="", help="Why, for the record.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def dnc_add(env: Env, value: str, reason: str, as_json: bool) -> None:
    """Put NUMBER (or EMAIL) on the list: every lead carrying it goes off the phone (mail)."""
    from leaddesk.core.writes.dnc import add_suppression

    now = env.clock().now()
    env.open()
    result = add_suppression(value, now, env.settings, reason)
    if as_json:
        echo_json(pick(result, "value kind leads warning"))
        return
    noun = "lead" if result.leads == 1 else "leads"
    click.echo(f"{result.value} {result.warning}; {result.leads} {noun} taken off")


@dnc.command("remove")
@click.argument("value", metavar="NUMBER|EMAIL")
@pass_env
def dnc_remove(env: Env, value: str) -> None:
    """Lift NUMBER (or EMAIL) from the list (recorded: who, when; leads stay as they are)."""
    from leaddesk.core.writes.dnc import remove_suppression

    now = env.clock().now()
    env.open()
    lifted = remove_suppression(value, now, env.settings)
    click.echo(f"lifted {lifted} entr{'y' if lifted == 1 else 'ies'} for {value.strip()}")


@dnc.command("list")
@click.option("--all", "include_removed", is_flag=True, help="Lifted entries too.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def dnc_list(env: Env, include_removed: bool, as_json: bool) -> None:
    """The list, newest first (registry numbers are counted, not listed)."""
    from leaddesk.core.reads.suppressions import (
        last_scrub,
        list_entries,
        registry_size,
        scrub_warning,
    )

    now = env.clock().now()
    env.open()
    entries = list_entries(include_removed)
    scrub, size, stale = last_scrub(), registry_size(), scrub_warning(now)
    if as_json:
        echo_json({"entries": entries, "registry": {"numbers": size, "as_of": scrub}})
        return
    for e in entries:
        lifted = f" · lifted {e.removed_at:%Y-%m-%d} by {e.removed_by}" if e.removed_at else ""
        who = f"lead {e.lead_id}" if e.source == "lead" else e.added_by
        reason = f" · {e.reason}" if e.reason else ""
        click.echo(f"{e.value:<28} {e.source:<7} {e.added_at:%Y-%m-%d} {who}{reason}{lifted}")
    if scrub is not None:
        click.echo(
            f"registry: {size} numbers, scrub of {scrub:%Y-%m-%d}"
            + (f" — {stale}" if stale else "")
        )
    elif not entries:
        click.echo("The list is empty.")


@dnc.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", metavar="DATE", help="The scrub's date (default: now).")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def dnc_import(env: Env, file: Path, as_of: str | None, as_json: bool) -> None:
    """Import a registry scrub FILE: numbers one per line, or a CSV with a phone column.

    A bad row is named by line and nothing is imported. Registry entries spare the
    leads an established business relationship exempts (a sale within 18 months, an
    enquiry within 3 months); a lead's own request spares nobody.
    """
    from leaddesk.core.domain.when import parse_past
    from leaddesk.core.transfer.dnc_file import import_scrub

    now = env.clock().now()
    env.open()
    zone = env.settings.rep_timezone
    at = parse_past(as_of, now, zone) if as_of else now
    numbers, leads = import_scrub(file, at, now, env.settings)
    if as_json:
        echo_json({"numbers": numbers, "leads": leads, "as_of": at})
        return
    click.echo(f"imported {numbers} numbers (scrub of {at:%Y-%m-%d}); {leads} leads taken off")
