"""Calls and the queue: log an outcome, move a lead to a cadence, undo, the
vacation shift, and `due` (which must stay quick: no UI, nothing heavy)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click
from pendulum import DateTime

from leaddesk.cli.base import Env, echo_json, fail, main, parse_lead_id, pass_env
from leaddesk.core.domain.errors import InvalidInput
from leaddesk.core.domain.when import parse_past, parse_when
from leaddesk.output import pick

if TYPE_CHECKING:
    from leaddesk.core.transfer.invitations import Invited
    from leaddesk.core.transfer.transport import Send
    from leaddesk.core.writes.outcomes import LogResult


@main.command()
@click.argument("lead")
@click.argument("outcome")
@click.option("--next", "next_text", metavar="WHEN", help="Next contact: 'thu 3pm', ISO, …")
@click.option(
    "--at", "at_text", metavar="WHEN", help="When the call happened ('2pm', 'yesterday 14:00')."
)
@click.option(
    "--outside-hours", is_flag=True, help="Log a call outside the lead's calling hours anyway."
)
@click.option("--note", default="")
@click.option(
    "--duration", type=click.IntRange(min=0, max=86_400), default=None, help="Call seconds."
)
@click.option("--yes", "confirmed", is_flag=True, help="Close as lost even before 8 attempts.")
@click.option(
    "--invite", is_flag=True,
    help="appointment: email the lead a calendar invitation (an update if one went out); "
    "lost: cancel the invited appointments it closes. Needs [mail].",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True)
@pass_env
def log(env: Env, lead: str, outcome: str, next_text: str | None, at_text: str | None,
        outside_hours: bool, note: str, duration: int | None, confirmed: bool,
        invite: bool, as_json: bool) -> None:  # fmt: skip
    """Log OUTCOME for LEAD and schedule the next contact.

    OUTCOME: no-answer voicemail busy gatekeeper connected callback appointment
    not-interested dnc wrong-number won email letter — and the decisions
    lost (close; asks to confirm before 8 attempts), dnc-clear, dnm (do not
    mail), dnm-clear. Moving to another cadence is `leaddesk cadence`.

    --at and --next are read in the lead's time zone, like the desk's picker.
    A call outside the lead's calling hours (at --at, else now) is refused
    unless --outside-hours, and then marked in the history.
    With --invite the appointment is saved first; an invitation the server
    refuses is one line ("appointment set; invitation not sent: …"), exit 1.
    """
    from leaddesk.core.domain.lead_state import outcome as outcome_spec

    lead_id = parse_lead_id(lead)
    outcome_spec(outcome)
    if outcome == "cadence":
        raise InvalidInput("move a lead to a cadence with: leaddesk cadence LEAD NAME")
    if invite and outcome not in ("appointment", "lost"):
        raise InvalidInput("--invite goes with appointment (invite) or lost (cancel)")
    transport = invitation_transport(env) if invite else None
    now = env.clock().now()
    env.open()
    zone = _lead_zone(env, lead_id, now) if next_text or at_text else ""
    morning = env.settings.rules.morning_hour
    # --next counts from the moment of logging, --at says when the call itself was.
    next_at = parse_when(next_text, now, zone, morning) if next_text else None
    at = parse_past(at_text, now, zone, morning) if at_text else now
    result = _log_confirming(
        env, lead_id, outcome, at, confirmed, next_at=next_at, note=note, duration_s=duration,
        outside_hours=outside_hours,
    )  # fmt: skip
    if transport is None:
        _print_logged(result, as_json)
        return
    invited, problem = send_invitations(env, result, transport)
    _print_logged(result, as_json, invited)
    if problem:
        fail(problem)


def _lead_zone(env: Env, lead_id: int, now: DateTime) -> str:
    """The zone the lead's times are typed in (its own, like the desk's picker)."""
    from leaddesk.core.reads.leads import lead_view

    return lead_view(lead_id, now, env.settings, touches=0).timezone


def _log_confirming(
    env: Env, lead_id: int, outcome: str, now: DateTime, confirmed: bool, **kwargs: Any
) -> LogResult:
    """log_outcome, answering the give-up guard: --yes, or a prompt on a terminal."""
    from leaddesk.core.domain.errors import NeedsConfirmation, OutsideHours
    from leaddesk.core.writes.outcomes import log_outcome

    try:
        return log_outcome(lead_id, outcome, now, env.settings, confirmed=confirmed, **kwargs)
    except OutsideHours as exc:
        raise OutsideHours(
            f"{exc}; add --outside-hours to log it anyway", exc.opens_at, exc.zone
        ) from None
    except NeedsConfirmation as exc:
        if not sys.stdin.isatty():
            raise NeedsConfirmation(
                f"lead {lead_id}: {exc}; add --yes to close it anyway"
            ) from None
        ask = f"leaddesk: lead {lead_id}: {exc} (most answer by the 8th try). Close as lost?"
        if not click.confirm(ask, default=False, err=True):
            raise InvalidInput("not closed") from None
        return log_outcome(lead_id, outcome, now, env.settings, confirmed=True, **kwargs)


def _print_logged(result: LogResult, as_json: bool, invited: list[Invited] | None = None) -> None:
    if as_json:
        keys = "touch_id lead_id name outcome status next_due_at next_channel summary outside_hours"
        extra = {} if invited is None else {"invitations": [pick(i, INVITED) for i in invited]}
        echo_json(pick(result, keys, next_channel=result.next_channel or None, **extra))
    else:
        click.echo(f"#{result.lead_id} {result.name}: {result.summary}")
        for i in invited or []:
            verb = "cancellation" if i.method == "CANCEL" else "invitation"
            click.echo(f"{verb} sent to {i.to}: {i.subject} (sequence {i.sequence})")


INVITED = "method uid sequence to subject message_id touch_id appointment_id"


def invitation_transport(env: Env) -> Send:
    """The [mail] account, checked before anything is logged."""
    from leaddesk.core.transfer.transport import transport_for

    if not env.settings.mail.configured:
        raise InvalidInput("--invite needs [mail] from and host (or sendmail_command) set")
    return transport_for(env.settings.mail)


def send_invitations(env: Env, result: LogResult, send: Send) -> tuple[list[Invited], str]:
    """After the outcome is committed: the invitation (appointment) or the
    cancellations (lost); a refusal is one line, what is logged stays logged."""
    from leaddesk.core.transfer import invitations
    from leaddesk.core.transfer.transport import MailError

    now, done = env.clock().now(), []
    what = "appointment set" if result.outcome == "appointment" else "closed"
    try:
        if result.outcome == "appointment":
            offer = invitations.invitation_for(result.touch_id)
            if offer is None:
                raise InvalidInput(f"not sent: lead {result.lead_id} has no email address")
            done.append(invitations.send_invitation(offer.appointment_id, now, env.settings, send))
        else:
            for appointment_id in invitations.cancelled_by(result.touch_id):
                done.append(invitations.send_cancel(appointment_id, now, env.settings, send))
    except (InvalidInput, MailError) as exc:
        return (
            done,
            f"{what}; {'invitation' if what == 'appointment set' else 'cancellation'} {exc}",
        )
    return done, ""


@main.command()
@click.argument("lead", required=False)
@click.argument("name", required=False)
@click.option("--note", default="")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def cadence(env: Env, lead: str | None, name: str | None, note: str, as_json: bool) -> None:
    """Move LEAD to the cadence NAME (from its first step); without arguments, list them."""
    if lead is None:
        cadences = env.settings.cadences
        if as_json:
            echo_json({c.name: c.steps for c in cadences.values()})
            return
        for c in cadences.values():
            default = " (default)" if c.name == env.settings.default_cadence else ""
            steps = ", ".join(f"{_offset(s.after_minutes)} {s.channel}" for s in c.steps)
            click.echo(f"{c.name}{default}: {steps}")
        return
    if name is None:
        raise InvalidInput("name the cadence: leaddesk cadence LEAD NAME (list: leaddesk cadence)")
    lead_id = parse_lead_id(lead)
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
def undo(env: Env, as_json: bool) -> None:
    """Undo the most recent logged touch, and what it scheduled."""
    from leaddesk.core.writes.outcomes import undo_last

    now = env.clock().now()
    env.open()
    result = undo_last(now, env.settings)
    if as_json:
        echo_json(pick(result, "lead_id name outcome touch_id"))
    else:
        click.echo(result.summary)


@main.command()
@click.option("--days", type=click.IntRange(min=1, max=365), required=True, help="Business days.")
@click.option("--json", "as_json", is_flag=True)
@pass_env
def shift(env: Env, days: int, as_json: bool) -> None:
    """Vacation shift: move every future due time DAYS business days later.

    Calls land inside the calling window; promised callbacks and appointments
    keep their time.
    """
    from leaddesk.core.writes.shift import shift_schedule

    now = env.clock().now()
    env.open()
    result = shift_schedule(days, now, env.settings)
    if as_json:
        echo_json(pick(result, "moved days kept_promises=kept"))
    else:
        unit = "business day" if days == 1 else "business days"
        noun = "lead" if result.moved == 1 else "leads"
        kept = f"promises kept: {result.kept} lead(s) with a callback or appointment not moved"
        click.echo(f"moved {result.moved} {noun} by {days} {unit} ({kept})")


@main.command()
@click.option("--limit", type=click.IntRange(min=1, max=10_000_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_env
def due(env: Env, limit: int, as_json: bool) -> None:
    """The queue in order: who to call next, and why."""
    from leaddesk.cli.queue import due_lines

    for line in due_lines(env, limit, as_json):
        click.echo(line)
