"""What `leaddesk due` prints, without click: the click command (cli/calls.py)
and the quick path (cli/fast.py) both print these lines."""

from __future__ import annotations

from leaddesk.cli.env import Env


def due_lines(env: Env, limit: int, as_json: bool, *, quick: bool = False) -> list[str]:
    """The queue in order, as the lines `due` prints (one JSON text with --json).
    `quick`: the store may be opened without peewee (`Env.open`); the caller closes it
    (store/sql.close_quick)."""
    from leaddesk.core.domain.text import when_local
    from leaddesk.core.reads.queue.blocked import blocked_by, first_reason
    from leaddesk.core.reads.queue.sections import whole_queue
    from leaddesk.output import json_text, pick, plain

    now = env.clock().now()
    env.open(quick=quick)
    rows = whole_queue(now, env.settings, limit)
    if as_json:
        keys = (
            "id=lead_id name company tier section reason due_at due_local timezone=zone channel "
            "callable blocked_by opens_at attempts step steps status"
        )
        blocks = blocked_by([r.lead_id for r in rows if r.channel == "call"], now, env.settings)
        data = [
            pick(
                r, keys, due_local=r.due_at.in_timezone(r.zone),
                step=min(r.step + 1, r.steps),
                blocked_by=first_reason(r.blocked_by, blocks.get(r.lead_id)),
            )
            for r in rows
        ]  # fmt: skip
        return [json_text(plain(data))]
    if not rows:
        from leaddesk.cli.desk import this_command

        run = this_command()
        return [f"Nothing due. ({run} add …, {run} import FILE, or {run} demo)"]
    lines, section = [], None
    for r in rows:
        label = "DUE NOW" if r.section == "due" else "LATER"
        if label != section:
            section = label
            lines.append(label)
        when = when_local(r.due_at, env.settings.rep_timezone, now)
        name = f"{r.name} · {r.company}" if r.company else r.name
        lines.append(f"  #{r.lead_id:<6} {name[:34]:<34} {r.channel:<6} {when:>10}  {r.reason}")
    return lines
