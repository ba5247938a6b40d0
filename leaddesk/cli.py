"""The `leaddesk` command: opens the desk, or runs one scripted action.

Every subcommand shares the core with the desk. Textual is imported only when
the desk opens, so `leaddesk due` stays quick.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click
import peewee

from leaddesk import __version__, paths
from leaddesk.config import ConfigError, load_settings
from leaddesk.core.domain.clock import Clock, FixedClock, ShiftedClock, SystemClock
from leaddesk.core.domain.errors import InvalidInput, LeadDeskError, StoreError
from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.text import one_line
from leaddesk.core.domain.when import parse_instant, parse_when
from leaddesk.core.store.db import mask_secrets, mask_url, sqlite_error_message
from leaddesk.logs import log_file, logger, setup_logging
from leaddesk.output import guarded, json_text


@dataclass
class Env:
    target: str
    now_text: str | None
    settings: Settings
    warnings: list[str]
    config_path: Path | None = None
    config_error: str | None = None  # only `doctor` runs with a broken config

    def clock(self, *, running: bool = False) -> Clock:
        if self.now_text is None:
            return SystemClock()
        at = parse_instant(self.now_text, self.settings.rep_timezone)
        return ShiftedClock(at) if running else FixedClock(at)

    def open(self) -> None:
        from leaddesk.core.store.schema import open_store

        open_store(self.target)


class LeadDeskGroup(click.Group):
    """Turns every expected failure into one line on stderr and exit 1.

    The line goes to the log file too, with the traceback where there is one;
    anything a terminal would obey is neutralised in everything printed, by
    us or by click.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        setup_logging()
        with guarded():
            return super().main(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            _usage(exc)
            raise  # pragma: no cover (_usage exits)

    def invoke(self, ctx: click.Context) -> Any:
        target = ctx.params.get("db") or ""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            _usage(exc)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except StoreError as exc:
            _fail(str(exc), exc)
        except LeadDeskError as exc:
            _fail(str(exc))
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            _fail(sqlite_error_message(exc, target or "(default)"), exc)
        except BrokenPipeError:
            # The reader went away (`leaddesk due | head`): nothing to say.
            sys.stdout = sys.__stdout__ = open(os.devnull, "w")  # noqa: SIM115
            sys.exit(1)
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), exc)
        except OverflowError as exc:
            _fail(f"a number is out of range ({exc})")
        except Exception as exc:
            where = log_file()
            _fail(f"internal error: {type(exc).__name__}: {exc} (details in {where})", exc, 70)


def _usage(exc: click.UsageError) -> None:
    """click's usage errors, in one line like every other error."""
    command = exc.ctx.command_path if exc.ctx else "leaddesk"
    _fail(f"{exc.format_message()} (see {command} --help)", code=2)


def _fail(message: str, exc: BaseException | None = None, code: int = 1) -> None:
    # One line, whatever the input quoted in it held.
    message = one_line(mask_secrets(message))
    if exc is None:
        logger.warning("%s", message)
    else:
        logger.error("%s", message, exc_info=exc)
    click.echo(f"leaddesk: {message}", err=True)
    sys.exit(code)


def _json(data: Any) -> None:
    click.echo(json_text(data))


def iso(at: Any) -> str | None:
    return at.isoformat() if at is not None else None


