"""`leaddesk audit`: every call, what allowed it, and the counts that must be 0."""

from __future__ import annotations

import csv
import sys
from datetime import date

import click
from pendulum import DateTime

from leaddesk.cli.base import Env, main, pass_env

COLUMNS = (
    "touch_id", "lead_id", "at", "lead_local", "phone", "rep", "outcome", "rules",
    "rules_version", "outside_hours", "calls_24h", "scrub_age_days",
)  # fmt: skip


def _day(text: str | None, option: str, zone: str, end: bool) -> DateTime | None:
    """--since DATE: from the start of DATE in the rep's zone; --until DATE: to its end."""
    import pendulum

    from leaddesk.core.domain.errors import InvalidInput

    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{option}: {text!r} is not a date like 2026-11-01") from None
    start = pendulum.datetime(day.year, day.month, day.day, tz=zone)
    return start.add(days=1) if end else start


@main.command()
@click.option("--since", "since_text", metavar="DATE", help="Calls from DATE (YYYY-MM-DD).")
@click.option("--until", "until_text", metavar="DATE", help="Calls up to the end of DATE.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text")
@pass_env
def audit(env: Env, since_text, until_text, as_json, fmt):
    """Every call logged, with the rules and pack version that allowed it, the lead's
    local time, the calls to the number in the 24 h before and the do-not-call scrub's
    age; then the calls outside any window (without the override), over a cap and to
    a suppressed number — all three should be 0."""
    from leaddesk.core.reads.audit import AuditSummary, audit_rows
    from leaddesk.core.transfer.exporting import neutralise
    from leaddesk.output import json_text, plain

    zone = env.settings.rep_timezone
    since = _day(since_text, "--since", zone, end=False)
    until = _day(until_text, "--until", zone, end=True)
    env.open()
    summary = AuditSummary()
    rows = audit_rows(env.settings, since, until)
    out = sys.stdout
    if as_json:
        # Streamed: a million rows never sit in memory as one document.
        out.write('{"rows": [')
        for n, row in enumerate(rows):
            summary.add(row)
            out.write(("," if n else "") + "\n" + json_text(plain(row)))
        out.write('\n], "summary": ' + json_text(plain(summary)) + "}\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            summary.add(row)
            values = plain(row)
            values["rules"] = ",".join(row.rules)
            writer.writerow([neutralise(values[c]) for c in COLUMNS])
        click.echo(_summary_line(summary), err=True)
        return
    for row in rows:
        summary.add(row)
        scrub = "no scrub" if row.scrub_age_days is None else f"scrub {row.scrub_age_days} d"
        flag = " OUTSIDE-HOURS (confirmed)" if row.outside_hours else ""
        click.echo(
            f"{row.touch_id:>7} lead {row.lead_id:<6} {row.at:%Y-%m-%d %H:%M}Z"
            f" ({row.lead_local or '?'}) {row.phone} {row.rep or '-'} {row.outcome}"
            f" · {','.join(row.rules) or '-'} {row.rules_version or '-'}"
            f" · {row.calls_24h} in 24 h · {scrub}{flag}"
        )
    click.echo(_summary_line(summary))


def _summary_line(s) -> str:
    return (
        f"{s.calls} calls · {s.outside_any_window} outside any window without the override"
        f" · {s.over_a_cap} over a cap · {s.to_a_suppressed_number} to a suppressed number"
    )
