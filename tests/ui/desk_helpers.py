"""Helpers for desk tests: quick leads and condition waits (never sleeps)."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from textual.geometry import Region
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from leaddesk.core.domain.settings import Settings
from leaddesk.core.domain.validate import LeadDraft
from leaddesk.core.writes.leads import add_lead

# Monday 14:00 in New York, 13:00 for the rep in Chicago.
DESK_NOW = pendulum.datetime(2026, 11, 23, 19, 0, tz="UTC")


def lead(settings: Settings, name: str, phone: str, minutes_ago: int = 10, **extra) -> int:
    draft = LeadDraft(
        name=name, phones=[(phone, "")], received_at=DESK_NOW.subtract(minutes=minutes_ago), **extra
    )
    return add_lead(draft, DESK_NOW.subtract(minutes=minutes_ago), settings)


async def drain(app) -> None:
    """Every worker the app has run to its end. A worker cancelled meanwhile has ended
    too: the desk's change check is replaced by its next run (exclusive), and
    `wait_for_complete` raised WorkerCancelled for it when that happened mid-wait —
    under load, a failed desk test in one run of three."""
    for _ in range(100):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
    raise AssertionError("the desk's workers kept being cancelled")


async def settle(pilot: Pilot, predicate: Callable[[], bool], what: str, tries: int = 50) -> None:
    """Wait until `predicate` holds: drain workers and messages, never sleep."""
    for _ in range(tries):
        await drain(pilot.app)
        await pilot.pause()
        if predicate():
            return
    raise AssertionError(f"gave up waiting for: {what}")


def keys(text: str) -> list[str]:
    """Characters as pilot key names (a space is "space")."""
    return ["space" if c == " " else c for c in text]


def drawn(app) -> list[tuple[str, int]]:
    """What the top screen draws, widget by widget: (line, the widget's width).

    Read through Textual's public `Widget.render_lines`, never the compositor.
    """
    lines: list[tuple[str, int]] = []
    for widget in app.screen.query("*"):
        if not widget.display or not widget.region:
            continue  # hidden, or not laid out on screen
        width, height = widget.outer_size
        strips = widget.render_lines(Region(0, 0, width, height))
        lines.extend((strip.text, width) for strip in strips)
    return lines


def screen_text(app) -> str:
    """The text the rep sees on the top screen (see `drawn`)."""
    return "\n".join(line for line, _ in drawn(app))


def mailing(settings: Settings, port: int) -> Settings:
    """`settings` with [mail] sending through the loopback SMTP server on `port`."""
    from leaddesk.core.domain.mail import MailSettings
    from leaddesk.core.domain.record import replace

    mail = MailSettings(sender="Tester <t@example.com>", host="127.0.0.1", port=port,
                        security="none")  # fmt: skip
    return replace(settings, mail=mail)
