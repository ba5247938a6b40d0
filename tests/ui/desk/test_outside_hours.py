"""The calling-hours policy is the core's: the desk shows its refusal and logs
anyway only when the rep presses the same key again on the same lead.

Until the core enforces the policy, its refusal is faked at the boundary
(the log_outcome the desk's keystroke job calls)."""

from __future__ import annotations

from desk_helpers import lead, settle

from leaddesk.core.desk import keystroke
from leaddesk.core.domain.errors import OutsideHours
from leaddesk.core.store.models import Touch
from leaddesk.ui.desk.screen import DeskScreen
from leaddesk.ui.widgets.status import StatusLine


def refusing(monkeypatch) -> list[dict]:
    """log_outcome refuses unless told `outside_hours=True`; returns the calls seen."""
    seen: list[dict] = []
    real = keystroke.log_outcome

    def log_outcome(*args, **kwargs):
        seen.append(kwargs)
        if not kwargs.get("outside_hours"):
            # worded as the core words it: the lead's name first
            raise OutsideHours(
                "Dana Whitfield: outside calling hours — 22:30 their time, opens Tue 08:00"
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(keystroke, "log_outcome", log_outcome)
    return seen


async def ready(pilot) -> StatusLine:
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, DeskScreen) and app.screen.queue.selected,
                 "the desk")  # fmt: skip
    return app.screen.query_one(StatusLine)


async def test_the_same_key_again_logs_it_anyway(new_app, desk_settings, monkeypatch):
    seen = refusing(monkeypatch)
    dana = lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=(120, 35)) as pilot:
        status = await ready(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: "the same key again logs it anyway" in status.message, "asked")
        assert status.message.startswith("Dana Whitfield: outside calling hours")
        assert not Touch.select().where(Touch.outcome == "no-answer").exists()
        await pilot.press("n")
        await settle(pilot, lambda: "u to undo" in status.message, "logged")
    assert Touch.get(Touch.outcome == "no-answer").lead_id == dana
    assert [call.get("outside_hours") for call in seen] == [False, True]


async def test_any_other_key_cancels_the_confirmation(new_app, desk_settings, monkeypatch):
    seen = refusing(monkeypatch)
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app()
    async with app.run_test(size=(120, 35)) as pilot:
        status = await ready(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: "the same key again" in status.message, "asked")
        await pilot.press("v")  # another outcome: asked afresh, not confirmed
        await settle(pilot, lambda: len(seen) == 2 and "the same key again" in status.message,
                     "asked again")  # fmt: skip
        await pilot.press("n")
        await settle(pilot, lambda: len(seen) == 3, "asked a third time")
    assert [call.get("outside_hours") for call in seen] == [False, False, False]
    assert not Touch.select().where(Touch.channel == "call").exists()


async def test_a_running_call_timer_is_passed_as_the_dial_time(
    new_app, desk_settings, clock, monkeypatch
):
    from leaddesk.core.domain.record import replace

    seen: list[dict] = []
    real = keystroke.log_outcome

    def log_outcome(*args, **kwargs):
        seen.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(keystroke, "log_outcome", log_outcome)
    lead(desk_settings, "Dana Whitfield", "(212) 555-0142", 30)
    app = new_app(replace(desk_settings, dialer="copy"))
    async with app.run_test(size=(120, 35)) as pilot:
        status = await ready(pilot)
        dialled_at = clock.now()
        await pilot.press("enter")
        await settle(pilot, lambda: "copied to the clipboard" in status.message, "dialled")
        clock.advance(seconds=90)
        await pilot.press("c")
        await settle(pilot, lambda: seen, "logged")
    assert seen[0]["dialled_at"] == dialled_at and seen[0]["duration_s"] == 90
