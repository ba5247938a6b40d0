"""Leads: add one, show one with its history, find them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from leaddesk.cli.base import Env, echo_json, main, parse_lead_id, pass_env
from leaddesk.core.domain.when import parse_instant
from leaddesk.output import pick

if TYPE_CHECKING:
    from leaddesk.core.reads.leads import LeadView


@main.command()
@click.option("--name", required=True, help="Full name (or the company's name).")
@click.option("--phone", "phones", multiple=True, help="Phone number; repeat for several.")
@click.option("--email", default="")
@click.option("--company", default="")
@click.option("--title", default="")
@click.option("--source", default="", help="Where you met them.")
@click.option("--interest", default="", help="What they are interested in.")
@click.option("--address", default="")
@click.option(
    "--timezone", "tz", default=None, help="If not the phone's: IANA zone, Eastern, PST, London …"
)
@click.option("--received", default=None, metavar="ISO8601", help="When the lead came in.")
@click.option("--notes", default="")
@click.option("--owner", default=None, metavar="REP|round-robin", help="Give it to a rep.")
@click.option(
    "--on-duplicate",
    type=click.Choice(["add", "skip"]),
    default="add",
    show_default=True,
    help="When the phone or email is already on a lead: add anyway (with a warning) or skip.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_env
def add(env: Env, name, phones, email, company, title, source, interest, address, tz, received,
        notes, owner, on_duplicate, as_json):  # fmt: skip
    """Add a lead; prints its id."""
    from leaddesk.core.domain.validate import LeadDraft, phone_warning, validate_draft
    from leaddesk.core.reads.drafts import find_duplicates
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
    doubts = [w for w in map(phone_warning, validate_draft(draft, env.settings)) if w]
    for doubt in doubts:
        click.echo(f"leaddesk: warning: {doubt}", err=True)
    found = find_duplicates(draft, env.settings)
    for d in found:
        # the same words the add form shows beside the fields
        click.echo(
            f"leaddesk: warning: {', '.join(d.matches)} already on lead {d.lead_id} ({d.name})",
            err=True,
        )
    duplicates = [{"id": d.lead_id, "name": d.name, "matches": list(d.matches)} for d in found]
    if duplicates and on_duplicate == "skip":
        click.echo("leaddesk: not added (--on-duplicate skip)", err=True)
        if as_json:
            echo_json({"id": None, "name": name, "duplicates": duplicates})
        return
    lead_id = add_lead(draft, now, env.settings)
    if as_json:
        echo_json({"id": lead_id, "name": name, "duplicates": duplicates})
    else:
        click.echo(lead_id)


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
    view = lead_view(parse_lead_id(lead), now, env.settings)
    if as_json:
        keys = (
            "id name company title phone phones email address city region postcode country "
            "timezone timezone_source "
            "call_zones jurisdictions blocked_by local_time=local_now window_open window_opens_at "
            "holiday source interest "
            "first_contact_on received_at tags notes status owner claimed_by tier attempts "
            "no_count do_not_call dnc_at "
            "do_not_mail dnm_at closed_early cadence cadence_step cadence_steps=steps "
            "next_due_at next_channel promises touches"
        )
        touch_keys = "at channel outcome note scheduled_due_at outside_hours"
        echo_json(
            pick(
                view,
                keys,
                owner=view.owner or None,
                claimed_by=view.claimed_by or None,
                cadence_step=min(view.cadence_step + 1, view.steps),
                next_channel=view.next_channel or None,
                promises=[pick(p, "at kind") for p in view.promises],
                touches=[pick(t, touch_keys) for t in view.touches],
            )
        )
        return
    zone = view.timezone
    click.echo(f"#{view.id} {view.name}" + (f" · {view.company}" if view.company else ""))
    for p in view.phones:
        click.echo(f"  phone  {p.display}{' (bad)' if p.bad else ''}  {p.label}".rstrip())
    if view.email:
        click.echo(f"  email  {view.email}")
    _about(view, env.settings.rep_timezone)
    window = "window open" if view.window_open else "window closed"
    if view.holiday:
        window += f" ({view.holiday})"
    click.echo(f"  zone   {zone} ({view.timezone_source}), local {view.local_now:%a %H:%M}"
               f", {window}")  # fmt: skip
    if view.rules_text:
        click.echo(f"  rules  {view.rules_text}")
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
        what = t.note if t.outcome == "received" else t.outcome_text
        what = f"{t.by}: {what}" if t.by else what
        local = t.at.in_timezone(env.settings.rep_timezone)
        click.echo(f"    {local:%Y-%m-%d %H:%M}  {t.channel:<6} {what}{note}")


def _about(view: LeadView, rep_zone: str) -> None:
    """Where the lead is and what is known of it: every field the rep can fill in."""
    place = ", ".join(
        p for p in (view.address, view.city, f"{view.region} {view.postcode}".strip(), view.country)
        if p
    )  # fmt: skip
    about = " · ".join(
        f"{label} {value}"
        for label, value in (("source", view.source), ("interest", view.interest))
        if value
    )
    received = f"received {view.received_at.in_timezone(rep_zone):%Y-%m-%d %H:%M}"
    first = f" · first contact {view.first_contact_on:%Y-%m-%d}" if view.first_contact_on else ""
    for label, value in (
        ("title", view.title),
        ("where", place),
        ("about", about),
        ("tags", view.tags),
        ("dates", received + first),
        ("notes", " ⏎ ".join(view.notes.splitlines())),
    ):
        if value:
            click.echo(f"  {label:<6} {value}")


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
        echo_json([pick(h, "id=lead_id name company status field excerpt") for h in hits])
        return
    if not hits:
        click.echo(f"no lead matches {text!r}")
        return
    for h in hits:
        name = f"{h.name} · {h.company}" if h.company else h.name
        where = f"{h.field} {h.excerpt}".rstrip() if h.field != "name" else ""
        click.echo(f"#{h.lead_id:<6} {name[:40]:<40} {h.status:<11} {where}".rstrip())