@click.group(cls=LeadDeskGroup, invoke_without_command=True)
@click.option(
    "--db",
    envvar="LEADDESK_DB",
    metavar="PATH|URL",
    help="Database file or URL (default: leaddesk.db in the user data folder).",
)
@click.option("--now", "now_text", metavar="ISO8601", help="Pretend the current time is this.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: config.toml in the user config folder).",
)
@click.option(
    "--rep",
    "rep_name",
    envvar="LEADDESK_REP",
    metavar="NAME",
    help="Work as this rep (default: [rep] name in the config, else your login).",
)
@click.version_option(__version__, prog_name="leaddesk")
@click.pass_context
def main(
    ctx: click.Context,
    db: str | None,
    now_text: str | None,
    config_path: Path | None,
    rep_name: str | None,
):
    """leaddesk: who to call next, and one key to log the call.

    Without a command, opens the desk.
    """
    config_path = config_path or paths.config_file()
    try:
        settings, warnings = load_settings(config_path)
        config_error = None
    except ConfigError as exc:
        if ctx.invoked_subcommand != "doctor":
            raise
        settings, warnings, config_error = Settings(), [], str(exc)
    if rep_name is not None:
        if not rep_name.strip():
            raise InvalidInput("--rep needs a name")
        settings = replace(settings, rep_name=rep_name.strip())
    target = db or settings.team.database or paths.default_database()
    env = Env(target, now_text, settings, warnings, config_path, config_error)
    ctx.obj = env
    if now_text is not None:
        env.clock()  # reject a bad --now before anything else
    for warning in warnings:
        click.echo(f"leaddesk: warning: {warning}", err=True)
    if ctx.invoked_subcommand is None:
        env.open()
        from leaddesk.ui.app import make_app

        make_app(env.settings, env.clock(running=True), env.target).run()


pass_env = click.make_pass_decorator(Env)


@main.command()
@click.option("--name", required=True, help="Full name (or the company's name).")
@click.option("--phone", "phones", multiple=True, help="Phone number; repeat for several.")
@click.option("--email", default="")
@click.option("--company", default="")
@click.option("--title", default="")
@click.option("--source", default="", help="Where you met them.")
@click.option("--interest", default="", help="What they are interested in.")
@click.option("--address", default="")
@click.option("--timezone", "tz", default=None, help="IANA zone, if not the phone's.")
@click.option("--received", default=None, metavar="ISO8601", help="When the lead came in.")
@click.option("--notes", default="")
@click.option("--owner", default=None, metavar="REP|round-robin", help="Give it to a rep.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_env
def add(env: Env, name, phones, email, company, title, source, interest, address, tz, received,
        notes, owner, as_json):  # fmt: skip
    """Add a lead; prints its id."""
    from leaddesk.core.domain.validate import LeadDraft
    from leaddesk.core.writes.leads import add_lead

    now = env.clock().now()
    draft = LeadDraft(
        name=name,
        phones=[(p, "") for p in phones],
        email=email,
        company=company,
        title=title,
        source=source,
        interest=interest,
        address=address,
        tz_override=tz,
        notes=notes,
        received_at=parse_instant(received, env.settings.rep_timezone) if received else None,
    )
    env.open()
    if owner:
        from leaddesk.core.writes.team import owner_cycle

        draft.owner = next(owner_cycle(owner))
    lead_id = add_lead(draft, now, env.settings)
    if as_json:
        _json({"id": lead_id, "name": name})
    else:
        click.echo(lead_id)


def _lead_id(text: str) -> int:
    try:
        value = int(text.lstrip("#"))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a lead id (a number, e.g. 42)") from None
    if not 0 < value < 2**63:
        raise InvalidInput(f"{text!r} is not a lead id (a number, e.g. 42)")
    return value


@main.command()
@click.argument("lead")
@click.argument("outcome")
@click.option("--next", "next_text", metavar="WHEN", help="Next contact: 'thu 3pm', ISO, …")
@click.option("--note", default="")
@click.option(
    "--duration", type=click.IntRange(min=0, max=86_400), default=None, help="Call seconds."
)
@click.option("--yes", "confirmed", is_flag=True, help="Close as lost even before 8 attempts.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def log(env: Env, lead, outcome, next_text, note, duration, confirmed, as_json):
    """Log OUTCOME for LEAD and schedule the next contact.

    OUTCOME: no-answer voicemail busy gatekeeper connected callback appointment
    not-interested dnc wrong-number won email letter — and the decisions
    lost (close; asks to confirm before 8 attempts), dnc-clear, dnm (do not
    mail), dnm-clear. Moving to another cadence is `leaddesk cadence`.
    """
    from leaddesk.core.domain.rules import outcome as outcome_spec

    lead_id = _lead_id(lead)
    outcome_spec(outcome)
    if outcome == "cadence":
        raise InvalidInput("move a lead to a cadence with: leaddesk cadence LEAD NAME")
    now = env.clock().now()
    env.open()
    next_at = _next_at(env, lead_id, next_text, now)
    result = _log_confirming(
        env, lead_id, outcome, now, confirmed, next_at=next_at, note=note, duration_s=duration
    )
    _print_logged(result, as_json)


def _next_at(env: Env, lead_id: int, text: str | None, now: Any) -> Any:
    """A `--next WHEN` typed in the lead's own time zone."""
    if not text:
        return None
    from leaddesk.core.reads.leads import lead_view

    zone = lead_view(lead_id, now, env.settings, touches=0).timezone
    return parse_when(text, now, zone, env.settings.rules.morning_hour)


def _log_confirming(
    env: Env, lead_id: int, outcome: str, now: Any, confirmed: bool, **kwargs: Any
) -> Any:
    """log_outcome, answering the give-up guard: --yes, or a prompt on a terminal."""
    from leaddesk.core.domain.errors import NeedsConfirmation
    from leaddesk.core.writes.outcomes import log_outcome

    try:
        return log_outcome(lead_id, outcome, now, env.settings, confirmed=confirmed, **kwargs)
    except NeedsConfirmation as exc:
        if not sys.stdin.isatty():
            raise NeedsConfirmation(
                f"lead {lead_id}: {exc}; add --yes to close it anyway"
            ) from None
        ask = f"leaddesk: lead {lead_id}: {exc} (most answer by the 8th try). Close as lost?"
        if not click.confirm(ask, default=False, err=True):
            raise InvalidInput("not closed") from None
        return log_outcome(lead_id, outcome, now, env.settings, confirmed=True, **kwargs)


def _print_logged(result: Any, as_json: bool) -> None:
    if as_json:
        _json(
            {
                "touch_id": result.touch_id,
                "lead_id": result.lead_id,
                "name": result.name,
                "outcome": result.outcome,
                "status": result.status,
                "next_due_at": iso(result.next_due_at),
                "next_channel": result.next_channel or None,
                "summary": result.summary,
            }
        )
    else:
        click.echo(f"#{result.lead_id} {result.name}: {result.summary}")


@main.command()
@click.argument("lead", required=False)
@click.argument("name", required=False)
@click.option("--note", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def cadence(env: Env, lead, name, note, as_json):
    """Move LEAD to the cadence NAME (from its first step); without arguments, list them."""
    if lead is None:
        cadences = env.settings.cadences
        if as_json:
            _json(
                {
                    c.name: [
                        {"after_minutes": s.after_minutes, "channel": s.channel} for s in c.steps
                    ]
                    for c in cadences.values()
                }
            )
            return
        for c in cadences.values():
            default = " (default)" if c.name == env.settings.default_cadence else ""
            steps = ", ".join(f"{_offset(s.after_minutes)} {s.channel}" for s in c.steps)
            click.echo(f"{c.name}{default}: {steps}")
        return
    if name is None:
        raise InvalidInput("name the cadence: leaddesk cadence LEAD NAME (list: leaddesk cadence)")
    lead_id = _lead_id(lead)
    now = env.clock().now()
    env.open()
    result = _log_confirming(env, lead_id, "cadence", now, False, cadence=name, note=note)
    _print_logged(result, as_json)


def _offset(minutes: int) -> str:
    for unit, size in (("w", 10080), ("d", 1440), ("h", 60)):
        if minutes and minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_env
def undo(env: Env, as_json):
    """Undo the most recent logged touch, and what it scheduled."""
    from leaddesk.core.writes.outcomes import undo_last

    now = env.clock().now()
    env.open()
    result = undo_last(now, env.settings)
    if as_json:
        _json(
            {
                "lead_id": result.lead_id,
                "name": result.name,
                "outcome": result.outcome,
                "touch_id": result.touch_id,
            }
        )
    else:
        click.echo(result.summary)


@main.command()
@click.option("--days", type=click.IntRange(min=1, max=365), required=True, help="Business days.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def shift(env: Env, days, as_json):
    """Vacation shift: move every future due time DAYS business days later.

    Calls land inside the calling window; promised callbacks and appointments
    keep their time.
    """
    from leaddesk.core.writes.outcomes import shift_schedule

    now = env.clock().now()
    env.open()
    result = shift_schedule(days, now, env.settings)
    if as_json:
        _json({"moved": result.moved, "days": result.days, "kept_promises": result.kept})
    else:
        unit = "business day" if days == 1 else "business days"
        noun = "lead" if result.moved == 1 else "leads"
        kept = f"promises kept: {result.kept} lead(s) with a callback or appointment not moved"
        click.echo(f"moved {result.moved} {noun} by {days} {unit} ({kept})")


@main.command()
@click.option("--limit", type=click.IntRange(min=1, max=10_000_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def due(env: Env, limit, as_json):
    """The queue in order: who to call next, and why."""
    from leaddesk.core.domain.text import when_local
    from leaddesk.core.reads.queue import whole_queue

    now = env.clock().now()
    env.open()
    rows = whole_queue(now, env.settings, limit)
    if as_json:
        _json(
            [
                {
                    "id": r.lead_id,
                    "name": r.name,
                    "company": r.company,
                    "tier": r.tier,
                    "section": r.section,
                    "reason": r.reason,
                    "due_at": iso(r.due_at),
                    "due_local": iso(r.due_at.in_timezone(r.zone)),
                    "timezone": r.zone,
                    "channel": r.channel,
                    "callable": r.callable,
                    "opens_at": iso(r.opens_at),
                    "attempts": r.attempts,
                    "step": min(r.step + 1, r.steps),
                    "steps": r.steps,
                    "status": r.status,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo("Nothing due. (leaddesk add …, leaddesk import FILE, or leaddesk demo)")
        return
    section = None
    for r in rows:
        label = "DUE NOW" if r.section == "due" else "LATER"
        if label != section:
            section = label
            click.echo(label)
        when = when_local(r.due_at, env.settings.rep_timezone, now)
        name = f"{r.name} · {r.company}" if r.company else r.name
        click.echo(f"  #{r.lead_id:<6} {name[:34]:<34} {r.channel:<6} {when:>10}  {r.reason}")


@main.command()
@click.argument("lead")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def show(env: Env, lead, as_json):
    """Everything about one lead, with its touch history."""
    from leaddesk.core.domain.text import when_local
    from leaddesk.core.reads.leads import lead_view

    now = env.clock().now()
    env.open()
    view = lead_view(_lead_id(lead), now, env.settings)
    if as_json:
        _json(
            {
                "id": view.id,
                "name": view.name,
                "company": view.company,
                "title": view.title,
                "phone": view.phone,
                "phones": [
                    {"e164": p.e164, "raw": p.raw, "label": p.label, "bad": p.bad}
                    for p in view.phones
                ],
                "email": view.email,
                "address": view.address,
                "timezone": view.timezone,
                "timezone_source": view.timezone_source,
                "call_zones": list(view.call_zones),
                "local_time": iso(view.local_now),
                "window_open": view.window_open,
                "window_opens_at": iso(view.window_opens_at),
                "holiday": view.holiday,
                "source": view.source,
                "interest": view.interest,
                "received_at": iso(view.received_at),
                "status": view.status,
                "owner": view.owner or None,
                "claimed_by": view.claimed_by or None,
                "tier": view.tier,
                "attempts": view.attempts,
                "no_count": view.no_count,
                "do_not_call": view.do_not_call,
                "dnc_at": iso(view.dnc_at),
                "do_not_mail": view.do_not_mail,
                "dnm_at": iso(view.dnm_at),
                "closed_early": view.closed_early,
                "cadence": view.cadence,
                "cadence_step": min(view.cadence_step + 1, view.steps),
                "cadence_steps": view.steps,
                "next_due_at": iso(view.next_due_at),
                "next_channel": view.next_channel or None,
                "promises": [{"at": iso(p.at), "kind": p.kind} for p in view.promises],
                "touches": [
                    {
                        "at": iso(t.at),
                        "channel": t.channel,
                        "outcome": t.outcome,
                        "note": t.note,
                        "scheduled_due_at": iso(t.scheduled_due_at),
                    }
                    for t in view.touches
                ],
            }
        )
        return
    zone = view.timezone
    click.echo(f"#{view.id} {view.name}" + (f" · {view.company}" if view.company else ""))
    for p in view.phones:
        click.echo(f"  phone  {p.display}{' (bad)' if p.bad else ''}  {p.label}".rstrip())
    if view.email:
        click.echo(f"  email  {view.email}")
    window = "window open" if view.window_open else "window closed"
    if view.holiday:
        window += f" ({view.holiday})"
    click.echo(f"  zone   {zone} ({view.timezone_source}), local {view.local_now:%a %H:%M}"
               f", {window}")  # fmt: skip
    step = f"{view.cadence} {min(view.cadence_step + 1, view.steps)}/{view.steps}"
    flags = (" · DO NOT CALL" if view.do_not_call else "") + (
        " · DO NOT MAIL" if view.do_not_mail else ""
    )
    early = " (closed early)" if view.closed_early else ""
    click.echo(f"  status {view.status}{early} · {step} · attempts {view.attempts}"
               f" · no's {view.no_count}{flags}")  # fmt: skip
    if view.next_due_at:
        click.echo(f"  next   {view.next_channel} {when_local(view.next_due_at, zone, now)}"
                   " their time")  # fmt: skip
    if view.owner or view.claimed_by:
        calling = f" · being called by {view.claimed_by}" if view.claimed_by else ""
        click.echo(f"  owner  {view.owner or 'the pool'}{calling}")
    click.echo("  history")
    for t in view.touches:
        note = f" — {t.note}" if t.note and t.outcome != "received" else ""
        what = t.note if t.outcome == "received" else t.outcome.replace("-", " ")
        what = f"{t.by}: {what}" if t.by else what
        local = t.at.in_timezone(env.settings.rep_timezone)
        click.echo(f"    {local:%Y-%m-%d %H:%M}  {t.channel:<6} {what}{note}")


@main.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1, max=200), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def find(env: Env, text, limit, as_json):
    """Find leads by name, company, phone digits (any formatting), email or notes."""
    from leaddesk.core.reads.search import search

    env.open()
    hits = search(text, limit)
    if as_json:
        _json(
            [
                {
                    "id": h.lead_id,
                    "name": h.name,
                    "company": h.company,
                    "status": h.status,
                    "field": h.field,
                    "excerpt": h.excerpt,
                }
                for h in hits
            ]
        )
        return
    if not hits:
        click.echo(f"no lead matches {text!r}")
        return
    for h in hits:
        name = f"{h.name} · {h.company}" if h.company else h.name
        where = f"{h.field} {h.excerpt}".rstrip() if h.field != "name" else ""
        click.echo(f"#{h.lead_id:<6} {name[:40]:<40} {h.status:<11} {where}".rstrip())


@main.command()
@click.option("--leads", type=click.IntRange(min=1, max=2_000_000), default=60, show_default=True)
@click.option("--seed", type=int, default=None, help="Repeatable data.")
@pass_env
def demo(env: Env, leads, seed):
    """Fill the database with realistic synthetic leads and history."""
    from leaddesk.core.demo import fill_demo

    now = env.clock().now()
    env.open()
    made = fill_demo(leads, now, env.settings, seed=seed)
    click.echo(f"added {made} demo leads to {mask_url(env.target)}")


@main.command()
@click.option("--since", "since_text", metavar="DATE", help="Also a period from DATE (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def stats(env: Env, since_text, as_json):
    """Your numbers: today, this week, 30 days (and the running session).

    Dials, connects, contact rate, voicemails, appointments, wins, speed to
    lead, leads abandoned after two or fewer attempts; best hour to call,
    dials before a connect, pipeline, overdue promises, 30-day dials.
    """
    from leaddesk.core.reads.stats_text import report_json, report_lines, since_date
    from leaddesk.core.writes.sessions import your_numbers

    now = env.clock().now()
    since = since_date(since_text, now, env.settings.rep_timezone) if since_text else None
    env.open()
    report = your_numbers(now, env.settings, since)
    if as_json:
        _json(report_json(report))
    else:
        for line in report_lines(report):
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
                      env.warnings)  # fmt: skip
    if as_json:
        _json(report.as_dict())
    else:
        for line in as_text(report):
            click.echo(line)
    if not report.healthy:
        sys.exit(1)


# --- spreadsheets in and out ---------------------------------------------------------


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show exactly what would happen; write nothing.")
@click.option(
    "--map",
    "overrides",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Map a column yourself (e.g. 'Cell=phone:mobile', 'Fax=ignore'); repeatable.",
)
@click.option(
    "--on-duplicate",
    type=click.Choice(["skip", "update"]),
    default="skip",
    show_default=True,
    help="A row with the phone or email of a lead already there: skip it, or fill in "
    "what that lead is missing.",
)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where rejected rows go (default: FILE's name + .rejects.csv, beside it).",
)
@click.option("--encoding", default=None, help="Read as this encoding instead of detecting it.")
@click.option("--delimiter", default=None, help="comma, semicolon, tab or one character.")
@click.option(
    "--owner",
    default=None,
    metavar="REP|round-robin",
    help="Give the new leads to a rep, or round-robin across the reps (default: the pool).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_env
def import_(env: Env, file, dry_run, overrides, on_duplicate, rejects_path, encoding, delimiter,
            owner, as_json):  # fmt: skip
    """Import leads from a spreadsheet (CSV, semicolon or tab separated) or a
    leaddesk JSONL export. The whole file is imported or none of it."""
    from leaddesk.core.transfer.importing import import_file, open_source, preview_lines

    now = env.clock().now()
    source = open_source(file, overrides=overrides, encoding=encoding, delimiter=delimiter)
    if not as_json:
        if source.mapping is not None:
            click.echo(f"{source.path.name} ({source.table.description}); columns:")
            for line in source.mapping.lines():
                click.echo(f"  {line}")
        else:
            click.echo(f"{source.path.name}: leaddesk JSONL export (every field kept)")
    env.open()
    with _ProgressBar(source.size, "importing") as progress:
        summary = import_file(
            source,
            now,
            env.settings,
            dry_run=dry_run,
            on_duplicate=on_duplicate,
            rejects_path=rejects_path,
            progress=progress,
            owner=owner,
        )
    if as_json:
        _json(summary.as_json())
        return
    for line in preview_lines(summary):
        click.echo(line)
    if dry_run:
        click.echo("dry run: nothing was written")


class _ProgressBar:
    """click's progress bar on stderr when it is a terminal, else nothing."""

    def __init__(self, total: int, label: str) -> None:
        self.total = total
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __enter__(self):
        if not sys.stderr.isatty() or self.total < 1_000_000:
            return None
        self.bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr)
        self.bar.__enter__()
        return self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(max(done - self.done, 0))
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "ics"]),
    default="csv",
    show_default=True,
)
@click.option("-o", "--output", default=None, metavar="FILE", help="Write here (default: stdout).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="Only leads with this status (repeatable, or comma-separated).",
)
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 BOM (for Excel).")
@pass_env
def export(env: Env, fmt, output, statuses, bom):
    """Export leads: csv (one row per lead), jsonl (everything, re-importable)
    or ics (upcoming appointments and callbacks for your calendar)."""
    from leaddesk.core.transfer.exporting import (
        check_statuses,
        export_csv,
        export_ics,
        write_output,
    )
    from leaddesk.core.transfer.fulldump import export_jsonl

    now = env.clock().now()
    wanted = check_statuses(statuses)
    if fmt == "ics" and wanted:
        raise InvalidInput("--status does not apply to --format ics")
    env.open()
    if fmt == "csv":
        written = write_output(output, lambda out: export_csv(out, env.settings, wanted), bom=bom)
    elif fmt == "jsonl":
        written = write_output(output, lambda out: export_jsonl(out, now, wanted))
    else:
        written = write_output(output, lambda out: export_ics(out, now, env.settings))
    if written.path:
        what = "events" if fmt == "ics" else "leads"
        click.echo(f"exported {written.count} {what} to {written.path}", err=True)


@main.command()
@click.option("-o", "--output", default=None, metavar="FILE", help="Write here (default: stdout).")
@click.option(
    "--until", "until_text", default=None, metavar="WHEN", help="Due by then (default: now)."
)
@click.option(
    "--mark-sent", is_flag=True, help="Log every letter listed as sent (one transaction)."
)
@click.option("--bom", is_flag=True, help="Start with a UTF-8 BOM (for Excel / Word mail merge).")
@pass_env
def letters(env: Env, output, until_text, mark_sent, bom):
    """Letters due: a mail-merge CSV of leads whose next step is a letter."""
    from leaddesk.core.transfer.exporting import take_letters, write_letters, write_output

    now = env.clock().now()
    until = now
    if until_text:
        until = parse_when(
            until_text, now, env.settings.rep_timezone, env.settings.rules.morning_hour
        )
    env.open()

    def produce(out) -> int:
        done = take_letters(
            until, now, env.settings, mark_sent=mark_sent, write=lambda ls: write_letters(out, ls)
        )
        return len(done)

    written = write_output(output, produce, bom=bom)
    verb = "logged as sent" if mark_sent else "due (not logged; --mark-sent logs them)"
    where = f" → {written.path}" if written.path else ""
    click.echo(f"{written.count} letter(s) {verb}{where}", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@pass_env
def backup(env: Env, file, as_json):
    """A consistent copy of the database in FILE (safe while the desk runs)."""
    from leaddesk.core.transfer.backup import backup_store, check_sqlite_target

    check_sqlite_target(env.target)
    env.open()
    made = backup_store(file)
    if as_json:
        _json({"file": made.path, "leads": made.leads, "touches": made.touches,
               "bytes": made.bytes, "schema": made.schema})  # fmt: skip
    else:
        click.echo(f"backed up {made.leads} leads, {made.touches} touches to {made.path}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_env
def restore(env: Env, file, yes):
    """Replace the database with the backup FILE (a copy of the current one is kept)."""
    from leaddesk.core.transfer.backup import check_sqlite_target, inspect_store_file, restore_store

    now = env.clock().now()
    check_sqlite_target(env.target)  # PostgreSQL: pg_dump's job, whatever the file is
    inspect_store_file(file)  # refuse a bad file before creating anything
    env.open()

    def confirm(incoming, current, aside) -> bool:
        if yes:
            return True
        click.echo(f"restore {incoming.path}: {incoming.leads} leads, {incoming.touches} touches")
        click.echo(f"replacing {current.path}: {current.leads} leads, {current.touches} touches")
        click.echo(f"(the current database is copied to {aside} first)")
        return click.confirm("replace it?", default=False, err=True)

    result = restore_store(file, now, confirm)
    if result is None:
        _fail("restore cancelled: nothing changed")
        return
    click.echo(
        f"restored {result.restored.leads} leads from {file}; "
        f"the previous database ({result.previous.leads} leads) is at {result.aside}"
    )


# Team mode: claim, release, assign, reps (leaddesk/cli_team.py).
from leaddesk.cli_team import register  # noqa: E402

register(main)


if __name__ == "__main__":  # pragma: no cover
    main()
